//! Path C over real HTTP against the sandbox: the user's Microsoft sign-in
//! with the Azure app (consent page played like a browser, back to the
//! wizard's loopback port), then Nylas v2 `/connect/authorize` and
//! `/connect/token` — events and shared calendars, replacing an account,
//! Nylas's flat errors, Microsoft refusing the token, and faults.

use std::time::Duration;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::native_auth::{
    connect_user, plan, NativeAuthInput, NativeAuthOutcome, NativeAuthPlan, NativeAuthProgress,
    NativeAuthSecrets, SignedInUser, UserSignIn,
};
use wizard_core::regions::Region;
use wizard_core::scopes::Feature;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

/// live-apps' correct Azure app (Contoso).
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";

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

fn input(features: &[Feature]) -> NativeAuthInput {
    NativeAuthInput {
        region: Region::Us,
        nylas_client_id: V2_CLIENT.into(),
        azure_client_id: AZURE_APP.into(),
        features: features.to_vec(),
        port: free_port(),
        ..NativeAuthInput::default()
    }
}

fn secrets(v2_secret: &str) -> NativeAuthSecrets {
    NativeAuthSecrets {
        nylas_client_secret: SecretString::from(v2_secret.to_owned()),
        azure_client_secret: SecretString::from("azure-value~practice".to_owned()),
    }
}

/// The user at Microsoft's consent page: where the browser is sent back to.
async fn consent(authorize_url: &Url, decision: &str) -> Url {
    let page = browser()
        .get(authorize_url.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = format!("id=\"{decision}\" href=\"");
    let at = page.find(&marker).expect("the consent page has the link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = browser().get(href).send().await.unwrap();
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

/// Sign the user in through the sandbox's Microsoft, like a browser would.
async fn sign_in(
    e: &Endpoints,
    p: &NativeAuthPlan,
    decision: &str,
) -> Result<SignedInUser, wizard_core::WizardError> {
    let flow = UserSignIn::start(e, p).await?;
    let url = flow.authorize_url().clone();
    assert!(
        url.as_str().contains(&format!("client_id={AZURE_APP}")),
        "{url}"
    );
    assert!(url.as_str().contains("code_challenge_method=S256"), "{url}");
    let back = consent(&url, decision).await;
    assert!(back.as_str().starts_with(&p.redirect_uri), "{back}");
    let azure = SecretString::from("azure-value~practice".to_owned());
    let cancel = CancellationToken::new();
    let client = http();
    let (user, _) = tokio::join!(
        flow.finish(&client, e, &azure, Duration::from_secs(20), &cancel),
        async { browser().get(back.as_str()).send().await.unwrap() }
    );
    user
}

async fn connect(
    e: &Endpoints,
    p: &NativeAuthPlan,
    v2_secret: &str,
) -> (NativeAuthOutcome, Vec<NativeAuthProgress>) {
    let user = sign_in(e, p, "approve").await.unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = connect_user(
        &http(),
        e,
        p,
        user,
        &secrets(v2_secret),
        &|ev| seen.lock().unwrap().push(ev),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    (outcome, seen.into_inner().unwrap())
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
async fn events_connects_one_graph_account() {
    let (sb, e) = sandbox().await;
    let before = accounts(&sb).len();
    let p = plan(&input(&[Feature::CalendarWrite])).unwrap();
    let (out, seen) = connect(&e, &p, V2_SECRET).await;
    assert_eq!(out.email, "admin@contoso.com");
    assert_eq!(out.results.len(), 1);
    let acc = out.results[0].account.as_ref().expect("connected");
    assert_eq!(acc.provider, "graph");
    assert_eq!(acc.billing_state.as_deref(), Some("paid"));
    let now = accounts(&sb);
    assert_eq!(now.len(), before + 1);
    let stored = now.iter().find(|a| a.id == acc.account_id).unwrap();
    assert_eq!(
        (stored.provider.as_str(), stored.scopes.as_str()),
        ("graph", "calendar")
    );
    assert!(matches!(
        seen.first(),
        Some(NativeAuthProgress::SignedIn { .. })
    ));
    assert!(matches!(
        seen.last(),
        Some(NativeAuthProgress::Connected { .. })
    ));
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/authorize"), 1);
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/token"), 1);
    let rec = out.record(None);
    assert_eq!((rec.total, rec.connected, rec.failed), (1, 1, 0));
    // Nothing the window could see carries a secret.
    let shown = serde_json::to_string(&out).unwrap();
    assert!(
        !shown.contains("sandbox-rt-") && !shown.contains("v2-at-") && !shown.contains(V2_SECRET)
    );
}

#[tokio::test]
async fn shared_calendars_make_two_accounts_from_one_sign_in() {
    let (sb, e) = sandbox().await;
    let before = accounts(&sb).len();
    let p = plan(&input(&[Feature::SharedCalendar])).unwrap();
    let (out, _) = connect(&e, &p, V2_SECRET).await;
    let got: Vec<(String, String)> = out
        .results
        .iter()
        .map(|r| {
            let a = r.account.as_ref().expect("both connected");
            (a.provider.clone(), a.account_id.clone())
        })
        .collect();
    assert_eq!(got[0].0, "office365");
    assert_eq!(got[1].0, "graph");
    assert_ne!(got[0].1, got[1].1, "two separate accounts");
    assert_eq!(accounts(&sb).len(), before + 2);
    assert_eq!(
        sb.calls("POST /microsoft-login/common/oauth2/v2.0/token"),
        1,
        "one sign-in"
    );
}

#[tokio::test]
async fn a_confirmed_replacement_keeps_the_account_id() {
    let (sb, e) = sandbox().await;
    let mut i = input(&[Feature::CalendarWrite]);
    i.reauth_account_ids = vec!["v2acct-contoso-adele".into()];
    assert!(plan(&i).is_err(), "not without the confirmation");
    i.confirm_replace = true;
    let p = plan(&i).unwrap();
    let before = accounts(&sb).len();
    let (out, _) = connect(&e, &p, V2_SECRET).await;
    assert_eq!(
        out.results[0].account.as_ref().unwrap().account_id,
        "v2acct-contoso-adele"
    );
    let now = accounts(&sb);
    assert_eq!(now.len(), before, "replaced, not added");
    let adele = now.iter().find(|a| a.id == "v2acct-contoso-adele").unwrap();
    assert_eq!(adele.email_address, "admin@contoso.com");
    // An account that doesn't exist: Nylas's flat 404, in plain words.
    i.reauth_account_ids = vec!["v2acct-nobody".into()];
    let p = plan(&i).unwrap();
    let (out, _) = connect(&e, &p, V2_SECRET).await;
    let err = out.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn a_wrong_v2_secret_is_named_and_nothing_is_created() {
    let (sb, e) = sandbox().await;
    let before = accounts(&sb).len();
    let p = plan(&input(&[])).unwrap();
    let (out, seen) = connect(&e, &p, "wrong-secret").await;
    let err = out.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(
        err.message.starts_with("The client ID or secret is wrong"),
        "{}",
        err.message
    );
    assert_eq!(accounts(&sb).len(), before);
    assert!(matches!(
        seen.last(),
        Some(NativeAuthProgress::Failed { .. })
    ));
    assert_eq!(out.record(None).failed, 1);
}

#[tokio::test]
async fn microsoft_refusing_the_token_comes_back_as_a_provider_rejection() {
    let (sb, e) = sandbox().await;
    let mut p = plan(&input(&[Feature::CalendarWrite])).unwrap();
    // A sign-in without the calendar permission Nylas needs.
    p.microsoft_scopes.retain(|s| !s.contains("Calendars"));
    let (out, _) = connect(&e, &p, V2_SECRET).await;
    let err = out.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert!(
        err.message.contains("Microsoft refused the account"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("Calendars.ReadWrite"),
        "{}",
        err.message
    );
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/token"), 0);
}

#[tokio::test]
async fn a_declined_consent_is_explained_and_nylas_is_not_called() {
    let (sb, e) = sandbox().await;
    let p = plan(&input(&[])).unwrap();
    let err = sign_in(&e, &p, "deny").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(err.message.contains("declined"), "{}", err.message);
    assert_eq!(sb.calls("POST /nylas-v2-us/connect/authorize"), 0);
}

#[tokio::test]
async fn faults_on_each_nylas_call_are_plain_errors_and_never_repeated() {
    let (sb, e) = sandbox().await;
    for (route, status, code) in [
        (
            "POST /nylas-v2-us/connect/authorize",
            503,
            ErrorCode::RemoteUnavailable,
        ),
        (
            "POST /nylas-v2-us/connect/token",
            500,
            ErrorCode::RemoteUnavailable,
        ),
        (
            "POST /nylas-v2-us/connect/token",
            401,
            ErrorCode::Unauthorized,
        ),
    ] {
        sb.set_faults(vec![Fault::new(route).with_status(status).first_n(1)])
            .unwrap();
        let before = sb.calls(route);
        let p = plan(&input(&[])).unwrap();
        let (out, _) = connect(&e, &p, V2_SECRET).await;
        let err = out.results[0]
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{route} {status}"));
        assert_eq!(err.code, code, "{route} {status}: {}", err.message);
        assert_eq!(sb.calls(route) - before, 1, "{route}: a write is sent once");
    }
    sb.set_faults(vec![]).unwrap();
}

#[tokio::test]
async fn the_eu_region_goes_to_the_eu_host() {
    let (sb, e) = sandbox().await;
    let mut i = input(&[]);
    i.region = Region::Eu;
    let p = plan(&i).unwrap();
    // Contoso's US app is unknown on the EU host: Nylas's flat 400.
    let (out, _) = connect(&e, &p, V2_SECRET).await;
    let err = out.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert!(
        err.message.contains("practice-v2-contoso-client"),
        "{}",
        err.message
    );
    assert_eq!(sb.calls("POST /nylas-v2-eu/connect/authorize"), 1);
}
