//! Nylas hosted auth over real HTTP, the test playing the browser: the
//! auth request, the simulated Microsoft consent page, the Nylas callback,
//! the code exchange and the grant.

use reqwest::StatusCode;
use serde_json::{json, Value};
use url::Url;
use wizard_sandbox::{start, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const NYLAS_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const CALLBACK: &str = "http://localhost:3000/oauth/nylas/callback";
// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Practice, with Contoso's Azure app (the US Nylas callback registered)
/// and the US application's microsoft connector using it.
fn scenario(redirect_uris: &[&str], connector: bool) -> Scenario {
    let mut s = Scenario::practice();
    s.tenants[0].applications = vec![json!({
        "appId": AZURE_APP,
        "displayName": "Contoso Nylas",
        "web": { "redirectUris": redirect_uris },
    })];
    if connector {
        s.nylas_applications[0].connectors = serde_json::from_value(json!([{
            "provider": "microsoft",
            "settings": {"client_id": AZURE_APP, "client_secret": "s3cret", "tenant": "common"},
            "scope": ["Mail.Read", "User.Read", "offline_access"],
        }]))
        .unwrap();
    }
    s
}

async fn sandbox() -> SandboxHandle {
    start(
        scenario(&["https://api.us.nylas.com/v3/connect/callback"], true),
        None,
    )
    .await
    .unwrap()
}

fn auth_url(sb: &SandboxHandle, extra: &[(&str, &str)]) -> Url {
    let mut url = Url::parse(&format!("{}nylas-us/v3/connect/auth", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", NYLAS_APP)
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("response_type", "code")
        .append_pair("provider", "microsoft")
        .append_pair("scope", "Mail.Read User.Read offline_access")
        .append_pair("state", "st-1")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    url.query_pairs_mut().extend_pairs(extra);
    url
}

fn location(resp: &reqwest::Response) -> Url {
    assert_eq!(resp.status(), StatusCode::FOUND, "{resp:?}");
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Auth → Microsoft's consent page → `decision` → Nylas → the app's
/// redirect URI (returned, not followed).
async fn sign_in(sb: &SandboxHandle, url: Url, decision: &str) -> Url {
    let to_ms = location(&browser().get(url).send().await.unwrap());
    let page = browser().get(to_ms).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let marker = format!("id=\"{decision}\" href=\"");
    let at = page.find(&marker).expect("consent link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let to_nylas = location(&browser().get(href).send().await.unwrap());
    assert!(
        to_nylas
            .as_str()
            .starts_with(&format!("{}nylas-us/v3/connect/callback?", sb.base_url())),
        "{to_nylas}"
    );
    location(&browser().get(to_nylas).send().await.unwrap())
}

async fn exchange(sb: &SandboxHandle, code: &str, verifier: &str) -> (StatusCode, Value) {
    let resp = browser()
        .post(format!("{}nylas-us/v3/connect/token", sb.base_url()))
        .json(&json!({
            "client_id": NYLAS_APP,
            "client_secret": US_KEY,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        }))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn approve_exchange_and_read_the_grant() {
    let sb = sandbox().await;
    let to_ms = location(
        &browser()
            .get(auth_url(&sb, &[("login_hint", "megan@contoso.com")]))
            .send()
            .await
            .unwrap(),
    );
    // Microsoft is asked with the connector's app and the Nylas callback.
    assert_eq!(query(&to_ms, "client_id").as_deref(), Some(AZURE_APP));
    assert_eq!(
        query(&to_ms, "redirect_uri").as_deref(),
        Some("https://api.us.nylas.com/v3/connect/callback")
    );
    assert!(to_ms
        .path()
        .contains("/microsoft-login/common/oauth2/v2.0/authorize"));
    assert_eq!(
        query(&to_ms, "login_hint").as_deref(),
        Some("megan@contoso.com")
    );

    let back = sign_in(
        &sb,
        auth_url(&sb, &[("login_hint", "megan@contoso.com")]),
        "approve",
    )
    .await;
    assert!(back.as_str().starts_with(CALLBACK), "{back}");
    assert_eq!(query(&back, "state").as_deref(), Some("st-1"));
    let code = query(&back, "code").unwrap();

    let (status, token) = exchange(&sb, &code, VERIFIER).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["email"], "megan@contoso.com");
    assert_eq!(token["scope"], "Mail.Read User.Read offline_access");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["provider"], "microsoft");
    assert!(
        token.get("request_id").is_none() && token.get("data").is_none(),
        "flat"
    );
    assert!(
        token.get("refresh_token").is_none(),
        "only with access_type=offline"
    );
    let grant_id = token["grant_id"].as_str().unwrap().to_owned();

    // Single use.
    let (status, again) = exchange(&sb, &code, VERIFIER).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(again["error_code"], 400);

    let resp = browser()
        .get(format!("{}nylas-us/v3/grants/{grant_id}", sb.base_url()))
        .bearer_auth(US_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let grant: Value = resp.json().await.unwrap();
    assert_eq!(grant["data"]["id"], grant_id.as_str());
    assert_eq!(grant["data"]["grant_status"], "valid");
    assert_eq!(
        grant["data"]["scope"],
        json!(["Mail.Read", "User.Read", "offline_access"])
    );
    // Without the key, or with the other region's: 401.
    let resp = browser()
        .get(format!("{}nylas-eu/v3/grants/{grant_id}", sb.base_url()))
        .bearer_auth(US_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Signing in again with the same email updates the one grant.
    let back = sign_in(
        &sb,
        auth_url(
            &sb,
            &[("login_hint", "MEGAN@contoso.com"), ("scope", "User.Read")],
        ),
        "approve",
    )
    .await;
    let (_, token) = exchange(&sb, &query(&back, "code").unwrap(), VERIFIER).await;
    assert_eq!(token["grant_id"], grant_id.as_str());
    let grants = &sb.scenario().nylas_applications[0].grants;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].scope, ["User.Read"]);
}

#[tokio::test]
async fn pkce_form_bodies_and_wrong_keys() {
    let sb = sandbox().await;
    let back = sign_in(&sb, auth_url(&sb, &[("access_type", "offline")]), "approve").await;
    let code = query(&back, "code").unwrap();
    // A wrong API key does not spend the code.
    let form = |secret: &str, verifier: &str| {
        vec![
            ("client_id", NYLAS_APP.to_owned()),
            ("client_secret", secret.to_owned()),
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", CALLBACK.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ]
    };
    let url = format!("{}nylas-us/v3/connect/token", sb.base_url());
    let resp = browser()
        .post(&url)
        .form(&form("nyk_wrong", VERIFIER))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_description"], "Invalid API key.");
    let resp = browser()
        .post(&url)
        .form(&form(US_KEY, VERIFIER))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert!(body["refresh_token"].is_string(), "access_type=offline");
    // The admin (no login_hint) signed in.
    assert_eq!(body["email"], "admin@contoso.com");

    // A wrong verifier is refused, and spends the code.
    let back = sign_in(&sb, auth_url(&sb, &[]), "approve").await;
    let code = query(&back, "code").unwrap();
    let (status, body) = exchange(&sb, &code, "not-the-verifier").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _) = exchange(&sb, &code, VERIFIER).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn denied_consent_goes_back_with_the_error() {
    let sb = sandbox().await;
    let back = sign_in(&sb, auth_url(&sb, &[]), "deny").await;
    assert!(back.as_str().starts_with(CALLBACK));
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert!(query(&back, "error_description")
        .unwrap()
        .contains("AADSTS65004"));
    assert_eq!(query(&back, "state").as_deref(), Some("st-1"));
    assert!(sb.scenario().nylas_applications[0].grants.is_empty());
}

#[tokio::test]
async fn nylas_refuses_an_unregistered_callback() {
    let sb = sandbox().await;
    let mut url = auth_url(&sb, &[]);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            (
                k.to_string(),
                if k == "redirect_uri" {
                    format!("{v}/")
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let resp = browser().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["type"], "grant.callback_uri_not_allowed");
    assert!(body["request_id"].is_string());
}

#[tokio::test]
async fn microsoft_shows_aadsts50011_and_700016_pages() {
    // The Azure app lacks the Nylas callback: Microsoft's own error page.
    let sb = start(scenario(&["https://app.example/cb"], true), None)
        .await
        .unwrap();
    let to_ms = location(&browser().get(auth_url(&sb, &[])).send().await.unwrap());
    let page = browser().get(to_ms).send().await.unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("AADSTS50011"));

    // The connector names an app that doesn't exist.
    let mut s = scenario(&[], true);
    s.tenants[0].applications.clear();
    let sb = start(s, None).await.unwrap();
    let to_ms = location(&browser().get(auth_url(&sb, &[])).send().await.unwrap());
    let page = browser()
        .get(to_ms)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("AADSTS700016"), "{page}");
}

#[tokio::test]
async fn no_connector_goes_back_with_an_error_and_withheld_scopes_are_missing() {
    let sb = start(
        scenario(&["https://api.us.nylas.com/v3/connect/callback"], false),
        None,
    )
    .await
    .unwrap();
    let back = location(&browser().get(auth_url(&sb, &[])).send().await.unwrap());
    assert!(back.as_str().starts_with(CALLBACK));
    assert!(query(&back, "error_description")
        .unwrap()
        .contains("No connector"));

    let mut s = scenario(&["https://api.us.nylas.com/v3/connect/callback"], true);
    s.sign_in.withheld_scopes = vec!["Mail.Read".into()];
    let sb = start(s, None).await.unwrap();
    let back = sign_in(&sb, auth_url(&sb, &[]), "approve").await;
    let (_, token) = exchange(&sb, &query(&back, "code").unwrap(), VERIFIER).await;
    assert_eq!(token["scope"], "User.Read offline_access");
}
