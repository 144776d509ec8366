//! The one HTTP client every service client uses: timeouts, retries with
//! backoff and jitter, `Retry-After`, cancellation, and errors an admin can
//! read.
//!
//! ```no_run
//! # async fn demo(base: &url::Url) -> wizard_core::error::Result<()> {
//! use wizard_core::http::{service, ApiRequest, Auth, HttpClient, HttpConfig};
//! let http = HttpClient::new(HttpConfig::default())?;
//! let req = ApiRequest::get(service::NYLAS, base, "v3/applications")?.auth(Auth::bearer("nyk_…"));
//! let cancel = tokio_util::sync::CancellationToken::new();
//! let app: serde_json::Value = http.send_json(&req, &cancel).await?;
//! # Ok(()) }
//! ```

mod errors;
mod request;
mod retry;

use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

pub use errors::{HttpError, ServiceError};
pub use request::{service, ApiRequest, ApiResponse, Auth, RequestBody};
pub use reqwest::Method;

use crate::error::{Result, WizardError};
use errors::Transport;

/// Timeouts and retry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
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
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(20),
            max_retries: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: HttpConfig,
}

/// Why one attempt did not produce a 2xx answer.
enum Failure {
    Status {
        status: reqwest::StatusCode,
        retry_after: Option<String>,
        body: Vec<u8>,
    },
    Transport(Transport),
}

impl HttpClient {
    /// A client for the real services: it goes through the system's proxy
    /// settings (`HTTPS_PROXY`, `NO_PROXY`, …) like any other program.
    pub fn new(config: HttpConfig) -> Result<Self> {
        Self::build(config, reqwest::Client::builder())
    }

    /// A client that never uses a proxy, for the sandbox on 127.0.0.1: a
    /// company proxy cannot reach this machine's loopback address.
    pub fn direct(config: HttpConfig) -> Result<Self> {
        Self::build(config, reqwest::Client::builder().no_proxy())
    }

    fn build(config: HttpConfig, builder: reqwest::ClientBuilder) -> Result<Self> {
        let client = builder
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("nylas-ms-setup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                WizardError::internal(format!("The HTTP client could not be set up: {e}."))
            })?;
        Ok(Self { client, config })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Send `req` (retrying as the policy allows) and parse a 2xx body as `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T, HttpError> {
        self.send(req, cancel).await?.json()
    }

    /// Send `req`, retrying as the policy allows. Ok only for a 2xx answer;
    /// anything else is an [`HttpError`] with a stable code.
    pub async fn send(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<ApiResponse, HttpError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let outcome = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(errors::cancelled(&req.label, attempts)),
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
                    retry_after.as_deref().and_then(|v| {
                        retry::parse_retry_after(v, SystemTime::now(), self.config.max_retry_after)
                    }),
                ),
                Failure::Transport(kind) => {
                    (retry::may_retry_transport(*kind, req.idempotent), None)
                }
            };
            if !retry || attempts > self.config.max_retries {
                return Err(self.final_error(req, failure, attempts));
            }
            // The service's own wait wins over our schedule.
            let wait = retry_after.unwrap_or_else(|| retry::backoff(&self.config, attempts - 1));
            tracing::info!(
                endpoint = %req.label,
                attempt = attempts,
                wait_ms = wait.as_millis() as u64,
                why = %describe(&failure),
                "HTTP call failed; retrying"
            );
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(errors::cancelled(&req.label, attempts)),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn attempt(&self, req: &ApiRequest) -> Result<ApiResponse, Failure> {
        let mut rb = self
            .client
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
        let resp = match rb.send().await {
            Ok(resp) => resp,
            Err(e) => return Err(Failure::Transport(Transport::of(&e))),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        // Reading the body is part of the attempt: a connection dropped
        // mid-body is a transport failure like any other.
        let body = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return Err(Failure::Transport(Transport::of(&e))),
        };
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
        })
    }

    fn final_error(&self, req: &ApiRequest, failure: Failure, attempts: u32) -> HttpError {
        match failure {
            Failure::Status { status, body, .. } => {
                errors::from_status(&req.label, status, &body, attempts)
            }
            Failure::Transport(kind) => {
                let timeout = req.timeout.unwrap_or(self.config.request_timeout);
                errors::from_transport(&req.label, kind, timeout.as_secs().max(1), attempts)
            }
        }
    }
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Status { status, .. } => format!("HTTP {}", status.as_u16()),
        Failure::Transport(kind) => format!("{kind:?}"),
    }
}
