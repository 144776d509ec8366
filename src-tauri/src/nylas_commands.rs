//! The Nylas account step for the window: check an API key (typed, the
//! practice key, or the one saved before) with wizard-core's
//! `check_account`, keep it only when it works in the chosen region, and
//! answer with the application and the key's hint, never the key.
//!
//! A key that works only in the other region is not kept: the window offers
//! to switch, which is the same check asked for the other region; when that
//! works, the key is kept and the region answer changes in one step.

use serde::Serialize;
use tauri::State;
use wizard_core::answers::AnswerUpdate;
use wizard_core::nylas::{account, check_account, NylasAccountCheck};
use wizard_core::regions::Region;
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString, StoredSecret};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// What the window shows after a check.
#[derive(Debug, Clone, Serialize)]
pub struct NylasAccountView {
    pub check: NylasAccountCheck,
    /// The key was saved now (it works in the region checked).
    pub kept: bool,
    /// The key saved now, or the one saved before (a key that works only in
    /// the other region replaces nothing): its hint only.
    pub stored: Option<StoredSecret>,
    /// The progress the check was recorded in.
    pub progress: ProgressView,
}

/// Check a key the admin pasted (or, in practice mode, the practice key
/// when `api_key` is absent) in `region` (the region answer when absent).
/// Asked for a region other than the answer (the window's "Switch to EU"),
/// the answer changes to it only if the key works there.
#[tauri::command]
pub async fn check_nylas_account(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    api_key: Option<SecretString>,
    region: Option<Region>,
) -> Result<NylasAccountView> {
    let call = calls.begin("check_nylas_account");
    let region = region.unwrap_or_else(|| state.progress().answers.region());
    let key = match api_key {
        Some(k) => k,
        None => practice_key(&state, region).await?,
    };
    let remote = state.remote().await?;
    let check = check_account(
        &remote.http,
        &remote.endpoints,
        region,
        key.expose_secret(),
        call.token(),
    )
    .await?;
    if !check.works_in_chosen_region() {
        return not_kept(&state, check).await;
    }
    let clean = SecretString::from(account::clean_api_key(key.expose_secret())?);
    let stored = state.write_secret(SecretName::NylasApiKey, clean).await?;
    let progress = record(&state, &check)?;
    tracing::info!(region = region.as_str(), "Nylas API key checked and kept");
    Ok(NylasAccountView {
        check,
        kept: true,
        stored: Some(stored),
        progress,
    })
}

/// Check the key saved before, in `region` (the region answer when
/// absent; another region is the switch, as above). A saved key that no
/// Nylas region accepts any more is removed and the step is no longer done.
#[tauri::command]
pub async fn check_stored_nylas_account(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    region: Option<Region>,
) -> Result<NylasAccountView> {
    let call = calls.begin("check_stored_nylas_account");
    let region = region.unwrap_or_else(|| state.progress().answers.region());
    let key = state
        .read_secret(SecretName::NylasApiKey)
        .await?
        .ok_or_else(|| {
            WizardError::new(ErrorCode::SecretNotFound, "No Nylas API key is saved yet.")
                .with_hint("Paste your key from the Nylas Dashboard (API Keys) and check it.")
        })?;
    let remote = state.remote().await?;
    let checked = check_account(
        &remote.http,
        &remote.endpoints,
        region,
        key.expose_secret(),
        call.token(),
    )
    .await;
    let check = match checked {
        Ok(c) => c,
        Err(e) if account::key_valid_nowhere(&e) => return Err(forget(&state, e).await),
        Err(e) => return Err(e),
    };
    if !check.works_in_chosen_region() {
        return not_kept(&state, check).await;
    }
    let stored = state.stored_secret(SecretName::NylasApiKey).await?;
    let progress = record(&state, &check)?;
    Ok(NylasAccountView {
        check,
        kept: true,
        stored,
        progress,
    })
}

/// The key works only in the other region: nothing is saved or changed.
async fn not_kept(state: &AppState, check: NylasAccountCheck) -> Result<NylasAccountView> {
    Ok(NylasAccountView {
        check,
        kept: false,
        stored: state.stored_secret(SecretName::NylasApiKey).await?,
        progress: state.progress().view(),
    })
}

/// Record the application the kept key opened; a check asked for another
/// region than the answer (the switch) changes the answer too.
fn record(state: &AppState, check: &NylasAccountCheck) -> Result<ProgressView> {
    let region = check.application.region;
    state.update(|p| {
        if p.answers.region() != region {
            p.set_answer(AnswerUpdate::Region(region))?;
        }
        p.record_nylas_account(check.record());
        Ok(())
    })
}

/// The saved key opens nothing any more (deleted or expired in Nylas):
/// remove it and the record, and say so in the error.
async fn forget(state: &AppState, mut error: WizardError) -> WizardError {
    let removed = state.delete_secret(SecretName::NylasApiKey).await.is_ok()
        && state
            .update(|p| {
                p.record_nylas_account(None);
                Ok(())
            })
            .is_ok();
    if removed {
        error.message =
            "Your saved Nylas API key no longer works in either region, so it was removed."
                .to_string();
    }
    error
}

/// Practice mode's key for a region: the practice application's, from the
/// practice scenario (made up; it opens only the simulator).
async fn practice_key(state: &AppState, region: Region) -> Result<SecretString> {
    if !state.practice_info().await.enabled {
        return Err(account::clean_api_key("").unwrap_err());
    }
    let want = match region {
        Region::Us => wizard_sandbox::NylasRegion::Us,
        Region::Eu => wizard_sandbox::NylasRegion::Eu,
    };
    crate::microsoft_commands::practice_scenario()
        .nylas_applications
        .into_iter()
        .find(|a| a.region == want)
        .and_then(|a| a.api_keys.into_iter().next())
        .map(SecretString::from)
        .ok_or_else(|| {
            WizardError::internal(format!(
                "The practice world has no Nylas application in the {} region.",
                region.label()
            ))
        })
}

#[cfg(test)]
#[path = "nylas_tests.rs"]
mod tests;
