//! Signing the admin in to Microsoft, the live audit of the app
//! registration, its fixes and a new client secret, for the window. Thin:
//! wizard-core signs in, reads Graph, plans and applies; this module keeps
//! the tokens in memory (never on disk, never sent to the window) and asks
//! the app state where each call goes (the practice sandbox while practice
//! mode is on).
//!
//! Sign-in comes in two halves so the window can show the link or the code
//! (and a Cancel button) while waiting: `start_microsoft_sign_in` answers
//! with what to show, `finish_microsoft_sign_in` waits under the remote-call
//! token that `cancel_remote("finish_microsoft_sign_in")` stops.

use serde::{Deserialize, Serialize};
use tauri::State;
use url::Url;
use wizard_core::answers::{clean_client_id, AnswerUpdate};
use wizard_core::audit::AuditRequest;
use wizard_core::audit::CheckId;
use wizard_core::microsoft::fix::FixOutcome;
use wizard_core::microsoft::fix_scope::{apply_fixes_for, plan_live_for, LivePlan};
use wizard_core::microsoft::new_secret::{create_client_secret, NewSecret, SecretLifetime};
use wizard_core::microsoft::remember;
use wizard_core::microsoft::signin::{BrowserOpener, BrowserSignIn};
use wizard_core::microsoft::{
    live_audit, Access, DeviceFlow, GraphClient, LiveAudit, SignInConfig, SignInStatus, Tokens,
};
use wizard_core::paths::PathId;
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::{AppState, Remote};
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// The one real Microsoft sign-in host the browser may be sent to.
const MICROSOFT_LOGIN_HOST: &str = "login.microsoftonline.com";

/// The Microsoft sign-in of this run, in memory only.
#[derive(Default)]
pub struct MicrosoftSession {
    inner: tokio::sync::Mutex<Inner>,
    /// The system clipboard, opened on the first copy and kept: on X11 the
    /// owner must stay alive to hand the copied text to the paste.
    clipboard: std::sync::Mutex<Option<arboard::Clipboard>>,
    /// One silent sign-in from the remembered token at a time: two at once
    /// would spend the same token, and the loser would delete the new one.
    remembering: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Inner {
    /// A sign-in started and not finished yet.
    pending: Option<Pending>,
    signed_in: Option<(Tokens, SignedInAs)>,
    /// Microsoft refused the remembered sign-in: said to every caller until
    /// the admin signs in (or out), so whichever view asks shows it.
    remembered_refused: Option<WizardError>,
    /// The value of the client secret just created, while its dialog is
    /// open, for `copy_new_client_secret`: it never goes to the window.
    pending_secret_copy: Option<SecretString>,
}

enum Pending {
    Browser(BrowserSignIn),
    Device(DeviceFlow),
}

impl MicrosoftSession {
    /// Forget the tokens, any sign-in under way and a new secret waiting to
    /// be copied (sign-out, or a switch of practice mode: sandbox tokens
    /// mean nothing to Microsoft).
    pub async fn forget(&self) {
        *self.inner.lock().await = Inner::default();
    }

    /// The sign-in of this run, if any (for "create it for me").
    pub(crate) async fn signed_in(&self) -> Option<(Tokens, SignedInAs)> {
        self.inner.lock().await.signed_in.clone()
    }
}

/// Who is signed in, for the window (no token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedInAs {
    /// The tenant as the admin named it.
    pub tenant: String,
    /// The organization's name and ID, as Graph reported them.
    pub tenant_name: Option<String>,
    pub tenant_id: Option<String>,
    /// The person signed in (`/me`): name and user principal name.
    pub user_name: Option<String>,
    pub user_principal_name: Option<String>,
    /// "Remember me": a refresh token is in the keychain (in practice mode:
    /// the practice store) until Sign out.
    pub remembered: bool,
    /// Read only (`audit`) or allowed to change the app (`fix`).
    pub access: Access,
    /// Signed in to the practice simulator.
    pub practice: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// The system browser, back to a loopback address on this computer.
    Browser,
    /// A code typed at Microsoft's device login page.
    Device,
}

/// The live audit and the progress it was recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct LiveOutcome {
    pub live: LiveAudit,
    pub progress: ProgressView,
}

/// Fixes applied, the re-audit, and the progress it was recorded in.
#[derive(Debug, Clone, Serialize)]
pub struct FixApplied {
    pub outcome: FixOutcome,
    pub progress: ProgressView,
    /// What was changed, each with how to undo it (also in `list_changes`).
    pub changes: Vec<wizard_core::changes::Change>,
}

/// What `copy_new_client_secret` answers: only that it copied.
#[derive(Debug, Clone, Serialize)]
pub struct SecretCopied {
    pub copied: bool,
}

/// The system browser, refusing anything but Microsoft's sign-in page or,
/// in practice mode, the practice simulator's on this computer.
pub(crate) struct ShellBrowser {
    pub(crate) practice_login: Option<Url>,
}

impl ShellBrowser {
    pub(crate) fn allowed(&self, raw: &str) -> Result<Url> {
        let refuse = || {
            WizardError::invalid_input(
                "The wizard only opens Microsoft's sign-in page (or the practice simulator's).",
            )
            .with_hint("Sign in with a code instead.")
        };
        let url = Url::parse(raw).map_err(|_| refuse())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse());
        }
        let real = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| h.eq_ignore_ascii_case(MICROSOFT_LOGIN_HOST));
        let practice = self.practice_login.as_ref().is_some_and(|base| {
            base.host_str() == Some("127.0.0.1")
                && url.scheme() == "http"
                && url.host_str() == Some("127.0.0.1")
                && url.port() == base.port()
                && url.path().starts_with(base.path())
        });
        if real || practice {
            Ok(url)
        } else {
            Err(refuse())
        }
    }
}

impl BrowserOpener for ShellBrowser {
    fn open(&self, url: &str) -> Result<()> {
        let url = self.allowed(url)?;
        #[cfg(test)]
        {
            crate::microsoft_tests::opened(url.as_str());
            Ok(())
        }
        #[cfg(not(test))]
        // The launcher's error quotes the whole link (its `state` too): keep
        // only its kind for the log.
        open::that_detached(url.as_str()).map_err(|e| {
            WizardError::internal(format!(
                "Your web browser could not be opened ({:?}).",
                e.kind()
            ))
        })
    }
}

/// The practice simulator's world: the practice tenants, with Contoso's app
/// registrations (one per audit failure class), its admin and consents from
/// the live-apps scenario, so practice mode can sign in and check an app.
pub fn practice_scenario() -> wizard_sandbox::Scenario {
    let mut scenario = wizard_sandbox::Scenario::practice();
    let live = wizard_sandbox::Scenario::live_apps();
    for tenant in live.tenants {
        match scenario.tenants.iter_mut().find(|t| t.id == tenant.id) {
            Some(t) => *t = tenant,
            None => scenario.tenants.push(tenant),
        }
    }
    scenario.sign_in = live.sign_in;
    scenario
}

fn config(state: &AppState, remote: &Remote) -> Result<SignInConfig> {
    let progress = state.progress();
    let tenant = progress
        .answers
        .tenant
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            WizardError::invalid_input("Type your tenant first.").with_hint(
                "Under “Your tenant and your client secret”: the Directory (tenant) ID or a domain of your tenant.",
            )
        })?;
    let config = SignInConfig::new(&tenant, &remote.endpoints.microsoft_login);
    Ok(match state.sign_in_client_id() {
        Some(id) => config.with_client_id(id),
        None => config,
    })
}

/// Begin signing in: the browser opens Microsoft's page (the link is also
/// returned, to copy if no browser opened), or a code to type is returned.
#[tauri::command]
pub async fn start_microsoft_sign_in(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    method: SignInMethod,
    access: Access,
) -> Result<SignInStatus> {
    let call = calls.begin("start_microsoft_sign_in");
    let remote = state.remote().await?;
    let config = config(&state, &remote)?;
    let practice = state.practice_info().await.enabled;
    // A new start replaces a sign-in under way (its listener closes).
    state.microsoft.inner.lock().await.pending = None;
    let (pending, status) = match method {
        SignInMethod::Browser => {
            let flow = BrowserSignIn::start(config, access).await?;
            let browser = ShellBrowser {
                practice_login: practice.then(|| remote.endpoints.microsoft_login.clone()),
            };
            // Without a browser the admin copies the link the window shows.
            if let Err(e) = browser.open(flow.authorize_url().as_str()) {
                tracing::warn!("sign-in page not opened: {}", e.message);
            }
            let status = SignInStatus::WaitingForBrowser {
                authorize_url: flow.authorize_url().to_string(),
            };
            (Pending::Browser(flow), status)
        }
        SignInMethod::Device => {
            let flow = DeviceFlow::start(&remote.http, config, access, call.token()).await?;
            let status = SignInStatus::WaitingForCode {
                prompt: flow.prompt(),
            };
            (Pending::Device(flow), status)
        }
    };
    state.microsoft.inner.lock().await.pending = Some(pending);
    Ok(status)
}

/// Wait for the sign-in started last; then read who signed in where. With
/// `remember` the refresh token goes to the secret store; without it any
/// remembered one is forgotten (the admin chose not to be remembered).
#[tauri::command]
pub async fn finish_microsoft_sign_in(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    remember: Option<bool>,
) -> Result<SignedInAs> {
    let pending = state
        .microsoft
        .inner
        .lock()
        .await
        .pending
        .take()
        .ok_or_else(|| {
            WizardError::invalid_input("No sign-in is under way.").with_hint("Press Sign in again.")
        })?;
    let call = calls.begin("finish_microsoft_sign_in");
    let remote = state.remote().await?;
    let tokens = match pending {
        Pending::Browser(flow) => flow.finish(&remote.http, call.token()).await?,
        Pending::Device(flow) => flow.finish(&remote.http, call.token()).await?,
    };
    let store = state.secret_store().await?;
    let remember = remember.unwrap_or(false);
    if remember {
        remember::remember(store.as_ref(), &tokens)?;
    } else {
        remember::forget(store.as_ref())?;
    }
    let who = signed_in_as(&state, &remote, tokens, remember, call.token()).await;
    Ok(who)
}

/// Read who signed in where (`/organization` and `/me`, in parallel) and
/// keep the tokens in memory. Both reads are a courtesy: a failure is not
/// one of the sign-in (the audit reports Graph's problems where they matter).
async fn signed_in_as(
    state: &AppState,
    remote: &Remote,
    tokens: Tokens,
    remembered: bool,
    cancel: &tokio_util::sync::CancellationToken,
) -> SignedInAs {
    let graph = GraphClient::new(&remote.http, &remote.endpoints.graph, &tokens);
    let (org, me) = tokio::join!(graph.organization(cancel), graph.me(cancel));
    let org = org
        .inspect_err(|e| tracing::warn!("organization not read after sign-in: {}", e.message))
        .ok();
    let me = me
        .inspect_err(|e| tracing::warn!("who signed in not read: {}", e.message))
        .ok();
    let who = SignedInAs {
        tenant: tokens.tenant.clone(),
        tenant_name: org.as_ref().and_then(|o| o.display_name.clone()),
        tenant_id: org.map(|o| o.id),
        user_name: me.as_ref().and_then(|m| m.display_name.clone()),
        user_principal_name: me.and_then(|m| m.user_principal_name),
        remembered,
        access: tokens.access,
        practice: state.practice_info().await.enabled,
    };
    tracing::info!(access = ?who.access, remembered, "signed in to Microsoft");
    let mut inner = state.microsoft.inner.lock().await;
    inner.signed_in = Some((tokens, who.clone()));
    inner.remembered_refused = None;
    who
}

/// The sign-in of this run or, when there is none, a silent one from the
/// remembered refresh token. `None`: nobody signed in and nothing
/// remembered (or no tenant typed yet to sign in to).
pub(crate) async fn signed_in_or_remembered(
    state: &AppState,
    access: Access,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Option<(Tokens, SignedInAs)>> {
    let _one = state.microsoft.remembering.lock().await;
    {
        let inner = state.microsoft.inner.lock().await;
        if let Some(s) = &inner.signed_in {
            return Ok(Some(s.clone()));
        }
        if let Some(e) = &inner.remembered_refused {
            return Err(e.clone());
        }
    }
    let store = match state.secret_store().await {
        Ok(s) => s,
        // No keychain: nothing can have been remembered in it.
        Err(e) if e.code == ErrorCode::KeychainUnavailable => return Ok(None),
        Err(e) => return Err(e),
    };
    if !remember::is_remembered(store.as_ref())? {
        return Ok(None);
    }
    let remote = state.remote().await?;
    let Ok(config) = config(state, &remote) else {
        return Ok(None);
    };
    let tokens =
        match remember::sign_in_remembered(&remote.http, &config, access, store.as_ref(), cancel)
            .await
        {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(None),
            Err(e) => {
                if e.code == ErrorCode::Unauthorized {
                    state.microsoft.inner.lock().await.remembered_refused = Some(e.clone());
                }
                return Err(e);
            }
        };
    let who = signed_in_as(state, &remote, tokens.clone(), true, cancel).await;
    Ok(Some((tokens, who)))
}

/// Who is signed in, if anyone: on a new start, signs in silently from a
/// remembered sign-in. A remembered sign-in Microsoft refused is forgotten
/// and the error asks to sign in again.
#[tauri::command]
pub async fn microsoft_signed_in(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
) -> Result<Option<SignedInAs>> {
    let call = calls.begin("microsoft_signed_in");
    Ok(signed_in_or_remembered(&state, Access::Audit, call.token())
        .await?
        .map(|(_, w)| w))
}

/// Forget the tokens in memory and the remembered sign-in, if any.
#[tauri::command]
pub async fn sign_out_microsoft(state: State<'_, AppState>) -> Result<()> {
    state.microsoft.forget().await;
    match state.secret_store().await {
        Ok(store) => remember::forget(store.as_ref())?,
        // No keychain: nothing can have been remembered in it.
        Err(e) if e.code == ErrorCode::KeychainUnavailable => {}
        Err(e) => return Err(e),
    }
    tracing::info!("signed out of Microsoft");
    Ok(())
}

/// What the live calls need: Graph with the signed-in tokens, the audit
/// request from the saved answers, and the tenant signed in to.
pub(crate) struct Live {
    pub(crate) graph: GraphClient,
    pub(crate) req: AuditRequest,
    pub(crate) tenant: String,
}

pub(crate) async fn live(state: &AppState, need: Access, client_id: &str) -> Result<Live> {
    if client_id.trim().is_empty() {
        return Err(
            WizardError::invalid_input("Type your app's Application (client) ID first.")
                .with_hint("It is on the app's Overview page in the Azure portal."),
        );
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let tokens = match signed_in_or_remembered(state, need, &cancel).await? {
        Some((t, _)) => t,
        None => {
            return Err(WizardError::new(
                ErrorCode::Unauthorized,
                "You are not signed in to Microsoft.",
            )
            .with_hint("Sign in to check your app live."))
        }
    };
    // Creating asks for the same write permission as fixing.
    if need == Access::Fix && !matches!(tokens.access, Access::Fix | Access::Create) {
        return Err(WizardError::new(
            ErrorCode::Forbidden,
            "You signed in to read your app only, not to change it.",
        )
        .with_hint("Sign in again and allow changes."));
    }
    // The ID checked live becomes the answer (a GUID, or a plain refusal),
    // so the audit compares against it and the summary and hand-off name it.
    let client_id = clean_client_id(Some(client_id))?.unwrap_or_default();
    state.update(|p| p.set_answer(AnswerUpdate::ClientId(Some(client_id))))?;
    let progress = state.progress();
    let path: PathId = progress
        .path
        .ok_or_else(|| WizardError::invalid_input("Choose a path on the welcome screen first."))?;
    let req = progress.answers.audit_request(path)?;
    let remote = state.remote().await?;
    let graph = GraphClient::new(&remote.http, &remote.endpoints.graph, &tokens)
        .with_login_base(&remote.endpoints.microsoft_login);
    Ok(Live {
        graph,
        req,
        tenant: tokens.tenant,
    })
}

/// Read the app registration from Graph and audit it; the result is
/// recorded like a manifest check.
#[tauri::command]
pub async fn check_app_live(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
) -> Result<LiveOutcome> {
    let call = calls.begin("check_app_live");
    let l = live(&state, Access::Audit, &client_id).await?;
    let live = live_audit(&l.graph, client_id.trim(), &l.tenant, &l.req, call.token()).await?;
    let progress = state.update(|p| {
        p.record_check(&live.report);
        Ok(())
    })?;
    Ok(LiveOutcome { live, progress })
}

/// What "Fix all" (no check) or "Fix this" (one check) would change, in
/// plain words, and which checks "Fix this" can fix. Nothing is changed.
#[tauri::command]
pub async fn plan_live_fixes(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
    check: Option<CheckId>,
) -> Result<LivePlan> {
    let call = calls.begin("plan_live_fixes");
    let l = live(&state, Access::Audit, &client_id).await?;
    plan_live_for(
        &l.graph,
        client_id.trim(),
        &l.tenant,
        &l.req,
        check,
        call.token(),
    )
    .await
}

/// Apply the fixes (all, or one check's) after the admin confirmed the
/// preview: wizard-core reads again, sends whole merged collections,
/// re-reads and re-audits.
#[tauri::command]
pub async fn apply_live_fixes(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
    check: Option<CheckId>,
) -> Result<FixApplied> {
    let call = calls.begin("apply_live_fixes");
    let l = live(&state, Access::Fix, &client_id).await?;
    let outcome = apply_fixes_for(
        &l.graph,
        client_id.trim(),
        &l.tenant,
        &l.req,
        check,
        call.token(),
    )
    .await?;
    tracing::info!(
        changes = outcome.applied.steps.len(),
        "fixes applied to the app registration"
    );
    let changes = state.record_change(wizard_core::changes::changes_from_fix_plan(
        &client_id.trim().to_ascii_lowercase(),
        &outcome.applied,
    ));
    let progress = state.update(|p| {
        p.record_check(&outcome.after.report);
        Ok(())
    })?;
    Ok(FixApplied {
        outcome,
        progress,
        changes,
    })
}

/// A new client secret: its value goes straight into the secret store and
/// is kept in memory while the dialog is open, so "Copy the secret" can put
/// it on the clipboard from here. The window gets the hint only.
#[tauri::command]
pub async fn create_new_client_secret(
    state: State<'_, AppState>,
    calls: State<'_, RemoteCalls>,
    client_id: String,
    description: String,
    lifetime: SecretLifetime,
) -> Result<NewSecret> {
    let call = calls.begin("create_new_client_secret");
    state.microsoft.inner.lock().await.pending_secret_copy = None;
    let l = live(&state, Access::Fix, &client_id).await?;
    let app = l
        .graph
        .application(client_id.trim(), &l.tenant, call.token())
        .await?;
    let object_id = app["id"].as_str().ok_or_else(|| {
        WizardError::new(
            ErrorCode::BadResponse,
            "Microsoft Graph returned the app without its object ID.",
        )
    })?;
    let store = state.secret_store().await?;
    let secret = create_client_secret(
        &l.graph,
        object_id,
        &description,
        lifetime,
        store.as_ref(),
        call.token(),
    )
    .await?;
    tracing::info!("new client secret created and stored");
    state.record_change(vec![wizard_core::changes::client_secret_added(
        &client_id.trim().to_ascii_lowercase(),
        &secret,
    )]);
    let value = state
        .read_secret(SecretName::AzureClientSecret)
        .await?
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::SecretNotFound,
                "The new secret was created but couldn't be read back for copying.",
            )
        })?;
    state.microsoft.inner.lock().await.pending_secret_copy = Some(value);
    Ok(secret)
}

/// Put the client secret just created on the system clipboard, from Rust:
/// its value never crosses to the window. Kept until the dialog closes, so
/// the admin can copy again if the first paste went astray.
#[tauri::command]
pub async fn copy_new_client_secret(state: State<'_, AppState>) -> Result<SecretCopied> {
    let value = state
        .microsoft
        .inner
        .lock()
        .await
        .pending_secret_copy
        .clone()
        .ok_or_else(nothing_to_copy)?;
    let mut clipboard = state
        .microsoft
        .clipboard
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if clipboard.is_none() {
        *clipboard = Some(arboard::Clipboard::new().map_err(clipboard_unavailable)?);
    }
    if let Some(c) = clipboard.as_mut() {
        c.set_text(value.expose_secret())
            .map_err(clipboard_unavailable)?;
    }
    tracing::info!("new client secret copied to the clipboard");
    Ok(SecretCopied { copied: true })
}

/// Forget the new secret's value kept for copying (the dialog closed). The
/// secret itself stays in the secret store.
#[tauri::command]
pub async fn forget_new_client_secret(state: State<'_, AppState>) -> Result<()> {
    state.microsoft.inner.lock().await.pending_secret_copy = None;
    Ok(())
}

fn nothing_to_copy() -> WizardError {
    WizardError::new(
        ErrorCode::SecretNotFound,
        "There is no new client secret waiting to be copied.",
    )
    .with_hint(KEYCHAIN_HINT)
}

/// The clipboard error names no value (arboard's messages don't carry the
/// text being copied).
fn clipboard_unavailable(e: arboard::Error) -> WizardError {
    tracing::warn!("clipboard unavailable: {e}");
    WizardError::new(
        ErrorCode::Io,
        "The wizard couldn't reach this computer's clipboard.",
    )
    .with_hint(KEYCHAIN_HINT)
}

const KEYCHAIN_HINT: &str = "The secret is saved in your keychain (in practice mode: in memory until you close the wizard). If you need its value for Nylas, create a new secret with “New client secret” and copy it before closing that window.";
