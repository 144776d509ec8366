//! Nylas v3 hosted authentication, under the `nylas-us` / `nylas-eu`
//! prefixes: `GET /v3/connect/auth` (`response_type=adminconsent` goes on
//! in `nylas_v3_consent.rs`), the provider's way back
//! (`GET /v3/connect/callback`), `POST /v3/connect/token` and
//! `GET /v3/grants/{id}`.
//!
//! As real Nylas does, `/v3/connect/auth` checks the client (the Nylas
//! application ID) and that `redirect_uri` is exactly one of the
//! application's callback URIs (400 `grant.callback_uri_not_allowed`
//! otherwise), then sends the browser to Microsoft's authorize page with the
//! application's `microsoft` connector (client ID, tenant) and the region's
//! Nylas callback `https://api.{us|eu}.nylas.com/v3/connect/callback` as
//! Microsoft's redirect URI. The simulated Microsoft checks that URI against
//! the Azure app registration and sends the browser back here (the sandbox
//! plays that host: [`played_callback`]). The callback creates or updates
//! the grant (one per email per application) and redirects to the
//! application's `redirect_uri` with a single-use `code` (or the error).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::ids;
use crate::nylas_v3::authenticate;
use crate::oauth::Params;
use crate::scenario::{Grant, NylasRegion};
use crate::server::AppState;
use crate::service::{json_response, nylas_v3_error};

/// OpenID Connect scopes: they identify the user and never show in a grant.
const OIDC: [&str; 3] = ["openid", "profile", "email"];
const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/v3/connect/auth",
            get(move |s: State<AppState>, q: Query<Params>| auth(s, region, q)),
        )
        .route(
            "/v3/connect/callback",
            get(move |s: State<AppState>, q: Query<Params>| callback(s, region, q)),
        )
        .route(
            "/v3/connect/token",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| token(s, region, h, b)),
        )
        .route(
            "/v3/grants/{id}",
            get(move |s: State<AppState>, h: HeaderMap, id: Path<String>| {
                get_grant(s, region, h, id)
            }),
        )
}

/// The real Nylas callback of a region, as registered in Azure apps.
pub(crate) fn nylas_callback(region: NylasRegion) -> &'static str {
    match region {
        NylasRegion::Us => "https://api.us.nylas.com/v3/connect/callback",
        NylasRegion::Eu => "https://api.eu.nylas.com/v3/connect/callback",
    }
}

fn prefix(region: NylasRegion) -> &'static str {
    match region {
        NylasRegion::Us => "nylas-us",
        NylasRegion::Eu => "nylas-eu",
    }
}

/// Where the browser really goes for a redirect to a Nylas callback: the
/// sandbox plays `api.{us|eu}.nylas.com`. `None` for any other address.
pub(crate) fn played_callback(base_url: &str, target: &url::Url) -> Option<url::Url> {
    let region = [NylasRegion::Us, NylasRegion::Eu]
        .into_iter()
        .find(|r| target.as_str().split('?').next() == Some(nylas_callback(*r)))?;
    let mut here =
        url::Url::parse(&format!("{base_url}{}/v3/connect/callback", prefix(region))).ok()?;
    here.set_query(target.query());
    Some(here)
}

/// A hosted-auth request waiting for Microsoft to send the browser back.
#[derive(Debug, Clone)]
struct Pending {
    application_id: String,
    redirect_uri: String,
    state: Option<String>,
    challenge: Option<(String, String)>,
    login_hint: Option<String>,
    connector_client_id: String,
    offline: bool,
}

/// A Nylas authorization code, redeemable once.
#[derive(Debug, Clone)]
struct IssuedCode {
    application_id: String,
    redirect_uri: String,
    challenge: Option<(String, String)>,
    grant_id: String,
    email: String,
    scope: Vec<String>,
    offline: bool,
    used: bool,
}

/// What hosted auth remembers between requests.
#[derive(Default)]
pub(crate) struct HostedAuth {
    pending: Mutex<HashMap<String, Pending>>,
    codes: Mutex<HashMap<String, IssuedCode>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn bad_request(kind: &str, message: &str) -> Response {
    let mut body = nylas_v3_error(StatusCode::BAD_REQUEST, message);
    body["error"]["type"] = json!(kind);
    json_response(StatusCode::BAD_REQUEST, body)
}

fn redirect(to: &url::Url) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// `redirect_uri` with `pairs` (and the client's `state`) added.
fn back_to(redirect_uri: &str, state: Option<&str>, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return bad_request("invalid_request_error", "The redirect_uri is not a URL.");
    };
    {
        let mut q = target.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
    }
    redirect(&target)
}

async fn auth(
    State(state): State<AppState>,
    region: NylasRegion,
    Query(q): Query<Params>,
) -> Response {
    let param = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(client_id) = param("client_id") else {
        return bad_request(
            "invalid_request_error",
            "Missing required parameter: client_id.",
        );
    };
    let app = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .nylas_applications
            .iter()
            .find(|a| a.region == region && a.application_id == client_id)
            .cloned()
    };
    let Some(app) = app else {
        return bad_request(
            "invalid_request_error",
            &format!("No application with the client_id {client_id} exists in this region."),
        );
    };
    let Some(redirect_uri) = param("redirect_uri") else {
        return bad_request(
            "invalid_request_error",
            "Missing required parameter: redirect_uri.",
        );
    };
    // Exact comparison, trailing slash and port included.
    if !app.callback_uris.iter().any(|c| c.url == redirect_uri) {
        return bad_request(
            "grant.callback_uri_not_allowed",
            &format!("The redirect_uri {redirect_uri} is not allowed: add it to the callback URIs of your Nylas application."),
        );
    }
    match param("response_type").as_deref() {
        Some("code") => {}
        Some("adminconsent") => {
            return crate::nylas_v3_consent::page(&state, region, &app, &redirect_uri, &q)
        }
        _ => {
            return bad_request(
                "invalid_request_error",
                "response_type must be code or adminconsent.",
            )
        }
    }
    if param("provider").is_some_and(|p| !p.split(',').any(|p| p.trim() == "microsoft")) {
        return bad_request(
            "invalid_request_error",
            "The sandbox simulates the microsoft provider only.",
        );
    }
    let client_state = param("state");
    if client_state
        .as_ref()
        .is_some_and(|s| s.chars().count() > 256)
    {
        return bad_request(
            "invalid_request_error",
            "state may be at most 256 characters long.",
        );
    }
    let challenge = match (param("code_challenge"), param("code_challenge_method")) {
        (None, _) => None,
        (Some(c), m) => {
            let m = m.unwrap_or_else(|| "plain".into());
            if !m.eq_ignore_ascii_case("s256") && m != "plain" {
                return bad_request(
                    "invalid_request_error",
                    "code_challenge_method must be plain or S256.",
                );
            }
            Some((c, m.to_ascii_lowercase()))
        }
    };
    let Some(connector) = app.connectors.iter().find(|c| c.provider == "microsoft") else {
        // The client and its redirect URI are known good: the error goes
        // back to the application, as OAuth says.
        return back_to(
            &redirect_uri,
            client_state.as_deref(),
            &[
                ("error", "invalid_request"),
                (
                    "error_description",
                    "No connector is configured for the provider microsoft in this application.",
                ),
            ],
        );
    };
    let setting = |k: &str| {
        connector
            .settings
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let tenant = Some(setting("tenant"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "common".into());
    let scope = param("scope").unwrap_or_else(|| connector.scope.join(" "));
    let login_hint = param("login_hint");
    let id = uuid::Uuid::new_v4().simple().to_string();
    let pending = Pending {
        application_id: app.application_id.clone(),
        redirect_uri,
        state: client_state,
        challenge,
        login_hint: login_hint.clone(),
        connector_client_id: setting("client_id"),
        offline: param("access_type").as_deref() == Some("offline"),
    };
    lock(&state.hosted_auth.pending).insert(id.clone(), pending.clone());
    let Ok(mut to) = url::Url::parse(&format!(
        "{}microsoft-login/{tenant}/oauth2/v2.0/authorize",
        state.base_url
    )) else {
        return bad_request(
            "invalid_request_error",
            "The connector's tenant is not usable.",
        );
    };
    {
        let mut q = to.query_pairs_mut();
        q.append_pair("client_id", &pending.connector_client_id)
            .append_pair("redirect_uri", nylas_callback(region))
            .append_pair("response_type", "code")
            .append_pair("scope", &scope)
            .append_pair("state", &id);
        if let Some(hint) = &login_hint {
            q.append_pair("login_hint", hint);
        }
    }
    redirect(&to)
}

/// Microsoft's scope string as Nylas keeps it: short names, no OIDC.
fn granted_scopes(scope: &str, withheld: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split_whitespace() {
        let s = s.strip_prefix(GRAPH_RESOURCE).unwrap_or(s);
        let dropped = OIDC.contains(&s) || withheld.iter().any(|w| w.eq_ignore_ascii_case(s));
        if !dropped && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn callback(
    State(state): State<AppState>,
    region: NylasRegion,
    Query(q): Query<Params>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(pending) = get("state").and_then(|id| lock(&state.hosted_auth.pending).remove(id))
    else {
        return bad_request(
            "invalid_request_error",
            "This sign-in has expired or was already finished. Start it again.",
        );
    };
    let client_state = pending.state.as_deref();
    if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or("");
        return back_to(
            &pending.redirect_uri,
            client_state,
            &[("error", error), ("error_description", description)],
        );
    }
    let ms = get("code").and_then(|c| state.login.redeem_code(c).ok());
    let Some(ms) = ms.filter(|r| {
        r.client_id == pending.connector_client_id && r.redirect_uri == nylas_callback(region)
    }) else {
        return back_to(
            &pending.redirect_uri,
            client_state,
            &[
                ("error", "server_error"),
                (
                    "error_description",
                    "Couldn't exchange the OAuth code with Microsoft.",
                ),
            ],
        );
    };
    let (email, grant_id, scope) = {
        let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
        let scope = granted_scopes(&ms.scope, &scenario.sign_in.withheld_scopes);
        let email = pending.login_hint.clone().unwrap_or_else(|| {
            scenario
                .tenants
                .iter()
                .find(|t| t.id == ms.tenant_id)
                .map(|t| crate::graph::admin_of(t).user_principal_name)
                .unwrap_or_else(|| "user@example.com".into())
        });
        let Some(app) = scenario
            .nylas_applications
            .iter_mut()
            .find(|a| a.region == region && a.application_id == pending.application_id)
        else {
            return bad_request("invalid_request_error", "The application no longer exists.");
        };
        let t = now();
        let grant_id = match app
            .grants
            .iter_mut()
            .find(|g| g.email.eq_ignore_ascii_case(&email) && g.provider == "microsoft")
        {
            // Re-authenticating updates the existing grant.
            Some(g) => {
                g.scope = scope.clone();
                g.grant_status = "valid".into();
                g.updated_at = t;
                g.id.clone()
            }
            None => {
                let id = ids::guid();
                app.grants.push(Grant {
                    id: id.clone(),
                    provider: "microsoft".into(),
                    email: email.clone(),
                    scope: scope.clone(),
                    grant_status: "valid".into(),
                    created_at: t,
                    updated_at: t,
                    credential_id: None,
                });
                id
            }
        };
        (email, grant_id, scope)
    };
    let code = state.login.secret("nylas-code-");
    lock(&state.hosted_auth.codes).insert(
        code.clone(),
        IssuedCode {
            application_id: pending.application_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            challenge: pending.challenge.clone(),
            grant_id,
            email,
            scope,
            offline: pending.offline,
            used: false,
        },
    );
    back_to(&pending.redirect_uri, client_state, &[("code", &code)])
}

/// The token endpoint's OAuth-shaped error.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({
            "error": error,
            "error_description": description,
            "error_uri": "https://developer.nylas.com/docs/api/errors/",
            "error_code": status.as_u16(),
        }),
    )
}

/// The fields of a JSON or form body, as strings.
fn fields(headers: &HeaderMap, body: &[u8]) -> Option<HashMap<String, String>> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        let v: serde_json::Map<String, Value> = serde_json::from_slice(body).ok()?;
        Some(
            v.into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                .collect(),
        )
    } else {
        Some(url::form_urlencoded::parse(body).into_owned().collect())
    }
}

fn pkce_matches(challenge: &(String, String), verifier: &str) -> bool {
    let computed = if challenge.1 == "s256" {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    } else {
        verifier.to_owned()
    };
    !verifier.is_empty() && computed == challenge.0
}

async fn token(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(f) = fields(&headers, &body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body is not valid JSON.",
        );
    };
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    for required in [
        "client_id",
        "client_secret",
        "grant_type",
        "code",
        "redirect_uri",
    ] {
        if field(required).is_empty() {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Missing required parameter: {required}"),
            );
        }
    }
    if field("grant_type") != "authorization_code" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The sandbox supports grant_type authorization_code only.",
        );
    }
    let key_ok = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario.nylas_applications.iter().any(|a| {
            a.region == region
                && a.application_id == field("client_id")
                && a.api_keys.iter().any(|k| k == field("client_secret"))
        })
    };
    if !key_ok {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_access",
            "Invalid API key.",
        );
    }
    let issued = {
        let mut codes = lock(&state.hosted_auth.codes);
        match codes.get_mut(field("code")) {
            Some(c) if !c.used => {
                // Any exchange spends the code: a failed one means starting over.
                c.used = true;
                Some(c.clone())
            }
            _ => None,
        }
    };
    let invalid = |why: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let Some(issued) = issued else {
        return invalid(
            "Sorry, the code you provided is not valid. It has already been used, or has expired.",
        );
    };
    if issued.application_id != field("client_id") {
        return invalid("The code was issued to another application.");
    }
    if issued.redirect_uri != field("redirect_uri") {
        return invalid("The redirect_uri does not match the one of the authorization request.");
    }
    if let Some(challenge) = &issued.challenge {
        if !pkce_matches(challenge, field("code_verifier")) {
            return invalid(
                "The code_verifier does not match the code_challenge of the authorization request.",
            );
        }
    }
    let id_token_claims =
        json!({ "email": issued.email, "aud": issued.application_id, "iat": now() });
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let id_token = format!(
        "{}.{}.sandbox",
        b64(&json!({"alg": "none"})),
        b64(&id_token_claims)
    );
    let mut body = json!({
        "access_token": state.login.secret("nylas-at-"),
        "expires_in": 3600,
        "id_token": id_token,
        "email": issued.email,
        "scope": issued.scope.join(" "),
        "token_type": "Bearer",
        "grant_id": issued.grant_id,
        "provider": "microsoft",
    });
    if issued.offline {
        body["refresh_token"] = json!(state.login.secret("nylas-rt-"));
    }
    json_response(StatusCode::OK, body)
}

async fn get_grant(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Some(app) = authenticate(&state, region, &headers) else {
        return json_response(
            StatusCode::UNAUTHORIZED,
            nylas_v3_error(StatusCode::UNAUTHORIZED, "Unauthorized"),
        );
    };
    let Some(g) = app.grants.iter().find(|g| g.id == id) else {
        return json_response(
            StatusCode::NOT_FOUND,
            nylas_v3_error(StatusCode::NOT_FOUND, &format!("Grant {id} not found.")),
        );
    };
    json_response(
        StatusCode::OK,
        json!({ "request_id": ids::guid(), "data": crate::nylas_v3_custom::grant_view(g) }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_keep_short_names_without_oidc_or_withheld_scopes() {
        let s = "openid profile https://graph.microsoft.com/Mail.Read User.Read offline_access email Mail.Read";
        assert_eq!(
            granted_scopes(s, &[]),
            ["Mail.Read", "User.Read", "offline_access"]
        );
        assert_eq!(
            granted_scopes(s, &["mail.read".into()]),
            ["User.Read", "offline_access"]
        );
    }

    #[test]
    fn only_the_regions_nylas_callback_is_played() {
        let base = "http://127.0.0.1:9/";
        let eu =
            url::Url::parse("https://api.eu.nylas.com/v3/connect/callback?code=c&state=s").unwrap();
        assert_eq!(
            played_callback(base, &eu).unwrap().as_str(),
            "http://127.0.0.1:9/nylas-eu/v3/connect/callback?code=c&state=s"
        );
        let other =
            url::Url::parse("https://api.eu.nylas.com/v3/connect/callbackx?code=c").unwrap();
        assert!(played_callback(base, &other).is_none());
    }

    #[test]
    fn pkce_s256_and_plain() {
        // RFC 7636, appendix B.
        let c = (
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
            "s256".to_owned(),
        );
        assert!(pkce_matches(
            &c,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!pkce_matches(&c, "other"));
        assert!(pkce_matches(&("v".into(), "plain".into()), "v"));
        assert!(!pkce_matches(&("".into(), "plain".into()), ""));
    }
}
