//! The report at the end of a path (issue 10 point 5 for path A, issue 11
//! for paths B and C): what was checked and configured, as Markdown (and
//! print-friendly HTML) for people and as a typed JSON document
//! ([`SetupReport`]) for tools. Built on the summary to keep (`summary.rs`):
//! the same blocks and renderer, plus what only the end of the path knows —
//! on path A the Nylas application, what "Configure Nylas" did, the test
//! sign-in; on B and C (`report/v2.rs`) the Nylas v2 application, the Teams
//! integration, the connected accounts; on every path the changes made with
//! how to undo them and what to do next.
//!
//! A pure function of what it is given. Every part past the summary is
//! optional: a step not done yet (or whose result this run no longer has)
//! becomes something left to do, never a guess. It never sees a secret:
//! secrets appear only as where they are kept and their hint.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::nylas::NylasAccountRecord;
use crate::paths::{
    DocLink, PathId, CONFIGURE_NYLAS_STEP, CONNECT_ACCOUNTS_STEP, NATIVE_AUTH_STEP,
    NYLAS_ACCOUNT_STEP, NYLAS_V2_STEP, REPORT_STEP, TEAMS_INTEGRATION_STEP, TEST_SIGN_IN_STEP,
};
use crate::plan::{ApplyReport, Plan, StepAction, StepOutcome};
use crate::portal::DocTopic;
use crate::regions::Region;
use crate::secrets::StoredSecret;
use crate::summary::{self, Block, LeftItem, SummaryFormat, SummaryInput};

/// The version of the JSON document's shape; bumped when a field changes
/// meaning or goes away (new fields may appear without a bump).
pub const REPORT_FORMAT: u32 = 1;

const TITLE: &str = "Nylas Microsoft setup — report";

mod bulk;
mod document;
mod migrate;
mod v2;
pub use bulk::{BulkFacts, BulkMailboxFacts, BulkReport, BulkResult, BulkTenantFacts};
pub use document::*;
pub use v2::AccountFacts;

/// The Nylas application the API key opened (the Nylas account step keeps
/// it in the answers as `nylas_account`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasAppFacts {
    pub application_id: String,
    /// Its name in the Nylas dashboard, if it has one.
    pub name: Option<String>,
    /// The region the key was checked in.
    pub region: Region,
}

impl From<&NylasAccountRecord> for NylasAppFacts {
    fn from(r: &NylasAccountRecord) -> Self {
        Self {
            application_id: r.application_id.clone(),
            name: r.name.clone(),
            region: r.region,
        }
    }
}

/// How one change of "Configure Nylas" ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConfigureOutcome {
    Created,
    Updated,
    /// It was already right: nothing was written.
    AlreadyDone,
    Failed,
    Cancelled,
    /// Not started: an earlier change failed or the run was stopped.
    NotRun,
}

impl ConfigureOutcome {
    fn words(self) -> &'static str {
        match self {
            ConfigureOutcome::Created => "Created",
            ConfigureOutcome::Updated => "Updated",
            ConfigureOutcome::AlreadyDone => "Already right, left as it was",
            ConfigureOutcome::Failed => "Failed",
            ConfigureOutcome::Cancelled => "Stopped",
            ConfigureOutcome::NotRun => "Not done",
        }
    }

    fn ok(self) -> bool {
        matches!(
            self,
            ConfigureOutcome::Created | ConfigureOutcome::Updated | ConfigureOutcome::AlreadyDone
        )
    }
}

/// What kind of thing a change of "Configure Nylas" is about, from its key
/// (`connector:microsoft`, `callback-uri:<url>`, `credential:<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConfigureItem {
    Connector,
    CallbackUri,
    Credential,
    Other,
}

impl ConfigureItem {
    pub fn of_key(key: &str) -> Self {
        match key.split_once(':').map_or(key, |(k, _)| k) {
            "connector" => ConfigureItem::Connector,
            "callback-uri" => ConfigureItem::CallbackUri,
            "credential" => ConfigureItem::Credential,
            _ => ConfigureItem::Other,
        }
    }
}

/// One change of "Configure Nylas" and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConfigureStepFacts {
    /// The plan's stable key (`callback-uri:https://…`).
    pub key: String,
    pub item: ConfigureItem,
    /// One plain sentence: what it makes true.
    pub summary: String,
    pub outcome: ConfigureOutcome,
    /// Why it failed, in plain words (never a secret).
    pub error: Option<String>,
}

/// What the last run of "Configure Nylas" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConfigureFacts {
    pub steps: Vec<ConfigureStepFacts>,
    /// The admin stopped the run.
    pub cancelled: bool,
    /// The scopes the Microsoft connector was given.
    pub connector_scopes: Vec<String>,
    /// True: read from Nylas when the report was made (each change is in
    /// place or still to do), not the outcome of a run.
    pub checked_now: bool,
}

impl From<StepOutcome> for ConfigureOutcome {
    fn from(o: StepOutcome) -> Self {
        match o {
            StepOutcome::Created => ConfigureOutcome::Created,
            StepOutcome::Updated => ConfigureOutcome::Updated,
            StepOutcome::AlreadyDone => ConfigureOutcome::AlreadyDone,
            StepOutcome::Failed => ConfigureOutcome::Failed,
            StepOutcome::Cancelled => ConfigureOutcome::Cancelled,
            StepOutcome::NotRun => ConfigureOutcome::NotRun,
        }
    }
}

impl ConfigureFacts {
    /// What an apply of "Configure Nylas" did; `connector_scopes` are the
    /// scopes its input gave the connector.
    pub fn from_apply(report: &ApplyReport, connector_scopes: Vec<String>) -> Self {
        Self {
            steps: report
                .steps
                .iter()
                .map(|s| ConfigureStepFacts {
                    key: s.key.clone(),
                    item: ConfigureItem::of_key(&s.key),
                    summary: s.summary.clone(),
                    outcome: s.outcome.into(),
                    error: s.error.as_ref().map(|e| e.message.clone()),
                })
                .collect(),
            cancelled: report.cancelled,
            connector_scopes,
            checked_now: false,
        }
    }

    /// What Nylas has now, from a fresh plan (nothing sent): each change
    /// with nothing to do is in place, the others are still to do.
    pub fn from_plan_check(plan: &Plan, connector_scopes: Vec<String>) -> Self {
        Self {
            steps: plan
                .steps
                .iter()
                .map(|s| ConfigureStepFacts {
                    key: s.key.clone(),
                    item: ConfigureItem::of_key(&s.key),
                    summary: s.summary.clone(),
                    outcome: if s.action == StepAction::NothingToDo {
                        ConfigureOutcome::AlreadyDone
                    } else {
                        ConfigureOutcome::NotRun
                    },
                    error: None,
                })
                .collect(),
            cancelled: false,
            connector_scopes,
            checked_now: true,
        }
    }

    /// Every change ended created, updated or already right.
    pub fn succeeded(&self) -> bool {
        !self.cancelled && !self.steps.is_empty() && self.steps.iter().all(|s| s.outcome.ok())
    }
}

/// The test sign-in: the grant Nylas made for the test account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignInFacts {
    pub email: String,
    pub grant_id: String,
    /// Nylas's `grant_status`: `valid` or `invalid`.
    pub grant_status: String,
    /// The scopes the grant has.
    pub scopes_granted: Vec<String>,
    /// The scopes the connector asks for.
    pub scopes_wanted: Vec<String>,
    /// Wanted scopes the grant doesn't have, as the test sign-in compared
    /// them.
    pub scopes_missing: Vec<String>,
}

/// A scope's short name (`https://graph.microsoft.com/Mail.Read` → `Mail.Read`).
fn short_scope(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("https://graph.microsoft.com/").unwrap_or(s)
}

impl SignInFacts {
    pub fn valid(&self) -> bool {
        self.grant_status.eq_ignore_ascii_case("valid")
    }

    fn is_missing(&self, scope: &str) -> bool {
        let scope = short_scope(scope);
        self.scopes_missing
            .iter()
            .any(|m| short_scope(m).eq_ignore_ascii_case(scope))
    }
}

/// One change the wizard made, and how to reverse it by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeFacts {
    /// Where ("Your Azure app registration", "Your Nylas application").
    pub target: String,
    /// What changed, in plain words.
    pub what: String,
    /// How to undo it, in order.
    pub undo: Vec<String>,
    /// Where it is undone (an https address).
    pub undo_url: String,
    /// What undoing it breaks, when it breaks something.
    pub caution: Option<String>,
}

/// Everything the report is made from. None of it is a secret.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The summary's inputs: progress, client ID, last audit, the client
    /// secret's hint, the time.
    pub summary: SummaryInput<'a>,
    /// The stored Nylas API key's hint, when one is stored.
    pub api_key: Option<&'a StoredSecret>,
    pub configure: Option<&'a ConfigureFacts>,
    pub sign_in: Option<&'a SignInFacts>,
    /// `None`: this run doesn't know (not the same as "no changes").
    pub changes: Option<&'a [ChangeFacts]>,
    /// Paths B and C: the stored Nylas v2 client secret's hint.
    pub v2_secret: Option<&'a StoredSecret>,
    /// Paths B and C: the accounts this run connected (or tried to), one by
    /// one; `None` when it doesn't know them (the saved counts still show).
    pub accounts: Option<&'a [AccountFacts]>,
    /// Path E: each tenant's credential and consent and each mailbox's
    /// grant, from the runs' journals; `None` when this run doesn't know
    /// them (the recorded counts still show).
    pub bulk: Option<&'a BulkFacts>,
}

/// What to do next in the admin's own app, and where it is documented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NextStep {
    pub text: String,
    pub doc: DocLink,
}

fn doc(label: &str, topic: DocTopic) -> DocLink {
    DocLink {
        label: label.into(),
        topic,
        url: topic.url(),
    }
}

/// What comes after this wizard on the report's path.
pub fn next_steps_for(input: &ReportInput<'_>) -> Vec<NextStep> {
    match input.summary.progress.path {
        Some(p @ (PathId::Teams | PathId::V2Events)) => v2::next_steps_for(input, p),
        Some(PathId::Migrate) => migrate::next_steps(),
        Some(PathId::Bulk) => bulk::next_steps(),
        _ => next_steps(),
    }
}

/// Where a secret is kept, in words, with its hint (never its value).
fn secret_words(secret: Option<&StoredSecret>) -> String {
    match secret {
        Some(s) if s.persistent => format!("Stored in the keychain (it looks like {})", s.hint),
        Some(s) => format!(
            "Kept in memory for this run only (it looks like {})",
            s.hint
        ),
        None => "Not stored by the wizard".into(),
    }
}

/// What comes after this wizard on path A, for the admin's developers.
pub fn next_steps() -> Vec<NextStep> {
    vec![
        NextStep {
            text: "Send people through Nylas hosted authentication from your own app, with one of the callback URIs you registered: Nylas creates a grant for each account that signs in.".into(),
            doc: doc("Nylas: Hosted OAuth with an API key", DocTopic::NylasHostedAuth),
        },
        NextStep {
            text: "If a sign-in fails, paste Microsoft's message (AADSTS…) into Diagnose in this wizard, or see Nylas's troubleshooting guide.".into(),
            doc: doc("Nylas: Troubleshoot authentication", DocTopic::NylasAuthTroubleshooting),
        },
        NextStep {
            text: "Keep an eye on your grants and the client secret's expiry date in the Nylas dashboard and the Azure portal.".into(),
            doc: doc("Nylas dashboard", DocTopic::NylasDashboard),
        },
    ]
}

/// Steps whose "left to do" the report works out from facts, instead of
/// from their status in the step list.
fn fact_steps(path: Option<PathId>) -> &'static [&'static str] {
    match path {
        Some(PathId::Teams) => &[
            NYLAS_V2_STEP,
            TEAMS_INTEGRATION_STEP,
            CONNECT_ACCOUNTS_STEP,
            REPORT_STEP,
        ],
        Some(PathId::V2Events) => &[NYLAS_V2_STEP, NATIVE_AUTH_STEP, REPORT_STEP],
        // Path D: the step list names open steps; the checklist adds the rest.
        Some(PathId::Migrate) => &[REPORT_STEP],
        Some(PathId::Bulk) => bulk::FACT_STEPS,
        _ => &[
            NYLAS_ACCOUNT_STEP,
            CONFIGURE_NYLAS_STEP,
            TEST_SIGN_IN_STEP,
            REPORT_STEP,
        ],
    }
}

/// The report's own sections (after the summary's) and what is left.
fn sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let path = input.summary.progress.path;
    let facts = fact_steps(path);
    left.retain(|l| !l.step.as_deref().is_some_and(|s| facts.contains(&s)));
    let mut b = match path {
        Some(PathId::Teams) => v2::teams_sections(input, left),
        Some(PathId::V2Events) => v2::v2_events_sections(input, left),
        Some(PathId::Migrate) => migrate::migrate_sections(input, left),
        Some(PathId::Bulk) => bulk::bulk_sections(input, left),
        _ => v3_sections(input, left),
    };
    b.extend(changes_blocks(input));
    b.push(Block::Heading("What to do next in your own app".into()));
    b.push(Block::List(
        next_steps_for(input)
            .into_iter()
            .map(|n| format!("{} {}: `{}`", n.text, n.doc.label, n.doc.url))
            .collect(),
    ));
    b
}

/// Path A's sections: the Nylas application, Configure Nylas, the test
/// sign-in.
fn v3_sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let mut b = Vec::new();

    b.push(Block::Heading("Nylas application".into()));
    let answers = &input.summary.progress.answers;
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
            if n.region != answers.region() {
                left.push(LeftItem::at(
                    NYLAS_ACCOUNT_STEP,
                    format!(
                        "Check your Nylas API key again: it was checked in the {} region, and you have since chosen {}.",
                        n.region.label(),
                        answers.region().label()
                    ),
                ));
            }
        }
        None => {
            b.push(Block::Para(
                "Your Nylas API key hasn't been checked in this run.".into(),
            ));
            left.push(LeftItem::at(
                NYLAS_ACCOUNT_STEP,
                "Enter your Nylas API key on the Nylas account step, so the wizard can check it and its region.",
            ));
        }
    }
    b.push(Block::Fact(
        "API key".into(),
        secret_words(input.api_key),
        false,
    ));

    configure_blocks(input, left, &mut b, "Configure Nylas");

    b.push(Block::Heading("Test sign-in".into()));
    match input.sign_in {
        Some(s) => {
            b.push(Block::Fact("Account".into(), s.email.clone(), true));
            // Empty when only the saved progress is left of it (a restart).
            if !s.grant_id.is_empty() {
                b.push(Block::Fact("Grant ID".into(), s.grant_id.clone(), true));
            }
            b.push(Block::Fact(
                "Grant status".into(),
                s.grant_status.clone(),
                false,
            ));
            let rows = s
                .scopes_wanted
                .iter()
                .map(|w| {
                    let got = if s.is_missing(w) {
                        "Missing"
                    } else {
                        "Granted"
                    };
                    vec![format!("`{}`", short_scope(w)), got.to_string()]
                })
                .collect();
            b.push(Block::Table(
                vec!["Scope wanted".into(), "Granted".into()],
                rows,
            ));
            if !s.valid() {
                left.push(LeftItem::at(
                    TEST_SIGN_IN_STEP,
                    format!(
                        "The test account's grant is “{}”, not valid: sign in again on the Test sign-in step.",
                        s.grant_status
                    ),
                ));
            }
            if !s.scopes_missing.is_empty() {
                let missing: Vec<&str> = s.scopes_missing.iter().map(|m| short_scope(m)).collect();
                left.push(LeftItem::at(
                    TEST_SIGN_IN_STEP,
                    format!(
                        "The test sign-in didn't get {}: grant admin consent for them on the Azure app step, then sign in again.",
                        missing.join(", ")
                    ),
                ));
            }
        }
        None => {
            b.push(Block::Para(
                "No test sign-in in this run of the wizard.".into(),
            ));
            left.push(LeftItem::at(
                TEST_SIGN_IN_STEP,
                "Sign in once with a test account on the Test sign-in step, to prove it works.",
            ));
        }
    }

    b
}

/// What "Configure Nylas" (path E: the Microsoft connector step, titled
/// `step_title`) did or what Nylas has now, and what is left of it.
pub(super) fn configure_blocks(
    input: &ReportInput<'_>,
    left: &mut Vec<LeftItem>,
    b: &mut Vec<Block>,
    step_title: &str,
) {
    b.push(Block::Heading(step_title.into()));
    match input.configure {
        Some(c) => {
            b.push(Block::Para(if c.checked_now && c.succeeded() {
                "Checked against Nylas when this report was made: everything is in place.".into()
            } else if c.checked_now {
                "Checked against Nylas when this report was made: some of it is still to do.".into()
            } else if c.succeeded() {
                "Every change was made or was already right.".into()
            } else if c.cancelled {
                "You stopped the run before it finished.".into()
            } else {
                "The run didn't finish.".into()
            }));
            let rows = c
                .steps
                .iter()
                .map(|s| {
                    let mut result = match (c.checked_now, s.outcome) {
                        (true, ConfigureOutcome::AlreadyDone) => "In place".to_string(),
                        (true, ConfigureOutcome::NotRun) => "Still to do".to_string(),
                        (_, o) => o.words().to_string(),
                    };
                    if let Some(e) = &s.error {
                        result.push_str(": ");
                        result.push_str(e);
                    }
                    vec![s.summary.clone(), result]
                })
                .collect();
            b.push(Block::Table(vec!["Change".into(), "Result".into()], rows));
            if !c.connector_scopes.is_empty() {
                b.push(Block::Fact(
                    "Connector scopes".into(),
                    c.connector_scopes.join(" "),
                    true,
                ));
            }
            if !c.succeeded() {
                let why = c
                    .steps
                    .iter()
                    .find_map(|s| s.error.as_deref())
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default();
                left.push(LeftItem::at(
                    CONFIGURE_NYLAS_STEP,
                    format!("Run {step_title} again to finish it{why}; what is already done stays as it is."),
                ));
            }
        }
        None => {
            b.push(Block::Para(format!(
                "{step_title} hasn't run in this run of the wizard."
            )));
            left.push(LeftItem::at(
                CONFIGURE_NYLAS_STEP,
                format!("{step_title}: set up the Microsoft connector and add your callback URIs."),
            ));
        }
    }
}

/// The changes made, each with how to undo it (every path).
fn changes_blocks(input: &ReportInput<'_>) -> Vec<Block> {
    let mut b = vec![Block::Heading("Changes made and how to undo them".into())];
    match input.changes {
        None => b.push(Block::Para(
            "This run of the wizard has no record of the changes it made.".into(),
        )),
        Some([]) => b.push(Block::Para(
            "The wizard changed nothing in Microsoft or Nylas.".into(),
        )),
        Some(changes) => {
            for (i, c) in changes.iter().enumerate() {
                b.push(Block::Para(format!("{}. {}: {}", i + 1, c.target, c.what)));
                let mut steps: Vec<String> =
                    c.undo.iter().map(|u| format!("To undo: {u}")).collect();
                steps.push(format!("Where: `{}`", c.undo_url));
                if let Some(caution) = &c.caution {
                    steps.push(format!("Careful: {caution}"));
                }
                b.push(Block::List(steps));
            }
        }
    }

    b
}

/// The report as text: Markdown or print-friendly HTML.
pub fn render(input: &ReportInput<'_>, format: SummaryFormat) -> String {
    let (mut blocks, mut left) = summary::body(&input.summary);
    if input.summary.progress.path.is_some() {
        blocks.extend(sections(input, &mut left));
        blocks.extend(summary::left_blocks(&left));
    }
    summary::render_blocks(TITLE, &blocks, format)
}

/// What is left to do, as the report (and the Done step) sees it.
pub fn left(input: &ReportInput<'_>) -> Vec<LeftItem> {
    let (_, mut left) = summary::body(&input.summary);
    if input.summary.progress.path.is_some() {
        sections(input, &mut left);
    }
    left
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
