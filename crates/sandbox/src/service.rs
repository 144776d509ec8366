//! Which simulated service a path belongs to, and what each service's error
//! answers look like (so injected faults and unknown routes look real).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    MicrosoftLogin,
    Graph,
    NylasV3,
    NylasV2,
    NylasBeta,
    Control,
    Unknown,
}

impl Service {
    /// From the first path segment.
    pub(crate) fn of_path(path: &str) -> Self {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "microsoft-login" => Self::MicrosoftLogin,
            "graph" => Self::Graph,
            "nylas-us" | "nylas-eu" => Self::NylasV3,
            "nylas-v2-us" | "nylas-v2-eu" => Self::NylasV2,
            "nylas-beta-us" | "nylas-beta-eu" => Self::NylasBeta,
            crate::CONTROL_PREFIX => Self::Control,
            _ => Self::Unknown,
        }
    }
}

/// A JSON answer with a status.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The error answer `service` would give with `status`. `message` replaces
/// the default wording when given.
pub(crate) fn error_response(
    service: Service,
    status: StatusCode,
    message: Option<&str>,
) -> Response {
    let message = message
        .map(str::to_owned)
        .unwrap_or_else(|| default_message(status));
    let body = match service {
        Service::MicrosoftLogin => microsoft_login_error(status, &message),
        Service::Graph => graph_error(status, &message),
        Service::NylasV3 => nylas_v3_error(status, &message),
        Service::NylasV2 | Service::NylasBeta => json!({
            "message": message,
            "type": nylas_error_type(status),
        }),
        Service::Control | Service::Unknown => json!({ "error": message }),
    };
    // The id the body quotes also goes in the header the service uses, as
    // real answers do (support asks for it).
    let id = match service {
        Service::Graph => body["error"]["innerError"]["request-id"].as_str(),
        Service::MicrosoftLogin => body["trace_id"].as_str(),
        Service::NylasV3 => body["request_id"].as_str(),
        _ => None,
    }
    .map(str::to_owned);
    let mut resp = json_response(status, body);
    let header = match service {
        Service::Graph => Some("request-id"),
        Service::MicrosoftLogin => Some("x-ms-request-id"),
        Service::NylasV3 => Some("x-request-id"),
        _ => None,
    };
    if let (Some(name), Some(value)) = (header, id.and_then(|id| HeaderValue::from_str(&id).ok())) {
        resp.headers_mut().insert(name, value);
    }
    resp
}

/// Nylas v3 REST error: `{request_id, error:{type, message}}`.
pub(crate) fn nylas_v3_error(status: StatusCode, message: &str) -> Value {
    json!({
        "request_id": ids::guid(),
        "error": { "type": nylas_error_type(status), "message": message },
    })
}

fn nylas_error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request_error",
        401 => "unauthorized",
        403 => "insufficient_scopes",
        404 => "not_found_error",
        409 => "conflict",
        423 => "resource_blocked",
        429 => "rate_limit_error",
        504 => "provider_error",
        _ if status.is_server_error() => "api_error",
        _ => "invalid_request_error",
    }
}

/// Microsoft identity platform error, with the trace lines Microsoft appends
/// to `error_description`.
pub(crate) fn microsoft_login_error_body(
    error: &str,
    code: Option<u32>,
    description: &str,
) -> Value {
    let trace_id = ids::guid();
    let correlation_id = ids::guid();
    let timestamp = ids::microsoft_timestamp();
    let prefix = code.map(|c| format!("AADSTS{c}: ")).unwrap_or_default();
    json!({
        "error": error,
        "error_description": format!(
            "{prefix}{description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
        ),
        "error_codes": code.into_iter().collect::<Vec<u32>>(),
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": code
            .map(|c| format!("https://login.microsoftonline.com/error?code={c}"))
            .unwrap_or_else(|| "https://login.microsoftonline.com/error".into()),
    })
}

fn microsoft_login_error(status: StatusCode, message: &str) -> Value {
    let error = match status.as_u16() {
        429 | 503 => "temporarily_unavailable",
        s if s >= 500 => "server_error",
        401 => "invalid_client",
        _ => "invalid_request",
    };
    microsoft_login_error_body(error, None, message)
}

fn graph_error(status: StatusCode, message: &str) -> Value {
    let code = match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "Request_ResourceNotFound",
        429 => "TooManyRequests",
        503 => "serviceNotAvailable",
        504 => "UnknownError",
        _ if status.is_server_error() => "generalException",
        _ => "BadRequest",
    };
    let request_id = ids::guid();
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": ids::rfc3339_now(),
                "request-id": request_id,
                "client-request-id": request_id,
            }
        }
    })
}

fn default_message(status: StatusCode) -> String {
    match status.as_u16() {
        429 => "Too many requests, please try again shortly.".into(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    }
}

/// A 200-or-given-status answer whose JSON is cut off mid-way.
pub(crate) fn raw_json_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_prefix() {
        assert_eq!(
            Service::of_path("/nylas-eu/v3/applications"),
            Service::NylasV3
        );
        assert_eq!(
            Service::of_path("/nylas-v2-us/connect/token"),
            Service::NylasV2
        );
        assert_eq!(
            Service::of_path("/microsoft-login/common/x"),
            Service::MicrosoftLogin
        );
        assert_eq!(Service::of_path("/_sandbox/health"), Service::Control);
        assert_eq!(Service::of_path("/"), Service::Unknown);
    }

    #[test]
    fn error_answers_carry_the_request_id_header_the_body_quotes() {
        for (service, header) in [
            (Service::Graph, "request-id"),
            (Service::MicrosoftLogin, "x-ms-request-id"),
            (Service::NylasV3, "x-request-id"),
        ] {
            let resp = error_response(service, StatusCode::SERVICE_UNAVAILABLE, None);
            let id = resp.headers()[header].to_str().unwrap();
            assert_eq!(id.len(), 36, "{service:?}: {id}");
        }
    }

    #[test]
    fn microsoft_description_carries_code_and_trace() {
        let v = microsoft_login_error_body("invalid_tenant", Some(90002), "Tenant 'x' not found.");
        let d = v["error_description"].as_str().unwrap();
        assert!(
            d.starts_with("AADSTS90002: Tenant 'x' not found.\r\nTrace ID: "),
            "{d}"
        );
        assert_eq!(v["error_codes"], json!([90002]));
    }
}
