//! Step verdicts of path D's first steps (issue 12: the v2 scopes translated,
//! the v2 accounts sorted) and the `record_*` methods those steps call.

use super::status::skipped;
use super::{Progress, StepStatus};
use crate::answers::FeatureAnswer;
use crate::migrate::{MigrateAccountsRecord, MigrateScopesRecord};
use crate::paths::{MIGRATE_ACCOUNTS_STEP, MIGRATE_SCOPES_STEP};

/// Whether `step` is one of the migration steps judged here.
pub(super) fn is_migrate_step(step: &str) -> bool {
    matches!(step, MIGRATE_SCOPES_STEP | MIGRATE_ACCOUNTS_STEP)
}

impl Progress {
    /// The verdict of a migration step (see [`is_migrate_step`]).
    pub(super) fn migrate_verdict(&self, step: &str) -> (StepStatus, Option<String>) {
        match step {
            MIGRATE_SCOPES_STEP => match &self.answers.migrate_scopes {
                None => skipped("Your v2 scopes haven't been translated yet."),
                // Path A's Features step shares these features.
                Some(r) if FeatureAnswer::of(&r.features) != self.answers.features => (
                    StepStatus::NeedsAttention,
                    Some("The permissions were changed on another path since your v2 scopes were translated; translate them again.".into()),
                ),
                Some(_) => (StepStatus::Done, None),
            },
            MIGRATE_ACCOUNTS_STEP => match &self.answers.migrate_accounts {
                None => skipped("No v2 account list has been sorted yet."),
                Some(r) => match r.problem() {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            _ => skipped("Nothing is recorded for this step yet."),
        }
    }

    /// Remember the translated v2 scopes; their features become the v3
    /// features the Azure app step checks the new app against.
    pub fn record_migrate_scopes(&mut self, record: MigrateScopesRecord) {
        self.answers.features = FeatureAnswer::of(&record.features);
        self.answers.migrate_scopes = Some(record);
        self.settle_statuses();
    }

    /// Remember what sorting the v2 account list found (counts only).
    pub fn record_migrate_accounts(&mut self, record: MigrateAccountsRecord) {
        self.answers.migrate_accounts = Some(record);
        self.settle_statuses();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{classify, translate_text};
    use crate::paths::PathId;

    fn on_path_d() -> Progress {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Migrate));
        p
    }

    fn now() -> String {
        "2026-12-01T23:00:00Z".into()
    }

    #[test]
    fn translated_scopes_are_the_features_the_azure_app_is_audited_against() {
        let mut p = on_path_d();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.step, MIGRATE_SCOPES_STEP);
        assert_eq!(
            (leave.status, leave.reason.as_deref()),
            (
                StepStatus::Skipped,
                Some("Your v2 scopes haven't been translated yet.")
            )
        );
        assert!(p.answers.for_path(PathId::Migrate).needs_features);
        let t = translate_text("email.read_only,calendar").unwrap();
        p.record_migrate_scopes(MigrateScopesRecord::of(&t, now()));
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        let current = p.answers.for_path(PathId::Migrate);
        assert!(!current.needs_features);
        let request = p.answers.audit_request(PathId::Migrate).unwrap();
        assert_eq!(request.features, t.features);
        assert_eq!(
            p.answers.scope_plan(PathId::Migrate).unwrap().scope_names,
            t.scopes
        );
        // Changing the shared features elsewhere makes it need a look.
        p.choose_path(Some(PathId::V3));
        p.set_answer(crate::answers::AnswerUpdate::Preset(
            crate::scopes::Preset::ContactsSync,
        ))
        .unwrap();
        p.choose_path(Some(PathId::Migrate));
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::NeedsAttention);
        assert!(leave.reason.unwrap().contains("translate them again"));
        // Start over forgets it.
        p.start_over();
        assert!(p.answers.migrate_scopes.is_none());
    }

    #[test]
    fn sorted_accounts_are_done_unless_rows_couldnt_be_sorted() {
        let mut p = on_path_d();
        p.go_to_step(MIGRATE_ACCOUNTS_STEP).unwrap();
        assert_eq!(
            p.leaving().unwrap().reason.as_deref(),
            Some("No v2 account list has been sorted yet.")
        );
        let c = classify("email,provider,authentication_type\na@contoso.com,graph,token\nb@contoso.com,gmail,token\n").unwrap();
        p.record_migrate_accounts(MigrateAccountsRecord::of(
            &c,
            Some("accounts.csv".into()),
            now(),
        ));
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::NeedsAttention);
        assert_eq!(
            leave.reason.as_deref(),
            Some("1 row of the account list couldn't be sorted.")
        );
        let c =
            classify("email,provider,authentication_type\na@contoso.com,graph,token\n").unwrap();
        let r = MigrateAccountsRecord::of(&c, None, now());
        assert_eq!(r.counts, [1, 0, 0, 0]);
        p.record_migrate_accounts(r);
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.go_to_step("ews").unwrap();
        assert_eq!(p.step_status[MIGRATE_ACCOUNTS_STEP], StepStatus::Done);
        p.start_over();
        assert!(p.answers.migrate_accounts.is_none());
    }
}
