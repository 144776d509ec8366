//! The test sign-in: Nylas hosted auth with a real Microsoft 365 account,
//! proving the connector works end to end.
//!
//! 1. `GET /v3/applications` with the API key: the key works in the region,
//!    and the wizard's loopback callback ([`test_sign_in_callback`]) is one
//!    of the application's callback URIs (Nylas would refuse the sign-in in
//!    the browser otherwise, where the wizard can't see it).
//! 2. The hosted-auth URL (`/v3/connect/auth`: client_id, redirect_uri,
//!    response_type=code, provider=microsoft, the wanted scopes, state,
//!    PKCE S256 from the `oauth2` crate, optional login_hint), opened in the
//!    system browser by the caller.
//! 3. The redirect back on `http://localhost:PORT/nylas-wizard/test-sign-in`
//!    (the shared loopback listener: state check, timeout, cancel).
//! 4. `POST /v3/connect/token` with the API key as client_secret; only the
//!    grant ID, email and scope are read from the answer (its tokens are
//!    never kept), then `GET /v3/grants/{id}`.
//!
//! An `error` in the redirect is not a failure of the wizard: it comes back
//! as [`TestSignInOutcome::Refused`] with Diagnose's explanation and fix.

use std::time::Duration;

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;

use super::grants::get_grant;
use super::test_callback::{test_sign_in_callback, TEST_SIGN_IN_PATH};
use super::{explain, get_application};
use crate::answers::Answers;
use crate::diagnose::{diagnose, Diagnosis};
use crate::endpoints::{self, Endpoints};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, HttpClient, HttpError};
use crate::microsoft::loopback::{LoopbackListener, Pages};
use crate::paths::PathId;
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

/// How long the browser may take before the wizard stops waiting.
pub const TEST_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";
/// OpenID Connect scopes: identify the user; never "extra".
const OIDC: [&str; 3] = ["openid", "profile", "email"];

const PAGES: Pages = Pages {
    done:
        "The test sign-in finished. You can close this tab and go back to the Nylas setup wizard.",
    failed: "The test sign-in didn't complete. Go back to the Nylas setup wizard to see why.",
};

/// What to sign in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSignInRequest {
    pub region: Region,
    /// The scopes to ask for and compare with (the scope plan's names).
    pub scopes: Vec<String>,
    /// Pre-fills the account at Microsoft.
    pub login_hint: Option<String>,
    /// The loopback port (registered with Nylas as part of the callback).
    pub port: u16,
    pub timeout: Duration,
}

impl TestSignInRequest {
    /// From path A's answers: their region and scope plan.
    pub fn from_answers(answers: &Answers, login_hint: Option<&str>, port: u16) -> Result<Self> {
        let hint = login_hint.map(str::trim).filter(|h| !h.is_empty());
        if let Some(h) = hint {
            let plausible =
                h.contains('@') && !h.chars().any(char::is_whitespace) && h.len() <= 256;
            if !plausible {
                return Err(WizardError::invalid_input(
                    "The email to sign in with doesn't look like an email address.",
                )
                .with_hint("Enter an address such as megan@contoso.com, or leave it empty to choose the account in the browser."));
            }
        }
        Ok(Self {
            region: answers.region(),
            scopes: answers.scope_plan(PathId::V3)?.scope_names,
            login_hint: hint.map(str::to_owned),
            port,
            timeout: TEST_SIGN_IN_TIMEOUT,
        })
    }
}

/// How a scope compares between what the plan wants and the grant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ScopeVerdict {
    /// Wanted and granted.
    Granted,
    /// Wanted, not on the grant.
    Missing,
    /// On the grant, not wanted (more than the plan asks for).
    Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScopeCheck {
    pub scope: String,
    pub verdict: ScopeVerdict,
}

/// A successful test sign-in (no token, code or key in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TestSignInResult {
    pub email: String,
    pub grant_id: String,
    /// `valid` or `invalid`, as Nylas reports it.
    pub grant_status: String,
    pub provider: String,
    /// Every wanted scope, then the extra ones.
    pub scopes: Vec<ScopeCheck>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

/// A sign-in Microsoft or Nylas refused, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TestSignInRefusal {
    /// The OAuth `error` of the redirect (`access_denied`, …).
    pub error: String,
    /// The first line of its `error_description`.
    pub description: String,
    pub diagnoses: Vec<Diagnosis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum TestSignInOutcome {
    SignedIn { result: TestSignInResult },
    Refused { refusal: TestSignInRefusal },
}

/// What the last test sign-in showed, kept in the answers for the step's
/// status (never a token, a code or the grant's scopes' values beyond names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TestSignInRecord {
    pub email: Option<String>,
    pub grant_status: Option<String>,
    /// Wanted scopes the grant lacked.
    pub missing: Vec<String>,
    /// The explanation's title when Microsoft or Nylas refused the sign-in.
    pub refused: Option<String>,
}

impl TestSignInRecord {
    /// Why the step needs attention, or `None` when the sign-in proved the
    /// setup (a valid grant with every wanted scope).
    pub fn problem(&self) -> Option<String> {
        if let Some(title) = &self.refused {
            return Some(format!("The last test sign-in didn't complete: {title}."));
        }
        match self.grant_status.as_deref() {
            Some(s) if s.eq_ignore_ascii_case("valid") => {}
            _ => return Some("Nylas marks the test sign-in's connection as not valid.".into()),
        }
        match self.missing.as_slice() {
            [] => None,
            [one] => Some(format!("The test sign-in lacks the permission {one}.")),
            many => Some(format!(
                "The test sign-in lacks {} permissions: {}.",
                many.len(),
                many.join(", ")
            )),
        }
    }
}

impl TestSignInOutcome {
    /// What the answers keep of it.
    pub fn record(&self) -> TestSignInRecord {
        match self {
            TestSignInOutcome::SignedIn { result } => TestSignInRecord {
                email: Some(result.email.clone()),
                grant_status: Some(result.grant_status.clone()),
                missing: result.missing.clone(),
                refused: None,
            },
            TestSignInOutcome::Refused { refusal } => TestSignInRecord {
                refused: Some(
                    refusal
                        .diagnoses
                        .first()
                        .map(|d| d.title.clone())
                        .unwrap_or_else(|| refusal.error.clone()),
                ),
                ..TestSignInRecord::default()
            },
        }
    }
}

/// `Mail.Read` for `https://graph.microsoft.com/Mail.Read`, lower-cased
/// for comparing.
fn key(scope: &str) -> String {
    scope
        .strip_prefix(GRAPH_RESOURCE)
        .unwrap_or(scope)
        .to_ascii_lowercase()
}

/// Wanted scopes against the grant's: each wanted one granted or missing,
/// then the extra ones (OpenID Connect scopes don't count).
pub fn compare_scopes(wanted: &[String], granted: &[String]) -> Vec<ScopeCheck> {
    let granted_keys: Vec<String> = granted.iter().map(|s| key(s)).collect();
    let wanted_keys: Vec<String> = wanted.iter().map(|s| key(s)).collect();
    let mut out: Vec<ScopeCheck> = wanted
        .iter()
        // Whether a grant lists offline_access is unverified (Microsoft's
        // token answers usually leave it out): shown when listed, never
        // called missing.
        .filter(|w| key(w) != "offline_access" || granted_keys.contains(&key(w)))
        .map(|w| ScopeCheck {
            scope: w.clone(),
            verdict: if granted_keys.contains(&key(w)) {
                ScopeVerdict::Granted
            } else {
                ScopeVerdict::Missing
            },
        })
        .collect();
    for g in granted {
        let k = key(g);
        let noted = out.iter().any(|c| key(&c.scope) == k);
        if !wanted_keys.contains(&k) && !OIDC.contains(&k.as_str()) && !noted {
            let short = g.strip_prefix(GRAPH_RESOURCE).unwrap_or(g);
            out.push(ScopeCheck {
                scope: short.to_owned(),
                verdict: ScopeVerdict::Extra,
            });
        }
    }
    out
}

/// A test sign-in waiting for the browser.
pub struct TestSignIn {
    listener: LoopbackListener,
    authorize_url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect_uri: String,
    application_id: String,
    request: TestSignInRequest,
}

impl TestSignIn {
    /// Check the key and the registered callback, bind the loopback port,
    /// build the hosted-auth URL.
    pub async fn start(
        http: &HttpClient,
        endpoints: &Endpoints,
        api_key: &str,
        request: TestSignInRequest,
        cancel: &CancellationToken,
    ) -> Result<Self> {
        let app = get_application(http, endpoints, request.region, api_key, cancel).await?;
        let redirect_uri = test_sign_in_callback(request.port);
        if !app.callback_uris.iter().any(|c| c.url == redirect_uri) {
            return Err(WizardError::new(
                ErrorCode::Rejected,
                format!(
                    "Your Nylas application doesn't list the wizard's test address {redirect_uri} among its callback URIs yet, so Nylas would refuse the sign-in."
                ),
            )
            .with_hint("Go back to Configure Nylas and apply the plan: it adds this address. Or add it in the Nylas Dashboard under Hosted authentication → Callback URIs."));
        }
        let listener = LoopbackListener::bind_localhost(request.port, TEST_SIGN_IN_PATH).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let mut url = endpoints::join(endpoints.nylas(request.region), "v3/connect/auth")?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &app.application_id)
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("provider", "microsoft")
                .append_pair("scope", &request.scopes.join(" "))
                .append_pair("state", state.secret())
                .append_pair("code_challenge", challenge.as_str())
                .append_pair("code_challenge_method", challenge.method().as_str());
            if let Some(hint) = &request.login_hint {
                q.append_pair("login_hint", hint);
            }
        }
        Ok(Self {
            listener,
            authorize_url: url,
            state,
            verifier,
            redirect_uri,
            application_id: app.application_id,
            request,
        })
    }

    /// The page to open in the system browser.
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// Wait for the browser, exchange the code, read the grant.
    pub async fn finish(
        self,
        http: &HttpClient,
        endpoints: &Endpoints,
        api_key: &str,
        cancel: &CancellationToken,
    ) -> Result<TestSignInOutcome> {
        let timeout = self.request.timeout;
        let raw = self
            .listener
            .wait_raw(self.state.secret(), timeout, cancel, PAGES)
            .await?;
        let Some(raw) = raw else {
            return Err(if cancel.is_cancelled() {
                WizardError::new(ErrorCode::Cancelled, "The test sign-in was cancelled.")
            } else {
                WizardError::new(
                    ErrorCode::RemoteUnavailable,
                    format!(
                        "The browser didn't come back from the sign-in within {} minutes, so we stopped waiting.",
                        timeout.as_secs().div_ceil(60)
                    ),
                )
                .with_hint("If the browser shows an error page, copy its message into Diagnose. Otherwise start the test sign-in again and finish it in the browser.")
            });
        };
        if let Some(error) = raw.error {
            let description = raw.error_description.unwrap_or_default();
            let diagnoses = diagnose(&format!("error={error}\nerror_description={description}"));
            let first = description.lines().next().unwrap_or("").trim().to_owned();
            return Ok(TestSignInOutcome::Refused {
                refusal: TestSignInRefusal {
                    error,
                    description: first,
                    diagnoses,
                },
            });
        }
        let Some(code) = raw.code else {
            return Err(WizardError::new(
                ErrorCode::BadResponse,
                "Nylas sent the browser back without a sign-in code or an error.",
            )
            .with_hint("Start the test sign-in again."));
        };
        let region = self.request.region;
        let body = serde_json::json!({
            "client_id": self.application_id,
            "client_secret": api_key,
            "grant_type": "authorization_code",
            "code": code.expose_secret(),
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier.secret(),
        });
        let req = ApiRequest::new(
            RemoteOp::NylasCodeExchange,
            endpoints.nylas(region),
            "v3/connect/token",
        )?
        .json(body);
        let token: TokenWire = http
            .send_json(&req, cancel)
            .await
            .map_err(|e| exchange_error(e, region))?;
        let grant = get_grant(http, endpoints, region, api_key, &token.grant_id, cancel).await?;
        let scopes = compare_scopes(&self.request.scopes, &grant.scope);
        let of = |v: ScopeVerdict| {
            scopes
                .iter()
                .filter(|c| c.verdict == v)
                .map(|c| c.scope.clone())
                .collect::<Vec<_>>()
        };
        let email = if grant.email.is_empty() {
            token.email.unwrap_or_default()
        } else {
            grant.email.clone()
        };
        Ok(TestSignInOutcome::SignedIn {
            result: TestSignInResult {
                email,
                grant_id: grant.id,
                grant_status: grant.grant_status,
                provider: grant.provider,
                missing: of(ScopeVerdict::Missing),
                extra: of(ScopeVerdict::Extra),
                scopes,
            },
        })
    }
}

/// Only what the wizard uses of the token answer: its tokens are never
/// read into memory as values.
#[derive(Deserialize)]
struct TokenWire {
    grant_id: String,
    #[serde(default)]
    email: Option<String>,
}

/// A failed code exchange in plain words: a code works once, so most
/// failures mean starting over.
fn exchange_error(e: HttpError, region: Region) -> WizardError {
    let kind = e
        .service_error
        .as_ref()
        .and_then(|s| s.kind.clone())
        .unwrap_or_default();
    let said = e
        .service_error
        .as_ref()
        .map(|s| s.message.trim_end_matches('.').to_owned());
    match kind.as_str() {
        "invalid_grant" => WizardError::new(
            ErrorCode::Rejected,
            format!(
                "Nylas refused the sign-in code ({}).",
                said.unwrap_or_else(|| "it was already used or has expired".into())
            ),
        )
        .with_hint("A sign-in code works once. Start the test sign-in again."),
        "unauthorized_access" | "invalid_client" => {
            let mut err = explain(e, region);
            err.code = ErrorCode::Unauthorized;
            err.hint = Some("Nylas didn't accept the API key. Go back to the Nylas account step and enter the key again.".into());
            err
        }
        _ => {
            let mut err = explain(e, region);
            if err.code == ErrorCode::RemoteUnavailable {
                err.hint = Some(
                    "The sign-in code may have been spent: start the test sign-in again in a few minutes.".into(),
                );
            }
            err
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scopes_compare_by_short_name_any_case() {
        let wanted = v(&[
            "Mail.Read",
            "Calendars.ReadWrite",
            "User.Read",
            "offline_access",
        ]);
        let granted = v(&[
            "https://graph.microsoft.com/mail.read",
            "User.Read",
            "offline_access",
            "openid",
            "Contacts.Read",
        ]);
        let checks = compare_scopes(&wanted, &granted);
        let got: Vec<(&str, ScopeVerdict)> = checks
            .iter()
            .map(|c| (c.scope.as_str(), c.verdict))
            .collect();
        use ScopeVerdict::*;
        assert_eq!(
            got,
            [
                ("Mail.Read", Granted),
                ("Calendars.ReadWrite", Missing),
                ("User.Read", Granted),
                ("offline_access", Granted),
                ("Contacts.Read", Extra),
            ]
        );
    }

    #[test]
    fn the_last_sign_in_sets_the_steps_status() {
        use crate::state::{Progress, StepStatus};
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("test-sign-in").unwrap();
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::Skipped);
        assert_eq!(
            leave.reason.as_deref(),
            Some("No test sign-in has been done yet.")
        );
        let signed_in = |missing: &[&str], status: &str| TestSignInOutcome::SignedIn {
            result: TestSignInResult {
                email: "megan@contoso.com".into(),
                grant_id: "g".into(),
                grant_status: status.into(),
                provider: "microsoft".into(),
                scopes: vec![],
                missing: v(missing),
                extra: vec![],
            },
        };
        p.record_test_sign_in(signed_in(&[], "valid").record());
        assert_eq!(p.leaving().unwrap().status, StepStatus::Done);
        p.record_test_sign_in(signed_in(&["Mail.Read"], "valid").record());
        let leave = p.leaving().unwrap();
        assert_eq!(leave.status, StepStatus::NeedsAttention);
        assert_eq!(
            leave.reason.as_deref(),
            Some("The test sign-in lacks the permission Mail.Read.")
        );
        p.record_test_sign_in(signed_in(&[], "invalid").record());
        assert_eq!(p.leaving().unwrap().status, StepStatus::NeedsAttention);
        let refused = TestSignInOutcome::Refused {
            refusal: TestSignInRefusal {
                error: "access_denied".into(),
                description: "AADSTS65004: declined".into(),
                diagnoses: diagnose("AADSTS65004"),
            },
        };
        p.record_test_sign_in(refused.record());
        let reason = p.leaving().unwrap().reason.unwrap();
        assert!(
            reason.starts_with("The last test sign-in didn't complete: "),
            "{reason}"
        );
        p.go_to_step("report").unwrap();
        assert_eq!(p.step_status["test-sign-in"], StepStatus::NeedsAttention);
    }

    #[test]
    fn a_login_hint_must_look_like_an_email() {
        let mut answers = Answers::default();
        answers.features =
            crate::answers::FeatureAnswer::preset(crate::scopes::Preset::ReadOnlyInbox);
        let r = TestSignInRequest::from_answers(&answers, Some("  megan@contoso.com "), 1).unwrap();
        assert_eq!(r.login_hint.as_deref(), Some("megan@contoso.com"));
        assert!(r.scopes.contains(&"offline_access".to_owned()));
        assert_eq!(
            TestSignInRequest::from_answers(&answers, Some(" "), 1)
                .unwrap()
                .login_hint,
            None
        );
        let e = TestSignInRequest::from_answers(&answers, Some("megan contoso"), 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn offline_access_is_never_called_missing_but_shown_when_granted() {
        let wanted = vec!["Mail.Read".to_owned(), "offline_access".to_owned()];
        let without = compare_scopes(&wanted, &["Mail.Read".to_owned()]);
        assert_eq!(
            without,
            vec![ScopeCheck {
                scope: "Mail.Read".into(),
                verdict: ScopeVerdict::Granted
            }]
        );
        let with = compare_scopes(
            &wanted,
            &["Mail.Read".to_owned(), "offline_access".to_owned()],
        );
        assert!(with.contains(&ScopeCheck {
            scope: "offline_access".into(),
            verdict: ScopeVerdict::Granted
        }));
    }
}
