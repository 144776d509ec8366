//! Step verdicts of the Nylas v2 paths (B: Teams, C: v2 Graph events), and
//! the `record_*` methods their steps call after a run.

use super::status::skipped;
use super::{Progress, StepStatus};
use crate::nylas_v2::{AccountsRecord, NylasV2Record, TeamsIntegrationRecord};
use crate::paths::{
    CONNECT_ACCOUNTS_STEP, NATIVE_AUTH_STEP, NYLAS_V2_STEP, TEAMS_INTEGRATION_STEP,
};

/// Whether `step` is one of the v2 steps judged here.
pub(super) fn is_v2_step(step: &str) -> bool {
    matches!(
        step,
        NYLAS_V2_STEP | TEAMS_INTEGRATION_STEP | CONNECT_ACCOUNTS_STEP | NATIVE_AUTH_STEP
    )
}

fn accounts(record: Option<&AccountsRecord>) -> (StepStatus, Option<String>) {
    match record {
        None => skipped("No account has been connected yet."),
        Some(r) => match r.problem() {
            None => (StepStatus::Done, None),
            Some(why) => (StepStatus::NeedsAttention, Some(why)),
        },
    }
}

impl Progress {
    /// The verdict of a v2 step (see [`is_v2_step`]).
    pub(super) fn v2_verdict(&self, step: &str) -> (StepStatus, Option<String>) {
        let region = self.answers.region();
        match step {
            NYLAS_V2_STEP => match &self.answers.nylas_v2 {
                None => skipped("Your Nylas v2 client ID and secret haven't been checked yet."),
                Some(r) => match r.stale_for(region) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            TEAMS_INTEGRATION_STEP => match &self.answers.teams_integration {
                None => skipped("The Teams integration hasn't been set up yet."),
                Some(r) => match r.stale_for(region) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            CONNECT_ACCOUNTS_STEP => accounts(self.answers.teams_accounts.as_ref()),
            NATIVE_AUTH_STEP => accounts(self.answers.v2_accounts.as_ref()),
            _ => skipped("Nothing is recorded for this step yet."),
        }
    }

    /// Remember the v2 app whose credentials were checked (or forget it:
    /// `None` when the stored secret no longer works).
    pub fn record_nylas_v2(&mut self, record: Option<NylasV2Record>) {
        self.answers.nylas_v2 = record;
        self.settle_statuses();
    }

    /// Remember the Teams integration set up (or found) on the beta host.
    pub fn record_teams_integration(&mut self, record: TeamsIntegrationRecord) {
        self.answers.teams_integration = Some(record);
        self.settle_statuses();
    }

    /// Remember the last batch of Teams accounts.
    pub fn record_teams_accounts(&mut self, record: AccountsRecord) {
        self.answers.teams_accounts = Some(record);
        self.settle_statuses();
    }

    /// Remember the last batch of v2 native-auth accounts.
    pub fn record_v2_accounts(&mut self, record: AccountsRecord) {
        self.answers.v2_accounts = Some(record);
        self.settle_statuses();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerUpdate;
    use crate::paths::PathId;
    use crate::regions::Region;

    fn v2(region: Region) -> NylasV2Record {
        NylasV2Record {
            client_id: "practice-v2-contoso-client".into(),
            region,
            checked_at: "2026-12-01T00:00:00Z".into(),
        }
    }

    fn batch(connected: u32, failed: u32) -> AccountsRecord {
        AccountsRecord {
            total: connected + failed,
            connected,
            failed,
            at: "2026-12-01T00:00:00Z".into(),
        }
    }

    /// The verdict as if the step were built (the built lists grow as the
    /// views land; the rule itself doesn't depend on them).
    fn verdict(p: &Progress, step: &str) -> (StepStatus, Option<String>) {
        p.v2_verdict(step)
    }

    #[test]
    fn nothing_recorded_is_skipped_with_a_plain_reason() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        for (step, why) in [
            (
                NYLAS_V2_STEP,
                "Your Nylas v2 client ID and secret haven't been checked yet.",
            ),
            (
                TEAMS_INTEGRATION_STEP,
                "The Teams integration hasn't been set up yet.",
            ),
            (CONNECT_ACCOUNTS_STEP, "No account has been connected yet."),
            (NATIVE_AUTH_STEP, "No account has been connected yet."),
        ] {
            assert_eq!(
                verdict(&p, step),
                (StepStatus::Skipped, Some(why.to_string()))
            );
        }
    }

    #[test]
    fn a_record_for_another_region_needs_attention() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V2Events));
        p.record_nylas_v2(Some(v2(Region::Us)));
        assert_eq!(verdict(&p, NYLAS_V2_STEP), (StepStatus::Done, None));
        p.set_answer(AnswerUpdate::Region(Region::Eu)).unwrap();
        let (s, why) = verdict(&p, NYLAS_V2_STEP);
        assert_eq!(s, StepStatus::NeedsAttention);
        assert!(why.unwrap().contains("checked in the US region"));
        p.answers.teams_integration = Some(TeamsIntegrationRecord {
            integration_id: "i".into(),
            name: "Teams".into(),
            tenant: "common".into(),
            redirect_uris: vec![],
            expires_in: 1_209_600,
            region: Region::Us,
            created: true,
            at: String::new(),
        });
        assert_eq!(
            verdict(&p, TEAMS_INTEGRATION_STEP).0,
            StepStatus::NeedsAttention
        );
        p.set_answer(AnswerUpdate::Region(Region::Us)).unwrap();
        assert_eq!(
            verdict(&p, TEAMS_INTEGRATION_STEP),
            (StepStatus::Done, None)
        );
        // Forgotten (the secret stopped working): skipped again.
        p.record_nylas_v2(None);
        assert_eq!(verdict(&p, NYLAS_V2_STEP).0, StepStatus::Skipped);
    }

    #[test]
    fn failed_accounts_need_attention() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        p.record_teams_accounts(batch(2, 1));
        assert_eq!(
            verdict(&p, CONNECT_ACCOUNTS_STEP),
            (
                StepStatus::NeedsAttention,
                Some("1 account could not be connected.".into())
            )
        );
        p.record_teams_accounts(batch(3, 0));
        assert_eq!(verdict(&p, CONNECT_ACCOUNTS_STEP), (StepStatus::Done, None));
        p.record_v2_accounts(batch(0, 0));
        assert_eq!(verdict(&p, NATIVE_AUTH_STEP).0, StepStatus::NeedsAttention);
    }

    #[test]
    fn paths_b_and_c_have_a_report_done_once_seen() {
        // The verdict itself waits for the Done step to be built (H5).
        assert!(super::super::status::has_report(PathId::Teams));
        assert!(super::super::status::has_report(PathId::V2Events));
        // Path D's Done step shows the report with its migration checklist.
        assert!(super::super::status::has_report(PathId::Migrate));
    }

    #[test]
    fn starting_over_forgets_the_v2_records() {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        p.record_nylas_v2(Some(v2(Region::Us)));
        p.record_teams_accounts(batch(1, 0));
        p.record_v2_accounts(batch(1, 0));
        p.start_over();
        assert_eq!(p.answers.nylas_v2, None);
        assert_eq!(p.answers.teams_accounts, None);
        assert_eq!(p.answers.v2_accounts, None);
        assert_eq!(p, Progress::default());
    }
}
