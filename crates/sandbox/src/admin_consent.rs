//! Admin consent (v2): `/{tenant}/v2.0/adminconsent?client_id&scope&redirect_uri&state`,
//! under the `microsoft-login` prefix. A page with `#approve` / `#deny`
//! links, as for sign-in; approving creates the app's service principal in
//! the tenant (if missing) and an `AllPrincipals` grant of the scopes to
//! Microsoft Graph (merged with one already there), then redirects with
//! `admin_consent=True&tenant&scope&state` (or shows a done page without a
//! `redirect_uri`). `common` is refused, as Microsoft does.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::login_state::PendingAuthorize;
use crate::oauth::{error_page, escape, graph_scopes, resolve_tenant, Params};
use crate::server::AppState;

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    Query(q): Query<Params>,
) -> Response {
    if ["common", "consumers"].contains(&tenant.to_ascii_lowercase().as_str()) {
        return error_page(
            StatusCode::BAD_REQUEST,
            90130,
            "Admin consent needs a tenant: use your tenant's ID or domain, not common.",
        );
    }
    let Some(tenant_id) = resolve_tenant(&state, &tenant) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    };
    let param = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(client_id) = param("client_id") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    let registered = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .tenants
            .iter()
            .flat_map(|t| t.applications.iter())
            .find(|a| {
                a["appId"]
                    .as_str()
                    .is_some_and(|id| id.eq_ignore_ascii_case(&client_id))
            })
            .map(|a| {
                ["web", "spa", "publicClient"]
                    .iter()
                    .flat_map(|p| {
                        a[*p]["redirectUris"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    })
                    .filter_map(|u| u.as_str().map(str::to_owned))
                    .collect::<Vec<String>>()
            })
    };
    let Some(registered) = registered else {
        return error_page(
            StatusCode::BAD_REQUEST,
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        );
    };
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    if !redirect_uri.is_empty() && !registered.contains(&redirect_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            50011,
            &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."),
        );
    }
    let scope = param("scope").unwrap_or_default();
    let id = state.login.add_pending(PendingAuthorize {
        tenant_id: tenant_id.clone(),
        client_id: client_id.clone(),
        redirect_uri,
        scope: scope.clone(),
        state: param("state"),
        code_challenge: None,
    });
    let decision = format!(
        "{}microsoft-login/{tenant_id}/v2.0/adminconsent/decision?request={id}",
        state.base_url
    );
    let list: String = graph_scopes(&scope)
        .iter()
        .map(|s| format!("<li>{}</li>", escape(s)))
        .collect();
    Html(format!(
        "<!doctype html><html><head><title>Permissions requested</title></head><body>\
         <h1>Permissions requested — accept for your organization</h1>\
         <p>The app <b id=\"client\">{}</b> would like to:</p><ul id=\"scopes\">{list}</ul>\
         <p><a id=\"approve\" href=\"{decision}&amp;decision=approve\">Accept</a> \
         <a id=\"deny\" href=\"{decision}&amp;decision=deny\">Cancel</a></p></body></html>",
        escape(&client_id)
    ))
    .into_response()
}

/// Record the consent: the service principal and an `AllPrincipals` grant
/// to Microsoft Graph, merged with any grant already there.
fn record_admin_consent(state: &AppState, request: &PendingAuthorize) {
    // Grants name Graph's permissions without the resource, and keep
    // offline_access (unlike a token's scopes).
    let scopes: Vec<String> = request
        .scope
        .split_whitespace()
        .map(|s| {
            s.strip_prefix("https://graph.microsoft.com/")
                .unwrap_or(s)
                .to_owned()
        })
        .filter(|s| !["openid", "profile", "email"].contains(&s.as_str()))
        .collect();
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    let Some(tenant) = scenario
        .tenants
        .iter_mut()
        .find(|t| t.id == request.tenant_id)
    else {
        return;
    };
    let sp_id = match tenant.service_principals.iter().find(|s| {
        s["appId"]
            .as_str()
            .is_some_and(|a| a.eq_ignore_ascii_case(&request.client_id))
    }) {
        Some(sp) => sp["id"].as_str().unwrap_or_default().to_owned(),
        None => {
            let id = crate::ids::guid();
            tenant
                .service_principals
                .push(json!({ "id": id, "appId": request.client_id }));
            id
        }
    };
    let graph_sp = crate::graph::service_principals(tenant)
        .into_iter()
        .find(|s| s["appId"] == crate::graph::GRAPH_APP_ID)
        .and_then(|s| s["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let existing = tenant.oauth2_permission_grants.iter_mut().find(|g| {
        g["clientId"] == sp_id.as_str()
            && g["consentType"] == "AllPrincipals"
            && g["resourceId"] == graph_sp.as_str()
    });
    match existing {
        Some(grant) => {
            let mut all: Vec<String> = grant["scope"]
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            for s in scopes {
                if !all.iter().any(|a| a.eq_ignore_ascii_case(&s)) {
                    all.push(s);
                }
            }
            grant["scope"] = json!(all.join(" "));
        }
        None => tenant.oauth2_permission_grants.push(json!({
            "id": crate::ids::guid(),
            "clientId": sp_id,
            "consentType": "AllPrincipals",
            "resourceId": graph_sp,
            "scope": scopes.join(" "),
        })),
    }
}

pub(crate) async fn decision(State(state): State<AppState>, Query(q): Query<Params>) -> Response {
    let Some(request) = q.get("request").and_then(|id| state.login.take_pending(id)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            90014,
            "This consent page has expired or was already used.",
        );
    };
    let approved = q.get("decision").map(String::as_str) == Some("approve");
    if approved {
        record_admin_consent(&state, &request);
    }
    if request.redirect_uri.is_empty() {
        let text = if approved {
            "Permissions were granted for your organization. You can close this window."
        } else {
            "You declined to grant the permissions."
        };
        return Html(format!(
            "<!doctype html><html><body><p id=\"done\">{text}</p></body></html>"
        ))
        .into_response();
    }
    let Ok(mut target) = url::Url::parse(&request.redirect_uri) else {
        return error_page(StatusCode::BAD_REQUEST, 50011, "Bad redirect URI.");
    };
    {
        let mut pairs = target.query_pairs_mut();
        if approved {
            pairs.append_pair("admin_consent", "True");
            pairs.append_pair("tenant", &request.tenant_id);
            pairs.append_pair("scope", &request.scope);
        } else {
            pairs.append_pair("error", "access_denied");
            pairs.append_pair(
                "error_description",
                "AADSTS65004: User declined to consent to access the app.",
            );
        }
        if let Some(s) = &request.state {
            pairs.append_pair("state", s);
        }
    }
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(target.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}
