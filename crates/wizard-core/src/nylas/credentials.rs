//! Connector credentials of the Microsoft connector
//! (`/v3/connectors/microsoft/creds`): one `connector` credential per
//! additional tenant, named `tenant <id or domain>`. Names must be unique,
//! so the list is always read first. Nylas never returns `credential_data`.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::admin::NylasAdmin;
use super::connector::to_http;
use crate::error::{Result, WizardError};
use crate::http::HttpError;
use crate::remote_ops::RemoteOp;

pub const CREDS_PATH: &str = "v3/connectors/microsoft/creds";
/// Page size of the list (Nylas's default is 10).
const PAGE: usize = 50;
/// More pages than any real application has: a service that keeps
/// answering full pages is not one to follow forever.
const MAX_PAGES: usize = 200;

/// A credential as Nylas lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Credential {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub credential_type: Option<String>,
}

/// The name the wizard gives a tenant's credential.
pub fn credential_name(tenant: &str) -> String {
    format!("tenant {tenant}")
}

/// What one tenant's credential holds. `Debug` hides the secret.
#[derive(Clone)]
pub struct CredentialData {
    pub client_id: String,
    pub client_secret: SecretString,
    pub tenant: String,
}

impl std::fmt::Debug for CredentialData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialData")
            .field("client_id", &self.client_id)
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl CredentialData {
    fn data(&self) -> Value {
        json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose_secret(),
            "tenant": self.tenant,
        })
    }

    /// `POST …/creds` body.
    pub fn create_body(&self) -> Value {
        json!({
            "name": credential_name(&self.tenant),
            "credential_type": "connector",
            "credential_data": self.data(),
        })
    }

    /// `PATCH …/creds/{id}` body (the whole `credential_data`).
    pub fn update_body(&self) -> Value {
        json!({ "credential_data": self.data() })
    }
}

/// Every credential of the Microsoft connector, page by page.
pub async fn list_credentials(
    nylas: &NylasAdmin,
    cancel: &CancellationToken,
) -> Result<Vec<Credential>> {
    let mut all: Vec<Credential> = Vec::new();
    for page in 0..MAX_PAGES {
        let offset = (page * PAGE).to_string();
        let limit = PAGE.to_string();
        let req = nylas
            .request(RemoteOp::NylasListCredentials, CREDS_PATH)?
            .query(&[("limit", &limit), ("offset", &offset)]);
        let got: Vec<Credential> = nylas
            .send_list(&req, cancel)
            .await
            .map_err(|e| nylas.explain(e, "reading the connector credentials"))?;
        let n = got.len();
        for c in got {
            // A list shifting under us may repeat one: keep each id once.
            if !all.iter().any(|a| a.id == c.id) {
                all.push(c);
            }
        }
        if n < PAGE {
            return Ok(all);
        }
    }
    Err(WizardError::new(
        crate::error::ErrorCode::BadResponse,
        format!(
            "Nylas kept listing connector credentials past {} of them, so we stopped reading.",
            PAGE * MAX_PAGES
        ),
    ))
}

/// Create a tenant's credential. The raw error on failure (a 400 or 409
/// may mean the name is taken: the caller lists again).
pub async fn create_credential(
    nylas: &NylasAdmin,
    data: &CredentialData,
    cancel: &CancellationToken,
) -> Result<Credential, HttpError> {
    let req = nylas
        .request(RemoteOp::NylasCreateCredential, CREDS_PATH)
        .map_err(to_http)?
        .json(data.create_body());
    nylas.send_data(&req, cancel).await
}

/// Replace a credential's `credential_data` (e.g. after a new secret).
pub async fn update_credential(
    nylas: &NylasAdmin,
    id: &str,
    data: &CredentialData,
    cancel: &CancellationToken,
) -> Result<Credential> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(WizardError::internal(
            "Nylas listed a credential with an id we can't use.",
        ));
    }
    let req = nylas
        .request(
            RemoteOp::NylasUpdateCredential,
            &format!("{CREDS_PATH}/{id}"),
        )?
        .json(data.update_body());
    nylas
        .send_data(&req, cancel)
        .await
        .map_err(|e| nylas.explain(e, "the credential update"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_names() {
        let d = CredentialData {
            client_id: "cid".into(),
            client_secret: SecretString::from("shh-secret".to_owned()),
            tenant: "fabrikam.com".into(),
        };
        let b = d.create_body();
        assert_eq!(b["name"], "tenant fabrikam.com");
        assert_eq!(b["credential_type"], "connector");
        assert_eq!(b["credential_data"]["tenant"], "fabrikam.com");
        assert_eq!(b["credential_data"]["client_secret"], "shh-secret");
        assert!(d.update_body().get("name").is_none());
        assert!(!format!("{d:?}").contains("shh-secret"));
    }
}
