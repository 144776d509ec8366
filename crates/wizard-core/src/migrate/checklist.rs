//! Seed 002's migration steps as a checklist (issue 12, path D point 3).
//! Each item's state comes from what the wizard verified itself (the v2
//! scopes translated, the new Azure app audited, its v3 redirect URI and
//! Graph permissions, the imported connector given the new app: path D's
//! own `migrate_connector` record) or, for what only happens in
//! the Nylas dashboard (linking the organization, the import tool, the
//! batch migration tool), from the admin's own tick saved in the answers
//! (`migrate_ticks`). A tick never overrides a fact: items the wizard
//! verifies can't be ticked.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};
use ts_rs::TS;

use crate::answers::{Answers, FeatureAnswer};
use crate::audit::{AuditReport, CheckId, FindingStatus};
use crate::error::{Result, WizardError};
use crate::names;
use crate::paths::{
    AuditPath, DocLink, AZURE_APP_STEP, CONFIGURE_NYLAS_STEP, MIGRATE_ACCOUNTS_STEP,
    MIGRATE_SCOPES_STEP,
};
use crate::portal::DocTopic;
use crate::redirect_uris::{nylas_redirect_uri, NylasHost};

/// One item of the migration checklist, in seed 002's order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[ts(export)]
pub enum ChecklistItem {
    /// Before the steps: link the organization and the v2 app to the v3
    /// app, and import the v2 app settings (Nylas dashboard).
    LinkOrganization,
    /// 1. Translate the v2 scopes to Graph scopes.
    TranslateScopes,
    /// 2. A new Azure app for v3.
    NewAzureApp,
    /// 3. The Graph scopes on that app.
    GraphPermissions,
    /// 4. The region's v3 redirect URI on that app.
    RedirectUris,
    /// 5. Optional: the app verified for production (publisher verification).
    PublisherVerification,
    /// 6. The Nylas import tool (Nylas dashboard).
    ImportTool,
    /// 7. The batch account migration tool (Nylas dashboard).
    BatchMigration,
    /// 8. The imported Microsoft connector patched with the new app.
    PatchConnector,
    /// Afterwards: people who must sign in again are asked to.
    Reauthenticate,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; ChecklistItem::COUNT] = names::array(ChecklistItem::VARIANTS);

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Only the admin can say it is done (it happens outside the wizard).
    pub fn tickable(self) -> bool {
        matches!(
            self,
            ChecklistItem::LinkOrganization
                | ChecklistItem::PublisherVerification
                | ChecklistItem::ImportTool
                | ChecklistItem::BatchMigration
                | ChecklistItem::Reauthenticate
        )
    }

    /// Seed 002's number (1–8); `None` for what comes before and after.
    pub fn number(self) -> Option<u32> {
        let i = ChecklistItem::ALL.iter().position(|i| *i == self)?;
        (1..=8)
            .contains(&i)
            .then(|| u32::try_from(i).unwrap_or_default())
    }

    pub fn title(self) -> &'static str {
        match self {
            ChecklistItem::LinkOrganization => {
                "Before you start: link your organization and import the v2 app's settings"
            }
            ChecklistItem::TranslateScopes => "Work out the Graph permissions from your v2 scopes",
            ChecklistItem::NewAzureApp => "Create a new Azure app for Nylas v3",
            ChecklistItem::GraphPermissions => "Give the new app its Graph permissions",
            ChecklistItem::RedirectUris => "Add the v3 redirect URI to the new app",
            ChecklistItem::PublisherVerification => {
                "Get the app verified for production (optional)"
            }
            ChecklistItem::ImportTool => "Run the Nylas import tool",
            ChecklistItem::BatchMigration => "Run the Nylas batch account migration tool",
            ChecklistItem::PatchConnector => {
                "Point the imported Microsoft connector at the new app"
            }
            ChecklistItem::Reauthenticate => {
                "Afterwards: ask the people who must sign in again to do so"
            }
        }
    }
}

/// Where an item is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ChecklistState {
    /// The wizard checked it itself.
    Verified,
    /// The admin ticked it (the wizard can't see it).
    Ticked,
    /// The wizard saw a problem with it.
    NeedsAttention,
    /// Not done yet.
    ToDo,
    /// Not needed to finish (publisher verification).
    Optional,
}

impl ChecklistState {
    pub fn is_done(self) -> bool {
        matches!(self, ChecklistState::Verified | ChecklistState::Ticked)
    }

    pub fn words(self) -> &'static str {
        match self {
            ChecklistState::Verified => "Done (checked by the wizard)",
            ChecklistState::Ticked => "Done (you ticked it)",
            ChecklistState::NeedsAttention => "Needs attention",
            ChecklistState::ToDo => "To do",
            ChecklistState::Optional => "Optional",
        }
    }
}

/// One line of the checklist, as the window and the report show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChecklistEntry {
    pub item: ChecklistItem,
    /// Seed 002's number (1–8), `None` before and after the numbered steps.
    pub number: Option<u32>,
    pub title: String,
    pub state: ChecklistState,
    /// Why it has this state, in one plain sentence.
    pub why: String,
    /// The admin may tick (or untick) it.
    pub tickable: bool,
    /// The wizard step that checks it (to go back to), if one does.
    pub step: Option<String>,
    /// Where it is done by hand (the Nylas dashboard, a guide).
    pub link: Option<DocLink>,
}

/// Seed 002's steps with their states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MigrateChecklist {
    pub items: Vec<ChecklistEntry>,
    /// Items done (verified or ticked).
    pub done: u32,
    /// Items needed to finish (all but the optional ones).
    pub needed: u32,
    /// Every needed item is done.
    pub complete: bool,
}

fn doc(label: &str, topic: DocTopic) -> DocLink {
    DocLink {
        label: label.into(),
        topic,
        url: topic.url(),
    }
}

fn dashboard() -> Option<DocLink> {
    Some(doc("Nylas dashboard", DocTopic::NylasDashboard))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Refuse a tick for an item the wizard verifies itself.
pub fn check_tick(item: ChecklistItem) -> Result<()> {
    if item.tickable() {
        return Ok(());
    }
    Err(WizardError::invalid_input(format!(
        "\"{}\" is checked by the wizard itself, so it can't be ticked.",
        item.title()
    ))
    .with_hint("Do it on its own step; the checklist follows what the wizard finds there."))
}

/// Tick or untick `item` in `ticks` (kept in checklist order, each once).
pub fn apply_tick(ticks: &mut Vec<ChecklistItem>, item: ChecklistItem, done: bool) -> Result<()> {
    check_tick(item)?;
    ticks.retain(|t| *t != item);
    if done {
        ticks.push(item);
        ticks.sort();
    }
    Ok(())
}

/// The audit the checklist may read findings from: the one the answers
/// recorded last (same time), of a v3 app. Anything else only has counts.
fn usable_audit<'a>(answers: &Answers, audit: Option<&'a AuditReport>) -> Option<&'a AuditReport> {
    let last = answers.last_check.as_ref()?;
    audit.filter(|r| r.path == AuditPath::V3 && r.checked_at == last.checked_at)
}

/// What the last audit says about the app as a whole (item 2), shared by
/// items 3 and 4 when only the counts are known.
fn app_state(answers: &Answers) -> (ChecklistState, String) {
    let Some(c) = answers.last_check.as_ref() else {
        return (
            ChecklistState::ToDo,
            "The new Azure app hasn't been checked yet: check it on the New Azure app step.".into(),
        );
    };
    let name = c
        .display_name
        .as_deref()
        .map(|n| format!("“{n}”"))
        .unwrap_or_else(|| "The new app".into());
    if let Some(s) = answers.migrate_scopes.as_ref() {
        let translated =
            time::OffsetDateTime::parse(&s.at, &time::format_description::well_known::Rfc3339).ok();
        if translated.is_some_and(|t| t > c.checked_at) {
            return (
                ChecklistState::NeedsAttention,
                format!(
                    "{name} was checked before your v2 scopes were translated: check it again."
                ),
            );
        }
    }
    if c.fail > 0 {
        return (
            ChecklistState::NeedsAttention,
            format!(
                "{name}'s last check found {} to fix.",
                plural(c.fail, "thing", "things")
            ),
        );
    }
    (
        ChecklistState::Verified,
        format!("{name} was checked and nothing needs fixing."),
    )
}

/// An item the audit checks (3 and 4): its own finding when the run has it,
/// else the app's overall verdict.
fn finding_state(
    answers: &Answers,
    audit: Option<&AuditReport>,
    check: CheckId,
    ok: &str,
) -> (ChecklistState, String) {
    let app = app_state(answers);
    if app.0 == ChecklistState::ToDo {
        return app;
    }
    match usable_audit(answers, audit).and_then(|r| r.finding(check)) {
        Some(f) if f.status == FindingStatus::Fail => {
            (ChecklistState::NeedsAttention, f.title.clone())
        }
        Some(_) if app.0 == ChecklistState::NeedsAttention && app.1.contains("before") => app,
        Some(_) => (ChecklistState::Verified, ok.to_string()),
        None if app.0 == ChecklistState::Verified => (ChecklistState::Verified, ok.to_string()),
        None => app,
    }
}

/// The checklist from the answers (records and ticks) and, when this run
/// has it, the last audit with its findings.
pub fn checklist(answers: &Answers, audit: Option<&AuditReport>) -> MigrateChecklist {
    let ticked = |i: ChecklistItem| answers.migrate_ticks.contains(&i);
    let tick_state = |i: ChecklistItem, todo: &str| -> (ChecklistState, String) {
        if ticked(i) {
            (
                ChecklistState::Ticked,
                "You said it's done. It happens in the Nylas dashboard, where the wizard can't look.".into(),
            )
        } else {
            (ChecklistState::ToDo, todo.to_string())
        }
    };
    let region = answers.region();
    let callback = nylas_redirect_uri(NylasHost::V3, region);
    let items = ChecklistItem::ALL
        .into_iter()
        .map(|item| {
            let (state, why, step, link) = match item {
                ChecklistItem::LinkOrganization => {
                    let (s, w) = tick_state(item, "In the Nylas dashboard: link your organization, link the v2 application to the v3 one, and import the v2 app settings. Tick it once that is done.");
                    (s, w, None, dashboard())
                }
                ChecklistItem::TranslateScopes => {
                    let (s, w) = match answers.migrate_scopes.as_ref() {
                        None => (ChecklistState::ToDo, "Your v2 scopes haven't been translated yet.".to_string()),
                        Some(r) if FeatureAnswer::of(&r.features) != answers.features => (
                            ChecklistState::NeedsAttention,
                            "The permissions were changed elsewhere since your v2 scopes were translated: translate them again.".to_string(),
                        ),
                        Some(r) => (
                            ChecklistState::Verified,
                            format!(
                                "{} translated into {}.",
                                plural(r.v2_scopes.len(), "v2 scope", "v2 scopes"),
                                plural(r.scopes.len(), "Graph permission", "Graph permissions")
                            ),
                        ),
                    };
                    (s, w, Some(MIGRATE_SCOPES_STEP), None)
                }
                ChecklistItem::NewAzureApp => {
                    let (s, w) = app_state(answers);
                    (s, w, Some(AZURE_APP_STEP), Some(doc("Nylas: Create an Azure auth app", DocTopic::NylasAzureAppGuide)))
                }
                ChecklistItem::GraphPermissions => {
                    let (s, w) = finding_state(answers, audit, CheckId::DelegatedScopes, "The new app has the Graph permissions your v2 scopes translate to.");
                    (s, w, Some(AZURE_APP_STEP), None)
                }
                ChecklistItem::RedirectUris => {
                    let ok = format!("The new app has the {} redirect URI {callback}.", region.label());
                    let (s, w) = finding_state(answers, audit, CheckId::RedirectUris, &ok);
                    let w = if s == ChecklistState::ToDo {
                        format!("The new app needs {callback}; the wizard checks it on the New Azure app step.")
                    } else {
                        w
                    };
                    (s, w, Some(AZURE_APP_STEP), None)
                }
                ChecklistItem::PublisherVerification => {
                    let verified = usable_audit(answers, audit)
                        .and_then(|r| r.finding(CheckId::PublisherVerification))
                        .is_some_and(|f| f.status == FindingStatus::Pass);
                    let (s, w) = if verified {
                        (ChecklistState::Verified, "The new app's publisher is verified.".to_string())
                    } else if ticked(item) {
                        (ChecklistState::Ticked, "You said it's done.".to_string())
                    } else {
                        (ChecklistState::Optional, "Not needed to finish, but people see a warning when they sign in to an unverified app; you can start it now.".to_string())
                    };
                    (s, w, None, Some(doc("Nylas: Create an Azure auth app", DocTopic::NylasAzureAppGuide)))
                }
                ChecklistItem::ImportTool => {
                    let (s, w) = tick_state(item, "In the Nylas dashboard, run the import tool: Nylas creates an unconfigured Microsoft connector (and an Exchange on-premises one if needed). Tick it once it has run.");
                    (s, w, None, dashboard())
                }
                ChecklistItem::BatchMigration => {
                    let (s, w) = tick_state(item, "In the Nylas dashboard, run the batch account migration tool: Nylas imports the v2 accounts that can be imported. Tick it once it has run.");
                    (s, w, None, dashboard())
                }
                ChecklistItem::PatchConnector => {
                    let (s, w) = match answers.migrate_connector.as_ref() {
                        None => (ChecklistState::ToDo, "The imported Microsoft connector hasn't been given the new app's client ID and secret yet.".to_string()),
                        Some(r) => match r.problem(answers) {
                            Some(why) => (ChecklistState::NeedsAttention, why),
                            None => (ChecklistState::Verified, format!("The Microsoft connector uses the new app ({}).", r.client_id)),
                        },
                    };
                    (s, w, Some(CONFIGURE_NYLAS_STEP), None)
                }
                ChecklistItem::Reauthenticate => {
                    let (s, w) = match answers.migrate_accounts.as_ref() {
                        Some(r) if r.reauth == 0 && r.unclassified == 0 => (
                            ChecklistState::Verified,
                            "Your exported v2 accounts all move without signing in again.".to_string(),
                        ),
                        _ if ticked(item) => (ChecklistState::Ticked, "You said it's done.".to_string()),
                        Some(r) => (
                            ChecklistState::ToDo,
                            format!(
                                "{} must sign in again: the Accounts step saves their list. Tick it once you have asked them.",
                                plural(r.reauth as usize, "account", "accounts")
                            ),
                        ),
                        None => (ChecklistState::ToDo, "Sort your exported v2 accounts on the Accounts step to see who must sign in again.".to_string()),
                    };
                    (s, w, Some(MIGRATE_ACCOUNTS_STEP), None)
                }
            };
            ChecklistEntry {
                item,
                number: item.number(),
                title: item.title().into(),
                state,
                why,
                tickable: item.tickable() && state != ChecklistState::Verified,
                step: step.map(str::to_string),
                link,
            }
        })
        .collect::<Vec<_>>();
    let needed = items
        .iter()
        .filter(|e| e.item != ChecklistItem::PublisherVerification)
        .count();
    let done = items.iter().filter(|e| e.state.is_done()).count();
    let needed_done = items
        .iter()
        .filter(|e| e.item != ChecklistItem::PublisherVerification && e.state.is_done())
        .count();
    MigrateChecklist {
        done: u32::try_from(done).unwrap_or(u32::MAX),
        needed: u32::try_from(needed).unwrap_or(u32::MAX),
        complete: needed_done == needed,
        items,
    }
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
