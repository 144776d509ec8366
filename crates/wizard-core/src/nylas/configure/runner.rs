//! Applying one configure step: read Nylas again, compare, write only what
//! differs. Safe after a crash at any point: nothing is created without a
//! read first, and a create that Nylas refuses because it exists (409 or
//! 400, both plausible) is read again and patched instead.

use crate::error::Result;
use crate::http::HttpError;
use crate::nylas::callback_uris::{add_callback_uri, list_callback_uris};
use crate::nylas::connector::{
    create_microsoft_connector, get_microsoft_connector, update_microsoft_connector,
};
use crate::nylas::credentials::{
    create_credential, credential_name, list_credentials, update_credential, Credential,
};
use crate::plan::{unknown_step, PlanStep, StepContext, StepDone, StepOutcome, StepRunner};

use super::steps::connector_changes;
use super::{Configure, CONNECTOR_KEY};

pub(super) struct ConfigureRunner<'a, 'b> {
    pub(super) c: &'a Configure<'b>,
}

/// A refused create that may mean "it exists already".
fn maybe_exists(e: &HttpError) -> bool {
    matches!(e.status, Some(400 | 409))
}

impl StepRunner for ConfigureRunner<'_, '_> {
    async fn run(&self, step: &PlanStep, cx: StepContext<'_>) -> Result<StepDone> {
        let input = self.c.input;
        if step.key == CONNECTOR_KEY {
            return self.connector(cx).await;
        }
        if let Some(url) = step.key.strip_prefix("callback-uri:") {
            if input.callback_uris.iter().any(|u| u == url) {
                return self.callback(url, cx).await;
            }
        }
        if let Some(tenant) = step.key.strip_prefix("credential:") {
            if input.additional_tenants.iter().any(|t| t == tenant) {
                return self.credential(tenant, cx).await;
            }
        }
        Err(unknown_step(&step.key))
    }
}

impl ConfigureRunner<'_, '_> {
    async fn connector(&self, cx: StepContext<'_>) -> Result<StepDone> {
        let nylas = &self.c.nylas;
        let settings = self.c.connector_settings();
        let fp = self.c.connector_fingerprint(cx.journal);
        let known = cx.journal.fingerprint_matches(CONNECTOR_KEY, &fp);
        let current = match get_microsoft_connector(nylas, cx.cancel).await? {
            Some(current) => current,
            None => match create_microsoft_connector(nylas, &settings, cx.cancel).await {
                Ok(_) => return Ok(StepDone::new(StepOutcome::Created).with_fingerprint(fp)),
                Err(e) if maybe_exists(&e) => {
                    // Made meanwhile (another run, the Dashboard): update it.
                    match get_microsoft_connector(nylas, cx.cancel).await? {
                        Some(current) => current,
                        None => return Err(nylas.explain(e, "the new connector")),
                    }
                }
                Err(e) => return Err(nylas.explain(e, "the new connector")),
            },
        };
        if connector_changes(&current, &settings, known).is_empty() {
            return Ok(StepDone::new(StepOutcome::AlreadyDone).with_fingerprint(fp));
        }
        update_microsoft_connector(nylas, &settings, cx.cancel).await?;
        Ok(StepDone::new(StepOutcome::Updated).with_fingerprint(fp))
    }

    async fn callback(&self, url: &str, cx: StepContext<'_>) -> Result<StepDone> {
        let nylas = &self.c.nylas;
        let find = |list: Vec<crate::nylas::callback_uris::CallbackUri>| {
            list.into_iter()
                .find(|c| c.is_web_for(url))
                .map(|c| c.id.into_iter().collect::<Vec<_>>())
        };
        if let Some(ids) = find(list_callback_uris(nylas, cx.cancel).await?) {
            return Ok(StepDone::new(StepOutcome::AlreadyDone).with_ids(ids));
        }
        match add_callback_uri(nylas, url, cx.cancel).await {
            Ok(c) => Ok(StepDone::new(StepOutcome::Created).with_ids(c.id.into_iter().collect())),
            Err(e) if maybe_exists(&e) => match find(list_callback_uris(nylas, cx.cancel).await?) {
                Some(ids) => Ok(StepDone::new(StepOutcome::AlreadyDone).with_ids(ids)),
                None => Err(nylas.explain(e, "the callback URI")),
            },
            Err(e) => Err(nylas.explain(e, "the callback URI")),
        }
    }

    async fn credential(&self, tenant: &str, cx: StepContext<'_>) -> Result<StepDone> {
        let nylas = &self.c.nylas;
        let data = self.c.credential_data(tenant);
        let fp = self.c.credential_fingerprint(cx.journal, tenant);
        let key = super::credential_key(tenant);
        let name = credential_name(tenant);
        let find = |list: Vec<Credential>| list.into_iter().find(|c| c.name == name);
        let existing = match find(list_credentials(nylas, cx.cancel).await?) {
            Some(c) => c,
            None => match create_credential(nylas, &data, cx.cancel).await {
                Ok(c) => {
                    return Ok(StepDone::new(StepOutcome::Created)
                        .with_ids(vec![c.id])
                        .with_fingerprint(fp))
                }
                Err(e) if maybe_exists(&e) => {
                    match find(list_credentials(nylas, cx.cancel).await?) {
                        Some(c) => c,
                        None => return Err(nylas.explain(e, "the tenant's credential")),
                    }
                }
                Err(e) => return Err(nylas.explain(e, "the tenant's credential")),
            },
        };
        if cx.journal.fingerprint_matches(&key, &fp) {
            return Ok(StepDone::new(StepOutcome::AlreadyDone)
                .with_ids(vec![existing.id])
                .with_fingerprint(fp));
        }
        update_credential(nylas, &existing.id, &data, cx.cancel).await?;
        Ok(StepDone::new(StepOutcome::Updated)
            .with_ids(vec![existing.id])
            .with_fingerprint(fp))
    }
}
