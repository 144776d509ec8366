//! Step verdicts of path D's first steps (issue 12: the v2 scopes translated,
//! the v2 accounts sorted) and the `record_*` methods those steps call.

use super::status::skipped;
use super::{Progress, StepStatus};
use crate::answers::FeatureAnswer;
use crate::migrate::{MigrateAccountsRecord, MigrateScopesRecord};
use crate::nylas::ews::EwsRecord;
use crate::nylas::NylasConfiguredRecord;
use crate::paths::{
    CONFIGURE_NYLAS_STEP, MIGRATE_ACCOUNTS_STEP, MIGRATE_EWS_STEP, MIGRATE_SCOPES_STEP,
};

/// Whether `step` is one of the migration steps judged here (on path D:
/// `connector` there is the imported connector, judged by its own record).
pub(super) fn is_migrate_step(step: &str) -> bool {
    matches!(
        step,
        MIGRATE_SCOPES_STEP | MIGRATE_ACCOUNTS_STEP | CONFIGURE_NYLAS_STEP | MIGRATE_EWS_STEP
    )
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
            CONFIGURE_NYLAS_STEP => match &self.answers.migrate_connector {
                None => skipped("The imported Microsoft connector hasn't been given your new Azure app's settings yet."),
                Some(r) => match r.problem(&self.answers) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                },
            },
            MIGRATE_EWS_STEP => self.ews_verdict(),
            _ => skipped("Nothing is recorded for this step yet."),
        }
    }

    /// The EWS connector is needed only for Exchange on-premises accounts.
    fn ews_verdict(&self) -> (StepStatus, Option<String>) {
        let Some(accounts) = &self.answers.migrate_accounts else {
            return skipped("Your v2 accounts haven't been sorted yet, so it isn't known whether the EWS connector is needed.");
        };
        if !accounts.needs_ews_connector {
            // Nothing to set up: saying so is the step's whole answer.
            return (StepStatus::Done, None);
        }
        match &self.answers.migrate_ews {
            None => skipped(
                "The EWS connector that your Exchange on-premises accounts need isn't set up yet.",
            ),
            Some(r) => {
                let app = self
                    .answers
                    .nylas_account
                    .as_ref()
                    .map(|a| a.application_id.as_str());
                match r.problem(app, self.answers.region()) {
                    None => (StepStatus::Done, None),
                    Some(why) => (StepStatus::NeedsAttention, Some(why)),
                }
            }
        }
    }

    /// Remember the last run on the imported Microsoft connector.
    pub fn record_migrate_connector(&mut self, record: NylasConfiguredRecord) {
        self.answers.migrate_connector = Some(record);
        self.settle_statuses();
    }

    /// Remember what the EWS step found or created.
    pub fn record_migrate_ews(&mut self, record: EwsRecord) {
        self.answers.migrate_ews = Some(record);
        self.settle_statuses();
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

    fn account_record(app: &str) -> crate::nylas::NylasAccountRecord {
        crate::nylas::NylasAccountRecord {
            application_id: app.into(),
            region: crate::regions::Region::Us,
            name: None,
            checked_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn path_d_s_connector_is_judged_by_its_own_record() {
        let mut p = on_path_d();
        p.answers.client_id = Some("5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03".into());
        p.answers.tenant = Some("contoso.com".into());
        p.record_nylas_account(Some(account_record("app-1")));
        p.go_to_step(CONFIGURE_NYLAS_STEP).unwrap();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert!(leave
            .reason
            .unwrap()
            .contains("imported Microsoft connector"));
        // Path A's record doesn't count for path D.
        let run = NylasConfiguredRecord {
            application_id: "app-1".into(),
            region: crate::regions::Region::Us,
            client_id: "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03".into(),
            tenant: "contoso.com".into(),
            complete: true,
            at: time::OffsetDateTime::UNIX_EPOCH,
        };
        p.record_nylas_configured(run.clone());
        assert_eq!(p.leaving().unwrap().status, StepStatus::Skipped);
        p.record_migrate_connector(NylasConfiguredRecord {
            complete: false,
            ..run.clone()
        });
        assert_eq!(p.leaving().unwrap().status, StepStatus::NeedsAttention);
        p.record_migrate_connector(run);
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        // A new Azure app afterwards: set it up again.
        p.answers.client_id = Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301".into());
        assert_eq!(p.leaving().unwrap().status, StepStatus::NeedsAttention);
        p.start_over();
        assert!(p.answers.migrate_connector.is_none());
    }

    #[test]
    fn the_ews_step_is_done_when_not_needed_and_else_when_the_connector_is_there() {
        use crate::nylas::ews::EwsBodyShape;
        let mut p = on_path_d();
        p.record_nylas_account(Some(account_record("app-1")));
        p.go_to_step(MIGRATE_EWS_STEP).unwrap();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert!(leave.reason.unwrap().contains("haven't been sorted"));
        let cloud =
            classify("email,provider,authentication_type\na@contoso.com,graph,token\n").unwrap();
        p.record_migrate_accounts(MigrateAccountsRecord::of(&cloud, None, now()));
        assert_eq!(
            p.leaving().unwrap(),
            crate::state::StepLeave {
                step: MIGRATE_EWS_STEP.into(),
                status: StepStatus::Done,
                reason: None,
            }
        );
        let onprem =
            classify("email,provider,authentication_type\nb@corp.example,exchange,password\n")
                .unwrap();
        assert!(onprem.needs_ews_connector);
        p.record_migrate_accounts(MigrateAccountsRecord::of(&onprem, None, now()));
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert!(leave.reason.unwrap().contains("isn't set up yet"));
        let record = EwsRecord {
            application_id: "app-1".into(),
            region: crate::regions::Region::Us,
            present: true,
            created: true,
            accepted: Some(EwsBodyShape::ScopeList),
            at: time::OffsetDateTime::UNIX_EPOCH,
        };
        p.record_migrate_ews(record.clone());
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.record_migrate_ews(EwsRecord {
            present: false,
            ..record
        });
        assert_eq!(p.leaving().unwrap().status, StepStatus::NeedsAttention);
        p.start_over();
        assert!(p.answers.migrate_ews.is_none());
    }
}
