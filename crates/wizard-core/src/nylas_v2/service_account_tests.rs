use super::*;

const AZURE: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";

fn input(users: &str) -> ServiceAccountInput {
    ServiceAccountInput {
        region: Region::Us,
        nylas_client_id: "v2-client".into(),
        azure_client_id: AZURE.into(),
        service_account: "Service@Contoso.com".into(),
        users: users.into(),
        v2_scopes: "email, calendar".into(),
        port: 47617,
        existing_setup: true,
    }
}

#[test]
fn only_for_an_existing_setup() {
    let e = plan(&ServiceAccountInput {
        existing_setup: false,
        ..input("adele@contoso.com")
    })
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("May 2024"), "{}", e.message);
    assert!(e.message.contains("admin-consent"), "{}", e.message);
}

#[test]
fn another_domain_is_refused_naming_both() {
    let e = plan(&input("adele@contoso.com\nlukas@fabrikam.de")).unwrap_err();
    assert!(e.message.contains("service@contoso.com"), "{}", e.message);
    assert!(e.message.contains("contoso.com"), "{}", e.message);
    assert!(e.message.contains("lukas@fabrikam.de"), "{}", e.message);
    // A subdomain is another domain too.
    assert!(plan(&input("a@eu.contoso.com")).is_err());
}

#[test]
fn addresses_are_trimmed_lowercased_and_deduplicated() {
    let p = plan(&input(
        " Adele@contoso.com, megan@contoso.com\n\nadele@CONTOSO.com;",
    ))
    .unwrap();
    assert_eq!(p.users, ["adele@contoso.com", "megan@contoso.com"]);
    assert_eq!(p.service_account, "service@contoso.com");
    assert_eq!(p.domain, "contoso.com");
    assert_eq!(p.v2_scopes, "email,calendar");
}

#[test]
fn bad_input_is_named() {
    for (users, needle) in [
        ("", "at least one"),
        ("not-an-address", "not-an-address"),
        // Two addresses run together (a lost line break).
        (
            "adele@contoso.comsales@contoso.com",
            "isn't an email address",
        ),
        ("service@contoso.com", "service account itself"),
    ] {
        let e = plan(&input(users)).unwrap_err();
        assert!(e.message.contains(needle), "{users}: {}", e.message);
    }
    let e = plan(&ServiceAccountInput {
        v2_scopes: "email, mail.everything".into(),
        ..input("a@contoso.com")
    })
    .unwrap_err();
    assert!(e.message.contains("mail.everything"), "{}", e.message);
    let e = plan(&ServiceAccountInput {
        azure_client_id: "nope".into(),
        ..input("a@contoso.com")
    })
    .unwrap_err();
    assert!(e.message.contains("GUID"), "{}", e.message);
    let many: Vec<String> = (0..=MAX_USERS)
        .map(|i| format!("u{i}@contoso.com"))
        .collect();
    assert!(plan(&input(&many.join("\n"))).is_err());
}

#[test]
fn the_body_is_seed_004s_with_secrets_hidden() {
    let p = plan(&input("adele@contoso.com")).unwrap();
    let body: serde_json::Value = serde_json::from_str(&p.preview).unwrap();
    assert_eq!(body["provider"], "exchange");
    assert_eq!(body["email_address"], "adele@contoso.com");
    assert_eq!(body["scopes"], "email,calendar");
    assert_eq!(body["settings"]["service_account"], true);
    assert_eq!(body["settings"]["microsoft_client_id"], AZURE);
    assert_eq!(body["settings"]["microsoft_client_secret"], "•••");
    assert_eq!(body["settings"]["microsoft_refresh_token"], "•••");
    assert_eq!(
        body["settings"]["redirect_uri"],
        "http://localhost:47617/nylas-wizard/v2-sign-in"
    );
    let s = sign_in_plan(&p);
    assert_eq!(s.tenant, "contoso.com");
    assert_eq!(s.login_hint.as_deref(), Some("service@contoso.com"));
    assert!(s
        .microsoft_scopes
        .iter()
        .any(|m| m.ends_with("EWS.AccessAsUser.All")));
    assert!(s
        .microsoft_scopes
        .iter()
        .any(|m| m.ends_with("User.ReadBasic.All")));
    assert!(s.microsoft_scopes.contains(&"offline_access".to_owned()));
}
