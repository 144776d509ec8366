use super::*;

fn user(email: &str, tenant: Option<&str>) -> UserRow {
    UserRow {
        row: 2,
        email: email.into(),
        tenant: tenant.map(str::to_owned),
    }
}

fn cred(tenant: &str, id: &str) -> TenantCredential {
    TenantCredential {
        tenant: tenant.into(),
        name: format!("X ({tenant})"),
        id: id.into(),
    }
}

fn tenant(tenant: &str, admin: Option<&str>) -> TenantRow {
    TenantRow {
        row: 2,
        tenant: tenant.into(),
        name: "Fabrikam".into(),
        admin_email: admin.map(str::to_owned),
    }
}

#[test]
fn the_row_tenant_wins_then_the_domain_then_the_admin_domain() {
    let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let creds = [cred("contoso.com", "c1"), cred(guid, "c2")];
    let tenants = [tenant(guid, Some("admin@fabrikam.com"))];
    // The row's own tenant, even when the domain names another.
    let got = credential_for(&user("megan@contoso.com", Some(guid)), &tenants, &creds);
    assert_eq!(got.unwrap().id, "c2");
    // The email's domain is a credential's tenant.
    let got = credential_for(&user("megan@contoso.com", None), &tenants, &creds);
    assert_eq!(got.unwrap().id, "c1");
    // The domain of a tenant row's admin email.
    let got = credential_for(&user("lee@fabrikam.com", None), &tenants, &creds);
    assert_eq!(got.unwrap().id, "c2");
}

#[test]
fn no_credential_is_a_plain_reason() {
    let creds = [cred("contoso.com", "c1")];
    let why =
        credential_for(&user("a@contoso.com", Some("fabrikam.com")), &[], &creds).unwrap_err();
    assert!(
        why.contains("fabrikam.com") && why.contains("credentials first"),
        "{why}"
    );
    let why = credential_for(&user("a@northwind.com", None), &[], &creds).unwrap_err();
    assert!(why.contains("which tenant a@northwind.com"), "{why}");
    let tenants = [tenant("fabrikam.onmicrosoft.com", Some("it@fabrikam.com"))];
    let why = credential_for(&user("a@fabrikam.com", None), &tenants, &creds).unwrap_err();
    assert!(why.contains("fabrikam.onmicrosoft.com"), "{why}");
}

#[test]
fn a_grant_posted_again_is_reused() {
    let g = |c, u| CustomGrant {
        id: "g".into(),
        email: None,
        created_at: c,
        updated_at: u,
    };
    assert!(!g(Some(5), Some(5)).reused());
    assert!(g(Some(5), Some(9)).reused());
    assert!(!g(None, None).reused());
    assert_eq!(
        custom_body("a@contoso.com", "c1"),
        json!({"provider": "microsoft", "settings": {"email_address": "a@contoso.com", "credential_id": "c1"}})
    );
}
