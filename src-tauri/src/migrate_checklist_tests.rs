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
