//! Device-code sign-in: show a code and a URL, then poll Microsoft at its
//! `interval` until the admin has signed in elsewhere. `slow_down` adds
//! five seconds to the interval (RFC 8628); declined and expired codes end
//! the wait with a plain message. `oauth2` runs the loop; the sleep is
//! injectable so tests see each wait without waiting.

use std::future::Future;
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    basic::BasicErrorResponseType, AuthType, ClientId, DeviceAuthorizationUrl, RequestTokenError,
    Scope, TokenUrl,
};
use oauth2::{
    DeviceAuthorizationResponse, DeviceCodeErrorResponseType, ExtraDeviceAuthorizationFields,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::signin::{request_error, token_error, tokens_from, SignInConfig};
use super::{oauth_http, Access, Tokens};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::remote_ops::RemoteOp;

/// What to show the admin while waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeviceCodePrompt {
    /// The code to type, e.g. `GH7QK2LMP`.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// How long the code stays valid.
    pub expires_in_secs: u64,
    /// Microsoft's own sentence, e.g. "To sign in, use a web browser…".
    pub message: String,
}

/// Microsoft adds a ready-made `message` to the device-code answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MicrosoftExtra {
    #[serde(default)]
    message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for MicrosoftExtra {}

type Details = DeviceAuthorizationResponse<MicrosoftExtra>;

/// A device-code sign-in that has a code and waits for the admin.
pub struct DeviceFlow {
    config: SignInConfig,
    access: Access,
    details: Details,
}

impl std::fmt::Debug for DeviceFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceFlow")
            .field("user_code", &self.details.user_code().secret())
            .finish_non_exhaustive()
    }
}

impl DeviceFlow {
    /// Ask Microsoft for a code (`/devicecode`).
    pub async fn start(
        http: &HttpClient,
        config: SignInConfig,
        access: Access,
        cancel: &CancellationToken,
    ) -> Result<Self> {
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(
                config.endpoint("devicecode")?,
            ));
        let http_client = oauth_http::client(http, cancel, RemoteOp::MicrosoftDeviceCodeStart);
        let details: Details = client
            .exchange_device_code()
            .add_scopes(access.scopes().into_iter().map(Scope::new))
            .request_async(&http_client)
            .await
            .map_err(token_error)?;
        Ok(Self {
            config,
            access,
            details,
        })
    }

    pub fn prompt(&self) -> DeviceCodePrompt {
        let d = &self.details;
        DeviceCodePrompt {
            user_code: d.user_code().secret().clone(),
            verification_uri: d.verification_uri().to_string(),
            expires_in_secs: d.expires_in().as_secs(),
            message: d.extra_fields().message.clone().unwrap_or_else(|| {
                format!(
                    "To sign in, open {} and enter the code {}.",
                    d.verification_uri().as_str(),
                    d.user_code().secret()
                )
            }),
        }
    }

    /// The interval Microsoft asked for.
    pub fn interval(&self) -> Duration {
        self.details.interval()
    }

    /// Poll until signed in, declined or expired.
    pub async fn finish(self, http: &HttpClient, cancel: &CancellationToken) -> Result<Tokens> {
        self.finish_with_sleep(http, cancel, tokio::time::sleep)
            .await
    }

    /// [`finish`](Self::finish) with the wait between polls supplied (tests).
    pub async fn finish_with_sleep<S, F>(
        self,
        http: &HttpClient,
        cancel: &CancellationToken,
        sleep: S,
    ) -> Result<Tokens>
    where
        S: Fn(Duration) -> F,
        F: Future<Output = ()>,
    {
        let client = BasicClient::new(ClientId::new(self.config.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.config.endpoint("token")?));
        let http_client = oauth_http::client(http, cancel, RemoteOp::MicrosoftDeviceCodePoll);
        // oauth2 retries failed polls (a cancelled call among them) without
        // ever pausing; a wait that never ends once cancelled lets the
        // select below see the cancellation.
        let sleep = |d: Duration| {
            let wait = sleep(d);
            async move {
                if cancel.is_cancelled() {
                    std::future::pending::<()>().await;
                }
                wait.await;
                if cancel.is_cancelled() {
                    std::future::pending::<()>().await;
                }
            }
        };
        let polling = client
            .exchange_device_access_token(&self.details)
            .request_async(&http_client, sleep, None);
        let token = tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                return Err(WizardError::new(ErrorCode::Cancelled, "Sign-in was cancelled."))
            }
            token = polling => token,
        };
        match token {
            Ok(t) => Ok(tokens_from(&t, self.access, &self.config.tenant)),
            Err(RequestTokenError::ServerResponse(r)) => Err(device_error(r.error())),
            Err(RequestTokenError::Request(e)) => Err(request_error(&e)),
            Err(RequestTokenError::Parse(e, _)) => Err(WizardError::new(
                ErrorCode::BadResponse,
                format!("Microsoft sign-in answered with something we couldn't read ({e})."),
            )),
            Err(RequestTokenError::Other(s)) => Err(WizardError::new(
                ErrorCode::BadResponse,
                format!("Microsoft sign-in failed: {s}."),
            )),
        }
    }
}

fn device_error(kind: &DeviceCodeErrorResponseType) -> WizardError {
    use DeviceCodeErrorResponseType as K;
    let ext = |s: &str| matches!(kind, K::Basic(BasicErrorResponseType::Extension(e)) if e == s);
    if matches!(kind, K::AccessDenied) || ext("authorization_declined") {
        WizardError::new(
            ErrorCode::Cancelled,
            "The sign-in was declined at Microsoft's page.",
        )
        .with_hint("Sign in again and choose Continue when Microsoft asks whether it's you.")
    } else if matches!(kind, K::ExpiredToken) {
        WizardError::new(
            ErrorCode::Rejected,
            "The sign-in code expired before it was entered.",
        )
        .with_hint("Start the sign-in again to get a new code, and enter it within 15 minutes.")
    } else if ext("bad_verification_code") {
        WizardError::new(
            ErrorCode::Rejected,
            "Microsoft doesn't recognise this sign-in code any more.",
        )
        .with_hint("Start the sign-in again to get a new code.")
    } else {
        WizardError::new(
            ErrorCode::Rejected,
            format!("Microsoft refused the sign-in ({kind})."),
        )
        .with_hint("Start the sign-in again.")
    }
}
