//! What the simulated sign-in remembers between requests: consent pages
//! waiting for a decision, authorization codes, device codes and the tokens
//! handed out (which Graph then accepts).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

/// An `/authorize` request waiting on the consent page.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuthorize {
    pub(crate) tenant_id: String,
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scope: String,
    pub(crate) state: Option<String>,
    pub(crate) code_challenge: Option<String>,
}

/// An authorization code, redeemable once.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) request: PendingAuthorize,
    pub(crate) redeemed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeviceStatus {
    Pending,
    Approved,
    Declined,
    Expired,
}

#[derive(Debug, Clone)]
pub(crate) struct DeviceEntry {
    pub(crate) user_code: String,
    pub(crate) tenant_id: String,
    pub(crate) client_id: String,
    pub(crate) scope: String,
    pub(crate) status: DeviceStatus,
    pub(crate) expires_at: Instant,
    /// Answers forced by the scenario on the next polls.
    pub(crate) forced: VecDeque<String>,
    pub(crate) polls: u64,
}

/// What a token stands for.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) tenant_id: String,
    pub(crate) client_id: String,
    /// Graph permission names (`Application.Read.All`), without the resource.
    pub(crate) scopes: Vec<String>,
}

#[derive(Default)]
pub(crate) struct LoginState {
    inner: Mutex<Inner>,
    /// The scenario's `issued_secret_prefix`, before every secret issued.
    secret_prefix: String,
}

#[derive(Default)]
struct Inner {
    pending: HashMap<String, PendingAuthorize>,
    codes: HashMap<String, IssuedCode>,
    /// By device code.
    devices: HashMap<String, DeviceEntry>,
    access_tokens: HashMap<String, Grant>,
    refresh_tokens: HashMap<String, Grant>,
}

/// A random opaque value with a readable prefix.
fn opaque(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// `ABCD-EFGH`-like codes people type: 9 letters, no look-alikes.
fn user_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    bytes[..9]
        .iter()
        .map(|b| LETTERS[*b as usize % LETTERS.len()] as char)
        .collect()
}

impl LoginState {
    pub(crate) fn with_secret_prefix(prefix: &str) -> Self {
        Self {
            secret_prefix: prefix.to_owned(),
            ..Self::default()
        }
    }

    pub(crate) fn secret_prefix(&self) -> &str {
        &self.secret_prefix
    }

    /// A fresh secret: the scenario's prefix, then `kind`, then randomness.
    pub(crate) fn secret(&self, kind: &str) -> String {
        opaque(&format!("{}{kind}", self.secret_prefix))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn add_pending(&self, request: PendingAuthorize) -> String {
        let id = opaque("");
        self.lock().pending.insert(id.clone(), request);
        id
    }

    /// The consent decision: removes the pending request.
    pub(crate) fn take_pending(&self, id: &str) -> Option<PendingAuthorize> {
        self.lock().pending.remove(id)
    }

    pub(crate) fn issue_code(&self, request: PendingAuthorize) -> String {
        let code = self.secret("0.sandbox-code.");
        self.lock().codes.insert(
            code.clone(),
            IssuedCode {
                request,
                redeemed: false,
            },
        );
        code
    }

    /// The code's request, marking it redeemed; `Err(true)` when it was
    /// already redeemed, `Err(false)` when unknown.
    pub(crate) fn redeem_code(&self, code: &str) -> Result<PendingAuthorize, bool> {
        let mut inner = self.lock();
        let issued = inner.codes.get_mut(code).ok_or(false)?;
        if issued.redeemed {
            return Err(true);
        }
        issued.redeemed = true;
        Ok(issued.request.clone())
    }

    pub(crate) fn add_device(
        &self,
        tenant_id: String,
        client_id: String,
        scope: String,
        expires_in: u64,
        forced: Vec<String>,
    ) -> (String, String) {
        let device_code = self.secret("sandbox-device-");
        let code = user_code();
        self.lock().devices.insert(
            device_code.clone(),
            DeviceEntry {
                user_code: code.clone(),
                tenant_id,
                client_id,
                scope,
                status: DeviceStatus::Pending,
                expires_at: Instant::now() + Duration::from_secs(expires_in),
                forced: forced.into(),
                polls: 0,
            },
        );
        (device_code, code)
    }

    /// One poll: the entry as it stands, with the next forced answer taken.
    pub(crate) fn poll_device(&self, device_code: &str) -> Option<(DeviceEntry, Option<String>)> {
        let mut inner = self.lock();
        let entry = inner.devices.get_mut(device_code)?;
        entry.polls += 1;
        if entry.status == DeviceStatus::Pending && Instant::now() >= entry.expires_at {
            entry.status = DeviceStatus::Expired;
        }
        let forced = entry.forced.pop_front();
        Some((entry.clone(), forced))
    }

    /// Approve, decline or expire the device code with this user code
    /// (case-insensitive). False when there is none pending.
    pub(crate) fn decide_device(&self, user_code: &str, status: DeviceStatus) -> bool {
        let mut inner = self.lock();
        let wanted = user_code.trim().replace('-', "").to_ascii_uppercase();
        match inner
            .devices
            .values_mut()
            .find(|e| e.user_code == wanted && e.status == DeviceStatus::Pending)
        {
            Some(entry) => {
                entry.status = status;
                true
            }
            None => false,
        }
    }

    /// `(user_code, status, polls)` of every device code, oldest first
    /// is not promised.
    pub(crate) fn devices(&self) -> Vec<(String, DeviceStatus, u64, String)> {
        self.lock()
            .devices
            .values()
            .map(|e| (e.user_code.clone(), e.status, e.polls, e.scope.clone()))
            .collect()
    }

    /// A fresh access token and refresh token for `grant`.
    pub(crate) fn issue_tokens(&self, grant: Grant) -> (String, String) {
        let access = self.secret("sandbox-at-");
        let refresh = self.secret("sandbox-rt-");
        let mut inner = self.lock();
        inner.access_tokens.insert(access.clone(), grant.clone());
        inner.refresh_tokens.insert(refresh.clone(), grant);
        (access, refresh)
    }

    /// Refresh tokens are used once (rotated).
    pub(crate) fn take_refresh(&self, token: &str) -> Option<Grant> {
        self.lock().refresh_tokens.remove(token)
    }

    /// What a refresh token stands for, without using it up (Nylas v2
    /// native auth checks the one it is handed).
    pub(crate) fn refresh_grant(&self, token: &str) -> Option<Grant> {
        self.lock().refresh_tokens.get(token).cloned()
    }

    pub(crate) fn grant_of(&self, access_token: &str) -> Option<Grant> {
        self.lock().access_tokens.get(access_token).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issued_secret_starts_with_the_scenarios_prefix() {
        let state = LoginState::with_secret_prefix("canary-7f3a.");
        let grant = Grant {
            tenant_id: "t".into(),
            client_id: "c".into(),
            scopes: vec![],
        };
        let (access, refresh) = state.issue_tokens(grant);
        let (device, user) = state.add_device("t".into(), "c".into(), String::new(), 900, vec![]);
        for s in [access, refresh, device] {
            assert!(s.starts_with("canary-7f3a.sandbox-"), "{s}");
        }
        // The code a person types is not a secret and stays short.
        assert!(!user.contains("canary"), "{user}");
        assert!(LoginState::default().secret("x-").starts_with("x-"));
    }
}
