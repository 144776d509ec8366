//! The sandbox's own routes, under `/_sandbox/` (outside every simulated
//! service's namespace). They are not counted and not subject to faults.
//!
//! - `GET /_sandbox/health` → `{"status":"ok"}`
//! - `GET /_sandbox/calls` → `{"GET /nylas-us/v3/applications": 3, …}`
//! - `GET /_sandbox/faults` → the rules in force
//! - `PUT /_sandbox/faults` with a JSON array of rules → replaces them all
//!   (counting starts again); 400 `{"error": …}` if one is not valid.
//! - `GET /_sandbox/device-codes` → `[{"user_code", "status", "polls", "scope"}]`
//! - `POST /_sandbox/device-codes/{user_code}/{approve|decline|expire}` →
//!   decides a pending device code as the person signing in would (404 if
//!   there is no such pending code).
//! - `GET /_sandbox/rate-limit` → `{"config": {requests_per_second,
//!   extra_429_percent, retry_after_seconds} | null, "counts": {requests,
//!   passed, limited, extra_429}}`
//! - `PUT /_sandbox/rate-limit` with the config object (fields optional) or
//!   `null` (off) → sets it, counts start again; 400 `{"error"}` if invalid.
//! - `GET /_sandbox/nylas` → per Nylas v3 application: its credentials
//!   (`id, name, credential_type, tenant, consented`) and grants (`id, email,
//!   credential_id, grant_status, created_at, updated_at`), no secrets; for
//!   tests that count what a run created.
//! - `POST /_sandbox/nylas/credentials/{id}/consent` → the tenant's admin
//!   consents without the page (404 for no such adminconsent credential).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::faults::Fault;
use crate::login_state::DeviceStatus;
use crate::rate_limit::NylasRateLimit;
use crate::server::AppState;
use crate::service::json_response;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/calls", get(calls))
        .route("/faults", get(list_faults).put(put_faults))
        .route("/device-codes", get(device_codes))
        .route(
            "/device-codes/{user_code}/{action}",
            post(decide_device_code),
        )
        .route("/rate-limit", get(rate_limit).put(put_rate_limit))
        .route("/nylas", get(nylas_state))
        .route("/nylas/credentials/{id}/consent", post(consent))
}

async fn rate_limit(State(state): State<AppState>) -> Response {
    json_response(
        StatusCode::OK,
        json!({ "config": state.rate_limit.config(), "counts": state.rate_limit.counts() }),
    )
}

async fn put_rate_limit(
    State(state): State<AppState>,
    body: Result<Json<Option<NylasRateLimit>>, JsonRejection>,
) -> Response {
    let config = match body {
        Ok(Json(c)) => c,
        Err(e) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({ "error": format!("expected a rate limit object or null: {}", e.body_text()) }),
            )
        }
    };
    match state.rate_limit.set(config) {
        Ok(()) => rate_limit(State(state)).await,
        Err(e) => json_response(StatusCode::BAD_REQUEST, json!({ "error": e })),
    }
}

async fn nylas_state(State(state): State<AppState>) -> Response {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let apps: Vec<_> = scenario
        .nylas_applications
        .iter()
        .map(|a| {
            let credentials: Vec<_> = a
                .credentials
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id, "name": c.name, "credential_type": c.credential_type,
                        "tenant": c.credential_data.get("tenant"),
                        "consented": c.consented_at.is_some(),
                    })
                })
                .collect();
            let grants: Vec<_> = a
                .grants
                .iter()
                .map(|g| {
                    json!({
                        "id": g.id, "email": g.email, "credential_id": g.credential_id,
                        "grant_status": g.grant_status,
                        "created_at": g.created_at, "updated_at": g.updated_at,
                    })
                })
                .collect();
            json!({
                "application_id": a.application_id, "region": a.region,
                "credentials": credentials, "grants": grants,
            })
        })
        .collect();
    json_response(StatusCode::OK, json!(apps))
}

async fn consent(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if crate::nylas_v3_consent::consent_directly(&state, &id) {
        json_response(StatusCode::OK, json!({ "id": id, "consented": true }))
    } else {
        json_response(
            StatusCode::NOT_FOUND,
            json!({ "error": format!("no adminconsent credential {id}") }),
        )
    }
}

async fn device_codes(State(state): State<AppState>) -> Response {
    let list: Vec<_> = state
        .login
        .devices()
        .into_iter()
        .map(|(user_code, status, polls, scope)| {
            json!({ "user_code": user_code, "status": status, "polls": polls, "scope": scope })
        })
        .collect();
    json_response(StatusCode::OK, json!(list))
}

async fn decide_device_code(
    State(state): State<AppState>,
    Path((user_code, action)): Path<(String, String)>,
) -> Response {
    let status = match action.as_str() {
        "approve" => DeviceStatus::Approved,
        "decline" => DeviceStatus::Declined,
        "expire" => DeviceStatus::Expired,
        _ => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({ "error": "the action is approve, decline or expire" }),
            )
        }
    };
    if state.login.decide_device(&user_code, status) {
        json_response(
            StatusCode::OK,
            json!({ "user_code": user_code, "status": status }),
        )
    } else {
        json_response(
            StatusCode::NOT_FOUND,
            json!({ "error": format!("no pending device code {user_code}") }),
        )
    }
}

async fn health() -> Response {
    json_response(StatusCode::OK, json!({ "status": "ok" }))
}

async fn calls(State(state): State<AppState>) -> Response {
    json_response(StatusCode::OK, json!(state.calls.snapshot()))
}

async fn list_faults(State(state): State<AppState>) -> Response {
    json_response(StatusCode::OK, json!(state.faults.list()))
}

async fn put_faults(
    State(state): State<AppState>,
    body: Result<Json<Vec<Fault>>, JsonRejection>,
) -> Response {
    let faults = match body {
        Ok(Json(faults)) => faults,
        Err(e) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({ "error": format!("expected a JSON array of fault rules: {}", e.body_text()) }),
            )
        }
    };
    match state.faults.replace(faults) {
        Ok(()) => json_response(StatusCode::OK, json!(state.faults.list())),
        Err(e) => json_response(StatusCode::BAD_REQUEST, json!({ "error": e.to_string() })),
    }
}
