//! The "Nylas v2 app" check (paths B and C) against the sandbox over real
//! HTTP on 127.0.0.1: the exact Basic headers (echo's trailing newline
//! refused), a pasted secret's own line break trimmed, a wrong secret, the
//! wrong region, the beta host's error shapes, and no secret in what the
//! window gets.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::error::WRONG_CREDENTIALS;
use wizard_core::nylas_v2::integrations::{list_integrations, BetaClient};
use wizard_core::nylas_v2::{basic_auth, check_v2_app, NylasV2AppCheck, V2AppInput};
use wizard_core::paths::PathId;
use wizard_core::regions::Region;
use wizard_core::{ErrorCode, WizardError};
use wizard_sandbox::{start, SandboxHandle, Scenario};

const US_ID: &str = "practice-v2-contoso-client";
const US_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const EU_ID: &str = "practice-v2-fabrikam-client";
const EU_SECRET: &str = "practice-v2-fabrikam-secret-9Rt3Vx6Lm";

async fn sandbox(scenario: Scenario) -> (SandboxHandle, Endpoints) {
    let sb = start(scenario, None).await.unwrap();
    let e = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    (sb, e)
}

fn http() -> HttpClient {
    HttpClient::direct(HttpConfig::default()).unwrap()
}

async fn check(
    e: &Endpoints,
    path: PathId,
    region: Region,
    id: &str,
    secret: &str,
) -> Result<NylasV2AppCheck, WizardError> {
    let secret = SecretString::from(secret.to_owned());
    let input = V2AppInput {
        path,
        region,
        client_id: id,
        client_secret: &secret,
    };
    check_v2_app(&http(), e, input, &CancellationToken::new()).await
}

fn raw() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn path_c_reads_the_app_s_accounts_and_says_what_it_can_t_prove() {
    let (sb, e) = sandbox(Scenario::practice()).await;
    let c = check(&e, PathId::V2Events, Region::Us, US_ID, US_SECRET)
        .await
        .unwrap();
    assert_eq!(c.client_id, US_ID);
    assert_eq!(c.region, Region::Us);
    let emails: Vec<&str> = c.accounts.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(
        emails,
        ["adele.vance@contoso.com", "megan.bowen@contoso.com"]
    );
    assert_eq!(c.accounts[0].id, "v2acct-contoso-adele");
    assert_eq!(c.accounts[0].provider, "graph");
    assert!(!c.more_accounts);
    assert_eq!(c.teams, None, "path C doesn't ask the beta host");
    assert_eq!(sb.calls("GET /nylas-beta-us/connect/integrations"), 0);
    assert!(c.verified[0].contains("Nylas v2 (US) accepts"));
    assert_eq!(c.verified[1], "The app has 2 connected accounts.");
    assert!(c.unverified.iter().any(|u| u.contains("provider graph")));
    let record = c.record();
    assert_eq!(
        (record.client_id.as_str(), record.region),
        (US_ID, Region::Us)
    );
    // What the window gets never holds the secret.
    let wire = serde_json::to_string(&c).unwrap();
    assert!(!wire.contains(US_SECRET));
    assert!(!wire.contains(&STANDARD.encode(format!("{US_SECRET}:"))));
}

#[tokio::test]
async fn path_b_also_asks_the_beta_host_for_the_teams_integration() {
    let mut s = Scenario::practice();
    let (_sb, e) = sandbox(s.clone()).await;
    let c = check(&e, PathId::Teams, Region::Us, US_ID, US_SECRET)
        .await
        .unwrap();
    let teams = c.teams.clone().unwrap();
    assert_eq!((teams.integrations, teams.microsoft), (0, false));
    assert!(c.verified.iter().any(|v| v.contains("beta, US) accepts")));
    assert!(c
        .verified
        .iter()
        .any(|v| v.contains("no Microsoft (Teams) integration yet")));

    s.nylas_v2_applications[1].integrations = vec![json!({
        "id": "int-1", "name": "Teams", "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "tenant": "common"},
        "redirect_uris": ["https://beta.eu.nylas.com/connect/callback"], "expires_in": 1209600,
    })];
    let (_sb, e) = sandbox(s).await;
    let c = check(&e, PathId::Teams, Region::Eu, EU_ID, EU_SECRET)
        .await
        .unwrap();
    let teams = c.teams.unwrap();
    assert_eq!((teams.integrations, teams.microsoft), (1, true));
    assert!(c.verified.iter().any(|v| v.contains("exists already")));
}

#[tokio::test]
async fn only_the_exact_basic_header_is_accepted() {
    let (_sb, e) = sandbox(Scenario::practice()).await;
    let beta = e.nylas_beta_us.join("connect/integrations").unwrap();
    let accounts = e.nylas_v2_us.join(&format!("a/{US_ID}/accounts")).unwrap();
    let status = |url: Url, header: String| async move {
        raw()
            .get(url)
            .header("authorization", header)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    // The header basic_auth builds opens the beta host …
    assert_eq!(
        status(beta.clone(), basic_auth(US_ID, US_SECRET)).await,
        200
    );
    // … but not Nylas's doc recipe, `echo 'id:secret' | base64`, which
    // encodes echo's newline, nor a wrong secret.
    let echoed = format!(
        "Basic {}",
        STANDARD.encode(format!("{US_ID}:{US_SECRET}\n"))
    );
    assert_eq!(status(beta.clone(), echoed).await, 401);
    assert_eq!(status(beta.clone(), basic_auth(US_ID, "wrong")).await, 401);
    // Account management: the secret as the user name, exactly.
    let admin = format!("Basic {}", STANDARD.encode(format!("{US_SECRET}:")));
    assert_eq!(status(accounts.clone(), admin).await, 200);
    let admin_nl = format!("Basic {}", STANDARD.encode(format!("{US_SECRET}:\n")));
    assert_eq!(status(accounts.clone(), admin_nl).await, 401);
    assert_eq!(status(accounts, basic_auth(US_ID, US_SECRET)).await, 401);

    // A secret pasted with its own line break is trimmed before sending.
    let c = check(
        &e,
        PathId::Teams,
        Region::Us,
        US_ID,
        &format!("{US_SECRET}\n"),
    )
    .await
    .unwrap();
    assert!(c.teams.is_some());
}

#[tokio::test]
async fn a_wrong_secret_is_refused_in_both_regions_in_plain_words() {
    let (sb, e) = sandbox(Scenario::practice()).await;
    let err = check(&e, PathId::V2Events, Region::Us, US_ID, "not-the-secret")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(
        err.message.starts_with(WRONG_CREDENTIALS),
        "{}",
        err.message
    );
    assert!(err.message.contains("both regions"));
    assert!(err.hint.unwrap().contains("App Settings"));
    assert!(!err.message.contains("not-the-secret"));
    // The other region was probed once, then nothing else.
    assert_eq!(sb.calls(&format!("GET /nylas-v2-eu/a/{US_ID}/accounts")), 1);
    // A wrong client ID: the same sentence.
    let err = check(&e, PathId::V2Events, Region::Us, "someone-else", US_SECRET)
        .await
        .unwrap_err();
    assert!(err.message.starts_with(WRONG_CREDENTIALS));
}

#[tokio::test]
async fn credentials_of_the_other_region_say_which_region_they_belong_to() {
    let (_sb, e) = sandbox(Scenario::practice()).await;
    let err = check(&e, PathId::Teams, Region::Us, EU_ID, EU_SECRET)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert_eq!(
        err.message,
        "This client ID and secret belong to a Nylas v2 app in the EU region, not the US region you chose."
    );
    assert!(err.hint.unwrap().contains("choose EU"));
    // Right region: fine.
    check(&e, PathId::Teams, Region::Eu, EU_ID, EU_SECRET)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_beta_host_s_refusal_reads_the_same_in_every_error_shape() {
    for shape in ["flat", "success-false", "text"] {
        let mut s = Scenario::practice();
        s.nylas_v2.error_shape = shape.into();
        let (_sb, e) = sandbox(s).await;
        let secret = SecretString::from("wrong".to_owned());
        let c = BetaClient::new(&http(), &e, Region::Us, US_ID, &secret);
        let err = list_integrations(&c, &CancellationToken::new())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthorized, "{shape}");
        assert!(
            err.message.starts_with(WRONG_CREDENTIALS),
            "{shape}: {}",
            err.message
        );
        if shape != "text" {
            assert!(
                err.message
                    .contains("Nylas said: Invalid client credentials"),
                "{shape}: {}",
                err.message
            );
        }
    }
}

#[tokio::test]
async fn empty_or_broken_values_are_refused_before_anything_is_sent() {
    let (sb, e) = sandbox(Scenario::practice()).await;
    for (id, secret) in [
        ("", US_SECRET),
        (US_ID, "  "),
        ("a b", US_SECRET),
        (US_ID, "s e"),
    ] {
        let err = check(&e, PathId::V2Events, Region::Us, id, secret)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{id:?}");
    }
    assert!(sb.all_calls().is_empty(), "nothing was sent");
}
