//! One grant per mailbox of the users file, through
//! `POST /v3/connect/custom` with the credential of the mailbox's tenant.
//! Nylas keeps one grant per email per application, so posting again for
//! a mailbox re-authenticates the same grant: a resumed run simply posts
//! the items its journal doesn't list as done.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::credentials::TenantCredential;
use super::csv_input::{TenantRow, UserRow};
use super::run::{BulkOptions, BulkProgress, BulkSummary};
use crate::error::{ErrorCode, Result, WizardError};
use crate::nylas::NylasAdmin;

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

/// Connect every mailbox, concurrently, journaled in `journal`.
pub async fn run_grants(
    _nylas: &NylasAdmin,
    _input: &GrantsInput,
    opts: &BulkOptions,
    _journal: &Path,
    _on_progress: &(dyn Fn(&BulkProgress) + Send + Sync),
    _cancel: &CancellationToken,
) -> Result<BulkSummary> {
    opts.checked()?;
    Err(WizardError::new(
        ErrorCode::Internal,
        "Connecting mailboxes in bulk isn't built yet.",
    ))
}
