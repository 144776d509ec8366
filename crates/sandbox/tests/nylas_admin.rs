//! The Nylas v3 admin endpoints over real HTTP: connectors, credentials,
//! callback URIs, and the unverified behaviours as scenario choices.

use reqwest::Method;
use serde_json::{json, Value};
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn call(
    sb: &SandboxHandle,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = client()
        .request(method, format!("{}{path}", sb.base_url()))
        .bearer_auth(key);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn connector() -> Value {
    json!({
        "provider": "microsoft",
        "settings": {"client_id": "cid", "client_secret": "shh-value", "tenant": "contoso.com"},
        "scope": ["Mail.Read", "offline_access"]
    })
}

async fn sandbox(exists_status: u16, echo: bool) -> SandboxHandle {
    let mut s = Scenario::practice();
    s.nylas.connector_exists_status = exists_status;
    s.nylas.connector_echoes_client_id = echo;
    start(s, None).await.unwrap()
}

#[tokio::test]
async fn connector_create_read_patch_delete() {
    for (exists, echo) in [(409, false), (400, true)] {
        let sb = sandbox(exists, echo).await;
        let path = "nylas-us/v3/connectors/microsoft";
        let (s, body) = call(&sb, Method::GET, path, US_KEY, None).await;
        assert_eq!(s, 404);
        assert_eq!(body["error"]["type"], "not_found_error");
        let (s, body) = call(
            &sb,
            Method::POST,
            "nylas-us/v3/connectors",
            US_KEY,
            Some(connector()),
        )
        .await;
        assert_eq!(s, 201, "{body}");
        assert!(body["request_id"].is_string());
        assert!(
            !body.to_string().contains("shh-value"),
            "the secret is never returned"
        );
        assert_eq!(body["data"]["settings"]["client_id"].is_string(), echo);
        // A second create: the scenario's status.
        let (s, body) = call(
            &sb,
            Method::POST,
            "nylas-us/v3/connectors",
            US_KEY,
            Some(connector()),
        )
        .await;
        assert_eq!(s, exists);
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"));
        // PATCH replaces the nested settings: both client fields required.
        let (s, _) = call(
            &sb,
            Method::PATCH,
            path,
            US_KEY,
            Some(json!({"settings": {"tenant": "common"}})),
        )
        .await;
        assert_eq!(s, 400);
        let patch = json!({
            "settings": {"client_id": "cid2", "client_secret": "new-secret", "tenant": "common"},
            "scope": ["User.Read"]
        });
        let (s, body) = call(&sb, Method::PATCH, path, US_KEY, Some(patch)).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["data"]["settings"]["tenant"], "common");
        assert_eq!(body["data"]["scope"], json!(["User.Read"]));
        let stored = &sb.scenario().nylas_applications[0].connectors[0];
        assert_eq!(stored.settings["client_secret"], "new-secret");
        // The other region's key is refused here, as Nylas does.
        let (s, _) = call(&sb, Method::GET, path, EU_KEY, None).await;
        assert_eq!(s, 401);
        let (s, _) = call(&sb, Method::DELETE, path, US_KEY, None).await;
        assert_eq!(s, 200);
        let (s, _) = call(&sb, Method::GET, path, US_KEY, None).await;
        assert_eq!(s, 404);
    }
}

#[tokio::test]
async fn bad_connector_bodies_are_400() {
    let sb = sandbox(409, false).await;
    for body in [
        json!({"settings": {"client_id": "c", "client_secret": "s"}}),
        json!({"provider": "microsoft", "settings": {"client_id": "c"}}),
        json!({"provider": "microsoft", "settings": {"client_id": "c", "client_secret": "s"}, "scope": "Mail.Read"}),
        json!({"provider": "outlook", "settings": {}}),
        json!({"provider": "microsoft", "settings": {"client_id": "c", "client_secret": "s"}, "extra": 1}),
    ] {
        let (s, resp) = call(
            &sb,
            Method::POST,
            "nylas-us/v3/connectors",
            US_KEY,
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, 400, "{body} → {resp}");
        assert_eq!(resp["error"]["type"], "invalid_request_error");
    }
    assert!(sb.scenario().nylas_applications[0].connectors.is_empty());
}

#[tokio::test]
async fn credentials_page_and_names_are_unique() {
    let sb = sandbox(409, false).await;
    let creds = "nylas-us/v3/connectors/microsoft/creds";
    let cred = |name: &str| {
        json!({"name": name, "credential_type": "connector",
               "credential_data": {"client_id": "c", "client_secret": "s", "tenant": name}})
    };
    // No connector yet: 404.
    let (s, _) = call(&sb, Method::POST, creds, US_KEY, Some(cred("a"))).await;
    assert_eq!(s, 404);
    call(
        &sb,
        Method::POST,
        "nylas-us/v3/connectors",
        US_KEY,
        Some(connector()),
    )
    .await;
    for i in 0..12 {
        let (s, body) = call(
            &sb,
            Method::POST,
            creds,
            US_KEY,
            Some(cred(&format!("t{i}"))),
        )
        .await;
        assert_eq!(s, 201, "{body}");
        assert!(body["data"].get("credential_data").is_none());
    }
    let (s, body) = call(&sb, Method::POST, creds, US_KEY, Some(cred("t3"))).await;
    assert_eq!((s, body["error"]["type"].as_str()), (409, Some("conflict")));
    let (_, first) = call(&sb, Method::GET, creds, US_KEY, None).await;
    assert_eq!(
        first["data"].as_array().unwrap().len(),
        10,
        "default limit 10"
    );
    assert_eq!(
        (first["limit"].as_u64(), first["offset"].as_u64()),
        (Some(10), Some(0))
    );
    let (_, rest) = call(
        &sb,
        Method::GET,
        &format!("{creds}?limit=10&offset=10"),
        US_KEY,
        None,
    )
    .await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 2);
    let id = rest["data"][0]["id"].as_str().unwrap().to_owned();
    let one = format!("{creds}/{id}");
    let (s, body) = call(
        &sb,
        Method::PATCH,
        &one,
        US_KEY,
        Some(json!({"credential_data": {"client_id": "c", "client_secret": "s2"}})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let stored = sb.scenario().nylas_applications[0]
        .credentials
        .iter()
        .find(|c| c.id == id)
        .unwrap()
        .clone();
    assert_eq!(stored.credential_data["client_secret"], "s2");
    assert_eq!(call(&sb, Method::GET, &one, US_KEY, None).await.0, 200);
    assert_eq!(call(&sb, Method::DELETE, &one, US_KEY, None).await.0, 200);
    assert_eq!(call(&sb, Method::GET, &one, US_KEY, None).await.0, 404);
}

#[tokio::test]
async fn redirect_uris_under_both_names() {
    let sb = sandbox(409, false).await;
    let (s, list) = call(
        &sb,
        Method::GET,
        "nylas-us/v3/applications/redirect-uris",
        US_KEY,
        None,
    )
    .await;
    assert_eq!(s, 200);
    let before = list["data"].as_array().unwrap().len();
    let (s, body) = call(
        &sb,
        Method::POST,
        "nylas-us/v3/applications/callback-uris",
        US_KEY,
        Some(json!({"url": "http://localhost:4000/cb"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"]["platform"], "web");
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, list) = call(
        &sb,
        Method::GET,
        "nylas-us/v3/applications/redirect-uris",
        US_KEY,
        None,
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), before + 1);
    for bad in [
        json!({"url": "http://app.example.com/cb"}),
        json!({"url": "https://a.example.com", "platform": "tv"}),
    ] {
        let (s, _) = call(
            &sb,
            Method::POST,
            "nylas-us/v3/applications/redirect-uris",
            US_KEY,
            Some(bad),
        )
        .await;
        assert_eq!(s, 400);
    }
    let one = format!("nylas-us/v3/applications/redirect-uris/{id}");
    assert_eq!(call(&sb, Method::GET, &one, US_KEY, None).await.0, 200);
    assert_eq!(call(&sb, Method::DELETE, &one, US_KEY, None).await.0, 200);
    assert_eq!(call(&sb, Method::GET, &one, US_KEY, None).await.0, 404);
}

#[tokio::test]
async fn admin_routes_take_faults_with_retry_after() {
    let sb = sandbox(409, false).await;
    sb.set_faults(vec![Fault::new("POST /nylas-us/v3/connectors")
        .with_status(429)
        .with_retry_after("2")
        .first_n(1)])
        .unwrap();
    let resp = client()
        .post(format!("{}nylas-us/v3/connectors", sb.base_url()))
        .bearer_auth(US_KEY)
        .json(&connector())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert!(sb.scenario().nylas_applications[0].connectors.is_empty());
    let (s, _) = call(
        &sb,
        Method::POST,
        "nylas-us/v3/connectors",
        US_KEY,
        Some(connector()),
    )
    .await;
    assert_eq!(s, 201);
}
