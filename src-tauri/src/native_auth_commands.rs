//! Path C's "Connect accounts" step: Nylas v2 native auth with Microsoft
//! Graph for events. Thin: wizard-core builds the plan from the answers,
//! signs the user in with the Azure app on the loopback port (47617, or
//! `NativeAuthPort` in tests) and hands the refresh token to Nylas; this
//! module keeps the pending sign-in, opens the browser (Microsoft's sign-in
//! host only, or in practice mode the simulator), reads the Azure and v2
//! client secrets from the SecretStore, and records the accounts — never a
//! token, a code or a secret over IPC.
//!
//! Two halves like the test sign-in: `start_native_auth` opens the page,
//! `finish_native_auth` waits under the remote-call token that
//! `cancel_remote("finish_native_auth")` stops, streaming progress on a
//! Channel. Replacing accounts is refused by wizard-core until the window
//! sends the confirmation the admin ticked.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Manager, Runtime, State};
use url::Url;
use wizard_core::nylas_v2::native_auth::{
    self, connect_user_with_tokens, NativeAuthInput, NativeAuthOutcome, NativeAuthPlan,
    NativeAuthProgress, NativeAuthSecrets, UserSignIn, DEFAULT_NATIVE_AUTH_PORT,
    NATIVE_AUTH_TIMEOUT,
};
use wizard_core::secrets::{ExposeSecret, SecretName, SecretString};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;

type Result<T> = std::result::Result<T, WizardError>;

/// Microsoft's real sign-in host.
const MICROSOFT_LOGIN_HOST: &str = "login.microsoftonline.com";

/// The loopback port, when not the default (tests).
pub struct NativeAuthPort(pub u16);

/// A sign-in started and not finished yet, and the new accounts' access
/// tokens (Nylas hands each out only at connection) until the admin copies
/// them or leaves the step.
#[derive(Default)]
pub struct NativeAuthSession {
    pending: tokio::sync::Mutex<Option<(UserSignIn, NativeAuthPlan)>>,
    tokens: tokio::sync::Mutex<std::collections::HashMap<String, SecretString>>,
    clipboard: std::sync::Mutex<Option<arboard::Clipboard>>,
}

/// What `copy_native_auth_token` answers (never the token).
#[derive(Debug, Clone, Serialize)]
pub struct TokenCopied {
    pub copied: bool,
}

/// What `start_native_auth` answers.
#[derive(Debug, Clone, Serialize)]
pub struct NativeAuthStarted {
    /// Microsoft's sign-in page (to copy if no browser opened).
    pub authorize_url: String,
    pub opened: bool,
    pub plan: NativeAuthPlan,
}

/// What `finish_native_auth` answers: who was connected, and the progress
/// the step's status follows.
#[derive(Debug, Clone, Serialize)]
pub struct NativeAuthView {
    pub outcome: NativeAuthOutcome,
    pub progress: ProgressView,
}

pub(crate) fn port<R: Runtime, M: Manager<R>>(app: &M) -> u16 {
    app.try_state::<NativeAuthPort>()
        .map_or(DEFAULT_NATIVE_AUTH_PORT, |p| p.0)
}

/// The plan for the saved answers and what the window asks for.
fn plan_for(
    state: &AppState,
    port: u16,
    reauth_account_ids: Vec<String>,
    confirm_replace: bool,
    login_hint: Option<String>,
) -> Result<NativeAuthPlan> {
    let answers = state.progress().answers;
    let mut input = NativeAuthInput::from_answers(&answers, port)?;
    input.reauth_account_ids = reauth_account_ids;
    input.confirm_replace = confirm_replace;
    input.login_hint = login_hint;
    native_auth::plan(&input)
}

/// The browser may open Microsoft's sign-in page, or in practice mode the
/// simulator's on this computer: nothing else.
pub(crate) fn allowed(raw: &str, practice_base: Option<&Url>) -> Result<Url> {
    let refuse = || {
        WizardError::invalid_input(
            "The wizard only opens Microsoft's sign-in page (or the practice simulator's).",
        )
    };
    let url = Url::parse(raw).map_err(|_| refuse())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse());
    }
    let path_ok = url.path().ends_with("/oauth2/v2.0/authorize");
    let real = url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case(MICROSOFT_LOGIN_HOST));
    let practice = practice_base.is_some_and(|base| {
        base.host_str() == Some("127.0.0.1")
            && url.scheme() == "http"
            && url.host_str() == Some("127.0.0.1")
            && url.port() == base.port()
            && url.path().starts_with(base.path())
    });
    if path_ok && (real || practice) {
        Ok(url)
    } else {
        Err(refuse())
    }
}

/// Open a started sign-in's Microsoft page in the browser (checked by
/// [`allowed`]); the URL, and whether it opened (the window then offers it).
pub(crate) async fn open_sign_in(
    state: &AppState,
    endpoints: &wizard_core::endpoints::Endpoints,
    flow: &UserSignIn,
    what: &str,
) -> (String, bool) {
    let practice = state.practice_info().await.enabled;
    let base = practice.then(|| endpoints.microsoft_login.clone());
    let authorize_url = flow.authorize_url().to_string();
    let opened = match allowed(&authorize_url, base.as_ref()).and_then(|u| open_browser(&u)) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("{what} sign-in page not opened: {}", e.message);
            false
        }
    };
    (authorize_url, opened)
}

pub(crate) fn open_browser(url: &Url) -> Result<()> {
    #[cfg(test)]
    {
        crate::microsoft_tests::opened(url.as_str());
        Ok(())
    }
    #[cfg(not(test))]
    // The launcher's error quotes the whole link: keep only its kind.
    open::that_detached(url.as_str()).map_err(|e| {
        WizardError::internal(format!(
            "Your web browser could not be opened ({:?}).",
            e.kind()
        ))
    })
}

async fn secret(
    state: &AppState,
    name: SecretName,
    missing: &str,
    step: &str,
) -> Result<SecretString> {
    state.read_secret(name).await?.ok_or_else(|| {
        WizardError::new(ErrorCode::SecretNotFound, missing.to_owned())
            .with_hint(format!("Go back to the {step} step and save it first."))
    })
}

pub(crate) async fn secrets(state: &AppState) -> Result<NativeAuthSecrets> {
    Ok(NativeAuthSecrets {
        nylas_client_secret: secret(
            state,
            SecretName::NylasV2ClientSecret,
            "No Nylas v2 client secret is saved yet.",
            "Nylas v2 app",
        )
        .await?,
        azure_client_secret: secret(
            state,
            SecretName::AzureClientSecret,
            "The Azure app's client secret isn't saved yet: Nylas needs it to renew the users' sign-ins.",
            "Azure app",
        )
        .await?,
    })
}

/// What connecting accounts will do for the saved answers (shown before
/// anything happens): the sign-in's permissions, each authorization, the
/// notes on webhooks and billing, and a replacement's consequence.
#[tauri::command]
pub fn plan_native_auth<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    reauth_account_ids: Vec<String>,
    confirm_replace: bool,
) -> Result<NativeAuthPlan> {
    plan_for(
        &state,
        port(&app),
        reauth_account_ids,
        confirm_replace,
        None,
    )
}

/// Check that the secrets are saved, listen on the loopback port and open
/// Microsoft's sign-in page for the user.
#[tauri::command]
pub async fn start_native_auth<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    session: State<'_, NativeAuthSession>,
    reauth_account_ids: Vec<String>,
    confirm_replace: bool,
    login_hint: Option<String>,
) -> Result<NativeAuthStarted> {
    // A new start replaces one under way (its listener closes first, so
    // the fixed port is free again).
    session.pending.lock().await.take();
    let plan = plan_for(
        &state,
        port(&app),
        reauth_account_ids,
        confirm_replace,
        login_hint,
    )?;
    // Missing secrets are named before anyone signs in.
    secrets(&state).await?;
    let remote = state.remote().await?;
    let flow = UserSignIn::start(&remote.endpoints, &plan).await?;
    let (authorize_url, opened) =
        open_sign_in(&state, &remote.endpoints, &flow, "native-auth").await;
    *session.pending.lock().await = Some((flow, plan.clone()));
    Ok(NativeAuthStarted {
        authorize_url,
        opened,
        plan,
    })
}

/// Wait for the user to come back, then connect their account(s) to Nylas;
/// the accounts are counted in the step's record.
#[tauri::command]
pub async fn finish_native_auth(
    state: State<'_, AppState>,
    session: State<'_, NativeAuthSession>,
    calls: State<'_, RemoteCalls>,
    on_progress: Channel<NativeAuthProgress>,
) -> Result<NativeAuthView> {
    let (flow, plan) = session.pending.lock().await.take().ok_or_else(|| {
        WizardError::invalid_input("No sign-in is under way.")
            .with_hint("Press Sign in and connect again.")
    })?;
    let call = calls.begin("finish_native_auth");
    let secrets = secrets(&state).await?;
    let remote = state.remote().await?;
    let user = flow
        .finish(
            &remote.http,
            &remote.endpoints,
            &secrets.azure_client_secret,
            NATIVE_AUTH_TIMEOUT,
            call.token(),
        )
        .await?;
    let progress = |e: NativeAuthProgress| {
        if let Err(err) = on_progress.send(e) {
            tracing::debug!("native-auth progress not delivered: {err}");
        }
    };
    let (outcome, tokens) = connect_user_with_tokens(
        &remote.http,
        &remote.endpoints,
        &plan,
        user,
        &secrets,
        &progress,
        call.token(),
    )
    .await?;
    session
        .tokens
        .lock()
        .await
        .extend(tokens.into_iter().map(|t| (t.account_id, t.token)));
    tracing::info!(
        accounts = outcome.results.len(),
        failed = outcome.results.iter().filter(|r| r.error.is_some()).count(),
        "native auth finished"
    );
    let progress = state.update(|p| {
        let record = outcome.record(p.answers.v2_accounts.as_ref());
        p.record_v2_accounts(record);
        Ok(())
    })?;
    Ok(NativeAuthView { outcome, progress })
}

/// Put a new account's access token on the system clipboard, from Rust:
/// its value never crosses to the window.
#[tauri::command]
pub async fn copy_native_auth_token(
    session: State<'_, NativeAuthSession>,
    account_id: String,
) -> Result<TokenCopied> {
    let token = session
        .tokens
        .lock()
        .await
        .get(account_id.trim())
        .cloned()
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::SecretNotFound,
                "The wizard no longer has this account's access token.",
            )
            .with_hint("Nylas hands it out only when the account is connected: connect the person again (replacing the account) to get a new one.")
        })?;
    let unavailable = |e: arboard::Error| {
        tracing::warn!("clipboard unavailable: {e}");
        WizardError::new(
            ErrorCode::Io,
            "The wizard couldn't reach this computer's clipboard.",
        )
        .with_hint("Use the command line's --show-access-tokens instead.")
    };
    let mut clipboard = session.clipboard.lock().unwrap_or_else(|e| e.into_inner());
    if clipboard.is_none() {
        *clipboard = Some(arboard::Clipboard::new().map_err(unavailable)?);
    }
    if let Some(c) = clipboard.as_mut() {
        c.set_text(token.expose_secret()).map_err(unavailable)?;
    }
    tracing::info!("an account's access token was copied to the clipboard");
    Ok(TokenCopied { copied: true })
}

/// Forget the access tokens kept for copying (the admin left the step).
#[tauri::command]
pub async fn forget_native_auth_tokens(session: State<'_, NativeAuthSession>) -> Result<()> {
    session.tokens.lock().await.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_opens_only_microsoft_sign_in_or_the_practice_simulator() {
        assert!(allowed(
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x",
            None
        )
        .is_ok());
        for bad in [
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "https://evil.example/common/oauth2/v2.0/authorize",
            "http://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "https://u@login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "http://127.0.0.1:9/microsoft-login/common/oauth2/v2.0/authorize",
        ] {
            assert!(allowed(bad, None).is_err(), "{bad}");
        }
        let base = Url::parse("http://127.0.0.1:9/microsoft-login/").unwrap();
        assert!(allowed(
            "http://127.0.0.1:9/microsoft-login/common/oauth2/v2.0/authorize?x=1",
            Some(&base)
        )
        .is_ok());
        assert!(allowed(
            "http://127.0.0.1:10/microsoft-login/common/oauth2/v2.0/authorize",
            Some(&base)
        )
        .is_err());
    }
}
