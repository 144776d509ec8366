//! Path D's report: the v2 scopes, the Nylas v3 application, the sorted
//! accounts and seed 002's checklist (state and why per item, the dashboard
//! link); the dashboard's own steps left to do until ticked; never the API
//! key.

use time::OffsetDateTime;

use super::super::{document, json, left, render, ReportInput};
use crate::answers::AnswerUpdate;
use crate::manifest::parse_manifest;
use crate::migrate::checklist::{ChecklistItem, ChecklistState};
use crate::migrate::{classify, translate_text, MigrateAccountsRecord, MigrateScopesRecord};
use crate::nylas::NylasAccountRecord;
use crate::paths::PathId;
use crate::regions::Region;
use crate::secrets::{
    hint, MemorySecretStore, SecretName, SecretStore, SecretString, StoredSecret,
};
use crate::state::Progress;
use crate::summary::{AuditSource, SummaryFormat, SummaryInput};

const KEY_CANARY: &str = "nyk_v0_migrate_CANARY_key_4e8a2c6b0d";
const MANIFEST: &str = include_str!("../../tests/fixtures/manifests/missing-offline-access.json");

fn api_key() -> StoredSecret {
    let store = MemorySecretStore::new();
    let name = SecretName::NylasApiKey;
    store
        .set(name.as_str(), &SecretString::from(KEY_CANARY.to_string()))
        .unwrap();
    StoredSecret {
        name,
        hint: hint(&store.get(name.as_str()).unwrap()),
        persistent: true,
    }
}

fn migrated() -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Migrate));
    p.set_answer(AnswerUpdate::Region(Region::Eu)).unwrap();
    let t = translate_text("email.read_only,calendar").unwrap();
    p.record_migrate_scopes(MigrateScopesRecord::of(&t, "2026-01-01T00:00:00Z".into()));
    let c = classify("email,provider,authentication_type\na@contoso.com,graph,token\nb@contoso.com,exchange,password\n").unwrap();
    p.record_migrate_accounts(MigrateAccountsRecord::of(
        &c,
        Some("v2-accounts.csv".into()),
        "2026-01-01T00:00:00Z".into(),
    ));
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "app-v3-contoso".into(),
        region: Region::Eu,
        name: Some("Contoso v3".into()),
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    p
}

fn input<'a>(
    p: &'a Progress,
    key: &'a StoredSecret,
    audit: Option<&'a crate::audit::AuditReport>,
) -> ReportInput<'a> {
    ReportInput {
        summary: SummaryInput {
            progress: p,
            client_id: None,
            audit: audit.map(|r| (r, AuditSource::Manifest)),
            secret: None,
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: Some(key),
        configure: None,
        sign_in: None,
        changes: Some(&[]),
        v2_secret: None,
        accounts: None,
        bulk: None,
    }
}

#[test]
fn path_d_reports_the_checklist_with_each_state_and_why_and_never_the_key() {
    let mut p = migrated();
    p.set_answer(AnswerUpdate::MigrateTick {
        item: ChecklistItem::ImportTool,
        done: true,
    })
    .unwrap();
    let app = parse_manifest(MANIFEST).unwrap();
    let audit = p.answers.audit(PathId::Migrate, &app, None).unwrap();
    p.record_check(&audit);
    let key = api_key();
    let i = input(&p, &key, Some(&audit));
    let md = render(&i, SummaryFormat::Markdown);
    let js = json(&i);
    for text in [&md, &js] {
        assert!(!text.contains(KEY_CANARY), "the API key leaked");
    }
    assert!(md.contains(&key.hint), "the key's hint is shown");
    assert!(md.contains("## Migration checklist"), "{md}");
    assert!(md.contains("Run the Nylas import tool"));
    assert!(md.contains("Done (you ticked it)"));
    assert!(md.contains("https://dashboard-v3.nylas.com/"));
    assert!(md.contains("email.read_only, calendar"));
    assert!(
        md.contains("from v2-accounts.csv; 1 must sign in again"),
        "{md}"
    );
    // The EU callback is what item 4 is about.
    assert!(
        md.contains("https://api.eu.nylas.com/v3/connect/callback"),
        "{md}"
    );

    let doc = document(&i);
    assert_eq!(doc.path, Some(PathId::Migrate));
    let list = doc.migrate_checklist.as_ref().unwrap();
    let state = |item| list.items.iter().find(|e| e.item == item).unwrap().state;
    assert_eq!(state(ChecklistItem::ImportTool), ChecklistState::Ticked);
    assert_eq!(
        state(ChecklistItem::TranslateScopes),
        ChecklistState::Verified
    );
    // This manifest lacks offline_access: the permissions item says so.
    assert_eq!(
        state(ChecklistItem::GraphPermissions),
        if audit.summary.fail > 0 {
            ChecklistState::NeedsAttention
        } else {
            ChecklistState::Verified
        }
    );
    assert_eq!(doc.migrate_accounts.as_ref().unwrap().reauth, 1);
    assert!(doc.migrate_scopes.is_some());
    assert_eq!(
        doc.nylas_application.as_ref().unwrap().application_id,
        "app-v3-contoso"
    );
    assert!(!doc.complete);
    // Round trip: the JSON document reads back as the same report.
    let back: super::super::SetupReport = serde_json::from_str(&js).unwrap();
    assert_eq!(back.migrate_checklist, doc.migrate_checklist);
}

#[test]
fn the_dashboard_steps_are_left_to_do_until_ticked() {
    let mut p = migrated();
    // Passing over the steps gives each its verdict (Accounts: Done).
    p.go_to_step("report").unwrap();
    let key = api_key();
    let texts = |p: &Progress| -> Vec<(Option<String>, String)> {
        left(&input(p, &key, None))
            .into_iter()
            .map(|l| (l.step, l.text))
            .collect()
    };
    let before = texts(&p);
    for title in [
        "Before you start: link your organization",
        "Run the Nylas import tool",
        "Run the Nylas batch account migration tool",
    ] {
        let found = before.iter().find(|(_, t)| t.starts_with(title));
        assert_eq!(found.map(|(s, _)| s.clone()), Some(None), "{title}");
        assert!(
            found.unwrap().1.ends_with(
                "do it in the Nylas dashboard, then tick it in the migration checklist."
            ),
            "{found:?}"
        );
    }
    // Who signs in again goes back to the Accounts step.
    assert!(before.iter().any(
        |(s, t)| s.as_deref() == Some("accounts") && t.contains("1 account must sign in again")
    ));
    for item in [
        ChecklistItem::LinkOrganization,
        ChecklistItem::ImportTool,
        ChecklistItem::BatchMigration,
        ChecklistItem::Reauthenticate,
    ] {
        p.set_answer(AnswerUpdate::MigrateTick { item, done: true })
            .unwrap();
    }
    let after = texts(&p);
    assert!(
        !after.iter().any(|(_, t)| t.starts_with("Run the Nylas")
            || t.starts_with("Before you start")
            || t.starts_with("Afterwards")),
        "{after:?}"
    );
    // The optional item is never left to do.
    assert!(!after
        .iter()
        .any(|(_, t)| t.contains("verified for production")));
}
