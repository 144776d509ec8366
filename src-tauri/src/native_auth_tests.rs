//! Path C's Connect accounts commands on the mock runtime (real ACL) against
//! the practice simulator: the plan for the saved answers (events, shared
//! calendars), Microsoft's page opened and played through the consent page
//! back to the wizard's loopback port, the account connected and counted in
//! the step's record, nothing secret over IPC, a replacement refused until
//! confirmed, and missing secrets named before anyone signs in.

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager, WebviewWindow};
use wizard_core::secrets::{SecretName, SecretString};

use crate::microsoft_tests::{app, call, opened_pages};
use crate::native_auth_commands::NativeAuthPort;
use crate::AppState;

const V2_ID: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// Contoso's correct app registration in practice mode.
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const AZURE_SECRET: &str = "azure-practice-value~h4-shell";
const NOBODY: &str = "__CHANNEL__:1";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn set(w: &WebviewWindow<MockRuntime>, key: &str, value: Value) {
    call(
        w,
        "set_answer",
        json!({"update": {"key": key, "value": value}}),
    )
    .unwrap();
}

/// Practice mode on path C with the Azure app and the v2 app checked; the
/// Azure secret saved unless `azure_secret` is false.
fn ready(
    azure_secret: bool,
) -> (
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
    call(&w, "choose_path", json!({"path": "v2-events"})).unwrap();
    set(&w, "client_id", json!(AZURE_APP));
    call(&w, "go_to_step", json!({"step": "nylas-v2"})).unwrap();
    call(
        &w,
        "check_nylas_v2_app",
        json!({"clientId": V2_ID, "clientSecret": V2_SECRET}),
    )
    .unwrap();
    if azure_secret {
        let state = app.state::<AppState>();
        tauri::async_runtime::block_on(state.write_secret(
            SecretName::AzureClientSecret,
            SecretString::from(AZURE_SECRET.to_owned()),
        ))
        .unwrap();
    }
    call(&w, "go_to_step", json!({"step": "native-auth"})).unwrap();
    (dir, app, w, port)
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

/// The user in the browser: Microsoft's consent page, Accept, and back to
/// the wizard's loopback port.
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
fn the_plan_follows_the_answers_and_names_what_shared_calendars_cost() {
    let (_dir, _app, w, port) = ready(true);
    let plan = call(
        &w,
        "plan_native_auth",
        json!({"reauthAccountIds": [], "confirmReplace": false}),
    )
    .unwrap();
    assert_eq!(plan["variant"], "events");
    assert_eq!(plan["azure_client_id"], AZURE_APP);
    assert_eq!(plan["nylas_client_id"], V2_ID);
    assert_eq!(
        plan["redirect_uri"],
        format!("http://localhost:{port}/nylas-wizard/v2-sign-in")
    );
    assert_eq!(plan["authorizations"].as_array().unwrap().len(), 1);
    set(
        &w,
        "feature",
        json!({"feature": "shared-calendar", "on": true}),
    );
    let plan = call(
        &w,
        "plan_native_auth",
        json!({"reauthAccountIds": [], "confirmReplace": false}),
    )
    .unwrap();
    assert_eq!(plan["variant"], "shared-calendars");
    let providers: Vec<&str> = plan["authorizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["office365", "graph"]);
    assert!(plan["notes"].to_string().contains("Webhooks"));
}

#[test]
fn a_user_signs_in_and_is_connected_without_any_secret_over_ipc() {
    let (_dir, _app, w, port) = ready(true);
    let started = call(
        &w,
        "start_native_auth",
        json!({"reauthAccountIds": [], "confirmReplace": false, "loginHint": "admin@contoso.com"}),
    )
    .unwrap();
    assert_no_secret(&started);
    assert_eq!(started["opened"], true);
    let url = started["authorize_url"].as_str().unwrap().to_owned();
    assert!(opened_pages().contains(&url));
    assert!(
        url.contains(AZURE_APP) && url.contains("login_hint=admin%40contoso.com"),
        "{url}"
    );
    let user = play_user(url, port);
    let view = call(&w, "finish_native_auth", json!({"onProgress": NOBODY})).unwrap();
    user.join().unwrap();
    assert_no_secret(&view);
    let result = &view["outcome"]["results"][0];
    assert_eq!(result["account"]["provider"], "graph");
    assert_eq!(view["outcome"]["email"], "admin@contoso.com");
    let record = &view["progress"]["answers"]["v2_accounts"];
    assert_eq!(
        (record["connected"].as_u64(), record["failed"].as_u64()),
        (Some(1), Some(0))
    );
    // The step is built: connecting an account is what makes it done.
    assert_eq!(
        view["progress"]["leaving"]["status"], "done",
        "{}",
        view["progress"]["leaving"]
    );
    // The account's access token: copied by Rust (without a display the
    // clipboard is unavailable and says so), never in an answer; an
    // unknown account has none; leaving the step forgets them.
    let account = result["account"]["account_id"].as_str().unwrap();
    let copied = call(&w, "copy_native_auth_token", json!({"accountId": account}));
    match &copied {
        Ok(answer) => assert_eq!(answer, &json!({"copied": true})),
        Err(err) => assert_eq!(err["code"], "io", "{err}"),
    }
    assert_no_secret(&match copied {
        Ok(v) | Err(v) => v,
    });
    let unknown = call(&w, "copy_native_auth_token", json!({"accountId": "nobody"})).unwrap_err();
    assert_eq!(unknown["code"], "secret_not_found");
    call(&w, "forget_native_auth_tokens", json!({})).unwrap();
    let gone = call(&w, "copy_native_auth_token", json!({"accountId": account})).unwrap_err();
    assert_eq!(gone["code"], "secret_not_found");
    // Nothing is waiting any more.
    let again = call(&w, "finish_native_auth", json!({"onProgress": NOBODY})).unwrap_err();
    assert!(again["message"]
        .as_str()
        .unwrap()
        .contains("No sign-in is under way"));
}

#[test]
fn replacing_an_account_is_refused_until_confirmed() {
    let (_dir, _app, w, _port) = ready(true);
    let refused = call(
        &w,
        "start_native_auth",
        json!({"reauthAccountIds": ["v2acct-contoso-adele"], "confirmReplace": false}),
    )
    .unwrap_err();
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("v2acct-contoso-adele") && message.contains("re-syncs"),
        "{message}"
    );
    let plan = call(
        &w,
        "plan_native_auth",
        json!({"reauthAccountIds": ["v2acct-contoso-adele"], "confirmReplace": true}),
    )
    .unwrap();
    assert_eq!(plan["replace"]["confirmed"], true);
    assert_eq!(
        plan["authorizations"][0]["reauth_account_id"],
        "v2acct-contoso-adele"
    );
}

#[test]
fn a_missing_azure_secret_is_named_before_anyone_signs_in() {
    let (_dir, _app, w, port) = ready(false);
    let err = call(
        &w,
        "start_native_auth",
        json!({"reauthAccountIds": [], "confirmReplace": false}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "secret_not_found");
    assert!(err["hint"].as_str().unwrap().contains("Azure app"), "{err}");
    // Other tests open pages too (v2 sign-ins included, on ports of their
    // own): none is for this window's loopback port.
    let ours = format!("localhost%3A{port}%2Fnylas-wizard");
    assert!(opened_pages().iter().all(|u| !u.contains(&ours)));
}
