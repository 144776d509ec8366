//! "Create it for me", call by call: the progress callback hears every
//! call as it happens (the sandbox has seen exactly the writes before it,
//! none after), in order, on a fresh run, a run that fails between the
//! calls and the run that resumes it; and admin consent for a new app
//! whose plan needs it, given at Microsoft's page and then seen by the
//! live audit (the consent check passes).

mod microsoft_support;

use std::sync::Mutex;

use microsoft_support::*;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use wizard_core::audit::{AuditRequest, CheckId, FindingStatus};
use wizard_core::microsoft::admin_consent::{admin_consent_url, wait_for_admin_consent};
use wizard_core::microsoft::create_app::{
    create_or_resume, plan_app, CallState, CreateCall, CreateOutcome, CreateProgress,
};
use wizard_core::microsoft::{live_audit, Access, GraphClient};
use wizard_core::secrets::MemorySecretStore;
use wizard_core::WizardError;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const NAME: &str = "Nylas – Contoso";
const POST_APP: &str = "POST /graph/v1.0/applications";
const POST_SP: &str = "POST /graph/v1.0/servicePrincipals";

use CallState::{Done, Failed, Started};
use CreateCall::{App, FindExisting, LiveAudit, Secret, ServicePrincipal};

/// One event as heard, with the writes the sandbox had seen at that moment.
#[derive(Debug, Clone, PartialEq)]
struct Heard {
    call: CreateCall,
    state: CallState,
    reused: bool,
    text: String,
    /// (apps created, service principals created, secrets added) so far.
    writes: (u64, u64, u64),
}

fn writes(sb: &SandboxHandle) -> (u64, u64, u64) {
    let passwords = sb
        .all_calls()
        .iter()
        .filter(|(k, _)| k.starts_with("POST ") && k.ends_with("/addPassword"))
        .map(|(_, n)| *n)
        .sum();
    (sb.calls(POST_APP), sb.calls(POST_SP), passwords)
}

fn request(v: Value) -> AuditRequest {
    serde_json::from_value(v).unwrap()
}

async fn graph(sb: &SandboxHandle) -> GraphClient {
    let tokens = sign_in(sb, Access::Create).await;
    GraphClient::new(&http(), &endpoints(sb).graph, &tokens)
}

/// Run once, recording every event as it arrives.
async fn run(
    sb: &SandboxHandle,
    g: &GraphClient,
    req: &AuditRequest,
    store: &MemorySecretStore,
) -> (Result<CreateOutcome, WizardError>, Vec<Heard>) {
    let plan = plan_app(req, NAME, 365).unwrap();
    let heard = Mutex::new(Vec::new());
    let on = |e: CreateProgress| {
        heard.lock().unwrap().push(Heard {
            call: e.call,
            state: e.state,
            reused: e.reused,
            text: e.text,
            writes: writes(sb),
        })
    };
    let result = create_or_resume(
        g,
        CONTOSO,
        &plan,
        req,
        store,
        &CancellationToken::new(),
        &on,
    )
    .await;
    (result, heard.into_inner().unwrap())
}

fn shape(heard: &[Heard]) -> Vec<(CreateCall, CallState, bool)> {
    heard.iter().map(|h| (h.call, h.state, h.reused)).collect()
}

fn v3() -> AuditRequest {
    request(json!({"path": "v3", "preset": "email-client", "region": "us", "tenancy": "multi"}))
}

#[tokio::test]
async fn every_call_is_heard_in_order_as_it_happens() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb).await;
    let (out, heard) = run(&sb, &g, &v3(), &MemorySecretStore::new()).await;
    let out = out.unwrap();
    assert_eq!(
        shape(&heard),
        [
            (FindExisting, Started, false),
            (FindExisting, Done, false),
            (App, Started, false),
            (App, Done, false),
            (ServicePrincipal, Started, false),
            (ServicePrincipal, Done, false),
            (Secret, Started, false),
            (Secret, Done, false),
            (LiveAudit, Started, false),
            (LiveAudit, Done, false),
        ]
    );
    // Heard when it happened: each write is seen by the sandbox before its
    // "done" and not before its "started".
    let at = |call, state| {
        heard
            .iter()
            .find(|h| h.call == call && h.state == state)
            .unwrap()
    };
    assert_eq!(at(App, Started).writes, (0, 0, 0));
    assert_eq!(at(App, Done).writes, (1, 0, 0));
    assert_eq!(at(ServicePrincipal, Started).writes, (1, 0, 0));
    assert_eq!(at(ServicePrincipal, Done).writes, (1, 1, 0));
    assert_eq!(at(Secret, Started).writes, (1, 1, 0));
    assert_eq!(at(Secret, Done).writes, (1, 1, 1));
    assert!(at(App, Done).text.contains(&out.app_id), "{heard:?}");
    // The secret's expiry is one plain date, in the event and the steps.
    let secret = &at(Secret, Done).text;
    assert!(secret.starts_with("Added a client secret ("), "{secret}");
    let year = (time::OffsetDateTime::now_utc() + time::Duration::days(365)).year();
    assert!(secret.ends_with(&format!(", {year}.")), "{secret}");
    assert!(
        !secret.contains(&format!("{year}-")),
        "no raw timestamp: {secret}"
    );
    assert!(out.steps.contains(secret), "{:?}", out.steps);
    assert!(at(LiveAudit, Done).text.starts_with("Checked the app live"));
}

#[tokio::test]
async fn a_failed_call_is_heard_and_the_resume_says_what_was_reused() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb).await;
    let store = MemorySecretStore::new();
    sb.set_faults(vec![Fault::new(POST_SP).with_status(503).first_n(1)])
        .unwrap();
    let (failed, heard) = run(&sb, &g, &v3(), &store).await;
    assert!(failed.is_err());
    assert_eq!(
        shape(&heard),
        [
            (FindExisting, Started, false),
            (FindExisting, Done, false),
            (App, Started, false),
            (App, Done, false),
            (ServicePrincipal, Started, false),
            (ServicePrincipal, Failed, false),
        ],
        "nothing is heard after the failure"
    );
    assert_eq!(heard.last().unwrap().text, failed.unwrap_err().message);

    // The resume: the app is found and reused, the rest created.
    let (resumed, heard) = run(&sb, &g, &v3(), &store).await;
    let resumed = resumed.unwrap();
    assert!(!resumed.created);
    assert_eq!(
        shape(&heard),
        [
            (FindExisting, Started, false),
            (FindExisting, Done, true),
            (App, Started, false),
            (App, Done, true),
            (ServicePrincipal, Started, false),
            (ServicePrincipal, Done, false),
            (Secret, Started, false),
            (Secret, Done, false),
            (LiveAudit, Started, false),
            (LiveAudit, Done, false),
        ]
    );
    assert!(heard[3].text.contains("reused it"), "{:?}", heard[3]);
    assert_eq!(
        writes(&sb),
        (1, 2, 1),
        "one app, SP asked twice, one secret"
    );

    // A re-run: everything was already there, and each call says so.
    let (again, heard) = run(&sb, &g, &v3(), &store).await;
    again.unwrap();
    let reused: Vec<CreateCall> = heard
        .iter()
        .filter(|h| h.state == Done && h.reused)
        .map(|h| h.call)
        .collect();
    assert_eq!(reused, [FindExisting, App, ServicePrincipal, Secret]);
    assert!(heard.iter().any(|h| h.call == Secret
        && h.state == Done
        && h.text.contains("already has a client secret")));
    assert_eq!(writes(&sb), (1, 2, 1), "nothing written");
}

#[tokio::test]
async fn a_plan_needing_admin_consent_gets_it_at_microsoft_and_the_check_then_passes() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let g = graph(&sb).await;
    let cancel = CancellationToken::new();
    // Rooms need Place.Read.All, which only an administrator can consent to.
    let req = request(
        json!({"path": "v3", "features": ["mail-read", "rooms"], "region": "us", "tenancy": "multi"}),
    );
    let said = plan_app(&req, NAME, 365).unwrap().lines;
    assert!(
        said.contains(&"Place.Read.All needs an administrator's consent: the wizard offers it right after creating the app.".to_owned()),
        "{said:?}"
    );
    let (out, _) = run(&sb, &g, &req, &MemorySecretStore::new()).await;
    let out = out.unwrap();
    assert_eq!(out.admin_consent_to_grant(), ["Place.Read.All"]);
    let check = out.audit.report.finding(CheckId::AdminConsent).unwrap();
    assert_eq!(check.status, FindingStatus::Warn);
    assert_eq!(check.details["granted"], false);
    // A plan without such permissions offers nothing (another tenant:
    // the same name would reuse this app).
    let other = start(Scenario::practice(), None).await.unwrap();
    let (plain, _) = run(
        &other,
        &graph(&other).await,
        &request(
            json!({"path": "v3", "preset": "email-client", "region": "eu", "tenancy": "multi"}),
        ),
        &MemorySecretStore::new(),
    )
    .await;
    assert_eq!(
        plain.unwrap().admin_consent_to_grant(),
        Vec::<String>::new()
    );

    // The admin approves at Microsoft's admin-consent page (what the
    // window opens), and the wait sees it at its first look.
    let needed = out.audit.facts.admin_consent_missing.clone();
    assert!(needed.contains(&"Place.Read.All".to_owned()), "{needed:?}");
    let url = admin_consent_url(
        &endpoints(&sb).microsoft_login,
        CONTOSO,
        &out.app_id,
        &needed,
        "st",
    )
    .unwrap();
    approve_admin_consent(&url).await;
    let no_sleep = |_: std::time::Duration| -> std::future::Ready<()> {
        panic!("consent was already given: no second look needed")
    };
    wait_for_admin_consent(
        &g,
        &out.app_id,
        &needed,
        std::time::Duration::from_secs(2),
        no_sleep,
        &cancel,
    )
    .await
    .unwrap();

    // Checked again: the consent check passes, nothing is left to grant.
    let after = live_audit(&g, &out.app_id, CONTOSO, &req, &cancel)
        .await
        .unwrap();
    let check = after.report.finding(CheckId::AdminConsent).unwrap();
    assert_eq!(check.status, FindingStatus::Pass, "{check:?}");
    assert_eq!(check.details["granted"], true);
    assert!(check.title.contains("Place.Read.All"), "{}", check.title);
    assert!(check.fix.is_none());
    assert_eq!(
        after.report.summary.warn + 1,
        out.audit.report.summary.warn,
        "one warning fewer: {:?} then {:?}",
        out.audit
            .report
            .findings
            .iter()
            .filter(|f| f.status != FindingStatus::Pass)
            .map(|f| (f.check, &f.title))
            .collect::<Vec<_>>(),
        after
            .report
            .findings
            .iter()
            .filter(|f| f.status != FindingStatus::Pass)
            .map(|f| (f.check, &f.title))
            .collect::<Vec<_>>()
    );
    let rechecked = CreateOutcome {
        audit: after,
        ..out
    };
    assert!(rechecked.admin_consent_to_grant().is_empty());
}

/// The admin at the admin-consent page: Accept; without a redirect URI
/// Microsoft shows a done page.
async fn approve_admin_consent(url: &url::Url) {
    let page = browser().get(url.as_str()).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Place.Read.All"), "{page}");
    let marker = "id=\"approve\" href=\"";
    let at = page.find(marker).expect("an Accept link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let done = browser().get(href).send().await.unwrap();
    assert_eq!(done.status(), 200);
}
