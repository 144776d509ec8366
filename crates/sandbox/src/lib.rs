//! `wizard-sandbox`: a local simulator of Microsoft login, Microsoft Graph and
//! the Nylas v3 API (US and EU), for tests and practice mode.
//!
//! It answers on one port of 127.0.0.1, each service under its own path
//! prefix ([`PREFIXES`]), Nylas v2 and the v2 beta (Teams) host included
//! (`nylas_v2_*` modules).
//! Answers come from a [`Scenario`] (a JSON file or the built-in
//! [`Scenario::practice`]). Per-route [`Fault`]s add latency, error statuses,
//! `Retry-After`, malformed bodies or dropped connections.
//!
//! It is written from the public API contracts, never from the wizard's own
//! client types, so a misunderstanding in the client is not mirrored here.
//!
//! Control routes live under `/_sandbox/` (outside every service's namespace):
//! `GET /_sandbox/health`, `GET /_sandbox/calls`, `GET|PUT /_sandbox/faults`,
//! `GET|PUT /_sandbox/rate-limit`, `GET /_sandbox/nylas` (see `control.rs`).
//! They are neither counted nor subject to faults, so a test can always
//! reset the faults.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wizard_sandbox::SandboxError> {
//! use wizard_sandbox::{start, Fault, Scenario};
//! let sandbox = start(Scenario::practice(), None).await?;
//! sandbox.set_faults(vec![Fault::new("GET /nylas-us/v3/applications").with_status(503).first_n(1)])?;
//! println!("{}", sandbox.base_url()); // http://127.0.0.1:PORT/
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod admin_consent;
mod calls;
mod control;
mod error;
mod faults;
mod graph;
mod graph_create;
mod ids;
mod login_state;
mod microsoft_login;
mod nylas_v2_auth;
mod nylas_v2_common;
mod nylas_v2_integrations;
mod nylas_v2_native;
mod nylas_v3;
mod nylas_v3_admin;
mod nylas_v3_auth;
mod nylas_v3_consent;
mod nylas_v3_creds;
mod nylas_v3_custom;
mod nylas_v3_ews;
mod nylas_v3_redirects;
mod oauth;
mod rate_limit;
mod scenario;
mod server;
mod service;

pub use error::SandboxError;
pub use faults::Fault;
pub use rate_limit::{NylasRateLimit, RateLimitCounts};
pub use scenario::{
    Admin, Branding, CallbackUri, NylasApplication, NylasRegion, NylasV2Application,
    NylasV2Behaviour, Scenario, SignIn, Tenant, V2Account, BULK_BENCH_SCENARIO_JSON,
    LIVE_APPS_SCENARIO_JSON, PRACTICE_SCENARIO_JSON,
};
pub use server::{start, SandboxHandle};

/// Path prefix of each simulated service, in the order of the wizard's
/// `Endpoints` fields: Microsoft login, Microsoft Graph, Nylas v3 US / EU,
/// Nylas v2 US / EU, Nylas v2 beta US / EU.
pub const PREFIXES: [&str; 8] = [
    "microsoft-login",
    "graph",
    "nylas-us",
    "nylas-eu",
    "nylas-v2-us",
    "nylas-v2-eu",
    "nylas-beta-us",
    "nylas-beta-eu",
];

/// Prefix of the sandbox's own control routes.
pub const CONTROL_PREFIX: &str = "_sandbox";
