//! The EWS connector (`POST /v3/connectors` with provider `ews`), whose body
//! is unverified (reference §1): the newer spec gives it a *string*
//! `scopes` where every other connector has a `scope` list. The scenario's
//! `nylas.ews_connector_body` picks the form this Nylas accepts
//! (`scope-list` or `scopes-string`); the other is refused with a 400 that
//! names the field, as a strict Nylas would. GET and DELETE are the generic
//! connector routes; the answer shows the permissions in the chosen form.

// Handlers return their error answer as `Err(Response)`.
#![allow(clippy::result_large_err)]

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::nylas_v3_admin::{bad_request, connector_view, data, nylas_error, only};
use crate::scenario::{Connector, NylasApplication, NylasBehaviour};

/// The EWS permissions the spec's enum allows.
const EWS_SCOPES: [&str; 3] = ["ews.messages", "ews.calendar", "ews.contacts"];

fn strings_form(b: &NylasBehaviour) -> bool {
    b.ews_connector_body == "scopes-string"
}

fn check_scopes(list: &[String]) -> Result<(), Response> {
    match list.iter().find(|s| !EWS_SCOPES.contains(&s.as_str())) {
        Some(s) => Err(bad_request(&format!(
            "\"{s}\" is not an EWS scope (ews.messages, ews.calendar, ews.contacts)."
        ))),
        None => Ok(()),
    }
}

/// `POST /v3/connectors` for `provider: ews`.
pub(crate) fn create(
    app: &mut NylasApplication,
    b: &NylasBehaviour,
    m: &Map<String, Value>,
) -> Result<Response, Response> {
    let strings = strings_form(b);
    let field = if strings { "scopes" } else { "scope" };
    only(m, &["provider", "settings", field, "name"])?;
    match m.get("settings") {
        Some(Value::Object(_)) => {}
        _ => return Err(bad_request("settings is required and must be an object.")),
    }
    let scope: Vec<String> = match (strings, m.get(field)) {
        (_, None) => Vec::new(),
        (false, Some(Value::Array(a))) => a
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad_request("scope must be a list of strings."))?,
        (true, Some(Value::String(s))) => s.split_whitespace().map(str::to_owned).collect(),
        (false, Some(_)) => return Err(bad_request("scope must be a list of strings.")),
        (true, Some(_)) => return Err(bad_request("scopes must be a string.")),
    };
    check_scopes(&scope)?;
    if app.connectors.iter().any(|c| c.provider == "ews") {
        let status =
            StatusCode::from_u16(b.connector_exists_status).unwrap_or(StatusCode::CONFLICT);
        return Err(nylas_error(
            status,
            "A connector for provider ews already exists.",
        ));
    }
    let c = Connector {
        provider: "ews".into(),
        name: m.get("name").and_then(Value::as_str).map(str::to_owned),
        settings: json!({}),
        scope,
        active_credential_id: None,
    };
    let view = connector_view(&c, b);
    app.connectors.push(c);
    Ok(data(StatusCode::CREATED, view))
}

/// An EWS connector's answer in the scenario's form.
pub(crate) fn shape_view(v: &mut Value, c: &Connector, b: &NylasBehaviour) {
    if c.provider != "ews" || !strings_form(b) {
        return;
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("scope");
        o.insert("scopes".into(), json!(c.scope.join(" ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> NylasApplication {
        serde_json::from_value(json!({
            "application_id": "a", "organization_id": "o", "region": "us",
            "api_keys": ["k"], "branding": {"name": "n"}, "created_at": 1
        }))
        .unwrap()
    }

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn each_form_refuses_the_other_and_creates_once() {
        for (form, good, bad) in [
            (
                "scope-list",
                json!({"provider": "ews", "settings": {}, "scope": ["ews.messages"]}),
                json!({"provider": "ews", "settings": {}, "scopes": "ews.messages"}),
            ),
            (
                "scopes-string",
                json!({"provider": "ews", "settings": {}, "scopes": "ews.messages ews.calendar"}),
                json!({"provider": "ews", "settings": {}, "scope": ["ews.messages"]}),
            ),
        ] {
            let b = NylasBehaviour {
                ews_connector_body: form.into(),
                ..NylasBehaviour::default()
            };
            let mut a = app();
            let refused = create(&mut a, &b, &body(bad)).unwrap_err();
            assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{form}");
            assert!(a.connectors.is_empty());
            let made = create(&mut a, &b, &body(good.clone())).unwrap();
            assert_eq!(made.status(), StatusCode::CREATED, "{form}");
            assert_eq!(a.connectors.len(), 1);
            let again = create(&mut a, &b, &body(good)).unwrap_err();
            assert_eq!(again.status(), StatusCode::CONFLICT, "{form}");
            let mut v = json!({"scope": a.connectors[0].scope});
            shape_view(&mut v, &a.connectors[0], &b);
            assert_eq!(v.get("scopes").is_some(), form == "scopes-string");
        }
        let b = NylasBehaviour::default();
        let unknown = json!({"provider": "ews", "settings": {}, "scope": ["Mail.Read"]});
        let e = create(&mut app(), &b, &body(unknown)).unwrap_err();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let no_settings = json!({"provider": "ews", "scope": []});
        assert!(create(&mut app(), &b, &body(no_settings)).is_err());
    }
}
