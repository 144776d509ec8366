//! The one error type of the wizard.
//!
//! Every failure carries a stable [`ErrorCode`] (a public interface: the UI and
//! scripts branch on it), a plain-language `message` an admin can read, and an
//! optional `hint` saying what to do next. The same shape crosses the IPC
//! boundary as `{code, message, hint?}`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes. Never rename a variant: the UI and scripts match on
/// the snake_case string.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input from the admin (or a config file) is not valid.
    InvalidInput,
    /// The operating system's keychain cannot be reached.
    KeychainUnavailable,
    /// The operating system's keychain didn't answer in time.
    KeychainTimeout,
    /// No secret is stored under that name.
    SecretNotFound,
    /// A remote service could not be reached or kept failing.
    RemoteUnavailable,
    /// The remote service kept asking us to slow down.
    RateLimited,
    /// The remote service answered with something we could not understand.
    BadResponse,
    /// The remote service rejected our credentials (HTTP 401).
    Unauthorized,
    /// The remote service says we may not do this (HTTP 403).
    Forbidden,
    /// The remote resource does not exist (HTTP 404).
    NotFound,
    /// The remote service rejected the request (other HTTP 4xx).
    Rejected,
    /// The call was cancelled by the admin.
    Cancelled,
    /// The remote service kept redirecting (a loop, or too many hops).
    RedirectLoop,
    /// The remote service's answer was larger than the wizard reads.
    ResponseTooLarge,
    /// The saved progress file could not be read; it was backed up.
    StateCorrupt,
    /// The saved progress was written by a newer version of the wizard.
    StateNewerVersion,
    /// Saved progress from an older version was brought up to date, but
    /// some answers could not be kept.
    StateMigrated,
    /// The saved progress file could not be read and could not be moved
    /// aside either; it is kept as it is and nothing is saved over it.
    StateBackupFailed,
    /// Reading or writing a local file failed.
    Io,
    /// A file that was supposed to be an app manifest is not one.
    ManifestInvalid,
    /// A bug: something that should never happen.
    Internal,
}

impl ErrorCode {
    /// The stable string form, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An error an admin can read. `message` is one plain sentence; `hint` is the
/// next action. Neither may ever contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct WizardError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hint: Option<String>,
    /// The remote service's id for the failed request (its `request-id`,
    /// `client-request-id` or `x-request-id` header), for support. Never a
    /// secret: services send it so it can be quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub request_id: Option<String>,
}

impl WizardError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
            request_id: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    pub fn io(what: &str, err: &std::io::Error) -> Self {
        Self::new(ErrorCode::Io, format!("Could not {what}: {err}."))
    }
}

pub type Result<T, E = WizardError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_hint() {
        let e = WizardError::new(ErrorCode::KeychainUnavailable, "No keychain.")
            .with_hint("Keep secrets for this run only.");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "keychain_unavailable");
        assert_eq!(v["message"], "No keychain.");
        assert_eq!(v["hint"], "Keep secrets for this run only.");
        let plain = serde_json::to_value(WizardError::internal("x")).unwrap();
        assert!(plain.get("hint").is_none());
        assert!(plain.get("request_id").is_none());
        let with_id = WizardError::internal("x").with_request_id("a1b2");
        assert_eq!(
            serde_json::to_value(&with_id).unwrap()["request_id"],
            "a1b2"
        );
    }

    #[test]
    fn as_str_matches_serde() {
        crate::names::assert_matches_serde::<ErrorCode>();
        assert_eq!(ErrorCode::StateNewerVersion.as_str(), "state_newer_version");
        assert_eq!(ErrorCode::Io.to_string(), "io");
    }
}
