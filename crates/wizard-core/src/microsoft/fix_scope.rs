//! "Fix this": the fixes of one check only, beside "Fix all". The plan is
//! [`plan_fixes`]'s, built from the audit with every other check counted as
//! passing, so the same merged-collection rules apply and the preview shows
//! exactly what this one fix sends. Which checks can be fixed this way is
//! answered per check, so the window offers "Fix this" only where a fix
//! exists.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::fix::{plan_fixes, FixOutcome, FixPlan};
use super::graph::GraphClient;
use super::live::live_audit;
use crate::audit::{run_audit, AuditReport, AuditRequest, CheckId, FindingStatus};
use crate::error::Result;
use crate::manifest::parse_manifest_value;

/// The plan for "Fix all" (or one check) and the checks "Fix this" can fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LivePlan {
    pub plan: FixPlan,
    /// Checks whose fix alone changes something, in the report's order.
    pub fixable: Vec<CheckId>,
}

/// The report as if only `check` were not passing.
fn only(report: &AuditReport, check: CheckId) -> AuditReport {
    let mut narrowed = report.clone();
    for f in &mut narrowed.findings {
        if f.check != check {
            f.status = FindingStatus::Pass;
        }
    }
    narrowed
}

/// The plan for every fix (`None`) or for one check's.
pub fn plan_for(app: &Value, report: &AuditReport, check: Option<CheckId>) -> Result<FixPlan> {
    match check {
        None => plan_fixes(app, report),
        Some(c) => plan_fixes(app, &only(report, c)),
    }
}

/// The checks not passing whose fix alone changes the app.
pub fn fixable_checks(app: &Value, report: &AuditReport) -> Result<Vec<CheckId>> {
    let mut out = Vec::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.status != FindingStatus::Pass)
    {
        if !plan_for(app, report, Some(f.check))?.is_empty() {
            out.push(f.check);
        }
    }
    Ok(out)
}

async fn read(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &AuditRequest,
    cancel: &CancellationToken,
) -> Result<(Value, AuditReport)> {
    let app = graph.application(app_id, tenant, cancel).await?;
    let report = run_audit(&parse_manifest_value(&app)?, req)?;
    Ok((app, report))
}

/// The plan (all, or one check's) for the app as it is now, and what
/// "Fix this" can fix.
pub async fn plan_live_for(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &AuditRequest,
    check: Option<CheckId>,
    cancel: &CancellationToken,
) -> Result<LivePlan> {
    let (app, report) = read(graph, app_id, tenant, req, cancel).await?;
    Ok(LivePlan {
        plan: plan_for(&app, &report, check)?,
        fixable: fixable_checks(&app, &report)?,
    })
}

/// Read, plan (all, or one check's), write the merged collections, then
/// re-read and re-audit, like [`super::fix::apply_fixes`].
pub async fn apply_fixes_for(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &AuditRequest,
    check: Option<CheckId>,
    cancel: &CancellationToken,
) -> Result<FixOutcome> {
    let (app, report) = read(graph, app_id, tenant, req, cancel).await?;
    let plan = plan_for(&app, &report, check)?;
    if !plan.is_empty() {
        graph
            .patch_application(&plan.app_object_id, plan.patch.clone(), cancel)
            .await?;
    }
    let after = live_audit(graph, app_id, tenant, req, cancel).await?;
    Ok(FixOutcome {
        applied: plan,
        after,
    })
}
