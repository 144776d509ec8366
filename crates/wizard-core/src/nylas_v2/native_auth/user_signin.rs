//! The user's Microsoft sign-in that gives path C its refresh token: the
//! authorization code flow with PKCE (S256) and the Azure app's own client
//! ID and secret (a confidential Web app, as Nylas will be when it renews
//! the token), on a loopback redirect `http://localhost:PORT/nylas-wizard/v2-sign-in`.
//!
//! Why a sign-in and not a pasted token: Nylas needs the redirect URI that
//! was used to get the token, byte for byte, and a refresh token pasted
//! around is a secret on the clipboard. Here it goes from Microsoft's answer
//! straight into a [`SecretString`] and is dropped once Nylas has it.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::microsoft::loopback::{LoopbackListener, Pages, RawCallback};
use crate::microsoft::signin::token_error;
use crate::microsoft::{oauth_http, Access, GraphClient, Tokens};
use crate::remote_ops::RemoteOp;

use super::NativeAuthPlan;

/// The path the browser comes back to.
pub const NATIVE_AUTH_PATH: &str = "/nylas-wizard/v2-sign-in";
/// The default loopback port (register `http://localhost:47617/nylas-wizard/v2-sign-in`
/// on the Azure app's Web platform).
pub const DEFAULT_NATIVE_AUTH_PORT: u16 = 47617;

const PAGES: Pages = Pages {
    done: "You are signed in. You can close this tab and go back to the Nylas setup wizard, which connects your account to Nylas now.",
    failed: "Sign-in didn't complete. Go back to the Nylas setup wizard to see why.",
};

/// `http://localhost:PORT/nylas-wizard/v2-sign-in`: the redirect URI used
/// for the refresh token, and so the one Nylas is told.
pub fn native_auth_redirect_uri(port: u16) -> String {
    format!("http://localhost:{port}{NATIVE_AUTH_PATH}")
}

/// Who signed in, and the refresh token (memory only; `Debug` hides it).
pub struct SignedInUser {
    pub email: String,
    pub name: String,
    pub refresh_token: SecretString,
}

impl std::fmt::Debug for SignedInUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedInUser")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("refresh_token", &"<redacted>")
            .finish()
    }
}

/// A sign-in started: the listener bound and the link built.
pub struct UserSignIn {
    listener: LoopbackListener,
    authorize_url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    token_url: Url,
    client_id: String,
    redirect_uri: String,
}

fn login_endpoint(endpoints: &Endpoints, tenant: &str, name: &str) -> Result<Url> {
    crate::microsoft::SignInConfig::new(tenant, &endpoints.microsoft_login).endpoint(name)
}

impl UserSignIn {
    /// Listen on the plan's port and build Microsoft's sign-in link for the
    /// plan's Azure app and scopes.
    pub async fn start(endpoints: &Endpoints, plan: &NativeAuthPlan) -> Result<Self> {
        let listener = LoopbackListener::bind_localhost(plan.port, NATIVE_AUTH_PATH)
            .await
            .map_err(|e| e.with_hint(format!(
                "The sign-in needs port {} on this computer. Close the program using it, or choose another port (and register its address on the Azure app).",
                plan.port
            )))?;
        let redirect_uri = plan.redirect_uri.clone();
        let bad = |e: oauth2::url::ParseError| WizardError::internal(format!("Bad address: {e}."));
        let client = BasicClient::new(ClientId::new(plan.azure_client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(login_endpoint(
                endpoints,
                &plan.tenant,
                "authorize",
            )?))
            .set_redirect_uri(RedirectUrl::new(redirect_uri.clone()).map_err(bad)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut auth = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(plan.microsoft_scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            // Each account is a different person: let them pick it.
            .add_extra_param("prompt", "select_account");
        if let Some(hint) = &plan.login_hint {
            auth = auth.add_extra_param("login_hint", hint);
        }
        let (authorize_url, state) = auth.url();
        Ok(Self {
            listener,
            authorize_url,
            state,
            verifier,
            token_url: login_endpoint(endpoints, &plan.tenant, "token")?,
            client_id: plan.azure_client_id.clone(),
            redirect_uri,
        })
    }

    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// Wait for the browser, redeem the code with the Azure app's secret
    /// and the PKCE verifier, and read who signed in (`/me`).
    pub async fn finish(
        self,
        http: &HttpClient,
        endpoints: &Endpoints,
        azure_client_secret: &SecretString,
        timeout: std::time::Duration,
        cancel: &CancellationToken,
    ) -> Result<SignedInUser> {
        self.finish_with_graph(http, endpoints, azure_client_secret, timeout, cancel)
            .await
            .map(|(user, _)| user)
    }

    /// [`finish`](Self::finish), also giving the sign-in's Graph access token
    /// (memory only), for reads as the signed-in account (a v2 service
    /// account checks the mailboxes it will connect).
    pub async fn finish_with_graph(
        self,
        http: &HttpClient,
        endpoints: &Endpoints,
        azure_client_secret: &SecretString,
        timeout: std::time::Duration,
        cancel: &CancellationToken,
    ) -> Result<(SignedInUser, Tokens)> {
        let raw = self
            .listener
            .wait_raw(self.state.secret(), timeout, cancel, PAGES)
            .await?;
        let Some(raw) = raw else {
            return Err(if cancel.is_cancelled() {
                WizardError::new(ErrorCode::Cancelled, "The sign-in was cancelled.")
            } else {
                WizardError::new(
                    ErrorCode::RemoteUnavailable,
                    format!(
                        "Microsoft's sign-in page didn't send the browser back within {} minutes, so we stopped waiting.",
                        timeout.as_secs().div_ceil(60)
                    ),
                )
                .with_hint("Start the sign-in again and finish it in the browser window that opens.")
            });
        };
        let code = callback_code(raw)?;
        let bad = |e: oauth2::url::ParseError| WizardError::internal(format!("Bad address: {e}."));
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                azure_client_secret.expose_secret().trim().to_owned(),
            ))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_redirect_uri(RedirectUrl::new(self.redirect_uri.clone()).map_err(bad)?);
        let http_client = oauth_http::client(http, cancel, RemoteOp::MicrosoftCodeExchange);
        let token = client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(self.verifier)
            .request_async(&http_client)
            .await
            .map_err(token_error)?;
        let Some(refresh) = token.refresh_token() else {
            return Err(WizardError::new(
                ErrorCode::BadResponse,
                "Microsoft signed the user in but gave no refresh token, which Nylas needs.",
            )
            .with_hint(
                "Check that the Azure app may ask for offline_access, then sign in again.",
            ));
        };
        let refresh_token = SecretString::from(refresh.secret().clone());
        let tokens = Tokens {
            access_token: SecretString::from(token.access_token().secret().clone()),
            refresh_token: None,
            access: Access::Audit,
            scopes: vec![],
            tenant: String::new(),
        };
        let me = GraphClient::new(http, &endpoints.graph, &tokens)
            .me(cancel)
            .await?;
        let email = me
            .user_principal_name
            .filter(|e| !e.trim().is_empty())
            .ok_or_else(|| {
                WizardError::new(
                    ErrorCode::BadResponse,
                    "Microsoft didn't say which account signed in.",
                )
            })?;
        let name = me
            .display_name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| email.clone());
        Ok((
            SignedInUser {
                email,
                name,
                refresh_token,
            },
            tokens,
        ))
    }
}

/// The code of the redirect, or Microsoft's refusal in plain words.
fn callback_code(raw: RawCallback) -> Result<SecretString> {
    if let Some(error) = raw.error.as_deref() {
        let said = raw.error_description.as_deref().unwrap_or("");
        let first = said.lines().next().unwrap_or("").trim();
        return Err(if error == "access_denied" {
            WizardError::new(
                ErrorCode::Cancelled,
                format!("The sign-in was declined in the browser ({first})."),
            )
            .with_hint("Sign in again and choose Accept: Nylas needs the permissions listed.")
        } else {
            WizardError::new(
                ErrorCode::Rejected,
                format!("Microsoft refused the sign-in: {error} {first}"),
            )
            .with_hint("Paste this message on the Diagnose page for the cause and the fix.")
        });
    }
    raw.code.ok_or_else(|| {
        WizardError::new(
            ErrorCode::BadResponse,
            "Microsoft's sign-in sent the browser back without a code or an error.",
        )
    })
}
