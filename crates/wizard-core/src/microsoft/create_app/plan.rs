//! The plan of "create it for me": exactly what will be created, from the
//! answers, in plain words and as the JSON `POST /applications` sends.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{MAX_SECRET_DAYS, NOTES_PREFIX, WIZARD_TAG};
use crate::audit::{resolve_tenancy, AuditRequest, Tenancy};
use crate::error::{Result, WizardError};
use crate::paths::AuditPath;
use crate::redirect_uris::{redirect_uris, validate_callback_uri};
use crate::scopes;

/// One delegated permission the new app will list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedPermission {
    pub name: String,
    /// Its GUID on `resource`.
    pub id: String,
    pub resource: String,
    pub resource_name: String,
    pub admin_consent: bool,
}

/// Exactly what will be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppPlan {
    pub display_name: String,
    pub sign_in_audience: String,
    /// On the Web platform.
    pub redirect_uris: Vec<String>,
    pub permissions: Vec<PlannedPermission>,
    /// Access and ID tokens by implicit grant (Teams only).
    pub implicit_grant: bool,
    pub secret_days: u32,
    /// `sha256:` + 16 hex digits of the answers the app is made from.
    pub answers_hash: String,
    /// The plan in plain words, one line per thing created.
    pub lines: Vec<String>,
    /// The body of `POST /applications`, exactly as sent.
    #[ts(type = "unknown")]
    pub body: Value,
}

/// The name offered by default: "Nylas – <organization>".
pub fn default_display_name(organization: Option<&str>) -> String {
    match organization.map(str::trim).filter(|o| !o.is_empty()) {
        Some(org) => format!("Nylas – {org}"),
        None => "Nylas".into(),
    }
}

/// The `signInAudience` Nylas needs (reference §1; the same rule the
/// audit's sign-in audience check applies): your organization only, or
/// any organization — with personal Microsoft accounts too on v3.
pub fn audience_for(path: AuditPath, tenancy: Tenancy) -> &'static str {
    match (tenancy, path) {
        (Tenancy::Single, _) => "AzureADMyOrg",
        (Tenancy::Multi, AuditPath::V3) => "AzureADandPersonalMicrosoftAccount",
        (Tenancy::Multi, _) => "AzureADMultipleOrgs",
    }
}

fn audience_words(audience: &str) -> &'static str {
    match audience {
        "AzureADMyOrg" => "only accounts in your organization",
        "AzureADandPersonalMicrosoftAccount" => {
            "accounts in any organization and personal Microsoft accounts (Outlook.com)"
        }
        _ => "accounts in any organization",
    }
}

/// The plan for these answers. `display_name` is the admin's (blank: the
/// default without an organization).
pub fn plan_app(req: &AuditRequest, display_name: &str, secret_days: u32) -> Result<AppPlan> {
    if req.path == AuditPath::V2Events {
        return Err(WizardError::invalid_input(
            "Creating the app is available for Nylas v3 and Teams.",
        )
        .with_hint("For Nylas v2, register the app by hand and check it with this wizard."));
    }
    if !(1..=MAX_SECRET_DAYS).contains(&secret_days) {
        return Err(WizardError::invalid_input(format!(
            "A client secret can last from 1 to {MAX_SECRET_DAYS} days; {secret_days} was asked for."
        ))
        .with_hint("Microsoft recommends less than two years; 365 days is common."));
    }
    let display_name = match display_name.trim() {
        "" => default_display_name(None),
        name if name.chars().count() > 120 => {
            return Err(WizardError::invalid_input(
                "The app's name is longer than 120 characters.",
            ))
        }
        name => name.to_owned(),
    };
    for uri in &req.callback_uris {
        let checked = validate_callback_uri(uri);
        if !checked.valid {
            return Err(WizardError::invalid_input(format!(
                "The callback URI \"{uri}\" can't be used: {}",
                checked.problems.join(" ")
            )));
        }
    }
    let scope_plan = scopes::plan(req.path, req.preset, &req.features)?;
    let tenancy = resolve_tenancy(req);
    let audience = audience_for(req.path, tenancy);
    let uris = redirect_uris(req.path, req.region).required;
    let implicit_grant = req.path == AuditPath::Teams;
    let permissions: Vec<PlannedPermission> = scope_plan
        .required
        .iter()
        .map(|r| PlannedPermission {
            name: r.name.clone(),
            id: r.id.clone(),
            resource: r.resource.clone(),
            resource_name: r.resource_name.clone(),
            admin_consent: r.admin_consent,
        })
        .collect();
    let answers_hash = answers_hash(req.path, audience, &uris, &permissions, implicit_grant);
    let mut resources: Vec<(String, Vec<Value>)> = Vec::new();
    for p in &permissions {
        let entry = json!({ "id": p.id, "type": "Scope" });
        match resources.iter_mut().find(|(r, _)| *r == p.resource) {
            Some((_, list)) => list.push(entry),
            None => resources.push((p.resource.clone(), vec![entry])),
        }
    }
    let body = json!({
        "displayName": display_name,
        "signInAudience": audience,
        "notes": format!("{NOTES_PREFIX} Answers: {answers_hash}."),
        "tags": [WIZARD_TAG],
        "isFallbackPublicClient": false,
        "web": {
            "redirectUris": uris,
            "implicitGrantSettings": {
                "enableAccessTokenIssuance": implicit_grant,
                "enableIdTokenIssuance": implicit_grant,
            },
        },
        "api": { "requestedAccessTokenVersion": 2 },
        "requiredResourceAccess": resources
            .into_iter()
            .map(|(r, access)| json!({ "resourceAppId": r, "resourceAccess": access }))
            .collect::<Vec<_>>(),
    });
    let mut lines = vec![
        format!("Register an app named \"{display_name}\"."),
        format!("Who can sign in: {} ({audience}).", audience_words(audience)),
        format!(
            "Redirect URI on the Web platform: {}.",
            uris.join(", ")
        ),
        format!(
            "Delegated Microsoft Graph permissions (the least Nylas needs for your choices): {}.",
            permissions.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        "Version 2 access tokens.".into(),
        if implicit_grant {
            "Access tokens and ID tokens by implicit grant: on (the Teams integration needs them).".into()
        } else {
            "Implicit grant: off.".into()
        },
        "Create its enterprise application (service principal) in your tenant.".into(),
        format!("Add a client secret that expires in {secret_days} days; its value goes straight to this computer's keychain (or is shown once if there is none), never to a file."),
    ];
    if !req.callback_uris.is_empty() {
        lines.push(format!(
            "Your callback URIs ({}) are registered with your Nylas application, not with Microsoft.",
            req.callback_uris.join(", ")
        ));
    }
    if permissions.iter().any(|p| p.admin_consent) {
        lines.push(format!(
            "{} needs an administrator's consent: the wizard offers it right after creating the app.",
            permissions
                .iter()
                .filter(|p| p.admin_consent)
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(AppPlan {
        display_name,
        sign_in_audience: audience.into(),
        redirect_uris: uris,
        permissions,
        implicit_grant,
        secret_days,
        answers_hash,
        lines,
        body,
    })
}

/// A short, stable hash of what the app is made from (not its name or
/// secret): the marker a re-run recognises.
fn answers_hash(
    path: AuditPath,
    audience: &str,
    uris: &[String],
    permissions: &[PlannedPermission],
    implicit: bool,
) -> String {
    let mut ids: Vec<String> = permissions
        .iter()
        .map(|p| format!("{}/{}", p.resource, p.id).to_ascii_lowercase())
        .collect();
    ids.sort();
    let canonical = json!([path, audience, uris, ids, implicit]).to_string();
    let digest = Sha256::digest(canonical.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::regions::Region;
    use crate::scopes::Preset;

    fn req(path: AuditPath, tenancy: Tenancy) -> AuditRequest {
        AuditRequest {
            path,
            preset: Some(Preset::CalendarScheduler),
            region: Region::Eu,
            tenancy: Some(tenancy),
            ..AuditRequest::default()
        }
    }

    #[test]
    fn multitenant_v3_allows_personal_accounts_with_v2_tokens() {
        let plan = plan_app(&req(AuditPath::V3, Tenancy::Multi), "Nylas – Contoso", 365).unwrap();
        assert_eq!(
            plan.body["signInAudience"],
            "AzureADandPersonalMicrosoftAccount"
        );
        assert_eq!(plan.body["api"]["requestedAccessTokenVersion"], 2);
        assert_eq!(
            plan.body["web"]["redirectUris"],
            json!(["https://api.eu.nylas.com/v3/connect/callback"])
        );
        assert_eq!(
            plan.body["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"],
            false
        );
        assert!(plan.body["notes"]
            .as_str()
            .unwrap()
            .contains(&plan.answers_hash));
    }

    #[test]
    fn teams_gets_implicit_grant_and_single_tenant_its_own_org() {
        let plan = plan_app(&req(AuditPath::Teams, Tenancy::Single), "", 30).unwrap();
        assert_eq!(plan.display_name, "Nylas");
        assert_eq!(plan.body["signInAudience"], "AzureADMyOrg");
        assert_eq!(
            plan.body["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
            true
        );
        let multi = plan_app(&req(AuditPath::Teams, Tenancy::Multi), "", 30).unwrap();
        assert_eq!(multi.body["signInAudience"], "AzureADMultipleOrgs");
        assert_ne!(multi.answers_hash, plan.answers_hash);
    }

    #[test]
    fn the_hash_ignores_the_name_and_the_secret() {
        let r = req(AuditPath::V3, Tenancy::Multi);
        let a = plan_app(&r, "A", 30).unwrap();
        let b = plan_app(&r, "B", 700).unwrap();
        assert_eq!(a.answers_hash, b.answers_hash);
        assert_eq!(a.answers_hash.len(), "sha256:".len() + 16);
    }

    #[test]
    fn refuses_what_it_cannot_create() {
        let r = req(AuditPath::V3, Tenancy::Multi);
        assert_eq!(
            plan_app(&r, "x", 0).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            plan_app(&r, "x", 731).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let v2 = req(AuditPath::V2Events, Tenancy::Multi);
        assert!(plan_app(&v2, "x", 30).is_err());
        let mut bad = r.clone();
        bad.callback_uris = vec!["https://example.com/*".into()];
        assert!(plan_app(&bad, "x", 30).is_err());
        assert_eq!(default_display_name(Some(" Contoso ")), "Nylas – Contoso");
    }
}
