//! `GET /v3/applications`: the application an API key belongs to. Also the
//! cheapest way to check that a key works in a region.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::{api_key_auth, explain, Envelope};
use crate::endpoints::Endpoints;
use crate::error::Result;
use crate::http::{ApiRequest, HttpClient};
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// A Nylas application, as much as the wizard needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasApplication {
    pub application_id: String,
    pub organization_id: Option<String>,
    /// The region whose host accepted the key.
    pub region: Region,
    /// `production`, `staging`, … as Nylas reports it.
    pub environment: Option<String>,
    pub branding_name: Option<String>,
    pub callback_uris: Vec<NylasCallbackUri>,
}

/// A callback (redirect) URI registered with the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasCallbackUri {
    pub id: Option<String>,
    pub url: String,
    /// `web`, `desktop`, `js`, `ios`, `android`.
    pub platform: Option<String>,
}

/// What Nylas sends; lenient about everything but the application ID.
#[derive(Deserialize)]
struct Wire {
    application_id: String,
    #[serde(default)]
    organization_id: Option<String>,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    branding: Option<WireBranding>,
    #[serde(default)]
    callback_uris: Option<Vec<WireCallbackUri>>,
}

#[derive(Deserialize)]
struct WireBranding {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct WireCallbackUri {
    #[serde(default)]
    id: Option<String>,
    url: String,
    #[serde(default)]
    platform: Option<String>,
}

/// The application that `api_key` opens in `region`.
pub async fn get_application(
    http: &HttpClient,
    endpoints: &Endpoints,
    region: Region,
    api_key: &str,
    cancel: &CancellationToken,
) -> Result<NylasApplication> {
    let req = ApiRequest::new(
        RemoteOp::NylasApplication,
        endpoints.nylas(region),
        "v3/applications",
    )?
    .auth(api_key_auth(api_key)?);
    let wire: Envelope<Wire> = http
        .send_json(&req, cancel)
        .await
        .map_err(|e| explain(e, region))?;
    let app = wire.data;
    Ok(NylasApplication {
        application_id: app.application_id,
        organization_id: app.organization_id,
        region,
        environment: app.environment,
        branding_name: app.branding.and_then(|b| b.name),
        callback_uris: app
            .callback_uris
            .unwrap_or_default()
            .into_iter()
            .map(|c| NylasCallbackUri {
                id: c.id,
                url: c.url,
                platform: c.platform,
            })
            .collect(),
    })
}
