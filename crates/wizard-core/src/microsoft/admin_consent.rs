//! Admin consent for the app: the v2 admin-consent URL for the plan's
//! permissions, and a wait that re-checks the tenant until the consent is
//! there (the redirect goes to the app's own redirect URI, which the wizard
//! can't receive, so it asks Graph instead).

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::graph::{GraphClient, GRAPH_APP_ID};
use super::GRAPH_RESOURCE;
use crate::error::{ErrorCode, Result, WizardError};

/// `{login}/{tenant}/v2.0/adminconsent?client_id&scope&state`, with each
/// permission under Microsoft Graph's resource URI. Never `common`
/// (Microsoft refuses it for admin consent).
pub fn admin_consent_url(
    login_base: &Url,
    tenant: &str,
    client_id: &str,
    permissions: &[String],
    state: &str,
) -> Result<Url> {
    let tenant = tenant.trim();
    if tenant.is_empty()
        || ["common", "consumers"].contains(&tenant.to_ascii_lowercase().as_str())
        || !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
    {
        return Err(WizardError::invalid_input(
            "Admin consent is given in one tenant: enter your tenant's ID or domain.",
        ));
    }
    let mut url = crate::endpoints::join(login_base, &format!("{tenant}/v2.0/adminconsent"))?;
    let scope = permissions
        .iter()
        .map(|p| {
            if p.contains("://") || p == "offline_access" || p == "openid" || p == "profile" {
                p.clone()
            } else {
                format!("{GRAPH_RESOURCE}{p}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    url.query_pairs_mut()
        .append_pair("client_id", client_id.trim())
        .append_pair("scope", &scope)
        .append_pair("state", state);
    Ok(url)
}

/// The Microsoft Graph permissions with admin consent for everyone.
pub async fn consented_permissions(
    graph: &GraphClient,
    app_id: &str,
    cancel: &CancellationToken,
) -> Result<Vec<String>> {
    let (sp, graph_sp) = tokio::try_join!(
        graph.service_principal(app_id, cancel),
        graph.service_principal(GRAPH_APP_ID, cancel),
    )?;
    let Some(sp_id) = sp.as_ref().and_then(|s| s["id"].as_str()) else {
        return Ok(Vec::new());
    };
    let grants = graph.admin_consent_grants(sp_id, cancel).await?;
    Ok(super::live::consented(
        &grants,
        graph_sp.as_ref().and_then(|s| s["id"].as_str()),
    ))
}

/// Re-check every `interval` (through `sleep`) until every permission in
/// `needed` has admin consent; returns what is consented then. Ends only
/// then or on cancel.
pub async fn wait_for_admin_consent<S, F>(
    graph: &GraphClient,
    app_id: &str,
    needed: &[String],
    interval: Duration,
    sleep: S,
    cancel: &CancellationToken,
) -> Result<Vec<String>>
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    loop {
        let granted = consented_permissions(graph, app_id, cancel).await?;
        if needed
            .iter()
            .all(|n| granted.iter().any(|g| g.eq_ignore_ascii_case(n)))
        {
            return Ok(granted);
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                return Err(WizardError::new(
                    ErrorCode::Cancelled,
                    "Stopped waiting for admin consent.",
                ))
            }
            _ = sleep(interval) => {}
        }
    }
}
