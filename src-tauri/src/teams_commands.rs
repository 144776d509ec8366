//! Path B's "Teams integration" from the window: the plan for the saved
//! answers, the stored secrets and the window's last Teams audit (the gate:
//! nothing is planned while it has failures), then apply with per-step
//! progress through a `tauri::ipc::Channel`, cancellable with
//! `cancel_remote("apply_teams_integration")`. An existing integration with
//! other settings is changed only when the window says the admin confirmed
//! the differences. Thin: wizard-core plans, applies, keeps the journal and
//! turns what was done into the run's changes; secrets never reach the
//! window (hints only).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{Runtime, State};
use tokio_util::sync::CancellationToken;
use wizard_core::answers::Answers;
use wizard_core::audit::Tenancy;
use wizard_core::changes::Change;
use wizard_core::nylas_v2::integrations::BetaClient;
use wizard_core::nylas_v2::teams_plan::{
    apply_teams, changes_from_teams, default_redirect_uris, plan_teams, record_of, resolve_tenant,
    teams_gate, ApplyOptions, RedirectCheck, TeamsInput, DEFAULT_EXPIRES_IN, DEFAULT_NAME,
};
use wizard_core::nylas_v2::{now_rfc3339, NylasV2Record};
use wizard_core::paths::{path_info, PathId, AZURE_APP_STEP, NYLAS_V2_STEP};
use wizard_core::plan::{ApplyReport, Plan, ProgressEvent};
use wizard_core::regions::Region;
use wizard_core::secrets::{hint, SecretName, SecretString};
use wizard_core::state::ProgressView;
use wizard_core::summary::LastAudit;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;
use crate::teams_auth_commands::teams_callback_port;

type Result<T> = std::result::Result<T, WizardError>;

/// Run journals live here, beside the progress (practice: its own folder).
const JOURNAL_DIR: &str = "journal";

/// Something the integration needs that an earlier step provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamsMissing {
    pub what: String,
    /// The step that provides it (its id, for "Go back").
    pub step: String,
    pub step_title: String,
}

/// What the window chose beyond the answers (all optional: defaults).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TeamsChoices {
    pub name: Option<String>,
    /// One per line in the window; empty: the defaults.
    pub redirect_uris: Vec<String>,
    pub expires_in: Option<u64>,
}

/// Whether one redirect URI is on the Azure app: `matches`, `no_match`
/// (refused) or `unknown` (said plainly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectState {
    Matches,
    NoMatch,
    Unknown,
}

/// What the step shows before anything is sent.
#[derive(Debug, Clone, Serialize)]
pub struct TeamsPlanView {
    /// Empty when the plan could be made.
    pub missing: Vec<TeamsMissing>,
    /// The Azure app's Teams check refuses (failures named), with the step
    /// that fixes it; no plan then.
    pub blocked: Option<WizardError>,
    pub plan: Option<Plan>,
    pub region: Region,
    pub nylas_v2: Option<NylasV2Record>,
    pub nylas_secret_hint: Option<String>,
    pub azure_secret_hint: Option<String>,
    pub azure_client_id: Option<String>,
    /// The tenant sent: a tenant ID or `common`.
    pub tenant: Option<String>,
    pub multitenant: bool,
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// The defaults (the region's beta callback and the wizard's loopback).
    pub default_redirect_uris: Vec<String>,
    pub redirect_state: RedirectState,
    pub redirect_sentence: String,
    pub expires_in: u64,
    pub default_expires_in: u64,
    /// Applying needs the admin's yes to changing an existing integration.
    pub needs_confirmation: bool,
}

/// What applying did.
#[derive(Debug, Clone, Serialize)]
pub struct TeamsApplied {
    pub plan: Plan,
    pub report: ApplyReport,
    pub changes: Vec<Change>,
    pub progress: ProgressView,
}

fn step_title(id: &str) -> String {
    path_info(PathId::Teams)
        .steps
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// Single tenant sends the tenant (resolved to its ID); multitenant `common`.
fn wants_common(answers: &Answers) -> bool {
    answers.tenancy == Some(Tenancy::Multi)
        || answers.tenant.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("common") || t.eq_ignore_ascii_case("organizations")
        })
}

/// What is missing, each with the step that provides it. The v2 app
/// counts only when it was checked for the region answered now.
pub fn missing_prerequisites(
    answers: &Answers,
    nylas_secret_stored: bool,
    azure_secret_stored: bool,
) -> Vec<TeamsMissing> {
    let mut out = Vec::new();
    let mut need = |what: &str, step: &str| {
        out.push(TeamsMissing {
            what: what.to_owned(),
            step: step.to_owned(),
            step_title: step_title(step),
        })
    };
    if answers.client_id.is_none() {
        need("Your Azure app's Application (client) ID", AZURE_APP_STEP);
    }
    if answers.tenant.is_none() && !wants_common(answers) {
        need("Your Azure app's tenant", AZURE_APP_STEP);
    }
    if !azure_secret_stored {
        need(
            "Your Azure app's client secret, saved on this computer",
            AZURE_APP_STEP,
        );
    }
    let checked = answers
        .nylas_v2
        .as_ref()
        .is_some_and(|r| r.region == answers.region());
    if !nylas_secret_stored || !checked {
        need(
            &format!(
                "Your Nylas v2 app's client ID and secret, checked for the {} region",
                answers.region().label()
            ),
            NYLAS_V2_STEP,
        );
    }
    out
}

struct Ready {
    input: TeamsInput,
    client: BetaClient,
    azure_secret: SecretString,
    journal: PathBuf,
}

async fn gather(
    state: &AppState,
    audit: Option<&LastAudit>,
    choices: &TeamsChoices,
    port: u16,
    cancel: &CancellationToken,
) -> Result<(TeamsPlanView, Option<Ready>)> {
    let progress = state.progress();
    let answers = progress.answers;
    let region = answers.region();
    let nylas_secret = state.read_secret(SecretName::NylasV2ClientSecret).await?;
    let azure_secret = state.read_secret(SecretName::AzureClientSecret).await?;
    let defaults = default_redirect_uris(region, port);
    let uris: Vec<String> = {
        let given: Vec<String> = choices
            .redirect_uris
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        if given.is_empty() {
            defaults.clone()
        } else {
            given
        }
    };
    let mut view = TeamsPlanView {
        missing: missing_prerequisites(&answers, nylas_secret.is_some(), azure_secret.is_some()),
        blocked: None,
        plan: None,
        region,
        nylas_v2: answers.nylas_v2.clone(),
        nylas_secret_hint: nylas_secret.as_ref().map(hint),
        azure_secret_hint: azure_secret.as_ref().map(hint),
        azure_client_id: answers.client_id.clone(),
        tenant: None,
        multitenant: wants_common(&answers),
        name: choices
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(DEFAULT_NAME)
            .to_owned(),
        redirect_uris: uris.clone(),
        default_redirect_uris: defaults,
        redirect_state: RedirectState::Unknown,
        redirect_sentence: String::new(),
        expires_in: choices.expires_in.unwrap_or(DEFAULT_EXPIRES_IN),
        default_expires_in: DEFAULT_EXPIRES_IN,
        needs_confirmation: false,
    };
    // The gate first: a failing Teams check is what the admin fixes next.
    let facts = match teams_gate(audit.map(|a| &a.report), answers.last_check.as_ref(), true) {
        Ok(f) => f,
        Err(e) => {
            view.blocked = Some(e);
            return Ok((view, None));
        }
    };
    let check = RedirectCheck::of(&uris, &facts);
    view.redirect_state = match check {
        RedirectCheck::Matches(_) => RedirectState::Matches,
        RedirectCheck::NoMatch { .. } => RedirectState::NoMatch,
        RedirectCheck::Unknown => RedirectState::Unknown,
    };
    view.redirect_sentence = check.sentence();
    let (Some(nylas_secret), Some(azure_secret), Some(v2), Some(client_id)) = (
        nylas_secret,
        azure_secret,
        answers.nylas_v2.clone(),
        answers.client_id.clone(),
    ) else {
        return Ok((view, None));
    };
    if !view.missing.is_empty() {
        return Ok((view, None));
    }
    let remote = state.remote().await?;
    let tenant = if view.multitenant {
        "common".to_owned()
    } else {
        let t = answers.tenant.clone().unwrap_or_default();
        resolve_tenant(&remote.http, &remote.endpoints, &t, cancel).await?
    };
    view.tenant = Some(tenant.clone());
    let input = TeamsInput::new(
        region,
        Some(&view.name),
        &client_id,
        &tenant,
        &uris,
        choices.expires_in,
    )?;
    check.require()?;
    let client = BetaClient::new(
        &remote.http,
        &remote.endpoints,
        region,
        &v2.client_id,
        &nylas_secret,
    );
    Ok((
        view,
        Some(Ready {
            input,
            client,
            azure_secret,
            journal: state.data_dir().join(JOURNAL_DIR),
        }),
    ))
}

/// The plan for the saved answers: read from Nylas (the integrations
/// list), nothing sent. Says what is missing or what blocks it instead.
pub async fn plan_view_at(
    state: &AppState,
    audit: Option<&LastAudit>,
    choices: &TeamsChoices,
    port: u16,
    cancel: &CancellationToken,
) -> Result<TeamsPlanView> {
    let (mut view, ready) = gather(state, audit, choices, port, cancel).await?;
    let Some(r) = ready else {
        return Ok(view);
    };
    let plan = plan_teams(&r.client, &r.input, &r.azure_secret, &r.journal, cancel).await?;
    view.needs_confirmation = plan
        .steps
        .iter()
        .any(|s| s.action == wizard_core::plan::StepAction::Update);
    view.plan = Some(plan);
    Ok(view)
}

/// Plan again from a fresh read, apply, record what changed.
pub async fn apply_with_at(
    state: &AppState,
    audit: Option<&LastAudit>,
    choices: &TeamsChoices,
    confirm_update: bool,
    port: u16,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<TeamsApplied> {
    let (view, ready) = gather(state, audit, choices, port, cancel).await?;
    if let Some(e) = view.blocked {
        return Err(e);
    }
    let Some(r) = ready else {
        let first = view.missing.first().map(|m| m.step_title.clone());
        return Err(WizardError::new(
            ErrorCode::InvalidInput,
            "Something the Teams integration needs isn't there yet, so nothing was sent.",
        )
        .with_hint(match first {
            Some(step) => format!("Go back to the {step} step first."),
            None => "Go back to the earlier steps first.".into(),
        }));
    };
    let plan = plan_teams(&r.client, &r.input, &r.azure_secret, &r.journal, cancel).await?;
    let report = apply_teams(
        &r.client,
        &r.input,
        &r.azure_secret,
        &plan,
        &r.journal,
        ApplyOptions { confirm_update },
        progress,
        cancel,
    )
    .await?;
    let changes = state.record_change(changes_from_teams(&r.input, &plan, &report));
    let record = record_of(&r.input, &report, now_rfc3339());
    let progress = state.update(|p| {
        if let Some(record) = record {
            p.record_teams_integration(record);
        }
        Ok(())
    })?;
    tracing::info!(
        writes = report.writes(),
        cancelled = report.cancelled,
        "Teams integration applied"
    );
    Ok(TeamsApplied {
        plan,
        report,
        changes,
        progress,
    })
}

/// The plan for the saved answers, the stored secrets and the window's
/// last audit (`audit`), redacted.
#[tauri::command]
pub async fn plan_teams_integration<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    audit: Option<LastAudit>,
    choices: Option<TeamsChoices>,
) -> Result<TeamsPlanView> {
    let call = calls.begin("plan_teams_integration");
    let choices = choices.unwrap_or_default();
    // The Connect accounts step listens there: its callback is a default.
    let port = teams_callback_port(&app);
    plan_view_at(&state, audit.as_ref(), &choices, port, call.token()).await
}

/// Apply after the admin looked at the plan (and, for an existing
/// integration with other settings, confirmed the differences):
/// progress goes to `on_progress`; `cancel_remote("apply_teams_integration")`
/// stops it.
#[tauri::command]
pub async fn apply_teams_integration<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    audit: Option<LastAudit>,
    choices: Option<TeamsChoices>,
    confirm_update: bool,
    on_progress: Channel<ProgressEvent>,
) -> Result<TeamsApplied> {
    let call = calls.begin("apply_teams_integration");
    let send = move |event: ProgressEvent| {
        // A window that went away can't be told; applying goes on.
        if let Err(e) = on_progress.send(event) {
            tracing::debug!("progress not delivered: {e}");
        }
    };
    let choices = choices.unwrap_or_default();
    apply_with_at(
        &state,
        audit.as_ref(),
        &choices,
        confirm_update,
        teams_callback_port(&app),
        &send,
        call.token(),
    )
    .await
}

#[cfg(test)]
#[path = "teams_tests.rs"]
mod teams_tests;
