//! The simulated routes and the control routes, over real HTTP.

use reqwest::StatusCode;
use serde_json::Value;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";
const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn sandbox() -> SandboxHandle {
    start(Scenario::practice(), None).await.unwrap()
}

async fn get(sb: &SandboxHandle, path: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = client().get(format!("{}{path}", sb.base_url()));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

fn openid(tenant: &str) -> String {
    format!("microsoft-login/{tenant}/v2.0/.well-known/openid-configuration")
}

#[tokio::test]
async fn health_and_base_url() {
    let sb = sandbox().await;
    assert_eq!(
        sb.base_url(),
        format!("http://127.0.0.1:{}/", sb.addr().port())
    );
    let (status, body) = get(&sb, "_sandbox/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn openid_configuration_by_id_and_by_domain() {
    let sb = sandbox().await;
    for name in [CONTOSO_ID, "contoso.com", "CONTOSO.onmicrosoft.com"] {
        let (status, doc) = get(&sb, &openid(name), None).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            doc["issuer"],
            format!("https://login.microsoftonline.com/{CONTOSO_ID}/v2.0")
        );
        assert_eq!(doc["tenant_region_scope"], "NA");
        let here = format!("{}microsoft-login/{CONTOSO_ID}/oauth2/v2.0", sb.base_url());
        assert_eq!(doc["authorization_endpoint"], format!("{here}/authorize"));
        assert_eq!(doc["token_endpoint"], format!("{here}/token"));
        assert_eq!(
            doc["device_authorization_endpoint"],
            format!("{here}/devicecode")
        );
    }
    let (_, eu) = get(&sb, &openid("fabrikam.de"), None).await;
    assert_eq!(eu["tenant_region_scope"], "EU");
}

#[tokio::test]
async fn openid_configuration_for_multi_tenant_aliases() {
    let sb = sandbox().await;
    for alias in ["common", "organizations"] {
        let (status, doc) = get(&sb, &openid(alias), None).await;
        assert_eq!(status, 200);
        assert_eq!(
            doc["issuer"],
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        );
        assert!(doc["token_endpoint"]
            .as_str()
            .unwrap()
            .contains(&format!("/{alias}/")));
        assert!(doc["tenant_region_scope"].is_null());
    }
    let (status, doc) = get(&sb, &openid("consumers"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        doc["issuer"],
        "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
    );
}

#[tokio::test]
async fn unknown_tenant_is_aadsts90002() {
    let sb = sandbox().await;
    let (status, body) = get(&sb, &openid("nowhere.example"), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_tenant");
    assert_eq!(body["error_codes"], serde_json::json!([90002]));
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with("AADSTS90002: Tenant 'nowhere.example' not found."),
        "{description}"
    );
    let (status, body) = get(&sb, &openid("not_a_domain"), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"], serde_json::json!([900023]));
}

#[tokio::test]
async fn nylas_application_in_its_region() {
    let sb = sandbox().await;
    let (status, body) = get(&sb, "nylas-us/v3/applications", Some(US_KEY)).await;
    assert_eq!(status, 200);
    assert!(body["request_id"].is_string());
    let data = &body["data"];
    assert!(data.is_object(), "a single object, not an array");
    assert_eq!(
        data["application_id"],
        "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b"
    );
    assert_eq!(
        data["organization_id"],
        "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
    );
    assert_eq!(data["region"], "us");
    assert_eq!(data["environment"], "production");
    assert_eq!(data["branding"]["name"], "Contoso Scheduler");
    assert!(data["hosted_authentication"].is_object());
    assert_eq!(data["callback_uris"].as_array().unwrap().len(), 2);
    assert_eq!(data["callback_uris"][0]["platform"], "web");
    assert_eq!(
        data["callback_uris"][0]["url"],
        "https://scheduler.contoso.com/oauth/nylas/callback"
    );
    assert!(data["created_at"].is_i64() && data["updated_at"].is_i64());

    let (status, body) = get(&sb, "nylas-eu/v3/applications", Some(EU_KEY)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["region"], "eu");
    assert_eq!(body["data"]["branding"]["name"], "Fabrikam Mail Hub");
}

#[tokio::test]
async fn nylas_wrong_region_unknown_or_missing_key_is_401() {
    let sb = sandbox().await;
    for (path, key) in [
        ("nylas-eu/v3/applications", Some(US_KEY)),
        ("nylas-us/v3/applications", Some(EU_KEY)),
        ("nylas-us/v3/applications", Some("nyk_v0_not_a_key")),
        ("nylas-us/v3/applications", None),
    ] {
        let (status, body) = get(&sb, path, key).await;
        assert_eq!(status, 401, "{path} {key:?}");
        assert_eq!(body["error"]["type"], "unauthorized");
        assert_eq!(body["error"]["message"], "Unauthorized");
        assert!(body["request_id"].is_string());
    }
    // Basic auth with the key as the user name is not a bearer token.
    let resp = client()
        .get(format!("{}nylas-us/v3/applications", sb.base_url()))
        .basic_auth(US_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn unknown_nylas_route_is_a_nylas_404() {
    let sb = sandbox().await;
    let (status, body) = get(&sb, "nylas-us/v3/credentials", Some(US_KEY)).await;
    assert_eq!(status, 404);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Unrecognized request URL (/v3/credentials)"),
        "{message}"
    );
    assert_eq!(body["error"]["type"], "not_found_error");
}

#[tokio::test]
async fn calls_are_counted_per_route_key_but_not_control_routes() {
    let sb = sandbox().await;
    get(&sb, "nylas-us/v3/applications", Some(US_KEY)).await;
    get(&sb, "nylas-us/v3/applications?x=1", None).await;
    get(&sb, "nylas-eu/v3/applications", None).await;
    get(&sb, "_sandbox/health", None).await;
    assert_eq!(sb.calls("GET /nylas-us/v3/applications"), 2);
    assert_eq!(sb.calls("GET /nylas-eu/v3/applications"), 1);
    assert_eq!(sb.calls("GET /_sandbox/health"), 0);
    let (_, counts) = get(&sb, "_sandbox/calls", None).await;
    assert_eq!(
        counts,
        serde_json::json!({
            "GET /nylas-us/v3/applications": 2,
            "GET /nylas-eu/v3/applications": 1,
        })
    );
    // Already reached: returns at once.
    sb.wait_for_calls("GET /nylas-us/v3/applications", 2).await;
}

#[tokio::test]
async fn faults_can_be_replaced_over_http() {
    let sb = sandbox().await;
    let url = format!("{}_sandbox/faults", sb.base_url());
    let resp = client()
        .put(&url)
        .json(&serde_json::json!([{"route": "GET /nylas-us/v3/applications", "status": 503}]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, _) = get(&sb, "nylas-us/v3/applications", Some(US_KEY)).await;
    assert_eq!(status, 503);

    let resp = client()
        .put(&url)
        .json(&serde_json::json!([{"route": "nonsense"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("nonsense"),
        "{body}"
    );
    // The bad list did not replace the good one.
    let (_, listed) = get(&sb, "_sandbox/faults", None).await;
    assert_eq!(listed[0]["status"], 503);

    let resp = client().put(&url).body("{").send().await.unwrap();
    assert_eq!(resp.status(), 400);

    // Faults never apply to control routes, so they can always be cleared.
    sb.set_faults(vec![Fault::new("*").with_status(500)])
        .unwrap();
    let (status, _) = get(&sb, "_sandbox/health", None).await;
    assert_eq!(status, 200);
    let resp = client()
        .put(&url)
        .json(&serde_json::json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, _) = get(&sb, "nylas-us/v3/applications", Some(US_KEY)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let sb = sandbox().await;
    let url = format!("{}_sandbox/health", sb.base_url());
    assert!(client().get(&url).send().await.is_ok());
    sb.shutdown().await;
    let err = client().get(&url).send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");

    let sb = sandbox().await;
    let url = format!("{}_sandbox/health", sb.base_url());
    drop(sb);
    // The listener is closed by the time the aborted task is dropped; a
    // fresh client cannot reuse a pooled connection.
    let mut refused = false;
    for _ in 0..100 {
        if client().get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(
        refused,
        "the server kept answering after the handle was dropped"
    );
}
