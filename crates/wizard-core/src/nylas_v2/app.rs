//! The "Nylas v2 app" step (paths B and C): do this client ID and client
//! secret open a Nylas v2 application in the chosen region?
//!
//! What can be checked without connecting an account:
//! - `GET /a/{client_id}/accounts` on the v2 API, with `Basic
//!   base64(client_secret:)` (the v2 SDKs' account management): the secret
//!   belongs to this client ID in this region, and the app's accounts.
//! - Path B only: `GET /connect/integrations` on the beta host, with `Basic
//!   base64(client_id:client_secret)`: the Teams integrations service (a
//!   private preview) accepts the app, and whether a Microsoft integration
//!   exists already.
//!
//! Nylas v2 answers 401 on the other region's host as for a wrong secret,
//! so a 401 is followed by one probe of the other region, to say which
//! region the app lives in instead of "wrong secret". What stays unknown is
//! said in `unverified`, in plain words. Nothing is stored here; the caller
//! keeps the secret only when the check works.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::error::explain_v2;
use super::integrations::{list_integrations, BetaClient, PROVIDER};
use super::{api_base, now_rfc3339, NylasV2Record};
use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, Auth, HttpClient};
use crate::paths::PathId;
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// Where the admin finds both values, in the v2 dashboard's words.
const WHERE_THEY_ARE: &str =
    "In the Nylas v2 dashboard, open your application, then App Settings: the client ID and the client secret are there";

/// Accounts read in one call (the first page is enough to show the app).
pub const ACCOUNTS_PAGE: usize = 100;

/// What the step checks: the path decides whether the beta host is asked.
#[derive(Debug, Clone, Copy)]
pub struct V2AppInput<'a> {
    pub path: PathId,
    pub region: Region,
    pub client_id: &'a str,
    pub client_secret: &'a SecretString,
}

/// One v2 account of the app (never a token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct V2AccountSummary {
    pub id: String,
    pub email: String,
    pub provider: String,
    pub billing_state: Option<String>,
    pub sync_state: Option<String>,
}

/// The Teams integrations service (beta), as the check found it (path B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BetaAccess {
    /// Integrations the app has there, of any provider.
    pub integrations: u32,
    /// One of them is the Microsoft (Teams) integration.
    pub microsoft: bool,
}

/// What checking a v2 client ID and secret found. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasV2AppCheck {
    pub client_id: String,
    pub region: Region,
    /// The app's accounts (the first [`ACCOUNTS_PAGE`]).
    pub accounts: Vec<V2AccountSummary>,
    /// More accounts exist than listed.
    pub more_accounts: bool,
    /// Path B: the beta host's answer; `None` on path C (not asked).
    pub teams: Option<BetaAccess>,
    /// What the check proved, one plain sentence each.
    pub verified: Vec<String>,
    /// What it can't prove before an account connects, one sentence each.
    pub unverified: Vec<String>,
}

impl NylasV2AppCheck {
    /// What the answers keep (never the secret).
    pub fn record(&self) -> NylasV2Record {
        NylasV2Record {
            client_id: self.client_id.clone(),
            region: self.region,
            checked_at: now_rfc3339(),
        }
    }
}

/// The client ID as pasted: trimmed; it goes in a URL path and before the
/// `:` of the Basic header, so spaces, slashes and colons can't be in it.
pub fn clean_client_id(raw: &str) -> Result<&str> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(WizardError::invalid_input("Enter your Nylas v2 client ID.")
            .with_hint(format!("{WHERE_THEY_ARE}.")));
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ':' | '/' | '?' | '#'))
    {
        return Err(WizardError::invalid_input(
            "The client ID has a space, a line break or a character like : or / in it, so it was not copied as it is.",
        )
        .with_hint(format!("{WHERE_THEY_ARE}: copy the client ID again.")));
    }
    Ok(id)
}

/// The secret as pasted: trimmed (a copied trailing line break is common);
/// a break or space in the middle means part of it is missing or extra.
pub fn clean_client_secret(raw: &SecretString) -> Result<SecretString> {
    let s = raw.expose_secret().trim();
    if s.is_empty() {
        return Err(
            WizardError::invalid_input("Paste your Nylas v2 client secret.")
                .with_hint(format!("{WHERE_THEY_ARE}.")),
        );
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(WizardError::invalid_input(
            "The client secret has a space or a line break in the middle, so part of it is missing or extra.",
        )
        .with_hint(format!("{WHERE_THEY_ARE}: copy the client secret again.")));
    }
    Ok(SecretString::from(s.to_owned()))
}

/// `GET /a/{client_id}/accounts` in `region`.
async fn list_accounts(
    http: &HttpClient,
    endpoints: &Endpoints,
    region: Region,
    client_id: &str,
    secret: &SecretString,
    cancel: &CancellationToken,
) -> std::result::Result<Vec<serde_json::Value>, crate::http::HttpError> {
    let path = format!("a/{client_id}/accounts");
    let limit = ACCOUNTS_PAGE.to_string();
    let req = ApiRequest::new(
        RemoteOp::NylasV2ListAccounts,
        api_base(endpoints, region),
        &path,
    )
    .map_err(|error| crate::http::HttpError {
        error,
        status: None,
        service_error: None,
        attempts: 0,
    })?
    .query(&[("limit", limit.as_str()), ("offset", "0")])
    // Account management takes the secret as the user name, no password.
    .auth(Auth::basic(secret.expose_secret(), ""));
    http.send_json(&req, cancel).await
}

fn summary(v: &serde_json::Value) -> Option<V2AccountSummary> {
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    Some(V2AccountSummary {
        id: text("account_id").or_else(|| text("id"))?,
        email: text("email")
            .or_else(|| text("email_address"))
            .unwrap_or_default(),
        provider: text("provider").unwrap_or_default(),
        billing_state: text("billing_state"),
        sync_state: text("sync_state"),
    })
}

/// Check the client ID and secret for `input.path` in `input.region`.
pub async fn check_v2_app(
    http: &HttpClient,
    endpoints: &Endpoints,
    input: V2AppInput<'_>,
    cancel: &CancellationToken,
) -> Result<NylasV2AppCheck> {
    let client_id = clean_client_id(input.client_id)?;
    let secret = clean_client_secret(input.client_secret)?;
    let region = input.region;
    let raw = match list_accounts(http, endpoints, region, client_id, &secret, cancel).await {
        Ok(raw) => raw,
        Err(e) if e.status == Some(401) || e.status == Some(404) => {
            let first = explain_v2(e);
            let other = region.other();
            return Err(
                match list_accounts(http, endpoints, other, client_id, &secret, cancel).await {
                    Ok(_) => in_other_region(region),
                    Err(e) if e.error.code == ErrorCode::Cancelled => e.error,
                    Err(_) => wrong_credentials(first),
                },
            );
        }
        Err(e) => return Err(explain_v2(e)),
    };
    let mut accounts: Vec<V2AccountSummary> = raw.iter().filter_map(summary).collect();
    let more_accounts = accounts.len() >= ACCOUNTS_PAGE;
    accounts.truncate(ACCOUNTS_PAGE);
    let mut verified = vec![format!(
        "Nylas v2 ({}) accepts this client ID and client secret together.",
        region.label()
    )];
    verified.push(match accounts.len() {
        0 => "The app has no connected accounts yet.".to_string(),
        1 => "The app has 1 connected account.".to_string(),
        n if more_accounts => format!("The app has more than {n} connected accounts."),
        n => format!("The app has {n} connected accounts."),
    });
    let mut unverified = Vec::new();
    let teams = if input.path == PathId::Teams {
        let beta = BetaClient::new(http, endpoints, region, client_id, &secret);
        let list = list_integrations(&beta, cancel)
            .await
            .map_err(|e| beta_refused(e, region))?;
        let microsoft = list.iter().any(|i| i.provider == PROVIDER);
        verified.push(format!(
            "The Teams integrations service (beta, {}) accepts them too.",
            region.label()
        ));
        verified.push(if microsoft {
            "A Microsoft (Teams) integration exists already; the next step compares it with what Teams needs.".to_string()
        } else {
            "There is no Microsoft (Teams) integration yet; the next step creates it.".to_string()
        });
        unverified.push(
            "Whether each user's Teams meetings work is only known when that user's account connects (Connect accounts step).".to_string(),
        );
        Some(BetaAccess {
            integrations: list.len() as u32,
            microsoft,
        })
    } else {
        unverified.push(
            "Whether Nylas v2 accepts Microsoft Graph sign-ins (provider graph) for this app is only known when the first account connects (next step).".to_string(),
        );
        None
    };
    unverified.push(
        "Your plan's account limit and billing aren't visible with these credentials; the Nylas v2 dashboard shows them.".to_string(),
    );
    Ok(NylasV2AppCheck {
        client_id: client_id.to_string(),
        region,
        accounts,
        more_accounts,
        teams,
        verified,
        unverified,
    })
}

/// The credentials work, but in the other region.
fn in_other_region(chosen: Region) -> WizardError {
    let other = chosen.other();
    WizardError::new(
        ErrorCode::Unauthorized,
        format!(
            "This client ID and secret belong to a Nylas v2 app in the {} region, not the {} region you chose.",
            other.label(),
            chosen.label()
        ),
    )
    .with_hint(format!(
        "Go back to the Region step, choose {}, then check again. Nothing was saved.",
        other.label()
    ))
}

/// Neither region accepts them.
fn wrong_credentials(first: WizardError) -> WizardError {
    let mut e = WizardError::new(
        ErrorCode::Unauthorized,
        format!(
            "{}: Nylas v2 refused them in both regions (US and EU).",
            super::error::WRONG_CREDENTIALS
        ),
    )
    .with_hint(format!(
        "{WHERE_THEY_ARE}: copy both again, without spaces or line breaks. A Nylas v3 API key or application ID doesn't work here."
    ));
    e.request_id = first.request_id;
    e
}

/// The v2 API accepted the credentials but the beta host didn't.
fn beta_refused(e: WizardError, region: Region) -> WizardError {
    if !matches!(e.code, ErrorCode::Unauthorized | ErrorCode::Forbidden) {
        return e;
    }
    let mut out = WizardError::new(
        e.code,
        format!(
            "Nylas v2 accepts this client ID and secret, but the Teams integrations service (beta, {}) refused them.",
            region.label()
        ),
    )
    .with_hint(
        "Teams meetings use a Nylas private preview that has to be switched on for each app: \
         ask Nylas support to enable integrations for this app and region, then check again.",
    );
    out.request_id = e.request_id;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_values_are_trimmed_and_broken_ones_refused() {
        assert_eq!(clean_client_id("  abc123 \n").unwrap(), "abc123");
        for bad in ["", "  ", "ab c", "ab:c", "a/b", "a\u{7}b"] {
            assert_eq!(
                clean_client_id(bad).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{bad:?}"
            );
        }
        let s = clean_client_secret(&SecretString::from("s3cret\n".to_string())).unwrap();
        assert_eq!(s.expose_secret(), "s3cret");
        let e = clean_client_secret(&SecretString::from("s3c ret".to_string())).unwrap_err();
        assert!(e.message.contains("in the middle"));
        assert!(!e.message.contains("s3c"), "the secret is never repeated");
        assert!(clean_client_secret(&SecretString::from(String::new())).is_err());
    }

    #[test]
    fn accounts_read_either_id_field() {
        let a =
            summary(&serde_json::json!({"account_id": "a1", "email": "x@y", "provider": "graph"}))
                .unwrap();
        assert_eq!((a.id.as_str(), a.email.as_str()), ("a1", "x@y"));
        let b = summary(&serde_json::json!({"id": "b1", "email_address": "z@y"})).unwrap();
        assert_eq!((b.id.as_str(), b.email.as_str()), ("b1", "z@y"));
        assert_eq!(summary(&serde_json::json!({"email": "no id"})), None);
    }

    #[test]
    fn region_and_beta_errors_say_what_to_do() {
        let e = in_other_region(Region::Us);
        assert!(e.message.contains("in the EU region, not the US region"));
        assert!(e.hint.unwrap().contains("choose EU"));
        let e = beta_refused(WizardError::new(ErrorCode::Forbidden, "x"), Region::Eu);
        assert!(e.message.contains("beta, EU"));
        let other = WizardError::new(ErrorCode::RemoteUnavailable, "down");
        assert_eq!(beta_refused(other.clone(), Region::Us), other);
    }
}
