//! The Nylas application's callback (redirect) URIs:
//! `/v3/applications/redirect-uris`. The wizard only adds, never deletes,
//! and compares URLs exactly (Microsoft and Nylas do: a trailing slash
//! makes another URI).

use serde::Deserialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::admin::NylasAdmin;
use super::connector::to_http;
use crate::error::Result;
use crate::http::HttpError;
use crate::remote_ops::RemoteOp;

pub const REDIRECT_URIS_PATH: &str = "v3/applications/redirect-uris";
/// The platform of a browser callback.
pub const WEB: &str = "web";

/// A registered callback URI.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CallbackUri {
    #[serde(default)]
    pub id: Option<String>,
    pub url: String,
    #[serde(default)]
    pub platform: Option<String>,
}

impl CallbackUri {
    /// A web callback for exactly `url` (a missing platform is `web`, the
    /// API's default).
    pub fn is_web_for(&self, url: &str) -> bool {
        self.url == url && self.platform.as_deref().unwrap_or(WEB) == WEB
    }
}

/// Every callback URI of the application.
pub async fn list_callback_uris(
    nylas: &NylasAdmin,
    cancel: &CancellationToken,
) -> Result<Vec<CallbackUri>> {
    let req = nylas.request(RemoteOp::NylasListCallbackUris, REDIRECT_URIS_PATH)?;
    nylas
        .send_list(&req, cancel)
        .await
        .map_err(|e| nylas.explain(e, "reading the callback URIs"))
}

/// The `POST` body for a web callback URI.
pub fn create_body(url: &str) -> Value {
    json!({ "url": url, "platform": WEB })
}

/// Add `url` as a web callback URI. The raw error on failure (a 400 or
/// 409 may mean it is there already: the caller lists again).
pub async fn add_callback_uri(
    nylas: &NylasAdmin,
    url: &str,
    cancel: &CancellationToken,
) -> Result<CallbackUri, HttpError> {
    let req = nylas
        .request(RemoteOp::NylasCreateCallbackUri, REDIRECT_URIS_PATH)
        .map_err(to_http)?
        .json(create_body(url));
    nylas.send_data(&req, cancel).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_match_including_the_trailing_slash() {
        let c = CallbackUri {
            id: Some("1".into()),
            url: "https://app.example.com/cb".into(),
            platform: None,
        };
        assert!(c.is_web_for("https://app.example.com/cb"));
        assert!(!c.is_web_for("https://app.example.com/cb/"));
        assert!(!c.is_web_for("https://APP.example.com/cb"));
        let ios = CallbackUri {
            platform: Some("ios".into()),
            ..c
        };
        assert!(!ios.is_web_for("https://app.example.com/cb"));
        assert_eq!(
            create_body("http://localhost:1/x"),
            json!({"url": "http://localhost:1/x", "platform": "web"})
        );
    }
}
