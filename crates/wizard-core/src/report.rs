//! The report at the end of path A (issue 10 point 5): what was checked and
//! configured, as Markdown (and print-friendly HTML) for people and as a
//! typed JSON document ([`SetupReport`]) for tools. Built on the summary to
//! keep (`summary.rs`): the same blocks and renderer, plus what only the
//! end of the path knows — the Nylas application, what "Configure Nylas"
//! did, the test sign-in, the changes made with how to undo them.
//!
//! A pure function of what it is given. Every part past the summary is
//! optional: a step not done yet (or whose result this run no longer has)
//! becomes something left to do, never a guess. It never sees a secret:
//! secrets appear only as where they are kept and their hint.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::audit::{CheckId, FindingStatus, Tenancy};
use crate::paths::{
    path_info, DocLink, PathId, CONFIGURE_NYLAS_STEP, NYLAS_ACCOUNT_STEP, REPORT_STEP,
    TEST_SIGN_IN_STEP,
};
use crate::portal::DocTopic;
use crate::regions::Region;
use crate::secrets::StoredSecret;
use crate::state::StepStatus;
use crate::summary::{self, AuditSource, Block, LeftItem, SummaryFormat, SummaryInput};

/// The version of the JSON document's shape; bumped when a field changes
/// meaning or goes away (new fields may appear without a bump).
pub const REPORT_FORMAT: u32 = 1;

const TITLE: &str = "Nylas Microsoft setup — report";

/// The Nylas application the API key belongs to (the Nylas account step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasAppFacts {
    pub application_id: String,
    pub region: Region,
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
}

impl ConfigureFacts {
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
}

/// Identity scopes Microsoft doesn't list among a grant's permissions.
const IDENTITY_SCOPES: [&str; 3] = ["openid", "profile", "email"];

/// A scope's short name (`https://graph.microsoft.com/Mail.Read` → `Mail.Read`).
fn short_scope(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("https://graph.microsoft.com/").unwrap_or(s)
}

impl SignInFacts {
    pub fn valid(&self) -> bool {
        self.grant_status.eq_ignore_ascii_case("valid")
    }

    /// Wanted scopes the grant doesn't have (identity scopes aside).
    pub fn missing_scopes(&self) -> Vec<String> {
        self.scopes_wanted
            .iter()
            .filter(|w| {
                let w = short_scope(w);
                !IDENTITY_SCOPES.iter().any(|i| i.eq_ignore_ascii_case(w))
                    && !self
                        .scopes_granted
                        .iter()
                        .any(|g| short_scope(g).eq_ignore_ascii_case(w))
            })
            .map(|w| short_scope(w).to_string())
            .collect()
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
    pub nylas: Option<&'a NylasAppFacts>,
    pub configure: Option<&'a ConfigureFacts>,
    pub sign_in: Option<&'a SignInFacts>,
    /// `None`: this run doesn't know (not the same as "no changes").
    pub changes: Option<&'a [ChangeFacts]>,
}

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

/// The test sign-in, in the JSON document: the facts and what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportSignIn {
    #[serde(flatten)]
    pub facts: SignInFacts,
    pub scopes_missing: Vec<String>,
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
    pub test_sign_in: Option<ReportSignIn>,
    /// `None`: this run doesn't know which changes were made.
    pub changes: Option<Vec<ChangeFacts>>,
    pub left: Vec<LeftItem>,
    /// What to do next in your own app, with the documentation.
    pub next: Vec<NextStep>,
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

/// What comes after this wizard, for the admin's developers.
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
const FACT_STEPS: [&str; 4] = [
    NYLAS_ACCOUNT_STEP,
    CONFIGURE_NYLAS_STEP,
    TEST_SIGN_IN_STEP,
    REPORT_STEP,
];

/// The report's own sections (after the summary's) and what is left.
fn sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    left.retain(|l| !l.step.as_deref().is_some_and(|s| FACT_STEPS.contains(&s)));
    let mut b = Vec::new();

    b.push(Block::Heading("Nylas application".into()));
    match input.nylas {
        Some(n) => {
            b.push(Block::Fact(
                "Application ID".into(),
                n.application_id.clone(),
                true,
            ));
            b.push(Block::Fact("Region".into(), n.region.label().into(), false));
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
        match input.api_key {
            Some(s) if s.persistent => format!("Stored in the keychain (it looks like {})", s.hint),
            Some(s) => format!(
                "Kept in memory for this run only (it looks like {})",
                s.hint
            ),
            None => "Not stored by the wizard".into(),
        },
        false,
    ));

    b.push(Block::Heading("Configure Nylas".into()));
    match input.configure {
        Some(c) => {
            b.push(Block::Para(if c.succeeded() {
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
                    let mut result = s.outcome.words().to_string();
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
                    format!("Run Configure Nylas again to finish it{why}; what is already done stays as it is."),
                ));
            }
        }
        None => {
            b.push(Block::Para(
                "Configure Nylas hasn't run in this run of the wizard.".into(),
            ));
            left.push(LeftItem::at(
                CONFIGURE_NYLAS_STEP,
                "Configure Nylas: set up the Microsoft connector and add your callback URIs.",
            ));
        }
    }

    b.push(Block::Heading("Test sign-in".into()));
    match input.sign_in {
        Some(s) => {
            b.push(Block::Fact("Account".into(), s.email.clone(), true));
            b.push(Block::Fact("Grant ID".into(), s.grant_id.clone(), true));
            b.push(Block::Fact(
                "Grant status".into(),
                s.grant_status.clone(),
                false,
            ));
            let missing = s.missing_scopes();
            let rows = s
                .scopes_wanted
                .iter()
                .map(|w| {
                    let name = short_scope(w).to_string();
                    let got = if missing.contains(&name) {
                        "Missing"
                    } else if IDENTITY_SCOPES
                        .iter()
                        .any(|i| i.eq_ignore_ascii_case(&name))
                    {
                        "Sign-in only"
                    } else {
                        "Granted"
                    };
                    vec![format!("`{name}`"), got.to_string()]
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
            if !missing.is_empty() {
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

    b.push(Block::Heading("Changes made and how to undo them".into()));
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

    b.push(Block::Heading("What to do next in your own app".into()));
    b.push(Block::List(
        next_steps()
            .into_iter()
            .map(|n| format!("{} {}: `{}`", n.text, n.doc.label, n.doc.url))
            .collect(),
    ));
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
        nylas_api_key: input.api_key.map(ReportSecret::from),
        audit,
        nylas_application: input.nylas.cloned(),
        configure: input.configure.cloned(),
        test_sign_in: input.sign_in.map(|f| ReportSignIn {
            scopes_missing: f.missing_scopes(),
            facts: f.clone(),
        }),
        changes: input.changes.map(<[ChangeFacts]>::to_vec),
        left,
        next: next_steps(),
    }
}

/// The report as JSON text (pretty-printed, for people who open it too).
pub fn json(input: &ReportInput<'_>) -> String {
    // A struct of strings, numbers and enums: serialising can't fail.
    serde_json::to_string_pretty(&document(input)).unwrap_or_default()
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
