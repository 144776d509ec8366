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
use crate::portal::DocTopic;

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

/// A page of the Nylas or Microsoft documentation (or dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocLink {
    pub label: String,
    /// Opened by intent (`open_docs`); the window never opens a URL itself.
    pub topic: DocTopic,
    /// The address, shown so it can be copied.
    pub url: String,
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
    /// While the step isn't built: how to do it by hand, in order (empty
    /// once it is built), so the wizard is never a dead end.
    pub by_hand: Vec<String>,
    /// The documentation pages for doing it by hand.
    pub docs: Vec<DocLink>,
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
    /// The journey before Start: about how long it takes.
    pub duration: String,
    /// What the admin needs at hand (roles, logins, facts), one per line.
    pub needs: Vec<String>,
    /// What they have at the end.
    pub outcome: String,
    /// How many of `steps` this version can do.
    pub steps_built: u32,
    /// The same as a sentence for the overview.
    pub built_note: String,
    /// The same, shorter, for the path card.
    pub built_card: String,
}

/// A step as declared; `path_info` decides whether it is built.
fn step(id: &str, title: &str, summary: &str) -> StepInfo {
    StepInfo {
        id: id.into(),
        title: title.into(),
        summary: summary.into(),
        available: false,
        by_hand: Vec::new(),
        docs: Vec::new(),
    }
}

/// Marks what this version builds on `path`; the rest says how to do it by hand.
fn mark_built(path: PathId, mut p: PathInfo) -> PathInfo {
    for s in &mut p.steps {
        s.available = is_built(path, &s.id);
        if !s.available {
            (s.by_hand, s.docs) = by_hand(&s.id);
        }
    }
    p
}

fn doc(label: &str, topic: DocTopic) -> DocLink {
    DocLink {
        label: label.into(),
        topic,
        url: topic.url(),
    }
}

/// How to do a step that isn't built yet by hand, and where it is documented.
fn by_hand(id: &str) -> (Vec<String>, Vec<DocLink>) {
    let dashboard = || doc("Nylas dashboard", DocTopic::NylasDashboard);
    let nylas_docs = || doc("Nylas documentation", DocTopic::NylasDocs);
    let azure_guide = || {
        doc(
            "Nylas: Create an Azure auth app",
            DocTopic::NylasAzureAppGuide,
        )
    };
    let consent = || {
        doc(
            "Microsoft: Grant admin consent",
            DocTopic::MicrosoftAdminConsent,
        )
    };
    let lines: &[&str] = match id {
        "nylas-account" => &[
            "Sign in to the Nylas dashboard and open your application.",
            "Check which region it is in (US or EU): it must match the region you picked here.",
            "Under API Keys, create a key for this setup and keep it somewhere safe.",
        ],
        "connector" => &[
            "In the Nylas dashboard, open your application, then Connectors, then Microsoft.",
            "Enter the Application (client) ID and a client secret from your Azure app, and your tenant (or \"common\").",
            "Add the same permissions (scopes) the Features step listed, then save.",
            "In the Nylas dashboard, open your application, then Hosted authentication, then Callback URIs.",
            "Add each address of your own app that Nylas should send people back to after they sign in.",
        ],
        "test-sign-in" => &[
            "Start a sign-in from your own app (or the Nylas dashboard's test sign-in) with a real Microsoft 365 account.",
            "If Microsoft shows an AADSTS code, paste the message into Diagnose in this wizard.",
        ],
        "report" => &[
            "Write down what you set up: the Azure app's Application (client) ID, the tenant, the region, the permissions and the redirect URIs.",
            "Never write down the client secret or the API key.",
        ],
        "nylas-v2" => &[
            "Sign in to the Nylas v2 dashboard and open your application's App Settings.",
            "Copy its client ID and client secret; keep the secret somewhere safe.",
        ],
        "teams-integration" => &[
            "Create the Microsoft Teams integration for your Nylas application, using the Azure app's client ID and secret.",
            "Nylas documents the Teams integration in its conferencing guides.",
        ],
        "connect-accounts" => &[
            "Have each user connect their Microsoft account from your app.",
            "Create a test event with a Teams meeting to confirm the link is added.",
        ],
        "native-auth" => &[
            "Connect each account with Nylas v2 native authentication, as the Nylas v2 documentation describes.",
            "Use the Azure app you checked here; an admin may need to grant consent first.",
        ],
        "scopes" => &[
            "List the scopes your v2 app uses today.",
            "For v3, pick the matching Microsoft Graph permissions: the Features step of path A works them out for you.",
        ],
        "accounts" => &[
            "Export your Nylas v2 accounts.",
            "Re-connect each account through Nylas v3 hosted authentication; Nylas documents the upgrade from v2 to v3.",
        ],
        "ews" => &[
            "If you run Exchange on your own servers, create the EWS connector in the Nylas dashboard (Connectors → EWS).",
            "Skip this step if all your mailboxes are in Microsoft 365.",
        ],
        "explain" => &[
            "Microsoft retired ApplicationImpersonation in May 2024: new Nylas v2 service accounts can't be created (existing ones keep working).",
            "In Nylas v3, each Microsoft tenant gets an admin-consent credential instead.",
        ],
        "tenants" => &[
            "In Nylas, create an admin-consent credential for each Microsoft tenant (Connectors → Microsoft → Credentials), with a unique name and the tenant's ID.",
        ],
        "consent" => &[
            "A Global Administrator (or Privileged Role Administrator) of each tenant opens the Nylas admin-consent link for that tenant's credential and accepts.",
        ],
        "grants" => &[
            "For each mailbox, call POST /v3/connect/custom with the provider microsoft, the email address and the credential ID of the user's tenant.",
        ],
        "service-accounts" => &[
            "Only for existing v2 setups: authorize the user with the service account's refresh token and service_account: true; the service account's domain must match the user's.",
        ],
        _ => &[],
    };
    let docs = match id {
        "nylas-account" | "nylas-v2" => vec![dashboard(), nylas_docs()],
        "connector" | "teams-integration" | "ews" => vec![dashboard(), azure_guide()],
        "test-sign-in" | "report" | "connect-accounts" | "native-auth" | "scopes" | "accounts" => {
            vec![nylas_docs(), azure_guide()]
        }
        "explain" | "tenants" | "consent" | "grants" | "service-accounts" => {
            vec![consent(), nylas_docs()]
        }
        _ => vec![
            nylas_docs(),
            doc("Microsoft: Register an app", DocTopic::MicrosoftRegisterApp),
        ],
    };
    (lines.iter().map(|l| (*l).to_string()).collect(), docs)
}

/// What every path needs at hand, plus what is particular to it.
fn needs(extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        "An Entra role that can edit app registrations and grant admin consent: Application Administrator or Cloud Application Administrator (or Global Administrator). If you don't have one, the wizard tells you what to ask for.".to_string(),
        "A login to the Nylas dashboard for your application.".to_string(),
        "The region your Nylas account is in (US or EU). Not sure? The Nylas dashboard shows it.".to_string(),
    ];
    v.extend(extra.iter().map(|s| (*s).to_string()));
    v
}

/// Fills in the journey fields that follow from the steps.
fn journey(mut p: PathInfo, duration: &str, needs: Vec<String>, outcome: &str) -> PathInfo {
    let built = p.steps.iter().filter(|s| s.available).count();
    p.steps_built = u32::try_from(built).unwrap_or(u32::MAX);
    p.built_note = match built {
        0 => "Nothing on this path is built yet in this version: it shows you what to do by hand.".into(),
        n if n == p.steps.len() => format!("This version can do all {n} steps."),
        n => format!(
            "This version can do {n} of its {} steps; for the rest it tells you what to do by hand.",
            p.steps.len()
        ),
    };
    p.built_card = match built {
        n if n == 0 || n == p.steps.len() => p.built_note.clone(),
        n => format!("This version can do {n} of its {} steps.", p.steps.len()),
    };
    p.duration = duration.into();
    p.needs = needs;
    p.outcome = outcome.into();
    p
}

/// Ids of the steps whose status follows from the answers (see `state`).
pub const FEATURES_STEP: &str = "features";
pub const REGION_STEP: &str = "region";
pub const AZURE_APP_STEP: &str = "azure-app";
/// Path A's Nylas steps. `connector` keeps its id (saved progress uses it)
/// but now covers the connector, callback URIs and extra tenants.
pub const NYLAS_ACCOUNT_STEP: &str = "nylas-account";
pub const CONFIGURE_NYLAS_STEP: &str = "connector";
pub const TEST_SIGN_IN_STEP: &str = "test-sign-in";
pub const REPORT_STEP: &str = "report";

/// Paths B and C (Nylas v2): the v2 application's client id and secret, the
/// Teams integration and its accounts, and v2 native authentication.
pub const NYLAS_V2_STEP: &str = "nylas-v2";
pub const TEAMS_INTEGRATION_STEP: &str = "teams-integration";
pub const CONNECT_ACCOUNTS_STEP: &str = "connect-accounts";
pub const NATIVE_AUTH_STEP: &str = "native-auth";
/// Path D (migration): v2 scopes → Graph, and the exported v2 accounts.
pub const MIGRATE_SCOPES_STEP: &str = "scopes";
pub const MIGRATE_ACCOUNTS_STEP: &str = "accounts";
/// Path D: the EWS connector, needed only for Exchange on-premises accounts.
pub const MIGRATE_EWS_STEP: &str = "ews";

/// Path E (bulk): what changed, the tenants' admin-consent credentials, the
/// consent links, the mailboxes' grants, and v2 service accounts (existing
/// setups only).
pub const BULK_EXPLAIN_STEP: &str = "explain";
pub const BULK_TENANTS_STEP: &str = "tenants";
pub const BULK_CONSENT_STEP: &str = "consent";
pub const BULK_GRANTS_STEP: &str = "grants";
pub const BULK_SERVICE_ACCOUNTS_STEP: &str = "service-accounts";

/// Steps built on every path. Everything else is shown as "not built yet".
const COMMON_BUILT: &[&str] = &[FEATURES_STEP, REGION_STEP, AZURE_APP_STEP];

/// Steps built only on path A (the same ids mean other work on other paths,
/// e.g. migration's "connector" reconfigures an imported one).
const PATH_A_BUILT: &[&str] = &[
    NYLAS_ACCOUNT_STEP,
    CONFIGURE_NYLAS_STEP,
    TEST_SIGN_IN_STEP,
    REPORT_STEP,
];

/// Steps built only on path B (Teams). Add a step here once its view works.
const PATH_B_BUILT: &[&str] = &[
    NYLAS_V2_STEP,
    TEAMS_INTEGRATION_STEP,
    CONNECT_ACCOUNTS_STEP,
    REPORT_STEP,
];

/// Steps built only on path C (v2 Graph events).
const PATH_C_BUILT: &[&str] = &[NYLAS_V2_STEP, NATIVE_AUTH_STEP, REPORT_STEP];

/// Steps built only on path D (migration).
const PATH_D_BUILT: &[&str] = &[
    MIGRATE_SCOPES_STEP,
    NYLAS_ACCOUNT_STEP,
    CONFIGURE_NYLAS_STEP,
    MIGRATE_ACCOUNTS_STEP,
    MIGRATE_EWS_STEP,
    REPORT_STEP,
];

/// Steps built only on path E (bulk).
const PATH_E_BUILT: &[&str] = &[
    BULK_EXPLAIN_STEP,
    NYLAS_ACCOUNT_STEP,
    CONFIGURE_NYLAS_STEP,
    BULK_TENANTS_STEP,
    BULK_CONSENT_STEP,
    BULK_GRANTS_STEP,
    BULK_SERVICE_ACCOUNTS_STEP,
    REPORT_STEP,
];

/// Whether this version can do `step` on `path`.
pub fn is_built(path: PathId, step: &str) -> bool {
    let own = match path {
        PathId::V3 => PATH_A_BUILT,
        PathId::Teams => PATH_B_BUILT,
        PathId::V2Events => PATH_C_BUILT,
        PathId::Migrate => PATH_D_BUILT,
        PathId::Bulk => PATH_E_BUILT,
    };
    COMMON_BUILT.contains(&step) || own.contains(&step)
}

/// Every path with its steps, in welcome-screen order.
pub fn all_paths() -> Vec<PathInfo> {
    PathId::ALL.iter().map(|p| path_info(*p)).collect()
}

/// One path with its steps.
pub fn path_info(id: PathId) -> PathInfo {
    let p = mark_built(id, base_path_info(id));
    match id {
        PathId::V3 => journey(p, "About 20 minutes.", needs(&[]), "An Azure app checked against what Nylas v3 needs, with the permissions your features use and the right redirect URI; then a Microsoft connector in Nylas that people can sign in through."),
        PathId::Teams => journey(p, "About 20 minutes.", needs(&["Someone who can turn on Teams meetings for your users (your Teams administrator)."]), "An Azure app ready for Teams meetings, with the Teams redirect URI and permissions; then Teams links added to your users' events by Nylas."),
        PathId::V2Events => journey(p, "About 15 minutes.", needs(&["Your Nylas v2 application's details."]), "An Azure app checked for Graph calendar access on Nylas v2, including shared calendars."),
        PathId::Migrate => journey(p, "About 45 minutes, plus moving the accounts.", needs(&["Your Nylas v2 setup: the scopes it uses and an export of its accounts."]), "A new Azure app for Nylas v3 with the permissions that match your v2 scopes, and a plan for each account."),
        PathId::Bulk => journey(p, "About 30 minutes per tenant.", needs(&["For each customer tenant: someone who is Global Administrator or Privileged Role Administrator there."]), "One admin consent per tenant, and every mailbox of that tenant connected without each user signing in."),
    }
}

/// The paths and their steps, before the journey fields are filled in.
fn base_path_info(id: PathId) -> PathInfo {
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
                step(NYLAS_ACCOUNT_STEP, "Nylas account", "Enter your Nylas API key; we check it and its region."),
                step(CONFIGURE_NYLAS_STEP, "Configure Nylas", "Create or update the Microsoft connector and register your callback URIs, after you see exactly what changes."),
                step(TEST_SIGN_IN_STEP, "Test sign-in", "Sign in with a real account to prove everything works."),
                step(REPORT_STEP, "Done", "See what was checked and configured, and save the report."),
            ],
            duration: String::new(),
            needs: Vec::new(),
            outcome: String::new(),
            steps_built: 0,
            built_note: String::new(),
            built_card: String::new(),
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
                step(NYLAS_V2_STEP, "Nylas v2 app", "Enter your Nylas v2 application's client ID and secret; we check them."),
                step(TEAMS_INTEGRATION_STEP, "Teams integration", "Create the Microsoft Teams integration in Nylas, after you see exactly what is sent."),
                step(CONNECT_ACCOUNTS_STEP, "Connect accounts", "Connect each user's Microsoft account and confirm it worked."),
                step(REPORT_STEP, "Done", "See what was checked and configured, and save the report."),
            ],
            duration: String::new(),
            needs: Vec::new(),
            outcome: String::new(),
            steps_built: 0,
            built_note: String::new(),
            built_card: String::new(),
        },
        PathId::V2Events => PathInfo {
            id,
            letter: "C".into(),
            title: "Nylas v2: Graph events and shared calendars".into(),
            summary: "Connect accounts to Nylas v2 through Microsoft Graph, including shared calendars.".into(),
            when_to_choose: "Choose this only if you still run on Nylas v2 and need Graph events.".into(),
            steps: vec![
                step(FEATURES_STEP, "Features", "Pick calendar features, including shared calendars, and see what they mean for billing."),
                step(REGION_STEP, "Region", "Pick where your Nylas v2 application lives (US or EU)."),
                step(AZURE_APP_STEP, "Azure app", "Check your Azure app registration for Graph calendar access."),
                step(NYLAS_V2_STEP, "Nylas v2 app", "Enter your Nylas v2 application's client ID and secret; we check them."),
                step(NATIVE_AUTH_STEP, "Connect accounts", "Authorize accounts with Nylas v2 native authentication."),
                step(REPORT_STEP, "Done", "See what was checked and configured, and save the report."),
            ],
            duration: String::new(),
            needs: Vec::new(),
            outcome: String::new(),
            steps_built: 0,
            built_note: String::new(),
            built_card: String::new(),
        },
        PathId::Migrate => PathInfo {
            id,
            letter: "D".into(),
            title: "Move from Nylas v2 to v3".into(),
            summary: "Translate your v2 setup to v3: new Azure app, new redirect URIs, connector and account import.".into(),
            when_to_choose: "Choose this if you have Microsoft accounts on Nylas v2 today.".into(),
            steps: vec![
                step(MIGRATE_SCOPES_STEP, "Permissions", "Translate your v2 scopes to Microsoft Graph permissions."),
                step(REGION_STEP, "Region", "Pick your v3 region and its redirect URIs."),
                step(AZURE_APP_STEP, "New Azure app", "Check the new Graph-based Azure app that v3 needs."),
                step(NYLAS_ACCOUNT_STEP, "Nylas account", "Enter your Nylas v3 API key; we check it and its region."),
                step(CONFIGURE_NYLAS_STEP, "Microsoft connector", "Give the Microsoft connector that Nylas imported your new Azure app's settings, after you see what changes."),
                step(MIGRATE_ACCOUNTS_STEP, "Accounts", "Sort your exported v2 accounts into what can be imported and what needs action."),
                step(MIGRATE_EWS_STEP, "Exchange on-premises", "Set up the EWS connector for on-premises Exchange, if you have it."),
                step(REPORT_STEP, "Done", "See the migration checklist, what was checked and configured, and save the report."),
            ],
            duration: String::new(),
            needs: Vec::new(),
            outcome: String::new(),
            steps_built: 0,
            built_note: String::new(),
            built_card: String::new(),
        },
        PathId::Bulk => PathInfo {
            id,
            letter: "E".into(),
            title: "Bulk onboarding with admin consent".into(),
            summary: "Connect many mailboxes at once with one admin consent per Microsoft tenant.".into(),
            when_to_choose: "Choose this if you connect whole organisations rather than one user at a time.".into(),
            steps: vec![
                step(BULK_EXPLAIN_STEP, "What changed", "Why v2 service accounts and ApplicationImpersonation no longer work, and what replaces them."),
                step(FEATURES_STEP, "Features", "Pick what your app does with mail, calendars and contacts; we work out the permissions."),
                step(REGION_STEP, "Region", "Pick where your Nylas data lives (US or EU); we list the redirect URIs to use."),
                step(AZURE_APP_STEP, "Azure app", "Check the multi-tenant Azure app every tenant will consent to."),
                step(NYLAS_ACCOUNT_STEP, "Nylas account", "Enter your Nylas API key; we check it and its region."),
                step(CONFIGURE_NYLAS_STEP, "Microsoft connector", "Create or update the Microsoft connector the tenants' mailboxes will use, after you see what changes."),
                step(BULK_TENANTS_STEP, "Tenants", "Create an admin-consent credential in Nylas for each tenant in your CSV file, with progress and resume."),
                step(BULK_CONSENT_STEP, "Admin consent", "Open each tenant's admin-consent link, or export the links for the tenants' admins, and confirm consent."),
                step(BULK_GRANTS_STEP, "Mailboxes", "Connect the mailboxes in your CSV file without each user signing in, with progress and resume."),
                step(BULK_SERVICE_ACCOUNTS_STEP, "v2 service accounts", "Only for existing Nylas v2 service-account setups: add one more user the v2 way."),
                step(REPORT_STEP, "Done", "See what was created and connected, and what is still to do."),
            ],
            duration: String::new(),
            needs: Vec::new(),
            outcome: String::new(),
            steps_built: 0,
            built_note: String::new(),
            built_card: String::new(),
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
        assert_eq!(
            available,
            [
                "features",
                "region",
                "azure-app",
                "nylas-account",
                "connector",
                "test-sign-in",
                "report"
            ]
        );
        // Path E: until its own steps are built, only the shared ones are.
        for s in &path_info(PathId::Bulk).steps {
            assert_eq!(s.available, is_built(PathId::Bulk, &s.id), "{}", s.id);
        }
    }

    #[test]
    fn every_path_has_a_journey_and_says_how_much_is_built() {
        for p in all_paths() {
            assert!(p.duration.starts_with("About "), "{:?}", p.id);
            assert!(p.needs.len() >= 3, "{:?}", p.id);
            assert!(p.needs[0].contains("Application Administrator"));
            assert!(p.needs.iter().any(|n| n.contains("Nylas dashboard")));
            assert!(p.needs.iter().any(|n| n.contains("region")));
            assert!(!p.outcome.is_empty());
            let built = p.steps.iter().filter(|s| s.available).count();
            assert_eq!(p.steps_built as usize, built);
        }
        assert_eq!(
            path_info(PathId::V3).built_note,
            "This version can do all 7 steps."
        );
        assert_eq!(
            path_info(PathId::V3).built_card,
            "This version can do all 7 steps."
        );
        assert_eq!(path_info(PathId::Migrate).steps_built, 8);
        let bulk = path_info(PathId::Bulk);
        if (bulk.steps_built as usize) < bulk.steps.len() {
            assert!(
                bulk.built_note
                    .contains(&format!(" of its {} steps", bulk.steps.len())),
                "{}",
                bulk.built_note
            );
        }
    }

    #[test]
    fn steps_not_built_say_what_to_do_by_hand_with_docs() {
        for p in all_paths() {
            for s in &p.steps {
                if s.available {
                    assert!(s.by_hand.is_empty() && s.docs.is_empty(), "{}", s.id);
                    continue;
                }
                assert!(!s.by_hand.is_empty(), "{} has no by-hand steps", s.id);
                assert!(!s.docs.is_empty(), "{} has no docs", s.id);
                for d in &s.docs {
                    let host = d.url.strip_prefix("https://").unwrap().split('/').next();
                    assert!(
                        matches!(
                            host,
                            Some(
                                "developer.nylas.com"
                                    | "dashboard-v3.nylas.com"
                                    | "learn.microsoft.com"
                            )
                        ),
                        "{}",
                        d.url
                    );
                }
            }
        }
        // Migration's connector step is built: nothing by hand there, and
        // its API key step comes first.
        let steps = path_info(PathId::Migrate).steps;
        let at = |id: &str| steps.iter().position(|s| s.id == id).unwrap();
        assert!(steps[at("connector")].available && steps[at("connector")].by_hand.is_empty());
        assert_eq!(at(NYLAS_ACCOUNT_STEP) + 1, at("connector"));
        assert!(steps[at(MIGRATE_EWS_STEP)].available);
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
