//! IPC commands for "what Microsoft needs": scope plans, redirect URIs, the
//! manifest audit and diagnose. wizard-core calls; nothing remote.

use wizard_core::audit::PastedSecret;
use wizard_core::diagnose::Diagnosis;
use wizard_core::manifest::parse_manifest;
use wizard_core::paths::PathId;
use wizard_core::redirect_uris::{CallbackValidation, RedirectUriSet};
use wizard_core::regions::Region;
use wizard_core::scopes::{FeatureChoices, ScopePlan};
use wizard_core::secrets::{ExposeSecret, SecretName};
use wizard_core::state::{AuditOutcome, Progress};
use wizard_core::WizardError;

type Result<T> = std::result::Result<T, WizardError>;

/// The features and presets the chosen path offers (v2: calendars only).
#[tauri::command]
pub fn feature_choices(path: PathId) -> FeatureChoices {
    wizard_core::answers::choices_for(path)
}

/// The least-privilege Graph scopes for the chosen path's saved features.
#[tauri::command]
pub fn plan_scopes(state: tauri::State<'_, crate::AppState>) -> Result<ScopePlan> {
    let progress = state.progress();
    progress.answers.scope_plan(chosen_path(&progress)?)
}

#[tauri::command]
pub fn redirect_uris(path: PathId, region: Region) -> RedirectUriSet {
    wizard_core::redirect_uris::redirect_uris(path.into(), region)
}

#[tauri::command]
pub fn validate_callback(uri: String) -> CallbackValidation {
    wizard_core::redirect_uris::validate_callback_uri(&uri)
}

/// Audit a manifest for the chosen path against the saved answers. The
/// stored Azure client secret (if any) is compared with the manifest's
/// secrets here in Rust: its value never crosses to the window.
#[tauri::command]
pub async fn audit_manifest(
    state: tauri::State<'_, crate::AppState>,
    manifest: String,
) -> Result<AuditOutcome> {
    let progress = state.progress();
    let path = chosen_path(&progress)?;
    // Refuse early (before parsing) when the answers can't make a request.
    progress.answers.audit_request(path)?;
    // The parser refuses text over wizard_core::manifest::MAX_MANIFEST_BYTES.
    let app = parse_manifest(&manifest)?;
    let secret = state
        .read_secret(SecretName::AzureClientSecret)
        .await?
        .map(|v| PastedSecret::new(v.expose_secret()));
    let report = progress.answers.audit(path, &app, secret)?;
    let progress = state.update(|p| {
        p.record_check(&report);
        Ok(())
    })?;
    Ok(AuditOutcome { report, progress })
}

fn chosen_path(p: &Progress) -> Result<PathId> {
    p.path
        .ok_or_else(|| WizardError::invalid_input("Choose a path on the welcome screen first."))
}

#[tauri::command]
pub fn diagnose(text: String) -> Vec<Diagnosis> {
    wizard_core::diagnose::diagnose(&text)
}
