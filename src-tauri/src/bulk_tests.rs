//! Path E's commands on Tauri's mock runtime, through the real ACL, against
//! the practice simulator.

use serde_json::{json, Value};
use tauri::Manager;
use tokio_util::sync::CancellationToken;
use wizard_core::nylas::test_callback::DEFAULT_TEST_SIGN_IN_PORT;
use wizard_core::secrets::{SecretName, SecretString};

use wizard_core::bulk::{BulkKind, BulkProgress};

use super::{run_at, BulkRunView, BulkSession};
use crate::app_state::AppState;
use crate::configure_commands::apply_with_at;
use crate::microsoft_tests::{app, call};

/// Contoso's US key in the practice scenario, and its application.
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CLIENT_SECRET: &str = "Sbx8Q~bulk-canary-value-0815";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Practice mode on path E with what its Nylas steps need: features, the
/// Azure app's client ID and tenant, its secret and a Nylas API key
/// checked for the US region (both stored).
fn ready(state: &AppState, w: &tauri::WebviewWindow<tauri::test::MockRuntime>) {
    call(w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(w, "choose_path", json!({"path": "bulk"})).unwrap();
    for (key, value) in [
        ("tenant", "contoso.com"),
        ("preset", "read-only-inbox"),
        ("client_id", CLIENT_ID),
    ] {
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
    state
        .update(|p| {
            p.answers.nylas_account = Some(
                serde_json::from_value(json!({
                    "application_id": NYLAS_APP,
                    "region": "us",
                    "name": "Contoso Scheduler",
                    "checked_at": "2026-12-02T02:30:00Z",
                }))
                .unwrap(),
            );
            Ok(())
        })
        .unwrap();
}

fn keys(view: &Value) -> Vec<String> {
    view["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn what_changed_comes_from_rust_through_the_acl() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let v = call(&w, "bulk_what_changed", json!({})).unwrap();
    let text = v.to_string();
    assert!(text.contains("ApplicationImpersonation"), "{text}");
    assert!(text.contains("May 2024"), "{text}");
    assert_eq!(v["sections"].as_array().unwrap().len(), 3);
}

/// Path E's connector step is path A's plan from the same features, with
/// the admin-consent loopback registered instead of the test sign-in's.
#[test]
fn the_connector_on_path_e_registers_the_consent_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    ready(&state, &w);
    call(&w, "go_to_step", json!({"step": "connector"})).unwrap();
    let view = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert_eq!(view["missing"], json!([]), "{view}");
    assert_eq!(view["migration"], false);
    let keys = keys(&view);
    assert_eq!(keys[0], "connector:microsoft");
    assert!(
        keys.iter()
            .any(|k| k.ends_with("localhost:47618/nylas-wizard/admin-consent")),
        "{keys:?}"
    );
    assert!(!keys.iter().any(|k| k.contains("test-sign-in")), "{keys:?}");
    let consent = view["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"].as_str().unwrap().ends_with("/admin-consent"))
        .unwrap();
    assert!(
        consent["summary"]
            .as_str()
            .unwrap()
            .ends_with("each tenant's admin comes back to the wizard there after giving consent)."),
        "{consent}"
    );
    let scopes = &view["plan"]["steps"][0]["request"]["body"]["scope"];
    assert!(
        scopes.as_array().unwrap().contains(&json!("Mail.Read")),
        "{scopes}"
    );
    assert!(!view.to_string().contains(CLIENT_SECRET));

    let applied = runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    assert!(applied.report.succeeded(), "{:?}", applied.report);
    let configured = &applied.progress.progress.answers.nylas_configured;
    assert_eq!(
        configured.as_ref().map(|r| r.application_id.as_str()),
        Some(NYLAS_APP)
    );
    // Read again: everything is already right.
    let again = call(&w, "plan_configure_nylas", json!({})).unwrap();
    assert!(again["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["action"] == "nothing_to_do"));
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// The tenant's admin in the browser: the simulator's consent page,
/// `decision` (approve or deny), the redirect back to the wizard's
/// loopback. Returns the loopback's page.
fn play_admin(url: String, decision: &'static str) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let page = browser()
                .get(&url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let marker = format!("id=\"{decision}\" href=\"");
            let at = page.find(&marker).expect("the consent page") + marker.len();
            let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
            let r = browser().get(&href).send().await.unwrap();
            assert_eq!(r.status(), 302, "{r:?}");
            let back = r.headers()["location"].to_str().unwrap().to_owned();
            assert!(
                back.starts_with("http://localhost:47618/nylas-wizard/admin-consent?"),
                "{back}"
            );
            browser()
                .get(&back)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    })
}

const TENANTS: &str = "tenant,name,admin_email\r\n\
    contoso.com,Contoso,admin@contoso.com\r\n\
    fabrikam.de,Fabrikam,\r\n\
    not a tenant!,Broken,\r\n";

const USERS: &str =
    "email\nmegan.bowen@contoso.com\nadele.vance@contoso.com\nlukas.meier@fabrikam.de\n";

fn run(
    state: &AppState,
    session: &BulkSession,
    kind: BulkKind,
    fresh: bool,
) -> (BulkRunView, Vec<BulkProgress>) {
    let heard = std::sync::Mutex::new(Vec::new());
    let view = runtime()
        .block_on(run_at(
            state,
            session,
            kind,
            fresh,
            &|p| heard.lock().unwrap().push(p.clone()),
            &CancellationToken::new(),
        ))
        .unwrap();
    (view, heard.into_inner().unwrap())
}

/// Path E from the tenants file to connected mailboxes in the practice
/// simulator: bad rows listed, credentials created once (a re-run reuses
/// them), consent captured on the loopback for one tenant and refused for
/// the other (explained), grants created where consent was given and
/// failed with the plain reason where it wasn't; each step's facts
/// recorded; the failures and links saved as CSV; nothing secret anywhere.
#[test]
fn tenants_consent_and_mailboxes_in_practice() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path());
    let state = app.state::<AppState>();
    let session = app.state::<BulkSession>();
    ready(&state, &w);
    runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();

    // Tenants: the file's rows kept, the bad one listed with its reason.
    call(&w, "go_to_step", json!({"step": "tenants"})).unwrap();
    let empty = call(&w, "bulk_tenants_view", json!({})).unwrap();
    assert_eq!(empty["tenants"], json!([]));
    assert_eq!(empty["missing"], json!([]));
    let read = call(
        &w,
        "bulk_read_tenants",
        json!({"text": TENANTS, "source": "tenants.csv"}),
    )
    .unwrap();
    assert_eq!(read["tenants"].as_array().unwrap().len(), 2, "{read}");
    assert_eq!(read["problems"][0]["row"], 4, "{read}");
    assert_eq!(read["source"], "tenants.csv");
    assert_eq!(read["done_before"], 0);
    let plan = call(&w, "bulk_plan_credentials", json!({})).unwrap();
    let actions: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "create"], "{plan}");

    let (first, heard) = run(&state, &session, BulkKind::Credentials, false);
    assert_eq!((first.summary.created, first.summary.failed), (2, 0));
    assert!(heard.iter().any(|p| p.finished == 2 && p.total == 2));
    let rec = first
        .progress
        .progress
        .answers
        .bulk
        .credentials
        .clone()
        .unwrap();
    assert_eq!((rec.total, rec.created), (2, 2));
    assert_eq!(rec.source.as_deref(), Some("tenants.csv"));
    // Reopened: the journal says both are done; a re-run creates nothing.
    let again = call(&w, "bulk_tenants_view", json!({})).unwrap();
    assert_eq!(again["done_before"], 2);
    assert_eq!(again["items"][0]["state"], "created", "{again}");
    assert_eq!(again["items"][0]["label"], "Contoso (contoso.com)");
    let (second, _) = run(&state, &session, BulkKind::Credentials, false);
    assert_eq!((second.summary.created, second.summary.reused), (0, 2));
    let (fresh, _) = run(&state, &session, BulkKind::Credentials, true);
    assert_eq!((fresh.summary.created, fresh.summary.reused), (0, 2));

    // Consent: a link per tenant, the loopback already registered by the
    // connector step.
    call(&w, "go_to_step", json!({"step": "consent"})).unwrap();
    let view = call(&w, "bulk_consent_view", json!({})).unwrap();
    assert_eq!(view["registered_redirect"], false, "{view}");
    assert_eq!(view["links"].as_array().unwrap().len(), 2);
    assert_eq!(view["consented"], 0);
    assert_eq!(view["links"][0]["tenant"], "contoso.com");
    let started = call(&w, "bulk_start_consent", json!({"tenant": "contoso.com"})).unwrap();
    assert_eq!(started["opened"], true);
    let url = started["url"].as_str().unwrap().to_owned();
    assert!(url.contains("response_type=adminconsent"), "{url}");
    let admin = play_admin(url, "approve");
    let after = call(&w, "bulk_finish_consent", json!({})).unwrap();
    assert!(admin.join().unwrap().contains("You can close this tab"));
    assert_eq!(after["consented"], 1, "{after}");
    assert!(after["links"][0]["consented_at"].is_string());
    assert_eq!(
        after["progress"]["answers"]["bulk"]["consent"]["consented"],
        1
    );
    assert_eq!(
        after["progress"]["leaving"]["status"], "needs-attention",
        "{after}"
    );

    // Fabrikam's admin refuses: explained, nothing recorded.
    let started = call(&w, "bulk_start_consent", json!({"tenant": "fabrikam.de"})).unwrap();
    let admin = play_admin(started["url"].as_str().unwrap().to_owned(), "deny");
    let refused = call(&w, "bulk_finish_consent", json!({})).unwrap_err();
    admin.join().unwrap();
    assert_eq!(refused["code"], "rejected", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("The tenant's admin didn't give consent"),
        "{refused}"
    );
    // A pasted address of no link of ours is refused plainly.
    let pasted = call(
        &w,
        "bulk_paste_consent",
        json!({"redirect": "http://localhost:47618/nylas-wizard/admin-consent?admin_consent=true&state=nope"}),
    )
    .unwrap_err();
    assert_eq!(pasted["code"], "invalid_input", "{pasted}");
    let links_csv = call(&w, "bulk_save_links", json!({})).unwrap();
    let links_csv = std::fs::read_to_string(links_csv.as_str().unwrap()).unwrap();
    assert!(links_csv.starts_with("tenant,name,admin_email,credential_id,consent_url"));
    assert_eq!(links_csv.lines().count(), 3, "{links_csv}");

    // Mailboxes: Contoso's connected; Fabrikam's fails with the reason.
    call(&w, "go_to_step", json!({"step": "grants"})).unwrap();
    let users = call(
        &w,
        "bulk_read_users",
        json!({"text": USERS, "source": null}),
    )
    .unwrap();
    assert_eq!(users["users"].as_array().unwrap().len(), 3, "{users}");
    assert_eq!(users["missing"], json!([]));
    let (grants, heard) = run(&state, &session, BulkKind::Grants, false);
    assert_eq!(
        (grants.summary.created, grants.summary.failed),
        (2, 1),
        "{:?}",
        grants.summary
    );
    assert!(heard.last().unwrap().finished == 3);
    let failed = grants
        .summary
        .items
        .iter()
        .find(|i| i.reason.is_some())
        .unwrap();
    assert_eq!(failed.label, "lukas.meier@fabrikam.de");
    let rec = grants
        .progress
        .progress
        .answers
        .bulk
        .grants
        .clone()
        .unwrap();
    assert_eq!((rec.created, rec.failed), (2, 1));
    let saved = call(&w, "bulk_save_failures", json!({"kind": "grants"})).unwrap();
    let failures = std::fs::read_to_string(saved.as_str().unwrap()).unwrap();
    assert!(failures.starts_with("key,label,reason"), "{failures}");
    assert!(failures.contains("lukas.meier@fabrikam.de"), "{failures}");
    // Run again: the journal skips the connected ones, the failed one is tried again.
    let (again, _) = run(&state, &session, BulkKind::Grants, false);
    assert_eq!(
        (
            again.summary.created,
            again.summary.reused,
            again.summary.failed
        ),
        (0, 2, 1)
    );

    // Done: the report saved as Markdown and JSON says what each tenant
    // and mailbox came to, from the journals, and holds no secret.
    call(&w, "go_to_step", json!({"step": "report"})).unwrap();
    let saved = call(&w, "save_report", json!({})).unwrap();
    let paths = [&saved["markdown"], &saved["json"]].map(|p| p.as_str().unwrap().to_owned());
    let [md, js] = paths.clone().map(|p| std::fs::read_to_string(p).unwrap());
    for p in &paths {
        std::fs::remove_file(p).unwrap();
    }
    for text in [&md, &js] {
        assert!(
            !text.contains(API_KEY) && !text.contains(CLIENT_SECRET),
            "a secret reached the report"
        );
    }
    for want in [
        "## Microsoft connector",
        "## Tenants and admin consent",
        "2 of 2 tenants done (0 created, 2 already there and reused).",
        "1 of 2 tenants have given admin consent.",
        "Contoso (contoso.com)",
        "Admin consent still missing for Fabrikam",
        "## Mailboxes",
        "2 of 3 mailboxes done (0 created, 2 already there and reused), 1 failed.",
        "lukas.meier@fabrikam.de",
        "admin consent",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    assert!(!md.contains("## Test sign-in"), "{md}");
    let doc: serde_json::Value = serde_json::from_str(&js).unwrap();
    let bulk = &doc["bulk"];
    assert_eq!(bulk["consent"]["consented"], 1, "{bulk}");
    assert_eq!(bulk["grants_run"]["failed"], 1, "{bulk}");
    let tenants = bulk["items"]["tenants"].as_array().unwrap();
    let contoso = tenants
        .iter()
        .find(|t| t["tenant"] == "contoso.com")
        .unwrap();
    // The last run found it there already; its ID is the one consent was given for.
    assert_eq!(contoso["result"], "reused", "{contoso}");
    assert_eq!(
        contoso["credential_id"], view["links"][0]["credential_id"],
        "{contoso}"
    );
    assert!(contoso["consented_at"].is_string(), "{contoso}");
    let fabrikam = tenants
        .iter()
        .find(|t| t["tenant"] == "fabrikam.de")
        .unwrap();
    assert!(fabrikam["consented_at"].is_null(), "{fabrikam}");
    let mailboxes = bulk["items"]["mailboxes"].as_array().unwrap();
    assert_eq!(mailboxes.len(), 3);
    let lukas = mailboxes
        .iter()
        .find(|m| m["email"] == "lukas.meier@fabrikam.de")
        .unwrap();
    assert_eq!(lukas["result"], "failed", "{lukas}");
    assert_eq!(lukas["reason"], json!(failed.reason), "{lukas}");
    assert!(mailboxes
        .iter()
        .filter(|m| m["result"] == "created")
        .all(|m| m["grant_id"].is_string()));
    assert!(doc["test_sign_in"].is_null());

    // Nothing secret in the data folder.
    for entry in walk(dir.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            !text.contains(API_KEY) && !text.contains(CLIENT_SECRET),
            "{entry:?}"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A run that didn't finish continues where it stopped, also after the
/// window was closed: the rows and the journal are in the data folder.
#[test]
fn a_reopened_window_offers_to_continue_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (app, w) = app(dir.path());
        let state = app.state::<AppState>();
        let session = app.state::<BulkSession>();
        ready(&state, &w);
        runtime()
            .block_on(apply_with_at(
                &state,
                DEFAULT_TEST_SIGN_IN_PORT,
                &|_| {},
                &CancellationToken::new(),
            ))
            .unwrap();
        // The first tenant only, as if the run had stopped after it.
        call(
            &w,
            "bulk_read_tenants",
            json!({"text": "tenant,name\ncontoso.com,Contoso\n", "source": "tenants.csv"}),
        )
        .unwrap();
        let (first, _) = run(&state, &session, BulkKind::Credentials, false);
        assert_eq!(first.summary.created, 1);
        call(
            &w,
            "bulk_read_tenants",
            json!({"text": TENANTS, "source": "tenants.csv"}),
        )
        .unwrap();
    }

    // Reopened: the same practice folder, the list and what is done.
    let (app, w) = app(dir.path());
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "bulk"})).unwrap();
    let view = call(&w, "bulk_tenants_view", json!({})).unwrap();
    assert_eq!(view["source"], "tenants.csv", "{view}");
    assert_eq!(view["done_before"], 1, "{view}");
    let states: Vec<&str> = view["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["created", "pending"]);
    // Practice secrets live in memory: the key is asked for again first.
    assert_eq!(view["missing"][0]["step"], "nylas-account", "{view}");
    let state = app.state::<AppState>();
    let session = app.state::<BulkSession>();
    ready(&state, &w);
    // (The simulator starts empty again: its connector is set up again.)
    runtime()
        .block_on(apply_with_at(
            &state,
            DEFAULT_TEST_SIGN_IN_PORT,
            &|_| {},
            &CancellationToken::new(),
        ))
        .unwrap();
    let (rest, _) = run(&state, &session, BulkKind::Credentials, false);
    assert_eq!(
        (
            rest.summary.created,
            rest.summary.reused,
            rest.summary.failed
        ),
        (1, 1, 0)
    );
}
