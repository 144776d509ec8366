//! Commands that talk to Microsoft or Nylas. Each asks the app state where
//! the call goes (the real hosts, or the practice sandbox while practice
//! mode is on), so the window never knows or chooses a host.

use tauri::State;
use tokio_util::sync::CancellationToken;
use wizard_core::tenant::{discover_tenant, TenantInfo};
use wizard_core::WizardError;

use crate::app_state::AppState;

/// Does the tenant the admin typed exist? Microsoft's public OpenID
/// document answers without a sign-in.
#[tauri::command]
pub async fn look_up_tenant(
    state: State<'_, AppState>,
    tenant: String,
) -> Result<TenantInfo, WizardError> {
    let remote = state.remote().await?;
    // A look-up is short and has no cancel button: the HTTP layer's
    // timeouts and retries bound it.
    discover_tenant(
        &remote.http,
        &remote.endpoints,
        &tenant,
        &CancellationToken::new(),
    )
    .await
}
