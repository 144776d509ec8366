//! The simulated Microsoft sign-in and Graph, over real HTTP: consent page,
//! PKCE, device codes, the Graph reads with their `$filter` forms, PATCH
//! replacing whole collections, addPassword, and 403s.

use reqwest::StatusCode;
use serde_json::{json, Value};
use wizard_sandbox::{start, SandboxHandle, Scenario};

const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
const CLI_CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn scenario(roles: &[&str]) -> Scenario {
    let mut s = Scenario::practice();
    let t = &mut s.tenants[0];
    t.applications = vec![json!({
        "id": "obj-1",
        "appId": APP_ID,
        "displayName": "Contoso Mail",
        "web": {
            "redirectUris": ["https://api.us.nylas.com/v3/connect/callback", "https://keep.example/cb"],
            "implicitGrantSettings": {"enableIdTokenIssuance": false, "enableAccessTokenIssuance": false}
        },
        "requiredResourceAccess": [],
        "passwordCredentials": []
    })];
    t.service_principals = vec![json!({"id": "sp-1", "appId": APP_ID})];
    t.oauth2_permission_grants = vec![
        json!({"id": "g1", "clientId": "sp-1", "consentType": "AllPrincipals", "resourceId": "x", "scope": "Mail.Read"}),
        json!({"id": "g2", "clientId": "sp-1", "consentType": "Principal", "resourceId": "x", "scope": "Mail.Send"}),
    ];
    t.admin = Some(wizard_sandbox::Admin {
        display_name: "Ada Admin".into(),
        user_principal_name: "ada@contoso.com".into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    });
    s
}

fn login(sb: &SandboxHandle, path: &str) -> String {
    format!(
        "{}microsoft-login/{CONTOSO_ID}/oauth2/v2.0/{path}",
        sb.base_url()
    )
}

/// Follow the consent page's link with `id` and return the redirect's query.
async fn consent(sb: &SandboxHandle, challenge: &str, scope: &str, id: &str) -> url::Url {
    let resp = client()
        .get(login(sb, "authorize"))
        .query(&[
            ("client_id", CLI_CLIENT),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:5555/"),
            ("scope", scope),
            ("state", "st-1"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    let marker = format!("id=\"{id}\" href=\"");
    let start = page.find(&marker).expect("consent link") + marker.len();
    let href = page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let resp = client().get(href).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    url::Url::parse(&location).unwrap()
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn redeem(sb: &SandboxHandle, code: &str, verifier: &str) -> (StatusCode, Value) {
    let resp = client()
        .post(login(sb, "token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLI_CLIENT),
            ("code", code),
            ("redirect_uri", "http://127.0.0.1:5555/"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

const AUDIT_SCOPE: &str = "https://graph.microsoft.com/Application.Read.All https://graph.microsoft.com/Directory.Read.All https://graph.microsoft.com/User.Read offline_access";
const FIX_SCOPE: &str = "https://graph.microsoft.com/Application.ReadWrite.All offline_access";

async fn token(sb: &SandboxHandle, scope: &str) -> String {
    let redirect = consent(sb, CHALLENGE, scope, "approve").await;
    let (status, body) = redeem(sb, &param(&redirect, "code").unwrap(), VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn consent_then_pkce_verified_code_exchange() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let redirect = consent(&sb, CHALLENGE, AUDIT_SCOPE, "approve").await;
    assert_eq!(
        redirect.origin().ascii_serialization(),
        "http://127.0.0.1:5555"
    );
    assert_eq!(param(&redirect, "state").as_deref(), Some("st-1"));
    let code = param(&redirect, "code").unwrap();
    let (status, body) = redeem(&sb, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["refresh_token"].is_string());
    // Once only.
    let (status, body) = redeem(&sb, &code, VERIFIER).await;
    assert_eq!(status, 400);
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS54005"));
}

#[tokio::test]
async fn wrong_verifier_is_refused() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let redirect = consent(&sb, CHALLENGE, AUDIT_SCOPE, "approve").await;
    let code = param(&redirect, "code").unwrap();
    let (status, body) = redeem(
        &sb,
        &code,
        "not-the-verifier-not-the-verifier-not-the-verifier",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS501481"),
        "{body}"
    );
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let redirect = consent(&sb, CHALLENGE, AUDIT_SCOPE, "deny").await;
    assert_eq!(param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&redirect, "state").as_deref(), Some("st-1"));
    assert!(param(&redirect, "code").is_none());
}

#[tokio::test]
async fn refresh_token_rotates() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let redirect = consent(&sb, CHALLENGE, AUDIT_SCOPE, "approve").await;
    let (_, body) = redeem(&sb, &param(&redirect, "code").unwrap(), VERIFIER).await;
    let rt = body["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String| {
        let url = login(&sb, "token");
        async move {
            let resp = client()
                .post(url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLI_CLIENT),
                    ("refresh_token", rt.as_str()),
                ])
                .send()
                .await
                .unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap())
        }
    };
    let (status, fresh) = refresh(rt.clone()).await;
    assert_eq!(status, 200, "{fresh}");
    assert_ne!(fresh["refresh_token"], body["refresh_token"]);
    let (status, _) = refresh(rt).await;
    assert_eq!(status, 400, "a used refresh token is refused");
}

async fn device_start(sb: &SandboxHandle) -> Value {
    client()
        .post(login(sb, "devicecode"))
        .form(&[("client_id", CLI_CLIENT), ("scope", AUDIT_SCOPE)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn device_poll(sb: &SandboxHandle, device_code: &str) -> (StatusCode, Value) {
    let resp = client()
        .post(login(sb, "token"))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLI_CLIENT),
            ("device_code", device_code),
        ])
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

async fn control(sb: &SandboxHandle, user_code: &str, action: &str) -> StatusCode {
    client()
        .post(format!(
            "{}_sandbox/device-codes/{user_code}/{action}",
            sb.base_url()
        ))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn device_code_forced_answers_then_approval() {
    let mut s = scenario(&[]);
    s.sign_in.device_code_interval = 1;
    s.sign_in.device_code_polls = vec!["slow_down".into()];
    let sb = start(s, None).await.unwrap();
    let start = device_start(&sb).await;
    assert_eq!(start["interval"], 1);
    let dc = start["device_code"].as_str().unwrap();
    let uc = start["user_code"].as_str().unwrap();
    assert!(start["message"].as_str().unwrap().contains(uc));
    let (_, body) = device_poll(&sb, dc).await;
    assert_eq!(body["error"], "slow_down");
    let (_, body) = device_poll(&sb, dc).await;
    assert_eq!(body["error"], "authorization_pending");
    assert_eq!(control(&sb, uc, "approve").await, 200);
    let (status, body) = device_poll(&sb, dc).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    // Decided codes can't be decided again.
    assert_eq!(control(&sb, uc, "decline").await, 404);
}

#[tokio::test]
async fn device_code_declined_and_expired() {
    let sb = start(scenario(&[]), None).await.unwrap();
    for (action, error) in [
        ("decline", "authorization_declined"),
        ("expire", "expired_token"),
    ] {
        let start = device_start(&sb).await;
        let dc = start["device_code"].as_str().unwrap();
        assert_eq!(
            control(&sb, start["user_code"].as_str().unwrap(), action).await,
            200
        );
        let (status, body) = device_poll(&sb, dc).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"], error);
    }
    let (_, body) = device_poll(&sb, "made-up").await;
    assert_eq!(body["error"], "bad_verification_code");
}

async fn graph(sb: &SandboxHandle, token: &str, path: &str) -> (StatusCode, Value) {
    let resp = client()
        .get(format!("{}graph/v1.0/{path}", sb.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn graph_reads_with_filters() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let t = token(&sb, AUDIT_SCOPE).await;
    let (status, apps) = graph(
        &sb,
        &t,
        &format!("applications?$filter=appId eq '{APP_ID}'"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(apps["value"][0]["id"], "obj-1");
    let (_, none) = graph(
        &sb,
        &t,
        "applications?$filter=appId eq '00000000-0000-0000-0000-000000000000'",
    )
    .await;
    assert_eq!(none["value"], json!([]));
    let (_, sps) = graph(
        &sb,
        &t,
        "servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'",
    )
    .await;
    assert_eq!(sps["value"][0]["displayName"], "Microsoft Graph");
    let (_, grants) = graph(
        &sb,
        &t,
        "oauth2PermissionGrants?$filter=clientId eq 'sp-1' and consentType eq 'AllPrincipals'",
    )
    .await;
    assert_eq!(grants["value"].as_array().unwrap().len(), 1);
    assert_eq!(grants["value"][0]["scope"], "Mail.Read");
    // The same grants through Graph's alternate key (the app's ID); an app
    // with no service principal is a 404.
    let (status, by_app) = graph(
        &sb,
        &t,
        &format!("servicePrincipals(appId='{APP_ID}')/oauth2PermissionGrants?$filter=consentType eq 'AllPrincipals'"),
    )
    .await;
    assert_eq!(status, 200, "{by_app}");
    assert_eq!(by_app["value"], grants["value"]);
    let (status, body) = graph(
        &sb,
        &t,
        "servicePrincipals(appId='00000000-0000-0000-0000-000000000000')/oauth2PermissionGrants",
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    let (_, org) = graph(&sb, &t, "organization").await;
    assert_eq!(org["value"][0]["id"], CONTOSO_ID);
    assert_eq!(org["value"][0]["verifiedDomains"][0]["name"], "contoso.com");
    let (status, body) = graph(&sb, &t, "applications?$filter=startswith(displayName,'C')").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = graph(&sb, "made-up-token", "organization").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
}

async fn patch(sb: &SandboxHandle, token: &str, body: Value) -> StatusCode {
    client()
        .patch(format!("{}graph/v1.0/applications/obj-1", sb.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn patch_replaces_whole_collections() {
    let sb = start(scenario(&["Cloud Application Administrator"]), None)
        .await
        .unwrap();
    let t = token(&sb, FIX_SCOPE).await;
    // A client that sends only the new URI loses the old ones.
    assert_eq!(
        patch(
            &sb,
            &t,
            json!({"web": {"redirectUris": ["https://new.example/cb"]}})
        )
        .await,
        204
    );
    let (_, app) = graph(&sb, &t, "applications/obj-1").await;
    assert_eq!(
        app["web"]["redirectUris"],
        json!(["https://new.example/cb"])
    );
    assert_eq!(
        app["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
        false
    );
    assert_eq!(
        patch(&sb, &t, json!({"passwordCredentials": []})).await,
        400
    );
    assert_eq!(
        sb.scenario().tenants[0].applications[0]["displayName"],
        "Contoso Mail"
    );
}

#[tokio::test]
async fn add_password_returns_the_value_once() {
    let sb = start(scenario(&["Application Administrator"]), None)
        .await
        .unwrap();
    let t = token(&sb, FIX_SCOPE).await;
    let resp = client()
        .post(format!("{}graph/v1.0/applications/obj-1/addPassword", sb.base_url()))
        .bearer_auth(&t)
        .json(&json!({"passwordCredential": {"displayName": "Nylas", "endDateTime": "2027-01-01T00:00:00Z"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let created: Value = resp.json().await.unwrap();
    let secret = created["secretText"].as_str().unwrap();
    assert_eq!(created["hint"], &secret[..3]);
    let (_, app) = graph(&sb, &t, "applications/obj-1").await;
    let stored = &app["passwordCredentials"][0];
    assert_eq!(stored["displayName"], "Nylas");
    assert_eq!(stored["endDateTime"], "2027-01-01T00:00:00Z");
    assert!(
        stored.get("secretText").is_none(),
        "the value is never stored"
    );
}

#[tokio::test]
async fn writes_need_the_scope_and_an_admin_role() {
    let sb = start(scenario(&[]), None).await.unwrap();
    let read_only = token(&sb, AUDIT_SCOPE).await;
    assert_eq!(
        patch(&sb, &read_only, json!({"displayName": "x"})).await,
        403
    );
    let no_role = token(&sb, FIX_SCOPE).await;
    let resp = client()
        .patch(format!("{}graph/v1.0/applications/obj-1", sb.base_url()))
        .bearer_auth(&no_role)
        .json(&json!({"displayName": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(
        body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    let (status, _) = graph(&sb, &read_only, "applications/nope").await;
    assert_eq!(status, 404);
}
