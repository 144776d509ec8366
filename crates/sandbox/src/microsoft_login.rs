//! Microsoft identity platform (`login.microsoftonline.com`), under the
//! `microsoft-login` prefix.
//!
//! Now: OpenID discovery, which the wizard uses to check that a tenant exists
//! and to learn its ID and region.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::server::AppState;
use crate::service::{json_response, microsoft_login_error_body};

/// Tenant ID of personal Microsoft accounts, as Microsoft reports it.
const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/{tenant}/v2.0/.well-known/openid-configuration",
        get(openid_configuration),
    )
}

async fn openid_configuration(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Response {
    let known = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .find_tenant(&tenant)
            .map(|t| (t.id.clone(), t.region_scope.clone()))
    };
    // Microsoft names the tenant by GUID in every endpoint, however it was
    // asked; the multi-tenant aliases keep their alias and have no region.
    let (path_tenant, issuer_tenant, region): (String, String, Option<String>) =
        match (tenant.to_ascii_lowercase().as_str(), known) {
            (_, Some((id, region))) => (id.clone(), id, Some(region)),
            ("common", None) => ("common".into(), "{tenantid}".into(), None),
            ("organizations", None) => ("organizations".into(), "{tenantid}".into(), None),
            ("consumers", None) => ("consumers".into(), CONSUMERS_TENANT_ID.into(), None),
            (_, None) if !looks_like_tenant(&tenant) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    microsoft_login_error_body(
                        "invalid_request",
                        Some(900023),
                        &format!(
                            "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain."
                        ),
                    ),
                )
            }
            (_, None) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    microsoft_login_error_body(
                        "invalid_tenant",
                        Some(90002),
                        &format!(
                            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
                        ),
                    ),
                )
            }
        };
    json_response(
        StatusCode::OK,
        document(&state.base_url, &path_tenant, &issuer_tenant, region),
    )
}

/// A GUID or something shaped like a DNS name.
fn looks_like_tenant(s: &str) -> bool {
    crate::scenario::is_guid(s)
        || (s.contains('.')
            && s.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            }))
}

fn document(base_url: &str, tenant: &str, issuer_tenant: &str, region: Option<String>) -> Value {
    let here = format!("{base_url}microsoft-login/{tenant}");
    json!({
        "token_endpoint": format!("{here}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{here}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("https://login.microsoftonline.com/{issuer_tenant}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": format!("{here}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{here}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{here}/oauth2/v2.0/logout"),
        "claims_supported": [
            "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
            "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
            "name", "tid", "ver", "at_hash", "c_hash", "email"
        ],
        "kerberos_endpoint": format!("{here}/kerberos"),
        "tenant_region_scope": region,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_shapes() {
        assert!(looks_like_tenant("contoso.onmicrosoft.com"));
        assert!(looks_like_tenant("4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"));
        assert!(!looks_like_tenant("contoso"));
        assert!(!looks_like_tenant("con toso.com"));
        assert!(!looks_like_tenant("contoso..com"));
    }
}
