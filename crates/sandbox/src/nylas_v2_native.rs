//! Nylas v2 native authentication (reference §3), under the `nylas-v2-us`
//! and `nylas-v2-eu` prefixes: `POST /connect/authorize` takes a Microsoft
//! refresh token for a one-time code, `POST /connect/token` turns the code
//! into an account, kept in the scenario's v2 application.
//!
//! The refresh token is checked against the simulated Microsoft sign-in
//! (never used up): it must have been issued there, to the Azure app named
//! in `settings.microsoft_client_id`, with the Graph permission the v2
//! scope needs (events only on Graph) or, for `office365`, Exchange's
//! `EWS.AccessAsUser.All`. What Microsoft refuses comes back as a 402
//! (a provider rejection, nylas-python's errors); everything else as the
//! v2 API's flat `{"message","type"}` error.
//!
//! Service accounts (seed 004): `provider: exchange` with
//! `settings.service_account: true` connects another mailbox with the
//! service account's refresh token (the tenant admin is who signs in here);
//! Microsoft refuses a mailbox in another domain, and an address that is no
//! user's `mail` (an alias, or nobody) — a 402 as well.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::nylas_v2_common::v2_error;
use crate::scenario::{NylasRegion, V2Account};
use crate::server::AppState;
use crate::service::json_response;

/// Nylas v2's scope names (nylas-nodejs v6 `connect.ts`).
const V2_SCOPES: [&str; 12] = [
    "email",
    "email.modify",
    "email.read_only",
    "email.send",
    "email.folders_and_labels",
    "email.metadata",
    "email.drafts",
    "calendar",
    "calendar.read_only",
    "room_resources.read_only",
    "contacts",
    "contacts.read_only",
];
const EWS: &str = "https://outlook.office365.com/EWS.AccessAsUser.All";

/// An authorization waiting for its `/connect/token`.
#[derive(Debug, Clone)]
struct Pending {
    base_url: String,
    region: NylasRegion,
    client_id: String,
    email_address: String,
    name: String,
    provider: String,
    scopes: String,
    reauth_account_id: Option<String>,
}

/// Codes of every sandbox in this process, told apart by base URL.
static PENDING: LazyLock<Mutex<HashMap<String, Pending>>> = LazyLock::new(Default::default);

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/connect/authorize",
            post(move |state: State<AppState>, body: Json<Value>| authorize(state, region, body)),
        )
        .route(
            "/connect/token",
            post(move |state: State<AppState>, body: Json<Value>| token(state, region, body)),
        )
}

fn bad(message: &str) -> Response {
    v2_error(StatusCode::BAD_REQUEST, message)
}

/// Microsoft refused the account, as Nylas reports a provider's refusal.
fn provider_refused(message: &str) -> Response {
    v2_error(StatusCode::PAYMENT_REQUIRED, message)
}

/// The Graph (or Exchange) permissions that grant a v2 scope, any one enough.
fn grants_for(provider: &str, scope: &str) -> &'static [&'static str] {
    match (provider, scope) {
        ("graph", "calendar") => &["Calendars.ReadWrite", "Calendars.ReadWrite.Shared"],
        ("graph", "calendar.read_only") => &[
            "Calendars.Read",
            "Calendars.ReadWrite",
            "Calendars.Read.Shared",
            "Calendars.ReadWrite.Shared",
        ],
        _ => &[EWS],
    }
}

async fn authorize(
    State(state): State<AppState>,
    region: NylasRegion,
    Json(body): Json<Value>,
) -> Response {
    let text = |v: &Value| v.as_str().map(str::trim).unwrap_or("").to_owned();
    let client_id = text(&body["client_id"]);
    let known = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .nylas_v2_applications
            .iter()
            .find(|a| a.region == region && a.client_id == client_id)
            .map(|a| a.accounts.clone())
    };
    let Some(accounts) = known else {
        return bad(&format!(
            "Could not find an application with client_id '{client_id}'."
        ));
    };
    for field in ["name", "email_address", "provider", "scopes"] {
        if text(&body[field]).is_empty() {
            return bad(&format!("Missing required field: {field}."));
        }
    }
    let provider = text(&body["provider"]);
    if !["graph", "office365", "exchange"].contains(&provider.as_str()) {
        return bad(&format!(
            "The sandbox simulates native auth for the graph, office365 and exchange providers only, not '{provider}'."
        ));
    }
    let scopes = text(&body["scopes"]);
    let list: Vec<&str> = scopes.split(',').map(str::trim).collect();
    if let Some(s) = list.iter().find(|s| !V2_SCOPES.contains(s)) {
        return bad(&format!("Invalid scope: '{s}'."));
    }
    if provider == "graph" {
        if let Some(s) = list.iter().find(|s| !s.starts_with("calendar")) {
            return bad(&format!(
                "The graph provider supports calendar scopes only, not '{s}'."
            ));
        }
    }
    let settings = &body["settings"];
    for field in [
        "microsoft_client_id",
        "microsoft_client_secret",
        "microsoft_refresh_token",
        "redirect_uri",
    ] {
        if text(&settings[field]).is_empty() {
            return bad(&format!("Missing required field: settings.{field}."));
        }
    }
    let azure_id = text(&settings["microsoft_client_id"]);
    let secret = text(&settings["microsoft_client_secret"]);
    // A Secret ID (a GUID) pasted for the Value: Microsoft's AADSTS7000215.
    if uuid::Uuid::parse_str(&secret).is_ok() {
        return provider_refused("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
    }
    let app_known = {
        let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
        scenario
            .tenants
            .iter()
            .flat_map(|t| &t.applications)
            .any(|a| a.get("appId").and_then(Value::as_str) == Some(azure_id.as_str()))
    };
    if !app_known {
        return provider_refused(&format!(
            "AADSTS700016: Application with identifier '{azure_id}' was not found in the directory."
        ));
    }
    let Some(grant) = state
        .login
        .refresh_grant(&text(&settings["microsoft_refresh_token"]))
    else {
        return provider_refused("AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.");
    };
    if grant.client_id != azure_id {
        return provider_refused(
            "AADSTS70000: The refresh token was issued to another client (microsoft_client_id).",
        );
    }
    for s in &list {
        let any = grants_for(&provider, s);
        if !grant.scopes.iter().any(|g| any.contains(&g.as_str())) {
            return provider_refused(&format!(
                "The Microsoft account didn't grant what the '{s}' scope needs ({}).",
                any.join(" or ")
            ));
        }
    }
    if settings["service_account"].as_bool() == Some(true) {
        if let Some(refused) =
            service_account_refusal(&state, &grant, &text(&body["email_address"]))
        {
            return refused;
        }
    }
    let reauth = body["reauth_account_id"].as_str().map(str::to_owned);
    if let Some(id) = &reauth {
        if !accounts.iter().any(|a| &a.id == id) {
            return v2_error(
                StatusCode::NOT_FOUND,
                &format!("Couldn't find account with id '{id}'."),
            );
        }
    }
    let code = state.login.secret("v2-code-");
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).insert(
        code.clone(),
        Pending {
            base_url: state.base_url.clone(),
            region,
            client_id,
            email_address: text(&body["email_address"]),
            name: text(&body["name"]),
            provider,
            scopes,
            reauth_account_id: reauth,
        },
    );
    json_response(StatusCode::OK, json!({ "code": code }))
}

/// Why Exchange refuses to open `email` with the service account's token
/// (its tenant's admin): another domain, or no mailbox with that address.
fn service_account_refusal(
    state: &AppState,
    grant: &crate::login_state::Grant,
    email: &str,
) -> Option<Response> {
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    let tenant = scenario.tenants.iter().find(|t| t.id == grant.tenant_id)?;
    let service = crate::graph::admin_of(tenant).user_principal_name;
    let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    if domain(&service) != domain(email) {
        return Some(provider_refused(&format!(
            "The service account {service} can't impersonate {email}: the domains differ."
        )));
    }
    let mailbox = tenant.users.iter().any(|u| {
        u["mail"]
            .as_str()
            .is_some_and(|m| m.eq_ignore_ascii_case(email))
    });
    (!mailbox).then(|| {
        provider_refused(&format!(
            "The impersonation of {email} failed: there is no mailbox with that primary address (an alias can't be used)."
        ))
    })
}

/// A v2-looking account ID (25 lowercase letters and digits).
fn account_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..25].to_owned()
}

async fn token(
    State(state): State<AppState>,
    region: NylasRegion,
    Json(body): Json<Value>,
) -> Response {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let (client_id, secret, code) = (
        text(&body["client_id"]),
        text(&body["client_secret"]),
        text(&body["code"]),
    );
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    let Some(app) = scenario
        .nylas_v2_applications
        .iter_mut()
        .find(|a| a.region == region && a.client_id == client_id && a.client_secret == secret)
    else {
        return v2_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let pending = {
        let mut all = PENDING.lock().unwrap_or_else(|p| p.into_inner());
        match all.get(&code) {
            Some(p)
                if p.base_url == state.base_url
                    && p.region == region
                    && p.client_id == client_id =>
            {
                all.remove(&code)
            }
            _ => None,
        }
    };
    let Some(p) = pending else {
        return bad(
            "Invalid code: it is unknown, was already used, or belongs to another application.",
        );
    };
    let id = p.reauth_account_id.clone().unwrap_or_else(account_id);
    let account = V2Account {
        id: id.clone(),
        email_address: p.email_address.clone(),
        name: p.name.clone(),
        provider: p.provider.clone(),
        scopes: p.scopes.clone(),
        billing_state: "paid".into(),
    };
    match app.accounts.iter_mut().find(|a| a.id == id) {
        Some(existing) => *existing = account,
        None => app.accounts.push(account),
    }
    let linked_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    json_response(
        StatusCode::OK,
        json!({
            "access_token": state.login.secret("v2-at-"),
            "account_id": id,
            "id": id,
            "email_address": p.email_address,
            "name": p.name,
            "provider": p.provider,
            "organization_unit": "folder",
            "sync_state": "running",
            "billing_state": "paid",
            "linked_at": linked_at,
        }),
    )
}
