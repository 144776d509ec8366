//! The HTTP layer, `discover_tenant` and `get_application` against the real
//! sandbox over HTTP on 127.0.0.1.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::{Endpoints, Service};
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::get_application;
use wizard_core::regions::Region;
use wizard_core::tenant::{discover_tenant, TenantKind};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";
const US_APPS: &str = "GET /nylas-us/v3/applications";
const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

/// Small backoff so retry tests are quick; Retry-After is still honoured.
fn fast() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(10),
        max_retries: 3,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(60),
        ..HttpConfig::default()
    }
}

struct World {
    sandbox: SandboxHandle,
    endpoints: Endpoints,
    http: HttpClient,
}

async fn world_with(config: HttpConfig, faults: Vec<Fault>) -> World {
    let sandbox = start(Scenario::practice(), None).await.unwrap();
    sandbox.set_faults(faults).unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sandbox.base_url()).unwrap()).unwrap();
    World {
        sandbox,
        endpoints,
        http: HttpClient::direct(config).unwrap(),
    }
}

async fn world(faults: Vec<Fault>) -> World {
    world_with(fast(), faults).await
}

impl World {
    async fn us_app(&self) -> wizard_core::error::Result<wizard_core::nylas::NylasApplication> {
        let cancel = CancellationToken::new();
        get_application(&self.http, &self.endpoints, Region::Us, US_KEY, &cancel).await
    }
}

#[test]
fn sandbox_prefixes_agree_with_the_sandbox() {
    let ours: Vec<&str> = Service::ALL.iter().map(|s| s.sandbox_prefix()).collect();
    assert_eq!(ours, wizard_sandbox::PREFIXES);
}

#[tokio::test]
async fn get_application_happy_path_in_both_regions() {
    let w = world(vec![]).await;
    let app = w.us_app().await.unwrap();
    assert_eq!(app.application_id, "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b");
    assert_eq!(app.region, Region::Us);
    assert_eq!(app.branding_name.as_deref(), Some("Contoso Scheduler"));
    assert_eq!(app.environment.as_deref(), Some("production"));
    let urls: Vec<&str> = app.callback_uris.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://scheduler.contoso.com/oauth/nylas/callback",
            "http://localhost:3000/oauth/nylas/callback"
        ]
    );
    assert_eq!(app.callback_uris[0].platform.as_deref(), Some("web"));

    let cancel = CancellationToken::new();
    let eu = get_application(&w.http, &w.endpoints, Region::Eu, EU_KEY, &cancel)
        .await
        .unwrap();
    assert_eq!(eu.region, Region::Eu);
    assert_eq!(eu.branding_name.as_deref(), Some("Fabrikam Mail Hub"));
    assert_eq!(w.sandbox.calls(US_APPS), 1);
    assert_eq!(w.sandbox.calls("GET /nylas-eu/v3/applications"), 1);
}

#[tokio::test]
async fn wrong_region_is_unauthorized_with_a_region_hint() {
    let w = world(vec![]).await;
    let cancel = CancellationToken::new();
    let err = get_application(&w.http, &w.endpoints, Region::Eu, US_KEY, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(
        err.message.contains("Nylas (GET /v3/applications)"),
        "{}",
        err.message
    );
    let hint = err.hint.clone().unwrap();
    assert!(
        hint.contains("EU region") && hint.contains("other region"),
        "{hint}"
    );
    // A 401 is not retried, and the key never appears in what the admin sees.
    assert_eq!(w.sandbox.calls("GET /nylas-eu/v3/applications"), 1);
    let shown = serde_json::to_string(&err).unwrap();
    assert!(!shown.contains(US_KEY), "{shown}");
}

#[tokio::test]
async fn discover_tenant_happy_paths() {
    let w = world(vec![]).await;
    let cancel = CancellationToken::new();
    let t = discover_tenant(&w.http, &w.endpoints, "contoso.com", &cancel)
        .await
        .unwrap();
    assert_eq!(t.kind, TenantKind::Single);
    assert_eq!(t.tenant_id.as_deref(), Some(CONTOSO_ID));
    assert_eq!(t.region_scope.as_deref(), Some("NA"));
    assert_eq!(t.query, "contoso.com");
    assert!(
        t.token_endpoint.starts_with(&w.sandbox.base_url()),
        "{}",
        t.token_endpoint
    );

    let eu = discover_tenant(&w.http, &w.endpoints, "fabrikam.onmicrosoft.com", &cancel)
        .await
        .unwrap();
    assert_eq!(eu.region_scope.as_deref(), Some("EU"));

    let common = discover_tenant(&w.http, &w.endpoints, "common", &cancel)
        .await
        .unwrap();
    assert_eq!(common.kind, TenantKind::Common);
    assert_eq!(common.tenant_id, None);
    assert_eq!(common.region_scope, None);
}

#[tokio::test]
async fn unknown_tenant_is_not_found_naming_aadsts90002() {
    let w = world(vec![]).await;
    let cancel = CancellationToken::new();
    let err = discover_tenant(&w.http, &w.endpoints, "nowhere.example", &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("AADSTS90002"), "{}", err.message);
    assert!(err.message.contains("nowhere.example"), "{}", err.message);
    // A bad shape never reaches Microsoft.
    let err = discover_tenant(&w.http, &w.endpoints, "../graph", &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(w.sandbox.all_calls().values().sum::<u64>(), 1);
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let w = world(vec![Fault::new(US_APPS)
        .with_status(429)
        .with_retry_after("1")
        .first_n(2)])
    .await;
    let started = Instant::now();
    let app = w.us_app().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(app.branding_name.as_deref(), Some("Contoso Scheduler"));
    assert!(elapsed >= Duration::from_secs(2), "only waited {elapsed:?}");
    assert_eq!(w.sandbox.calls(US_APPS), 3);
}

#[tokio::test]
async fn endless_500_is_remote_unavailable_after_the_configured_retries() {
    let w = world(vec![Fault::new(US_APPS).with_status(500)]).await;
    let err = w.us_app().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteUnavailable);
    assert!(err.message.contains("HTTP 500"), "{}", err.message);
    assert!(err.message.contains("after 4 attempts"), "{}", err.message);
    assert_eq!(w.sandbox.calls(US_APPS), u64::from(fast().max_retries) + 1);
}

#[tokio::test]
async fn bad_gateway_and_gateway_timeout_are_retried() {
    for status in [502, 503, 504] {
        let w = world(vec![Fault::new(US_APPS).with_status(status).first_n(2)]).await;
        let app = w
            .us_app()
            .await
            .unwrap_or_else(|e| panic!("HTTP {status}: {e:?}"));
        assert_eq!(app.region, Region::Us);
        assert_eq!(w.sandbox.calls(US_APPS), 3, "HTTP {status}");
    }
}

#[tokio::test]
async fn endless_429_is_rate_limited_after_the_configured_retries() {
    let config = HttpConfig {
        max_retries: 2,
        ..fast()
    };
    let w = world_with(config, vec![Fault::new(US_APPS).with_status(429)]).await;
    let err = w.us_app().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert_eq!(w.sandbox.calls(US_APPS), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let w = world(vec![Fault::new(US_APPS).dropping_connection().first_n(1)]).await;
    let app = w.us_app().await.unwrap();
    assert_eq!(app.region, Region::Us);
    assert_eq!(w.sandbox.calls(US_APPS), 2);
}

#[tokio::test]
async fn malformed_json_is_bad_response_naming_the_endpoint() {
    let w = world(vec![Fault::new(US_APPS).malformed()]).await;
    let err = w.us_app().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::BadResponse);
    assert!(
        err.message
            .starts_with("Nylas (GET /v3/applications) answered with something we could not read"),
        "{}",
        err.message
    );
    // The same bytes would come back: not retried.
    assert_eq!(w.sandbox.calls(US_APPS), 1);
}

#[tokio::test]
async fn cancelling_during_a_slow_request_stops_promptly() {
    let w = world(vec![Fault::new(US_APPS).with_latency_ms(30_000)]).await;
    let cancel = CancellationToken::new();
    let call = tokio::spawn({
        let (http, endpoints, cancel) = (w.http.clone(), w.endpoints.clone(), cancel.clone());
        async move { get_application(&http, &endpoints, Region::Us, US_KEY, &cancel).await }
    });
    tokio::time::timeout(
        Duration::from_secs(10),
        w.sandbox.wait_for_calls(US_APPS, 1),
    )
    .await
    .expect("the sandbox never received the request");
    let started = Instant::now();
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("the call did not stop within 5 s of being cancelled")
        .unwrap();
    assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(w.sandbox.calls(US_APPS), 1, "no retry after a cancel");
}

#[tokio::test]
async fn cancelling_during_a_backoff_wait_stops_promptly() {
    // Retry-After 30 s: the client is waiting, not talking, when cancelled.
    let w = world(vec![Fault::new(US_APPS)
        .with_status(503)
        .with_retry_after("30")])
    .await;
    let cancel = CancellationToken::new();
    let call = tokio::spawn({
        let (http, endpoints, cancel) = (w.http.clone(), w.endpoints.clone(), cancel.clone());
        async move { get_application(&http, &endpoints, Region::Us, US_KEY, &cancel).await }
    });
    tokio::time::timeout(
        Duration::from_secs(10),
        w.sandbox.wait_for_calls(US_APPS, 1),
    )
    .await
    .expect("the sandbox never received the request");
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("the call did not stop within 5 s of being cancelled")
        .unwrap();
    assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
    assert_eq!(w.sandbox.calls(US_APPS), 1);
}
