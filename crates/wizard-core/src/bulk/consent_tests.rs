use super::*;

fn creds() -> Vec<TenantCredential> {
    vec![
        TenantCredential {
            tenant: "contoso.com".into(),
            name: "Contoso (contoso.com)".into(),
            id: "cred-1".into(),
        },
        TenantCredential {
            tenant: "fabrikam.com".into(),
            name: "Fabrikam (fabrikam.com)".into(),
            id: "cred-2".into(),
        },
    ]
}

fn rows() -> Vec<TenantRow> {
    let row = |tenant: &str, name: &str, admin: Option<&str>| TenantRow {
        row: 2,
        tenant: tenant.into(),
        name: name.into(),
        admin_email: admin.map(str::to_owned),
    };
    vec![
        row("contoso.com", "Contoso", Some("it@contoso.com")),
        row("northwind.com", "Northwind", None),
        row("fabrikam.com", "=Fabrikam", None),
    ]
}

fn links() -> Vec<ConsentLink> {
    let base = Url::parse("https://api.us.nylas.com/").unwrap();
    let redirect = super::super::consent_redirect_uri(47618);
    consent_links(&base, "app-123", &redirect, &creds(), &rows())
}

#[test]
fn a_link_per_tenant_with_a_credential_each_with_its_own_state() {
    let links = links();
    // Northwind has no credential yet: no link.
    let tenants: Vec<&str> = links.iter().map(|l| l.tenant.as_str()).collect();
    assert_eq!(tenants, ["contoso.com", "fabrikam.com"]);
    let url = Url::parse(&links[0].url).unwrap();
    assert_eq!(url.path(), "/v3/connect/auth");
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], "app-123");
    assert_eq!(
        q["redirect_uri"],
        "http://localhost:47618/nylas-wizard/admin-consent"
    );
    assert_eq!(q["response_type"], "adminconsent");
    assert_eq!(q["provider"], "microsoft");
    assert_eq!(q["credential_id"], "cred-1");
    assert_eq!(q["state"], links[0].state);
    assert_eq!(links[0].state.len(), 32);
    assert_ne!(links[0].state, links[1].state);
    assert_eq!(links[0].admin_email.as_deref(), Some("it@contoso.com"));
}

#[test]
fn the_links_csv_has_the_header_and_defuses_formulas() {
    let csv = consent_links_csv(&links());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "tenant,name,admin_email,credential_id,consent_url"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("contoso.com,Contoso,it@contoso.com,cred-1,https://"));
    assert!(lines[2].starts_with("fabrikam.com,'=Fabrikam,,cred-2,"));
}

#[test]
fn a_redirect_is_read_consent_refusal_and_state() {
    let base = "http://localhost:47618/nylas-wizard/admin-consent";
    assert!(read_consent_redirect(&format!("{base}?admin_consent=true&state=s1"), "s1").is_ok());
    // A bare query works too (what the loopback hands over).
    assert!(read_consent_redirect("?state=s1&admin_consent=True", "s1").is_ok());
    let e =
        read_consent_redirect(&format!("{base}?admin_consent=true&state=s2"), "s1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(e.message.contains("state is different"), "{}", e.message);
    let e = read_consent_redirect(&format!("{base}?admin_consent=true"), "s1").unwrap_err();
    assert!(e.message.contains("state is different"), "{}", e.message);
    // Refused: Diagnose names AADSTS65004 and says what to do.
    let refused = format!(
        "{base}?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent+to+access+the+app.&state=s1"
    );
    let e = read_consent_redirect(&refused, "s1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(
        e.message
            .starts_with("The tenant's admin didn't give consent"),
        "{}",
        e.message
    );
    let d = &crate::diagnose::diagnose("AADSTS65004")[0];
    assert!(e.message.contains(&d.title), "{} / {}", e.message, d.title);
    assert_eq!(e.hint.as_deref(), Some(d.fix.as_str()));
    // Neither consent nor an error.
    let e = read_consent_redirect(&format!("{base}?state=s1"), "s1").unwrap_err();
    assert_eq!(e.code, ErrorCode::BadResponse);
}

#[test]
fn the_journal_keeps_states_and_consents_across_saves() {
    let dir = tempfile::tempdir().unwrap();
    let links = links();
    let mut j = ConsentJournal::load(dir.path());
    assert_eq!(j, ConsentJournal::default());
    j.remember(&links);
    j.save(dir.path()).unwrap();
    let mut j = ConsentJournal::load(dir.path());
    let pasted = format!(
        "http://localhost:47618/nylas-wizard/admin-consent?admin_consent=true&state={}",
        links[1].state
    );
    let (state, link) = j.link_for(&pasted).unwrap();
    assert_eq!(
        (state, link.tenant.as_str()),
        (links[1].state.as_str(), "fabrikam.com")
    );
    assert!(j.link_for("?admin_consent=true&state=unknown").is_none());
    assert!(!j.consented("fabrikam.com"));
    j.record("fabrikam.com", "cred-2");
    j.record("fabrikam.com", "cred-2");
    j.save(dir.path()).unwrap();
    let j = ConsentJournal::load(dir.path());
    assert!(j.consented("fabrikam.com") && !j.consented("contoso.com"));
    assert_eq!(j.consents.len(), 1);
    assert!(j.consents[0].consented_at.contains('T'));
}

#[test]
fn only_a_consent_shows_the_done_page() {
    assert!(consent_given("admin_consent=true&state=x"));
    assert!(!consent_given("error=access_denied&state=x"));
    assert!(!consent_given("admin_consent=true&error=x"));
    assert!(!consent_given("state=x"));
}
