//! The Microsoft connector of a Nylas v3 application: one per provider,
//! addressed by provider (`/v3/connectors/microsoft`).
//!
//! Unverified behaviours (reference §1) handled here or by the caller:
//! Nylas may or may not echo `settings.client_id` (never the secret), and a
//! `POST` for an existing connector may answer 409 or 400; the caller
//! (`configure`) reads again and patches then.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::admin::{str_field, NylasAdmin};
use crate::error::Result;
use crate::http::HttpError;
use crate::remote_ops::RemoteOp;

pub const PROVIDER: &str = "microsoft";
pub const CONNECTOR_PATH: &str = "v3/connectors/microsoft";
pub const CONNECTORS_PATH: &str = "v3/connectors";

/// The connector as Nylas shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MicrosoftConnector {
    /// `settings.client_id`, when Nylas echoes it.
    pub client_id: Option<String>,
    /// `settings.tenant`.
    pub tenant: Option<String>,
    pub scope: Vec<String>,
    pub active_credential_id: Option<String>,
}

impl MicrosoftConnector {
    fn from_json(v: &Value) -> Self {
        let settings = v.get("settings").cloned().unwrap_or(Value::Null);
        Self {
            client_id: str_field(&settings, "client_id"),
            tenant: str_field(&settings, "tenant"),
            scope: v
                .get("scope")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            active_credential_id: str_field(v, "active_credential_id"),
        }
    }
}

/// What the connector should hold. `Debug` never shows the secret.
#[derive(Clone)]
pub struct ConnectorSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub tenant: String,
    pub scope: Vec<String>,
}

impl std::fmt::Debug for ConnectorSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorSettings")
            .field("client_id", &self.client_id)
            .field("tenant", &self.tenant)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ConnectorSettings {
    /// The full `settings` object: Nylas replaces nested objects on PATCH,
    /// so every field is sent every time.
    fn settings(&self) -> Value {
        json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose_secret(),
            "tenant": self.tenant,
        })
    }

    /// `POST /v3/connectors` body.
    pub fn create_body(&self) -> Value {
        json!({ "provider": PROVIDER, "settings": self.settings(), "scope": self.scope })
    }

    /// `PATCH /v3/connectors/microsoft` body.
    pub fn update_body(&self) -> Value {
        json!({ "settings": self.settings(), "scope": self.scope })
    }
}

/// The Microsoft connector, or `None` when the application has none (404).
pub async fn get_microsoft_connector(
    nylas: &NylasAdmin,
    cancel: &CancellationToken,
) -> Result<Option<MicrosoftConnector>> {
    let req = nylas.request(RemoteOp::NylasGetConnector, CONNECTOR_PATH)?;
    match nylas.send_data::<Value>(&req, cancel).await {
        Ok(v) => Ok(Some(MicrosoftConnector::from_json(&v))),
        Err(e) if e.status == Some(404) => Ok(None),
        Err(e) => Err(nylas.explain(e, "reading the Microsoft connector")),
    }
}

/// `POST /v3/connectors`. The raw error on failure: a 409 or 400 may mean
/// the connector exists already (the caller reads again).
pub async fn create_microsoft_connector(
    nylas: &NylasAdmin,
    settings: &ConnectorSettings,
    cancel: &CancellationToken,
) -> Result<MicrosoftConnector, HttpError> {
    let req = nylas
        .request(RemoteOp::NylasCreateConnector, CONNECTORS_PATH)
        .map_err(to_http)?
        .json(settings.create_body());
    let v: Value = nylas.send_data(&req, cancel).await?;
    Ok(MicrosoftConnector::from_json(&v))
}

/// `PATCH /v3/connectors/microsoft` with the full settings and scope.
pub async fn update_microsoft_connector(
    nylas: &NylasAdmin,
    settings: &ConnectorSettings,
    cancel: &CancellationToken,
) -> Result<MicrosoftConnector> {
    let req = nylas
        .request(RemoteOp::NylasUpdateConnector, CONNECTOR_PATH)?
        .json(settings.update_body());
    let v: Value = nylas
        .send_data(&req, cancel)
        .await
        .map_err(|e| nylas.explain(e, "the connector update"))?;
    Ok(MicrosoftConnector::from_json(&v))
}

/// A request that could not even be built, as an [`HttpError`].
pub(crate) fn to_http(error: crate::error::WizardError) -> HttpError {
    HttpError {
        error,
        status: None,
        service_error: None,
        attempts: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_the_full_settings_and_debug_hides_the_secret() {
        let s = ConnectorSettings {
            client_id: "cid".into(),
            client_secret: SecretString::from("shh-secret".to_owned()),
            tenant: "contoso.com".into(),
            scope: vec!["Mail.Read".into(), "offline_access".into()],
        };
        let c = s.create_body();
        assert_eq!(c["provider"], "microsoft");
        assert_eq!(c["settings"]["client_secret"], "shh-secret");
        assert_eq!(c["settings"]["tenant"], "contoso.com");
        assert_eq!(c["scope"][1], "offline_access");
        let u = s.update_body();
        assert!(u.get("provider").is_none());
        assert_eq!(u["settings"]["client_id"], "cid");
        assert!(!format!("{s:?}").contains("shh-secret"));
    }

    #[test]
    fn reads_with_or_without_the_client_id() {
        let with = MicrosoftConnector::from_json(&json!({
            "provider": "microsoft",
            "settings": {"client_id": "cid", "tenant": "common"},
            "scope": ["Mail.Read"]
        }));
        assert_eq!(with.client_id.as_deref(), Some("cid"));
        let without = MicrosoftConnector::from_json(&json!({
            "provider": "microsoft", "settings": {"tenant": "common"}, "scope": ["Mail.Read"],
            "active_credential_id": "a6db72c9"
        }));
        assert_eq!(without.client_id, None);
        assert_eq!(without.tenant.as_deref(), Some("common"));
        assert_eq!(without.active_credential_id.as_deref(), Some("a6db72c9"));
    }
}
