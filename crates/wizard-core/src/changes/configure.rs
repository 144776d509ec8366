//! The changes "Configure Nylas" made, from its plan and what applying did:
//! one [`Change`] per step that created or updated something (a step found
//! already right changed nothing and is not listed).

use serde_json::Value;

use super::undo::{
    callback_uri_added, connector_created, connector_credential_created,
    connector_credential_updated, connector_updated,
};
use super::{Change, ChangeDiff};
use crate::nylas::configure::CONNECTOR_KEY;
use crate::nylas::credentials::credential_name;
use crate::plan::{ApplyReport, FieldChange, Plan, StepOutcome, REDACTED};

/// A connector field in the dashboard's words.
fn field_label(field: &str) -> String {
    match field {
        "settings.client_id" => "Client ID".into(),
        "settings.client_secret" => "Client secret".into(),
        "settings.tenant" => "Tenant".into(),
        "scope" => "Permissions (scopes)".into(),
        other => other.into(),
    }
}

fn diff(changes: &[FieldChange]) -> Vec<ChangeDiff> {
    changes
        .iter()
        .map(|c| ChangeDiff {
            field: field_label(&c.field),
            before: c.before.clone(),
            after: c.after.clone(),
        })
        .collect()
}

/// What a new connector was given, from the (redacted) request it sent.
fn created_settings(body: Option<&Value>) -> Vec<(String, String)> {
    let Some(body) = body else {
        return Vec::new();
    };
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let mut out = Vec::new();
    if let Some(id) = text(&body["settings"]["client_id"]) {
        out.push(("Client ID".into(), id));
    }
    if body["settings"].get("client_secret").is_some() {
        out.push((
            "Client secret".into(),
            format!("your Azure app's saved secret ({REDACTED})"),
        ));
    }
    if let Some(t) = text(&body["settings"]["tenant"]) {
        out.push(("Tenant".into(), t));
    }
    if let Some(scopes) = body["scope"].as_array() {
        let list: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
        out.push(("Permissions (scopes)".into(), list.join(", ")));
    }
    out
}

/// Every step of `plan` that `report` says created or updated something.
pub fn changes_from_configure(
    nylas_app_id: &str,
    plan: &Plan,
    report: &ApplyReport,
) -> Vec<Change> {
    let mut out = Vec::new();
    for done in &report.steps {
        let created = match done.outcome {
            StepOutcome::Created => true,
            StepOutcome::Updated => false,
            _ => continue,
        };
        let Some(step) = plan.step(&done.key) else {
            continue;
        };
        let first_id = done.ids.first().map(String::as_str);
        if step.key == CONNECTOR_KEY {
            out.push(if created {
                connector_created(
                    nylas_app_id,
                    &created_settings(step.request.as_ref().and_then(|r| r.body.as_ref())),
                )
            } else {
                connector_updated(nylas_app_id, diff(&step.changes))
            });
        } else if let Some(url) = step.key.strip_prefix("callback-uri:") {
            out.push(callback_uri_added(nylas_app_id, url, first_id));
        } else if let Some(tenant) = step.key.strip_prefix("credential:") {
            let id = first_id.unwrap_or("");
            out.push(if created {
                connector_credential_created(nylas_app_id, &credential_name(tenant), id, tenant)
            } else {
                connector_credential_updated(nylas_app_id, &credential_name(tenant), id, tenant)
            });
        }
    }
    out
}
