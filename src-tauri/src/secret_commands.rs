//! Secrets entered in the window: stored at once (OS keychain, or memory
//! when the admin chose so) and never sent back. The window only ever gets
//! a hint such as `Q~x…7Fd`. The commands are thin: where secrets go and how
//! they are read is [`AppState`]'s.

use tauri::State;
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString, StoredSecret};
use wizard_core::WizardError;

use crate::app_state::AppState;

type Result<T> = std::result::Result<T, WizardError>;

/// Only secrets the admin types are the window's business; the remembered
/// Microsoft sign-in is Rust's alone (not even its hint goes to the window).
fn typed_by_the_admin(name: SecretName) -> Result<SecretName> {
    match name {
        // The key's hint and "Use a different key" go through here; storing
        // one is `check_nylas_account`'s alone (only a key that works is kept).
        SecretName::AzureClientSecret
        | SecretName::NylasApiKey
        | SecretName::NylasV2ClientSecret => Ok(name),
        SecretName::MicrosoftRefreshToken => Err(WizardError::invalid_input(
            "The window can't read or change the remembered Microsoft sign-in.",
        )
        .with_hint("Sign out of Microsoft to forget it.")),
    }
}

/// `value` is deserialised straight into a [`SecretString`], which zeroes
/// its memory when dropped, and stays one down to the store.
#[tauri::command]
pub async fn save_secret(
    state: State<'_, AppState>,
    name: SecretName,
    value: SecretString,
) -> Result<StoredSecret> {
    let name = typed_by_the_admin(name)?;
    if name == SecretName::NylasApiKey {
        return Err(WizardError::invalid_input(
            "The Nylas API key is saved when it is checked, not before.",
        )
        .with_hint("Paste it on the Nylas account step and choose Check the key."));
    }
    if name == SecretName::NylasV2ClientSecret {
        return Err(WizardError::invalid_input(
            "The Nylas v2 client secret is saved when it is checked, not before.",
        )
        .with_hint("Paste it on the Nylas v2 app step and choose Check."));
    }
    let value = trimmed(value);
    if value.expose_secret().is_empty() {
        return Err(WizardError::invalid_input("Paste the secret's Value first.")
            .with_hint("In the Azure portal it is under Certificates & secrets → Client secrets, in the Value column."));
    }
    state.write_secret(name, value).await
}

/// Pasted values often carry a space or line break; the copy without them
/// is a `SecretString` too (the original is zeroed when dropped here).
fn trimmed(value: SecretString) -> SecretString {
    let raw = value.expose_secret();
    if raw.trim().len() == raw.len() {
        value
    } else {
        SecretString::from(raw.trim())
    }
}

/// The stored secret's hint, or nothing when none is stored (or there is
/// nowhere to store one yet: the keychain card explains that).
#[tauri::command]
pub async fn stored_secret(
    state: State<'_, AppState>,
    name: SecretName,
) -> Result<Option<StoredSecret>> {
    state.stored_secret(typed_by_the_admin(name)?).await
}

#[tauri::command]
pub async fn forget_secret(state: State<'_, AppState>, name: SecretName) -> Result<()> {
    state.delete_secret(typed_by_the_admin(name)?).await?;
    if name == SecretName::NylasApiKey {
        // Without its key the Nylas account step is no longer done.
        state.update(|p| {
            p.record_nylas_account(None);
            Ok(())
        })?;
    }
    if name == SecretName::NylasV2ClientSecret {
        // Likewise the Nylas v2 app step without its secret.
        state.update(|p| {
            p.record_nylas_v2(None);
            Ok(())
        })?;
    }
    Ok(())
}
