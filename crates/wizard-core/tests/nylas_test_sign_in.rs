//! The test sign-in against the sandbox over real HTTP, the test playing
//! the browser: Nylas hosted auth → the simulated Microsoft consent page →
//! Nylas → the wizard's loopback callback on localhost, then the code
//! exchange and the grant.

use std::time::Duration;

use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::diagnose::diagnose;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::hosted_auth::{
    ScopeVerdict, TestSignIn, TestSignInOutcome, TestSignInRequest, TestSignInResult,
};
use wizard_core::nylas::test_callback::test_sign_in_callback;
use wizard_core::regions::Region;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const US_CALLBACK: &str = "https://api.us.nylas.com/v3/connect/callback";
const TOKEN_ROUTE: &str = "POST /nylas-us/v3/connect/token";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(10),
        ..HttpConfig::default()
    })
    .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Practice, with Contoso's Azure app (its redirect URIs given), the US
/// Nylas application's microsoft connector using it and, when `registered`,
/// the wizard's test callback on `port` among its callback URIs.
fn scenario(port: u16, azure_redirects: &[&str], registered: bool) -> Scenario {
    let mut s = Scenario::practice();
    s.tenants[0].applications = vec![json!({
        "appId": AZURE_APP,
        "displayName": "Contoso Nylas",
        "web": { "redirectUris": azure_redirects },
    })];
    let app = &mut s.nylas_applications[0];
    app.connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": AZURE_APP, "client_secret": "s3cret", "tenant": "common"},
        "scope": ["Mail.Read", "User.Read", "offline_access"],
    }]))
    .unwrap();
    if registered {
        app.callback_uris.push(
            serde_json::from_value(json!({"id": "cb-test", "url": test_sign_in_callback(port)}))
                .unwrap(),
        );
    }
    s
}

struct World {
    sb: SandboxHandle,
    endpoints: Endpoints,
    port: u16,
}

async fn world(
    azure_redirects: &[&str],
    registered: bool,
    tweak: impl FnOnce(&mut Scenario),
) -> World {
    let port = free_port();
    let mut s = scenario(port, azure_redirects, registered);
    tweak(&mut s);
    let sb = start(s, None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    World {
        sb,
        endpoints,
        port,
    }
}

async fn good_world() -> World {
    world(&[US_CALLBACK], true, |_| {}).await
}

fn request(w: &World, hint: Option<&str>) -> TestSignInRequest {
    TestSignInRequest {
        region: Region::Us,
        scopes: vec![
            "Mail.Read".into(),
            "User.Read".into(),
            "offline_access".into(),
        ],
        login_hint: hint.map(str::to_owned),
        port: w.port,
        timeout: Duration::from_secs(30),
    }
}

async fn start_flow(w: &World, hint: Option<&str>) -> TestSignIn {
    TestSignIn::start(
        &http(),
        &w.endpoints,
        US_KEY,
        request(w, hint),
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn location(resp: &reqwest::Response) -> Url {
    assert_eq!(resp.status(), 302, "{resp:?}");
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

fn param(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The browser: the hosted-auth page, Microsoft's consent page, the choice
/// (`approve` / `deny`), Nylas; returns where Nylas sends it (the wizard).
async fn play(url: &Url, decision: &str) -> Url {
    let to_ms = location(&browser().get(url.as_str()).send().await.unwrap());
    let page = browser()
        .get(to_ms)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = format!("id=\"{decision}\" href=\"");
    let at = page.find(&marker).expect("the consent page") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let to_nylas = location(&browser().get(href).send().await.unwrap());
    location(&browser().get(to_nylas).send().await.unwrap())
}

/// Deliver the redirect to the wizard's listener (as the browser would).
async fn deliver(back: &Url) -> String {
    browser()
        .get(back.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn run(
    w: &World,
    flow: TestSignIn,
    back: &Url,
) -> Result<TestSignInOutcome, wizard_core::WizardError> {
    let cancel = CancellationToken::new();
    let http = http();
    let (outcome, page) = tokio::join!(
        flow.finish(&http, &w.endpoints, US_KEY, &cancel),
        deliver(back)
    );
    assert!(page.contains("Nylas setup wizard"), "{page}");
    outcome
}

fn signed_in(outcome: TestSignInOutcome) -> TestSignInResult {
    match outcome {
        TestSignInOutcome::SignedIn { result } => result,
        other => panic!("not signed in: {other:?}"),
    }
}

#[tokio::test]
async fn a_sign_in_shows_the_grant_and_compares_its_scopes() {
    let w = good_world().await;
    let flow = start_flow(&w, Some("megan@contoso.com")).await;
    let url = flow.authorize_url().clone();
    assert_eq!(
        param(&url, "client_id").as_deref(),
        Some("2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b")
    );
    assert_eq!(
        param(&url, "redirect_uri"),
        Some(format!(
            "http://localhost:{}/nylas-wizard/test-sign-in",
            w.port
        ))
    );
    assert_eq!(param(&url, "response_type").as_deref(), Some("code"));
    assert_eq!(param(&url, "provider").as_deref(), Some("microsoft"));
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("Mail.Read User.Read offline_access")
    );
    assert_eq!(
        param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        param(&url, "login_hint").as_deref(),
        Some("megan@contoso.com")
    );
    assert!(param(&url, "state").is_some_and(|s| s.len() >= 16));

    let back = play(&url, "approve").await;
    // Nylas sends the browser to localhost, which the wizard listens on.
    assert_eq!(back.host_str(), Some("localhost"));
    let result = signed_in(run(&w, flow, &back).await.unwrap());
    assert_eq!(result.email, "megan@contoso.com");
    assert_eq!(result.grant_status, "valid");
    assert_eq!(result.provider, "microsoft");
    assert!(
        result.missing.is_empty() && result.extra.is_empty(),
        "{result:?}"
    );
    assert!(result
        .scopes
        .iter()
        .all(|c| c.verdict == ScopeVerdict::Granted));
    assert_eq!(result.scopes.len(), 3);
    let grants = &w.sb.scenario().nylas_applications[0].grants;
    assert_eq!(grants.len(), 1);
    assert_eq!(result.grant_id, grants[0].id);
    assert_eq!(w.sb.calls(TOKEN_ROUTE), 1);
    // Nothing secret in what the window gets.
    let shown = serde_json::to_string(&result).unwrap();
    assert!(
        !shown.contains(US_KEY) && !shown.contains("nylas-code-") && !shown.contains("nylas-at-")
    );
}

#[tokio::test]
async fn scopes_microsoft_withholds_are_named_missing() {
    let w = world(&[US_CALLBACK], true, |s| {
        s.sign_in.withheld_scopes = vec!["Mail.Read".into()]
    })
    .await;
    let flow = start_flow(&w, None).await;
    let back = play(flow.authorize_url(), "approve").await;
    let result = signed_in(run(&w, flow, &back).await.unwrap());
    assert_eq!(result.missing, ["Mail.Read"]);
    assert_eq!(result.email, "admin@contoso.com");
}

#[tokio::test]
async fn a_declined_consent_is_diagnosed() {
    let w = good_world().await;
    let flow = start_flow(&w, None).await;
    let back = play(flow.authorize_url(), "deny").await;
    match run(&w, flow, &back).await.unwrap() {
        TestSignInOutcome::Refused { refusal } => {
            assert_eq!(refusal.error, "access_denied");
            assert!(
                refusal.description.starts_with("AADSTS65004"),
                "{refusal:?}"
            );
            assert_eq!(refusal.diagnoses[0].code, "AADSTS65004");
            assert!(!refusal.diagnoses[0].fix.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(w.sb.calls(TOKEN_ROUTE), 0, "nothing to exchange");
}

#[tokio::test]
async fn a_missing_azure_redirect_uri_shows_aadsts50011_which_diagnose_explains() {
    let w = world(&["https://app.example/cb"], true, |_| {}).await;
    let flow = start_flow(&w, None).await;
    // Microsoft shows its own error page: the browser never comes back.
    let to_ms = location(
        &browser()
            .get(flow.authorize_url().as_str())
            .send()
            .await
            .unwrap(),
    );
    let page = browser().get(to_ms).send().await.unwrap();
    assert_eq!(page.status(), 400);
    let text = page.text().await.unwrap();
    // What the admin copies from that page into Diagnose.
    let d = &diagnose(&text)[0];
    assert_eq!(d.code, "AADSTS50011");
    assert!(d.fix.contains("Platform configurations → Web"), "{d:?}");
    assert_eq!(d.found["redirect_uri"], US_CALLBACK);
    // The wait ends when the admin cancels.
    let cancel = CancellationToken::new();
    cancel.cancel();
    let e = flow
        .finish(&http(), &w.endpoints, US_KEY, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn an_unregistered_test_callback_is_a_plain_error_before_the_browser_opens() {
    let w = world(&[US_CALLBACK], false, |_| {}).await;
    let e = TestSignIn::start(
        &http(),
        &w.endpoints,
        US_KEY,
        request(&w, None),
        &CancellationToken::new(),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(e.message.contains(&test_sign_in_callback(w.port)), "{e:?}");
    assert!(e.hint.unwrap().contains("Configure Nylas"));
    // Nothing was left listening.
    std::net::TcpListener::bind(("127.0.0.1", w.port)).unwrap();
    // Nylas itself refuses that redirect_uri too.
    let auth = format!(
        "{}nylas-us/v3/connect/auth?client_id=2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b&response_type=code&redirect_uri={}",
        w.sb.base_url(),
        test_sign_in_callback(w.port)
    );
    let body = browser()
        .get(auth)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(diagnose(&body)[0].code, "nylas.callback_uri_not_allowed");
}

#[tokio::test]
async fn a_spent_code_is_refused() {
    let w = good_world().await;
    let flow = start_flow(&w, None).await;
    let back = play(flow.authorize_url(), "approve").await;
    // Someone exchanges the code first (a second tab, a replay).
    let resp = browser()
        .post(format!("{}nylas-us/v3/connect/token", w.sb.base_url()))
        .json(&json!({
            "client_id": "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b",
            "client_secret": US_KEY,
            "grant_type": "authorization_code",
            "code": param(&back, "code").unwrap(),
            "redirect_uri": test_sign_in_callback(w.port),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "no verifier");
    let e = run(&w, flow, &back).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(
        e.message.starts_with("Nylas refused the sign-in code"),
        "{e:?}"
    );
    assert!(e.hint.unwrap().contains("again"));
}

#[tokio::test]
async fn a_foreign_state_is_refused() {
    let w = good_world().await;
    let flow = start_flow(&w, None).await;
    let mut back = play(flow.authorize_url(), "approve").await;
    let pairs: Vec<(String, String)> = back
        .query_pairs()
        .map(|(k, v)| {
            (
                k.to_string(),
                if k == "state" {
                    "forged".into()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    back.query_pairs_mut().clear().extend_pairs(pairs);
    let e = run(&w, flow, &back).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(e.message.contains("state"), "{e:?}");
    assert_eq!(w.sb.calls(TOKEN_ROUTE), 0);
}

#[tokio::test]
async fn token_faults_are_retried_after_429_and_clear_otherwise() {
    let w = good_world().await;
    w.sb.set_faults(vec![Fault::new(TOKEN_ROUTE)
        .with_status(429)
        .with_retry_after("1")
        .first_n(1)])
        .unwrap();
    let flow = start_flow(&w, None).await;
    let back = play(flow.authorize_url(), "approve").await;
    signed_in(run(&w, flow, &back).await.unwrap());
    assert_eq!(w.sb.calls(TOKEN_ROUTE), 2);

    // A 500 may have spent the code: not repeated, start again.
    w.sb.set_faults(vec![Fault::new(TOKEN_ROUTE).with_status(500).first_n(1)])
        .unwrap();
    let flow = start_flow(&w, None).await;
    let back = play(flow.authorize_url(), "approve").await;
    let e = run(&w, flow, &back).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RemoteUnavailable);
    assert!(e.hint.unwrap().contains("start the test sign-in again"));
    assert_eq!(w.sb.calls(TOKEN_ROUTE), 3);
}

#[tokio::test]
async fn the_port_is_named_when_another_program_holds_it() {
    let w = good_world().await;
    let _held = std::net::TcpListener::bind(("127.0.0.1", w.port)).unwrap();
    let e = TestSignIn::start(
        &http(),
        &w.endpoints,
        US_KEY,
        request(&w, None),
        &CancellationToken::new(),
    )
    .await
    .err()
    .unwrap();
    assert!(e.message.contains(&w.port.to_string()), "{e:?}");
}

#[tokio::test]
async fn no_connector_comes_back_refused_with_the_fix() {
    let w = world(&[US_CALLBACK], true, |s| {
        s.nylas_applications[0].connectors.clear()
    })
    .await;
    let flow = start_flow(&w, None).await;
    // Nylas sends the browser straight back with the error.
    let back = location(
        &browser()
            .get(flow.authorize_url().as_str())
            .send()
            .await
            .unwrap(),
    );
    match run(&w, flow, &back).await.unwrap() {
        TestSignInOutcome::Refused { refusal } => {
            assert_eq!(refusal.diagnoses[0].code, "nylas.connector_missing");
            assert!(refusal.diagnoses[0].fix.contains("Configure Nylas"));
        }
        other => panic!("{other:?}"),
    }
}
