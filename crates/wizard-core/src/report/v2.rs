//! The report's parts for the Nylas v2 paths: B (Microsoft Teams meetings)
//! and C (v2 Graph events). Like path A's, a pure function of the saved
//! answers (the records each step keeps: `nylas_v2`, `teams_integration`,
//! `teams_accounts`, `v2_accounts`) and what this run knows besides (the
//! v2 client secret's hint, the accounts it connected). Never a secret: the
//! v2 client secret appears only as where it is kept and its hint.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ts_rs::TS;

use super::{doc, secret_words, NextStep, ReportInput};
use crate::nylas_v2::AccountsRecord;
use crate::paths::{
    PathId, CONNECT_ACCOUNTS_STEP, NATIVE_AUTH_STEP, NYLAS_V2_STEP, TEAMS_INTEGRATION_STEP,
};
use crate::portal::DocTopic;
use crate::scopes::Feature;
use crate::summary::{date, Block, LeftItem};

/// One account this run tried to connect (path B: a Teams grant; path C: a
/// Nylas v2 account through native authentication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountFacts {
    /// The email address, or the Nylas v2 account ID when no address is
    /// known.
    pub account: String,
    pub connected: bool,
    /// Connected: the grant ID (Teams) or the Nylas account ID (v2).
    /// Failed: why, in plain words.
    pub detail: Option<String>,
}

/// An RFC 3339 time as the report writes dates; as given when it isn't one.
fn when(s: &str) -> String {
    OffsetDateTime::parse(s, &Rfc3339).map_or_else(|_| s.to_string(), date)
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Nylas v2 application": the client ID checked, its region, where the
/// client secret is kept.
fn v2_app(input: &ReportInput<'_>, left: &mut Vec<LeftItem>, b: &mut Vec<Block>) {
    let answers = &input.summary.progress.answers;
    b.push(Block::Heading("Nylas v2 application".into()));
    match answers.nylas_v2.as_ref() {
        Some(r) => {
            b.push(Block::Fact("Client ID".into(), r.client_id.clone(), true));
            b.push(Block::Fact("Region".into(), r.region.label().into(), false));
            b.push(Block::Fact("Checked".into(), when(&r.checked_at), false));
            if let Some(why) = r.stale_for(answers.region()) {
                left.push(LeftItem::at(NYLAS_V2_STEP, why));
            }
        }
        None => {
            b.push(Block::Para(
                "Your Nylas v2 application's client ID and secret haven't been checked in this run."
                    .into(),
            ));
            left.push(LeftItem::at(
                NYLAS_V2_STEP,
                "Enter your Nylas v2 application's client ID and secret on the Nylas v2 app step, so the wizard can check them.",
            ));
        }
    }
    b.push(Block::Fact(
        "Client secret".into(),
        secret_words(input.v2_secret),
        false,
    ));
}

/// "Microsoft Teams integration" (path B).
fn teams_integration(input: &ReportInput<'_>, left: &mut Vec<LeftItem>, b: &mut Vec<Block>) {
    let answers = &input.summary.progress.answers;
    b.push(Block::Heading("Microsoft Teams integration".into()));
    let Some(t) = answers.teams_integration.as_ref() else {
        b.push(Block::Para(
            "The Teams integration hasn't been created in this run of the wizard.".into(),
        ));
        left.push(LeftItem::at(
            TEAMS_INTEGRATION_STEP,
            "Create the Microsoft Teams integration on the Teams integration step.",
        ));
        return;
    };
    b.push(Block::Para(if t.created {
        format!("The wizard created it on {}.", when(&t.at))
    } else {
        format!(
            "It was already there; the wizard kept it (checked {}).",
            when(&t.at)
        )
    }));
    b.push(Block::Fact(
        "Integration ID".into(),
        t.integration_id.clone(),
        true,
    ));
    b.push(Block::Fact("Name".into(), t.name.clone(), false));
    b.push(Block::Fact(
        "Who signs in".into(),
        if t.tenant.eq_ignore_ascii_case("common") {
            "Any organization (tenant `common`)".to_string()
        } else {
            format!("Only your organization (tenant `{}`)", t.tenant)
        },
        false,
    ));
    b.push(Block::Fact("Region".into(), t.region.label().into(), false));
    let days = t.expires_in / 86_400;
    b.push(Block::Fact(
        "Sign-in tokens last".into(),
        if t.expires_in % 86_400 == 0 && days > 0 {
            format!(
                "{} ({} seconds)",
                plural(u32::try_from(days).unwrap_or(u32::MAX), "day", "days"),
                t.expires_in
            )
        } else {
            format!("{} seconds", t.expires_in)
        },
        false,
    ));
    b.push(Block::Para("Its redirect URIs:".into()));
    b.push(Block::List(
        t.redirect_uris.iter().map(|u| format!("`{u}`")).collect(),
    ));
    if let Some(why) = t.stale_for(answers.region()) {
        left.push(LeftItem::at(TEAMS_INTEGRATION_STEP, why));
    }
}

/// The connected accounts: the saved counts, and this run's accounts one
/// by one when it knows them.
fn accounts(
    input: &ReportInput<'_>,
    record: Option<&AccountsRecord>,
    step: &str,
    left: &mut Vec<LeftItem>,
    b: &mut Vec<Block>,
) {
    match record {
        Some(r) => {
            b.push(Block::Para(format!(
                "{} of {} connected{} (last run {}).",
                r.connected,
                plural(r.total, "account", "accounts"),
                if r.failed > 0 {
                    format!(", {} didn't", r.failed)
                } else {
                    String::new()
                },
                when(&r.at)
            )));
            if let Some(rows) = input.accounts.filter(|a| !a.is_empty()) {
                b.push(Block::Table(
                    vec!["Account".into(), "Result".into()],
                    rows.iter()
                        .map(|a| {
                            let result = match (a.connected, &a.detail) {
                                (true, Some(d)) => format!("Connected (`{d}`)"),
                                (true, None) => "Connected".into(),
                                (false, Some(d)) => format!("Not connected: {d}"),
                                (false, None) => "Not connected".into(),
                            };
                            vec![a.account.clone(), result]
                        })
                        .collect(),
                ));
            }
            if r.failed > 0 {
                left.push(LeftItem::at(
                    step,
                    format!(
                        "{} didn't connect: try again on the Connect accounts step (the ones already connected stay as they are).",
                        plural(r.failed, "account", "accounts")
                    ),
                ));
            } else if r.connected == 0 {
                left.push(LeftItem::at(
                    step,
                    "Connect at least one account on the Connect accounts step, to prove it works.",
                ));
            }
        }
        None => {
            b.push(Block::Para(
                "No account has been connected in this run of the wizard.".into(),
            ));
            left.push(LeftItem::at(
                step,
                "Connect at least one account on the Connect accounts step, to prove it works.",
            ));
        }
    }
}

/// Path B's own sections.
pub(super) fn teams_sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let mut b = Vec::new();
    v2_app(input, left, &mut b);
    teams_integration(input, left, &mut b);
    b.push(Block::Heading("Accounts connected to Teams".into()));
    accounts(
        input,
        input.summary.progress.answers.teams_accounts.as_ref(),
        CONNECT_ACCOUNTS_STEP,
        left,
        &mut b,
    );
    b
}

/// Path C's own sections.
pub(super) fn v2_events_sections(input: &ReportInput<'_>, left: &mut Vec<LeftItem>) -> Vec<Block> {
    let answers = &input.summary.progress.answers;
    let mut b = Vec::new();
    v2_app(input, left, &mut b);
    b.push(Block::Heading(
        "Accounts connected through Microsoft Graph".into(),
    ));
    accounts(
        input,
        answers.v2_accounts.as_ref(),
        NATIVE_AUTH_STEP,
        left,
        &mut b,
    );
    if shared_calendars(input) {
        b.push(Block::Para(
            "Shared calendars: each person is connected twice, once for email and contacts and once for calendar. Each is its own Nylas account with its own ID and access token; Nylas bills both, and both send Events webhooks unless you turn them off for the email-and-contacts one.".into(),
        ));
    }
    b
}

/// Path C with the shared-calendars feature (two accounts per person).
fn shared_calendars(input: &ReportInput<'_>) -> bool {
    input
        .summary
        .progress
        .answers
        .features_for(PathId::V2Events)
        .features
        .contains(&Feature::SharedCalendar)
}

/// What comes after this wizard on path B or C.
pub(super) fn next_steps(path: PathId, shared: bool) -> Vec<NextStep> {
    let docs = || doc("Nylas documentation", DocTopic::NylasDocs);
    match path {
        PathId::Teams => vec![
            NextStep {
                text: "Create events with Microsoft Teams conferencing through the Nylas v2 API for the accounts you connected: Nylas adds the Teams meeting link.".into(),
                doc: docs(),
            },
            NextStep {
                text: "Connect more accounts the same way, on the Connect accounts step or with `nylas-ms-setup teams auth`: each sign-in link works for 12 hours.".into(),
                doc: docs(),
            },
            NextStep {
                text: "When your Azure client secret expires, make a new one and update the Teams integration with it, or Teams meetings stop being created.".into(),
                doc: doc("Nylas: Create an Azure auth app", DocTopic::NylasAzureAppGuide),
            },
        ],
        _ => {
            let mut v = vec![
                NextStep {
                    text: "Use each connected account's access token with the Nylas v2 API. Accounts connected through Microsoft Graph are new Nylas accounts, with new account IDs, and their data is synced again with new IDs.".into(),
                    doc: docs(),
                },
                NextStep {
                    text: "Once the new accounts work, delete the old Microsoft accounts that aren't on Microsoft Graph: until then Nylas bills both. Deleting an account removes all of its data, so check the new one first.".into(),
                    doc: docs(),
                },
            ];
            if shared {
                v.push(NextStep {
                    text: "With shared calendars, use the calendar account's access token for calendars and events, and the other account's for email and contacts. To stop duplicate Events webhooks, keep the email-and-contacts accounts in a Nylas application whose Events triggers are off.".into(),
                    doc: docs(),
                });
            }
            v
        }
    }
}

/// Path B or C's next steps for this input.
pub(super) fn next_steps_for(input: &ReportInput<'_>, path: PathId) -> Vec<NextStep> {
    next_steps(path, path == PathId::V2Events && shared_calendars(input))
}

#[cfg(test)]
#[path = "v2_tests.rs"]
mod tests;
