//! The report of paths B (Teams) and C (v2 Graph events): what was checked
//! and configured from the steps' records, what is left with the step to go
//! back to, and never the v2 client secret.

use time::OffsetDateTime;

use super::super::{document, json, left, render, ReportInput};
use super::*;
use crate::answers::AnswerUpdate;
use crate::nylas::NylasAccountRecord;
use crate::nylas_v2::{NylasV2Record, TeamsIntegrationRecord};
use crate::paths::REPORT_STEP;
use crate::regions::Region;
use crate::secrets::{
    hint, MemorySecretStore, SecretName, SecretStore, SecretString, StoredSecret,
};
use crate::state::Progress;
use crate::summary::{SummaryFormat, SummaryInput};

/// A value that must never reach a report.
const V2_SECRET_CANARY: &str = "nylas-v2-CANARY-secret-5b1f9e3c7a";
const V2_CLIENT: &str = "practice-v2-contoso-client";
const TENANT_ID: &str = "8f2a1c3e-5b7d-4e9f-a1c3-5e7f9b1d3f5a";

fn teams(region: Region) -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Teams));
    p.set_answer(AnswerUpdate::Region(region)).unwrap();
    p
}

fn v2_app(region: Region) -> NylasV2Record {
    NylasV2Record {
        client_id: V2_CLIENT.into(),
        region,
        checked_at: "2026-12-01T22:10:00Z".into(),
    }
}

fn integration(tenant: &str, created: bool) -> TeamsIntegrationRecord {
    TeamsIntegrationRecord {
        integration_id: "3d6d9d51-2269-434d-85b8-73d44bb86e24".into(),
        name: "Contoso Teams".into(),
        tenant: tenant.into(),
        redirect_uris: vec![
            "https://beta.us.nylas.com/connect/callback".into(),
            "http://localhost:47616/nylas-wizard/teams-callback".into(),
        ],
        expires_in: 1_209_600,
        region: Region::Us,
        created,
        at: "2026-12-01T22:15:00Z".into(),
    }
}

fn counts(total: u32, connected: u32, failed: u32) -> AccountsRecord {
    AccountsRecord {
        total,
        connected,
        failed,
        at: "2026-12-01T22:20:00Z".into(),
    }
}

/// The hint a real store makes of the canary, as the shell makes it.
fn v2_secret() -> StoredSecret {
    let store = MemorySecretStore::new();
    let name = SecretName::NylasV2ClientSecret;
    store
        .set(
            name.as_str(),
            &SecretString::from(V2_SECRET_CANARY.to_string()),
        )
        .unwrap();
    StoredSecret {
        name,
        hint: hint(&store.get(name.as_str()).unwrap()),
        persistent: false,
    }
}

fn report_input<'a>(
    p: &'a Progress,
    secret: Option<&'a StoredSecret>,
    accounts: Option<&'a [AccountFacts]>,
) -> ReportInput<'a> {
    ReportInput {
        summary: SummaryInput {
            progress: p,
            client_id: None,
            audit: None,
            secret: None,
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: None,
        configure: None,
        sign_in: None,
        changes: Some(&[]),
        v2_secret: secret,
        accounts,
        bulk: None,
    }
}

fn left_at(input: &ReportInput<'_>, step: &str) -> Vec<String> {
    left(input)
        .into_iter()
        .filter(|l| l.step.as_deref() == Some(step))
        .map(|l| l.text)
        .collect()
}

#[test]
fn a_finished_teams_run_reports_the_v2_app_the_integration_and_the_accounts() {
    let mut p = teams(Region::Us);
    p.answers.nylas_v2 = Some(v2_app(Region::Us));
    p.answers.teams_integration = Some(integration("common", true));
    p.answers.teams_accounts = Some(counts(2, 2, 0));
    // Path A's Nylas application is in the answers too: not this path's.
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "v3-app-not-on-this-path".into(),
        region: Region::Us,
        name: None,
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    let secret = v2_secret();
    let rows = [
        AccountFacts {
            account: "megan@contoso.com".into(),
            connected: true,
            detail: Some("grant-megan-1".into()),
        },
        AccountFacts {
            account: "alex@contoso.com".into(),
            connected: true,
            detail: None,
        },
    ];
    let input = report_input(&p, Some(&secret), Some(&rows));
    for step in [
        NYLAS_V2_STEP,
        TEAMS_INTEGRATION_STEP,
        CONNECT_ACCOUNTS_STEP,
        REPORT_STEP,
    ] {
        assert!(
            left_at(&input, step).is_empty(),
            "{step}: {:?}",
            left(&input)
        );
    }
    let md = render(&input, SummaryFormat::Markdown);
    for want in [
        "## Nylas v2 application",
        "- **Client ID:** `practice-v2-contoso-client`",
        "- **Checked:** 2026-12-01 22:10 UTC",
        &format!(
            "Kept in memory for this run only (it looks like {})",
            secret.hint
        ),
        "## Microsoft Teams integration",
        "The wizard created it on 2026-12-01 22:15 UTC.",
        "- **Integration ID:** `3d6d9d51-2269-434d-85b8-73d44bb86e24`",
        "Any organization (tenant `common`)",
        "14 days (1209600 seconds)",
        "- `https://beta.us.nylas.com/connect/callback`",
        "## Accounts connected to Teams",
        "2 of 2 accounts connected (last run 2026-12-01 22:20 UTC).",
        "| megan@contoso.com | Connected (`grant-megan-1`) |",
        "| alex@contoso.com | Connected |",
        "Teams meeting link",
        "## Changes made and how to undo them",
    ] {
        assert!(md.contains(want), "{want} in\n{md}");
    }
    // Path A's parts don't appear on path B.
    for not in [
        "## Configure Nylas",
        "## Test sign-in",
        "v3-app-not-on-this-path",
    ] {
        assert!(!md.contains(not), "{not} in\n{md}");
    }
    let doc = document(&input);
    assert_eq!(doc.path, Some(PathId::Teams));
    assert_eq!(doc.nylas_v2.as_ref().unwrap().client_id, V2_CLIENT);
    assert_eq!(doc.teams_integration.as_ref().unwrap().tenant, "common");
    assert_eq!(doc.teams_accounts.as_ref().unwrap().connected, 2);
    assert_eq!(doc.v2_accounts, None);
    assert_eq!(doc.accounts, rows);
    assert_eq!(doc.nylas_application, None);
    assert_eq!(
        doc.nylas_v2_client_secret.as_ref().unwrap().hint,
        secret.hint
    );
    assert_eq!(doc.next, next_steps(PathId::Teams, false));
    let v: serde_json::Value = serde_json::from_str(&json(&input)).unwrap();
    assert_eq!(
        v["teams_integration"]["integration_id"],
        "3d6d9d51-2269-434d-85b8-73d44bb86e24"
    );
    assert_eq!(v["teams_accounts"]["total"], 2);
    assert_eq!(v["nylas_v2_client_secret"]["persistent"], false);
    assert_eq!(v["accounts"][0]["account"], "megan@contoso.com");
}

#[test]
fn a_single_tenant_integration_kept_as_it_was_says_so() {
    let mut p = teams(Region::Us);
    p.answers.teams_integration = Some(integration(TENANT_ID, false));
    let input = report_input(&p, None, None);
    let md = render(&input, SummaryFormat::Markdown);
    assert!(
        md.contains(&format!("Only your organization (tenant `{TENANT_ID}`)")),
        "{md}"
    );
    assert!(
        md.contains("It was already there; the wizard kept it"),
        "{md}"
    );
    assert!(
        md.contains("- **Client secret:** Not stored by the wizard"),
        "{md}"
    );
}

#[test]
fn a_teams_run_with_nothing_done_says_what_is_left_with_the_step_to_go_back_to() {
    let p = teams(Region::Us);
    let input = report_input(&p, None, None);
    assert_eq!(
        left_at(&input, NYLAS_V2_STEP).len(),
        1,
        "{:?}",
        left(&input)
    );
    assert!(left_at(&input, TEAMS_INTEGRATION_STEP)[0]
        .contains("Create the Microsoft Teams integration"));
    assert!(left_at(&input, CONNECT_ACCOUNTS_STEP)[0].contains("Connect at least one account"));
    assert!(left_at(&input, REPORT_STEP).is_empty());
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.contains("haven't been checked in this run"), "{md}");
    assert!(md.contains("hasn't been created in this run"), "{md}");
    assert!(
        md.contains("No account has been connected in this run"),
        "{md}"
    );
    let doc = document(&input);
    assert!(!doc.complete);
    assert_eq!(doc.teams_integration, None);
    assert!(doc.accounts.is_empty());
}

#[test]
fn failed_accounts_and_a_changed_region_are_left_to_do() {
    // Checked and created in the US, then the region changed to the EU.
    let mut p = teams(Region::Eu);
    p.answers.nylas_v2 = Some(v2_app(Region::Us));
    p.answers.teams_integration = Some(integration("common", true));
    p.answers.teams_accounts = Some(counts(3, 2, 1));
    let rows = [AccountFacts {
        account: "acc-7".into(),
        connected: false,
        detail: Some("The person cancelled the sign-in.".into()),
    }];
    let input = report_input(&p, None, Some(&rows));
    assert_eq!(
        left_at(&input, NYLAS_V2_STEP).len(),
        1,
        "{:?}",
        left(&input)
    );
    assert!(left_at(&input, NYLAS_V2_STEP)[0].contains("EU"));
    assert_eq!(left_at(&input, TEAMS_INTEGRATION_STEP).len(), 1);
    let accounts = left_at(&input, CONNECT_ACCOUNTS_STEP);
    assert_eq!(accounts.len(), 1);
    assert!(
        accounts[0].starts_with("1 account didn't connect"),
        "{accounts:?}"
    );
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.contains("2 of 3 accounts connected, 1 didn't"), "{md}");
    assert!(
        md.contains("| acc-7 | Not connected: The person cancelled the sign-in. |"),
        "{md}"
    );
    // No account connected at all is left too.
    p.answers.teams_accounts = Some(counts(1, 0, 0));
    let input = report_input(&p, None, None);
    assert!(left_at(&input, CONNECT_ACCOUNTS_STEP)[0].contains("Connect at least one account"));
}

#[test]
fn path_c_reports_the_graph_accounts_and_what_shared_calendars_mean() {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::V2Events));
    p.answers.nylas_v2 = Some(v2_app(Region::Us));
    p.answers.v2_accounts = Some(counts(1, 1, 0));
    // Path B's records are not this path's.
    p.answers.teams_integration = Some(integration("common", true));
    let input_plain = report_input(&p, None, None);
    assert!(
        left_at(&input_plain, NATIVE_AUTH_STEP).is_empty(),
        "{:?}",
        left(&input_plain)
    );
    assert!(left_at(&input_plain, NYLAS_V2_STEP).is_empty());
    let md = render(&input_plain, SummaryFormat::Markdown);
    assert!(
        md.contains("## Accounts connected through Microsoft Graph"),
        "{md}"
    );
    assert!(md.contains("1 of 1 account connected"), "{md}");
    assert!(!md.contains("Microsoft Teams integration"), "{md}");
    assert!(!md.contains("Shared calendars:"), "{md}");
    let doc = document(&input_plain);
    assert_eq!(doc.v2_accounts.as_ref().unwrap().connected, 1);
    assert_eq!(doc.teams_integration, None);
    assert_eq!(doc.next, next_steps(PathId::V2Events, false));

    p.set_answer(AnswerUpdate::Feature {
        feature: Feature::SharedCalendar,
        on: true,
    })
    .unwrap();
    let shared = report_input(&p, None, None);
    let md = render(&shared, SummaryFormat::Markdown);
    assert!(
        md.contains("Shared calendars: each person is connected twice"),
        "{md}"
    );
    assert!(md.contains("Nylas bills both"), "{md}");
    let next = document(&shared).next;
    assert_eq!(next.len(), 3);
    assert!(next[2].text.contains("calendar account's access token"));

    // Nothing connected yet: left at the Connect accounts step of path C.
    p.answers.v2_accounts = None;
    let none = report_input(&p, None, None);
    assert_eq!(left_at(&none, NATIVE_AUTH_STEP).len(), 1);
    assert!(left_at(&none, CONNECT_ACCOUNTS_STEP).is_empty());
}

#[test]
fn the_v2_client_secret_never_reaches_the_report() {
    let mut p = teams(Region::Us);
    p.answers.nylas_v2 = Some(v2_app(Region::Us));
    let secret = v2_secret();
    assert!(!secret.hint.contains(V2_SECRET_CANARY));
    let input = report_input(&p, Some(&secret), None);
    for text in [
        render(&input, SummaryFormat::Markdown),
        render(&input, SummaryFormat::Html),
        json(&input),
    ] {
        assert!(
            !text.contains(V2_SECRET_CANARY),
            "the secret reached\n{text}"
        );
        assert!(
            text.contains(&secret.hint),
            "the hint is missing from\n{text}"
        );
    }
}
