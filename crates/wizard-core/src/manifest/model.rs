//! The format-neutral model of an app registration. Manifest files of every
//! format (and, later, a live Microsoft Graph read) produce this same shape.
//!
//! `Option` means "the source didn't say": a check must then say what it
//! could not see rather than guess.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::catalog::PermissionKind;

/// Where a redirect URI is registered (the portal's "platform").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Platform {
    /// Web (server-side apps; the only platform Nylas can use).
    #[serde(rename = "web")]
    Web,
    /// Single-page application.
    #[serde(rename = "spa")]
    Spa,
    /// Mobile and desktop applications.
    #[serde(rename = "publicClient")]
    PublicClient,
}

impl Platform {
    /// The portal's name for the platform.
    pub fn portal_label(self) -> &'static str {
        match self {
            Platform::Web => "Web",
            Platform::Spa => "Single-page application",
            Platform::PublicClient => "Mobile and desktop applications",
        }
    }
}

#[derive(Debug, Clone, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RedirectUri {
    pub uri: String,
    pub platform: Platform,
}

// By hand so the complexity test can count every comparison of two URIs,
// wherever it happens (a list's `contains`, a set, a check).
impl PartialEq for RedirectUri {
    fn eq(&self, other: &Self) -> bool {
        #[cfg(test)]
        comparisons::bump();
        self.uri == other.uri && self.platform == other.platform
    }
}

impl std::hash::Hash for RedirectUri {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.uri.hash(state);
        self.platform.hash(state);
    }
}

/// How many times two redirect URIs were compared on this thread (tests).
#[cfg(test)]
pub(crate) mod comparisons {
    use std::cell::Cell;

    thread_local! {
        static COUNT: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn bump() {
        COUNT.with(|c| c.set(c.get() + 1));
    }

    /// The count so far, reset to zero.
    pub(crate) fn take() -> u64 {
        COUNT.with(|c| c.replace(0))
    }
}

/// "Implicit grant and hybrid flows" on the Authentication blade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImplicitGrant {
    /// "Access tokens (used for implicit flows)".
    pub access_tokens: Option<bool>,
    /// "ID tokens (used for implicit and hybrid flows)".
    pub id_tokens: Option<bool>,
}

/// One entry of `requiredResourceAccess`, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ResourceAccess {
    /// Lower-case resource app id.
    pub resource_app_id: String,
    /// Lower-case permission id (as written when it isn't a GUID).
    pub id: String,
    pub kind: PermissionKind,
}

/// A client secret's metadata. The secret's value is never read or kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PasswordCredential {
    /// The "Secret ID" column of Certificates & secrets.
    pub key_id: Option<String>,
    /// The "Description" column.
    pub display_name: Option<String>,
    /// The first three characters of the value, as Microsoft shows them.
    pub hint: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub start: Option<OffsetDateTime>,
    /// The "Expires" column.
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub end: Option<OffsetDateTime>,
}

/// The publisher verification block (`verifiedPublisher`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifiedPublisher {
    /// Set once a Microsoft Partner Network ID is verified.
    pub verified_publisher_id: Option<String>,
    pub display_name: Option<String>,
}

/// Which manifest format a field came from, or, for [`AzureCli`], what
/// wrote the whole object.
///
/// [`AzureCli`]: ManifestFormat::AzureCli
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ManifestFormat {
    /// What the portal shows now (same as `GET /applications`).
    MicrosoftGraph,
    /// The portal's editor until 2025 (`replyUrlsWithType`, `oauth2Allow…`).
    AzureAdGraph,
    /// "App registrations (Legacy)", before 2019 (`replyUrls`, `objectId`).
    Legacy,
    /// What `az ad app create` / `az ad app show` print: the app as the
    /// directory API returned it, with the API's own markers
    /// (`@odata.context` from Microsoft Graph since Azure CLI 2.37;
    /// `odata.metadata` from Azure AD Graph before, whose objects carry both
    /// newer and legacy field names). Never listed with another format: such
    /// a file isn't a hand-mixed manifest.
    AzureCli,
}

impl ManifestFormat {
    pub fn label(self) -> &'static str {
        match self {
            ManifestFormat::MicrosoftGraph => "Microsoft Graph format",
            ManifestFormat::AzureAdGraph => "Azure AD Graph format",
            ManifestFormat::Legacy => "legacy (pre-2019) format",
            ManifestFormat::AzureCli => "Azure CLI output (az ad app create or show)",
        }
    }
}

/// An Azure app registration, whatever it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppRegistration {
    /// Application (client) ID.
    pub app_id: Option<String>,
    /// Object ID (not used for sign-in).
    pub object_id: Option<String>,
    pub display_name: Option<String>,
    /// As Microsoft spells it, e.g. `AzureADMultipleOrgs`.
    pub sign_in_audience: Option<String>,
    /// `api.requestedAccessTokenVersion` or `accessTokenAcceptedVersion`;
    /// `null` there means Microsoft's default, version 1.
    pub requested_access_token_version: Option<i64>,
    /// "Allow public client flows" (Authentication → Advanced settings):
    /// `isFallbackPublicClient`, `allowPublicClient` or the legacy
    /// `publicClient`. A `null` there is the portal's way of writing the
    /// default, which is off.
    pub is_fallback_public_client: Option<bool>,
    /// Every redirect URI with its platform, in file order.
    pub redirect_uris: Vec<RedirectUri>,
    /// False when the source has none of the redirect URI lists
    /// (`web`/`spa`/`publicClient.redirectUris`, `replyUrlsWithType`,
    /// `replyUrls`): then `redirect_uris` is unknown, not empty.
    pub redirect_uris_listed: bool,
    pub implicit_grant: ImplicitGrant,
    /// `None` when the source has no `requiredResourceAccess` at all.
    pub required_resource_access: Option<Vec<ResourceAccess>>,
    /// `None` when the source has no `passwordCredentials` at all.
    pub password_credentials: Option<Vec<PasswordCredential>>,
    /// Number of certificates, when the source lists them.
    pub certificate_count: Option<usize>,
    pub publisher_domain: Option<String>,
    /// `None` when the source format has no such field.
    pub verified_publisher: Option<VerifiedPublisher>,
    /// Lower-case ids of the permissions the app itself exposes: its
    /// delegated scopes (`api.oauth2PermissionScopes`, `oauth2Permissions`)
    /// and its app roles (`appRoles`). A `requiredResourceAccess` entry with
    /// one of these ids asks for the app's own API.
    pub exposed_permission_ids: Vec<String>,
    /// Formats recognised field by field; more than one means a mixed file.
    /// Azure CLI output is `[AzureCli]` alone, whatever its field names.
    pub formats: Vec<ManifestFormat>,
    /// Plain sentences about fields we had to skip or reconcile.
    pub notes: Vec<String>,
}

impl AppRegistration {
    /// Redirect URIs on one platform.
    pub fn uris_on(&self, platform: Platform) -> impl Iterator<Item = &str> {
        self.redirect_uris
            .iter()
            .filter(move |r| r.platform == platform)
            .map(|r| r.uri.as_str())
    }

    /// Entries of `requiredResourceAccess` (empty when unknown).
    pub fn permissions(&self) -> &[ResourceAccess] {
        self.required_resource_access.as_deref().unwrap_or(&[])
    }

    /// True when the entry (resource, id, kind) is present, GUIDs compared
    /// case-insensitively.
    pub fn has_permission(&self, resource: &str, id: &str, kind: PermissionKind) -> bool {
        self.permissions().iter().any(|p| {
            p.kind == kind
                && p.resource_app_id.eq_ignore_ascii_case(resource)
                && p.id.eq_ignore_ascii_case(id)
        })
    }
}
