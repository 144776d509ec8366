//! Path D against the sandbox over real HTTP (issue 12, points 4 and 6):
//! the connector Nylas's v2 import made is reconfigured with the new app's
//! full settings (before → after shown first; a re-run writes nothing), and
//! the EWS connector is found or created in either unverified body form,
//! once, with every refusal explained in plain words.

mod nylas_configure_support;

use nylas_configure_support::*;
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wizard_core::answers::Answers;
use wizard_core::migrate::{translate_text, MigrateScopesRecord};
use wizard_core::nylas::configure::{ConfigureInput, Purpose, CONNECTOR_KEY, MIGRATE_PLAN_ID};
use wizard_core::nylas::ews::{
    apply_ews, ews_scopes, plan_ews, EwsApplied, EwsBodyShape, EwsInput, EWS_KEY,
};
use wizard_core::plan::{Plan, StepAction, StepOutcome};
use wizard_core::regions::Region;
use wizard_core::scopes::Feature;
use wizard_core::ErrorCode;
use wizard_sandbox::{Fault, Scenario};

/// The old v2 app's client ID the import left in the connector.
const OLD_CLIENT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CONNECTORS: &str = "POST /nylas-us/v3/connectors";

/// Practice's Contoso application with the connector Nylas's v2 import
/// made (the old app, `common`, Exchange-era scopes), echoing the client ID.
fn imported() -> Scenario {
    let mut s = Scenario::practice();
    s.nylas.connector_echoes_client_id = true;
    s.nylas_applications[0].connectors.push(
        serde_json::from_value(json!({
            "provider": "microsoft",
            "settings": {"client_id": OLD_CLIENT, "client_secret": "old-v2-secret", "tenant": "common"},
            "scope": ["EAS.AccessAsUser.All", "EWS.AccessAsUser.All"],
        }))
        .unwrap(),
    );
    s
}

/// Path D's input from answers: v2 scopes translated, the new app's ID.
fn migration_input() -> ConfigureInput {
    let t = translate_text("email.read_only, calendar").unwrap();
    let mut p = wizard_core::state::Progress::default();
    p.choose_path(Some(wizard_core::paths::PathId::Migrate));
    p.record_migrate_scopes(MigrateScopesRecord::of(&t, "2026-12-01T23:00:00Z".into()));
    let answers = Answers {
        client_id: Some(CLIENT_ID.into()),
        tenant: Some("contoso.com".into()),
        callback_uris: vec![OWN_CALLBACK.into()],
        ..p.answers
    };
    ConfigureInput::for_migration(&answers).unwrap()
}

#[tokio::test]
async fn the_imported_connector_takes_the_new_app_s_full_settings_once() {
    let mut w = world_with(imported()).await;
    w.input = migration_input();
    assert_eq!(w.input.purpose, Purpose::Migrate);
    assert!(w.input.test_callback.is_none());
    let plan = w.plan().await.unwrap();
    assert_eq!(plan.id, MIGRATE_PLAN_ID);
    assert!(plan.title.contains("imported"), "{}", plan.title);
    let step = plan.step(CONNECTOR_KEY).unwrap();
    assert_eq!(step.action, StepAction::Update);
    assert!(step.summary.contains("v2 import made"), "{}", step.summary);
    // What changes is shown first: the old app → the new one, the scopes.
    let change = |f: &str| step.changes.iter().find(|c| c.field == f).unwrap();
    assert_eq!(change("settings.client_id").before, OLD_CLIENT);
    assert_eq!(change("settings.client_id").after, CLIENT_ID);
    assert_eq!(change("settings.tenant").before, "common");
    assert!(change("scope").before.contains("EAS.AccessAsUser.All"));
    assert!(change("scope").after.contains("Mail.Read"));
    let req = step.request.as_ref().unwrap();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("PATCH", "/v3/connectors/microsoft")
    );
    assert_no_secret("the plan", &serde_json::to_string(&plan).unwrap());

    let report = w.apply(&plan).await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.steps[0].outcome, StepOutcome::Updated);
    // The full settings were sent: Nylas holds the new app's ID and secret.
    let c = &w.app().connectors[0];
    assert_eq!(c.settings["client_id"], CLIENT_ID);
    assert_eq!(c.settings["client_secret"], SECRET);
    assert_eq!(c.settings["tenant"], "contoso.com");
    assert!(c.scope.iter().any(|s| s == "offline_access"));
    assert_eq!(w.app().connectors.len(), 1);
    assert_no_secret("the journal", &w.journal_text());

    // A re-run reads again and writes nothing.
    let writes = w.writes();
    let again = w.plan().await.unwrap();
    assert!(!again.changes_anything(), "{again:?}");
    let report = w.apply(&again).await;
    assert_eq!(report.writes(), 0);
    assert_eq!(w.writes(), writes);
}

struct Ews {
    w: World,
    input: EwsInput,
    key: SecretString,
}

async fn ews_world(body: &str) -> Ews {
    let mut s = Scenario::practice();
    s.nylas.ews_connector_body = body.into();
    Ews {
        w: world_with(s).await,
        input: EwsInput {
            region: Region::Us,
            scopes: ews_scopes(&[Feature::MailRead, Feature::CalendarRead]),
        },
        key: SecretString::from(US_KEY.to_owned()),
    }
}

impl Ews {
    async fn plan(&self) -> wizard_core::error::Result<Plan> {
        plan_ews(
            &self.w.http,
            &self.w.endpoints,
            &self.input,
            &self.key,
            &CancellationToken::new(),
        )
        .await
    }

    async fn apply(&self, plan: &Plan) -> EwsApplied {
        apply_ews(
            &self.w.http,
            &self.w.endpoints,
            &self.input,
            &self.key,
            plan,
            self.w.dir.path(),
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap()
    }

    fn ews_connectors(&self) -> usize {
        self.w
            .app()
            .connectors
            .iter()
            .filter(|c| c.provider == "ews")
            .count()
    }
}

#[tokio::test]
async fn ews_is_created_once_in_either_body_form_and_a_rerun_creates_nothing() {
    for (body, accepted, posts) in [
        ("scope-list", EwsBodyShape::ScopeList, 1),
        ("scopes-string", EwsBodyShape::ScopesString, 2),
    ] {
        let e = ews_world(body).await;
        let plan = e.plan().await.unwrap();
        let step = plan.step(EWS_KEY).unwrap();
        assert_eq!(step.action, StepAction::Create, "{body}");
        assert_eq!(
            step.request.as_ref().unwrap().body.as_ref().unwrap()["provider"],
            "ews"
        );
        let applied = e.apply(&plan).await;
        assert!(applied.report.succeeded(), "{body}: {:?}", applied.report);
        assert_eq!(applied.report.steps[0].outcome, StepOutcome::Created);
        assert_eq!(applied.accepted, Some(accepted), "{body}");
        // The string form is tried only after the list form was refused.
        assert_eq!(e.w.calls(CONNECTORS), posts, "{body}");
        assert_eq!(e.ews_connectors(), 1);
        let c =
            e.w.app()
                .connectors
                .into_iter()
                .find(|c| c.provider == "ews")
                .unwrap();
        assert_eq!(c.scope, ["ews.messages", "ews.calendar"], "{body}");

        // Again: found, nothing sent.
        let again = e.plan().await.unwrap();
        assert_eq!(again.steps[0].action, StepAction::NothingToDo, "{body}");
        assert!(again.steps[0]
            .summary
            .contains("already has the EWS connector"));
        let applied = e.apply(&again).await;
        assert_eq!(applied.report.steps[0].outcome, StepOutcome::AlreadyDone);
        assert_eq!(applied.accepted, None);
        assert_eq!(e.w.calls(CONNECTORS), posts, "{body}: no second create");
        assert_eq!(e.ews_connectors(), 1);
    }
}

#[tokio::test]
async fn a_connector_made_meanwhile_is_found_not_duplicated() {
    let e = ews_world("scope-list").await;
    let plan = e.plan().await.unwrap();
    assert_eq!(plan.steps[0].action, StepAction::Create);
    // Someone adds it in the dashboard between the plan and the apply.
    let nylas =
        wizard_core::nylas::NylasAdmin::new(&e.w.http, &e.w.endpoints, Region::Us, US_KEY).unwrap();
    wizard_core::nylas::ews::create_ews_connector(
        &nylas,
        EwsBodyShape::ScopeList,
        &e.input.scopes,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let applied = e.apply(&plan).await;
    assert_eq!(applied.report.steps[0].outcome, StepOutcome::AlreadyDone);
    assert_eq!(e.ews_connectors(), 1);
}

#[tokio::test]
async fn refusals_are_explained_never_swallowed() {
    // Both forms refused: both of Nylas's answers, in plain words.
    let e = ews_world("scope-list").await;
    let plan = e.plan().await.unwrap();
    e.w.sb
        .set_faults(vec![Fault::new(CONNECTORS)
            .with_status(400)
            .with_body(r#"{"request_id":"r1","error":{"type":"invalid_request_error","message":"EWS is not enabled for this application."}}"#)])
        .unwrap();
    let applied = e.apply(&plan).await;
    let step = &applied.report.steps[0];
    assert_eq!(step.outcome, StepOutcome::Failed);
    let err = step.error.as_ref().unwrap();
    assert_eq!(
        err.message,
        "Nylas refused to create the EWS connector in both forms the wizard knows."
    );
    let hint = err.hint.as_deref().unwrap();
    assert!(
        hint.contains("EWS is not enabled for this application."),
        "{hint}"
    );
    assert!(hint.contains("Nylas Dashboard"), "{hint}");
    assert_eq!(e.w.calls(CONNECTORS), 2);
    assert_eq!(e.ews_connectors(), 0);

    // A server error on the create is not repeated, and says so.
    let e = ews_world("scope-list").await;
    let plan = e.plan().await.unwrap();
    e.w.sb
        .set_faults(vec![Fault::new(CONNECTORS).with_status(500)])
        .unwrap();
    let applied = e.apply(&plan).await;
    let err = applied.report.steps[0].error.clone().unwrap();
    assert_eq!(err.code, ErrorCode::RemoteUnavailable, "{err:?}");
    assert!(err.hint.is_some());
    assert_eq!(e.w.calls(CONNECTORS), 1, "a write is never sent twice");
    // Once Nylas is back, running it again finishes it.
    e.w.sb.set_faults(vec![]).unwrap();
    let plan = e.plan().await.unwrap();
    assert!(e.apply(&plan).await.report.succeeded());
    assert_eq!(e.ews_connectors(), 1);

    // A wrong key (or the other region's) is named while reading.
    let mut e = ews_world("scope-list").await;
    e.key = SecretString::from("nyk_v0_not_a_real_key".to_owned());
    let err = e.plan().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.hint.unwrap().contains("US region"));
}

#[tokio::test]
async fn an_exists_answer_of_400_is_read_again_not_retried_in_the_other_form() {
    // Nylas may say "exists" with a 400 (unverified): the runner reads again
    // and finds it instead of trying the string form.
    let mut s = Scenario::practice();
    s.nylas.connector_exists_status = 400;
    let e = Ews {
        w: world_with(s).await,
        input: EwsInput {
            region: Region::Us,
            scopes: ews_scopes(&[]),
        },
        key: SecretString::from(US_KEY.to_owned()),
    };
    let plan = e.plan().await.unwrap();
    let nylas =
        wizard_core::nylas::NylasAdmin::new(&e.w.http, &e.w.endpoints, Region::Us, US_KEY).unwrap();
    wizard_core::nylas::ews::create_ews_connector(
        &nylas,
        EwsBodyShape::ScopeList,
        &e.input.scopes,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    // The runner's first read misses it (as if made a moment later).
    e.w.sb
        .set_faults(vec![Fault::new("GET /nylas-us/v3/connectors/ews")
            .with_status(404)
            .first_n(1)])
        .unwrap();
    let applied = e.apply(&plan).await;
    assert_eq!(applied.report.steps[0].outcome, StepOutcome::AlreadyDone);
    assert_eq!(
        e.w.calls(CONNECTORS),
        2,
        "the setup's create and one refused create"
    );
    assert_eq!(e.ews_connectors(), 1);
}

#[tokio::test]
async fn stopping_before_the_step_sends_nothing() {
    let e = ews_world("scope-list").await;
    let plan = e.plan().await.unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let applied = apply_ews(
        &e.w.http,
        &e.w.endpoints,
        &e.input,
        &e.key,
        &plan,
        e.w.dir.path(),
        &|_| {},
        &cancel,
    )
    .await
    .unwrap();
    assert!(applied.report.cancelled);
    assert!(!applied.report.succeeded());
    assert_eq!(e.w.calls(CONNECTORS), 0);
    assert_eq!(e.ews_connectors(), 0);
}
