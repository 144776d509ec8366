//! Nylas data regions: the one place that names them (`us`/`eu` in data,
//! "US"/"EU" in sentences).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};

// Kept so existing `wizard_core::regions::…` paths to the redirect-URI items
// keep working; new code uses `crate::redirect_uris`.
pub use crate::redirect_uris::{
    classify_nylas_uri, host_for, loose_form, nylas_redirect_uri, redirect_uris,
    validate_callback_uri, CallbackValidation, KnownNylasUri, NylasHost, RedirectUriSet,
    MAX_URI_LEN, NYLAS_REDIRECT_URIS,
};

/// Nylas data region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Region {
    #[default]
    Us,
    Eu,
}

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
        }
    }

    /// "US" / "EU", as written in sentences and titles.
    pub fn label(self) -> &'static str {
        match self {
            Region::Us => "US",
            Region::Eu => "EU",
        }
    }

    /// The other region (a key used in the wrong region gets a 401).
    pub fn other(self) -> Region {
        match self {
            Region::Us => Region::Eu,
            Region::Eu => Region::Us,
        }
    }
}

impl std::str::FromStr for Region {
    type Err = WizardError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            other => Err(WizardError::invalid_input(format!(
                "\"{other}\" is not a Nylas region; use \"us\" or \"eu\"."
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_parses() {
        assert_eq!(" EU ".parse::<Region>().unwrap(), Region::Eu);
        assert!("asia".parse::<Region>().is_err());
    }

    #[test]
    fn labels_and_other() {
        assert_eq!(Region::Us.label(), "US");
        assert_eq!(Region::Eu.label(), "EU");
        assert_eq!(Region::Us.other(), Region::Eu);
        assert_eq!(Region::Eu.other(), Region::Us);
    }
}
