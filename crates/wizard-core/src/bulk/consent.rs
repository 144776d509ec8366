//! Admin consent per tenant: the link its admin opens, the redirect back
//! (captured on the loopback or pasted), and the record of who consented.
//!
//! Each link carries its own random `state`; the state ↔ credential map
//! and the consents seen are kept in `bulk-consent.json` in the data
//! folder (no secrets), so a redirect pasted days later is still matched
//! to its tenant.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;

use super::credentials::TenantCredential;
use super::csv_input::TenantRow;
use super::run::safe_cell;
use super::CONSENT_PATH;
use crate::diagnose::diagnose;
use crate::error::{ErrorCode, Result, WizardError};
use crate::microsoft::loopback::{LoopbackListener, Pages};
use crate::nylas::callback_uris::{add_callback_uri, list_callback_uris, CallbackUri};
use crate::nylas::NylasAdmin;

/// The consent journal's file name in the data folder.
pub const CONSENT_JOURNAL_FILE: &str = "bulk-consent.json";

/// How long the loopback waits for the admin's browser.
pub const CONSENT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

const PAGES: Pages = Pages {
    done:
        "Admin consent is recorded. You can close this tab and go back to the Nylas setup wizard.",
    failed: "Admin consent didn't complete. Go back to the Nylas setup wizard to see why.",
};

/// One tenant's consent link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentLink {
    pub tenant: String,
    pub name: String,
    pub admin_email: Option<String>,
    pub credential_id: String,
    pub url: String,
    /// The link's own `state`, checked when the admin comes back.
    pub state: String,
}

/// A consent seen come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentRecord {
    pub tenant: String,
    pub credential_id: String,
    /// RFC 3339.
    pub consented_at: String,
}

/// Which tenant a link's state was made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkState {
    pub tenant: String,
    pub credential_id: String,
}

/// `bulk-consent.json`: link states and consents seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentJournal {
    pub links: BTreeMap<String, LinkState>,
    pub consents: Vec<ConsentRecord>,
}

impl ConsentJournal {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(CONSENT_JOURNAL_FILE)
    }

    /// The journal in `dir`; empty when missing or unreadable.
    pub fn load(dir: &Path) -> Self {
        std::fs::read(Self::path(dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Save crash-safely (temp file, flush, rename).
    pub fn save(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| {
            WizardError::internal(format!("Could not encode the consent record: {e}."))
        })?;
        crate::state::write_atomically(&Self::path(dir), &json, ".consent-")
            .map_err(|e| WizardError::io("save the record of the consents", &e))
    }

    /// Keep the states of `links` (older ones stay valid).
    pub fn remember(&mut self, links: &[ConsentLink]) {
        for l in links {
            self.links.insert(
                l.state.clone(),
                LinkState {
                    tenant: l.tenant.clone(),
                    credential_id: l.credential_id.clone(),
                },
            );
        }
    }

    /// The tenant a pasted redirect's state belongs to.
    pub fn link_for(&self, redirect: &str) -> Option<(&str, &LinkState)> {
        let state = param(redirect, "state")?;
        self.links
            .get_key_value(&state)
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Note that `tenant` consented now (replacing an older record).
    pub fn record(&mut self, tenant: &str, credential_id: &str) -> &ConsentRecord {
        self.consents.retain(|c| c.tenant != tenant);
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        self.consents.push(ConsentRecord {
            tenant: tenant.to_owned(),
            credential_id: credential_id.to_owned(),
            consented_at: at,
        });
        self.consents.last().expect("just pushed")
    }

    pub fn consented(&self, tenant: &str) -> bool {
        self.consents.iter().any(|c| c.tenant == tenant)
    }
}

fn new_state() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A link per tenant that has a credential (tenants without one are left
/// out: create the credentials first).
pub fn consent_links(
    api_base: &Url,
    nylas_client_id: &str,
    redirect_uri: &str,
    creds: &[TenantCredential],
    tenants: &[TenantRow],
) -> Vec<ConsentLink> {
    let Ok(auth) = crate::endpoints::join(api_base, "v3/connect/auth") else {
        return Vec::new();
    };
    tenants
        .iter()
        .filter_map(|t| {
            let cred = creds.iter().find(|c| c.tenant == t.tenant)?;
            let state = new_state();
            let mut url = auth.clone();
            url.query_pairs_mut()
                .append_pair("client_id", nylas_client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("response_type", "adminconsent")
                .append_pair("provider", "microsoft")
                .append_pair("credential_id", &cred.id)
                .append_pair("state", &state);
            Some(ConsentLink {
                tenant: t.tenant.clone(),
                name: t.name.clone(),
                admin_email: t.admin_email.clone(),
                credential_id: cred.id.clone(),
                url: url.into(),
                state,
            })
        })
        .collect()
}

/// `tenant,name,admin_email,credential_id,consent_url`, one row per link.
pub fn consent_links_csv(links: &[ConsentLink]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory can't fail.
    let _ = w.write_record([
        "tenant",
        "name",
        "admin_email",
        "credential_id",
        "consent_url",
    ]);
    for l in links {
        let _ = w.write_record([
            safe_cell(&l.tenant),
            safe_cell(&l.name),
            safe_cell(l.admin_email.as_deref().unwrap_or("")),
            safe_cell(&l.credential_id),
            safe_cell(&l.url),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The query parameters of a redirect address (or of a bare query).
fn params(redirect: &str) -> Vec<(String, String)> {
    let text = redirect.trim();
    let query = match Url::parse(text) {
        Ok(u) => u.query().unwrap_or("").to_owned(),
        Err(_) => text.split_once('?').map_or(text, |(_, q)| q).to_owned(),
    };
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(redirect: &str, key: &str) -> Option<String> {
    params(redirect)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Read the address the admin's browser came back to: `Ok` when it says
/// `admin_consent=true` for this link's state; a refusal explained by
/// Diagnose; another link's (or no) state refused.
pub fn read_consent_redirect(url: &str, expected_state: &str) -> Result<()> {
    let p = params(url);
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("state") != Some(expected_state) {
        return Err(WizardError::new(
            ErrorCode::Rejected,
            "This consent answer doesn't belong to the consent link we made for this tenant (its state is different), so it was not counted.",
        )
        .with_hint("Open this tenant's own consent link and finish it, then use the address the browser comes back to."));
    }
    if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or("");
        let d = diagnose(&format!("error={error}\nerror_description={description}"));
        let first = d.first();
        let said = description.lines().next().unwrap_or("").trim();
        let message = match first {
            Some(d) if d.code != "unrecognised" => {
                format!(
                    "The tenant's admin didn't give consent: {}. {}",
                    d.title, d.cause
                )
            }
            _ => format!("The tenant's admin didn't give consent ({error}: {said})."),
        };
        let mut e = WizardError::new(ErrorCode::Rejected, message);
        if let Some(d) = first {
            e = e.with_hint(d.fix.clone());
        }
        return Err(e);
    }
    if get("admin_consent").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ok(());
    }
    Err(WizardError::new(
        ErrorCode::BadResponse,
        "The address doesn't say whether the admin gave consent (it has neither admin_consent=true nor an error).",
    )
    .with_hint("Copy the whole address from the browser's address bar after the consent page, or open the consent link again."))
}

/// Make `redirect_uri` one of the Nylas application's callback URIs if it
/// isn't (read, compare, write; nothing is removed): Nylas refuses a
/// consent link whose redirect isn't registered. `true` when it was added.
pub async fn register_consent_callback(
    nylas: &NylasAdmin,
    redirect_uri: &str,
    cancel: &CancellationToken,
) -> Result<bool> {
    let listed = |all: &[CallbackUri]| all.iter().any(|c| c.is_web_for(redirect_uri));
    if listed(&list_callback_uris(nylas, cancel).await?) {
        return Ok(false);
    }
    match add_callback_uri(nylas, redirect_uri, cancel).await {
        Ok(_) => Ok(true),
        // Added since the list was read (another window): fine.
        Err(e) if matches!(e.status, Some(400 | 409)) => {
            if listed(&list_callback_uris(nylas, cancel).await?) {
                Ok(false)
            } else {
                Err(nylas.explain(e, "the consent callback URI"))
            }
        }
        Err(e) => Err(nylas.explain(e, "the consent callback URI")),
    }
}

/// The loopback listener waiting for one tenant's consent redirect.
pub struct ConsentCapture {
    listener: LoopbackListener,
    state: String,
    url: String,
    timeout: Duration,
}

fn consent_given(query: &str) -> bool {
    let p = params(&format!("?{query}"));
    p.iter()
        .any(|(k, v)| k == "admin_consent" && v.eq_ignore_ascii_case("true"))
        && !p.iter().any(|(k, _)| k == "error")
}

impl ConsentCapture {
    /// Listen on `http://localhost:{port}/nylas-wizard/admin-consent` for
    /// `link`'s redirect. The port must be the one in the link's
    /// redirect URI.
    pub async fn start(port: u16, link: &ConsentLink) -> Result<Self> {
        let listener = LoopbackListener::bind_localhost(port, CONSENT_PATH)
            .await
            // The shared listener words a busy port for the test sign-in.
            .map_err(|mut e| {
                e.message = e.message.replace("the test sign-in", "the admin consent");
                e
            })?;
        Ok(Self {
            listener,
            state: link.state.clone(),
            url: link.url.clone(),
            timeout: CONSENT_TIMEOUT,
        })
    }

    /// Wait this long instead of [`CONSENT_TIMEOUT`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The link to open in the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Wait for the browser; `Ok` once the admin consented.
    pub async fn wait(self, cancel: &CancellationToken) -> Result<()> {
        let timeout = self.timeout;
        let query = self
            .listener
            .wait_query(timeout, cancel, PAGES, consent_given)
            .await?;
        match query {
            Some(q) => read_consent_redirect(&format!("?{q}"), &self.state),
            None if cancel.is_cancelled() => Err(WizardError::new(
                ErrorCode::Cancelled,
                "Waiting for the admin consent was stopped.",
            )),
            None => Err(WizardError::new(
                ErrorCode::RemoteUnavailable,
                format!(
                    "The browser didn't come back from the consent page within {} minutes, so we stopped waiting.",
                    timeout.as_secs().div_ceil(60)
                ),
            )
            .with_hint("If the browser shows an error, copy its address or message into the wizard. Otherwise open the consent link again.")),
        }
    }
}

#[cfg(test)]
#[path = "consent_tests.rs"]
mod tests;
