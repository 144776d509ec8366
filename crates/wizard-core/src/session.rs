//! What the web view is told when it starts (or after a change of mode):
//! the saved progress, where remote calls go, where secrets go, and the
//! limits and links it shares with Rust.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::endpoints::EndpointOverride;
use crate::manifest::MAX_MANIFEST_BYTES;
use crate::portal::APP_REGISTRATIONS;
use crate::secrets::KeychainStatus;
use crate::state::{ProgressView, StateNotice};

/// Practice mode: the built-in sandbox stands in for Microsoft and Nylas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PracticeInfo {
    pub enabled: bool,
    /// The local sandbox address while practice mode runs.
    pub sandbox_url: Option<String>,
    /// Said once, right after leaving practice mode: what carried over
    /// (nothing) and where the real setup stands.
    pub left: Option<String>,
}

/// Limits the window checks before it hands anything to Rust (Rust checks
/// them again), so both sides use the same value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Limits {
    /// The largest manifest file accepted, in bytes.
    pub max_manifest_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_manifest_bytes: MAX_MANIFEST_BYTES,
        }
    }
}

/// Pages the window links to, built in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Links {
    /// The Azure portal's App registrations list.
    pub app_registrations: String,
}

impl Default for Links {
    fn default() -> Self {
        Self {
            app_registrations: APP_REGISTRATIONS.to_owned(),
        }
    }
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
    pub limits: Limits,
    pub links: Links,
    /// Services pointed away from their real host (NYLAS_WIZARD_SANDBOX_URL,
    /// NYLAS_WIZARD_URL_<SERVICE>); empty in practice mode, which has its
    /// own banner. The window names each one in a banner.
    pub overrides: Vec<EndpointOverride>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_links_come_from_their_one_definition() {
        assert_eq!(Limits::default().max_manifest_bytes, 2 * 1024 * 1024);
        assert_eq!(
            Links::default().app_registrations,
            crate::portal::portal_link(None, crate::portal::Blade::Overview)
        );
    }
}
