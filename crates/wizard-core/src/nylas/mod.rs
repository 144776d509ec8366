//! Nylas v3 API client: one module per resource.
//!
//! Every admin call takes `Authorization: Bearer <API key>` against the
//! regional host. Nylas answers 401 both for a wrong key and for a key used
//! in the other region, so every 401 says so.

pub mod account;
pub mod admin;
pub mod applications;
pub mod callback_uris;
pub mod configure;
pub mod configured;
pub mod connector;
pub mod credentials;
pub mod ews;
pub mod grants;
pub mod hosted_auth;
pub mod test_callback;

pub use account::{check_account, NylasAccountCheck, NylasAccountRecord, RegionOffer};
pub use admin::NylasAdmin;
pub use applications::{get_application, NylasApplication, NylasCallbackUri};
pub use configure::{apply_configure, plan_configure, ConfigureInput, ConfigureSecrets};
pub use configured::NylasConfiguredRecord;

use serde::Deserialize;

use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{Auth, HttpError};
use crate::regions::Region;

/// `{request_id, data}`, the envelope of every Nylas v3 REST answer.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<T> {
    #[serde(default)]
    #[allow(dead_code)] // Kept for support requests; not shown yet.
    pub request_id: Option<String>,
    pub data: T,
}

/// Bearer auth from an API key as pasted.
pub(crate) fn api_key_auth(api_key: &str) -> Result<Auth> {
    if api_key.trim().is_empty() {
        return Err(WizardError::invalid_input("Enter the Nylas API key.")
            .with_hint("Create or copy one in the Nylas Dashboard under API Keys."));
    }
    Ok(Auth::bearer(api_key))
}

/// The error for a failed Nylas call, with the wrong-region hint on a 401.
pub(crate) fn explain(e: HttpError, region: Region) -> WizardError {
    let mut error = e.error;
    if error.code == ErrorCode::Unauthorized {
        error.hint = Some(format!(
            "The API key was tried in the Nylas {} region. Nylas answers 401 when a key belongs \
             to the other region ({}) as well as when it is wrong or revoked: check the region \
             of your Nylas application, then copy the key again from the Nylas Dashboard.",
            region.label(),
            region.other().label(),
        ));
    }
    error
}
