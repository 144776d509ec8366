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

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::faults::Fault;
use crate::login_state::DeviceStatus;
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
