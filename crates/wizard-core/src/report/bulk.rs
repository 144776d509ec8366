//! The report's part for path E (bulk onboarding with admin consent): the
//! Nylas application and its Microsoft connector, each tenant's
//! admin-consent credential (created or reused, name, ID) and whether its
//! admin consented, each mailbox's grant (created, reused or why it
//! failed), and the runs' counts. The counts come from the progress
//! (`state/status_bulk.rs`); the tenants and mailboxes one by one from the
//! lists chosen and the runs' journals in the data folder
//! ([`BulkFacts::gather`]). Never a secret: journals hold keys, IDs and
//! plain reasons only, and the API key appears only as its hint.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ts_rs::TS;

use super::{configure_blocks, doc, secret_words, NextStep, ReportInput};
use crate::bulk::{credential_name, ConsentJournal, TenantRow, UserRow};
use crate::paths::{
    BULK_CONSENT_STEP, BULK_GRANTS_STEP, BULK_SERVICE_ACCOUNTS_STEP, BULK_TENANTS_STEP,
    CONFIGURE_NYLAS_STEP, REPORT_STEP,
};
use crate::plan::{ManyLine, ManyOutcome};
use crate::portal::DocTopic;
use crate::state::{BulkConsentRecord, BulkRunRecord};
use crate::summary::{date, Block, LeftItem};

/// Steps whose "left to do" this part works out from facts. The v2
/// service accounts step is only for existing v2 setups: never left.
pub(super) const FACT_STEPS: &[&str] = &[
    CONFIGURE_NYLAS_STEP,
    BULK_TENANTS_STEP,
    BULK_CONSENT_STEP,
    BULK_GRANTS_STEP,
    BULK_SERVICE_ACCOUNTS_STEP,
    REPORT_STEP,
];

/// How a tenant's credential or a mailbox's grant ended, as the last run's
/// journal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BulkResult {
    Created,
    /// It was there already; the wizard reused it.
    Reused,
    Failed,
    /// No run has reached it yet.
    NotRun,
}

impl BulkResult {
    fn words(self) -> &'static str {
        match self {
            BulkResult::Created => "Created",
            BulkResult::Reused => "Already there, reused",
            BulkResult::Failed => "Failed",
            BulkResult::NotRun => "Not done yet",
        }
    }
}

/// One tenant: its admin-consent credential and its admin's consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkTenantFacts {
    /// GUID or domain.
    pub tenant: String,
    /// The name from the tenants file.
    pub name: String,
    /// The credential's name in Nylas: `Contoso (contoso.com)`.
    pub credential_name: String,
    pub credential_id: Option<String>,
    pub result: BulkResult,
    /// Why it failed, in plain words.
    pub reason: Option<String>,
    /// When its admin's consent came back to the wizard (RFC 3339).
    pub consented_at: Option<String>,
}

/// One mailbox and its grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkMailboxFacts {
    pub email: String,
    /// The tenant the mailboxes file gave, if it gave one.
    pub tenant: Option<String>,
    pub grant_id: Option<String>,
    pub result: BulkResult,
    pub reason: Option<String>,
}

/// Path E's tenants and mailboxes one by one (the shell gathers them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkFacts {
    /// The tenants file's name, when known.
    pub tenants_source: Option<String>,
    pub tenants: Vec<BulkTenantFacts>,
    pub mailboxes_source: Option<String>,
    pub mailboxes: Vec<BulkMailboxFacts>,
}

/// Path E in the JSON document: the runs' counts and the items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkReport {
    /// The last run that created the tenants' credentials.
    pub credentials_run: Option<BulkRunRecord>,
    pub consent: Option<BulkConsentRecord>,
    /// The last run that connected the mailboxes.
    pub grants_run: Option<BulkRunRecord>,
    /// `None` when this run doesn't know the items (counts only).
    pub items: Option<BulkFacts>,
}

/// A journal's lines, the last per key winning (failures included, unlike
/// a resume, which only skips what is done). Missing file = none; a torn
/// or unreadable line is left out.
fn journal_lines(path: &Path) -> HashMap<String, ManyLine> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<ManyLine>(l).ok())
        .map(|l| (l.key.clone(), l))
        .collect()
}

fn result_of(line: Option<&ManyLine>) -> (BulkResult, Option<String>, Option<String>) {
    match line {
        None => (BulkResult::NotRun, None, None),
        Some(l) => match l.state {
            ManyOutcome::Created => (BulkResult::Created, l.id.clone(), None),
            ManyOutcome::Reused => (BulkResult::Reused, l.id.clone(), None),
            ManyOutcome::Failed => (BulkResult::Failed, None, l.reason.clone()),
        },
    }
}

impl BulkFacts {
    /// The chosen tenants and mailboxes, each with what the runs' journals
    /// and the consent record say of it.
    pub fn gather(
        tenants_source: Option<String>,
        tenants: &[TenantRow],
        mailboxes_source: Option<String>,
        users: &[UserRow],
        credentials_journal: &Path,
        grants_journal: &Path,
        consent: &ConsentJournal,
    ) -> Self {
        let creds = journal_lines(credentials_journal);
        let grants = journal_lines(grants_journal);
        let tenants = tenants
            .iter()
            .map(|t| {
                let (result, credential_id, reason) =
                    result_of(creds.get(&format!("credential:{}", t.tenant)));
                // A consent for an older credential of the tenant doesn't
                // count for the one it has now.
                let consented_at = consent
                    .consents
                    .iter()
                    .find(|c| {
                        c.tenant == t.tenant
                            && credential_id
                                .as_ref()
                                .is_none_or(|id| *id == c.credential_id)
                    })
                    .map(|c| c.consented_at.clone());
                BulkTenantFacts {
                    tenant: t.tenant.clone(),
                    name: t.name.clone(),
                    credential_name: credential_name(&t.name, &t.tenant),
                    credential_id,
                    result,
                    reason,
                    consented_at,
                }
            })
            .collect();
        let mailboxes = users
            .iter()
            .map(|u| {
                let (result, grant_id, reason) =
                    result_of(grants.get(&format!("grant:{}", u.email)));
                BulkMailboxFacts {
                    email: u.email.clone(),
                    tenant: u.tenant.clone(),
                    grant_id,
                    result,
                    reason,
                }
            })
            .collect();
        Self {
            tenants_source,
            tenants,
            mailboxes_source,
            mailboxes,
        }
    }
}

/// Path E's part of the JSON document.
pub(super) fn bulk_report(input: &ReportInput<'_>) -> BulkReport {
    let b = &input.summary.progress.answers.bulk;
    BulkReport {
        credentials_run: b.credentials.clone(),
        consent: b.consent.clone(),
        grants_run: b.grants.clone(),
        items: input.bulk.cloned(),
    }
}

/// An RFC 3339 time as the report writes dates; as given when it isn't one.
fn when(s: &str) -> String {
    OffsetDateTime::parse(s, &Rfc3339).map_or_else(|_| s.to_string(), date)
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One run's counts in a sentence.
fn run_words(r: &BulkRunRecord, one: &str, many: &str) -> String {
    let mut s = format!(
        "Last run{} on {}: {} of {} done ({} created, {} already there and reused)",
        r.source
            .as_deref()
            .map(|s| format!(" from {s}"))
            .unwrap_or_default(),
        when(&r.at),
        r.created + r.reused,
        plural(r.total, one, many),
        r.created,
        r.reused
    );
    if r.failed > 0 {
        s.push_str(&format!(", {} failed", r.failed));
    }
    if r.cancelled {
        s.push_str(", stopped before the end");
    }
    s.push('.');
    s
}

fn result_cell(result: BulkResult, reason: Option<&str>) -> String {
    match reason {
        Some(r) if result == BulkResult::Failed => format!("Failed: {r}"),
        _ => result.words().to_string(),
    }
}

fn id_cell(id: Option<&str>) -> String {
    id.map(|i| format!("`{i}`")).unwrap_or_default()
}

/// Path E's own sections.
pub(super) fn bulk_sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let p = input.summary.progress;
    let answers = &p.answers;
    let app = answers
        .nylas_account
        .as_ref()
        .map(|a| a.application_id.as_str());
    let items = input.bulk;
    let mut b = Vec::new();

    b.push(Block::Heading("Nylas application".into()));
    match answers.nylas_account.as_ref() {
        Some(n) => {
            if let Some(name) = &n.name {
                b.push(Block::Fact("Name".into(), name.clone(), false));
            }
            b.push(Block::Fact(
                "Application ID".into(),
                n.application_id.clone(),
                true,
            ));
            b.push(Block::Fact("Region".into(), n.region.label().into(), false));
        }
        None => b.push(Block::Para(
            "Your Nylas API key hasn't been checked in this run.".into(),
        )),
    }
    b.push(Block::Fact(
        "API key".into(),
        secret_words(input.api_key),
        false,
    ));

    configure_blocks(input, left, &mut b, "Microsoft connector");

    // Tenants: their credentials and their admins' consent.
    b.push(Block::Heading("Tenants and admin consent".into()));
    match answers.bulk.credentials.as_ref() {
        Some(r) => {
            b.push(Block::Para(run_words(r, "tenant", "tenants")));
            if let Some(why) = r.problem("tenants", app) {
                left.push(LeftItem::at(BULK_TENANTS_STEP, why));
            }
        }
        None => {
            b.push(Block::Para(
                "No admin-consent credentials have been created in this run of the wizard.".into(),
            ));
            left.push(LeftItem::at(
                BULK_TENANTS_STEP,
                "Create each tenant's admin-consent credential on the Tenants step.",
            ));
        }
    }
    if let Some(c) = answers.bulk.consent.as_ref() {
        b.push(Block::Para(format!(
            "{} of {} given admin consent.",
            c.consented,
            plural(c.total, "tenant has", "tenants have")
        )));
    }
    if let Some(f) = items.filter(|f| !f.tenants.is_empty()) {
        b.push(Block::Table(
            vec![
                "Tenant".into(),
                "Credential".into(),
                "Credential ID".into(),
                "Result".into(),
                "Admin consent".into(),
            ],
            f.tenants
                .iter()
                .map(|t| {
                    vec![
                        format!("`{}`", t.tenant),
                        t.credential_name.clone(),
                        id_cell(t.credential_id.as_deref()),
                        result_cell(t.result, t.reason.as_deref()),
                        t.consented_at
                            .as_deref()
                            .map(|at| format!("Given ({})", when(at)))
                            .unwrap_or_else(|| "Not yet".into()),
                    ]
                })
                .collect(),
        ));
    }
    let waiting: Vec<&str> = items
        .map(|f| {
            f.tenants
                .iter()
                .filter(|t| t.credential_id.is_some() && t.consented_at.is_none())
                .map(|t| t.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    match answers.bulk.consent.as_ref() {
        Some(c) if app.is_some_and(|a| a != c.application_id) => left.push(LeftItem::at(
            BULK_CONSENT_STEP,
            "Your Nylas API key now opens another application than the one consent was given for: check consent again on the Admin consent step.",
        )),
        Some(c) if c.consented > 0 && c.consented >= c.total => {}
        _ if answers.bulk.credentials.is_none() => {}
        _ => left.push(LeftItem::at(
            BULK_CONSENT_STEP,
            if waiting.is_empty() {
                "Each tenant's admin still needs to open their consent link (the Admin consent step has them, and saves them for sending).".to_string()
            } else {
                format!(
                    "Admin consent still missing for {}: their admins need to open their consent links (the Admin consent step has them).",
                    waiting.join(", ")
                )
            },
        )),
    }

    b.push(Block::Heading("Mailboxes".into()));
    match answers.bulk.grants.as_ref() {
        Some(r) => {
            b.push(Block::Para(run_words(r, "mailbox", "mailboxes")));
            if let Some(why) = r.problem("mailboxes", app) {
                left.push(LeftItem::at(BULK_GRANTS_STEP, why));
            }
        }
        None => {
            b.push(Block::Para(
                "No mailboxes have been connected in this run of the wizard.".into(),
            ));
            left.push(LeftItem::at(
                BULK_GRANTS_STEP,
                "Connect the mailboxes on the Mailboxes step.",
            ));
        }
    }
    if let Some(f) = items.filter(|f| !f.mailboxes.is_empty()) {
        b.push(Block::Table(
            vec!["Mailbox".into(), "Grant ID".into(), "Result".into()],
            f.mailboxes
                .iter()
                .map(|m| {
                    vec![
                        m.email.clone(),
                        id_cell(m.grant_id.as_deref()),
                        result_cell(m.result, m.reason.as_deref()),
                    ]
                })
                .collect(),
        ));
    }
    b
}

/// What comes after this wizard on path E.
pub(super) fn next_steps() -> Vec<NextStep> {
    vec![
        NextStep {
            text: "Your app reads each connected mailbox through its Nylas grant, found by the email address; no user signs in.".into(),
            doc: doc("Nylas documentation", DocTopic::NylasDocs),
        },
        NextStep {
            text: "New tenants or mailboxes later? Add them to your files and run those steps again (or the nylas-ms-setup bulk command): what exists is reused.".into(),
            doc: doc("Nylas dashboard", DocTopic::NylasDashboard),
        },
        NextStep {
            text: "A tenant's admin who hasn't consented yet can open their link whenever they are ready; then run Mailboxes again. If consent fails, paste Microsoft's message (AADSTS…) into Diagnose in this wizard.".into(),
            doc: doc("Microsoft: grant tenant-wide admin consent", DocTopic::MicrosoftAdminConsent),
        },
    ]
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
