//! The Nylas v2 app command in the shell (mock runtime, real ACL) against
//! the practice simulator: the secret never comes back over IPC (only its
//! hint), a refused secret is not kept, the saved secret is reused (and
//! removed once Nylas refuses it), the wrong region says which one, path B
//! asks the Teams beta host, and the step belongs to paths B and C only.

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager, WebviewWindow};
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString};

use crate::microsoft_tests::{app, call};
use crate::AppState;

const US_ID: &str = "practice-v2-contoso-client";
const US_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const EU_SECRET: &str = "practice-v2-fabrikam-secret-9Rt3Vx6Lm";

fn stored(app: &App<MockRuntime>) -> Option<String> {
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.read_secret(SecretName::NylasV2ClientSecret))
        .unwrap()
        .map(|s| s.expose_secret().to_owned())
}

fn practice_on(w: &WebviewWindow<MockRuntime>, path: &str) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": path})).unwrap();
    call(w, "go_to_step", json!({"step": "nylas-v2"})).unwrap();
}

fn check(
    w: &WebviewWindow<MockRuntime>,
    id: Option<&str>,
    secret: Option<&str>,
) -> Result<Value, Value> {
    call(
        w,
        "check_nylas_v2_app",
        json!({"clientId": id, "clientSecret": secret}),
    )
}

/// No answer the window gets carries a secret (or its Basic encodings).
fn assert_no_secret(answer: &Value) {
    let text = answer.to_string();
    for s in [US_SECRET, EU_SECRET] {
        assert!(!text.contains(s), "a secret came back over IPC: {text}");
    }
}

#[test]
fn a_working_secret_is_kept_and_only_its_hint_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on(&w, "v2-events");

    // Pasted with a line break: kept without it.
    let view = check(&w, Some(US_ID), Some(&format!("{US_SECRET}\n"))).unwrap();
    assert_no_secret(&view);
    assert_eq!(view["check"]["client_id"], US_ID);
    assert_eq!(view["check"]["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(view["check"]["teams"], Value::Null);
    assert_eq!(view["stored"]["name"], "nylas_v2_client_secret");
    assert_eq!(view["stored"]["hint"], "pra…2Nq");
    let record = &view["progress"]["answers"]["nylas_v2"];
    assert_eq!(record["client_id"], US_ID);
    assert_eq!(record["region"], "us");
    assert_eq!(view["progress"]["leaving"]["status"], "done");
    assert_eq!(stored(&app).as_deref(), Some(US_SECRET));
    for (cmd, body) in [
        ("get_session", json!({})),
        ("stored_secret", json!({"name": "nylas_v2_client_secret"})),
    ] {
        assert_no_secret(&call(&w, cmd, body).unwrap());
    }
    // The generic secret command can't store one unchecked.
    let refused = call(
        &w,
        "save_secret",
        json!({"name": "nylas_v2_client_secret", "value": "unchecked-value-12345"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");

    // A wrong secret afterwards changes nothing: the working one stays.
    let wrong = check(&w, Some(US_ID), Some("not-the-secret")).unwrap_err();
    assert_eq!(wrong["code"], "unauthorized");
    assert!(wrong["message"]
        .as_str()
        .unwrap()
        .starts_with("The client ID or secret is wrong"));
    assert_eq!(stored(&app).as_deref(), Some(US_SECRET));

    // Re-checked with nothing typed: the saved secret and ID.
    let again = check(&w, None, None).unwrap();
    assert_eq!(again["check"]["client_id"], US_ID);
    assert_eq!(again["stored"]["hint"], "pra…2Nq");

    // Forgetting the secret forgets the record: the step isn't done.
    call(
        &w,
        "forget_secret",
        json!({"name": "nylas_v2_client_secret"}),
    )
    .unwrap();
    assert_eq!(stored(&app), None);
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(session["progress"]["answers"]["nylas_v2"], Value::Null);
    assert_eq!(session["progress"]["leaving"]["status"], "skipped");
}

#[test]
fn practice_mode_checks_the_practice_app_when_nothing_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on(&w, "teams");
    let view = check(&w, None, None).unwrap();
    assert_no_secret(&view);
    assert_eq!(view["check"]["client_id"], US_ID);
    // Path B asked the Teams beta host too.
    assert_eq!(view["check"]["teams"]["microsoft"], false);
    assert_eq!(stored(&app).as_deref(), Some(US_SECRET));
}

#[test]
fn a_saved_secret_nylas_refuses_is_removed_with_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on(&w, "v2-events");
    check(&w, Some(US_ID), Some(US_SECRET)).unwrap();
    // The secret was rotated in the Nylas dashboard since.
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.write_secret(
        SecretName::NylasV2ClientSecret,
        SecretString::from("rotated-away-0000".to_owned()),
    ))
    .unwrap();
    // A new ID typed without its secret leaves the saved one alone.
    check(&w, Some("another-app-id"), None).unwrap_err();
    assert!(stored(&app).is_some());
    // Its own ID: refused everywhere, so removed.
    let e = check(&w, None, None).unwrap_err();
    assert_eq!(e["code"], "unauthorized");
    assert_eq!(
        e["message"],
        "Nylas v2 no longer accepts your saved client ID and secret, so the secret was removed."
    );
    assert_eq!(stored(&app), None);
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(session["progress"]["answers"]["nylas_v2"], Value::Null);
}

#[test]
fn the_wrong_region_is_named_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on(&w, "v2-events");
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "region", "value": "eu"}}),
    )
    .unwrap();
    let e = check(&w, Some(US_ID), Some(US_SECRET)).unwrap_err();
    assert_eq!(e["code"], "unauthorized");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("in the US region, not the EU region"));
    assert_no_secret(&e);
    assert_eq!(stored(&app), None);
}

#[test]
fn the_step_belongs_to_paths_b_and_c() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let e = check(&w, Some(US_ID), Some(US_SECRET)).unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("Teams"));
}

#[test]
fn outside_practice_an_empty_secret_is_asked_for_without_a_call() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "choose_path", json!({"path": "teams"})).unwrap();
    let e = check(&w, Some(US_ID), None).unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(e["message"], "Paste your Nylas v2 client secret.");
}
