use super::*;
use crate::answers::AnswerUpdate;
use crate::manifest::parse_manifest;
use crate::paths::PathId;
use crate::regions::Region;
use crate::scopes::Preset;
use crate::secrets::{hint, MemorySecretStore, SecretName, SecretStore, SecretString};

const MANIFEST: &str = include_str!("../tests/fixtures/manifests/missing-offline-access.json");
const CLIENT: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
/// A value that must never reach a summary.
const CANARY: &str = "Q~canary-SECRET-7f3d9a1b2c4e6f8a0b";

fn progress() -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::V3));
    p.set_answer(AnswerUpdate::Preset(Preset::ReadOnlyInbox))
        .unwrap();
    p.set_answer(AnswerUpdate::Region(Region::Eu)).unwrap();
    p.set_answer(AnswerUpdate::Tenant(Some("contoso.com".into())))
        .unwrap();
    p
}

fn stored_canary() -> StoredSecret {
    // The hint comes from a real store holding the canary, as in the shell.
    let store = MemorySecretStore::new();
    let name = SecretName::AzureClientSecret.as_str();
    store.set(name, &SecretString::from(CANARY)).unwrap();
    StoredSecret {
        name: SecretName::AzureClientSecret,
        hint: hint(&store.get(name).unwrap()),
        persistent: true,
    }
}

#[test]
fn a_summary_has_permissions_uris_ids_audit_and_what_is_left_never_the_secret() {
    let mut p = progress();
    let app = parse_manifest(MANIFEST).unwrap();
    let report = p.answers.audit(PathId::V3, &app, None).unwrap();
    p.record_check(&report);
    let secret = stored_canary();
    let input = SummaryInput {
        progress: &p,
        client_id: Some(CLIENT),
        audit: Some((&report, AuditSource::Manifest)),
        secret: Some(&secret),
        generated_at: Some(report.checked_at),
    };
    for format in [SummaryFormat::Markdown, SummaryFormat::Html] {
        let text = render(&input, format);
        // Permissions with their reasons.
        let plan = p.answers.scope_plan(PathId::V3).unwrap();
        assert!(!plan.required.is_empty());
        for r in &plan.required {
            assert!(text.contains(&r.name), "{format:?} lacks {}", r.name);
            let reason = if format == SummaryFormat::Html {
                esc(&r.reason)
            } else {
                r.reason.clone()
            };
            assert!(
                text.contains(&reason),
                "{format:?} lacks the reason of {}",
                r.name
            );
        }
        // The EU redirect URI, the tenant and the client ID.
        assert!(text.contains("https://api.eu.nylas.com/v3/connect/callback"));
        assert!(text.contains("contoso.com"));
        assert!(text.contains(CLIENT));
        // The audit: its counts and the failing finding, and it is left to do.
        assert!(report.summary.fail > 0);
        assert!(text.contains(&format!("{} need fixing", report.summary.fail)));
        let failing = report
            .findings
            .iter()
            .find(|f| f.status == FindingStatus::Fail)
            .unwrap();
        let title = if format == SummaryFormat::Html {
            esc(&failing.title)
        } else {
            failing.title.clone()
        };
        assert!(text.contains(&format!("Fix: {title}")), "{format:?}");
        assert!(text.contains("What is left to do"));
        // The secret: only where it is and its hint.
        assert!(text.contains("Stored in the keychain"));
        assert!(!text.contains(CANARY), "{format:?} leaked the secret");
        assert!(
            !text.contains("canary-SECRET"),
            "{format:?} leaked part of the secret"
        );
    }
}

#[test]
fn the_html_is_self_contained_print_friendly_and_escaped() {
    let p = progress();
    let mut report = parse_manifest(MANIFEST)
        .and_then(|app| p.answers.audit(PathId::V3, &app, None))
        .unwrap();
    report.display_name = Some("<script>alert(1)</script>".into());
    let input = SummaryInput {
        progress: &p,
        client_id: None,
        audit: Some((&report, AuditSource::Live)),
        secret: None,
        generated_at: Some(report.checked_at),
    };
    let html = render(&input, SummaryFormat::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("src=") && !html.contains("<link"));
    assert!(html.contains("&lt;script&gt;"));
    // The client ID falls back to the one in the checked app.
    assert!(html.contains(CLIENT));
    assert!(html.contains("live, after signing in"));
}

#[test]
fn without_an_audit_or_ids_the_summary_says_what_is_left() {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::V3));
    let input = SummaryInput {
        progress: &p,
        client_id: None,
        audit: None,
        secret: None,
        generated_at: Some(OffsetDateTime::UNIX_EPOCH),
    };
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.contains("The Azure app hasn't been checked yet."));
    assert!(md.contains("Give your Directory (tenant) ID or domain."));
    assert!(md.contains("Choose what your app does"));
    assert!(md.contains("Not stored by the wizard"));
    // The US redirect URI by default.
    assert!(md.contains("https://api.us.nylas.com/v3/connect/callback"));
    assert!(md.contains("1970-01-01 00:00 UTC"));
}

#[test]
fn the_last_check_counts_are_used_when_the_report_is_gone() {
    let mut p = progress();
    let report = parse_manifest(MANIFEST)
        .and_then(|app| p.answers.audit(PathId::V3, &app, None))
        .unwrap();
    p.record_check(&report);
    let input = SummaryInput {
        progress: &p,
        client_id: None,
        audit: None,
        secret: None,
        generated_at: Some(report.checked_at),
    };
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.contains("“Fourth Coffee Calendar”"));
    assert!(md.contains(&format!(
        "Fix the {} problem(s) the last check found",
        report.summary.fail
    )));
}

#[test]
fn a_saved_summary_never_overwrites_another() {
    let dir = tempfile::tempdir().unwrap();
    let now = Some(OffsetDateTime::UNIX_EPOCH);
    let first = save_unique(dir.path(), SummaryFormat::Markdown, "first", now).unwrap();
    let second = save_unique(dir.path(), SummaryFormat::Markdown, "second", now).unwrap();
    let html = save_unique(dir.path(), SummaryFormat::Html, "<p>", now).unwrap();
    assert_eq!(
        first.file_name().unwrap(),
        "Nylas Microsoft setup summary 1970-01-01.md"
    );
    assert_eq!(
        second.file_name().unwrap(),
        "Nylas Microsoft setup summary 1970-01-01 (2).md"
    );
    assert_eq!(html.extension().unwrap(), "html");
    assert_eq!(std::fs::read_to_string(&first).unwrap(), "first");
    assert_eq!(std::fs::read_to_string(&second).unwrap(), "second");
    // A folder that doesn't exist yet is made.
    assert!(save_unique(&dir.path().join("a/b"), SummaryFormat::Html, "x", now).is_ok());
}
