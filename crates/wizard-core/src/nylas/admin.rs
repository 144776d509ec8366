//! What every Nylas admin call shares: the HTTP client, the regional base
//! URL and the API key, plus the answers' envelopes and error wording.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::{api_key_auth, explain};
use crate::endpoints::Endpoints;
use crate::error::{Result, WizardError};
use crate::http::{ApiRequest, Auth, HttpClient, HttpError};
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// A Nylas v3 admin client for one application (API key) in one region.
#[derive(Clone)]
pub struct NylasAdmin {
    http: HttpClient,
    base: Url,
    region: Region,
    auth: Auth,
}

impl std::fmt::Debug for NylasAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NylasAdmin")
            .field("base", &self.base.as_str())
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// `{request_id, data:[…], limit?, offset?}`, a list answer.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
}

impl NylasAdmin {
    pub fn new(
        http: &HttpClient,
        endpoints: &Endpoints,
        region: Region,
        api_key: &str,
    ) -> Result<Self> {
        Ok(Self {
            http: http.clone(),
            base: endpoints.nylas(region).clone(),
            region,
            auth: api_key_auth(api_key)?,
        })
    }

    pub fn region(&self) -> Region {
        self.region
    }

    pub(crate) fn request(&self, op: RemoteOp, path: &str) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, &self.base, path)?.auth(self.auth.clone()))
    }

    /// Send and read `{request_id, data}`; the raw [`HttpError`] on failure
    /// (callers branch on its status).
    pub(crate) async fn send_data<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T, HttpError> {
        #[derive(Deserialize)]
        struct Data<T> {
            data: T,
        }
        let env: Data<T> = self.http.send_json(req, cancel).await?;
        Ok(env.data)
    }

    /// Send and read the `data` list of `{request_id, data, limit, offset}`.
    pub(crate) async fn send_list<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>, HttpError> {
        let env: ListEnvelope<T> = self.http.send_json(req, cancel).await?;
        Ok(env.data)
    }

    /// The admin's error for a failed call, with the wrong-region hint on
    /// a 401 and a plain hint per status for the admin endpoints.
    pub(crate) fn explain(&self, e: HttpError, what: &str) -> WizardError {
        let status = e.status;
        let mut error = explain(e, self.region);
        if error.hint.is_none() {
            match status {
                Some(400) => {
                    error.hint = Some(format!(
                        "Nylas refused {what} as sent. Check the client ID, the tenant and the \
                         callback URIs in your answers, then make the plan again."
                    ))
                }
                Some(403) => {
                    error.hint = Some(
                        "The API key may lack admin rights: create a new key in the Nylas \
                         Dashboard under API Keys."
                            .into(),
                    )
                }
                _ => {}
            }
        }
        error
    }
}

/// A JSON string field of `v`, if present and a string.
pub(crate) fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}
