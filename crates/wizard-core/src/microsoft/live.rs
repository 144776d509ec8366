//! The live audit: the same checks as the manifest audit, run on the app
//! registration Microsoft Graph returns (the Graph application object is
//! the "Microsoft Graph format" manifest), plus facts only the tenant knows:
//! whether the app's service principal exists, which permissions have
//! admin consent, and the tenant's domains.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::graph::{GraphClient, PermissionGrant, GRAPH_APP_ID};
use crate::audit::{run_audit, AuditReport, AuditRequest, CheckId, FindingStatus, Summary};
use crate::endpoints::Endpoints;
use crate::error::{Result, WizardError};
use crate::manifest::parse_manifest_value;
use crate::tenant::discover_tenant;

/// What only a live look at the tenant can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LiveFacts {
    /// Directory (tenant) ID, from `/organization`.
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    /// `tenant_region_scope` from the tenant's OpenID discovery document
    /// (`NA`, `EU`, …), when it was read.
    pub region_scope: Option<String>,
    /// Verified domains, the default one first.
    pub verified_domains: Vec<String>,
    /// The app registration's object ID (what PATCH needs).
    pub app_object_id: Option<String>,
    /// The app's enterprise application exists in this tenant (it appears
    /// once someone consents).
    pub service_principal_exists: bool,
    /// Microsoft Graph permissions with admin consent for everyone.
    pub admin_consented: Vec<String>,
    /// Permissions the plan needs that have no admin consent yet.
    pub admin_consent_missing: Vec<String>,
}

impl LiveFacts {
    /// True when every permission the plan needs has admin consent.
    pub fn admin_consent_complete(&self) -> bool {
        self.service_principal_exists && self.admin_consent_missing.is_empty()
    }
}

/// The live audit's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LiveAudit {
    pub report: AuditReport,
    pub facts: LiveFacts,
}

/// Scope names granted to Microsoft Graph (`graph_sp_id`) for everyone.
pub(crate) fn consented(grants: &[PermissionGrant], graph_sp_id: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = grants
        .iter()
        .filter(|g| g.consent_type == "AllPrincipals")
        .filter(|g| graph_sp_id.is_none_or(|id| g.resource_id.eq_ignore_ascii_case(id)))
        .flat_map(|g| g.scope.split_whitespace().map(str::to_owned))
        .collect();
    names.sort_by_key(|n| n.to_ascii_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

/// The admin consent check from what the tenant says (a manifest can't
/// tell): `granted` is whether every permission needing an administrator
/// has admin consent; when it has, the warning becomes a pass.
fn consent_seen(report: &mut AuditReport, sp_exists: bool, consented: &[String]) {
    let Some(f) = report
        .findings
        .iter_mut()
        .find(|f| f.check == CheckId::AdminConsent)
    else {
        return;
    };
    let needs: Vec<String> = f.details["needs_admin_consent"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if needs.is_empty() {
        return;
    }
    let granted = sp_exists
        && needs
            .iter()
            .all(|n| consented.iter().any(|c| c.eq_ignore_ascii_case(n)));
    f.set("granted", granted.into());
    if granted && f.status == FindingStatus::Warn {
        f.status = FindingStatus::Pass;
        f.title = format!("An administrator has consented to {}", needs.join(", "));
        f.explanation =
            "Your tenant shows admin consent for everyone, so people can connect without being asked for it."
                .into();
        f.fix = None;
        f.safety = None;
        f.ignore_when = None;
        report.summary = Summary::of(&report.findings);
    }
}

/// Read the app `app_id` and its tenant facts (all in parallel, one round
/// trip: the app, its service principal's consent grants, Microsoft
/// Graph's service principal, the organization and, with a login base,
/// the tenant's discovery document), then run the audit on it.
pub async fn live_audit(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    req: &AuditRequest,
    cancel: &CancellationToken,
) -> Result<LiveAudit> {
    let discovery = async {
        match graph.login_base() {
            Some(login) => {
                let endpoints = Endpoints {
                    microsoft_login: login.clone(),
                    ..Endpoints::real()
                };
                discover_tenant(graph.http(), &endpoints, tenant, cancel)
                    .await
                    .map(Some)
            }
            None => Ok(None),
        }
    };
    // One round: the grants are addressed by the app's ID, and whether
    // they exist says whether its service principal does.
    let (app, graph_sp, grants, org, tenant_info) = tokio::try_join!(
        graph.application(app_id, tenant, cancel),
        graph.service_principal(GRAPH_APP_ID, cancel),
        graph.app_consent_grants(app_id, cancel),
        graph.organization(cancel),
        discovery,
    )?;
    let service_principal_exists = grants.is_some();
    let grants = grants.unwrap_or_default();
    let registration = parse_manifest_value(&app).map_err(|e| {
        WizardError::new(
            crate::ErrorCode::BadResponse,
            format!(
                "Microsoft Graph returned an app registration we couldn't read: {}",
                e.message
            ),
        )
    })?;
    let mut report = run_audit(&registration, req)?;
    let admin_consented = consented(&grants, graph_sp.as_ref().and_then(|s| s["id"].as_str()));
    consent_seen(&mut report, service_principal_exists, &admin_consented);
    let admin_consent_missing = report
        .scope_plan
        .required
        .iter()
        .filter(|r| r.resource.eq_ignore_ascii_case(GRAPH_APP_ID))
        .map(|r| r.name.clone())
        .filter(|n| !admin_consented.iter().any(|c| c.eq_ignore_ascii_case(n)))
        .collect();
    let mut domains = org.verified_domains.clone();
    domains.sort_by_key(|d| !d.is_default);
    Ok(LiveAudit {
        facts: LiveFacts {
            tenant_id: org.id,
            tenant_name: org.display_name,
            region_scope: tenant_info.and_then(|t| t.region_scope),
            verified_domains: domains.into_iter().map(|d| d.name).collect(),
            app_object_id: registration.object_id.clone(),
            service_principal_exists,
            admin_consented,
            admin_consent_missing,
        },
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(resource: &str, kind: &str, scope: &str) -> PermissionGrant {
        PermissionGrant {
            client_id: "sp".into(),
            consent_type: kind.into(),
            resource_id: resource.into(),
            scope: scope.into(),
        }
    }

    #[test]
    fn only_everyone_grants_to_graph_count() {
        let grants = [
            grant("graph-sp", "AllPrincipals", "Mail.Read User.Read"),
            grant("graph-sp", "Principal", "Mail.Send"),
            grant("other-sp", "AllPrincipals", "user_impersonation"),
            grant("graph-sp", "AllPrincipals", " mail.read offline_access"),
        ];
        assert_eq!(
            consented(&grants, Some("graph-sp")),
            vec!["Mail.Read", "offline_access", "User.Read"]
        );
    }
}
