//! What every simulated Nylas v2 route shares: the Basic credentials of a
//! v2 application, checked exactly, and the error answers of the v2 API and
//! the beta integrations (UAS) host.
//!
//! The beta host takes `Basic base64(client_id:client_secret)`; the v2 API's
//! account management (`/a/{client_id}/…`) takes `Basic
//! base64(client_secret:)`. Nylas's own example builds the header with
//! `echo 'id:secret' | base64`, which encodes a trailing newline: that
//! header is refused here, as anything but the exact bytes is.
//!
//! This file is also the wiring point of the v2 prefixes: [`beta_routes`]
//! and [`api_routes`] merge each v2 module's routes (one `.merge` line per
//! module). `GET /connect/integrations` (the list) and `GET
//! /a/{client_id}/accounts` live here because the "Nylas v2 app" check reads
//! them.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::scenario::{NylasRegion, NylasV2Application, Scenario};
use crate::server::AppState;
use crate::service::json_response;

/// Routes under `nylas-beta-us` / `nylas-beta-eu`.
pub(crate) fn beta_routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/connect/integrations",
            get(
                move |state: State<AppState>, headers: HeaderMap, q: Query<Page>| {
                    list_integrations(state, region, headers, q)
                },
            ),
        )
        .merge(crate::nylas_v2_integrations::routes(region))
        .merge(crate::nylas_v2_auth::routes(region))
}

/// Routes under `nylas-v2-us` / `nylas-v2-eu`.
pub(crate) fn api_routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/a/{client_id}/accounts",
            get(
                move |state: State<AppState>,
                      client_id: Path<String>,
                      headers: HeaderMap,
                      q: Query<Page>| {
                    list_accounts(state, region, client_id, headers, q)
                },
            ),
        )
        .merge(crate::nylas_v2_native::routes(region))
}

/// `limit` / `offset` of a list.
#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    limit: Option<usize>,
    offset: Option<usize>,
}

impl Page {
    fn apply<T: Clone>(&self, items: &[T]) -> Vec<T> {
        items
            .iter()
            .skip(self.offset.unwrap_or(0))
            .take(self.limit.unwrap_or(100))
            .cloned()
            .collect()
    }
}

/// The beta host's error type for a status.
fn error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request_error",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found_error",
        409 => "conflict",
        429 => "rate_limit_error",
        _ if status.is_server_error() => "api_error",
        _ => "invalid_request_error",
    }
}

/// A beta (UAS) error in the scenario's shape (`nylas_v2.error_shape`).
pub(crate) fn beta_error(scenario: &Scenario, status: StatusCode, message: &str) -> Response {
    match scenario.nylas_v2.error_shape.as_str() {
        "success-false" => json_response(
            status,
            json!({
                "success": false,
                "error": { "type": error_type(status), "message": message },
            }),
        ),
        "text" => {
            let mut r = (status, message.to_owned()).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        _ => v2_error(status, message),
    }
}

/// A v2 API error: always flat, `{"message","type"}`.
pub(crate) fn v2_error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        json!({ "message": message, "type": error_type(status) }),
    )
}

/// The decoded bytes of a `Basic` header, exactly as sent.
fn basic_bytes(headers: &HeaderMap) -> Option<Vec<u8>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    STANDARD.decode(token).ok()
}

/// The v2 application whose `client_id:client_secret` is the request's
/// Basic header, exactly (no trailing newline, no spaces), in `region`;
/// otherwise the 401 the beta host answers, in the scenario's error shape.
/// `scenario` is the read guard's content (the app borrows from it).
// The error is the answer itself, returned by the handler as it is.
#[allow(clippy::result_large_err)]
pub(crate) fn check_basic<'a>(
    scenario: &'a Scenario,
    headers: &HeaderMap,
    region: NylasRegion,
) -> Result<&'a NylasV2Application, Response> {
    let sent = basic_bytes(headers);
    sent.and_then(|sent| {
        scenario.nylas_v2_applications.iter().find(|app| {
            app.region == region
                && sent == format!("{}:{}", app.client_id, app.client_secret).as_bytes()
        })
    })
    .ok_or_else(|| {
        beta_error(
            scenario,
            StatusCode::UNAUTHORIZED,
            "Invalid client credentials.",
        )
    })
}

/// The v2 application `client_id` whose secret is the request's Basic user
/// name (`base64(client_secret:)`), exactly, in `region`; otherwise the
/// v2 API's flat 401.
// The error is the answer itself, returned by the handler as it is.
#[allow(clippy::result_large_err)]
pub(crate) fn check_admin_basic<'a>(
    scenario: &'a Scenario,
    headers: &HeaderMap,
    region: NylasRegion,
    client_id: &str,
) -> Result<&'a NylasV2Application, Response> {
    let sent = basic_bytes(headers);
    sent.and_then(|sent| {
        scenario.nylas_v2_applications.iter().find(|app| {
            app.region == region
                && app.client_id == client_id
                && sent == format!("{}:", app.client_secret).as_bytes()
        })
    })
    .ok_or_else(|| v2_error(StatusCode::UNAUTHORIZED, "Unauthorized"))
}

async fn list_integrations(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> Response {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let app = match check_basic(&scenario, &headers, region) {
        Ok(app) => app,
        Err(r) => return r,
    };
    let data: Vec<Value> = page.apply(&app.integrations);
    json_response(
        StatusCode::OK,
        json!({
            "data": data,
            "limit": page.limit.unwrap_or(100),
            "offset": page.offset.unwrap_or(0),
        }),
    )
}

async fn list_accounts(
    State(state): State<AppState>,
    region: NylasRegion,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> Response {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let app = match check_admin_basic(&scenario, &headers, region, &client_id) {
        Ok(app) => app,
        Err(r) => return r,
    };
    let accounts: Vec<Value> = page
        .apply(&app.accounts)
        .into_iter()
        .map(|a| {
            json!({
                "id": a.id,
                "account_id": a.id,
                "email": a.email_address,
                "provider": a.provider,
                "billing_state": a.billing_state,
                "sync_state": "running",
                "trial": false,
                "authentication_type": "password",
            })
        })
        .collect();
    json_response(StatusCode::OK, Value::Array(accounts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    fn app() -> (String, String) {
        let s = Scenario::practice();
        let a = &s.nylas_v2_applications[0];
        (a.client_id.clone(), a.client_secret.clone())
    }

    #[test]
    fn only_the_exact_basic_header_opens_the_app() {
        let s = Scenario::practice();
        let (id, secret) = app();
        let good = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        assert_eq!(
            check_basic(&s, &headers(&good), NylasRegion::Us)
                .unwrap()
                .client_id,
            id
        );
        // echo's trailing newline, a wrong secret, the other region, Bearer.
        for (value, region) in [
            (
                format!("Basic {}", STANDARD.encode(format!("{id}:{secret}\n"))),
                NylasRegion::Us,
            ),
            (
                format!("Basic {}", STANDARD.encode(format!("{id}:wrong"))),
                NylasRegion::Us,
            ),
            (good.clone(), NylasRegion::Eu),
            (format!("Bearer {secret}"), NylasRegion::Us),
        ] {
            let r = check_basic(&s, &headers(&value), region).unwrap_err();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let admin = format!("Basic {}", STANDARD.encode(format!("{secret}:")));
        assert!(check_admin_basic(&s, &headers(&admin), NylasRegion::Us, &id).is_ok());
        assert!(check_admin_basic(&s, &headers(&admin), NylasRegion::Us, "other").is_err());
        assert!(check_admin_basic(&s, &headers(&good), NylasRegion::Us, &id).is_err());
    }

    #[test]
    fn errors_take_the_scenario_s_shape() {
        let mut s = Scenario::practice();
        let ct = |r: &Response| {
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned()
        };
        let r = beta_error(&s, StatusCode::UNAUTHORIZED, "x");
        assert!(ct(&r).starts_with("application/json"));
        s.nylas_v2.error_shape = "text".into();
        let r = beta_error(&s, StatusCode::UNAUTHORIZED, "x");
        assert!(ct(&r).starts_with("text/plain"));
    }
}
