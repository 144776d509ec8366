//! Signing the admin in to Microsoft and reading (later changing) the app
//! registration live through Microsoft Graph.
//!
//! - [`signin`]: authorization code + PKCE (S256) through a one-shot
//!   loopback listener on 127.0.0.1 ([`loopback`]), and the device-code
//!   flow ([`device`]); both with the `oauth2` crate over our own
//!   [`HttpClient`](crate::http::HttpClient) ([`oauth_http`]).
//! - [`graph`]: the Graph reads (in parallel) with plain errors for 403/404.
//! - [`live`]: the live audit — the manifest audit of the live object plus
//!   facts only Graph knows ([`LiveFacts`]).
//!
//! Tokens live in memory only ([`Tokens`], `secrecy`); only [`remember`]
//! stores a refresh token, and only when the admin ticks "remember me".

pub mod admin_consent;
pub mod create_app;
pub mod device;
pub mod fix;
pub mod fix_scope;
pub mod graph;
pub mod live;
pub mod loopback;
pub mod new_secret;
pub(crate) mod oauth_http;
pub mod remember;
pub mod signin;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use device::{DeviceCodePrompt, DeviceFlow};
pub use graph::GraphClient;
pub use live::{live_audit, LiveAudit, LiveFacts};
pub use signin::{SignInConfig, SignInStatus};

/// The Microsoft Graph Command Line Tools public client: lets an admin sign
/// in without registering an app first (reference §3).
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Microsoft Graph's resource URI, which delegated scopes are named under.
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";

/// What the admin is about to do, which decides the permissions asked for:
/// the least the moment needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Access {
    /// Read the app registration, its service principal, its admin-consent
    /// grants and the organization.
    Audit,
    /// Change the app registration (redirect URIs, permissions, secrets).
    Fix,
    /// Register a new app for Nylas (and its enterprise application and
    /// client secret). Asked for only when the admin chooses "create it
    /// for me".
    Create,
}

impl Access {
    /// The delegated Graph permissions (reference §3):
    /// - `Application.Read.All`: the application and service principals;
    /// - `Directory.Read.All`: the least privilege the reference lists for
    ///   listing `oauth2PermissionGrants`;
    /// - `User.Read`: the organization (tenant ID, verified domains) and
    ///   who signed in;
    /// - `Application.ReadWrite.All` replaces `Application.Read.All` only
    ///   when the admin chooses to fix, or to create the app: creating an
    ///   application and its service principal on the admin's behalf needs
    ///   it (`Application.ReadWrite.OwnedBy` exists only as an Application
    ///   permission, for apps acting without a user, so it can't be asked
    ///   for at an admin's sign-in).
    pub fn graph_permissions(self) -> &'static [&'static str] {
        match self {
            Access::Audit => &["Application.Read.All", "Directory.Read.All", "User.Read"],
            Access::Fix | Access::Create => &[
                "Application.ReadWrite.All",
                "Directory.Read.All",
                "User.Read",
            ],
        }
    }

    /// Why the admin is asked for these permissions, in plain words (shown
    /// before the sign-in).
    pub fn why(self) -> &'static str {
        match self {
            Access::Audit => "Read-only: to read your app registration, its enterprise application, its admin consent and your organization's domains. Nothing is changed.",
            Access::Fix => "To change your app registration (Application.ReadWrite.All): only the changes you confirm are made.",
            Access::Create => "To register a new app for Nylas in your tenant, with its enterprise application and a client secret (Application.ReadWrite.All). Microsoft has no narrower permission for doing this on your behalf; nothing is created before you confirm the plan.",
        }
    }

    /// The `scope` values to request: each permission under Graph's
    /// resource URI, plus `offline_access` (refresh within this session).
    pub fn scopes(self) -> Vec<String> {
        self.graph_permissions()
            .iter()
            .map(|p| format!("{GRAPH_RESOURCE}{p}"))
            .chain(std::iter::once("offline_access".to_owned()))
            .collect()
    }
}

/// The tokens of one sign-in, in memory only. `Debug` shows no secret.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// What the tokens were asked for.
    pub access: Access,
    /// Granted scopes as Microsoft reported them (may be empty).
    pub scopes: Vec<String>,
    /// The tenant signed in to, as the admin named it.
    pub tenant: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("access", &self.access)
            .field("scopes", &self.scopes)
            .field("tenant", &self.tenant)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_asks_read_only_and_fix_adds_write() {
        let audit = Access::Audit.scopes();
        assert!(audit.contains(&"https://graph.microsoft.com/Application.Read.All".to_owned()));
        assert!(!audit.iter().any(|s| s.contains("ReadWrite")));
        let fix = Access::Fix.scopes();
        assert!(fix.contains(&"https://graph.microsoft.com/Application.ReadWrite.All".to_owned()));
        assert!(fix.contains(&"offline_access".to_owned()));
        let create = Access::Create.scopes();
        assert!(
            create.contains(&"https://graph.microsoft.com/Application.ReadWrite.All".to_owned())
        );
        assert!(!create.iter().any(|s| s.contains("Directory.ReadWrite")));
        assert!(Access::Create.why().contains("Application.ReadWrite.All"));
    }

    #[test]
    fn tokens_debug_hides_secrets() {
        let t = Tokens {
            access_token: SecretString::from("at-secret".to_owned()),
            refresh_token: Some(SecretString::from("rt-secret".to_owned())),
            access: Access::Audit,
            scopes: vec![],
            tenant: "contoso.com".into(),
        };
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("at-secret") && !shown.contains("rt-secret"),
            "{shown}"
        );
    }
}

#[cfg(test)]
mod send_tests {
    //! The window's commands run these on a multi-threaded runtime, which
    //! needs `Send` futures.
    use super::*;
    use crate::http::{HttpClient, HttpConfig};
    use tokio_util::sync::CancellationToken;

    fn assert_send<T: Send>(_: &T) {}

    #[allow(dead_code)]
    async fn sign_in_futures_are_send(
        browser: signin::BrowserSignIn,
        device: DeviceFlow,
        config: SignInConfig,
    ) {
        let http = HttpClient::new(HttpConfig::default()).unwrap();
        let cancel = CancellationToken::new();
        let f = browser.finish(&http, &cancel);
        assert_send(&f);
        let f = device.finish(&http, &cancel);
        assert_send(&f);
        let f = DeviceFlow::start(&http, config.clone(), Access::Audit, &cancel);
        assert_send(&f);
        let f = signin::BrowserSignIn::start(config, Access::Audit);
        assert_send(&f);
    }
}
