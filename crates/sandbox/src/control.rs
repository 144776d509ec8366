//! The sandbox's own routes, under `/_sandbox/` (outside every simulated
//! service's namespace). They are not counted and not subject to faults.
//!
//! - `GET /_sandbox/health` → `{"status":"ok"}`
//! - `GET /_sandbox/calls` → `{"GET /nylas-us/v3/applications": 3, …}`
//! - `GET /_sandbox/faults` → the rules in force
//! - `PUT /_sandbox/faults` with a JSON array of rules → replaces them all
//!   (counting starts again); 400 `{"error": …}` if one is not valid.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::faults::Fault;
use crate::server::AppState;
use crate::service::json_response;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/calls", get(calls))
        .route("/faults", get(list_faults).put(put_faults))
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
