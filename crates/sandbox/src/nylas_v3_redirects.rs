//! The Nylas application's callback (redirect) URIs:
//! `/v3/applications/redirect-uris[/{id}]` (SDKs and spec) and the Nylas
//! CLI's `/v3/applications/callback-uris[/{id}]`. Create answers 200 as
//! the spec says; duplicates are stored as sent, so a client that adds one
//! twice shows up in the tests.

// Handlers return their error answer as `Err(Response)`: one per request,
// so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::ids;
use crate::nylas_v3_admin::{
    bad_request, data, deleted, non_empty_str, now, nylas_error, object, only, with_app,
};
use crate::scenario::{CallbackUri, NylasRegion};
use crate::server::AppState;
use crate::service::json_response;

const PLATFORMS: [&str; 5] = ["web", "desktop", "js", "ios", "android"];

type Reply = Result<Response, Response>;

fn not_found(what: &str) -> Response {
    nylas_error(StatusCode::NOT_FOUND, &format!("{what} not found."))
}

/// `r` with the routes under both names.
pub(crate) fn routes(r: Router<AppState>, region: NylasRegion) -> Router<AppState> {
    // The SDKs and spec say redirect-uris; the Nylas CLI uses callback-uris.
    ["redirect-uris", "callback-uris"]
        .into_iter()
        .fold(r, |r, name| {
            r.route(
                &format!("/v3/applications/{name}"),
                get(move |s: State<AppState>, h: HeaderMap| list_redirect_uris(s, region, h)).post(
                    move |s: State<AppState>, h: HeaderMap, b: Bytes| {
                        create_redirect_uri(s, region, h, b)
                    },
                ),
            )
            .route(
                &format!("/v3/applications/{name}/{{id}}"),
                get(move |s: State<AppState>, h: HeaderMap, p: Path<String>| {
                    get_redirect_uri(s, region, h, p)
                })
                .delete(
                    move |s: State<AppState>, h: HeaderMap, p: Path<String>| {
                        delete_redirect_uri(s, region, h, p)
                    },
                ),
            )
        })
}

fn redirect_view(c: &CallbackUri) -> Value {
    json!({ "id": c.id, "url": c.url, "platform": c.platform })
}

async fn list_redirect_uris(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        let list: Vec<Value> = app.callback_uris.iter().map(redirect_view).collect();
        Ok(json_response(
            StatusCode::OK,
            json!({ "request_id": ids::guid(), "data": list }),
        ))
    });
    r.unwrap_or_else(|e| e)
}

/// https, or http only for localhost, as Nylas requires.
fn acceptable_url(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match u.scheme() {
        "https" => u.host_str().is_some_and(|h| !h.is_empty()),
        "http" => u.host_str() == Some("localhost"),
        _ => false,
    }
}

async fn create_redirect_uri(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        let m = object(&body)?;
        only(&m, &["url", "platform", "settings"])?;
        let url = non_empty_str(&m, "url", "")?.to_owned();
        if !acceptable_url(&url) {
            return Err(bad_request(
                "url must use https, or http only for localhost.",
            ));
        }
        let platform = match m.get("platform") {
            None => "web".to_owned(),
            Some(Value::String(p)) if PLATFORMS.contains(&p.as_str()) => p.clone(),
            Some(_) => {
                return Err(bad_request(
                    "platform must be one of web, desktop, js, ios, android.",
                ))
            }
        };
        // Duplicates are stored as sent: a client that adds one twice
        // shows up in the tests.
        let c = CallbackUri {
            id: ids::guid(),
            url,
            platform,
        };
        let view = redirect_view(&c);
        app.callback_uris.push(c);
        app.updated_at = Some(now());
        Ok(data(StatusCode::OK, view))
    });
    r.unwrap_or_else(|e| e)
}

async fn get_redirect_uri(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        let c = app
            .callback_uris
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found("Redirect URI"))?;
        Ok(data(StatusCode::OK, redirect_view(c)))
    });
    r.unwrap_or_else(|e| e)
}

async fn delete_redirect_uri(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r: Reply = with_app(&state, region, &headers, |app, _| {
        let before = app.callback_uris.len();
        app.callback_uris.retain(|c| c.id != id);
        if app.callback_uris.len() == before {
            return Err(not_found("Redirect URI"));
        }
        Ok(deleted())
    });
    r.unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_nylas_accepts() {
        assert!(acceptable_url("https://app.example.com/cb"));
        assert!(acceptable_url("http://localhost:4000/x"));
        assert!(!acceptable_url("http://app.example.com/cb"));
        assert!(!acceptable_url("not a url"));
    }
}
