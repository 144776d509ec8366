//! The Nylas account commands in the shell (mock runtime, real ACL) against
//! the practice simulator: the key never comes back over IPC, a key of the
//! other region is offered and not kept until the switch, the saved key is
//! reused (and removed once no region accepts it), the practice key, and
//! Cancel.

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager, WebviewWindow};
use wizard_core::secrets::{ExposeSecret, SecretName};

use crate::microsoft_tests::{app, call};
use crate::AppState;

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";
const CONTOSO_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const FABRIKAM_APP: &str = "8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a";

fn stored_key(app: &App<MockRuntime>) -> Option<String> {
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.read_secret(SecretName::NylasApiKey))
        .unwrap()
        .map(|s| s.expose_secret().to_owned())
}

fn practice_on_path_a(w: &WebviewWindow<MockRuntime>) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": "v3"})).unwrap();
    call(w, "go_to_step", json!({"step": "nylas-account"})).unwrap();
}

fn check(
    w: &WebviewWindow<MockRuntime>,
    key: Option<&str>,
    region: Option<&str>,
) -> Result<Value, Value> {
    call(
        w,
        "check_nylas_account",
        json!({"apiKey": key, "region": region}),
    )
}

/// No answer of any command the step uses carries the key.
fn assert_no_key(answer: &Value) {
    let text = answer.to_string();
    for key in [US_KEY, EU_KEY] {
        assert!(!text.contains(key), "the key came back over IPC: {text}");
    }
}

#[test]
fn a_working_key_is_kept_and_only_its_hint_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on_path_a(&w);

    // Pasted with a line break: kept without it.
    let view = check(&w, Some(&format!("{US_KEY}\n")), None).unwrap();
    assert_no_key(&view);
    assert_eq!(view["kept"], true);
    assert_eq!(view["check"]["application"]["application_id"], CONTOSO_APP);
    assert_eq!(
        view["check"]["application"]["branding_name"],
        "Contoso Scheduler"
    );
    assert_eq!(view["check"]["other_region"], Value::Null);
    assert_eq!(view["stored"]["name"], "nylas_api_key");
    assert_eq!(view["stored"]["hint"], "nyk…Tz1");
    let record = &view["progress"]["answers"]["nylas_account"];
    assert_eq!(record["application_id"], CONTOSO_APP);
    assert_eq!(record["region"], "us");
    assert_eq!(view["progress"]["leaving"]["status"], "done");
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));

    // Nothing else the window asks shows it either.
    for (cmd, body) in [
        ("get_session", json!({})),
        ("stored_secret", json!({"name": "nylas_api_key"})),
    ] {
        assert_no_key(&call(&w, cmd, body).unwrap());
    }
    // The generic secret command can't store a key unchecked.
    let refused = call(
        &w,
        "save_secret",
        json!({"name": "nylas_api_key", "value": "nyk_v0_unchecked_value_123"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));

    // A wrong key afterwards changes nothing: the working one stays.
    let wrong = check(&w, Some("nyk_v0_mistyped_key_000000"), None).unwrap_err();
    assert_eq!(wrong["code"], "unauthorized");
    assert_eq!(
        wrong["message"],
        "Nylas doesn't accept this API key in either region (US or EU)."
    );
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(
        session["progress"]["answers"]["nylas_account"]["application_id"],
        CONTOSO_APP
    );

    // Forgetting the key forgets what it opened: the step isn't done.
    call(&w, "forget_secret", json!({"name": "nylas_api_key"})).unwrap();
    assert_eq!(stored_key(&app), None);
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(session["progress"]["answers"]["nylas_account"], Value::Null);
    assert_eq!(session["progress"]["leaving"]["status"], "skipped");
}

#[test]
fn a_key_of_the_other_region_is_offered_and_kept_only_on_the_switch() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on_path_a(&w);

    let view = check(&w, Some(EU_KEY), None).unwrap();
    assert_no_key(&view);
    assert_eq!(view["kept"], false);
    assert_eq!(view["check"]["chosen_region"], "us");
    assert_eq!(view["check"]["application"]["application_id"], FABRIKAM_APP);
    let offer = &view["check"]["other_region"];
    assert_eq!(offer["region"], "eu");
    assert_eq!(
        offer["message"],
        "This key belongs to a Nylas application in the EU region."
    );
    assert!(offer["what_changes"]
        .as_str()
        .unwrap()
        .contains("https://api.eu.nylas.com/v3/connect/callback"));
    // Nothing saved, nothing recorded, the region still US.
    assert_eq!(stored_key(&app), None);
    assert_eq!(view["stored"], Value::Null);
    assert_eq!(view["progress"]["answers"]["nylas_account"], Value::Null);
    assert_eq!(view["progress"]["answers"]["region"], Value::Null);

    // "Switch to EU": the same key checked in the EU.
    let switched = check(&w, Some(EU_KEY), Some("eu")).unwrap();
    assert_no_key(&switched);
    assert_eq!(switched["kept"], true);
    assert_eq!(switched["progress"]["answers"]["region"], "eu");
    assert_eq!(
        switched["progress"]["answers"]["nylas_account"]["region"],
        "eu"
    );
    assert_eq!(switched["progress"]["leaving"]["status"], "done");
    assert_eq!(stored_key(&app).as_deref(), Some(EU_KEY));
}

#[test]
fn the_saved_key_is_reused_and_a_region_change_needs_a_new_check() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on_path_a(&w);

    let none = call(&w, "check_stored_nylas_account", json!({})).unwrap_err();
    assert_eq!(none["code"], "secret_not_found");

    check(&w, Some(US_KEY), None).unwrap();
    let again = call(&w, "check_stored_nylas_account", json!({})).unwrap();
    assert_no_key(&again);
    assert_eq!(again["kept"], true);
    assert_eq!(again["stored"]["hint"], "nyk…Tz1");
    assert_eq!(again["check"]["application"]["application_id"], CONTOSO_APP);

    // Leave the step done, then change the region on the Region step.
    call(&w, "go_to_step", json!({"step": "region"})).unwrap();
    let moved = call(
        &w,
        "set_answer",
        json!({"update": {"key": "region", "value": "eu"}}),
    )
    .unwrap();
    assert_eq!(moved["step_status"]["nylas-account"], "needs-attention");
    call(&w, "go_to_step", json!({"step": "nylas-account"})).unwrap();
    // The saved key, checked in the new region, is offered back its own.
    let offer = call(&w, "check_stored_nylas_account", json!({})).unwrap();
    assert_eq!(offer["kept"], false);
    assert_eq!(offer["check"]["other_region"]["region"], "us");
    assert_eq!(offer["stored"]["hint"], "nyk…Tz1", "still saved");
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));
    assert_eq!(offer["progress"]["leaving"]["status"], "needs-attention");
    // "Switch to the US region": the saved key, checked there.
    let back = call(&w, "check_stored_nylas_account", json!({"region": "us"})).unwrap();
    assert_eq!(back["kept"], true);
    assert_eq!(back["progress"]["answers"]["region"], "us");
    assert_eq!(back["progress"]["leaving"]["status"], "done");
}

#[test]
fn practice_mode_has_a_key_to_use_and_the_real_mode_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    // Outside practice mode there is no key to fall back on.
    let e = check(&w, None, None).unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(e["message"], "Paste your Nylas API key first.");

    practice_on_path_a(&w);
    let us = check(&w, None, None).unwrap();
    assert_no_key(&us);
    assert_eq!(us["check"]["application"]["application_id"], CONTOSO_APP);
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));
    let eu = check(&w, None, Some("eu")).unwrap();
    assert_eq!(eu["check"]["application"]["application_id"], FABRIKAM_APP);
    assert_eq!(eu["progress"]["answers"]["region"], "eu");
}

#[test]
fn cancel_stops_a_running_check() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice_on_path_a(&w);
    let base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let control = reqwest::Client::builder().no_proxy().build().unwrap();
    let route = "GET /nylas-us/v3/applications";
    rt.block_on(
        control
            .put(format!("{base}/_sandbox/faults"))
            .json(&json!([{"route": route, "latency_ms": 30000}]))
            .send(),
    )
    .unwrap()
    .error_for_status()
    .unwrap();
    let running = {
        let w = w.clone();
        std::thread::spawn(move || check(&w, Some(US_KEY), None))
    };
    // Wait until the simulator has the request (each poll is a real call).
    rt.block_on(async {
        loop {
            let calls: Value = control
                .get(format!("{base}/_sandbox/calls"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if calls[route].as_u64().unwrap_or(0) >= 1 {
                break;
            }
        }
    });
    let started = std::time::Instant::now();
    let stopped = call(
        &w,
        "cancel_remote",
        json!({"command": "check_nylas_account"}),
    );
    assert_eq!(stopped, Ok(json!(1)));
    let e = running.join().unwrap().unwrap_err();
    assert_eq!(e["code"], "cancelled");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn a_saved_key_no_region_accepts_any_more_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice_on_path_a(&w);
    check(&w, Some(US_KEY), None).unwrap();
    let base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    // The key was deleted in the Nylas Dashboard: both regions answer 401.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let control = reqwest::Client::builder().no_proxy().build().unwrap();
    rt.block_on(
        control
            .put(format!("{base}/_sandbox/faults"))
            .json(&json!([
                {"route": "GET /nylas-us/v3/applications", "status": 401},
                {"route": "GET /nylas-eu/v3/applications", "status": 401}
            ]))
            .send(),
    )
    .unwrap()
    .error_for_status()
    .unwrap();
    let e = call(&w, "check_stored_nylas_account", json!({})).unwrap_err();
    assert_eq!(e["code"], "unauthorized");
    assert_eq!(
        e["message"],
        "Your saved Nylas API key no longer works in either region, so it was removed."
    );
    assert_eq!(stored_key(&app), None);
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(session["progress"]["answers"]["nylas_account"], Value::Null);

    // A network failure, by contrast, removes nothing.
    check_after_faults_clear(&rt, &control, &base, &w);
    rt.block_on(
        control
            .put(format!("{base}/_sandbox/faults"))
            .json(&json!([{"route": "GET /nylas-us/v3/applications", "drop_connection": true}]))
            .send(),
    )
    .unwrap()
    .error_for_status()
    .unwrap();
    let e = call(&w, "check_stored_nylas_account", json!({})).unwrap_err();
    assert_eq!(e["code"], "remote_unavailable");
    assert_eq!(stored_key(&app).as_deref(), Some(US_KEY));
}

/// Clear the faults and save the US key again (it works once more).
fn check_after_faults_clear(
    rt: &tokio::runtime::Runtime,
    control: &reqwest::Client,
    base: &str,
    w: &WebviewWindow<MockRuntime>,
) {
    rt.block_on(
        control
            .put(format!("{base}/_sandbox/faults"))
            .json(&json!([]))
            .send(),
    )
    .unwrap()
    .error_for_status()
    .unwrap();
    assert_eq!(check(w, Some(US_KEY), None).unwrap()["kept"], true);
}
