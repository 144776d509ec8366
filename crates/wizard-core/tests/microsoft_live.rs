//! Admin sign-in and the live audit against the sandbox over real HTTP on
//! 127.0.0.1: the browser flow (PKCE checked by the sandbox, forged state
//! refused, one callback on 127.0.0.1 only), the device-code loop with each
//! answer, Graph errors in plain words, throttling retried, and the live
//! audit agreeing with the manifest audit of the same app.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::audit::{run_audit, AuditRequest};
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::manifest::parse_manifest_value;
use wizard_core::microsoft::loopback::LoopbackListener;
use wizard_core::microsoft::signin::BrowserSignIn;
use wizard_core::microsoft::{live_audit, Access, DeviceFlow, GraphClient, SignInConfig, Tokens};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const CONTOSO: &str = "contoso.com";
const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

fn http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..HttpConfig::default()
    })
    .unwrap()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn endpoints(sb: &SandboxHandle) -> Endpoints {
    Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap()
}

fn config(sb: &SandboxHandle) -> SignInConfig {
    SignInConfig::new(CONTOSO, &endpoints(sb).microsoft_login)
}

fn fixture(name: &str) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
        .unwrap()
}

/// Practice, with `app` registered in Contoso (plus its service principal
/// and an admin-consent grant of `consented` to Microsoft Graph).
fn scenario_with(app: Value, consented: Option<&str>) -> Scenario {
    let mut s = Scenario::practice();
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let t = &mut s.tenants[0];
    t.applications = vec![app];
    if let Some(scope) = consented {
        t.service_principals =
            vec![json!({"id": "a1b2c3d4-0000-4000-8000-000000000001", "appId": app_id})];
        t.service_principals.push(json!({
            "id": "a1b2c3d4-0000-4000-8000-0000000000aa",
            "appId": "00000003-0000-0000-c000-000000000000",
            "displayName": "Microsoft Graph"
        }));
        t.oauth2_permission_grants = vec![json!({
            "id": "grant-1",
            "clientId": "a1b2c3d4-0000-4000-8000-000000000001",
            "consentType": "AllPrincipals",
            "resourceId": "a1b2c3d4-0000-4000-8000-0000000000aa",
            "scope": scope
        })];
    }
    s
}

/// Play the user at the consent page: follow `#approve` (or `#deny`) and
/// return where Microsoft sends the browser back to.
async fn consent(authorize_url: &Url, choice: &str) -> Url {
    let page = browser()
        .get(authorize_url.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = format!("id=\"{choice}\" href=\"");
    let at = page.find(&marker).expect("the consent page has the link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = browser().get(href).send().await.unwrap();
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

async fn sign_in(sb: &SandboxHandle, access: Access) -> Tokens {
    let flow = BrowserSignIn::start(config(sb), access).await.unwrap();
    let back = consent(flow.authorize_url(), "approve").await;
    let cancel = CancellationToken::new();
    let http = http();
    let (tokens, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    tokens.unwrap()
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn browser_sign_in_uses_pkce_s256_and_the_loopback_redirect() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let url = flow.authorize_url().clone();
    assert_eq!(
        param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(param(&url, "code_challenge").is_some_and(|c| c.len() == 43));
    assert_eq!(
        param(&url, "client_id").as_deref(),
        Some("14d82eec-204b-4c2f-b7e8-296a70dab67e")
    );
    let scope = param(&url, "scope").unwrap();
    assert!(
        scope.contains("https://graph.microsoft.com/Application.Read.All"),
        "{scope}"
    );
    assert!(
        !scope.contains("ReadWrite"),
        "auditing asks for read-only access: {scope}"
    );
    assert!(flow.redirect_uri().starts_with("http://127.0.0.1:"));
    let back = consent(&url, "approve").await;
    assert_eq!(param(&back, "state"), param(&url, "state"));
    let http = http();
    let cancel = CancellationToken::new();
    let (tokens, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    // The sandbox redeems the code only when SHA-256(verifier) is the challenge.
    let tokens = tokens.unwrap();
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        1
    );
    let org = GraphClient::new(&http, &endpoints(&sb).graph, &tokens)
        .organization(&cancel)
        .await
        .unwrap();
    assert_eq!(org.id, CONTOSO_ID);
}

#[tokio::test]
async fn fix_access_asks_for_write_permission() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Fix)
        .await
        .unwrap();
    let scope = param(flow.authorize_url(), "scope").unwrap();
    assert!(
        scope.contains("https://graph.microsoft.com/Application.ReadWrite.All"),
        "{scope}"
    );
}

#[tokio::test]
async fn a_forged_state_is_refused_and_no_code_is_redeemed() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let mut back = consent(flow.authorize_url(), "approve").await;
    let code = param(&back, "code").unwrap();
    back.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", "forged-state");
    let http = http();
    let cancel = CancellationToken::new();
    let (result, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert!(err.message.contains("state"), "{}", err.message);
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        0
    );
}

#[tokio::test]
async fn declining_at_the_consent_page_is_a_plain_cancel() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let back = consent(flow.authorize_url(), "deny").await;
    let http = http();
    let cancel = CancellationToken::new();
    let (result, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn the_listener_binds_loopback_and_takes_exactly_one_callback() {
    let listener = LoopbackListener::bind().await.unwrap();
    let addr = listener.local_addr();
    assert!(addr.ip().is_loopback() && addr.is_ipv4(), "{addr}");
    let cancel = CancellationToken::new();
    let waiting =
        tokio::spawn(async move { listener.wait("s-1", Duration::from_secs(30), &cancel).await });
    let base = format!("http://{addr}");
    let favicon = browser()
        .get(format!("{base}/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(favicon.status(), 404, "other requests don't count");
    let page = browser()
        .get(format!("{base}/?code=the-code&state=s-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("You are signed in"));
    let callback = waiting.await.unwrap().unwrap();
    use secrecy::ExposeSecret;
    assert_eq!(callback.code.expose_secret(), "the-code");
    // Closed after the one callback.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn the_listener_gives_up_after_its_timeout() {
    let listener = LoopbackListener::bind().await.unwrap();
    let err = listener
        .wait("s", Duration::from_secs(300), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(err.message.contains("within 5 minutes"), "{}", err.message);
    assert!(err.hint.unwrap().contains("code"));
}

type Sleep = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A sleep that records each wait and returns at once; on wait number
/// `act_at` (1-based) it first POSTs to `act` (the user deciding).
fn recording_sleep(
    log: Arc<Mutex<Vec<Duration>>>,
    act_at: usize,
    act: Option<String>,
) -> impl Fn(Duration) -> Sleep {
    move |d| {
        let mut l = log.lock().unwrap();
        l.push(d);
        let url = act.clone().filter(|_| l.len() == act_at);
        Box::pin(async move {
            if let Some(url) = url {
                control(url).await;
            }
        })
    }
}

async fn control(url: String) {
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(url)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

async fn device_scenario(polls: &[&str]) -> SandboxHandle {
    let mut s = Scenario::practice();
    s.sign_in.device_code_interval = 2;
    s.sign_in.device_code_polls = polls.iter().map(|p| p.to_string()).collect();
    start(s, None).await.unwrap()
}

fn decide(sb: &SandboxHandle, user_code: &str, action: &str) -> String {
    format!(
        "{}_sandbox/device-codes/{user_code}/{action}",
        sb.base_url()
    )
}

#[tokio::test]
async fn device_code_waits_out_pending_and_slow_down_then_signs_in() {
    let sb = device_scenario(&["authorization_pending", "slow_down"]).await;
    let http = http();
    let cancel = CancellationToken::new();
    let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
        .await
        .unwrap();
    let prompt = flow.prompt();
    assert!(prompt
        .verification_uri
        .ends_with("microsoft-login/devicelogin"));
    assert!(prompt.message.contains(&prompt.user_code));
    assert_eq!(prompt.expires_in_secs, 900);
    let log = Arc::new(Mutex::new(Vec::new()));
    let sleep = recording_sleep(
        log.clone(),
        3,
        Some(decide(&sb, &prompt.user_code, "approve")),
    );
    let tokens = flow.finish_with_sleep(&http, &cancel, sleep).await.unwrap();
    // pending → 2 s; slow_down → 2 + 5 s from then on; approved on the 4th poll.
    assert_eq!(
        *log.lock().unwrap(),
        [2, 7, 7].map(Duration::from_secs).to_vec()
    );
    let org = GraphClient::new(&http, &endpoints(&sb).graph, &tokens)
        .organization(&cancel)
        .await
        .unwrap();
    assert_eq!(org.id, CONTOSO_ID);
}

#[tokio::test]
async fn device_code_declined_expired_and_unknown_end_in_plain_errors() {
    for (forced, action, code, words) in [
        (None, Some("decline"), ErrorCode::Cancelled, "declined"),
        (None, Some("expire"), ErrorCode::Rejected, "expired"),
        (
            Some("authorization_declined"),
            None,
            ErrorCode::Cancelled,
            "declined",
        ),
        (Some("expired_token"), None, ErrorCode::Rejected, "expired"),
        (
            Some("bad_verification_code"),
            None,
            ErrorCode::Rejected,
            "recognise",
        ),
    ] {
        let sb = device_scenario(forced.as_slice()).await;
        let http = http();
        let cancel = CancellationToken::new();
        let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
            .await
            .unwrap();
        if let Some(action) = action {
            control(decide(&sb, &flow.prompt().user_code, action)).await;
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let err = flow
            .finish_with_sleep(&http, &cancel, recording_sleep(log.clone(), 0, None))
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{forced:?}/{action:?}: {}", err.message);
        assert!(err.message.contains(words), "{}", err.message);
        assert!(
            log.lock().unwrap().is_empty(),
            "no waiting after a final answer"
        );
    }
}

#[tokio::test]
async fn device_code_polling_stops_on_cancel() {
    let sb = device_scenario(&[]).await;
    let http = http();
    let cancel = CancellationToken::new();
    let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
        .await
        .unwrap();
    let c = cancel.clone();
    let sleep = move |_d: Duration| {
        c.cancel();
        std::future::ready(())
    };
    let err = flow
        .finish_with_sleep(&http, &cancel, sleep)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn graph_throttling_is_retried() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    sb.set_faults(vec![Fault::new("GET /graph/v1.0/organization")
        .with_status(429)
        .with_retry_after("0")
        .first_n(2)])
        .unwrap();
    let org = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens)
        .organization(&CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(org.verified_domains[0].name, "contoso.com");
    assert_eq!(sb.calls("GET /graph/v1.0/organization"), 3);
}

#[tokio::test]
async fn forbidden_names_the_roles_and_a_missing_app_explains_700016() {
    let app = fixture("missing-offline-access");
    let sb = start(scenario_with(app, None), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let err = graph
        .application("00000000-1111-4222-8333-444444444444", CONTOSO, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("AADSTS700016"), "{}", err.message);
    assert!(err.message.contains(CONTOSO));
    sb.set_faults(vec![
        Fault::new("GET /graph/v1.0/applications").with_status(403)
    ])
    .unwrap();
    let err = graph
        .application("5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e", CONTOSO, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let hint = err.hint.unwrap();
    assert!(
        hint.contains("Application Administrator")
            && hint.contains("Cloud Application Administrator"),
        "{hint}"
    );
}

#[tokio::test]
async fn live_audit_matches_the_manifest_audit_of_the_same_app() {
    for (name, consented) in [
        (
            "missing-offline-access",
            Some("Calendars.ReadWrite User.Read"),
        ),
        ("v3-spa-misplaced", None),
        ("secret-expired", None),
        ("v3-wrong-region", None),
        ("teams-missing-implicit", None),
        ("over-broad-scopes", None),
        ("v3-us-correct", Some("")),
    ] {
        let app = fixture(name);
        let expected: Value = fixture(&format!("{name}.expected"));
        let req: AuditRequest = serde_json::from_value(expected["request"].clone()).unwrap();
        let offline = run_audit(&parse_manifest_value(&app).unwrap(), &req).unwrap();
        let app_id = app["appId"].as_str().unwrap().to_owned();
        let sb = start(scenario_with(app, consented), None).await.unwrap();
        let tokens = sign_in(&sb, Access::Audit).await;
        let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
        let live = live_audit(&graph, &app_id, CONTOSO, &req, &CancellationToken::new())
            .await
            .unwrap();
        let statuses = |r: &wizard_core::audit::AuditReport| {
            r.findings
                .iter()
                .map(|f| (f.check, f.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(statuses(&live.report), statuses(&offline), "{name}");
        assert!(!offline.findings.is_empty());
        let facts = &live.facts;
        assert_eq!(facts.tenant_id, CONTOSO_ID);
        assert_eq!(
            facts.verified_domains,
            ["contoso.com", "contoso.onmicrosoft.com"]
        );
        assert_eq!(
            facts.service_principal_exists,
            consented.is_some(),
            "{name}"
        );
        if !facts.service_principal_exists {
            assert!(!facts.admin_consent_complete());
            assert_eq!(
                facts.admin_consent_missing.len(),
                live.report.scope_plan.required.len(),
                "{name}: nothing consented without a service principal"
            );
        }
        if let Some(scope) = consented.filter(|s| !s.is_empty()) {
            let granted: Vec<&str> = scope.split(' ').collect();
            assert!(
                granted
                    .iter()
                    .all(|g| facts.admin_consented.iter().any(|c| c == g)),
                "{name}"
            );
            assert!(!facts
                .admin_consent_missing
                .iter()
                .any(|m| granted.contains(&m.as_str())));
            assert!(
                facts
                    .admin_consent_missing
                    .iter()
                    .any(|m| m == "offline_access"),
                "{facts:?}"
            );
        }
    }
}

#[tokio::test]
async fn live_reads_run_in_parallel() {
    let app = fixture("v3-us-correct");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let sb = start(scenario_with(app, Some("User.Read")), None)
        .await
        .unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    // Every independent read is held 3 s at the sandbox. Done one after
    // another, the second could not arrive before the first's 3 s; in
    // parallel all four are in flight at once.
    let routes = [
        "GET /graph/v1.0/applications",
        "GET /graph/v1.0/servicePrincipals",
        "GET /graph/v1.0/organization",
    ];
    sb.set_faults(
        routes
            .iter()
            .map(|r| Fault::new(*r).with_latency_ms(3000))
            .collect(),
    )
    .unwrap();
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let req: AuditRequest =
        serde_json::from_value(json!({"path": "v3", "preset": "email-client", "region": "us"}))
            .unwrap();
    let cancel = CancellationToken::new();
    let all_in_flight = async {
        tokio::time::timeout(Duration::from_millis(2500), async {
            sb.wait_for_calls(routes[0], 1).await;
            sb.wait_for_calls(routes[1], 2).await;
            sb.wait_for_calls(routes[2], 1).await;
        })
        .await
    };
    let (live, in_flight) = tokio::join!(
        live_audit(&graph, &app_id, CONTOSO, &req, &cancel),
        all_in_flight
    );
    live.unwrap();
    in_flight.expect("the four independent reads were in flight together");
}
