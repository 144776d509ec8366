//! The five paths an admin can take (README, "What works today") and their steps.
//!
//! This is the single source of truth for the step lists: the UI renders what
//! it gets from here. A step whose `available` is false is not built yet and
//! the UI says so honestly.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::names;

/// Which path the admin chose on the welcome screen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
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
#[ts(export)]
pub enum PathId {
    /// A. Connect Microsoft to Nylas v3 (the main path).
    V3,
    /// B. Microsoft Teams conferencing.
    Teams,
    /// C. Nylas v2: Graph events and shared calendars.
    V2Events,
    /// D. Migrate from Nylas v2 to v3.
    Migrate,
    /// E. Bulk / service-account onboarding.
    Bulk,
}

impl PathId {
    /// Every path, in welcome-screen (declaration) order.
    pub const ALL: [PathId; PathId::COUNT] = names::array(PathId::VARIANTS);

    /// The kebab-case id, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What the Azure app is checked for (and which redirect URIs and scopes it
/// needs). Migration and bulk onboarding use a v3 app, so they map to `V3`.
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
pub enum AuditPath {
    /// Nylas v3 hosted auth.
    #[default]
    V3,
    /// Microsoft Teams conferencing (Nylas v2 beta integrations).
    Teams,
    /// Nylas v2 Graph events and shared calendars.
    V2Events,
}

impl AuditPath {
    /// Every audit path, in declaration order.
    pub const ALL: [AuditPath; AuditPath::COUNT] = names::array(AuditPath::VARIANTS);

    /// The kebab-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditPath::V3 => "Nylas v3",
            AuditPath::Teams => "Microsoft Teams conferencing",
            AuditPath::V2Events => "Nylas v2 Graph events",
        }
    }
}

impl From<PathId> for AuditPath {
    fn from(p: PathId) -> Self {
        match p {
            PathId::Teams => AuditPath::Teams,
            PathId::V2Events => AuditPath::V2Events,
            PathId::V3 | PathId::Migrate | PathId::Bulk => AuditPath::V3,
        }
    }
}

impl From<AuditPath> for PathId {
    /// The path whose Azure app is checked this way (v3's own path for v3).
    fn from(p: AuditPath) -> Self {
        match p {
            AuditPath::V3 => PathId::V3,
            AuditPath::Teams => PathId::Teams,
            AuditPath::V2Events => PathId::V2Events,
        }
    }
}

impl std::str::FromStr for AuditPath {
    type Err = WizardError;
    fn from_str(s: &str) -> Result<Self> {
        names::parse(s).ok_or_else(|| {
            WizardError::invalid_input(format!("\"{}\" is not a path we know.", s.trim()))
                .with_hint(format!("Use one of: {}.", names::list::<AuditPath>()))
        })
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepInfo {
    /// Stable id (kebab-case), also used in the saved progress.
    pub id: String,
    /// Short title for the step list.
    pub title: String,
    /// One sentence: what happens in this step.
    pub summary: String,
    /// False while the step is not built yet.
    pub available: bool,
}

/// A path as shown on the welcome screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PathInfo {
    pub id: PathId,
    /// "A" to "E", as in the product documents.
    pub letter: String,
    pub title: String,
    /// Plain-language description for a non-developer.
    pub summary: String,
    /// Who this path is for, in one sentence.
    pub when_to_choose: String,
    pub steps: Vec<StepInfo>,
}

fn step(id: &str, title: &str, summary: &str) -> StepInfo {
    StepInfo {
        id: id.into(),
        title: title.into(),
        summary: summary.into(),
        available: AVAILABLE_STEPS.contains(&id),
    }
}

/// Ids of the steps whose status follows from the answers (see `state`).
pub const FEATURES_STEP: &str = "features";
pub const REGION_STEP: &str = "region";
pub const AZURE_APP_STEP: &str = "azure-app";

/// Steps that are built. Everything else is shown as "not built yet".
const AVAILABLE_STEPS: &[&str] = &[FEATURES_STEP, REGION_STEP, AZURE_APP_STEP];

/// Every path with its steps, in welcome-screen order.
pub fn all_paths() -> Vec<PathInfo> {
    PathId::ALL.iter().map(|p| path_info(*p)).collect()
}

/// One path with its steps.
pub fn path_info(id: PathId) -> PathInfo {
    match id {
        PathId::V3 => PathInfo {
            id,
            letter: "A".into(),
            title: "Connect Microsoft to Nylas".into(),
            summary: "Let people sign in with Microsoft 365 or Outlook accounts through Nylas v3, with only the permissions you need.".into(),
            when_to_choose: "Choose this if you are setting up Nylas v3 for Microsoft accounts for the first time.".into(),
            steps: vec![
                step(FEATURES_STEP, "Features", "Pick what your app does with mail, calendars and contacts; we work out the permissions."),
                step(REGION_STEP, "Region", "Pick where your Nylas data lives (US or EU); we list the redirect URIs to use."),
                step(AZURE_APP_STEP, "Azure app", "Check your Azure app registration and fix what is missing."),
                step("nylas-account", "Nylas account", "Enter your Nylas API key; we check it and its region."),
                step("connector", "Microsoft connector", "Create or update the Microsoft connector in Nylas."),
                step("callback-uris", "Callback URIs", "Register your own callback URIs with your Nylas application."),
                step("test-sign-in", "Test sign-in", "Sign in with a real account to prove everything works."),
                step("report", "Report", "Save a report of what was checked and configured."),
            ],
        },
        PathId::Teams => PathInfo {
            id,
            letter: "B".into(),
            title: "Microsoft Teams meetings".into(),
            summary: "Let Nylas create Microsoft Teams meetings for your users' calendar events.".into(),
            when_to_choose: "Choose this if you want Teams links added to events automatically.".into(),
            steps: vec![
                step(FEATURES_STEP, "Features", "Pick what your app does with mail, calendars and contacts; we work out the permissions."),
                step(REGION_STEP, "Region", "Pick your Nylas region; we list the Teams redirect URI to use."),
                step(AZURE_APP_STEP, "Azure app", "Check your Azure app for Teams: permissions, redirect URI, tokens and secret."),
                step("teams-integration", "Teams integration", "Create the Microsoft Teams integration in Nylas."),
                step("connect-accounts", "Connect accounts", "Connect each user's Microsoft account and confirm it worked."),
                step("report", "Report", "Save a report of what was checked and configured."),
            ],
        },
        PathId::V2Events => PathInfo {
            id,
            letter: "C".into(),
            title: "Nylas v2: Graph events and shared calendars".into(),
            summary: "Connect accounts to Nylas v2 through Microsoft Graph, including shared calendars.".into(),
            when_to_choose: "Choose this only if you still run on Nylas v2 and need Graph events.".into(),
            steps: vec![
                step(FEATURES_STEP, "Features", "Pick calendar features, including shared calendars, and see what they mean for billing."),
                step(AZURE_APP_STEP, "Azure app", "Check your Azure app registration for Graph calendar access."),
                step("native-auth", "Connect accounts", "Authorize accounts with Nylas v2 native authentication."),
                step("report", "Report", "Save a report of what was checked and configured."),
            ],
        },
        PathId::Migrate => PathInfo {
            id,
            letter: "D".into(),
            title: "Move from Nylas v2 to v3".into(),
            summary: "Translate your v2 setup to v3: new Azure app, new redirect URIs, connector and account import.".into(),
            when_to_choose: "Choose this if you have Microsoft accounts on Nylas v2 today.".into(),
            steps: vec![
                step("scopes", "Permissions", "Translate your v2 scopes to Microsoft Graph permissions."),
                step(REGION_STEP, "Region", "Pick your v3 region and its redirect URIs."),
                step(AZURE_APP_STEP, "New Azure app", "Check the new Graph-based Azure app that v3 needs."),
                step("connector", "Microsoft connector", "Configure the Microsoft connector in Nylas v3."),
                step("accounts", "Accounts", "Sort your exported v2 accounts into what can be imported and what needs action."),
                step("ews", "Exchange on-premises", "Set up the EWS connector for on-premises Exchange, if you have it."),
                step("report", "Report", "Save a report of what was checked and configured."),
            ],
        },
        PathId::Bulk => PathInfo {
            id,
            letter: "E".into(),
            title: "Bulk onboarding with admin consent".into(),
            summary: "Connect many mailboxes at once with one admin consent per Microsoft tenant.".into(),
            when_to_choose: "Choose this if you connect whole organisations rather than one user at a time.".into(),
            steps: vec![
                step("explain", "What changed", "Why service accounts and ApplicationImpersonation no longer work, and what replaces them."),
                step("credential", "Admin-consent credential", "Create the admin-consent credential in Nylas for each tenant."),
                step("admin-consent", "Admin consent", "Open the admin-consent link for a tenant and confirm it."),
                step("tenants", "Many tenants", "Onboard many tenants from a CSV file, with progress and resume."),
                step("report", "Report", "Save a report of what was checked and configured."),
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_paths_with_unique_step_ids() {
        let paths = all_paths();
        assert_eq!(paths.len(), 5);
        let letters: Vec<_> = paths.iter().map(|p| p.letter.as_str()).collect();
        assert_eq!(letters, ["A", "B", "C", "D", "E"]);
        for p in &paths {
            assert!(!p.steps.is_empty());
            let mut ids: Vec<_> = p.steps.iter().map(|s| &s.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), p.steps.len(), "duplicate step id in {:?}", p.id);
            assert_eq!(p.steps.last().unwrap().id, "report");
        }
    }

    #[test]
    fn built_steps_are_available() {
        let v3 = path_info(PathId::V3);
        let available: Vec<_> = v3
            .steps
            .iter()
            .filter(|s| s.available)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(available, ["features", "region", "azure-app"]);
        assert!(!path_info(PathId::Bulk).steps.iter().any(|s| s.available));
    }

    #[test]
    fn teams_path_picks_features_before_region() {
        let ids: Vec<_> = path_info(PathId::Teams)
            .steps
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(&ids[..3], [FEATURES_STEP, REGION_STEP, AZURE_APP_STEP]);
    }

    #[test]
    fn path_ids_match_serde() {
        names::assert_matches_serde::<PathId>();
        assert_eq!(serde_json::to_value(PathId::V2Events).unwrap(), "v2-events");
        assert_eq!(PathId::ALL[0], PathId::V3);
        assert_eq!(PathId::ALL.len(), 5);
    }

    #[test]
    fn audit_paths_match_serde() {
        names::assert_matches_serde::<AuditPath>();
        assert_eq!(AuditPath::V2Events.as_str(), "v2-events");
        let e = "v4".parse::<AuditPath>().unwrap_err();
        assert_eq!(e.message, "\"v4\" is not a path we know.");
        assert_eq!(e.hint.as_deref(), Some("Use one of: v3, teams, v2-events."));
        assert_eq!(AuditPath::from(PathId::Migrate), AuditPath::V3);
    }
}
