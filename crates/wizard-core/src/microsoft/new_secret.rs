//! A new client secret through Graph's `addPassword`. Microsoft returns the
//! value once; it goes straight into the secret store (the keychain, or
//! memory for this run) and only its hint leaves Rust.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::graph::GraphClient;
use crate::error::{ErrorCode, Result, WizardError};
use crate::secrets::{hint, SecretName, SecretStore};

/// How long the new secret lives (the portal's choices, less "custom").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SecretLifetime {
    SixMonths,
    OneYear,
    /// Microsoft's default, and the longest the portal recommends.
    TwoYears,
}

impl SecretLifetime {
    fn days(self) -> i64 {
        match self {
            SecretLifetime::SixMonths => 182,
            SecretLifetime::OneYear => 365,
            SecretLifetime::TwoYears => 730,
        }
    }
}

/// The new secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSecret {
    /// The "Secret ID" column.
    pub key_id: String,
    pub display_name: String,
    /// Our hint of the value (`Q~x…7Fd`), as shown for stored secrets.
    pub hint: String,
    /// RFC 3339.
    pub expires: String,
    /// True when it went to the OS keychain, false when kept for this run.
    pub stored_persistently: bool,
}

/// Create a secret on the app (object `object_id`) and store its value
/// under [`SecretName::AzureClientSecret`].
pub async fn create_client_secret(
    graph: &GraphClient,
    object_id: &str,
    display_name: &str,
    lifetime: SecretLifetime,
    store: &dyn SecretStore,
    cancel: &CancellationToken,
) -> Result<NewSecret> {
    let display_name = display_name.trim();
    if display_name.is_empty() {
        return Err(WizardError::invalid_input(
            "Give the new secret a description.",
        ));
    }
    let end = (OffsetDateTime::now_utc() + Duration::days(lifetime.days()))
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let end = end
        .format(&Rfc3339)
        .map_err(|e| WizardError::internal(format!("Could not write a date: {e}.")))?;
    let body = json!({ "passwordCredential": { "displayName": display_name, "endDateTime": end } });
    let created = graph.add_password(object_id, body, cancel).await?;
    let value = created
        .get("secretText")
        .and_then(|v| v.as_str())
        .map(|s| SecretString::from(s.to_owned()))
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Microsoft created the secret but didn't return its value.",
            )
            .with_hint("Delete the new secret under Certificates & secrets and try again.")
        })?;
    store.set(SecretName::AzureClientSecret.as_str(), &value)?;
    let text = |k: &str| {
        created
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    debug_assert!(!value.expose_secret().is_empty());
    Ok(NewSecret {
        key_id: text("keyId"),
        display_name: display_name.to_owned(),
        hint: hint(&value),
        expires: Some(text("endDateTime"))
            .filter(|s| !s.is_empty())
            .unwrap_or(end),
        stored_persistently: store.is_persistent(),
    })
}
