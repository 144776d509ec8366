//! The change list in the shell (mock runtime, real ACL), in practice mode:
//! applying a fix and adding a client secret record changes with their
//! undo; the list is practice's own, saved beside practice's progress;
//! "Start over" clears it.

use serde_json::{json, Value};

use crate::microsoft_tests::{app, call, practice, sign_in_with_browser};

/// Contoso's app with the Nylas callback under Single-page application.
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const US_CALLBACK: &str = "https://api.us.nylas.com/v3/connect/callback";

fn listed(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Vec<Value> {
    call(w, "list_changes", json!({})).unwrap()["changes"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn applying_a_fix_in_practice_records_a_change_with_its_undo() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    assert_eq!(listed(&w), Vec::<Value>::new());
    sign_in_with_browser(&w, "fix");

    let fixed = call(&w, "apply_live_fixes", json!({"clientId": SPA_APP})).unwrap();
    let changes = fixed["changes"].as_array().unwrap();
    assert_eq!(
        changes.len(),
        fixed["outcome"]["applied"]["steps"]
            .as_array()
            .unwrap()
            .len()
    );
    let moved = changes
        .iter()
        .find(|c| c["what"].as_str().unwrap().contains(US_CALLBACK))
        .unwrap_or_else(|| panic!("{fixed}"));
    assert_eq!(moved["seq"], 1);
    assert_eq!(moved["kind"], "app_fixed");
    assert_eq!(moved["target"], "azure_app");
    assert_eq!(moved["ids"][0]["value"], SPA_APP);
    assert_eq!(moved["diff"][0]["after"], "Registered under Web");
    assert_eq!(moved["undo"]["link"]["kind"], "portal");
    assert_eq!(moved["undo"]["link"]["page"]["blade"], "authentication");
    assert_eq!(moved["undo"]["link"]["page"]["app_id"], SPA_APP);
    let steps = moved["undo"]["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s.as_str().unwrap().contains(US_CALLBACK)),
        "{steps:?}"
    );
    // The list says the same, and it is saved beside practice's progress,
    // never in the real one's folder.
    assert_eq!(&listed(&w), changes);
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("practice").join("changes.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(&saved["changes"], &fixed["changes"]);
    assert!(!dir.path().join("changes.json").exists());

    // A second apply finds nothing to do and records nothing.
    let again = call(&w, "apply_live_fixes", json!({"clientId": SPA_APP})).unwrap();
    assert_eq!(again["changes"], json!([]));

    // A new client secret: named by its Secret ID and hint.
    let secret = call(
        &w,
        "create_new_client_secret",
        json!({"clientId": SPA_APP, "description": "Nylas", "lifetime": "six_months"}),
    )
    .unwrap();
    let all = listed(&w);
    let added = all.last().unwrap();
    assert_eq!(added["kind"], "client_secret_added");
    assert!(added["ids"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["label"] == "Secret ID" && r["value"] == secret["key_id"]));
    assert_eq!(added["undo"]["link"]["page"]["blade"], "credentials");

    // Leaving practice: the real list is empty; back in practice, practice's
    // list is there again (like its progress).
    call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    assert_eq!(listed(&w), Vec::<Value>::new());
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    assert_eq!(listed(&w), all);

    // Start over clears it, on screen and on disk.
    call(&w, "start_over", json!({})).unwrap();
    assert_eq!(listed(&w), Vec::<Value>::new());
    assert!(!dir.path().join("practice").join("changes.json").exists());
}
