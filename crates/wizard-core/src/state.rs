//! Saved progress: which path, which step, and the non-secret answers.
//!
//! Written as JSON after every change (atomically: temp file + rename) and
//! read at start so a closed or crashed wizard resumes. A file we cannot read,
//! or one written by a newer version, is moved aside and reported; it never
//! stops the wizard from starting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, WizardError};
use crate::paths::{path_info, PathId};

/// Version of the progress file format. Bump when the format changes in a way
/// an older wizard could misread.
pub const PROGRESS_VERSION: u32 = 1;

/// State of one step as shown in the step list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum StepStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
    NeedsAttention,
}

/// Everything the wizard remembers between runs. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress {
    pub version: u32,
    /// The path chosen on the welcome screen; `None` = on the welcome screen.
    pub path: Option<PathId>,
    /// The current step id within the path.
    pub step: Option<String>,
    /// Practice mode: every remote call goes to the built-in sandbox.
    pub practice: bool,
    /// Non-secret answers, keyed by `"<step>.<field>"`.
    pub answers: BTreeMap<String, serde_json::Value>,
    /// Status per step id of the chosen path.
    pub step_status: BTreeMap<String, StepStatus>,
    /// Where each path was left, so going back to the welcome screen and
    /// returning (or trying another path) loses nothing.
    #[serde(default)]
    pub paused: BTreeMap<PathId, PausedPath>,
}

/// The step and statuses of a path the admin left for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PausedPath {
    pub step: Option<String>,
    pub step_status: BTreeMap<String, StepStatus>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: PROGRESS_VERSION,
            path: None,
            step: None,
            practice: false,
            answers: BTreeMap::new(),
            step_status: BTreeMap::new(),
            paused: BTreeMap::new(),
        }
    }
}

/// Answer keys must not look like they hold a secret: the UI should never send
/// one, and if it does we refuse rather than write it to disk.
const SECRET_WORDS: [&str; 6] = [
    "secret", "password", "api_key", "apikey", "token", "refresh",
];

impl Progress {
    /// Choose a path (or go back to the welcome screen with `None`). The path
    /// being left is paused with its step and statuses; a path chosen again
    /// resumes where it was, a new one starts at its first step.
    pub fn choose_path(&mut self, path: Option<PathId>) {
        if self.path == path {
            return;
        }
        if let Some(old) = self.path {
            self.paused.insert(
                old,
                PausedPath {
                    step: self.step.take(),
                    step_status: std::mem::take(&mut self.step_status),
                },
            );
        }
        self.path = path;
        self.step = None;
        self.step_status.clear();
        let Some(path) = path else { return };
        if let Some(paused) = self.paused.remove(&path) {
            self.step = paused.step;
            self.step_status = paused.step_status;
        }
        let steps = path_info(path).steps;
        if !self
            .step
            .as_ref()
            .is_some_and(|s| steps.iter().any(|x| &x.id == s))
        {
            self.step = steps.first().map(|s| s.id.clone());
        }
        if let Some(step) = self.step.clone() {
            self.step_status
                .entry(step)
                .or_insert(StepStatus::InProgress);
        }
    }

    /// Move to a step of the chosen path.
    pub fn go_to_step(&mut self, step: &str) -> Result<()> {
        let Some(path) = self.path else {
            return Err(WizardError::invalid_input(
                "Choose a path on the welcome screen before moving to a step.",
            ));
        };
        if !path_info(path).steps.iter().any(|s| s.id == step) {
            return Err(WizardError::invalid_input(format!(
                "\"{step}\" is not a step of this path."
            )));
        }
        self.step = Some(step.to_string());
        self.step_status
            .entry(step.to_string())
            .and_modify(|s| {
                if *s == StepStatus::NotStarted {
                    *s = StepStatus::InProgress;
                }
            })
            .or_insert(StepStatus::InProgress);
        Ok(())
    }

    /// Record a non-secret answer. Keys that name a secret are refused.
    pub fn set_answer(&mut self, key: &str, value: serde_json::Value) -> Result<()> {
        let lower = key.to_ascii_lowercase();
        if key.is_empty() || key.len() > 128 {
            return Err(WizardError::invalid_input("An answer needs a short name."));
        }
        if SECRET_WORDS.iter().any(|w| lower.contains(w)) {
            return Err(WizardError::invalid_input(format!(
                "\"{key}\" looks like a secret; secrets go to the keychain, never into saved progress."
            )));
        }
        if value.is_null() {
            self.answers.remove(key);
        } else {
            self.answers.insert(key.to_string(), value);
        }
        Ok(())
    }

    pub fn set_step_status(&mut self, step: &str, status: StepStatus) {
        self.step_status.insert(step.to_string(), status);
    }

    /// Like [`Progress::set_step_status`], for input from the UI: the step
    /// must belong to the chosen path.
    pub fn set_step_status_checked(&mut self, step: &str, status: StepStatus) -> Result<()> {
        let known = self
            .path
            .is_some_and(|p| path_info(p).steps.iter().any(|s| s.id == step));
        if !known {
            return Err(WizardError::invalid_input(format!(
                "\"{step}\" is not a step of the chosen path."
            )));
        }
        self.set_step_status(step, status);
        Ok(())
    }
}

/// Something the admin should know about the saved progress (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StateNotice {
    pub code: ErrorCode,
    pub message: String,
    /// Where the unreadable file was moved to, if it was.
    pub backup_path: Option<String>,
}

/// Reads and writes the progress file.
#[derive(Debug, Clone)]
pub struct StateStore {
    path: PathBuf,
}

impl StateStore {
    pub const FILE_NAME: &'static str = "progress.json";

    /// A store for `progress.json` in `dir` (the app data dir).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(Self::FILE_NAME),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Load the saved progress. A missing file is a fresh start. An unreadable
    /// or newer-version file is moved aside and reported in the notice.
    pub fn load(&self) -> (Progress, Option<StateNotice>) {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None)
            }
            Err(e) => {
                return (
                    Progress::default(),
                    Some(StateNotice {
                        code: ErrorCode::StateCorrupt,
                        message: format!(
                        "Your saved progress could not be read ({e}), so the wizard starts fresh."
                    ),
                        backup_path: None,
                    }),
                )
            }
        };
        // Peek at the version first so a newer file is recognised even when
        // its shape no longer parses as ours.
        let version = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("version").and_then(|v| v.as_u64()));
        if let Some(v) = version.filter(|v| *v > u64::from(PROGRESS_VERSION)) {
            let backup = self.back_up("newer");
            return (
                Progress::default(),
                Some(StateNotice {
                    code: ErrorCode::StateNewerVersion,
                    message: format!(
                        "Your saved progress was written by a newer version of the wizard (format {v}), so this version starts fresh."
                    ),
                    backup_path: backup,
                }),
            );
        }
        match serde_json::from_slice::<Progress>(&bytes) {
            Ok(p) => (sanitise(p), None),
            Err(e) => {
                let backup = self.back_up("corrupt");
                (
                    Progress::default(),
                    Some(StateNotice {
                        code: ErrorCode::StateCorrupt,
                        message: format!(
                            "Your saved progress was damaged ({e}), so the wizard starts fresh. Nothing in Microsoft or Nylas was changed."
                        ),
                        backup_path: backup,
                    }),
                )
            }
        }
    }

    /// Save atomically: a crash mid-write leaves the previous file intact.
    pub fn save(&self, progress: &Progress) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| WizardError::io("create the data folder", &e))?;
        let json = serde_json::to_vec_pretty(progress)
            .map_err(|e| WizardError::internal(format!("Could not encode progress: {e}.")))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|e| WizardError::io("save your progress", &e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| WizardError::io("save your progress", &e))
    }

    /// Move the unreadable file aside under a name no earlier backup has
    /// (two in the same second must not overwrite each other).
    fn back_up(&self, why: &str) -> Option<String> {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let backup = (0..100)
            .map(|n| {
                let suffix = if n == 0 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                self.path
                    .with_file_name(format!("progress.{why}-{stamp}{suffix}.json"))
            })
            .find(|p| !p.exists())?;
        std::fs::rename(&self.path, &backup)
            .ok()
            .map(|_| backup.display().to_string())
    }
}

/// Drop what no longer fits (e.g. a step id removed in a newer build), so a
/// stale file can never put the wizard on a step that does not exist.
fn sanitise(mut p: Progress) -> Progress {
    p.version = PROGRESS_VERSION;
    match p.path {
        None => {
            p.step = None;
            p.step_status.clear();
        }
        Some(path) => {
            let steps = path_info(path).steps;
            p.step_status
                .retain(|id, _| steps.iter().any(|s| &s.id == id));
            if !p
                .step
                .as_ref()
                .is_some_and(|s| steps.iter().any(|x| &x.id == s))
            {
                p.step = steps.first().map(|s| s.id.clone());
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_resumes_same_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("region").unwrap();
        p.set_answer("region.region", serde_json::json!("eu"))
            .unwrap();
        store.save(&p).unwrap();
        let (loaded, notice) = store.load();
        assert!(notice.is_none());
        assert_eq!(loaded, p);
        assert_eq!(loaded.step.as_deref(), Some("region"));
    }

    #[test]
    fn missing_file_is_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let (p, notice) = StateStore::in_dir(dir.path()).load();
        assert_eq!(p, Progress::default());
        assert!(notice.is_none());
    }

    #[test]
    fn two_damaged_files_keep_two_backups() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), b"first damaged").unwrap();
        let first = store.load().1.unwrap().backup_path.unwrap();
        std::fs::write(store.path(), b"second damaged").unwrap();
        let second = store.load().1.unwrap().backup_path.unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).unwrap(), b"first damaged");
        assert_eq!(std::fs::read(&second).unwrap(), b"second damaged");
    }

    #[test]
    fn corrupt_file_is_backed_up_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), b"{\"version\": 1, \"path\": ").unwrap();
        let (p, notice) = store.load();
        assert_eq!(p, Progress::default());
        let notice = notice.expect("a notice");
        assert_eq!(notice.code, ErrorCode::StateCorrupt);
        let backup = notice.backup_path.expect("backed up");
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            b"{\"version\": 1, \"path\": "
        );
        assert!(!store.path().exists());
    }

    #[test]
    fn newer_version_is_backed_up_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), br#"{"version": 99, "whatever": true}"#).unwrap();
        let (_, notice) = store.load();
        let notice = notice.unwrap();
        assert_eq!(notice.code, ErrorCode::StateNewerVersion);
        assert!(std::path::Path::new(&notice.backup_path.unwrap()).exists());
    }

    #[test]
    fn unknown_step_falls_back_to_first_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(
            store.path(),
            br#"{"version":1,"path":"teams","step":"gone","practice":true,"answers":{},"step_status":{"gone":"done"}}"#,
        )
        .unwrap();
        let (p, notice) = store.load();
        assert!(notice.is_none());
        assert_eq!(p.step.as_deref(), Some("region"));
        assert!(p.step_status.is_empty());
        assert!(p.practice);
    }

    #[test]
    fn secret_looking_answers_are_refused() {
        let mut p = Progress::default();
        let err = p
            .set_answer("azure.client_secret", serde_json::json!("x"))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(p.answers.is_empty());
    }

    #[test]
    fn step_status_from_the_ui_is_checked() {
        let mut p = Progress::default();
        assert!(p
            .set_step_status_checked("azure-app", StepStatus::Done)
            .is_err());
        p.choose_path(Some(PathId::V3));
        p.set_step_status_checked("azure-app", StepStatus::NeedsAttention)
            .unwrap();
        assert_eq!(p.step_status["azure-app"], StepStatus::NeedsAttention);
        assert!(p
            .set_step_status_checked("tenants", StepStatus::Done)
            .is_err());
    }

    #[test]
    fn go_to_step_validates() {
        let mut p = Progress::default();
        assert!(p.go_to_step("region").is_err());
        p.choose_path(Some(PathId::Bulk));
        assert!(p.go_to_step("region").is_err());
        p.go_to_step("tenants").unwrap();
        assert_eq!(p.step_status["tenants"], StepStatus::InProgress);
    }

    #[test]
    fn choosing_another_path_starts_at_its_first_step() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("connector").unwrap();
        p.choose_path(Some(PathId::V3));
        assert_eq!(p.step.as_deref(), Some("connector"));
        p.choose_path(Some(PathId::Teams));
        assert_eq!(p.step.as_deref(), Some("region"));
        assert!(!p.step_status.contains_key("connector"));
        p.choose_path(None);
        assert_eq!(p.step, None);
        assert!(p.step_status.is_empty());
    }

    #[test]
    fn returning_to_a_path_resumes_its_step_and_statuses() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("region").unwrap();
        p.set_step_status("features", StepStatus::Done);
        p.choose_path(None);
        p.choose_path(Some(PathId::Bulk));
        p.choose_path(None);
        p.choose_path(Some(PathId::V3));
        assert_eq!(p.step.as_deref(), Some("region"));
        assert_eq!(p.step_status["features"], StepStatus::Done);
        assert_eq!(p.step_status["region"], StepStatus::InProgress);
        // Bulk stays paused where it was.
        assert_eq!(p.paused[&PathId::Bulk].step.as_deref(), Some("explain"));
    }
}
