//! "Remember me on this computer": the Microsoft refresh token in the
//! secret store, only when the admin asked for it.
//!
//! Tokens otherwise live in memory for this run. With "remember me" the
//! refresh token is stored under [`SecretName::MicrosoftRefreshToken`];
//! the next run signs in silently from it ([`sign_in_remembered`]), storing
//! the new refresh token Microsoft hands back (they rotate). A token
//! Microsoft refuses (revoked, expired: `invalid_grant`) is deleted and the
//! admin is asked to sign in again. Sign out deletes it ([`forget`]).

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::signin::{refresh, SignInConfig};
use super::{Access, Tokens};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::secrets::{SecretName, SecretStore};

const NAME: SecretName = SecretName::MicrosoftRefreshToken;

/// Keep the sign-in's refresh token (when Microsoft gave one).
pub fn remember(store: &dyn SecretStore, tokens: &Tokens) -> Result<()> {
    match &tokens.refresh_token {
        Some(r) => store.set(NAME.as_str(), r),
        None => Ok(()),
    }
}

/// Forget a remembered sign-in (Sign out). Nothing stored is not an error.
pub fn forget(store: &dyn SecretStore) -> Result<()> {
    store.delete(NAME.as_str())
}

/// Whether a sign-in is remembered.
pub fn is_remembered(store: &dyn SecretStore) -> Result<bool> {
    match store.get(NAME.as_str()) {
        Ok(_) => Ok(true),
        Err(e) if e.code == ErrorCode::SecretNotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Sign in silently from the remembered refresh token: `None` when nothing
/// is remembered. Microsoft refusing the token deletes it; a network
/// problem keeps it for the next try.
pub async fn sign_in_remembered(
    http: &HttpClient,
    config: &SignInConfig,
    access: Access,
    store: &dyn SecretStore,
    cancel: &CancellationToken,
) -> Result<Option<Tokens>> {
    let stored = match store.get(NAME.as_str()) {
        Ok(s) => s,
        Err(e) if e.code == ErrorCode::SecretNotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let seed = Tokens {
        // Only the refresh token counts for `refresh`.
        access_token: SecretString::from(String::new()),
        refresh_token: Some(stored),
        access,
        scopes: Vec::new(),
        tenant: config.tenant.clone(),
    };
    match refresh(http, config, &seed, cancel).await {
        Ok(fresh) => {
            remember(store, &fresh)?;
            Ok(Some(fresh))
        }
        // Microsoft answered and said no: the token is revoked or expired.
        Err(e) if e.code == ErrorCode::Rejected => {
            forget(store)?;
            tracing::info!("remembered Microsoft sign-in refused; forgotten");
            Err(WizardError::new(
                ErrorCode::Unauthorized,
                "Microsoft no longer accepts the sign-in this computer remembered (it was revoked or has expired), so the wizard forgot it.",
            )
            .with_hint("Sign in to Microsoft again."))
        }
        Err(e) => Err(e),
    }
}
