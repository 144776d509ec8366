//! Nylas v3 API (`api.us.nylas.com` / `api.eu.nylas.com`), under the
//! `nylas-us` and `nylas-eu` prefixes.
//!
//! Every admin endpoint takes `Authorization: Bearer <API key>`. A key only
//! works in its application's region: Nylas answers 401 on the wrong regional
//! host, exactly as for an unknown key.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::ids;
use crate::scenario::{NylasApplication, NylasRegion};
use crate::server::AppState;
use crate::service::{json_response, nylas_v3_error};

pub(crate) fn routes(region: NylasRegion) -> Router<AppState> {
    Router::new()
        .route(
            "/v3/applications",
            get(move |state: State<AppState>, headers: HeaderMap| {
                get_application(state, region, headers)
            }),
        )
        .merge(crate::nylas_v3_auth::routes(region))
        .merge(crate::nylas_v3_admin::routes(region))
        .merge(crate::nylas_v3_custom::routes(region))
        .merge(crate::nylas_v3_consent::routes(region))
}

/// The bearer token of a request, if it has one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The application the request's API key opens in this region.
pub(crate) fn authenticate(
    state: &AppState,
    region: NylasRegion,
    headers: &HeaderMap,
) -> Option<NylasApplication> {
    let key = bearer(headers)?;
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    scenario
        .nylas_applications
        .iter()
        .find(|app| app.region == region && app.api_keys.iter().any(|k| k == key))
        .cloned()
}

fn unauthorized() -> Response {
    json_response(
        StatusCode::UNAUTHORIZED,
        nylas_v3_error(StatusCode::UNAUTHORIZED, "Unauthorized"),
    )
}

async fn get_application(
    State(state): State<AppState>,
    region: NylasRegion,
    headers: HeaderMap,
) -> Response {
    let Some(app) = authenticate(&state, region, &headers) else {
        return unauthorized();
    };
    let callback_uris: Vec<_> = app
        .callback_uris
        .iter()
        .map(|c| json!({ "id": c.id, "url": c.url, "platform": c.platform }))
        .collect();
    let mut branding = json!({ "name": app.branding.name });
    for (field, value) in [
        ("icon_url", &app.branding.icon_url),
        ("website_url", &app.branding.website_url),
        ("description", &app.branding.description),
    ] {
        if let Some(v) = value {
            branding[field] = json!(v);
        }
    }
    json_response(
        StatusCode::OK,
        json!({
            "request_id": ids::guid(),
            "data": {
                "application_id": app.application_id,
                "organization_id": app.organization_id,
                "region": app.region,
                "environment": app.environment,
                "branding": branding,
                "hosted_authentication": {
                    "alignment": "center",
                    "color_primary": "#1A56DB",
                    "color_secondary": "#FFFFFF",
                    "title": app.branding.name,
                    "subtitle": "Connect your account",
                    "background_color": "#F9FAFB",
                    "spacing": 2,
                },
                "callback_uris": callback_uris,
                "created_at": app.created_at,
                "updated_at": app.updated_at.unwrap_or(app.created_at),
                "blocked": false,
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
