//! What a `bulk` command needs to talk to Nylas: the regional base (or
//! `--nylas-base`), the HTTP client, the API key, a runtime, and Ctrl-C as
//! cancellation.

use std::path::PathBuf;

use tokio_util::sync::CancellationToken;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::{get_application, NylasAdmin, NylasApplication};
use wizard_core::regions::Region;
use wizard_core::secrets::SecretName;
use wizard_core::WizardError;

use super::{NylasArgs, Stop};
use crate::connector_cmd::{default_journal_dir, secret};

/// What a command needs to talk to Nylas.
pub(super) struct Session {
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) http: HttpClient,
    pub(super) endpoints: Endpoints,
    pub(super) region: Region,
    pub(super) api_key: secrecy::SecretString,
    pub(super) cancel: CancellationToken,
}

impl Session {
    pub(super) fn new(args: &NylasArgs) -> Result<Self, Stop> {
        let mut endpoints = Endpoints::from_env().map_err(Stop::Input)?;
        if let Some(u) = &args.nylas_base {
            let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
            if !(u.scheme() == "https" || (u.scheme() == "http" && loopback)) {
                return Err(Stop::Input(WizardError::invalid_input(format!(
                    "--nylas-base {u} must use https (http only for this computer)."
                ))));
            }
            let mut u = u.clone();
            if !u.path().ends_with('/') {
                let p = format!("{}/", u.path());
                u.set_path(&p);
            }
            match args.region {
                Region::Us => endpoints.nylas_us = u,
                Region::Eu => endpoints.nylas_eu = u,
            }
        }
        // A proxy can't reach this machine's loopback (the sandbox).
        let base = endpoints.nylas(args.region);
        let http = if matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
            HttpClient::direct(HttpConfig::default())
        } else {
            HttpClient::new(HttpConfig::default())
        }
        .map_err(Stop::Input)?;
        let api_key = secret("NYLAS_API_KEY", SecretName::NylasApiKey, "Nylas API key")
            .map_err(Stop::Input)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Stop::Remote(WizardError::internal(format!("No async runtime: {e}."))))?;
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        Ok(Self {
            runtime,
            http,
            endpoints,
            region: args.region,
            api_key,
            cancel,
        })
    }

    pub(super) fn admin(&self) -> Result<NylasAdmin, Stop> {
        use secrecy::ExposeSecret;
        NylasAdmin::new(
            &self.http,
            &self.endpoints,
            self.region,
            self.api_key.expose_secret(),
        )
        .map_err(Stop::Input)
    }

    /// The application the key opens (its ID names the default journal and
    /// goes into consent links).
    pub(super) fn application(&self) -> Result<NylasApplication, Stop> {
        use secrecy::ExposeSecret;
        self.runtime
            .block_on(get_application(
                &self.http,
                &self.endpoints,
                self.region,
                self.api_key.expose_secret(),
                &self.cancel,
            ))
            .map_err(Stop::Remote)
    }

    pub(super) fn journal(&self, given: &Option<PathBuf>, kind: &str) -> Result<PathBuf, Stop> {
        if let Some(p) = given {
            return Ok(p.clone());
        }
        let app = self.application()?;
        Ok(default_journal_dir().join(format!("bulk-{kind}-{}.jsonl", app.application_id)))
    }
}
