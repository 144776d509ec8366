//! One grant per mailbox of the users file, through
//! `POST /v3/connect/custom` with the credential of the mailbox's tenant.
//! Nylas keeps one grant per email per application, so posting again for
//! a mailbox re-authenticates the same grant: a resumed run simply posts
//! the items its journal doesn't list as done.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::credentials::{existing_credentials, TenantCredential};
use super::csv_input::{TenantRow, UserRow};
use super::run::{run_many, BulkKind, BulkOptions, BulkProgress, BulkSummary};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpError;
use crate::nylas::connector::to_http;
use crate::nylas::NylasAdmin;
use crate::plan::{ItemRunner, ManyDone, ManyItem, ManyOutcome};
use crate::remote_ops::RemoteOp;

/// `POST` here makes (or re-authenticates) a grant.
pub const CUSTOM_PATH: &str = "v3/connect/custom";

/// The reason an item fails when its tenant's admin hasn't consented.
pub const NOT_CONSENTED: &str =
    "The tenant's admin hasn't given admin consent yet: open its consent link first.";

/// The mailboxes, and the tenants file when there is one (its admin
/// emails help find a mailbox's tenant).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GrantsInput {
    pub users: Vec<UserRow>,
    pub tenants: Vec<TenantRow>,
}

fn domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The credential of `user`'s tenant: the row's own tenant, else the
/// credential whose tenant is the email's domain, else the tenant whose
/// admin email has that domain; else why not, in plain words.
pub fn credential_for<'a>(
    user: &UserRow,
    tenants: &[TenantRow],
    creds: &'a [TenantCredential],
) -> std::result::Result<&'a TenantCredential, String> {
    let find = |tenant: &str| creds.iter().find(|c| c.tenant.eq_ignore_ascii_case(tenant));
    if let Some(t) = &user.tenant {
        return find(t).ok_or_else(|| {
            format!("There is no admin-consent credential for the tenant {t}: create the tenants' credentials first.")
        });
    }
    let d = domain(&user.email);
    if let Some(c) = find(d) {
        return Ok(c);
    }
    let by_admin = tenants.iter().find(|t| {
        t.admin_email
            .as_deref()
            .is_some_and(|a| domain(a).eq_ignore_ascii_case(d))
    });
    match by_admin {
        Some(t) => find(&t.tenant).ok_or_else(|| {
            format!(
                "There is no admin-consent credential for {} ({}): create the tenants' credentials first.",
                t.name, t.tenant
            )
        }),
        None => Err(format!(
            "We can't tell which tenant {} belongs to: add a tenant column to the users file, or list the tenant with an admin email at {d}.",
            user.email
        )),
    }
}

/// A grant as `POST /v3/connect/custom` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomGrant {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
}

impl CustomGrant {
    /// Nylas answers 201 for a new grant and for one posted again (the
    /// same id, re-authenticated): only an `updated_at` past its
    /// `created_at` tells the second apart.
    pub fn reused(&self) -> bool {
        matches!((self.created_at, self.updated_at), (Some(c), Some(u)) if u > c)
    }
}

/// The `POST /v3/connect/custom` body for one mailbox.
pub(crate) fn custom_body(email: &str, credential_id: &str) -> Value {
    json!({
        "provider": "microsoft",
        "settings": { "email_address": email, "credential_id": credential_id },
    })
}

/// Connect (or re-authenticate) one mailbox with its tenant's credential.
/// The raw error on failure (the caller words it).
pub async fn create_grant(
    nylas: &NylasAdmin,
    email: &str,
    credential_id: &str,
    cancel: &CancellationToken,
) -> Result<CustomGrant, HttpError> {
    let req = nylas
        .request(RemoteOp::NylasCustomAuth, CUSTOM_PATH)
        .map_err(to_http)?
        .json(custom_body(email, credential_id));
    nylas.send_data(&req, cancel).await
}

/// A refused grant in plain words: consent missing is the usual cause.
fn grant_error(nylas: &NylasAdmin, e: HttpError) -> WizardError {
    let said = e
        .service_error
        .as_ref()
        .map(|s| s.message.to_ascii_lowercase())
        .unwrap_or_default();
    if e.status == Some(400) && (said.contains("consent") || said.contains("aadsts65001")) {
        return WizardError::new(ErrorCode::Rejected, NOT_CONSENTED);
    }
    nylas.explain(e, "the mailbox's connection")
}

struct Runner<'a> {
    nylas: &'a NylasAdmin,
    /// Per item key, its mailbox's credential id or why there is none.
    credentials: HashMap<String, std::result::Result<String, String>>,
}

impl ItemRunner for Runner<'_> {
    async fn run(&self, item: &ManyItem, cancel: &CancellationToken) -> Result<ManyDone> {
        let email = item.key.trim_start_matches("grant:");
        let credential_id = match self.credentials.get(&item.key) {
            Some(Ok(id)) => id,
            Some(Err(why)) => return Err(WizardError::invalid_input(why.clone())),
            None => return Err(crate::plan::unknown_step(&item.key)),
        };
        let grant = create_grant(self.nylas, email, credential_id, cancel)
            .await
            .map_err(|e| grant_error(self.nylas, e))?;
        Ok(ManyDone {
            outcome: if grant.reused() {
                ManyOutcome::Reused
            } else {
                ManyOutcome::Created
            },
            id: Some(grant.id),
        })
    }
}

/// The step key of a mailbox's grant.
pub(crate) fn grant_key(email: &str) -> String {
    format!("grant:{email}")
}

/// Connect every mailbox, concurrently, journaled in `journal`. The
/// credentials are read once first (every page); a mailbox whose tenant
/// has none fails with the reason, without a request.
pub async fn run_grants(
    nylas: &NylasAdmin,
    input: &GrantsInput,
    opts: &BulkOptions,
    journal: &Path,
    on_progress: &(dyn Fn(&BulkProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<BulkSummary> {
    let opts = opts.checked()?;
    let creds = existing_credentials(nylas, cancel).await?;
    let items: Vec<ManyItem> = input
        .users
        .iter()
        .map(|u| ManyItem {
            key: grant_key(&u.email),
            label: u.email.clone(),
        })
        .collect();
    let credentials = input
        .users
        .iter()
        .map(|u| {
            let found = credential_for(u, &input.tenants, &creds).map(|c| c.id.clone());
            (grant_key(&u.email), found)
        })
        .collect();
    let runner = Runner { nylas, credentials };
    run_many(
        BulkKind::Grants,
        &items,
        &runner,
        &opts,
        journal,
        on_progress,
        cancel,
    )
    .await
}

#[cfg(test)]
#[path = "grants_tests.rs"]
mod tests;
