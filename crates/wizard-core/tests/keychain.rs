//! The OS keychain implementation against a real Secret Service.
//!
//! Ignored in a plain `cargo test` (there is no keychain there); the README's
//! test command runs it with `--ignored` under `dbus-run-session` with an
//! unlocked `gnome-keyring-daemon`.

use wizard_core::secrets::{ExposeSecret, KeyringSecretStore, SecretStore, SecretString};
use wizard_core::ErrorCode;

fn store() -> KeyringSecretStore {
    KeyringSecretStore::with_service(&format!(
        "com.nylas.ms-setup-wizard.test-{}",
        std::process::id()
    ))
}

#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it under dbus-run-session + gnome-keyring"]
fn keyring_set_get_delete() {
    let s = store();
    s.probe().expect("the Secret Service answers");
    assert!(s.is_persistent());
    let value = SecretString::from("Q~test-secret-value-1234567890");
    s.set("azure_client_secret", &value).unwrap();
    assert_eq!(
        s.get("azure_client_secret").unwrap().expose_secret(),
        "Q~test-secret-value-1234567890"
    );
    // A second store object sees the same entry: it really is in the keychain.
    assert_eq!(
        store().get("azure_client_secret").unwrap().expose_secret(),
        "Q~test-secret-value-1234567890"
    );
    s.set(
        "azure_client_secret",
        &SecretString::from("replaced-value-0000000"),
    )
    .unwrap();
    assert_eq!(
        s.get("azure_client_secret").unwrap().expose_secret(),
        "replaced-value-0000000"
    );
    s.delete("azure_client_secret").unwrap();
    assert_eq!(
        s.get("azure_client_secret").unwrap_err().code,
        ErrorCode::SecretNotFound
    );
    // Deleting again is fine.
    s.delete("azure_client_secret").unwrap();
}

#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it under dbus-run-session + gnome-keyring"]
fn keyring_missing_entry_is_not_found() {
    let err = store().get("never_stored").unwrap_err();
    assert_eq!(err.code, ErrorCode::SecretNotFound);
}
