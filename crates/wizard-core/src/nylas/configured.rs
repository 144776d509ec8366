//! What the answers keep of the last "Configure Nylas" run, so the step's
//! status is a fact: Done when the last run finished for the answers as
//! they are now; Needs attention when it didn't finish or the answers it
//! was made for have changed since. No secret is kept.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::answers::Answers;
use crate::regions::Region;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasConfiguredRecord {
    /// The Nylas application it was applied to.
    pub application_id: String,
    pub region: Region,
    /// The Azure app and tenant the connector was given.
    pub client_id: String,
    pub tenant: String,
    /// Every step ended added, changed or already right.
    pub complete: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub at: OffsetDateTime,
}

impl NylasConfiguredRecord {
    /// The record of a run for `input` on `application_id`, now.
    pub fn of_run(
        input: &super::ConfigureInput,
        application_id: &str,
        report: &crate::plan::ApplyReport,
    ) -> Self {
        Self {
            application_id: application_id.to_owned(),
            region: input.region,
            client_id: input.client_id.clone(),
            tenant: input.tenant.clone(),
            complete: report.succeeded(),
            at: OffsetDateTime::now_utc(),
        }
    }

    /// Why this run no longer makes the step done for `answers`, if so.
    pub fn problem(&self, answers: &Answers) -> Option<String> {
        if !self.complete {
            return Some(
                "The last run didn't finish: run it again (nothing is added twice).".into(),
            );
        }
        let same_app = answers
            .nylas_account
            .as_ref()
            .is_some_and(|a| a.application_id == self.application_id);
        let same = same_app
            && self.region == answers.region()
            && answers.client_id.as_deref() == Some(self.client_id.as_str())
            && answers
                .tenant
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(&self.tenant));
        (!same).then(|| {
            "Your Azure app, tenant, region or Nylas application changed since Nylas was set up: set it up again.".into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nylas::NylasAccountRecord;

    const CLIENT: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

    fn answers() -> Answers {
        Answers {
            client_id: Some(CLIENT.into()),
            tenant: Some("contoso.com".into()),
            nylas_account: Some(NylasAccountRecord {
                application_id: "app-1".into(),
                region: Region::Us,
                name: None,
                checked_at: OffsetDateTime::UNIX_EPOCH,
            }),
            ..Answers::default()
        }
    }

    fn record(complete: bool) -> NylasConfiguredRecord {
        NylasConfiguredRecord {
            application_id: "app-1".into(),
            region: Region::Us,
            client_id: CLIENT.into(),
            tenant: "Contoso.com".into(),
            complete,
            at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn done_only_for_a_finished_run_for_the_answers_as_they_are() {
        let a = answers();
        assert_eq!(record(true).problem(&a), None);
        assert!(record(false).problem(&a).unwrap().contains("didn't finish"));
        let mut other_client = a.clone();
        other_client.client_id = Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301".into());
        assert!(record(true).problem(&other_client).is_some());
        let mut other_app = a.clone();
        other_app.nylas_account.as_mut().unwrap().application_id = "app-2".into();
        assert!(record(true).problem(&other_app).is_some());
        let mut other_tenant = a;
        other_tenant.tenant = Some("fabrikam.com".into());
        assert!(record(true)
            .problem(&other_tenant)
            .unwrap()
            .contains("set it up again"));
    }
}
