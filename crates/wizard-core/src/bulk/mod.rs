//! Path E: bulk onboarding with admin consent (issue 12).
//!
//! 1. A tenants CSV ([`parse_tenants_csv`]) → one `adminconsent` connector
//!    credential per tenant, named [`credential_name`] (planned with the
//!    plan engine, created concurrently by [`run_credentials`]).
//! 2. Each tenant's admin opens its consent link ([`consent_links`]); the
//!    redirect is captured on the loopback ([`ConsentCapture`]) or pasted
//!    ([`read_consent_redirect`]).
//! 3. A users CSV ([`parse_users_csv`]) → one grant per mailbox through
//!    `POST /v3/connect/custom` ([`run_grants`]).
//!
//! Runs are concurrent, rate-limited, resumable from an append-only
//! journal and continue past failures (`plan::apply_many`).

mod consent;
mod credentials;
mod csv_input;
mod grants;
mod run;

pub use consent::{
    consent_links, consent_links_csv, read_consent_redirect, register_consent_callback,
    ConsentCapture, ConsentJournal, ConsentLink, ConsentRecord, LinkState, CONSENT_JOURNAL_FILE,
    CONSENT_TIMEOUT,
};
pub use credentials::{
    existing_credentials, plan_credentials, run_credentials, CredentialsInput, TenantCredential,
    CREDENTIALS_PLAN_ID,
};
pub use csv_input::{
    parse_tenants_csv, parse_users_csv, RowProblem, TenantRow, TenantsFile, UserRow, UsersFile,
};
pub use grants::{
    create_grant, credential_for, run_grants, CustomGrant, GrantsInput, CUSTOM_PATH, NOT_CONSENTED,
};
pub use run::{
    failures_csv, BulkItem, BulkKind, BulkOptions, BulkProgress, BulkSummary, ItemState,
};

/// The loopback port the admin-consent redirect comes back to. Fixed,
/// because Nylas compares callback URIs exactly, port included.
pub const BULK_CONSENT_PORT: u16 = 47618;

/// The path of the admin-consent loopback callback.
pub const CONSENT_PATH: &str = "/nylas-wizard/admin-consent";

/// `http://localhost:{port}/nylas-wizard/admin-consent`.
pub fn consent_redirect_uri(port: u16) -> String {
    format!("http://localhost:{port}{CONSENT_PATH}")
}

/// The name the wizard gives a tenant's admin-consent credential:
/// `Contoso (contoso.onmicrosoft.com)`.
pub fn credential_name(name: &str, tenant: &str) -> String {
    format!("{} ({})", name.trim(), tenant.trim())
}

/// The tenant in the trailing parentheses of a name [`credential_name`]
/// built, or `None` for any other name.
pub fn tenant_of_credential_name(name: &str) -> Option<&str> {
    let inner = name.trim_end().strip_suffix(')')?;
    let open = inner.rfind('(')?;
    // The display name before it is never empty.
    if inner[..open].trim().is_empty() {
        return None;
    }
    let tenant = inner[open + 1..].trim();
    csv_input::valid_tenant(tenant).then_some(tenant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let n = credential_name("Contoso", "contoso.onmicrosoft.com");
        assert_eq!(n, "Contoso (contoso.onmicrosoft.com)");
        assert_eq!(
            tenant_of_credential_name(&n),
            Some("contoso.onmicrosoft.com")
        );
        let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let n = credential_name("Acme (EU)", guid);
        assert_eq!(tenant_of_credential_name(&n), Some(guid));
    }

    #[test]
    fn other_names_have_no_tenant() {
        for name in [
            "tenant contoso.com",
            "(contoso.com)",
            "Contoso (not a tenant)",
            "Contoso contoso.com",
            "Contoso (contoso.com",
            "",
        ] {
            assert_eq!(tenant_of_credential_name(name), None, "{name}");
        }
    }

    #[test]
    fn the_consent_redirect_is_plain_http_on_localhost() {
        assert_eq!(
            consent_redirect_uri(BULK_CONSENT_PORT),
            "http://localhost:47618/nylas-wizard/admin-consent"
        );
    }
}
