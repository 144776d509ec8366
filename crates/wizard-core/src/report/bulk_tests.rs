//! Path E's report: the Nylas application and connector, each tenant's
//! credential (created, reused, failed with its reason) and consent, each
//! mailbox's grant, the runs' counts, what is left; never the API key nor
//! anything but keys, IDs and reasons from the journals.

use std::path::Path;

use time::OffsetDateTime;

use super::super::{document, json, left, render, ReportInput};
use super::{BulkFacts, BulkResult};
use crate::bulk::{ConsentJournal, ConsentRecord, TenantRow, UserRow};
use crate::nylas::NylasAccountRecord;
use crate::paths::{PathId, BULK_CONSENT_STEP, BULK_GRANTS_STEP, BULK_SERVICE_ACCOUNTS_STEP};
use crate::regions::Region;
use crate::secrets::{
    hint, MemorySecretStore, SecretName, SecretStore, SecretString, StoredSecret,
};
use crate::state::{BulkConsentRecord, BulkRunRecord, Progress};
use crate::summary::{SummaryFormat, SummaryInput};

const KEY_CANARY: &str = "nyk_v0_bulk_CANARY_key_91f3b7a2c4";
/// Written into a journal line as an unknown field: must never be copied.
const JOURNAL_CANARY: &str = "Q~bulkJournalCANARY_secret_77d2";

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

fn run(total: u32, created: u32, reused: u32, failed: u32, source: &str) -> BulkRunRecord {
    BulkRunRecord {
        source: Some(source.into()),
        total,
        created,
        reused,
        failed,
        cancelled: false,
        application_id: "app-bulk-1".into(),
        at: "2026-12-02T03:40:00Z".into(),
    }
}

fn on_path_e() -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Bulk));
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "app-bulk-1".into(),
        region: Region::Us,
        name: Some("Contoso bulk".into()),
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    p.record_bulk_credentials(run(2, 1, 1, 0, "tenants.csv"));
    p.record_bulk_consent(BulkConsentRecord {
        total: 2,
        consented: 1,
        application_id: "app-bulk-1".into(),
        at: "2026-12-02T03:45:00Z".into(),
    });
    p.record_bulk_grants(run(3, 2, 0, 1, "mailboxes.csv"));
    p
}

fn tenant(row: u32, tenant: &str, name: &str) -> TenantRow {
    TenantRow {
        row,
        tenant: tenant.into(),
        name: name.into(),
        admin_email: Some(format!("admin@{tenant}")),
    }
}

fn user(row: u32, email: &str) -> UserRow {
    UserRow {
        row,
        email: email.into(),
        tenant: None,
    }
}

const NOT_CONSENTED: &str =
    "The tenant's admin hasn't given admin consent yet: open its consent link first.";

/// Journals as a run leaves them: Fabrikam failed first, then reused; a
/// torn last line; an unknown field holding something secret-looking.
fn facts(dir: &Path) -> BulkFacts {
    let creds = dir.join("bulk-credentials.jsonl");
    std::fs::write(
        &creds,
        format!(
            "{{\"key\":\"credential:contoso.com\",\"state\":\"created\",\"id\":\"cred-contoso-1\",\"at\":1,\"client_secret\":\"{JOURNAL_CANARY}\"}}\n\
             {{\"key\":\"credential:fabrikam.de\",\"state\":\"failed\",\"reason\":\"Nylas didn't answer in time.\",\"at\":2}}\n\
             {{\"key\":\"credential:fabrikam.de\",\"state\":\"reused\",\"id\":\"cred-fabrikam-1\",\"at\":3}}\n\
             {{\"key\":\"credential:contoso.com\",\"sta"
        ),
    )
    .unwrap();
    let grants = dir.join("bulk-grants.jsonl");
    std::fs::write(
        &grants,
        format!(
            "{{\"key\":\"grant:megan.bowen@contoso.com\",\"state\":\"created\",\"id\":\"grant-megan\",\"at\":1}}\n\
             {{\"key\":\"grant:adele.vance@contoso.com\",\"state\":\"created\",\"id\":\"grant-adele\",\"at\":1}}\n\
             {{\"key\":\"grant:lukas.meier@fabrikam.de\",\"state\":\"failed\",\"reason\":\"{NOT_CONSENTED}\",\"at\":1}}\n"
        ),
    )
    .unwrap();
    let consent = ConsentJournal {
        consents: vec![ConsentRecord {
            tenant: "contoso.com".into(),
            credential_id: "cred-contoso-1".into(),
            consented_at: "2026-12-02T03:44:00Z".into(),
        }],
        ..ConsentJournal::default()
    };
    BulkFacts::gather(
        Some("tenants.csv".into()),
        &[
            tenant(2, "contoso.com", "Contoso"),
            tenant(3, "fabrikam.de", "Fabrikam"),
            tenant(4, "northwind.com", "Northwind"),
        ],
        Some("mailboxes.csv".into()),
        &[
            user(2, "megan.bowen@contoso.com"),
            user(3, "adele.vance@contoso.com"),
            user(4, "lukas.meier@fabrikam.de"),
        ],
        &creds,
        &grants,
        &consent,
    )
}

fn input<'a>(
    p: &'a Progress,
    key: &'a StoredSecret,
    bulk: Option<&'a BulkFacts>,
) -> ReportInput<'a> {
    ReportInput {
        summary: SummaryInput {
            progress: p,
            client_id: None,
            audit: None,
            secret: None,
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: Some(key),
        configure: None,
        sign_in: None,
        changes: Some(&[]),
        v2_secret: None,
        accounts: None,
        bulk,
    }
}

#[test]
fn gather_reads_each_item_from_the_journals_last_line_winning() {
    let dir = tempfile::tempdir().unwrap();
    let f = facts(dir.path());
    let t = |name: &str| f.tenants.iter().find(|t| t.name == name).unwrap();
    assert_eq!(t("Contoso").result, BulkResult::Created);
    assert_eq!(
        t("Contoso").credential_id.as_deref(),
        Some("cred-contoso-1")
    );
    assert_eq!(t("Contoso").credential_name, "Contoso (contoso.com)");
    assert_eq!(
        t("Contoso").consented_at.as_deref(),
        Some("2026-12-02T03:44:00Z")
    );
    assert_eq!(t("Fabrikam").result, BulkResult::Reused);
    assert_eq!(t("Fabrikam").reason, None);
    assert_eq!(t("Fabrikam").consented_at, None);
    assert_eq!(t("Northwind").result, BulkResult::NotRun);
    let m = |email: &str| f.mailboxes.iter().find(|m| m.email == email).unwrap();
    assert_eq!(
        m("megan.bowen@contoso.com").grant_id.as_deref(),
        Some("grant-megan")
    );
    let lukas = m("lukas.meier@fabrikam.de");
    assert_eq!(lukas.result, BulkResult::Failed);
    assert_eq!(lukas.reason.as_deref(), Some(NOT_CONSENTED));
    assert_eq!(lukas.grant_id, None);
}

#[test]
fn a_consent_for_an_older_credential_of_the_tenant_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("c.jsonl");
    std::fs::write(
        &creds,
        "{\"key\":\"credential:contoso.com\",\"state\":\"created\",\"id\":\"cred-new\",\"at\":1}\n",
    )
    .unwrap();
    let consent = ConsentJournal {
        consents: vec![ConsentRecord {
            tenant: "contoso.com".into(),
            credential_id: "cred-old".into(),
            consented_at: "2026-12-01T00:00:00Z".into(),
        }],
        ..ConsentJournal::default()
    };
    let f = BulkFacts::gather(
        None,
        &[tenant(2, "contoso.com", "Contoso")],
        None,
        &[],
        &creds,
        &dir.path().join("missing.jsonl"),
        &consent,
    );
    assert_eq!(f.tenants[0].consented_at, None);
}

#[test]
fn path_e_reports_credentials_consent_and_grants_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let f = facts(dir.path());
    let p = on_path_e();
    let key = api_key();
    let i = input(&p, &key, Some(&f));
    let md = render(&i, SummaryFormat::Markdown);
    let html = render(&i, SummaryFormat::Html);
    let js = json(&i);
    for text in [&md, &html, &js] {
        assert!(!text.contains(KEY_CANARY), "the API key leaked");
        assert!(
            !text.contains(JOURNAL_CANARY),
            "a journal's extra field leaked"
        );
    }
    assert!(md.contains(&key.hint), "the key's hint is shown");
    for want in [
        "## Nylas application",
        "app-bulk-1",
        "## Microsoft connector",
        "## Tenants and admin consent",
        "Last run from tenants.csv on 2026-12-02 03:40 UTC: 2 of 2 tenants done (1 created, 1 already there and reused).",
        "1 of 2 tenants have given admin consent.",
        "Contoso (contoso.com)",
        "`cred-contoso-1`",
        "Given (2026-12-02 03:44 UTC)",
        "Already there, reused",
        "## Mailboxes",
        "Last run from mailboxes.csv on 2026-12-02 03:40 UTC: 2 of 3 mailboxes done (2 created, 0 already there and reused), 1 failed.",
        "`grant-adele`",
        &format!("Failed: {NOT_CONSENTED}"),
        "Admin consent still missing for Fabrikam",
        "1 of 3 mailboxes failed",
        "## What to do next in your own app",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    // Path A's parts don't belong here.
    assert!(!md.contains("Test sign-in"), "{md}");
    // Northwind has no credential yet: not waiting for consent.
    assert!(!md.contains("missing for Fabrikam, Northwind"), "{md}");

    let doc = document(&i);
    assert_eq!(doc.path, Some(PathId::Bulk));
    assert!(!doc.complete);
    assert_eq!(
        doc.nylas_application.as_ref().unwrap().application_id,
        "app-bulk-1"
    );
    let b = doc.bulk.as_ref().expect("path E's part");
    assert_eq!(b.credentials_run.as_ref().unwrap().created, 1);
    assert_eq!(b.consent.as_ref().unwrap().consented, 1);
    assert_eq!(b.grants_run.as_ref().unwrap().failed, 1);
    assert_eq!(b.items.as_ref(), Some(&f));
    let steps: Vec<_> = doc.left.iter().filter_map(|l| l.step.as_deref()).collect();
    assert!(steps.contains(&BULK_CONSENT_STEP), "{:?}", doc.left);
    assert!(steps.contains(&BULK_GRANTS_STEP), "{:?}", doc.left);
    // The v2 service accounts step is for v2 setups only: never left.
    assert!(
        !steps.contains(&BULK_SERVICE_ACCOUNTS_STEP),
        "{:?}",
        doc.left
    );
    assert_eq!(doc.left, left(&i));
    // The JSON reads back as the same document.
    let back: crate::report::SetupReport = serde_json::from_str(&js).unwrap();
    assert_eq!(back.bulk, doc.bulk);
}

#[test]
fn without_the_items_the_counts_still_show_and_nothing_is_done_is_left() {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Bulk));
    let key = api_key();
    let i = input(&p, &key, None);
    let md = render(&i, SummaryFormat::Markdown);
    assert!(
        md.contains("No admin-consent credentials have been created"),
        "{md}"
    );
    assert!(md.contains("No mailboxes have been connected"), "{md}");
    let open = left(&i);
    let texts: Vec<&str> = open.iter().map(|l| l.text.as_str()).collect();
    assert!(
        texts.iter().any(|t| t.contains("Tenants step")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("Mailboxes step")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("Microsoft connector")),
        "{texts:?}"
    );
    assert!(document(&i).bulk.unwrap().items.is_none());

    // Everything done: nothing of path E's own is left.
    let p = {
        let mut p = on_path_e();
        p.record_bulk_consent(BulkConsentRecord {
            total: 2,
            consented: 2,
            application_id: "app-bulk-1".into(),
            at: "2026-12-02T03:45:00Z".into(),
        });
        p.record_bulk_grants(run(3, 3, 0, 0, "mailboxes.csv"));
        p
    };
    let i = input(&p, &key, None);
    let ours: Vec<_> = left(&i)
        .into_iter()
        .filter(|l| {
            l.step
                .as_deref()
                .is_some_and(|s| ["tenants", "consent", "grants"].contains(&s))
        })
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
}
