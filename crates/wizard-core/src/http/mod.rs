//! The one HTTP client every service client uses: the computer's (or a
//! manual) proxy but never for loopback, timeouts and an overall deadline,
//! retries with backoff and jitter, `Retry-After`, cancellation, a cap on
//! answer size, and errors an admin can read.
//!
//! ```no_run
//! # async fn demo(base: &url::Url) -> wizard_core::error::Result<()> {
//! use wizard_core::http::{ApiRequest, Auth, HttpClient, HttpConfig};
//! use wizard_core::remote_ops::RemoteOp;
//! let http = HttpClient::new(HttpConfig::default())?;
//! let req = ApiRequest::new(RemoteOp::NylasApplication, base, "v3/applications")?.auth(Auth::bearer("nyk_…"));
//! let cancel = tokio_util::sync::CancellationToken::new();
//! let app: serde_json::Value = http.send_json(&req, &cancel).await?;
//! # Ok(()) }
//! ```

mod errors;
mod proxy;
mod request;
mod retry;

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

pub use errors::{HttpError, ServiceError};
pub use proxy::{is_loopback, ProxySetting};
pub use request::{service, ApiRequest, ApiResponse, Auth, RequestBody};
pub use reqwest::Method;

use crate::error::Result;
use errors::Transport;

/// Told of each retry: the attempt that failed (1-based) and the wait
/// before the next one.
pub type RetryObserver = Arc<dyn Fn(u32, Duration) + Send + Sync>;

tokio::task_local! {
    static ON_RETRY: RetryObserver;
}

/// Awaited before every attempt (retries included) of the calls made
/// inside [`gate_attempts`]: a bulk run's rate limiter, so that no attempt
/// of any of its calls goes past it.
pub type AttemptGate =
    Arc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync>;

tokio::task_local! {
    static BEFORE_ATTEMPT: AttemptGate;
}

/// Run `fut` with every HTTP attempt it makes waiting for `gate` first
/// (calls in spawned tasks are not gated).
pub async fn gate_attempts<F: std::future::Future>(gate: AttemptGate, fut: F) -> F::Output {
    BEFORE_ATTEMPT.scope(gate, fut).await
}

/// Wait for the current [`AttemptGate`], if any (at once otherwise).
pub async fn pass_gate() {
    if let Ok(wait) = BEFORE_ATTEMPT.try_with(|gate| gate()) {
        wait.await;
    }
}

/// Run `fut` with `observer` told of every retry its HTTP calls make (the
/// plan engine shows "retrying" this way; calls in spawned tasks are not
/// seen).
pub async fn observe_retries<F: std::future::Future>(observer: RetryObserver, fut: F) -> F::Output {
    ON_RETRY.scope(observer, fut).await
}

/// Proxy, timeouts, deadline, retry policy and size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// How calls reach non-loopback hosts (loopback is always direct).
    pub proxy: ProxySetting,
    /// Opening the connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// One whole attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// The longest silence while waiting for the next bytes of an answer: a
    /// server that stops talking mid-answer is given up on before the whole
    /// `request_timeout` has run out.
    pub read_timeout: Duration,
    /// Retries after the first attempt (so `max_retries + 1` attempts).
    pub max_retries: u32,
    /// Wait before the first retry; doubles each time, with jitter.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` we honour; longer asks are cut to this.
    pub max_retry_after: Duration,
    /// The whole call, every attempt and every wait included: an admin
    /// clicking a button gets an answer within this, whatever the service
    /// does. A `Retry-After` that would outlast it fails at once instead.
    pub overall_deadline: Duration,
    /// The largest answer read; these services answer in kilobytes, so
    /// more is someone else answering (or a runaway stream).
    pub max_body_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            proxy: ProxySetting::System,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(20),
            max_retries: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            overall_deadline: Duration::from_secs(40),
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Cheap to clone: clones share the connection pools and the proxy setting.
#[derive(Debug, Clone)]
pub struct HttpClient {
    /// For every host but loopback, through the proxy setting; swapped as a
    /// whole by [`HttpClient::set_proxy`].
    proxied: Arc<RwLock<(ProxySetting, Arc<LazyClient>)>>,
    /// For loopback hosts, never through a proxy.
    direct: Arc<LazyClient>,
    config: HttpConfig,
}

/// A reqwest client built on its first request: building one loads the
/// computer's root certificates, which the window's start (four clients)
/// must not wait for. The settings were checked when it was made.
#[derive(Debug)]
struct LazyClient {
    config: HttpConfig,
    proxy: ProxySetting,
    client: std::sync::OnceLock<reqwest::Client>,
}

impl LazyClient {
    /// Checks that `proxy` gives a usable builder now; builds later.
    fn new(config: &HttpConfig, proxy: &ProxySetting) -> Result<Arc<Self>> {
        drop(builder(config, proxy)?);
        Ok(Arc::new(Self {
            config: config.clone(),
            proxy: proxy.clone(),
            client: std::sync::OnceLock::new(),
        }))
    }

    fn get(&self) -> std::result::Result<reqwest::Client, Transport> {
        if let Some(c) = self.client.get() {
            return Ok(c.clone());
        }
        // Checked in `new`, so a failure here is the TLS set-up itself.
        let built = builder(&self.config, &self.proxy)
            .map_err(|_| Transport::Invalid)?
            .build()
            .map_err(|e| Transport::of(&e))?;
        Ok(self.client.get_or_init(|| built).clone())
    }
}

/// Why one attempt did not produce a 2xx answer.
enum Failure {
    Status {
        status: reqwest::StatusCode,
        retry_after: Option<String>,
        body: Vec<u8>,
        /// The service's id for the request, from its headers.
        request_id: Option<String>,
    },
    Transport(Transport),
    /// The answer was longer than `max_body_bytes`.
    TooLarge {
        status: u16,
    },
}

impl HttpClient {
    /// A client for the real services, through `config.proxy` (by default
    /// the computer's settings: `HTTPS_PROXY`, `NO_PROXY`, …, else the
    /// Windows or macOS system proxy) like any other program. Loopback
    /// addresses are always reached directly.
    pub fn new(config: HttpConfig) -> Result<Self> {
        let proxy = config.proxy.checked()?;
        let proxied = LazyClient::new(&config, &proxy)?;
        Ok(Self {
            proxied: Arc::new(RwLock::new((proxy, proxied))),
            direct: LazyClient::new(&config, &ProxySetting::None)?,
            config,
        })
    }

    /// A client that never uses a proxy, whatever `config.proxy` says: for
    /// the sandbox and tests on 127.0.0.1.
    pub fn direct(config: HttpConfig) -> Result<Self> {
        Self::new(HttpConfig {
            proxy: ProxySetting::None,
            ..config
        })
    }

    /// The configuration this client was built with (its proxy as at the
    /// start; [`HttpClient::proxy`] is the current one).
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    pub fn proxy(&self) -> ProxySetting {
        read(&self.proxied).0.clone()
    }

    /// Use `setting` from the next request on, for this client and its
    /// clones. A bad manual address is refused and the old setting kept.
    pub fn set_proxy(&self, setting: ProxySetting) -> Result<()> {
        let setting = setting.checked()?;
        let client = LazyClient::new(&self.config, &setting)?;
        *self
            .proxied
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (setting, client);
        Ok(())
    }

    /// Which pool a request goes through: loopback is never proxied.
    fn client_for(&self, url: &url::Url) -> std::result::Result<reqwest::Client, Transport> {
        if is_loopback(url) {
            self.direct.get()
        } else {
            let lazy = read(&self.proxied).1.clone();
            lazy.get()
        }
    }

    /// Send `req` (retrying as the policy allows) and parse a 2xx body as `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T, HttpError> {
        self.send(req, cancel).await?.json()
    }

    /// Send `req`, retrying as the policy allows, within the overall
    /// deadline. Ok only for a 2xx answer; anything else is an
    /// [`HttpError`] with a stable code.
    pub async fn send(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<ApiResponse, HttpError> {
        let mut deadline = tokio::time::Instant::now() + self.config.overall_deadline;
        let deadline_secs = self.config.overall_deadline.as_secs().max(1);
        let mut attempts = 0;
        loop {
            attempts += 1;
            // A bulk run's rate limiter: its wait is our own queue, not the
            // service being slow, so it moves the deadline back.
            let queued = tokio::time::Instant::now();
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(errors::cancelled(&req.label, attempts)),
                _ = pass_gate() => {}
            }
            deadline += queued.elapsed();
            let outcome = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(errors::cancelled(&req.label, attempts)),
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(errors::deadline(&req.label, deadline_secs, attempts))
                }
                outcome = self.attempt(req) => outcome,
            };
            let failure = match outcome {
                Ok(resp) => {
                    tracing::debug!(endpoint = %req.label, status = resp.status, attempts, "HTTP call done");
                    return Ok(resp);
                }
                Err(failure) => failure,
            };
            let (retry, retry_after) = match &failure {
                Failure::Status {
                    status,
                    retry_after,
                    ..
                } => (
                    retry::may_retry_status(*status, req.idempotent),
                    retry_after
                        .as_deref()
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now())),
                ),
                Failure::Transport(kind) => {
                    (retry::may_retry_transport(*kind, req.idempotent), None)
                }
                // The same bytes would come back.
                Failure::TooLarge { .. } => (false, None),
            };
            if !retry || attempts > self.config.max_retries {
                return Err(self.final_error(req, failure, attempts));
            }
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let backoff = retry::backoff(&self.config, attempts - 1);
            let wait = match retry::next_wait(&self.config, retry_after, backoff, remaining) {
                retry::Next::Wait(wait) => wait,
                retry::Next::GiveUp => return Err(self.final_error(req, failure, attempts)),
                retry::Next::AskedTooLong(asked) => {
                    let Failure::Status {
                        status,
                        body,
                        request_id,
                        ..
                    } = failure
                    else {
                        unreachable!("only a status carries Retry-After")
                    };
                    return Err(errors::asked_to_wait(
                        &req.label,
                        status,
                        &body,
                        asked.as_secs().max(1),
                        attempts,
                    )
                    .with_request_id(request_id));
                }
            };
            tracing::info!(
                endpoint = %req.label,
                attempt = attempts,
                wait_ms = wait.as_millis() as u64,
                why = %describe(&failure),
                "HTTP call failed; retrying"
            );
            let _ = ON_RETRY.try_with(|tell| tell(attempts, wait));
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(errors::cancelled(&req.label, attempts)),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn attempt(&self, req: &ApiRequest) -> Result<ApiResponse, Failure> {
        let mut rb = self
            .client_for(&req.url)
            .map_err(Failure::Transport)?
            .request(req.method.clone(), req.url.clone())
            .header(ACCEPT, "application/json");
        if let Some(timeout) = req.timeout {
            rb = rb.timeout(timeout);
        }
        if let Some(auth) = &req.auth {
            rb = auth.apply(rb);
        }
        rb = match &req.body {
            Some(RequestBody::Json(v)) => rb.json(v),
            Some(RequestBody::Form(pairs)) => rb.form(pairs),
            None => rb,
        };
        let mut resp = match rb.send().await {
            Ok(resp) => resp,
            Err(e) => return Err(Failure::Transport(Transport::of(&e))),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        // Reading the body is part of the attempt: a connection dropped
        // mid-body is a transport failure like any other. It is read in
        // chunks up to the limit, so an endless answer cannot fill memory.
        let limit = self.config.max_body_bytes;
        let too_large = Failure::TooLarge {
            status: status.as_u16(),
        };
        if status.is_success() && resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large);
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > limit => {
                    if status.is_success() {
                        return Err(too_large);
                    }
                    // An error page: its start is enough to name the error.
                    body.extend_from_slice(&chunk[..limit - body.len()]);
                    break;
                }
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return Err(Failure::Transport(Transport::of(&e))),
            }
        }
        if status.is_success() {
            return Ok(ApiResponse {
                status: status.as_u16(),
                headers,
                body,
                label: req.label.clone(),
            });
        }
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Err(Failure::Status {
            status,
            retry_after,
            body,
            request_id: errors::request_id(&headers),
        })
    }

    fn final_error(&self, req: &ApiRequest, failure: Failure, attempts: u32) -> HttpError {
        match failure {
            Failure::Status {
                status,
                body,
                request_id,
                ..
            } => {
                errors::from_status(&req.label, status, &body, attempts).with_request_id(request_id)
            }
            Failure::Transport(kind) => {
                let timeout = req.timeout.unwrap_or(self.config.request_timeout);
                errors::from_transport(&req.label, kind, timeout.as_secs().max(1), attempts)
            }
            Failure::TooLarge { status } => {
                let mut e = errors::too_large(&req.label, status, self.config.max_body_bytes);
                e.attempts = attempts;
                e
            }
        }
    }
}

/// A reqwest client builder with our timeouts and `proxy` for non-loopback hosts.
fn builder(config: &HttpConfig, proxy: &ProxySetting) -> Result<reqwest::ClientBuilder> {
    let builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .read_timeout(config.read_timeout)
        .user_agent(concat!("nylas-ms-setup/", env!("CARGO_PKG_VERSION")));
    proxy::apply(proxy, builder)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // A panic while swapping the proxy leaves a whole value behind.
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Status { status, .. } => format!("HTTP {}", status.as_u16()),
        Failure::Transport(kind) => format!("{kind:?}"),
        Failure::TooLarge { .. } => "too large".into(),
    }
}
