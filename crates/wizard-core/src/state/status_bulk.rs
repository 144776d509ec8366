//! Path E's step facts (issue 12): what the tenants, consent and mailboxes
//! steps last did, as counts (never an address or a secret), and the
//! verdicts that follow from them. The "What changed" and Done steps are
//! done once seen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::status::skipped;
use super::{Progress, StepStatus};
use crate::paths::{
    BULK_CONSENT_STEP, BULK_EXPLAIN_STEP, BULK_GRANTS_STEP, BULK_TENANTS_STEP, REPORT_STEP,
};

/// Path E's records, kept with the answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct BulkAnswers {
    /// The last run that created the tenants' admin-consent credentials.
    pub credentials: Option<BulkRunRecord>,
    /// How many of the tenants have given admin consent.
    pub consent: Option<BulkConsentRecord>,
    /// The last run that connected the mailboxes.
    pub grants: Option<BulkRunRecord>,
}

/// What a bulk run did, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct BulkRunRecord {
    /// The chosen file's name, when known.
    pub source: Option<String>,
    pub total: u32,
    pub created: u32,
    pub reused: u32,
    pub failed: u32,
    /// Stopped before every item was done.
    pub cancelled: bool,
    /// The Nylas application it ran against.
    pub application_id: String,
    /// RFC 3339.
    pub at: String,
}

impl BulkRunRecord {
    /// Why the step isn't done, in one sentence (`what`: "tenants" or
    /// "mailboxes").
    pub fn problem(&self, what: &str, application: Option<&str>) -> Option<String> {
        if application.is_some_and(|a| a != self.application_id) {
            return Some(format!(
                "Your Nylas API key now opens another application than the one your {what} were done in: run this step again."
            ));
        }
        let done = self.created + self.reused;
        if self.cancelled {
            return Some(format!(
                "Stopped after {done} of {} {what}: continue to finish the rest.",
                self.total
            ));
        }
        if self.failed > 0 {
            return Some(format!(
                "{} of {} {what} failed: see the reasons, fix them and run it again.",
                self.failed, self.total
            ));
        }
        None
    }
}

/// Admin consent, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct BulkConsentRecord {
    /// Tenants with an admin-consent credential.
    pub total: u32,
    /// Of those, how many gave consent (seen by this wizard).
    pub consented: u32,
    pub application_id: String,
    pub at: String,
}

/// Whether `step` is judged here (on path E only).
pub(super) fn is_bulk_step(step: &str) -> bool {
    matches!(
        step,
        BULK_EXPLAIN_STEP | BULK_TENANTS_STEP | BULK_CONSENT_STEP | BULK_GRANTS_STEP | REPORT_STEP
    )
}

impl Progress {
    /// The verdict of one of path E's steps (see [`is_bulk_step`]).
    pub(super) fn bulk_verdict(&self, step: &str, visited: bool) -> (StepStatus, Option<String>) {
        let b = &self.answers.bulk;
        let app = self
            .answers
            .nylas_account
            .as_ref()
            .map(|a| a.application_id.as_str());
        let of = |r: &BulkRunRecord, what: &str| match r.problem(what, app) {
            None => (StepStatus::Done, None),
            Some(why) => (StepStatus::NeedsAttention, Some(why)),
        };
        match step {
            BULK_EXPLAIN_STEP if visited => (StepStatus::Done, None),
            BULK_EXPLAIN_STEP => skipped("You haven't read what changed yet."),
            BULK_TENANTS_STEP => match &b.credentials {
                None => skipped("No admin-consent credentials have been created yet."),
                Some(r) => of(r, "tenants"),
            },
            BULK_CONSENT_STEP => match &b.consent {
                None => skipped("No tenant's admin has given consent yet."),
                Some(c) if c.consented == 0 => {
                    skipped("No tenant's admin has given consent yet.")
                }
                Some(c) if app.is_some_and(|a| a != c.application_id) => (
                    StepStatus::NeedsAttention,
                    Some("Your Nylas API key now opens another application than the one consent was given for: check consent again.".into()),
                ),
                Some(c) if c.consented < c.total => (
                    StepStatus::NeedsAttention,
                    Some(format!(
                        "{} of {} tenants have given admin consent; the others' admins still need to open their links.",
                        c.consented, c.total
                    )),
                ),
                Some(_) => (StepStatus::Done, None),
            },
            BULK_GRANTS_STEP => match &b.grants {
                None => skipped("No mailboxes have been connected yet."),
                Some(r) => of(r, "mailboxes"),
            },
            REPORT_STEP if visited => (StepStatus::Done, None),
            REPORT_STEP => skipped("You haven't looked at the summary yet."),
            _ => skipped("Nothing is recorded for this step yet."),
        }
    }

    /// Remember what the tenants' credentials run did.
    pub fn record_bulk_credentials(&mut self, record: BulkRunRecord) {
        self.answers.bulk.credentials = Some(record);
        self.settle_statuses();
    }

    /// Remember how many tenants have given consent.
    pub fn record_bulk_consent(&mut self, record: BulkConsentRecord) {
        self.answers.bulk.consent = Some(record);
        self.settle_statuses();
    }

    /// Remember what the mailboxes run did.
    pub fn record_bulk_grants(&mut self, record: BulkRunRecord) {
        self.answers.bulk.grants = Some(record);
        self.settle_statuses();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::PathId;

    fn on_path_e() -> Progress {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Bulk));
        p
    }

    fn run(total: u32, created: u32, failed: u32, cancelled: bool) -> BulkRunRecord {
        BulkRunRecord {
            source: Some("tenants.csv".into()),
            total,
            created,
            reused: 0,
            failed,
            cancelled,
            application_id: "app-1".into(),
            at: "2026-12-02T03:00:00Z".into(),
        }
    }

    fn status(p: &Progress, step: &str) -> StepStatus {
        p.step_status.get(step).copied().unwrap_or_default()
    }

    #[test]
    fn what_changed_is_done_once_read_and_skipped_when_passed_over() {
        let mut p = on_path_e();
        assert_eq!(p.step.as_deref(), Some(BULK_EXPLAIN_STEP));
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.go_to_step(REPORT_STEP).unwrap();
        assert_eq!(status(&p, BULK_EXPLAIN_STEP), StepStatus::Done);
        assert_eq!(
            p.bulk_verdict(BULK_EXPLAIN_STEP, false),
            skipped("You haven't read what changed yet.")
        );
    }

    #[test]
    fn runs_are_done_only_when_every_item_is() {
        let mut p = on_path_e();
        let tenants = |p: &Progress| p.bulk_verdict(BULK_TENANTS_STEP, true);
        assert_eq!(tenants(&p).0, StepStatus::Skipped);
        p.record_bulk_credentials(run(40, 12, 0, true));
        assert_eq!(
            tenants(&p),
            (
                StepStatus::NeedsAttention,
                Some("Stopped after 12 of 40 tenants: continue to finish the rest.".into())
            )
        );
        p.record_bulk_credentials(run(40, 39, 1, false));
        assert!(tenants(&p).1.unwrap().starts_with("1 of 40 tenants failed"));
        p.record_bulk_credentials(run(40, 40, 0, false));
        assert_eq!(tenants(&p), (StepStatus::Done, None));
        p.record_bulk_grants(run(3, 2, 1, false));
        assert!(p
            .bulk_verdict(BULK_GRANTS_STEP, true)
            .1
            .unwrap()
            .contains("1 of 3 mailboxes failed"));
    }

    #[test]
    fn consent_counts_tenants_and_a_changed_application_needs_a_look() {
        let mut p = on_path_e();
        let consent = |p: &Progress| p.bulk_verdict(BULK_CONSENT_STEP, true);
        let rec = |consented| BulkConsentRecord {
            total: 5,
            consented,
            application_id: "app-1".into(),
            at: "2026-12-02T03:00:00Z".into(),
        };
        p.record_bulk_consent(rec(0));
        assert_eq!(consent(&p).0, StepStatus::Skipped);
        p.record_bulk_consent(rec(2));
        assert_eq!(
            consent(&p).1.as_deref(),
            Some("2 of 5 tenants have given admin consent; the others' admins still need to open their links.")
        );
        p.record_bulk_consent(rec(5));
        assert_eq!(consent(&p), (StepStatus::Done, None));
        p.answers.nylas_account = Some(
            serde_json::from_value(serde_json::json!({
                "application_id": "app-2", "region": "us", "name": "Other",
                "checked_at": "2026-12-02T03:00:00Z"
            }))
            .unwrap(),
        );
        assert_eq!(consent(&p).0, StepStatus::NeedsAttention);
        // A credentials run in another application needs running again.
        p.record_bulk_credentials(run(5, 5, 0, false));
        assert!(p
            .bulk_verdict(BULK_TENANTS_STEP, true)
            .1
            .unwrap()
            .contains("another application"));
    }
}
