//! Path D (issue 12): moving Microsoft accounts from Nylas v2 to v3. Its
//! first steps: the v2 scopes translated to Graph ([`scopes`]) and the
//! exported v2 accounts sorted into seed 002's four classes ([`classify`]).
//! What each step leaves in the answers is a record here (never an email
//! address: the list itself stays with the admin).

pub mod checklist;
pub mod classify;
pub mod exchange;
pub mod scopes;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::scopes::Feature;
pub use classify::{classify, reauth_csv, AccountClass, Classification};
pub use scopes::{parse_v2_scopes, translate, translate_text, ScopeTranslation, V2Scope};

/// Now, as the records keep it (RFC 3339, UTC).
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What the Permissions step of path D translated; its features are also
/// the v3 features the Azure app step checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MigrateScopesRecord {
    pub v2_scopes: Vec<V2Scope>,
    pub features: Vec<Feature>,
    /// The Graph scope names, `offline_access` included.
    pub scopes: Vec<String>,
    /// RFC 3339.
    pub at: String,
}

impl MigrateScopesRecord {
    pub fn of(t: &ScopeTranslation, at: String) -> Self {
        Self {
            v2_scopes: t.v2_scopes.clone(),
            features: t.features.clone(),
            scopes: t.scopes.clone(),
            at,
        }
    }
}

/// What the Accounts step of path D found in the export: counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MigrateAccountsRecord {
    /// Rows read.
    pub total: u32,
    /// Accounts per class, seed 002's order (1–4).
    pub counts: Vec<u32>,
    pub unclassified: u32,
    /// Accounts that must sign in again (classes 2–4).
    pub reauth: u32,
    pub needs_ews_connector: bool,
    /// The file's name, when it came from a file.
    pub source: Option<String>,
    /// RFC 3339.
    pub at: String,
}

impl MigrateAccountsRecord {
    pub fn of(c: &Classification, source: Option<String>, at: String) -> Self {
        Self {
            total: c.total,
            counts: c.counts.iter().map(|k| k.count).collect(),
            unclassified: u32::try_from(c.unclassified.len()).unwrap_or(u32::MAX),
            reauth: c.reauth,
            needs_ews_connector: c.needs_ews_connector,
            source,
            at,
        }
    }

    /// Why the step needs a look, if it does.
    pub fn problem(&self) -> Option<String> {
        match self.unclassified {
            0 => None,
            1 => Some("1 row of the account list couldn't be sorted.".into()),
            n => Some(format!("{n} rows of the account list couldn't be sorted.")),
        }
    }
}
