//! Nylas data regions: the one place that names them (`us`/`eu` in data,
//! "US"/"EU" in sentences).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::names;

/// Nylas data region.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    Default,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "lowercase")
)]
#[ts(export)]
pub enum Region {
    #[default]
    Us,
    Eu,
}

impl Region {
    /// `us` / `eu`, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
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
        names::parse(s).ok_or_else(|| {
            WizardError::invalid_input(format!(
                "\"{}\" is not a Nylas region; use {}.",
                s.trim().to_ascii_lowercase(),
                names::either::<Region>()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde() {
        names::assert_matches_serde::<Region>();
        assert_eq!(Region::Eu.as_str(), "eu");
    }

    #[test]
    fn region_parses() {
        assert_eq!(" EU ".parse::<Region>().unwrap(), Region::Eu);
        let e = "Asia".parse::<Region>().unwrap_err();
        assert_eq!(
            e.message,
            "\"asia\" is not a Nylas region; use \"us\" or \"eu\"."
        );
    }

    #[test]
    fn labels_and_other() {
        assert_eq!(Region::Us.label(), "US");
        assert_eq!(Region::Eu.label(), "EU");
        assert_eq!(Region::Us.other(), Region::Eu);
        assert_eq!(Region::Eu.other(), Region::Us);
    }
}
