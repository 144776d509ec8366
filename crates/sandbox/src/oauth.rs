//! Microsoft identity platform v2.0 OAuth endpoints, under the
//! `microsoft-login` prefix: `/authorize` with a simulated consent page,
//! `/token` (authorization code with PKCE, refresh token, device code) and
//! `/devicecode`, plus a device login page.
//!
//! The consent page is plain HTML with two links, `#approve` and `#deny`,
//! that a test (or a person in practice mode) follows; each redirects to the
//! `redirect_uri` as Microsoft would. Device codes are approved on the
//! `devicelogin` page or through `/_sandbox/device-codes`.
//!
//! Admin consent is in `admin_consent.rs`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::admin_consent;
use crate::login_state::{DeviceStatus, Grant, PendingAuthorize};
use crate::server::AppState;
use crate::service::{json_response, microsoft_login_error_body};

/// Microsoft Graph's resource URI, as scopes carry it.
const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/{tenant}/oauth2/v2.0/authorize/consent", get(consent))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
        .route("/devicelogin", get(devicelogin))
        .route("/{tenant}/v2.0/adminconsent", get(admin_consent::page))
        .route(
            "/{tenant}/v2.0/adminconsent/decision",
            get(admin_consent::decision),
        )
}

pub(crate) type Params = HashMap<String, String>;

/// The tenant ID for a path's tenant (ID, domain, or `organizations` /
/// `common`, which sign in to the first tenant as a stand-in for "the
/// admin's home tenant").
pub(crate) fn resolve_tenant(state: &AppState, tenant: &str) -> Option<String> {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    if let Some(t) = scenario.find_tenant(tenant) {
        return Some(t.id.clone());
    }
    match tenant.to_ascii_lowercase().as_str() {
        "organizations" | "common" => scenario.tenants.first().map(|t| t.id.clone()),
        _ => None,
    }
}

fn oauth_error(status: StatusCode, error: &str, code: Option<u32>, description: &str) -> Response {
    json_response(status, microsoft_login_error_body(error, code, description))
}

/// Microsoft shows its own error page (no redirect) for a bad request.
pub(crate) fn error_page(status: StatusCode, code: u32, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>Sign in to your account</title></head><body>\
         <h1>Sorry, but we're having trouble signing you in.</h1>\
         <p id=\"error\">AADSTS{code}: {}</p></body></html>",
        escape(text)
    );
    (status, Html(body)).into_response()
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Permission names without Microsoft Graph's resource prefix, OIDC scopes
/// dropped.
pub(crate) fn graph_scopes(scope: &str) -> Vec<String> {
    scope
        .split_whitespace()
        .filter(|s| !["openid", "profile", "email", "offline_access"].contains(s))
        .map(|s| s.strip_prefix(GRAPH_RESOURCE).unwrap_or(s).to_owned())
        .collect()
}

/// Loopback addresses are what a desktop public client may use; the port
/// does not count (Microsoft ignores it for loopback).
fn is_loopback_redirect(uri: &str) -> bool {
    [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://localhost/",
    ]
    .iter()
    .any(|p| uri.starts_with(p))
}

async fn authorize(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    Query(q): Query<Params>,
) -> Response {
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
    let Some(redirect_uri) = param("redirect_uri") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            500113,
            "No reply address is registered for the application.",
        );
    };
    if !is_loopback_redirect(&redirect_uri) {
        if let Some(page) = web_redirect_refused(&state, &tenant, &client_id, &redirect_uri) {
            return page;
        }
    }
    if param("response_type").as_deref() != Some("code") {
        return error_page(
            StatusCode::BAD_REQUEST,
            900144,
            "The request must have response_type=code.",
        );
    }
    let code_challenge = param("code_challenge");
    if code_challenge.is_some() && param("code_challenge_method").as_deref() != Some("S256") {
        return error_page(
            StatusCode::BAD_REQUEST,
            501491,
            "Invalid code_challenge_method: the sandbox accepts S256 only.",
        );
    }
    let scope = param("scope").unwrap_or_default();
    let id = state.login.add_pending(PendingAuthorize {
        tenant_id: tenant_id.clone(),
        client_id: client_id.clone(),
        redirect_uri,
        scope: scope.clone(),
        state: param("state"),
        code_challenge,
    });
    let consent = format!(
        "{}microsoft-login/{tenant_id}/oauth2/v2.0/authorize/consent?request={id}",
        state.base_url
    );
    let list: String = graph_scopes(&scope)
        .iter()
        .map(|s| format!("<li>{}</li>", escape(s)))
        .collect();
    let body = format!(
        "<!doctype html><html><head><title>Permissions requested</title></head><body>\
         <h1>Permissions requested</h1><p>The app <b id=\"client\">{}</b> would like to:</p>\
         <ul id=\"scopes\">{list}</ul>\
         <p><a id=\"approve\" href=\"{consent}&amp;decision=approve\">Accept</a> \
         <a id=\"deny\" href=\"{consent}&amp;decision=deny\">Cancel</a></p></body></html>",
        escape(&client_id)
    );
    (StatusCode::OK, Html(body)).into_response()
}

/// A web app's sign-in (Nylas hosted auth signs in with the connector's
/// app): the app must exist (AADSTS700016) and list `redirect_uri` under
/// its Web redirect URIs, exactly (AADSTS50011). Microsoft shows its own
/// error page for both; it never redirects to an unregistered address.
fn web_redirect_refused(
    state: &AppState,
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
) -> Option<Response> {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let app = scenario
        .tenants
        .iter()
        .flat_map(|t| &t.applications)
        .find(|a| a.get("appId").and_then(|v| v.as_str()) == Some(client_id));
    let Some(app) = app else {
        return Some(error_page(
            StatusCode::BAD_REQUEST,
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
        ));
    };
    let registered = app["web"]["redirectUris"]
        .as_array()
        .is_some_and(|uris| uris.iter().any(|u| u.as_str() == Some(redirect_uri)));
    if !registered {
        return Some(error_page(
            StatusCode::BAD_REQUEST,
            50011,
            &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."),
        ));
    }
    None
}

async fn consent(State(state): State<AppState>, Query(q): Query<Params>) -> Response {
    let Some(request) = q.get("request").and_then(|id| state.login.take_pending(id)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            90014,
            "This sign-in page has expired or was already used.",
        );
    };
    let mut target = match url::Url::parse(&request.redirect_uri) {
        Ok(u) => u,
        Err(_) => return error_page(StatusCode::BAD_REQUEST, 50011, "Bad redirect URI."),
    };
    {
        let mut pairs = target.query_pairs_mut();
        if q.get("decision").map(String::as_str) == Some("approve") {
            let code = state.login.issue_code(request.clone());
            pairs.append_pair("code", &code);
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
    // The sandbox plays the Nylas host Microsoft sends hosted auth back to.
    if let Some(played) = crate::nylas_v3_auth::played_callback(&state.base_url, &target) {
        target = played;
    }
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(target.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn token_response(state: &AppState, grant: Grant, scope: &str) -> Response {
    let offline = scope.split_whitespace().any(|s| s == "offline_access");
    let shown_scope = grant
        .scopes
        .iter()
        .map(|s| format!("{GRAPH_RESOURCE}{s}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (access, refresh) = state.login.issue_tokens(grant);
    let mut body = json!({
        "token_type": "Bearer",
        "scope": shown_scope,
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": access,
    });
    if offline {
        body["refresh_token"] = json!(refresh);
    }
    json_response(StatusCode::OK, body)
}

async fn token(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    Form(f): Form<Params>,
) -> Response {
    let Some(tenant_id) = resolve_tenant(&state, &tenant) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            Some(90002),
            &format!("Tenant '{tenant}' not found."),
        );
    };
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let client_id = field("client_id");
    if client_id.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    match field("grant_type") {
        "authorization_code" => {
            let request = match state.login.redeem_code(field("code")) {
                Ok(r) => r,
                Err(true) => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        Some(54005),
                        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                    )
                }
                Err(false) => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        Some(70000),
                        "The provided value for the 'code' parameter is not valid.",
                    )
                }
            };
            if request.client_id != client_id || request.tenant_id != tenant_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    Some(70000),
                    "The code was issued to another client or tenant.",
                );
            }
            if request.redirect_uri != field("redirect_uri") {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    Some(50148),
                    "The redirect_uri does not match the one used in the authorization request.",
                );
            }
            if let Some(challenge) = &request.code_challenge {
                let verifier = field("code_verifier");
                if verifier.is_empty() || s256(verifier) != *challenge {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        Some(501481),
                        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                    );
                }
            }
            let grant = Grant {
                tenant_id,
                client_id: client_id.to_owned(),
                scopes: graph_scopes(&request.scope),
            };
            token_response(&state, grant, &request.scope)
        }
        "refresh_token" => {
            let Some(old) = state.login.take_refresh(field("refresh_token")) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    Some(70008),
                    "The provided authorization code or refresh token has expired due to inactivity.",
                );
            };
            if old.client_id != client_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    Some(70000),
                    "The refresh token was issued to another client.",
                );
            }
            let scope = field("scope");
            let scopes = if scope.is_empty() {
                old.scopes.clone()
            } else {
                graph_scopes(scope)
            };
            let grant = Grant { scopes, ..old };
            // A refresh always returns a new refresh token.
            token_response(&state, grant, "offline_access")
        }
        "urn:ietf:params:oauth:grant-type:device_code" => device_poll(&state, field("device_code")),
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            Some(70003),
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

fn device_poll(state: &AppState, device_code: &str) -> Response {
    let Some((entry, forced)) = state.login.poll_device(device_code) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            Some(70018),
            "The provided value for the input parameter 'device_code' is not valid.",
        );
    };
    let answer = forced.unwrap_or_else(|| {
        match entry.status {
            DeviceStatus::Pending => "authorization_pending",
            DeviceStatus::Declined => "authorization_declined",
            DeviceStatus::Expired => "expired_token",
            DeviceStatus::Approved => "",
        }
        .to_owned()
    });
    let (code, text) = match answer.as_str() {
        "" => {
            let grant = Grant {
                tenant_id: entry.tenant_id.clone(),
                client_id: entry.client_id.clone(),
                scopes: graph_scopes(&entry.scope),
            };
            return token_response(state, grant, &entry.scope);
        }
        "authorization_pending" => (
            Some(70016),
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        "slow_down" => (None, "Polling too fast; wait longer between requests."),
        "authorization_declined" => (None, "The end user denied the authorization request."),
        "expired_token" => (Some(70019), "Verification code expired."),
        _ => (
            Some(70018),
            "The provided value for the input parameter 'device_code' is not valid.",
        ),
    };
    oauth_error(StatusCode::BAD_REQUEST, &answer, code, text)
}

async fn devicecode(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    Form(f): Form<Params>,
) -> Response {
    let Some(tenant_id) = resolve_tenant(&state, &tenant) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            Some(90002),
            &format!("Tenant '{tenant}' not found."),
        );
    };
    let client_id = f.get("client_id").cloned().unwrap_or_default();
    if client_id.trim().is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    let scope = f.get("scope").cloned().unwrap_or_default();
    let knobs = state
        .scenario
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .sign_in
        .clone();
    let (device_code, user_code) = state.login.add_device(
        tenant_id,
        client_id,
        scope,
        knobs.device_code_expires_in,
        knobs.device_code_polls,
    );
    let verification_uri = format!("{}microsoft-login/devicelogin", state.base_url);
    json_response(
        StatusCode::OK,
        json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": knobs.device_code_expires_in,
            "interval": knobs.device_code_interval,
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        }),
    )
}

/// The page a person opens to enter the code: `?code=…&decision=approve`
/// (or `deny`) decides.
async fn devicelogin(State(state): State<AppState>, Query(q): Query<Params>) -> Response {
    let Some(code) = q.get("code").filter(|c| !c.trim().is_empty()) else {
        return Html(
            "<!doctype html><html><head><title>Enter code</title></head><body><h1>Enter code</h1>\
             <form method=\"get\"><input id=\"code\" name=\"code\" autocomplete=\"off\">\
             <button name=\"decision\" value=\"approve\" id=\"approve\">Next</button>\
             <button name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button></form></body></html>",
        )
        .into_response();
    };
    let status = if q.get("decision").map(String::as_str) == Some("approve") {
        DeviceStatus::Approved
    } else {
        DeviceStatus::Declined
    };
    if state.login.decide_device(code, status) {
        let text = if status == DeviceStatus::Approved {
            "You have signed in. You may now close this window."
        } else {
            "You have declined to sign in."
        };
        Html(format!(
            "<!doctype html><html><body><p id=\"done\">{text}</p></body></html>"
        ))
        .into_response()
    } else {
        error_page(
            StatusCode::BAD_REQUEST,
            70018,
            "The code you entered has expired or is not valid.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn scopes_lose_the_graph_prefix_and_oidc() {
        assert_eq!(
            graph_scopes(
                "openid https://graph.microsoft.com/Application.Read.All User.Read offline_access"
            ),
            vec!["Application.Read.All", "User.Read"]
        );
    }
}
