//! Creating directory objects in Microsoft Graph v1.0, under the `graph`
//! prefix:
//!
//! - `POST /v1.0/applications` (201): the whole application object; Graph
//!   assigns `id` (object ID) and `appId` (client ID) and answers with the
//!   stored object. What Graph refuses is refused here with 400: no
//!   `displayName`, an unknown `signInAudience`, personal accounts without
//!   `api.requestedAccessTokenVersion` 2, a redirect URI that is not an
//!   absolute URI (or not https outside localhost), read-only properties.
//! - `POST /v1.0/servicePrincipals` (201) `{appId}`: the app's enterprise
//!   application; 400 when no app has that `appId`, 409 when it already
//!   has one.
//!
//! Both need `Application.ReadWrite.All` and an admin role, as PATCH does.
//! Faults come from the per-route fault table like every other route.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::graph::{error, may_write, with_tenant};
use crate::server::AppState;
use crate::service::json_response;

const AUDIENCES: [&str; 4] = [
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];

const READ_ONLY: [&str; 5] = [
    "id",
    "appId",
    "publisherDomain",
    "createdDateTime",
    "deletedDateTime",
];

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

/// Why Graph would refuse this application object, if it would.
fn invalid(app: &Map<String, Value>) -> Option<String> {
    match app.get("displayName").and_then(Value::as_str) {
        Some(name) if !name.trim().is_empty() => {}
        _ => return Some("Property 'displayName' is required and cannot be empty.".into()),
    }
    if let Some(key) = READ_ONLY.iter().find(|k| app.contains_key(**k)) {
        return Some(format!("Property '{key}' is read-only and cannot be set."));
    }
    let audience = match app.get("signInAudience") {
        None => "AzureADMyOrg",
        Some(Value::String(a)) if AUDIENCES.contains(&a.as_str()) => a.as_str(),
        Some(other) => {
            return Some(format!(
                "Invalid value specified for property 'signInAudience' of resource 'Application': {other}."
            ))
        }
    };
    let personal = audience.contains("Personal");
    if personal
        && app
            .get("api")
            .and_then(|a| a.get("requestedAccessTokenVersion"))
            != Some(&json!(2))
    {
        return Some("Property api.requestedAccessTokenVersion is invalid.".into());
    }
    for platform in ["web", "spa", "publicClient"] {
        let uris = app
            .get(platform)
            .and_then(|p| p.get("redirectUris"))
            .and_then(Value::as_array);
        for uri in uris.into_iter().flatten() {
            let text = uri.as_str().unwrap_or_default();
            let parsed = url::Url::parse(text);
            let ok = match &parsed {
                Ok(u) if platform == "publicClient" => !u.scheme().is_empty(),
                Ok(u) => {
                    u.scheme() == "https"
                        || (u.scheme() == "http"
                            && matches!(u.host_str(), Some("localhost" | "127.0.0.1")))
                }
                Err(_) => false,
            };
            if !ok {
                return Some(format!(
                    "Invalid value specified for property 'redirectUris' of resource '{platform}': '{text}' is not a valid absolute URI."
                ));
            }
            if personal && parsed.is_ok_and(|u| u.query().is_some()) {
                return Some(format!(
                    "Redirect URI '{text}' cannot contain a query string when personal Microsoft accounts can sign in."
                ));
            }
        }
    }
    None
}

pub(crate) async fn create_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let grant = match may_write(&state, &headers) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let Ok(Value::Object(mut app)) = serde_json::from_str::<Value>(&body) else {
        return bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        );
    };
    if let Some(why) = invalid(&app) {
        return bad_request(&why);
    }
    let created = with_tenant(&state, &grant, |t| {
        app.insert("id".into(), json!(crate::ids::guid()));
        app.insert("appId".into(), json!(crate::ids::guid()));
        app.insert("createdDateTime".into(), json!(crate::ids::rfc3339_now()));
        app.insert(
            "publisherDomain".into(),
            json!(t.verified_domains.first().cloned().unwrap_or_default()),
        );
        app.entry("signInAudience").or_insert(json!("AzureADMyOrg"));
        for list in ["passwordCredentials", "keyCredentials", "tags"] {
            app.entry(list).or_insert(json!([]));
        }
        let stored = Value::Object(app);
        t.applications.push(stored.clone());
        stored
    });
    match created {
        Some(mut app) => {
            app["@odata.context"] = json!(format!(
                "{}graph/v1.0/$metadata#applications/$entity",
                state.base_url
            ));
            json_response(StatusCode::CREATED, app)
        }
        None => bad_request("The signed-in user's tenant was not found."),
    }
}

pub(crate) async fn create_service_principal(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let grant = match may_write(&state, &headers) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let Some(app_id) = body["appId"].as_str().map(str::to_owned) else {
        return bad_request("Property 'appId' is required.");
    };
    let outcome = with_tenant(&state, &grant, |t| {
        let app = t
            .applications
            .iter()
            .find(|a| {
                a["appId"]
                    .as_str()
                    .is_some_and(|i| i.eq_ignore_ascii_case(&app_id))
            })?
            .clone();
        if t.service_principals.iter().any(|s| {
            s["appId"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(&app_id))
        }) {
            return Some(Err(()));
        }
        let sp = json!({
            "id": crate::ids::guid(),
            "appId": app_id,
            "displayName": app["displayName"],
            "appOwnerOrganizationId": t.id,
            "servicePrincipalType": "Application",
            "signInAudience": app["signInAudience"],
            "tags": [],
        });
        t.service_principals.push(sp.clone());
        Some(Ok(sp))
    })
    .flatten();
    match outcome {
        Some(Ok(mut sp)) => {
            sp["@odata.context"] = json!(format!(
                "{}graph/v1.0/$metadata#servicePrincipals/$entity",
                state.base_url
            ));
            json_response(StatusCode::CREATED, sp)
        }
        Some(Err(())) => error(
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue: Another object with the same value for property servicePrincipalNames already exists.",
        ),
        None => bad_request(&format!(
            "The appId '{app_id}' of the service principal does not reference a valid application object."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn graph_refuses_what_it_refuses() {
        let ok = json!({"displayName": "Nylas", "signInAudience": "AzureADMultipleOrgs",
            "web": {"redirectUris": ["https://api.us.nylas.com/v3/connect/callback"]}});
        assert_eq!(invalid(&app(ok)), None);
        assert!(invalid(&app(json!({"signInAudience": "AzureADMyOrg"}))).is_some());
        let unknown = json!({"displayName": "x", "signInAudience": "Everyone"});
        assert!(invalid(&app(unknown)).unwrap().contains("signInAudience"));
        let relative = json!({"displayName": "x", "web": {"redirectUris": ["/connect/callback"]}});
        assert!(invalid(&app(relative)).unwrap().contains("absolute URI"));
        let plain_http =
            json!({"displayName": "x", "web": {"redirectUris": ["http://example.com/cb"]}});
        assert!(invalid(&app(plain_http)).is_some());
        let personal_v1 =
            json!({"displayName": "x", "signInAudience": "AzureADandPersonalMicrosoftAccount"});
        assert!(invalid(&app(personal_v1))
            .unwrap()
            .contains("requestedAccessTokenVersion"));
        let with_id = json!({"displayName": "x", "appId": "y"});
        assert!(invalid(&app(with_id)).unwrap().contains("read-only"));
    }
}
