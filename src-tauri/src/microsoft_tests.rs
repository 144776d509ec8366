//! The Microsoft commands in the shell (mock runtime, real ACL) against the
//! practice simulator: browser sign-in played through the consent page, the
//! live audit, the fix preview and Fix all, a new secret, sign-out, the
//! read-only sign-in refused for changes, Cancel, and the browser guard.

use std::sync::Mutex;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};
use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

use crate::{configure, AppState};
use tauri::Manager;
use wizard_core::secrets::{ExposeSecret, SecretName};

/// Contoso's app whose Nylas callback sits under Single-page application.
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

/// Sign-in pages the commands would have opened (no browser in tests).
static OPENED: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub(crate) fn opened(url: &str) {
    OPENED.lock().unwrap().push(url.to_owned());
}

/// Every page opened so far, by all tests (for the consent tests).
pub(crate) fn opened_pages() -> Vec<String> {
    OPENED.lock().unwrap().clone()
}

pub(crate) fn app(dir: &std::path::Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    // Outside practice mode: a closed local port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoints =
        Endpoints::sandbox(&format!("http://127.0.0.1:{port}/").parse().unwrap()).unwrap();
    let state = AppState::new(StateStore::in_dir(dir), true, endpoints).unwrap();
    let app = configure(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window)
}

pub(crate) fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(w, request).map(|b| b.deserialize::<Value>().unwrap())
}

/// Practice mode on, path A, tenant Contoso.
pub(crate) fn practice(w: &WebviewWindow<MockRuntime>) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": "v3"})).unwrap();
    for (key, value) in [("tenant", "contoso.com"), ("preset", "read-only-inbox")] {
        call(
            w,
            "set_answer",
            json!({"update": {"key": key, "value": value}}),
        )
        .unwrap();
    }
}

/// The admin in the browser: open the sign-in page, press Accept (or
/// Cancel), and follow the redirect back to the wizard's loopback address.
fn play_user(authorize_url: String, decision: &'static str) -> std::thread::JoinHandle<()> {
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
            let page = http.get(&authorize_url).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let page = page.text().await.unwrap();
            let marker = format!("id=\"{decision}\" href=\"");
            let start = page.find(&marker).expect("the consent page has the button") + marker.len();
            let href = page[start..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&");
            let consent = http.get(&href).send().await.unwrap();
            assert_eq!(consent.status(), 302);
            let back = consent.headers()["location"].to_str().unwrap().to_owned();
            assert!(back.starts_with("http://127.0.0.1:"), "{back}");
            let done = http.get(&back).send().await.unwrap();
            assert!(done.status().is_success(), "{}", done.status());
        });
    })
}

pub(crate) fn sign_in_with_browser(w: &WebviewWindow<MockRuntime>, access: &str) -> Value {
    let status = call(
        w,
        "start_microsoft_sign_in",
        json!({"method": "browser", "access": access}),
    )
    .unwrap();
    assert_eq!(status["state"], "waiting_for_browser");
    let url = status["authorize_url"].as_str().unwrap().to_owned();
    assert!(
        OPENED.lock().unwrap().contains(&url),
        "the sign-in page was opened"
    );
    let user = play_user(url, "approve");
    let who = call(w, "finish_microsoft_sign_in", json!({}));
    user.join().unwrap();
    who.unwrap()
}

#[test]
fn practice_sign_in_audit_fix_all_and_a_new_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    let practice_base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .to_owned();

    let who = sign_in_with_browser(&w, "fix");
    assert_eq!(who["tenant"], "contoso.com");
    assert_eq!(who["tenant_name"], "Contoso Ltd");
    assert_eq!(who["access"], "fix");
    assert_eq!(who["practice"], true);
    // Tests run in parallel, each on its own simulator: look for this one's.
    let opened = OPENED.lock().unwrap().clone();
    assert!(
        opened.iter().any(|u| u.starts_with(&practice_base)),
        "{opened:?}"
    );
    assert_eq!(
        call(&w, "microsoft_signed_in", json!({})).unwrap()["tenant_name"],
        "Contoso Ltd"
    );

    // The live audit fails the misplaced callback and records the check.
    let live = call(&w, "check_app_live", json!({"clientId": SPA_APP})).unwrap();
    assert_eq!(live["live"]["facts"]["tenant_name"], "Contoso Ltd");
    let redirect = live["live"]["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .cloned()
        .unwrap();
    assert_eq!(redirect["status"], "fail");
    assert!(live["progress"]["answers"]["last_check"].is_object());

    // The preview says what changes, in words; nothing changed yet.
    let planned = call(&w, "plan_live_fixes", json!({"clientId": SPA_APP})).unwrap();
    assert_eq!(planned["fixable"], json!(["redirect_uris"]));
    let plan = planned["plan"].clone();
    let steps = plan["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["id"] == "redirect_uri:https://api.us.nylas.com/v3/connect/callback"),
        "{plan}"
    );
    let again = call(
        &w,
        "plan_live_fixes",
        json!({"clientId": SPA_APP, "check": "redirect_uris"}),
    )
    .unwrap();
    assert_eq!(again["plan"]["steps"], plan["steps"]);

    // Fix all: applied, re-read and re-audited; nothing left to fix.
    let fixed = call(&w, "apply_live_fixes", json!({"clientId": SPA_APP})).unwrap();
    assert_eq!(fixed["outcome"]["applied"]["steps"], plan["steps"]);
    let after = &fixed["outcome"]["after"]["report"]["findings"];
    let redirect_after = after
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(redirect_after["status"], "pass");
    // Its permissions fit the read-only inbox, so nothing fails any more.
    assert_eq!(
        live["live"]["report"]["summary"]["fail"],
        json!(1),
        "{}",
        live["live"]["report"]["summary"]
    );
    assert_eq!(
        fixed["outcome"]["after"]["report"]["summary"]["fail"],
        json!(0),
        "{}",
        fixed["outcome"]["after"]["report"]
    );
    let left = call(&w, "plan_live_fixes", json!({"clientId": SPA_APP})).unwrap();
    assert_eq!(left["plan"]["steps"], json!([]));
    assert_eq!(left["fixable"], json!([]));

    // A new secret: stored; the window sees its hint only.
    let created = call(
        &w,
        "create_new_client_secret",
        json!({"clientId": SPA_APP, "description": "Nylas", "lifetime": "six_months"}),
    )
    .unwrap();
    let value = stored_value(&w);
    assert!(value.len() > 10);
    assert!(!created.to_string().contains(&value), "{created}");
    let stored = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(stored["hint"], created["hint"]);
    assert!(!stored.to_string().contains(&value));

    // Signed out: the tokens are gone.
    call(&w, "sign_out_microsoft", json!({})).unwrap();
    assert_eq!(call(&w, "microsoft_signed_in", json!({})), Ok(Value::Null));
    let err = call(&w, "check_app_live", json!({"clientId": SPA_APP})).unwrap_err();
    assert_eq!(err["code"], "unauthorized");
}

#[test]
fn a_read_only_sign_in_with_a_code_cannot_change_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    let base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let status = call(
        &w,
        "start_microsoft_sign_in",
        json!({"method": "device", "access": "audit"}),
    )
    .unwrap();
    assert_eq!(status["state"], "waiting_for_code");
    let code = status["prompt"]["user_code"].as_str().unwrap().to_owned();
    assert!(!code.is_empty());
    // The admin types the code at the device login page (the simulator's
    // control route plays that part).
    let approve = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            let r = http
                .post(format!("{base}/_sandbox/device-codes/{code}/approve"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        });
    });
    approve.join().unwrap();
    let who = call(&w, "finish_microsoft_sign_in", json!({})).unwrap();
    assert_eq!(who["access"], "audit");
    // Reading works; changing is refused in words, before any call.
    call(&w, "check_app_live", json!({"clientId": SPA_APP})).unwrap();
    let err = call(&w, "apply_live_fixes", json!({"clientId": SPA_APP})).unwrap_err();
    assert_eq!(err["code"], "forbidden");
    assert!(err["hint"].as_str().unwrap().contains("allow changes"));
    // Leaving practice mode forgets the simulator's sign-in.
    call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    assert_eq!(call(&w, "microsoft_signed_in", json!({})), Ok(Value::Null));
}

#[test]
fn cancel_stops_a_sign_in_waiting_for_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    call(
        &w,
        "start_microsoft_sign_in",
        json!({"method": "browser", "access": "audit"}),
    )
    .unwrap();
    let waiting = {
        let w = w.clone();
        std::thread::spawn(move || call(&w, "finish_microsoft_sign_in", json!({})))
    };
    // Cancel once the wait is registered (the window's Cancel button).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let n = call(
            &w,
            "cancel_remote",
            json!({"command": "finish_microsoft_sign_in"}),
        )
        .unwrap();
        if n == json!(1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the wait never started"
        );
        std::thread::yield_now();
    }
    let err = waiting.join().unwrap().unwrap_err();
    assert_eq!(err["code"], "cancelled");
    assert_eq!(call(&w, "microsoft_signed_in", json!({})), Ok(Value::Null));
}

#[test]
fn sign_in_needs_a_tenant_and_live_checks_need_a_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let err = call(
        &w,
        "start_microsoft_sign_in",
        json!({"method": "browser", "access": "audit"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("tenant"));
    let err = call(&w, "finish_microsoft_sign_in", json!({})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let err = call(&w, "plan_live_fixes", json!({"clientId": SPA_APP})).unwrap_err();
    assert_eq!(err["code"], "unauthorized");
}

#[test]
fn the_browser_opens_microsoft_or_the_practice_simulator_only() {
    use crate::microsoft_commands::ShellBrowser;
    let real = ShellBrowser {
        practice_login: None,
    };
    assert!(real
        .allowed("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?x=1")
        .is_ok());
    assert!(real.allowed("http://login.microsoftonline.com/").is_err());
    assert!(real
        .allowed("https://login.microsoftonline.com.evil.example/")
        .is_err());
    assert!(real
        .allowed("https://u:p@login.microsoftonline.com/")
        .is_err());
    assert!(real
        .allowed("http://127.0.0.1:4000/microsoft-login/x")
        .is_err());
    let practice = ShellBrowser {
        practice_login: Some("http://127.0.0.1:4000/microsoft-login/".parse().unwrap()),
    };
    assert!(practice
        .allowed("http://127.0.0.1:4000/microsoft-login/contoso.com/oauth2/v2.0/authorize")
        .is_ok());
    assert!(practice
        .allowed("http://127.0.0.1:4001/microsoft-login/x")
        .is_err());
    assert!(practice.allowed("http://127.0.0.1:4000/graph/x").is_err());
    assert!(practice.allowed("file:///etc/passwd").is_err());
}

/// The client secret in the secret store, read in Rust (as the test's own
/// reference; it is never printed).
fn stored_value(w: &WebviewWindow<MockRuntime>) -> String {
    let state = w.state::<AppState>();
    tauri::async_runtime::block_on(state.read_secret(SecretName::AzureClientSecret))
        .unwrap()
        .expect("a stored client secret")
        .expose_secret()
        .to_owned()
}

#[test]
fn a_new_secret_is_copied_from_rust_and_its_value_never_crosses_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    sign_in_with_browser(&w, "fix");
    let create = || {
        call(
            &w,
            "create_new_client_secret",
            json!({"clientId": SPA_APP, "description": "Nylas", "lifetime": "six_months"}),
        )
        .unwrap()
    };

    // Nothing created yet: nothing to copy, said with a stable code.
    let err = call(&w, "copy_new_client_secret", json!({})).unwrap_err();
    assert_eq!(err["code"], "secret_not_found", "{err}");
    assert!(err["hint"].as_str().unwrap().contains("keychain"), "{err}");

    // The answer holds the hint, the key ID and the expiry; no value.
    let created = create();
    let value = stored_value(&w);
    assert!(value.len() > 10);
    assert!(created.get("value").is_none(), "{created}");
    assert!(!created.to_string().contains(&value), "{created}");
    assert!(created["key_id"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(created["expires"].as_str().is_some(), "{created}");
    let (head, tail) = created["hint"].as_str().unwrap().split_once('…').unwrap();
    assert!(value.starts_with(head) && value.ends_with(tail));

    // Copy: done in Rust. Without a display (plain `cargo test`) the
    // clipboard is unavailable and says so; under X it copies. Either way
    // the value is pending (not `secret_not_found`) and never in the answer.
    let copied = call(&w, "copy_new_client_secret", json!({}));
    match &copied {
        Ok(answer) => assert_eq!(answer, &json!({"copied": true})),
        Err(err) => assert_eq!(err["code"], "io", "{err}"),
    }
    let answer = match copied {
        Ok(v) | Err(v) => v,
    };
    assert!(!answer.to_string().contains(&value));

    // Closing the dialog forgets it.
    call(&w, "forget_new_client_secret", json!({})).unwrap();
    let err = call(&w, "copy_new_client_secret", json!({})).unwrap_err();
    assert_eq!(err["code"], "secret_not_found", "{err}");
    // ... but the secret itself stays stored.
    assert_eq!(stored_value(&w), value);

    // Signing out forgets a pending one too.
    create();
    call(&w, "sign_out_microsoft", json!({})).unwrap();
    let err = call(&w, "copy_new_client_secret", json!({})).unwrap_err();
    assert_eq!(err["code"], "secret_not_found", "{err}");
}

/// Browser sign-in with the "Remember me" box ticked or not.
fn sign_in_remembering(w: &WebviewWindow<MockRuntime>, remember: bool) -> Value {
    let status = call(
        w,
        "start_microsoft_sign_in",
        json!({"method": "browser", "access": "audit"}),
    )
    .unwrap();
    let user = play_user(
        status["authorize_url"].as_str().unwrap().to_owned(),
        "approve",
    );
    let who = call(w, "finish_microsoft_sign_in", json!({"remember": remember}));
    user.join().unwrap();
    who.unwrap()
}

/// The remembered refresh token, read in Rust (never over IPC).
fn remembered_token(w: &WebviewWindow<MockRuntime>) -> Option<String> {
    let state = w.state::<AppState>();
    tauri::async_runtime::block_on(state.read_secret(SecretName::MicrosoftRefreshToken))
        .unwrap()
        .map(|s| s.expose_secret().to_owned())
}

#[test]
fn remember_me_signs_in_silently_next_time_and_sign_out_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    let mut answers = Vec::new();

    // Not ticked: nothing is stored.
    let who = sign_in_remembering(&w, false);
    assert_eq!(who["remembered"], false);
    assert_eq!(remembered_token(&w), None);

    // Ticked: the refresh token is in the (practice) store; the window
    // learns who signed in, never the token.
    let who = sign_in_remembering(&w, true);
    assert_eq!(who["remembered"], true);
    assert!(
        who["user_name"].as_str().is_some_and(|n| !n.is_empty()),
        "{who}"
    );
    assert!(
        who["user_principal_name"]
            .as_str()
            .is_some_and(|u| u.contains('@')),
        "{who}"
    );
    let first = remembered_token(&w).expect("remembered");
    answers.push(who);

    // A new start: nothing in memory; the remembered token signs in.
    let state = w.state::<AppState>();
    tauri::async_runtime::block_on(state.microsoft.forget());
    let who = call(&w, "microsoft_signed_in", json!({})).unwrap();
    assert_eq!(who["remembered"], true, "{who}");
    assert_eq!(who["tenant_name"], "Contoso Ltd");
    assert!(who["user_name"].is_string());
    // Microsoft rotated it; the new one is kept.
    let second = remembered_token(&w).expect("still remembered");
    assert_ne!(second, first);
    answers.push(who);

    // Revoked (the first was spent by the rotation): forgotten, plain words.
    let store = tauri::async_runtime::block_on(state.secret_store()).unwrap();
    store
        .set(
            SecretName::MicrosoftRefreshToken.as_str(),
            &first.clone().into(),
        )
        .unwrap();
    tauri::async_runtime::block_on(state.microsoft.forget());
    let err = call(&w, "microsoft_signed_in", json!({})).unwrap_err();
    assert_eq!(err["code"], "unauthorized", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("no longer accepts"),
        "{err}"
    );
    assert_eq!(remembered_token(&w), None);
    // Every view that asks learns it, until the admin signs in again.
    assert_eq!(call(&w, "microsoft_signed_in", json!({})).unwrap_err(), err);
    answers.push(err);

    // Sign out forgets a remembered sign-in.
    answers.push(sign_in_remembering(&w, true));
    let third = remembered_token(&w).expect("remembered again");
    call(&w, "sign_out_microsoft", json!({})).unwrap();
    assert_eq!(remembered_token(&w), None);
    assert_eq!(call(&w, "microsoft_signed_in", json!({})), Ok(Value::Null));

    for answer in &answers {
        let shown = answer.to_string();
        for token in [&first, &second, &third] {
            assert!(!shown.contains(token.as_str()), "a token crossed IPC");
        }
    }
}

/// The public client the admin signs in through can be configured
/// (`--sign-in-client-id` / NYLAS_WIZARD_SIGN_IN_CLIENT_ID); by default it
/// is Microsoft Graph Command Line Tools.
#[test]
fn the_sign_in_client_can_be_configured() {
    let custom = "0b4c1e2d-3f5a-4b6c-8d7e-9f0a1b2c3d4e";
    for configured in [None, Some(custom)] {
        let dir = tempfile::tempdir().unwrap();
        let endpoints = Endpoints::sandbox(&"http://127.0.0.1:9/".parse().unwrap()).unwrap();
        let state = AppState::new(StateStore::in_dir(dir.path()), true, endpoints)
            .unwrap()
            .with_sign_in_client_id(configured.map(str::to_owned));
        let app = configure(mock_builder())
            .manage(state)
            .build(tauri::generate_context!())
            .unwrap();
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        practice(&w);
        let status = call(
            &w,
            "start_microsoft_sign_in",
            json!({"method": "browser", "access": "audit"}),
        )
        .unwrap();
        let url = status["authorize_url"].as_str().unwrap();
        let want = configured.unwrap_or(wizard_core::microsoft::DEFAULT_CLIENT_ID);
        assert!(url.contains(&format!("client_id={want}")), "{url}");
        call(&w, "cancel_remote", json!({})).unwrap();
    }
}
