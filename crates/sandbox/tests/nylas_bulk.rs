//! Path E over real HTTP: admin-consent credentials, the hosted admin
//! consent page, grants through `/v3/connect/custom`, the grants list, the
//! control routes and the practice world (the rate limit is in
//! nylas_rate_limit.rs).

mod bulk_http;

use bulk_http::*;

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

#[tokio::test]
async fn practice_holds_what_path_e_needs() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    // The wizard's connector step, then the tenants step.
    let (s, body) = call(
        &sb,
        Method::POST,
        "nylas-us/v3/connectors",
        Some(json!({
            "provider": "microsoft",
            "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "s3cret", "tenant": "common"},
            "scope": ["Mail.Read", "offline_access"],
        })),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    let mut ids = Vec::new();
    for (name, tenant) in [
        ("Contoso (contoso.com)", "contoso.com"),
        (
            "Fabrikam (fabrikam.onmicrosoft.com)",
            "fabrikam.onmicrosoft.com",
        ),
    ] {
        let (s, body) = call(
            &sb,
            Method::POST,
            CREDS,
            Some(admin_consent(name, json!({ "tenant": tenant }))),
        )
        .await;
        assert_eq!(s, 201, "{body}");
        ids.push(body["data"]["id"].as_str().unwrap().to_owned());
    }
    // The consent step registers its loopback; Contoso's admin approves.
    let (s, _) = call(
        &sb,
        Method::POST,
        "nylas-us/v3/applications/redirect-uris",
        Some(json!({"url": CONSENT_URI, "platform": "web"})),
    )
    .await;
    assert_eq!(s, 200);
    let (page, back) = answer_consent(&consent_url(&sb, &ids[0], "p"), "approve").await;
    assert!(
        page.contains("Contoso Ltd"),
        "the tenant by its name: {page}"
    );
    assert_eq!(query(&back)["admin_consent"], "true");
    // The grants step: Contoso's mailboxes, not an alias, not Fabrikam yet.
    for email in [
        "adele.vance@contoso.com",
        "megan.bowen@contoso.com",
        "lee.gu@contoso.com",
    ] {
        let (s, body) = call(&sb, Method::POST, CUSTOM, Some(custom(email, &ids[0]))).await;
        assert_eq!(s, 201, "{email}: {body}");
    }
    let (s, body) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("sales@contoso.com", &ids[0])),
    )
    .await;
    assert_eq!(s, 400, "an alias: {body}");
    let (s, body) = call(
        &sb,
        Method::POST,
        CUSTOM,
        Some(custom("lukas.meier@fabrikam.de", &ids[1])),
    )
    .await;
    assert_eq!(s, 400, "no consent yet: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("has not given admin consent"),
        "{body}"
    );
}
