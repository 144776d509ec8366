//! The Done step of paths A, B and C: the report of what was checked and
//! configured (wizard-core's report.rs, built on the summary), shown in the
//! window and saved as Markdown + JSON side by side. The shell adds only
//! what it alone knows: the stored secrets' hints (never a secret), the
//! run's change list, on path A a fresh read of Nylas's configuration and
//! the test sign-in of this run, on B and C the accounts this run connected,
//! and where to save.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use tokio_util::sync::CancellationToken;
use wizard_core::bulk::{BulkKind, ConsentJournal, TenantRow, UserRow};
use wizard_core::nylas_v2::teams_auth::journal::{AccountRow, AccountStatus, TeamsJournal};
use wizard_core::paths::PathId;
use wizard_core::report::{
    self, AccountFacts, BulkFacts, ChangeFacts, ConfigureFacts, ReportInput, SetupReport,
    SignInFacts,
};
use wizard_core::secrets::SecretName;
use wizard_core::state::Progress;
use wizard_core::summary::{save_set, LastAudit, SummaryFormat, SummaryInput};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::bulk_commands::{journal_path, kept_path, load, Kept};
use crate::remote::RemoteCalls;
use crate::summary_commands::save_dir;
use crate::test_sign_in_commands::test_sign_in_port;

type Result<T> = std::result::Result<T, WizardError>;

/// What the report knows of this run beyond the progress: the test
/// sign-in (real and practice mode apart, so neither shows the other's)
/// and the folder of the last saved report.
#[derive(Default)]
pub struct ReportFacts {
    sign_in: Mutex<[Option<SignInFacts>; 2]>,
    last_folder: Mutex<Option<PathBuf>>,
}

fn slot(practice: bool) -> usize {
    usize::from(practice)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ReportFacts {
    /// The test sign-in's grant, for the report (the sign-in calls this
    /// once it shows the grant).
    pub fn remember_sign_in(&self, practice: bool, facts: SignInFacts) {
        lock(&self.sign_in)[slot(practice)] = Some(facts);
    }

    fn sign_in(&self, practice: bool) -> Option<SignInFacts> {
        lock(&self.sign_in)[slot(practice)].clone()
    }
}

/// Where the report was saved.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReport {
    pub markdown: String,
    pub json: String,
    pub folder: String,
}

/// Nylas's configuration as it is now, from a fresh plan (reads only).
/// `None` when it can't be planned yet (an earlier step is missing) or
/// Nylas can't be read: the report then says Configure Nylas is left.
async fn configure_now(
    state: &AppState,
    test_port: u16,
    cancel: &CancellationToken,
) -> Option<ConfigureFacts> {
    let progress = state.progress();
    progress.answers.nylas_account.as_ref()?;
    // Path E's connector has path E's scopes.
    let scopes = progress
        .answers
        .scope_plan(progress.path.unwrap_or(PathId::V3))
        .map(|p| p.scope_names)
        .unwrap_or_default();
    // The same callback port Configure Nylas registered, or its callback
    // would read as still to do.
    match crate::configure_commands::plan_view_at(state, test_port, cancel).await {
        Ok(view) => view
            .plan
            .map(|plan| ConfigureFacts::from_plan_check(&plan, scopes)),
        Err(e) => {
            tracing::info!(code = ?e.code, "the report couldn't read Nylas's configuration");
            None
        }
    }
}

/// After a restart this run hasn't seen the grant; the progress still says
/// what the last test sign-in showed (without the grant's ID).
fn recorded_sign_in(progress: &Progress) -> Option<SignInFacts> {
    let r = progress.answers.test_sign_in.as_ref()?;
    if r.refused.is_some() {
        return None;
    }
    let wanted = progress
        .answers
        .scope_plan(PathId::V3)
        .map(|p| p.scope_names)
        .unwrap_or_default();
    Some(SignInFacts {
        email: r.email.clone()?,
        grant_id: String::new(),
        grant_status: r.grant_status.clone().unwrap_or_default(),
        scopes_granted: wanted
            .iter()
            .filter(|w| !r.missing.iter().any(|m| m.eq_ignore_ascii_case(w)))
            .cloned()
            .collect(),
        scopes_wanted: wanted,
        scopes_missing: r.missing.clone(),
    })
}

/// Path B's accounts one by one, from the Connect accounts step's journal
/// (account IDs, emails, grant IDs: never a secret); `None` before the v2
/// app is checked.
fn teams_accounts(state: &AppState, progress: &Progress) -> Option<Vec<AccountFacts>> {
    let app = progress.answers.nylas_v2.as_ref()?;
    let journal = TeamsJournal::load(&state.data_dir(), &app.client_id, progress.answers.region());
    Some(journal.accounts.iter().map(account_facts).collect())
}

fn account_facts(row: &AccountRow) -> AccountFacts {
    let connected = row.status == AccountStatus::Connected;
    AccountFacts {
        account: match &row.email {
            Some(email) => format!("{email} ({})", row.account_id),
            None => row.account_id.clone(),
        },
        connected,
        detail: if connected {
            row.grant_id.clone()
        } else {
            match (&row.message, &row.event_code) {
                (Some(m), Some(code)) => Some(format!("{m} (event code {code})")),
                (Some(m), None) => Some(m.clone()),
                (None, Some(code)) => Some(format!("Event code {code}")),
                (None, None) if row.status == AccountStatus::Failed => None,
                (None, None) => Some("Not signed in yet".into()),
            }
        },
    }
}

/// Path E's tenants and mailboxes one by one: the lists kept in the data
/// folder with what the runs' journals and the consent record say.
fn bulk_facts(state: &AppState) -> BulkFacts {
    let dir = state.data_dir();
    let tenants: Kept<TenantRow> = load(&kept_path(&dir, BulkKind::Credentials));
    let users: Kept<UserRow> = load(&kept_path(&dir, BulkKind::Grants));
    BulkFacts::gather(
        tenants.source,
        &tenants.rows,
        users.source,
        &users.rows,
        &journal_path(&dir, BulkKind::Credentials),
        &journal_path(&dir, BulkKind::Grants),
        &ConsentJournal::load(&dir),
    )
}

/// The report's text (Markdown, HTML) and document, from everything known.
async fn build(
    state: &AppState,
    facts: &ReportFacts,
    client_id: Option<&str>,
    audit: Option<&LastAudit>,
    test_port: u16,
    cancel: &CancellationToken,
) -> (String, SetupReport) {
    let progress = state.progress();
    let on_v2 = matches!(progress.path, Some(PathId::Teams | PathId::V2Events));
    // The window's audit (and the client ID it read) only while it is the
    // check recorded last: after a newer one (a live check, the app the
    // wizard created) it describes another app and would contradict the
    // step list.
    let audit = audit.filter(|a| {
        progress
            .answers
            .last_check
            .as_ref()
            .is_some_and(|c| c.checked_at == a.report.checked_at)
    });
    let client_id = client_id.filter(|_| audit.is_some());
    // A keychain that can't answer just leaves the hints out.
    let secret = state
        .stored_secret(SecretName::AzureClientSecret)
        .await
        .ok()
        .flatten();
    // Path A's Nylas API key, or B and C's Nylas v2 client secret.
    let path_secret = state
        .stored_secret(if on_v2 {
            SecretName::NylasV2ClientSecret
        } else {
            SecretName::NylasApiKey
        })
        .await
        .ok()
        .flatten();
    let changes: Vec<ChangeFacts> = state
        .changes()
        .changes
        .iter()
        .map(|c| c.report_facts())
        .collect();
    // Path A's Nylas configuration and test sign-in; B and C have neither.
    // Path D (migration) reports its connector through its checklist; path
    // E has its connector but no test sign-in.
    let on_bulk = progress.path == Some(PathId::Bulk);
    let (configure, sign_in) = if on_v2 || progress.path == Some(PathId::Migrate) {
        (None, None)
    } else if on_bulk {
        (configure_now(state, test_port, cancel).await, None)
    } else {
        (
            configure_now(state, test_port, cancel).await,
            facts
                .sign_in(progress.practice)
                .or_else(|| recorded_sign_in(&progress)),
        )
    };
    let accounts = match progress.path {
        Some(PathId::Teams) => teams_accounts(state, &progress),
        _ => None,
    };
    let bulk = on_bulk.then(|| bulk_facts(state));
    let input = ReportInput {
        summary: SummaryInput {
            progress: &progress,
            client_id,
            audit: audit.map(|a| (&a.report, a.source)),
            secret: secret.as_ref(),
            generated_at: None,
        },
        api_key: path_secret.as_ref().filter(|_| !on_v2),
        configure: configure.as_ref(),
        sign_in: sign_in.as_ref(),
        changes: Some(&changes),
        v2_secret: path_secret.as_ref().filter(|_| on_v2),
        accounts: accounts.as_deref(),
        bulk: bulk.as_ref(),
    };
    (
        report::render(&input, SummaryFormat::Markdown),
        report::document(&input),
    )
}

/// The report for the Done step to show.
#[tauri::command]
pub async fn setup_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    facts: State<'_, ReportFacts>,
    calls: State<'_, RemoteCalls>,
    client_id: Option<String>,
    audit: Option<LastAudit>,
) -> Result<SetupReport> {
    let call = calls.begin("setup_report");
    let (_, doc) = build(
        &state,
        &facts,
        client_id.as_deref(),
        audit.as_ref(),
        test_sign_in_port(&app),
        call.token(),
    )
    .await;
    Ok(doc)
}

/// Saves the report as Markdown and JSON side by side in Downloads (the
/// app's data folder when there is none), never over another file.
#[tauri::command]
pub async fn save_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    facts: State<'_, ReportFacts>,
    calls: State<'_, RemoteCalls>,
    client_id: Option<String>,
    audit: Option<LastAudit>,
) -> Result<SavedReport> {
    let call = calls.begin("save_report");
    let (markdown, doc) = build(
        &state,
        &facts,
        client_id.as_deref(),
        audit.as_ref(),
        test_sign_in_port(&app),
        call.token(),
    )
    .await;
    let json = serde_json::to_string_pretty(&doc)
        .map_err(|e| WizardError::internal(format!("The report could not be written: {e}.")))?;
    let dir = save_dir(
        app.path().download_dir().ok(),
        app.path().app_data_dir().ok(),
    )?;
    let saved = save_set(
        &dir,
        "report",
        "Nylas Microsoft setup report",
        &[("md", &markdown), ("json", &json)],
        None,
    )?;
    let [md, js] = saved.as_slice() else {
        return Err(WizardError::internal("The report was saved incompletely."));
    };
    // The file name only: the folder holds the admin's user name.
    tracing::info!("report saved as {:?}", md.file_name().unwrap_or_default());
    *lock(&facts.last_folder) = Some(dir.clone());
    Ok(SavedReport {
        markdown: md.display().to_string(),
        json: js.display().to_string(),
        folder: dir.display().to_string(),
    })
}

/// Opens the folder of the report saved last in the file manager. The
/// window names no path: Rust opens only the folder it saved into.
#[tauri::command]
pub fn open_report_folder(facts: State<'_, ReportFacts>) -> Result<()> {
    let Some(folder) = lock(&facts.last_folder).clone() else {
        return Err(WizardError::invalid_input(
            "No report has been saved yet, so there is no folder to open.",
        )
        .with_hint("Save the report first."));
    };
    #[cfg(test)]
    {
        crate::tests::opened(&folder.display().to_string());
        Ok(())
    }
    #[cfg(not(test))]
    open::that_detached(&folder).map_err(|e| {
        WizardError::internal(format!("The folder could not be opened: {e}."))
            .with_hint(format!("Open it yourself: {}", folder.display()))
    })
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod report_tests;
