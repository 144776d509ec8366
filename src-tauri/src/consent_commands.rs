//! Admin consent from the window: open Microsoft's admin-consent page for
//! the permissions still missing, wait until Graph shows them consented
//! (the page redirects to the app's own URI, which the wizard can't
//! receive), then check the app live again. Thin: wizard-core builds the
//! link, waits and audits.

use std::time::Duration;

use tauri::State;
use wizard_core::microsoft::admin_consent::{admin_consent_url, wait_for_admin_consent};
use wizard_core::microsoft::signin::BrowserOpener;
use wizard_core::microsoft::{live_audit, Access};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::microsoft_commands::{live, LiveOutcome, ShellBrowser};
use crate::remote::RemoteCalls;

/// How often Graph is asked whether the consent is there yet.
const RECHECK_EVERY: Duration = Duration::from_secs(2);

/// Only echoed back in Microsoft's redirect, which goes to the app, not to
/// the wizard: nothing to verify, so a fixed value.
const CONSENT_STATE: &str = "nylas-ms-wizard";

/// Open the admin-consent page for the permissions without admin consent,
/// wait (Cancel: `cancel_remote("grant_admin_consent")`) until they have
/// it, then re-run the live audit and record it like `check_app_live`.
#[tauri::command]
pub async fn grant_admin_consent(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
) -> Result<LiveOutcome, WizardError> {
    let call = calls.begin("grant_admin_consent");
    let client_id = client_id.trim();
    let l = live(&state, Access::Audit, client_id).await?;
    let before = live_audit(&l.graph, client_id, &l.tenant, &l.req, call.token()).await?;
    let needed = before.facts.admin_consent_missing.clone();
    if !needed.is_empty() {
        let remote = state.remote().await?;
        let url = admin_consent_url(
            &remote.endpoints.microsoft_login,
            &l.tenant,
            client_id,
            &needed,
            CONSENT_STATE,
        )?;
        let practice = state.practice_info().await.enabled;
        let browser = ShellBrowser {
            practice_login: practice.then(|| remote.endpoints.microsoft_login.clone()),
        };
        browser.open(url.as_str())?;
        tracing::info!(
            permissions = needed.len(),
            "waiting for admin consent in the browser"
        );
        wait_for_admin_consent(
            &l.graph,
            client_id,
            &needed,
            RECHECK_EVERY,
            tokio::time::sleep,
            call.token(),
        )
        .await?;
        tracing::info!("admin consent granted");
        state.record_change(vec![wizard_core::changes::admin_consent_granted(
            &client_id.to_ascii_lowercase(),
            &l.tenant,
            &needed,
        )]);
    }
    let live = if needed.is_empty() {
        before
    } else {
        live_audit(&l.graph, client_id, &l.tenant, &l.req, call.token()).await?
    };
    let progress = state.update(|p| {
        p.record_check(&live.report);
        Ok(())
    })?;
    Ok(LiveOutcome { live, progress })
}
