//! What the path E tests share: a client that doesn't follow redirects,
//! Nylas calls with the practice US key, scenarios with credentials, and
//! the admin in the browser on the hosted consent page.

// Each test file uses part of it.
#![allow(dead_code)]

pub use reqwest::Method;
pub use serde_json::{json, Value};
pub use wizard_sandbox::{start, SandboxHandle, Scenario};

pub const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
pub const CREDS: &str = "nylas-us/v3/connectors/microsoft/creds";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn call(
    sb: &SandboxHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
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
pub async fn sandbox() -> SandboxHandle {
    let mut s = Scenario::practice();
    s.nylas_applications[0].connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "s3cret"},
        "scope": ["Mail.Read", "offline_access"],
    }]))
    .unwrap();
    start(s, None).await.unwrap()
}

pub fn admin_consent(name: &str, data: Value) -> Value {
    json!({"name": name, "credential_type": "adminconsent", "credential_data": data})
}

/// Practice with a connector and two admin-consent credentials: Contoso
/// (a tenant of the scenario, consented), and an outside tenant whose
/// consent is given or not.
pub async fn with_credentials(outside_consented: bool) -> SandboxHandle {
    let mut s = Scenario::practice();
    s.nylas_applications[0].connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "s3cret"},
        "scope": ["Mail.Read", "offline_access"],
    }]))
    .unwrap();
    s.tenants[0].users = vec![json!({
        "id": "0b7c1f0e-3a51-4c2e-9d3f-6f2a1b8c4d02",
        "displayName": "Adele Vance",
        "userPrincipalName": "adele.vance@contoso.com",
        "mail": "adele.vance@contoso.com",
        "proxyAddresses": ["SMTP:adele.vance@contoso.com", "smtp:adele@contoso.com"],
    })];
    let mut creds = json!([
        {"id": "cred-contoso", "provider": "microsoft", "name": "Contoso (contoso.com)",
         "credential_type": "adminconsent", "credential_data": {"tenant": "contoso.com"},
         "consented_at": 1717000000},
        {"id": "cred-outside", "provider": "microsoft", "name": "Outside (outside.example)",
         "credential_type": "adminconsent", "credential_data": {"tenant": "outside.example"}},
        {"id": "cred-override", "provider": "microsoft", "name": "Override",
         "credential_type": "connector",
         "credential_data": {"client_id": "c", "client_secret": "s", "tenant": "contoso.com"}},
    ]);
    if outside_consented {
        creds[1]["consented_at"] = json!(1717000000);
    }
    s.nylas_applications[0].credentials = serde_json::from_value(creds).unwrap();
    start(s, None).await.unwrap()
}

pub fn custom(email: &str, credential_id: &str) -> Value {
    json!({"provider": "microsoft", "settings": {"email_address": email, "credential_id": credential_id}})
}

pub const CUSTOM: &str = "nylas-us/v3/connect/custom";

pub const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
pub const CONSENT_URI: &str = "http://localhost:47618/nylas-wizard/admin-consent";

/// `with_credentials(false)` with the wizard's consent loopback registered.
pub async fn consent_sandbox() -> SandboxHandle {
    let sb = with_credentials(false).await;
    let (s, body) = call(
        &sb,
        Method::POST,
        "nylas-us/v3/applications/redirect-uris",
        Some(json!({"url": CONSENT_URI, "platform": "web"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    sb
}

pub fn consent_url(sb: &SandboxHandle, credential_id: &str, state: &str) -> String {
    let mut url = url::Url::parse(&format!("{}nylas-us/v3/connect/auth", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", NYLAS_APP)
        .append_pair("redirect_uri", CONSENT_URI)
        .append_pair("response_type", "adminconsent")
        .append_pair("provider", "microsoft")
        .append_pair("credential_id", credential_id)
        .append_pair("state", state);
    url.into()
}

/// The admin in the browser, as the e2e and shell tests play it: open the
/// page, follow the link `#approve` or `#deny`. Returns the page and where
/// the answer sends the browser.
pub async fn answer_consent(url: &str, which: &str) -> (String, url::Url) {
    let page = client().get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    let href = link(&page, which);
    let answer = client().get(&href).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let to = answer.headers()["location"].to_str().unwrap();
    (page, url::Url::parse(to).unwrap())
}

/// The address of the page's link `#id`.
pub fn link(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" href=\"");
    let start = page.find(&marker).expect("the page has the link") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

pub fn query(url: &url::Url) -> std::collections::HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

pub async fn control_json(
    sb: &SandboxHandle,
    method: Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let resp = client()
        .request(method, format!("{}_sandbox/{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}
