use super::*;
use crate::microsoft::fix::{FixPlan, FixStep};
use crate::microsoft::new_secret::NewSecret;
use crate::portal::Blade;

const APP: &str = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";

fn step(id: &str, title: &str, before: &str, after: &str) -> FixStep {
    FixStep {
        id: id.into(),
        title: title.into(),
        before: before.into(),
        after: after.into(),
    }
}

fn secret() -> NewSecret {
    NewSecret {
        key_id: "5b1a9f3e-0000-4000-8000-00000000abcd".into(),
        display_name: "Nylas".into(),
        hint: "Q~x…7Fd".into(),
        expires: "2027-12-01T00:00:00Z".into(),
        stored_persistently: false,
    }
}

fn portal_page(c: &Change) -> &crate::portal::PortalPage {
    match &c.undo.link {
        UndoLink::Portal { page } => page,
        other => panic!("expected a portal link, got {other:?}"),
    }
}

#[test]
fn each_fix_step_becomes_a_change_with_its_own_undo() {
    let uri = "https://api.us.nylas.com/v3/connect/callback";
    let plan = FixPlan {
        app_object_id: "obj".into(),
        steps: vec![
            step(
                &format!("redirect_uri:{uri}"),
                &format!("Move {uri} from Single-page application to Web"),
                "Registered under Single-page application",
                "Registered under Web",
            ),
            step(
                "permission:Mail.Read",
                "Add the delegated permission Mail.Read",
                "Not listed",
                "Mail.Read as a delegated permission (Microsoft Graph)",
            ),
            step(
                "access_token_version",
                "Use version 2 access tokens",
                "Version 1",
                "Version 2",
            ),
        ],
        patch: serde_json::json!({}),
    };
    let changes = changes_from_fix_plan(APP, &plan);
    assert_eq!(changes.len(), 3);
    assert!(changes.iter().all(|c| c.kind == ChangeKind::AppFixed
        && c.target == ChangeTarget::AzureApp
        && c.ids[0].value == APP));

    let moved = &changes[0];
    assert_eq!(
        moved.diff[0].before,
        "Registered under Single-page application"
    );
    assert_eq!(moved.diff[0].after, "Registered under Web");
    assert_eq!(portal_page(moved).blade, Blade::Authentication);
    assert_eq!(portal_page(moved).app_id.as_deref(), Some(APP));
    assert!(moved
        .undo
        .url
        .ends_with(&format!("/Authentication/appId/{APP}")));
    assert!(moved
        .undo
        .steps
        .iter()
        .any(|s| s.contains(uri) && s.contains("bin icon")));
    // A moved URI goes back where it was.
    assert!(moved
        .undo
        .steps
        .iter()
        .any(|s| s.starts_with("Under Single-page application") && s.contains(uri)));

    let permission = &changes[1];
    assert_eq!(portal_page(permission).blade, Blade::ApiPermissions);
    assert!(permission
        .undo
        .steps
        .iter()
        .any(|s| s.contains("Mail.Read") && s.contains("Remove permission")));
    assert!(!permission
        .undo
        .steps
        .iter()
        .any(|s| s.contains("Application permissions")));

    let version = &changes[2];
    assert_eq!(portal_page(version).blade, Blade::Manifest);
    assert!(version
        .undo
        .steps
        .iter()
        .any(|s| s.contains("requestedAccessTokenVersion") && s.contains("Version 1")));
}

#[test]
fn a_replaced_application_permission_is_put_back_on_undo() {
    let c = app_fixed(
        APP,
        &step(
            "permission:Mail.Read",
            "Replace the Application permission Mail.Read by the delegated one",
            "Mail.Read as an Application permission",
            "Mail.Read as a delegated permission (Microsoft Graph)",
        ),
    );
    assert!(c
        .undo
        .steps
        .iter()
        .any(|s| s.contains("Application permissions") && s.contains("Mail.Read")));
}

#[test]
fn a_client_secret_is_named_by_its_id_and_hint_never_a_value() {
    let c = client_secret_added(APP, &secret());
    assert_eq!(c.kind, ChangeKind::ClientSecretAdded);
    assert!(c
        .ids
        .iter()
        .any(|r| r.label == "Secret ID" && r.value == secret().key_id));
    assert!(c.what.contains("Q~x…7Fd"));
    // The expiry as a plain date, not a timestamp.
    assert!(
        c.what.ends_with("valid until December 1, 2027"),
        "{}",
        c.what
    );
    assert_eq!(portal_page(&c).blade, Blade::Credentials);
    assert!(c.undo.steps.iter().any(|s| s.contains(&secret().key_id)));
    assert!(c.undo.caution.is_some());
}

#[test]
fn created_app_lists_registration_service_principal_and_secret() {
    let c = app_registered(APP, "Nylas (Contoso)");
    assert!(c.what.contains("Nylas (Contoso)"));
    assert!(c.undo.steps.iter().any(|s| s.contains("Delete")));
    assert_eq!(portal_page(&c).blade, Blade::Overview);
    let sp = service_principal_created(APP);
    assert!(sp
        .undo
        .steps
        .iter()
        .any(|s| s.contains("Enterprise applications") && s.contains(APP)));
}

#[test]
fn admin_consent_names_every_permission_to_revoke() {
    let perms = vec!["Mail.Read".to_string(), "Calendars.ReadWrite".to_string()];
    let c = admin_consent_granted(APP, "contoso.onmicrosoft.com", &perms);
    assert_eq!(portal_page(&c).blade, Blade::ApiPermissions);
    assert!(c.undo.steps.iter().any(
        |s| s.contains("Mail.Read, Calendars.ReadWrite") && s.contains("Revoke admin consent")
    ));
    assert_eq!(c.diff[0].after, "Granted for everyone in your organization");
}

#[test]
fn nylas_changes_link_to_the_dashboard() {
    let created = connector_created(
        "app-1",
        &[
            ("Tenant".into(), "contoso.com".into()),
            ("Scopes".into(), "Mail.Read, offline_access".into()),
        ],
    );
    let updated = connector_updated(
        "app-1",
        vec![
            ChangeDiff {
                field: "Scopes".into(),
                before: "Mail.Read".into(),
                after: "Mail.Read, offline_access".into(),
            },
            ChangeDiff {
                field: "Client secret".into(),
                before: "Another secret".into(),
                after: "Your stored secret (Q~x…7Fd)".into(),
            },
        ],
    );
    let uri = callback_uri_added(
        "app-1",
        "http://localhost:4173/nylas-wizard/test-sign-in",
        Some("cb-9"),
    );
    let cred = connector_credential_created("app-1", "Fabrikam", "cred-7", "fabrikam.com");
    for c in [&created, &updated, &uri, &cred] {
        assert_eq!(c.target, ChangeTarget::NylasApplication);
        assert_eq!(
            c.undo.link,
            UndoLink::Docs {
                topic: crate::portal::DocTopic::NylasDashboard
            }
        );
        assert_eq!(c.undo.url, "https://dashboard-v3.nylas.com/");
        assert!(!c.undo.steps.is_empty());
    }
    assert_eq!(created.diff.len(), 2);
    assert!(updated.what.contains("Scopes, Client secret"));
    assert!(updated
        .undo
        .steps
        .iter()
        .any(|s| s.contains("never keeps the previous client secret")));
    assert!(uri.ids.iter().any(|r| r.value == "cb-9"));
    assert!(cred
        .undo
        .steps
        .iter()
        .any(|s| s.contains("/v3/connectors/microsoft/creds/cred-7")));
}

#[test]
fn the_log_numbers_and_stamps_what_it_records() {
    let mut log = ChangeLog::default();
    assert!(log.is_empty());
    let first = log.record(vec![client_secret_added(APP, &secret())]);
    let more = log.record(vec![
        service_principal_created(APP),
        app_registered(APP, "Nylas"),
    ]);
    assert_eq!(first[0].seq, 1);
    assert_eq!(more.iter().map(|c| c.seq).collect::<Vec<_>>(), [2, 3]);
    assert!(log.changes.iter().all(|c| time::OffsetDateTime::parse(
        &c.at,
        &time::format_description::well_known::Rfc3339
    )
    .is_ok()));
    assert_eq!(log.version, CHANGES_VERSION);
}

#[test]
fn the_log_survives_a_restart_and_start_over_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChangeStore::in_dir(dir.path());
    assert!(store.load().is_empty());
    let mut log = ChangeLog::default();
    log.record(vec![client_secret_added(APP, &secret())]);
    store.save(&log).unwrap();
    assert_eq!(store.load(), log);
    // Only the file is left: the temp file became it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [ChangeStore::FILE_NAME]);
    store.clear().unwrap();
    assert!(store.load().is_empty());
    store.clear().expect("nothing to clear is fine");
}

#[test]
fn a_damaged_log_is_moved_aside_and_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChangeStore::in_dir(dir.path());
    std::fs::write(store.path(), b"{\"version\": 1, \"changes\": [").unwrap();
    std::fs::write(dir.path().join(".changes-stale.tmp"), b"half").unwrap();
    assert!(store.load().is_empty());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("changes.unreadable-"));
}

#[test]
fn a_change_goes_into_the_report_with_its_undo() {
    let c = client_secret_added(APP, &secret());
    let facts = c.report_facts();
    assert_eq!(facts.target, "Your Azure app registration");
    assert!(facts.what.contains(&secret().key_id), "{}", facts.what);
    assert_eq!(facts.undo, c.undo.steps);
    assert!(facts.undo_url.starts_with("https://portal.azure.com/"));
    assert_eq!(facts.caution, c.undo.caution);
}

mod configure {
    use super::super::*;
    use crate::plan::{
        ApplyReport, FieldChange, Plan, PlanStep, PlannedRequest, StepAction, StepOutcome,
        StepReport,
    };
    use serde_json::json;

    fn step(
        key: &str,
        action: StepAction,
        changes: Vec<FieldChange>,
        body: Option<serde_json::Value>,
    ) -> PlanStep {
        PlanStep {
            key: key.into(),
            summary: format!("do {key}"),
            action,
            safety: String::new(),
            undo: vec![],
            request: body.map(|b| PlannedRequest {
                method: "POST".into(),
                path: "/v3/connectors".into(),
                body: Some(b),
            }),
            changes,
        }
    }

    fn done(key: &str, outcome: StepOutcome, ids: &[&str]) -> StepReport {
        StepReport {
            key: key.into(),
            summary: String::new(),
            outcome,
            error: None,
            ids: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    const CB: &str = "https://app.example.com/cb";
    const TEST_CB: &str = "http://localhost:47615/nylas-wizard/test-sign-in";

    #[test]
    fn only_steps_that_wrote_become_changes() {
        let plan = Plan {
            id: "configure-nylas".into(),
            title: "Configure Nylas".into(),
            steps: vec![
                step(
                    "connector:microsoft",
                    StepAction::Create,
                    vec![],
                    Some(json!({"provider": "microsoft",
                        "settings": {"client_id": "cid", "client_secret": "•••", "tenant": "contoso.com"},
                        "scope": ["Mail.Read", "offline_access"]})),
                ),
                step(
                    &format!("callback-uri:{CB}"),
                    StepAction::NothingToDo,
                    vec![],
                    None,
                ),
                step(
                    &format!("callback-uri:{TEST_CB}"),
                    StepAction::Create,
                    vec![],
                    None,
                ),
                step("credential:fabrikam.com", StepAction::Create, vec![], None),
                step("credential:adatum.com", StepAction::Create, vec![], None),
            ],
        };
        let report = ApplyReport {
            plan_id: plan.id.clone(),
            steps: vec![
                done("connector:microsoft", StepOutcome::Created, &[]),
                done(
                    &format!("callback-uri:{CB}"),
                    StepOutcome::AlreadyDone,
                    &["cb-1"],
                ),
                done(
                    &format!("callback-uri:{TEST_CB}"),
                    StepOutcome::Created,
                    &["cb-2"],
                ),
                done("credential:fabrikam.com", StepOutcome::Updated, &["cred-1"]),
                done("credential:adatum.com", StepOutcome::Failed, &[]),
            ],
            cancelled: false,
            resumed: false,
        };
        let changes = changes_from_configure("app-1", &plan, &report);
        let kinds: Vec<ChangeKind> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::ConnectorCreated,
                ChangeKind::CallbackUriAdded,
                ChangeKind::ConnectorCredentialUpdated,
            ]
        );
        let connector = &changes[0];
        let fields: Vec<(&str, &str)> = connector
            .diff
            .iter()
            .map(|d| (d.field.as_str(), d.after.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("Client ID", "cid"),
                ("Client secret", "your Azure app's saved secret (•••)"),
                ("Tenant", "contoso.com"),
                ("Permissions (scopes)", "Mail.Read, offline_access"),
            ]
        );
        assert!(changes[1].what.contains(TEST_CB));
        assert!(changes[1].ids.iter().any(|r| r.value == "cb-2"));
        assert!(changes[2]
            .ids
            .iter()
            .any(|r| r.label == "Credential ID" && r.value == "cred-1"));
        assert!(changes[2].what.contains("fabrikam.com"));
    }

    #[test]
    fn an_updated_connector_lists_each_field_before_and_after() {
        let plan = Plan {
            id: "configure-nylas".into(),
            title: "Configure Nylas".into(),
            steps: vec![step(
                "connector:microsoft",
                StepAction::Update,
                vec![
                    FieldChange {
                        field: "settings.tenant".into(),
                        before: "common".into(),
                        after: "contoso.com".into(),
                    },
                    FieldChange {
                        field: "scope".into(),
                        before: "Mail.Read".into(),
                        after: "Mail.Read, offline_access".into(),
                    },
                ],
                None,
            )],
        };
        let report = ApplyReport {
            plan_id: plan.id.clone(),
            steps: vec![done("connector:microsoft", StepOutcome::Updated, &[])],
            cancelled: false,
            resumed: false,
        };
        let changes = changes_from_configure("app-1", &plan, &report);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::ConnectorUpdated);
        assert_eq!(changes[0].diff[0].field, "Tenant");
        assert_eq!(changes[0].diff[0].before, "common");
        assert_eq!(changes[0].diff[1].field, "Permissions (scopes)");
        assert!(changes[0].what.contains("Tenant, Permissions (scopes)"));
    }
}
