//! `GET /v3/grants/{id}`: a connected account as Nylas keeps it (email,
//! `grant_status`, the scopes Microsoft granted).

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::{api_key_auth, explain, Envelope};
use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, HttpClient};
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// A grant, as much as the test sign-in shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub email: String,
    /// `valid` or `invalid`.
    pub grant_status: String,
    pub provider: String,
    /// The scopes on the grant, as Nylas lists them.
    pub scope: Vec<String>,
}

/// What Nylas sends; lenient about all but the ID.
#[derive(Deserialize)]
struct Wire {
    id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    grant_status: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    scope: Option<Vec<String>>,
}

/// The grant `grant_id` of the application `api_key` opens in `region`.
pub async fn get_grant(
    http: &HttpClient,
    endpoints: &Endpoints,
    region: Region,
    api_key: &str,
    grant_id: &str,
    cancel: &CancellationToken,
) -> Result<Grant> {
    // The ID comes from Nylas; still, never let it change the path.
    if grant_id.is_empty()
        || !grant_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(WizardError::new(
            ErrorCode::BadResponse,
            "Nylas named the new connection with an ID we can't use.",
        ));
    }
    let req = ApiRequest::new(
        RemoteOp::NylasGrant,
        endpoints.nylas(region),
        &format!("v3/grants/{grant_id}"),
    )?
    .auth(api_key_auth(api_key)?);
    let wire: Envelope<Wire> = http
        .send_json(&req, cancel)
        .await
        .map_err(|e| explain(e, region))?;
    let g = wire.data;
    Ok(Grant {
        id: g.id,
        email: g.email.unwrap_or_default(),
        grant_status: g.grant_status.unwrap_or_else(|| "unknown".into()),
        provider: g.provider.unwrap_or_default(),
        scope: g.scope.unwrap_or_default(),
    })
}
