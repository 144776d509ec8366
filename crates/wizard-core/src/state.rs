//! Saved progress: which path, which step, and the non-secret answers.
//!
//! Written as JSON after every change (atomically: temp file + rename) and
//! read at start so a closed or crashed wizard resumes. A file we cannot read,
//! or one written by a newer version, is moved aside and reported; it never
//! stops the wizard from starting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::answers::{self, AnswerUpdate, Answers, LastCheck, PathAnswers};
use crate::audit::AuditReport;
use crate::error::{Result, WizardError};
use crate::paths::{path_info, PathId, AZURE_APP_STEP};

mod status;
mod status_bulk;
mod status_migrate;
mod status_v2;
mod store;
pub use status::StepLeave;
pub use status_bulk::{BulkAnswers, BulkConsentRecord, BulkRunRecord};
pub(crate) use store::write_atomically;
pub use store::{StateNotice, StateStore};

/// Version of the progress file format. Bump when the format changes in a way
/// an older wizard could misread. Format 1 kept answers as an untyped map of
/// `"<step>.<field>"` keys; it is migrated on load.
pub const PROGRESS_VERSION: u32 = 2;

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
    /// Left without valid answers (or not built yet); the admin can return.
    Skipped,
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
    /// The admin's answers (never a secret), typed and validated.
    pub answers: Answers,
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

/// What the window is sent: the saved progress plus what Rust derives from
/// it for the chosen path, so the window never re-derives a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProgressView {
    #[serde(flatten)]
    pub progress: Progress,
    /// The chosen path's answers; `None` on the welcome screen.
    pub current: Option<PathAnswers>,
    /// What the current step will be marked when the admin leaves it.
    pub leaving: Option<StepLeave>,
}

/// What an audit found, and the progress it was recorded in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditOutcome {
    pub report: AuditReport,
    pub progress: ProgressView,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: PROGRESS_VERSION,
            path: None,
            step: None,
            practice: false,
            answers: Answers::default(),
            step_status: BTreeMap::new(),
            paused: BTreeMap::new(),
        }
    }
}

impl Progress {
    /// Choose a path (or go back to the welcome screen with `None`). The path
    /// being left is paused with its step and statuses; a path chosen again
    /// resumes where it was, a new one starts at its first step.
    pub fn choose_path(&mut self, path: Option<PathId>) {
        if self.path == path {
            return;
        }
        if let Some(old) = self.path {
            self.leave_step();
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
        self.settle_statuses();
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
        if self.step.as_deref() != Some(step) {
            self.leave_step();
        }
        self.step = Some(step.to_string());
        self.settle_statuses();
        Ok(())
    }

    /// Change one answer (validated; refused values change nothing).
    pub fn set_answer(&mut self, update: AnswerUpdate) -> Result<()> {
        self.answers.apply(self.path, update)?;
        self.settle_statuses();
        Ok(())
    }

    /// Remember what an audit found (its counts, never the manifest); the
    /// Azure app step needs attention while a check fails. A passing check
    /// makes it Done when the admin leaves it (see `status`).
    pub fn record_check(&mut self, report: &AuditReport) {
        self.answers.last_check = Some(LastCheck::from(report));
        let status = if report.passed() {
            StepStatus::InProgress
        } else {
            StepStatus::NeedsAttention
        };
        if self.set_step_status_checked(AZURE_APP_STEP, status).is_ok() {
            self.settle_statuses();
        }
    }

    /// The progress as the window gets it: with the chosen path's answers.
    pub fn view(&self) -> ProgressView {
        // Settled here too, so a file saved before statuses were set on
        // leaving shows facts from the first screen on.
        let mut progress = self.clone();
        progress.settle_statuses();
        ProgressView {
            progress,
            current: self.path.map(|p| self.answers.for_path(p)),
            leaving: self.leaving(),
        }
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

/// Progress from parsed JSON, any format this version reads (format 1 is
/// migrated; answers that no longer fit are dropped). For the CLI, which
/// reads the window's progress file and must never move it aside.
pub fn progress_from_value(v: serde_json::Value) -> std::result::Result<Progress, String> {
    let version = v.get("version").and_then(|x| x.as_u64());
    match version {
        Some(n) if n > u64::from(PROGRESS_VERSION) => Err(format!(
            "it was written by a newer version of the wizard (format {n})."
        )),
        Some(1) => {
            let bytes = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
            migrate_v1(&bytes)
                .map(|(p, _)| sanitise(p))
                .ok_or_else(|| "it is damaged.".to_string())
        }
        _ => serde_json::from_value::<Progress>(v)
            .map(sanitise)
            .map_err(|e| e.to_string()),
    }
}

/// Format 1 → current: the untyped answer map becomes [`Answers`]. `None`
/// when the file isn't even shaped like format 1 (then it is damaged).
fn migrate_v1(bytes: &[u8]) -> Option<(Progress, Vec<String>)> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let obj = v.as_object_mut()?;
    let map = match obj.remove("answers") {
        Some(serde_json::Value::Object(m)) => m,
        None | Some(serde_json::Value::Null) => serde_json::Map::new(),
        Some(_) => return None,
    };
    let (answers, dropped) = answers::from_v1_map(&map);
    obj.insert("answers".into(), serde_json::to_value(answers).ok()?);
    obj.insert("version".into(), PROGRESS_VERSION.into());
    let p = serde_json::from_value(v).ok()?;
    Some((p, dropped))
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
    use crate::error::ErrorCode;

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
        assert_eq!(p.step.as_deref(), Some("features"));
        assert!(p.step_status.is_empty());
        assert!(p.practice);
    }

    #[test]
    fn format_1_progress_migrates_its_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(
            store.path(),
            br#"{"version":1,"path":"v3","step":"region","practice":false,
                "answers":{"features.preset":"email-client","features.list":["mail-modify","mail-send"],
                           "region.region":"eu","azure-app.tenant":"contoso.com"},
                "step_status":{"features":"done"}}"#,
        )
        .unwrap();
        let (p, notice) = store.load();
        assert!(notice.is_none(), "{notice:?}");
        assert_eq!(p.version, PROGRESS_VERSION);
        assert_eq!(p.step.as_deref(), Some("region"));
        assert_eq!(
            p.answers.features.preset,
            Some(crate::scopes::Preset::EmailClient)
        );
        assert_eq!(p.answers.region, Some(crate::regions::Region::Eu));
        assert_eq!(p.answers.tenant.as_deref(), Some("contoso.com"));
        assert_eq!(p.step_status["features"], StepStatus::Done);
    }

    #[test]
    fn format_1_answers_that_no_longer_fit_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(
            store.path(),
            br#"{"version":1,"path":null,"step":null,"practice":false,
                "answers":{"region.region":"mars","azure-app.tenant":"contoso.com"},"step_status":{}}"#,
        )
        .unwrap();
        let (p, notice) = store.load();
        let notice = notice.expect("a notice");
        assert_eq!(notice.code, ErrorCode::StateMigrated);
        assert!(
            notice.message.contains("region.region"),
            "{}",
            notice.message
        );
        assert_eq!(p.answers.tenant.as_deref(), Some("contoso.com"));
        assert_eq!(p.answers.region, None);
        // The file is kept as it was until the next save.
        assert!(store.path().exists());
    }

    #[test]
    fn statuses_follow_the_answers() {
        use crate::scopes::{Feature, Preset};
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        // Done is set when the step is left, never while on it.
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        for f in [Feature::MailModify, Feature::MailSend] {
            p.set_answer(AnswerUpdate::Feature {
                feature: f,
                on: false,
            })
            .unwrap();
        }
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        p.go_to_step("region").unwrap();
        // Left with nothing chosen: skipped, not done.
        assert_eq!(p.step_status["features"], StepStatus::Skipped);
        assert_eq!(p.step_status["region"], StepStatus::InProgress);
        p.set_answer(AnswerUpdate::Region(crate::regions::Region::Us))
            .unwrap();
        assert_eq!(p.step_status["region"], StepStatus::InProgress);
        p.go_to_step("azure-app").unwrap();
        assert_eq!(p.step_status["region"], StepStatus::Done);
        // v2 has a default calendar scope: its Features step is done once left.
        p.choose_path(Some(PathId::V2Events));
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
    }

    #[test]
    fn teams_features_step_is_done_once_calendar_write_is_chosen() {
        use crate::scopes::{Feature, Preset};
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        assert_eq!(p.step.as_deref(), Some("features"));
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        // A mail-only setup is not enough for Teams meetings.
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        assert!(p.view().current.unwrap().needs_features);
        p.set_answer(AnswerUpdate::Feature {
            feature: Feature::CalendarWrite,
            on: true,
        })
        .unwrap();
        assert_eq!(p.step_status["features"], StepStatus::InProgress);
        p.go_to_step("region").unwrap();
        assert_eq!(p.step_status["features"], StepStatus::Done);
        // A Teams progress saved before the step existed still resumes on
        // its step.
        let old: Progress = serde_json::from_value(serde_json::json!({
            "version": 2, "path": "teams", "step": "region", "practice": false,
            "answers": {}, "step_status": {"region": "in-progress"}
        }))
        .unwrap();
        assert_eq!(sanitise(old).step.as_deref(), Some("region"));
    }

    #[test]
    fn the_view_carries_the_chosen_paths_answers() {
        let mut p = Progress::default();
        assert_eq!(p.view().current, None);
        p.choose_path(Some(PathId::V2Events));
        let v = serde_json::to_value(p.view()).unwrap();
        assert_eq!(v["path"], "v2-events");
        assert_eq!(v["current"]["audit_path"], "v2-events");
        assert_eq!(v["current"]["needs_features"], false);
        assert!(v["answers"]["features"].is_object());
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
        assert!(p.go_to_step("test-sign-in").is_err());
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
        assert_eq!(p.step.as_deref(), Some("features"));
        assert!(!p.step_status.contains_key("connector"));
        p.choose_path(None);
        assert_eq!(p.step, None);
        assert!(p.step_status.is_empty());
    }

    #[test]
    fn returning_to_a_path_resumes_its_step_and_statuses() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.set_answer(AnswerUpdate::Preset(crate::scopes::Preset::ReadOnlyInbox))
            .unwrap();
        p.go_to_step("region").unwrap();
        assert_eq!(p.step_status["features"], StepStatus::Done);
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
