//! One `adminconsent` credential per tenant of the tenants file, on the
//! Microsoft connector. The whole list is read first (every page): a
//! tenant whose credential is there already (found by the tenant in its
//! name, so a crash between a create and its journal line never makes a
//! second one) is reused, not created again.

use std::collections::HashMap;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::csv_input::TenantRow;
use super::run::{BulkKind, BulkOptions, BulkProgress, BulkSummary};
use super::{credential_name, tenant_of_credential_name};
use crate::error::Result;
use crate::nylas::credentials::{list_credentials, Credential, CREDS_PATH};
use crate::nylas::NylasAdmin;
use crate::plan::{
    redact, ItemRunner, ManyDone, ManyItem, ManyOutcome, Plan, PlanStep, PlannedRequest, StepAction,
};
use crate::remote_ops::RemoteOp;

/// Names the credentials plan (and, in the CLI and window, its journal).
pub const CREDENTIALS_PLAN_ID: &str = "bulk-credentials";

/// A tenant's admin-consent credential, as found in the list by its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TenantCredential {
    /// Lower-cased, as in the name's parentheses.
    pub tenant: String,
    pub name: String,
    pub id: String,
}

/// What to create. Without an Azure app, Nylas uses the connector's.
/// `Debug` hides the secret.
#[derive(Clone, Default)]
pub struct CredentialsInput {
    pub tenants: Vec<TenantRow>,
    pub azure_client_id: Option<String>,
    pub azure_client_secret: Option<SecretString>,
}

impl std::fmt::Debug for CredentialsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsInput")
            .field("tenants", &self.tenants.len())
            .field("azure_client_id", &self.azure_client_id)
            .finish_non_exhaustive()
    }
}

impl CredentialsInput {
    /// `POST …/creds` body for one tenant.
    fn body(&self, t: &TenantRow) -> Value {
        let mut data = json!({ "tenant": t.tenant });
        if let Some(id) = self
            .azure_client_id
            .as_deref()
            .filter(|i| !i.trim().is_empty())
        {
            data["client_id"] = json!(id.trim());
        }
        if let Some(s) = &self.azure_client_secret {
            data["client_secret"] = json!(s.expose_secret());
        }
        json!({
            "name": credential_name(&t.name, &t.tenant),
            "credential_type": "adminconsent",
            "credential_data": data,
        })
    }
}

/// The step key of a tenant's credential.
pub(crate) fn credential_key(tenant: &str) -> String {
    format!("credential:{tenant}")
}

fn tenant_credential(c: Credential) -> Option<TenantCredential> {
    // Another kind (a path A `connector` override) is not an admin-consent one.
    if c.credential_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("adminconsent"))
    {
        return None;
    }
    let tenant = tenant_of_credential_name(&c.name)?.to_ascii_lowercase();
    Some(TenantCredential {
        tenant,
        name: c.name,
        id: c.id,
    })
}

/// Every admin-consent credential the wizard named, from all pages.
pub async fn existing_credentials(
    nylas: &NylasAdmin,
    cancel: &CancellationToken,
) -> Result<Vec<TenantCredential>> {
    let all = list_credentials(nylas, cancel).await?;
    Ok(all.into_iter().filter_map(tenant_credential).collect())
}

fn by_tenant(creds: Vec<TenantCredential>) -> HashMap<String, TenantCredential> {
    // The first listed wins, so every run picks the same one.
    let mut map = HashMap::new();
    for c in creds {
        map.entry(c.tenant.clone()).or_insert(c);
    }
    map
}

/// The dry run: per tenant, create its credential or reuse the one there.
pub async fn plan_credentials(
    nylas: &NylasAdmin,
    input: &CredentialsInput,
    cancel: &CancellationToken,
) -> Result<Plan> {
    let existing = by_tenant(existing_credentials(nylas, cancel).await?);
    let steps = input
        .tenants
        .iter()
        .map(|t| match existing.get(&t.tenant) {
            Some(c) => PlanStep {
                key: credential_key(&t.tenant),
                summary: format!(
                    "The credential for {} is already there (\"{}\"): reused.",
                    t.tenant, c.name
                ),
                action: StepAction::NothingToDo,
                safety: "Nothing is changed.".into(),
                undo: Vec::new(),
                request: None,
                changes: Vec::new(),
            },
            None => PlanStep {
                key: credential_key(&t.tenant),
                summary: format!(
                    "Create the admin-consent credential \"{}\".",
                    credential_name(&t.name, &t.tenant)
                ),
                action: StepAction::Create,
                safety: "Safe: a new credential changes no existing connection; it does nothing until the tenant's admin consents.".into(),
                undo: vec![format!(
                    "In the Nylas Dashboard, open Connectors → Microsoft → Credentials and delete \"{}\".",
                    credential_name(&t.name, &t.tenant)
                )],
                request: Some(PlannedRequest {
                    method: "POST".into(),
                    path: format!("/{CREDS_PATH}"),
                    body: Some(redact(&input.body(t), &["client_secret"])),
                }),
                changes: Vec::new(),
            },
        })
        .collect();
    Ok(Plan {
        id: CREDENTIALS_PLAN_ID.into(),
        title: "Create the tenants' admin-consent credentials".into(),
        steps,
    })
}

/// Creates the credentials that are missing.
struct Runner<'a> {
    nylas: &'a NylasAdmin,
    input: &'a CredentialsInput,
    tenants: HashMap<&'a str, &'a TenantRow>,
    existing: HashMap<String, TenantCredential>,
}

impl ItemRunner for Runner<'_> {
    async fn run(&self, item: &ManyItem, cancel: &CancellationToken) -> Result<ManyDone> {
        let tenant = item.key.trim_start_matches("credential:");
        if let Some(c) = self.existing.get(tenant) {
            return Ok(ManyDone {
                outcome: ManyOutcome::Reused,
                id: Some(c.id.clone()),
            });
        }
        let Some(row) = self.tenants.get(tenant) else {
            return Err(crate::plan::unknown_step(&item.key));
        };
        let req = self
            .nylas
            .request(RemoteOp::NylasCreateCredential, CREDS_PATH)?
            .json(self.input.body(row));
        match self.nylas.send_data::<Credential>(&req, cancel).await {
            Ok(c) => Ok(ManyDone {
                outcome: ManyOutcome::Created,
                id: Some(c.id),
            }),
            // The name may be taken (made since the list was read, or a
            // create whose answer was lost): read again before failing.
            Err(e) if matches!(e.status, Some(400 | 409)) => {
                let again = existing_credentials(self.nylas, cancel).await?;
                match again.into_iter().find(|c| c.tenant == tenant) {
                    Some(c) => Ok(ManyDone {
                        outcome: ManyOutcome::Reused,
                        id: Some(c.id),
                    }),
                    None => Err(self.nylas.explain(e, "the credential")),
                }
            }
            Err(e) => Err(self.nylas.explain(e, "the credential")),
        }
    }
}

/// Create every missing credential, concurrently, journaled in `journal`.
pub async fn run_credentials(
    nylas: &NylasAdmin,
    input: &CredentialsInput,
    opts: &BulkOptions,
    journal: &Path,
    on_progress: &(dyn Fn(&BulkProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<BulkSummary> {
    let opts = opts.checked()?;
    let existing = by_tenant(existing_credentials(nylas, cancel).await?);
    let items: Vec<ManyItem> = input
        .tenants
        .iter()
        .map(|t| ManyItem {
            key: credential_key(&t.tenant),
            label: credential_name(&t.name, &t.tenant),
        })
        .collect();
    let runner = Runner {
        nylas,
        input,
        tenants: input
            .tenants
            .iter()
            .map(|t| (t.tenant.as_str(), t))
            .collect(),
        existing,
    };
    super::run::run_many(
        BulkKind::Credentials,
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
mod tests {
    use super::*;

    fn row(tenant: &str) -> TenantRow {
        TenantRow {
            row: 2,
            tenant: tenant.into(),
            name: "Contoso".into(),
            admin_email: None,
        }
    }

    #[test]
    fn bodies_and_debug() {
        let mut input = CredentialsInput::default();
        let b = input.body(&row("contoso.com"));
        assert_eq!(b["name"], "Contoso (contoso.com)");
        assert_eq!(b["credential_type"], "adminconsent");
        assert_eq!(b["credential_data"], json!({"tenant": "contoso.com"}));
        input.azure_client_id = Some(" cid ".into());
        input.azure_client_secret = Some(SecretString::from("shh-secret".to_owned()));
        let b = input.body(&row("contoso.com"));
        assert_eq!(b["credential_data"]["client_id"], "cid");
        assert_eq!(b["credential_data"]["client_secret"], "shh-secret");
        assert!(!format!("{input:?}").contains("shh-secret"));
    }

    #[test]
    fn only_admin_consent_credentials_named_by_the_wizard_count() {
        let c = |name: &str, t: Option<&str>| Credential {
            id: "id".into(),
            name: name.into(),
            credential_type: t.map(str::to_owned),
        };
        let got = tenant_credential(c("Contoso (Contoso.com)", Some("adminconsent"))).unwrap();
        assert_eq!(got.tenant, "contoso.com");
        assert!(tenant_credential(c("Contoso (contoso.com)", None)).is_some());
        assert!(tenant_credential(c("Contoso (contoso.com)", Some("connector"))).is_none());
        assert!(tenant_credential(c("tenant contoso.com", Some("adminconsent"))).is_none());
    }
}
