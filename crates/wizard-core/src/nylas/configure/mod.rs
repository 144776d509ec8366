//! Path A's "Configure Nylas": the Microsoft connector, the application's
//! callback URIs and one connector credential per additional tenant, as a
//! [`Plan`] of the shared engine (`crate::plan`).
//!
//! [`plan_configure`] reads what Nylas has and returns the plan with the
//! difference for an existing connector; [`apply_configure`] applies it
//! (each step reads again, compares, then writes only what differs). The
//! client secret is never echoed by Nylas: the journal keeps a salted
//! fingerprint of the one last sent, so a second run with nothing changed
//! writes nothing.

mod input;
mod runner;
mod steps;

pub use input::{ConfigureInput, ConfigureSecrets, Purpose};

use std::path::Path;

use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

use super::admin::NylasAdmin;
use super::callback_uris::list_callback_uris;
use super::connector::{get_microsoft_connector, ConnectorSettings};
use super::credentials::{list_credentials, CredentialData};
use crate::endpoints::Endpoints;
use crate::error::{Result, WizardError};
use crate::http::HttpClient;
use crate::plan::{apply, ApplyReport, Journal, Plan, ProgressEvent};

/// The journal's name for this plan.
pub const PLAN_ID: &str = "configure-nylas";
/// The journal's name for path D's plan (the imported connector).
pub const MIGRATE_PLAN_ID: &str = "migrate-connector";
/// The connector step's key.
pub const CONNECTOR_KEY: &str = "connector:microsoft";

/// The key of the step that registers `url`.
pub fn callback_key(url: &str) -> String {
    format!("callback-uri:{url}")
}

/// The key of the step that adds `tenant`'s credential.
pub fn credential_key(tenant: &str) -> String {
    format!("credential:{tenant}")
}

/// What one configure run works with: who to call, what is wanted, the
/// secrets (only ever sent to Nylas, never shown).
struct Configure<'a> {
    nylas: NylasAdmin,
    input: &'a ConfigureInput,
    secrets: &'a ConfigureSecrets,
}

impl<'a> Configure<'a> {
    fn new(
        http: &HttpClient,
        endpoints: &Endpoints,
        input: &'a ConfigureInput,
        secrets: &'a ConfigureSecrets,
    ) -> Result<Self> {
        let nylas = NylasAdmin::new(
            http,
            endpoints,
            input.region,
            secrets.api_key.expose_secret(),
        )?;
        Ok(Self {
            nylas,
            input,
            secrets,
        })
    }

    fn connector_settings(&self) -> ConnectorSettings {
        ConnectorSettings {
            client_id: self.input.client_id.clone(),
            client_secret: self.secrets.client_secret.clone(),
            tenant: self.input.tenant.clone(),
            scope: self.input.scopes.clone(),
        }
    }

    fn credential_data(&self, tenant: &str) -> CredentialData {
        CredentialData {
            client_id: self.input.client_id.clone(),
            client_secret: self.secrets.client_secret.clone(),
            tenant: tenant.to_owned(),
        }
    }

    /// The fingerprint of what the connector is sent (never echoed back).
    fn connector_fingerprint(&self, journal: &Journal) -> String {
        journal.fingerprint(&[
            &self.input.client_id,
            self.secrets.client_secret.expose_secret(),
        ])
    }

    fn credential_fingerprint(&self, journal: &Journal, tenant: &str) -> String {
        journal.fingerprint(&[
            &self.input.client_id,
            self.secrets.client_secret.expose_secret(),
            tenant,
        ])
    }
}

/// Read what Nylas has and plan what to change. Sends nothing but reads.
pub async fn plan_configure(
    http: &HttpClient,
    endpoints: &Endpoints,
    input: &ConfigureInput,
    secrets: &ConfigureSecrets,
    journal_dir: &Path,
    cancel: &CancellationToken,
) -> Result<Plan> {
    let c = Configure::new(http, endpoints, input, secrets)?;
    let journal = Journal::load(journal_dir, input.plan_id());
    let connector = get_microsoft_connector(&c.nylas, cancel).await?;
    let callbacks = list_callback_uris(&c.nylas, cancel).await?;
    // Without a connector there are no credentials (and Nylas answers 404).
    let credentials = if connector.is_some() && !input.additional_tenants.is_empty() {
        list_credentials(&c.nylas, cancel).await?
    } else {
        Vec::new()
    };
    let mut plan = Plan {
        id: input.plan_id().into(),
        title: match input.purpose {
            Purpose::Setup => "Configure Nylas".into(),
            Purpose::Migrate => "Reconfigure the imported Microsoft connector".into(),
        },
        steps: Vec::new(),
    };
    let secret_known =
        journal.fingerprint_matches(CONNECTOR_KEY, &c.connector_fingerprint(&journal));
    plan.steps.push(steps::connector_step(
        input.purpose,
        input.region,
        connector.as_ref(),
        &c.connector_settings(),
        secret_known,
    ));
    for url in &input.callback_uris {
        let existing = callbacks.iter().find(|cb| cb.is_web_for(url));
        plan.steps.push(steps::callback_step(
            url,
            existing,
            input.callback_note(url),
        ));
    }
    for tenant in &input.additional_tenants {
        let key = credential_key(tenant);
        let existing = credentials
            .iter()
            .find(|cr| cr.name == super::credentials::credential_name(tenant));
        let known = journal.fingerprint_matches(&key, &c.credential_fingerprint(&journal, tenant));
        plan.steps.push(steps::credential_step(
            &c.credential_data(tenant),
            existing,
            known,
        ));
    }
    Ok(plan)
}

/// Apply `plan` (made by [`plan_configure`] for the same input): each step
/// reads Nylas again and writes only what differs; progress goes to
/// `progress`; the journal in `journal_dir` is saved around every step.
#[allow(clippy::too_many_arguments)] // Each is a different thing the run needs.
pub async fn apply_configure(
    http: &HttpClient,
    endpoints: &Endpoints,
    input: &ConfigureInput,
    secrets: &ConfigureSecrets,
    plan: &Plan,
    journal_dir: &Path,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ApplyReport> {
    if plan.id != input.plan_id() {
        return Err(WizardError::internal(format!(
            "A \"{}\" plan can't be applied as Nylas's configuration.",
            plan.id
        )));
    }
    let c = Configure::new(http, endpoints, input, secrets)?;
    let runner = runner::ConfigureRunner { c: &c };
    apply(plan, &runner, journal_dir, progress, cancel).await
}
