//! How the HTTP layer maps statuses and transport failures to error codes,
//! and which requests it retries, against the sandbox on 127.0.0.1.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{ApiRequest, Auth, HttpClient, HttpConfig, HttpError};
use wizard_core::remote_ops::RemoteOp;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";

fn fast() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(10),
        max_retries: 2,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(60),
        ..HttpConfig::default()
    }
}

async fn sandbox(faults: Vec<Fault>) -> (SandboxHandle, Endpoints) {
    let sb = start(Scenario::practice(), None).await.unwrap();
    sb.set_faults(faults).unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    (sb, endpoints)
}

async fn send(http: &HttpClient, req: &ApiRequest) -> Result<serde_json::Value, HttpError> {
    http.send_json(req, &CancellationToken::new()).await
}

/// A call to `path` on the sandbox's Nylas US. The op gives the method: no
/// Nylas write exists yet, so a sign-in POST stands in for "a POST" (the op
/// only names the call; the policy under test is the method's).
fn nylas(endpoints: &Endpoints, method: &str, path: &str) -> ApiRequest {
    let op = match method {
        "GET" => RemoteOp::NylasApplication,
        "POST" => RemoteOp::MicrosoftCodeExchange,
        other => panic!("no op uses {other}"),
    };
    assert_eq!(op.method().as_str(), method);
    ApiRequest::new(op, &endpoints.nylas_us, path)
        .unwrap()
        .auth(Auth::bearer(US_KEY))
}

#[tokio::test]
async fn client_errors_map_to_codes_without_retry_and_keep_the_status() {
    let route = "GET /nylas-us/v3/things";
    for (status, code) in [
        (400, ErrorCode::Rejected),
        (401, ErrorCode::Unauthorized),
        (403, ErrorCode::Forbidden),
        (404, ErrorCode::NotFound),
        (409, ErrorCode::Rejected),
    ] {
        let (sb, endpoints) = sandbox(vec![Fault::new(route).with_status(status)]).await;
        let http = HttpClient::direct(fast()).unwrap();
        let err = send(&http, &nylas(&endpoints, "GET", "v3/things"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "HTTP {status}");
        assert_eq!(err.status, Some(status));
        assert_eq!(err.attempts, 1);
        assert_eq!(sb.calls(route), 1, "HTTP {status} must not be retried");
        assert!(
            err.error.message.starts_with("Nylas (GET /v3/things) "),
            "{}",
            err.error.message
        );
    }
}

#[tokio::test]
async fn the_services_own_error_text_reaches_the_admin() {
    let body = r#"{"request_id":"r-1","error":{"type":"invalid_request_error","message":"callback_uri not allowed for this application"}}"#;
    let (_sb, endpoints) = sandbox(vec![Fault::new("POST /nylas-us/v3/x")
        .with_status(400)
        .with_body(body)])
    .await;
    let http = HttpClient::direct(fast()).unwrap();
    let err = send(&http, &nylas(&endpoints, "POST", "v3/x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Rejected);
    assert!(
        err.error
            .message
            .contains("callback_uri not allowed for this application"),
        "{}",
        err.error.message
    );
    let service_error = err.service_error.unwrap();
    assert_eq!(service_error.kind.as_deref(), Some("invalid_request_error"));
}

#[tokio::test]
async fn post_is_retried_only_when_declared_idempotent() {
    let route = "POST /nylas-us/v3/connectors";
    let (sb, endpoints) = sandbox(vec![Fault::new(route).with_status(503)]).await;
    let http = HttpClient::direct(fast()).unwrap();
    let req = nylas(&endpoints, "POST", "v3/connectors")
        .json(serde_json::json!({"provider": "microsoft"}));
    let err = send(&http, &req).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert_eq!(sb.calls(route), 1);

    let err = send(&http, &req.clone().idempotent(true))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert_eq!(err.attempts, 3);
    assert_eq!(sb.calls(route), 1 + 3);
}

#[tokio::test]
async fn post_is_retried_after_429_because_nothing_was_done() {
    let route = "POST /nylas-us/v3/connectors";
    let (sb, endpoints) = sandbox(vec![
        Fault::new(route)
            .with_status(429)
            .with_retry_after("0")
            .first_n(1),
        Fault::new(route).with_body(r#"{"request_id":"r","data":{"provider":"microsoft"}}"#),
    ])
    .await;
    let http = HttpClient::direct(fast()).unwrap();
    let v = send(&http, &nylas(&endpoints, "POST", "v3/connectors"))
        .await
        .unwrap();
    assert_eq!(v["data"]["provider"], "microsoft");
    assert_eq!(sb.calls(route), 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let route = "GET /nylas-us/v3/applications";
    let (sb, endpoints) = sandbox(vec![Fault::new(route).with_latency_ms(10_000).first_n(1)]).await;
    let http = HttpClient::direct(HttpConfig {
        request_timeout: Duration::from_secs(1),
        ..fast()
    })
    .unwrap();
    let v = send(&http, &nylas(&endpoints, "GET", "v3/applications"))
        .await
        .unwrap();
    assert!(v["data"]["application_id"].is_string());
    assert_eq!(sb.calls(route), 2);
}

#[tokio::test]
async fn a_silent_server_hits_the_read_timeout_before_the_request_timeout() {
    let route = "GET /nylas-us/v3/applications";
    let (sb, endpoints) = sandbox(vec![Fault::new(route).with_latency_ms(10_000).first_n(1)]).await;
    let http = HttpClient::direct(HttpConfig {
        request_timeout: Duration::from_secs(30),
        read_timeout: Duration::from_millis(300),
        ..fast()
    })
    .unwrap();
    let started = std::time::Instant::now();
    let v = send(&http, &nylas(&endpoints, "GET", "v3/applications"))
        .await
        .unwrap();
    assert!(v["data"]["application_id"].is_string());
    assert_eq!(
        sb.calls(route),
        2,
        "the silent attempt was given up and retried"
    );
    // Well under the 10 s of silence, let alone the 30 s request timeout.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn endless_timeouts_are_remote_unavailable() {
    let route = "GET /nylas-us/v3/applications";
    let (sb, endpoints) = sandbox(vec![Fault::new(route).with_latency_ms(5_000)]).await;
    let http = HttpClient::direct(HttpConfig {
        max_retries: 1,
        ..fast()
    })
    .unwrap();
    let req = nylas(&endpoints, "GET", "v3/applications").timeout(Duration::from_millis(200));
    let err = send(&http, &req).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert!(
        err.error.message.contains("did not answer within"),
        "{}",
        err.error.message
    );
    assert_eq!(err.status, None);
    assert_eq!(sb.calls(route), 2);
}

#[tokio::test]
async fn a_closed_port_is_remote_unavailable_after_retries() {
    let (sb, endpoints) = sandbox(vec![]).await;
    sb.shutdown().await;
    let http = HttpClient::direct(fast()).unwrap();
    let err = send(&http, &nylas(&endpoints, "GET", "v3/applications"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert_eq!(err.attempts, 3);
    assert!(
        err.error.message.contains("could not be reached"),
        "{}",
        err.error.message
    );
}

#[tokio::test]
async fn retry_after_is_capped() {
    let route = "GET /nylas-us/v3/applications";
    let (sb, endpoints) = sandbox(vec![Fault::new(route)
        .with_status(503)
        .with_retry_after("3600")
        .first_n(1)])
    .await;
    let http = HttpClient::direct(HttpConfig {
        max_retry_after: Duration::from_millis(50),
        ..fast()
    })
    .unwrap();
    let started = std::time::Instant::now();
    send(&http, &nylas(&endpoints, "GET", "v3/applications"))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sb.calls(route), 2);
}

#[tokio::test]
async fn an_already_cancelled_token_sends_nothing() {
    let (sb, endpoints) = sandbox(vec![]).await;
    let http = HttpClient::direct(fast()).unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let req = nylas(&endpoints, "GET", "v3/applications");
    let err = http.send(&req, &cancel).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert!(sb.all_calls().is_empty());
}
