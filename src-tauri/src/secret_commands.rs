//! Secrets entered in the window: stored at once (OS keychain, or memory
//! when the admin chose so) and never sent back. The window only ever gets
//! a hint such as `Q~x…7Fd`. The commands are thin: where secrets go and how
//! they are read is [`AppState`]'s.

use tauri::State;
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString, StoredSecret};
use wizard_core::WizardError;

use crate::app_state::AppState;

type Result<T> = std::result::Result<T, WizardError>;

#[tauri::command]
pub async fn save_secret(
    state: State<'_, AppState>,
    name: SecretName,
    value: String,
) -> Result<StoredSecret> {
    let value = SecretString::from(value.trim().to_owned());
    if value.expose_secret().is_empty() {
        return Err(WizardError::invalid_input("Paste the secret's Value first.")
            .with_hint("In the Azure portal it is under Certificates & secrets → Client secrets, in the Value column."));
    }
    state.write_secret(name, value).await
}

/// The stored secret's hint, or nothing when none is stored (or there is
/// nowhere to store one yet: the keychain card explains that).
#[tauri::command]
pub async fn stored_secret(
    state: State<'_, AppState>,
    name: SecretName,
) -> Result<Option<StoredSecret>> {
    state.stored_secret(name).await
}

#[tauri::command]
pub async fn forget_secret(state: State<'_, AppState>, name: SecretName) -> Result<()> {
    state.delete_secret(name).await
}
