//! A list of Teams accounts signed in one after the other: for each one not
//! connected yet, `POST /connect/auth`, its login page opened in the browser,
//! the way back captured on the loopback address or pasted, the row saved in
//! the journal. Progress goes to a callback (the window's channel, the CLI's
//! stderr); cancel stops at once and the journal keeps what was done.
//!
//! What stops the batch (it resumes later from the journal): cancel, and
//! failures that would fail every account alike (credentials refused, Nylas
//! unreachable, the loopback port taken). What fails one account and goes
//! on: Nylas refusing that account, a sign-in that failed or was refused
//! as tampered, a browser that didn't come back in time.

use std::future::Future;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;

use super::callback::{parse_callback_query, parse_callback_url, Expected, TeamsCallback};
use super::journal::{AccountRow, AccountStatus, TeamsJournal};
use super::{new_state, start_account_auth, V2Credentials, TEAMS_CALLBACK_PATH};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::microsoft::loopback::{LoopbackListener, Pages};

/// How long one account's sign-in may take in the browser.
pub const TEAMS_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const PAGES: Pages = Pages {
    done: "This account is connected to Microsoft Teams. You can close this tab and go back to the Nylas setup wizard.",
    failed: "This account's sign-in didn't complete. Go back to the Nylas setup wizard to see why.",
};

/// Where the batch runs.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    /// The region's beta host (`https://beta.us.nylas.com/`).
    pub beta_base: Url,
    /// Where Nylas sends the browser back (one of the integration's
    /// `redirect_uris`).
    pub redirect_uri: String,
    /// Per account.
    pub timeout: Duration,
}

/// What the batch reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
#[ts(export)]
pub enum TeamsAuthEvent {
    /// The batch's accounts as they stand, before anything is done.
    Rows { rows: Vec<AccountRow> },
    /// An account's login page is open (or, `opened` false, to be opened
    /// by hand from `login_url`).
    SigningIn {
        account_id: String,
        /// 1-based position in the batch.
        index: u32,
        total: u32,
        login_url: String,
        opened: bool,
    },
    /// An account's row changed.
    Row { row: AccountRow },
}

/// How the batch ended (the rows of its accounts, in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BatchOutcome {
    pub rows: Vec<AccountRow>,
    /// Stopped by Cancel before every account was tried.
    pub cancelled: bool,
    /// Accounts skipped because the journal had them connected already.
    pub skipped: u32,
}

/// Waits for one account's way back.
pub trait CallbackWaiter: Send {
    /// Get ready for the way back before the login page opens (bind the
    /// loopback port, so a quick browser never finds it closed).
    fn prepare(&mut self) -> impl Future<Output = Result<()>> + Send + '_;

    /// The callback (parsed and checked against `expected`), `Ok(None)`
    /// when the wait timed out or was cancelled, an error when the way back
    /// was refused (tampered, missing parameters) or couldn't be listened
    /// for at all ([`ErrorCode::Io`]).
    fn wait<'a>(
        &'a mut self,
        expected: Expected<'a>,
        timeout: Duration,
        cancel: &'a CancellationToken,
    ) -> impl Future<Output = Result<Option<TeamsCallback>>> + Send + 'a;
}

/// A final address pasted by the admin, with where to say whether it was
/// taken.
pub struct Pasted {
    pub url: String,
    pub reply: oneshot::Sender<Result<()>>,
}

/// The loopback listener (when `redirect_uri` is this computer's) and the
/// pasted addresses, whichever comes first. A pasted address that is
/// refused is answered as such and the wait goes on.
pub struct LoopbackOrPaste {
    loopback: Option<u16>,
    listener: Option<LoopbackListener>,
    pasted: mpsc::Receiver<Pasted>,
}

impl LoopbackOrPaste {
    /// For `redirect_uri`: listen when it is
    /// `http://localhost:PORT/nylas-wizard/teams-callback`; the sender takes
    /// pasted addresses.
    pub fn new(redirect_uri: &str) -> (Self, mpsc::Sender<Pasted>) {
        let (tx, rx) = mpsc::channel(4);
        (
            Self {
                loopback: loopback_port(redirect_uri),
                listener: None,
                pasted: rx,
            },
            tx,
        )
    }
}

/// The port of `http://localhost:PORT/nylas-wizard/teams-callback`.
pub fn loopback_port(redirect_uri: &str) -> Option<u16> {
    let url = Url::parse(redirect_uri).ok()?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    (url.scheme() == "http" && local && url.path() == TEAMS_CALLBACK_PATH)
        .then(|| url.port())
        .flatten()
}

fn looks_done(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "success" && v == "true")
}

impl CallbackWaiter for LoopbackOrPaste {
    async fn prepare(&mut self) -> Result<()> {
        {
            // The last account's listener closes first: the port is fixed.
            self.listener = None;
            // An address pasted while no sign-in was waiting belongs to an
            // earlier one: never credit it to the next account.
            while let Ok(p) = self.pasted.try_recv() {
                let _ = p.reply.send(Err(WizardError::invalid_input(
                    "No account's sign-in was waiting for that address.",
                )
                .with_hint("Paste the address after the account's login page has opened.")));
            }
            if let Some(port) = self.loopback {
                let listener = LoopbackListener::bind_localhost(port, TEAMS_CALLBACK_PATH)
                    .await
                    .map_err(|mut e| {
                        e.message = format!("The wizard can't listen on port {port} of this computer, where the Teams sign-ins come back.");
                        e.hint = Some("Close the program using it (or another copy of the wizard), then try again.".into());
                        e
                    })?;
                self.listener = Some(listener);
            }
            Ok(())
        }
    }

    async fn wait<'a>(
        &'a mut self,
        expected: Expected<'a>,
        timeout: Duration,
        cancel: &'a CancellationToken,
    ) -> Result<Option<TeamsCallback>> {
        {
            let listener = self.listener.take();
            let listening = async move {
                match listener {
                    Some(listener) => {
                        listener
                            .wait_query(timeout, cancel, PAGES, looks_done)
                            .await
                    }
                    // Only pasted addresses: wait for them, or the limits.
                    None => {
                        tokio::select! {
                            _ = cancel.cancelled() => {}
                            _ = tokio::time::sleep(timeout) => {}
                        }
                        Ok(None)
                    }
                }
            };
            tokio::pin!(listening);
            let pasted = &mut self.pasted;
            loop {
                tokio::select! {
                    got = &mut listening => {
                        return match got? {
                            Some(query) => parse_callback_query(&query, expected.state).map(Some),
                            None => Ok(None),
                        };
                    }
                    Some(p) = pasted.recv() => {
                        match parse_callback_url(&p.url, expected) {
                            Ok(callback) => {
                                let _ = p.reply.send(Ok(()));
                                return Ok(Some(callback));
                            }
                            Err(e) => {
                                let _ = p.reply.send(Err(e));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether a failure of `POST /connect/auth` would fail every account
/// alike (stop the batch) rather than only this one.
fn stops_the_batch(e: &WizardError) -> bool {
    !matches!(
        e.code,
        ErrorCode::Rejected | ErrorCode::NotFound | ErrorCode::InvalidInput
    )
}

/// Sign in `account_ids` (checked already) one after the other, skipping
/// those the journal has connected. `open` opens a login page in the system
/// browser (false: it couldn't).
#[allow(clippy::too_many_arguments)]
pub async fn run_batch<W: CallbackWaiter>(
    http: &HttpClient,
    settings: &BatchSettings,
    credentials: &V2Credentials,
    journal: &mut TeamsJournal,
    account_ids: &[String],
    open: &(dyn Fn(&Url) -> bool + Send + Sync),
    waiter: &mut W,
    progress: &(dyn Fn(TeamsAuthEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<BatchOutcome> {
    journal.add_accounts(account_ids);
    journal.save()?;
    let rows_of = |j: &TeamsJournal| -> Vec<AccountRow> {
        account_ids
            .iter()
            .filter_map(|id| j.row(id).cloned())
            .collect()
    };
    progress(TeamsAuthEvent::Rows {
        rows: rows_of(journal),
    });
    let total = u32::try_from(account_ids.len()).unwrap_or(u32::MAX);
    let mut skipped = 0;
    let mut cancelled = false;
    for (i, id) in account_ids.iter().enumerate() {
        if journal
            .row(id)
            .is_some_and(|r| r.status == AccountStatus::Connected)
        {
            skipped += 1;
            continue;
        }
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        let back_to_waiting = |journal: &mut TeamsJournal, message: Option<String>| -> Result<()> {
            let row = AccountRow {
                message,
                ..AccountRow::waiting(id)
            };
            journal.set(row.clone());
            journal.save()?;
            progress(TeamsAuthEvent::Row { row });
            Ok(())
        };
        journal.set(AccountRow {
            status: AccountStatus::SigningIn,
            ..AccountRow::waiting(id)
        });
        journal.save()?;
        if let Err(e) = waiter.prepare().await {
            back_to_waiting(journal, None)?;
            return Err(e);
        }
        let state = new_state();
        let link = match start_account_auth(
            http,
            &settings.beta_base,
            credentials,
            id,
            &settings.redirect_uri,
            &state,
            cancel,
        )
        .await
        {
            Ok(link) => link,
            Err(e) if e.code == ErrorCode::Cancelled || cancel.is_cancelled() => {
                back_to_waiting(journal, None)?;
                cancelled = true;
                break;
            }
            Err(e) if stops_the_batch(&e) => {
                back_to_waiting(journal, None)?;
                return Err(e);
            }
            Err(e) => {
                let row = AccountRow::failed(id, &e.message);
                journal.set(row.clone());
                journal.save()?;
                progress(TeamsAuthEvent::Row { row });
                continue;
            }
        };
        let opened = open(&link.url);
        progress(TeamsAuthEvent::SigningIn {
            account_id: id.clone(),
            index: u32::try_from(i + 1).unwrap_or(u32::MAX),
            total,
            login_url: link.url.to_string(),
            opened,
        });
        let expected = Expected {
            redirect_uri: &settings.redirect_uri,
            state: &state,
        };
        let row = match waiter.wait(expected, settings.timeout, cancel).await {
            Ok(Some(callback)) => AccountRow::from_callback(id, &callback),
            Ok(None) if cancel.is_cancelled() => {
                back_to_waiting(journal, None)?;
                cancelled = true;
                break;
            }
            Ok(None) => AccountRow::failed(
                id,
                &format!(
                    "The browser didn't come back from this account's sign-in within {} minutes.",
                    settings.timeout.as_secs().div_ceil(60)
                ),
            ),
            Err(e) if matches!(e.code, ErrorCode::Rejected | ErrorCode::BadResponse) => {
                AccountRow::failed(id, &e.message)
            }
            Err(e) => {
                back_to_waiting(journal, None)?;
                return Err(e);
            }
        };
        journal.set(row.clone());
        journal.save()?;
        progress(TeamsAuthEvent::Row { row });
    }
    Ok(BatchOutcome {
        rows: rows_of(journal),
        cancelled,
        skipped,
    })
}
