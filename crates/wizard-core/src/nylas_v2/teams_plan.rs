//! Path B's "Create the Teams integration" as a [`Plan`] of the shared
//! engine (`crate::plan`): one step, keyed `integration:microsoft`.
//!
//! Planning lists the application's integrations first (a v2 application
//! has at most one per provider), so a re-run never creates a second one:
//! none → create; one with the same settings → nothing to do; one that
//! differs → an update showing each difference, sent only when the caller
//! says the admin confirmed it ([`ApplyOptions::confirm_update`]). Before
//! anything is planned, the Azure app must pass its Teams audit
//! ([`teams_gate`]) and one redirect URI must be registered on it.
//! The Azure client secret is never echoed by Nylas: the journal keeps a
//! salted fingerprint of the one last sent.

mod changes;
mod input;

pub use changes::changes_from_teams;

pub use input::{
    check_expires_in, default_redirect_uris, resolve_tenant, teams_callback, teams_gate,
    AzureFacts, RedirectCheck, TeamsInput, DEFAULT_EXPIRES_IN, DEFAULT_NAME,
    DEFAULT_TEAMS_CALLBACK_PORT, MAX_EXPIRES_IN, MIN_EXPIRES_IN, TEAMS_CALLBACK_PATH,
};

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use super::integrations::{
    create_integration, integration_path, list_integrations, update_integration, BetaClient,
    Integration, IntegrationSettings, INTEGRATIONS_PATH, PROVIDER,
};
use crate::error::{ErrorCode, Result, WizardError};
use crate::plan::{
    apply, redact, unknown_step, ApplyReport, FieldChange, Journal, Plan, PlanStep, PlannedRequest,
    ProgressEvent, StepAction, StepContext, StepDone, StepOutcome, StepRunner, REDACTED,
};

/// The journal's name for this plan.
pub const PLAN_ID: &str = "teams-integration";
/// The one step's key.
pub const INTEGRATION_KEY: &str = "integration:microsoft";

const NOT_SHOWN: &str = "not shown by Nylas";
const NOT_SET: &str = "not set";

/// How an apply may go.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// The admin saw the differences of an existing integration and said
    /// to replace them. Without it an update is refused (nothing sent).
    pub confirm_update: bool,
}

fn settings(input: &TeamsInput, azure_secret: &SecretString) -> IntegrationSettings {
    IntegrationSettings {
        name: input.name.clone(),
        client_id: input.client_id.clone(),
        client_secret: azure_secret.clone(),
        tenant: input.tenant.clone(),
        redirect_uris: input.redirect_uris.clone(),
        expires_in: input.expires_in,
    }
}

fn fingerprint(journal: &Journal, input: &TeamsInput, secret: &SecretString) -> String {
    journal.fingerprint(&[&input.client_id, secret.expose_secret()])
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        NOT_SET.into()
    } else {
        v.join(", ")
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let set = |v: &[String]| {
        let mut s: Vec<String> = v.iter().map(|x| x.trim().to_owned()).collect();
        s.sort();
        s.dedup();
        s
    };
    set(a) == set(b)
}

/// What differs between the integration Nylas has and the wanted one.
/// `secret_known`: the journal shows this client ID and secret were the
/// last ones sent (Nylas never echoes the secret).
pub fn integration_changes(
    current: &Integration,
    wanted: &IntegrationSettings,
    secret_known: bool,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, before: String, after: String| {
        out.push(FieldChange {
            field: field.into(),
            before,
            after,
        })
    };
    if current.name.as_deref() != Some(wanted.name.as_str()) {
        push(
            "name",
            current.name.clone().unwrap_or_else(|| NOT_SET.into()),
            wanted.name.clone(),
        );
    }
    match &current.client_id {
        Some(id) if !id.eq_ignore_ascii_case(&wanted.client_id) => {
            push("settings.client_id", id.clone(), wanted.client_id.clone())
        }
        None if !secret_known => push(
            "settings.client_id",
            NOT_SHOWN.into(),
            wanted.client_id.clone(),
        ),
        _ => {}
    }
    if !secret_known {
        push(
            "settings.client_secret",
            NOT_SHOWN.into(),
            format!("your Azure app's saved secret ({REDACTED})"),
        );
    }
    match &current.tenant {
        Some(t) if !t.eq_ignore_ascii_case(&wanted.tenant) => {
            push("settings.tenant", t.clone(), wanted.tenant.clone())
        }
        None if !secret_known => push("settings.tenant", NOT_SHOWN.into(), wanted.tenant.clone()),
        _ => {}
    }
    if !same_set(&current.redirect_uris, &wanted.redirect_uris) {
        push(
            "redirect_uris",
            list(&current.redirect_uris),
            list(&wanted.redirect_uris),
        );
    }
    if current.expires_in != Some(wanted.expires_in) {
        push(
            "expires_in",
            current
                .expires_in
                .map(|e| e.to_string())
                .unwrap_or_else(|| NOT_SET.into()),
            wanted.expires_in.to_string(),
        );
    }
    out
}

fn request(method: &str, path: &str, body: &serde_json::Value) -> Option<PlannedRequest> {
    Some(PlannedRequest {
        method: method.into(),
        path: format!("/{path}"),
        body: Some(redact(body, &["client_secret"])),
    })
}

pub(super) const UNDO_CREATED: &str = "Nylas's beta integrations have no Dashboard page yet: ask Nylas support to delete your application's Microsoft (Teams) integration, or send DELETE /connect/integrations/microsoft to the same beta host with your v2 client ID and secret.";

/// The plan's one step, from what Nylas has.
pub fn integration_step(
    input: &TeamsInput,
    current: Option<&Integration>,
    wanted: &IntegrationSettings,
    secret_known: bool,
) -> PlanStep {
    let tenancy = if input.tenant == "common" {
        "any Microsoft organization (multitenant, tenant common)".to_owned()
    } else {
        format!("your organization only (tenant {})", input.tenant)
    };
    let safety_new = "Creates the Teams integration of your Nylas v2 application. Nothing existing changes; accounts still have to be connected to Teams one by one.".to_owned();
    let Some(current) = current else {
        return PlanStep {
            key: INTEGRATION_KEY.into(),
            summary: format!(
                "Create the Microsoft Teams integration \"{}\" ({} region) with your Azure app's client ID and secret, sign-in for {tenancy}.",
                input.name,
                input.region.label()
            ),
            action: StepAction::Create,
            safety: safety_new,
            undo: vec![UNDO_CREATED.into()],
            request: request("POST", INTEGRATIONS_PATH, &wanted.create_body()),
            changes: vec![],
        };
    };
    let changes = integration_changes(current, wanted, secret_known);
    let id = current.id.clone().unwrap_or_else(|| PROVIDER.into());
    if changes.is_empty() {
        return PlanStep {
            key: INTEGRATION_KEY.into(),
            summary: format!(
                "Your Nylas v2 application already has the Microsoft Teams integration \"{}\" (ID {id}) with these settings.",
                current.name.as_deref().unwrap_or(&input.name)
            ),
            action: StepAction::NothingToDo,
            safety: "Nothing is sent.".into(),
            undo: vec![],
            request: None,
            changes,
        };
    }
    PlanStep {
        key: INTEGRATION_KEY.into(),
        summary: format!(
            "Update the existing Microsoft Teams integration (ID {id}): {} differ from what you chose. A Nylas application has one Microsoft integration, so it is changed, not duplicated.",
            changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>().join(", ")
        ),
        action: StepAction::Update,
        safety: "Replaces the integration's settings: accounts connected to Teams before may need to sign in again if the Azure app, tenant or redirect URIs change.".into(),
        undo: vec!["Run this step again with the \"Before\" values shown, or ask Nylas support to restore them; the previous Azure client secret is never kept by the wizard.".into()],
        request: request("PATCH", &integration_path(PROVIDER), &wanted.update_body()),
        changes,
    }
}

/// Read what Nylas has (one list call) and plan. Sends nothing else.
pub async fn plan_teams(
    client: &BetaClient,
    input: &TeamsInput,
    azure_secret: &SecretString,
    journal_dir: &Path,
    cancel: &CancellationToken,
) -> Result<Plan> {
    let journal = Journal::load(journal_dir, PLAN_ID);
    let existing = list_integrations(client, cancel).await?;
    let current = existing.iter().find(|i| i.provider == PROVIDER);
    let wanted = settings(input, azure_secret);
    let known =
        journal.fingerprint_matches(INTEGRATION_KEY, &fingerprint(&journal, input, azure_secret));
    Ok(Plan {
        id: PLAN_ID.into(),
        title: "Create the Microsoft Teams integration".into(),
        steps: vec![integration_step(input, current, &wanted, known)],
    })
}

struct Runner<'a> {
    client: &'a BetaClient,
    input: &'a TeamsInput,
    secret: &'a SecretString,
    options: ApplyOptions,
}

fn maybe_exists(e: &crate::http::HttpError) -> bool {
    matches!(e.status, Some(400 | 409))
}

fn needs_confirmation(changes: &[FieldChange]) -> WizardError {
    WizardError::new(
        ErrorCode::InvalidInput,
        "Your Nylas application already has a Teams integration with other settings, so nothing was sent.",
    )
    .with_hint(format!(
        "Look at the differences ({}) and confirm that the existing integration should be changed.",
        changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

impl StepRunner for Runner<'_> {
    async fn run(&self, step: &PlanStep, cx: StepContext<'_>) -> Result<StepDone> {
        if step.key != INTEGRATION_KEY {
            return Err(unknown_step(&step.key));
        }
        let c = self.client;
        let wanted = settings(self.input, self.secret);
        let fp = fingerprint(cx.journal, self.input, self.secret);
        let known = cx.journal.fingerprint_matches(INTEGRATION_KEY, &fp);
        let find = |list: Vec<Integration>| list.into_iter().find(|i| i.provider == PROVIDER);
        // Read first: a run killed after its POST finds the integration.
        let current = match find(list_integrations(c, cx.cancel).await?) {
            Some(i) => i,
            None => match create_integration(c, &wanted, cx.cancel).await {
                Ok(i) => {
                    return Ok(StepDone::new(StepOutcome::Created)
                        .with_ids(i.id.into_iter().collect())
                        .with_fingerprint(fp))
                }
                Err(e) if maybe_exists(&e) => match find(list_integrations(c, cx.cancel).await?) {
                    Some(i) => i,
                    None => return Err(c.explain(e, "the new integration")),
                },
                Err(e) => return Err(c.explain(e, "the new integration")),
            },
        };
        let ids: Vec<String> = current.id.clone().into_iter().collect();
        let changes = integration_changes(&current, &wanted, known);
        if changes.is_empty() {
            return Ok(StepDone::new(StepOutcome::AlreadyDone)
                .with_ids(ids)
                .with_fingerprint(fp));
        }
        if !self.options.confirm_update {
            return Err(needs_confirmation(&changes));
        }
        update_integration(c, &wanted, cx.cancel).await?;
        Ok(StepDone::new(StepOutcome::Updated)
            .with_ids(ids)
            .with_fingerprint(fp))
    }
}

/// Apply `plan` (from [`plan_teams`] for the same input): reads again,
/// creates or (confirmed) updates, never a second integration.
#[allow(clippy::too_many_arguments)] // Each is a different thing the run needs.
pub async fn apply_teams(
    client: &BetaClient,
    input: &TeamsInput,
    azure_secret: &SecretString,
    plan: &Plan,
    journal_dir: &Path,
    options: ApplyOptions,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ApplyReport> {
    if plan.id != PLAN_ID {
        return Err(WizardError::internal(format!(
            "A \"{}\" plan can't be applied as the Teams integration.",
            plan.id
        )));
    }
    let runner = Runner {
        client,
        input,
        secret: azure_secret,
        options,
    };
    apply(plan, &runner, journal_dir, progress, cancel).await
}

/// What the run leaves in the answers, when the integration is in place.
pub fn record_of(
    input: &TeamsInput,
    report: &ApplyReport,
    at: String,
) -> Option<super::TeamsIntegrationRecord> {
    let step = report.steps.iter().find(|s| s.key == INTEGRATION_KEY)?;
    let created = match step.outcome {
        StepOutcome::Created => true,
        StepOutcome::Updated | StepOutcome::AlreadyDone => false,
        _ => return None,
    };
    Some(super::TeamsIntegrationRecord {
        integration_id: step.ids.first().cloned().unwrap_or_default(),
        name: input.name.clone(),
        tenant: input.tenant.clone(),
        redirect_uris: input.redirect_uris.clone(),
        expires_in: input.expires_in,
        region: input.region,
        created,
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Region;

    fn input() -> TeamsInput {
        TeamsInput::new(
            Region::Us,
            None,
            "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01",
            "common",
            &["https://beta.us.nylas.com/connect/callback".to_owned()],
            None,
        )
        .unwrap()
    }

    fn wanted(i: &TeamsInput) -> IntegrationSettings {
        settings(i, &SecretString::from("azure-secret".to_owned()))
    }

    #[test]
    fn no_integration_is_a_create_with_the_secret_redacted() {
        let i = input();
        let step = integration_step(&i, None, &wanted(&i), false);
        assert_eq!(step.action, StepAction::Create);
        let req = step.request.unwrap();
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("POST", "/connect/integrations")
        );
        let body = req.body.unwrap();
        assert_eq!(body["settings"]["client_secret"], REDACTED);
        assert_eq!(body["settings"]["tenant"], "common");
        assert!(!body.to_string().contains("azure-secret"));
    }

    #[test]
    fn the_same_integration_is_nothing_to_do_and_a_different_one_an_update() {
        let i = input();
        let w = wanted(&i);
        let same = Integration {
            id: Some("int-1".into()),
            name: Some(i.name.clone()),
            provider: PROVIDER.into(),
            client_id: None,
            tenant: None,
            redirect_uris: i.redirect_uris.clone(),
            expires_in: Some(DEFAULT_EXPIRES_IN),
        };
        assert_eq!(
            integration_step(&i, Some(&same), &w, true).action,
            StepAction::NothingToDo
        );
        // Without the journal's fingerprint the secret may differ.
        let unknown = integration_step(&i, Some(&same), &w, false);
        assert_eq!(unknown.action, StepAction::Update);
        assert!(unknown
            .changes
            .iter()
            .any(|c| c.field == "settings.client_secret"));
        let other = Integration {
            tenant: Some("11111111-2222-3333-4444-555555555555".into()),
            expires_in: Some(600),
            ..same
        };
        let step = integration_step(&i, Some(&other), &w, true);
        assert_eq!(step.action, StepAction::Update);
        let fields: Vec<&str> = step.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["settings.tenant", "expires_in"]);
        assert_eq!(step.changes[1].before, "600");
        assert_eq!(
            step.request.unwrap().path,
            "/connect/integrations/microsoft"
        );
    }
}
