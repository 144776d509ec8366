//! "Fix this" against the sandbox: the fix of one check changes only what
//! that check needs (the other failure stays, and stays offered), and
//! "Fix all" through the same entry point fixes both.

mod microsoft_support;

use microsoft_support::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wizard_core::audit::{AuditRequest, CheckId, FindingStatus};
use wizard_core::microsoft::fix_scope::{apply_fixes_for, plan_live_for};
use wizard_core::microsoft::{Access, GraphClient};
use wizard_sandbox::{start, Scenario};

/// Contoso's app whose Nylas callback sits under Single-page application;
/// it asks for mail reading only, so the mail-and-calendar preset also
/// finds delegated permissions missing.
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

fn request() -> AuditRequest {
    serde_json::from_value(json!({
        "path": "v3", "preset": "mail-calendar", "region": "us", "tenancy": "multi",
        "now": "2026-06-01T00:00:00Z"
    }))
    .unwrap()
}

fn status(report: &wizard_core::audit::AuditReport, check: CheckId) -> FindingStatus {
    report.finding(check).unwrap().status
}

#[tokio::test]
async fn fix_this_changes_one_check_and_fix_all_the_rest() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Fix).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let req = request();

    let all = plan_live_for(&graph, SPA_APP, CONTOSO, &req, None, &cancel)
        .await
        .unwrap();
    assert!(all.fixable.contains(&CheckId::RedirectUris), "{all:?}");
    assert!(all.fixable.contains(&CheckId::DelegatedScopes), "{all:?}");
    let one = plan_live_for(
        &graph,
        SPA_APP,
        CONTOSO,
        &req,
        Some(CheckId::RedirectUris),
        &cancel,
    )
    .await
    .unwrap();
    assert!(!one.plan.steps.is_empty());
    assert!(one.plan.steps.len() < all.plan.steps.len());
    assert!(
        one.plan
            .steps
            .iter()
            .all(|s| s.id.starts_with("redirect_uri:")),
        "{:?}",
        one.plan.steps
    );
    assert!(one.plan.patch.get("requiredResourceAccess").is_none());

    // Fix this: the callback moves; the permissions stay as they were.
    let out = apply_fixes_for(
        &graph,
        SPA_APP,
        CONTOSO,
        &req,
        Some(CheckId::RedirectUris),
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(out.applied.steps, one.plan.steps);
    assert_eq!(
        status(&out.after.report, CheckId::RedirectUris),
        FindingStatus::Pass
    );
    assert_eq!(
        status(&out.after.report, CheckId::DelegatedScopes),
        FindingStatus::Fail
    );
    let left = plan_live_for(&graph, SPA_APP, CONTOSO, &req, None, &cancel)
        .await
        .unwrap();
    assert_eq!(left.fixable, vec![CheckId::DelegatedScopes]);

    // Fix all: nothing left to offer.
    let out = apply_fixes_for(&graph, SPA_APP, CONTOSO, &req, None, &cancel)
        .await
        .unwrap();
    assert_eq!(
        status(&out.after.report, CheckId::DelegatedScopes),
        FindingStatus::Pass
    );
    let done = plan_live_for(&graph, SPA_APP, CONTOSO, &req, None, &cancel)
        .await
        .unwrap();
    assert!(done.plan.is_empty() && done.fixable.is_empty(), "{done:?}");
}
