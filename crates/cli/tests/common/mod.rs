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

/// A value no one else uses, starting with `prefix` (so it can still look
/// like the secret it stands for, e.g. `q8F~` for a client secret): for
/// every secret a test hands the CLI, so a scan can tell it apart.
pub fn canary(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}Cnry{}x{nanos:x}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Where a canary was found: `what` (a file's path or a stream's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub canary: String,
    pub what: String,
}

/// Secrets handed to the CLI, and the places to look for them afterwards:
/// its captured stdout/stderr and every file under the folders it may
/// write to (its home, data, config, cache and temp folders).
#[derive(Default)]
pub struct CanaryScan {
    canaries: Vec<String>,
    leaks: Vec<Leak>,
}

impl CanaryScan {
    pub fn new(canaries: &[&str]) -> Self {
        assert!(
            canaries.iter().all(|c| c.len() >= 8),
            "a canary short enough to occur by chance"
        );
        Self {
            canaries: canaries.iter().map(|c| c.to_string()).collect(),
            leaks: Vec::new(),
        }
    }

    /// Look in some captured text (stdout, stderr, a report).
    pub fn text(&mut self, what: &str, bytes: &[u8]) -> &mut Self {
        for c in &self.canaries {
            if contains(bytes, c.as_bytes()) {
                self.leaks.push(Leak {
                    canary: c.clone(),
                    what: what.to_owned(),
                });
            }
        }
        self
    }

    /// Look in a process's stdout and stderr.
    pub fn output(&mut self, what: &str, o: &Output) -> &mut Self {
        self.text(&format!("{what} stdout"), &o.stdout)
            .text(&format!("{what} stderr"), &o.stderr)
    }

    /// Look in every file under `dir` (logs, reports, exports, state…).
    pub fn dir(&mut self, dir: &std::path::Path) -> &mut Self {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    stack.push(path);
                } else if kind.is_file() {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    self.text(&path.display().to_string(), &bytes);
                }
            }
        }
        self
    }

    pub fn leaks(&self) -> &[Leak] {
        &self.leaks
    }

    /// Fail the test, naming each place a canary turned up.
    pub fn assert_clean(&self) {
        assert!(self.leaks.is_empty(), "secrets leaked: {:#?}", self.leaks);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A home of its own for one CLI run: `HOME`, the XDG folders and the temp
/// folder all point inside `root`, so whatever the CLI writes can be
/// scanned.
pub fn isolated_home(cmd: &mut Command, root: &std::path::Path) {
    for (var, sub) in [
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("TMPDIR", "tmp"),
    ] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).expect("a folder for the run");
        cmd.env(var, dir);
    }
}
