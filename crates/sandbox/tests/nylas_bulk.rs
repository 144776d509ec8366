//! Path E over real HTTP: admin-consent credentials, the hosted admin
//! consent page, grants through `/v3/connect/custom`, the grants list and
//! the per-application rate limit.

use reqwest::Method;
use serde_json::{json, Value};
use wizard_sandbox::{start, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const CREDS: &str = "nylas-us/v3/connectors/microsoft/creds";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn call(sb: &SandboxHandle, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut rb = client()
        .request(method, format!("{}{path}", sb.base_url()))
        .bearer_auth(US_KEY);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Practice with a microsoft connector on the US application.
async fn sandbox() -> SandboxHandle {
    let mut s = Scenario::practice();
    s.nylas_applications[0].connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "s3cret"},
        "scope": ["Mail.Read", "offline_access"],
    }]))
    .unwrap();
    start(s, None).await.unwrap()
}

fn admin_consent(name: &str, data: Value) -> Value {
    json!({"name": name, "credential_type": "adminconsent", "credential_data": data})
}

#[tokio::test]
async fn admin_consent_credentials_need_a_tenant() {
    let sb = sandbox().await;
    // Without client ID and secret: Nylas uses the connector's.
    let (s, body) = call(
        &sb,
        Method::POST,
        CREDS,
        Some(admin_consent(
            "Contoso (contoso.com)",
            json!({"tenant": "contoso.com"}),
        )),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["data"]["name"], "Contoso (contoso.com)");
    assert_eq!(body["data"]["credential_type"], "adminconsent");
    assert!(body["data"].get("credential_data").is_none());
    // With its own app: both given, never returned.
    let (s, body) = call(
        &sb,
        Method::POST,
        CREDS,
        Some(admin_consent(
            "Fabrikam (fabrikam.de)",
            json!({"tenant": "fabrikam.de", "client_id": "cid", "client_secret": "shh-value"}),
        )),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    assert!(!body.to_string().contains("shh-value"));

    for (data, needle) in [
        (json!({}), "credential_data.tenant is required"),
        (
            json!({"tenant": "  "}),
            "credential_data.tenant is required",
        ),
        (
            json!({"tenant": "t.com", "client_id": ""}),
            "credential_data.client_id is required",
        ),
        (
            json!({"tenant": "t.com", "tenant_id": "x"}),
            "Unknown field \"credential_data.tenant_id\"",
        ),
    ] {
        let (s, body) = call(
            &sb,
            Method::POST,
            CREDS,
            Some(admin_consent("Other", data.clone())),
        )
        .await;
        assert_eq!(s, 400, "{data}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{data}: {message}");
    }
    // Names stay unique per connector.
    let (s, _) = call(
        &sb,
        Method::POST,
        CREDS,
        Some(admin_consent(
            "Contoso (contoso.com)",
            json!({"tenant": "contoso.com"}),
        )),
    )
    .await;
    assert_eq!(s, 409);
    let stored = sb.scenario().nylas_applications[0].credentials.clone();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].credential_data["tenant"], "contoso.com");
    assert_eq!(stored[0].consented_at, None, "not consented when created");
}
