//! The HTTP client's overall deadline, cancellation, and the failures it
//! names for what they are without retrying them (redirect loops,
//! unreadable and oversized answers), against the sandbox's fault injection
//! and small in-test servers on 127.0.0.1.
//!
//! Time: the waits here are real but short (the deadline is shrunk to a
//! second or two). tokio's paused clock cannot be used: while a request
//! waits on a socket the runtime counts as idle and the paused clock jumps
//! to the next timer, firing the very timeouts under test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{ApiRequest, Auth, HttpClient, HttpConfig, HttpError};
use wizard_core::remote_ops::RemoteOp;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const US_APPS: &str = "GET /nylas-us/v3/applications";

fn config() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        max_retries: 10,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..HttpConfig::default()
    }
}

async fn sandbox(faults: Vec<Fault>) -> (SandboxHandle, ApiRequest) {
    let sb = start(Scenario::practice(), None).await.unwrap();
    sb.set_faults(faults).unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    let req = ApiRequest::new(
        RemoteOp::NylasApplication,
        &endpoints.nylas_us,
        "v3/applications",
    )
    .unwrap()
    .auth(Auth::bearer(US_KEY));
    (sb, req)
}

async fn send(http: &HttpClient, req: &ApiRequest) -> Result<serde_json::Value, HttpError> {
    http.send_json(req, &CancellationToken::new()).await
}

#[tokio::test]
async fn the_default_deadline_is_about_forty_seconds() {
    let c = HttpConfig::default();
    assert_eq!(c.overall_deadline, Duration::from_secs(40));
    assert_eq!(c.max_body_bytes, 4 * 1024 * 1024);
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_fails_at_once_saying_how_long() {
    let (sb, req) = sandbox(vec![Fault::new(US_APPS)
        .with_status(503)
        .with_retry_after("120")])
    .await;
    // The default deadline (40 s): a 2-minute wait cannot fit.
    let http = HttpClient::direct(config()).unwrap();
    let started = Instant::now();
    let err = send(&http, &req).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert_eq!(err.status, Some(503));
    assert_eq!(
        err.error.message,
        "Nylas (GET /v3/applications) asked us to wait 2 minutes before trying again \
         (HTTP 503), longer than the wizard waits for one check."
    );
    assert_eq!(
        err.error.hint.as_deref(),
        Some("Wait 2 minutes, then try again.")
    );
    assert_eq!(sb.calls(US_APPS), 1);
}

#[tokio::test]
async fn repeated_503_with_retry_after_stops_within_the_deadline() {
    let (sb, req) = sandbox(vec![Fault::new(US_APPS)
        .with_status(503)
        .with_retry_after("1")])
    .await;
    let http = HttpClient::direct(HttpConfig {
        overall_deadline: Duration::from_millis(1500),
        ..config()
    })
    .unwrap();
    let started = Instant::now();
    let err = send(&http, &req).await.unwrap_err();
    let took = started.elapsed();
    // One wait of 1 s fits in 1.5 s; a second would not, so the call ends
    // after the second answer, without waiting again, however many retries
    // the policy would allow. (A second wait would make it 2 s or more; the
    // bound leaves room for a loaded machine's slow local answers.)
    assert_eq!(sb.calls(US_APPS), 2);
    assert_eq!(err.attempts, 2);
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert!(
        err.error
            .message
            .contains("asked us to wait 1 second before trying again"),
        "{}",
        err.error.message
    );
}

#[tokio::test]
async fn a_service_that_never_answers_is_cut_off_at_the_deadline() {
    let (sb, req) = sandbox(vec![Fault::new(US_APPS).with_latency_ms(60_000)]).await;
    let http = HttpClient::direct(HttpConfig {
        overall_deadline: Duration::from_millis(300),
        ..config()
    })
    .unwrap();
    let started = Instant::now();
    let err = send(&http, &req).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.code(), ErrorCode::RemoteUnavailable);
    assert_eq!(
        err.error.message,
        "Nylas (GET /v3/applications) did not finish within 1 second, so we stopped waiting."
    );
    assert_eq!(sb.calls(US_APPS), 1);
}

/// A server whose `/hang` tells the test it has the request, then never
/// answers; `/loop` redirects to itself; `/latin1` is not UTF-8; `/big` is
/// larger than the test's limit. Counts every request.
async fn server() -> (String, Arc<AtomicUsize>, tokio::sync::mpsc::Receiver<()>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let (arrived, arrivals) = tokio::sync::mpsc::channel(8);
    let count = hits.clone();
    let app = Router::new()
        .route(
            "/hang",
            get(move || {
                let arrived = arrived.clone();
                async move {
                    arrived.send(()).await.unwrap();
                    std::future::pending::<()>().await;
                }
            }),
        )
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/latin1",
            get(|| async {
                // `{"name":"Müller"}` in Latin-1: the ü is not UTF-8.
                let body = b"{\"name\":\"M\xfcller\"}".to_vec();
                ([("content-type", "application/json")], body).into_response()
            }),
        )
        .route("/big", get(|| async { vec![b' '; 100 * 1024] }))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                count.fetch_add(1, Ordering::SeqCst);
                next.run(req)
            },
        ));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits, arrivals)
}

fn get_req(base: &str, path: &str) -> ApiRequest {
    ApiRequest::new(RemoteOp::NylasApplication, &Url::parse(base).unwrap(), path).unwrap()
}

#[tokio::test]
async fn cancelling_mid_request_returns_cancelled_at_once() {
    let (base, hits, mut arrivals) = server().await;
    let http = HttpClient::direct(config()).unwrap();
    let cancel = CancellationToken::new();
    let call = {
        let (http, cancel) = (http.clone(), cancel.clone());
        tokio::spawn(async move { http.send(&get_req(&base, "hang"), &cancel).await })
    };
    // The service has the request and is sitting on it.
    arrivals.recv().await.unwrap();
    let started = Instant::now();
    cancel.cancel();
    let err = tokio::time::timeout(Duration::from_secs(2), call)
        .await
        .expect("cancel ends the call at once")
        .unwrap()
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(err.attempts, 1);
    assert_eq!(
        err.error.message,
        "The call to Nylas (GET /hang) was cancelled."
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_redirect_loop_is_named_and_not_retried() {
    let (base, hits, _) = server().await;
    let http = HttpClient::direct(config()).unwrap();
    let err = send(&http, &get_req(&base, "loop")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RedirectLoop);
    assert_eq!(err.attempts, 1);
    assert!(
        err.error.message.contains("too many redirects"),
        "{}",
        err.error.message
    );
    // The first request and reqwest's 10 redirects: one attempt, no retry.
    assert_eq!(hits.load(Ordering::SeqCst), 11);
}

#[tokio::test]
async fn text_that_is_not_utf8_is_a_bad_response_and_not_retried() {
    let (base, hits, _) = server().await;
    let http = HttpClient::direct(config()).unwrap();
    let err = send(&http, &get_req(&base, "latin1")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadResponse);
    assert_eq!(
        err.error.message,
        "Nylas (GET /latin1) answered with something we could not read: it is not readable \
         text (not UTF-8)."
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn malformed_json_from_the_sandbox_is_a_bad_response_and_not_retried() {
    let (sb, req) = sandbox(vec![Fault::new(US_APPS).malformed()]).await;
    let http = HttpClient::direct(config()).unwrap();
    let err = send(&http, &req).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadResponse);
    assert!(
        err.error.message.contains("it is not complete JSON"),
        "{}",
        err.error.message
    );
    assert_eq!(sb.calls(US_APPS), 1);
}

fn small_limit() -> HttpConfig {
    HttpConfig {
        max_body_bytes: 64 * 1024,
        ..config()
    }
}

#[tokio::test]
async fn an_answer_over_the_limit_is_refused_and_not_retried() {
    let (base, hits, _) = server().await;
    let http = HttpClient::direct(small_limit()).unwrap();
    let err = send(&http, &get_req(&base, "big")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResponseTooLarge);
    assert_eq!(err.status, Some(200));
    assert_eq!(
        err.error.message,
        "Nylas (GET /big) sent a much larger answer than expected (over 1 MB), so we stopped \
         reading it."
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// A service that streams an endless chunked answer (no Content-Length):
/// the client must stop at its limit, not read until memory runs out.
#[tokio::test]
async fn an_endless_answer_is_cut_off_at_the_limit() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        loop {
            let (mut conn, _) = listener.accept().await.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = conn.read(&mut head).await;
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await;
                let chunk = format!("{:x}\r\n{}\r\n", 8192, "[".repeat(8192));
                // Until the client hangs up.
                while conn.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    let http = HttpClient::direct(small_limit()).unwrap();
    let err = send(&http, &get_req(&base, "stream")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResponseTooLarge);
    assert_eq!(served.load(Ordering::SeqCst), 1);
}
