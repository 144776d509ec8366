//! What the web view is told when it starts (or after a change of mode):
//! the saved progress, where remote calls go, and where secrets go.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secrets::KeychainStatus;
use crate::state::{ProgressView, StateNotice};

/// Practice mode: the built-in sandbox stands in for Microsoft and Nylas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PracticeInfo {
    pub enabled: bool,
    /// The local sandbox address while practice mode runs.
    pub sandbox_url: Option<String>,
}

/// Everything the UI needs to draw the wizard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    /// The wizard's version, for the About line and support.
    pub version: String,
    pub progress: ProgressView,
    pub practice: PracticeInfo,
    pub keychain: KeychainStatus,
    /// A one-time notice about the saved progress (damaged, newer version).
    pub notice: Option<StateNotice>,
}
