//! Writes the data the UI's view tests run on (`ui/src/test/generated/`)
//! from the real paths, feature choices, planner, progress and audit, so
//! the views are tested on exactly what Rust returns and never on a
//! TypeScript copy of a rule. `scripts/test.sh` fails when the committed
//! files differ from what this test writes (like the bindings).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Value};
use time::macros::datetime;
use wizard_core::answers::{choices_for, AnswerUpdate};
use wizard_core::audit::{run_audit, Tenancy};
use wizard_core::endpoints::Region;
use wizard_core::manifest::parse_manifest_value;
use wizard_core::paths::{all_paths, PathId};
use wizard_core::scopes::{Feature, Preset};
use wizard_core::state::{AuditOutcome, Progress};

const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/test/generated")
}

fn write(name: &str, value: &impl Serialize) {
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    let path = dir.join(name);
    // Only rewrite on change, so a clean tree stays clean.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap();
    }
}

/// A progress on `path` at `step`, after `updates`.
fn progress(path: PathId, step: &str, updates: &[AnswerUpdate]) -> Progress {
    let mut p = Progress::default();
    p.choose_path(Some(path));
    for u in updates {
        p.set_answer(u.clone()).unwrap();
    }
    p.go_to_step(step).unwrap();
    p
}

fn scope(name: &str) -> Value {
    let p = wizard_core::catalog::graph_scope(name).unwrap();
    json!({"id": p.id, "type": "Scope"})
}

/// The Azure app of the view tests: its only Web redirect URI is the US one
/// with a trailing slash, the EU one sits under SPA, it lacks the mail
/// permissions, and its secret expires in 12 days.
fn near_miss_manifest() -> Value {
    json!({
        "appId": APP_ID,
        "displayName": "Northwind Sync",
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "api": {"requestedAccessTokenVersion": 2},
        "web": {"redirectUris": ["https://api.us.nylas.com/v3/connect/callback/"],
                "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
        "spa": {"redirectUris": ["https://api.eu.nylas.com/v3/connect/callback/"]},
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [scope("User.Read"), scope("offline_access")]}],
        "passwordCredentials": [{"keyId": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "displayName": "Nylas connector", "hint": "q8F", "endDateTime": "2026-12-04T10:00:00Z"}],
        "verifiedPublisher": {"verifiedPublisherId": "6012345", "displayName": "Northwind"}
    })
}

/// The same app with everything right for the view tests' answers.
fn clean_manifest() -> Value {
    let mut m = near_miss_manifest();
    m["web"]["redirectUris"] = json!([
        "https://api.eu.nylas.com/v3/connect/callback",
        "https://app.example.com/cb"
    ]);
    m["spa"]["redirectUris"] = json!([]);
    m["requiredResourceAccess"][0]["resourceAccess"] = json!([
        scope("User.Read"),
        scope("offline_access"),
        scope("Mail.ReadWrite"),
        scope("Mail.Send")
    ]);
    m["passwordCredentials"][0]["endDateTime"] = json!("2027-09-30T10:00:00Z");
    m
}

fn audit(p: &Progress, manifest: Value) -> AuditOutcome {
    let app = parse_manifest_value(&manifest).unwrap();
    let mut req = p.answers.audit_request(p.path.unwrap()).unwrap();
    req.now = Some(datetime!(2026-11-22 08:40:24 UTC));
    let report = run_audit(&app, &req).unwrap();
    let mut after = p.clone();
    after.record_check(&report);
    AuditOutcome {
        report,
        progress: after.view(),
    }
}

#[test]
fn write_ui_fixtures() {
    use AnswerUpdate as U;
    write("paths.json", &all_paths());

    let choices: BTreeMap<_, _> = PathId::ALL.iter().map(|p| (*p, choices_for(*p))).collect();
    write("choices.json", &choices);

    let email = U::Preset(Preset::EmailClient);
    let eu = U::Region(Region::Eu);
    let cb = U::CallbackUris(vec!["https://app.example.com/cb".into()]);
    let no_send = U::Feature {
        feature: Feature::MailSend,
        on: false,
    };
    let answered = progress(
        PathId::V3,
        "azure-app",
        &[email.clone(), eu.clone(), cb.clone()],
    );

    let states: BTreeMap<&str, Progress> = [
        ("welcome", Progress::default()),
        ("v3/features/new", progress(PathId::V3, "features", &[])),
        (
            "v3/features/email-client",
            progress(PathId::V3, "features", &[email.clone()]),
        ),
        (
            "v3/features/mail-modify",
            progress(PathId::V3, "features", &[email.clone(), no_send.clone()]),
        ),
        (
            "v2-events/features/new",
            progress(PathId::V2Events, "features", &[]),
        ),
        (
            "v2-events/features/shared-calendar",
            progress(
                PathId::V2Events,
                "features",
                &[U::Feature {
                    feature: Feature::SharedCalendar,
                    on: true,
                }],
            ),
        ),
        (
            "v3/region/new",
            progress(PathId::V3, "region", &[email.clone()]),
        ),
        (
            "v3/region/eu",
            progress(PathId::V3, "region", &[email.clone(), eu.clone()]),
        ),
        (
            "v3/region/eu-callback",
            progress(
                PathId::V3,
                "region",
                &[email.clone(), eu.clone(), cb.clone()],
            ),
        ),
        ("teams/region/new", progress(PathId::Teams, "region", &[])),
        ("v3/azure-app/answered", answered.clone()),
        (
            "v3/azure-app/single-contoso",
            progress(
                PathId::V3,
                "azure-app",
                &[
                    email.clone(),
                    eu.clone(),
                    cb.clone(),
                    U::Tenancy(Some(Tenancy::Single)),
                    U::Tenant(Some("contoso.com".into())),
                ],
            ),
        ),
        (
            "v3/azure-app/no-features",
            progress(PathId::V3, "azure-app", &[]),
        ),
        (
            "migrate/azure-app/no-features",
            progress(PathId::Migrate, "azure-app", &[]),
        ),
        (
            "migrate/azure-app/read-only-inbox",
            progress(
                PathId::Migrate,
                "azure-app",
                &[U::Preset(Preset::ReadOnlyInbox)],
            ),
        ),
        (
            "teams/azure-app/new",
            progress(PathId::Teams, "azure-app", &[]),
        ),
    ]
    .into_iter()
    .collect();
    let views: BTreeMap<_, _> = states.iter().map(|(k, p)| (*k, p.view())).collect();
    write("progress.json", &views);

    let plans: BTreeMap<&str, _> = [
        "v3/features/email-client",
        "v3/features/mail-modify",
        "v2-events/features/new",
        "v2-events/features/shared-calendar",
        "migrate/azure-app/read-only-inbox",
    ]
    .into_iter()
    .map(|k| {
        let p = &states[k];
        (k, p.answers.scope_plan(p.path.unwrap()).unwrap())
    })
    .collect();
    write("plans.json", &plans);

    let outcomes: BTreeMap<&str, AuditOutcome> = [
        ("near-miss", audit(&answered, near_miss_manifest())),
        ("clean", audit(&answered, clean_manifest())),
    ]
    .into_iter()
    .collect();
    write("audits.json", &outcomes);

    write(
        "diagnoses.json",
        &wizard_core::diagnose::diagnose(
            "https://app.example.com/cb?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+%27https%3A%2F%2Fapi.us.nylas.com%2Fv3%2Fconnect%2Fcallback%2F%27+specified+in+the+request+does+not+match",
        ),
    );
}
