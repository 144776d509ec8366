//! The steps of the configure plan in plain words: what each does, whether
//! it is safe, how to undo it, the request (secrets redacted) and, for an
//! existing connector, the difference field by field.

use crate::nylas::callback_uris::{self, CallbackUri, REDIRECT_URIS_PATH};
use crate::nylas::connector::{
    ConnectorSettings, MicrosoftConnector, CONNECTORS_PATH, CONNECTOR_PATH,
};
use crate::nylas::credentials::{credential_name, Credential, CredentialData, CREDS_PATH};
use crate::plan::{redact, FieldChange, PlanStep, PlannedRequest, StepAction, REDACTED};
use crate::regions::Region;

use super::{callback_key, credential_key, Purpose, CONNECTOR_KEY};

/// Keys whose values are secrets in every body this plan sends.
const SECRET_KEYS: [&str; 1] = ["client_secret"];

const NOT_SHOWN: &str = "not shown by Nylas";
const NOT_SET: &str = "not set";

fn request(method: &str, path: &str, body: &serde_json::Value) -> Option<PlannedRequest> {
    Some(PlannedRequest {
        method: method.into(),
        path: format!("/{path}"),
        body: Some(redact(body, &SECRET_KEYS)),
    })
}

/// A scope as compared: Nylas accepts `Mail.Read` or its full Graph URI.
fn scope_id(s: &str) -> String {
    s.trim()
        .trim_start_matches("https://graph.microsoft.com/")
        .to_ascii_lowercase()
}

fn same_scopes(a: &[String], b: &[String]) -> bool {
    let set = |v: &[String]| {
        let mut s: Vec<String> = v.iter().map(|x| scope_id(x)).collect();
        s.sort();
        s.dedup();
        s
    };
    set(a) == set(b)
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        NOT_SET.into()
    } else {
        v.join(", ")
    }
}

/// What differs between the connector Nylas has and the wanted one.
/// `secret_known`: the journal shows these client ID and secret were the
/// last ones sent (Nylas never echoes the secret, and may not echo the
/// client ID).
pub(super) fn connector_changes(
    current: &MicrosoftConnector,
    wanted: &ConnectorSettings,
    secret_known: bool,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    match &current.client_id {
        Some(id) if !id.eq_ignore_ascii_case(&wanted.client_id) => changes.push(FieldChange {
            field: "settings.client_id".into(),
            before: id.clone(),
            after: wanted.client_id.clone(),
        }),
        None if !secret_known => changes.push(FieldChange {
            field: "settings.client_id".into(),
            before: NOT_SHOWN.into(),
            after: wanted.client_id.clone(),
        }),
        _ => {}
    }
    if !secret_known {
        changes.push(FieldChange {
            field: "settings.client_secret".into(),
            before: NOT_SHOWN.into(),
            after: format!("your Azure app's saved secret ({REDACTED})"),
        });
    }
    let tenant_same = current
        .tenant
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(&wanted.tenant));
    if !tenant_same {
        changes.push(FieldChange {
            field: "settings.tenant".into(),
            before: current.tenant.clone().unwrap_or_else(|| NOT_SET.into()),
            after: wanted.tenant.clone(),
        });
    }
    if !same_scopes(&current.scope, &wanted.scope) {
        changes.push(FieldChange {
            field: "scope".into(),
            before: list(&current.scope),
            after: list(&wanted.scope),
        });
    }
    changes
}

pub(super) fn connector_step(
    purpose: Purpose,
    region: Region,
    current: Option<&MicrosoftConnector>,
    wanted: &ConnectorSettings,
    secret_known: bool,
) -> PlanStep {
    let dashboard = "In the Nylas Dashboard, open Connectors and choose Microsoft.";
    let Some(current) = current else {
        let summary = match purpose {
            Purpose::Setup => format!(
                "Create the Microsoft connector of your Nylas application ({} region) with your \
                 Azure app's client ID and secret, tenant {} and {} permissions.",
                region.label(),
                wanted.tenant,
                wanted.scope.len()
            ),
            Purpose::Migrate => format!(
                "Your Nylas application ({} region) has no Microsoft connector yet: Nylas's v2 \
                 import tool normally makes one. Create it now with your new Azure app's client \
                 ID and secret, tenant {} and {} Graph permissions.",
                region.label(),
                wanted.tenant,
                wanted.scope.len()
            ),
        };
        return PlanStep {
            key: CONNECTOR_KEY.into(),
            summary,
            action: StepAction::Create,
            safety: "Safe: it adds the connector people sign in to Microsoft through; nothing \
                     that exists changes."
                .into(),
            undo: vec![
                dashboard.into(),
                "Delete the connector. Accounts connected through it stop working, so only do \
                 this before anyone has connected."
                    .into(),
            ],
            request: request("POST", CONNECTORS_PATH, &wanted.create_body()),
            changes: Vec::new(),
        };
    };
    let changes = connector_changes(current, wanted, secret_known);
    if changes.is_empty() {
        return PlanStep {
            key: CONNECTOR_KEY.into(),
            summary: match purpose {
                Purpose::Setup => "The Microsoft connector already has your Azure app's client \
                                   ID and secret, the tenant and the permissions planned."
                    .into(),
                Purpose::Migrate => "The imported Microsoft connector already has your new \
                                     Azure app's client ID and secret, the tenant and the \
                                     translated Graph permissions."
                    .into(),
            },
            action: StepAction::NothingToDo,
            safety: "Nothing is changed.".into(),
            undo: Vec::new(),
            request: None,
            changes,
        };
    }
    let fields: Vec<&str> = changes
        .iter()
        .map(|c| match c.field.as_str() {
            "settings.client_id" => "client ID",
            "settings.client_secret" => "client secret",
            "settings.tenant" => "tenant",
            _ => "permissions",
        })
        .collect();
    let mut undo = vec![dashboard.into()];
    undo.push(format!(
        "Put back what it had before: tenant {}, permissions {}.",
        current.tenant.as_deref().unwrap_or(NOT_SET),
        list(&current.scope)
    ));
    if fields.contains(&"client secret") {
        undo.push(
            "Nylas never shows the old secret: keep it valid in Azure until the test sign-in works."
                .into(),
        );
    }
    PlanStep {
        key: CONNECTOR_KEY.into(),
        summary: match purpose {
            Purpose::Setup => format!(
                "Update the Microsoft connector: its {} change as shown.",
                fields.join(", ")
            ),
            Purpose::Migrate => format!(
                "Reconfigure the Microsoft connector that Nylas's v2 import made: its {} become \
                 your new Azure app's, as shown.",
                fields.join(", ")
            ),
        },
        action: StepAction::Update,
        safety: match purpose {
            Purpose::Setup => "People already connected stay connected. New permissions are \
                               asked for the next time each person signs in; a different client \
                               ID or tenant applies to new sign-ins."
                .into(),
            Purpose::Migrate => "Imported accounts that already used Graph keep working with the \
                                 new app. Accounts that didn't must sign in again (the Accounts \
                                 step lists them); nothing else in Nylas changes."
                .into(),
        },
        undo,
        request: request("PATCH", CONNECTOR_PATH, &wanted.update_body()),
        changes,
    }
}

/// `what`: what the URI is for when it is the wizard's own (else empty).
pub(super) fn callback_step(url: &str, existing: Option<&CallbackUri>, what: &str) -> PlanStep {
    if existing.is_some() {
        return PlanStep {
            key: callback_key(url),
            summary: format!("{url} is already a callback URI of your Nylas application{what}."),
            action: StepAction::NothingToDo,
            safety: "Nothing is changed.".into(),
            undo: Vec::new(),
            request: None,
            changes: Vec::new(),
        };
    }
    PlanStep {
        key: callback_key(url),
        summary: format!("Add {url} as a callback URI of your Nylas application{what}."),
        action: StepAction::Create,
        safety: "Safe: adding a callback URI doesn't affect existing sign-ins; nothing is removed."
            .into(),
        undo: vec![
            "In the Nylas Dashboard, open Hosted authentication, then Callback URIs.".into(),
            format!("Delete {url}."),
        ],
        request: request("POST", REDIRECT_URIS_PATH, &callback_uris::create_body(url)),
        changes: Vec::new(),
    }
}

pub(super) fn credential_step(
    data: &CredentialData,
    existing: Option<&Credential>,
    known: bool,
) -> PlanStep {
    let tenant = &data.tenant;
    let name = credential_name(tenant);
    let undo = vec![
        "In the Nylas Dashboard, open Connectors, Microsoft, then its credentials.".into(),
        format!("Delete \"{name}\"; people of {tenant} then sign in as before."),
    ];
    match existing {
        Some(_) if known => PlanStep {
            key: credential_key(tenant),
            summary: format!("The credential for tenant {tenant} is already set up."),
            action: StepAction::NothingToDo,
            safety: "Nothing is changed.".into(),
            undo: Vec::new(),
            request: None,
            changes: Vec::new(),
        },
        Some(c) => PlanStep {
            key: credential_key(tenant),
            summary: format!(
                "Update the credential \"{name}\" with your Azure app's client ID and its \
                 current secret."
            ),
            action: StepAction::Update,
            safety: format!(
                "Only sign-ins of tenant {tenant} use it; other tenants are unaffected."
            ),
            undo,
            request: request(
                "PATCH",
                &format!("{CREDS_PATH}/{}", c.id),
                &data.update_body(),
            ),
            changes: vec![FieldChange {
                field: "credential_data".into(),
                before: NOT_SHOWN.into(),
                after: format!(
                    "client ID {}, your Azure app's saved secret ({REDACTED}), tenant {tenant}",
                    data.client_id
                ),
            }],
        },
        None => PlanStep {
            key: credential_key(tenant),
            summary: format!(
                "Add a credential named \"{name}\" to the Microsoft connector, so people of \
                 {tenant} sign in through your Azure app."
            ),
            action: StepAction::Create,
            safety: format!(
                "Safe: it adds a way in for tenant {tenant}; other tenants and people already \
                 connected are unaffected."
            ),
            undo,
            request: request("POST", CREDS_PATH, &data.create_body()),
            changes: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn wanted() -> ConnectorSettings {
        ConnectorSettings {
            client_id: "cid".into(),
            client_secret: SecretString::from("shh-value".to_owned()),
            tenant: "contoso.com".into(),
            scope: vec!["Mail.Read".into(), "offline_access".into()],
        }
    }

    #[test]
    fn a_new_connector_shows_a_redacted_post() {
        let s = connector_step(Purpose::Setup, Region::Us, None, &wanted(), false);
        assert_eq!(s.action, StepAction::Create);
        let r = s.request.unwrap();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v3/connectors")
        );
        let body = r.body.unwrap();
        assert_eq!(body["settings"]["client_secret"], REDACTED);
        assert!(!body.to_string().contains("shh-value"));
    }

    #[test]
    fn the_difference_of_an_existing_connector() {
        let current = MicrosoftConnector {
            client_id: None,
            tenant: Some("common".into()),
            scope: vec!["https://graph.microsoft.com/Mail.Read".into()],
            active_credential_id: None,
        };
        let changes = connector_changes(&current, &wanted(), false);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "settings.client_id",
                "settings.client_secret",
                "settings.tenant",
                "scope"
            ]
        );
        assert_eq!(changes[2].before, "common");
        assert_eq!(changes[3].after, "Mail.Read, offline_access");
        // Known secret, same tenant and scopes (full URIs count as the same).
        let right = MicrosoftConnector {
            tenant: Some("Contoso.com".into()),
            scope: vec![
                "https://graph.microsoft.com/Mail.Read".into(),
                "offline_access".into(),
            ],
            ..current
        };
        assert!(connector_changes(&right, &wanted(), true).is_empty());
        let step = connector_step(Purpose::Setup, Region::Us, Some(&right), &wanted(), true);
        assert_eq!(step.action, StepAction::NothingToDo);
        // An echoed client ID that differs is shown even with a known secret.
        let other = MicrosoftConnector {
            client_id: Some("other".into()),
            ..right
        };
        let step = connector_step(Purpose::Setup, Region::Us, Some(&other), &wanted(), true);
        assert_eq!(step.action, StepAction::Update);
        assert_eq!(step.changes[0].before, "other");
        assert!(step.summary.contains("client ID"));
        assert_eq!(step.request.unwrap().method, "PATCH");
    }

    #[test]
    fn migration_words_the_imported_connector() {
        let imported = MicrosoftConnector {
            client_id: Some("old-v2-app".into()),
            tenant: Some("common".into()),
            scope: vec![],
            active_credential_id: None,
        };
        let s = connector_step(
            Purpose::Migrate,
            Region::Eu,
            Some(&imported),
            &wanted(),
            false,
        );
        assert_eq!(s.action, StepAction::Update);
        assert!(s.summary.contains("v2 import made"), "{}", s.summary);
        assert!(s
            .summary
            .contains("client ID, client secret, tenant, permissions"));
        assert!(s.safety.contains("sign in again"), "{}", s.safety);
        assert_eq!(s.changes[0].before, "old-v2-app");
        assert_eq!(s.changes[0].after, "cid");
        let none = connector_step(Purpose::Migrate, Region::Eu, None, &wanted(), false);
        assert_eq!(none.action, StepAction::Create);
        assert!(none.summary.contains("import tool normally makes one"));
        assert!(none.summary.contains("EU region"));
    }
}
