//! Path C: connect Microsoft 365 accounts to a Nylas v2 app with native
//! authentication and Microsoft Graph for events (seed 000, reference §3).
//!
//! Per account: the user signs in with the Azure app ([`user_signin`]:
//! authorization code + PKCE on `http://localhost:47617/nylas-wizard/v2-sign-in`),
//! which gives a refresh token; then for each planned [`Authorization`]
//! `POST /connect/authorize` (`provider: graph`, the Azure app's ID and
//! secret, the refresh token and the redirect URI used to get it) and
//! `POST /connect/token` → a Nylas account ([`connect`]).
//!
//! The shared-calendars variant (`Calendars.ReadWrite.Shared`) makes two
//! authorizations with the same refresh token — email and contacts, then
//! calendar — so every user becomes two Nylas accounts; [`NativeAuthPlan::notes`]
//! says what that means for webhooks and billing before anything happens.
//! Replacing an account (`reauth_account_id`) is refused until the admin
//! confirms the consequence, named in [`ReplaceNotice`].
//!
//! The refresh token lives in a `SecretString` for the length of one
//! account's connection: never in a file, a log, a plan or an answer.

pub mod connect;
mod plan;
pub mod user_signin;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::answers::Answers;
use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::paths::PathId;
use crate::regions::Region;
use crate::scopes::Feature;

pub use connect::AuthorizeCall;
pub use plan::{plan, preview_requests};
pub use user_signin::{
    native_auth_redirect_uri, SignedInUser, UserSignIn, DEFAULT_NATIVE_AUTH_PORT, NATIVE_AUTH_PATH,
};

use super::{api_base, now_rfc3339, AccountsRecord};

const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";
/// Exchange Web Services, through which Nylas v2 still reads email and
/// contacts (Graph is for events only on v2).
const EWS_SCOPE: &str = "https://outlook.office365.com/EWS.AccessAsUser.All";
/// How long the browser sign-in may take.
pub const NATIVE_AUTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Events only, or shared calendars (two accounts per user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum NativeAuthVariant {
    /// One authorization: `provider: graph`, calendar scope.
    Events,
    /// Two authorizations per refresh token (email and contacts, then
    /// calendar) for `Calendars.ReadWrite.Shared`.
    SharedCalendars,
}

/// One `POST /connect/authorize` per signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Authorization {
    /// `graph` for events; `office365` (Exchange) for email and contacts.
    pub provider: String,
    /// Comma-separated, as Nylas v2 takes them.
    pub scopes: String,
    /// What this account is for, in plain words.
    pub purpose: String,
    /// An existing account this one replaces (confirmed by the admin).
    pub reauth_account_id: Option<String>,
}

/// Replacing existing accounts: what happens, named before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReplaceNotice {
    pub account_ids: Vec<String>,
    /// The consequence, in one paragraph.
    pub consequence: String,
    pub confirmed: bool,
}

/// What connecting accounts will do (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NativeAuthPlan {
    pub variant: NativeAuthVariant,
    pub region: Region,
    pub nylas_client_id: String,
    pub azure_client_id: String,
    /// Where users sign in (`common` for a multitenant app, else the tenant).
    pub tenant: String,
    pub port: u16,
    /// The redirect URI the refresh token is got with (and Nylas is told):
    /// must be on the Azure app's Web platform.
    pub redirect_uri: String,
    /// What the user's Microsoft sign-in asks for.
    pub microsoft_scopes: Vec<String>,
    /// The same, as the admin reads them: `Calendars.ReadWrite.Shared
    /// (Microsoft Graph)`, `EWS.AccessAsUser.All (Exchange Online)`, and
    /// the sign-in's own (`offline_access`: Nylas may renew the sign-in).
    pub permissions: Vec<String>,
    pub authorizations: Vec<Authorization>,
    /// Webhooks, billing, old accounts: what the admin should know first.
    pub notes: Vec<String>,
    pub replace: Option<ReplaceNotice>,
    /// Pre-fills the account at Microsoft.
    pub login_hint: Option<String>,
}

/// What the plan is built from.
#[derive(Debug, Clone, Default)]
pub struct NativeAuthInput {
    pub region: Region,
    pub nylas_client_id: String,
    pub azure_client_id: String,
    /// Blank: `common`.
    pub tenant: String,
    pub features: Vec<Feature>,
    pub port: u16,
    /// One per authorization (in order), or none.
    pub reauth_account_ids: Vec<String>,
    pub confirm_replace: bool,
    pub login_hint: Option<String>,
}

impl NativeAuthInput {
    /// From path C's answers (region, v2 app, Azure app, tenant, features).
    pub fn from_answers(answers: &Answers, port: u16) -> Result<Self> {
        let v2 = answers.nylas_v2.as_ref().ok_or_else(|| {
            WizardError::invalid_input("The Nylas v2 app hasn't been checked yet.")
                .with_hint("Go back to the Nylas v2 app step and check its client ID and secret.")
        })?;
        let azure = answers.client_id.clone().unwrap_or_default();
        let single = answers.tenancy == Some(crate::audit::Tenancy::Single);
        Ok(Self {
            region: answers.region(),
            nylas_client_id: v2.client_id.clone(),
            azure_client_id: azure,
            tenant: if single {
                answers.tenant.clone().unwrap_or_default()
            } else {
                String::new()
            },
            features: answers.scope_plan(PathId::V2Events)?.features.clone(),
            port,
            ..Self::default()
        })
    }
}

/// A Nylas v2 account as the wizard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConnectedAccount {
    pub account_id: String,
    pub email_address: String,
    pub provider: String,
    pub billing_state: Option<String>,
    pub sync_state: Option<String>,
}

/// One authorization's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuthorizationResult {
    pub purpose: String,
    pub provider: String,
    pub scopes: String,
    pub account: Option<ConnectedAccount>,
    pub error: Option<WizardError>,
}

/// One signed-in person, connected (or not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NativeAuthOutcome {
    pub email: String,
    pub name: String,
    pub results: Vec<AuthorizationResult>,
}

impl NativeAuthOutcome {
    /// The step's record: accounts connected so far (this one added), and
    /// this connection's failures (a later success for the same person
    /// clears them, so a retried failure doesn't stick).
    pub fn record(&self, before: Option<&AccountsRecord>) -> AccountsRecord {
        let connected = self.results.iter().filter(|r| r.account.is_some()).count() as u32;
        let failed = self.results.len() as u32 - connected;
        let connected = before.map_or(0, |b| b.connected) + connected;
        AccountsRecord {
            total: connected + failed,
            connected,
            failed,
            at: now_rfc3339(),
        }
    }
}

/// The secrets a connection needs (from the keychain or the environment).
pub struct NativeAuthSecrets {
    pub nylas_client_secret: SecretString,
    pub azure_client_secret: SecretString,
}

/// Progress of one person's connection, for the window and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum NativeAuthProgress {
    SignedIn { email: String },
    Authorizing { index: u32, purpose: String },
    Connected { index: u32, account_id: String },
    Failed { index: u32, message: String },
}

/// A new account's Nylas access token (memory only; `Debug` hides it).
#[derive(Debug)]
pub struct AccessToken {
    pub account_id: String,
    pub token: SecretString,
}

/// Hand the signed-in user's refresh token to Nylas for each authorization
/// of the plan. A failed authorization doesn't stop the next one; the
/// refresh token is dropped (zeroized) when this returns, and so are the
/// accounts' access tokens (see [`connect_user_with_tokens`]).
pub async fn connect_user(
    http: &HttpClient,
    endpoints: &Endpoints,
    plan: &NativeAuthPlan,
    user: SignedInUser,
    secrets: &NativeAuthSecrets,
    progress: &(dyn Fn(NativeAuthProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<NativeAuthOutcome> {
    connect_user_with_tokens(http, endpoints, plan, user, secrets, progress, cancel)
        .await
        .map(|(outcome, _)| outcome)
}

/// [`connect_user`], also giving each new account's access token, which
/// Nylas hands out only now (for the CLI's `--show-access-tokens`).
pub async fn connect_user_with_tokens(
    http: &HttpClient,
    endpoints: &Endpoints,
    plan: &NativeAuthPlan,
    user: SignedInUser,
    secrets: &NativeAuthSecrets,
    progress: &(dyn Fn(NativeAuthProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<(NativeAuthOutcome, Vec<AccessToken>)> {
    progress(NativeAuthProgress::SignedIn {
        email: user.email.clone(),
    });
    let base = api_base(endpoints, plan.region);
    let mut results = Vec::new();
    let mut tokens = Vec::new();
    for (i, a) in plan.authorizations.iter().enumerate() {
        let index = i as u32;
        if cancel.is_cancelled() {
            return Err(WizardError::new(
                ErrorCode::Cancelled,
                "Connecting the account was cancelled.",
            ));
        }
        progress(NativeAuthProgress::Authorizing {
            index,
            purpose: a.purpose.clone(),
        });
        let call = AuthorizeCall {
            nylas_client_id: &plan.nylas_client_id,
            name: &user.name,
            email_address: &user.email,
            azure_client_id: &plan.azure_client_id,
            redirect_uri: &plan.redirect_uri,
            authorization: a,
        };
        let outcome = async {
            let code = connect::authorize(
                http,
                base,
                &call,
                &secrets.azure_client_secret,
                &user.refresh_token,
                cancel,
            )
            .await?;
            connect::token_with_access(
                http,
                base,
                &plan.nylas_client_id,
                &secrets.nylas_client_secret,
                &code,
                cancel,
            )
            .await
        }
        .await;
        let (account, error) = match outcome {
            Ok((acc, token)) => {
                if let Some(token) = token {
                    tokens.push(AccessToken {
                        account_id: acc.account_id.clone(),
                        token,
                    });
                }
                progress(NativeAuthProgress::Connected {
                    index,
                    account_id: acc.account_id.clone(),
                });
                (Some(acc), None)
            }
            Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
            Err(e) => {
                progress(NativeAuthProgress::Failed {
                    index,
                    message: e.message.clone(),
                });
                (None, Some(e))
            }
        };
        results.push(AuthorizationResult {
            purpose: a.purpose.clone(),
            provider: a.provider.clone(),
            scopes: a.scopes.clone(),
            account,
            error,
        });
    }
    Ok((
        NativeAuthOutcome {
            email: user.email.clone(),
            name: user.name.clone(),
            results,
        },
        tokens,
    ))
}

#[cfg(test)]
mod tests;
