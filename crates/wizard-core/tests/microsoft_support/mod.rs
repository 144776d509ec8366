//! Shared by the Microsoft sign-in and live-audit tests: the sandbox, the
//! user at the consent page, corpus manifests as app registrations.

#![allow(dead_code)] // Each test binary uses some of these.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::microsoft::signin::BrowserSignIn;
use wizard_core::microsoft::{Access, SignInConfig, Tokens};
use wizard_sandbox::{start, SandboxHandle, Scenario};

pub const CONTOSO: &str = "contoso.com";
pub const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

pub fn http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..HttpConfig::default()
    })
    .unwrap()
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn endpoints(sb: &SandboxHandle) -> Endpoints {
    Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap()
}

pub fn config(sb: &SandboxHandle) -> SignInConfig {
    SignInConfig::new(CONTOSO, &endpoints(sb).microsoft_login)
}

pub fn fixture(name: &str) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
        .unwrap()
}

/// Practice, with `app` registered in Contoso (plus its service principal
/// and an admin-consent grant of `consented` to Microsoft Graph).
pub fn scenario_with(app: Value, consented: Option<&str>) -> Scenario {
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
pub async fn consent(authorize_url: &Url, choice: &str) -> Url {
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

pub async fn sign_in(sb: &SandboxHandle, access: Access) -> Tokens {
    let flow = BrowserSignIn::start(config(sb), access).await.unwrap();
    let back = consent(flow.authorize_url(), "approve").await;
    let cancel = CancellationToken::new();
    let http = http();
    let (tokens, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    tokens.unwrap()
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub type Sleep = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A sleep that records each wait and returns at once; on wait number
/// `act_at` (1-based) it first POSTs to `act` (the user deciding).
pub fn recording_sleep(
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

pub async fn control(url: String) {
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

pub async fn device_scenario(polls: &[&str]) -> SandboxHandle {
    let mut s = Scenario::practice();
    s.sign_in.device_code_interval = 2;
    s.sign_in.device_code_polls = polls.iter().map(|p| p.to_string()).collect();
    start(s, None).await.unwrap()
}

pub fn decide(sb: &SandboxHandle, user_code: &str, action: &str) -> String {
    format!(
        "{}_sandbox/device-codes/{user_code}/{action}",
        sb.base_url()
    )
}
