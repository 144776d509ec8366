//! Microsoft Graph v1.0, under the `graph` prefix: the directory objects the
//! wizard reads and changes, for the tenant the access token was issued in.
//!
//! - `GET /v1.0/applications?$filter=appId eq '…'`, `GET /v1.0/applications/{id}`
//! - `PATCH /v1.0/applications/{id}` (204): every property sent REPLACES the
//!   stored one, collections included, as Graph does; objects such as `web`
//!   are merged property by property. `passwordCredentials` cannot be set.
//! - `POST /v1.0/applications`, `POST /v1.0/servicePrincipals`: see `graph_create`
//! - `POST /v1.0/applications/{id}/addPassword`
//! - `GET /v1.0/servicePrincipals?$filter=appId eq '…'`
//! - `GET /v1.0/oauth2PermissionGrants?$filter=clientId eq '…' and consentType eq 'AllPrincipals'`
//! - `GET /v1.0/servicePrincipals(appId='…')/oauth2PermissionGrants` (Graph's
//!   alternate key: 404 when the app has no service principal)
//! - `GET /v1.0/organization`, `GET /v1.0/me`
//! - `GET /v1.0/users/{id | userPrincipalName}` (an alias in `proxyAddresses`
//!   is not a key: 404, as Graph answers)
//!
//! Tokens come from the simulated sign-in; each call needs one of the
//! delegated permissions Microsoft documents for it, and changes need an
//! admin role as well (403 `Authorization_RequestDenied` otherwise).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::login_state::Grant;
use crate::scenario::{Admin, Tenant};
use crate::server::AppState;
use crate::service::{error_response, json_response, Service};

/// Microsoft Graph's application ID.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

const READ_APPS: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const WRITE_APPS: &[&str] = &["Application.ReadWrite.All"];
const READ_GRANTS: &[&str] = &[
    "Directory.Read.All",
    "DelegatedPermissionGrant.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const READ_ORG: &[&str] = &["User.Read", "Organization.Read.All", "Directory.Read.All"];
const READ_USERS: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const WRITE_ROLES: &[&str] = &[
    "Global Administrator",
    "Application Administrator",
    "Cloud Application Administrator",
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1.0/applications",
            get(list_applications).post(crate::graph_create::create_application),
        )
        .route(
            "/v1.0/applications/{id}",
            get(get_application).patch(patch_application),
        )
        .route("/v1.0/applications/{id}/addPassword", post(add_password))
        .route(
            "/v1.0/servicePrincipals",
            get(list_service_principals).post(crate::graph_create::create_service_principal),
        )
        .route("/v1.0/oauth2PermissionGrants", get(list_grants))
        // Only `servicePrincipals(appId='…')` is served here; static routes
        // at this depth win over the parameter.
        .route("/v1.0/{key}/oauth2PermissionGrants", get(sp_grants))
        .route("/v1.0/organization", get(organization))
        .route("/v1.0/me", get(me))
        .route("/v1.0/users/{key}", get(get_user))
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    error_response(Service::Graph, status, Some(message))
}

fn denied() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "Insufficient privileges to complete the operation.",
    )
}

/// The caller's grant, if its token allows one of `needed`.
// The error is the answer the handler sends as it is; boxing gains nothing.
#[allow(clippy::result_large_err)]
fn authorize(state: &AppState, headers: &HeaderMap, needed: &[&str]) -> Result<Grant, Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if token.is_empty() {
        return Err(error(StatusCode::UNAUTHORIZED, "Access token is empty."));
    }
    let Some(grant) = state.login.grant_of(token) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Access token validation failure. Invalid audience.",
        ));
    };
    if !grant
        .scopes
        .iter()
        .any(|s| needed.iter().any(|n| n.eq_ignore_ascii_case(s)))
    {
        return Err(denied());
    }
    Ok(grant)
}

pub(crate) fn admin_of(tenant: &Tenant) -> Admin {
    tenant.admin.clone().unwrap_or_else(|| Admin {
        display_name: "Practice Admin".into(),
        user_principal_name: format!(
            "admin@{}",
            tenant
                .verified_domains
                .first()
                .map(String::as_str)
                .unwrap_or("example.onmicrosoft.com")
        ),
        roles: vec!["Application Administrator".into()],
    })
}

/// Run `f` on the token's tenant (read or write).
pub(crate) fn with_tenant<T>(
    state: &AppState,
    grant: &Grant,
    f: impl FnOnce(&mut Tenant) -> T,
) -> Option<T> {
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    scenario
        .tenants
        .iter_mut()
        .find(|t| t.id == grant.tenant_id)
        .map(f)
}

/// `field eq 'value'` clauses joined by `and`, and a collection's
/// `tags/any(t:t eq 'value')` (kept as field `tags`): the `$filter` forms
/// the wizard uses. `None` for anything else (Graph answers 400).
fn parse_filter(filter: &str) -> Option<Vec<(String, String)>> {
    filter
        .split(" and ")
        .map(|clause| {
            let clause = clause.trim();
            let (field, value) = match clause.strip_prefix("tags/any(t:t eq ") {
                Some(rest) => ("tags", rest.strip_suffix(')')?),
                None => clause.split_once(" eq ")?,
            };
            let value = value.trim().strip_prefix('\'')?.strip_suffix('\'')?;
            Some((field.trim().to_owned(), value.replace("''", "'")))
        })
        .collect()
}

fn matches(item: &Value, clauses: &[(String, String)]) -> bool {
    clauses.iter().all(|(field, value)| match item.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(value))),
        other => other
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(value)),
    })
}

/// A list answer, filtered by `$filter` over `allowed` fields.
fn list(
    state: &AppState,
    collection: &str,
    items: Vec<Value>,
    q: &HashMap<String, String>,
    allowed: &[&str],
) -> Response {
    let clauses = match q.get("$filter") {
        None => Vec::new(),
        Some(f) => match parse_filter(f) {
            Some(c) if c.iter().all(|(field, _)| allowed.contains(&field.as_str())) => c,
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("Invalid filter clause: {f}"),
                )
            }
        },
    };
    let value: Vec<Value> = items.into_iter().filter(|i| matches(i, &clauses)).collect();
    json_response(
        StatusCode::OK,
        json!({
            "@odata.context": format!("{}graph/v1.0/$metadata#{collection}", state.base_url),
            "value": value,
        }),
    )
}

fn not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        &format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

async fn list_applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let grant = match authorize(&state, &headers, READ_APPS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let apps = with_tenant(&state, &grant, |t| t.applications.clone()).unwrap_or_default();
    list(
        &state,
        "applications",
        apps,
        &q,
        &["appId", "id", "displayName", "tags"],
    )
}

async fn get_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let grant = match authorize(&state, &headers, READ_APPS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let app = with_tenant(&state, &grant, |t| {
        t.applications
            .iter()
            .find(|a| a["id"].as_str() == Some(id.as_str()))
            .cloned()
    })
    .flatten();
    match app {
        Some(app) => json_response(StatusCode::OK, app),
        None => not_found(&id),
    }
}

#[allow(clippy::result_large_err)]
pub(crate) fn may_write(state: &AppState, headers: &HeaderMap) -> Result<Grant, Response> {
    let grant = authorize(state, headers, WRITE_APPS)?;
    let roles = with_tenant(state, &grant, |t| admin_of(t).roles).unwrap_or_default();
    if !roles.iter().any(|r| WRITE_ROLES.contains(&r.as_str())) {
        return Err(denied());
    }
    Ok(grant)
}

/// Graph's PATCH: each property given replaces the stored one; objects are
/// merged property by property, arrays are replaced whole.
fn merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(p)) => merge(t, p),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

async fn patch_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let grant = match may_write(&state, &headers) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let Ok(Value::Object(patch)) = serde_json::from_str::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        );
    };
    for read_only in ["passwordCredentials", "keyCredentials", "id", "appId"] {
        if patch.contains_key(read_only) {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Property '{read_only}' is read-only and cannot be set."),
            );
        }
    }
    let found = with_tenant(&state, &grant, |t| {
        let app = t
            .applications
            .iter_mut()
            .find(|a| a["id"].as_str() == Some(id.as_str()))?;
        if let Value::Object(obj) = app {
            merge(obj, &patch);
        }
        Some(())
    })
    .flatten();
    match found {
        Some(()) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(&id),
    }
}

async fn add_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let grant = match may_write(&state, &headers) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let asked = &body["passwordCredential"];
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let fmt = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    // Microsoft's default lifetime is two years.
    let end = asked["endDateTime"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| fmt(now + time::Duration::days(730)));
    let secret = format!(
        "Sbx8Q~{}{}",
        state.login.secret_prefix(),
        uuid::Uuid::new_v4().simple().to_string().to_uppercase()
    );
    let credential = json!({
        "customKeyIdentifier": null,
        "displayName": asked["displayName"].as_str(),
        "endDateTime": end,
        "hint": &secret[..3],
        "keyId": crate::ids::guid(),
        "startDateTime": fmt(now),
    });
    let stored = credential.clone();
    let found = with_tenant(&state, &grant, |t| {
        let app = t
            .applications
            .iter_mut()
            .find(|a| a["id"].as_str() == Some(id.as_str()))?;
        let list = app
            .as_object_mut()?
            .entry("passwordCredentials")
            .or_insert_with(|| json!([]));
        if let Value::Array(items) = list {
            items.push(stored);
        }
        Some(())
    })
    .flatten();
    if found.is_none() {
        return not_found(&id);
    }
    let mut answer = credential;
    answer["secretText"] = json!(secret);
    answer["@odata.context"] = json!(format!(
        "{}graph/v1.0/$metadata#microsoft.graph.passwordCredential",
        state.base_url
    ));
    json_response(StatusCode::OK, answer)
}

/// Microsoft Graph's own service principal in a tenant, with a stable id
/// made from the tenant's.
fn graph_service_principal(tenant: &Tenant) -> Value {
    let tail = &tenant.id[tenant.id.len().saturating_sub(12)..];
    json!({
        "id": format!("6a2e5b1c-0d4f-4e3a-9b8c-{tail}"),
        "appId": GRAPH_APP_ID,
        "displayName": "Microsoft Graph",
        "servicePrincipalType": "Application",
    })
}

pub(crate) fn service_principals(tenant: &Tenant) -> Vec<Value> {
    let mut sps = tenant.service_principals.clone();
    if !sps
        .iter()
        .any(|s| s["appId"].as_str() == Some(GRAPH_APP_ID))
    {
        sps.push(graph_service_principal(tenant));
    }
    sps
}

async fn list_service_principals(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let grant = match authorize(&state, &headers, READ_APPS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let sps = with_tenant(&state, &grant, |t| service_principals(t)).unwrap_or_default();
    list(
        &state,
        "servicePrincipals",
        sps,
        &q,
        &["appId", "id", "displayName"],
    )
}

async fn list_grants(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let grant = match authorize(&state, &headers, READ_GRANTS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let grants =
        with_tenant(&state, &grant, |t| t.oauth2_permission_grants.clone()).unwrap_or_default();
    list(
        &state,
        "oauth2PermissionGrants",
        grants,
        &q,
        &["clientId", "consentType", "resourceId", "principalId"],
    )
}

/// `servicePrincipals(appId='…')/oauth2PermissionGrants`: the grants whose
/// client is that app's service principal.
async fn sp_grants(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(app_id) = key
        .strip_prefix("servicePrincipals(appId='")
        .and_then(|k| k.strip_suffix("')"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("Unsupported segment '{key}'."),
        );
    };
    let grant = match authorize(&state, &headers, READ_GRANTS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let found = with_tenant(&state, &grant, |t| {
        let sp_id = service_principals(t)
            .into_iter()
            .find(|s| {
                s["appId"]
                    .as_str()
                    .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
            })
            .and_then(|s| s["id"].as_str().map(str::to_owned))?;
        Some(
            t.oauth2_permission_grants
                .iter()
                .filter(|g| g["clientId"].as_str() == Some(sp_id.as_str()))
                .cloned()
                .collect::<Vec<Value>>(),
        )
    })
    .flatten();
    match found {
        Some(grants) => list(
            &state,
            "oauth2PermissionGrants",
            grants,
            &q,
            &["clientId", "consentType", "resourceId", "principalId"],
        ),
        None => not_found(&format!("appId='{app_id}'")),
    }
}

async fn organization(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let grant = match authorize(&state, &headers, READ_ORG) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let org = with_tenant(&state, &grant, |t| {
        let domains: Vec<Value> = t
            .verified_domains
            .iter()
            .enumerate()
            .map(|(i, d)| {
                json!({
                    "capabilities": "Email, OfficeCommunicationsOnline",
                    "isDefault": i == 0,
                    "isInitial": d.ends_with(".onmicrosoft.com"),
                    "name": d,
                    "type": "Managed",
                })
            })
            .collect();
        json!({
            "id": t.id,
            "displayName": t.display_name,
            "tenantType": "AAD",
            "verifiedDomains": domains,
        })
    });
    let value: Vec<Value> = org.into_iter().collect();
    json_response(
        StatusCode::OK,
        json!({
            "@odata.context": format!("{}graph/v1.0/$metadata#organization", state.base_url),
            "value": value,
        }),
    )
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let grant = match authorize(&state, &headers, READ_ORG) {
        Ok(g) => g,
        Err(r) => return r,
    };
    match with_tenant(&state, &grant, |t| admin_of(t)) {
        Some(admin) => json_response(
            StatusCode::OK,
            json!({
                "displayName": admin.display_name,
                "userPrincipalName": admin.user_principal_name,
                "id": "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a",
            }),
        ),
        None => not_found("me"),
    }
}

/// A user of the token's tenant by ID or sign-in name (case-insensitive).
async fn get_user(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let grant = match authorize(&state, &headers, READ_USERS) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let found = with_tenant(&state, &grant, |t| {
        t.users
            .iter()
            .find(|u| {
                ["id", "userPrincipalName"].iter().any(|f| {
                    u.get(*f)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(&key))
                })
            })
            .cloned()
    })
    .flatten();
    match found {
        Some(user) => json_response(StatusCode::OK, user),
        None => not_found(&key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_the_wizard_uses() {
        assert_eq!(
            parse_filter("appId eq 'abc'").unwrap(),
            vec![("appId".to_owned(), "abc".to_owned())]
        );
        let two = parse_filter("clientId eq 'x' and consentType eq 'AllPrincipals'").unwrap();
        assert_eq!(two.len(), 2);
        assert!(parse_filter("startswith(displayName,'a')").is_none());
        let tag = parse_filter("tags/any(t:t eq 'a b')").unwrap();
        assert_eq!(tag, vec![("tags".to_owned(), "a b".to_owned())]);
        assert!(matches(&json!({"tags": ["x", "A B"]}), &tag));
        assert!(!matches(&json!({"tags": []}), &tag));
    }

    #[test]
    fn patch_replaces_arrays_and_merges_objects() {
        let mut app = json!({"web": {"redirectUris": ["a", "b"], "implicitGrantSettings": {"enableIdTokenIssuance": true}}})
            .as_object()
            .unwrap()
            .clone();
        let patch = json!({"web": {"redirectUris": ["c"]}});
        merge(&mut app, patch.as_object().unwrap());
        assert_eq!(app["web"]["redirectUris"], json!(["c"]));
        assert_eq!(
            app["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
            json!(true)
        );
    }
}
