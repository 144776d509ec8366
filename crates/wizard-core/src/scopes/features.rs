//! The public names of features and presets (the app types and per-feature
//! scopes of Nylas's "Microsoft Graph scopes" documentation).

use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::names;

/// What the admin's app does with Microsoft data. The kebab-case names are a
/// public interface (CLI `--features`, saved progress, the UI).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
    strum::EnumCount,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "kebab-case")
)]
#[ts(export)]
pub enum Feature {
    MailRead,
    MailModify,
    MailSend,
    CalendarRead,
    CalendarWrite,
    /// Teams meetings created for events (conferencing autocreate).
    Conferencing,
    ContactsRead,
    ContactsWrite,
    Rooms,
    People,
    SharedMailbox,
    SharedCalendar,
}

impl Feature {
    /// Every feature, in display (declaration) order.
    pub const ALL: [Feature; Feature::COUNT] = names::array(Feature::VARIANTS);

    /// The kebab-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the feature means, in the admin's words.
    pub fn label(self) -> &'static str {
        match self {
            Feature::MailRead => "read messages and attachments",
            Feature::MailModify => "update or delete messages, drafts and folders",
            Feature::MailSend => "send email",
            Feature::CalendarRead => "read calendars and free/busy",
            Feature::CalendarWrite => "create or update events",
            Feature::Conferencing => "add Microsoft Teams meetings to events automatically",
            Feature::ContactsRead => "read contacts",
            Feature::ContactsWrite => "read and write contacts",
            Feature::Rooms => "read room and resource calendars",
            Feature::People => "use inbox and domain contact sources",
            Feature::SharedMailbox => "use shared or delegated mailboxes",
            Feature::SharedCalendar => "use shared or delegated calendars",
        }
    }

    /// Parses a comma-separated list (`mail-read,mail-send`); blanks are skipped.
    pub fn parse_list(list: &str) -> Result<Vec<Feature>> {
        let mut out = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let f: Feature = part.parse()?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }
}

impl std::str::FromStr for Feature {
    type Err = WizardError;
    fn from_str(s: &str) -> Result<Self> {
        names::parse(s).ok_or_else(|| {
            WizardError::invalid_input(format!("\"{}\" is not a feature we know.", s.trim()))
                .with_hint(format!("Use one or more of: {}.", names::list::<Feature>()))
        })
    }
}

/// The five app types of Nylas's "Microsoft Graph scopes" documentation, each a set of features.
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
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
    strum::EnumCount,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "kebab-case")
)]
#[ts(export)]
pub enum Preset {
    ReadOnlyInbox,
    EmailClient,
    CalendarScheduler,
    ContactsSync,
    MailCalendar,
}

impl Preset {
    /// Every preset, in display (declaration) order.
    pub const ALL: [Preset; Preset::COUNT] = names::array(Preset::VARIANTS);

    /// The kebab-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::ReadOnlyInbox => "Read-only inbox",
            Preset::EmailClient => "Full email client",
            Preset::CalendarScheduler => "Calendar scheduler",
            Preset::ContactsSync => "Contacts sync",
            Preset::MailCalendar => "Mail plus calendar",
        }
    }

    /// The features behind the preset; with `offline_access` they give exactly
    /// the scopes of the least-privilege table in Nylas's "Microsoft Graph scopes" documentation.
    pub fn features(self) -> &'static [Feature] {
        match self {
            Preset::ReadOnlyInbox => &[Feature::MailRead],
            Preset::EmailClient => &[Feature::MailModify, Feature::MailSend],
            Preset::CalendarScheduler => &[Feature::CalendarWrite],
            Preset::ContactsSync => &[Feature::ContactsRead],
            Preset::MailCalendar => &[
                Feature::MailModify,
                Feature::MailSend,
                Feature::CalendarWrite,
            ],
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = WizardError;
    fn from_str(s: &str) -> Result<Self> {
        names::parse(s).ok_or_else(|| {
            WizardError::invalid_input(format!("\"{}\" is not a preset we know.", s.trim()))
                .with_hint(format!("Use one of: {}.", names::list::<Preset>()))
        })
    }
}

/// A feature as offered on the Features step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FeatureChoice {
    pub id: Feature,
    pub label: String,
}

/// A preset as offered on the Features step, with the features it picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PresetChoice {
    pub id: Preset,
    pub label: String,
    pub features: Vec<Feature>,
}

/// Everything the Features step offers, so the UI never hard-codes names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FeatureChoices {
    pub features: Vec<FeatureChoice>,
    pub presets: Vec<PresetChoice>,
}

/// The features and presets, in display order.
pub fn choices() -> FeatureChoices {
    FeatureChoices {
        features: Feature::ALL
            .iter()
            .map(|f| FeatureChoice {
                id: *f,
                label: f.label().to_string(),
            })
            .collect(),
        presets: Preset::ALL
            .iter()
            .map(|p| PresetChoice {
                id: *p,
                label: p.label().to_string(),
                features: p.features().to_vec(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod choice_tests {
    use super::*;

    #[test]
    fn choices_cover_every_feature_and_preset() {
        let c = choices();
        assert_eq!(c.features.len(), Feature::ALL.len());
        assert_eq!(c.presets.len(), 5);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["presets"][0]["id"], "read-only-inbox");
        assert_eq!(v["presets"][0]["features"][0], "mail-read");
    }

    #[test]
    fn features_match_serde() {
        names::assert_matches_serde::<Feature>();
        assert_eq!(Feature::ALL.len(), 12);
        assert_eq!(Feature::SharedCalendar.as_str(), "shared-calendar");
        let e = "calendar".parse::<Feature>().unwrap_err();
        assert_eq!(e.message, "\"calendar\" is not a feature we know.");
        assert!(e
            .hint
            .unwrap()
            .starts_with("Use one or more of: mail-read, mail-modify, mail-send, "));
    }

    #[test]
    fn presets_match_serde() {
        names::assert_matches_serde::<Preset>();
        assert_eq!(Preset::ALL[0], Preset::ReadOnlyInbox);
        let e = "everything".parse::<Preset>().unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("Use one of: read-only-inbox, email-client, calendar-scheduler, contacts-sync, mail-calendar.")
        );
    }
}
