//! Path A's "Configure Nylas" (and path D's Microsoft connector: the same
//! plan for the connector Nylas's v2 import made, with the translated
//! scopes, no test sign-in, its own journal and record) from the window: the plan for the saved
//! answers and the stored secrets (redacted: the window sees what will be
//! sent, never a secret), then apply with per-step progress through a
//! `tauri::ipc::Channel`, cancellable with `cancel_remote`. Thin:
//! wizard-core plans, applies, keeps the journal and turns what was done
//! into the run's changes with their undo.

use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Runtime, State};
use tokio_util::sync::CancellationToken;
use wizard_core::answers::Answers;
use wizard_core::changes::{changes_from_configure, Change};
use wizard_core::nylas::configure::{
    apply_configure, plan_configure, ConfigureInput, ConfigureSecrets, Purpose,
};
use wizard_core::nylas::{NylasAccountRecord, NylasConfiguredRecord};
use wizard_core::paths::{
    path_info, PathId, AZURE_APP_STEP, MIGRATE_SCOPES_STEP, NYLAS_ACCOUNT_STEP,
};
use wizard_core::plan::{ApplyReport, Plan, ProgressEvent};
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;
use crate::test_sign_in_commands::test_sign_in_port;

type Result<T> = std::result::Result<T, WizardError>;

/// Run journals live here, beside the progress (practice: its own folder).
const JOURNAL_DIR: &str = "journal";

/// Something Configure Nylas needs that an earlier step provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingPrerequisite {
    /// What is missing, in plain words.
    pub what: String,
    /// The step that provides it (its id, for "Go back").
    pub step: String,
    pub step_title: String,
}

/// What the step shows before anything is sent.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigurePlanView {
    /// Empty when the plan could be made.
    pub missing: Vec<MissingPrerequisite>,
    /// The plan (requests redacted), when nothing is missing.
    pub plan: Option<Plan>,
    pub region: Region,
    /// The Nylas application the API key opened.
    pub application: Option<NylasAccountRecord>,
    /// Hints of the secrets the plan sends (never their values).
    pub api_key_hint: Option<String>,
    pub client_secret_hint: Option<String>,
    /// The saved additional tenants (the field's starting text).
    pub additional_tenants: Vec<String>,
    /// Path D: the connector Nylas's v2 import made gets the new app's
    /// settings (the window words it so).
    pub migration: bool,
}

/// What applying did, and the changes recorded (each with its undo).
#[derive(Debug, Clone, Serialize)]
pub struct ConfigureApplied {
    pub plan: Plan,
    pub report: ApplyReport,
    pub changes: Vec<Change>,
    pub progress: ProgressView,
}

fn step_title(path: PathId, id: &str) -> String {
    path_info(path)
        .steps
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// What is missing before Nylas can be configured, each with the step that
/// provides it. The API key counts only when it was checked for the region
/// answered now.
#[cfg(test)] // The window's commands use `missing_on` with the chosen path.
pub fn missing_prerequisites(
    answers: &Answers,
    api_key_stored: bool,
    client_secret_stored: bool,
) -> Vec<MissingPrerequisite> {
    missing_on(PathId::V3, answers, api_key_stored, client_secret_stored)
}

/// [`missing_prerequisites`] on `path` (path D also needs its translated
/// v2 scopes: they are the connector's permissions).
pub fn missing_on(
    path: PathId,
    answers: &Answers,
    api_key_stored: bool,
    client_secret_stored: bool,
) -> Vec<MissingPrerequisite> {
    let mut out = Vec::new();
    let mut need = |what: &str, step: &str| {
        out.push(MissingPrerequisite {
            what: what.to_owned(),
            step: step.to_owned(),
            step_title: step_title(path, step),
        })
    };
    if path == PathId::Migrate && answers.migrate_scopes.is_none() {
        need(
            "Your v2 scopes, translated to Graph permissions",
            MIGRATE_SCOPES_STEP,
        );
    }
    if answers.client_id.is_none() {
        need("Your Azure app's Application (client) ID", AZURE_APP_STEP);
    }
    if answers.tenant.is_none() {
        need("Your Azure app's tenant", AZURE_APP_STEP);
    }
    if !client_secret_stored {
        need(
            "Your Azure app's client secret, saved on this computer",
            AZURE_APP_STEP,
        );
    }
    let checked = answers
        .nylas_account
        .as_ref()
        .is_some_and(|a| a.region == answers.region());
    if !api_key_stored || !checked {
        need(
            &format!(
                "A Nylas API key checked for the {} region",
                answers.region().label()
            ),
            NYLAS_ACCOUNT_STEP,
        );
    }
    out
}

/// The answers, the secrets and where the journal goes, or what is missing.
struct Ready {
    input: ConfigureInput,
    secrets: ConfigureSecrets,
    journal: PathBuf,
}

async fn gather(state: &AppState, test_port: u16) -> Result<(ConfigurePlanView, Option<Ready>)> {
    let progress = state.progress();
    let migration = progress.path == Some(PathId::Migrate);
    // Path E plans the same v3 connector as path A, with its own callbacks.
    let path = match progress.path {
        Some(p @ (PathId::Migrate | PathId::Bulk)) => p,
        _ => PathId::V3,
    };
    let answers = progress.answers;
    let api_key: Option<SecretString> = state.read_secret(SecretName::NylasApiKey).await?;
    let client_secret = state.read_secret(SecretName::AzureClientSecret).await?;
    let hint = |s: &Option<SecretString>| s.as_ref().map(wizard_core::secrets::hint);
    let mut view = ConfigurePlanView {
        missing: missing_on(path, &answers, api_key.is_some(), client_secret.is_some()),
        plan: None,
        region: answers.region(),
        application: answers.nylas_account.clone(),
        api_key_hint: hint(&api_key),
        client_secret_hint: hint(&client_secret),
        additional_tenants: answers.additional_tenants.clone(),
        migration,
    };
    let (Some(api_key), Some(client_secret)) = (api_key, client_secret) else {
        return Ok((view, None));
    };
    if !view.missing.is_empty() {
        return Ok((view, None));
    }
    let input = match path {
        PathId::Migrate => ConfigureInput::for_migration(&answers)?,
        PathId::Bulk => ConfigureInput::for_bulk(&answers)?,
        _ => ConfigureInput::from_answers(&answers, test_port)?,
    };
    view.additional_tenants = input.additional_tenants.clone();
    Ok((
        view,
        Some(Ready {
            input,
            secrets: ConfigureSecrets {
                api_key,
                client_secret,
            },
            journal: state.data_dir().join(JOURNAL_DIR),
        }),
    ))
}

/// The plan for the saved answers: read from Nylas, nothing sent. Says
/// what is missing instead when an earlier step isn't done. `test_port`:
/// where the test sign-in listens (its callback URI is registered).
pub async fn plan_view_at(
    state: &AppState,
    test_port: u16,
    cancel: &CancellationToken,
) -> Result<ConfigurePlanView> {
    let (mut view, ready) = gather(state, test_port).await?;
    let Some(r) = ready else {
        return Ok(view);
    };
    let remote = state.remote().await?;
    view.plan = Some(
        plan_configure(
            &remote.http,
            &remote.endpoints,
            &r.input,
            &r.secrets,
            &r.journal,
            cancel,
        )
        .await?,
    );
    Ok(view)
}

/// Plan again from a fresh read, apply, record what changed.
pub async fn apply_with_at(
    state: &AppState,
    test_port: u16,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ConfigureApplied> {
    let (view, ready) = gather(state, test_port).await?;
    let Some(r) = ready else {
        let first = view.missing.first().map(|m| m.step_title.clone());
        return Err(WizardError::new(
            ErrorCode::InvalidInput,
            "Something Nylas needs isn't there yet, so nothing was sent.",
        )
        .with_hint(match first {
            Some(step) => format!("Go back to the {step} step first."),
            None => "Go back to the earlier steps first.".into(),
        }));
    };
    let remote = state.remote().await?;
    let plan = plan_configure(
        &remote.http,
        &remote.endpoints,
        &r.input,
        &r.secrets,
        &r.journal,
        cancel,
    )
    .await?;
    let report = apply_configure(
        &remote.http,
        &remote.endpoints,
        &r.input,
        &r.secrets,
        &plan,
        &r.journal,
        progress,
        cancel,
    )
    .await?;
    let app_id = view
        .application
        .as_ref()
        .map(|a| a.application_id.clone())
        .unwrap_or_default();
    let changes = state.record_change(changes_from_configure(&app_id, &plan, &report));
    // The step's status follows from this run (Done, or Needs attention).
    let record = NylasConfiguredRecord::of_run(&r.input, &app_id, &report);
    let migration = r.input.purpose == Purpose::Migrate;
    let progress = state.update(|p| {
        if migration {
            p.record_migrate_connector(record);
        } else {
            p.record_nylas_configured(record);
        }
        Ok(())
    })?;
    tracing::info!(
        writes = report.writes(),
        cancelled = report.cancelled,
        "Nylas configured"
    );
    Ok(ConfigureApplied {
        plan,
        report,
        changes,
        progress,
    })
}

/// The plan for the saved answers and stored secrets, redacted.
#[tauri::command]
pub async fn plan_configure_nylas<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
) -> Result<ConfigurePlanView> {
    let call = calls.begin("plan_configure_nylas");
    plan_view_at(&state, test_sign_in_port(&app), call.token()).await
}

/// Apply after the admin confirmed: each step's progress goes to
/// `on_progress`; `cancel_remote("apply_configure_nylas")` stops it.
#[tauri::command]
pub async fn apply_configure_nylas<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    on_progress: Channel<ProgressEvent>,
) -> Result<ConfigureApplied> {
    let call = calls.begin("apply_configure_nylas");
    let send = move |event: ProgressEvent| {
        // A window that went away can't be told; applying goes on.
        if let Err(e) = on_progress.send(event) {
            tracing::debug!("progress not delivered: {e}");
        }
    };
    apply_with_at(&state, test_sign_in_port(&app), &send, call.token()).await
}

#[cfg(test)]
#[path = "configure_tests.rs"]
mod configure_tests;
