//! Configure Nylas (path A) against the simulated Nylas over HTTP: what is
//! sent (field by field, per the reference), create vs update with the
//! difference, both unverified behaviours, a second run that writes
//! nothing, and secrets kept out of plans, journals and reports.

mod nylas_configure_support;

use nylas_configure_support::*;
use serde_json::json;
use wizard_core::nylas::configure::{callback_key, credential_key, CONNECTOR_KEY};
use wizard_core::plan::{StepAction, StepOutcome, REDACTED};
use wizard_core::ErrorCode;
use wizard_sandbox::{Fault, Scenario};

const POST_CONNECTORS: &str = "POST /nylas-us/v3/connectors";
const PATCH_CONNECTOR: &str = "PATCH /nylas-us/v3/connectors/microsoft";
const POST_CREDS: &str = "POST /nylas-us/v3/connectors/microsoft/creds";
const POST_URIS: &str = "POST /nylas-us/v3/applications/redirect-uris";

#[tokio::test]
async fn a_fresh_application_is_configured_with_the_bodies_the_reference_gives() {
    let w = world(409, false).await;
    let plan = w.plan().await.unwrap();
    assert_eq!(plan.id, "configure-nylas");
    let keys: Vec<&str> = plan.steps.iter().map(|s| s.key.as_str()).collect();
    let test_cb = format!("http://localhost:{TEST_PORT}/nylas-wizard/test-sign-in");
    assert_eq!(
        keys,
        [
            CONNECTOR_KEY.to_owned(),
            callback_key(OWN_CALLBACK),
            callback_key(&test_cb),
            credential_key("fabrikam.com"),
            credential_key(GUID_TENANT),
        ]
    );
    assert!(plan.steps.iter().all(|s| s.action == StepAction::Create));
    // The displayed request: method, path and body with the secret redacted.
    let shown = plan.step(CONNECTOR_KEY).unwrap().request.clone().unwrap();
    assert_eq!(
        (shown.method.as_str(), shown.path.as_str()),
        ("POST", "/v3/connectors")
    );
    let body = shown.body.unwrap();
    assert_eq!(body["settings"]["client_secret"], REDACTED);
    assert_eq!(body["settings"]["client_id"], CLIENT_ID);
    assert!(plan
        .step(&callback_key(&test_cb))
        .unwrap()
        .summary
        .contains("test sign-in"));
    assert_no_secret("the plan", &serde_json::to_string(&plan).unwrap());
    assert_eq!(w.writes(), 0, "planning only reads");

    let report = w.apply(&plan).await;
    assert!(report.succeeded(), "{report:?}");
    assert!(report
        .steps
        .iter()
        .all(|s| s.outcome == StepOutcome::Created));
    assert_no_secret("the report", &serde_json::to_string(&report).unwrap());
    assert_no_secret("the journal", &w.journal_text());

    // Field by field, as the simulated Nylas stored what was sent.
    let app = w.app();
    let c = &app.connectors[0];
    assert_eq!(c.provider, "microsoft");
    assert_eq!(
        c.settings,
        json!({"client_id": CLIENT_ID, "client_secret": SECRET, "tenant": "contoso.com"})
    );
    assert_eq!(c.scope, w.input.scopes);
    assert!(c.scope.iter().any(|s| s == "offline_access"));
    assert!(c.scope.iter().any(|s| s == "User.Read"));
    for url in [OWN_CALLBACK, test_cb.as_str()] {
        let cb = app.callback_uris.iter().find(|c| c.url == url).unwrap();
        assert_eq!(cb.platform, "web");
        // The report names the id Nylas gave it.
        let step = report
            .steps
            .iter()
            .find(|s| s.key == callback_key(url))
            .unwrap();
        assert_eq!(step.ids, vec![cb.id.clone()]);
    }
    for tenant in ["fabrikam.com", GUID_TENANT] {
        let cred = app
            .credentials
            .iter()
            .find(|c| c.name == format!("tenant {tenant}"))
            .unwrap();
        assert_eq!(cred.credential_type, "connector");
        assert_eq!(
            cred.credential_data,
            json!({"client_id": CLIENT_ID, "client_secret": SECRET, "tenant": tenant})
        );
    }
    assert_configured_once(&w);
    assert_eq!(
        (
            w.calls(POST_CONNECTORS),
            w.calls(POST_URIS),
            w.calls(POST_CREDS)
        ),
        (1, 2, 2)
    );
}

#[tokio::test]
async fn a_second_run_with_nothing_changed_writes_nothing() {
    for echo in [false, true] {
        let w = world(409, echo).await;
        let first = w.rerun().await;
        assert!(first.succeeded());
        let writes = w.writes();
        let plan = w.plan().await.unwrap();
        assert!(!plan.changes_anything(), "{plan:#?}");
        let again = w.apply(&plan).await;
        assert!(again.succeeded());
        assert!(again
            .steps
            .iter()
            .all(|s| s.outcome == StepOutcome::AlreadyDone));
        assert_eq!(w.writes(), writes, "echo {echo}: nothing was written");
        assert_configured_once(&w);
    }
}

/// The practice app with a connector someone made in the Dashboard.
fn with_connector(echo: bool, client_id: &str) -> Scenario {
    let mut s = Scenario::practice();
    s.nylas.connector_echoes_client_id = echo;
    s.nylas_applications[0].connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": client_id, "client_secret": "dashboard-made", "tenant": "common"},
        "scope": ["Mail.Read"]
    }]))
    .unwrap();
    s
}

#[tokio::test]
async fn an_existing_connector_shows_the_difference_then_gets_the_full_settings() {
    for echo in [false, true] {
        let w = world_with(with_connector(echo, "0b9a8c7d-0000-4000-8000-00000000aaaa")).await;
        let plan = w.plan().await.unwrap();
        let step = plan.step(CONNECTOR_KEY).unwrap();
        assert_eq!(step.action, StepAction::Update);
        let fields: Vec<&str> = step.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "settings.client_id",
                "settings.client_secret",
                "settings.tenant",
                "scope"
            ],
            "echo {echo}"
        );
        let client = &step.changes[0];
        if echo {
            assert_eq!(client.before, "0b9a8c7d-0000-4000-8000-00000000aaaa");
        } else {
            assert_eq!(client.before, "not shown by Nylas");
        }
        assert_eq!(client.after, CLIENT_ID);
        assert_eq!(
            (
                step.changes[2].before.as_str(),
                step.changes[2].after.as_str()
            ),
            ("common", "contoso.com")
        );
        assert_eq!(step.changes[3].before, "Mail.Read");
        let shown = step.request.clone().unwrap();
        assert_eq!(
            (shown.method.as_str(), shown.path.as_str()),
            ("PATCH", "/v3/connectors/microsoft")
        );
        assert_eq!(shown.body.unwrap()["settings"]["client_secret"], REDACTED);
        assert_no_secret("the plan", &serde_json::to_string(&plan).unwrap());

        let report = w.apply(&plan).await;
        assert!(report.succeeded(), "{report:?}");
        assert_eq!(report.steps[0].outcome, StepOutcome::Updated);
        assert_eq!(w.calls(POST_CONNECTORS), 0, "never created twice");
        let c = &w.app().connectors[0];
        // PATCH replaces the nested object: every field was sent.
        assert_eq!(
            c.settings,
            json!({"client_id": CLIENT_ID, "client_secret": SECRET, "tenant": "contoso.com"})
        );
        assert_eq!(c.scope, w.input.scopes);
        assert!(!w.plan().await.unwrap().changes_anything());
    }
}

#[tokio::test]
async fn a_create_refused_because_it_exists_is_read_again_and_patched() {
    for status in [409, 400] {
        let mut s = with_connector(false, CLIENT_ID);
        s.nylas.connector_exists_status = status;
        let w = world_with(s).await;
        let plan = w.plan().await.unwrap();
        // The connector "appears" between the step's read and its create:
        // the read says 404 once, the create meets the existing one.
        w.sb.set_faults(vec![Fault::new("GET /nylas-us/v3/connectors/microsoft")
            .with_status(404)
            .first_n(1)])
            .unwrap();
        let report = w.apply(&plan).await;
        assert!(report.succeeded(), "{status}: {report:?}");
        assert_eq!(report.steps[0].outcome, StepOutcome::Updated);
        assert_eq!(w.calls(POST_CONNECTORS), 1);
        assert_eq!(w.calls(PATCH_CONNECTOR), 1);
        assert_eq!(w.app().connectors.len(), 1);
        assert_eq!(w.app().connectors[0].settings["client_secret"], SECRET);
    }
}

#[tokio::test]
async fn a_new_client_secret_is_sent_again_and_only_the_secret_changes() {
    let mut w = world(409, false).await;
    assert!(w.rerun().await.succeeded());
    w.secrets = secrets(OTHER_SECRET);
    let plan = w.plan().await.unwrap();
    let step = plan.step(CONNECTOR_KEY).unwrap();
    assert_eq!(step.action, StepAction::Update);
    let fields: Vec<&str> = step.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["settings.client_id", "settings.client_secret"]);
    let cred = plan.step(&credential_key("fabrikam.com")).unwrap();
    assert_eq!(cred.action, StepAction::Update);
    assert!(cred
        .request
        .as_ref()
        .unwrap()
        .path
        .starts_with("/v3/connectors/microsoft/creds/"));
    let callbacks = plan.step(&callback_key(OWN_CALLBACK)).unwrap();
    assert_eq!(callbacks.action, StepAction::NothingToDo);
    assert_no_secret("the plan", &serde_json::to_string(&plan).unwrap());
    let report = w.apply(&plan).await;
    assert!(report.succeeded(), "{report:?}");
    let app = w.app();
    assert_eq!(app.connectors[0].settings["client_secret"], OTHER_SECRET);
    assert!(app
        .credentials
        .iter()
        .all(|c| c.credential_data["client_secret"] == OTHER_SECRET));
    assert_configured_once(&w);
    assert_no_secret("the journal", &w.journal_text());
}

#[tokio::test]
async fn callback_uris_are_compared_exactly_and_never_deleted() {
    let mut s = Scenario::practice();
    // The same address with a trailing slash is another URI.
    s.nylas_applications[0].callback_uris.push(
        serde_json::from_value(json!({"id": "seed-1", "url": format!("{OWN_CALLBACK}/")})).unwrap(),
    );
    let w = world_with(s).await;
    let before = w.app().callback_uris.clone();
    let plan = w.plan().await.unwrap();
    assert_eq!(
        plan.step(&callback_key(OWN_CALLBACK)).unwrap().action,
        StepAction::Create
    );
    assert!(w.apply(&plan).await.succeeded());
    let after = w.app().callback_uris;
    for old in &before {
        assert!(after.contains(old), "kept {old:?}");
    }
    assert_eq!(after.len(), before.len() + 2);
}

#[tokio::test]
async fn the_other_regions_key_is_refused_with_the_region_hint() {
    let mut w = world(409, false).await;
    w.secrets.api_key =
        secrecy::SecretString::from("nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q".to_owned());
    let e = w.plan().await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(e.hint.unwrap().contains("other region"));
}
