//! Path E point 6 over real HTTP against the sandbox: an existing v2
//! service account signs in (consent page played like a browser), each
//! address is checked with its Graph token (a real mailbox, not an alias,
//! not an account without a mailbox), then Nylas v2 `/connect/authorize`
//! with `service_account: true` and `/connect/token`.

use std::time::Duration;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::microsoft::Tokens;
use wizard_core::nylas_v2::native_auth::{NativeAuthSecrets, SignedInUser, UserSignIn};
use wizard_core::nylas_v2::service_account::{
    connect_mailboxes, plan, sign_in_plan, ServiceAccountInput, ServiceAccountPlan,
    ServiceAccountProgress,
};
use wizard_core::regions::Region;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, SandboxHandle, Scenario};

const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// Who the sandbox signs in for Contoso: the existing service account here.
const SERVICE: &str = "admin@contoso.com";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        max_retries: 1,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..HttpConfig::default()
    })
    .unwrap()
}

async fn sandbox() -> (SandboxHandle, Endpoints) {
    let mut s = Scenario::live_apps();
    s.nylas_v2_applications = Scenario::practice().nylas_v2_applications;
    let sb = start(s, None).await.unwrap();
    let e = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    (sb, e)
}

fn input(service: &str, users: &str) -> ServiceAccountInput {
    ServiceAccountInput {
        region: Region::Us,
        nylas_client_id: V2_CLIENT.into(),
        azure_client_id: AZURE_APP.into(),
        service_account: service.into(),
        users: users.into(),
        v2_scopes: "email,calendar,contacts".into(),
        port: free_port(),
        existing_setup: true,
    }
}

fn secrets(v2_secret: &str) -> NativeAuthSecrets {
    NativeAuthSecrets {
        nylas_client_secret: SecretString::from(v2_secret.to_owned()),
        azure_client_secret: SecretString::from("azure-value~practice".to_owned()),
    }
}

/// The service account signs in through the sandbox's Microsoft.
async fn sign_in(e: &Endpoints, p: &ServiceAccountPlan) -> (SignedInUser, Tokens) {
    let flow = UserSignIn::start(e, &sign_in_plan(p)).await.unwrap();
    let url = flow.authorize_url().clone();
    assert!(
        url.as_str().contains("/contoso.com/oauth2/v2.0/authorize"),
        "{url}"
    );
    assert!(url.as_str().contains("EWS.AccessAsUser.All"), "{url}");
    let page = browser()
        .get(url.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "id=\"approve\" href=\"";
    let at = page.find(marker).expect("consent link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = browser().get(href).send().await.unwrap();
    let back = resp.headers()["location"].to_str().unwrap().to_owned();
    let azure = SecretString::from("azure-value~practice".to_owned());
    let cancel = CancellationToken::new();
    let client = http();
    let (signed, _) = tokio::join!(
        flow.finish_with_graph(&client, e, &azure, Duration::from_secs(20), &cancel),
        async { browser().get(back.as_str()).send().await.unwrap() }
    );
    signed.unwrap()
}

fn accounts(sb: &SandboxHandle) -> Vec<wizard_sandbox::V2Account> {
    sb.scenario()
        .nylas_v2_applications
        .into_iter()
        .find(|a| a.client_id == V2_CLIENT)
        .unwrap()
        .accounts
}

#[tokio::test]
async fn a_real_mailbox_connects_and_an_alias_or_a_mailbox_less_account_is_refused_first() {
    let (sb, e) = sandbox().await;
    let before = accounts(&sb).len();
    let p = plan(&input(
        SERVICE,
        "adele.vance@contoso.com\nsales@contoso.com\nroom1@contoso.com",
    ))
    .unwrap();
    let (user, graph) = sign_in(&e, &p).await;
    let seen = std::sync::Mutex::new(Vec::new());
    let out = connect_mailboxes(
        &http(),
        &e,
        &p,
        (user, graph),
        &secrets(V2_SECRET),
        &|ev| seen.lock().unwrap().push(ev),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(out.service_account, SERVICE);
    let [adele, alias, room] = &out.results[..] else {
        panic!("{out:?}")
    };
    let acc = adele.account.as_ref().expect("adele connected");
    assert!(adele.check.ok);
    assert_eq!(adele.check.display_name.as_deref(), Some("Adele Vance"));
    assert_eq!(acc.provider, "exchange");
    assert!(!alias.check.ok && alias.account.is_none());
    assert!(
        alias.check.reason.as_deref().unwrap().contains("alias"),
        "{alias:?}"
    );
    assert_eq!(alias.error.as_ref().unwrap().code, ErrorCode::Rejected);
    assert!(!room.check.ok && room.account.is_none());
    assert!(
        room.check
            .reason
            .as_deref()
            .unwrap()
            .contains("without a mailbox"),
        "{room:?}"
    );
    // Only the real mailbox reached Nylas.
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/authorize"), 1);
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/token"), 1);
    assert_eq!(sb.calls("GET /graph/v1.0/users/sales@contoso.com"), 1);
    let now = accounts(&sb);
    assert_eq!(now.len(), before + 1);
    let stored = now.iter().find(|a| a.id == acc.account_id).unwrap();
    assert_eq!(
        (
            stored.email_address.as_str(),
            stored.provider.as_str(),
            stored.scopes.as_str()
        ),
        (
            "adele.vance@contoso.com",
            "exchange",
            "email,calendar,contacts"
        )
    );
    let rec = out.record(None);
    assert_eq!((rec.connected, rec.failed), (1, 2));
    let seen = seen.into_inner().unwrap();
    assert!(
        matches!(seen.first(), Some(ServiceAccountProgress::SignedIn { email }) if email == SERVICE)
    );
    assert!(seen.iter().any(|s| matches!(s, ServiceAccountProgress::Connected { email, .. } if email == "adele.vance@contoso.com")));
    // Nothing the window could see carries a secret.
    let shown = serde_json::to_string(&out).unwrap() + &serde_json::to_string(&p).unwrap();
    assert!(
        !shown.contains("sandbox-rt-") && !shown.contains("v2-at-") && !shown.contains(V2_SECRET)
    );
}

#[tokio::test]
async fn signing_in_as_another_account_than_the_service_account_is_refused() {
    let (sb, e) = sandbox().await;
    let p = plan(&input("service@contoso.com", "adele.vance@contoso.com")).unwrap();
    let (user, graph) = sign_in(&e, &p).await;
    let err = connect_mailboxes(
        &http(),
        &e,
        &p,
        (user, graph),
        &secrets(V2_SECRET),
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains(SERVICE) && err.message.contains("service@contoso.com"),
        "{}",
        err.message
    );
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/authorize"), 0);
}

#[tokio::test]
async fn a_wrong_v2_secret_fails_the_address_in_plain_words() {
    let (sb, e) = sandbox().await;
    let before = accounts(&sb).len();
    let p = plan(&input(SERVICE, "megan.bowen@contoso.com")).unwrap();
    let (user, graph) = sign_in(&e, &p).await;
    let out = connect_mailboxes(
        &http(),
        &e,
        &p,
        (user, graph),
        &secrets("wrong-secret"),
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let err = out.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(out.results[0].check.ok);
    assert_eq!(accounts(&sb).len(), before);
}

#[tokio::test]
async fn nylas_refuses_a_service_account_body_for_an_alias_even_unchecked() {
    // The sandbox models Microsoft's own refusal, should a check be skipped:
    // the same body for an alias is a provider rejection (402).
    let (sb, e) = sandbox().await;
    let p = plan(&input(SERVICE, "adele.vance@contoso.com")).unwrap();
    let (user, _graph) = sign_in(&e, &p).await;
    let mut body: serde_json::Value = serde_json::from_str(&p.preview).unwrap();
    body["email_address"] = "sales@contoso.com".into();
    body["settings"]["microsoft_client_secret"] = "azure-value~practice".into();
    body["settings"]["microsoft_refresh_token"] =
        secrecy::ExposeSecret::expose_secret(&user.refresh_token).into();
    let resp = browser()
        .post(format!("{}nylas-v2-us/connect/authorize", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 402);
    let text = resp.text().await.unwrap();
    assert!(text.contains("alias"), "{text}");
}
