//! "Create it for me" in the shell (mock runtime, real ACL) against the
//! practice simulator: the plan from the answers without a sign-in, a
//! read-only sign-in refused, creating after signing in to create (the
//! secret stored, only its hint in the answer, the tenant an answer, the
//! live audit passing), and a second run reusing the app.

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager};
use wizard_core::secrets::{ExposeSecret, SecretName};

use crate::microsoft_tests::{app, call, practice, sign_in_with_browser as sign_in};
use crate::AppState;

fn stored_value(app: &App<MockRuntime>) -> Option<String> {
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.read_secret(SecretName::AzureClientSecret))
        .unwrap()
        .map(|s| s.expose_secret().to_owned())
}

#[test]
fn the_plan_comes_from_the_answers_and_creating_needs_a_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);

    let planned = call(
        &w,
        "plan_new_app",
        json!({"name": null, "secretDays": null}),
    )
    .unwrap();
    let plan = &planned["plan"];
    assert_eq!(plan["display_name"], "Nylas");
    assert_eq!(plan["secret_days"], 365);
    assert_eq!(plan["body"]["displayName"], "Nylas");
    assert_eq!(plan["body"]["signInAudience"], plan["sign_in_audience"]);
    assert!(plan["redirect_uris"]
        .as_array()
        .unwrap()
        .contains(&json!("https://api.us.nylas.com/v3/connect/callback")));
    assert!(planned["why"]
        .as_str()
        .unwrap()
        .contains("Application.ReadWrite.All"));
    assert_eq!(planned["can_create"], false);
    assert_eq!(planned["reuses"], Value::Null);

    // The admin's name and expiry are the plan's.
    let named = call(
        &w,
        "plan_new_app",
        json!({"name": "Nylas mail", "secretDays": 182}),
    )
    .unwrap();
    assert_eq!(named["plan"]["body"]["displayName"], "Nylas mail");
    assert_eq!(named["plan"]["secret_days"], 182);
    let too_long = call(&w, "plan_new_app", json!({"name": "x", "secretDays": 5000})).unwrap_err();
    assert_eq!(too_long["code"], "invalid_input");

    let err = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas", "secretDays": 365}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "unauthorized");
}

#[test]
fn signed_in_to_create_the_app_is_created_checked_and_then_reused() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    practice(&w);

    // Reading only is not enough to create.
    sign_in(&w, "audit");
    let refused = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "forbidden");
    assert_eq!(
        call(&w, "plan_new_app", json!({})).unwrap()["can_create"],
        false
    );

    let who = sign_in(&w, "create");
    assert_eq!(who["access"], "create");
    let planned = call(&w, "plan_new_app", json!({})).unwrap();
    assert_eq!(planned["plan"]["display_name"], "Nylas – Contoso Ltd");
    assert_eq!(planned["can_create"], true);
    assert_eq!(planned["reuses"], Value::Null);
    assert_eq!(stored_value(&app), None);

    let created = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365}),
    )
    .unwrap();
    let outcome = &created["outcome"];
    assert_eq!(outcome["created"], true, "{outcome}");
    assert_eq!(outcome["secret"]["kind"], "created");
    assert_eq!(created["unmet"], json!([]), "{}", outcome["audit"]);
    let steps = outcome["steps"].as_array().unwrap();
    assert!(steps[0].as_str().unwrap().starts_with("Registered the app"));
    // The tenant is now the directory's ID, and the check is recorded.
    let tenant_id = outcome["tenant_id"].as_str().unwrap();
    assert!(!tenant_id.is_empty());
    assert_eq!(created["progress"]["answers"]["tenant"], tenant_id);
    assert_eq!(
        created["progress"]["answers"]["last_check"]["display_name"],
        "Nylas – Contoso Ltd"
    );
    // The value is in the store; the window only ever got its hint.
    let value = stored_value(&app).expect("the secret was stored");
    assert!(!created.to_string().contains(&value));
    let hint = outcome["secret"]["secret"]["hint"].as_str().unwrap();
    assert!(!hint.is_empty() && !hint.contains(&value));

    // A second run finds the app and creates nothing new.
    let again = call(&w, "plan_new_app", json!({})).unwrap();
    assert_eq!(again["reuses"]["app_id"], outcome["app_id"]);
    assert_eq!(again["reuses"]["changes"], json!([]));
    let rerun = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365}),
    )
    .unwrap();
    assert_eq!(rerun["outcome"]["created"], false);
    assert_eq!(rerun["outcome"]["app_id"], outcome["app_id"]);
    assert_eq!(rerun["outcome"]["secret"]["kind"], "already_there");
    assert_eq!(stored_value(&app), Some(value));
}
