//! The IPC commands: thin adapters that parse input, call wizard-core, and
//! return its result. Every error crosses as `{code, message, hint?}`.

use tauri::State;
use wizard_core::answers::AnswerUpdate;
use wizard_core::paths::{all_paths, PathId, PathInfo};
use wizard_core::portal::{Blade, DocTopic, PortalPage};
use wizard_core::session::Session;
use wizard_core::state::{ProgressView, StepStatus};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::external;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// Called when the window (re)starts: whatever the previous page started
/// remotely is stopped, since nothing is left to show its answer.
#[tauri::command]
pub async fn get_session(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
) -> Result<Session> {
    calls.cancel_all();
    state.restore_practice().await?;
    Ok(state.session().await)
}

#[tauri::command]
pub fn list_paths() -> Vec<PathInfo> {
    all_paths()
}

#[tauri::command]
pub fn choose_path(state: State<'_, AppState>, path: Option<PathId>) -> Result<ProgressView> {
    state.update(|p| {
        p.choose_path(path);
        Ok(())
    })
}

#[tauri::command]
pub fn go_to_step(state: State<'_, AppState>, step: String) -> Result<ProgressView> {
    state.update(|p| p.go_to_step(&step))
}

/// Change one answer; Rust validates it and answers with the new progress.
#[tauri::command]
pub fn set_answer(state: State<'_, AppState>, update: AnswerUpdate) -> Result<ProgressView> {
    state.update(|p| p.set_answer(update))
}

/// A step reports how it stands (e.g. the audit found problems → needs
/// attention); only steps of the chosen path are accepted.
#[tauri::command]
pub fn set_step_status(
    state: State<'_, AppState>,
    step: String,
    status: StepStatus,
) -> Result<ProgressView> {
    state.update(|p| p.set_step_status_checked(&step, status))
}

#[tauri::command]
pub async fn set_practice_mode(state: State<'_, AppState>, enabled: bool) -> Result<Session> {
    state.set_practice(enabled).await?;
    Ok(state.session().await)
}

#[tauri::command]
pub async fn use_session_only_secrets(state: State<'_, AppState>) -> Result<Session> {
    state.use_session_only_secrets();
    Ok(state.session().await)
}

/// Start over (the window asked the admin to confirm first): every secret
/// this wizard stored is deleted, then the list of changes made, then the
/// saved answers and statuses; the
/// welcome screen follows.
#[tauri::command]
pub async fn start_over(state: State<'_, AppState>) -> Result<Session> {
    for name in wizard_core::secrets::SecretName::ALL {
        match state.delete_secret(*name).await {
            Ok(()) => {}
            Err(e) if e.code == wizard_core::ErrorCode::SecretNotFound => {}
            Err(e) => return Err(e),
        }
    }
    state.clear_changes()?;
    // The Teams accounts table (emails, grant IDs) goes with the answers.
    wizard_core::nylas_v2::teams_auth::journal::TeamsJournal::forget(&state.data_dir())?;
    state.update(|p| {
        p.start_over();
        Ok(())
    })?;
    Ok(state.session().await)
}

/// Ask the keychain again, e.g. after the admin unlocked it.
#[tauri::command]
pub async fn recheck_keychain(state: State<'_, AppState>) -> Result<Session> {
    state.recheck_keychain().await;
    Ok(state.session().await)
}

#[tauri::command]
pub async fn dismiss_notice(state: State<'_, AppState>) -> Result<Session> {
    state.dismiss_notice();
    Ok(state.session().await)
}

/// Links open by intent: the window names the page, Rust builds the link
/// (see `external`). There is no command that opens a URL the window gives.
#[tauri::command]
pub fn open_portal(blade: Blade, app_id: Option<String>) -> Result<()> {
    let page = PortalPage {
        blade,
        app_id: app_id.map(|id| id.trim().to_ascii_lowercase()),
    };
    open_in_browser(external::portal(&page)?)
}

#[tauri::command]
pub fn open_consent(tenant: Option<String>, client_id: String) -> Result<()> {
    open_in_browser(external::consent(tenant.as_deref(), client_id.trim())?)
}

#[tauri::command]
pub fn open_docs(topic: DocTopic) -> Result<()> {
    open_in_browser(external::docs(topic)?)
}

fn open_in_browser(url: url::Url) -> Result<()> {
    // Tests check what would open without starting a browser.
    #[cfg(test)]
    {
        crate::tests::opened(url.as_str());
        Ok(())
    }
    #[cfg(not(test))]
    open::that_detached(url.as_str()).map_err(|e| {
        WizardError::internal(format!("Your web browser could not be opened: {e}."))
            .with_hint(format!("Copy the link and open it yourself: {url}"))
    })
}
