//! The Teams integration (path B) against the sandbox over real HTTP on
//! 127.0.0.1: the exact Basic header, single-tenant and multitenant bodies,
//! `expires_in` bounds, re-runs that never create a second integration, an
//! existing integration updated only when confirmed, and faults at each
//! call (list, create, update, get, delete) with the error shapes the beta
//! host may use.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::basic_auth;
use wizard_core::nylas_v2::integrations::{
    delete_integration, get_integration, list_integrations, BetaClient,
};
use wizard_core::nylas_v2::teams_plan::{
    apply_teams, changes_from_teams, plan_teams, record_of, teams_callback, ApplyOptions,
    TeamsInput, INTEGRATION_KEY,
};
use wizard_core::plan::{ProgressEvent, StepAction, StepOutcome, StepState, REDACTED};
use wizard_core::regions::Region;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

/// The practice scenario's US v2 app.
const V2_ID: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const EU_ID: &str = "practice-v2-fabrikam-client";
const EU_SECRET: &str = "practice-v2-fabrikam-secret-9Rt3Vx6Lm";
const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const AZURE_SECRET: &str = "azure-teams-secret~canary-81";
const US_BETA_CB: &str = "https://beta.us.nylas.com/connect/callback";

const CREATE: &str = "POST /nylas-beta-us/connect/integrations";
const LIST: &str = "GET /nylas-beta-us/connect/integrations";
const PATCH: &str = "PATCH /nylas-beta-us/connect/integrations/microsoft";
const GET_ONE: &str = "GET /nylas-beta-us/connect/integrations/microsoft";
const DELETE: &str = "DELETE /nylas-beta-us/connect/integrations/microsoft";

struct World {
    sb: SandboxHandle,
    endpoints: Endpoints,
    journal: tempfile::TempDir,
}

async fn world_with(scenario: Scenario) -> World {
    let sb = start(scenario, None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    World {
        sb,
        endpoints,
        journal: tempfile::tempdir().unwrap(),
    }
}

async fn world() -> World {
    world_with(Scenario::practice()).await
}

/// Short waits, so faults are quick.
fn http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        request_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        max_retries: 2,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(10),
        ..HttpConfig::default()
    })
    .unwrap()
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

impl World {
    fn client(&self, id: &str, secret_text: &str) -> BetaClient {
        BetaClient::new(
            &http(),
            &self.endpoints,
            Region::Us,
            id,
            &secret(secret_text),
        )
    }

    fn us(&self) -> BetaClient {
        self.client(V2_ID, V2_SECRET)
    }

    /// The integrations the sandbox holds for the US app.
    fn stored(&self) -> Vec<Value> {
        self.sb
            .scenario()
            .nylas_v2_applications
            .iter()
            .find(|a| a.client_id == V2_ID)
            .unwrap()
            .integrations
            .clone()
    }

    /// Plan and apply once; the plan's action and the step's outcome.
    async fn run(
        &self,
        input: &TeamsInput,
        options: ApplyOptions,
    ) -> Result<(StepAction, StepOutcome), wizard_core::WizardError> {
        let c = self.us();
        let cancel = CancellationToken::new();
        let s = secret(AZURE_SECRET);
        let plan = plan_teams(&c, input, &s, self.journal.path(), &cancel).await?;
        let report = apply_teams(
            &c,
            input,
            &s,
            &plan,
            self.journal.path(),
            options,
            &|_| {},
            &cancel,
        )
        .await?;
        if let Some(e) = report.first_error() {
            return Err(e.clone());
        }
        Ok((plan.steps[0].action, report.steps[0].outcome))
    }
}

fn input(tenant: &str, expires_in: Option<u64>) -> TeamsInput {
    TeamsInput::new(
        Region::Us,
        Some("Contoso Teams"),
        APP_ID,
        tenant,
        &[US_BETA_CB.to_owned(), teams_callback(47616)],
        expires_in,
    )
    .unwrap()
}

#[tokio::test]
async fn the_basic_header_is_exactly_id_colon_secret() {
    let w = world().await;
    let raw = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}nylas-beta-us/connect/integrations", w.sb.base_url());
    let status = |auth: String| {
        let req = raw.get(&url).header("Authorization", auth);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(basic_auth(V2_ID, V2_SECRET)).await, 200);
    // The docs' `echo … | base64` encodes a newline: refused.
    use base64::Engine as _;
    let echoed = base64::engine::general_purpose::STANDARD.encode(format!("{V2_ID}:{V2_SECRET}\n"));
    assert_eq!(status(format!("Basic {echoed}")).await, 401);
    // The client's own header opens the app; a wrong secret or the other
    // region's host is the plain 401.
    assert!(list_integrations(&w.us(), &CancellationToken::new())
        .await
        .unwrap()
        .is_empty());
    let e = list_integrations(&w.client(V2_ID, "wrong"), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(
        e.message.starts_with("The client ID or secret is wrong"),
        "{}",
        e.message
    );
    let eu_on_us = w.client(EU_ID, EU_SECRET);
    assert_eq!(
        list_integrations(&eu_on_us, &CancellationToken::new())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Unauthorized
    );
    let eu = BetaClient::new(&http(), &w.endpoints, Region::Eu, EU_ID, &secret(EU_SECRET));
    assert!(list_integrations(&eu, &CancellationToken::new())
        .await
        .is_ok());
}

#[tokio::test]
async fn multitenant_body_says_common_and_the_secret_is_redacted_in_the_plan() {
    let w = world().await;
    let i = input("common", None);
    let plan = plan_teams(
        &w.us(),
        &i,
        &secret(AZURE_SECRET),
        w.journal.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let step = &plan.steps[0];
    assert_eq!(
        (step.key.as_str(), step.action),
        (INTEGRATION_KEY, StepAction::Create)
    );
    let body = step.request.as_ref().unwrap().body.clone().unwrap();
    assert_eq!(body["settings"]["client_secret"], REDACTED);
    assert_eq!(body["settings"]["tenant"], "common");
    assert_eq!(body["expires_in"], 1_209_600);
    assert!(!serde_json::to_string(&plan).unwrap().contains(AZURE_SECRET));
    assert_eq!(w.sb.calls(CREATE), 0, "planning sends nothing");
    assert_eq!(
        w.run(&i, ApplyOptions::default()).await.unwrap().1,
        StepOutcome::Created
    );
    let stored = w.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["provider"], "microsoft");
    assert_eq!(stored[0]["name"], "Contoso Teams");
    assert_eq!(
        stored[0]["settings"],
        json!({"client_id": APP_ID, "tenant": "common"})
    );
    assert_eq!(
        stored[0]["redirect_uris"],
        json!([US_BETA_CB, teams_callback(47616)])
    );
    assert_eq!(stored[0]["expires_in"], 1_209_600);
}

#[tokio::test]
async fn single_tenant_body_carries_the_tenant_id_and_the_record_follows() {
    let w = world().await;
    let i = input(TENANT_ID, Some(86_400));
    let c = w.us();
    let cancel = CancellationToken::new();
    let s = secret(AZURE_SECRET);
    let plan = plan_teams(&c, &i, &s, w.journal.path(), &cancel)
        .await
        .unwrap();
    let events = std::sync::Mutex::new(Vec::new());
    let report = apply_teams(
        &c,
        &i,
        &s,
        &plan,
        w.journal.path(),
        ApplyOptions::default(),
        &|e: ProgressEvent| events.lock().unwrap().push(e.state),
        &cancel,
    )
    .await
    .unwrap();
    let stored = w.stored();
    assert_eq!(stored[0]["settings"]["tenant"], TENANT_ID);
    assert_eq!(stored[0]["expires_in"], 86_400);
    let events = events.into_inner().unwrap();
    assert_eq!(events.first(), Some(&StepState::Started));
    assert!(matches!(
        events.last(),
        Some(StepState::Done {
            outcome: StepOutcome::Created
        })
    ));
    let record = record_of(&i, &report, "2026-12-01T00:00:00Z".into()).unwrap();
    assert_eq!(record.integration_id, stored[0]["id"].as_str().unwrap());
    assert!(record.created);
    assert_eq!(
        (record.tenant.as_str(), record.expires_in),
        (TENANT_ID, 86_400)
    );
    let changes = changes_from_teams(&i, &plan, &report);
    assert_eq!(changes.len(), 1);
    assert!(changes[0]
        .ids
        .iter()
        .any(|r| r.value == record.integration_id));
    assert!(!serde_json::to_string(&changes)
        .unwrap()
        .contains(AZURE_SECRET));
}

#[tokio::test]
async fn expires_in_out_of_bounds_is_refused_by_us_and_by_the_sandbox() {
    for bad in [60, 315_360_000] {
        let e = TeamsInput::new(
            Region::Us,
            None,
            APP_ID,
            "common",
            &[US_BETA_CB.into()],
            Some(bad),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }
    let w = world().await;
    let raw = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}nylas-beta-us/connect/integrations", w.sb.base_url());
    let post = |expires: Value| {
        let req = raw
            .post(&url)
            .header("Authorization", basic_auth(V2_ID, V2_SECRET))
            .json(&json!({
                "name": "T", "provider": "microsoft",
                "settings": {"client_id": APP_ID, "client_secret": "x", "tenant": "common"},
                "redirect_uris": [US_BETA_CB], "expires_in": expires,
            }));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(json!(60)).await, 400);
    assert_eq!(post(json!(315_360_000)).await, 400);
    assert!(w.stored().is_empty());
    // The doc types it as a string: accepted the same way.
    assert_eq!(post(json!("61")).await, 200);
    assert_eq!(w.stored()[0]["expires_in"], 61);
}

#[tokio::test]
async fn a_rerun_creates_nothing_and_a_changed_setting_waits_for_confirmation() {
    let w = world().await;
    let i = input("common", None);
    assert_eq!(
        w.run(&i, ApplyOptions::default()).await.unwrap(),
        (StepAction::Create, StepOutcome::Created)
    );
    assert_eq!(
        w.run(&i, ApplyOptions::default()).await.unwrap(),
        (StepAction::NothingToDo, StepOutcome::AlreadyDone)
    );
    assert_eq!((w.sb.calls(CREATE), w.sb.calls(PATCH)), (1, 0));
    assert_eq!(w.stored().len(), 1);

    // Another tenant: the difference is shown and nothing is sent unasked.
    let single = input(TENANT_ID, None);
    let plan = plan_teams(
        &w.us(),
        &single,
        &secret(AZURE_SECRET),
        w.journal.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let step = &plan.steps[0];
    assert_eq!(step.action, StepAction::Update);
    assert_eq!(step.changes.len(), 1, "{:?}", step.changes);
    assert_eq!(
        (
            step.changes[0].field.as_str(),
            step.changes[0].before.as_str(),
            step.changes[0].after.as_str()
        ),
        ("settings.tenant", "common", TENANT_ID)
    );
    let e = w.run(&single, ApplyOptions::default()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.hint.unwrap().contains("settings.tenant"));
    assert_eq!(w.sb.calls(PATCH), 0);
    assert_eq!(
        w.run(
            &single,
            ApplyOptions {
                confirm_update: true
            }
        )
        .await
        .unwrap(),
        (StepAction::Update, StepOutcome::Updated)
    );
    assert_eq!(w.sb.calls(PATCH), 1);
    let stored = w.stored();
    assert_eq!(stored.len(), 1, "never a second integration");
    assert_eq!(stored[0]["settings"]["tenant"], TENANT_ID);
    assert_eq!(w.sb.calls(CREATE), 1);
}

#[tokio::test]
async fn an_existing_integration_made_elsewhere_is_reused_not_duplicated() {
    let mut s = Scenario::practice();
    s.nylas_v2_applications[0].integrations.push(json!({
        "id": "int-existing", "name": "Contoso Teams", "provider": "microsoft",
        "settings": {"client_id": APP_ID, "tenant": "common"},
        "redirect_uris": [US_BETA_CB], "expires_in": "1209600"
    }));
    let w = world_with(s).await;
    let i = input("common", None);
    let plan = plan_teams(
        &w.us(),
        &i,
        &secret(AZURE_SECRET),
        w.journal.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let fields: Vec<&str> = plan.steps[0]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    // Not sent by us before (no journal): the secret may differ; the
    // loopback redirect URI is new.
    assert_eq!(fields, ["settings.client_secret", "redirect_uris"]);
    assert!(plan.steps[0].summary.contains("int-existing"));
    let (_, outcome) = w
        .run(
            &i,
            ApplyOptions {
                confirm_update: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(outcome, StepOutcome::Updated);
    assert_eq!(w.sb.calls(CREATE), 0);
    assert_eq!(w.stored().len(), 1);
    assert_eq!(w.stored()[0]["id"], "int-existing");
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_on_the_next_run() {
    let w = world().await;
    let i = input("common", None);
    // The answer never arrives (timeout): the POST is not sent again.
    w.sb.set_faults(vec![Fault::new(CREATE).with_latency_ms(2_500).first_n(1)])
        .unwrap();
    let e = w.run(&i, ApplyOptions::default()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RemoteUnavailable);
    assert_eq!(w.sb.calls(CREATE), 1, "a POST is never repeated blindly");
    w.sb.set_faults(vec![]).unwrap();
    // As if that POST had landed after all: the integration is there.
    let raw = reqwest::Client::builder().no_proxy().build().unwrap();
    let made = raw
        .post(format!(
            "{}nylas-beta-us/connect/integrations",
            w.sb.base_url()
        ))
        .header("Authorization", basic_auth(V2_ID, V2_SECRET))
        .json(&json!({
            "name": "Contoso Teams", "provider": "microsoft",
            "settings": {"client_id": APP_ID, "client_secret": AZURE_SECRET, "tenant": "common"},
            "redirect_uris": [US_BETA_CB, teams_callback(47616)], "expires_in": 1_209_600,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status().as_u16(), 200);
    // The next run reads first and finds it: no second create. Its secret
    // was never confirmed by an answer, so it is sent again as an update.
    let (action, outcome) = w
        .run(
            &i,
            ApplyOptions {
                confirm_update: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (action, outcome),
        (StepAction::Update, StepOutcome::Updated)
    );
    assert_eq!(w.sb.calls(CREATE), 2, "ours (lost) and the landed one only");
    assert_eq!(w.stored().len(), 1);
    // And then nothing is left to do.
    assert_eq!(
        w.run(&i, ApplyOptions::default()).await.unwrap(),
        (StepAction::NothingToDo, StepOutcome::AlreadyDone)
    );
}

#[tokio::test]
async fn faults_at_each_call_end_in_a_retry_or_a_plain_error() {
    let w = world().await;
    let i = input("common", None);
    let cancel = CancellationToken::new();
    // List: a 503 is retried and the plan is made.
    w.sb.set_faults(vec![Fault::new(LIST).with_status(503).first_n(1)])
        .unwrap();
    let before = w.sb.calls(LIST);
    plan_teams(
        &w.us(),
        &i,
        &secret(AZURE_SECRET),
        w.journal.path(),
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(w.sb.calls(LIST) - before, 2);
    // Create: a 500 is not repeated (it may have landed); nothing stored.
    w.sb.set_faults(vec![Fault::new(CREATE).with_status(500).first_n(1)])
        .unwrap();
    let e = w.run(&i, ApplyOptions::default()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RemoteUnavailable);
    assert_eq!(w.sb.calls(CREATE), 1);
    // A 429 on create: nothing was done, so it is sent again and works.
    w.sb.set_faults(vec![Fault::new(CREATE)
        .with_status(429)
        .with_retry_after("1")
        .first_n(1)])
        .unwrap();
    assert_eq!(
        w.run(&i, ApplyOptions::default()).await.unwrap().1,
        StepOutcome::Created
    );
    assert_eq!(w.sb.calls(CREATE), 3);
    // Update: a 401 is the wrong-credentials error; nothing changed.
    let single = input(TENANT_ID, None);
    w.sb.set_faults(vec![Fault::new(PATCH).with_status(401).first_n(1)])
        .unwrap();
    let e = w
        .run(
            &single,
            ApplyOptions {
                confirm_update: true,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert_eq!(w.stored()[0]["settings"]["tenant"], "common");
    // Get one: 404 is "none"; a malformed answer is a plain bad response.
    let c = w.us();
    w.sb.set_faults(vec![Fault::new(GET_ONE).malformed().first_n(1)])
        .unwrap();
    assert_eq!(
        get_integration(&c, "microsoft", &cancel)
            .await
            .unwrap_err()
            .code,
        ErrorCode::BadResponse
    );
    assert!(get_integration(&c, "zoom", &cancel)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        get_integration(&c, "microsoft", &cancel)
            .await
            .unwrap()
            .unwrap()
            .tenant
            .as_deref(),
        Some("common")
    );
    // Delete: a 503 is not repeated (a write); the next call deletes it.
    w.sb.set_faults(vec![Fault::new(DELETE).with_status(503).first_n(1)])
        .unwrap();
    assert_eq!(
        delete_integration(&c, "microsoft", &cancel)
            .await
            .unwrap_err()
            .code,
        ErrorCode::RemoteUnavailable
    );
    assert_eq!(w.sb.calls(DELETE), 1);
    assert_eq!(w.stored().len(), 1);
    delete_integration(&c, "microsoft", &cancel).await.unwrap();
    assert_eq!(w.sb.calls(DELETE), 2);
    assert!(w.stored().is_empty());
    assert_eq!(
        delete_integration(&c, "microsoft", &cancel)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn every_error_shape_of_the_beta_host_reads_plainly() {
    for shape in ["flat", "success-false", "text"] {
        let mut s = Scenario::practice();
        s.nylas_v2.error_shape = shape.into();
        let w = world_with(s).await;
        let e = list_integrations(&w.client(V2_ID, "nope"), &CancellationToken::new())
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized, "{shape}");
        assert!(
            e.message.starts_with("The client ID or secret is wrong"),
            "{shape}: {}",
            e.message
        );
        // A refused body (a second create) is a plain error in each shape.
        let raw = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = raw
            .post(format!(
                "{}nylas-beta-us/connect/integrations",
                w.sb.base_url()
            ))
            .header("Authorization", basic_auth(V2_ID, V2_SECRET))
            .json(&json!({"name": "T", "provider": "teams"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{shape}");
    }
}
