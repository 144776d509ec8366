//! Path E (issue 12, bulk onboarding with admin consent) for the window:
//! what changed, the tenants' admin-consent credentials, their consent
//! links (opened and captured on the loopback, or pasted back) and the
//! mailboxes' grants. Thin: wizard-core's `bulk` parses, plans, runs,
//! journals and explains; this file keeps the chosen files' rows in the
//! data folder (so a reopened window can resume), streams progress on a
//! `tauri::ipc::Channel` (cancel: `cancel_remote`) and records each
//! step's facts (counts) in the progress.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use tokio_util::sync::CancellationToken;
use wizard_core::bulk::{
    credential_name, failures_csv, parse_tenants_csv, parse_users_csv, plan_credentials,
    run_credentials, run_grants, BulkItem, BulkKind, BulkOptions, BulkProgress, BulkSummary,
    ConsentCapture, ConsentLink, CredentialsInput, GrantsInput, ItemState, RowProblem, TenantRow,
    UserRow,
};
use wizard_core::nylas::NylasAdmin;
use wizard_core::paths::{path_info, PathId, BULK_TENANTS_STEP, NYLAS_ACCOUNT_STEP};
use wizard_core::plan::{read_many_journal, ManyOutcome, Plan};
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString};
use wizard_core::state::{BulkRunRecord, ProgressView};
use wizard_core::summary::save_set;
use wizard_core::what_changed::{bulk_what_changed as explain, WhatChanged};
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::configure_commands::MissingPrerequisite;
use crate::remote::RemoteCalls;
use crate::summary_commands::save_dir;

type Result<T> = std::result::Result<T, WizardError>;

/// The chosen files' rows live here, in the data folder (practice: its own).
const BULK_DIR: &str = "bulk";
/// The runs' journals, beside the other plans' (one line per finished item).
const JOURNAL_DIR: &str = "journal";

/// The "What changed" step's words (Rust owns them; the window lays them out).
#[tauri::command]
pub fn bulk_what_changed() -> WhatChanged {
    explain()
}

/// What this window remembers between commands: the consent capture under
/// way and the last runs' summaries (for their failures CSV).
#[derive(Default)]
pub struct BulkSession {
    pub(crate) consent: tokio::sync::Mutex<Option<PendingConsent>>,
    pub(crate) last: Mutex<LastRuns>,
}

pub(crate) struct PendingConsent {
    pub(crate) capture: ConsentCapture,
    pub(crate) tenant: String,
    pub(crate) credential_id: String,
}

#[derive(Default)]
pub(crate) struct LastRuns {
    credentials: Option<BulkSummary>,
    grants: Option<BulkSummary>,
    pub(crate) links: Vec<ConsentLink>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The tenants or mailboxes file as last chosen (rows only, no secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Kept<T> {
    pub(crate) source: Option<String>,
    pub(crate) rows: Vec<T>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self {
            source: None,
            rows: Vec::new(),
        }
    }
}

pub(crate) fn kept_path(dir: &Path, kind: BulkKind) -> PathBuf {
    dir.join(BULK_DIR).join(match kind {
        BulkKind::Credentials => "tenants.json",
        BulkKind::Grants => "mailboxes.json",
    })
}

pub(crate) fn journal_path(dir: &Path, kind: BulkKind) -> PathBuf {
    dir.join(JOURNAL_DIR).join(match kind {
        BulkKind::Credentials => "bulk-credentials.jsonl",
        BulkKind::Grants => "bulk-grants.jsonl",
    })
}

pub(crate) fn load<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn keep<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Temp file then rename: a crash leaves the old list or the new one.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(value).unwrap_or_default())?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| WizardError::io("keep the list you chose", &e))
}

fn tenants_key(t: &TenantRow) -> String {
    format!("credential:{}", t.tenant)
}

fn user_key(u: &UserRow) -> String {
    format!("grant:{}", u.email)
}

/// What the Tenants or Mailboxes step shows: the list kept, how much of it
/// a run already finished (to offer to continue), what is missing first.
#[derive(Debug, Clone, Serialize)]
pub struct BulkStepView {
    pub kind: BulkKind,
    pub missing: Vec<MissingPrerequisite>,
    /// The chosen file's name.
    pub source: Option<String>,
    pub tenants: Vec<TenantRow>,
    pub users: Vec<UserRow>,
    /// Rows of the file just read that were left out, each with its reason.
    pub problems: Vec<RowProblem>,
    /// One row per item of the list, in order: pending, or what an earlier
    /// run's journal says it finished as.
    pub items: Vec<BulkItem>,
    /// Items of this list an earlier run finished (its journal says so).
    pub done_before: u32,
    /// This window's last run of the step, for its table.
    pub last_run: Option<BulkSummary>,
    pub progress: ProgressView,
}

fn step_title(id: &str) -> String {
    path_info(PathId::Bulk)
        .steps
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

pub(crate) fn need(what: &str, step: &str) -> MissingPrerequisite {
    MissingPrerequisite {
        what: what.to_owned(),
        step: step.to_owned(),
        step_title: step_title(step),
    }
}

pub(crate) async fn missing_key(state: &AppState) -> Result<Vec<MissingPrerequisite>> {
    let answers = state.progress().answers;
    let stored = state.read_secret(SecretName::NylasApiKey).await?.is_some();
    let checked = answers
        .nylas_account
        .as_ref()
        .is_some_and(|a| a.region == answers.region());
    Ok(if stored && checked {
        Vec::new()
    } else {
        vec![need(
            &format!(
                "A Nylas API key checked for the {} region",
                answers.region().label()
            ),
            NYLAS_ACCOUNT_STEP,
        )]
    })
}

async fn step_view(
    state: &AppState,
    session: &BulkSession,
    kind: BulkKind,
    problems: Vec<RowProblem>,
) -> Result<BulkStepView> {
    let dir = state.data_dir();
    let finished = read_many_journal(&journal_path(&dir, kind));
    let mut missing = missing_key(state).await?;
    let item = |key: String, label: String| {
        let line = finished.get(&key);
        BulkItem {
            state: match line.map(|l| l.state) {
                Some(ManyOutcome::Created) => ItemState::Created,
                Some(ManyOutcome::Reused) => ItemState::Reused,
                _ => ItemState::Pending,
            },
            id: line.and_then(|l| l.id.clone()),
            reason: None,
            key,
            label,
        }
    };
    let (source, tenants, users, items) = match kind {
        BulkKind::Credentials => {
            let k: Kept<TenantRow> = load(&kept_path(&dir, kind));
            let items: Vec<BulkItem> = k
                .rows
                .iter()
                .map(|t| item(tenants_key(t), credential_name(&t.name, &t.tenant)))
                .collect();
            (k.source, k.rows, Vec::new(), items)
        }
        BulkKind::Grants => {
            let k: Kept<UserRow> = load(&kept_path(&dir, kind));
            let items: Vec<BulkItem> = k
                .rows
                .iter()
                .map(|u| item(user_key(u), u.email.clone()))
                .collect();
            if load::<Kept<TenantRow>>(&kept_path(&dir, BulkKind::Credentials))
                .rows
                .is_empty()
            {
                missing.push(need(
                    "Your tenants, with their admin-consent credentials",
                    BULK_TENANTS_STEP,
                ));
            }
            (k.source, Vec::new(), k.rows, items)
        }
    };
    let done_before = items
        .iter()
        .filter(|i| i.state != ItemState::Pending)
        .count();
    let last_run = {
        let last = lock(&session.last);
        match kind {
            BulkKind::Credentials => last.credentials.clone(),
            BulkKind::Grants => last.grants.clone(),
        }
    };
    let progress = state.update(|_| Ok(()))?;
    Ok(BulkStepView {
        kind,
        missing,
        source,
        tenants,
        users,
        problems,
        items,
        done_before: u32::try_from(done_before).unwrap_or(u32::MAX),
        last_run,
        progress,
    })
}

/// The Tenants step on opening: the tenants kept from the last file.
#[tauri::command]
pub async fn bulk_tenants_view(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
) -> Result<BulkStepView> {
    step_view(&state, &session, BulkKind::Credentials, Vec::new()).await
}

/// Read the tenants file the window read from disk (`source`: its name)
/// and keep its rows; rows left out come back with their reason.
#[tauri::command]
pub async fn bulk_read_tenants(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    text: String,
    source: Option<String>,
) -> Result<BulkStepView> {
    let file = parse_tenants_csv(&text)?;
    let dir = state.data_dir();
    keep(
        &kept_path(&dir, BulkKind::Credentials),
        &Kept {
            source,
            rows: file.tenants,
        },
    )?;
    step_view(&state, &session, BulkKind::Credentials, file.problems).await
}

/// The Mailboxes step on opening.
#[tauri::command]
pub async fn bulk_users_view(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
) -> Result<BulkStepView> {
    step_view(&state, &session, BulkKind::Grants, Vec::new()).await
}

/// Read the mailboxes file and keep its rows.
#[tauri::command]
pub async fn bulk_read_users(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    text: String,
    source: Option<String>,
) -> Result<BulkStepView> {
    let file = parse_users_csv(&text)?;
    keep(
        &kept_path(&state.data_dir(), BulkKind::Grants),
        &Kept {
            source,
            rows: file.users,
        },
    )?;
    step_view(&state, &session, BulkKind::Grants, file.problems).await
}

/// The Nylas admin client for the key checked on the Nylas account step.
pub(crate) async fn nylas(state: &AppState) -> Result<(NylasAdmin, String)> {
    let answers = state.progress().answers;
    let key: SecretString = state
        .read_secret(SecretName::NylasApiKey)
        .await?
        .ok_or_else(|| {
            WizardError::new(ErrorCode::SecretNotFound, "No Nylas API key is saved yet.")
                .with_hint("Go back to the Nylas account step and check your key first.")
        })?;
    let app = answers
        .nylas_account
        .as_ref()
        .filter(|a| a.region == answers.region())
        .map(|a| a.application_id.clone())
        .ok_or_else(|| {
            WizardError::invalid_input(format!(
                "Your Nylas API key hasn't been checked for the {} region yet.",
                answers.region().label()
            ))
            .with_hint("Go back to the Nylas account step and check it.")
        })?;
    let remote = state.remote().await?;
    let admin = NylasAdmin::new(
        &remote.http,
        &remote.endpoints,
        answers.region(),
        key.expose_secret(),
    )?;
    Ok((admin, app))
}

fn kept_tenants(dir: &Path) -> Result<Kept<TenantRow>> {
    let k: Kept<TenantRow> = load(&kept_path(dir, BulkKind::Credentials));
    if k.rows.is_empty() {
        return Err(WizardError::invalid_input("No tenants are chosen yet.")
            .with_hint("Choose your tenants file on the Tenants step first."));
    }
    Ok(k)
}

/// The credentials the kept tenants need: create or reuse, read from
/// Nylas (every page), nothing sent.
#[tauri::command]
pub async fn bulk_plan_credentials(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
) -> Result<Plan> {
    let call = calls.begin("bulk_plan_credentials");
    let tenants = kept_tenants(&state.data_dir())?;
    let (admin, _) = nylas(&state).await?;
    let input = CredentialsInput {
        tenants: tenants.rows,
        ..CredentialsInput::default()
    };
    plan_credentials(&admin, &input, call.token()).await
}

/// What a run did, and the progress its counts were recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct BulkRunView {
    pub summary: BulkSummary,
    pub progress: ProgressView,
}

fn record(summary: &BulkSummary, source: Option<String>, application_id: String) -> BulkRunRecord {
    BulkRunRecord {
        source,
        total: summary.total,
        created: summary.created,
        reused: summary.reused,
        failed: summary.failed,
        cancelled: summary.cancelled,
        application_id,
        at: wizard_core::migrate::now_rfc3339(),
    }
}

fn progress_sender(on_progress: Channel<BulkProgress>) -> impl Fn(&BulkProgress) + Send + Sync {
    move |p: &BulkProgress| {
        // A window that went away can't be told; the run goes on.
        if let Err(e) = on_progress.send(p.clone()) {
            tracing::debug!("progress not delivered: {e}");
        }
    }
}

/// Where a run's journal goes; `fresh` forgets what an earlier run did
/// (credentials are still found by name, grants re-authenticate).
fn journal_for(dir: &Path, kind: BulkKind, fresh: bool) -> Result<PathBuf> {
    let path = journal_path(dir, kind);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| WizardError::io("prepare the journal", &e))?;
    }
    if fresh {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(WizardError::io("start the journal again", &e)),
        }
    }
    Ok(path)
}

/// Run the step of `kind` on its kept list (tenants' credentials, existing
/// ones reused; or mailboxes' grants, each with its tenant's credential),
/// journaled, progress to `send`; record the counts.
pub async fn run_at(
    state: &AppState,
    session: &BulkSession,
    kind: BulkKind,
    fresh: bool,
    send: &(dyn Fn(&BulkProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<BulkRunView> {
    let dir = state.data_dir();
    let tenants: Kept<TenantRow> = load(&kept_path(&dir, BulkKind::Credentials));
    let users: Kept<UserRow> = load(&kept_path(&dir, BulkKind::Grants));
    let (source, empty) = match kind {
        BulkKind::Credentials => (tenants.source.clone(), tenants.rows.is_empty()),
        BulkKind::Grants => (users.source.clone(), users.rows.is_empty()),
    };
    if empty {
        return Err(match kind {
            BulkKind::Credentials => WizardError::invalid_input("No tenants are chosen yet.")
                .with_hint("Choose your tenants file first."),
            BulkKind::Grants => WizardError::invalid_input("No mailboxes are chosen yet.")
                .with_hint("Choose your mailboxes file first."),
        });
    }
    let (admin, app) = nylas(state).await?;
    let journal = journal_for(&dir, kind, fresh)?;
    let opts = BulkOptions::default();
    let summary = match kind {
        BulkKind::Credentials => {
            let input = CredentialsInput {
                tenants: tenants.rows,
                ..CredentialsInput::default()
            };
            run_credentials(&admin, &input, &opts, &journal, send, cancel).await?
        }
        BulkKind::Grants => {
            let input = GrantsInput {
                users: users.rows,
                tenants: tenants.rows,
            };
            run_grants(&admin, &input, &opts, &journal, send, cancel).await?
        }
    };
    // Counts only: the tenants and addresses are the admin's customers'.
    tracing::info!(
        ?kind,
        total = summary.total,
        created = summary.created,
        reused = summary.reused,
        failed = summary.failed,
        cancelled = summary.cancelled,
        "bulk run finished"
    );
    let rec = record(&summary, source, app);
    let progress = state.update(|p| {
        match kind {
            BulkKind::Credentials => p.record_bulk_credentials(rec),
            BulkKind::Grants => p.record_bulk_grants(rec),
        }
        Ok(())
    })?;
    {
        let mut last = lock(&session.last);
        match kind {
            BulkKind::Credentials => last.credentials = Some(summary.clone()),
            BulkKind::Grants => last.grants = Some(summary.clone()),
        }
    }
    Ok(BulkRunView { summary, progress })
}

/// Create the kept tenants' admin-consent credentials (existing ones are
/// reused), progress on `on_progress`; `cancel_remote("bulk_run_credentials")`
/// stops starting new ones (the running ones finish and are journaled).
#[tauri::command]
pub async fn bulk_run_credentials(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    calls: State<'_, RemoteCalls>,
    fresh: bool,
    on_progress: Channel<BulkProgress>,
) -> Result<BulkRunView> {
    let call = calls.begin("bulk_run_credentials");
    let send = progress_sender(on_progress);
    run_at(
        &state,
        &session,
        BulkKind::Credentials,
        fresh,
        &send,
        call.token(),
    )
    .await
}

/// Connect the kept mailboxes, progress on `on_progress`;
/// `cancel_remote("bulk_run_grants")` stops starting new ones.
#[tauri::command]
pub async fn bulk_run_grants(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    calls: State<'_, RemoteCalls>,
    fresh: bool,
    on_progress: Channel<BulkProgress>,
) -> Result<BulkRunView> {
    let call = calls.begin("bulk_run_grants");
    let send = progress_sender(on_progress);
    run_at(
        &state,
        &session,
        BulkKind::Grants,
        fresh,
        &send,
        call.token(),
    )
    .await
}

pub(crate) fn save_csv<R: Runtime>(
    app: &AppHandle<R>,
    what: &str,
    base: &str,
    csv: &str,
) -> Result<String> {
    let dir = save_dir(
        app.path().download_dir().ok(),
        app.path().app_data_dir().ok(),
    )?;
    let mut saved = save_set(&dir, what, base, &[("csv", csv)], None)?;
    let path = saved.remove(0);
    tracing::info!("{what} saved as {:?}", path.file_name().unwrap_or_default());
    Ok(path.display().to_string())
}

/// Save the last run's failures (`key,label,reason`) as a new CSV in
/// Downloads, and answer with its path.
#[tauri::command]
pub fn bulk_save_failures<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, BulkSession>,
    kind: BulkKind,
) -> Result<String> {
    let summary = {
        let last = lock(&session.last);
        match kind {
            BulkKind::Credentials => last.credentials.clone(),
            BulkKind::Grants => last.grants.clone(),
        }
    }
    .ok_or_else(|| {
        WizardError::invalid_input("There is no run in this window to save the failures of.")
            .with_hint("Run the step first.")
    })?;
    let base = match kind {
        BulkKind::Credentials => "Nylas tenants that failed",
        BulkKind::Grants => "Nylas mailboxes that failed",
    };
    save_csv(&app, "list of failures", base, &failures_csv(&summary))
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod bulk_tests;
