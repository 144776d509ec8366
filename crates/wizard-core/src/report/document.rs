//! The report as a typed JSON document ([`SetupReport`]): stable field
//! names (see [`REPORT_FORMAT`]), never a secret.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use super::{
    left, next_steps_for, AccountFacts, ChangeFacts, ConfigureFacts, NextStep, NylasAppFacts,
    ReportInput, SignInFacts, REPORT_FORMAT,
};
use crate::audit::{CheckId, FindingStatus, Tenancy};
use crate::migrate::checklist::MigrateChecklist;
use crate::migrate::{MigrateAccountsRecord, MigrateScopesRecord};
use crate::nylas_v2::{AccountsRecord, NylasV2Record, TeamsIntegrationRecord};
use crate::paths::{path_info, PathId};
use crate::regions::Region;
use crate::secrets::StoredSecret;
use crate::state::StepStatus;
use crate::summary::{AuditSource, LeftItem};

/// A permission and why, in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportScope {
    pub name: String,
    pub resource: String,
    pub reason: String,
    pub admin_consent: bool,
}

/// The answers, in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportAnswers {
    /// The chosen features' plain labels.
    pub features: Vec<String>,
    pub scopes: Vec<ReportScope>,
    pub region: Region,
    /// True when the region was never answered (US by default).
    pub region_default: bool,
    pub tenancy: Option<Tenancy>,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    /// The admin's own callback URIs.
    pub callback_uris: Vec<String>,
}

/// A step of the path and its status, in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportStep {
    pub id: String,
    pub title: String,
    pub status: StepStatus,
    pub built: bool,
}

/// Where a secret is kept, in the JSON document (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportSecret {
    /// In the OS keychain (true) or in memory for this run only (false).
    pub persistent: bool,
    /// Enough to recognise it (`Q~x…7Fd`).
    pub hint: String,
}

impl From<&StoredSecret> for ReportSecret {
    fn from(s: &StoredSecret) -> Self {
        Self {
            persistent: s.persistent,
            hint: s.hint.clone(),
        }
    }
}

/// One finding of the last audit, in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportFinding {
    pub check: CheckId,
    pub status: FindingStatus,
    pub title: String,
    pub fix: Option<String>,
}

/// The last audit of the Azure app, in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportAudit {
    pub app_name: Option<String>,
    /// `None` when only the counts are left (the findings are not).
    pub source: Option<AuditSource>,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub checked_at: OffsetDateTime,
    pub fail: usize,
    pub warn: usize,
    pub pass: usize,
    pub findings: Vec<ReportFinding>,
}

/// The report as a JSON document. Field names are stable (see
/// [`REPORT_FORMAT`]); it never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SetupReport {
    pub format: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub generated_at: OffsetDateTime,
    pub practice: bool,
    pub path: Option<PathId>,
    /// Nothing is left to do.
    pub complete: bool,
    pub answers: ReportAnswers,
    pub steps: Vec<ReportStep>,
    pub client_secret: Option<ReportSecret>,
    pub nylas_api_key: Option<ReportSecret>,
    pub audit: Option<ReportAudit>,
    pub nylas_application: Option<NylasAppFacts>,
    pub configure: Option<ConfigureFacts>,
    pub test_sign_in: Option<SignInFacts>,
    /// `None`: this run doesn't know which changes were made.
    pub changes: Option<Vec<ChangeFacts>>,
    pub left: Vec<LeftItem>,
    /// What to do next in your own app, with the documentation.
    pub next: Vec<NextStep>,
    /// Paths B and C: the Nylas v2 application checked (its client ID and
    /// region; the secret only as a hint below).
    #[serde(default)]
    pub nylas_v2: Option<NylasV2Record>,
    #[serde(default)]
    pub nylas_v2_client_secret: Option<ReportSecret>,
    /// Path B: the Microsoft Teams integration.
    #[serde(default)]
    pub teams_integration: Option<TeamsIntegrationRecord>,
    /// Path B: the accounts connected to Teams (counts).
    #[serde(default)]
    pub teams_accounts: Option<AccountsRecord>,
    /// Path C: the accounts connected through Microsoft Graph (counts).
    #[serde(default)]
    pub v2_accounts: Option<AccountsRecord>,
    /// Paths B and C: the accounts this run connected, one by one (empty
    /// when it doesn't know them).
    #[serde(default)]
    pub accounts: Vec<AccountFacts>,
    /// Path D: the v2 scopes translated to Graph.
    #[serde(default)]
    pub migrate_scopes: Option<MigrateScopesRecord>,
    /// Path D: what sorting the exported v2 accounts found (counts only).
    #[serde(default)]
    pub migrate_accounts: Option<MigrateAccountsRecord>,
    /// Path D: seed 002's checklist, each item with its state and why.
    #[serde(default)]
    pub migrate_checklist: Option<MigrateChecklist>,
    /// Path E: the runs' counts, each tenant's admin-consent credential and
    /// consent, each mailbox's grant (ids and plain reasons only).
    #[serde(default)]
    pub bulk: Option<super::BulkReport>,
}

/// The report as a typed document (serialise it with serde_json).
pub fn document(input: &ReportInput<'_>) -> SetupReport {
    let s = &input.summary;
    let p = s.progress;
    let a = &p.answers;
    let plan = p.path.and_then(|path| a.scope_plan(path).ok());
    let client_id = s
        .client_id
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .or_else(|| a.client_id.clone())
        .or_else(|| s.audit.and_then(|(r, _)| r.app_id.clone()));
    let audit = match (s.audit, &a.last_check) {
        (Some((r, source)), _) => Some(ReportAudit {
            app_name: r.display_name.clone(),
            source: Some(source),
            checked_at: r.checked_at,
            fail: r.summary.fail,
            warn: r.summary.warn,
            pass: r.summary.pass,
            findings: r
                .findings
                .iter()
                .map(|f| ReportFinding {
                    check: f.check,
                    status: f.status,
                    title: f.title.clone(),
                    fix: f.fix.clone(),
                })
                .collect(),
        }),
        (None, Some(c)) => Some(ReportAudit {
            app_name: c.display_name.clone(),
            source: None,
            checked_at: c.checked_at,
            fail: c.fail,
            warn: c.warn,
            pass: c.pass,
            findings: Vec::new(),
        }),
        (None, None) => None,
    };
    let steps = p
        .path
        .map(|path| {
            path_info(path)
                .steps
                .into_iter()
                .map(|st| ReportStep {
                    status: p.step_status.get(&st.id).copied().unwrap_or_default(),
                    id: st.id,
                    title: st.title,
                    built: st.available,
                })
                .collect()
        })
        .unwrap_or_default();
    let left = left(input);
    let on_v2 = matches!(p.path, Some(PathId::Teams | PathId::V2Events));
    let on_migrate = p.path == Some(PathId::Migrate);
    SetupReport {
        format: REPORT_FORMAT,
        generated_at: s.generated_at.unwrap_or_else(OffsetDateTime::now_utc),
        practice: p.practice,
        path: p.path,
        complete: p.path.is_some() && left.is_empty(),
        answers: ReportAnswers {
            features: plan
                .as_ref()
                .map(|pl| pl.features.iter().map(|f| f.label().to_string()).collect())
                .unwrap_or_default(),
            scopes: plan
                .as_ref()
                .map(|pl| {
                    pl.required
                        .iter()
                        .map(|r| ReportScope {
                            name: r.name.clone(),
                            resource: r.resource_name.clone(),
                            reason: r.reason.clone(),
                            admin_consent: r.admin_consent,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            region: a.region(),
            region_default: a.region.is_none(),
            tenancy: a.tenancy,
            tenant: a.tenant.clone(),
            client_id,
            callback_uris: a.callback_uris.clone(),
        },
        steps,
        client_secret: s.secret.map(ReportSecret::from),
        nylas_api_key: (!on_v2)
            .then(|| input.api_key.map(ReportSecret::from))
            .flatten(),
        audit,
        // Path A's facts; the v2 paths don't use a v3 application.
        nylas_application: (!on_v2)
            .then(|| a.nylas_account.as_ref().map(NylasAppFacts::from))
            .flatten(),
        configure: (!on_v2).then(|| input.configure.cloned()).flatten(),
        test_sign_in: (!on_v2).then(|| input.sign_in.cloned()).flatten(),
        changes: input.changes.map(<[ChangeFacts]>::to_vec),
        next: next_steps_for(input),
        left,
        nylas_v2: on_v2.then(|| a.nylas_v2.clone()).flatten(),
        nylas_v2_client_secret: on_v2
            .then(|| input.v2_secret.map(ReportSecret::from))
            .flatten(),
        teams_integration: (p.path == Some(PathId::Teams))
            .then(|| a.teams_integration.clone())
            .flatten(),
        teams_accounts: (p.path == Some(PathId::Teams))
            .then(|| a.teams_accounts.clone())
            .flatten(),
        v2_accounts: (p.path == Some(PathId::V2Events))
            .then(|| a.v2_accounts.clone())
            .flatten(),
        accounts: if on_v2 {
            input
                .accounts
                .map(<[AccountFacts]>::to_vec)
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        migrate_scopes: on_migrate.then(|| a.migrate_scopes.clone()).flatten(),
        migrate_accounts: on_migrate.then(|| a.migrate_accounts.clone()).flatten(),
        migrate_checklist: on_migrate.then(|| super::migrate::migrate_checklist(input)),
        bulk: (p.path == Some(PathId::Bulk)).then(|| super::bulk::bulk_report(input)),
    }
}

/// The report as JSON text (pretty-printed, for people who open it too).
pub fn json(input: &ReportInput<'_>) -> String {
    // A struct of strings, numbers and enums: serialising can't fail.
    serde_json::to_string_pretty(&document(input)).unwrap_or_default()
}
