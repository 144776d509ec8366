//! Issue 12, path D point 2: does the admin's current (v2) app still carry
//! Exchange permissions (`EAS.AccessAsUser.All`, `EWS.AccessAsUser.All`, on
//! Office 365 Exchange Online or Graph's own copy of EWS)? Then say plainly
//! that v3 needs Graph permissions on a new app, and that every user not on
//! Graph signs in again (seed 002).
//!
//! The app comes from a pasted manifest, or live from Microsoft Graph with
//! the admin's signed-in session (the same app read as path A's live audit).

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::catalog::{self, PermissionKind};
use crate::error::{ErrorCode, Result, WizardError};
use crate::manifest::{parse_manifest, parse_manifest_value, AppRegistration};
use crate::microsoft::GraphClient;

/// The names that mean "Exchange protocols, not Graph".
const EXCHANGE_SCOPES: [&str; 3] = [
    "EAS.AccessAsUser.All",
    "EWS.AccessAsUser.All",
    "full_access_as_app",
];

/// One Exchange permission found on the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangePermission {
    pub name: String,
    /// The portal's name for its API ("Office 365 Exchange Online").
    pub resource_name: String,
}

/// What the current app's permissions mean for the move to v3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeCheck {
    /// The app's name, when the manifest has one.
    pub app_name: Option<String>,
    pub found: Vec<ExchangePermission>,
    /// One plain paragraph for the admin.
    pub message: String,
}

/// The Exchange permissions an app registration lists.
pub fn exchange_check(app: &AppRegistration) -> ExchangeCheck {
    let mut found: Vec<ExchangePermission> = Vec::new();
    for access in app.required_resource_access.iter().flatten() {
        let Some(p) = catalog::lookup(&access.resource_app_id, &access.id, access.kind) else {
            continue;
        };
        let exchange = EXCHANGE_SCOPES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(p.name))
            && (p.kind == PermissionKind::Delegated || p.name == "full_access_as_app");
        let entry = ExchangePermission {
            name: p.name.to_string(),
            resource_name: catalog::resource_label(p.resource_app_id),
        };
        if exchange && !found.contains(&entry) {
            found.push(entry);
        }
    }
    let message = if found.is_empty() {
        "This app lists no Exchange (EAS or EWS) permissions. Nylas's migration guide still asks for a new Azure app for v3, with the Graph permissions below.".to_string()
    } else {
        let names: Vec<String> = found
            .iter()
            .map(|f| format!("{} ({})", f.name, f.resource_name))
            .collect();
        format!(
            "This app still uses Exchange permissions: {}. Nylas v3 needs Microsoft Graph permissions instead, so create a new Azure app with the Graph permissions below, and expect every user who isn't on Graph today to sign in again.",
            names.join(", ")
        )
    };
    ExchangeCheck {
        app_name: app.display_name.clone(),
        found,
        message,
    }
}

/// [`exchange_check`] on a manifest's text (the same reader as the audit).
pub fn exchange_check_text(manifest: &str) -> Result<ExchangeCheck> {
    Ok(exchange_check(&parse_manifest(manifest)?))
}

/// [`exchange_check`] on the app `app_id` as Microsoft Graph describes it
/// now, read with the signed-in session (`tenant`: the one signed in to,
/// named in a "not found" answer).
pub async fn exchange_check_live(
    graph: &GraphClient,
    app_id: &str,
    tenant: &str,
    cancel: &CancellationToken,
) -> Result<ExchangeCheck> {
    let app = graph.application(app_id.trim(), tenant, cancel).await?;
    let registration = parse_manifest_value(&app).map_err(|e| {
        WizardError::new(
            ErrorCode::BadResponse,
            format!(
                "Microsoft Graph returned an app registration we couldn't read: {}",
                e.message
            ),
        )
    })?;
    Ok(exchange_check(&registration))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/manifests/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn a_v2_app_with_eas_and_ews_is_told_it_needs_a_new_graph_app() {
        let c = exchange_check_text(&fixture("v2-events-ews-eas")).unwrap();
        let names: Vec<&str> = c.found.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&"EAS.AccessAsUser.All"), "{names:?}");
        assert!(names.contains(&"EWS.AccessAsUser.All"), "{names:?}");
        assert!(c
            .message
            .starts_with("This app still uses Exchange permissions: "));
        assert!(c
            .message
            .contains("Nylas v3 needs Microsoft Graph permissions"));
        assert!(c.message.contains("sign in again"));
    }

    #[test]
    fn apps_without_exchange_have_nothing_found_and_teams_apps_do() {
        let c = exchange_check_text(&fixture("teams-correct"))
            .map(|c| c.found.len())
            .unwrap();
        // The Teams app keeps EWS/EAS on purpose: found, named.
        assert!(c >= 1);
        let c = exchange_check_text(&fixture("missing-offline-access")).unwrap();
        assert!(c.found.is_empty(), "{:?}", c.found);
        assert!(c.message.starts_with("This app lists no Exchange"));
    }

    #[test]
    fn text_that_isnt_a_manifest_is_refused() {
        assert!(exchange_check_text("hello").is_err());
    }
}
