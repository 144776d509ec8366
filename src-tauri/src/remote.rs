//! Commands that talk to Microsoft or Nylas. Each asks the app state where
//! the call goes (the real hosts, or the practice sandbox while practice
//! mode is on), so the window never knows or chooses a host.
//!
//! Every remote command runs under a cancellation token kept in
//! [`RemoteCalls`]: the window's Cancel button (`cancel_remote`) stops them,
//! a new call of the same kind replaces the older one, and a reloaded window
//! (`get_session`) stops whatever the old page started. The HTTP layer's
//! overall deadline bounds each call in any case.

use std::collections::HashMap;
use std::sync::Mutex;

use tauri::State;
use tokio_util::sync::CancellationToken;
use wizard_core::http::ProxySetting;
use wizard_core::tenant::{discover_tenant, TenantInfo};
use wizard_core::WizardError;

use crate::app_state::AppState;

/// The remote calls in flight, one per kind of command.
#[derive(Default)]
pub struct RemoteCalls {
    inner: Mutex<Running>,
}

#[derive(Default)]
struct Running {
    next_id: u64,
    by_kind: HashMap<&'static str, (u64, CancellationToken)>,
}

/// One call in flight; it leaves [`RemoteCalls`] when dropped.
pub struct RemoteCall<'a> {
    calls: &'a RemoteCalls,
    kind: &'static str,
    id: u64,
    token: CancellationToken,
}

impl RemoteCalls {
    /// Start a call of `kind`, cancelling an older one of the same kind:
    /// only the latest answer could be shown anyway.
    pub fn begin(&self, kind: &'static str) -> RemoteCall<'_> {
        let token = CancellationToken::new();
        let mut running = self.lock();
        running.next_id += 1;
        let id = running.next_id;
        if let Some((_, older)) = running.by_kind.insert(kind, (id, token.clone())) {
            older.cancel();
        }
        RemoteCall {
            calls: self,
            kind,
            id,
            token,
        }
    }

    /// Cancel the call of `kind` in flight, if any; whether there was one.
    pub fn cancel(&self, kind: &str) -> bool {
        match self.lock().by_kind.remove(kind) {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancel every call in flight; how many there were.
    pub fn cancel_all(&self) -> usize {
        let mut running = self.lock();
        let n = running.by_kind.len();
        for (_, (_, token)) in running.by_kind.drain() {
            token.cancel();
        }
        n
    }

    /// How many calls are in flight.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.lock().by_kind.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Running> {
        // The map stays whole even if a holder panicked.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RemoteCall<'_> {
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for RemoteCall<'_> {
    fn drop(&mut self) {
        let mut running = self.calls.lock();
        // A newer call of the same kind may have taken the slot.
        if running
            .by_kind
            .get(self.kind)
            .is_some_and(|(id, _)| *id == self.id)
        {
            running.by_kind.remove(self.kind);
        }
    }
}

/// Does the tenant the admin typed exist? Microsoft's public OpenID
/// document answers without a sign-in.
#[tauri::command]
pub async fn look_up_tenant(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    tenant: String,
) -> Result<TenantInfo, WizardError> {
    let call = calls.begin("look_up_tenant");
    let remote = state.remote().await?;
    discover_tenant(&remote.http, &remote.endpoints, &tenant, call.token()).await
}

/// The window's Cancel button: stop the call of one command (its name, e.g.
/// `look_up_tenant`), or every remote call in flight when none is named.
/// Answers how many calls were stopped.
#[tauri::command]
pub fn cancel_remote(calls: State<'_, RemoteCalls>, command: Option<String>) -> usize {
    let n = match command.as_deref() {
        Some(kind) => usize::from(calls.cancel(kind)),
        None => calls.cancel_all(),
    };
    tracing::info!(cancelled = n, "remote calls cancelled from the window");
    n
}

/// How calls to the real services reach the internet from now on: the
/// computer's proxy settings, a proxy the admin typed, or none. The
/// practice simulator (on this computer) is always reached directly.
/// Answers with the setting in force.
#[tauri::command]
pub fn set_proxy(
    state: State<'_, AppState>,
    proxy: ProxySetting,
) -> Result<ProxySetting, WizardError> {
    let http = state.real_http();
    http.set_proxy(proxy)?;
    Ok(http.proxy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_call_of_the_same_kind_cancels_the_older_one() {
        let calls = RemoteCalls::default();
        let first = calls.begin("look_up_tenant");
        let other = calls.begin("something_else");
        let second = calls.begin("look_up_tenant");
        assert!(first.token().is_cancelled());
        assert!(!second.token().is_cancelled());
        assert!(!other.token().is_cancelled());
        // The older call finishing does not drop the newer one's slot.
        drop(first);
        assert_eq!(calls.in_flight(), 2);
        assert_eq!(calls.cancel_all(), 2);
        assert!(second.token().is_cancelled() && other.token().is_cancelled());
        drop((second, other));
        assert_eq!(calls.in_flight(), 0);
    }

    #[test]
    fn cancelling_one_kind_leaves_the_others_running() {
        let calls = RemoteCalls::default();
        let look_up = calls.begin("look_up_tenant");
        let other = calls.begin("something_else");
        assert!(calls.cancel("look_up_tenant"));
        assert!(look_up.token().is_cancelled());
        assert!(!other.token().is_cancelled());
        assert!(!calls.cancel("look_up_tenant"));
        assert_eq!(calls.in_flight(), 1);
    }

    #[test]
    fn a_finished_call_leaves_nothing_behind() {
        let calls = RemoteCalls::default();
        drop(calls.begin("look_up_tenant"));
        assert_eq!(calls.in_flight(), 0);
        assert_eq!(calls.cancel_all(), 0);
    }
}
