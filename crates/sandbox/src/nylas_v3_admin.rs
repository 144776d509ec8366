//! Nylas v3 admin endpoints: connectors here, their credentials in
//! `nylas_v3_creds.rs`, the callback URIs in `nylas_v3_redirects.rs`, all
//! written from the public contract (reference §1–2): `{request_id, data}`,
//! lists as
//! `{request_id, data, limit, offset}`, errors `{request_id, error:{type,
//! message}}`, 201 on create (200 for redirect URIs, as the spec says),
//! PATCH replacing nested objects, and the unverified behaviours chosen by
//! the scenario (`nylas.connector_exists_status`,
//! `nylas.connector_echoes_client_id`). The client secret is kept (tests
//! read what was sent) but never returned. State lives in the scenario's
//! application, changed under its write lock.

// Handlers return their error answer as `Err(Response)`: one per request,
// so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use crate::ids;
use crate::nylas_v3::authenticate;
use crate::scenario::{Connector, Credential, NylasApplication, NylasBehaviour, NylasRegion};
use crate::server::AppState;
use crate::service::{error_response, json_response, Service};

/// Providers the spec's `{provider}` enum allows.
const PROVIDERS: [&str; 9] = [
    "google",
    "microsoft",
    "imap",
    "icloud",
    "yahoo",
    "ews",
    "virtual-calendar",
    "zoom",
    "nylas",
];
const CREDENTIAL_TYPES: [&str; 3] = ["adminconsent", "serviceaccount", "connector"];

type Reply = Result<Response, Response>;

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    let r = Router::new()
        .route(
            "/v3/connectors",
            get(
                move |s: State<AppState>, h: HeaderMap, q: Query<HashMap<String, String>>| {
                    list_connectors(s, region, h, q)
                },
            )
            .post(move |s: State<AppState>, h: HeaderMap, b: Bytes| {
                create_connector(s, region, h, b)
            }),
        )
        .route(
            "/v3/connectors/{provider}",
            get(move |s: State<AppState>, h: HeaderMap, p: Path<String>| {
                get_connector(s, region, h, p)
            })
            .patch(
                move |s: State<AppState>, h: HeaderMap, p: Path<String>, b: Bytes| {
                    patch_connector(s, region, h, p, b)
                },
            )
            .delete(move |s: State<AppState>, h: HeaderMap, p: Path<String>| {
                delete_connector(s, region, h, p)
            }),
        )
        .route(
            "/v3/connectors/{provider}/creds",
            get(
                move |s: State<AppState>,
                      h: HeaderMap,
                      p: Path<String>,
                      q: Query<HashMap<String, String>>| {
                    crate::nylas_v3_creds::list(s, region, h, p, q)
                },
            )
            .post(
                move |s: State<AppState>, h: HeaderMap, p: Path<String>, b: Bytes| {
                    crate::nylas_v3_creds::create(s, region, h, p, b)
                },
            ),
        )
        .route(
            "/v3/connectors/{provider}/creds/{id}",
            get(
                move |s: State<AppState>, h: HeaderMap, p: Path<(String, String)>| {
                    crate::nylas_v3_creds::get_one(s, region, h, p)
                },
            )
            .patch(
                move |s: State<AppState>, h: HeaderMap, p: Path<(String, String)>, b: Bytes| {
                    crate::nylas_v3_creds::patch(s, region, h, p, b)
                },
            )
            .delete(
                move |s: State<AppState>, h: HeaderMap, p: Path<(String, String)>| {
                    crate::nylas_v3_creds::delete(s, region, h, p)
                },
            ),
        );
    crate::nylas_v3_redirects::routes(r, region)
}

/// A Nylas error answer.
pub(crate) fn nylas_error(status: StatusCode, message: &str) -> Response {
    error_response(Service::NylasV3, status, Some(message))
}

pub(crate) fn bad_request(message: &str) -> Response {
    nylas_error(StatusCode::BAD_REQUEST, message)
}

/// `{request_id, data}` with `status`.
pub(crate) fn data(status: StatusCode, data: Value) -> Response {
    json_response(status, json!({ "request_id": ids::guid(), "data": data }))
}

pub(crate) fn deleted() -> Response {
    json_response(StatusCode::OK, json!({ "request_id": ids::guid() }))
}

/// `{request_id, data, limit, offset}` for one page of `items`.
pub(crate) fn page(items: Vec<Value>, query: &HashMap<String, String>) -> Reply {
    let num = |name: &str, default: usize| -> Result<usize, Response> {
        match query.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| bad_request(&format!("{name} must be a non-negative integer"))),
        }
    };
    let limit = num("limit", 10)?.clamp(1, 200);
    let offset = num("offset", 0)?;
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    Ok(json_response(
        StatusCode::OK,
        json!({ "request_id": ids::guid(), "data": data, "limit": limit, "offset": offset }),
    ))
}

/// The JSON object a write was sent with, or a 400.
pub(crate) fn object(body: &Bytes) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad_request("The request body must be a JSON object.")),
    }
}

/// Refuse fields the spec doesn't define for this request.
pub(crate) fn only(m: &Map<String, Value>, allowed: &[&str]) -> Result<(), Response> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad_request(&format!("Unknown field \"{k}\"."))),
        None => Ok(()),
    }
}

pub(crate) fn non_empty_str<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    within: &str,
) -> Result<&'a str, Response> {
    match m.get(key).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(bad_request(&format!("{within}{key} is required."))),
    }
}

/// Run `f` on the application the request's key opens, under the
/// scenario's write lock. 401 when no application matches.
pub(crate) fn with_app<T>(
    state: &AppState,
    region: NylasRegion,
    headers: &HeaderMap,
    f: impl FnOnce(&mut NylasApplication, &NylasBehaviour) -> Result<T, Response>,
) -> Result<T, Response> {
    let unauthorized = || nylas_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    let app_id = authenticate(state, region, headers)
        .ok_or_else(unauthorized)?
        .application_id;
    let mut scenario = state.scenario.write().unwrap_or_else(|p| p.into_inner());
    let behaviour = scenario.nylas.clone();
    let app = scenario
        .nylas_applications
        .iter_mut()
        .find(|a| a.region == region && a.application_id == app_id)
        .ok_or_else(unauthorized)?;
    f(app, &behaviour)
}

pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub(crate) fn connector_view(c: &Connector, b: &NylasBehaviour) -> Value {
    // The secret is never returned; the client ID only if the scenario says
    // Nylas echoes it (unverified).
    let mut settings = Map::new();
    if let Some(s) = c.settings.as_object() {
        for (k, v) in s {
            let shown = match k.as_str() {
                "client_secret" => false,
                "client_id" => b.connector_echoes_client_id,
                _ => true,
            };
            if shown {
                settings.insert(k.clone(), v.clone());
            }
        }
    }
    let mut v = json!({ "provider": c.provider, "settings": settings, "scope": c.scope });
    crate::nylas_v3_ews::shape_view(&mut v, c, b);
    if let Some(n) = &c.name {
        v["name"] = json!(n);
    }
    if let Some(id) = &c.active_credential_id {
        v["active_credential_id"] = json!(id);
    }
    v
}

fn known_provider(p: &str) -> Result<(), Response> {
    if PROVIDERS.contains(&p) {
        Ok(())
    } else {
        Err(bad_request(&format!("Unknown provider \"{p}\".")))
    }
}

/// `settings` and `scope` as sent, checked as the spec requires.
fn settings_and_scope(
    provider: &str,
    m: &Map<String, Value>,
) -> Result<(Value, Option<Vec<String>>), Response> {
    let settings = match m.get("settings") {
        Some(Value::Object(s)) => Value::Object(s.clone()),
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(_) => return Err(bad_request("settings must be an object.")),
    };
    if provider == "microsoft" || provider == "google" {
        // Nylas replaces the whole object: both must be there every time.
        let s = settings.as_object().expect("an object");
        non_empty_str(s, "client_id", "settings.")?;
        non_empty_str(s, "client_secret", "settings.")?;
        if let Some(t) = s.get("tenant") {
            if !t.is_string() {
                return Err(bad_request("settings.tenant must be a string."));
            }
        }
    }
    let scope = match m.get("scope") {
        None => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad_request("scope must be a list of strings."))?,
        ),
        Some(_) => return Err(bad_request("scope must be a list of strings.")),
    };
    Ok((settings, scope))
}

async fn list_connectors(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = with_app(&state, region, &headers, |app, b| {
        page(
            app.connectors
                .iter()
                .map(|c| connector_view(c, b))
                .collect(),
            &q,
        )
    });
    r.unwrap_or_else(|e| e)
}

async fn create_connector(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, b| {
        let m = object(&body)?;
        if m.get("provider").and_then(Value::as_str) == Some("ews") {
            // Its body is unverified: the scenario picks the form (own file).
            return crate::nylas_v3_ews::create(app, b, &m);
        }
        only(
            &m,
            &[
                "provider",
                "settings",
                "scope",
                "name",
                "active_credential_id",
            ],
        )?;
        let provider = non_empty_str(&m, "provider", "")?.to_owned();
        known_provider(&provider)?;
        let (settings, scope) = settings_and_scope(&provider, &m)?;
        if app.connectors.iter().any(|c| c.provider == provider) {
            let status =
                StatusCode::from_u16(b.connector_exists_status).unwrap_or(StatusCode::CONFLICT);
            return Err(nylas_error(
                status,
                &format!("A connector for provider {provider} already exists."),
            ));
        }
        let c = Connector {
            provider,
            name: m.get("name").and_then(Value::as_str).map(str::to_owned),
            settings,
            scope: scope.unwrap_or_default(),
            active_credential_id: m
                .get("active_credential_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let view = connector_view(&c, b);
        app.connectors.push(c);
        Ok(data(StatusCode::CREATED, view))
    });
    r.unwrap_or_else(|e| e)
}

fn not_found(what: &str) -> Response {
    nylas_error(StatusCode::NOT_FOUND, &format!("{what} not found."))
}

async fn get_connector(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(provider): Path<String>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, b| {
        let c = app
            .connectors
            .iter()
            .find(|c| c.provider == provider)
            .ok_or_else(|| not_found("Connector"))?;
        Ok(data(StatusCode::OK, connector_view(c, b)))
    });
    r.unwrap_or_else(|e| e)
}

async fn patch_connector(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(provider): Path<String>,
    body: Bytes,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, b| {
        let m = object(&body)?;
        only(&m, &["settings", "scope", "name", "active_credential_id"])?;
        let c = app
            .connectors
            .iter_mut()
            .find(|c| c.provider == provider)
            .ok_or_else(|| not_found("Connector"))?;
        if m.contains_key("settings") {
            // The nested object is replaced as a whole, as Nylas warns.
            let (settings, _) = settings_and_scope(&provider, &m)?;
            c.settings = settings;
        }
        let (_, scope) = settings_and_scope("", &m)?;
        if let Some(scope) = scope {
            c.scope = scope;
        }
        if let Some(n) = m.get("name").and_then(Value::as_str) {
            c.name = Some(n.to_owned());
        }
        if let Some(id) = m.get("active_credential_id").and_then(Value::as_str) {
            c.active_credential_id = Some(id.to_owned());
        }
        Ok(data(StatusCode::OK, connector_view(c, b)))
    });
    r.unwrap_or_else(|e| e)
}

async fn delete_connector(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(provider): Path<String>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        let before = app.connectors.len();
        app.connectors.retain(|c| c.provider != provider);
        if app.connectors.len() == before {
            return Err(not_found("Connector"));
        }
        app.credentials.retain(|c| c.provider != provider);
        Ok(deleted())
    });
    r.unwrap_or_else(|e| e)
}

/// The credential's answer shape: never its `credential_data`.
pub(crate) fn credential_view(c: &Credential) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "credential_type": c.credential_type,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    })
}

pub(crate) fn check_credential_type(t: &str) -> Result<(), Response> {
    if CREDENTIAL_TYPES.contains(&t) {
        Ok(())
    } else {
        Err(bad_request(
            "credential_type must be adminconsent, serviceaccount or connector.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_never_shown_and_the_client_id_per_scenario() {
        let c = Connector {
            provider: "microsoft".into(),
            name: None,
            settings: json!({"client_id": "cid", "client_secret": "shh", "tenant": "common"}),
            scope: vec!["Mail.Read".into()],
            active_credential_id: None,
        };
        let mut b = NylasBehaviour::default();
        let v = connector_view(&c, &b);
        assert_eq!(v["settings"], json!({"tenant": "common"}));
        b.connector_echoes_client_id = true;
        let v = connector_view(&c, &b);
        assert_eq!(
            v["settings"],
            json!({"client_id": "cid", "tenant": "common"})
        );
    }
}
