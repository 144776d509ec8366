//! Where secrets live: the OS keychain, or memory for this run only.
//!
//! Secrets never go to files, logs or the web view. Callers hold them as
//! [`SecretString`] (zeroed on drop, redacted `Debug`) and show only a
//! [`hint`]. Today the window stores one: the Azure app's client secret
//! ([`SecretName`] lists what may be stored).
//!
//! A keychain call may hang (a locked keyring waiting for a password prompt
//! nobody sees, a stuck D-Bus service), so every call to the OS keychain
//! runs on its own thread and gives up after [`KEYCHAIN_TIMEOUT`] with
//! `keychain_timeout`.

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

pub use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, WizardError};

/// How long a keychain call may take before we give up on it.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The keychain service name every entry is stored under.
pub const KEYCHAIN_SERVICE: &str = "com.nylas.ms-setup-wizard";

/// A place to keep secrets. Names are short ASCII identifiers such as
/// `azure_client_secret` or `nylas_api_key:us`.
pub trait SecretStore: Send + Sync {
    fn set(&self, name: &str, value: &SecretString) -> Result<()>;
    fn get(&self, name: &str) -> Result<SecretString>;
    /// Deleting a secret that is not there is not an error.
    fn delete(&self, name: &str) -> Result<()>;
    /// True when secrets survive a restart (the OS keychain).
    fn is_persistent(&self) -> bool;
}

/// The secrets the window may hand to Rust, by name. Only these can be
/// stored from the UI; each maps to one keychain entry.
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
pub enum SecretName {
    /// The Value of the Azure app's client secret (Certificates & secrets).
    AzureClientSecret,
    /// The admin's Microsoft refresh token, kept only when they ticked
    /// "Remember me on this computer" (signs in silently next time).
    MicrosoftRefreshToken,
    /// The Nylas v3 API key of the admin's application (Nylas account step).
    NylasApiKey,
    /// The client secret of the admin's Nylas v2 application (paths B and C:
    /// the Basic auth of the beta integrations, and `/connect/token`).
    NylasV2ClientSecret,
}

impl SecretName {
    /// Every secret the wizard may store ("Start over" forgets them all).
    pub const ALL: &'static [SecretName] = <Self as strum::VariantArray>::VARIANTS;

    /// The entry's name in the store (its serde name).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// All the window ever learns about a stored secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoredSecret {
    pub name: SecretName,
    /// `abc…xyz` (or `•••` for short values): enough to recognise it.
    pub hint: String,
    /// In the OS keychain (true) or in memory for this run only (false).
    pub persistent: bool,
}

/// What the UI shows about where secrets go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeychainStatus {
    /// The OS keychain answered.
    pub available: bool,
    /// Secrets are kept in memory for this run only (by the admin's choice).
    pub session_only: bool,
    /// Why the keychain is not available, in plain words.
    pub problem: Option<WizardError>,
}

/// A secret's hint for display: `abc…xyz` for long values, `•••` otherwise,
/// so the admin can recognise which secret is stored without seeing it.
pub fn hint(value: &SecretString) -> String {
    let chars: Vec<char> = value.expose_secret().chars().collect();
    if chars.len() >= 12 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 3..].iter().collect();
        format!("{head}…{tail}")
    } else {
        "•••".to_string()
    }
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'));
    if ok {
        Ok(())
    } else {
        Err(WizardError::invalid_input(format!(
            "\"{name}\" is not a valid secret name."
        )))
    }
}

/// Secrets in memory, gone when the wizard closes.
#[derive(Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, SecretString>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretString>> {
        // A panic while holding the lock cannot leave the map half-written
        // (every operation is a single insert/remove), so poisoning is harmless.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemorySecretStore {
    fn set(&self, name: &str, value: &SecretString) -> Result<()> {
        check_name(name)?;
        self.lock().insert(name.to_string(), value.clone());
        Ok(())
    }

    fn get(&self, name: &str) -> Result<SecretString> {
        check_name(name)?;
        self.lock()
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(name))
    }

    fn delete(&self, name: &str) -> Result<()> {
        check_name(name)?;
        self.lock().remove(name);
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

fn not_found(name: &str) -> WizardError {
    WizardError::new(
        ErrorCode::SecretNotFound,
        format!("No secret named \"{name}\" is stored yet."),
    )
    .with_hint("Enter it again on the step that asks for it.")
}

/// A store whose every call runs on its own thread and gives up after a
/// time limit: the caller gets `keychain_timeout` and moves on, and the
/// stuck call is left to finish (or not) on its own thread.
pub struct TimeLimitedStore<S> {
    inner: Arc<S>,
    limit: Duration,
}

impl<S: SecretStore + 'static> TimeLimitedStore<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner: Arc::new(inner),
            limit,
        }
    }

    /// Run `f` on the inner store, within the time limit.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&S) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        let (tx, rx) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                // The receiver is gone after a timeout; nothing to tell.
                let _ = tx.send(f(&inner));
            })
            .map_err(|e| {
                WizardError::internal(format!("The keychain call could not start: {e}."))
            })?;
        match rx.recv_timeout(self.limit) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(keychain_timeout(self.limit)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(WizardError::internal(
                "The keychain call stopped without an answer.",
            )),
        }
    }
}

impl<S: SecretStore + 'static> SecretStore for TimeLimitedStore<S> {
    fn set(&self, name: &str, value: &SecretString) -> Result<()> {
        let (name, value) = (name.to_owned(), value.clone());
        self.run(move |s| s.set(&name, &value))
    }

    fn get(&self, name: &str) -> Result<SecretString> {
        let name = name.to_owned();
        self.run(move |s| s.get(&name))
    }

    fn delete(&self, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.run(move |s| s.delete(&name))
    }

    fn is_persistent(&self) -> bool {
        self.inner.is_persistent()
    }
}

/// The plain-words error when the keychain doesn't answer in time.
pub fn keychain_timeout(limit: Duration) -> WizardError {
    WizardError::new(
        ErrorCode::KeychainTimeout,
        format!(
            "Your system keychain didn't answer within {} seconds.",
            limit.as_secs().max(1)
        ),
    )
    .with_hint("It may be waiting for you to unlock it in another window. Unlock it and try again, or keep secrets for this run only.")
}

/// The OS keychain: macOS Keychain, Windows Credential Manager, or the Secret
/// Service (GNOME Keyring, KWallet) on Linux. Every call is time-limited
/// ([`KEYCHAIN_TIMEOUT`]).
pub struct KeyringSecretStore {
    os: TimeLimitedStore<OsKeychain>,
}

impl KeyringSecretStore {
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// A store under another service name (tests use their own).
    pub fn with_service(service: &str) -> Self {
        Self {
            os: TimeLimitedStore::new(
                OsKeychain {
                    service: service.to_string(),
                },
                KEYCHAIN_TIMEOUT,
            ),
        }
    }

    /// Ask the keychain a harmless question to learn whether it answers.
    pub fn probe(&self) -> Result<()> {
        self.os.run(|k| k.probe())
    }
}

impl Default for KeyringSecretStore {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretStore for KeyringSecretStore {
    fn set(&self, name: &str, value: &SecretString) -> Result<()> {
        self.os.set(name, value)
    }

    fn get(&self, name: &str) -> Result<SecretString> {
        self.os.get(name)
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.os.delete(name)
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// The keyring crate's calls, which block (D-Bus, the macOS or Windows
/// credential APIs).
struct OsKeychain {
    service: String,
}

impl OsKeychain {
    fn probe(&self) -> Result<()> {
        match self.entry("probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        check_name(name)?;
        keyring::Entry::new(&self.service, name).map_err(map_keyring_error)
    }
}

impl SecretStore for OsKeychain {
    fn set(&self, name: &str, value: &SecretString) -> Result<()> {
        self.entry(name)?
            .set_password(value.expose_secret())
            .map_err(map_keyring_error)
    }

    fn get(&self, name: &str) -> Result<SecretString> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(SecretString::from(v)),
            Err(keyring::Error::NoEntry) => Err(not_found(name)),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// keyring's errors carry platform detail (D-Bus messages) that means nothing
/// to an admin; keep it short and say what to do.
fn map_keyring_error(e: keyring::Error) -> WizardError {
    match e {
        keyring::Error::NoEntry => {
            WizardError::new(ErrorCode::SecretNotFound, "No such secret is stored.")
        }
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            keychain_unavailable()
        }
        other => WizardError::new(
            ErrorCode::KeychainUnavailable,
            format!("Your system keychain refused the request ({other})."),
        )
        .with_hint("You can keep secrets for this run only; you'll enter them again next time."),
    }
}

/// The plain-words error when no keychain answers.
pub fn keychain_unavailable() -> WizardError {
    WizardError::new(
        ErrorCode::KeychainUnavailable,
        "Your system keychain isn't available, so the wizard can't store secrets safely between runs.",
    )
    .with_hint(
        "Unlock or install your keychain (on Linux: GNOME Keyring or KWallet), or keep secrets for this run only; you'll enter them again next time.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_match_serde() {
        crate::names::assert_matches_serde::<SecretName>();
        // The keychain entry's name: changing it would lose stored secrets.
        assert_eq!(
            SecretName::AzureClientSecret.as_str(),
            "azure_client_secret"
        );
    }

    #[test]
    fn memory_store_round_trip() {
        let s = MemorySecretStore::new();
        let v = SecretString::from("Q~abcdefghijklmnop7Fd");
        s.set("azure_client_secret", &v).unwrap();
        assert_eq!(
            s.get("azure_client_secret").unwrap().expose_secret(),
            "Q~abcdefghijklmnop7Fd"
        );
        s.delete("azure_client_secret").unwrap();
        assert_eq!(
            s.get("azure_client_secret").unwrap_err().code,
            ErrorCode::SecretNotFound
        );
        s.delete("azure_client_secret").unwrap();
        assert!(!s.is_persistent());
    }

    #[test]
    fn bad_names_are_refused() {
        let s = MemorySecretStore::new();
        let v = SecretString::from("x");
        assert_eq!(s.set("", &v).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(s.set("a b", &v).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(
            s.set(&"a".repeat(65), &v).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn hints_never_reveal_short_secrets() {
        assert_eq!(hint(&SecretString::from("Q~x12345678907Fd")), "Q~x…7Fd");
        assert_eq!(hint(&SecretString::from("short")), "•••");
        assert_eq!(hint(&SecretString::from("")), "•••");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let v = SecretString::from("nyk_v0_supersecret");
        assert!(!format!("{v:?}").contains("supersecret"));
    }

    /// A store that never answers until the test lets it go.
    struct Stuck {
        release: Mutex<mpsc::Receiver<()>>,
    }

    impl SecretStore for Stuck {
        fn set(&self, _: &str, _: &SecretString) -> Result<()> {
            let _ = self.release.lock().unwrap().recv();
            Ok(())
        }
        fn get(&self, name: &str) -> Result<SecretString> {
            let _ = self.release.lock().unwrap().recv();
            Err(not_found(name))
        }
        fn delete(&self, _: &str) -> Result<()> {
            let _ = self.release.lock().unwrap().recv();
            Ok(())
        }
        fn is_persistent(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_keychain_that_never_answers_times_out_in_plain_words() {
        let (release, rx) = mpsc::channel();
        let store = TimeLimitedStore::new(
            Stuck {
                release: Mutex::new(rx),
            },
            Duration::from_millis(200),
        );
        let started = std::time::Instant::now();
        let e = store
            .set(
                "azure_client_secret",
                &SecretString::from("Q~canary-timeout-1234"),
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::KeychainTimeout);
        assert_eq!(e.code.as_str(), "keychain_timeout");
        assert!(e.message.contains("didn't answer"), "{}", e.message);
        assert!(!e.message.contains("canary"), "{}", e.message);
        assert!(e.hint.is_some());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(store.get("x").unwrap_err().code, ErrorCode::KeychainTimeout);
        // Let the stuck threads finish; a store that answers is not cut off.
        drop(release);
        let quick = TimeLimitedStore::new(MemorySecretStore::new(), Duration::from_secs(10));
        quick.set("a", &SecretString::from("v")).unwrap();
        assert_eq!(quick.get("a").unwrap().expose_secret(), "v");
        assert!(!quick.is_persistent());
    }
}
