//! The Teams accounts' journal: per account, where its sign-in got to, saved
//! crash-safely in the data folder after every change, so a batch that was
//! cancelled, failed or killed resumes where it stopped and never signs in
//! an account twice. It holds account IDs, emails and grant IDs — never a
//! secret, a code or a token.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::callback::TeamsCallback;
use crate::error::{Result, WizardError};
use crate::regions::Region;

/// Format of the journal file.
const JOURNAL_VERSION: u32 = 1;
/// Its name in the data folder.
pub const JOURNAL_FILE: &str = "teams-accounts.json";

/// Where one account's sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountStatus {
    /// Not signed in yet (or to be tried again).
    Waiting,
    /// Its login page is open: waiting for the browser to come back.
    SigningIn,
    Connected,
    Failed,
}

/// One row of the accounts table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountRow {
    pub account_id: String,
    pub status: AccountStatus,
    pub email: Option<String>,
    pub grant_id: Option<String>,
    /// Nylas's event code of a failed sign-in.
    pub event_code: Option<String>,
    /// Why it failed (or was interrupted), in plain words.
    pub message: Option<String>,
    /// Unix seconds of the last change.
    #[ts(type = "number")]
    pub at: i64,
}

impl AccountRow {
    pub fn waiting(account_id: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            status: AccountStatus::Waiting,
            email: None,
            grant_id: None,
            event_code: None,
            message: None,
            at: now(),
        }
    }

    /// The row after the browser came back.
    pub fn from_callback(account_id: &str, callback: &TeamsCallback) -> Self {
        let mut row = Self::waiting(account_id);
        match callback {
            TeamsCallback::Connected {
                email, grant_id, ..
            } => {
                row.status = AccountStatus::Connected;
                row.email = Some(email.clone());
                row.grant_id = Some(grant_id.clone());
            }
            TeamsCallback::Failed {
                event_code,
                message,
            } => {
                row.status = AccountStatus::Failed;
                row.event_code = event_code.clone();
                row.message = Some(
                    message
                        .clone()
                        .unwrap_or_else(|| "Nylas reported that the sign-in failed.".into()),
                );
            }
        }
        row
    }

    /// A failure of ours (refused callback, no answer in time, …).
    pub fn failed(account_id: &str, message: &str) -> Self {
        Self {
            status: AccountStatus::Failed,
            message: Some(message.to_owned()),
            ..Self::waiting(account_id)
        }
    }
}

pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The journal as on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamsJournal {
    pub version: u32,
    /// The v2 app the accounts belong to.
    pub client_id: String,
    pub region: Region,
    /// Every account given so far, in the order given.
    pub accounts: Vec<AccountRow>,
    #[serde(skip)]
    path: PathBuf,
}

impl TeamsJournal {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(JOURNAL_FILE)
    }

    /// Start over: forget the accounts table in `dir` (nothing to forget is fine).
    pub fn forget(dir: &Path) -> Result<()> {
        match std::fs::remove_file(Self::path_in(dir)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(WizardError::io("remove the list of Teams accounts", &e)),
        }
    }

    /// The journal in `dir` for this app and region, or a new empty one. A
    /// damaged or newer file is set aside (`.damaged`); one for another app
    /// or region is replaced (its accounts belong elsewhere). A row left
    /// signing in (the wizard stopped mid-way) is to be tried again.
    pub fn load(dir: &Path, client_id: &str, region: Region) -> Self {
        let path = Self::path_in(dir);
        let fresh = || TeamsJournal {
            version: JOURNAL_VERSION,
            client_id: client_id.to_owned(),
            region,
            accounts: Vec::new(),
            path: path.clone(),
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return fresh();
        };
        match serde_json::from_slice::<TeamsJournal>(&bytes) {
            Ok(j) if j.version == JOURNAL_VERSION => {
                if j.client_id != client_id || j.region != region {
                    return fresh();
                }
                let mut j = TeamsJournal { path, ..j };
                for row in &mut j.accounts {
                    if row.status == AccountStatus::SigningIn {
                        row.status = AccountStatus::Waiting;
                        row.message =
                            Some("The last sign-in was interrupted before it finished.".into());
                    }
                }
                j
            }
            _ => {
                let aside = path.with_extension("json.damaged");
                if let Err(e) = std::fs::rename(&path, &aside) {
                    tracing::warn!(error = %e, "the damaged Teams journal could not be set aside");
                }
                fresh()
            }
        }
    }

    /// Add the accounts not in the journal yet, as waiting.
    pub fn add_accounts(&mut self, ids: &[String]) {
        for id in ids {
            if self.row(id).is_none() {
                self.accounts.push(AccountRow::waiting(id));
            }
        }
    }

    pub fn row(&self, account_id: &str) -> Option<&AccountRow> {
        self.accounts.iter().find(|r| r.account_id == account_id)
    }

    /// Replace an account's row (added when new).
    pub fn set(&mut self, row: AccountRow) {
        match self
            .accounts
            .iter_mut()
            .find(|r| r.account_id == row.account_id)
        {
            Some(r) => *r = row,
            None => self.accounts.push(row),
        }
    }

    /// Save crash-safely.
    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| WizardError::internal(format!("Teams journal: {e}")))?;
        crate::state::write_atomically(&self.path, &bytes, ".teams-accounts-")
            .map_err(|e| WizardError::io("save the Teams accounts' progress", &e))
    }

    /// Counts for the answers (the step's status follows them).
    pub fn record(&self) -> crate::nylas_v2::AccountsRecord {
        let count = |s: AccountStatus| {
            u32::try_from(self.accounts.iter().filter(|r| r.status == s).count())
                .unwrap_or(u32::MAX)
        };
        crate::nylas_v2::AccountsRecord {
            total: u32::try_from(self.accounts.len()).unwrap_or(u32::MAX),
            connected: count(AccountStatus::Connected),
            failed: count(AccountStatus::Failed),
            at: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_over_forgets_the_table_and_a_missing_one_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = TeamsJournal::load(dir.path(), "cid", Region::Us);
        j.add_accounts(&["a1".into()]);
        j.save().unwrap();
        assert!(TeamsJournal::path_in(dir.path()).exists());
        TeamsJournal::forget(dir.path()).unwrap();
        assert!(!TeamsJournal::path_in(dir.path()).exists());
        TeamsJournal::forget(dir.path()).unwrap();
        assert!(TeamsJournal::load(dir.path(), "cid", Region::Us)
            .accounts
            .is_empty());
    }

    #[test]
    fn rows_survive_a_reload_and_an_interrupted_one_is_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = TeamsJournal::load(dir.path(), "cid", Region::Us);
        j.add_accounts(&["a1".into(), "a2".into(), "a3".into()]);
        j.set(AccountRow::from_callback(
            "a1",
            &TeamsCallback::Connected {
                email: "a@b.com".into(),
                grant_id: "g1".into(),
                provider: "microsoft".into(),
            },
        ));
        j.set(AccountRow {
            status: AccountStatus::SigningIn,
            ..AccountRow::waiting("a2")
        });
        j.save().unwrap();
        let again = TeamsJournal::load(dir.path(), "cid", Region::Us);
        assert_eq!(again.accounts.len(), 3);
        assert_eq!(again.row("a1").unwrap().status, AccountStatus::Connected);
        assert_eq!(again.row("a1").unwrap().grant_id.as_deref(), Some("g1"));
        let a2 = again.row("a2").unwrap();
        assert_eq!(a2.status, AccountStatus::Waiting);
        assert!(a2.message.as_deref().unwrap().contains("interrupted"));
        let r = again.record();
        assert_eq!((r.total, r.connected, r.failed), (3, 1, 0));
        // Another app or region starts afresh.
        assert!(TeamsJournal::load(dir.path(), "other", Region::Us)
            .accounts
            .is_empty());
        assert!(TeamsJournal::load(dir.path(), "cid", Region::Eu)
            .accounts
            .is_empty());
    }

    #[test]
    fn a_damaged_journal_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(TeamsJournal::path_in(dir.path()), b"{not json").unwrap();
        let j = TeamsJournal::load(dir.path(), "cid", Region::Us);
        assert!(j.accounts.is_empty());
        assert!(dir.path().join("teams-accounts.json.damaged").exists());
    }
}
