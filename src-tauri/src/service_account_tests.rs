//! Path E's v2 service accounts commands on the mock runtime (real ACL)
//! against the practice simulator: refused for a new setup and for another
//! domain before anyone signs in, the service account's page opened and
//! played back to the loopback port, a real mailbox connected and an alias
//! refused by the Graph check, nothing secret over IPC.

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager, WebviewWindow};
use wizard_core::secrets::{SecretName, SecretString};

use crate::microsoft_tests::{app, call, opened_pages};
use crate::native_auth_commands::NativeAuthPort;
use crate::AppState;

const V2_ID: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const AZURE_SECRET: &str = "azure-practice-value~h5-shell";
const NOBODY: &str = "__CHANNEL__:1";
/// Who the simulator signs in for Contoso: the service account here.
const SERVICE: &str = "admin@contoso.com";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Practice mode on path E, the Azure app and the v2 app checked, the
/// Azure secret saved, on the service accounts step.
fn ready() -> (
    tempfile::TempDir,
    App<MockRuntime>,
    WebviewWindow<MockRuntime>,
    u16,
) {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let port = free_port();
    app.manage(NativeAuthPort(port));
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "bulk"})).unwrap();
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "client_id", "value": AZURE_APP}}),
    )
    .unwrap();
    call(&w, "go_to_step", json!({"step": "service-accounts"})).unwrap();
    call(
        &w,
        "check_nylas_v2_app",
        json!({"clientId": V2_ID, "clientSecret": V2_SECRET}),
    )
    .unwrap();
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.write_secret(
        SecretName::AzureClientSecret,
        SecretString::from(AZURE_SECRET.to_owned()),
    ))
    .unwrap();
    (dir, app, w, port)
}

fn args(service: &str, users: &str, existing: bool) -> Value {
    json!({"serviceAccount": service, "users": users, "v2Scopes": "email,calendar", "existingSetup": existing})
}

fn assert_no_secret(answer: &Value) {
    let text = answer.to_string();
    for s in [
        V2_SECRET,
        AZURE_SECRET,
        "sandbox-rt-",
        "sandbox-at-",
        "v2-at-",
        "v2-code-",
    ] {
        assert!(!text.contains(s), "{s} came back over IPC: {text}");
    }
}

/// The service account in the browser: Accept, back to the loopback port.
fn play_user(url: String, port: u16) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .unwrap();
            let page = http.get(&url).send().await.unwrap().text().await.unwrap();
            let marker = "id=\"approve\" href=\"";
            let at = page.find(marker).expect("the consent page") + marker.len();
            let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
            let consent = http.get(&href).send().await.unwrap();
            let back = consent.headers()["location"].to_str().unwrap().to_owned();
            assert!(
                back.starts_with(&format!("http://localhost:{port}/nylas-wizard/v2-sign-in?")),
                "{back}"
            );
            let done = http.get(&back).send().await.unwrap();
            assert!(done.status().is_success());
        });
    })
}

#[test]
fn a_new_setup_or_another_domain_is_refused_before_anyone_signs_in() {
    let (_dir, _app, w, port) = ready();
    let new_setup = call(
        &w,
        "start_service_accounts",
        args(SERVICE, "adele.vance@contoso.com", false),
    )
    .unwrap_err();
    assert_eq!(new_setup["code"], "invalid_input");
    assert!(new_setup["message"].as_str().unwrap().contains("May 2024"));
    let other = call(
        &w,
        "plan_service_accounts",
        args(SERVICE, "lukas.meier@fabrikam.de", true),
    )
    .unwrap_err();
    let message = other["message"].as_str().unwrap();
    assert!(
        message.contains(SERVICE) && message.contains("lukas.meier@fabrikam.de"),
        "{message}"
    );
    // No sign-in page for this window's loopback port was opened (other
    // tests open pages at the same time, on ports of their own).
    let ours = format!("localhost%3A{port}%2Fnylas-wizard");
    assert!(opened_pages().iter().all(|u| !u.contains(&ours)));
    let plan = call(
        &w,
        "plan_service_accounts",
        args(SERVICE, "adele.vance@contoso.com", true),
    )
    .unwrap();
    assert_eq!(plan["nylas_client_id"], V2_ID);
    assert_eq!(plan["azure_client_id"], AZURE_APP);
    assert!(plan["preview"]
        .as_str()
        .unwrap()
        .contains("\"service_account\": true"));
    assert_no_secret(&plan);
}

#[test]
fn the_service_account_connects_a_mailbox_and_an_alias_is_refused() {
    let (_dir, _app, w, port) = ready();
    let started = call(
        &w,
        "start_service_accounts",
        args(SERVICE, "megan.bowen@contoso.com\nsales@contoso.com", true),
    )
    .unwrap();
    assert_no_secret(&started);
    assert_eq!(started["opened"], true);
    let url = started["authorize_url"].as_str().unwrap().to_owned();
    assert!(opened_pages().contains(&url));
    assert!(url.contains("login_hint=admin%40contoso.com"), "{url}");
    assert!(
        url.contains(&format!("localhost%3A{port}%2Fnylas-wizard")),
        "{url}"
    );
    let user = play_user(url, port);
    let outcome = call(&w, "finish_service_accounts", json!({"onProgress": NOBODY})).unwrap();
    user.join().unwrap();
    assert_no_secret(&outcome);
    assert_eq!(outcome["service_account"], SERVICE);
    let results = outcome["results"].as_array().unwrap();
    assert_eq!(results[0]["account"]["provider"], "exchange");
    assert_eq!(results[0]["check"]["ok"], true);
    assert_eq!(results[1]["account"], Value::Null);
    assert!(results[1]["check"]["reason"]
        .as_str()
        .unwrap()
        .contains("alias"));
    assert_eq!(results[1]["error"]["code"], "rejected");
    let again = call(&w, "finish_service_accounts", json!({"onProgress": NOBODY})).unwrap_err();
    assert!(again["message"]
        .as_str()
        .unwrap()
        .contains("No sign-in is under way"));
}
