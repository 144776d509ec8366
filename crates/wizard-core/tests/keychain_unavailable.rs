//! With no Secret Service reachable, the keychain store reports
//! `keychain_unavailable` in plain words instead of failing obscurely.
//! (Its own test binary: it changes the process environment.)
//!
//! Only where the keychain is the Secret Service over D-Bus (Linux and the
//! BSDs): pointing D-Bus at nothing takes it away there, while the macOS
//! Keychain and the Windows Credential Manager don't use D-Bus and would
//! answer, so the test could not hold.
#![cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]

use wizard_core::secrets::{KeyringSecretStore, SecretStore, SecretString};
use wizard_core::ErrorCode;

#[test]
fn no_secret_service_is_keychain_unavailable() {
    // Point D-Bus at a socket that does not exist and stop it from
    // auto-launching a bus through X11.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/wizard-test-bus",
    );
    std::env::remove_var("DISPLAY");
    let s = KeyringSecretStore::with_service("com.nylas.ms-setup-wizard.test-unavailable");
    let err = s.probe().unwrap_err();
    assert_eq!(err.code, ErrorCode::KeychainUnavailable);
    assert!(err.message.contains("keychain"), "{}", err.message);
    assert!(err.hint.unwrap().contains("this run only"));
    let err = s.set("x", &SecretString::from("value")).unwrap_err();
    assert_eq!(err.code, ErrorCode::KeychainUnavailable);
}
