//! Path B, connecting end users' accounts to the Teams integration (seed 001,
//! "Authenticate with Microsoft").
//!
//! Per v2 account: `POST /connect/auth` on the region's beta host with the v2
//! app's Basic credentials (`provider: microsoft`, `redirect_uri`,
//! `expires_in` 43200, `account_id`, the seed's scope list, and a `state` of
//! ours), the returned login URL opened in the system browser, then the
//! browser's way back to `redirect_uri` captured on the wizard's loopback
//! address ([`teams_callback`]) or pasted by the admin, and parsed
//! ([`callback`]). A list of accounts runs as a batch ([`batch`]) with
//! progress and cancel, and resumes from a journal ([`journal`]) in the data
//! folder, so an account already connected is never sent to sign in twice.
//!
//! Seed 001 posts `/connect/auth` to `api.us.nylas.com` but gets a
//! `beta.us.nylas.com` login URL back; the SDKs send both calls to the beta
//! host, so the beta host is used and stays configurable (the endpoints'
//! `nylas_beta` base, `--nylas-beta-base` in the CLI).

pub mod batch;
pub mod callback;
pub mod journal;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, Auth, HttpClient};
use crate::remote_ops::RemoteOp;

/// The path of the wizard's loopback address for the Teams sign-ins.
pub const TEAMS_CALLBACK_PATH: &str = "/nylas-wizard/teams-callback";

/// The default loopback port (fixed, because the integration's
/// `redirect_uris` are compared exactly, port included).
pub const DEFAULT_TEAMS_CALLBACK_PORT: u16 = 47616;

/// How long the login URL stays valid, in seconds (seed 001's value).
pub const TEAMS_AUTH_EXPIRES_IN: u64 = 43_200;

/// The scopes seed 001 asks for, in its order.
pub const TEAMS_AUTH_SCOPES: [&str; 7] = [
    "User.Read",
    "offline_access",
    "OnlineMeetings.ReadWrite",
    "openid",
    "profile",
    "EAS.AccessAsUser.All",
    "EWS.AccessAsUser.All",
];

/// `http://localhost:PORT/nylas-wizard/teams-callback`.
pub fn teams_callback(port: u16) -> String {
    format!("http://localhost:{port}{TEAMS_CALLBACK_PATH}")
}

/// The v2 app's credentials (the secret stays wrapped).
#[derive(Clone)]
pub struct V2Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

impl std::fmt::Debug for V2Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("V2Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// A v2 account ID as Nylas prints them (`anz2nojgkfzfo4094wi291hzq`):
/// letters, digits, `-` and `_`; nothing that could change the request.
pub fn check_account_id(raw: &str) -> Result<String> {
    let id = raw.trim();
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id.to_owned())
    } else {
        let shown: String = id.chars().take(40).collect();
        Err(WizardError::invalid_input(format!(
            "\"{shown}\" doesn't look like a Nylas v2 account ID."
        ))
        .with_hint("An account ID is letters and digits (and maybe - or _), like anz2nojgkfzfo4094wi291hzq: the id of the account in your Nylas v2 application."))
    }
}

/// Account IDs from a pasted list (one per line, or separated by commas or
/// spaces), checked, duplicates removed, order kept.
pub fn parse_account_ids(text: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if raw.trim().is_empty() {
            continue;
        }
        let id = check_account_id(raw)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Err(WizardError::invalid_input("No account IDs were given.")
            .with_hint("Paste the IDs of the Nylas v2 accounts to connect, one per line."));
    }
    Ok(out)
}

/// The body of `POST /connect/auth` for one account (also what a dry run
/// prints: it holds no secret).
pub fn auth_body(account_id: &str, redirect_uri: &str, state: &str) -> Value {
    json!({
        "provider": "microsoft",
        "redirect_uri": redirect_uri,
        "expires_in": TEAMS_AUTH_EXPIRES_IN,
        "account_id": account_id,
        "scope": TEAMS_AUTH_SCOPES,
        "state": state,
    })
}

/// A fresh random `state` for one account's sign-in.
pub fn new_state() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..24)
        .map(|_| {
            let n = rng.random_range(0..36u8);
            char::from_digit(u32::from(n), 36).unwrap_or('0')
        })
        .collect()
}

/// What `POST /connect/auth` gave back: where to send the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthLink {
    /// The Nylas login page.
    pub url: Url,
    /// Nylas's id of this login request.
    pub id: String,
    /// Unix seconds after which the page no longer works (0: not said).
    pub expires_at: i64,
}

#[derive(Deserialize)]
struct AuthWire {
    #[serde(default)]
    success: Option<bool>,
    data: Option<AuthData>,
}

#[derive(Deserialize)]
struct AuthData {
    url: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    expires_at: Option<i64>,
}

/// `POST {beta}/connect/auth` for one account: the login URL.
pub async fn start_account_auth(
    http: &HttpClient,
    beta_base: &Url,
    credentials: &V2Credentials,
    account_id: &str,
    redirect_uri: &str,
    state: &str,
    cancel: &CancellationToken,
) -> Result<AuthLink> {
    let req = ApiRequest::new(RemoteOp::NylasTeamsAuth, beta_base, "connect/auth")?
        .auth(Auth::basic(
            &credentials.client_id,
            credentials.client_secret.expose_secret(),
        ))
        .json(auth_body(account_id, redirect_uri, state));
    let wire: AuthWire = http
        .send_json(&req, cancel)
        .await
        .map_err(super::error::explain_v2)?;
    let bad = |what: &str| {
        WizardError::new(
            ErrorCode::BadResponse,
            format!("Nylas answered the account sign-in request without {what}."),
        )
        .with_hint("Try again in a few minutes. If it keeps happening, contact Nylas support.")
    };
    if wire.success == Some(false) {
        return Err(WizardError::new(
            ErrorCode::Rejected,
            format!("Nylas refused to start the sign-in for the account {account_id}."),
        )
        .with_hint("Check that the account ID belongs to this Nylas v2 application."));
    }
    let data = wire.data.ok_or_else(|| bad("its data"))?;
    let url = Url::parse(&data.url).map_err(|_| bad("a usable login address"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(bad("a usable login address"));
    }
    Ok(AuthLink {
        url,
        id: data.id,
        expires_at: data.expires_at.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_plain_http_on_localhost_with_the_port() {
        assert_eq!(
            teams_callback(DEFAULT_TEAMS_CALLBACK_PORT),
            "http://localhost:47616/nylas-wizard/teams-callback"
        );
    }

    #[test]
    fn the_body_is_seed_001s_with_our_state() {
        let b = auth_body("anz2nojgkfzfo4094wi291hzq", "http://localhost:1/x", "s1");
        assert_eq!(b["provider"], "microsoft");
        assert_eq!(b["expires_in"], 43200);
        assert_eq!(b["account_id"], "anz2nojgkfzfo4094wi291hzq");
        assert_eq!(b["state"], "s1");
        assert_eq!(
            b["scope"],
            json!([
                "User.Read",
                "offline_access",
                "OnlineMeetings.ReadWrite",
                "openid",
                "profile",
                "EAS.AccessAsUser.All",
                "EWS.AccessAsUser.All"
            ])
        );
    }

    #[test]
    fn account_lists_are_split_checked_and_deduplicated() {
        let ids = parse_account_ids(" abc123\nDEF456, abc123;\n\n ghi-789 ").unwrap();
        assert_eq!(ids, ["abc123", "DEF456", "ghi-789"]);
        let e = parse_account_ids("abc123\nabc/../x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("abc/../x"), "{}", e.message);
        assert_eq!(
            parse_account_ids(" \n ").unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn states_are_random_and_plain() {
        let (a, b) = (new_state(), new_state());
        assert_ne!(a, b);
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
