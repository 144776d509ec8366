//! A base-URL override that would send calls over plain http to another
//! computer stops the wizard at start, in plain words, before any window.

use std::process::Command;

#[test]
fn a_plain_http_override_for_another_host_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nylas-ms-wizard"))
        .env("NYLAS_WIZARD_URL_GRAPH", "http://graph.example.com/")
        .env("NYLAS_WIZARD_DATA_DIR", dir.path())
        // No display: had it gone on, it could not open a window anyway.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("NYLAS_WIZARD_URL_GRAPH uses http:// for graph.example.com"),
        "{err}"
    );
    assert!(err.contains("127.0.0.1, ::1 or localhost"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
