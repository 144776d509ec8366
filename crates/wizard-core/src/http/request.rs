//! What a service client asks the HTTP layer to send, and what comes back.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::errors::{self, HttpError};
use crate::endpoints;
use crate::error::Result;
use crate::remote_ops::RemoteOp;

/// Human names of the services, used in every message about a call.
pub mod service {
    pub const MICROSOFT_LOGIN: &str = "Microsoft sign-in";
    pub const GRAPH: &str = "Microsoft Graph";
    pub const NYLAS: &str = "Nylas";
    pub const NYLAS_V2: &str = "Nylas v2";
    pub const NYLAS_BETA: &str = "Nylas integrations (beta)";
}

/// Credentials for one request. `Debug` never shows a secret.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer …` (Nylas API key, Microsoft access token).
    Bearer(SecretString),
    /// `Authorization: Basic base64(user:password)` (Nylas v2 integrations).
    Basic {
        username: String,
        password: SecretString,
    },
}

impl Auth {
    /// Surrounding whitespace (a common copy-paste accident) is removed.
    pub fn bearer(token: &str) -> Self {
        Auth::Bearer(SecretString::from(token.trim().to_owned()))
    }

    pub fn basic(username: &str, password: &str) -> Self {
        Auth::Basic {
            username: username.trim().to_owned(),
            password: SecretString::from(password.trim().to_owned()),
        }
    }

    pub(crate) fn apply(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        // reqwest marks both headers sensitive, so they are not logged either.
        match self {
            Auth::Bearer(token) => rb.bearer_auth(token.expose_secret()),
            Auth::Basic { username, password } => {
                rb.basic_auth(username, Some(password.expose_secret()))
            }
        }
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
        }
    }
}

/// A request body. Its contents never appear in `Debug` (token requests
/// carry client secrets and codes).
#[derive(Clone)]
pub enum RequestBody {
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
}

/// One call to a remote service.
#[derive(Clone)]
pub struct ApiRequest {
    /// Which of the wizard's remote calls this is.
    pub(crate) op: RemoteOp,
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// `"Nylas (GET /v3/applications)"`: names the call in every message.
    pub(crate) label: String,
    pub(crate) auth: Option<Auth>,
    pub(crate) body: Option<RequestBody>,
    pub(crate) idempotent: bool,
    pub(crate) timeout: Option<Duration>,
}

impl ApiRequest {
    /// The call `op` (which gives the service and method) to `path`,
    /// relative to `base` (a service's base URL, which may carry a sandbox
    /// prefix); the label shows `path` without any query string.
    pub fn new(op: RemoteOp, base: &Url, path: &str) -> Result<Self> {
        let method = op.method();
        let service = op.service();
        let url = endpoints::join(base, path)?;
        let shown = path
            .split('?')
            .next()
            .unwrap_or(path)
            .trim_start_matches('/');
        Ok(Self {
            label: format!("{service} ({method} /{shown})"),
            // GET, HEAD, PUT, DELETE, OPTIONS and TRACE may be repeated safely.
            idempotent: method.is_idempotent(),
            op,
            method,
            url,
            auth: None,
            body: None,
            timeout: None,
        })
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(RequestBody::Json(body));
        self
    }

    pub fn form(mut self, pairs: Vec<(String, String)>) -> Self {
        self.body = Some(RequestBody::Form(pairs));
        self
    }

    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.url.query_pairs_mut().extend_pairs(pairs);
        self
    }

    /// Declare that repeating this request is harmless (e.g. a POST the
    /// service de-duplicates), so it is retried like a GET.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Override the client's per-attempt timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn op(&self) -> RemoteOp {
        self.op
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }
}

impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = match &self.body {
            None => "none",
            Some(RequestBody::Json(_)) => "<json>",
            Some(RequestBody::Form(_)) => "<form>",
        };
        f.debug_struct("ApiRequest")
            .field("op", &self.op)
            .field("label", &self.label)
            .field("url", &self.url.as_str())
            .field("auth", &self.auth)
            .field("body", &body)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

/// A successful (2xx) answer.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub(crate) label: String,
}

impl ApiResponse {
    /// The body as `T`; anything else is `bad_response` naming the call.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            errors::unreadable(&self.label, self.status, &self.body, &e)
                .with_request_id(errors::request_id(&self.headers))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:1/nylas-us/").unwrap()
    }

    #[test]
    fn label_names_service_method_and_path_without_query() {
        let r =
            ApiRequest::new(RemoteOp::NylasApplication, &base(), "/v3/grants?limit=10").unwrap();
        assert_eq!(r.label(), "Nylas (GET /v3/grants)");
        assert_eq!(
            r.url().as_str(),
            "http://127.0.0.1:1/nylas-us/v3/grants?limit=10"
        );
        assert!(r.is_idempotent());
        let p = ApiRequest::new(RemoteOp::MicrosoftCodeExchange, &base(), "v3/connectors").unwrap();
        assert_eq!(p.label(), "Microsoft sign-in (POST /v3/connectors)");
        assert_eq!(p.op(), RemoteOp::MicrosoftCodeExchange);
        assert!(!p.is_idempotent());
        assert!(p.idempotent(true).is_idempotent());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let r = ApiRequest::new(RemoteOp::MicrosoftCodeExchange, &base(), "v3/connect/token")
            .unwrap()
            .auth(Auth::bearer("nyk_super_secret"))
            .form(vec![("client_secret".into(), "shh-value".into())]);
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("nyk_super_secret") && !shown.contains("shh-value"),
            "{shown}"
        );
        let basic = format!("{:?}", Auth::basic("client-id", "p4ss"));
        assert!(
            basic.contains("client-id") && !basic.contains("p4ss"),
            "{basic}"
        );
    }

    #[test]
    fn bearer_is_trimmed() {
        let Auth::Bearer(t) = Auth::bearer("  abc\n") else {
            unreachable!()
        };
        assert_eq!(t.expose_secret(), "abc");
    }
}
