//! "Create it for me" against the sandbox over HTTP: the exact object sent,
//! the live audit of the new app, re-runs that create nothing, a failure
//! between the calls that resumes without duplicates, and a secret that
//! appears in no returned value.

mod microsoft_support;

use microsoft_support::*;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use wizard_core::audit::{AuditRequest, CheckId, FindingStatus};
use wizard_core::microsoft::create_app::{
    create_or_resume, plan_app, AppPlan, CreateOutcome, SecretOutcome, WIZARD_TAG,
};
use wizard_core::microsoft::{Access, GraphClient};
use wizard_core::secrets::{MemorySecretStore, SecretName, SecretStore};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const NAME: &str = "Nylas – Contoso";
const POST_APP: &str = "POST /graph/v1.0/applications";
const POST_SP: &str = "POST /graph/v1.0/servicePrincipals";

/// The answers; a single-tenant app names its tenant (a multitenant one
/// leaves it to whoever signs in).
fn request(v: Value) -> AuditRequest {
    let mut v = v;
    if v["tenancy"] == "single" {
        v["tenant"] = json!(CONTOSO);
    }
    serde_json::from_value(v).unwrap()
}

fn v3_multi() -> AuditRequest {
    request(json!({"path": "v3", "preset": "email-client", "region": "us", "tenancy": "multi"}))
}

fn apps(sb: &SandboxHandle) -> Vec<Value> {
    sb.scenario().tenants[0].applications.clone()
}

fn sps_of(sb: &SandboxHandle, app_id: &str) -> usize {
    sb.scenario().tenants[0]
        .service_principals
        .iter()
        .filter(|s| s["appId"] == app_id)
        .count()
}

fn add_password_calls(sb: &SandboxHandle) -> u64 {
    sb.all_calls()
        .iter()
        .filter(|(k, _)| k.starts_with("POST ") && k.ends_with("/addPassword"))
        .map(|(_, n)| n)
        .sum()
}

async fn graph(sb: &SandboxHandle, access: Access) -> GraphClient {
    let tokens = sign_in(sb, access).await;
    GraphClient::new(&http(), &endpoints(sb).graph, &tokens)
}

async fn run(
    graph: &GraphClient,
    plan: &AppPlan,
    req: &AuditRequest,
    store: &MemorySecretStore,
) -> Result<CreateOutcome, wizard_core::WizardError> {
    create_or_resume(
        graph,
        CONTOSO,
        plan,
        req,
        store,
        &CancellationToken::new(),
        &|_| {},
    )
    .await
}

#[tokio::test]
async fn the_exact_object_is_sent_and_the_new_app_passes_every_check_it_can() {
    let cases = [
        v3_multi(),
        request(
            json!({"path": "v3", "preset": "read-only-inbox", "region": "eu", "tenancy": "single",
            "callback_uris": ["https://app.example.com/oauth/callback"]}),
        ),
        request(
            json!({"path": "teams", "preset": "calendar-scheduler", "region": "us", "tenancy": "multi"}),
        ),
    ];
    for req in cases {
        let sb = start(Scenario::practice(), None).await.unwrap();
        let before = apps(&sb).len();
        let g = graph(&sb, Access::Create).await;
        let plan = plan_app(&req, NAME, 365).unwrap();
        let store = MemorySecretStore::new();
        let out = run(&g, &plan, &req, &store).await.unwrap();
        assert!(out.created, "{:?}", req.path);

        let all = apps(&sb);
        assert_eq!(all.len(), before + 1);
        let stored = all
            .iter()
            .find(|a| a["appId"] == out.app_id.as_str())
            .unwrap();
        // Every property sent is stored exactly as planned.
        for (key, sent) in plan.body.as_object().unwrap() {
            assert_eq!(&stored[key], sent, "{key} for {:?}", req.path);
        }
        assert_eq!(stored["id"], out.object_id.as_str());
        assert_ne!(out.app_id, out.object_id, "server-assigned, distinct");
        assert_eq!(stored["tags"], json!([WIZARD_TAG]));
        assert_eq!(sps_of(&sb, &out.app_id), 1);
        assert_eq!(stored["passwordCredentials"].as_array().unwrap().len(), 1);
        assert_eq!(out.tenant_id, CONTOSO_ID);

        // The value is in the store, and the audit passes all but what the
        // configuration can't give (admin consent, publisher verification).
        assert!(store.get(SecretName::AzureClientSecret.as_str()).is_ok());
        assert!(matches!(out.secret, SecretOutcome::Created { .. }));
        assert_eq!(
            out.unmet(),
            Vec::<CheckId>::new(),
            "{:?}: {:#?}",
            req.path,
            out.audit
                .report
                .findings
                .iter()
                .filter(|f| f.status != FindingStatus::Pass)
                .map(|f| (f.check, &f.title))
                .collect::<Vec<_>>()
        );
        assert!(out.audit.facts.service_principal_exists);
    }
}

#[tokio::test]
async fn a_re_run_creates_nothing() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Create).await;
    let req = v3_multi();
    let plan = plan_app(&req, NAME, 180).unwrap();
    let store = MemorySecretStore::new();
    let first = run(&g, &plan, &req, &store).await.unwrap();
    let count = apps(&sb).len();
    let again = run(&g, &plan, &req, &store).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.app_id, first.app_id);
    assert_eq!(again.secret, SecretOutcome::AlreadyThere);
    assert_eq!(apps(&sb).len(), count);
    assert_eq!(sb.calls(POST_APP), 1);
    assert_eq!(sb.calls(POST_SP), 1);
    assert_eq!(add_password_calls(&sb), 1);
    assert!(
        sb.all_calls().keys().all(|k| !k.starts_with("PATCH ")),
        "nothing to fix on a re-run"
    );
    // Renamed in the plan, the marker (same answers) still finds it.
    let renamed = plan_app(&req, "Nylas mail", 180).unwrap();
    let third = run(&g, &renamed, &req, &store).await.unwrap();
    assert_eq!(third.app_id, first.app_id);
    assert_eq!(sb.calls(POST_APP), 1);
}

#[tokio::test]
async fn a_failure_between_the_calls_resumes_to_one_app_one_sp_one_secret() {
    // Each write after the first fails once (as a crash there would leave
    // it); the next run picks up where the last stopped.
    for (route, fault) in [
        (POST_SP, Fault::new(POST_SP).with_status(503).first_n(1)),
        (
            "addPassword",
            Fault::new("POST /graph/v1.0/applications/*/addPassword")
                .dropping_connection()
                .first_n(1),
        ),
    ] {
        let sb = start(Scenario::practice(), None).await.unwrap();
        let g = graph(&sb, Access::Create).await;
        let req = v3_multi();
        let plan = plan_app(&req, NAME, 365).unwrap();
        let store = MemorySecretStore::new();
        sb.set_faults(vec![fault]).unwrap();
        let err = run(&g, &plan, &req, &store).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::RemoteUnavailable, "{route}");
        let out = run(&g, &plan, &req, &store).await.unwrap();
        assert!(!out.created, "{route}: resumed, not created again");
        let all = apps(&sb);
        let ours: Vec<&Value> = all.iter().filter(|a| a["displayName"] == NAME).collect();
        assert_eq!(ours.len(), 1, "{route}");
        assert_eq!(sps_of(&sb, &out.app_id), 1, "{route}");
        assert_eq!(
            ours[0]["passwordCredentials"].as_array().unwrap().len(),
            1,
            "{route}"
        );
        assert!(
            matches!(out.secret, SecretOutcome::Created { .. }),
            "{route}"
        );
        assert_eq!(sb.calls(POST_APP), 1, "{route}");
        assert!(out.unmet().is_empty(), "{route}");
    }
}

#[tokio::test]
async fn an_app_with_the_same_name_is_reused_and_fixed() {
    let mut hand_made = fixture("v3-wrong-region");
    hand_made["displayName"] = json!(NAME);
    hand_made["passwordCredentials"] = json!([]);
    let sb = start(scenario_with(hand_made.clone(), None), None)
        .await
        .unwrap();
    let g = graph(&sb, Access::Create).await;
    let req = v3_multi();
    let plan = plan_app(&req, NAME, 365).unwrap();
    let out = run(&g, &plan, &req, &MemorySecretStore::new())
        .await
        .unwrap();
    assert!(!out.created);
    assert_eq!(out.app_id, hand_made["appId"].as_str().unwrap());
    assert_eq!(apps(&sb).len(), 1);
    assert_eq!(sb.calls(POST_APP), 0);
    assert!(
        out.steps.iter().any(|s| s.starts_with("Fixed: ")),
        "{:?}",
        out.steps
    );
    assert_eq!(
        out.audit
            .report
            .finding(CheckId::RedirectUris)
            .unwrap()
            .status,
        FindingStatus::Pass
    );
}

#[tokio::test]
async fn the_secret_is_in_no_returned_value() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Create).await;
    let req = v3_multi();
    let plan = plan_app(&req, NAME, 365).unwrap();
    let store = MemorySecretStore::new();
    let out = run(&g, &plan, &req, &store).await.unwrap();
    let value = store
        .get(SecretName::AzureClientSecret.as_str())
        .unwrap()
        .expose_secret()
        .to_owned();
    assert!(value.len() > 10);
    let shown = format!("{}{out:?}", serde_json::to_string(&out).unwrap());
    assert!(!shown.contains(&value));
    let SecretOutcome::Created { secret } = &out.secret else {
        panic!("a secret was created")
    };
    assert!(!secret.hint.is_empty() && !value.contains(&secret.hint.replace('…', "")));
}

#[tokio::test]
async fn read_only_sign_in_cannot_create() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Audit).await;
    let req = v3_multi();
    let plan = plan_app(&req, NAME, 365).unwrap();
    let err = run(&g, &plan, &req, &MemorySecretStore::new())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err
        .hint
        .unwrap_or_default()
        .contains("Application Administrator"));
    assert_eq!(
        apps(&sb).len(),
        Scenario::practice().tenants[0].applications.len()
    );
}

#[tokio::test]
async fn graph_refuses_an_unknown_audience_and_a_relative_redirect_uri() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Create).await;
    let plan = plan_app(&v3_multi(), NAME, 365).unwrap();
    let cancel = CancellationToken::new();
    let mut unknown = plan.body.clone();
    unknown["signInAudience"] = json!("Everyone");
    let mut relative = plan.body.clone();
    relative["web"]["redirectUris"] = json!(["/v3/connect/callback"]);
    for body in [unknown, relative] {
        let err = g.create_application(body, &cancel).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Rejected, "{err:?}");
    }
    assert_eq!(
        apps(&sb).len(),
        Scenario::practice().tenants[0].applications.len()
    );
    // A second service principal for the same app is a conflict.
    let app = g
        .create_application(plan.body.clone(), &cancel)
        .await
        .unwrap();
    let app_id = app["appId"].as_str().unwrap();
    g.create_service_principal(app_id, &cancel).await.unwrap();
    let err = g
        .create_service_principal(app_id, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert_eq!(sps_of(&sb, app_id), 1);
}

#[tokio::test]
async fn a_just_created_app_graph_does_not_know_yet_gets_its_sp_on_a_later_try() {
    // Directory replication: the first POST /servicePrincipals after the
    // app's creation is refused as if the app didn't exist.
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Create).await;
    let req = v3_multi();
    let plan = plan_app(&req, NAME, 365).unwrap();
    sb.set_faults(vec![Fault::new(POST_SP).with_status(400).with_body(
        r#"{"error":{"code":"Request_BadRequest","message":"The appId of the service principal does not reference a valid application object."}}"#,
    ).first_n(1)])
    .unwrap();
    let out = run(&g, &plan, &req, &MemorySecretStore::new())
        .await
        .unwrap();
    assert!(out.created);
    assert_eq!(sb.calls(POST_SP), 2, "asked again once");
    assert_eq!(sps_of(&sb, &out.app_id), 1);
    assert!(out.audit.facts.service_principal_exists);
    // A refusal for an app that already existed is not waited on.
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb, Access::Create).await;
    let app = g
        .create_application(plan.body.clone(), &CancellationToken::new())
        .await
        .unwrap();
    sb.set_faults(vec![Fault::new(POST_SP).with_status(400)])
        .unwrap();
    let err = run(&g, &plan, &req, &MemorySecretStore::new())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert_eq!(sb.calls(POST_SP), 1);
    assert_eq!(sps_of(&sb, app["appId"].as_str().unwrap()), 0);
}
