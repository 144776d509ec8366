//! The report's part for path D (moving from Nylas v2 to v3): the v2
//! scopes translated, the v3 Nylas application, the exported accounts
//! sorted, and seed 002's checklist with each item's state and why. Like
//! the other paths, a pure function of the saved answers and what this run
//! knows (the audit with its findings, the API key's hint). Never a secret:
//! the API key appears only as where it is kept and its hint.

use super::{doc, secret_words, NextStep, ReportInput};
use crate::migrate::checklist::{checklist, ChecklistState, MigrateChecklist};
use crate::migrate::AccountClass;
use crate::portal::DocTopic;
use crate::state::StepStatus;
use crate::summary::{Block, LeftItem};

/// The checklist as this report sees it (the audit only when this run has it).
pub(super) fn migrate_checklist(input: &ReportInput<'_>) -> MigrateChecklist {
    checklist(
        &input.summary.progress.answers,
        input.summary.audit.map(|(r, _)| r),
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Path D's own sections.
pub(super) fn migrate_sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let p = input.summary.progress;
    let answers = &p.answers;
    let mut b = Vec::new();

    b.push(Block::Heading("Your v2 scopes".into()));
    match answers.migrate_scopes.as_ref() {
        Some(r) => {
            b.push(Block::Fact(
                "v2 scopes".into(),
                r.v2_scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                true,
            ));
            b.push(Block::Fact(
                "Graph permissions for v3".into(),
                r.scopes.join(" "),
                true,
            ));
        }
        None => b.push(Block::Para(
            "Your v2 scopes haven't been translated in this run of the wizard.".into(),
        )),
    }

    b.push(Block::Heading("Nylas v3 application".into()));
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
            "Your Nylas v3 API key hasn't been checked in this run.".into(),
        )),
    }
    b.push(Block::Fact(
        "API key".into(),
        secret_words(input.api_key),
        false,
    ));

    b.push(Block::Heading("Your v2 accounts".into()));
    match answers.migrate_accounts.as_ref() {
        Some(r) => {
            b.push(Block::Para(format!(
                "{} sorted{}; {} must sign in again.",
                plural(r.total as usize, "account", "accounts"),
                r.source
                    .as_deref()
                    .map(|s| format!(" from {s}"))
                    .unwrap_or_default(),
                r.reauth
            )));
            let rows = AccountClass::ALL
                .iter()
                .zip(r.counts.iter())
                .map(|(c, n)| vec![format!("{}. {}", c.number(), c.label()), n.to_string()])
                .collect();
            b.push(Block::Table(vec!["Class".into(), "Accounts".into()], rows));
            if r.unclassified > 0 {
                b.push(Block::Para(format!(
                    "{} couldn't be sorted; the Accounts step says why.",
                    plural(r.unclassified as usize, "row", "rows")
                )));
            }
            if r.needs_ews_connector {
                b.push(Block::Para(
                    "Some accounts are on Exchange on-premises: they need the EWS connector."
                        .into(),
                ));
            }
        }
        None => b.push(Block::Para(
            "No exported v2 account list has been sorted in this run.".into(),
        )),
    }

    let list = migrate_checklist(input);
    b.push(Block::Heading("Migration checklist".into()));
    b.push(Block::Para(format!(
        "{} of {} needed steps done (Nylas's “Migrate Microsoft users from v2.x to v3”).",
        list.done.min(list.needed),
        list.needed
    )));
    let rows = list
        .items
        .iter()
        .map(|e| {
            vec![
                e.number.map_or_else(String::new, |n| n.to_string()),
                e.title.clone(),
                e.state.words().to_string(),
                match &e.link {
                    Some(l) => format!("{} ({}: `{}`)", e.why, l.label, l.url),
                    None => e.why.clone(),
                },
            ]
        })
        .collect();
    b.push(Block::Table(
        vec!["#".into(), "Step".into(), "State".into(), "Why".into()],
        rows,
    ));
    // What only the dashboard or the checklist knows is left; a step whose
    // status is still open is named by the step list already.
    for e in &list.items {
        if e.state.is_done() || e.state == ChecklistState::Optional {
            continue;
        }
        let step_done = e
            .step
            .as_deref()
            .is_some_and(|s| p.step_status.get(s) == Some(&StepStatus::Done));
        if e.step.is_none() || step_done {
            let in_dashboard = e
                .link
                .as_ref()
                .is_some_and(|l| l.topic == DocTopic::NylasDashboard);
            left.push(LeftItem {
                step: e.step.clone(),
                text: if in_dashboard {
                    format!(
                        "{}: do it in the Nylas dashboard, then tick it in the migration checklist.",
                        e.title
                    )
                } else {
                    format!("{}: {}", e.title, e.why)
                },
            });
        }
    }
    b
}

/// What comes after this wizard on path D.
pub(super) fn next_steps() -> Vec<NextStep> {
    vec![
        NextStep {
            text: "Send the people who must sign in again through Nylas v3 hosted authentication from your own app; the Accounts step's CSV lists them.".into(),
            doc: doc("Nylas: Hosted OAuth with an API key", DocTopic::NylasHostedAuth),
        },
        NextStep {
            text: "Check the imported accounts' grants in the Nylas dashboard once the batch migration tool has run.".into(),
            doc: doc("Nylas dashboard", DocTopic::NylasDashboard),
        },
        NextStep {
            text: "If a sign-in fails, paste Microsoft's message (AADSTS…) into Diagnose in this wizard.".into(),
            doc: doc("Nylas: Troubleshoot authentication", DocTopic::NylasAuthTroubleshooting),
        },
    ]
}

#[cfg(test)]
#[path = "migrate_tests.rs"]
mod tests;
