//! Shell tests on Tauri's mock runtime, built from the real
//! `generate_context!()` so the capability ACL is enforced as in the app.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};
use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

use crate::{configure, AppState};

/// Base URLs for "the real services" in these tests: a local port nothing
/// listens on, so a call that wrongly skips the sandbox fails here instead
/// of reaching Microsoft or Nylas.
fn closed_endpoints() -> Endpoints {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Endpoints::sandbox(&format!("http://127.0.0.1:{port}/").parse().unwrap()).unwrap()
}

fn app(dir: &std::path::Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state = AppState::new(StateStore::in_dir(dir), true, closed_endpoints()).unwrap();
    let app = configure(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window)
}

fn request(cmd: &str, body: Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // `tauri://localhost` is the local origin on Linux and macOS.
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(w, request(cmd, body)).map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn session_starts_on_welcome_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["progress"]["path"], Value::Null);
    assert_eq!(s["practice"]["enabled"], false);
    assert_eq!(s["notice"], Value::Null);
    assert_eq!(s["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn lists_five_paths() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let paths = call(&w, "list_paths", json!({})).unwrap();
    let ids: Vec<_> = paths
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            json!("v3"),
            json!("teams"),
            json!("v2-events"),
            json!("migrate"),
            json!("bulk")
        ]
    );
}

#[test]
fn choosing_a_path_is_saved_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (_app, w) = app(dir.path());
        let p = call(&w, "choose_path", json!({"path": "v3"})).unwrap();
        assert_eq!(p["step"], "features");
        let p = call(&w, "go_to_step", json!({"step": "region"})).unwrap();
        assert_eq!(p["step"], "region");
        call(
            &w,
            "set_answer",
            json!({"update": {"key": "region", "value": "eu"}}),
        )
        .unwrap();
    }
    // A new app on the same data dir resumes on the same step.
    let (_app, w) = app(dir.path());
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["progress"]["path"], "v3");
    assert_eq!(s["progress"]["step"], "region");
    assert_eq!(s["progress"]["answers"]["region"], "eu");
    // The window gets what Rust derives for the chosen path.
    assert_eq!(s["progress"]["current"]["region"], "eu");
    // The step the admin is on is in progress until they leave it.
    assert_eq!(s["progress"]["step_status"]["region"], "in-progress");
    assert_eq!(s["progress"]["leaving"]["status"], "done");
}

#[test]
fn errors_cross_as_code_message_hint() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let err = call(&w, "go_to_step", json!({"step": "region"})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("Choose a path"));
    // Only the answers Rust knows are accepted: a secret has no key here.
    let err = call(
        &w,
        "set_answer",
        json!({"update": {"key": "nylas.api_key", "value": "nyk_123"}}),
    )
    .unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("nylas.api_key"),
        "{err}"
    );
    assert!(!std::fs::read_to_string(dir.path().join("progress.json"))
        .unwrap_or_default()
        .contains("nyk_123"));
    // A bad value is refused with a plain error, and nothing is saved.
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let err = call(
        &w,
        "set_answer",
        json!({"update": {"key": "tenant", "value": "not a tenant!"}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("neither a tenant ID"));
    assert!(!std::fs::read_to_string(dir.path().join("progress.json"))
        .unwrap()
        .contains("not a tenant"));
}

#[test]
fn corrupt_progress_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("progress.json"), "{ not json").unwrap();
    let (_app, w) = app(dir.path());
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["notice"]["code"], "state_corrupt");
    assert_eq!(s["progress"]["path"], Value::Null);
    let s = call(&w, "dismiss_notice", json!({})).unwrap();
    assert_eq!(s["notice"], Value::Null);
}

#[test]
fn keychain_unavailable_offers_session_only_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["keychain"]["available"], false);
    assert_eq!(s["keychain"]["problem"]["code"], "keychain_unavailable");
    assert_eq!(s["keychain"]["session_only"], false);
    let s = call(&w, "use_session_only_secrets", json!({})).unwrap();
    assert_eq!(s["keychain"]["session_only"], true);
}

#[test]
fn practice_mode_runs_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let s = call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    assert_eq!(s["practice"]["enabled"], true);
    let url = s["practice"]["sandbox_url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // The sandbox really answers over HTTP.
    let health = tauri::async_runtime::block_on(async {
        reqwest::get(format!("{url}_sandbox/health"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(health, 200);
    let s = call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    assert_eq!(s["practice"]["enabled"], false);
    assert_eq!(s["progress"]["practice"], false);
}

#[test]
fn practice_mode_keeps_its_own_progress_and_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    // The real setup: path A, EU, a real secret (this test's keychain is
    // memory for the run; practice must not see it either way).
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "region", "value": "eu"}}),
    )
    .unwrap();
    call(
        &w,
        "save_secret",
        json!({"name": "azure_client_secret", "value": "real-secret-value-123"}),
    )
    .unwrap();
    let real_file = std::fs::read_to_string(dir.path().join("progress.json")).unwrap();

    // Practice starts on its own progress, without the real secret.
    let s = call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    assert_eq!(s["progress"]["path"], Value::Null, "practice starts fresh");
    let stored = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(stored, Value::Null, "practice never sees the real secret");
    call(&w, "choose_path", json!({"path": "teams"})).unwrap();
    call(
        &w,
        "save_secret",
        json!({"name": "azure_client_secret", "value": "practice-secret-456"}),
    )
    .unwrap();
    // The real progress file is untouched but for the practice flag.
    let during: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("progress.json")).unwrap())
            .unwrap();
    let before: Value = serde_json::from_str(&real_file).unwrap();
    assert_eq!(during["path"], before["path"]);
    assert_eq!(during["answers"], before["answers"]);
    assert!(dir.path().join("practice/progress.json").exists());

    // Leaving: back to the real setup, told what carried over (nothing).
    let s = call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    assert_eq!(s["progress"]["path"], "v3");
    assert_eq!(s["progress"]["answers"]["region"], "eu");
    let left = s["practice"]["left"].as_str().unwrap();
    assert!(
        left.contains("Nothing from practice carries over"),
        "{left}"
    );
    assert!(left.contains("Connect Microsoft to Nylas"), "{left}");
    let stored = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_ne!(stored["hint"], Value::Null);
    assert!(!stored["hint"].as_str().unwrap().starts_with("pra"));
    let s = call(&w, "dismiss_notice", json!({})).unwrap();
    assert_eq!(s["practice"]["left"], Value::Null);

    // Practice again resumes practice's own progress; its old secret is gone.
    let s = call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    assert_eq!(s["progress"]["path"], "teams");
    let stored = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(stored, Value::Null);
}

#[test]
fn acl_blocks_commands_from_remote_origins() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let mut req = request("list_paths", json!({}));
    req.url = "https://evil.example/".parse().unwrap();
    let err = get_ipc_response(&w, req).unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("not allowed"),
        "{err}"
    );
}

#[test]
fn features_step_plans_least_privilege_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let choices = call(&w, "feature_choices", json!({"path": "v3"})).unwrap();
    assert_eq!(choices["presets"].as_array().unwrap().len(), 5);
    let v2 = call(&w, "feature_choices", json!({"path": "v2-events"})).unwrap();
    assert_eq!(v2["features"].as_array().unwrap().len(), 3);
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let p = call(
        &w,
        "set_answer",
        json!({"update": {"key": "preset", "value": "read-only-inbox"}}),
    )
    .unwrap();
    assert_eq!(p["current"]["features"]["features"], json!(["mail-read"]));
    assert_eq!(p["leaving"]["status"], "done");
    let plan = call(&w, "plan_scopes", json!({})).unwrap();
    let names: Vec<_> = plan["scope_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"Mail.Read"), "{names:?}");
    assert!(names.contains(&"offline_access"), "{names:?}");
    assert!(!names.contains(&"Mail.ReadWrite"), "{names:?}");
    let err = call(
        &w,
        "set_answer",
        json!({"update": {"key": "feature", "value": {"feature": "mail-teleport", "on": true}}}),
    )
    .unwrap_err();
    // Tauri refuses the unknown feature while reading the arguments, before
    // our command runs, and says which value it could not read.
    let said = err
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {err}"));
    assert!(said.contains("mail-teleport"), "{said}");
}

#[test]
fn region_step_lists_redirect_uris() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let set = call(&w, "redirect_uris", json!({"path": "v3", "region": "eu"})).unwrap();
    assert_eq!(
        set["required"][0],
        "https://api.eu.nylas.com/v3/connect/callback"
    );
    let teams = call(
        &w,
        "redirect_uris",
        json!({"path": "teams", "region": "us"}),
    )
    .unwrap();
    assert_eq!(
        teams["required"][0],
        "https://beta.us.nylas.com/connect/callback"
    );
    let v = call(
        &w,
        "validate_callback",
        json!({"uri": "http://example.com/cb#x"}),
    )
    .unwrap();
    assert_eq!(v["valid"], false);
}

#[test]
fn azure_app_step_audits_a_pasted_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let manifest = json!({
        "appId": "11111111-2222-3333-4444-555555555555",
        "displayName": "Contoso Nylas",
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "api": {"requestedAccessTokenVersion": 2},
        "web": {"redirectUris": ["https://api.us.nylas.com/v3/connect/callback/"]},
        "requiredResourceAccess": []
    })
    .to_string();
    // The audit is built from the saved answers: it needs features first.
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let err = call(&w, "audit_manifest", json!({"manifest": manifest})).unwrap_err();
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("depend on what your app does"));
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "preset", "value": "read-only-inbox"}}),
    )
    .unwrap();
    let outcome = call(&w, "audit_manifest", json!({"manifest": manifest})).unwrap();
    let report = &outcome["report"];
    assert_eq!(report["region"], "us");
    // What it found is recorded: the step needs attention, the counts kept.
    assert_eq!(
        outcome["progress"]["step_status"]["azure-app"],
        "needs-attention"
    );
    assert_eq!(
        outcome["progress"]["answers"]["last_check"]["fail"],
        report["summary"]["fail"]
    );
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(
        s["progress"]["answers"]["last_check"],
        outcome["progress"]["answers"]["last_check"]
    );
    let redirect = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(redirect["status"], "fail");
    assert!(redirect["portal_link"]
        .as_str()
        .unwrap()
        .contains("11111111-2222-3333-4444-555555555555"));
    let err = call(&w, "audit_manifest", json!({"manifest": "hello"})).unwrap_err();
    assert_eq!(err["code"], "manifest_invalid");
}

#[test]
fn diagnose_names_the_aadsts_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let d = call(
        &w,
        "diagnose",
        json!({"text": "AADSTS50011: The redirect URI specified in the request does not match"}),
    )
    .unwrap();
    assert_eq!(d[0]["code"], "AADSTS50011");
    assert_eq!(d[0]["related_check"], "redirect_uris");
}

#[test]
fn steps_report_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let p = call(
        &w,
        "set_step_status",
        json!({"step": "azure-app", "status": "needs-attention"}),
    )
    .unwrap();
    assert_eq!(p["step_status"]["azure-app"], "needs-attention");
    let err = call(
        &w,
        "set_step_status",
        json!({"step": "tenants", "status": "done"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn practice_mode_sends_remote_calls_to_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let look_up = |tenant: &str| call(&w, "look_up_tenant", json!({ "tenant": tenant }));

    // Practice off: the call goes to the configured hosts (closed here).
    let err = look_up("contoso.com").unwrap_err();
    assert_eq!(err["code"], "remote_unavailable", "{err}");

    // Practice on: the very next call is answered by the sandbox's Contoso.
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    let t = look_up("contoso.com").unwrap();
    assert_eq!(t["tenant_id"], "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
    assert_eq!(t["region_scope"], "NA");
    assert_eq!(t["kind"], "single");
    let err = look_up("no-such-tenant.example.com").unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("AADSTS90002"),
        "{err}"
    );
    let err = look_up("not a tenant").unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");

    // Practice off again: back to the configured hosts.
    call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    let err = look_up("contoso.com").unwrap_err();
    assert_eq!(err["code"], "remote_unavailable", "{err}");
}

/// The client secret finding of an audit of a manifest with one valid secret.
fn secret_finding(w: &WebviewWindow<MockRuntime>) -> Value {
    let manifest = json!({
        "appId": "11111111-2222-3333-4444-555555555555",
        "passwordCredentials": [{
            "keyId": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            "hint": "q8F",
            "endDateTime": "2099-01-01T00:00:00Z"
        }]
    })
    .to_string();
    call(w, "choose_path", json!({"path": "v3"})).unwrap();
    call(
        w,
        "set_answer",
        json!({"update": {"key": "preset", "value": "read-only-inbox"}}),
    )
    .unwrap();
    let outcome = call(w, "audit_manifest", json!({"manifest": manifest})).unwrap();
    outcome["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "client_secret")
        .unwrap()
        .clone()
}

#[test]
fn a_secret_is_stored_shown_as_a_hint_and_used_by_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let secret_id = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    let save = |value: &str| {
        call(
            &w,
            "save_secret",
            json!({"name": "azure_client_secret", "value": value}),
        )
    };

    // No keychain here and no choice made yet: refused in plain words.
    let err = save(secret_id).unwrap_err();
    assert_eq!(err["code"], "keychain_unavailable", "{err}");
    let none = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(none, Value::Null);

    // For this run only: stored in memory; the answer is a hint, never the value.
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    let stored = save(&format!("  {secret_id} ")).unwrap();
    assert_eq!(stored["hint"], "7c1…e5f");
    assert_eq!(stored["persistent"], false);
    assert!(!stored.to_string().contains(secret_id));
    let again = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(again, stored);

    // The audit compares it in Rust: that is the Secret ID, not the Value.
    let f = secret_finding(&w);
    assert_eq!(f["status"], "warn", "{f}");
    assert_eq!(f["details"]["looks_like_secret_id"], true);
    assert!(
        f["explanation"]
            .as_str()
            .unwrap()
            .contains("Secret ID of one of this app's secrets"),
        "{f}"
    );

    // The real Value (starting with the hint Microsoft shows) matches.
    save("q8F~Zk2_aVeryRealLookingSecretValue").unwrap();
    let f = secret_finding(&w);
    assert_eq!(f["status"], "pass", "{f}");
    assert_eq!(f["details"]["matched_pasted_secret"], true);

    // Forgotten: gone, and the audit no longer has one to compare.
    call(&w, "forget_secret", json!({"name": "azure_client_secret"})).unwrap();
    let none = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(none, Value::Null);
    assert_eq!(
        secret_finding(&w)["details"]["matched_pasted_secret"],
        false
    );

    // Only known secrets can be stored, and an empty one is refused.
    assert!(call(
        &w,
        "save_secret",
        json!({"name": "nylas_api_key", "value": "nyk_x"})
    )
    .is_err());
    assert_eq!(save("   ").unwrap_err()["code"], "invalid_input");
}

#[test]
fn check_again_finds_a_keychain_unlocked_meanwhile() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let unlocked = Arc::new(AtomicBool::new(false));
    let seen = unlocked.clone();
    let state = AppState::new(StateStore::in_dir(dir.path()), false, closed_endpoints())
        .unwrap()
        .with_probe(Arc::new(move || {
            if seen.load(Ordering::SeqCst) {
                Ok(())
            } else {
                Err(wizard_core::secrets::keychain_unavailable())
            }
        }));
    let app = configure(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["keychain"]["available"], false);
    // Unlocking alone changes nothing until the admin asks again: the
    // answer is remembered, so the window never waits on the keychain twice.
    unlocked.store(true, Ordering::SeqCst);
    let s = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(s["keychain"]["available"], false);
    let s = call(&w, "recheck_keychain", json!({})).unwrap();
    assert_eq!(s["keychain"]["available"], true);
    assert_eq!(s["keychain"]["problem"], Value::Null);
}

/// Links the intent commands would have opened (no browser starts in
/// tests). Shared by the tests running in parallel, so each looks for its
/// own app id.
static OPENED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

pub(crate) fn opened(url: &str) {
    OPENED.lock().unwrap().push(url.to_owned());
}

pub(crate) fn was_opened(part: &str) -> bool {
    OPENED.lock().unwrap().iter().any(|u| u.contains(part))
}

#[test]
fn links_open_by_intent_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    // No command opens a URL the window names: open_external is gone from
    // the handler and the ACL.
    let err = call(
        &w,
        "open_external",
        json!({"url": "https://portal.azure.com/"}),
    )
    .unwrap_err();
    let text = err.as_str().unwrap_or_default();
    assert!(
        text.contains("not allowed") || text.contains("not found"),
        "{err}"
    );

    // Intents with good input open the link Rust builds.
    let id = "0b1e57a1-1e3b-49e3-9a1e-4bb95b55ddb0";
    call(
        &w,
        "open_portal",
        json!({"blade": "credentials", "appId": id.to_uppercase()}),
    )
    .unwrap();
    assert!(was_opened(&format!("/Credentials/appId/{id}")));
    call(
        &w,
        "open_consent",
        json!({"tenant": "contoso.com", "clientId": id}),
    )
    .unwrap();
    assert!(was_opened(&format!(
        "/contoso.com/adminconsent?client_id={id}"
    )));
    call(
        &w,
        "open_docs",
        json!({"topic": {"topic": "microsoft_error", "code": 7001357}}),
    )
    .unwrap();
    assert!(was_opened("error?code=7001357"));

    // Bad input is refused: a blade or topic that isn't one, a URL where an
    // id or tenant belongs.
    for (cmd, args) in [
        ("open_portal", json!({"blade": "https://evil.example/"})),
        (
            "open_portal",
            json!({"blade": "overview", "appId": "https://evil.example/"}),
        ),
        (
            "open_consent",
            json!({"tenant": "evil.example/phish?x=", "clientId": id}),
        ),
        (
            "open_consent",
            json!({"tenant": null, "clientId": "https://evil.example/"}),
        ),
        (
            "open_docs",
            json!({"topic": {"topic": "https://evil.example/"}}),
        ),
        ("open_docs", json!({"topic": "file:///etc/passwd"})),
    ] {
        assert!(call(&w, cmd, args.clone()).is_err(), "{cmd} {args}");
    }
    assert!(!was_opened("evil"));
}

#[test]
fn the_session_names_every_overridden_service() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    // These tests point every service at a closed local port.
    let s = call(&w, "get_session", json!({})).unwrap();
    let overrides = s["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 1, "one sandbox for all: {overrides:?}");
    assert_eq!(overrides[0]["service"], "Every Microsoft and Nylas service");
    assert_eq!(overrides[0]["variable"], "NYLAS_WIZARD_SANDBOX_URL");
    assert!(overrides[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    // Practice mode has its own banner instead.
    let s = call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    assert_eq!(s["overrides"], json!([]));
    let s = call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    assert_eq!(s["overrides"].as_array().unwrap().len(), 1);
}

/// Issue 17, point 11: "Start over" forgets the saved answers and the
/// secrets this wizard stored; a second start over (nothing stored) is fine.
#[test]
fn start_over_forgets_answers_and_stored_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "region", "value": "eu"}}),
    )
    .unwrap();
    call(
        &w,
        "save_secret",
        json!({"name": "azure_client_secret", "value": "secret-to-forget-789"}),
    )
    .unwrap();
    // The Teams accounts table (emails, grant IDs) goes too.
    let mut table = wizard_core::nylas_v2::teams_auth::journal::TeamsJournal::load(
        dir.path(),
        "cid",
        wizard_core::regions::Region::Us,
    );
    table.add_accounts(&["acc-1".into()]);
    table.save().unwrap();
    let s = call(&w, "start_over", json!({})).unwrap();
    assert!(!dir.path().join("teams-accounts.json").exists());
    assert_eq!(s["progress"]["path"], Value::Null);
    assert_eq!(s["progress"]["answers"]["region"], Value::Null);
    assert_eq!(s["progress"]["paused"], json!({}));
    let stored = call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap();
    assert_eq!(stored, Value::Null, "the secret is forgotten");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("progress.json")).unwrap())
            .unwrap();
    assert_eq!(
        saved["answers"]["region"],
        Value::Null,
        "saved as forgotten"
    );
    call(&w, "start_over", json!({})).expect("nothing left to forget is fine");
}

/// The remembered Microsoft sign-in is Rust's alone: the window can't store,
/// read (not even its hint) or delete it through the secret commands.
#[test]
fn the_window_cannot_touch_the_remembered_microsoft_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    let name = json!("microsoft_refresh_token");
    for (cmd, body) in [
        ("save_secret", json!({"name": name, "value": "rt-canary-1"})),
        ("stored_secret", json!({"name": name})),
        ("forget_secret", json!({"name": name})),
    ] {
        let err = call(&w, cmd, body).unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{cmd}: {err}");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("remembered Microsoft sign-in"),
            "{cmd}: {err}"
        );
    }
    // The client secret still works.
    call(
        &w,
        "save_secret",
        json!({"name": "azure_client_secret", "value": "cs-canary-2"}),
    )
    .unwrap();
    assert!(
        call(&w, "stored_secret", json!({"name": "azure_client_secret"})).unwrap()["hint"]
            .is_string()
    );
}
