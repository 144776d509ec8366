//! "Configure Nylas" in the shell (mock runtime, real ACL) against the
//! practice simulator: what is missing names the step to go back to; the
//! plan shows what will be sent with secrets redacted; applying streams
//! per-step progress, records each change with its undo and writes its
//! journal in practice's folder; a second run changes nothing; Stop (the
//! cancellation token) stops before anything is written.

use std::sync::Mutex;

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas::test_callback::DEFAULT_TEST_SIGN_IN_PORT;
use wizard_core::nylas::NylasAccountRecord;
use wizard_core::plan::{ProgressEvent, StepOutcome, StepState};
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};

use super::{apply_with_at, missing_prerequisites};
use crate::app_state::AppState;
use crate::microsoft_tests::{app, call, practice};

/// Contoso's US key in the practice scenario, and its application.
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CLIENT_SECRET: &str = "Sbx8Q~configure-canary-value-4711";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Practice mode with everything Configure Nylas needs: the client ID, a
/// stored client secret, a stored API key checked for the US region.
fn ready(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    practice(w);
    call(
        w,
        "set_answer",
        json!({"update": {"key": "client_id", "value": CLIENT_ID}}),
    )
    .unwrap();
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
            p.answers.nylas_account = Some(record(Region::Us));
            Ok(())
        })
        .unwrap();
}

/// What the Nylas account check records once the key worked in `region`.
fn record(region: Region) -> NylasAccountRecord {
    serde_json::from_value(json!({
        "application_id": NYLAS_APP,
        "region": region,
        "name": "Contoso Scheduler",
        "checked_at": "2026-12-01T20:30:00Z",
    }))
    .unwrap()
}

/// The view tests' data (`ui/src/test/generated/configure.json`), from
/// what these commands answered: rewritten only on change, so a clean tree
/// stays clean. Times are fixed so the file is stable.
fn write_fixture(value: &Value) {
    let mut value = value.clone();
    if let Some(run) = value["applied"]["progress"]["answers"]["nylas_configured"].as_object_mut() {
        run.insert("at".into(), json!("2026-12-01T20:45:00Z"));
    }
    if let Some(changes) = value["applied"]["changes"].as_array_mut() {
        for c in changes {
            c["at"] = json!("2026-12-01T20:45:00Z");
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/configure.json");
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    // Ids the simulator makes up per run.
    let ids: Vec<String> = value["applied"]["report"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        text = text.replace(id, &format!("sandbox-id-{}", i + 1));
    }
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

fn steps(view: &Value) -> Vec<Value> {
    view["plan"]["steps"].as_array().unwrap().clone()
}

#[test]
fn missing_steps_are_named_with_the_step_to_go_back_to() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["plan"], Value::Null);
    let missing = view["missing"].as_array().unwrap();
    let steps: Vec<&str> = missing
        .iter()
        .map(|m| m["step"].as_str().unwrap())
        .collect();
    assert!(steps.contains(&"azure-app"), "{view}");
    assert!(steps.contains(&"nylas-account"), "{view}");
    assert!(missing
        .iter()
        .any(|m| m["what"].as_str().unwrap().contains("client secret")));
    assert!(missing
        .iter()
        .all(|m| !m["step_title"].as_str().unwrap().is_empty()));

    // The rule itself: a key checked for another region doesn't count.
    let mut answers = wizard_core::answers::Answers {
        client_id: Some(CLIENT_ID.into()),
        tenant: Some("contoso.com".into()),
        ..Default::default()
    };
    answers.nylas_account = Some(record(Region::Eu));
    let m = missing_prerequisites(&answers, true, true);
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].step, "nylas-account");
    assert!(m[0].what.contains("US"), "{m:?}");
    answers.nylas_account.as_mut().unwrap().region = Region::Us;
    assert_eq!(missing_prerequisites(&answers, true, true), vec![]);
}

#[test]
fn plan_then_apply_records_each_change_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    practice(&w);
    let missing = call(&w, "plan_configure_nylas", json!({})).unwrap();
    ready(&state, &w);

    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["missing"], json!([]), "{view}");
    assert_eq!(view["application"]["application_id"], NYLAS_APP);
    let text = view.to_string();
    assert!(
        !text.contains(CLIENT_SECRET) && !text.contains(API_KEY),
        "{text}"
    );
    let planned = steps(&view);
    let connector = &planned[0];
    assert_eq!(connector["key"], "connector:microsoft");
    assert_eq!(connector["action"], "create");
    assert_eq!(
        connector["request"]["body"]["settings"]["client_secret"],
        "•••"
    );
    assert_eq!(
        connector["request"]["body"]["settings"]["client_id"],
        CLIENT_ID
    );
    assert!(planned.iter().any(|s| s["key"]
        .as_str()
        .unwrap()
        .ends_with("/nylas-wizard/test-sign-in")));

    // Apply, hearing every step start and end.
    let events: Mutex<Vec<ProgressEvent>> = Mutex::new(Vec::new());
    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|e| events.lock().unwrap().push(e),
            &CancellationToken::new(),
        ))
        .unwrap();
    assert!(applied.report.succeeded(), "{:?}", applied.report);
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), 2 * planned.len(), "{events:?}");
    assert!(matches!(events[0].state, StepState::Started));
    assert!(matches!(
        events[1].state,
        StepState::Done {
            outcome: StepOutcome::Created
        }
    ));
    // Each write is a change with its undo, in the run's list.
    let kinds: Vec<String> = applied
        .changes
        .iter()
        .map(|c| {
            serde_json::to_value(c.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds[0], "connector_created");
    assert!(
        kinds[1..].iter().all(|k| k == "callback_uri_added"),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), applied.report.writes());
    let listed = call(&w, "list_changes", json!({})).unwrap();
    assert_eq!(listed["changes"].as_array().unwrap().len(), kinds.len());
    assert!(!listed.to_string().contains(CLIENT_SECRET));
    assert!(listed["changes"][0]["undo"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("Connectors")));
    // The step is Done now, and leaving says so.
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(
        session["progress"]["answers"]["nylas_configured"]["complete"],
        true
    );
    call(&w, "go_to_step", json!({"step": "connector"})).unwrap();
    let here = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(
        here["progress"]["leaving"]["status"], "done",
        "{}",
        here["progress"]["leaving"]
    );
    // The journal is practice's own.
    assert!(dir.path().join("practice").join("journal").is_dir());

    // A second run: all already right, nothing written, nothing recorded.
    let again = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert!(
        steps(&again).iter().all(|s| s["action"] == "nothing_to_do"),
        "{again}"
    );
    let second = runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    assert_eq!(second.report.writes(), 0);
    assert_eq!(second.changes, vec![]);
    assert_eq!(
        call(&w, "list_changes", json!({})).unwrap()["changes"]
            .as_array()
            .unwrap()
            .len(),
        kinds.len()
    );

    // Other features: the existing connector's permissions change, shown
    // before → after.
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "preset", "value": "email-client"}}),
    )
    .unwrap();
    let update = call(&w, "plan_configure_nylas", json!({})).unwrap();
    let connector = &steps(&update)[0];
    assert_eq!(connector["action"], "update", "{update}");
    assert!(connector["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["field"] == "scope"));

    write_fixture(&json!({
        "missing": missing,
        "create": view,
        "applied": serde_json::to_value(&applied).unwrap(),
        "update": update,
    }));
}

#[test]
fn stop_during_the_first_step_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    ready(&state, &w);
    let stop = CancellationToken::new();
    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|e| {
                // The admin presses Stop as the first step starts.
                if e.index == 0 && matches!(e.state, StepState::Started) {
                    stop.cancel();
                }
            },
            &stop,
        ))
        .unwrap();
    assert!(applied.report.cancelled);
    assert_eq!(applied.report.steps[0].outcome, StepOutcome::Cancelled);
    assert!(applied.report.steps[1..]
        .iter()
        .all(|s| s.outcome == StepOutcome::NotRun));
    assert_eq!(applied.changes, vec![]);
    // A stopped run leaves the step needing attention, and says why.
    call(&w, "go_to_step", json!({"step": "connector"})).unwrap();
    let leaving = call(&w, "get_session", json!({})).unwrap()["progress"]["leaving"].clone();
    assert_eq!(leaving["status"], "needs-attention", "{leaving}");
    assert!(leaving["reason"]
        .as_str()
        .unwrap()
        .contains("didn't finish"));
    // Nothing reached Nylas: the plan still creates the connector.
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(steps(&view)[0]["action"], "create", "{view}");
}

#[test]
fn the_window_may_apply_through_a_channel() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    ready(&state, &w);
    // The window passes a channel id; Rust answers with the whole result.
    let applied = call(
        &w,
        "apply_configure_nylas",
        json!({"onProgress": "__CHANNEL__:4242"}),
    )
    .unwrap();
    assert_eq!(applied["report"]["cancelled"], false, "{applied}");
    assert_eq!(applied["changes"][0]["kind"], "connector_created");
    assert!(!applied.to_string().contains(CLIENT_SECRET));
}

#[test]
fn the_test_sign_in_callback_follows_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    ready(&state, &w);
    let view = runtime()
        .block_on(super::plan_view_at(&state, 5123, &CancellationToken::new()))
        .unwrap();
    let keys: Vec<String> = view
        .plan
        .unwrap()
        .steps
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert!(
        keys.contains(&"callback-uri:http://localhost:5123/nylas-wizard/test-sign-in".to_owned()),
        "{keys:?}"
    );
}
