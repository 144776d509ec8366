//! "Teams integration" in the shell (mock runtime, real ACL) against the
//! practice simulator: what is missing names the step to go back to; a
//! failing Teams audit blocks the plan, naming its failures; with a passing
//! one the plan creates the integration (tenant resolved to Contoso's ID,
//! the secret redacted, the redirect URI confirmed on the app), applying
//! streams progress, records the change and the answers' record; a second
//! run changes nothing; another tenancy is an update sent only when
//! confirmed; no secret ever reaches the window.

use std::sync::Mutex;

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas_v2::NylasV2Record;
use wizard_core::plan::{ProgressEvent, StepOutcome, StepState};
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};

use super::{apply_with_at, TeamsChoices};
use crate::app_state::AppState;
use crate::microsoft_tests::{app, call};

const V2_ID: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// The appId of the `teams-correct` manifest (and its failing sibling).
const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
const AZURE_SECRET: &str = "Tms8Q~teams-canary-value-0815";
/// Contoso's directory ID in the practice scenario.
const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn manifest(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/wizard-core/tests/fixtures/manifests")
        .join(format!("{name}.json"));
    std::fs::read_to_string(path).unwrap()
}

fn answer(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, key: &str, value: Value) {
    call(
        w,
        "set_answer",
        json!({"update": {"key": key, "value": value}}),
    )
    .unwrap();
}

/// Practice mode on the Teams path: Contoso, single tenant, calendar write.
fn teams_path(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": "teams"})).unwrap();
    answer(
        w,
        "feature",
        json!({"feature": "calendar-write", "on": true}),
    );
    answer(w, "region", json!("us"));
    answer(w, "tenancy", json!("single"));
    answer(w, "tenant", json!("contoso.com"));
    answer(w, "client_id", json!(APP_ID));
}

/// Everything else the integration needs: both secrets stored, the v2 app
/// checked for the US region.
fn ready(state: &AppState) {
    runtime().block_on(async {
        for (name, value) in [
            (SecretName::NylasV2ClientSecret, V2_SECRET),
            (SecretName::AzureClientSecret, AZURE_SECRET),
        ] {
            state
                .write_secret(name, SecretString::from(value.to_owned()))
                .await
                .unwrap();
        }
    });
    state
        .update(|p| {
            p.record_nylas_v2(Some(NylasV2Record {
                client_id: V2_ID.into(),
                region: Region::Us,
                checked_at: "2026-12-01T20:30:00Z".into(),
            }));
            Ok(())
        })
        .unwrap();
}

/// The window's last audit, as it keeps it after auditing `name`.
fn audit(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, name: &str) -> Value {
    let outcome = call(w, "audit_manifest", json!({"manifest": manifest(name)})).unwrap();
    json!({"report": outcome["report"], "source": "manifest"})
}

/// The view tests' data (`ui/src/test/generated/teams.json`), from what
/// these commands answered: rewritten only on change, so a clean tree
/// stays clean. Ids and times the simulator makes up are fixed.
fn write_fixture(value: &Value, integration_id: &str) {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text = text.replace(integration_id, "sandbox-integration-1");
    let stamp = regex_free_times(&text);
    text.push('\n');
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/teams.json");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(stamp.as_str()) {
        std::fs::write(path, stamp).unwrap();
    }
}

/// `"at": "<any time>"` → a fixed time (records and changes).
fn regex_free_times(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("\"at\": \"") || trimmed.starts_with("\"checked_at\": \"") {
            let indent = &line[..line.len() - trimmed.len()];
            let key = if trimmed.starts_with("\"at\"") {
                "at"
            } else {
                "checked_at"
            };
            let comma = if trimmed.trim_end().ends_with(',') {
                ","
            } else {
                ""
            };
            out.push_str(&format!(
                "{indent}\"{key}\": \"2026-12-01T20:45:00Z\"{comma}\n"
            ));
        } else {
            out.push_str(line);
        }
    }
    out
}

fn no_secret(v: &Value) {
    let text = v.to_string();
    assert!(
        !text.contains(AZURE_SECRET) && !text.contains(V2_SECRET),
        "{text}"
    );
}

/// The blocked and missing views for the UI's tests.
fn write_blocked_fixture(view: &Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/teams-blocked.json");
    let mut text = serde_json::to_string_pretty(view).unwrap();
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn missing_steps_and_an_unchecked_app_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "teams"})).unwrap();
    let view = call(&w, "plan_teams_integration", json!({})).unwrap();
    assert_eq!(view["plan"], Value::Null);
    let steps: Vec<&str> = view["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["step"].as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"azure-app") && steps.contains(&"nylas-v2"),
        "{view}"
    );
    assert!(view["blocked"]["message"]
        .as_str()
        .unwrap()
        .contains("hasn't been checked for Teams"));
    // Applying sends nothing and says why.
    let e = call(
        &w,
        "apply_teams_integration",
        json!({"confirmUpdate": false, "onProgress": "__CHANNEL__:1"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
}

#[test]
fn a_failing_teams_audit_blocks_the_plan_naming_its_failures() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    teams_path(&w);
    ready(&state);
    let last = audit(&w, "teams-missing-implicit");
    let view = call(&w, "plan_teams_integration", json!({"audit": last})).unwrap();
    assert_eq!(view["plan"], Value::Null, "{view}");
    write_blocked_fixture(&view);
    let blocked = &view["blocked"];
    assert!(
        blocked["message"]
            .as_str()
            .unwrap()
            .contains("Turn on ID tokens for Teams"),
        "{blocked}"
    );
    assert!(blocked["hint"].as_str().unwrap().contains("Azure app step"));
    let audit_value: wizard_core::summary::LastAudit = serde_json::from_value(last).unwrap();
    let e = runtime()
        .block_on(apply_with_at(
            &state,
            Some(&audit_value),
            &TeamsChoices::default(),
            true,
            47616,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap_err();
    assert!(e.message.contains("isn't ready for Teams"), "{e:?}");
    assert_eq!(state.progress().answers.teams_integration, None);
}

#[test]
fn plan_apply_record_and_a_confirmed_update() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    teams_path(&w);
    ready(&state);
    let last = audit(&w, "teams-correct");
    let view = call(&w, "plan_teams_integration", json!({"audit": last})).unwrap();
    no_secret(&view);
    assert_eq!(view["missing"], json!([]), "{view}");
    assert_eq!(view["blocked"], Value::Null, "{view}");
    assert_eq!(
        view["tenant"], CONTOSO_ID,
        "the domain is resolved to its ID"
    );
    assert_eq!(view["redirect_state"], "matches");
    assert_eq!(
        view["nylas_secret_hint"], "pra…2Nq",
        "a hint, never the secret"
    );
    assert_eq!(view["azure_secret_hint"], "Tms…815");
    let step = &view["plan"]["steps"][0];
    assert_eq!(step["action"], "create");
    assert_eq!(step["request"]["body"]["settings"]["client_secret"], "•••");
    assert_eq!(step["request"]["body"]["settings"]["tenant"], CONTOSO_ID);
    assert_eq!(
        step["request"]["body"]["redirect_uris"],
        json!([
            "https://beta.us.nylas.com/connect/callback",
            "http://localhost:47616/nylas-wizard/teams-callback"
        ])
    );

    let audit_value: wizard_core::summary::LastAudit =
        serde_json::from_value(last.clone()).unwrap();
    let events: Mutex<Vec<ProgressEvent>> = Mutex::new(Vec::new());
    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            Some(&audit_value),
            &TeamsChoices::default(),
            false,
            47616,
            &|e| events.lock().unwrap().push(e),
            &CancellationToken::new(),
        ))
        .unwrap();
    assert!(applied.report.succeeded(), "{:?}", applied.report);
    let events = events.into_inner().unwrap();
    assert!(matches!(events[0].state, StepState::Started));
    assert!(matches!(
        events[1].state,
        StepState::Done {
            outcome: StepOutcome::Created
        }
    ));
    let record = state.progress().answers.teams_integration.unwrap();
    assert!(record.created);
    assert_eq!(record.tenant, CONTOSO_ID);
    assert_eq!(
        applied.report.steps[0].ids,
        vec![record.integration_id.clone()]
    );
    let listed = call(&w, "list_changes", json!({})).unwrap();
    no_secret(&listed);
    assert_eq!(
        listed["changes"][0]["kind"], "teams_integration_created",
        "{listed}"
    );

    // Again: nothing to do.
    let again = call(&w, "plan_teams_integration", json!({"audit": last})).unwrap();
    assert_eq!(
        again["plan"]["steps"][0]["action"], "nothing_to_do",
        "{again}"
    );
    assert_eq!(again["needs_confirmation"], false);

    // Multitenant now: an update, shown and sent only when confirmed.
    answer(&w, "tenancy", json!("multi"));
    let update = call(&w, "plan_teams_integration", json!({"audit": last})).unwrap();
    assert_eq!(update["needs_confirmation"], true, "{update}");
    let change = &update["plan"]["steps"][0]["changes"][0];
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some(CONTOSO_ID), Some("common"))
    );
    let refused = call(
        &w,
        "apply_teams_integration",
        json!({"audit": last, "confirmUpdate": false, "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap();
    assert_eq!(
        refused["report"]["steps"][0]["outcome"], "failed",
        "{refused}"
    );
    assert_eq!(
        state.progress().answers.teams_integration.unwrap().tenant,
        CONTOSO_ID
    );
    let done = call(
        &w,
        "apply_teams_integration",
        json!({"audit": last, "confirmUpdate": true, "onProgress": "__CHANNEL__:8"}),
    )
    .unwrap();
    no_secret(&done);
    assert_eq!(done["report"]["steps"][0]["outcome"], "updated", "{done}");
    assert_eq!(done["changes"][0]["kind"], "teams_integration_updated");
    let record = state.progress().answers.teams_integration.unwrap();
    assert_eq!((record.tenant.as_str(), record.created), ("common", false));

    write_fixture(
        &json!({
            "create": view,
            "applied": serde_json::to_value(&applied).unwrap(),
            "update": update,
            "updated": done,
        }),
        &record.integration_id,
    );
}

#[test]
fn choices_are_checked_in_rust() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    teams_path(&w);
    ready(&state);
    let last = audit(&w, "teams-correct");
    let e = call(
        &w,
        "plan_teams_integration",
        json!({"audit": last, "choices": {"expires_in": 60}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("60 seconds"), "{e}");
    // Only an address the Azure app doesn't have: refused before Nylas.
    let e = call(
        &w,
        "plan_teams_integration",
        json!({"audit": last, "choices": {"redirect_uris": ["https://app.example.com/teams"]}}),
    )
    .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("None of these redirect URIs"),
        "{e}"
    );
    let view = call(
        &w,
        "plan_teams_integration",
        json!({"audit": last, "choices": {"name": "Contoso meetings", "expires_in": 86400}}),
    )
    .unwrap();
    let body = &view["plan"]["steps"][0]["request"]["body"];
    assert_eq!(
        (body["name"].as_str(), body["expires_in"].as_u64()),
        (Some("Contoso meetings"), Some(86400))
    );
}

#[test]
fn stop_as_the_step_starts_creates_nothing_and_a_second_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    teams_path(&w);
    ready(&state);
    let last: wizard_core::summary::LastAudit =
        serde_json::from_value(audit(&w, "teams-correct")).unwrap();
    let stop = CancellationToken::new();
    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            Some(&last),
            &TeamsChoices::default(),
            false,
            47616,
            &|e| {
                // The admin presses Stop as the step starts.
                if matches!(e.state, StepState::Started) {
                    stop.cancel();
                }
            },
            &stop,
        ))
        .unwrap();
    assert!(applied.report.cancelled);
    assert_eq!(applied.report.steps[0].outcome, StepOutcome::Cancelled);
    assert_eq!(applied.changes, vec![]);
    assert_eq!(state.progress().answers.teams_integration, None);
    // Nothing reached Nylas: the plan still creates it, once.
    let view = call(&w, "plan_teams_integration", json!({"audit": last})).unwrap();
    assert_eq!(view["plan"]["steps"][0]["action"], "create", "{view}");
    let done = runtime()
        .block_on(apply_with_at(
            &state,
            Some(&last),
            &TeamsChoices::default(),
            false,
            47616,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    assert_eq!(done.report.steps[0].outcome, StepOutcome::Created);
    assert!(done.report.resumed, "the journal shows the stopped run");
}
