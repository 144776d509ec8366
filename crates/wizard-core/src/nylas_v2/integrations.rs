//! The Nylas v2 beta "Integrations" calls used for Teams (reference §3):
//! `GET /connect/integrations`, `GET|PATCH|DELETE /connect/integrations/
//! {provider}` and `POST /connect/integrations`, on the region's beta host
//! with `Authorization: Basic base64(client_id:client_secret)`.
//!
//! Unverified shapes handled here: an answer may wrap the integration in
//! `{success, data}` or not, a list comes as `{data:[…]}` (or a bare
//! array), `expires_in` may be a string (the doc) or a number (the SDKs),
//! and the integration's settings may or may not be echoed. The Azure
//! client secret is never echoed.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::endpoints::Endpoints;
use crate::error::{Result, WizardError};
use crate::http::{ApiRequest, Auth, HttpClient, HttpError};
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// The only provider the Teams path integrates.
pub const PROVIDER: &str = "microsoft";
pub const INTEGRATIONS_PATH: &str = "connect/integrations";

/// `connect/integrations/{provider}`.
pub fn integration_path(provider: &str) -> String {
    format!("{INTEGRATIONS_PATH}/{provider}")
}

/// A client of the v2 beta integrations API for one Nylas v2 application
/// (client ID + secret) in one region. `Debug` never shows the secret.
#[derive(Clone)]
pub struct BetaClient {
    http: HttpClient,
    base: Url,
    region: Region,
    auth: Auth,
}

impl std::fmt::Debug for BetaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BetaClient")
            .field("base", &self.base.as_str())
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl BetaClient {
    /// For the region's beta host (`beta.{us,eu}.nylas.com`, or the
    /// sandbox's prefix).
    pub fn new(
        http: &HttpClient,
        endpoints: &Endpoints,
        region: Region,
        client_id: &str,
        client_secret: &SecretString,
    ) -> Self {
        Self::at(
            http,
            endpoints.nylas_beta(region).clone(),
            region,
            client_id,
            client_secret,
        )
    }

    /// At an explicit base URL (the CLI's `--nylas-beta-base`).
    pub fn at(
        http: &HttpClient,
        base: Url,
        region: Region,
        client_id: &str,
        client_secret: &SecretString,
    ) -> Self {
        Self {
            http: http.clone(),
            base,
            region,
            // reqwest encodes `id:secret` with standard base64 and no newline
            // (the docs' `echo … | base64` adds one, which Nylas refuses).
            auth: Auth::basic(client_id, client_secret.expose_secret()),
        }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn request(&self, op: RemoteOp, path: &str) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, &self.base, path)?.auth(self.auth.clone()))
    }

    async fn send(&self, req: &ApiRequest, cancel: &CancellationToken) -> Result<Value, HttpError> {
        self.http.send_json::<Value>(req, cancel).await
    }

    /// The admin's error for a failed call about `what`.
    pub fn explain(&self, e: HttpError, what: &str) -> WizardError {
        let status = e.status;
        let mut error = super::error::explain_v2(e);
        if error.hint.is_none() && status == Some(400) {
            error.hint = Some(format!(
                "Nylas refused {what} as sent. Check the Azure app's client ID, the tenant and \
                 the redirect URIs, then make the plan again."
            ));
        }
        error
    }
}

/// An integration as the beta API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Integration {
    pub id: Option<String>,
    pub name: Option<String>,
    pub provider: String,
    /// `settings.client_id` (the Azure app), when echoed.
    pub client_id: Option<String>,
    /// `settings.tenant`, when echoed.
    pub tenant: Option<String>,
    pub redirect_uris: Vec<String>,
    pub expires_in: Option<u64>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl Integration {
    pub fn from_json(v: &Value) -> Self {
        let settings = v.get("settings").cloned().unwrap_or(Value::Null);
        let expires_in = match v.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        Self {
            id: text(v, "id"),
            name: text(v, "name"),
            provider: text(v, "provider").unwrap_or_default(),
            client_id: text(&settings, "client_id"),
            tenant: text(&settings, "tenant"),
            redirect_uris: v
                .get("redirect_uris")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            expires_in,
        }
    }
}

/// What the Teams integration should hold. `Debug` never shows the secret.
#[derive(Clone)]
pub struct IntegrationSettings {
    pub name: String,
    /// The Azure app's Application (client) ID.
    pub client_id: String,
    /// The Azure app's client secret.
    pub client_secret: SecretString,
    /// A tenant ID (single tenant) or `common` (multitenant).
    pub tenant: String,
    pub redirect_uris: Vec<String>,
    pub expires_in: u64,
}

impl std::fmt::Debug for IntegrationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntegrationSettings")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field("tenant", &self.tenant)
            .field("redirect_uris", &self.redirect_uris)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl IntegrationSettings {
    fn settings(&self) -> Value {
        json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose_secret(),
            "tenant": self.tenant,
        })
    }

    /// `POST /connect/integrations`, as seed 001 shows it (`expires_in` a
    /// number, as the SDKs send it).
    pub fn create_body(&self) -> Value {
        json!({
            "name": self.name,
            "provider": PROVIDER,
            "settings": self.settings(),
            "redirect_uris": self.redirect_uris,
            "expires_in": self.expires_in,
        })
    }

    /// `PATCH /connect/integrations/microsoft`: every field, so nothing is
    /// left half-replaced.
    pub fn update_body(&self) -> Value {
        json!({
            "name": self.name,
            "settings": self.settings(),
            "redirect_uris": self.redirect_uris,
            "expires_in": self.expires_in,
        })
    }
}

/// `data` of `{success, data}`, or the value itself when not wrapped.
fn unwrap_data(v: Value) -> Value {
    match v {
        Value::Object(mut m) if m.contains_key("data") => m.remove("data").unwrap_or(Value::Null),
        other => other,
    }
}

/// Every integration of the application.
pub async fn list_integrations(
    c: &BetaClient,
    cancel: &CancellationToken,
) -> Result<Vec<Integration>> {
    let req = c.request(RemoteOp::NylasBetaListIntegrations, INTEGRATIONS_PATH)?;
    let v = c
        .send(&req, cancel)
        .await
        .map_err(|e| c.explain(e, "reading the integrations"))?;
    match unwrap_data(v) {
        Value::Array(items) => Ok(items.iter().map(Integration::from_json).collect()),
        Value::Null => Ok(Vec::new()),
        other => Err(WizardError::new(
            crate::ErrorCode::BadResponse,
            "Nylas answered the list of integrations with something that isn't a list.",
        )
        .with_hint(format!(
            "It began: {}",
            other.to_string().chars().take(80).collect::<String>()
        ))),
    }
}

/// The integration of `provider`, or `None` (404).
pub async fn get_integration(
    c: &BetaClient,
    provider: &str,
    cancel: &CancellationToken,
) -> Result<Option<Integration>> {
    let req = c.request(
        RemoteOp::NylasBetaGetIntegration,
        &integration_path(provider),
    )?;
    match c.send(&req, cancel).await {
        Ok(v) => Ok(Some(Integration::from_json(&unwrap_data(v)))),
        Err(e) if e.status == Some(404) => Ok(None),
        Err(e) => Err(c.explain(e, "reading the integration")),
    }
}

/// `POST /connect/integrations`. The raw error: a 400 or 409 may mean one
/// exists already (the caller reads again).
pub async fn create_integration(
    c: &BetaClient,
    settings: &IntegrationSettings,
    cancel: &CancellationToken,
) -> Result<Integration, HttpError> {
    let req = c
        .request(RemoteOp::NylasBetaCreateIntegration, INTEGRATIONS_PATH)
        .map_err(crate::nylas::connector::to_http)?
        .json(settings.create_body());
    let v = c.send(&req, cancel).await?;
    Ok(Integration::from_json(&unwrap_data(v)))
}

/// `PATCH /connect/integrations/microsoft` with every field.
pub async fn update_integration(
    c: &BetaClient,
    settings: &IntegrationSettings,
    cancel: &CancellationToken,
) -> Result<Integration> {
    let req = c
        .request(
            RemoteOp::NylasBetaUpdateIntegration,
            &integration_path(PROVIDER),
        )?
        .json(settings.update_body());
    let v = c
        .send(&req, cancel)
        .await
        .map_err(|e| c.explain(e, "the integration update"))?;
    Ok(Integration::from_json(&unwrap_data(v)))
}

/// `DELETE /connect/integrations/{provider}` (`{"success":true}`). Only
/// ever called after the admin confirmed it by name.
pub async fn delete_integration(
    c: &BetaClient,
    provider: &str,
    cancel: &CancellationToken,
) -> Result<()> {
    // Never repeated on its own: a delete that may have landed is read
    // again by the caller, like every other write.
    let req = c
        .request(
            RemoteOp::NylasBetaDeleteIntegration,
            &integration_path(provider),
        )?
        .idempotent(false);
    c.send(&req, cancel)
        .await
        .map_err(|e| c.explain(e, "deleting the integration"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_every_field_and_debug_hides_the_secret() {
        let s = IntegrationSettings {
            name: "Teams".into(),
            client_id: "cid".into(),
            client_secret: SecretString::from("azure-shh".to_owned()),
            tenant: "common".into(),
            redirect_uris: vec!["https://beta.us.nylas.com/connect/callback".into()],
            expires_in: 1_209_600,
        };
        let c = s.create_body();
        assert_eq!(c["provider"], "microsoft");
        assert_eq!(c["settings"]["client_secret"], "azure-shh");
        assert_eq!(c["settings"]["tenant"], "common");
        assert_eq!(c["expires_in"], 1_209_600);
        let u = s.update_body();
        assert!(u.get("provider").is_none());
        assert_eq!(
            u["redirect_uris"][0],
            "https://beta.us.nylas.com/connect/callback"
        );
        assert!(!format!("{s:?}").contains("azure-shh"));
    }

    #[test]
    fn reads_wrapped_or_bare_with_string_or_number_expiry() {
        let wrapped = unwrap_data(json!({"success": true, "data": {
            "id": "i1", "name": "T", "provider": "microsoft", "expires_in": "600",
            "redirect_uris": ["https://a.example/cb"]
        }}));
        let i = Integration::from_json(&wrapped);
        assert_eq!(i.id.as_deref(), Some("i1"));
        assert_eq!(i.expires_in, Some(600));
        assert_eq!(i.redirect_uris, vec!["https://a.example/cb".to_owned()]);
        assert_eq!(i.tenant, None);
        let bare = Integration::from_json(&json!({
            "provider": "microsoft", "expires_in": 60, "settings": {"tenant": "common", "client_id": "x"}
        }));
        assert_eq!(bare.expires_in, Some(60));
        assert_eq!(bare.tenant.as_deref(), Some("common"));
        assert_eq!(bare.client_id.as_deref(), Some("x"));
    }
}
