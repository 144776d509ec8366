//! The Test sign-in step: Nylas hosted auth with a real Microsoft 365
//! account, in the system browser. Thin: wizard-core checks the key and the
//! registered callback, builds the link, listens on the loopback callback,
//! exchanges the code and reads the grant; this module keeps the pending
//! sign-in, opens the browser (the Nylas host only, or in practice mode the
//! simulator) and answers the window with the outcome — never a token, a
//! code or the API key.
//!
//! Two halves, like the Microsoft sign-in, so the window can show the link
//! and a Cancel button while waiting: `start_test_sign_in` opens the page,
//! `finish_test_sign_in` waits under the remote-call token that
//! `cancel_remote("finish_test_sign_in")` stops.

use serde::Serialize;
use tauri::{Manager, Runtime, State};
use url::Url;
use wizard_core::nylas::hosted_auth::{
    ScopeVerdict, TestSignIn, TestSignInOutcome, TestSignInRequest,
};
use wizard_core::nylas::test_callback::DEFAULT_TEST_SIGN_IN_PORT;
use wizard_core::report::SignInFacts;
use wizard_core::secrets::{ExposeSecret, SecretName};
use wizard_core::state::ProgressView;
use wizard_core::{ErrorCode, WizardError};

use crate::app_state::AppState;
use crate::remote::RemoteCalls;
use crate::report_commands::ReportFacts;

type Result<T> = std::result::Result<T, WizardError>;

/// The real Nylas hosts the browser may be sent to.
const NYLAS_HOSTS: [&str; 2] = ["api.us.nylas.com", "api.eu.nylas.com"];

/// The loopback port, when not the default (`--test-sign-in-port`, tests).
pub struct TestSignInPort(pub u16);

/// The test sign-in started and not finished yet.
#[derive(Default)]
pub struct TestSignInSession {
    pending: tokio::sync::Mutex<Option<TestSignIn>>,
}

/// What `start_test_sign_in` answers.
#[derive(Debug, Clone, Serialize)]
pub struct TestSignInStarted {
    /// The Nylas sign-in page (to copy if no browser opened).
    pub authorize_url: String,
    /// Whether the system browser was asked to open it.
    pub opened: bool,
}

/// What `finish_test_sign_in` answers: the outcome, and the progress it
/// was recorded in (the step's status follows it).
#[derive(Debug, Clone, Serialize)]
pub struct TestSignInView {
    pub outcome: TestSignInOutcome,
    pub progress: ProgressView,
}

/// The system browser, refusing anything but the Nylas hosted-auth page
/// or, in practice mode, the simulator's on this computer.
pub(crate) struct NylasBrowser {
    pub(crate) practice_base: Option<Url>,
}

impl NylasBrowser {
    fn allowed(&self, raw: &str) -> Result<Url> {
        let refuse = || {
            WizardError::invalid_input(
                "The wizard only opens the Nylas sign-in page (or the practice simulator's).",
            )
        };
        let url = Url::parse(raw).map_err(|_| refuse())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse());
        }
        let path_ok = url.path().ends_with("/v3/connect/auth");
        let real = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| NYLAS_HOSTS.iter().any(|n| h.eq_ignore_ascii_case(n)));
        let practice = self.practice_base.as_ref().is_some_and(|base| {
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

    pub(crate) fn open(&self, raw: &str) -> Result<()> {
        let url = self.allowed(raw)?;
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
}

/// The port the test sign-in listens on (and so the callback URI that
/// Configure Nylas must register): `--test-sign-in-port` when given, else
/// 47615.
pub(crate) fn test_sign_in_port<R: Runtime, M: Manager<R>>(app: &M) -> u16 {
    app.try_state::<TestSignInPort>()
        .map_or(DEFAULT_TEST_SIGN_IN_PORT, |p| p.0)
}

async fn api_key(state: &AppState) -> Result<wizard_core::secrets::SecretString> {
    state
        .read_secret(SecretName::NylasApiKey)
        .await?
        .ok_or_else(|| {
            WizardError::new(ErrorCode::SecretNotFound, "No Nylas API key is saved yet.")
                .with_hint("Go back to the Nylas account step and check your key first.")
        })
}

/// Check the key and the registered callback, start listening and open
/// the Nylas sign-in page in the browser. `login_hint` pre-fills the
/// account at Microsoft.
#[tauri::command]
pub async fn start_test_sign_in<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    session: State<'_, TestSignInSession>,
    calls: State<'_, RemoteCalls>,
    login_hint: Option<String>,
) -> Result<TestSignInStarted> {
    let call = calls.begin("start_test_sign_in");
    // A new start replaces one under way (its listener closes first, so
    // the fixed port is free again).
    session.pending.lock().await.take();
    let answers = state.progress().answers;
    let request =
        TestSignInRequest::from_answers(&answers, login_hint.as_deref(), test_sign_in_port(&app))?;
    let region = request.region;
    let key = api_key(&state).await?;
    let remote = state.remote().await?;
    let flow = TestSignIn::start(
        &remote.http,
        &remote.endpoints,
        key.expose_secret(),
        request,
        call.token(),
    )
    .await?;
    let practice = state.practice_info().await.enabled;
    let browser = NylasBrowser {
        practice_base: practice.then(|| remote.endpoints.nylas(region).clone()),
    };
    let authorize_url = flow.authorize_url().to_string();
    // Without a browser the admin copies the link the window shows.
    let opened = match browser.open(&authorize_url) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("test sign-in page not opened: {}", e.message);
            false
        }
    };
    *session.pending.lock().await = Some(flow);
    Ok(TestSignInStarted {
        authorize_url,
        opened,
    })
}

/// Wait for the browser to come back, exchange the code, read the grant:
/// the grant shown, or the refusal explained.
#[tauri::command]
pub async fn finish_test_sign_in(
    state: State<'_, AppState>,
    session: State<'_, TestSignInSession>,
    calls: State<'_, RemoteCalls>,
    facts: State<'_, ReportFacts>,
) -> Result<TestSignInView> {
    let flow = session.pending.lock().await.take().ok_or_else(|| {
        WizardError::invalid_input("No test sign-in is under way.")
            .with_hint("Press Start test sign-in again.")
    })?;
    let call = calls.begin("finish_test_sign_in");
    let key = api_key(&state).await?;
    let remote = state.remote().await?;
    let wanted = state
        .progress()
        .answers
        .scope_plan(wizard_core::paths::PathId::V3)
        .map(|p| p.scope_names)
        .unwrap_or_default();
    let outcome = flow
        .finish(
            &remote.http,
            &remote.endpoints,
            key.expose_secret(),
            call.token(),
        )
        .await?;
    if let TestSignInOutcome::SignedIn { result } = &outcome {
        tracing::info!(grant_status = %result.grant_status, missing = result.missing.len(), "test sign-in finished");
        let practice = state.practice_info().await.enabled;
        facts.remember_sign_in(
            practice,
            SignInFacts {
                email: result.email.clone(),
                grant_id: result.grant_id.clone(),
                grant_status: result.grant_status.clone(),
                scopes_granted: result
                    .scopes
                    .iter()
                    .filter(|c| c.verdict != ScopeVerdict::Missing)
                    .map(|c| c.scope.clone())
                    .collect(),
                scopes_wanted: wanted,
                scopes_missing: result.missing.clone(),
            },
        );
    }
    let progress = state.update(|p| {
        p.record_test_sign_in(outcome.record());
        Ok(())
    })?;
    Ok(TestSignInView { outcome, progress })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_opens_only_nylas_hosted_auth_or_the_practice_simulator() {
        let real = NylasBrowser {
            practice_base: None,
        };
        assert!(real
            .allowed("https://api.eu.nylas.com/v3/connect/auth?client_id=x")
            .is_ok());
        for bad in [
            "https://api.eu.nylas.com/v3/applications",
            "https://evil.example/v3/connect/auth",
            "http://api.us.nylas.com/v3/connect/auth",
            "https://user@api.us.nylas.com/v3/connect/auth",
            "http://127.0.0.1:9/nylas-us/v3/connect/auth",
        ] {
            assert!(real.allowed(bad).is_err(), "{bad}");
        }
        let practice = NylasBrowser {
            practice_base: Some(Url::parse("http://127.0.0.1:9/nylas-us/").unwrap()),
        };
        assert!(practice
            .allowed("http://127.0.0.1:9/nylas-us/v3/connect/auth?x=1")
            .is_ok());
        assert!(practice
            .allowed("http://127.0.0.1:10/nylas-us/v3/connect/auth")
            .is_err());
    }
}
