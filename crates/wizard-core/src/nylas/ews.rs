//! Path D (issue 12, point 6): the EWS connector that Exchange on-premises
//! accounts need after the move to v3 (seed 002). Found with
//! `GET /v3/connectors/ews` (404 = none) and created, only when missing,
//! with `POST /v3/connectors` through the shared plan engine.
//!
//! The create body is unverified (reference §1): the newer spec gives the
//! EWS connector a *string* `scopes` where every other connector has a
//! `scope` list. The wizard sends the list form first (like every other
//! connector) and, only when Nylas refuses it with a 400 and still has no
//! EWS connector, the string form once; when both are refused the admin
//! reads both of Nylas's answers in plain words.

use std::path::Path;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::admin::NylasAdmin;
use super::connector::{to_http, CONNECTORS_PATH};
use crate::changes::{Change, ChangeDiff, ChangeKind, ChangeRef, ChangeTarget, Undo, UndoLink};
use crate::endpoints::Endpoints;
use crate::error::{Result, WizardError};
use crate::http::{HttpClient, HttpError};
use crate::plan::{
    apply, unknown_step, ApplyReport, Plan, PlanStep, PlannedRequest, ProgressEvent, StepAction,
    StepContext, StepDone, StepOutcome, StepRunner,
};
use crate::portal::DocTopic;
use crate::regions::Region;
use crate::remote_ops::RemoteOp;
use crate::scopes::Feature;

pub const PROVIDER: &str = "ews";
pub const EWS_CONNECTOR_PATH: &str = "v3/connectors/ews";
/// The journal's name for this plan.
pub const PLAN_ID: &str = "migrate-ews";
/// The plan's one step.
pub const EWS_KEY: &str = "connector:ews";

/// The two create bodies the public sources allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum EwsBodyShape {
    /// `{"provider":"ews","settings":{},"scope":["ews.messages",…]}`, as
    /// every other connector.
    ScopeList,
    /// `{"provider":"ews","settings":{},"scopes":"ews.messages …"}`, the
    /// newer spec's string field (space-separated).
    ScopesString,
}

impl EwsBodyShape {
    /// In the order the wizard tries them.
    pub const ALL: [EwsBodyShape; 2] = [EwsBodyShape::ScopeList, EwsBodyShape::ScopesString];

    /// The `POST /v3/connectors` body in this shape.
    pub fn body(self, scopes: &[String]) -> Value {
        match self {
            EwsBodyShape::ScopeList => {
                json!({ "provider": PROVIDER, "settings": {}, "scope": scopes })
            }
            EwsBodyShape::ScopesString => {
                json!({ "provider": PROVIDER, "settings": {}, "scopes": scopes.join(" ") })
            }
        }
    }

    fn words(self) -> &'static str {
        match self {
            EwsBodyShape::ScopeList => "the permissions as a list (\"scope\")",
            EwsBodyShape::ScopesString => "the permissions as one text (\"scopes\")",
        }
    }
}

/// The EWS permissions for the translated features: mail, calendar and
/// contacts each map to Nylas's EWS scope; none chosen means all three.
pub fn ews_scopes(features: &[Feature]) -> Vec<String> {
    let wants = |fs: &[Feature]| features.iter().any(|f| fs.contains(f));
    let mut out = Vec::new();
    let mail = [
        Feature::MailRead,
        Feature::MailModify,
        Feature::MailSend,
        Feature::SharedMailbox,
    ];
    let calendar = [
        Feature::CalendarRead,
        Feature::CalendarWrite,
        Feature::Conferencing,
        Feature::Rooms,
        Feature::SharedCalendar,
    ];
    let contacts = [
        Feature::ContactsRead,
        Feature::ContactsWrite,
        Feature::People,
    ];
    for (fs, scope) in [
        (&mail[..], "ews.messages"),
        (&calendar[..], "ews.calendar"),
        (&contacts[..], "ews.contacts"),
    ] {
        if wants(fs) {
            out.push(scope.to_owned());
        }
    }
    if out.is_empty() {
        out = ["ews.messages", "ews.calendar", "ews.contacts"]
            .map(str::to_owned)
            .to_vec();
    }
    out
}

/// The EWS connector as Nylas shows it: its permissions, in either form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EwsConnector {
    pub scope: Vec<String>,
}

impl EwsConnector {
    fn from_json(v: &Value) -> Self {
        let scope = match (v.get("scope"), v.get("scopes")) {
            (Some(Value::Array(a)), _) => a
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
            (_, Some(Value::String(s))) => s
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Self { scope }
    }
}

/// The EWS connector, or `None` when the application has none (404).
pub async fn get_ews_connector(
    nylas: &NylasAdmin,
    cancel: &CancellationToken,
) -> Result<Option<EwsConnector>> {
    let req = nylas.request(RemoteOp::NylasGetEwsConnector, EWS_CONNECTOR_PATH)?;
    match nylas.send_data::<Value>(&req, cancel).await {
        Ok(v) => Ok(Some(EwsConnector::from_json(&v))),
        Err(e) if e.status == Some(404) => Ok(None),
        Err(e) => Err(nylas.explain(e, "reading the EWS connector")),
    }
}

/// `POST /v3/connectors` for the EWS connector in `shape`. The raw error on
/// failure: the caller decides what a 400 or 409 means.
pub async fn create_ews_connector(
    nylas: &NylasAdmin,
    shape: EwsBodyShape,
    scopes: &[String],
    cancel: &CancellationToken,
) -> Result<EwsConnector, HttpError> {
    let req = nylas
        .request(RemoteOp::NylasCreateEwsConnector, CONNECTORS_PATH)
        .map_err(to_http)?
        .json(shape.body(scopes));
    let v: Value = nylas.send_data(&req, cancel).await?;
    Ok(EwsConnector::from_json(&v))
}

/// What the EWS step works with (no secret: the API key comes apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwsInput {
    pub region: Region,
    pub scopes: Vec<String>,
}

/// Read Nylas and plan: nothing to do when the EWS connector exists, else
/// one create. Sends nothing but the read.
pub async fn plan_ews(
    http: &HttpClient,
    endpoints: &Endpoints,
    input: &EwsInput,
    api_key: &SecretString,
    cancel: &CancellationToken,
) -> Result<Plan> {
    let nylas = NylasAdmin::new(http, endpoints, input.region, api_key.expose_secret())?;
    let existing = get_ews_connector(&nylas, cancel).await?;
    Ok(Plan {
        id: PLAN_ID.into(),
        title: "The EWS connector for Exchange on-premises".into(),
        steps: vec![ews_step(input, existing.as_ref())],
    })
}

fn ews_step(input: &EwsInput, existing: Option<&EwsConnector>) -> PlanStep {
    if let Some(c) = existing {
        let perms = if c.scope.is_empty() {
            String::new()
        } else {
            format!(" (permissions: {})", c.scope.join(", "))
        };
        return PlanStep {
            key: EWS_KEY.into(),
            summary: format!(
                "Your Nylas application already has the EWS connector{perms}: Exchange \
                 on-premises users sign in again through it with their password."
            ),
            action: StepAction::NothingToDo,
            safety: "Nothing is changed.".into(),
            undo: Vec::new(),
            request: None,
            changes: Vec::new(),
        };
    }
    let first = EwsBodyShape::ScopeList;
    PlanStep {
        key: EWS_KEY.into(),
        summary: format!(
            "Add the EWS connector to your Nylas application ({} region) with the permissions {}, \
             so your Exchange on-premises users can sign in again with their password.",
            input.region.label(),
            input.scopes.join(", ")
        ),
        action: StepAction::Create,
        safety: format!(
            "Safe: it adds a way in for Exchange on your own servers; the Microsoft connector and \
             everyone already connected are unaffected. Nylas's documentation disagrees on one \
             detail of this request, so if Nylas refuses {} the wizard tries {} once, and tells \
             you what Nylas said if both are refused.",
            first.words(),
            EwsBodyShape::ScopesString.words()
        ),
        undo: vec![
            "In the Nylas Dashboard, open Connectors and choose EWS.".into(),
            "Delete the connector. Exchange on-premises accounts connected through it stop \
             working, so only do this before anyone has connected."
                .into(),
        ],
        request: Some(PlannedRequest {
            method: "POST".into(),
            path: format!("/{CONNECTORS_PATH}"),
            body: Some(first.body(&input.scopes)),
        }),
        changes: Vec::new(),
    }
}

struct EwsRunner<'a> {
    nylas: NylasAdmin,
    input: &'a EwsInput,
    accepted: Mutex<Option<EwsBodyShape>>,
}

/// Nylas's own words for a refusal, or the wizard's.
fn said(e: &HttpError) -> String {
    e.service_error
        .as_ref()
        .map(|s| s.message.clone())
        .unwrap_or_else(|| e.error.message.clone())
}

impl EwsRunner<'_> {
    fn explain(&self, e: HttpError) -> WizardError {
        let mut error = self.nylas.explain(e, "the EWS connector");
        if error.hint.is_none() {
            error.hint = Some(
                "Create the EWS connector in the Nylas Dashboard (Connectors, then EWS), then \
                 check again here."
                    .into(),
            );
        }
        error
    }

    /// Both forms refused: both answers, in plain words.
    fn both_refused(&self, first: &HttpError, second: HttpError) -> WizardError {
        let second_said = said(&second);
        let mut error = self.nylas.explain(second, "the EWS connector");
        error.message =
            "Nylas refused to create the EWS connector in both forms the wizard knows.".into();
        error.hint = Some(format!(
            "With {} Nylas said: \"{}\". With {} it said: \"{}\". Create the EWS connector in \
             the Nylas Dashboard (Connectors, then EWS), then check again here.",
            EwsBodyShape::ScopeList.words(),
            said(first),
            EwsBodyShape::ScopesString.words(),
            second_said
        ));
        error
    }

    async fn exists(&self, cancel: &CancellationToken) -> Result<bool> {
        Ok(get_ews_connector(&self.nylas, cancel).await?.is_some())
    }

    async fn create(&self, cx: &StepContext<'_>) -> Result<StepDone> {
        let scopes = &self.input.scopes;
        let first = EwsBodyShape::ScopeList;
        let e = match create_ews_connector(&self.nylas, first, scopes, cx.cancel).await {
            Ok(_) => return Ok(self.created(first)),
            Err(e) => e,
        };
        // A refusal may mean "it exists already" (made meanwhile).
        if matches!(e.status, Some(400 | 409)) && self.exists(cx.cancel).await? {
            return Ok(StepDone::new(StepOutcome::AlreadyDone));
        }
        if e.status != Some(400) {
            return Err(self.explain(e));
        }
        let second = EwsBodyShape::ScopesString;
        match create_ews_connector(&self.nylas, second, scopes, cx.cancel).await {
            Ok(_) => Ok(self.created(second)),
            Err(e2) if matches!(e2.status, Some(400 | 409)) => {
                if self.exists(cx.cancel).await? {
                    Ok(StepDone::new(StepOutcome::AlreadyDone))
                } else {
                    Err(self.both_refused(&e, e2))
                }
            }
            Err(e2) => Err(self.explain(e2)),
        }
    }

    fn created(&self, shape: EwsBodyShape) -> StepDone {
        tracing::info!(?shape, "EWS connector created");
        *self.accepted.lock().unwrap_or_else(|p| p.into_inner()) = Some(shape);
        StepDone::new(StepOutcome::Created)
    }
}

impl StepRunner for EwsRunner<'_> {
    async fn run(&self, step: &PlanStep, cx: StepContext<'_>) -> Result<StepDone> {
        if step.key != EWS_KEY {
            return Err(unknown_step(&step.key));
        }
        if self.exists(cx.cancel).await? {
            return Ok(StepDone::new(StepOutcome::AlreadyDone));
        }
        self.create(&cx).await
    }
}

/// What applying did, and which body Nylas accepted (when it created one).
#[derive(Debug, Clone, PartialEq)]
pub struct EwsApplied {
    pub report: ApplyReport,
    pub accepted: Option<EwsBodyShape>,
}

/// Apply `plan` (from [`plan_ews`] for the same input): read again, create
/// only when missing; progress to `progress`, journal in `journal_dir`.
#[allow(clippy::too_many_arguments)] // Each is a different thing the run needs.
pub async fn apply_ews(
    http: &HttpClient,
    endpoints: &Endpoints,
    input: &EwsInput,
    api_key: &SecretString,
    plan: &Plan,
    journal_dir: &Path,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<EwsApplied> {
    if plan.id != PLAN_ID {
        return Err(WizardError::internal(format!(
            "A \"{}\" plan can't be applied as the EWS connector.",
            plan.id
        )));
    }
    let runner = EwsRunner {
        nylas: NylasAdmin::new(http, endpoints, input.region, api_key.expose_secret())?,
        input,
        accepted: Mutex::new(None),
    };
    let report = apply(plan, &runner, journal_dir, progress, cancel).await?;
    let accepted = *runner.accepted.lock().unwrap_or_else(|p| p.into_inner());
    Ok(EwsApplied { report, accepted })
}

/// The change-list entry when the run created the EWS connector (none
/// when it was already there), with its undo in the dashboard's words.
pub fn changes_from_ews(nylas_app_id: &str, input: &EwsInput, applied: &EwsApplied) -> Vec<Change> {
    if applied.report.writes() == 0 {
        return Vec::new();
    }
    let link = UndoLink::Docs {
        topic: DocTopic::NylasDashboard,
    };
    let url = link.url();
    vec![Change {
        seq: 0,
        at: String::new(),
        kind: ChangeKind::EwsConnectorCreated,
        target: ChangeTarget::NylasApplication,
        what: format!(
            "Created the EWS connector in your Nylas application ({} region) for Exchange \
             on-premises accounts",
            input.region.label()
        ),
        ids: vec![ChangeRef {
            label: "Nylas application ID".into(),
            value: nylas_app_id.to_owned(),
        }],
        diff: vec![ChangeDiff {
            field: "Permissions (scopes)".into(),
            before: "No connector".into(),
            after: input.scopes.join(", "),
        }],
        undo: Undo {
            steps: vec![
                "In the Nylas dashboard, open your application, then Connectors, then EWS.".into(),
                "Select Delete (or ⋯ → Delete) and confirm.".into(),
            ],
            link,
            link_label: "Open the Nylas dashboard".into(),
            url,
            caution: Some(
                "Exchange on-premises accounts can no longer sign in through Nylas.".into(),
            ),
        },
    }]
}

/// What the answers keep of the EWS step (no secret, no address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EwsRecord {
    /// The Nylas application checked.
    pub application_id: String,
    pub region: Region,
    /// The EWS connector is there (found or created).
    pub present: bool,
    /// This wizard created it.
    pub created: bool,
    /// The body Nylas accepted, when the wizard created it.
    pub accepted: Option<EwsBodyShape>,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub at: OffsetDateTime,
}

impl EwsRecord {
    /// The record of a run on `application_id`.
    pub fn of_run(input: &EwsInput, application_id: &str, applied: &EwsApplied) -> Self {
        Self {
            application_id: application_id.to_owned(),
            region: input.region,
            present: applied.report.succeeded(),
            created: applied.report.writes() > 0,
            accepted: applied.accepted,
            at: OffsetDateTime::now_utc(),
        }
    }

    /// Why the step needs a look, if it does.
    pub fn problem(&self, application_id: Option<&str>, region: Region) -> Option<String> {
        if !self.present {
            return Some(
                "The EWS connector isn't there yet: the last try didn't finish. Try again.".into(),
            );
        }
        if self.region != region || application_id != Some(self.application_id.as_str()) {
            return Some(
                "Your region or Nylas application changed since the EWS connector was checked: \
                 check it again."
                    .into(),
            );
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_features_and_default_to_all() {
        assert_eq!(
            ews_scopes(&[Feature::MailRead, Feature::CalendarWrite]),
            ["ews.messages", "ews.calendar"]
        );
        assert_eq!(ews_scopes(&[Feature::People]), ["ews.contacts"]);
        assert_eq!(ews_scopes(&[]).len(), 3);
    }

    #[test]
    fn both_body_shapes() {
        let s = vec!["ews.messages".to_owned(), "ews.calendar".to_owned()];
        let list = EwsBodyShape::ScopeList.body(&s);
        assert_eq!(list["provider"], "ews");
        assert_eq!(list["scope"][1], "ews.calendar");
        assert!(list.get("scopes").is_none());
        let text = EwsBodyShape::ScopesString.body(&s);
        assert_eq!(text["scopes"], "ews.messages ews.calendar");
        assert!(text.get("scope").is_none());
        assert!(text["settings"].is_object());
        // Read back in either form.
        assert_eq!(EwsConnector::from_json(&list).scope, s);
        assert_eq!(EwsConnector::from_json(&text).scope, s);
    }

    #[test]
    fn the_plan_step_creates_only_when_missing() {
        let input = EwsInput {
            region: Region::Eu,
            scopes: ews_scopes(&[]),
        };
        let create = ews_step(&input, None);
        assert_eq!(create.action, StepAction::Create);
        assert!(create.summary.contains("EU region"));
        assert_eq!(create.request.unwrap().path, "/v3/connectors");
        let there = ews_step(&input, Some(&EwsConnector::default()));
        assert_eq!(there.action, StepAction::NothingToDo);
        assert!(there.request.is_none());
    }

    #[test]
    fn a_record_is_stale_for_another_region_or_application() {
        let r = EwsRecord {
            application_id: "app".into(),
            region: Region::Us,
            present: true,
            created: true,
            accepted: Some(EwsBodyShape::ScopeList),
            at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(r.problem(Some("app"), Region::Us), None);
        assert!(r.problem(Some("app"), Region::Eu).is_some());
        assert!(r.problem(Some("other"), Region::Us).is_some());
        let failed = EwsRecord {
            present: false,
            ..r
        };
        assert!(failed
            .problem(Some("app"), Region::Us)
            .unwrap()
            .contains("Try again"));
    }
}
