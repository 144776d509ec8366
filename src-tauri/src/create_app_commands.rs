//! "Create it for me" for the window: the plan of the new app registration
//! from the saved answers, then (after the admin confirmed it) creating or
//! resuming it and the live audit of the result. Thin: wizard-core plans,
//! looks for an app to reuse, creates and audits; this module finds the
//! sign-in, the secret store and the answers.
//!
//! The client secret's value goes straight into the secret store; the
//! window gets its hint only. The new app's tenant becomes the tenant
//! answer, so the next live check and sign-in use it.

use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::ipc::Channel;
use tauri::State;

use wizard_core::answers::AnswerUpdate;
use wizard_core::audit::{AuditRequest, CheckId};
use wizard_core::microsoft::create_app::{
    create_or_resume, default_display_name, find_existing, fixes_for, plan_app, AppPlan, CallState,
    CreateCall, CreateOutcome, CreateProgress,
};
use wizard_core::microsoft::fix::FixStep;
use wizard_core::microsoft::{Access, GraphClient, Tokens};
use wizard_core::paths::PathId;
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::microsoft_commands::SignedInAs;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// The secret lifetime offered first: a year, the common choice.
const DEFAULT_SECRET_DAYS: u32 = 365;

/// An app already registered that creating would reuse instead of making
/// a second one, and what reusing it would change.
#[derive(Debug, Clone, Serialize)]
pub struct ReusedApp {
    pub display_name: String,
    pub app_id: String,
    pub changes: Vec<FixStep>,
}

/// The plan for the window: what will be created, why the sign-in asks for
/// more, and (signed in) the app that would be reused instead.
#[derive(Debug, Clone, Serialize)]
pub struct NewAppPlan {
    pub plan: AppPlan,
    /// Why creating needs `Application.ReadWrite.All`, in plain words.
    pub why: &'static str,
    /// The sign-in of this run allows creating (no new sign-in needed).
    pub can_create: bool,
    /// Looked up only when signed in.
    pub reuses: Option<ReusedApp>,
}

/// What creating did, the checks the new app should pass but doesn't, and
/// the progress the audit and the tenant answer were recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct NewAppCreated {
    pub outcome: CreateOutcome,
    pub unmet: Vec<CheckId>,
    /// Permissions only an administrator can consent to, without consent
    /// yet: the window offers "Grant admin consent now" for them.
    pub admin_consent_to_grant: Vec<String>,
    pub progress: ProgressView,
}

fn request(state: &AppState) -> Result<AuditRequest> {
    let progress = state.progress();
    let path: PathId = progress
        .path
        .ok_or_else(|| WizardError::invalid_input("Choose a path on the welcome screen first."))?;
    progress.answers.audit_request(path)
}

fn can_create(access: Access) -> bool {
    // Fixing signs in with the same write permission creating needs.
    matches!(access, Access::Fix | Access::Create)
}

async fn graph(state: &AppState, tokens: &Tokens) -> Result<GraphClient> {
    let remote = state.remote().await?;
    Ok(
        GraphClient::new(&remote.http, &remote.endpoints.graph, tokens)
            .with_login_base(&remote.endpoints.microsoft_login),
    )
}

fn name_or_default(name: Option<String>, who: Option<&SignedInAs>) -> String {
    name.filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| default_display_name(who.and_then(|w| w.tenant_name.as_deref())))
}

/// The plan of the new app for the saved answers. Nothing is created.
#[tauri::command]
pub async fn plan_new_app(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    name: Option<String>,
    secret_days: Option<u32>,
) -> Result<NewAppPlan> {
    let call = calls.begin("plan_new_app");
    let req = request(&state)?;
    let signed_in = state.microsoft.signed_in().await;
    let name = name_or_default(name, signed_in.as_ref().map(|(_, w)| w));
    let plan = plan_app(&req, &name, secret_days.unwrap_or(DEFAULT_SECRET_DAYS))?;
    let mut reuses = None;
    if let Some((tokens, _)) = &signed_in {
        let graph = graph(&state, tokens).await?;
        if let Some(app) = find_existing(&graph, &plan, call.token()).await? {
            reuses = Some(ReusedApp {
                display_name: app["displayName"].as_str().unwrap_or_default().to_owned(),
                app_id: app["appId"].as_str().unwrap_or_default().to_owned(),
                changes: fixes_for(&app, &req)?.steps,
            });
        }
    }
    Ok(NewAppPlan {
        plan,
        why: Access::Create.why(),
        can_create: signed_in.is_some_and(|(t, _)| can_create(t.access)),
        reuses,
    })
}

/// Create the app of the plan (or reuse the one found), its enterprise
/// application and a client secret, then check it live. The admin
/// confirmed the plan; the sign-in must allow creating. Each call is sent
/// to `on_progress` as it starts and ends (the window ticks it off); the
/// answer is the whole outcome.
#[tauri::command]
pub async fn create_new_app(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    name: String,
    secret_days: u32,
    on_progress: Channel<CreateProgress>,
) -> Result<NewAppCreated> {
    let call = calls.begin("create_new_app");
    let req = request(&state)?;
    let (tokens, who) = state.microsoft.signed_in().await.ok_or_else(|| {
        WizardError::new(
            ErrorCode::Unauthorized,
            "You are not signed in to Microsoft.",
        )
        .with_hint("Sign in and allow creating the app.")
    })?;
    if !can_create(tokens.access) {
        return Err(WizardError::new(
            ErrorCode::Forbidden,
            "You signed in to read apps only, not to create one.",
        )
        .with_hint("Sign in again and allow creating the app."));
    }
    let plan = plan_app(&req, &name_or_default(Some(name), Some(&who)), secret_days)?;
    let graph = graph(&state, &tokens).await?;
    let store = state.secret_store().await?;
    // Whether this run made the service principal (for the change list:
    // the outcome says what exists, not what this run wrote).
    let sp_created = AtomicBool::new(false);
    let outcome = create_or_resume(
        &graph,
        &tokens.tenant,
        &plan,
        &req,
        store.as_ref(),
        call.token(),
        &|event| {
            if event.call == CreateCall::ServicePrincipal
                && event.state == CallState::Done
                && !event.reused
            {
                sp_created.store(true, Ordering::Relaxed);
            }
            // A window that went away can't be told; creating goes on.
            if let Err(e) = on_progress.send(event) {
                tracing::debug!("progress not delivered: {e}");
            }
        },
    )
    .await?;
    tracing::info!(
        created = outcome.created,
        steps = outcome.steps.len(),
        "app registration created or resumed"
    );
    state.record_change(wizard_core::changes::changes_from_created_app(
        &outcome,
        &plan.display_name,
        sp_created.load(Ordering::Relaxed),
        None,
    ));
    let tenant = outcome.tenant_id.clone();
    let app_id = outcome.app_id.clone();
    let progress = state.update(|p| {
        if !tenant.is_empty() {
            p.set_answer(AnswerUpdate::Tenant(Some(tenant)))?;
        }
        p.set_answer(AnswerUpdate::ClientId(Some(app_id)))?;
        p.record_check(&outcome.audit.report);
        Ok(())
    })?;
    Ok(NewAppCreated {
        unmet: outcome.unmet(),
        admin_consent_to_grant: outcome.admin_consent_to_grant(),
        outcome,
        progress,
    })
}
