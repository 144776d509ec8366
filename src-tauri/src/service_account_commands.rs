//! Path E's "v2 service accounts" step (issue 12, point 6): one more
//! mailbox for an EXISTING Nylas v2 service account. Thin: wizard-core
//! checks the input (an existing setup, every address in the service
//! account's domain), the service account signs in with path C's loopback
//! sign-in (port, browser and secrets shared with `native_auth_commands`),
//! each address is checked with its Graph token and connected with
//! `service_account: true`. Never a token, a code or a secret over IPC.
//!
//! Two halves: `start_service_accounts` opens the page,
//! `finish_service_accounts` waits under the remote-call token that
//! `cancel_remote("finish_service_accounts")` stops, streaming progress.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Runtime, State};
use wizard_core::nylas_v2::native_auth::{UserSignIn, NATIVE_AUTH_TIMEOUT};
use wizard_core::nylas_v2::service_account::{
    self, connect_mailboxes, ServiceAccountInput, ServiceAccountOutcome, ServiceAccountPlan,
    ServiceAccountProgress,
};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::native_auth_commands::{open_sign_in, port, secrets};
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// A service account's sign-in started and not finished yet.
#[derive(Default)]
pub struct ServiceAccountSession {
    pending: tokio::sync::Mutex<Option<(UserSignIn, ServiceAccountPlan)>>,
}

/// What `start_service_accounts` answers.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAccountStarted {
    /// Microsoft's sign-in page (to copy if no browser opened).
    pub authorize_url: String,
    pub opened: bool,
    pub plan: ServiceAccountPlan,
}

/// The plan for the saved answers (region, the checked v2 app, the Azure
/// app) and what the window sends.
fn plan_for(
    state: &AppState,
    port: u16,
    service_account: String,
    users: String,
    v2_scopes: String,
    existing_setup: bool,
) -> Result<ServiceAccountPlan> {
    let answers = state.progress().answers;
    let v2 = answers.nylas_v2.as_ref().ok_or_else(|| {
        WizardError::invalid_input("Your Nylas v2 app hasn't been checked yet.")
            .with_hint("Enter its client ID and secret on this step and check them first.")
    })?;
    service_account::plan(&ServiceAccountInput {
        region: answers.region(),
        nylas_client_id: v2.client_id.clone(),
        azure_client_id: answers.client_id.clone().unwrap_or_default(),
        service_account,
        users,
        v2_scopes,
        port,
        existing_setup,
    })
}

/// What connecting the mailboxes will do, checked before anyone signs in.
#[tauri::command]
pub fn plan_service_accounts<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    service_account: String,
    users: String,
    v2_scopes: String,
    existing_setup: bool,
) -> Result<ServiceAccountPlan> {
    plan_for(
        &state,
        port(&app),
        service_account,
        users,
        v2_scopes,
        existing_setup,
    )
}

/// Check the plan and the saved secrets, listen on the loopback port and
/// open Microsoft's sign-in page for the service account.
#[tauri::command]
pub async fn start_service_accounts<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    session: State<'_, ServiceAccountSession>,
    service_account: String,
    users: String,
    v2_scopes: String,
    existing_setup: bool,
) -> Result<ServiceAccountStarted> {
    // A new start replaces one under way (its listener closes first).
    session.pending.lock().await.take();
    let plan = plan_for(
        &state,
        port(&app),
        service_account,
        users,
        v2_scopes,
        existing_setup,
    )?;
    secrets(&state).await?;
    let remote = state.remote().await?;
    let flow = UserSignIn::start(&remote.endpoints, &service_account::sign_in_plan(&plan)).await?;
    let (authorize_url, opened) =
        open_sign_in(&state, &remote.endpoints, &flow, "service-account").await;
    *session.pending.lock().await = Some((flow, plan.clone()));
    Ok(ServiceAccountStarted {
        authorize_url,
        opened,
        plan,
    })
}

/// Wait for the service account to come back, then check and connect each
/// address.
#[tauri::command]
pub async fn finish_service_accounts(
    state: State<'_, AppState>,
    session: State<'_, ServiceAccountSession>,
    calls: State<'_, RemoteCalls>,
    on_progress: Channel<ServiceAccountProgress>,
) -> Result<ServiceAccountOutcome> {
    let (flow, plan) = session.pending.lock().await.take().ok_or_else(|| {
        WizardError::invalid_input("No sign-in is under way.")
            .with_hint("Press Sign in as the service account again.")
    })?;
    let call = calls.begin("finish_service_accounts");
    let secrets = secrets(&state).await?;
    let remote = state.remote().await?;
    let signed_in = flow
        .finish_with_graph(
            &remote.http,
            &remote.endpoints,
            &secrets.azure_client_secret,
            NATIVE_AUTH_TIMEOUT,
            call.token(),
        )
        .await?;
    let progress = |e: ServiceAccountProgress| {
        if let Err(err) = on_progress.send(e) {
            tracing::debug!("service-account progress not delivered: {err}");
        }
    };
    let outcome = connect_mailboxes(
        &remote.http,
        &remote.endpoints,
        &plan,
        signed_in,
        &secrets,
        &progress,
        call.token(),
    )
    .await?;
    tracing::info!(
        mailboxes = outcome.results.len(),
        failed = outcome.results.iter().filter(|r| r.error.is_some()).count(),
        "service-account mailboxes finished"
    );
    Ok(outcome)
}
