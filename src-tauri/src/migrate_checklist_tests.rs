//! Path D's checklist in the shell (mock runtime, real ACL): seed 002's
//! steps from the progress, a dashboard step ticked and saved, a verified
//! step refused, and ticks refused off path D.

use serde_json::json;

use crate::microsoft_tests::{app, call};

#[test]
fn a_dashboard_step_is_ticked_and_saved_and_a_verified_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    call(&w, "choose_path", json!({"path": "migrate"})).unwrap();
    call(
        &w,
        "translate_v2_scopes",
        json!({"scopes": ["calendar"], "pasted": null}),
    )
    .unwrap();

    let list = call(&w, "migrate_checklist", json!({"audit": null})).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(items[1]["item"], "translate-scopes");
    assert_eq!(items[1]["state"], "verified");
    assert_eq!(items[6]["item"], "import-tool");
    assert_eq!(items[6]["state"], "to-do");
    assert_eq!(items[6]["link"]["url"], "https://dashboard-v3.nylas.com/");
    assert_eq!(list["complete"], false);

    let view = call(
        &w,
        "tick_migrate_item",
        json!({"item": "import-tool", "done": true, "audit": null}),
    )
    .unwrap();
    assert_eq!(view["checklist"]["items"][6]["state"], "ticked");
    assert_eq!(
        view["progress"]["answers"]["migrate_ticks"],
        json!(["import-tool"])
    );
    let saved = std::fs::read_to_string(dir.path().join("progress.json")).unwrap();
    assert!(saved.contains("\"import-tool\""), "{saved}");

    let e = call(
        &w,
        "tick_migrate_item",
        json!({"item": "patch-connector", "done": true, "audit": null}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("checked by the wizard itself"));

    // Unticking works; off path D nothing is ticked.
    call(
        &w,
        "tick_migrate_item",
        json!({"item": "import-tool", "done": false, "audit": null}),
    )
    .unwrap();
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let e = call(
        &w,
        "tick_migrate_item",
        json!({"item": "import-tool", "done": true, "audit": null}),
    )
    .unwrap_err();
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("Move from Nylas v2 to v3"));
    let list = call(&w, "migrate_checklist", json!({"audit": null})).unwrap();
    assert_eq!(list["items"][6]["state"], "to-do");
}

/// Fixes the times in a value so the fixture file only changes with the
/// shape of what Rust answers.
fn fix_times(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if matches!(k.as_str(), "at" | "generated_at" | "checked_at") && x.is_string() {
                    *x = json!("2026-12-01T23:30:00Z");
                } else {
                    fix_times(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(fix_times),
        _ => {}
    }
}

/// The Done step of path D as Rust shows it, for the view tests
/// (`ui/src/test/generated/migrate-done.json`, rewritten only on change).
#[test]
fn path_d_s_done_step_reports_the_checklist_and_a_tick_changes_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    call(&w, "choose_path", json!({"path": "migrate"})).unwrap();
    call(
        &w,
        "translate_v2_scopes",
        json!({"scopes": ["email.read_only", "calendar"], "pasted": null}),
    )
    .unwrap();
    call(&w, "go_to_step", json!({"step": "report"})).unwrap();
    let before = call(&w, "setup_report", json!({"clientId": null, "audit": null})).unwrap();
    assert_eq!(before["path"], "migrate");
    assert_eq!(before["complete"], false);
    let left = before["left"].as_array().unwrap();
    let import_left = |left: &[serde_json::Value]| {
        left.iter().any(|l| {
            l["text"]
                .as_str()
                .unwrap()
                .starts_with("Run the Nylas import tool")
        })
    };
    assert!(import_left(left), "{left:?}");
    assert_eq!(before["migrate_checklist"]["items"][1]["state"], "verified");

    let mut ticked = call(
        &w,
        "tick_migrate_item",
        json!({"item": "import-tool", "done": true, "audit": null}),
    )
    .unwrap();
    let after = call(&w, "setup_report", json!({"clientId": null, "audit": null})).unwrap();
    assert!(!import_left(after["left"].as_array().unwrap()));
    assert_eq!(after["migrate_checklist"]["items"][6]["state"], "ticked");

    let mut value = json!({"before": before, "ticked": ticked.take(), "after": after});
    fix_times(&mut value);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/migrate-done.json");
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

/// The old v2 app's manifest checked first, then a newer check recorded:
/// the window's remembered audit is stale, and neither the report nor the
/// checklist reads it (it would name the old app's problems as the new
/// app's).
#[test]
fn a_stale_audit_from_the_window_is_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "use_session_only_secrets", json!({})).unwrap();
    call(&w, "choose_path", json!({"path": "migrate"})).unwrap();
    call(
        &w,
        "translate_v2_scopes",
        json!({"scopes": ["email.read_only"], "pasted": null}),
    )
    .unwrap();
    let manifest = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/wizard-core/tests/fixtures/manifests/missing-offline-access.json"),
    )
    .unwrap();
    let outcome = call(&w, "audit_manifest", json!({ "manifest": manifest })).unwrap();
    let audit = json!({"report": outcome["report"], "source": "manifest"});
    let fresh = call(
        &w,
        "setup_report",
        json!({"clientId": outcome["report"]["app_id"], "audit": audit}),
    )
    .unwrap();
    assert_eq!(
        fresh["audit"]["source"], "manifest",
        "the recorded audit is read"
    );

    // A newer check is recorded (the same manifest again, a moment later).
    let recorded = call(&w, "audit_manifest", json!({ "manifest": manifest })).unwrap();
    assert_ne!(
        recorded["report"]["checked_at"],
        outcome["report"]["checked_at"]
    );
    let stale = call(
        &w,
        "setup_report",
        json!({"clientId": outcome["report"]["app_id"], "audit": audit}),
    )
    .unwrap();
    // Only the recorded counts are left: no findings, no source.
    assert!(stale["audit"]["source"].is_null(), "{}", stale["audit"]);
    assert_eq!(stale["audit"]["findings"], json!([]));
    assert_eq!(
        stale["audit"]["checked_at"],
        recorded["report"]["checked_at"]
    );
}
