//! Path E's commands on Tauri's mock runtime, through the real ACL, against
//! the practice simulator.

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas::test_callback::DEFAULT_TEST_SIGN_IN_PORT;
use wizard_core::secrets::{SecretName, SecretString};

use crate::app_state::AppState;
use crate::configure_commands::apply_with_at;
use crate::microsoft_tests::{app, call};

/// Contoso's US key in the practice scenario, and its application.
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CLIENT_SECRET: &str = "Sbx8Q~bulk-canary-value-0815";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Practice mode on path E with what its Nylas steps need: features, the
/// Azure app's client ID and tenant, its secret and a Nylas API key
/// checked for the US region (both stored).
fn ready(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": "bulk"})).unwrap();
    for (key, value) in [
        ("tenant", "contoso.com"),
        ("preset", "read-only-inbox"),
        ("client_id", CLIENT_ID),
    ] {
        call(
            w,
            "set_answer",
            json!({"update": {"key": key, "value": value}}),
        )
        .unwrap();
    }
    runtime().block_on(async {
        for (name, value) in [
            (SecretName::NylasApiKey, API_KEY),
            (SecretName::AzureClientSecret, CLIENT_SECRET),
        ] {
            state
                .write_secret(name, SecretString::from(value.to_owned()))
                .await
                .unwrap();
        }
    });
    state
        .update(|p| {
            p.answers.nylas_account = Some(
                serde_json::from_value(json!({
                    "application_id": NYLAS_APP,
                    "region": "us",
                    "name": "Contoso Scheduler",
                    "checked_at": "2026-12-02T02:30:00Z",
                }))
                .unwrap(),
            );
            Ok(())
        })
        .unwrap();
}

fn keys(view: &Value) -> Vec<String> {
    view["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn what_changed_comes_from_rust_through_the_acl() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let v = call(&w, "bulk_what_changed", json!({})).unwrap();
    let text = v.to_string();
    assert!(text.contains("ApplicationImpersonation"), "{text}");
    assert!(text.contains("May 2024"), "{text}");
    assert_eq!(v["sections"].as_array().unwrap().len(), 3);
}

/// Path E's connector step is path A's plan from the same features, with
/// the admin-consent loopback registered instead of the test sign-in's.
#[test]
fn the_connector_on_path_e_registers_the_consent_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    ready(&state, &w);
    call(&w, "go_to_step", json!({"step": "connector"})).unwrap();
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["missing"], json!([]), "{view}");
    assert_eq!(view["migration"], false);
    let keys = keys(&view);
    assert_eq!(keys[0], "connector:microsoft");
    assert!(
        keys.iter()
            .any(|k| k.ends_with("localhost:47618/nylas-wizard/admin-consent")),
        "{keys:?}"
    );
    assert!(!keys.iter().any(|k| k.contains("test-sign-in")), "{keys:?}");
    let scopes = &view["plan"]["steps"][0]["request"]["body"]["scope"];
    assert!(
        scopes.as_array().unwrap().contains(&json!("Mail.Read")),
        "{scopes}"
    );
    assert!(!view.to_string().contains(CLIENT_SECRET));

    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    assert!(applied.report.succeeded(), "{:?}", applied.report);
    let configured = &applied.progress.progress.answers.nylas_configured;
    assert_eq!(
        configured.as_ref().map(|r| r.application_id.as_str()),
        Some(NYLAS_APP)
    );
    // Read again: everything is already right.
    let again = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert!(again["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["action"] == "nothing_to_do"));
}
