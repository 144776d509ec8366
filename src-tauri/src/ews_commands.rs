//! Path D's "Exchange on-premises" step from the window: whether the EWS
//! connector is needed (the sorted v2 accounts say so), the plan (find it,
//! create it only if missing) and applying it with per-step progress on a
//! `tauri::ipc::Channel`, cancellable with `cancel_remote`. Thin:
//! wizard-core reads, plans, applies and explains Nylas's refusals.

use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;
use wizard_core::changes::Change;
use wizard_core::nylas::ews::{
    apply_ews, changes_from_ews, ews_scopes, plan_ews, EwsBodyShape, EwsInput, EwsRecord,
};
use wizard_core::nylas::NylasAccountRecord;
use wizard_core::paths::{path_info, PathId, MIGRATE_ACCOUNTS_STEP, NYLAS_ACCOUNT_STEP};
use wizard_core::plan::{ApplyReport, Plan, ProgressEvent};
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::configure_commands::MissingPrerequisite;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// Run journals live here, beside the progress (practice: its own folder).
const JOURNAL_DIR: &str = "journal";

/// Whether the EWS connector is needed, from the sorted v2 accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EwsNeed {
    /// The accounts haven't been sorted: nobody knows yet.
    Unknown,
    /// No Exchange on-premises account: nothing to set up.
    NotNeeded,
    /// At least one Exchange on-premises account.
    Needed,
}

/// What the step shows before anything is sent.
#[derive(Debug, Clone, Serialize)]
pub struct EwsPlanView {
    pub need: EwsNeed,
    /// In plain words: why it is (not) needed.
    pub why: String,
    /// What an earlier step must provide first (empty when none).
    pub missing: Vec<MissingPrerequisite>,
    /// The plan, when it is needed and nothing is missing.
    pub plan: Option<Plan>,
    pub region: Region,
    pub application: Option<NylasAccountRecord>,
    pub api_key_hint: Option<String>,
    /// The EWS permissions asked for (from the translated v2 scopes).
    pub scopes: Vec<String>,
    /// What the last run recorded.
    pub record: Option<EwsRecord>,
}

/// What applying did.
#[derive(Debug, Clone, Serialize)]
pub struct EwsAppliedView {
    pub plan: Plan,
    pub report: ApplyReport,
    /// The body Nylas accepted, when the wizard created the connector.
    pub accepted: Option<EwsBodyShape>,
    /// The change recorded (with its undo), when the connector was created.
    pub changes: Vec<Change>,
    pub progress: ProgressView,
}

fn step_title(id: &str) -> String {
    path_info(PathId::Migrate)
        .steps
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

struct Ready {
    input: EwsInput,
    api_key: SecretString,
    journal: PathBuf,
}

async fn gather(state: &AppState) -> Result<(EwsPlanView, Option<Ready>)> {
    let answers = state.progress().answers;
    let api_key = state.read_secret(SecretName::NylasApiKey).await?;
    let features = answers
        .migrate_scopes
        .as_ref()
        .map(|r| r.features.clone())
        .unwrap_or_default();
    let scopes = ews_scopes(&features);
    let (need, why) = match &answers.migrate_accounts {
        None => (
            EwsNeed::Unknown,
            "Your v2 accounts haven't been sorted yet, so the wizard can't tell whether any of \
             them are on Exchange servers of your own."
                .to_owned(),
        ),
        Some(a) if !a.needs_ews_connector => (
            EwsNeed::NotNeeded,
            "None of your sorted v2 accounts is on Exchange servers of your own, so no EWS \
             connector is needed. Nothing to do here."
                .to_owned(),
        ),
        Some(_) => (
            EwsNeed::Needed,
            "Your sorted v2 accounts include Exchange on your own servers (they sign in with a \
             password). Nylas v3 connects those through a separate EWS connector; those users \
             then sign in again with their password."
                .to_owned(),
        ),
    };
    let mut view = EwsPlanView {
        need,
        why,
        missing: Vec::new(),
        plan: None,
        region: answers.region(),
        application: answers.nylas_account.clone(),
        api_key_hint: api_key.as_ref().map(wizard_core::secrets::hint),
        scopes: scopes.clone(),
        record: answers.migrate_ews.clone(),
    };
    match need {
        EwsNeed::Unknown => view.missing.push(MissingPrerequisite {
            what: "Your v2 accounts, sorted".into(),
            step: MIGRATE_ACCOUNTS_STEP.into(),
            step_title: step_title(MIGRATE_ACCOUNTS_STEP),
        }),
        EwsNeed::NotNeeded => return Ok((view, None)),
        EwsNeed::Needed => {}
    }
    let checked = answers
        .nylas_account
        .as_ref()
        .is_some_and(|a| a.region == answers.region());
    if api_key.is_none() || !checked {
        view.missing.push(MissingPrerequisite {
            what: format!(
                "A Nylas API key checked for the {} region",
                answers.region().label()
            ),
            step: NYLAS_ACCOUNT_STEP.into(),
            step_title: step_title(NYLAS_ACCOUNT_STEP),
        });
    }
    let Some(api_key) = api_key.filter(|_| view.missing.is_empty()) else {
        return Ok((view, None));
    };
    let ready = Ready {
        input: EwsInput {
            region: answers.region(),
            scopes,
        },
        api_key,
        journal: state.data_dir().join(JOURNAL_DIR),
    };
    Ok((view, Some(ready)))
}

/// Whether it is needed, and the plan when it is: read from Nylas only.
pub async fn plan_view(state: &AppState, cancel: &CancellationToken) -> Result<EwsPlanView> {
    let (mut view, ready) = gather(state).await?;
    let Some(r) = ready else {
        return Ok(view);
    };
    let remote = state.remote().await?;
    view.plan = Some(
        plan_ews(
            &remote.http,
            &remote.endpoints,
            &r.input,
            &r.api_key,
            cancel,
        )
        .await?,
    );
    Ok(view)
}

/// Plan again from a fresh read, apply, record what was found or made.
pub async fn apply_with(
    state: &AppState,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<EwsAppliedView> {
    let (view, ready) = gather(state).await?;
    let Some(r) = ready else {
        let hint = match (view.need, view.missing.first()) {
            (EwsNeed::NotNeeded, _) => "No EWS connector is needed: go on to the next step.".into(),
            (_, Some(m)) => format!("Go back to the {} step first.", m.step_title),
            _ => "Go back to the earlier steps first.".into(),
        };
        return Err(WizardError::new(
            ErrorCode::InvalidInput,
            "The EWS connector can't be set up yet, so nothing was sent.",
        )
        .with_hint(hint));
    };
    let remote = state.remote().await?;
    let plan = plan_ews(
        &remote.http,
        &remote.endpoints,
        &r.input,
        &r.api_key,
        cancel,
    )
    .await?;
    let applied = apply_ews(
        &remote.http,
        &remote.endpoints,
        &r.input,
        &r.api_key,
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
    let changes = state.record_change(changes_from_ews(&app_id, &r.input, &applied));
    let record = EwsRecord::of_run(&r.input, &app_id, &applied);
    let progress = state.update(|p| {
        p.record_migrate_ews(record);
        Ok(())
    })?;
    tracing::info!(
        writes = applied.report.writes(),
        cancelled = applied.report.cancelled,
        "EWS connector checked"
    );
    Ok(EwsAppliedView {
        plan,
        report: applied.report,
        accepted: applied.accepted,
        changes,
        progress,
    })
}

/// Whether the EWS connector is needed, and the plan when it is.
#[tauri::command]
pub async fn plan_migrate_ews(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
) -> Result<EwsPlanView> {
    let call = calls.begin("plan_migrate_ews");
    plan_view(&state, call.token()).await
}

/// Find or create the EWS connector after the admin confirmed; progress to
/// `on_progress`; `cancel_remote("apply_migrate_ews")` stops it.
#[tauri::command]
pub async fn apply_migrate_ews(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    on_progress: Channel<ProgressEvent>,
) -> Result<EwsAppliedView> {
    let call = calls.begin("apply_migrate_ews");
    let send = move |event: ProgressEvent| {
        // A window that went away can't be told; applying goes on.
        if let Err(e) = on_progress.send(event) {
            tracing::debug!("progress not delivered: {e}");
        }
    };
    apply_with(&state, &send, call.token()).await
}

#[cfg(test)]
#[path = "ews_tests.rs"]
mod ews_tests;
