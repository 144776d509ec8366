//! client_id, tenant, sign_in_audience, access_token_version,
//! publisher_verification, and the report's overall shape.

mod audit_support;

use audit_support::*;
use serde_json::json;
use wizard_core::audit::{CheckId::*, FindingStatus::*, Tenancy};

#[test]
fn a_good_app_passes_everything() {
    let r = audit(&good_app(), &request());
    let bad: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.status != Pass)
        .map(|f| (f.check, &f.title))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(r.findings.len(), 14);
    let order: Vec<_> = r.findings.iter().map(|f| f.check).collect();
    assert_eq!(order, wizard_core::audit::CheckId::ALL);
    assert_eq!((r.summary.pass, r.summary.warn, r.summary.fail), (14, 0, 0));
    assert!(r.passed());
}

#[test]
fn report_json_shape() {
    let v = serde_json::to_value(audit(&good_app(), &request())).unwrap();
    for key in [
        "findings",
        "summary",
        "app_id",
        "path",
        "region",
        "tenancy",
        "scope_plan",
        "redirect_uris",
        "checked_at",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let f = &v["findings"][0];
    for key in [
        "check",
        "status",
        "title",
        "explanation",
        "fix",
        "portal_link",
        "details",
        "prevents",
    ] {
        assert!(f.get(key).is_some(), "{key}");
    }
    assert_eq!(f["check"], "client_id");
    assert_eq!(f["status"], "pass");
    assert_eq!(v["checked_at"], "2026-06-01T00:00:00Z");
    assert_eq!(v["summary"], json!({"pass": 14, "warn": 0, "fail": 0}));
}

#[test]
fn portal_links_point_at_the_right_blade() {
    let r = audit(&good_app(), &request());
    let blade = |c| {
        r.finding(c)
            .unwrap()
            .portal_link
            .split("/~/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(blade(ClientId), "Overview");
    assert_eq!(blade(RedirectUris), "Authentication");
    assert_eq!(blade(ImplicitGrant), "Authentication");
    assert_eq!(blade(DelegatedScopes), "CallAnAPI");
    assert_eq!(blade(ClientSecret), "Credentials");
    assert_eq!(blade(AccessTokenVersion), "Manifest");
    assert_eq!(blade(PublisherVerification), "Branding");
    assert!(r
        .finding(ClientId)
        .unwrap()
        .portal_link
        .ends_with(&format!("/appId/{APP_ID}")));
}

#[test]
fn client_id_cases() {
    let req = request();
    let f = expect(&without(good_app(), "appId"), &req, ClientId, Warn);
    assert!(
        f.portal_link.contains("RegisteredApps"),
        "no app id: link to the list"
    );
    expect(
        &with(good_app(), "appId", json!("my-app")),
        &req,
        ClientId,
        Fail,
    );
    expect(
        &good_app(),
        &request_with(json!({"client_id": APP_ID.to_uppercase()})),
        ClientId,
        Pass,
    );
    let f = expect(
        &good_app(),
        &request_with(json!({"client_id": OBJECT_ID})),
        ClientId,
        Fail,
    );
    assert!(f.title.contains("Object ID"), "{}", f.title);
    let f = expect(
        &good_app(),
        &request_with(json!({"client_id": "11111111-2222-3333-4444-555555555555"})),
        ClientId,
        Fail,
    );
    assert!(f.title.contains("another app"));
    expect(
        &good_app(),
        &request_with(json!({"client_id": "abc"})),
        ClientId,
        Fail,
    );
}

#[test]
fn tenant_cases() {
    let app = with(good_app(), "signInAudience", json!("AzureADMyOrg"));
    let single = |t: serde_json::Value| request_with(json!({"tenancy": "single", "tenant": t}));
    expect(&app, &single(json!(null)), Tenant, Warn);
    expect(&app, &single(json!("common")), Tenant, Fail);
    expect(&app, &single(json!("organizations")), Tenant, Fail);
    expect(
        &app,
        &single(json!("72f988bf-86f1-41af-91ab-2d7cd011db47")),
        Tenant,
        Pass,
    );
    let f = expect(
        &app,
        &single(json!("contoso.onmicrosoft.com")),
        Tenant,
        Pass,
    );
    assert_eq!(
        f.details["existence_checked"], false,
        "we never pretend to have checked existence"
    );
    expect(&app, &single(json!("not a tenant!")), Tenant, Fail);

    let multi = |t: serde_json::Value| request_with(json!({"tenancy": "multi", "tenant": t}));
    expect(&good_app(), &multi(json!(null)), Tenant, Pass);
    expect(&good_app(), &multi(json!("common")), Tenant, Pass);
    expect(&good_app(), &multi(json!("organizations")), Tenant, Pass);
    expect(&good_app(), &multi(json!("consumers")), Tenant, Warn);
    expect(&good_app(), &multi(json!("contoso.com")), Tenant, Warn);
}

#[test]
fn tenancy_is_inferred_from_the_tenant() {
    let r = audit(
        &good_app(),
        &request_with(json!({"tenancy": null, "tenant": "contoso.com"})),
    );
    assert_eq!(r.tenancy, Tenancy::Single);
    let r = audit(
        &good_app(),
        &request_with(json!({"tenancy": null, "tenant": "common"})),
    );
    assert_eq!(r.tenancy, Tenancy::Multi);
    let r = audit(&good_app(), &request_with(json!({"tenancy": null})));
    assert_eq!(r.tenancy, Tenancy::Multi);
}

#[test]
fn sign_in_audience_matrix() {
    let cases = [
        ("single", "AzureADMyOrg", Pass),
        ("single", "AzureADMultipleOrgs", Warn),
        ("single", "AzureADandPersonalMicrosoftAccount", Warn),
        ("single", "PersonalMicrosoftAccount", Fail),
        ("multi", "AzureADMyOrg", Fail),
        ("multi", "AzureADMultipleOrgs", Pass),
        ("multi", "AzureADandPersonalMicrosoftAccount", Pass),
        ("multi", "PersonalMicrosoftAccount", Fail),
        ("multi", "SomethingNew", Warn),
    ];
    for (tenancy, audience, status) in cases {
        let app = with(good_app(), "signInAudience", json!(audience));
        let req = request_with(
            json!({"tenancy": tenancy, "tenant": if tenancy == "single" { json!("contoso.com") } else { json!(null) }}),
        );
        let f = check(&app, &req, SignInAudience);
        assert_eq!(f.status, status, "{tenancy}/{audience}: {}", f.title);
    }
    let f = expect(
        &without(good_app(), "signInAudience"),
        &request(),
        SignInAudience,
        Warn,
    );
    assert!(f.title.contains("couldn't see"));
    // The fix uses the portal's wording and orders the token-version step first.
    let app = with(
        with(good_app(), "signInAudience", json!("AzureADMyOrg")),
        "api",
        json!({}),
    );
    let f = expect(&app, &request(), SignInAudience, Fail);
    let fix = f.fix.unwrap();
    assert!(fix.starts_with("First open Manifest"), "{fix}");
    assert!(
        fix.contains("Accounts in any organizational directory and personal Microsoft accounts")
    );
}

#[test]
fn access_token_version_cases() {
    let personal =
        |v: serde_json::Value| with(good_app(), "api", json!({"requestedAccessTokenVersion": v}));
    expect(&personal(json!(2)), &request(), AccessTokenVersion, Pass);
    expect(&personal(json!(null)), &request(), AccessTokenVersion, Fail);
    expect(&personal(json!(1)), &request(), AccessTokenVersion, Fail);
    let org =
        |v: serde_json::Value| with(personal(v), "signInAudience", json!("AzureADMultipleOrgs"));
    expect(&org(json!(null)), &request(), AccessTokenVersion, Pass);
    expect(&org(json!(1)), &request(), AccessTokenVersion, Pass);
    expect(&org(json!(3)), &request(), AccessTokenVersion, Warn);
    // Azure AD Graph spelling.
    let aad = json!({"appId": APP_ID, "signInAudience": "PersonalMicrosoftAccount", "accessTokenAcceptedVersion": 1});
    expect(&aad, &request(), AccessTokenVersion, Fail);
}

#[test]
fn publisher_verification_cases() {
    expect(&good_app(), &request(), PublisherVerification, Pass);
    let unverified = with(
        good_app(),
        "verifiedPublisher",
        json!({"verifiedPublisherId": null}),
    );
    let f = expect(&unverified, &request(), PublisherVerification, Warn);
    assert!(f.fix.unwrap().contains("Branding & properties"));
    let f = expect(
        &without(good_app(), "verifiedPublisher"),
        &request(),
        PublisherVerification,
        Warn,
    );
    assert!(f.title.contains("couldn't see"));
    let single = with(unverified, "signInAudience", json!("AzureADMyOrg"));
    expect(
        &single,
        &request_with(json!({"tenancy": "single", "tenant": "contoso.com"})),
        PublisherVerification,
        Pass,
    );
}

#[test]
fn impossible_requests_are_invalid_input() {
    let app = wizard_core::manifest::parse_manifest_value(&good_app()).unwrap();
    let req = request_with(json!({"preset": null, "features": []}));
    let e = wizard_core::audit::run_audit(&app, &req).unwrap_err();
    assert_eq!(e.code, wizard_core::ErrorCode::InvalidInput);
    let req = request_with(json!({"path": "v2-events", "preset": null, "features": ["mail-send"]}));
    assert!(wizard_core::audit::run_audit(&app, &req).is_err());
}
