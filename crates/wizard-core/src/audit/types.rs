//! The audit's public types. Check ids and status names are a public
//! interface (the UI, the CLI's JSON and scripts match on them).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use strum::{EnumCount, VariantArray};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::manifest::ManifestFormat;
use crate::names;
use crate::paths::AuditPath;
use crate::redirect_uris::RedirectUriSet;
use crate::regions::Region;
use crate::scopes::{Feature, Preset, ScopePlan};

/// The stable id of each check, in report order.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum CheckId {
    ClientId,
    Tenant,
    SignInAudience,
    AccessTokenVersion,
    RedirectUris,
    DelegatedScopes,
    ApplicationPermissions,
    LeastPrivilege,
    OfflineAccess,
    ImplicitGrant,
    /// Authentication → Advanced settings → "Allow public client flows".
    PublicClient,
    ClientSecret,
    AdminConsent,
    PublisherVerification,
}

impl CheckId {
    /// Every check, in report (declaration) order.
    pub const ALL: [CheckId; CheckId::COUNT] = names::array(CheckId::VARIANTS);

    /// The stable snake_case id, as serialised.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The sign-in errors this check prevents (diagnose links back here).
    pub fn prevents(self) -> &'static [&'static str] {
        match self {
            CheckId::ClientId => &["AADSTS700016"],
            CheckId::Tenant => &["AADSTS90002"],
            CheckId::SignInAudience => &["AADSTS50020", "AADSTS50194"],
            // Not 9002325/9002326: those come from a browser redeeming a
            // code (cross-origin), never from Nylas's server-side exchange.
            CheckId::RedirectUris => &[
                "AADSTS50011",
                "AADSTS500113",
                "AADSTS9002327",
                "AADSTS700025",
            ],
            // 70011 (a malformed scope in the request) is fixed in the scope list
            // Nylas sends, not in the registration, so no check claims it.
            CheckId::DelegatedScopes => &["AADSTS650053", "AADSTS90008"],
            CheckId::ImplicitGrant => &["AADSTS700054"],
            // A token request without a secret, refused because public
            // client flows are off: the check on that switch explains it.
            CheckId::PublicClient => &["AADSTS7000218"],
            CheckId::ClientSecret => &["AADSTS7000215", "AADSTS7000222"],
            CheckId::AdminConsent => &["AADSTS65001", "AADSTS65004", "AADSTS90094", "AADSTS90095"],
            CheckId::AccessTokenVersion
            | CheckId::OfflineAccess
            | CheckId::ApplicationPermissions
            | CheckId::LeastPrivilege
            | CheckId::PublisherVerification => &[],
        }
    }
}

/// Ordered by severity: `Pass < Warn < Fail`.
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
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[ts(export)]
pub enum FindingStatus {
    Pass,
    Warn,
    Fail,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub check: CheckId,
    pub status: FindingStatus,
    /// One line, second person ("Your app is missing the US redirect URI").
    pub title: String,
    /// One plain sentence: why it matters.
    pub explanation: String,
    /// What to do, with the portal's own labels; `None` when nothing is needed.
    pub fix: Option<String>,
    /// The exact Azure portal blade for this app.
    pub portal_link: String,
    /// The same page by intent, for the window to open.
    pub portal: crate::portal::PortalPage,
    /// AADSTS codes this check prevents.
    pub prevents: Vec<String>,
    /// Check-specific facts (documented per check in the crate docs).
    pub details: Value,
    /// What the fix changes and whether it is safe ("adding a URI doesn't
    /// affect existing sign-ins"); `None` when there is nothing to change.
    pub safety: Option<String>,
    /// For a warning: when it is safe to leave as it is.
    pub ignore_when: Option<String>,
}

impl Finding {
    /// Adds the fix.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Sets one key of `details`.
    pub(crate) fn set(&mut self, key: &str, value: Value) {
        if let Value::Object(map) = &mut self.details {
            map.insert(key.to_owned(), value);
        }
    }
}

/// Who may connect: one organisation, or any.
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
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "lowercase")
)]
#[ts(export)]
pub enum Tenancy {
    /// Only your organization.
    Single,
    /// Any organization.
    Multi,
}

impl Tenancy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::str::FromStr for Tenancy {
    type Err = crate::error::WizardError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(s).ok_or_else(|| {
            crate::error::WizardError::invalid_input(format!(
                "\"{}\" is not a tenancy; use {}.",
                s.trim().to_ascii_lowercase(),
                names::either::<Tenancy>()
            ))
        })
    }
}

/// A client secret the admin pasted, kept only for the "is this the secret
/// ID?" check. Never serialised; `Debug` prints a placeholder.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PastedSecret(String);

impl PastedSecret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PastedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PastedSecret(<redacted>)")
    }
}

/// What to check the app registration for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditRequest {
    pub path: AuditPath,
    #[serde(default)]
    pub preset: Option<Preset>,
    /// Merged with the preset's features.
    #[serde(default)]
    pub features: Vec<Feature>,
    #[serde(default)]
    pub region: Region,
    /// `None`: single when `tenant` names one tenant, else multi.
    #[serde(default)]
    pub tenancy: Option<Tenancy>,
    /// Directory (tenant) ID, a verified domain, `common` or `organizations`.
    #[serde(default)]
    pub tenant: Option<String>,
    /// The client ID the admin will give Nylas, compared with the manifest's.
    #[serde(default)]
    pub client_id: Option<String>,
    /// The customer's own callback URIs (registered with the Nylas app).
    #[serde(default)]
    pub callback_uris: Vec<String>,
    /// The moment to judge secret expiry against (tests); default: now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub now: Option<OffsetDateTime>,
    /// Set only on the Rust side, from the keychain; never crosses IPC.
    #[serde(skip)]
    #[ts(skip)]
    pub pasted_secret: Option<PastedSecret>,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Self {
        let mut s = Summary::default();
        for f in findings {
            match f.status {
                FindingStatus::Pass => s.pass += 1,
                FindingStatus::Warn => s.warn += 1,
                FindingStatus::Fail => s.fail += 1,
            }
        }
        s
    }
}

/// The audit's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditReport {
    pub app_id: Option<String>,
    pub display_name: Option<String>,
    pub path: AuditPath,
    pub region: Region,
    /// The tenancy the app was checked against (after defaulting).
    pub tenancy: Tenancy,
    /// Manifest formats recognised in the file.
    pub formats: Vec<ManifestFormat>,
    /// Notes from reading the manifest (skipped fields, mixed formats).
    pub notes: Vec<String>,
    pub scope_plan: ScopePlan,
    pub redirect_uris: RedirectUriSet,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub checked_at: OffsetDateTime,
    /// One per check, in [`CheckId::ALL`] order.
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl AuditReport {
    /// The finding of one check.
    pub fn finding(&self, check: CheckId) -> Option<&Finding> {
        self.findings.iter().find(|f| f.check == check)
    }

    /// True when no check failed (warnings allowed).
    pub fn passed(&self) -> bool {
        self.summary.fail == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_match_serde() {
        names::assert_matches_serde::<CheckId>();
        assert_eq!(CheckId::ALL.len(), 14);
        assert_eq!(CheckId::ALL[0], CheckId::ClientId);
        assert_eq!(
            CheckId::PublisherVerification.as_str(),
            "publisher_verification"
        );
        assert_eq!(CheckId::PublicClient.as_str(), "public_client");
    }

    #[test]
    fn finding_statuses_match_serde() {
        names::assert_matches_serde::<FindingStatus>();
        assert_eq!(FindingStatus::Warn.as_str(), "warn");
    }

    #[test]
    fn tenancies_match_serde() {
        names::assert_matches_serde::<Tenancy>();
        assert_eq!(" Multi ".parse::<Tenancy>().unwrap(), Tenancy::Multi);
        assert_eq!(
            "some".parse::<Tenancy>().unwrap_err().message,
            "\"some\" is not a tenancy; use \"single\" or \"multi\"."
        );
    }
}
