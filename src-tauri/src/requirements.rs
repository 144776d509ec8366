//! IPC commands for "what Microsoft needs": scope plans, redirect URIs, the
//! manifest audit and diagnose. wizard-core calls; nothing remote.

use wizard_core::audit::{run_audit, AuditReport, AuditRequest, PastedSecret};
use wizard_core::diagnose::Diagnosis;
use wizard_core::endpoints::Region;
use wizard_core::manifest::parse_manifest;
use wizard_core::paths::PathId;
use wizard_core::regions::{CallbackValidation, RedirectUriSet};
use wizard_core::scopes::{choices, Feature, FeatureChoices, Preset, ScopePlan};
use wizard_core::secrets::{ExposeSecret, SecretName};
use wizard_core::WizardError;

type Result<T> = std::result::Result<T, WizardError>;

/// A downloaded manifest is a few kilobytes; anything far larger is not one
/// and should not be parsed on the UI's behalf.
const MAX_MANIFEST_BYTES: usize = 2 * 1024 * 1024;

#[tauri::command]
pub fn feature_choices() -> FeatureChoices {
    choices()
}

#[tauri::command]
pub fn plan_scopes(
    path: PathId,
    preset: Option<Preset>,
    features: Vec<Feature>,
) -> Result<ScopePlan> {
    wizard_core::scopes::plan(path.into(), preset, &features)
}

#[tauri::command]
pub fn redirect_uris(path: PathId, region: Region) -> RedirectUriSet {
    wizard_core::regions::redirect_uris(path.into(), region)
}

#[tauri::command]
pub fn validate_callback(uri: String) -> CallbackValidation {
    wizard_core::regions::validate_callback_uri(&uri)
}

/// The stored Azure client secret (if any) is compared with the manifest's
/// secrets here in Rust: its value never crosses to the window.
#[tauri::command]
pub async fn audit_manifest(
    state: tauri::State<'_, crate::AppState>,
    manifest: String,
    mut request: AuditRequest,
) -> Result<AuditReport> {
    if manifest.len() > MAX_MANIFEST_BYTES {
        return Err(WizardError::new(
            wizard_core::ErrorCode::ManifestInvalid,
            "This file is far too large to be an app manifest.",
        )
        .with_hint("In the Azure portal open your app → Manifest → Download, and use that file."));
    }
    let app = parse_manifest(&manifest)?;
    request.pasted_secret = state
        .read_secret(SecretName::AzureClientSecret)
        .await?
        .map(|v| PastedSecret::new(v.expose_secret()));
    run_audit(&app, &request)
}

#[tauri::command]
pub fn diagnose(text: String) -> Vec<Diagnosis> {
    wizard_core::diagnose::diagnose(&text)
}
