//! Step statuses are facts, set when the admin leaves a step: Done when its
//! answers are valid (an accepted default counts), Needs attention when a
//! check found problems, Skipped otherwise. The step the admin is on is In
//! progress (or Needs attention), never Done; a step passed over is never
//! "Not started".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Progress, StepStatus};
use crate::nylas::hosted_auth::TestSignInRecord;
use crate::nylas::NylasAccountRecord;
use crate::paths::PathId;
use crate::paths::CONFIGURE_NYLAS_STEP;
use crate::paths::TEST_SIGN_IN_STEP;
use crate::paths::{
    path_info, AZURE_APP_STEP, FEATURES_STEP, NYLAS_ACCOUNT_STEP, REGION_STEP, REPORT_STEP,
};
use crate::paths::{NYLAS_V2_STEP, TEAMS_INTEGRATION_STEP};

/// Steps whose verdict follows answers another step can change (the Nylas
/// key was checked for a region; the Region step changes it), so a status
/// set when they were left is brought up to date.
const FOLLOWS_OTHER_ANSWERS: &[&str] = &[
    NYLAS_ACCOUNT_STEP,
    CONFIGURE_NYLAS_STEP,
    crate::paths::MIGRATE_EWS_STEP,
    NYLAS_V2_STEP,
    TEAMS_INTEGRATION_STEP,
    // Path E's runs belong to the Nylas application the key opens.
    crate::paths::BULK_TENANTS_STEP,
    crate::paths::BULK_CONSENT_STEP,
    crate::paths::BULK_GRANTS_STEP,
];

/// What the current step will be marked when the admin leaves it now, so
/// Next can say what is skipped before it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepLeave {
    pub step: String,
    pub status: StepStatus,
    /// Why it isn't Done, in one plain sentence (`None` when it is Done).
    pub reason: Option<String>,
}

impl Progress {
    /// The status `step` gets when it is left: `visited` is false for a step
    /// passed over without being opened (a default it never showed isn't
    /// accepted).
    pub fn verdict(&self, step: &str, visited: bool) -> (StepStatus, Option<String>) {
        let Some(path) = self.path else {
            return (StepStatus::NotStarted, None);
        };
        let built = path_info(path)
            .steps
            .iter()
            .any(|s| s.id == step && s.available);
        if !built {
            return skipped("This step isn't built in this version yet; do it by hand.");
        }
        let current = self.answers.for_path(path);
        match step {
            // Path D's connector and EWS steps have records of their own.
            _ if path == PathId::Migrate && super::status_migrate::is_migrate_step(step) => {
                self.migrate_verdict(step)
            }
            // Path E's own steps and its Done (facts in status_bulk).
            _ if path == PathId::Bulk && super::status_bulk::is_bulk_step(step) => {
                self.bulk_verdict(step, visited)
            }
            FEATURES_STEP if current.needs_features => {
                if current.required_features.is_empty() {
                    skipped("You haven't chosen what your app does yet.")
                } else {
                    skipped("Teams meetings need calendar write, which isn't chosen yet.")
                }
            }
            FEATURES_STEP => (StepStatus::Done, None),
            REGION_STEP if visited || self.answers.region.is_some() => (StepStatus::Done, None),
            REGION_STEP => skipped("You haven't looked at the region yet."),
            AZURE_APP_STEP => match &self.answers.last_check {
                None => skipped("Your Azure app hasn't been checked yet."),
                Some(c) if c.fail == 0 => (StepStatus::Done, None),
                Some(c) => (
                    StepStatus::NeedsAttention,
                    Some(if c.fail == 1 {
                        "The last check found 1 thing to fix.".to_string()
                    } else {
                        format!("The last check found {} things to fix.", c.fail)
                    }),
                ),
            },
            NYLAS_ACCOUNT_STEP => match &self.answers.nylas_account {
                None => skipped("Your Nylas API key hasn't been checked yet."),
                Some(r) => match r.stale_for(self.answers.region()) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            TEST_SIGN_IN_STEP => match &self.answers.test_sign_in {
                None => skipped("No test sign-in has been done yet."),
                Some(r) => match r.problem() {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            CONFIGURE_NYLAS_STEP => match &self.answers.nylas_configured {
                None => skipped("Nylas hasn't been set up yet."),
                Some(r) => match r.problem(&self.answers) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            // Paths B and C (Nylas v2): their own records.
            _ if super::status_v2::is_v2_step(step) => self.v2_verdict(step),
            // Done (paths A, B, C): seeing the report is what the step is for.
            REPORT_STEP if has_report(path) && visited => (StepStatus::Done, None),
            REPORT_STEP if has_report(path) => skipped("You haven't looked at the report yet."),
            // Path D's own steps (the step ids exist on that path only).
            _ if super::status_migrate::is_migrate_step(step) => self.migrate_verdict(step),
            _ => skipped("Nothing is recorded for this step yet."),
        }
    }

    /// Remember which Nylas application the stored API key opened (or
    /// forget it: `None` when the stored key no longer works anywhere).
    pub fn record_nylas_account(&mut self, record: Option<NylasAccountRecord>) {
        self.answers.nylas_account = record;
        self.settle_statuses();
    }

    /// Remember what the last test sign-in showed.
    pub fn record_test_sign_in(&mut self, record: TestSignInRecord) {
        self.answers.test_sign_in = Some(record);
        self.settle_statuses();
    }

    /// Remember what the last "Configure Nylas" run did.
    pub fn record_nylas_configured(&mut self, record: crate::nylas::NylasConfiguredRecord) {
        self.answers.nylas_configured = Some(record);
        self.settle_statuses();
    }

    /// Start over: forget the path, every answer, status and paused path.
    /// Practice mode stays as it is (leaving it is its own switch).
    pub fn start_over(&mut self) {
        *self = Progress {
            practice: self.practice,
            ..Progress::default()
        };
    }

    /// What leaving the current step now would mark it.
    pub fn leaving(&self) -> Option<StepLeave> {
        let step = self.step.as_deref()?;
        let (status, reason) = self.verdict(step, true);
        Some(StepLeave {
            step: step.to_string(),
            status,
            reason,
        })
    }

    /// Mark the current step as it is left (before a move).
    pub(super) fn leave_step(&mut self) {
        if let Some(step) = self.step.clone() {
            let (status, _) = self.verdict(&step, true);
            self.step_status.insert(step, status);
        }
    }

    /// Statuses of the chosen path after any change: the current step is in
    /// progress (or still needs attention); steps before it that were never
    /// opened get their verdict; a step left before statuses were set on
    /// leaving (an older progress file) gets its verdict too.
    pub(super) fn settle_statuses(&mut self) {
        let Some(path) = self.path else { return };
        let steps = path_info(path).steps;
        let current = steps.iter().position(|s| Some(&s.id) == self.step.as_ref());
        for (i, s) in steps.iter().enumerate() {
            let old = self.step_status.get(&s.id).copied().unwrap_or_default();
            let new = if Some(i) == current {
                match old {
                    StepStatus::NeedsAttention => old,
                    _ => StepStatus::InProgress,
                }
            } else {
                match old {
                    StepStatus::NotStarted if current.is_some_and(|c| i < c) => {
                        self.verdict(&s.id, false).0
                    }
                    StepStatus::InProgress => self.verdict(&s.id, true).0,
                    // Answered since it was skipped (e.g. features picked on
                    // the Azure app step): Skipped would no longer be true.
                    StepStatus::Skipped if self.verdict(&s.id, false).0 == StepStatus::Done => {
                        StepStatus::Done
                    }
                    // E.g. the region changed after the Nylas key was checked.
                    StepStatus::Done | StepStatus::NeedsAttention
                        if FOLLOWS_OTHER_ANSWERS.contains(&s.id.as_str()) =>
                    {
                        self.verdict(&s.id, true).0
                    }
                    _ => old,
                }
            };
            if new != StepStatus::NotStarted || self.step_status.contains_key(&s.id) {
                self.step_status.insert(s.id.clone(), new);
            }
        }
    }
}

/// The paths whose Done step shows a report.
pub(super) fn has_report(path: PathId) -> bool {
    matches!(
        path,
        PathId::V3 | PathId::Teams | PathId::V2Events | PathId::Migrate
    )
}

pub(super) fn skipped(reason: &str) -> (StepStatus, Option<String>) {
    (StepStatus::Skipped, Some(reason.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerUpdate;
    use crate::paths::PathId;
    use crate::scopes::{Feature, Preset};

    fn status(p: &Progress, step: &str) -> StepStatus {
        p.step_status.get(step).copied().unwrap_or_default()
    }

    #[test]
    fn a_step_is_never_done_while_the_admin_is_on_it() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        assert_eq!(status(&p, "features"), StepStatus::InProgress);
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        assert_eq!(p.leaving().unwrap().reason, None);
        p.go_to_step("region").unwrap();
        assert_eq!(status(&p, "features"), StepStatus::Done);
        assert_eq!(status(&p, "region"), StepStatus::InProgress);
        // Coming back makes it current again: in progress until left.
        p.go_to_step("features").unwrap();
        assert_eq!(status(&p, "features"), StepStatus::InProgress);
    }

    #[test]
    fn leaving_without_valid_answers_is_skipped_and_says_why() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        let leave = p.leaving().unwrap();
        assert_eq!(leave.step, "features");
        assert_eq!(leave.status, StepStatus::Skipped);
        assert_eq!(
            leave.reason.as_deref(),
            Some("You haven't chosen what your app does yet.")
        );
        p.go_to_step("region").unwrap();
        assert_eq!(status(&p, "features"), StepStatus::Skipped);
        // The region's default (US) counts once the admin has seen it.
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.go_to_step("azure-app").unwrap();
        assert_eq!(status(&p, "region"), StepStatus::Done);
        assert_eq!(p.answers.region, None, "leaving doesn't invent an answer");
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert_eq!(
            leave.reason.as_deref(),
            Some("Your Azure app hasn't been checked yet.")
        );
        // A step that isn't built is skipped when left.
        p.go_to_step("nylas-account").unwrap();
        assert_eq!(status(&p, "azure-app"), StepStatus::Skipped);
        p.go_to_step("connector").unwrap();
        assert_eq!(status(&p, "nylas-account"), StepStatus::Skipped);
    }

    #[test]
    fn steps_passed_over_are_never_not_started() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("connector").unwrap();
        for step in ["features", "region", "azure-app", "nylas-account"] {
            assert_eq!(status(&p, step), StepStatus::Skipped, "{step}");
        }
        assert_eq!(status(&p, "connector"), StepStatus::InProgress);
        // Steps after the current one stay not started.
        assert_eq!(status(&p, "report"), StepStatus::NotStarted);
        assert!(!p.step_status.contains_key("report"));
        // A region answered elsewhere is done even though it was passed over.
        let mut p = Progress::default();
        p.answers.region = Some(crate::regions::Region::Eu);
        p.choose_path(Some(PathId::V3));
        p.go_to_step("azure-app").unwrap();
        assert_eq!(status(&p, "region"), StepStatus::Done);
    }

    #[test]
    fn teams_features_need_calendar_write_to_be_done() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert!(leave.reason.unwrap().contains("calendar write"));
        p.set_answer(AnswerUpdate::Feature {
            feature: Feature::CalendarWrite,
            on: true,
        })
        .unwrap();
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
    }

    #[test]
    fn leaving_for_the_welcome_screen_sets_the_status_too() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V2Events));
        // v2 has a default calendar scope: accepted when the step is left.
        assert_eq!(status(&p, "features"), StepStatus::InProgress);
        p.choose_path(None);
        assert_eq!(
            p.paused[&PathId::V2Events].step_status["features"],
            StepStatus::Done
        );
        p.choose_path(Some(PathId::V2Events));
        assert_eq!(status(&p, "features"), StepStatus::InProgress);
    }

    #[test]
    fn the_azure_app_is_done_when_left_after_a_passing_check() {
        use crate::answers::LastCheck;
        let check = |fail| LastCheck {
            display_name: None,
            checked_at: time::OffsetDateTime::UNIX_EPOCH,
            fail,
            warn: 0,
            pass: 3,
        };
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("azure-app").unwrap();
        p.answers.last_check = Some(check(2));
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::NeedsAttention);
        assert_eq!(
            leave.reason.as_deref(),
            Some("The last check found 2 things to fix.")
        );
        p.answers.last_check = Some(check(0));
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.go_to_step("report").unwrap();
        assert_eq!(status(&p, "azure-app"), StepStatus::Done);
    }

    #[test]
    fn a_skipped_step_answered_later_elsewhere_becomes_done() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step(AZURE_APP_STEP).unwrap();
        assert_eq!(status(&p, FEATURES_STEP), StepStatus::Skipped);
        assert_eq!(status(&p, REGION_STEP), StepStatus::Skipped);
        // The Azure app step offers the presets too.
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        assert_eq!(status(&p, FEATURES_STEP), StepStatus::Done);
        // A region default never shown stays skipped.
        assert_eq!(status(&p, REGION_STEP), StepStatus::Skipped);
    }

    #[test]
    fn the_nylas_account_is_done_for_the_region_its_key_was_checked_in() {
        use crate::regions::Region;
        let record = |region| NylasAccountRecord {
            application_id: "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b".into(),
            region,
            name: None,
            checked_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step(NYLAS_ACCOUNT_STEP).unwrap();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert_eq!(
            leave.reason.as_deref(),
            Some("Your Nylas API key hasn't been checked yet.")
        );
        p.record_nylas_account(Some(record(Region::Us)));
        assert_eq!(status(&p, NYLAS_ACCOUNT_STEP), StepStatus::InProgress);
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.go_to_step("connector").unwrap();
        assert_eq!(status(&p, NYLAS_ACCOUNT_STEP), StepStatus::Done);

        // The region changes afterwards: the key needs checking again.
        p.set_answer(AnswerUpdate::Region(Region::Eu)).unwrap();
        assert_eq!(status(&p, NYLAS_ACCOUNT_STEP), StepStatus::NeedsAttention);
        let (_, why) = p.verdict(NYLAS_ACCOUNT_STEP, true);
        assert!(why.unwrap().contains("checked in the US region"));
        // Back to the region it was checked in: done again.
        p.set_answer(AnswerUpdate::Region(Region::Us)).unwrap();
        assert_eq!(status(&p, NYLAS_ACCOUNT_STEP), StepStatus::Done);

        // A stored key that stopped working is forgotten: no longer done.
        p.record_nylas_account(None);
        assert_eq!(status(&p, NYLAS_ACCOUNT_STEP), StepStatus::Skipped);
    }

    #[test]
    fn starting_over_forgets_answers_statuses_and_paused_paths() {
        let mut p = Progress {
            practice: true,
            ..Progress::default()
        };
        p.choose_path(Some(PathId::V3));
        p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        p.go_to_step("region").unwrap();
        p.choose_path(Some(PathId::Teams));
        assert!(!p.paused.is_empty());
        p.start_over();
        assert_eq!(
            p,
            Progress {
                practice: true,
                ..Progress::default()
            }
        );
    }

    #[test]
    fn an_older_file_with_a_left_step_in_progress_is_settled() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.step = Some("region".into());
        p.step_status
            .insert("features".into(), StepStatus::InProgress);
        // What the window is sent is settled even before any change.
        assert_eq!(
            p.view().progress.step_status["features"],
            StepStatus::Skipped
        );
        p.settle_statuses();
        assert_eq!(status(&p, "features"), StepStatus::Skipped);
        assert_eq!(status(&p, "region"), StepStatus::InProgress);
    }
}
