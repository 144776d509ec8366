//! Path D in the shell (mock runtime, real ACL) against the practice
//! simulator: the Microsoft connector step plans the imported connector's
//! reconfiguration with migration wording and records path D's own run;
//! the EWS step says whether it is needed from the sorted accounts, creates
//! the connector once and a second run creates nothing.

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas::NylasAccountRecord;
use wizard_core::plan::StepOutcome;
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};

use super::apply_with;
use crate::app_state::AppState;
use crate::microsoft_tests::{app, call, practice};

const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CLIENT_SECRET: &str = "Sbx8Q~migrate-canary-value-0815";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Practice mode on path D with the v2 scopes translated, the new app's ID
/// and tenant, its stored secret and a US key checked.
fn on_path_d(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    practice(w);
    call(w, "choose_path", json!({"path": "migrate"})).unwrap();
    call(
        w,
        "translate_v2_scopes",
        json!({"scopes": [], "pasted": "email.read_only, calendar"}),
    )
    .unwrap();
    for (key, value) in [("client_id", CLIENT_ID), ("tenant", "contoso.com")] {
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
    let record: NylasAccountRecord = serde_json::from_value(json!({
        "application_id": NYLAS_APP,
        "region": Region::Us,
        "name": "Contoso Scheduler",
        "checked_at": "2026-12-01T20:30:00Z",
    }))
    .unwrap();
    state
        .update(|p| {
            p.answers.nylas_account = Some(record);
            Ok(())
        })
        .unwrap();
}

/// The view tests' data (`ui/src/test/generated/ews.json`), from what these
/// commands answered: times fixed, rewritten only on change.
fn write_fixture(value: &Value) {
    let mut value = value.clone();
    let fixed = json!("2026-12-01T23:30:00Z");
    if let Some(answers) = value["applied"]["progress"]["answers"].as_object_mut() {
        for record in ["migrate_scopes", "migrate_accounts", "migrate_ews"] {
            if let Some(r) = answers.get_mut(record).and_then(Value::as_object_mut) {
                r.insert("at".into(), fixed.clone());
            }
        }
    }
    for view in ["needed", "again"] {
        if let Some(r) = value[view]["record"].as_object_mut() {
            r.insert("at".into(), fixed.clone());
        }
    }
    if let Some(changes) = value["applied"]["changes"].as_array_mut() {
        for c in changes {
            c["at"] = fixed.clone();
        }
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/test/generated/ews.json");
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

fn classify(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, csv: &str) {
    call(
        w,
        "classify_v2_accounts",
        json!({"text": csv, "source": "accounts.csv"}),
    )
    .unwrap();
}

#[test]
fn path_d_s_connector_plan_is_the_migration_with_the_translated_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    practice(&w);
    call(&w, "choose_path", json!({"path": "migrate"})).unwrap();
    // Nothing yet: the translated scopes come first, with path D's titles.
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["migration"], true);
    let missing = view["missing"].as_array().unwrap();
    assert_eq!(missing[0]["step"], "scopes", "{view}");
    assert!(missing
        .iter()
        .any(|m| m["step"] == "azure-app" && m["step_title"] == "New Azure app"));

    on_path_d(&state, &w);
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["missing"], json!([]), "{view}");
    let plan = &view["plan"];
    assert_eq!(plan["id"], "migrate-connector");
    let steps = plan["steps"].as_array().unwrap();
    // No test sign-in on this path: no loopback callback is registered.
    assert!(
        steps
            .iter()
            .all(|s| !s["key"].as_str().unwrap().contains("nylas-wizard")),
        "{plan}"
    );
    let connector = &steps[0];
    assert!(
        connector["summary"]
            .as_str()
            .unwrap()
            .contains("import tool"),
        "{connector}"
    );
    let scope = connector["request"]["body"]["scope"].to_string();
    assert!(
        scope.contains("Mail.Read") && scope.contains("Calendars.ReadWrite"),
        "{scope}"
    );
    assert!(!view.to_string().contains(CLIENT_SECRET));

    // Applying records path D's run (not path A's), and the step is Done.
    let applied = runtime()
        .block_on(crate::configure_commands::apply_with_at(
            &state,
            1,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    assert!(applied.report.succeeded(), "{:?}", applied.report);
    let answers = &state.progress().answers;
    assert!(answers.migrate_connector.as_ref().unwrap().complete);
    assert!(answers.nylas_configured.is_none());
    call(&w, "go_to_step", json!({"step": "connector"})).unwrap();
    let here = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(here["progress"]["leaving"]["status"], "done");
    // Reading again: the connector is as wanted, nothing to do.
    let again = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(again["plan"]["steps"][0]["action"], "nothing_to_do");
}

#[test]
fn ews_is_not_needed_without_on_premises_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    on_path_d(&state, &w);
    let view = call(&w, "plan_migrate_ews", json!({})).unwrap();
    assert_eq!(view["need"], "unknown");
    assert_eq!(view["missing"][0]["step"], "accounts");
    assert_eq!(view["plan"], Value::Null);
    classify(
        &w,
        "email,provider,authentication_type\na@contoso.com,graph,token\n",
    );
    let view = call(&w, "plan_migrate_ews", json!({})).unwrap();
    assert_eq!(view["need"], "not_needed");
    assert!(view["why"]
        .as_str()
        .unwrap()
        .contains("no EWS connector is needed"));
    assert_eq!(view["plan"], Value::Null);
    // Honestly done, and applying sends nothing.
    call(&w, "go_to_step", json!({"step": "ews"})).unwrap();
    let here = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(here["progress"]["leaving"]["status"], "done");
    let err = runtime()
        .block_on(apply_with(&state, &|_| {}, &CancellationToken::new()))
        .unwrap_err();
    assert!(err.hint.unwrap().contains("No EWS connector is needed"));
}

#[test]
fn ews_is_created_once_for_on_premises_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    on_path_d(&state, &w);
    classify(
        &w,
        "email,provider,authentication_type\nb@corp.example,exchange,password\n",
    );
    call(&w, "go_to_step", json!({"step": "ews"})).unwrap();
    let view = call(&w, "plan_migrate_ews", json!({})).unwrap();
    let needed = view.clone();
    assert_eq!(view["need"], "needed", "{view}");
    assert_eq!(view["scopes"], json!(["ews.messages", "ews.calendar"]));
    let step = &view["plan"]["steps"][0];
    assert_eq!(step["action"], "create", "{view}");
    assert_eq!(step["request"]["body"]["provider"], "ews");
    assert!(!view.to_string().contains(API_KEY));
    let here = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(here["progress"]["leaving"]["status"], "skipped");

    let applied = runtime()
        .block_on(apply_with(&state, &|_| {}, &CancellationToken::new()))
        .unwrap();
    assert_eq!(applied.report.steps[0].outcome, StepOutcome::Created);
    assert!(applied.accepted.is_some());
    // One change, with its undo in the dashboard's words.
    assert_eq!(applied.changes.len(), 1);
    let listed = call(&w, "list_changes", json!({})).unwrap();
    let change = &listed["changes"][0];
    assert_eq!(change["kind"], "ews_connector_created", "{listed}");
    assert!(change["undo"]["steps"][0]
        .as_str()
        .unwrap()
        .contains("Connectors, then EWS"));
    let record = state.progress().answers.migrate_ews.unwrap();
    assert!(record.present && record.created);
    let here = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(here["progress"]["leaving"]["status"], "done");

    // Again: found, nothing created.
    let view = call(&w, "plan_migrate_ews", json!({})).unwrap();
    assert_eq!(view["plan"]["steps"][0]["action"], "nothing_to_do");
    let second = runtime()
        .block_on(apply_with(&state, &|_| {}, &CancellationToken::new()))
        .unwrap();
    assert_eq!(second.report.writes(), 0);
    assert_eq!(second.report.steps[0].outcome, StepOutcome::AlreadyDone);
    assert_eq!(second.changes, vec![]);
    write_fixture(&json!({
        "needed": needed,
        "applied": serde_json::to_value(&applied).unwrap(),
        "again": view,
    }));
}
