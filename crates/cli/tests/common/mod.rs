//! Helpers shared by the command line's integration tests: the binary, the
//! audit corpus's manifests, and what the binary printed.

#![allow(dead_code)] // Each test binary uses some of these.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The moment secret expiry is judged against, so results don't age.
pub const NOW: &str = "2026-06-01T00:00:00Z";

/// A manifest of wizard-core's audit corpus.
pub fn manifest_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../wizard-core/tests/fixtures/manifests")
        .join(format!("{name}.json"))
}

/// [`manifest_path`] as an argument.
pub fn fixture(name: &str) -> String {
    manifest_path(name).to_string_lossy().into_owned()
}

/// Run `nylas-ms-setup` with these arguments.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
