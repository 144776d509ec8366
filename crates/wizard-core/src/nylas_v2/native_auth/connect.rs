//! The two Nylas v2 native-auth calls (reference §3): `POST /connect/authorize`
//! with the refresh token → a one-time code, then `POST /connect/token`
//! with the v2 app's client secret → the account. Only the account's
//! description is read from the answer: its access token is never kept.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, HttpClient};
use crate::nylas_v2::explain_v2;
use crate::remote_ops::RemoteOp;

use super::{Authorization, ConnectedAccount};

/// What the body of `/connect/authorize` carries besides the secrets.
pub struct AuthorizeCall<'a> {
    pub nylas_client_id: &'a str,
    pub name: &'a str,
    pub email_address: &'a str,
    pub azure_client_id: &'a str,
    pub redirect_uri: &'a str,
    pub authorization: &'a Authorization,
}

/// The request body with the secrets in place (`shown`: as •••).
pub(crate) fn authorize_body(
    call: &AuthorizeCall<'_>,
    azure_client_secret: Option<&SecretString>,
    refresh_token: Option<&SecretString>,
) -> Value {
    let hidden = "•••".to_owned();
    let reveal =
        |s: Option<&SecretString>| s.map_or(hidden.clone(), |s| s.expose_secret().to_owned());
    let mut body = json!({
        "client_id": call.nylas_client_id,
        "name": call.name,
        "email_address": call.email_address,
        "provider": call.authorization.provider,
        "settings": {
            "microsoft_client_id": call.azure_client_id,
            "microsoft_client_secret": reveal(azure_client_secret),
            "microsoft_refresh_token": reveal(refresh_token),
            "redirect_uri": call.redirect_uri,
        },
        "scopes": call.authorization.scopes,
    });
    if let Some(id) = &call.authorization.reauth_account_id {
        body["reauth_account_id"] = json!(id);
    }
    body
}

#[derive(Deserialize)]
struct CodeAnswer {
    code: Option<String>,
}

/// `POST /connect/authorize` → the code (in memory only).
pub async fn authorize(
    http: &HttpClient,
    base: &Url,
    call: &AuthorizeCall<'_>,
    azure_client_secret: &SecretString,
    refresh_token: &SecretString,
    cancel: &CancellationToken,
) -> Result<SecretString> {
    let req = ApiRequest::new(RemoteOp::NylasV2Authorize, base, "connect/authorize")?.json(
        authorize_body(call, Some(azure_client_secret), Some(refresh_token)),
    );
    let answer: CodeAnswer = http.send_json(&req, cancel).await.map_err(explain_v2)?;
    answer
        .code
        .filter(|c| !c.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Nylas accepted the authorization but sent no code back.",
            )
        })
}

/// The account fields we read; `access_token` only into a `SecretString`.
#[derive(Deserialize)]
struct AccountAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    email_address: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    billing_state: Option<String>,
    #[serde(default)]
    sync_state: Option<String>,
}

/// `POST /connect/token` → the account (its access token dropped).
pub async fn token(
    http: &HttpClient,
    base: &Url,
    nylas_client_id: &str,
    nylas_client_secret: &SecretString,
    code: &SecretString,
    cancel: &CancellationToken,
) -> Result<ConnectedAccount> {
    token_with_access(
        http,
        base,
        nylas_client_id,
        nylas_client_secret,
        code,
        cancel,
    )
    .await
    .map(|(account, _)| account)
}

/// `POST /connect/token` → the account and its access token (memory only:
/// Nylas hands it out once, at connection).
pub async fn token_with_access(
    http: &HttpClient,
    base: &Url,
    nylas_client_id: &str,
    nylas_client_secret: &SecretString,
    code: &SecretString,
    cancel: &CancellationToken,
) -> Result<(ConnectedAccount, Option<SecretString>)> {
    let req = ApiRequest::new(RemoteOp::NylasV2Token, base, "connect/token")?.json(json!({
        "client_id": nylas_client_id,
        "client_secret": nylas_client_secret.expose_secret().trim(),
        "code": code.expose_secret(),
    }));
    let a: AccountAnswer = http.send_json(&req, cancel).await.map_err(explain_v2)?;
    let id = a
        .account_id
        .or(a.id)
        .filter(|i| !i.is_empty())
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Nylas connected the account but its answer had no account ID.",
            )
        })?;
    let access = a
        .access_token
        .filter(|t| !t.is_empty())
        .map(SecretString::from);
    Ok((
        ConnectedAccount {
            account_id: id,
            email_address: a.email_address,
            provider: a.provider,
            billing_state: a.billing_state,
            sync_state: a.sync_state,
        },
        access,
    ))
}
