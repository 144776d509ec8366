//! The test sign-in commands on the mock runtime (real ACL) against the
//! practice simulator: the Nylas page opened and played through the
//! consent page back to the wizard's loopback port, the grant shown with
//! its scopes, nothing secret over IPC, a declined consent explained, a
//! missing key named, and Cancel.

use serde_json::{json, Value};
use tauri::Manager;
use wizard_core::nylas::test_callback::test_sign_in_callback;

use crate::microsoft_tests::{app, call, opened_pages, practice};
use crate::test_sign_in_commands::TestSignInPort;

const PRACTICE_US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
/// Contoso's app registration whose Web redirect URIs hold the US Nylas
/// callback (the live-apps scenario's correct app).
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// What Configure Nylas would have set up in the practice simulator: the
/// microsoft connector and the wizard's test callback (plain HTTP to the
/// simulator's Nylas API, as any client would).
fn configured_practice_nylas(base: &str, port: u16) {
    block_on(async {
        let nylas = format!("{base}nylas-us/v3");
        let resp = browser()
            .post(format!("{nylas}/connectors"))
            .bearer_auth(PRACTICE_US_KEY)
            .json(&json!({
                "provider": "microsoft",
                "settings": {"client_id": AZURE_APP, "client_secret": "practice", "tenant": "common"},
                "scope": ["Mail.Read", "User.Read", "offline_access"],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        let resp = browser()
            .post(format!("{nylas}/applications/redirect-uris"))
            .bearer_auth(PRACTICE_US_KEY)
            .json(&json!({"url": test_sign_in_callback(port), "platform": "web"}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
    })
}

/// The admin in the browser: the Nylas page, Microsoft's consent page
/// (`approve` or `deny`), back through Nylas to the wizard's port.
fn play_user(url: String, decision: &'static str) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        block_on(async move {
            let next = |r: reqwest::Response| {
                assert_eq!(r.status(), 302, "{r:?}");
                r.headers()["location"].to_str().unwrap().to_owned()
            };
            let to_ms = next(browser().get(&url).send().await.unwrap());
            let page = browser()
                .get(&to_ms)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let marker = format!("id=\"{decision}\" href=\"");
            let at = page.find(&marker).expect("the consent page") + marker.len();
            let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
            let to_nylas = next(browser().get(&href).send().await.unwrap());
            let back = next(browser().get(&to_nylas).send().await.unwrap());
            assert!(back.starts_with("http://localhost:"), "{back}");
            browser()
                .get(&back)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    })
}

/// Practice mode, path A, the practice key checked, Nylas configured, the
/// test port set; the window.
fn ready(
    dir: &std::path::Path,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let (app, w) = app(dir);
    let port = free_port();
    app.manage(TestSignInPort(port));
    practice(&w);
    call(&w, "check_nylas_account", json!({})).unwrap();
    let base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .to_owned();
    configured_practice_nylas(&base, port);
    call(&w, "go_to_step", json!({"step": "test-sign-in"})).unwrap();
    (app, w)
}

#[test]
fn a_practice_test_sign_in_shows_the_grant_and_nothing_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = ready(dir.path());
    let started = call(
        &w,
        "start_test_sign_in",
        json!({"loginHint": "megan@contoso.com"}),
    )
    .unwrap();
    let url = started["authorize_url"].as_str().unwrap().to_owned();
    assert_eq!(started["opened"], true);
    assert!(opened_pages().contains(&url), "the Nylas page was opened");
    assert!(url.contains("/nylas-us/v3/connect/auth?"), "{url}");
    let user = play_user(url, "approve");
    let view = call(&w, "finish_test_sign_in", json!({})).unwrap();
    let page = user.join().unwrap();
    let outcome = &view["outcome"];
    assert!(page.contains("The test sign-in finished"), "{page}");
    assert_eq!(outcome["outcome"], "signed_in", "{outcome}");
    let result = &outcome["result"];
    assert_eq!(result["email"], "megan@contoso.com");
    assert_eq!(result["grant_status"], "valid");
    assert_eq!(result["missing"], json!([]));
    let scopes: Vec<&str> = result["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["Mail.Read", "User.Read", "offline_access"]);
    // Recorded: the step is Done once left.
    assert_eq!(
        view["progress"]["answers"]["test_sign_in"]["email"],
        "megan@contoso.com"
    );
    assert_eq!(
        view["progress"]["leaving"]["status"], "done",
        "{}",
        view["progress"]
    );
    let answers = [started.to_string(), view.to_string()].concat();
    for secret in [PRACTICE_US_KEY, "nylas-code-", "nylas-at-", "code_verifier"] {
        assert!(!answers.contains(secret), "{secret} over IPC");
    }
    // The report gets the grant.
    let report = call(&w, "setup_report", json!({})).unwrap();
    assert!(report.to_string().contains("megan@contoso.com"), "{report}");
}

#[test]
fn a_declined_consent_comes_back_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = ready(dir.path());
    let started = call(&w, "start_test_sign_in", json!({})).unwrap();
    let user = play_user(
        started["authorize_url"].as_str().unwrap().to_owned(),
        "deny",
    );
    let view = call(&w, "finish_test_sign_in", json!({})).unwrap();
    user.join().unwrap();
    let outcome = &view["outcome"];
    assert_eq!(outcome["outcome"], "refused");
    assert_eq!(view["progress"]["leaving"]["status"], "needs-attention");
    let d = &outcome["refusal"]["diagnoses"][0];
    assert_eq!(d["code"], "AADSTS65004");
    assert!(!d["fix"].as_str().unwrap().is_empty());
}

#[test]
fn without_a_saved_key_or_with_a_bad_hint_nothing_starts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    app.manage(TestSignInPort(free_port()));
    practice(&w);
    let err = call(&w, "start_test_sign_in", json!({})).unwrap_err();
    assert_eq!(err["code"], "secret_not_found", "{err}");
    let err = call(
        &w,
        "start_test_sign_in",
        json!({"loginHint": "not an email"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let err = call(&w, "finish_test_sign_in", json!({})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("No test sign-in"));
}

#[test]
fn cancel_stops_a_test_sign_in_waiting_for_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = ready(dir.path());
    call(&w, "start_test_sign_in", json!({})).unwrap();
    let waiting = {
        let w = w.clone();
        std::thread::spawn(move || call(&w, "finish_test_sign_in", json!({})))
    };
    // Cancel once the wait is registered (the window's Cancel button).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let n = call(
            &w,
            "cancel_remote",
            json!({"command": "finish_test_sign_in"}),
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
    let err: Value = waiting.join().unwrap().unwrap_err();
    assert_eq!(err["code"], "cancelled");
    // The port is free again: a new start works.
    call(&w, "start_test_sign_in", json!({})).unwrap();
}
