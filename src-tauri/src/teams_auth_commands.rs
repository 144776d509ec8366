//! The "Connect accounts" step of path B: Nylas v2 accounts signed in to
//! the Teams integration one after the other. Thin: wizard-core posts
//! `/connect/auth`, listens on the loopback address, parses the way back and
//! keeps the journal; this module reads the v2 app's client ID (answers) and
//! secret (secret store), opens each login page in the system browser (the
//! beta hosts only, or in practice mode the simulator), passes pasted final
//! addresses on, streams the rows to the window and records the counts in
//! the answers — never the client secret.
//!
//! `connect_teams_accounts` runs the batch (Cancel: `cancel_remote(
//! "connect_teams_accounts")`); `paste_teams_callback` hands it the address
//! the browser ended on when the loopback can't be reached;
//! `teams_accounts_view` shows the journal's table (resume after a restart).

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Manager, Runtime, State};
use url::Url;
use wizard_core::nylas_v2::beta_base;
use wizard_core::nylas_v2::teams_auth::batch::{
    run_batch, BatchOutcome, BatchSettings, LoopbackOrPaste, Pasted, TeamsAuthEvent,
    TEAMS_SIGN_IN_TIMEOUT,
};
use wizard_core::nylas_v2::teams_auth::journal::{AccountRow, AccountStatus, TeamsJournal};
use wizard_core::nylas_v2::teams_auth::{
    parse_account_ids, teams_callback, V2Credentials, DEFAULT_TEAMS_CALLBACK_PORT,
};
use wizard_core::regions::Region;
use wizard_core::secrets::SecretName;
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// The real hosts whose login pages the browser may open.
const BETA_HOSTS: [&str; 2] = ["beta.us.nylas.com", "beta.eu.nylas.com"];

/// The loopback port, when not the default (tests).
pub struct TeamsCallbackPort(pub u16);

/// Where pasted addresses go while a batch runs.
#[derive(Default)]
pub struct TeamsAuthSession {
    paste: tokio::sync::Mutex<Option<tokio::sync::mpsc::Sender<Pasted>>>,
}

/// The step's table, before or after a batch.
#[derive(Debug, Clone, Serialize)]
pub struct TeamsAccountsView {
    pub rows: Vec<AccountRow>,
    /// Where Nylas sends the browser back (the integration must list it).
    pub redirect_uri: String,
    /// Why accounts can't be connected yet, with the step to go back to.
    pub blocked: Option<WizardError>,
}

/// What `connect_teams_accounts` answers.
#[derive(Debug, Clone, Serialize)]
pub struct TeamsAccountsDone {
    pub outcome: BatchOutcome,
    pub progress: ProgressView,
}

pub(crate) fn teams_callback_port<R: Runtime, M: Manager<R>>(app: &M) -> u16 {
    app.try_state::<TeamsCallbackPort>()
        .map_or(DEFAULT_TEAMS_CALLBACK_PORT, |p| p.0)
}

/// The system browser, refusing anything but a beta host's login page or,
/// in practice mode, the simulator's.
struct LoginBrowser {
    practice_base: Option<Url>,
}

impl LoginBrowser {
    fn allowed(&self, url: &Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let path_ok = url.path().ends_with("/connect/login");
        let real = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| BETA_HOSTS.iter().any(|b| h.eq_ignore_ascii_case(b)));
        let practice = self.practice_base.as_ref().is_some_and(|base| {
            base.host_str() == Some("127.0.0.1")
                && url.scheme() == "http"
                && url.host_str() == Some("127.0.0.1")
                && url.port() == base.port()
                && url.path().starts_with(base.path())
        });
        path_ok && (real || practice)
    }

    fn open(&self, url: &Url) -> bool {
        if !self.allowed(url) {
            tracing::warn!("a Teams login page on an unexpected host was not opened");
            return false;
        }
        #[cfg(test)]
        {
            teams_auth_tests::browser_opened(url.as_str());
            true
        }
        #[cfg(not(test))]
        match open::that_detached(url.as_str()) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("browser not opened ({:?})", e.kind());
                false
            }
        }
    }
}

/// The v2 app (client ID from the answers, secret from the store) and the
/// region, or why not.
async fn credentials(state: &AppState) -> Result<(V2Credentials, Region)> {
    let answers = state.progress().answers;
    let region = answers.region();
    let record = answers
        .nylas_v2
        .as_ref()
        .filter(|r| r.region == region)
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::InvalidInput,
                format!(
                    "Your Nylas v2 app hasn't been checked in the {} region yet.",
                    region.label()
                ),
            )
            .with_hint("Go back to the Nylas v2 app step and check its client ID and secret.")
        })?;
    let secret = state
        .read_secret(SecretName::NylasV2ClientSecret)
        .await?
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::SecretNotFound,
                "No Nylas v2 client secret is saved yet.",
            )
            .with_hint("Go back to the Nylas v2 app step and enter it.")
        })?;
    Ok((
        V2Credentials {
            client_id: record.client_id.clone(),
            client_secret: secret,
        },
        region,
    ))
}

/// Whether the Teams integration sends the browser back to `redirect_uri`.
fn integration_check(state: &AppState, redirect_uri: &str) -> Result<()> {
    let answers = state.progress().answers;
    let region = answers.region();
    let Some(integration) = answers
        .teams_integration
        .as_ref()
        .filter(|i| i.region == region)
    else {
        return Err(WizardError::new(
            ErrorCode::InvalidInput,
            "The Teams integration hasn't been set up yet.",
        )
        .with_hint("Go back to the Teams integration step and create it first."));
    };
    if !integration.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(WizardError::new(
            ErrorCode::InvalidInput,
            format!("The Teams integration doesn't list the wizard's address {redirect_uri} among its redirect URIs, so Nylas would refuse the sign-ins."),
        )
        .with_hint("Go back to the Teams integration step and add it to the redirect URIs."));
    }
    Ok(())
}

/// The journal's table for the v2 app and region (empty without one).
#[tauri::command]
pub async fn teams_accounts_view<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<TeamsAccountsView> {
    let redirect_uri = teams_callback(teams_callback_port(&app));
    let blocked = match credentials(&state).await {
        Ok(_) => integration_check(&state, &redirect_uri).err(),
        Err(e) => Some(e),
    };
    let answers = state.progress().answers;
    let rows = match answers.nylas_v2.as_ref() {
        Some(r) => TeamsJournal::load(&state.data_dir(), &r.client_id, answers.region()).accounts,
        None => Vec::new(),
    };
    Ok(TeamsAccountsView {
        rows,
        redirect_uri,
        blocked,
    })
}

/// Sign in the accounts in `account_ids` (a pasted list), or with none
/// given, every account of the journal not connected yet (resume). Each
/// row's change goes to `on_progress`.
#[tauri::command]
pub async fn connect_teams_accounts<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    session: State<'_, TeamsAuthSession>,
    calls: State<'_, RemoteCalls>,
    account_ids: Option<String>,
    on_progress: Channel<TeamsAuthEvent>,
) -> Result<TeamsAccountsDone> {
    let call = calls.begin("connect_teams_accounts");
    let redirect_uri = teams_callback(teams_callback_port(&app));
    let (creds, region) = credentials(&state).await?;
    integration_check(&state, &redirect_uri)?;
    let dir = state.data_dir();
    let mut journal = TeamsJournal::load(&dir, &creds.client_id, region);
    let ids = match account_ids
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => parse_account_ids(text)?,
        None => {
            let left: Vec<String> = journal
                .accounts
                .iter()
                .filter(|r| r.status != AccountStatus::Connected)
                .map(|r| r.account_id.clone())
                .collect();
            if left.is_empty() {
                return Err(
                    WizardError::invalid_input("There is no account left to connect.")
                        .with_hint("Paste the IDs of the Nylas v2 accounts to connect."),
                );
            }
            left
        }
    };
    let remote = state.remote().await?;
    let practice = state.practice_info().await.enabled;
    let base = beta_base(&remote.endpoints, region).clone();
    let browser = LoginBrowser {
        practice_base: practice.then(|| base.clone()),
    };
    let settings = BatchSettings {
        beta_base: base,
        redirect_uri: redirect_uri.clone(),
        timeout: TEAMS_SIGN_IN_TIMEOUT,
    };
    let (mut waiter, paste) = LoopbackOrPaste::new(&redirect_uri);
    *session.paste.lock().await = Some(paste);
    let send = move |event: TeamsAuthEvent| {
        // A window that went away can't be told; the batch goes on.
        if let Err(e) = on_progress.send(event) {
            tracing::debug!("Teams progress not delivered: {e}");
        }
    };
    let outcome = run_batch(
        &remote.http,
        &settings,
        &creds,
        &mut journal,
        &ids,
        &|url: &Url| browser.open(url),
        &mut waiter,
        &send,
        call.token(),
    )
    .await;
    session.paste.lock().await.take();
    // What was done counts even when the batch stopped.
    let record = journal.record();
    let progress = state.update(|p| {
        p.record_teams_accounts(record);
        Ok(())
    })?;
    let outcome = outcome?;
    tracing::info!(
        accounts = outcome.rows.len(),
        cancelled = outcome.cancelled,
        "Teams accounts batch ended"
    );
    Ok(TeamsAccountsDone { outcome, progress })
}

/// The address the browser ended on, for the account signing in now.
/// Refused (and the wait goes on) when it isn't the wizard's way back or
/// doesn't belong to this sign-in.
#[tauri::command]
pub async fn paste_teams_callback(session: State<'_, TeamsAuthSession>, url: String) -> Result<()> {
    let sender = session.paste.lock().await.clone().ok_or_else(|| {
        WizardError::invalid_input("No account is signing in right now.")
            .with_hint("Press Connect accounts first, then paste the address after signing in.")
    })?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    sender
        .send(Pasted { url, reply })
        .await
        .map_err(|_| WizardError::invalid_input("No account is signing in right now."))?;
    answer
        .await
        .map_err(|_| WizardError::invalid_input("No account is signing in right now."))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_opens_only_beta_login_pages_or_the_practice_simulator() {
        let real = LoginBrowser {
            practice_base: None,
        };
        let ok = |b: &LoginBrowser, u: &str| b.allowed(&Url::parse(u).unwrap());
        assert!(ok(&real, "https://beta.us.nylas.com/connect/login?id=x"));
        assert!(ok(&real, "https://beta.eu.nylas.com/connect/login?id=x"));
        for bad in [
            "https://beta.us.nylas.com/connect/integrations",
            "https://evil.example/connect/login",
            "http://beta.us.nylas.com/connect/login",
            "https://u@beta.us.nylas.com/connect/login",
            "http://127.0.0.1:9/nylas-beta-us/connect/login",
        ] {
            assert!(!ok(&real, bad), "{bad}");
        }
        let practice = LoginBrowser {
            practice_base: Some(Url::parse("http://127.0.0.1:9/nylas-beta-us/").unwrap()),
        };
        assert!(ok(
            &practice,
            "http://127.0.0.1:9/nylas-beta-us/connect/login?id=1"
        ));
        assert!(!ok(
            &practice,
            "http://127.0.0.1:10/nylas-beta-us/connect/login"
        ));
    }
}

#[cfg(test)]
#[path = "teams_auth_tests.rs"]
mod teams_auth_tests;
