//! Nylas v2 beta integrations (UAS, used for Teams), under the
//! `nylas-beta-us` / `nylas-beta-eu` prefixes: `POST /connect/integrations`
//! and `GET|PATCH|DELETE /connect/integrations/{provider}` (the list is in
//! `nylas_v2_common.rs`). Written from reference §3 and seed 001:
//! `Basic base64(client_id:client_secret)` checked exactly on every call,
//! `{success:true, data:{…}}` answers, DELETE → `{success:true}`, one
//! integration per provider (a second create is a 409), providers `google,
//! microsoft, imap, zoom`, `expires_in` 60 < x < 315360000 (the Java SDK's
//! check; a number or a numeric string, as the doc types it), at least one
//! redirect URI. The Azure client secret is required but never kept or
//! returned (the list answers the stored integrations as they are).

// Handlers return their error answer as `Err(Response)`: one per request.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::ids;
use crate::nylas_v2_common::{beta_error, check_basic};
use crate::scenario::{NylasRegion, NylasV2Application, Scenario};
use crate::server::AppState;
use crate::service::json_response;

/// The UAS provider enum (reference §3).
const PROVIDERS: [&str; 4] = ["google", "microsoft", "imap", "zoom"];
const MIN_EXPIRES_IN: u64 = 60;
const MAX_EXPIRES_IN: u64 = 315_360_000;
const DEFAULT_EXPIRES_IN: u64 = 1_209_600;

type Reply = Result<Response, Response>;

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/connect/integrations",
            post(
                move |s: State<AppState>, h: HeaderMap, b: Bytes| async move {
                    reply(create(&s, region, &h, &b))
                },
            ),
        )
        .route(
            "/connect/integrations/{provider}",
            get(
                move |s: State<AppState>, h: HeaderMap, p: Path<String>| async move {
                    reply(get_one(&s, region, &h, &p))
                },
            )
            .patch(
                move |s: State<AppState>, h: HeaderMap, p: Path<String>, b: Bytes| async move {
                    reply(patch(&s, region, &h, &p, &b))
                },
            )
            .delete(
                move |s: State<AppState>, h: HeaderMap, p: Path<String>| async move {
                    reply(delete(&s, region, &h, &p))
                },
            ),
        )
}

fn reply(r: Reply) -> Response {
    r.unwrap_or_else(|e| e)
}

/// Run `f` on the v2 application the Basic header opens, under the
/// scenario's write lock (401 in the scenario's error shape otherwise).
fn with_app<T>(
    state: &AppState,
    region: NylasRegion,
    headers: &HeaderMap,
    f: impl FnOnce(&mut NylasV2Application, &Scenario) -> Result<T, Response>,
) -> Result<T, Response> {
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    let index = {
        let app = check_basic(&scenario, headers, region)?;
        let id = app.client_id.clone();
        scenario
            .nylas_v2_applications
            .iter()
            .position(|a| a.region == region && a.client_id == id)
            .unwrap_or_default()
    };
    // Taken out while `f` runs, so the error answers can read the
    // scenario's shape; put back at once (under the same lock).
    let mut app = scenario.nylas_v2_applications.remove(index);
    let result = f(&mut app, &scenario);
    scenario.nylas_v2_applications.insert(index, app);
    result
}

fn error(s: &Scenario, status: StatusCode, message: &str) -> Response {
    beta_error(s, status, message)
}

fn wrapped(status: StatusCode, data: Value) -> Response {
    json_response(status, json!({ "success": true, "data": data }))
}

fn provider_of(v: &Value) -> &str {
    v.get("provider").and_then(Value::as_str).unwrap_or("")
}

fn object(s: &Scenario, body: &Bytes) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(error(
            s,
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        )),
    }
}

fn expires_in(s: &Scenario, v: Option<&Value>) -> Result<u64, Response> {
    let bad = |why: &str| error(s, StatusCode::BAD_REQUEST, why);
    let n = match v {
        None => return Ok(DEFAULT_EXPIRES_IN),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(t)) => t.trim().parse().ok(),
        Some(_) => None,
    }
    .ok_or_else(|| bad("expires_in must be a whole number of seconds."))?;
    if n <= MIN_EXPIRES_IN || n >= MAX_EXPIRES_IN {
        return Err(bad(&format!(
            "expires_in must be greater than {MIN_EXPIRES_IN} and less than {MAX_EXPIRES_IN}."
        )));
    }
    Ok(n)
}

fn redirect_uris(s: &Scenario, v: Option<&Value>) -> Result<Vec<Value>, Response> {
    let bad = || {
        error(
            s,
            StatusCode::BAD_REQUEST,
            "redirect_uris must be a non-empty list of URLs.",
        )
    };
    let list = v.and_then(Value::as_array).ok_or_else(bad)?;
    let ok = !list.is_empty()
        && list.iter().all(|u| {
            u.as_str()
                .is_some_and(|u| u.starts_with("https://") || u.starts_with("http://localhost"))
        });
    ok.then(|| list.clone()).ok_or_else(bad)
}

/// `settings` as kept: the client secret is required but dropped.
fn settings(s: &Scenario, provider: &str, v: Option<&Value>) -> Result<Value, Response> {
    let m = v.and_then(Value::as_object).ok_or_else(|| {
        error(
            s,
            StatusCode::BAD_REQUEST,
            "settings is required and must be an object.",
        )
    })?;
    let mut kept = Map::new();
    if provider == "microsoft" {
        for key in ["client_id", "client_secret", "tenant"] {
            match m.get(key).and_then(Value::as_str) {
                Some(v) if !v.trim().is_empty() => {
                    if key != "client_secret" {
                        kept.insert(key.into(), json!(v));
                    }
                }
                _ => {
                    return Err(error(
                        s,
                        StatusCode::BAD_REQUEST,
                        &format!("settings.{key} is required for provider microsoft."),
                    ))
                }
            }
        }
    }
    Ok(Value::Object(kept))
}

fn create(state: &AppState, region: NylasRegion, headers: &HeaderMap, body: &Bytes) -> Reply {
    with_app(state, region, headers, |app, s| {
        let m = object(s, body)?;
        let provider = m.get("provider").and_then(Value::as_str).unwrap_or("");
        if !PROVIDERS.contains(&provider) {
            return Err(error(
                s,
                StatusCode::BAD_REQUEST,
                &format!("provider must be one of {}.", PROVIDERS.join(", ")),
            ));
        }
        let name = match m.get("name").and_then(Value::as_str) {
            Some(n) if !n.trim().is_empty() => n.to_owned(),
            _ => return Err(error(s, StatusCode::BAD_REQUEST, "name is required.")),
        };
        let settings = settings(s, provider, m.get("settings"))?;
        let uris = redirect_uris(s, m.get("redirect_uris"))?;
        let expires = expires_in(s, m.get("expires_in"))?;
        if app.integrations.iter().any(|i| provider_of(i) == provider) {
            return Err(error(
                s,
                StatusCode::CONFLICT,
                &format!("An integration for provider {provider} already exists."),
            ));
        }
        let integration = json!({
            "id": ids::guid(),
            "name": name,
            "provider": provider,
            "settings": settings,
            "redirect_uris": uris,
            "expires_in": expires,
        });
        app.integrations.push(integration.clone());
        Ok(wrapped(StatusCode::OK, integration))
    })
}

fn find<'a>(
    app: &'a mut NylasV2Application,
    s: &Scenario,
    provider: &str,
) -> Result<&'a mut Value, Response> {
    app.integrations
        .iter_mut()
        .find(|i| provider_of(i) == provider)
        .ok_or_else(|| {
            error(
                s,
                StatusCode::NOT_FOUND,
                &format!("No integration for provider {provider}."),
            )
        })
}

fn get_one(state: &AppState, region: NylasRegion, headers: &HeaderMap, provider: &str) -> Reply {
    with_app(state, region, headers, |app, s| {
        let i = find(app, s, provider)?;
        Ok(wrapped(StatusCode::OK, i.clone()))
    })
}

fn patch(
    state: &AppState,
    region: NylasRegion,
    headers: &HeaderMap,
    provider: &str,
    body: &Bytes,
) -> Reply {
    with_app(state, region, headers, |app, s| {
        let m = object(s, body)?;
        // Checked before anything changes: a refused PATCH changes nothing.
        let name = match m.get("name") {
            None => None,
            Some(Value::String(n)) if !n.trim().is_empty() => Some(n.clone()),
            Some(_) => return Err(error(s, StatusCode::BAD_REQUEST, "name must be text.")),
        };
        let settings = m
            .get("settings")
            .map(|v| settings(s, provider, Some(v)))
            .transpose()?;
        let uris = m
            .get("redirect_uris")
            .map(|v| redirect_uris(s, Some(v)))
            .transpose()?;
        let expires = m
            .get("expires_in")
            .map(|v| expires_in(s, Some(v)))
            .transpose()?;
        let i = find(app, s, provider)?;
        if let Some(n) = name {
            i["name"] = json!(n);
        }
        if let Some(v) = settings {
            i["settings"] = v;
        }
        if let Some(u) = uris {
            i["redirect_uris"] = Value::Array(u);
        }
        if let Some(e) = expires {
            i["expires_in"] = json!(e);
        }
        Ok(wrapped(StatusCode::OK, i.clone()))
    })
}

fn delete(state: &AppState, region: NylasRegion, headers: &HeaderMap, provider: &str) -> Reply {
    with_app(state, region, headers, |app, s| {
        find(app, s, provider)?;
        app.integrations.retain(|i| provider_of(i) != provider);
        Ok(json_response(StatusCode::OK, json!({ "success": true })))
    })
}
