//! The Done step's report in the shell (mock runtime, real ACL) against the
//! practice simulator: Nylas configured for real, then the report shows
//! each change in place (read again from Nylas), the change list with its
//! undo, the test sign-in remembered for this mode only; saved as Markdown
//! and JSON side by side, never over an earlier report, and no secret in
//! the files or in any answer to the window.

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas::NylasAccountRecord;
use wizard_core::regions::Region;
use wizard_core::report::SignInFacts;
use wizard_core::secrets::{SecretName, SecretString};

use super::ReportFacts;
use crate::app_state::AppState;
use crate::microsoft_tests::{app, call, practice};

/// Contoso's US key in the practice scenario, and its application.
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CLIENT_SECRET: &str = "Sbx8Q~report-canary-value-9034";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Practice mode with what Configure Nylas needs, then Configure Nylas run.
fn configured(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    configured_at(
        state,
        w,
        wizard_core::nylas::test_callback::DEFAULT_TEST_SIGN_IN_PORT,
    );
}

/// [`configured`] with the test sign-in's callback on `port`.
fn configured_at(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>, port: u16) {
    practice(w);
    call(
        w,
        "set_answer",
        json!({"update": {"key": "client_id", "value": CLIENT_ID}}),
    )
    .unwrap();
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
        let applied = crate::configure_commands::apply_with_at(
            state,
            port,
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(applied.report.succeeded(), "{:?}", applied.report);
    });
}

/// The view tests' data (`ui/src/test/generated/report.json`), from what
/// `setup_report` answered: rewritten only on change, so a clean tree
/// stays clean. The time is fixed so the file is stable.
fn write_fixture(before_sign_in: &Value, signed_in: &Value) {
    let mut value = json!({"before_sign_in": before_sign_in, "signed_in": signed_in});
    for k in ["before_sign_in", "signed_in"] {
        value[k]["generated_at"] = json!("2026-12-01T21:00:00Z");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/report.json");
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    stable_ids(&mut text);
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

/// Ids the simulator makes up per run, replaced so the fixtures are stable.
fn stable_ids(text: &mut String) {
    let marker = "Callback URI ID ";
    let mut from = 0;
    while let Some(i) = text[from..].find(marker) {
        let start = from + i + marker.len();
        let end = (start + 36).min(text.len());
        text.replace_range(start..end, "sandbox-callback-uri-id");
        from = start;
    }
}

fn assert_no_secret(text: &str, what: &str) {
    for secret in [API_KEY, CLIENT_SECRET] {
        assert!(!text.contains(secret), "a secret reached {what}");
    }
}

#[test]
fn the_report_shows_what_is_in_place_and_saves_side_by_side_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    configured(&state, &w);

    // Before the test sign-in: everything configured is in place, the
    // sign-in is what is left.
    let doc = call(&w, "setup_report", json!({})).unwrap();
    assert_no_secret(&doc.to_string(), "the window");
    assert_eq!(doc["nylas_application"]["application_id"], NYLAS_APP);
    assert_eq!(doc["configure"]["checked_now"], true);
    let steps = doc["configure"]["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    assert!(
        steps.iter().all(|s| s["outcome"] == "already_done"),
        "{steps:?}"
    );
    assert!(steps.iter().any(|s| s["item"] == "connector"));
    assert!(steps.iter().any(|s| s["item"] == "callback_uri"));
    let changes = doc["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["what"].as_str().unwrap().contains("connector")),
        "{changes:?}"
    );
    assert!(changes
        .iter()
        .all(|c| !c["undo"].as_array().unwrap().is_empty()));
    let left = doc["left"].as_array().unwrap();
    assert!(left.iter().any(|l| l["step"] == "test-sign-in"), "{left:?}");
    assert!(!left.iter().any(|l| l["step"] == "connector"), "{left:?}");
    assert_eq!(doc["complete"], false);

    // The test sign-in's grant is remembered for practice mode only.
    let facts = app.state::<ReportFacts>();
    facts.remember_sign_in(
        true,
        SignInFacts {
            email: "megan@contoso.com".into(),
            grant_id: "grant-1".into(),
            grant_status: "valid".into(),
            scopes_granted: vec![
                "Mail.Read".into(),
                "User.Read".into(),
                "offline_access".into(),
            ],
            scopes_wanted: vec![
                "Mail.Read".into(),
                "User.Read".into(),
                "offline_access".into(),
            ],
            scopes_missing: vec![],
        },
    );
    let before = doc;
    let doc = call(&w, "setup_report", json!({})).unwrap();
    assert_eq!(doc["test_sign_in"]["email"], "megan@contoso.com");
    write_fixture(&before, &doc);
    let left = doc["left"].as_array().unwrap();
    assert!(
        !left.iter().any(|l| l["step"] == "test-sign-in"),
        "{left:?}"
    );

    // Saved twice: four files, each pair side by side, none overwritten.
    let saved: Vec<Value> = (0..2)
        .map(|_| call(&w, "save_report", json!({})).unwrap())
        .collect();
    let paths: Vec<String> = saved
        .iter()
        .flat_map(|s| [s["markdown"].clone(), s["json"].clone()])
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // The files are the test's own (in Downloads or the data folder): tidy up.
    for p in &paths {
        std::fs::remove_file(p).unwrap();
    }
    assert_eq!(
        paths
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        4,
        "a save overwrote another: {paths:?}"
    );
    for pair in paths.chunks(2) {
        assert!(pair[0].ends_with(".md") && pair[1].ends_with(".json"));
        assert_eq!(
            pair[0].trim_end_matches(".md"),
            pair[1].trim_end_matches(".json")
        );
    }
    assert!(texts[0].starts_with("# Nylas Microsoft setup — report"));
    assert!(texts[0].contains(NYLAS_APP));
    assert!(texts[0].contains("| In place"));
    assert!(texts[0].contains("megan@contoso.com"));
    let json: Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["test_sign_in"]["grant_id"], "grant-1");
    for (p, t) in paths.iter().zip(&texts) {
        assert_no_secret(t, p);
    }
    for s in &saved {
        assert_no_secret(&s.to_string(), "the window");
    }

    // "Open the folder" opens the folder Rust saved into, nothing else.
    call(&w, "open_report_folder", json!({})).unwrap();
    assert!(crate::tests::was_opened(
        saved[1]["folder"].as_str().unwrap()
    ));

    // After a restart only the saved progress is left of the sign-in.
    let rec: wizard_core::nylas::hosted_auth::TestSignInRecord = serde_json::from_value(json!({
        "email": "megan@contoso.com",
        "grant_status": "valid",
        "missing": ["offline_access"],
        "refused": null,
    }))
    .unwrap();
    state
        .update(|p| {
            p.answers.test_sign_in = Some(rec);
            Ok(())
        })
        .unwrap();
    let fresh = ReportFacts::default();
    let progress = state.progress();
    let restored = super::recorded_sign_in(&progress).unwrap();
    assert_eq!(restored.email, "megan@contoso.com");
    assert_eq!(restored.scopes_missing, ["offline_access"]);
    assert!(!restored
        .scopes_granted
        .contains(&"offline_access".to_string()));
    assert!(fresh.sign_in(true).is_none());

    // Out of practice mode the practice sign-in isn't in the report.
    call(&w, "set_practice_mode", json!({"enabled": false})).unwrap();
    call(&w, "choose_path", json!({"path": "v3"})).unwrap();
    let doc = call(&w, "setup_report", json!({})).unwrap();
    assert_eq!(doc["test_sign_in"], Value::Null);
    assert_eq!(doc["nylas_application"], Value::Null);
}

#[test]
fn nothing_saved_yet_means_no_folder_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let err = call(&w, "open_report_folder", json!({})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn the_report_reads_the_callback_at_the_port_configure_registered() {
    // Not the default port (--test-sign-in-port): the report must look for
    // the callback Configure Nylas registered, or it reads as still to do.
    const PORT: u16 = 47999;
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    app.manage(crate::test_sign_in_commands::TestSignInPort(PORT));
    let state = app.state::<AppState>();
    configured_at(&state, &w, PORT);
    let doc = call(&w, "setup_report", json!({})).unwrap();
    let steps = doc["configure"]["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s.to_string().contains("localhost:47999")),
        "{steps:?}"
    );
    assert!(
        steps.iter().all(|s| s["outcome"] == "already_done"),
        "{steps:?}"
    );
    let left = doc["left"].as_array().unwrap();
    assert!(!left.iter().any(|l| l["step"] == "connector"), "{left:?}");
}

/// Contoso's practice v2 application (crates/sandbox/scenarios/practice.json
/// has its client ID; the secret here is the test's own canary).
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "nylas-v2-report-canary-secret-61d0";

/// The view tests' data for paths B and C (`ui/src/test/generated/report-v2.json`),
/// rewritten only on change; the time is fixed so the file is stable.
fn write_v2_fixture(teams: &Value, v2_events: &Value) {
    let mut value = json!({"teams": teams, "v2_events": v2_events});
    for k in ["teams", "v2_events"] {
        value[k]["generated_at"] = json!("2026-12-01T23:00:00Z");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/test/generated/report-v2.json");
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    stable_ids(&mut text);
    text.push('\n');
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn paths_b_and_c_report_their_own_records_and_never_the_v2_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    // Path A's Nylas application and API key are there too: not B's or C's.
    configured(&state, &w);
    call(&w, "choose_path", json!({"path": "teams"})).unwrap();
    runtime().block_on(async {
        state
            .write_secret(
                SecretName::NylasV2ClientSecret,
                SecretString::from(V2_SECRET.to_owned()),
            )
            .await
            .unwrap();
    });
    let records = json!({
        "nylas_v2": {"client_id": V2_CLIENT, "region": "us", "checked_at": "2026-12-01T22:10:00Z"},
        "teams_integration": {
            "integration_id": "3d6d9d51-2269-434d-85b8-73d44bb86e24",
            "name": "Contoso Teams",
            "tenant": "common",
            "redirect_uris": ["https://beta.us.nylas.com/connect/callback"],
            "expires_in": 1209600,
            "region": "us",
            "created": true,
            "at": "2026-12-01T22:15:00Z"
        },
        "teams_accounts": {"total": 2, "connected": 2, "failed": 0, "at": "2026-12-01T22:20:00Z"},
        "v2_accounts": {"total": 2, "connected": 1, "failed": 1, "at": "2026-12-01T22:40:00Z"},
    });
    state
        .update(|p| {
            p.answers.nylas_v2 = Some(serde_json::from_value(records["nylas_v2"].clone()).unwrap());
            p.answers.teams_integration =
                Some(serde_json::from_value(records["teams_integration"].clone()).unwrap());
            p.answers.teams_accounts =
                Some(serde_json::from_value(records["teams_accounts"].clone()).unwrap());
            p.answers.v2_accounts =
                Some(serde_json::from_value(records["v2_accounts"].clone()).unwrap());
            Ok(())
        })
        .unwrap();

    // The Connect accounts step's journal, as the counts say: both connected.
    {
        use wizard_core::nylas_v2::teams_auth::journal::{AccountRow, AccountStatus, TeamsJournal};
        let mut journal = TeamsJournal::load(&state.data_dir(), V2_CLIENT, Region::Us);
        let mut megan = AccountRow::waiting("v2acct-contoso-megan");
        megan.status = AccountStatus::Connected;
        megan.email = Some("megan.bowen@contoso.com".into());
        megan.grant_id = Some("grant-megan".into());
        journal.set(megan);
        let mut adele = AccountRow::waiting("v2acct-contoso-adele");
        adele.status = AccountStatus::Connected;
        adele.grant_id = Some("grant-adele".into());
        journal.set(adele);
        journal.save().unwrap();
    }

    let teams = call(&w, "setup_report", json!({})).unwrap();
    let text = teams.to_string();
    assert!(
        !text.contains(V2_SECRET),
        "the v2 secret reached the window"
    );
    assert_no_secret(&text, "the window");
    assert_eq!(teams["path"], "teams");
    assert_eq!(teams["nylas_v2"]["client_id"], V2_CLIENT);
    assert_eq!(teams["teams_integration"], records["teams_integration"]);
    assert_eq!(teams["teams_accounts"]["connected"], 2);
    assert_eq!(teams["v2_accounts"], Value::Null);
    assert_eq!(
        teams["accounts"],
        json!([
            {"account": "megan.bowen@contoso.com (v2acct-contoso-megan)", "connected": true, "detail": "grant-megan"},
            {"account": "v2acct-contoso-adele", "connected": true, "detail": "grant-adele"},
        ])
    );
    let hint = teams["nylas_v2_client_secret"]["hint"].as_str().unwrap();
    assert!(hint.contains('…'), "{hint}");
    // Practice mode keeps secrets in memory.
    assert_eq!(teams["nylas_v2_client_secret"]["persistent"], false);
    // Path A's parts stay out, though path A was configured in this run.
    for k in [
        "nylas_application",
        "configure",
        "test_sign_in",
        "nylas_api_key",
    ] {
        assert_eq!(teams[k], Value::Null, "{k}");
    }
    let left = teams["left"].as_array().unwrap();
    for step in [
        "nylas-v2",
        "teams-integration",
        "connect-accounts",
        "report",
    ] {
        assert!(!left.iter().any(|l| l["step"] == step), "{step}: {left:?}");
    }
    let saved = call(&w, "save_report", json!({})).unwrap();
    let paths = [&saved["markdown"], &saved["json"]].map(|p| p.as_str().unwrap().to_owned());
    let texts = paths.clone().map(|p| std::fs::read_to_string(p).unwrap());
    for p in &paths {
        std::fs::remove_file(p).unwrap();
    }
    assert!(
        texts[0].contains("## Microsoft Teams integration"),
        "{}",
        texts[0]
    );
    assert!(texts[0].contains(hint), "{}", texts[0]);
    assert!(
        texts[0].contains(
            "| megan.bowen@contoso.com (v2acct-contoso-megan) | Connected (`grant-megan`) |"
        ),
        "{}",
        texts[0]
    );
    assert!(!texts[0].contains("## Configure Nylas"), "{}", texts[0]);
    for t in &texts {
        assert!(!t.contains(V2_SECRET), "the v2 secret reached a file");
        assert_no_secret(t, "a file");
    }

    // Path C: its accounts (one failed: left to do at its Connect accounts).
    call(&w, "choose_path", json!({"path": "v2-events"})).unwrap();
    let c = call(&w, "setup_report", json!({})).unwrap();
    assert!(!c.to_string().contains(V2_SECRET));
    assert_eq!(c["path"], "v2-events");
    assert_eq!(c["v2_accounts"]["failed"], 1);
    assert_eq!(c["teams_integration"], Value::Null);
    assert_eq!(c["accounts"], json!([]));
    let left = c["left"].as_array().unwrap();
    assert!(
        left.iter().any(|l| l["step"] == "native-auth"
            && l["text"]
                .as_str()
                .unwrap()
                .starts_with("1 account didn't connect")),
        "{left:?}"
    );
    assert_eq!(c["complete"], false);
    write_v2_fixture(&teams, &c);
}

#[test]
fn a_teams_account_that_did_not_connect_says_why_with_nylas_s_event_code() {
    use wizard_core::nylas_v2::teams_auth::journal::AccountRow;
    let mut refused = AccountRow::failed(
        "v2acct-contoso-adele",
        "The user did not grant the requested permissions.",
    );
    refused.event_code = Some("access_denied".into());
    let facts = super::account_facts(&refused);
    assert_eq!(facts.account, "v2acct-contoso-adele");
    assert!(!facts.connected);
    assert_eq!(
        facts.detail.as_deref(),
        Some("The user did not grant the requested permissions. (event code access_denied)")
    );
    let waiting = super::account_facts(&AccountRow::waiting("v2acct-contoso-megan"));
    assert!(!waiting.connected);
    assert_eq!(waiting.detail.as_deref(), Some("Not signed in yet"));
}
