//! The changes this wizard made to Microsoft or Nylas in this run, each with
//! plain step-by-step instructions to reverse it (issue 17 point 11).
//!
//! Every write the wizard makes (a Graph fix, an app registration, its
//! enterprise application, a client secret, admin consent, the Nylas
//! connector, a callback URI, a connector credential) becomes a [`Change`]
//! recorded in the run's [`ChangeLog`]. The log is saved next to the
//! progress (`changes.json`, crash-safe like `progress.json`) so a crash or
//! a restart never loses what was changed; "Start over" clears it. A change
//! never carries a secret: a client secret is named by its Secret ID and
//! hint only.
//!
//! The undo instructions and their link live in [`undo`]; links are built
//! from the typed intents of [`crate::portal`], never from free text.

mod configure;
mod undo;

pub use configure::changes_from_configure;

pub use undo::{
    admin_consent_granted, app_fixed, app_registered, callback_uri_added, changes_from_created_app,
    changes_from_fix_plan, client_secret_added, connector_created, connector_credential_created,
    connector_credential_updated, connector_updated, service_principal_created,
};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::portal::{DocTopic, PortalPage};

/// What kind of write it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeKind {
    /// One fix of the app registration (a redirect URI, a permission, …).
    AppFixed,
    AppRegistered,
    ServicePrincipalCreated,
    ClientSecretAdded,
    AdminConsentGranted,
    ConnectorCreated,
    ConnectorUpdated,
    CallbackUriAdded,
    ConnectorCredentialCreated,
    ConnectorCredentialUpdated,
    /// The Microsoft Teams integration of a Nylas v2 app (beta host).
    TeamsIntegrationCreated,
    TeamsIntegrationUpdated,
    /// Path D: the EWS connector for Exchange on-premises accounts.
    EwsConnectorCreated,
}

/// Where the change was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeTarget {
    /// The app registration in Microsoft Entra ID (Azure portal).
    AzureApp,
    /// The Nylas application (Nylas dashboard).
    NylasApplication,
}

impl ChangeTarget {
    pub fn label(self) -> &'static str {
        match self {
            ChangeTarget::AzureApp => "Your Azure app registration",
            ChangeTarget::NylasApplication => "Your Nylas application",
        }
    }
}

/// An identifier of what was changed, as the portal or dashboard labels it
/// ("Application (client) ID", "Secret ID", "Credential ID").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeRef {
    pub label: String,
    pub value: String,
}

/// One field's value before and after, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeDiff {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The page where the change is undone, by intent (the window opens it
/// through `open_portal` / `open_docs`; the shape matches its `OpenLink`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum UndoLink {
    Portal { page: PortalPage },
    Docs { topic: DocTopic },
}

impl UndoLink {
    /// The address, for the summary and the report (never opened from here).
    pub fn url(&self) -> String {
        match self {
            UndoLink::Portal { page } => page
                .url()
                .unwrap_or_else(|_| crate::portal::APP_REGISTRATIONS.to_owned()),
            UndoLink::Docs { topic } => topic.url(),
        }
    }
}

/// How to reverse one change by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Undo {
    /// Numbered steps in the portal's or dashboard's own words.
    pub steps: Vec<String>,
    pub link: UndoLink,
    /// The button's words ("Open Certificates & secrets in the Azure portal").
    pub link_label: String,
    /// The link's address, shown and copyable.
    pub url: String,
    /// What undoing it breaks, when it breaks something.
    pub caution: Option<String>,
}

/// One write this wizard made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Change {
    /// Its position in the run's log (1, 2, …), set when recorded.
    pub seq: u32,
    /// When it was recorded (RFC 3339, UTC), set when recorded.
    pub at: String,
    pub kind: ChangeKind,
    pub target: ChangeTarget,
    /// What changed, in plain words ("Added https://… to Web").
    pub what: String,
    pub ids: Vec<ChangeRef>,
    /// Field by field, before → after (empty for something created).
    pub diff: Vec<ChangeDiff>,
    pub undo: Undo,
}

impl Change {
    /// The change as the report (`report.rs`) lists it.
    pub fn report_facts(&self) -> crate::report::ChangeFacts {
        let ids = self
            .ids
            .iter()
            .map(|r| format!("{} {}", r.label, r.value))
            .collect::<Vec<_>>()
            .join(", ");
        crate::report::ChangeFacts {
            target: self.target.label().to_owned(),
            what: if ids.is_empty() {
                self.what.clone()
            } else {
                format!("{} ({ids})", self.what)
            },
            undo: self.undo.steps.clone(),
            undo_url: self.undo.url.clone(),
            caution: self.undo.caution.clone(),
        }
    }
}

/// The changes of this run, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeLog {
    pub version: u32,
    pub changes: Vec<Change>,
}

/// The format of `changes.json`.
pub const CHANGES_VERSION: u32 = 1;

impl ChangeLog {
    /// Append `changes`, numbering and time-stamping them; returns the
    /// recorded ones.
    pub fn record(&mut self, changes: Vec<Change>) -> Vec<Change> {
        let at = now();
        let mut recorded = Vec::with_capacity(changes.len());
        for mut c in changes {
            c.seq = self.changes.last().map_or(1, |l| l.seq + 1);
            c.at = at.clone();
            self.changes.push(c.clone());
            recorded.push(c);
        }
        self.version = CHANGES_VERSION;
        recorded
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `changes.json` beside `progress.json`.
#[derive(Debug, Clone)]
pub struct ChangeStore {
    path: PathBuf,
}

/// Temp files of a save in progress; a different prefix from the
/// progress's so neither store's clean-up touches the other's save.
const TEMP_PREFIX: &str = ".changes-";

impl ChangeStore {
    pub const FILE_NAME: &'static str = "changes.json";

    /// The store in `dir` (the folder of the progress file).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(Self::FILE_NAME),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved log; none saved is an empty one. A file that can't be read
    /// is moved aside (best effort) and the log starts empty: the changes
    /// themselves are in Microsoft and Nylas, and the summary still names
    /// the app.
    pub fn load(&self) -> ChangeLog {
        self.remove_stale_temp_files();
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ChangeLog::default(),
            Err(e) => {
                tracing::warn!("the change list could not be read: {e}");
                return ChangeLog::default();
            }
        };
        match serde_json::from_slice::<ChangeLog>(&bytes) {
            Ok(log) if log.version <= CHANGES_VERSION => log,
            Ok(_) | Err(_) => {
                let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
                let aside = self
                    .path
                    .with_file_name(format!("changes.unreadable-{stamp}.json"));
                if aside.exists() || std::fs::rename(&self.path, &aside).is_err() {
                    tracing::warn!("an unreadable change list was left where it is");
                } else {
                    tracing::warn!("an unreadable change list was moved aside");
                }
                ChangeLog::default()
            }
        }
    }

    /// Save crash-safely (the same way as the progress).
    pub fn save(&self, log: &ChangeLog) -> Result<()> {
        let json = serde_json::to_vec_pretty(log)
            .map_err(|e| WizardError::internal(format!("Could not encode the changes: {e}.")))?;
        crate::state::write_atomically(&self.path, &json, TEMP_PREFIX)
            .map_err(|e| WizardError::io("save the list of changes", &e))
    }

    /// Forget the log ("Start over"); none saved is fine.
    pub fn clear(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(WizardError::io("clear the list of changes", &e)),
        }
    }

    fn remove_stale_temp_files(&self) {
        let Some(dir) = self.path.parent() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
#[path = "changes/tests.rs"]
mod tests;
