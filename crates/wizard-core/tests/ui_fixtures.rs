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
use wizard_core::manifest::parse_manifest_value;
use wizard_core::paths::{all_paths, PathId};
use wizard_core::redirect_uris::{redirect_uris, validate_callback_uri};
use wizard_core::regions::Region;
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
        "isFallbackPublicClient": null,
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

fn audit(p: &Progress, manifest: &Value) -> AuditOutcome {
    let app = parse_manifest_value(manifest).unwrap();
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

/// The near-miss app with two entries nobody can recognise (issue 15,
/// point 3): Mail.Send's id with its last digit changed, and an id that
/// resembles nothing.
fn unrecognised_manifest() -> Value {
    let mut m = near_miss_manifest();
    let send = wizard_core::catalog::graph_scope("Mail.Send").unwrap().id;
    let typo = format!("{}8", &send[..35]);
    m["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap()
        .extend([
            json!({"id": typo, "type": "Scope"}),
            json!({"id": "0bad0bad-0bad-4bad-8bad-0bad0bad0bad", "type": "Scope"}),
        ]);
    m
}

/// A pasted text and what `diagnose` explains for it.
#[derive(Serialize)]
struct Diagnosed {
    text: &'static str,
    diagnoses: Vec<wizard_core::diagnose::Diagnosis>,
}

fn diagnosed(text: &'static str) -> Diagnosed {
    Diagnosed {
        text,
        diagnoses: wizard_core::diagnose::diagnose(text),
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
    let inbox = U::Preset(Preset::ReadOnlyInbox);
    let rooms = U::Feature {
        feature: Feature::Rooms,
        on: true,
    };
    let calendar_write = U::Feature {
        feature: Feature::CalendarWrite,
        on: true,
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
            progress(PathId::V3, "features", std::slice::from_ref(&email)),
        ),
        (
            "v3/features/mail-modify",
            progress(PathId::V3, "features", &[email.clone(), no_send.clone()]),
        ),
        (
            "v3/features/read-only-inbox",
            progress(PathId::V3, "features", std::slice::from_ref(&inbox)),
        ),
        (
            "v3/features/read-only-inbox-rooms",
            progress(PathId::V3, "features", &[inbox.clone(), rooms.clone()]),
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
            progress(PathId::V3, "region", std::slice::from_ref(&email)),
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
        // Teams picks features too; calendar-write is required.
        (
            "teams/features/new",
            progress(PathId::Teams, "features", &[]),
        ),
        (
            "teams/features/email-client",
            progress(PathId::Teams, "features", std::slice::from_ref(&email)),
        ),
        (
            "teams/features/calendar-write",
            progress(
                PathId::Teams,
                "features",
                std::slice::from_ref(&calendar_write),
            ),
        ),
        ("v3/azure-app/answered", answered.clone()),
        (
            "v3/azure-app/single",
            progress(
                PathId::V3,
                "azure-app",
                &[
                    email.clone(),
                    eu.clone(),
                    cb.clone(),
                    U::Tenancy(Some(Tenancy::Single)),
                ],
            ),
        ),
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
        // Single tenant, no tenant, and a permission that needs an
        // administrator: the admin-consent link needs the tenant ID.
        (
            "v3/azure-app/single-rooms",
            progress(
                PathId::V3,
                "azure-app",
                &[
                    email.clone(),
                    eu.clone(),
                    cb.clone(),
                    rooms.clone(),
                    U::Tenancy(Some(Tenancy::Single)),
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
        // (Teams is checked once calendar-write is chosen.)
        (
            "teams/azure-app/new",
            progress(
                PathId::Teams,
                "azure-app",
                std::slice::from_ref(&calendar_write),
            ),
        ),
        // The first step of each path not covered above, as choose_path
        // leaves it.
        (
            "migrate/scopes/new",
            progress(PathId::Migrate, "scopes", &[]),
        ),
        ("bulk/explain/new", progress(PathId::Bulk, "explain", &[])),
        // Back on Region after a check of the Azure app found problems.
        ("v3/region/after-failed-check", {
            let mut p = progress(PathId::V3, "azure-app", std::slice::from_ref(&email));
            let outcome = audit(&p, &near_miss_manifest());
            p.record_check(&outcome.report);
            p.go_to_step("region").unwrap();
            p
        }),
    ]
    .into_iter()
    .collect();
    let views: BTreeMap<_, _> = states.iter().map(|(k, p)| (*k, p.view())).collect();
    write("progress.json", &views);

    let plans: BTreeMap<&str, _> = [
        "v3/features/email-client",
        "v3/features/mail-modify",
        "v3/features/read-only-inbox",
        "v3/features/read-only-inbox-rooms",
        "v2-events/features/new",
        "v2-events/features/shared-calendar",
        "teams/features/calendar-write",
        "migrate/azure-app/read-only-inbox",
    ]
    .into_iter()
    .map(|k| {
        let p = &states[k];
        (k, p.answers.scope_plan(p.path.unwrap()).unwrap())
    })
    .collect();
    write("plans.json", &plans);

    // The manifests as the admin pastes them, and what their audit finds
    // for a state (named "<manifest>" for "v3/azure-app/answered", else
    // "<manifest>/<state>").
    let near_miss = near_miss_manifest();
    let clean = clean_manifest();
    let unrecognised = unrecognised_manifest();
    let manifests: BTreeMap<&str, String> = [
        (
            "unrecognised",
            serde_json::to_string_pretty(&unrecognised).unwrap(),
        ),
        (
            "near-miss",
            serde_json::to_string_pretty(&near_miss).unwrap(),
        ),
        ("clean", serde_json::to_string_pretty(&clean).unwrap()),
    ]
    .into_iter()
    .collect();
    write("manifests.json", &manifests);

    let outcomes: BTreeMap<&str, AuditOutcome> = [
        ("near-miss", audit(&answered, &near_miss)),
        ("clean", audit(&answered, &clean)),
        ("unrecognised", audit(&answered, &unrecognised)),
        (
            "near-miss/v3/azure-app/single-rooms",
            audit(&states["v3/azure-app/single-rooms"], &near_miss),
        ),
        (
            "near-miss/v3/azure-app/single",
            audit(&states["v3/azure-app/single"], &near_miss),
        ),
        (
            "near-miss/v3/azure-app/single-contoso",
            audit(&states["v3/azure-app/single-contoso"], &near_miss),
        ),
        (
            "near-miss/teams/azure-app/new",
            audit(&states["teams/azure-app/new"], &near_miss),
        ),
        (
            "near-miss/migrate/azure-app/read-only-inbox",
            audit(&states["migrate/azure-app/read-only-inbox"], &near_miss),
        ),
    ]
    .into_iter()
    .collect();
    write("audits.json", &outcomes);

    // Errors Rust answers with, for the views' error cards.
    let no_features = &states["migrate/azure-app/no-features"];
    let errors: BTreeMap<&str, _> = [(
        "audit/needs-features",
        no_features
            .answers
            .audit_request(no_features.path.unwrap())
            .unwrap_err(),
    )]
    .into_iter()
    .collect();
    write("errors.json", &errors);

    // The redirect URIs of every path and region ("<path>/<region>").
    let mut redirects = BTreeMap::new();
    for path in PathId::ALL {
        for region in [Region::Us, Region::Eu] {
            let key = format!(
                "{}/{}",
                serde_json::to_value(path).unwrap().as_str().unwrap(),
                serde_json::to_value(region).unwrap().as_str().unwrap()
            );
            redirects.insert(key, redirect_uris(path.into(), region));
        }
    }
    write("redirects.json", &redirects);

    // Callback URIs as typed, and what Rust says about each.
    let callbacks: BTreeMap<&str, _> = [
        "https://app.example.com/cb",
        "  https://app.example.com/new ",
        "http://app.example.com/cb",
        "https://app.example.com/cb#done",
    ]
    .into_iter()
    .map(|u| (u, validate_callback_uri(u)))
    .collect();
    write("callbacks.json", &callbacks);

    let diagnoses: BTreeMap<&str, Diagnosed> = [
        (
            "callback-address",
            diagnosed("https://app.example.com/cb?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+%27https%3A%2F%2Fapi.us.nylas.com%2Fv3%2Fconnect%2Fcallback%2F%27+specified+in+the+request+does+not+match"),
        ),
        (
            "redirect-mismatch",
            diagnosed("AADSTS50011: The redirect URI 'https://api.us.nylas.com/v3/connect/callback/' specified in the request does not match the redirect URIs configured for the application '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e'. Trace ID: 0b9d2a4e-6c1f-4e8a-9d3b-5f7a1c2e4d6b Correlation ID: 7e3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b Timestamp: 2026-11-22 08:40:24Z"),
        ),
        ("code-only", diagnosed("AADSTS50011")),
        ("unrecognised", diagnosed("it broke")),
    ]
    .into_iter()
    .collect();
    write("diagnoses.json", &diagnoses);
}

/// The change list's view tests (issue 17 point 11): one change of each
/// kind as Rust builds it, numbered and stamped at fixed times so the file
/// is stable.
#[test]
fn write_change_fixtures() {
    use wizard_core::changes::{self, ChangeDiff, ChangeLog, CHANGES_VERSION};
    use wizard_core::microsoft::fix::FixStep;
    use wizard_core::microsoft::new_secret::NewSecret;
    let secret = NewSecret {
        key_id: "9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d".into(),
        display_name: "Nylas".into(),
        hint: "Sbx…4Qz".into(),
        expires: "2027-06-01T20:40:00Z".into(),
        stored_persistently: false,
    };
    let mut list = vec![
        changes::app_fixed(
            APP_ID,
            &FixStep {
                id: "redirect_uri:https://api.us.nylas.com/v3/connect/callback".into(),
                title: "Move https://api.us.nylas.com/v3/connect/callback from Single-page application to Web".into(),
                before: "Registered under Single-page application".into(),
                after: "Registered under Web".into(),
            },
        ),
        changes::client_secret_added(APP_ID, &secret),
        changes::admin_consent_granted(APP_ID, "contoso.com", &["Mail.Read".into()]),
        changes::connector_updated(
            "app-contoso-01",
            vec![ChangeDiff {
                field: "Scopes".into(),
                before: "Mail.Read".into(),
                after: "Mail.Read, offline_access".into(),
            }],
        ),
        changes::callback_uri_added(
            "app-contoso-01",
            "http://localhost:4173/nylas-wizard/test-sign-in",
            None,
        ),
    ];
    for (i, c) in list.iter_mut().enumerate() {
        c.seq = i as u32 + 1;
        c.at = format!("2026-12-01T20:4{i}:00Z");
    }
    write(
        "changes.json",
        &ChangeLog {
            version: CHANGES_VERSION,
            changes: list,
        },
    );
}
