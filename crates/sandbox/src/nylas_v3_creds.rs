//! Nylas v3 connector credentials: `/v3/connectors/{provider}/creds[/{id}]`.
//! Names are unique per connector (a second one with the same name gets
//! the scenario's "already exists" status, 409 or 400); `credential_data`
//! is kept as sent but never returned.

// Handlers return their error answer as `Err(Response)`: one per request,
// so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::ids;
use crate::nylas_v3_admin::{
    bad_request, check_credential_type, credential_view, data, deleted, non_empty_str, now,
    nylas_error, object, only, page, with_app,
};
use crate::scenario::{Credential, NylasApplication, NylasBehaviour, NylasRegion};
use crate::server::AppState;

type Reply = Result<Response, Response>;

fn connector_exists(app: &NylasApplication, provider: &str) -> Result<(), Response> {
    if app.connectors.iter().any(|c| c.provider == provider) {
        Ok(())
    } else {
        Err(nylas_error(
            StatusCode::NOT_FOUND,
            &format!("Connector {provider} not found."),
        ))
    }
}

fn name_taken(b: &NylasBehaviour, name: &str) -> Response {
    let status = StatusCode::from_u16(b.connector_exists_status).unwrap_or(StatusCode::CONFLICT);
    nylas_error(
        status,
        &format!("A credential named \"{name}\" already exists."),
    )
}

/// `credential_data` for `credential_type`, checked as the SDKs build it.
fn credential_data(
    provider: &str,
    kind: &str,
    m: &serde_json::Map<String, Value>,
) -> Result<Value, Response> {
    let d = match m.get("credential_data") {
        Some(Value::Object(d)) => d,
        _ => {
            return Err(bad_request(
                "credential_data is required and must be an object.",
            ))
        }
    };
    if kind == "connector" && provider == "microsoft" {
        non_empty_str(d, "client_id", "credential_data.")?;
        non_empty_str(d, "client_secret", "credential_data.")?;
    }
    if kind == "adminconsent" && provider == "microsoft" {
        admin_consent_data(d)?;
    }
    Ok(Value::Object(d.clone()))
}

/// A Microsoft admin-consent credential: `tenant` (which directory the
/// admin consents for) is required; `client_id` / `client_secret` may be
/// left out (Nylas then uses the connector's), but not sent empty.
fn admin_consent_data(d: &serde_json::Map<String, Value>) -> Result<(), Response> {
    if let Some(k) = d
        .keys()
        .find(|k| !["client_id", "client_secret", "tenant"].contains(&k.as_str()))
    {
        return Err(bad_request(&format!(
            "Unknown field \"credential_data.{k}\" for an adminconsent credential."
        )));
    }
    non_empty_str(d, "tenant", "credential_data.")?;
    for k in ["client_id", "client_secret"] {
        if d.contains_key(k) {
            non_empty_str(d, k, "credential_data.")?;
        }
    }
    Ok(())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        connector_exists(app, &provider)?;
        let items = app
            .credentials
            .iter()
            .filter(|c| c.provider == provider)
            .map(credential_view)
            .collect();
        page(items, &q)
    });
    r.unwrap_or_else(|e| e)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(provider): Path<String>,
    body: Bytes,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, b| {
        connector_exists(app, &provider)?;
        let m = object(&body)?;
        only(&m, &["name", "credential_type", "credential_data"])?;
        let name = non_empty_str(&m, "name", "")?.to_owned();
        let kind = non_empty_str(&m, "credential_type", "")?.to_owned();
        check_credential_type(&kind)?;
        let data_sent = credential_data(&provider, &kind, &m)?;
        if app
            .credentials
            .iter()
            .any(|c| c.provider == provider && c.name == name)
        {
            return Err(name_taken(b, &name));
        }
        let at = now();
        let c = Credential {
            id: ids::guid(),
            provider,
            name,
            credential_type: kind,
            credential_data: data_sent,
            created_at: at,
            updated_at: at,
            consented_at: None,
        };
        let view = credential_view(&c);
        app.credentials.push(c);
        Ok(data(StatusCode::CREATED, view))
    });
    r.unwrap_or_else(|e| e)
}

fn find<'a>(
    app: &'a mut NylasApplication,
    provider: &str,
    id: &str,
) -> Result<&'a mut Credential, Response> {
    connector_exists(app, provider)?;
    app.credentials
        .iter_mut()
        .find(|c| c.provider == provider && c.id == id)
        .ok_or_else(|| nylas_error(StatusCode::NOT_FOUND, "Credential not found."))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path((provider, id)): Path<(String, String)>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        Ok(data(
            StatusCode::OK,
            credential_view(find(app, &provider, &id)?),
        ))
    });
    r.unwrap_or_else(|e| e)
}

pub(crate) async fn patch(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path((provider, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, b| {
        let m = object(&body)?;
        only(&m, &["name", "credential_data"])?;
        if let Some(name) = m.get("name").and_then(Value::as_str) {
            let taken = app
                .credentials
                .iter()
                .any(|c| c.provider == provider && c.name == name && c.id != id);
            if taken {
                return Err(name_taken(b, name));
            }
        }
        let c = find(app, &provider, &id)?;
        if m.contains_key("credential_data") {
            let new = credential_data(&provider, &c.credential_type.clone(), &m)?;
            if new.get("tenant") != c.credential_data.get("tenant") {
                // Consent was given for the old directory only.
                c.consented_at = None;
            }
            c.credential_data = new;
        }
        if let Some(name) = m.get("name").and_then(Value::as_str) {
            c.name = name.to_owned();
        }
        c.updated_at = now();
        Ok(data(StatusCode::OK, credential_view(c)))
    });
    r.unwrap_or_else(|e| e)
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path((provider, id)): Path<(String, String)>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        find(app, &provider, &id)?;
        app.credentials
            .retain(|c| !(c.provider == provider && c.id == id));
        Ok(deleted())
    });
    r.unwrap_or_else(|e| e)
}
