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

/// Practice with a connector and two admin-consent credentials: Contoso
/// (a tenant of the scenario, consented), and an outside tenant whose
/// consent is given or not.
async fn with_credentials(outside_consented: bool) -> SandboxHandle {
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

fn custom(email: &str, credential_id: &str) -> Value {
    json!({"provider": "microsoft", "settings": {"email_address": email, "credential_id": credential_id}})
}

const CUSTOM: &str = "nylas-us/v3/connect/custom";

#[tokio::test]
async fn custom_auth_makes_one_grant_per_email() {
    let sb = with_credentials(true).await;
    let (s, first) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("adele.vance@contoso.com", "cred-contoso")),
    )
    .await;
    assert_eq!(s, 201, "{first}");
    let grant = &first["data"];
    assert_eq!(grant["email"], "adele.vance@contoso.com");
    assert_eq!(grant["provider"], "microsoft");
    assert_eq!(grant["grant_status"], "valid");
    assert_eq!(grant["credential_id"], "cred-contoso");
    assert_eq!(grant["scope"], json!(["Mail.Read", "offline_access"]));
    // The same address again (any case): the same grant, re-authenticated.
    let (s, again) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("Adele.Vance@contoso.com", "cred-contoso")),
    )
    .await;
    assert_eq!(s, 201, "{again}");
    assert_eq!(again["data"]["id"], grant["id"]);
    assert!(again["data"]["updated_at"].as_i64() >= grant["updated_at"].as_i64());
    // An outside tenant's directory isn't simulated: any address is taken.
    let (s, other) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("someone@outside.example", "cred-outside")),
    )
    .await;
    assert_eq!(s, 201, "{other}");
    assert_ne!(other["data"]["id"], grant["id"]);
    assert_eq!(sb.scenario().nylas_applications[0].grants.len(), 2);

    // The grant reads back, alone or in the list filtered by email.
    let id = grant["id"].as_str().unwrap();
    let (s, one) = call(&sb, Method::GET, &format!("nylas-us/v3/grants/{id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(one["data"]["credential_id"], "cred-contoso");
    let (s, list) = call(
        &sb,
        Method::GET,
        "nylas-us/v3/grants?email=ADELE.VANCE@contoso.com",
        None,
    )
    .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], grant["id"]);
    let (_, all) = call(
        &sb,
        Method::GET,
        "nylas-us/v3/grants?limit=1&offset=1",
        None,
    )
    .await;
    assert_eq!(all["limit"], 1);
    assert_eq!(all["offset"], 1);
    assert_eq!(all["data"][0]["email"], "someone@outside.example");
    let (_, none) = call(&sb, Method::GET, "nylas-us/v3/grants?email=x@y.com", None).await;
    assert_eq!(none["data"], json!([]));
}

#[tokio::test]
async fn custom_auth_refusals_are_plain() {
    let sb = with_credentials(false).await;
    let cases = [
        (
            custom("adele.vance@contoso.com", "cred-outside"),
            "provider_error",
            "has not given admin consent",
        ),
        (
            custom("adele@contoso.com", "cred-contoso"),
            "provider_error",
            "no user adele@contoso.com",
        ),
        (
            custom("adele.vance@contoso.com", "cred-none"),
            "invalid_request_error",
            "Credential cred-none not found",
        ),
        (
            custom("adele.vance@contoso.com", "cred-override"),
            "invalid_request_error",
            "needs an adminconsent credential",
        ),
        (
            custom("not-an-address", "cred-contoso"),
            "invalid_request_error",
            "is not an email address",
        ),
        (
            json!({"provider": "microsoft", "settings": {"email_address": "a@contoso.com"}}),
            "invalid_request_error",
            "settings.credential_id is required",
        ),
        (
            json!({"provider": "microsoft", "settings": {"email": "a@contoso.com", "credential_id": "cred-contoso"}}),
            "invalid_request_error",
            "Unknown field \"settings.email\"",
        ),
        (
            json!({"provider": "google", "settings": {}}),
            "invalid_request_error",
            "microsoft provider only",
        ),
    ];
    for (body, kind, needle) in cases {
        let (s, answer) = call(&sb, Method::POST, CUSTOM, Some(body.clone())).await;
        assert_eq!(s, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["type"], kind, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{body}: {message}");
    }
    // Microsoft's words go along for Diagnose.
    let (_, answer) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("adele@contoso.com", "cred-contoso")),
    )
    .await;
    let aadsts = answer["error"]["provider_error"]["error_description"]
        .as_str()
        .unwrap();
    assert!(aadsts.starts_with("AADSTS50034"), "{aadsts}");
    assert!(sb.scenario().nylas_applications[0].grants.is_empty());
    // A wrong key opens nothing.
    let resp = client()
        .post(format!("{}{CUSTOM}", sb.base_url()))
        .bearer_auth("nyk_v0_wrong")
        .json(&custom("adele.vance@contoso.com", "cred-contoso"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const CONSENT_URI: &str = "http://localhost:47618/nylas-wizard/admin-consent";

/// `with_credentials(false)` with the wizard's consent loopback registered.
async fn consent_sandbox() -> SandboxHandle {
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

fn consent_url(sb: &SandboxHandle, credential_id: &str, state: &str) -> String {
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
async fn answer_consent(url: &str, which: &str) -> (String, url::Url) {
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
fn link(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" href=\"");
    let start = page.find(&marker).expect("the page has the link") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

fn query(url: &url::Url) -> std::collections::HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn hosted_admin_consent_approve_then_grants_work() {
    let sb = consent_sandbox().await;
    // Before consent: refused.
    let (s, _) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("someone@outside.example", "cred-outside")),
    )
    .await;
    assert_eq!(s, 400);
    let (page, back) = answer_consent(&consent_url(&sb, "cred-outside", "st-1"), "approve").await;
    assert!(page.contains("outside.example"), "{page}");
    assert!(page.contains("Contoso Scheduler"), "{page}");
    assert!(back.as_str().starts_with(CONSENT_URI), "{back}");
    let q = query(&back);
    assert_eq!(q["admin_consent"], "true");
    assert_eq!(q["state"], "st-1");
    assert!(!q.contains_key("error"));
    let creds = sb.scenario().nylas_applications[0].credentials.clone();
    assert!(creds
        .iter()
        .find(|c| c.id == "cred-outside")
        .unwrap()
        .consented_at
        .is_some());
    let (s, body) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("someone@outside.example", "cred-outside")),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    // A page answered once can't be answered again.
    let page = client()
        .get(consent_url(&sb, "cred-outside", "st-2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let href = link(&page, "approve");
    assert_eq!(client().get(&href).send().await.unwrap().status(), 302);
    let again = client().get(&href).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 400);
}

#[tokio::test]
async fn hosted_admin_consent_deny_is_an_oauth_error() {
    let sb = consent_sandbox().await;
    let (_, back) = answer_consent(&consent_url(&sb, "cred-outside", "st-9"), "deny").await;
    let q = query(&back);
    assert_eq!(q["error"], "access_denied");
    assert_eq!(
        q["error_description"],
        "AADSTS65004: User declined to consent to access the app."
    );
    assert_eq!(q["state"], "st-9");
    assert!(!q.contains_key("admin_consent"));
    let creds = sb.scenario().nylas_applications[0].credentials.clone();
    assert_eq!(
        creds
            .iter()
            .find(|c| c.id == "cred-outside")
            .unwrap()
            .consented_at,
        None
    );
}

#[tokio::test]
async fn hosted_admin_consent_checks_its_request() {
    let sb = consent_sandbox().await;
    let good = url::Url::parse(&consent_url(&sb, "cred-outside", "s")).unwrap();
    let with = |key: &str, value: Option<&str>| {
        let mut u = good.clone();
        let pairs: Vec<(String, String)> = good
            .query_pairs()
            .into_owned()
            .filter(|(k, _)| k != key)
            .collect();
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        if let Some(v) = value {
            q.append_pair(key, v);
        }
        drop(q);
        u
    };
    for (url, needle) in [
        (with("credential_id", None), "credential_id"),
        (with("credential_id", Some("cred-none")), "not found"),
        (
            with("credential_id", Some("cred-override")),
            "needs an adminconsent credential",
        ),
        (with("provider", None), "provider=microsoft"),
        (
            with(
                "redirect_uri",
                Some("http://localhost:47619/nylas-wizard/admin-consent"),
            ),
            "is not allowed",
        ),
        (with("response_type", Some("token")), "code or adminconsent"),
    ] {
        let resp = client().get(url.as_str()).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{url}");
        let body: Value = resp.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{url}: {message}");
    }
}

#[tokio::test]
async fn control_lists_credentials_and_grants_and_consents_directly() {
    let sb = with_credentials(false).await;
    let control = |path: &str| format!("{}_sandbox/{path}", sb.base_url());
    let resp = client()
        .post(control("nylas/credentials/cred-outside/consent"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    for missing in ["cred-none", "cred-override"] {
        let resp = client()
            .post(control(&format!("nylas/credentials/{missing}/consent")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 404, "{missing}");
    }
    let (s, _) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("someone@outside.example", "cred-outside")),
    )
    .await;
    assert_eq!(s, 201);
    let state: Value = client()
        .get(control("nylas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let us = state
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["application_id"] == NYLAS_APP)
        .unwrap();
    let creds = us["credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 3);
    let outside = creds.iter().find(|c| c["id"] == "cred-outside").unwrap();
    assert_eq!(outside["tenant"], "outside.example");
    assert_eq!(outside["consented"], true);
    assert!(
        !state.to_string().contains("\"s\""),
        "no credential_data beyond the tenant"
    );
    assert_eq!(us["grants"].as_array().unwrap().len(), 1);
    assert_eq!(us["grants"][0]["email"], "someone@outside.example");
    assert_eq!(us["grants"][0]["credential_id"], "cred-outside");
}

async fn control_json(sb: &SandboxHandle, method: Method, path: &str, body: Value) -> (u16, Value) {
    let resp = client()
        .request(method, format!("{}_sandbox/{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn rate_limit_from_the_scenario_refuses_past_the_window() {
    let mut s = Scenario::practice();
    s.nylas_rate_limit = Some(wizard_sandbox::NylasRateLimit {
        requests_per_second: 5,
        extra_429_percent: 0,
        retry_after_seconds: 2,
    });
    let sb = start(s, None).await.unwrap();
    let started = std::time::Instant::now();
    let answers = futures_join(&sb, 8).await;
    let fast = started.elapsed() < std::time::Duration::from_millis(900);
    let ok = answers.iter().filter(|(s, _, _)| *s == 200).count();
    let refused: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 429).collect();
    assert_eq!(ok + refused.len(), 8, "{answers:?}");
    assert!(ok >= 5, "{answers:?}");
    if fast {
        // All eight within one second: exactly the limit got through.
        assert_eq!(refused.len(), 3, "{answers:?}");
    }
    for (_, retry_after, body) in &refused {
        assert_eq!(retry_after.as_deref(), Some("2"));
        assert_eq!(body["error"]["type"], "rate_limit_error");
        assert_eq!(
            body["error"]["message"],
            "Too many requests, please try again shortly."
        );
    }
    let counts = sb.rate_limit_counts();
    assert_eq!(counts.requests, 8);
    assert_eq!(counts.passed as usize, ok);
    assert_eq!(counts.limited as usize, refused.len());
    // Another application (EU) and requests without a key are not counted.
    let eu = client()
        .get(format!("{}nylas-eu/v3/applications", sb.base_url()))
        .bearer_auth("nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q")
        .send()
        .await
        .unwrap();
    assert_eq!(eu.status().as_u16(), 200);
    let anon = client()
        .get(format!("{}nylas-us/v3/applications", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status().as_u16(), 401);
    assert_eq!(sb.rate_limit_counts().requests, 9);
}

/// `n` concurrent `GET /v3/applications` with the US key: status,
/// `Retry-After` and body of each.
async fn futures_join(sb: &SandboxHandle, n: usize) -> Vec<(u16, Option<String>, Value)> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let url = format!("{}nylas-us/v3/applications", sb.base_url());
        set.spawn(async move {
            let resp = client().get(url).bearer_auth(US_KEY).send().await.unwrap();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (
                resp.status().as_u16(),
                retry_after,
                resp.json().await.unwrap(),
            )
        });
    }
    set.join_all().await
}

#[tokio::test]
async fn rate_limit_is_set_at_run_time_with_a_reproducible_extra_share() {
    let sb = with_credentials(true).await;
    let (s, body) = control_json(&sb, Method::GET, "rate-limit", Value::Null).await;
    assert_eq!(s, 200);
    assert_eq!(body["config"], Value::Null, "off by default");
    let (s, body) = control_json(
        &sb,
        Method::PUT,
        "rate-limit",
        json!({"requests_per_second": 10000, "extra_429_percent": 10}),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["config"]["retry_after_seconds"], 1, "default");
    // Every tenth answer is a 429, whatever the route.
    let mut refused = Vec::new();
    for i in 1..=30 {
        let email = format!("user{i}@outside.example");
        let (s, body) = call(
            &sb,
            Method::POST,
            CUSTOM,
            Some(custom(&email, "cred-outside")),
        )
        .await;
        if s == 429 {
            assert_eq!(body["error"]["type"], "rate_limit_error");
            refused.push(i);
        } else {
            assert_eq!(s, 201, "{body}");
        }
    }
    assert_eq!(refused, [10, 20, 30]);
    assert_eq!(
        sb.scenario().nylas_applications[0].grants.len(),
        27,
        "a refused request changes nothing"
    );
    let (_, body) = control_json(&sb, Method::GET, "rate-limit", Value::Null).await;
    assert_eq!(
        body["counts"],
        json!({"requests": 30, "passed": 27, "limited": 0, "extra_429": 3})
    );
    for bad in [
        json!({"requests_per_second": 0}),
        json!({"extra_429_percent": 101}),
        json!({"per_second": 5}),
    ] {
        let (s, body) = control_json(&sb, Method::PUT, "rate-limit", bad.clone()).await;
        assert_eq!(s, 400, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    let (s, body) = control_json(&sb, Method::PUT, "rate-limit", Value::Null).await;
    assert_eq!(s, 200);
    assert_eq!(body["counts"]["requests"], 0, "counts start again");
    for _ in 0..10 {
        let (s, _) = call(&sb, Method::GET, "nylas-us/v3/grants", None).await;
        assert_eq!(s, 200, "off again");
    }
}
