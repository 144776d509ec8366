//! Fixing the app registration live: a plan built from the app object as
//! Graph returned it and the audit of that object, then one PATCH.
//!
//! Graph's PATCH replaces every collection it is given, so the plan always
//! sends the complete merged arrays (every URI and permission already
//! there, plus the new ones, minus only what is moved or replaced). Apply
//! is read → compare → write → re-read: it plans from a fresh read, so a
//! second run finds nothing to do.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::graph::GraphClient;
use super::live::{live_audit, LiveAudit};
use crate::audit::{run_audit, AuditReport, CheckId, FindingStatus};
use crate::catalog::{self, PermissionKind};
use crate::error::{ErrorCode, Result, WizardError};
use crate::manifest::parse_manifest_value;
use crate::paths::AuditPath;

/// One change, in plain words, with the before and after for a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FixStep {
    /// Stable: `redirect_uri:<uri>`, `permission:<name>`, `implicit_grant`,
    /// `access_token_version`.
    pub id: String,
    pub title: String,
    pub before: String,
    pub after: String,
}

/// What would change, and the one PATCH body that changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FixPlan {
    pub app_object_id: String,
    pub steps: Vec<FixStep>,
    /// The PATCH body (whole collections); empty when nothing is to do.
    #[ts(type = "unknown")]
    pub patch: Value,
}

impl FixPlan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn status(report: &AuditReport, check: CheckId) -> Option<FindingStatus> {
    report.finding(check).map(|f| f.status)
}

fn platform_name(key: &str) -> &'static str {
    match key {
        "spa" => "Single-page application",
        _ => "Mobile and desktop applications",
    }
}

/// Redirect URIs: add the missing Nylas ones to Web, moving them off SPA
/// and Mobile and desktop when they were put there.
fn plan_redirects(
    app: &Value,
    report: &AuditReport,
    steps: &mut Vec<FixStep>,
    patch: &mut Map<String, Value>,
) {
    let mut web = strings(&app["web"]["redirectUris"]);
    let mut others: Vec<(&str, Vec<String>, bool)> = ["spa", "publicClient"]
        .into_iter()
        .map(|k| (k, strings(&app[k]["redirectUris"]), false))
        .collect();
    let mut web_changed = false;
    for uri in &report.redirect_uris.required {
        if web.contains(uri) {
            continue;
        }
        let mut from = None;
        for (key, list, changed) in others.iter_mut() {
            if let Some(i) = list.iter().position(|u| u == uri) {
                list.remove(i);
                *changed = true;
                from = Some(platform_name(key));
            }
        }
        web.push(uri.clone());
        web_changed = true;
        steps.push(FixStep {
            id: format!("redirect_uri:{uri}"),
            title: match from {
                Some(p) => format!("Move {uri} from {p} to Web"),
                None => format!("Add {uri} to Web"),
            },
            before: match from {
                Some(p) => format!("Registered under {p}"),
                None => "Not registered".into(),
            },
            after: "Registered under Web".into(),
        });
    }
    if web_changed {
        patch.insert("web".into(), json!({ "redirectUris": web }));
    }
    for (key, list, changed) in others {
        if changed {
            patch.insert(key.into(), json!({ "redirectUris": list }));
        }
    }
}

/// Permissions: add each missing delegated one the plan needs; drop the
/// Application permission listed instead of it.
fn plan_permissions(
    app: &Value,
    report: &AuditReport,
    steps: &mut Vec<FixStep>,
    patch: &mut Map<String, Value>,
) {
    let mut rra: Vec<Value> = app["requiredResourceAccess"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut changed = false;
    let wrong_kind: Vec<String> = report
        .finding(CheckId::ApplicationPermissions)
        .and_then(|f| f.details.get("needed_as_delegated"))
        .map(strings)
        .unwrap_or_default();
    for need in &report.scope_plan.required {
        let has = |rra: &[Value], id: &str, kind: &str| {
            rra.iter().any(|b| {
                b["resourceAppId"]
                    .as_str()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&need.resource))
                    && b["resourceAccess"].as_array().is_some_and(|a| {
                        a.iter().any(|e| {
                            e["type"] == kind
                                && e["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id))
                        })
                    })
            })
        };
        if has(&rra, &need.id, "Scope") {
            continue;
        }
        let role = wrong_kind
            .contains(&need.name)
            .then(|| catalog::by_name(&need.resource, &need.name, PermissionKind::Application))
            .flatten()
            .filter(|r| has(&rra, r.id, "Role"));
        let block = match rra.iter().position(|b| {
            b["resourceAppId"]
                .as_str()
                .is_some_and(|r| r.eq_ignore_ascii_case(&need.resource))
        }) {
            Some(i) => i,
            None => {
                rra.push(json!({ "resourceAppId": need.resource, "resourceAccess": [] }));
                rra.len() - 1
            }
        };
        if let Some(Value::Array(entries)) = rra[block].get_mut("resourceAccess") {
            if let Some(role) = role {
                entries.retain(|e| {
                    !(e["type"] == "Role"
                        && e["id"]
                            .as_str()
                            .is_some_and(|i| i.eq_ignore_ascii_case(role.id)))
                });
            }
            entries.push(json!({ "id": need.id, "type": "Scope" }));
        }
        changed = true;
        steps.push(FixStep {
            id: format!("permission:{}", need.name),
            title: if role.is_some() {
                format!(
                    "Replace the Application permission {} by the delegated one",
                    need.name
                )
            } else {
                format!("Add the delegated permission {}", need.name)
            },
            before: if role.is_some() {
                format!("{} as an Application permission", need.name)
            } else {
                "Not listed".into()
            },
            after: format!(
                "{} as a delegated permission ({})",
                need.name, need.resource_name
            ),
        });
    }
    if changed {
        patch.insert("requiredResourceAccess".into(), Value::Array(rra));
    }
}

/// Build the plan for `app` (the Graph object) from its audit.
pub fn plan_fixes(app: &Value, report: &AuditReport) -> Result<FixPlan> {
    let app_object_id = app["id"].as_str().map(str::to_owned).ok_or_else(|| {
        WizardError::new(
            ErrorCode::BadResponse,
            "Microsoft Graph returned the app without its object ID.",
        )
    })?;
    let mut steps = Vec::new();
    let mut patch = Map::new();
    if status(report, CheckId::RedirectUris) == Some(FindingStatus::Fail) {
        plan_redirects(app, report, &mut steps, &mut patch);
    }
    if matches!(
        status(report, CheckId::DelegatedScopes),
        Some(FindingStatus::Fail)
    ) || matches!(status(report, CheckId::OfflineAccess), Some(s) if s != FindingStatus::Pass)
        || matches!(
            status(report, CheckId::ApplicationPermissions),
            Some(FindingStatus::Fail)
        )
    {
        plan_permissions(app, report, &mut steps, &mut patch);
    }
    if report.path == AuditPath::Teams
        && status(report, CheckId::ImplicitGrant) == Some(FindingStatus::Fail)
    {
        let g = &app["web"]["implicitGrantSettings"];
        let web = patch.entry("web").or_insert_with(|| json!({}));
        web["implicitGrantSettings"] =
            json!({ "enableAccessTokenIssuance": true, "enableIdTokenIssuance": true });
        steps.push(FixStep {
            id: "implicit_grant".into(),
            title: "Turn on Access tokens and ID tokens (implicit grant) for Teams".into(),
            before: format!(
                "Access tokens {}, ID tokens {}",
                if g["enableAccessTokenIssuance"] == true {
                    "on"
                } else {
                    "off"
                },
                if g["enableIdTokenIssuance"] == true {
                    "on"
                } else {
                    "off"
                }
            ),
            after: "Access tokens on, ID tokens on".into(),
        });
    }
    if status(report, CheckId::AccessTokenVersion) == Some(FindingStatus::Fail) {
        let before = app["api"]["requestedAccessTokenVersion"]
            .as_i64()
            .unwrap_or(1);
        patch.insert("api".into(), json!({ "requestedAccessTokenVersion": 2 }));
        steps.push(FixStep {
            id: "access_token_version".into(),
            title: "Use version 2 access tokens".into(),
            before: format!("Version {before}"),
            after: "Version 2".into(),
        });
    }
    Ok(FixPlan {
        app_object_id,
        steps,
        patch: Value::Object(patch),
    })
}

/// The plan for the app as it is now (a fresh read).
pub async fn plan_live(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &crate::audit::AuditRequest,
    cancel: &CancellationToken,
) -> Result<FixPlan> {
    let app = graph.application(app_id, tenant, cancel).await?;
    let registration = parse_manifest_value(&app)?;
    plan_fixes(&app, &run_audit(&registration, req)?)
}

/// What applying did: the plan sent (empty if nothing was to do) and the
/// audit of the app as it is afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FixOutcome {
    pub applied: FixPlan,
    pub after: LiveAudit,
}

/// Read, compare, write the merged collections, then re-read and re-audit.
/// Needs a sign-in with [`Access::Fix`](super::Access::Fix).
pub async fn apply_fixes(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &crate::audit::AuditRequest,
    cancel: &CancellationToken,
) -> Result<FixOutcome> {
    let plan = plan_live(graph, app_id, tenant, req, cancel).await?;
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
