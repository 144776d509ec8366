//! Nylas v3 custom authentication for Microsoft's bulk ("service account")
//! flow, and the grants list, under the `nylas-us` / `nylas-eu` prefixes:
//!
//! - `POST /v3/connect/custom` `{"provider":"microsoft","settings":
//!   {"email_address","credential_id"}}` (`scope`, `state` also allowed) →
//!   201 `{request_id, data: grant}`. The credential must be an
//!   `adminconsent` credential of the app's microsoft connector whose admin
//!   consent was given (the hosted consent page, `nylas_v3_consent.rs`).
//!   When its `credential_data.tenant` is a tenant of the scenario, the
//!   address must be one of its users (`userPrincipalName` or `mail`, not an
//!   alias); another tenant is a directory the sandbox doesn't hold, so any
//!   address is taken. One grant per email per application: posting again
//!   re-authenticates the same grant (same id, `updated_at` bumped, 201).
//! - `GET /v3/grants?email&provider&grant_status&limit&offset` → a page of
//!   `{request_id, data, limit, offset}`.

// Handlers return their error answer as `Err(Response)`: one per request,
// so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::ids;
use crate::nylas_v3::authenticate;
use crate::nylas_v3_admin::{bad_request, data, non_empty_str, now, nylas_error, object, page};
use crate::scenario::{Grant, NylasRegion, Tenant};
use crate::server::AppState;
use crate::service::{json_response, nylas_v3_error};

type Reply = Result<Response, Response>;

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/v3/connect/custom",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| custom(s, region, h, b)),
        )
        .route(
            "/v3/grants",
            get(
                move |s: State<AppState>, h: HeaderMap, q: Query<HashMap<String, String>>| {
                    list(s, region, h, q)
                },
            ),
        )
}

/// A grant as the API returns it.
pub(crate) fn grant_view(g: &Grant) -> Value {
    let mut v = json!({
        "id": g.id,
        "provider": g.provider,
        "scope": g.scope,
        "created_at": g.created_at,
        "updated_at": g.updated_at,
        "grant_status": g.grant_status,
        "email": g.email,
        "settings": {},
        "blocked": false,
        "state": "",
    });
    if let Some(id) = &g.credential_id {
        v["credential_id"] = json!(id);
    }
    v
}

/// A refusal Microsoft gave Nylas: 400 `provider_error` with the AADSTS
/// text under `provider_error`, as Nylas relays it.
fn provider_refused(message: &str, aadsts: &str) -> Response {
    let mut body = nylas_v3_error(StatusCode::BAD_REQUEST, message);
    body["error"]["type"] = json!("provider_error");
    body["error"]["provider_error"] = json!({
        "error": "invalid_grant",
        "error_description": aadsts,
    });
    json_response(StatusCode::BAD_REQUEST, body)
}

fn unauthorized() -> Response {
    nylas_error(StatusCode::UNAUTHORIZED, "Unauthorized")
}

/// Whether `email` is a mailbox of `tenant` (not an alias).
fn is_user_of(tenant: &Tenant, email: &str) -> bool {
    let same = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(email));
    if tenant.users.is_empty() {
        // A tenant without a user list takes any address of its domains.
        let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        return tenant
            .verified_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
            || same(Some(&crate::graph::admin_of(tenant).user_principal_name));
    }
    tenant.users.iter().any(|u| {
        ["userPrincipalName", "mail"]
            .iter()
            .any(|f| same(u.get(*f).and_then(Value::as_str)))
    }) || same(Some(&crate::graph::admin_of(tenant).user_principal_name))
}

/// `settings` of a microsoft custom-auth request: exactly the two fields.
fn microsoft_settings(m: &Map<String, Value>) -> Result<(String, String), Response> {
    let Some(Value::Object(s)) = m.get("settings") else {
        return Err(bad_request("settings is required and must be an object."));
    };
    if let Some(k) = s
        .keys()
        .find(|k| !["email_address", "credential_id"].contains(&k.as_str()))
    {
        return Err(bad_request(&format!(
            "Unknown field \"settings.{k}\" for the microsoft provider."
        )));
    }
    let email = non_empty_str(s, "email_address", "settings.")?.trim();
    let valid = email
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
    if !valid {
        return Err(bad_request(&format!(
            "settings.email_address \"{email}\" is not an email address."
        )));
    }
    let credential_id = non_empty_str(s, "credential_id", "settings.")?.trim();
    Ok((email.to_owned(), credential_id.to_owned()))
}

async fn custom(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r: Reply = (|| {
        let app_id = authenticate(&state, region, &headers)
            .ok_or_else(unauthorized)?
            .application_id;
        let m = object(&body)?;
        if let Some(k) = m
            .keys()
            .find(|k| !["provider", "settings", "scope", "state"].contains(&k.as_str()))
        {
            return Err(bad_request(&format!("Unknown field \"{k}\".")));
        }
        let provider = non_empty_str(&m, "provider", "")?;
        if provider != "microsoft" {
            return Err(bad_request(
                "The sandbox simulates custom authentication for the microsoft provider only.",
            ));
        }
        let (email, credential_id) = microsoft_settings(&m)?;
        let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
        let scenario = &mut *scenario;
        let app = scenario
            .nylas_applications
            .iter_mut()
            .find(|a| a.region == region && a.application_id == app_id)
            .ok_or_else(unauthorized)?;
        let Some(connector) = app.connectors.iter().find(|c| c.provider == "microsoft") else {
            return Err(nylas_error(
                StatusCode::NOT_FOUND,
                "Connector microsoft not found.",
            ));
        };
        let Some(cred) = app
            .credentials
            .iter()
            .find(|c| c.provider == "microsoft" && c.id == credential_id)
        else {
            return Err(bad_request(&format!(
                "Credential {credential_id} not found for the microsoft connector."
            )));
        };
        if cred.credential_type != "adminconsent" {
            return Err(bad_request(&format!(
                "The credential \"{}\" is a {} credential: custom authentication for Microsoft needs an adminconsent credential.",
                cred.name, cred.credential_type
            )));
        }
        let tenant = cred.credential_data["tenant"].as_str().unwrap_or_default();
        if cred.consented_at.is_none() {
            return Err(provider_refused(
                &format!(
                    "The admin of {tenant} has not given admin consent for the credential \"{}\" yet.",
                    cred.name
                ),
                "AADSTS65001: The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.",
            ));
        }
        if let Some(t) = scenario.tenants.iter().find(|t| {
            t.id.eq_ignore_ascii_case(tenant)
                || t.verified_domains
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(tenant))
        }) {
            if !is_user_of(t, &email) {
                return Err(provider_refused(
                    &format!("Microsoft has no user {email} in the tenant {tenant}."),
                    &format!(
                        "AADSTS50034: The user account {email} does not exist in the {} directory. To sign into this application, the account must be added to the directory.",
                        t.id
                    ),
                ));
            }
        }
        let scope = connector.scope.clone();
        let t = now();
        let grant = match app
            .grants
            .iter_mut()
            .find(|g| g.provider == "microsoft" && g.email.eq_ignore_ascii_case(&email))
        {
            // One grant per email per application: re-authenticated.
            Some(g) => {
                g.scope = scope;
                g.grant_status = "valid".into();
                g.credential_id = Some(credential_id);
                g.updated_at = t;
                g.clone()
            }
            None => {
                let g = Grant {
                    id: ids::guid(),
                    provider: "microsoft".into(),
                    email,
                    scope,
                    grant_status: "valid".into(),
                    created_at: t,
                    updated_at: t,
                    credential_id: Some(credential_id),
                };
                app.grants.push(g.clone());
                g
            }
        };
        Ok(data(StatusCode::CREATED, grant_view(&grant)))
    })();
    r.unwrap_or_else(|e| e)
}

async fn list(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(app) = authenticate(&state, region, &headers) else {
        return unauthorized();
    };
    let matches = |field: &str, value: &str| {
        q.get(field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .is_none_or(|v| v.eq_ignore_ascii_case(value))
    };
    let items = app
        .grants
        .iter()
        .filter(|g| {
            matches("email", &g.email)
                && matches("provider", &g.provider)
                && matches("grant_status", &g.grant_status)
        })
        .map(grant_view)
        .collect();
    page(items, &q).unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(users: Value) -> Tenant {
        serde_json::from_value(json!({
            "id": "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "display_name": "Contoso",
            "verified_domains": ["contoso.com"],
            "users": users,
        }))
        .unwrap()
    }

    #[test]
    fn users_are_found_by_sign_in_name_or_mail_never_by_alias() {
        let t = tenant(json!([{
            "userPrincipalName": "adele@contoso.onmicrosoft.com",
            "mail": "Adele.Vance@contoso.com",
            "proxyAddresses": ["smtp:adele@contoso.com"],
        }]));
        assert!(is_user_of(&t, "adele@contoso.onmicrosoft.com"));
        assert!(is_user_of(&t, "adele.vance@CONTOSO.com"));
        assert!(!is_user_of(&t, "adele@contoso.com"), "an alias");
        assert!(is_user_of(&t, "admin@contoso.com"), "the admin");
        let open = tenant(json!([]));
        assert!(is_user_of(&open, "anyone@contoso.com"));
        assert!(!is_user_of(&open, "anyone@fabrikam.de"));
    }
}
