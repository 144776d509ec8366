//! The "Nylas v2 app" step for the window (paths B and C): check a client
//! ID and secret with wizard-core's `check_v2_app`, keep the secret only
//! when it works in the chosen region, and answer with what the check
//! found and the secret's hint, never the secret.
//!
//! The secret comes from the window (pasted), from the secret store (a
//! re-check), or in practice mode from the practice world. A saved secret
//! that Nylas no longer accepts anywhere is removed, with its record.

use serde::Serialize;
use tauri::State;
use wizard_core::nylas_v2::error::WRONG_CREDENTIALS;
use wizard_core::nylas_v2::{check_v2_app, NylasV2AppCheck, V2AppInput};
use wizard_core::paths::PathId;
use wizard_core::regions::Region;
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString, StoredSecret};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// What the window shows after a check.
#[derive(Debug, Clone, Serialize)]
pub struct NylasV2AppView {
    pub check: NylasV2AppCheck,
    /// The saved secret's hint (`abc…xyz`), never the secret.
    pub stored: Option<StoredSecret>,
    /// The progress the check was recorded in.
    pub progress: ProgressView,
}

/// Where the secret of a check came from.
enum Source {
    Pasted,
    Saved,
    Practice,
}

/// Check the client ID and secret for the chosen path (B or C) in the
/// region answer. `client_id` absent: the one checked before (or, in
/// practice mode, the practice app's). `client_secret` absent: the saved
/// one (or the practice app's).
#[tauri::command]
pub async fn check_nylas_v2_app(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
) -> Result<NylasV2AppView> {
    let call = calls.begin("check_nylas_v2_app");
    let progress = state.progress();
    let path = v2_path(progress.path)?;
    let region = progress.answers.region();
    let practice = practice_app(&state, region).await;
    let client_id = client_id
        .filter(|id| !id.trim().is_empty())
        .or_else(|| {
            progress
                .answers
                .nylas_v2
                .as_ref()
                .map(|r| r.client_id.clone())
        })
        .or_else(|| practice.as_ref().map(|(id, _)| id.clone()))
        .unwrap_or_default();
    let (secret, source) = match client_secret {
        Some(s) if !s.expose_secret().trim().is_empty() => (s, Source::Pasted),
        _ => match state.read_secret(SecretName::NylasV2ClientSecret).await? {
            Some(s) => (s, Source::Saved),
            None => match practice.filter(|(id, _)| *id == client_id) {
                Some((_, s)) => (s, Source::Practice),
                None => {
                    return Err(
                        WizardError::invalid_input("Paste your Nylas v2 client secret.").with_hint(
                            "In the Nylas v2 dashboard, open your application, then App Settings.",
                        ),
                    )
                }
            },
        },
    };
    let same_id = progress
        .answers
        .nylas_v2
        .as_ref()
        .is_none_or(|r| r.client_id == client_id.trim());
    let remote = state.remote().await?;
    let input = V2AppInput {
        path,
        region,
        client_id: &client_id,
        client_secret: &secret,
    };
    let check = match check_v2_app(&remote.http, &remote.endpoints, input, call.token()).await {
        Ok(c) => c,
        // Only for the ID it was saved with: a new ID typed without its
        // secret doesn't make the saved one useless.
        Err(e) if matches!(source, Source::Saved) && same_id && refused_everywhere(&e) => {
            return Err(forget(&state, e).await)
        }
        Err(e) => return Err(e),
    };
    let stored = match source {
        Source::Saved => state.stored_secret(SecretName::NylasV2ClientSecret).await?,
        Source::Pasted | Source::Practice => {
            let clean = SecretString::from(secret.expose_secret().trim().to_owned());
            Some(
                state
                    .write_secret(SecretName::NylasV2ClientSecret, clean)
                    .await?,
            )
        }
    };
    let record = check.record();
    let progress = state.update(|p| {
        p.record_nylas_v2(Some(record));
        Ok(())
    })?;
    tracing::info!(
        region = region.as_str(),
        path = path.as_str(),
        "Nylas v2 client ID and secret checked and kept"
    );
    Ok(NylasV2AppView {
        check,
        stored,
        progress,
    })
}

/// The v2 step exists on paths B and C; path E's v2 service accounts step
/// checks the existing v2 app the same way.
fn v2_path(path: Option<PathId>) -> Result<PathId> {
    match path {
        Some(p @ (PathId::Teams | PathId::V2Events | PathId::Bulk)) => Ok(p),
        _ => Err(WizardError::invalid_input(
            "The Nylas v2 app step belongs to the Teams, the v2 Graph events and the bulk paths.",
        )
        .with_hint("Choose one of those paths on the welcome screen first.")),
    }
}

/// Neither region accepts the credentials (not the network, not a region
/// mix-up): a saved secret like that is no use any more.
fn refused_everywhere(e: &WizardError) -> bool {
    e.code == ErrorCode::Unauthorized && e.message.starts_with(WRONG_CREDENTIALS)
}

/// Remove the saved secret and the record, and say so in the error.
async fn forget(state: &AppState, mut error: WizardError) -> WizardError {
    let removed = state
        .delete_secret(SecretName::NylasV2ClientSecret)
        .await
        .is_ok()
        && state
            .update(|p| {
                p.record_nylas_v2(None);
                Ok(())
            })
            .is_ok();
    if removed {
        error.message =
            "Nylas v2 no longer accepts your saved client ID and secret, so the secret was removed."
                .to_string();
    }
    error
}

/// The practice world's v2 app for a region (made up; it opens only the
/// simulator), when practice mode is on.
async fn practice_app(state: &AppState, region: Region) -> Option<(String, SecretString)> {
    if !state.practice_info().await.enabled {
        return None;
    }
    let want = match region {
        Region::Us => wizard_sandbox::NylasRegion::Us,
        Region::Eu => wizard_sandbox::NylasRegion::Eu,
    };
    crate::microsoft_commands::practice_scenario()
        .nylas_v2_applications
        .into_iter()
        .find(|a| a.region == want)
        .map(|a| (a.client_id, SecretString::from(a.client_secret)))
}

#[cfg(test)]
#[path = "nylas_v2_tests.rs"]
mod tests;
