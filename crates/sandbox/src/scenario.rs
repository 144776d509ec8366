//! What the simulated world contains: Microsoft tenants, Nylas applications
//! and the fault rules to start with.
//!
//! Unknown fields are REJECTED everywhere (`deny_unknown_fields`): a typo such
//! as `"fisrt_n"` in a hand-written scenario would otherwise be silently
//! ignored and the test would exercise something else than intended. Fields
//! marked optional below may be left out.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::faults::Fault;

/// The built-in practice scenario, as JSON (also a documented example).
pub const PRACTICE_SCENARIO_JSON: &str = include_str!("../scenarios/practice.json");

/// A scenario for the live audit: Contoso holds one app registration per
/// audit failure class (each app's `notes` names its class).
pub const LIVE_APPS_SCENARIO_JSON: &str = include_str!("../scenarios/live-apps.json");

/// The bulk benchmark's world: one US Nylas app with a Microsoft connector,
/// 50 requests/s, 5 % extra 429s with `Retry-After: 1`.
pub const BULK_BENCH_SCENARIO_JSON: &str = include_str!("../scenarios/bulk-bench.json");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Free text for people reading the file (optional).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Microsoft Entra tenants that exist (optional).
    #[serde(default)]
    pub tenants: Vec<Tenant>,
    /// Nylas v3 applications and the API keys that open them (optional).
    #[serde(default)]
    pub nylas_applications: Vec<NylasApplication>,
    /// Fault rules active from the start (optional).
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// How the simulated Microsoft sign-in behaves (optional).
    #[serde(default)]
    pub sign_in: SignIn,
    /// Nylas behaviours the reference marks unverified, chosen per scenario
    /// (optional).
    #[serde(default)]
    pub nylas: NylasBehaviour,
    /// Nylas v2 applications (client ID + secret), with their beta
    /// integrations and v2 accounts (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nylas_v2_applications: Vec<NylasV2Application>,
    /// Unverified Nylas v2 / beta behaviours (optional).
    #[serde(default)]
    pub nylas_v2: NylasV2Behaviour,
    /// Nylas's per-application rate limit (optional; absent: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nylas_rate_limit: Option<crate::rate_limit::NylasRateLimit>,
}

/// A Nylas v2 application: its client ID and secret open both the v2 API's
/// account management and the beta integrations host of its region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NylasV2Application {
    pub client_id: String,
    pub client_secret: String,
    pub region: NylasRegion,
    /// Beta integrations (Teams), each as `GET /connect/integrations`
    /// returns it: `{id, name, provider, settings, redirect_uris,
    /// expires_in, …}` (optional).
    #[serde(default)]
    pub integrations: Vec<serde_json::Value>,
    /// v2 accounts connected to the app (optional).
    #[serde(default)]
    pub accounts: Vec<V2Account>,
}

/// A Nylas v2 account, as `GET /a/{client_id}/accounts` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Account {
    pub id: String,
    pub email_address: String,
    #[serde(default)]
    pub name: String,
    /// `graph`, `office365`, `exchange`, …
    pub provider: String,
    /// Comma-separated v2 scopes, e.g. `calendar` (optional).
    #[serde(default)]
    pub scopes: String,
    /// `paid`, `free`, `cancelled`, … (optional, default `paid`).
    #[serde(default = "default_billing_state")]
    pub billing_state: String,
}

fn default_billing_state() -> String {
    "paid".into()
}

/// How the simulated Nylas v2 hosts answer where the reference says the
/// real shape is unverified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NylasV2Behaviour {
    /// Error body of the beta (UAS) host: `flat` (`{"message","type"}`, as
    /// the v2 API), `success-false` (`{"success":false,"error":{…}}`) or
    /// `text` (plain text).
    #[serde(default = "default_error_shape")]
    pub error_shape: String,
    /// Teams account sign-ins that fail at the simulated login page: v2
    /// account ID → the event code sent back with `success=false`
    /// (optional).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub teams_login_failures: std::collections::BTreeMap<String, String>,
}

impl Default for NylasV2Behaviour {
    fn default() -> Self {
        Self {
            error_shape: default_error_shape(),
            teams_login_failures: Default::default(),
        }
    }
}

fn default_error_shape() -> String {
    "flat".into()
}

/// The error shapes [`NylasV2Behaviour::error_shape`] may name.
pub(crate) const V2_ERROR_SHAPES: [&str; 3] = ["flat", "success-false", "text"];

/// Unverified Nylas behaviours (reference/nylas-api.md): the client must
/// cope with each choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NylasBehaviour {
    /// Status of `POST /v3/connectors` for a provider that already has a
    /// connector: 409 (`conflict`) or 400 (`invalid_request_error`).
    #[serde(default = "default_connector_exists_status")]
    pub connector_exists_status: u16,
    /// Whether `GET /v3/connectors/{provider}` echoes `settings.client_id`
    /// (the client secret is never echoed).
    #[serde(default)]
    pub connector_echoes_client_id: bool,
    /// Which create body the EWS connector accepts (unverified):
    /// `scope-list` (`"scope": ["ews.messages", …]`, as other connectors) or
    /// `scopes-string` (`"scopes": "ews.messages …"`, the newer spec's field).
    /// The other form is refused with a 400 naming the field.
    #[serde(default = "default_ews_connector_body")]
    pub ews_connector_body: String,
}

impl Default for NylasBehaviour {
    fn default() -> Self {
        Self {
            connector_exists_status: default_connector_exists_status(),
            connector_echoes_client_id: false,
            ews_connector_body: default_ews_connector_body(),
        }
    }
}

fn default_ews_connector_body() -> String {
    "scope-list".into()
}

/// The forms [`NylasBehaviour::ews_connector_body`] may name.
pub(crate) const EWS_CONNECTOR_BODIES: [&str; 2] = ["scope-list", "scopes-string"];

fn default_connector_exists_status() -> u16 {
    409
}

/// Knobs of the simulated Microsoft sign-in (all optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// `interval` announced by `/devicecode`, in seconds (Microsoft: 5).
    #[serde(default = "default_device_interval")]
    pub device_code_interval: u64,
    /// `expires_in` announced by `/devicecode`, in seconds (Microsoft: 900).
    #[serde(default = "default_device_expires_in")]
    pub device_code_expires_in: u64,
    /// Answers forced on the first polls of every device code, before its
    /// real state counts: `authorization_pending`, `slow_down`,
    /// `authorization_declined`, `expired_token` or `bad_verification_code`.
    #[serde(default)]
    pub device_code_polls: Vec<String>,
    /// Put at the start of every secret the sandbox issues (authorization
    /// codes, device codes, access and refresh tokens, client secrets from
    /// `addPassword`), so a test can scan files and output for a leak of
    /// any of them. Letters, digits and `-._~` only (optional).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issued_secret_prefix: String,
    /// Scopes Microsoft leaves out of what it grants to Nylas hosted auth,
    /// as a tenant's policy can; the grant then lacks them (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld_scopes: Vec<String>,
}

impl Default for SignIn {
    fn default() -> Self {
        Self {
            device_code_interval: default_device_interval(),
            device_code_expires_in: default_device_expires_in(),
            device_code_polls: Vec::new(),
            issued_secret_prefix: String::new(),
            withheld_scopes: Vec::new(),
        }
    }
}

fn default_device_interval() -> u64 {
    5
}

fn default_device_expires_in() -> u64 {
    900
}

/// The device-code poll answers a scenario may force.
pub(crate) const DEVICE_POLL_ANSWERS: [&str; 5] = [
    "authorization_pending",
    "slow_down",
    "authorization_declined",
    "expired_token",
    "bad_verification_code",
];

/// The administrator who signs in to a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admin {
    pub display_name: String,
    pub user_principal_name: String,
    /// Directory roles, e.g. `Application Administrator`. Changing an app
    /// needs Global, Application or Cloud Application Administrator.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A Microsoft Entra tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// Directory (tenant) ID, a GUID.
    pub id: String,
    pub display_name: String,
    /// Verified domains, e.g. `contoso.com`, `contoso.onmicrosoft.com`; the
    /// tenant can be looked up by any of them.
    #[serde(default)]
    pub verified_domains: Vec<String>,
    /// `tenant_region_scope` of the OpenID configuration: `NA`, `EU`, `AS`,
    /// `OC`, `AF`, `SA`, … (optional, default `NA`).
    #[serde(default = "default_region_scope")]
    pub region_scope: String,
    /// Who signs in (optional; default: an Application Administrator named
    /// after the first domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<Admin>,
    /// App registrations, each as Microsoft Graph returns it from
    /// `GET /applications` (`id`, `appId`, `web`, `requiredResourceAccess`,
    /// …). An `id` is made up when missing (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<serde_json::Value>,
    /// Service principals (enterprise applications), as Graph returns them;
    /// at least `appId`. Microsoft Graph's own is added when missing
    /// (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_principals: Vec<serde_json::Value>,
    /// Delegated permission grants (`clientId`, `consentType`,
    /// `resourceId`, `scope`), as Graph returns them (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oauth2_permission_grants: Vec<serde_json::Value>,
    /// Users (mailboxes), as Graph returns them from `GET /users/{id}`:
    /// `id`, `displayName`, `userPrincipalName`, `mail`, `proxyAddresses`
    /// (`smtp:` aliases) (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<serde_json::Value>,
}

fn default_region_scope() -> String {
    "NA".into()
}

/// Nylas data region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NylasRegion {
    Us,
    Eu,
}

/// A Nylas v3 application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NylasApplication {
    pub application_id: String,
    pub organization_id: String,
    pub region: NylasRegion,
    /// API keys that authenticate as this application (at least one).
    pub api_keys: Vec<String>,
    pub branding: Branding,
    /// Callback (redirect) URIs registered with the application (optional).
    #[serde(default)]
    pub callback_uris: Vec<CallbackUri>,
    /// `production`, `staging`, `development`, … (optional, default `production`).
    #[serde(default = "default_environment")]
    pub environment: String,
    /// Unix seconds (optional).
    #[serde(default = "default_created_at")]
    pub created_at: i64,
    /// Unix seconds (optional, default = `created_at`).
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Connectors, one per provider (optional). Created and patched through
    /// the API; the settings are kept as sent, secrets included, so tests can
    /// check what the client sent.
    #[serde(default)]
    pub connectors: Vec<Connector>,
    /// Connector credentials (optional).
    #[serde(default)]
    pub credentials: Vec<Credential>,
    /// Grants (optional): made by hosted auth.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// A connector as stored by the simulated Nylas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `{client_id, client_secret, tenant}` for Microsoft, as last sent.
    #[serde(default)]
    pub settings: serde_json::Value,
    #[serde(default)]
    pub scope: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_credential_id: Option<String>,
}

/// A connector credential (`credential_data` is never returned by the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub id: String,
    /// The provider of the connector it belongs to.
    pub provider: String,
    pub name: String,
    /// `adminconsent`, `serviceaccount` or `connector`.
    pub credential_type: String,
    #[serde(default)]
    pub credential_data: serde_json::Value,
    #[serde(default = "default_created_at")]
    pub created_at: i64,
    #[serde(default = "default_created_at")]
    pub updated_at: i64,
    /// `adminconsent` only: when the tenant's admin approved the consent
    /// page (Unix seconds); grants through `/v3/connect/custom` need it
    /// (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consented_at: Option<i64>,
}

/// A grant: one per email per application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub id: String,
    pub provider: String,
    pub email: String,
    #[serde(default)]
    pub scope: Vec<String>,
    /// `valid` or `invalid`.
    #[serde(default = "default_grant_status")]
    pub grant_status: String,
    #[serde(default = "default_created_at")]
    pub created_at: i64,
    #[serde(default = "default_created_at")]
    pub updated_at: i64,
    /// The admin-consent credential it was made with through
    /// `/v3/connect/custom` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

fn default_grant_status() -> String {
    "valid".into()
}

fn default_environment() -> String {
    "production".into()
}

fn default_created_at() -> i64 {
    1_717_000_000
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackUri {
    pub id: String,
    pub url: String,
    /// `web` (default), `desktop`, `js`, `ios`, `android`.
    #[serde(default = "default_platform")]
    pub platform: String,
}

fn default_platform() -> String {
    "web".into()
}

impl Scenario {
    /// The built-in practice scenario (see `scenarios/practice.json`).
    pub fn practice() -> Self {
        Self::from_json(PRACTICE_SCENARIO_JSON).expect("the built-in practice scenario is valid")
    }

    /// The live-audit scenario (see `scenarios/live-apps.json`).
    pub fn live_apps() -> Self {
        Self::from_json(LIVE_APPS_SCENARIO_JSON).expect("the built-in live-apps scenario is valid")
    }

    /// The bulk benchmark scenario (see `scenarios/bulk-bench.json`).
    pub fn bulk_bench() -> Self {
        Self::from_json(BULK_BENCH_SCENARIO_JSON)
            .expect("the built-in bulk-bench scenario is valid")
    }

    /// Parse and validate a scenario from JSON text.
    pub fn from_json(json: &str) -> Result<Self, SandboxError> {
        Self::parse(json, "text")
    }

    /// Read, parse and validate a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SandboxError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SandboxError::ReadScenario {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &format!("file {}", path.display()))
    }

    fn parse(json: &str, origin: &str) -> Result<Self, SandboxError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|source| SandboxError::ParseScenario {
                origin: origin.to_owned(),
                source,
            })?;
        scenario
            .check()
            .map_err(|reason| SandboxError::InvalidScenario {
                origin: origin.to_owned(),
                reason,
            })?;
        Ok(scenario)
    }

    /// Check what serde cannot: GUIDs, uniqueness, usable keys and faults.
    pub fn validate(&self) -> Result<(), SandboxError> {
        self.check()
            .map_err(|reason| SandboxError::InvalidScenario {
                origin: "given".into(),
                reason,
            })
    }

    fn check(&self) -> Result<(), String> {
        let prefix = &self.sign_in.issued_secret_prefix;
        if !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        {
            return Err(format!(
                "sign_in.issued_secret_prefix \"{prefix}\" may only hold letters, digits and -._~"
            ));
        }
        let mut names = HashSet::new();
        for (i, t) in self.tenants.iter().enumerate() {
            if !is_guid(&t.id) {
                return Err(format!("tenant {i}: id \"{}\" is not a GUID", t.id));
            }
            for name in std::iter::once(&t.id).chain(&t.verified_domains) {
                if !names.insert(name.to_ascii_lowercase()) {
                    return Err(format!("tenant {i}: \"{name}\" is used by two tenants"));
                }
            }
        }
        let mut keys = HashSet::new();
        for (i, app) in self.nylas_applications.iter().enumerate() {
            if app.application_id.trim().is_empty() {
                return Err(format!("Nylas application {i}: application_id is empty"));
            }
            if app.api_keys.is_empty() {
                return Err(format!("Nylas application {i}: api_keys is empty"));
            }
            for key in &app.api_keys {
                if key.trim().is_empty() || key.chars().any(|c| c.is_whitespace()) {
                    return Err(format!(
                        "Nylas application {i}: an API key is empty or has spaces"
                    ));
                }
                if !keys.insert(key.as_str()) {
                    // Not echoed: even a practice key should not be printed.
                    return Err(format!("Nylas application {i}: an API key is used twice"));
                }
            }
            let mut ids = HashSet::new();
            for uri in &app.callback_uris {
                if !ids.insert(uri.id.as_str()) {
                    return Err(format!(
                        "Nylas application {i}: callback URI id \"{}\" is used twice",
                        uri.id
                    ));
                }
            }
        }
        let mut v2_ids = HashSet::new();
        for (i, app) in self.nylas_v2_applications.iter().enumerate() {
            for (what, v) in [
                ("client_id", &app.client_id),
                ("client_secret", &app.client_secret),
            ] {
                if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c == ':') {
                    // The value is not echoed: a secret should not be printed.
                    return Err(format!(
                        "Nylas v2 application {i}: {what} is empty or has a space or a colon"
                    ));
                }
            }
            if !v2_ids.insert((app.client_id.as_str(), app.region)) {
                return Err(format!(
                    "Nylas v2 application {i}: client_id \"{}\" is used twice in one region",
                    app.client_id
                ));
            }
        }
        if !V2_ERROR_SHAPES.contains(&self.nylas_v2.error_shape.as_str()) {
            return Err(format!(
                "nylas_v2.error_shape: \"{}\" is not one of {}",
                self.nylas_v2.error_shape,
                V2_ERROR_SHAPES.join(", ")
            ));
        }
        if !EWS_CONNECTOR_BODIES.contains(&self.nylas.ews_connector_body.as_str()) {
            return Err(format!(
                "nylas.ews_connector_body: \"{}\" is not one of {}",
                self.nylas.ews_connector_body,
                EWS_CONNECTOR_BODIES.join(", ")
            ));
        }
        for (i, t) in self.tenants.iter().enumerate() {
            for (j, app) in t.applications.iter().enumerate() {
                if !app
                    .get("appId")
                    .and_then(|v| v.as_str())
                    .is_some_and(is_guid)
                {
                    return Err(format!("tenant {i}, application {j}: appId is not a GUID"));
                }
            }
            for (j, sp) in t.service_principals.iter().enumerate() {
                if !sp
                    .get("appId")
                    .and_then(|v| v.as_str())
                    .is_some_and(is_guid)
                {
                    return Err(format!(
                        "tenant {i}, service principal {j}: appId is not a GUID"
                    ));
                }
            }
        }
        if let Some(limit) = &self.nylas_rate_limit {
            limit.check()?;
        }
        for answer in &self.sign_in.device_code_polls {
            if !DEVICE_POLL_ANSWERS.contains(&answer.as_str()) {
                return Err(format!(
                    "sign_in.device_code_polls: \"{answer}\" is not one of {}",
                    DEVICE_POLL_ANSWERS.join(", ")
                ));
            }
        }
        for (i, fault) in self.faults.iter().enumerate() {
            fault
                .check()
                .map_err(|reason| format!("fault {i}: {reason}"))?;
        }
        Ok(())
    }

    /// Give every app registration and service principal without an `id`
    /// a made-up object ID, as the directory would have.
    pub(crate) fn fill_object_ids(&mut self) {
        for t in &mut self.tenants {
            for obj in t
                .applications
                .iter_mut()
                .chain(t.service_principals.iter_mut())
            {
                if let Some(map) = obj.as_object_mut() {
                    if !map.get("id").is_some_and(|v| v.is_string()) {
                        map.insert("id".into(), crate::ids::guid().into());
                    }
                }
            }
        }
    }

    /// The tenant with this ID or verified domain (case-insensitive).
    pub fn find_tenant(&self, name: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| {
            t.id.eq_ignore_ascii_case(name)
                || t.verified_domains
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(name))
        })
    }
}

/// 8-4-4-4-12 hexadecimal digits.
pub(crate) fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issued_secret_prefix_must_fit_in_a_token() {
        let mut s = Scenario::practice();
        s.sign_in.issued_secret_prefix = "canary-1.x_~".into();
        assert!(s.validate().is_ok());
        s.sign_in.issued_secret_prefix = "can ary".into();
        assert!(s.validate().is_err());
    }

    #[test]
    fn v2_apps_and_shapes_are_checked() {
        let mut s = Scenario::practice();
        s.nylas_v2.error_shape = "xml".into();
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("error_shape"));
        let mut s = Scenario::practice();
        s.nylas_v2_applications[1].client_secret = "a secret\n".into();
        let e = s.validate().unwrap_err().to_string();
        assert!(e.contains("client_secret is empty or has a space"), "{e}");
        assert!(!e.contains("a secret"), "the secret is not echoed");
        let mut s = Scenario::practice();
        let twin = s.nylas_v2_applications[0].clone();
        s.nylas_v2_applications.push(twin);
        assert!(s.validate().unwrap_err().to_string().contains("used twice"));
    }

    #[test]
    fn practice_is_valid_and_rich_enough() {
        let s = Scenario::practice();
        let v2 = |id: &str, region| {
            s.nylas_v2_applications
                .iter()
                .any(|a| a.client_id == id && a.region == region && !a.accounts.is_empty())
        };
        assert!(v2("practice-v2-contoso-client", NylasRegion::Us));
        assert!(v2("practice-v2-fabrikam-client", NylasRegion::Eu));
        assert_eq!(s.nylas_v2.error_shape, "flat");
        assert!(s.tenants.len() >= 2);
        assert!(s
            .nylas_applications
            .iter()
            .any(|a| a.region == NylasRegion::Us));
        assert!(s
            .nylas_applications
            .iter()
            .any(|a| a.region == NylasRegion::Eu));
        assert!(s.faults.is_empty(), "practice starts without faults");
    }

    #[test]
    fn live_apps_has_one_app_per_failure_class() {
        let s = Scenario::live_apps();
        let apps = &s.tenants[0].applications;
        assert!(apps.len() >= 8);
        let mut ids: Vec<&str> = apps.iter().map(|a| a["appId"].as_str().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), apps.len(), "app IDs are unique");
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        assert!(!is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
        assert!(!is_guid("contoso.com"));
    }

    #[test]
    fn finds_tenant_by_domain_any_case() {
        let s = Scenario::practice();
        let t = &s.tenants[0];
        let domain = t.verified_domains[0].to_uppercase();
        assert_eq!(s.find_tenant(&domain).unwrap().id, t.id);
        assert!(s.find_tenant("nowhere.example").is_none());
    }
}
