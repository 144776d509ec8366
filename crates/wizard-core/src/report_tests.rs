use super::*;
use crate::answers::AnswerUpdate;
use crate::manifest::parse_manifest;
use crate::paths::PathId;
use crate::scopes::Preset;
use crate::secrets::{hint, MemorySecretStore, SecretName, SecretStore, SecretString};
use crate::state::Progress;
use crate::summary::AuditSource;
use time::OffsetDateTime;

const MANIFEST: &str = include_str!("../tests/fixtures/manifests/missing-offline-access.json");
const CLIENT: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
/// Values that must never reach a report.
const SECRET_CANARY: &str = "Q~report-CANARY-secret-3c9e1a7b5d";
const KEY_CANARY: &str = "nyk_v0_report_CANARY_key_8d2f6b4a1e";

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

/// The progress once the Nylas account step opened the application.
fn with_nylas(mut p: Progress, region: Region) -> Progress {
    p.answers.nylas_account = Some(NylasAccountRecord {
        application_id: "ad7ce1b5-8a1b-4f6e-9c2d-practice-app".into(),
        region,
        name: Some("Contoso production".into()),
        checked_at: OffsetDateTime::UNIX_EPOCH,
    });
    p
}

/// A hint made by a real store holding `value`, as the shell makes it.
fn stored(name: SecretName, value: &str) -> StoredSecret {
    let store = MemorySecretStore::new();
    store
        .set(name.as_str(), &SecretString::from(value.to_string()))
        .unwrap();
    StoredSecret {
        name,
        hint: hint(&store.get(name.as_str()).unwrap()),
        persistent: true,
    }
}

fn configured(scopes: &[String]) -> ConfigureFacts {
    let step = |key: &str, summary: &str, outcome| ConfigureStepFacts {
        key: key.into(),
        item: ConfigureItem::of_key(key),
        summary: summary.into(),
        outcome,
        error: None,
    };
    ConfigureFacts {
        steps: vec![
            step(
                "connector:microsoft",
                "Create the Microsoft connector",
                ConfigureOutcome::Created,
            ),
            step(
                "callback-uri:http://localhost:5111/nylas-wizard/test-sign-in",
                "Add http://localhost:5111/nylas-wizard/test-sign-in to your callback URIs",
                ConfigureOutcome::Created,
            ),
        ],
        cancelled: false,
        connector_scopes: scopes.to_vec(),
        checked_now: false,
    }
}

fn signed_in(wanted: &[String], granted: &[String]) -> SignInFacts {
    SignInFacts {
        email: "megan@contoso.com".into(),
        grant_id: "b1c2d3e4-grant".into(),
        grant_status: "valid".into(),
        scopes_granted: granted.to_vec(),
        scopes_wanted: wanted.to_vec(),
        scopes_missing: wanted
            .iter()
            .filter(|w| !granted.contains(w))
            .cloned()
            .collect(),
    }
}

fn change() -> ChangeFacts {
    ChangeFacts {
        target: "Your Nylas application".into(),
        what: "Created the Microsoft connector".into(),
        undo: vec![
            "In the Nylas dashboard, open Connectors, then Microsoft, and delete it.".into(),
        ],
        undo_url: "https://dashboard-v3.nylas.com/".into(),
        caution: Some("People can't sign in with Microsoft until it is made again.".into()),
    }
}

#[test]
fn a_complete_run_reports_everything_and_nothing_is_left() {
    let p = with_nylas(progress(), Region::Eu);
    let wanted = p.answers.scope_plan(PathId::V3).unwrap().scope_names;
    let secret = stored(SecretName::AzureClientSecret, SECRET_CANARY);
    let key = stored(SecretName::NylasApiKey, KEY_CANARY);
    let c = configured(&wanted);
    let s = signed_in(&wanted, &wanted);
    let changes = [change()];
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: Some(CLIENT),
            audit: None,
            secret: Some(&secret),
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: Some(&key),
        configure: Some(&c),
        sign_in: Some(&s),
        changes: Some(&changes),
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    // Statuses of earlier steps aside (the Azure app wasn't checked here),
    // the facts leave nothing of the Nylas steps to do.
    let left = left(&input);
    assert!(
        left.iter()
            .all(|l| l.step.as_deref() != Some(NYLAS_ACCOUNT_STEP)
                && l.step.as_deref() != Some(CONFIGURE_NYLAS_STEP)
                && l.step.as_deref() != Some(TEST_SIGN_IN_STEP)
                && l.step.as_deref() != Some(REPORT_STEP)),
        "{left:?}"
    );
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.starts_with("# Nylas Microsoft setup — report"));
    for want in [
        "ad7ce1b5-8a1b-4f6e-9c2d-practice-app",
        "Contoso production",
        "Region:** EU",
        "Create the Microsoft connector | Created",
        "to your callback URIs | Created",
        "megan@contoso.com",
        "b1c2d3e4-grant",
        "Grant status:** valid",
        "`Mail.Read` | Granted",
        "Created the Microsoft connector",
        "To undo: In the Nylas dashboard",
        "Careful: People can't sign in",
        "https://developer.nylas.com/docs/v3/auth/hosted-oauth-apikey/",
        CLIENT,
        "contoso.com",
        "Every change was made or was already right.",
    ] {
        assert!(md.contains(want), "{want} in\n{md}");
    }
    let doc = document(&input);
    assert_eq!(doc.format, REPORT_FORMAT);
    let app = doc.nylas_application.as_ref().unwrap();
    assert_eq!(app.application_id, "ad7ce1b5-8a1b-4f6e-9c2d-practice-app");
    assert_eq!(app.region, Region::Eu);
    assert!(doc.test_sign_in.as_ref().unwrap().scopes_missing.is_empty());
    assert_eq!(doc.answers.client_id.as_deref(), Some(CLIENT));
    assert_eq!(doc.answers.region, Region::Eu);
    assert!(doc
        .answers
        .scopes
        .iter()
        .any(|s| s.name == "Mail.Read" && !s.reason.is_empty()));
    assert_eq!(doc.changes.as_ref().unwrap().len(), 1);
    assert_eq!(doc.next.len(), next_steps().len());
}

#[test]
fn the_json_has_stable_field_names() {
    let p = with_nylas(progress(), Region::Eu);
    let wanted = p.answers.scope_plan(PathId::V3).unwrap().scope_names;
    let c = configured(&wanted);
    let s = signed_in(&wanted, &wanted[1..]);
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: Some(CLIENT),
            audit: None,
            secret: None,
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: None,
        configure: Some(&c),
        sign_in: Some(&s),
        changes: None,
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    let v: serde_json::Value = serde_json::from_str(&json(&input)).unwrap();
    let keys: std::collections::BTreeSet<&str> =
        v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        std::collections::BTreeSet::from([
            "format",
            "generated_at",
            "practice",
            "path",
            "complete",
            "answers",
            "steps",
            "client_secret",
            "nylas_api_key",
            "audit",
            "nylas_application",
            "configure",
            "test_sign_in",
            "changes",
            "left",
            "next",
            "nylas_v2",
            "nylas_v2_client_secret",
            "teams_integration",
            "teams_accounts",
            "v2_accounts",
            "accounts",
            "migrate_scopes",
            "migrate_accounts",
            "migrate_checklist",
            "bulk"
        ])
    );
    assert_eq!(v["generated_at"], "1970-01-01T00:00:00Z");
    assert_eq!(v["path"], "v3");
    assert_eq!(v["answers"]["tenant"], "contoso.com");
    assert_eq!(v["nylas_application"]["region"], "eu");
    assert_eq!(v["configure"]["steps"][0]["outcome"], "created");
    assert_eq!(v["configure"]["steps"][0]["item"], "connector");
    assert_eq!(v["configure"]["steps"][1]["item"], "callback_uri");
    assert_eq!(v["test_sign_in"]["email"], "megan@contoso.com");
    assert_eq!(v["test_sign_in"]["grant_status"], "valid");
    assert_eq!(
        v["test_sign_in"]["scopes_missing"],
        serde_json::json!([wanted[0]])
    );
    assert_eq!(v["changes"], serde_json::Value::Null);
    assert_eq!(v["complete"], false);
    // A missing scope is left to do, at the test sign-in.
    let left = v["left"].as_array().unwrap();
    assert!(left
        .iter()
        .any(|l| l["step"] == TEST_SIGN_IN_STEP
            && l["text"].as_str().unwrap().contains("didn't get")));
    // It reads back as the same document.
    let back: SetupReport = serde_json::from_value(v).unwrap();
    assert_eq!(back, document(&input));
}

#[test]
fn what_is_not_done_is_left_with_the_step_to_go_back_to() {
    let p = progress();
    let mut c = configured(&[]);
    c.steps[1].outcome = ConfigureOutcome::Failed;
    c.steps[1].error = Some("Nylas refused the address.".into());
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: None,
            audit: None,
            secret: None,
            generated_at: Some(OffsetDateTime::UNIX_EPOCH),
        },
        api_key: None,
        configure: Some(&c),
        sign_in: None,
        changes: Some(&[]),
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    let left = left(&input);
    let at = |step: &str| {
        left.iter()
            .filter(|l| l.step.as_deref() == Some(step))
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(at(NYLAS_ACCOUNT_STEP).len(), 1, "{left:?}");
    let configure = at(CONFIGURE_NYLAS_STEP);
    assert_eq!(configure.len(), 1, "{left:?}");
    assert!(configure[0].contains("Nylas refused the address."));
    assert_eq!(at(TEST_SIGN_IN_STEP).len(), 1, "{left:?}");
    // The Done step itself is never "left to do".
    assert!(at(REPORT_STEP).is_empty(), "{left:?}");
    let md = render(&input, SummaryFormat::Markdown);
    assert!(md.contains("The wizard changed nothing in Microsoft or Nylas."));
    assert!(md.contains("Failed: Nylas refused the address."));
    assert!(md.contains("Not stored by the wizard"));
    assert!(!document(&input).complete);
}

#[test]
fn an_invalid_grant_is_left_to_do() {
    let p = progress();
    let wanted = vec!["Mail.Read".to_string(), "offline_access".into()];
    let mut s = signed_in(&wanted, &["Mail.Read".into()]);
    s.grant_status = "invalid".into();
    assert_eq!(s.scopes_missing, ["offline_access"]);
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: None,
            audit: None,
            secret: None,
            generated_at: None,
        },
        api_key: None,
        configure: None,
        sign_in: Some(&s),
        changes: None,
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    let texts: Vec<String> = left(&input).into_iter().map(|l| l.text).collect();
    assert!(
        texts.iter().any(|t| t.contains("“invalid”, not valid")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("didn't get offline_access")),
        "{texts:?}"
    );
}

#[test]
fn no_secret_reaches_the_report_in_any_format() {
    let mut p = with_nylas(progress(), Region::Eu);
    let audit = parse_manifest(MANIFEST)
        .and_then(|app| p.answers.audit(PathId::V3, &app, None))
        .unwrap();
    p.record_check(&audit);
    let wanted = p.answers.scope_plan(PathId::V3).unwrap().scope_names;
    let secret = stored(SecretName::AzureClientSecret, SECRET_CANARY);
    let key = stored(SecretName::NylasApiKey, KEY_CANARY);
    let c = configured(&wanted);
    let s = signed_in(&wanted, &wanted);
    let changes = [change()];
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: Some(CLIENT),
            audit: Some((&audit, AuditSource::Live)),
            secret: Some(&secret),
            generated_at: None,
        },
        api_key: Some(&key),
        configure: Some(&c),
        sign_in: Some(&s),
        changes: Some(&changes),
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    let texts = [
        render(&input, SummaryFormat::Markdown),
        render(&input, SummaryFormat::Html),
        json(&input),
    ];
    for t in &texts {
        for canary in [SECRET_CANARY, KEY_CANARY] {
            assert!(!t.contains(canary), "a secret reached the report");
        }
        assert!(!t.contains("report-CANARY-secret") && !t.contains("CANARY_key"));
        // Only the hints: where the secrets are kept.
        assert!(t.contains(&secret.hint) && t.contains(&key.hint));
    }
    // The HTML is the summary's: self-contained and escaped.
    assert!(texts[1].starts_with("<!DOCTYPE html>"));
    assert!(texts[1].contains("<title>Nylas Microsoft setup — report</title>"));
}

#[test]
fn leaving_path_a_s_done_step_after_seeing_it_marks_it_done() {
    let mut p = progress();
    p.go_to_step(REPORT_STEP).unwrap();
    let leave = p.leaving().unwrap();
    assert_eq!(leave.status, crate::state::StepStatus::Done, "{leave:?}");
    assert_eq!(leave.reason, None);
    p.go_to_step(TEST_SIGN_IN_STEP).unwrap();
    assert_eq!(
        p.step_status.get(REPORT_STEP),
        Some(&crate::state::StepStatus::Done)
    );
}

#[test]
fn the_summary_part_names_the_client_id_from_the_answers() {
    let mut p = progress();
    p.set_answer(AnswerUpdate::ClientId(Some(CLIENT.into())))
        .unwrap();
    let input = ReportInput {
        summary: SummaryInput {
            progress: &p,
            client_id: None,
            audit: None,
            secret: None,
            generated_at: None,
        },
        api_key: None,
        configure: None,
        sign_in: None,
        changes: None,
        v2_secret: None,
        accounts: None,
        bulk: None,
    };
    let md = render(&input, SummaryFormat::Markdown);
    assert!(
        md.contains(&format!("- **Application (client) ID:** `{CLIENT}`")),
        "{md}"
    );
    // A list of facts is closed by a blank line before the next heading.
    let lines: Vec<&str> = md.lines().collect();
    assert!(
        !lines
            .windows(2)
            .any(|w| w[0].starts_with("- **") && w[1].starts_with("## ")),
        "{md}"
    );
}
