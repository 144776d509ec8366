//! The listener, the per-request pipeline (count → fault → route → log) and
//! the handle that controls a running sandbox.
//!
//! We run our own accept loop over hyper instead of `axum::serve` because a
//! `drop_connection` fault must close the socket without writing any
//! response: hyper does exactly that when the service returns an error.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::calls::CallLog;
use crate::error::SandboxError;
use crate::faults::{replacement_status, Fault, FaultTable, MALFORMED, MALFORMED_JSON};
use crate::login_state::LoginState;
use crate::scenario::{NylasRegion, Scenario};
use crate::service::{error_response, raw_json_response, Service};
use crate::{control, graph, microsoft_login, nylas_v2_common, nylas_v3, oauth};

/// How long `shutdown` lets in-flight requests finish before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// State shared by every handler.
pub(crate) struct Shared {
    /// The simulated world. A lock because later routes change it (create a
    /// connector, register a callback URI, …).
    pub(crate) scenario: RwLock<Scenario>,
    pub(crate) faults: FaultTable,
    pub(crate) calls: CallLog,
    /// Consent pages, codes, device codes and tokens of the simulated sign-in.
    pub(crate) login: LoginState,
    /// `http://127.0.0.1:PORT/`, for documents that point back at us.
    pub(crate) base_url: String,
    /// Nylas hosted auth in progress and its codes.
    pub(crate) hosted_auth: crate::nylas_v3_auth::HostedAuth,
    /// Nylas hosted admin consent pages waiting for an answer.
    pub(crate) admin_consents: crate::nylas_v3_consent::AdminConsents,
    /// Nylas's per-application rate limit (off unless set).
    pub(crate) rate_limit: crate::rate_limit::RateLimiter,
}

pub(crate) type AppState = Arc<Shared>;

/// Start a sandbox on 127.0.0.1 (`port` `None` or `Some(0)`: a free port).
pub async fn start(
    mut scenario: Scenario,
    port: Option<u16>,
) -> Result<SandboxHandle, SandboxError> {
    scenario.validate()?;
    scenario.fill_object_ids();
    let port = port.unwrap_or(0);
    let bind_err = |source| SandboxError::Bind { port, source };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(bind_err)?;
    let addr = listener.local_addr().map_err(bind_err)?;
    let base_url = format!("http://{addr}/");
    let secret_prefix = scenario.sign_in.issued_secret_prefix.clone();
    let rate_limit = crate::rate_limit::RateLimiter::new(scenario.nylas_rate_limit.clone());
    let shared = Arc::new(Shared {
        faults: FaultTable::new(scenario.faults.clone())?,
        scenario: RwLock::new(scenario),
        calls: CallLog::new(),
        login: LoginState::with_secret_prefix(&secret_prefix),
        base_url: base_url.clone(),
        hosted_auth: Default::default(),
        admin_consents: Default::default(),
        rate_limit,
    });
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(
        listener,
        router(shared.clone()),
        shared.clone(),
        stop_rx,
    ));
    tracing::info!(%addr, "sandbox listening");
    Ok(SandboxHandle {
        addr,
        base_url,
        shared,
        stop,
        task: Some(task),
    })
}

/// A running sandbox. Dropping it stops the server (abruptly); prefer
/// [`SandboxHandle::shutdown`] to let in-flight requests finish.
pub struct SandboxHandle {
    addr: SocketAddr,
    base_url: String,
    shared: AppState,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT/` (with the trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replace every fault rule (counting for `first_n` starts again).
    pub fn set_faults(&self, faults: Vec<Fault>) -> Result<(), SandboxError> {
        self.shared.faults.replace(faults)
    }

    /// How many requests arrived for `route_key`, e.g.
    /// `"GET /nylas-us/v3/applications"` (method, space, path as received,
    /// without the query string). Counted on arrival, before any fault.
    pub fn calls(&self, route_key: &str) -> u64 {
        self.shared.calls.count(route_key)
    }

    /// Every route key seen so far, with its count.
    pub fn all_calls(&self) -> BTreeMap<String, u64> {
        self.shared.calls.snapshot()
    }

    /// Resolve once `route_key` has been received at least `n` times. Never
    /// times out by itself: wrap it in `tokio::time::timeout` in tests.
    pub async fn wait_for_calls(&self, route_key: &str, n: u64) {
        self.shared.calls.wait_for(route_key, n).await
    }

    /// Turn Nylas's per-application rate limit on (`Some`) or off;
    /// its windows and counts start again.
    pub fn set_nylas_rate_limit(
        &self,
        limit: Option<crate::NylasRateLimit>,
    ) -> Result<(), SandboxError> {
        self.shared
            .rate_limit
            .set(limit)
            .map_err(|reason| SandboxError::InvalidScenario {
                origin: "rate limit".into(),
                reason,
            })
    }

    /// What the rate limit did since it was last set.
    pub fn rate_limit_counts(&self) -> crate::RateLimitCounts {
        self.shared.rate_limit.counts()
    }

    /// A copy of the simulated world as it is now.
    pub fn scenario(&self) -> Scenario {
        self.shared
            .scenario
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stop accepting, let in-flight requests finish (a few seconds at
    /// most), then stop.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        tracing::info!(addr = %self.addr, "sandbox stopped");
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            // Aborting the loop drops its JoinSet, which aborts every
            // connection task.
            task.abort();
        }
    }
}

fn router(state: AppState) -> Router {
    Router::new()
        .nest(
            "/microsoft-login",
            microsoft_login::routes().merge(oauth::routes()),
        )
        .nest("/graph", graph::routes())
        .nest("/nylas-us", nylas_v3::routes(NylasRegion::Us))
        .nest("/nylas-eu", nylas_v3::routes(NylasRegion::Eu))
        .nest("/nylas-v2-us", nylas_v2_common::api_routes(NylasRegion::Us))
        .nest("/nylas-v2-eu", nylas_v2_common::api_routes(NylasRegion::Eu))
        .nest(
            "/nylas-beta-us",
            nylas_v2_common::beta_routes(NylasRegion::Us),
        )
        .nest(
            "/nylas-beta-eu",
            nylas_v2_common::beta_routes(NylasRegion::Eu),
        )
        .nest(&format!("/{}", crate::CONTROL_PREFIX), control::routes())
        .fallback(not_found)
        .with_state(state)
}

async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    let service = Service::of_path(path);
    let message = match service {
        Service::NylasV3 => format!(
            "Unrecognized request URL ({}). Please see https://developer.nylas.com/docs/api/ for the list of endpoints.",
            strip_prefix(path)
        ),
        _ => format!("The sandbox does not simulate {path}."),
    };
    error_response(service, StatusCode::NOT_FOUND, Some(&message))
}

/// The path as the real service would see it (without our prefix).
fn strip_prefix(path: &str) -> &str {
    let rest = path.trim_start_matches('/');
    rest.find('/').map_or("/", |i| &rest[i..])
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shared: AppState,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(
                        stream,
                        router.clone(),
                        shared.clone(),
                        stop.clone(),
                    ));
                }
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "sandbox could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        tracing::debug!("sandbox cut requests still running at shutdown");
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    shared: AppState,
    mut stop: watch::Receiver<bool>,
) {
    let service = service_fn(move |req| handle(shared.clone(), router.clone(), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "sandbox connection ended");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Returned to hyper to make it close the connection without a response.
#[derive(Debug)]
struct DroppedByFault;

impl std::fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a sandbox fault rule")
    }
}

impl std::error::Error for DroppedByFault {}

async fn handle(
    shared: AppState,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response, DroppedByFault> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let service = Service::of_path(&path);
    if service == Service::Control {
        return Ok(route(router, req).await);
    }
    shared.calls.record(&format!("{method} {path}"));
    let fault = shared.faults.take(&method, &path);
    if let Some(ms) = fault.as_ref().and_then(|f| f.latency_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if fault.as_ref().is_some_and(|f| f.drop_connection) {
        // Never log headers or bodies: they carry keys and tokens.
        tracing::info!(%method, %path, "sandbox dropped the connection (fault)");
        return Err(DroppedByFault);
    }
    let mut resp = match fault.as_ref().and_then(|f| replacement(f, service)) {
        Some(resp) => resp,
        None => match crate::rate_limit::refuse(&shared, &path, req.headers()) {
            Some(resp) => resp,
            None => route(router, req).await,
        },
    };
    if let Some(value) = fault.as_ref().and_then(|f| f.retry_after.as_deref()) {
        if let Ok(value) = HeaderValue::from_str(value) {
            resp.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    tracing::info!(
        %method,
        %path,
        status = resp.status().as_u16(),
        fault = fault.is_some(),
        "sandbox request"
    );
    Ok(resp)
}

async fn route(router: Router, req: Request<Incoming>) -> Response {
    let result: Result<Response, Infallible> = router.oneshot(req.map(Body::new)).await;
    match result {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

/// The answer a fault gives instead of the real one, if any.
fn replacement(fault: &Fault, service: Service) -> Option<Response> {
    let status = replacement_status(fault)?;
    Some(match fault.body.as_deref() {
        Some(MALFORMED) => raw_json_response(status, MALFORMED_JSON.to_owned()),
        Some(literal) => {
            let mut resp = raw_json_response(status, literal.to_owned());
            if serde_json::from_str::<serde_json::Value>(literal).is_err() {
                // Not JSON (e.g. a proxy's HTML page): say so, as a proxy would.
                let ct = if literal.trim_start().starts_with('<') {
                    "text/html; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                };
                resp.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            }
            resp
        }
        None => error_response(service, status, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_stripped_for_messages() {
        assert_eq!(strip_prefix("/nylas-us/v3/credentials"), "/v3/credentials");
        assert_eq!(strip_prefix("/nylas-us"), "/");
    }
}
