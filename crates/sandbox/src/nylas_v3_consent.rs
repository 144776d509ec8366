//! Nylas v3 hosted admin consent (Microsoft's bulk flow), under the
//! `nylas-us` / `nylas-eu` prefixes.
//!
//! `GET /v3/connect/auth?…&response_type=adminconsent&provider=microsoft
//! &credential_id=…&state=…` (client and exact `redirect_uri` already checked
//! by `nylas_v3_auth.rs`) needs an `adminconsent` credential of the app's
//! microsoft connector. Real Nylas sends the admin on to Microsoft's admin
//! consent for the credential's tenant; the sandbox shows that page itself
//! (its tenants may be made up, e.g. the benchmark's 500): plain HTML with
//! `#approve` / `#deny` links, as the simulated Microsoft pages have, so the
//! tests' played browser follows it the same way. Both links lead to
//! `GET /v3/connect/adminconsent/decision?request=…&decision=approve|deny`:
//! approving marks the credential consented and redirects to `redirect_uri`
//! with `admin_consent=true&state=…`; denying redirects with
//! `error=access_denied&error_description=AADSTS65004: …&state=…`.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::nylas_v3_admin::now;
use crate::oauth::{escape, Params};
use crate::scenario::{NylasApplication, NylasRegion};
use crate::server::AppState;
use crate::service::{json_response, nylas_v3_error};

/// What the refusal says, as Microsoft words it.
pub(crate) const DECLINED: &str = "AADSTS65004: User declined to consent to access the app.";

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new().route(
        "/v3/connect/adminconsent/decision",
        get(move |s: State<AppState>, q: Query<Params>| decision(s, region, q)),
    )
}

/// A consent page shown and not yet answered.
#[derive(Debug, Clone)]
struct PendingConsent {
    application_id: String,
    credential_id: String,
    redirect_uri: String,
    state: Option<String>,
}

/// Consent pages waiting for the admin's answer, by request id.
#[derive(Default)]
pub(crate) struct AdminConsents(Mutex<HashMap<String, PendingConsent>>);

impl AdminConsents {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, PendingConsent>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn bad_request(message: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        nylas_v3_error(StatusCode::BAD_REQUEST, message),
    )
}

fn prefix(region: NylasRegion) -> &'static str {
    match region {
        NylasRegion::Us => "nylas-us",
        NylasRegion::Eu => "nylas-eu",
    }
}

/// The consent page for `app`'s credential named by `credential_id`.
pub(crate) fn page(
    state: &AppState,
    region: NylasRegion,
    app: &NylasApplication,
    redirect_uri: &str,
    q: &Params,
) -> Response {
    let param = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    if param("provider") != Some("microsoft") {
        return bad_request("Admin consent needs provider=microsoft.");
    }
    let Some(credential_id) = param("credential_id") else {
        return bad_request("Missing required parameter: credential_id.");
    };
    let Some(cred) = app
        .credentials
        .iter()
        .find(|c| c.provider == "microsoft" && c.id == credential_id)
    else {
        return bad_request(&format!(
            "Credential {credential_id} not found for the microsoft connector."
        ));
    };
    if cred.credential_type != "adminconsent" {
        return bad_request(&format!(
            "The credential \"{}\" is a {} credential: admin consent needs an adminconsent credential.",
            cred.name, cred.credential_type
        ));
    }
    let client_state = param("state").map(str::to_owned);
    if client_state
        .as_ref()
        .is_some_and(|s| s.chars().count() > 256)
    {
        return bad_request("state may be at most 256 characters long.");
    }
    let tenant = cred.credential_data["tenant"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tenant_name = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .find_tenant(&tenant)
            .map(|t| t.display_name.clone())
            .unwrap_or_else(|| tenant.clone())
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    state.admin_consents.lock().insert(
        id.clone(),
        PendingConsent {
            application_id: app.application_id.clone(),
            credential_id: credential_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            state: client_state,
        },
    );
    let decision = format!(
        "{}{}/v3/connect/adminconsent/decision?request={id}",
        state.base_url,
        prefix(region)
    );
    Html(format!(
        "<!doctype html><html><head><title>Permissions requested</title></head><body>\
         <h1>Permissions requested — accept for your organization</h1>\
         <p><b id=\"client\">{}</b> would like to read and manage the mailboxes and calendars \
         of everyone in <b id=\"tenant\">{}</b> ({}).</p>\
         <p><a id=\"approve\" href=\"{decision}&amp;decision=approve\">Accept</a> \
         <a id=\"deny\" href=\"{decision}&amp;decision=deny\">Cancel</a></p></body></html>",
        escape(&app.branding.name),
        escape(&tenant_name),
        escape(&tenant),
    ))
    .into_response()
}

async fn decision(
    State(state): State<AppState>,
    region: NylasRegion,
    Query(q): Query<Params>,
) -> Response {
    let pending = q
        .get("request")
        .and_then(|id| state.admin_consents.lock().remove(id));
    let Some(pending) = pending else {
        return bad_request("This consent page has expired or was already used.");
    };
    let approved = q.get("decision").map(String::as_str) == Some("approve");
    if approved {
        let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
        let cred = scenario
            .nylas_applications
            .iter_mut()
            .filter(|a| a.region == region && a.application_id == pending.application_id)
            .flat_map(|a| a.credentials.iter_mut())
            .find(|c| c.id == pending.credential_id);
        match cred {
            Some(c) => c.consented_at = Some(now()),
            None => return bad_request("The credential no longer exists."),
        }
    }
    let Ok(mut target) = url::Url::parse(&pending.redirect_uri) else {
        return bad_request("The redirect_uri is not a URL.");
    };
    {
        let mut pairs = target.query_pairs_mut();
        if approved {
            pairs.append_pair("admin_consent", "true");
        } else {
            pairs.append_pair("error", "access_denied");
            pairs.append_pair("error_description", DECLINED);
        }
        if let Some(s) = &pending.state {
            pairs.append_pair("state", s);
        }
    }
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(target.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Mark a credential consented without the page (the control API, for
/// tests that need many tenants consented). `false` if there is none.
pub(crate) fn consent_directly(state: &AppState, credential_id: &str) -> bool {
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    let cred = scenario
        .nylas_applications
        .iter_mut()
        .flat_map(|a| a.credentials.iter_mut())
        .find(|c| c.id == credential_id && c.credential_type == "adminconsent");
    match cred {
        Some(c) => {
            c.consented_at = Some(now());
            true
        }
        None => false,
    }
}
