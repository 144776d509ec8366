use super::*;
use crate::answers::AnswerUpdate;
use crate::audit::FindingStatus;
use crate::manifest::parse_manifest;
use crate::migrate::{classify, translate_text, MigrateAccountsRecord, MigrateScopesRecord};
use crate::nylas::{NylasAccountRecord, NylasConfiguredRecord};
use crate::paths::PathId;
use crate::regions::Region;
use crate::state::Progress;
use time::OffsetDateTime;

const MANIFEST: &str = include_str!("../../tests/fixtures/manifests/missing-offline-access.json");
const CLIENT: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";

fn on_path_d() -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Migrate));
    p
}

fn entry(c: &MigrateChecklist, item: ChecklistItem) -> &ChecklistEntry {
    c.items.iter().find(|e| e.item == item).unwrap()
}

fn state(c: &MigrateChecklist, item: ChecklistItem) -> ChecklistState {
    entry(c, item).state
}

/// Scopes translated, then the new app audited; every finding forced to
/// `status` except those in `failing`, the counts kept true to them.
fn translated_and_audited(p: &mut Progress, failing: &[CheckId]) -> AuditReport {
    let t = translate_text("email.read_only,calendar").unwrap();
    p.record_migrate_scopes(MigrateScopesRecord::of(&t, "2026-01-01T00:00:00Z".into()));
    let app = parse_manifest(MANIFEST).unwrap();
    let mut r = p.answers.audit(PathId::Migrate, &app, None).unwrap();
    for f in &mut r.findings {
        f.status = if failing.contains(&f.check) {
            FindingStatus::Fail
        } else {
            FindingStatus::Pass
        };
    }
    r.summary.fail = failing.len();
    r.summary.warn = 0;
    r.summary.pass = r.findings.len() - failing.len();
    p.record_check(&r);
    r
}

#[test]
fn a_fresh_checklist_is_seed_002_in_order_with_nothing_done() {
    let p = on_path_d();
    let c = checklist(&p.answers, None);
    let ids: Vec<_> = c.items.iter().map(|e| e.item.as_str()).collect();
    assert_eq!(
        ids,
        [
            "link-organization",
            "translate-scopes",
            "new-azure-app",
            "graph-permissions",
            "redirect-uris",
            "publisher-verification",
            "import-tool",
            "batch-migration",
            "patch-connector",
            "reauthenticate"
        ]
    );
    let numbers: Vec<_> = c.items.iter().map(|e| e.number).collect();
    assert_eq!(numbers[0], None);
    assert_eq!(numbers[1..9], [1, 2, 3, 4, 5, 6, 7, 8].map(Some));
    assert_eq!(numbers[9], None);
    assert_eq!((c.done, c.needed, c.complete), (0, 9, false));
    assert_eq!(
        state(&c, ChecklistItem::PublisherVerification),
        ChecklistState::Optional
    );
    for e in &c.items {
        if e.item != ChecklistItem::PublisherVerification {
            assert_eq!(e.state, ChecklistState::ToDo, "{:?}", e.item);
        }
        assert!(!e.why.is_empty());
    }
    // The dashboard's own steps link to the dashboard and can be ticked.
    for item in [
        ChecklistItem::LinkOrganization,
        ChecklistItem::ImportTool,
        ChecklistItem::BatchMigration,
    ] {
        let e = entry(&c, item);
        assert!(e.tickable, "{item:?}");
        assert_eq!(
            e.link.as_ref().unwrap().url,
            "https://dashboard-v3.nylas.com/"
        );
    }
    // The redirect URI item names the region's v3 callback.
    assert!(entry(&c, ChecklistItem::RedirectUris)
        .why
        .contains("https://api.us.nylas.com/v3/connect/callback"));
}

#[test]
fn only_dashboard_items_can_be_ticked_and_ticks_are_kept_once_in_order() {
    let mut p = on_path_d();
    let err = p
        .set_answer(AnswerUpdate::MigrateTick {
            item: ChecklistItem::PatchConnector,
            done: true,
        })
        .unwrap_err();
    assert!(
        err.message.contains("checked by the wizard itself"),
        "{err:?}"
    );
    assert!(p.answers.migrate_ticks.is_empty());
    for item in [
        ChecklistItem::BatchMigration,
        ChecklistItem::ImportTool,
        ChecklistItem::BatchMigration,
    ] {
        p.set_answer(AnswerUpdate::MigrateTick { item, done: true })
            .unwrap();
    }
    assert_eq!(
        p.answers.migrate_ticks,
        [ChecklistItem::ImportTool, ChecklistItem::BatchMigration]
    );
    let c = checklist(&p.answers, None);
    assert_eq!(state(&c, ChecklistItem::ImportTool), ChecklistState::Ticked);
    assert_eq!(c.done, 2);
    p.set_answer(AnswerUpdate::MigrateTick {
        item: ChecklistItem::ImportTool,
        done: false,
    })
    .unwrap();
    let c = checklist(&p.answers, None);
    assert_eq!(state(&c, ChecklistItem::ImportTool), ChecklistState::ToDo);
    // The window's wire format, and a file's answers checked the same way.
    let u: AnswerUpdate = serde_json::from_value(serde_json::json!(
        {"key": "migrate_tick", "value": {"item": "link-organization", "done": true}}
    ))
    .unwrap();
    p.set_answer(u).unwrap();
    let v = p.answers.validated(PathId::Migrate).unwrap();
    assert_eq!(v.migrate_ticks, p.answers.migrate_ticks);
    let mut bad = p.answers.clone();
    bad.migrate_ticks.push(ChecklistItem::NewAzureApp);
    assert!(bad.validated(PathId::Migrate).is_err());
    // Start over forgets the ticks.
    p.start_over();
    assert!(p.answers.migrate_ticks.is_empty());
}

#[test]
fn the_wizard_s_own_checks_mark_items_1_to_4_from_the_audit_findings() {
    let mut p = on_path_d();
    let r = translated_and_audited(&mut p, &[]);
    let c = checklist(&p.answers, Some(&r));
    for item in [
        ChecklistItem::TranslateScopes,
        ChecklistItem::NewAzureApp,
        ChecklistItem::GraphPermissions,
        ChecklistItem::RedirectUris,
    ] {
        assert_eq!(state(&c, item), ChecklistState::Verified, "{item:?}");
        assert!(!entry(&c, item).tickable);
    }
    let n = p.answers.migrate_scopes.as_ref().unwrap().scopes.len();
    assert_eq!(
        entry(&c, ChecklistItem::TranslateScopes).why,
        format!("2 v2 scopes translated into {n} Graph permissions.")
    );
    // Publisher verification passed in this audit: verified, not just optional.
    assert_eq!(
        state(&c, ChecklistItem::PublisherVerification),
        ChecklistState::Verified
    );

    // The redirect URI missing: only item 4 needs attention, with the
    // audit's own words; the permissions are still fine.
    let mut p = on_path_d();
    let r = translated_and_audited(&mut p, &[CheckId::RedirectUris]);
    let c = checklist(&p.answers, Some(&r));
    let e = entry(&c, ChecklistItem::RedirectUris);
    assert_eq!(e.state, ChecklistState::NeedsAttention);
    assert_eq!(e.why, r.finding(CheckId::RedirectUris).unwrap().title);
    assert_eq!(e.step.as_deref(), Some(AZURE_APP_STEP));
    assert_eq!(
        state(&c, ChecklistItem::GraphPermissions),
        ChecklistState::Verified
    );
    assert_eq!(
        state(&c, ChecklistItem::NewAzureApp),
        ChecklistState::NeedsAttention
    );
    // Without the findings (after a restart) only the counts are left: a
    // failing check marks every app item as needing attention.
    let c = checklist(&p.answers, None);
    assert_eq!(
        state(&c, ChecklistItem::GraphPermissions),
        ChecklistState::NeedsAttention
    );
    assert!(entry(&c, ChecklistItem::GraphPermissions)
        .why
        .contains("found 1 thing to fix"));
    // An audit that isn't the recorded one is not read.
    let mut other = r.clone();
    other.checked_at = OffsetDateTime::UNIX_EPOCH;
    other.findings.clear();
    let c = checklist(&p.answers, Some(&other));
    assert_eq!(
        state(&c, ChecklistItem::RedirectUris),
        ChecklistState::NeedsAttention
    );
}

#[test]
fn an_app_checked_before_the_scopes_were_translated_is_checked_again() {
    let mut p = on_path_d();
    let r = translated_and_audited(&mut p, &[]);
    let mut s = p.answers.migrate_scopes.clone().unwrap();
    s.at = "2999-01-01T00:00:00Z".into();
    p.answers.migrate_scopes = Some(s);
    let c = checklist(&p.answers, Some(&r));
    for item in [
        ChecklistItem::NewAzureApp,
        ChecklistItem::GraphPermissions,
        ChecklistItem::RedirectUris,
    ] {
        let e = entry(&c, item);
        assert_eq!(e.state, ChecklistState::NeedsAttention, "{item:?}");
        assert!(e.why.contains("before your v2 scopes were translated"));
    }
}

#[test]
fn the_connector_is_verified_only_for_the_new_app_in_this_region() {
    let mut p = on_path_d();
    p.set_answer(AnswerUpdate::ClientId(Some(CLIENT.into())))
        .unwrap();
    p.set_answer(AnswerUpdate::Tenant(Some("contoso.com".into())))
        .unwrap();
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "app-1".into(),
        region: Region::Us,
        name: None,
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    let record = NylasConfiguredRecord {
        application_id: "app-1".into(),
        region: Region::Us,
        client_id: CLIENT.into(),
        tenant: "contoso.com".into(),
        complete: true,
        at: OffsetDateTime::UNIX_EPOCH,
    };
    p.answers.migrate_connector = Some(record.clone());
    let c = checklist(&p.answers, None);
    let e = entry(&c, ChecklistItem::PatchConnector);
    assert_eq!(e.state, ChecklistState::Verified);
    assert!(e.why.contains(CLIENT));
    // Another Azure app since: the connector doesn't use the new one.
    p.set_answer(AnswerUpdate::ClientId(Some(
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301".into(),
    )))
    .unwrap();
    let c = checklist(&p.answers, None);
    assert_eq!(
        state(&c, ChecklistItem::PatchConnector),
        ChecklistState::NeedsAttention
    );
    p.answers.migrate_connector = Some(NylasConfiguredRecord {
        complete: false,
        ..record
    });
    let c = checklist(&p.answers, None);
    assert!(entry(&c, ChecklistItem::PatchConnector)
        .why
        .contains("didn't finish"));
}

#[test]
fn who_signs_in_again_follows_the_sorted_accounts() {
    let mut p = on_path_d();
    let c = classify("email,provider,authentication_type\na@contoso.com,graph,token\nb@contoso.com,exchange,password\nc@hotmail.com,hotmail,token\n").unwrap();
    p.record_migrate_accounts(MigrateAccountsRecord::of(
        &c,
        None,
        "2026-01-01T00:00:00Z".into(),
    ));
    let list = checklist(&p.answers, None);
    let e = entry(&list, ChecklistItem::Reauthenticate);
    assert_eq!(e.state, ChecklistState::ToDo);
    assert!(
        e.why.starts_with("2 accounts must sign in again"),
        "{}",
        e.why
    );
    assert!(e.tickable);
    let c = classify("email,provider,authentication_type\na@contoso.com,graph,token\n").unwrap();
    p.record_migrate_accounts(MigrateAccountsRecord::of(
        &c,
        None,
        "2026-01-01T00:00:00Z".into(),
    ));
    let list = checklist(&p.answers, None);
    let e = entry(&list, ChecklistItem::Reauthenticate);
    assert_eq!(e.state, ChecklistState::Verified);
    assert!(!e.tickable);
}

#[test]
fn complete_once_every_needed_item_is_verified_or_ticked() {
    let mut p = on_path_d();
    let mut r = translated_and_audited(&mut p, &[]);
    // An unverified publisher is only a warning: the optional item stays open.
    r.findings
        .iter_mut()
        .filter(|f| f.check == CheckId::PublisherVerification)
        .for_each(|f| f.status = FindingStatus::Warn);
    p.set_answer(AnswerUpdate::ClientId(Some(CLIENT.into())))
        .unwrap();
    p.set_answer(AnswerUpdate::Tenant(Some("contoso.com".into())))
        .unwrap();
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "app-1".into(),
        region: Region::Us,
        name: None,
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    p.answers.migrate_connector = Some(NylasConfiguredRecord {
        application_id: "app-1".into(),
        region: Region::Us,
        client_id: CLIENT.into(),
        tenant: "contoso.com".into(),
        complete: true,
        at: OffsetDateTime::UNIX_EPOCH,
    });
    for item in [
        ChecklistItem::LinkOrganization,
        ChecklistItem::ImportTool,
        ChecklistItem::BatchMigration,
    ] {
        p.set_answer(AnswerUpdate::MigrateTick { item, done: true })
            .unwrap();
    }
    let c = checklist(&p.answers, Some(&r));
    assert!(!c.complete, "who signs in again is still open");
    p.set_answer(AnswerUpdate::MigrateTick {
        item: ChecklistItem::Reauthenticate,
        done: true,
    })
    .unwrap();
    let c = checklist(&p.answers, Some(&r));
    assert_eq!(
        state(&c, ChecklistItem::PublisherVerification),
        ChecklistState::Optional
    );
    assert!(c.complete, "{c:#?}");
    assert_eq!((c.done, c.needed), (9, 9));
}

#[test]
fn item_names_match_serde() {
    names::assert_matches_serde::<ChecklistItem>();
}
