//! Path D's first steps for the window (issue 12): translate the v2 scopes
//! and sort the exported v2 accounts, both in wizard-core; each records what
//! it found in the progress (the translated features become the v3 features
//! the Azure app step audits against; the accounts only as counts). The
//! re-authentication list is saved as CSV in Downloads (the app's data
//! folder when there is none), never overwriting a file.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use wizard_core::microsoft::{Access, GraphClient};
use wizard_core::migrate::classify::MAX_ACCOUNTS_BYTES;
use wizard_core::migrate::exchange::{exchange_check_live, exchange_check_text, ExchangeCheck};
use wizard_core::migrate::scopes::{v2_scope_choices, V2ScopeChoice};
use wizard_core::migrate::{
    classify, parse_v2_scopes, reauth_csv, translate, Classification, MigrateAccountsRecord,
    MigrateScopesRecord, ScopeTranslation, V2Scope,
};
use wizard_core::state::ProgressView;
use wizard_core::summary::save_set;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;
use crate::summary_commands::save_dir;

type Result<T> = std::result::Result<T, WizardError>;

fn now() -> String {
    wizard_core::migrate::now_rfc3339()
}

/// The v2 scopes to tick, with what each allowed.
#[tauri::command]
pub fn v2_scope_choices_list() -> Vec<V2ScopeChoice> {
    v2_scope_choices()
}

/// Whether the admin's current (v2) app, from its manifest, still uses
/// Exchange permissions, and what that means for v3. Nothing is recorded.
#[tauri::command]
pub fn check_current_app_exchange(manifest: String) -> Result<ExchangeCheck> {
    exchange_check_text(&manifest)
}

/// The same, with the app read live from Microsoft Graph in the signed-in
/// session (the read path A's live audit makes). The ID is the current
/// (v2) app's: it doesn't become the Azure app answer, which is the new
/// app's. Nothing is recorded.
#[tauri::command]
pub async fn check_current_app_exchange_live(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
) -> Result<ExchangeCheck> {
    let call = calls.begin("check_current_app_exchange_live");
    if client_id.trim().is_empty() {
        return Err(WizardError::invalid_input(
            "Type your current app's Application (client) ID first.",
        )
        .with_hint("It is on the app's Overview page in the Azure portal."));
    }
    let Some((tokens, _)) =
        crate::microsoft_commands::signed_in_or_remembered(&state, Access::Audit, call.token())
            .await?
    else {
        return Err(WizardError::new(
            ErrorCode::Unauthorized,
            "You are not signed in to Microsoft.",
        )
        .with_hint("Sign in to read your current app live, or choose its manifest instead."));
    };
    let remote = state.remote().await?;
    let graph = GraphClient::new(&remote.http, &remote.endpoints.graph, &tokens);
    exchange_check_live(&graph, &client_id, &tokens.tenant, call.token()).await
}

/// The translation and the progress it was recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateScopesView {
    pub translation: ScopeTranslation,
    pub progress: ProgressView,
}

/// Translates the ticked v2 scopes plus any pasted `scopes` string (an
/// unknown name in it is refused, named) and records the result.
#[tauri::command]
pub fn translate_v2_scopes(
    state: State<'_, AppState>,
    scopes: Vec<V2Scope>,
    pasted: Option<String>,
) -> Result<MigrateScopesView> {
    let mut all = scopes;
    if let Some(text) = pasted.as_deref().filter(|t| !t.trim().is_empty()) {
        all.extend(parse_v2_scopes(text)?);
    }
    let translation = translate(&all)?;
    let record = MigrateScopesRecord::of(&translation, now());
    let progress = state.update(|p| {
        p.record_migrate_scopes(record);
        Ok(())
    })?;
    Ok(MigrateScopesView {
        translation,
        progress,
    })
}

/// The sorted list and the progress its counts were recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateAccountsView {
    pub classification: Classification,
    pub progress: ProgressView,
}

fn checked_size(text: &str) -> Result<()> {
    if text.len() > MAX_ACCOUNTS_BYTES {
        // classify says the same; refused here before any work.
        return classify(text).map(|_| ());
    }
    Ok(())
}

/// Sorts the export the window read from the chosen file (`source`: its
/// name, kept in the record) and records the counts.
#[tauri::command]
pub fn classify_v2_accounts(
    state: State<'_, AppState>,
    text: String,
    source: Option<String>,
) -> Result<MigrateAccountsView> {
    checked_size(&text)?;
    let classification = classify(&text)?;
    let record = MigrateAccountsRecord::of(&classification, source, now());
    let progress = state.update(|p| {
        p.record_migrate_accounts(record);
        Ok(())
    })?;
    // Counts only: the addresses are the admin's users'.
    tracing::info!(
        total = classification.total,
        reauth = classification.reauth,
        unclassified = classification.unclassified.len(),
        "v2 accounts sorted"
    );
    Ok(MigrateAccountsView {
        classification,
        progress,
    })
}

/// Saves the accounts that must sign in again (classes 2–4) as CSV under a
/// new dated name, and answers with its path.
#[tauri::command]
pub fn save_reauth_csv<R: Runtime>(app: AppHandle<R>, text: String) -> Result<String> {
    checked_size(&text)?;
    let csv = reauth_csv(&classify(&text)?)?;
    let dir = save_dir(
        app.path().download_dir().ok(),
        app.path().app_data_dir().ok(),
    )?;
    let mut saved = save_set(
        &dir,
        "list of accounts",
        "Nylas v2 accounts to re-authenticate",
        &[("csv", &csv)],
        None,
    )?;
    let path = saved.remove(0);
    tracing::info!(
        "re-authentication list saved as {:?}",
        path.file_name().unwrap_or_default()
    );
    Ok(path.display().to_string())
}
