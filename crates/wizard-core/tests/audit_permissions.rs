//! delegated_scopes, application_permissions, least_privilege,
//! offline_access and admin_consent.

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{CheckId::*, FindingStatus::*};

fn app_with(entries: Vec<Value>) -> Value {
    with(good_app(), "requiredResourceAccess", graph_access(entries))
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn missing_delegated_scope_fails_with_the_name() {
    let app = app_with(vec![scope("offline_access")]);
    let f = expect(&app, &request(), DelegatedScopes, Fail);
    assert_eq!(f.details["missing"], json!(["Mail.Read"]));
    assert_eq!(f.title, "Your app is missing the Mail.Read permission");
    assert!(f
        .fix
        .unwrap()
        .contains("Microsoft Graph → Delegated permissions"));
}

#[test]
fn wider_scope_satisfies_and_is_reported_by_least_privilege() {
    let app = app_with(vec![scope("offline_access"), scope("Mail.ReadWrite")]);
    let f = expect(&app, &request(), DelegatedScopes, Pass);
    assert_eq!(
        f.details["satisfied_by_wider"],
        json!([{"required": "Mail.Read", "by": "Mail.ReadWrite"}])
    );
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert_eq!(f.details["over_broad"][0]["scope"], "Mail.ReadWrite");
    assert_eq!(f.details["over_broad"][0]["narrower"], "Mail.Read");
    assert!(f
        .fix
        .unwrap()
        .contains("replace Mail.ReadWrite with Mail.Read"));
    // Seed 003: People.Read also works for reading contacts.
    let contacts = request_with(json!({"preset": "contacts-sync"}));
    let app = app_with(vec![scope("offline_access"), scope("People.Read")]);
    expect(&app, &contacts, DelegatedScopes, Pass);
    // Nothing wider works for sending.
    let send = request_with(json!({"preset": null, "features": ["mail-send"]}));
    let app = app_with(vec![scope("offline_access"), scope("Mail.Send.Shared")]);
    expect(&app, &send, DelegatedScopes, Fail);
}

#[test]
fn narrower_and_wider_both_present() {
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Mail.ReadWrite"),
    ]);
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert!(f
        .fix
        .unwrap()
        .contains("remove Mail.ReadWrite (Mail.Read is enough)"));
}

#[test]
fn role_where_scope_is_needed() {
    let app = app_with(vec![scope("offline_access"), role("Mail.Read")]);
    let f = expect(&app, &request(), DelegatedScopes, Fail);
    assert_eq!(f.details["present_as_application"], json!(["Mail.Read"]));
    let f = expect(&app, &request(), ApplicationPermissions, Fail);
    assert_eq!(f.details["needed_as_delegated"], json!(["Mail.Read"]));
    assert_eq!(
        f.title,
        "Mail.Read is an Application permission, but Nylas needs the Delegated one"
    );
}

#[test]
fn unrelated_application_permission_is_worth_a_look() {
    let mut app = good_app();
    app["requiredResourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resourceAppId": EXO, "resourceAccess": [{"id": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "type": "Role"}]}));
    let f = expect(&app, &request(), ApplicationPermissions, Warn);
    assert_eq!(f.details["roles"][0]["name"], "full_access_as_app");
    assert!(f.fix.unwrap().contains("full_access_as_app"));
    expect(&good_app(), &request(), ApplicationPermissions, Pass);
}

#[test]
fn matching_is_on_resource_and_guid_never_guid_alone() {
    // Graph's Mail.Read GUID under Exchange Online does not count.
    let graph_mail_read = wizard_core::catalog::graph_scope("Mail.Read").unwrap().id;
    let mut app = app_with(vec![scope("offline_access")]);
    app["requiredResourceAccess"].as_array_mut().unwrap().push(
        json!({"resourceAppId": EXO, "resourceAccess": [{"id": graph_mail_read, "type": "Scope"}]}),
    );
    let f = expect(&app, &request(), DelegatedScopes, Fail);
    assert_eq!(f.details["missing"], json!(["Mail.Read"]));
    assert_eq!(names(&f.details["wrong_resource"], "name"), ["Mail.Read"]);
    // Exchange Online's own Mail.Read (another GUID) doesn't count either.
    let mut app = app_with(vec![scope("offline_access")]);
    app["requiredResourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resourceAppId": EXO, "resourceAccess": [{"id": "185758ba-798d-4b72-9e54-429a413a2510", "type": "Scope"}]}));
    let f = expect(&app, &request(), DelegatedScopes, Fail);
    assert_eq!(
        f.details["wrong_resource"][0]["resource_name"],
        "Office 365 Exchange Online"
    );
}

#[test]
fn unknown_guids_are_reported() {
    let wrong = json!({"id": "465a38f9-76ea-45b9-9f6f-4297fe7c17f8", "type": "Scope"});
    let app = app_with(vec![scope("offline_access"), scope("Mail.Read"), wrong]);
    let f = expect(&app, &request(), DelegatedScopes, Warn);
    assert_eq!(
        f.details["unknown"][0]["id"],
        "465a38f9-76ea-45b9-9f6f-4297fe7c17f8"
    );
    // Unknown ids on APIs we don't catalogue fully are not "unknown".
    let mut app = good_app();
    app["requiredResourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resourceAppId": "499b84ac-1321-427f-aa17-267ca6975798", "resourceAccess": [{"id": "ee69721e-6c3a-468f-a9ec-302d16a4c599", "type": "Scope"}]}));
    expect(&app, &request(), DelegatedScopes, Pass);
    let f = expect(&app, &request(), LeastPrivilege, Pass);
    assert_eq!(f.details["other_apis"], json!(["Azure DevOps"]));
}

#[test]
fn least_privilege_cases() {
    // .Shared without a shared feature.
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Calendars.ReadWrite.Shared"),
    ]);
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert_eq!(
        f.details["over_broad"][0]["narrower"],
        "Calendars.ReadWrite"
    );
    // A shared feature makes it needed.
    let shared = request_with(json!({"features": ["shared-calendar"]}));
    expect(&app, &shared, LeastPrivilege, Pass);
    // EWS/EAS are flagged on v3 but kept for Teams.
    let ews = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("EWS.AccessAsUser.All"),
        scope("EAS.AccessAsUser.All"),
    ]);
    let f = expect(&ews, &request(), LeastPrivilege, Warn);
    assert_eq!(
        names(&f.details["unneeded"], "scope"),
        ["EWS.AccessAsUser.All", "EAS.AccessAsUser.All"]
    );
    let teams = request_with(json!({"path": "teams", "preset": "read-only-inbox"}));
    expect(&ews, &teams, LeastPrivilege, Pass);
    let f = expect(&ews, &teams, DelegatedScopes, Fail); // Teams base scopes missing
    assert_eq!(
        f.details["kept"],
        json!(["EWS.AccessAsUser.All", "EAS.AccessAsUser.All"])
    );
    // Sign-in basics are never flagged; unrelated ones are.
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("openid"),
        scope("profile"),
        scope("email"),
        scope("Files.Read.All"),
    ]);
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert_eq!(names(&f.details["unneeded"], "scope"), ["Files.Read.All"]);
}

#[test]
fn offline_access_cases() {
    expect(&good_app(), &request(), OfflineAccess, Pass);
    let f = expect(
        &app_with(vec![scope("Mail.Read")]),
        &request(),
        OfflineAccess,
        Fail,
    );
    assert!(f.fix.unwrap().contains("offline_access"));
    // Checked separately, so delegated_scopes doesn't report it twice.
    let f = expect(
        &app_with(vec![scope("Mail.Read")]),
        &request(),
        DelegatedScopes,
        Pass,
    );
    assert_eq!(f.details["missing"], json!([]));
    let fragment = without(good_app(), "requiredResourceAccess");
    expect(&fragment, &request(), OfflineAccess, Warn);
    expect(&fragment, &request(), DelegatedScopes, Warn);
}

#[test]
fn admin_consent_cases() {
    let f = expect(&good_app(), &request(), AdminConsent, Pass);
    assert_eq!(
        f.details["admin_consent_url"],
        format!("https://login.microsoftonline.com/organizations/adminconsent?client_id={APP_ID}")
    );
    assert!(
        f.details["granted"].is_null(),
        "a manifest can't tell whether consent was granted"
    );
    let rooms = request_with(
        json!({"preset": null, "features": ["mail-read", "rooms"], "tenancy": "single", "tenant": "contoso.com"}),
    );
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Place.Read.All"),
    ]);
    let f = expect(&app, &rooms, AdminConsent, Warn);
    assert_eq!(f.details["needs_admin_consent"], json!(["Place.Read.All"]));
    assert!(f.details["admin_consent_url"]
        .as_str()
        .unwrap()
        .contains("/contoso.com/adminconsent"));
    let f = expect(&without(app, "appId"), &rooms, AdminConsent, Warn);
    assert!(f.details["admin_consent_url"].is_null());
}

#[test]
fn legacy_and_fragment_permissions() {
    // A bare requiredResourceAccess list (as docs print it) is read.
    let fragment = graph_access(vec![scope("Mail.Read"), scope("offline_access")]);
    let r = audit(&fragment, &request());
    assert_eq!(r.finding(DelegatedScopes).unwrap().status, Pass);
    assert_eq!(
        r.finding(ClientSecret).unwrap().status,
        Warn,
        "secrets can't be seen in a fragment"
    );
}
