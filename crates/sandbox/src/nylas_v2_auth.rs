//! The Teams account sign-in on the beta host (`nylas-beta-us` /
//! `nylas-beta-eu`), from seed 001 and the SDKs' mocks:
//!
//! - `POST /connect/auth` (Basic `client_id:client_secret`, checked exactly)
//!   with `{provider, redirect_uri, expires_in?, account_id, scope?, state?}`
//!   → `{"success":true,"data":{url, id, expires_at, request}}`. The
//!   provider must have an integration in the app and `redirect_uri` must be
//!   one of its `redirect_uris` exactly (400 otherwise); `account_id` must be
//!   one of the app's v2 accounts (the sandbox requires it: the Teams flow
//!   always sends one).
//! - `GET /connect/login?id=…`: the login page, played as an immediate
//!   redirect to `redirect_uri` with seed 001's parameters
//!   (`success=true&provider=microsoft&email=…&grant_id=…#`), or, for an
//!   account the scenario lists in `nylas_v2.teams_login_failures`,
//!   `success=false` with that event code (the parameter's real name is
//!   unverified: `event_code` here). A `state` sent to `/connect/auth` is
//!   echoed (also unverified).
//!
//! The login id carries the request itself (base64 of its JSON), so a
//! restarted sandbox still knows it; the grant ID is derived from the app and
//! the account, so signing an account in again gives the same grant.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::nylas_v2_common::{beta_error, check_basic};
use crate::scenario::NylasRegion;
use crate::server::AppState;
use crate::service::json_response;

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/connect/auth",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| auth(s, region, h, b)),
        )
        .route(
            "/connect/login",
            get(move |s: State<AppState>, q: Query<LoginQuery>| login(s, region, q)),
        )
}

fn prefix(region: NylasRegion) -> &'static str {
    match region {
        NylasRegion::Us => "nylas-beta-us",
        NylasRegion::Eu => "nylas-beta-eu",
    }
}

/// What a login id stands for.
#[derive(Debug, Serialize, Deserialize)]
struct LoginRequest {
    client_id: String,
    account_id: String,
    redirect_uri: String,
    state: Option<String>,
    expires_at: i64,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn auth(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let app = match check_basic(&scenario, &headers, region) {
        Ok(app) => app,
        Err(r) => return r,
    };
    let bad = |m: &str| beta_error(&scenario, StatusCode::BAD_REQUEST, m);
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return bad("The request body is not valid JSON.");
    };
    let text = |k: &str| {
        req.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let Some(provider) = text("provider") else {
        return bad("Missing required field: provider.");
    };
    let Some(redirect_uri) = text("redirect_uri") else {
        return bad("Missing required field: redirect_uri.");
    };
    let Some(integration) = app
        .integrations
        .iter()
        .find(|i| i["provider"].as_str() == Some(provider))
    else {
        return bad(&format!(
            "No {provider} integration exists for this application."
        ));
    };
    let allowed = integration["redirect_uris"]
        .as_array()
        .is_some_and(|l| l.iter().any(|u| u.as_str() == Some(redirect_uri)));
    if !allowed {
        return bad(&format!(
            "The redirect_uri {redirect_uri} is not one of the integration's redirect_uris."
        ));
    }
    let Some(account_id) = text("account_id") else {
        return bad("Missing required field: account_id.");
    };
    if !app.accounts.iter().any(|a| a.id == account_id) {
        return beta_error(
            &scenario,
            StatusCode::NOT_FOUND,
            &format!("No account with the id {account_id} exists in this application."),
        );
    }
    let expires_in = match req.get("expires_in") {
        None => 43_200,
        Some(v) => match v.as_i64() {
            Some(s) if s > 60 => s,
            _ => return bad("expires_in must be a number of seconds above 60."),
        },
    };
    if let Some(scope) = req.get("scope") {
        let list_of_text = scope
            .as_array()
            .is_some_and(|l| l.iter().all(Value::is_string));
        if !list_of_text {
            return bad("scope must be a list of strings.");
        }
    }
    let login = LoginRequest {
        client_id: app.client_id.clone(),
        account_id: account_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: text("state").map(str::to_owned),
        expires_at: now() + expires_in,
    };
    let id = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&login).unwrap_or_default());
    let url = format!("{}{}/connect/login?id={id}", state.base_url, prefix(region));
    let mut echo = req.clone();
    if let Some(o) = echo.as_object_mut() {
        o.remove("state");
    }
    json_response(
        StatusCode::OK,
        json!({
            "success": true,
            "data": {
                "url": url,
                "id": id,
                "expires_at": login.expires_at,
                "request": echo,
            }
        }),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    id: Option<String>,
}

fn page(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Nylas</title></head><body><p>{text}</p></body></html>"
    );
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// A stable grant ID for an account of an app (a GUID's shape).
fn grant_id(client_id: &str, account_id: &str) -> String {
    let h = Sha256::digest(format!("{client_id}/{account_id}").as_bytes());
    let hex: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

async fn login(
    State(state): State<AppState>,
    region: NylasRegion,
    Query(q): Query<LoginQuery>,
) -> Response {
    let Some(login) =
        q.id.and_then(|id| URL_SAFE_NO_PAD.decode(id).ok())
            .and_then(|b| serde_json::from_slice::<LoginRequest>(&b).ok())
    else {
        return page(StatusCode::BAD_REQUEST, "This login link is not valid.");
    };
    if login.expires_at < now() {
        return page(StatusCode::BAD_REQUEST, "This login link has expired.");
    }
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let account = scenario
        .nylas_v2_applications
        .iter()
        .find(|a| a.region == region && a.client_id == login.client_id)
        .and_then(|app| app.accounts.iter().find(|a| a.id == login.account_id));
    let Some(account) = account else {
        return page(StatusCode::BAD_REQUEST, "This login link is not valid.");
    };
    let Ok(mut back) = url::Url::parse(&login.redirect_uri) else {
        return page(StatusCode::BAD_REQUEST, "The redirect_uri is not a URL.");
    };
    {
        let mut qp = back.query_pairs_mut();
        match scenario
            .nylas_v2
            .teams_login_failures
            .get(&login.account_id)
        {
            Some(code) => {
                qp.append_pair("success", "false")
                    .append_pair("provider", "microsoft")
                    .append_pair("event_code", code)
                    .append_pair(
                        "message",
                        "The user did not grant the requested permissions.",
                    );
            }
            None => {
                qp.append_pair("success", "true")
                    .append_pair("provider", "microsoft")
                    .append_pair("email", &account.email_address)
                    .append_pair("grant_id", &grant_id(&login.client_id, &login.account_id));
            }
        }
        if let Some(s) = &login.state {
            qp.append_pair("state", s);
        }
    }
    // Seed 001's example ends with an empty fragment.
    back.set_fragment(Some(""));
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(back.as_str()) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_ids_are_stable_per_account_and_shaped_like_guids() {
        let a = grant_id("c", "acc1");
        assert_eq!(a, grant_id("c", "acc1"));
        assert_ne!(a, grant_id("c", "acc2"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
