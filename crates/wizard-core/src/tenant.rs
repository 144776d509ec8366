//! Does a Microsoft Entra tenant exist, and what is its ID and region?
//!
//! Asked through the tenant's OpenID discovery document
//! (`{login}/{tenant}/v2.0/.well-known/openid-configuration`), which needs no
//! sign-in. Microsoft answers an unknown tenant with 400 and AADSTS90002.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, HttpClient, HttpError};
use crate::ids::{is_domain, is_guid};
use crate::remote_ops::RemoteOp;

/// What kind of authority the admin named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TenantKind {
    /// One tenant, named by its ID or a verified domain.
    Single,
    /// `common`: any work/school tenant and personal accounts.
    Common,
    /// `organizations`: any work/school tenant.
    Organizations,
    /// `consumers`: personal Microsoft accounts only.
    Consumers,
}

/// A tenant as Microsoft describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TenantInfo {
    /// What was looked up (trimmed), e.g. `contoso.com`.
    pub query: String,
    pub kind: TenantKind,
    /// The directory (tenant) ID, from the issuer. `None` for `common` and
    /// `organizations`, which stand for many tenants.
    pub tenant_id: Option<String>,
    /// `tenant_region_scope`, e.g. `NA`, `EU` (none for multi-tenant aliases).
    pub region_scope: Option<String>,
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_authorization_endpoint: Option<String>,
}

/// The part of the discovery document we use (it has many more fields).
#[derive(Deserialize)]
struct OpenIdConfiguration {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    #[serde(default)]
    tenant_region_scope: Option<String>,
}

/// Look up `tenant` (a GUID, a verified domain, or `common` /
/// `organizations` / `consumers`).
pub async fn discover_tenant(
    http: &HttpClient,
    endpoints: &Endpoints,
    tenant: &str,
    cancel: &CancellationToken,
) -> Result<TenantInfo> {
    let (query, kind) = parse_tenant(tenant)?;
    let path = format!("{query}/v2.0/.well-known/openid-configuration");
    let req = ApiRequest::new(RemoteOp::TenantDiscovery, &endpoints.microsoft_login, &path)?;
    let doc: OpenIdConfiguration = http
        .send_json(&req, cancel)
        .await
        .map_err(|e| explain(e, &query))?;
    let tenant_id = tenant_id_from_issuer(&doc.issuer);
    if kind == TenantKind::Single && tenant_id.is_none() {
        return Err(WizardError::new(
            ErrorCode::BadResponse,
            format!(
                "{} answered without saying which tenant '{query}' is (issuer {}).",
                req.label(),
                doc.issuer
            ),
        ));
    }
    Ok(TenantInfo {
        query,
        kind,
        tenant_id,
        region_scope: doc.tenant_region_scope.filter(|s| !s.is_empty()),
        issuer: doc.issuer,
        authorization_endpoint: doc.authorization_endpoint,
        token_endpoint: doc.token_endpoint,
        device_authorization_endpoint: doc.device_authorization_endpoint,
    })
}

/// Check the shape before asking Microsoft: it also keeps `/`, `?` and the
/// like out of the URL path.
fn parse_tenant(tenant: &str) -> Result<(String, TenantKind)> {
    let t = tenant.trim();
    let hint = "Use the domain your Microsoft 365 accounts sign in with (for example \
                contoso.onmicrosoft.com) or the Directory (tenant) ID from the app's Overview \
                page in the Azure portal.";
    if t.is_empty() {
        return Err(WizardError::invalid_input("Enter the Microsoft tenant.").with_hint(hint));
    }
    let kind = match t.to_ascii_lowercase().as_str() {
        "common" => TenantKind::Common,
        "organizations" => TenantKind::Organizations,
        "consumers" => TenantKind::Consumers,
        _ if is_guid(t) || is_domain(t) => TenantKind::Single,
        _ => {
            return Err(WizardError::invalid_input(format!(
                "'{t}' is not a tenant ID or a domain name."
            ))
            .with_hint(hint))
        }
    };
    Ok((t.to_owned(), kind))
}

/// `https://login.microsoftonline.com/{GUID}/v2.0` → the GUID. The
/// multi-tenant aliases have the placeholder `{tenantid}` instead.
fn tenant_id_from_issuer(issuer: &str) -> Option<String> {
    let url = url::Url::parse(issuer).ok()?;
    let id = url
        .path_segments()?
        .find(|s| is_guid(s))?
        .to_ascii_lowercase();
    Some(id)
}

/// Microsoft's "no such tenant" is a 400; say it plainly.
fn explain(e: HttpError, query: &str) -> WizardError {
    let said = e
        .service_error
        .as_ref()
        .map(|s| s.message.as_str())
        .unwrap_or("");
    let kind = e.service_error.as_ref().and_then(|s| s.kind.as_deref());
    let request_id = e.error.request_id.clone();
    let error = if said.contains("AADSTS90002") || kind == Some("invalid_tenant") {
        WizardError::new(
            ErrorCode::NotFound,
            format!("Microsoft has no tenant '{query}' (AADSTS90002: tenant not found)."),
        )
        .with_hint(
            "Check the spelling. Use a domain verified in the tenant (for example \
             contoso.onmicrosoft.com) or the Directory (tenant) ID from the Azure portal.",
        )
    } else if said.contains("AADSTS900023") {
        WizardError::invalid_input(format!(
            "Microsoft says '{query}' is not a tenant ID or domain it can use (AADSTS900023)."
        ))
    } else {
        e.error
    };
    WizardError {
        request_id,
        ..error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_shapes() {
        assert_eq!(
            parse_tenant(" Contoso.com ").unwrap(),
            ("Contoso.com".into(), TenantKind::Single)
        );
        assert_eq!(parse_tenant("COMMON").unwrap().1, TenantKind::Common);
        assert_eq!(
            parse_tenant("organizations").unwrap().1,
            TenantKind::Organizations
        );
        assert_eq!(
            parse_tenant("4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
                .unwrap()
                .1,
            TenantKind::Single
        );
        for bad in [
            "",
            "contoso",
            "../common",
            "a b.com",
            "x.com/v2.0?y",
            "-a.com",
        ] {
            let e = parse_tenant(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn tenant_id_comes_from_the_issuer() {
        assert_eq!(
            tenant_id_from_issuer(
                "https://login.microsoftonline.com/4F1C2D3E-5A6B-4C7D-8E9F-0A1B2C3D4E5F/v2.0"
            )
            .as_deref(),
            Some("4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
        );
        assert_eq!(
            tenant_id_from_issuer("https://login.microsoftonline.com/{tenantid}/v2.0"),
            None
        );
    }
}
