//! Admin sign-in in the system browser: authorization code with PKCE (S256)
//! and a loopback redirect, with the `oauth2` crate doing PKCE, `state` and
//! the token exchange.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;

use super::loopback::LoopbackListener;
use super::{oauth_http, Access, DeviceCodePrompt, Tokens, DEFAULT_CLIENT_ID};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::remote_ops::RemoteOp;

/// How long the browser sign-in may take before we stop waiting.
pub const DEFAULT_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Who signs in where.
#[derive(Debug, Clone)]
pub struct SignInConfig {
    /// The public client used to sign in (default: Microsoft Graph Command
    /// Line Tools).
    pub client_id: String,
    /// The tenant to sign in to: ID, verified domain or `organizations`.
    pub tenant: String,
    /// Microsoft's login base URL (real host or the sandbox).
    pub login_base: Url,
    pub callback_timeout: Duration,
}

impl SignInConfig {
    pub fn new(tenant: &str, login_base: &Url) -> Self {
        Self {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            tenant: tenant.trim().to_owned(),
            login_base: login_base.clone(),
            callback_timeout: DEFAULT_CALLBACK_TIMEOUT,
        }
    }

    pub fn with_client_id(mut self, client_id: &str) -> Self {
        self.client_id = client_id.trim().to_owned();
        self
    }

    pub(crate) fn endpoint(&self, name: &str) -> Result<Url> {
        let tenant = self.tenant.trim();
        if tenant.is_empty()
            || !tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        {
            return Err(WizardError::invalid_input(format!(
                "'{tenant}' is not a tenant ID or a domain name."
            ))
            .with_hint("Use the Directory (tenant) ID or a domain of your tenant, such as contoso.onmicrosoft.com."));
        }
        crate::endpoints::join(&self.login_base, &format!("{tenant}/oauth2/v2.0/{name}"))
    }
}

/// Where sign-in stands, for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum SignInStatus {
    SignedOut,
    /// The browser was sent to Microsoft; waiting for it to come back.
    WaitingForBrowser {
        authorize_url: String,
    },
    /// Showing a code to enter at Microsoft's device login page.
    WaitingForCode {
        prompt: DeviceCodePrompt,
    },
    SignedIn {
        tenant: String,
        access: Access,
    },
}

/// Opens a URL in the system browser. Tests play the user through it.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<()>;
}

/// A sign-in refused or failed, in plain words.
pub(crate) fn token_error<RE: std::error::Error + 'static>(
    e: RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> WizardError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let said = r.error_description().cloned().unwrap_or_default();
            let said = said.lines().next().unwrap_or("").trim().to_owned();
            let code = if said.contains("AADSTS501481") || said.contains("AADSTS50148") {
                "The sign-in's proof key (PKCE) didn't match, so Microsoft refused it."
            } else {
                "Microsoft refused the sign-in."
            };
            WizardError::new(
                ErrorCode::Rejected,
                format!("{code} ({}: {said})", r.error()),
            )
            .with_hint("Sign in again.")
        }
        RequestTokenError::Request(e) => request_error(&e),
        RequestTokenError::Parse(e, _) => WizardError::new(
            ErrorCode::BadResponse,
            format!("Microsoft sign-in answered with something we couldn't read ({e})."),
        ),
        RequestTokenError::Other(s) => WizardError::new(
            ErrorCode::BadResponse,
            format!("Microsoft sign-in failed: {s}."),
        ),
    }
}

/// Our adapter's error is an `HttpError` already in plain words.
pub(crate) fn request_error(e: &(dyn std::error::Error + 'static)) -> WizardError {
    match e.downcast_ref::<crate::http::HttpError>() {
        Some(h) => h.error.clone(),
        None => WizardError::new(ErrorCode::RemoteUnavailable, format!("{e}")),
    }
}

pub(crate) fn tokens_from<T: TokenResponse>(t: &T, access: Access, tenant: &str) -> Tokens {
    Tokens {
        access_token: SecretString::from(t.access_token().secret().clone()),
        refresh_token: t
            .refresh_token()
            .map(|r| SecretString::from(r.secret().clone())),
        access,
        scopes: t
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        tenant: tenant.to_owned(),
    }
}

/// A browser sign-in in two halves, so the window can show the URL (and a
/// Cancel button) while waiting.
pub struct BrowserSignIn {
    config: SignInConfig,
    access: Access,
    listener: LoopbackListener,
    authorize_url: Url,
    state: CsrfToken,
    verifier: oauth2::PkceCodeVerifier,
}

impl BrowserSignIn {
    /// Bind the loopback listener and build the authorize URL (PKCE S256,
    /// a random `state`).
    pub async fn start(config: SignInConfig, access: Access) -> Result<Self> {
        let listener = LoopbackListener::bind().await?;
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(config.endpoint("authorize")?))
            .set_redirect_uri(
                RedirectUrl::new(listener.redirect_uri())
                    .map_err(|e| WizardError::internal(format!("Bad redirect URI: {e}.")))?,
            );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (authorize_url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(access.scopes().into_iter().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Self {
            config,
            access,
            listener,
            authorize_url,
            state,
            verifier,
        })
    }

    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    pub fn redirect_uri(&self) -> String {
        self.listener.redirect_uri()
    }

    /// Wait for the one callback, check its state, redeem the code with the
    /// PKCE verifier.
    pub async fn finish(self, http: &HttpClient, cancel: &CancellationToken) -> Result<Tokens> {
        let redirect = self.listener.redirect_uri();
        let callback = self
            .listener
            .wait(self.state.secret(), self.config.callback_timeout, cancel)
            .await?;
        let client = BasicClient::new(ClientId::new(self.config.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.config.endpoint("token")?))
            .set_redirect_uri(
                RedirectUrl::new(redirect)
                    .map_err(|e| WizardError::internal(format!("Bad redirect URI: {e}.")))?,
            );
        let http_client = oauth_http::client(http, cancel, RemoteOp::MicrosoftCodeExchange);
        let token = client
            .exchange_code(AuthorizationCode::new(
                callback.code.expose_secret().to_owned(),
            ))
            .set_pkce_verifier(self.verifier)
            .request_async(&http_client)
            .await
            .map_err(token_error)?;
        Ok(tokens_from(&token, self.access, &self.config.tenant))
    }
}

/// The whole browser sign-in: open the authorize URL, wait, redeem.
pub async fn sign_in_browser(
    http: &HttpClient,
    config: SignInConfig,
    access: Access,
    browser: &dyn BrowserOpener,
    cancel: &CancellationToken,
) -> Result<Tokens> {
    let flow = BrowserSignIn::start(config, access).await?;
    browser.open(flow.authorize_url().as_str())?;
    flow.finish(http, cancel).await
}

/// New tokens from the refresh token (same access).
pub async fn refresh(
    http: &HttpClient,
    config: &SignInConfig,
    tokens: &Tokens,
    cancel: &CancellationToken,
) -> Result<Tokens> {
    let Some(refresh) = &tokens.refresh_token else {
        return Err(WizardError::new(
            ErrorCode::Unauthorized,
            "The Microsoft sign-in has run out and can't be renewed.",
        )
        .with_hint("Sign in again."));
    };
    let client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::from_url(config.endpoint("token")?));
    let http_client = oauth_http::client(http, cancel, RemoteOp::MicrosoftRefresh);
    let token = client
        .exchange_refresh_token(&oauth2::RefreshToken::new(
            refresh.expose_secret().to_owned(),
        ))
        .add_scopes(tokens.access.scopes().into_iter().map(Scope::new))
        .request_async(&http_client)
        .await
        .map_err(token_error)?;
    let mut fresh = tokens_from(&token, tokens.access, &tokens.tenant);
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = tokens.refresh_token.clone();
    }
    Ok(fresh)
}
