//! Secrets entered in the window: stored at once (OS keychain, or memory
//! when the admin chose so) and never sent back. The window only ever gets
//! a hint such as `Q~x…7Fd`.

use std::sync::Arc;

use tauri::State;
use wizard_core::secrets::{
    hint, ExposeSecret, SecretName, SecretStore, SecretString, StoredSecret,
};
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;

type Result<T> = std::result::Result<T, WizardError>;

/// Keychain calls block (D-Bus, the macOS or Windows credential APIs); keep
/// them off the async runtime so the window never stalls.
async fn blocking<T: Send + 'static>(
    store: Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| WizardError::internal(format!("The keychain call did not finish: {e}.")))?
}

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
    let store = state.secret_store().await?;
    let persistent = store.is_persistent();
    let shown = hint(&value);
    blocking(store, move |s| s.set(name.as_str(), &value)).await?;
    Ok(StoredSecret {
        name,
        hint: shown,
        persistent,
    })
}

/// The stored secret's hint, or nothing when none is stored (or there is
/// nowhere to store one yet: the keychain card explains that).
#[tauri::command]
pub async fn stored_secret(
    state: State<'_, AppState>,
    name: SecretName,
) -> Result<Option<StoredSecret>> {
    let Some(value) = state.read_secret(name).await? else {
        return Ok(None);
    };
    Ok(Some(StoredSecret {
        name,
        hint: hint(&value),
        persistent: state.secret_store().await?.is_persistent(),
    }))
}

#[tauri::command]
pub async fn forget_secret(state: State<'_, AppState>, name: SecretName) -> Result<()> {
    let store = state.secret_store().await?;
    blocking(store, move |s| s.delete(name.as_str())).await
}

impl AppState {
    /// A stored secret, if there is one and the keychain answers. A keychain
    /// that doesn't answer is not an error here: the secret is optional
    /// where it is read, the keychain card already says what is wrong, and
    /// saving it again reports the problem where the admin acts.
    pub async fn read_secret(&self, name: SecretName) -> Result<Option<SecretString>> {
        let store = match self.secret_store().await {
            Ok(s) => s,
            Err(e) if e.code == ErrorCode::KeychainUnavailable => return Ok(None),
            Err(e) => return Err(e),
        };
        match blocking(store, move |s| s.get(name.as_str())).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code == ErrorCode::SecretNotFound => Ok(None),
            Err(e) if e.code == ErrorCode::KeychainUnavailable => {
                tracing::warn!(
                    "could not read {} from the keychain: {}",
                    name.as_str(),
                    e.message
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
