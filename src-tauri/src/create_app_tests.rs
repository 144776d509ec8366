//! "Create it for me" in the shell (mock runtime, real ACL) against the
//! practice simulator: the plan from the answers without a sign-in, a
//! read-only sign-in refused, creating after signing in to create (the
//! secret stored, only its hint in the answer, the tenant an answer, the
//! live audit passing), and a second run reusing the app; each call
//! streamed to the window's channel as it happens; a plan that needs admin
//! consent offers it, and the admin-consent command then shows it given.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{mock_builder, MockRuntime};
use tauri::{App, Manager, WebviewWindow};
use wizard_core::endpoints::Endpoints;
use wizard_core::secrets::{ExposeSecret, SecretName};
use wizard_core::state::StateStore;

use crate::microsoft_tests::{app, call, opened_pages, practice, sign_in_with_browser as sign_in};
use crate::{configure, AppState};

/// A channel id for calls whose progress nobody listens to here.
const NOBODY: &str = "__CHANNEL__:1";

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
        json!({"name": "Nylas", "secretDays": 365, "onProgress": NOBODY}),
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
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365, "onProgress": NOBODY}),
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
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365, "onProgress": NOBODY}),
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
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365, "onProgress": NOBODY}),
    )
    .unwrap();
    assert_eq!(rerun["outcome"]["created"], false);
    assert_eq!(rerun["outcome"]["app_id"], outcome["app_id"]);
    assert_eq!(rerun["outcome"]["secret"]["kind"], "already_there");
    assert_eq!(stored_value(&app), Some(value.clone()));

    // The run's change list holds what the first run wrote, each with its
    // undo, and nothing for the re-run that wrote nothing.
    let changes = call(&w, "list_changes", json!({})).unwrap();
    let kinds: Vec<&str> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "app_registered",
            "service_principal_created",
            "client_secret_added"
        ],
        "{changes}"
    );
    for c in changes["changes"].as_array().unwrap() {
        assert!(!c["undo"].to_string().is_empty());
    }
    assert!(!changes.to_string().contains(&value));
}

/// The app of `app()`, with the channel messages it sends recorded (the
/// mock runtime has no page to run them): (channel id, index, message).
type Heard = Arc<Mutex<Vec<(u32, usize, Value)>>>;

fn app_hearing(dir: &std::path::Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>, Heard) {
    let heard: Heard = Arc::default();
    let sink = heard.clone();
    let endpoints = Endpoints::sandbox(&"http://127.0.0.1:9/".parse().unwrap()).unwrap();
    let state = AppState::new(StateStore::in_dir(dir), true, endpoints).unwrap();
    let app = configure(mock_builder())
        .channel_interceptor(move |_, channel, index, body| {
            let InvokeResponseBody::Json(json) = body else {
                panic!("progress is JSON")
            };
            let message = serde_json::from_str(json).unwrap();
            sink.lock().unwrap().push((channel.0, index, message));
            true
        })
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window, heard)
}

#[test]
fn each_call_reaches_the_window_channel_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w, heard) = app_hearing(dir.path());
    practice(&w);
    sign_in(&w, "create");
    let created = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas – Contoso Ltd", "secretDays": 365, "onProgress": "__CHANNEL__:77"}),
    )
    .unwrap();
    let heard = heard.lock().unwrap().clone();
    assert!(heard.iter().all(|(id, _, _)| *id == 77), "{heard:?}");
    let indices: Vec<usize> = heard.iter().map(|(_, i, _)| *i).collect();
    assert_eq!(indices, (0..heard.len()).collect::<Vec<_>>());
    let calls: Vec<(String, String)> = heard
        .iter()
        .map(|(_, _, m)| {
            (
                m["call"].as_str().unwrap().to_owned(),
                m["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        "find_existing",
        "app",
        "service_principal",
        "secret",
        "live_audit",
    ]
    .iter()
    .flat_map(|c| {
        [
            (c.to_string(), "started".into()),
            (c.to_string(), "done".into()),
        ]
    })
    .collect();
    assert_eq!(calls, expected);
    // What each call did, in the words the result lists.
    let steps = created["outcome"]["steps"].as_array().unwrap();
    for step in steps {
        assert!(
            heard
                .iter()
                .any(|(_, _, m)| m["state"] == "done" && m["text"] == *step),
            "{step} was not streamed"
        );
    }
    // The secret's value never travels on the channel either.
    let value = stored_value(&_app).unwrap();
    assert!(!format!("{heard:?}").contains(&value));
}

/// The admin in the browser, once the command opens the admin-consent
/// page for `app_id`: Accept.
fn approve_consent_when_opened(base: String, app_id: String) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = loop {
            if let Some(u) = opened_pages().into_iter().find(|u| {
                u.starts_with(&base) && u.contains("/adminconsent") && u.contains(&app_id)
            }) {
                break u;
            }
            assert!(Instant::now() < deadline, "the consent page never opened");
            std::thread::sleep(Duration::from_millis(20));
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            let page = http.get(&url).send().await.unwrap().text().await.unwrap();
            let marker = "id=\"approve\" href=\"";
            let start = page.find(marker).expect("the page has Accept") + marker.len();
            let href = page[start..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&");
            assert!(http.get(&href).send().await.unwrap().status().is_success());
        });
        url
    })
}

fn finding<'a>(audit: &'a Value, check: &str) -> &'a Value {
    audit["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check)
        .unwrap()
}

#[test]
fn a_new_app_needing_admin_consent_offers_it_and_the_consent_command_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    practice(&w);
    // Rooms: Place.Read.All, which only an administrator can consent to.
    call(
        &w,
        "set_answer",
        json!({"update": {"key": "feature", "value": {"feature": "rooms", "on": true}}}),
    )
    .unwrap();
    sign_in(&w, "create");
    let created = call(
        &w,
        "create_new_app",
        json!({"name": "Nylas rooms", "secretDays": 365, "onProgress": NOBODY}),
    )
    .unwrap();
    assert_eq!(created["admin_consent_to_grant"], json!(["Place.Read.All"]));
    let audit = &created["outcome"]["audit"];
    assert_eq!(finding(audit, "admin_consent")["status"], "warn");

    // "Grant admin consent now": the same command as for an existing app.
    let base = call(&w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let app_id = created["outcome"]["app_id"].as_str().unwrap().to_owned();
    let user = approve_consent_when_opened(base, app_id.clone());
    let after = call(&w, "grant_admin_consent", json!({"clientId": app_id})).unwrap();
    let url = user.join().unwrap();
    assert!(url.contains("Place.Read.All"), "{url}");
    let check = finding(&after["live"], "admin_consent");
    assert_eq!(check["status"], "pass", "{check}");
    assert_eq!(check["details"]["granted"], true);
    assert_eq!(after["live"]["facts"]["admin_consent_missing"], json!([]));
}
