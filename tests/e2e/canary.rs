//! Secrets canary for the end-to-end tests: unique values for the secrets
//! a test types into the window, and a scan of everywhere they must not
//! end up — the app's data folder (progress, logs under `logs/`, practice
//! state, anything exported there), the app's captured stdout/stderr, and
//! every IPC answer the harness recorded ([`crate::record_ipc`]).

use std::path::Path;

/// A value no one else uses, starting with `prefix` (so it can look like
/// the secret it stands for, e.g. `q8F~` for a client secret).
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

/// Where a canary was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub canary: String,
    pub what: String,
}

/// The secrets to look for and what has been found so far.
pub struct CanaryScan {
    canaries: Vec<String>,
    leaks: Vec<Leak>,
    /// How many texts and files were looked at (a scan of nothing proves
    /// nothing).
    pub looked_at: usize,
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
            looked_at: 0,
        }
    }

    /// Look in one text (an IPC answer, captured output, a page's HTML).
    pub fn text(&mut self, what: &str, bytes: &[u8]) -> &mut Self {
        self.looked_at += 1;
        for c in &self.canaries {
            let needle = c.as_bytes();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                self.leaks.push(Leak {
                    canary: c.clone(),
                    what: what.to_owned(),
                });
            }
        }
        self
    }

    /// Look in every file under `dir`, however deep.
    pub fn dir(&mut self, dir: &Path) -> &mut Self {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(t) if t.is_dir() => stack.push(path),
                    Ok(t) if t.is_file() => {
                        let bytes = std::fs::read(&path).unwrap_or_default();
                        self.text(&path.display().to_string(), &bytes);
                    }
                    _ => {}
                }
            }
        }
        self
    }

    /// Look in each recorded IPC answer.
    pub fn ipc(&mut self, answers: &[String]) -> &mut Self {
        for (i, a) in answers.iter().enumerate() {
            let cmd = serde_json::from_str::<serde_json::Value>(a)
                .ok()
                .and_then(|v| v["cmd"].as_str().map(str::to_owned))
                .unwrap_or_default();
            self.text(&format!("IPC answer {i} ({cmd})"), a.as_bytes());
        }
        self
    }

    pub fn leaks(&self) -> &[Leak] {
        &self.leaks
    }

    /// Fail the test, naming every place a canary turned up.
    pub fn assert_clean(&self) {
        assert!(self.leaks.is_empty(), "secrets leaked: {:#?}", self.leaks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan can fail: a canary planted in a support log, or in an IPC
    /// answer, is found and named.
    #[test]
    fn a_planted_canary_is_found() {
        let secret = canary("q8F~");
        assert_ne!(secret, canary("q8F~"), "each canary is unique");
        let data = tempfile::tempdir().unwrap();
        let logs = data.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(logs.join("wizard.2026-12-01.log"), "INFO started\n").unwrap();
        let mut scan = CanaryScan::new(&[&secret]);
        scan.dir(data.path())
            .ipc(&[r#"{"cmd":"stored_secret","ok":{"hint":"q8F…x1"}}"#.into()]);
        assert_eq!(scan.looked_at, 2);
        scan.assert_clean();

        std::fs::write(
            logs.join("wizard.2026-12-02.log"),
            format!("DEBUG body client_secret={secret}\n"),
        )
        .unwrap();
        let mut scan = CanaryScan::new(&[&secret]);
        scan.dir(data.path())
            .ipc(&[format!(r#"{{"cmd":"save_secret","ok":"{secret}"}}"#)]);
        let places: Vec<&str> = scan.leaks().iter().map(|l| l.what.as_str()).collect();
        assert_eq!(places.len(), 2, "{places:?}");
        assert!(places[0].ends_with("wizard.2026-12-02.log"), "{places:?}");
        assert_eq!(places[1], "IPC answer 0 (save_secret)");
        assert!(std::panic::catch_unwind(|| scan.assert_clean()).is_err());
    }
}
