//! The shell's state: the saved progress (Rust is the source of truth), the
//! practice sandbox while it runs, where remote calls go, and where secrets
//! go.

use std::sync::{Arc, Mutex, RwLock};

use wizard_core::changes::{Change, ChangeLog, ChangeStore};
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::secrets::{
    hint, keychain_unavailable, KeychainStatus, KeyringSecretStore, MemorySecretStore, SecretName,
    SecretStore, SecretString, StoredSecret,
};
use wizard_core::session::{Limits, Links, PracticeInfo, Session};
use wizard_core::state::{Progress, ProgressView, StateNotice, StateStore};
use wizard_core::{ErrorCode, WizardError};

pub struct AppState {
    store: StateStore,
    /// The real progress: never touched by practice mode (except its flag
    /// saying practice mode was on, so a restart comes back to it).
    progress: Mutex<Progress>,
    /// Practice mode's own progress file, beside the real one.
    practice_store: StateStore,
    /// Practice mode's progress and secrets while it is on. Practice never
    /// reads or writes the real progress file or the real keychain entries.
    practice: Mutex<Option<Practice>>,
    /// The changes made to Microsoft or Nylas (real mode), saved beside the
    /// progress; practice keeps its own in `Practice`.
    changes: Mutex<ChangeLog>,
    change_store: ChangeStore,
    practice_change_store: ChangeStore,
    /// Said once after leaving practice mode: what carried over.
    practice_left: Mutex<Option<String>>,
    notice: Mutex<Option<StateNotice>>,
    /// The running practice sandbox, if any. Also the practice lock: a
    /// switch (simulator, stores, saved flag) holds it throughout. A tokio
    /// mutex because starting and stopping the simulator awaits.
    sandbox: tokio::sync::Mutex<Option<wizard_sandbox::SandboxHandle>>,
    /// Probed off the UI thread (a keychain that hangs must not freeze the
    /// window), once, and again when the admin asks ("Check again").
    keychain: tokio::sync::Mutex<Option<KeychainStatus>>,
    /// How the keychain is probed: the OS keychain, or nothing (`--no-keychain`).
    probe: KeychainProbe,
    session_only: Mutex<bool>,
    secrets: RwLock<Option<Arc<dyn SecretStore>>>,
    /// Where the real services are (the real hosts unless configured).
    endpoints: Endpoints,
    /// For the real services (system proxy settings apply).
    http: HttpClient,
    /// For the practice sandbox on 127.0.0.1 (never through a proxy).
    sandbox_http: HttpClient,
    /// The Microsoft sign-in of this run: tokens in memory only.
    pub microsoft: crate::microsoft_commands::MicrosoftSession,
    /// The public client the admin signs in through, when not Microsoft's
    /// Graph Command Line Tools (an organization may block that one).
    sign_in_client_id: Option<String>,
}

/// Where one remote call goes: the client and base URLs to use for it.
pub struct Remote {
    pub http: HttpClient,
    pub endpoints: Endpoints,
}

impl AppState {
    pub fn new(
        store: StateStore,
        keychain_disabled: bool,
        endpoints: Endpoints,
    ) -> Result<Self, WizardError> {
        let (progress, notice) = store.load();
        let practice_store = StateStore::in_dir(&store.dir().join(PRACTICE_DIR));
        let change_store = ChangeStore::in_dir(store.dir());
        let practice_change_store = ChangeStore::in_dir(practice_store.dir());
        Ok(Self {
            changes: Mutex::new(change_store.load()),
            change_store,
            practice_change_store,
            store,
            progress: Mutex::new(progress),
            practice_store,
            practice: Mutex::new(None),
            practice_left: Mutex::new(None),
            notice: Mutex::new(notice),
            sandbox: tokio::sync::Mutex::new(None),
            keychain: tokio::sync::Mutex::new(None),
            probe: if keychain_disabled {
                Arc::new(|| Err(keychain_unavailable()))
            } else {
                Arc::new(|| KeyringSecretStore::new().probe())
            },
            session_only: Mutex::new(false),
            secrets: RwLock::new(None),
            endpoints,
            http: HttpClient::new(HttpConfig::default())?,
            sandbox_http: HttpClient::direct(HttpConfig::default())?,
            microsoft: Default::default(),
            sign_in_client_id: None,
        })
    }

    /// Sign in through this public client instead of the default one.
    pub fn with_sign_in_client_id(mut self, id: Option<String>) -> Self {
        self.sign_in_client_id = id;
        self
    }

    pub fn sign_in_client_id(&self) -> Option<&str> {
        self.sign_in_client_id.as_deref()
    }

    /// The client for the real services, whose proxy setting the admin can
    /// change (`set_proxy`); its clones follow.
    pub fn real_http(&self) -> &HttpClient {
        &self.http
    }

    /// Where a remote call goes now: every service on the practice sandbox
    /// while practice mode is on, otherwise the configured (real) hosts.
    /// Commands ask this for each call, so switching practice mode redirects
    /// the very next call.
    pub async fn remote(&self) -> Result<Remote, WizardError> {
        let sandbox = self.sandbox.lock().await;
        Ok(match sandbox.as_ref() {
            Some(handle) => {
                let base = url::Url::parse(&handle.base_url()).map_err(|e| {
                    WizardError::internal(format!(
                        "The practice simulator's address is unusable: {e}."
                    ))
                })?;
                Remote {
                    http: self.sandbox_http.clone(),
                    endpoints: Endpoints::sandbox(&base)?,
                }
            }
            None => Remote {
                http: self.http.clone(),
                endpoints: self.endpoints.clone(),
            },
        })
    }

    /// The progress the window works on: practice mode's own while it is
    /// on, the real one otherwise.
    pub fn progress(&self) -> Progress {
        match lock(&self.practice).as_ref() {
            Some(p) => p.progress.clone(),
            None => lock(&self.progress).clone(),
        }
    }

    /// Apply a change to the progress the window works on and save it; on a
    /// failed save the in-memory progress is left unchanged so what the UI
    /// shows stays true.
    pub fn update<F>(&self, change: F) -> Result<ProgressView, WizardError>
    where
        F: FnOnce(&mut Progress) -> Result<(), WizardError>,
    {
        let mut practice = lock(&self.practice);
        if let Some(p) = practice.as_mut() {
            return save_change(&self.practice_store, &mut p.progress, change);
        }
        drop(practice);
        save_change(&self.store, &mut lock(&self.progress), change)
    }

    /// The real progress, whatever mode the window is in.
    fn update_real<F>(&self, change: F) -> Result<ProgressView, WizardError>
    where
        F: FnOnce(&mut Progress) -> Result<(), WizardError>,
    {
        save_change(&self.store, &mut lock(&self.progress), change)
    }

    /// Record changes just made to Microsoft or Nylas in the log of the mode
    /// the window is in, and save it. The changes happened whatever the
    /// disk says, so a failed save keeps them in memory (shown all the
    /// same) and is only logged. Returns them numbered and time-stamped.
    pub fn record_change(&self, changes: Vec<Change>) -> Vec<Change> {
        if changes.is_empty() {
            return changes;
        }
        let mut practice = lock(&self.practice);
        if let Some(p) = practice.as_mut() {
            return record_in(&self.practice_change_store, &mut p.changes, changes);
        }
        drop(practice);
        record_in(&self.change_store, &mut lock(&self.changes), changes)
    }

    /// The folder of the progress the window works on (practice mode's
    /// own while it is on): where run journals go beside it.
    pub fn data_dir(&self) -> std::path::PathBuf {
        match lock(&self.practice).as_ref() {
            Some(_) => self.practice_store.dir().to_path_buf(),
            None => self.store.dir().to_path_buf(),
        }
    }

    /// The changes of this run, in the mode the window is in.
    pub fn changes(&self) -> ChangeLog {
        match lock(&self.practice).as_ref() {
            Some(p) => p.changes.clone(),
            None => lock(&self.changes).clone(),
        }
    }

    /// Forget the change list of the mode the window is in ("Start over").
    pub fn clear_changes(&self) -> Result<(), WizardError> {
        let mut practice = lock(&self.practice);
        match practice.as_mut() {
            Some(p) => {
                self.practice_change_store.clear()?;
                p.changes = ChangeLog::default();
            }
            None => {
                self.change_store.clear()?;
                *lock(&self.changes) = ChangeLog::default();
            }
        }
        Ok(())
    }

    pub fn dismiss_notice(&self) {
        lock(&self.notice).take();
        lock(&self.practice_left).take();
    }

    pub async fn keychain_status(&self) -> KeychainStatus {
        let mut cached = self.keychain.lock().await;
        let probed = match cached.as_ref() {
            Some(k) => k.clone(),
            None => {
                let probe = self.probe.clone();
                let answer = tokio::task::spawn_blocking(move || probe());
                let k = match tokio::time::timeout(std::time::Duration::from_secs(10), answer).await
                {
                    Ok(Ok(Ok(()))) => KeychainStatus {
                        available: true,
                        session_only: false,
                        problem: None,
                    },
                    Ok(Ok(Err(e))) => unavailable(e),
                    _ => unavailable(keychain_unavailable()),
                };
                *cached = Some(k.clone());
                k
            }
        };
        KeychainStatus {
            session_only: *lock(&self.session_only),
            ..probed
        }
    }

    /// Ask the keychain again (after the admin unlocked or installed it).
    /// Secrets kept for this run stay where they are.
    pub async fn recheck_keychain(&self) -> KeychainStatus {
        self.keychain.lock().await.take();
        self.keychain_status().await
    }

    /// Tests: probe the keychain with this instead of the OS keychain.
    #[cfg(test)]
    pub fn with_probe(mut self, probe: KeychainProbe) -> Self {
        self.probe = probe;
        self
    }

    /// The admin chose to keep secrets in memory for this run.
    pub fn use_session_only_secrets(&self) {
        *lock(&self.session_only) = true;
        let store: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::new());
        *self.secrets.write().unwrap_or_else(|p| p.into_inner()) = Some(store);
    }

    /// Where secrets go now: practice mode's own memory while it is on; else
    /// the keychain when it answers, memory when the admin chose so,
    /// otherwise the plain-words `keychain_unavailable` error.
    pub async fn secret_store(&self) -> Result<Arc<dyn SecretStore>, WizardError> {
        if let Some(p) = lock(&self.practice).as_ref() {
            return Ok(p.secrets.clone());
        }
        if let Some(s) = self
            .secrets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(s);
        }
        let status = self.keychain_status().await;
        if !status.available {
            return Err(status.problem.unwrap_or_else(keychain_unavailable));
        }
        let store: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
        *self.secrets.write().unwrap_or_else(|p| p.into_inner()) = Some(store.clone());
        Ok(store)
    }

    /// Store a secret where secrets go now; the window gets its hint only.
    pub async fn write_secret(
        &self,
        name: SecretName,
        value: SecretString,
    ) -> Result<StoredSecret, WizardError> {
        let store = self.secret_store().await?;
        let persistent = store.is_persistent();
        let shown = hint(&value);
        blocking(store, move |s| s.set(name.as_str(), &value)).await?;
        Ok(StoredSecret {
            name,
            hint: shown,
            persistent,
        })
    }

    /// The stored secret's hint, or nothing when none is stored (or there is
    /// nowhere to store one yet: the keychain card explains that).
    pub async fn stored_secret(
        &self,
        name: SecretName,
    ) -> Result<Option<StoredSecret>, WizardError> {
        let Some(value) = self.read_secret(name).await? else {
            return Ok(None);
        };
        Ok(Some(StoredSecret {
            name,
            hint: hint(&value),
            persistent: self.secret_store().await?.is_persistent(),
        }))
    }

    /// Remove a stored secret (not an error when there is none).
    pub async fn delete_secret(&self, name: SecretName) -> Result<(), WizardError> {
        let store = self.secret_store().await?;
        blocking(store, move |s| s.delete(name.as_str())).await
    }

    /// A stored secret, if there is one and the keychain answers. A keychain
    /// that doesn't answer is not an error here: the secret is optional
    /// where it is read, the keychain card already says what is wrong, and
    /// saving it again reports the problem where the admin acts.
    pub async fn read_secret(&self, name: SecretName) -> Result<Option<SecretString>, WizardError> {
        let store = match self.secret_store().await {
            Ok(s) => s,
            Err(e) if e.code == ErrorCode::KeychainUnavailable => return Ok(None),
            Err(e) => return Err(e),
        };
        match blocking(store, move |s| s.get(name.as_str())).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code == ErrorCode::SecretNotFound => Ok(None),
            Err(e) if e.code == ErrorCode::KeychainUnavailable => {
                tracing::warn!(
                    "could not read {} from the keychain: {}",
                    name.as_str(),
                    e.message
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn practice_info(&self) -> PracticeInfo {
        let sandbox = self.sandbox.lock().await;
        PracticeInfo {
            enabled: sandbox.is_some(),
            sandbox_url: sandbox.as_ref().map(|s| s.base_url()),
            left: lock(&self.practice_left).clone(),
        }
    }

    /// Start or stop practice mode: the in-process sandbox, practice's own
    /// progress (resumed from its file) and its own in-memory secrets.
    ///
    /// The whole switch (simulator, stores, saved flag) happens under the
    /// sandbox lock, so concurrent switches run one after the other and the
    /// saved flag always says whether the simulator runs.
    pub async fn set_practice(&self, enabled: bool) -> Result<(), WizardError> {
        let mut sandbox = self.sandbox.lock().await;
        self.switch_practice(&mut sandbox, enabled).await
    }

    async fn switch_practice(
        &self,
        sandbox: &mut Option<wizard_sandbox::SandboxHandle>,
        enabled: bool,
    ) -> Result<(), WizardError> {
        // Tokens from one side mean nothing on the other.
        if enabled != sandbox.is_some() {
            self.microsoft.forget().await;
        }
        match (enabled, sandbox.is_some()) {
            (true, false) => {
                let handle =
                    wizard_sandbox::start(crate::microsoft_commands::practice_scenario(), None)
                        .await
                        .map_err(|e| {
                            WizardError::internal(format!(
                                "The practice simulator could not start: {e}."
                            ))
                        })?;
                // The flag first: if it cannot be saved, the simulator stops
                // again and nothing changed.
                if let Err(e) = self.save_practice_flag(true) {
                    handle.shutdown().await;
                    return Err(e);
                }
                tracing::info!("practice sandbox listening on {}", handle.base_url());
                *sandbox = Some(handle);
                // A damaged practice file just starts practice afresh.
                let (mut progress, _) = self.practice_store.load();
                progress.practice = true;
                *lock(&self.practice) = Some(Practice {
                    progress,
                    secrets: Arc::new(MemorySecretStore::new()),
                    changes: self.practice_change_store.load(),
                });
                lock(&self.practice_left).take();
            }
            (false, true) => {
                // The flag first: if it cannot be saved, practice stays on.
                self.save_practice_flag(false)?;
                if let Some(handle) = sandbox.take() {
                    handle.shutdown().await;
                }
                lock(&self.practice).take();
                *lock(&self.practice_left) = Some(self.left_practice_note());
            }
            // Already so; make sure the saved flag says it too.
            _ => self.save_practice_flag(enabled)?,
        }
        Ok(())
    }

    /// Save whether practice mode is on in the real progress, so a restart
    /// comes back to it.
    fn save_practice_flag(&self, enabled: bool) -> Result<(), WizardError> {
        self.update_real(|p| {
            p.practice = enabled;
            Ok(())
        })
        .map(|_| ())
    }

    /// What carried over from practice mode (nothing), and where the real
    /// setup stands.
    fn left_practice_note(&self) -> String {
        let real = lock(&self.progress).clone();
        let place = real.path.map(wizard_core::paths::path_info).map(|info| {
            let step = real
                .step
                .as_deref()
                .and_then(|s| info.steps.iter().find(|x| x.id == s))
                .map(|s| format!(", at the {} step", s.title))
                .unwrap_or_default();
            format!("“{}”{step}", info.title)
        });
        let real_part = match place {
            Some(p) => format!("Your real setup is where you left it: {p}."),
            None => "Your real setup hasn't started yet.".to_string(),
        };
        format!(
            "You left practice mode. Nothing from practice carries over: its answers stay in practice, and secrets entered there were forgotten. {real_part}"
        )
    }

    /// Practice mode survives a restart: bring the sandbox back if the saved
    /// progress says practice mode was on.
    ///
    /// If the simulator cannot start, practice mode is switched off rather
    /// than failing the whole start: the wizard opens, and turning practice
    /// on again shows the error where the admin asked for it.
    pub async fn restore_practice(&self) -> Result<(), WizardError> {
        let mut sandbox = self.sandbox.lock().await;
        if lock(&self.progress).practice && sandbox.is_none() {
            if let Err(e) = self.switch_practice(&mut sandbox, true).await {
                tracing::warn!("practice mode not restored: {}", e.message);
                self.save_practice_flag(false)?;
            }
        }
        Ok(())
    }

    pub async fn session(&self) -> Session {
        let practice = self.practice_info().await;
        Session {
            version: env!("CARGO_PKG_VERSION").to_string(),
            progress: self.progress().view(),
            overrides: if practice.enabled {
                Vec::new()
            } else {
                self.endpoints.overrides()
            },
            practice,
            keychain: self.keychain_status().await,
            notice: lock(&self.notice).clone(),
            limits: Limits::default(),
            links: Links::default(),
        }
    }
}

/// Answers whether the keychain can be used now.
pub type KeychainProbe = Arc<dyn Fn() -> Result<(), WizardError> + Send + Sync>;

/// Practice mode's own state while it is on.
struct Practice {
    progress: Progress,
    secrets: Arc<dyn SecretStore>,
    changes: ChangeLog,
}

/// Practice mode's progress lives in this folder of the app data folder.
const PRACTICE_DIR: &str = "practice";

/// Apply `change` to `progress` and save it to `store`; on a failed save the
/// progress is left unchanged.
fn save_change<F>(
    store: &StateStore,
    progress: &mut Progress,
    change: F,
) -> Result<ProgressView, WizardError>
where
    F: FnOnce(&mut Progress) -> Result<(), WizardError>,
{
    let mut next = progress.clone();
    change(&mut next)?;
    if next != *progress {
        store.save(&next)?;
        *progress = next;
    }
    Ok(progress.view())
}

fn record_in(store: &ChangeStore, log: &mut ChangeLog, changes: Vec<Change>) -> Vec<Change> {
    let recorded = log.record(changes);
    if let Err(e) = store.save(log) {
        tracing::warn!("the list of changes could not be saved: {}", e.message);
    }
    recorded
}

/// Keychain calls block (D-Bus, the macOS or Windows credential APIs); keep
/// them off the async runtime so the window never stalls.
async fn blocking<T: Send + 'static>(
    store: Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> Result<T, WizardError> + Send + 'static,
) -> Result<T, WizardError> {
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| WizardError::internal(format!("The keychain call did not finish: {e}.")))?
}

fn unavailable(problem: WizardError) -> KeychainStatus {
    KeychainStatus {
        available: false,
        session_only: false,
        problem: Some(problem),
    }
}

/// Our mutexes guard plain data replaced in one step, so a poisoned lock
/// still holds consistent data.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
#[path = "practice_tests.rs"]
mod practice_tests;
