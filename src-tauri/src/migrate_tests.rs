//! Path D's commands in the shell (mock runtime, real ACL): the v2 scopes
//! translated and recorded as the features the Azure app step audits, the
//! v2 accounts sorted with counts recorded (never an address in the
//! progress), and the re-authentication list saved as a new CSV each time.

use serde_json::{json, Value};

use crate::microsoft_tests::{app, call};

const ACCOUNTS: &str = "email,provider,authentication_type\n\
    a@contoso.com,graph,token\n\
    b@contoso.com,office365,token\n\
    c@contoso.com,exchange,password\n\
    d@outlook.com,outlook,token\n\
    e@contoso.com,gmail,token\n";

fn on_path_d(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    call(w, "use_session_only_secrets", json!({})).unwrap();
    call(w, "choose_path", json!({"path": "migrate"})).unwrap();
}

#[test]
fn translated_scopes_become_the_paths_features_and_the_step_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    on_path_d(&w);
    let choices = call(&w, "v2_scope_choices_list", json!({})).unwrap();
    assert_eq!(choices.as_array().unwrap().len(), 13);
    assert_eq!(choices[0]["id"], "email");

    let view = call(
        &w,
        "translate_v2_scopes",
        json!({"scopes": ["calendar"], "pasted": "email.read_only"}),
    )
    .unwrap();
    assert_eq!(
        view["translation"]["scopes"],
        json!([
            "Mail.Read",
            "Calendars.ReadWrite",
            "User.Read",
            "offline_access"
        ])
    );
    let progress = &view["progress"];
    assert_eq!(
        progress["answers"]["features"]["features"],
        json!(["mail-read", "calendar-write"])
    );
    assert_eq!(progress["current"]["needs_features"], false);
    assert_eq!(progress["leaving"]["status"], "done");
    assert_eq!(
        progress["answers"]["migrate_scopes"]["v2_scopes"],
        json!(["email.read_only", "calendar"])
    );
    // Saved: a fresh read of the progress has it.
    let saved = std::fs::read_to_string(dir.path().join("progress.json")).unwrap();
    assert!(saved.contains("\"migrate_scopes\""));
}

#[test]
fn an_unknown_pasted_scope_is_refused_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    on_path_d(&w);
    let e = call(
        &w,
        "translate_v2_scopes",
        json!({"scopes": ["calendar"], "pasted": "email.readonly"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(e["message"], "\"email.readonly\" is not a Nylas v2 scope.");
    let view = call(&w, "get_session", json!({})).unwrap();
    assert!(!view.to_string().contains("migrate_scopes\":{"));
}

#[test]
fn accounts_are_sorted_and_only_counts_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    on_path_d(&w);
    call(&w, "go_to_step", json!({"step": "accounts"})).unwrap();
    let view = call(
        &w,
        "classify_v2_accounts",
        json!({"text": ACCOUNTS, "source": "v2-accounts.csv"}),
    )
    .unwrap();
    let c = &view["classification"];
    let counts: Vec<u64> = c["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 1, 1]);
    assert_eq!(c["unclassified"][0]["row"], 6);
    let record = &view["progress"]["answers"]["migrate_accounts"];
    assert_eq!(record["counts"], json!([1, 1, 1, 1]));
    assert_eq!(record["unclassified"], 1);
    assert_eq!(record["source"], "v2-accounts.csv");
    assert_eq!(view["progress"]["leaving"]["status"], "needs-attention");
    let saved = std::fs::read_to_string(dir.path().join("progress.json")).unwrap();
    assert!(
        !saved.contains("contoso.com"),
        "an address was saved: {saved}"
    );
    // A file that isn't a list is a plain error.
    let e = call(&w, "classify_v2_accounts", json!({"text": "hello"})).unwrap_err();
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("no \"email\" column"));
}

#[test]
fn the_reauth_list_is_saved_as_a_new_csv_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    on_path_d(&w);
    let paths: Vec<String> = (0..2)
        .map(|_| {
            call(&w, "save_reauth_csv", json!({"text": ACCOUNTS}))
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // The files are the test's own (in Downloads or the data folder): tidy up.
    for p in &paths {
        std::fs::remove_file(p).unwrap();
    }
    assert_ne!(paths[0], paths[1], "the second save overwrote the first");
    assert!(paths[0].ends_with(".csv"));
    assert!(paths[0].contains("Nylas v2 accounts to re-authenticate"));
    let lines: Vec<&str> = texts[0].lines().collect();
    assert_eq!(lines.len(), 4, "{}", texts[0]);
    assert!(lines[1].starts_with("b@contoso.com,office365,token,2,"));
    assert!(!texts[0].contains("a@contoso.com"));
    let e: Value = call(&w, "save_reauth_csv", json!({"text": ""})).unwrap_err();
    assert_eq!(e["code"], "invalid_input");
}

#[test]
fn the_current_app_s_exchange_permissions_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    on_path_d(&w);
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/wizard-core/tests/fixtures/manifests/v2-events-ews-eas.json"
    ))
    .unwrap();
    let check = call(
        &w,
        "check_current_app_exchange",
        json!({ "manifest": manifest }),
    )
    .unwrap();
    let names: Vec<&str> = check["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"EAS.AccessAsUser.All"), "{names:?}");
    assert!(check["message"]
        .as_str()
        .unwrap()
        .contains("Nylas v3 needs Microsoft Graph permissions"));
    let e = call(
        &w,
        "check_current_app_exchange",
        json!({"manifest": "hello"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "manifest_invalid");
}

#[test]
fn the_current_app_is_read_live_in_the_signed_in_session_without_becoming_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "migrate"})).unwrap();
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "tenant", "value": "contoso.com"}}),
    )
    .unwrap();
    // Contoso's practice app (Graph permissions only).
    let current = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
    let e = call(
        &w,
        "check_current_app_exchange_live",
        json!({ "clientId": current }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "unauthorized", "{e}");
    assert!(e["hint"].as_str().unwrap().contains("manifest"), "{e}");
    crate::microsoft_tests::sign_in_with_browser(&w, "audit");
    let check = call(
        &w,
        "check_current_app_exchange_live",
        json!({ "clientId": current }),
    )
    .unwrap();
    assert_eq!(check["app_name"], "Practice: correct");
    assert_eq!(check["found"], json!([]));
    assert!(check["message"]
        .as_str()
        .unwrap()
        .starts_with("This app lists no Exchange"));
    // The current app's ID is not the new app's answer.
    let session = call(&w, "get_session", json!({})).unwrap();
    assert_eq!(session["progress"]["answers"]["client_id"], Value::Null);
    let e = call(
        &w,
        "check_current_app_exchange_live",
        json!({ "clientId": "00000000-1111-4222-8333-444444444444" }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "not_found");
    let e = call(
        &w,
        "check_current_app_exchange_live",
        json!({ "clientId": " " }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
}
