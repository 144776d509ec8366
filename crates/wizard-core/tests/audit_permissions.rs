//! delegated_scopes, application_permissions, least_privilege,
//! offline_access and admin_consent.

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{CheckId::*, FindingStatus::*};

/// The good app with these Graph permissions, plus User.Read (which every
/// plan requires; tests of User.Read itself build their list by hand).
fn app_with(mut entries: Vec<Value>) -> Value {
    entries.insert(0, scope("User.Read"));
    with(good_app(), "requiredResourceAccess", graph_access(entries))
}

fn app_without_user_read(entries: Vec<Value>) -> Value {
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
    // People.Read reads another resource: it doesn't cover Contacts.Read.
    let contacts = request_with(json!({"preset": "contacts-sync"}));
    let app = app_with(vec![scope("offline_access"), scope("People.Read")]);
    expect(&app, &contacts, DelegatedScopes, Fail);
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
    // No calendar feature at all: unneeded, not "replace with" another
    // calendar permission nobody needs.
    assert_eq!(
        f.details["unneeded"][0]["scope"],
        "Calendars.ReadWrite.Shared"
    );
    assert!(f.details["unneeded"][0]["reason"]
        .as_str()
        .unwrap()
        .contains(".Shared variants"));
    let calendar = request_with(json!({"features": ["calendar-write"]}));
    let f = expect(&app, &calendar, LeastPrivilege, Warn);
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
    let teams = request_with(
        json!({"path": "teams", "preset": null, "features": ["mail-read", "calendar-write"]}),
    );
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
        Warn,
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
    let fragment = graph_access(vec![
        scope("User.Read"),
        scope("Mail.Read"),
        scope("offline_access"),
    ]);
    let r = audit(&fragment, &request());
    assert_eq!(r.finding(DelegatedScopes).unwrap().status, Pass);
    assert_eq!(
        r.finding(ClientSecret).unwrap().status,
        Warn,
        "secrets can't be seen in a fragment"
    );
}

/// Issue 7, point 1: on Teams, least_privilege never flags the Mail,
/// Calendars or Contacts scopes of the features the admin chose, and the
/// audit request carries them.
#[test]
fn teams_least_privilege_keeps_what_the_chosen_features_need() {
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.ReadWrite"),
        scope("Mail.Send"),
        scope("Calendars.ReadWrite"),
        scope("Contacts.Read"),
        scope("OnlineMeetings.ReadWrite"),
        scope("EWS.AccessAsUser.All"),
        scope("EAS.AccessAsUser.All"),
    ]);
    let teams = request_with(json!({
        "path": "teams", "preset": null,
        "features": ["mail-send", "calendar-write", "contacts-read"]
    }));
    let f = expect(&app, &teams, LeastPrivilege, Pass);
    assert_eq!(f.details["unneeded"], json!([]));
    assert_eq!(f.details["over_broad"], json!([]));
    expect(&app, &teams, DelegatedScopes, Pass);
    // Without the mail features, their scopes are named, as on v3.
    let calendar_only =
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]}));
    let f = expect(&app, &calendar_only, LeastPrivilege, Warn);
    assert_eq!(
        names(&f.details["unneeded"], "scope"),
        ["Mail.ReadWrite", "Mail.Send", "Contacts.Read"]
    );
    // OnlineMeetings.ReadWrite is required on Teams.
    let app = app_with(vec![scope("offline_access"), scope("Calendars.ReadWrite")]);
    let f = expect(&app, &calendar_only, DelegatedScopes, Fail);
    assert_eq!(f.details["missing"], json!(["OnlineMeetings.ReadWrite"]));
}

/// Issue 7, point 2: openid and profile are never required; their absence
/// is never a failure, and their presence never flagged.
#[test]
fn openid_and_profile_absence_is_never_a_failure() {
    let teams =
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]}));
    let conferencing = request_with(json!({"preset": null, "features": ["conferencing"]}));
    let without = app_with(vec![
        scope("offline_access"),
        scope("Calendars.ReadWrite"),
        scope("OnlineMeetings.ReadWrite"),
    ]);
    for req in [conferencing, teams] {
        let r = audit(&without, &req);
        assert!(r
            .findings
            .iter()
            .all(|f| f.status != Fail
                || !format!("{} {}", f.title, f.explanation).contains("openid")));
        let f = r.finding(DelegatedScopes).unwrap();
        assert_eq!(f.status, Pass, "{}", f.title);
        let mut with_oidc = without.clone();
        with_oidc["requiredResourceAccess"][0]["resourceAccess"]
            .as_array_mut()
            .unwrap()
            .extend([scope("openid"), scope("profile")]);
        expect(&with_oidc, &req, LeastPrivilege, Pass);
    }
}

/// Issue 7, point 3: without the conferencing feature OnlineMeetings.ReadWrite
/// may be flagged as unneeded (saying which feature uses it); with it, never.
#[test]
fn online_meetings_is_flagged_only_without_conferencing() {
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Calendars.ReadWrite"),
        scope("OnlineMeetings.ReadWrite"),
    ]);
    let without =
        request_with(json!({"preset": null, "features": ["mail-read", "calendar-write"]}));
    let f = expect(&app, &without, LeastPrivilege, Warn);
    assert_eq!(
        f.details["unneeded"][0]["scope"],
        "OnlineMeetings.ReadWrite"
    );
    assert!(f.details["unneeded"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("Teams meetings"));
    let with = request_with(json!({"preset": null, "features": ["mail-read", "conferencing"]}));
    let f = expect(&app, &with, LeastPrivilege, Pass);
    assert_eq!(f.details["unneeded"], json!([]));
    expect(&app, &with, DelegatedScopes, Pass);
    // Conferencing without the scopes: both are missing.
    let app = app_with(vec![scope("offline_access"), scope("Mail.Read")]);
    let f = expect(&app, &with, DelegatedScopes, Fail);
    assert_eq!(
        f.details["missing"],
        json!(["Calendars.ReadWrite", "OnlineMeetings.ReadWrite"])
    );
}

/// Issue 7, point 4: on v2 Graph events, email and contacts still go over
/// EWS/EAS, so least_privilege never calls them "no longer used", on Graph
/// or on Office 365 Exchange Online.
#[test]
fn v2_events_never_calls_ews_eas_no_longer_used() {
    let mut app = app_with(vec![
        scope("offline_access"),
        scope("Calendars.ReadWrite"),
        scope("EWS.AccessAsUser.All"),
        scope("EAS.AccessAsUser.All"),
    ]);
    app["requiredResourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "resourceAppId": EXO,
            "resourceAccess": [
                {"id": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "type": "Scope"},
                {"id": "266d2589-20b5-4f91-9a03-89247d1be8da", "type": "Scope"}
            ]
        }));
    let v2 =
        request_with(json!({"path": "v2-events", "preset": null, "features": ["calendar-write"]}));
    let f = expect(&app, &v2, LeastPrivilege, Pass);
    assert_eq!(f.details["unneeded"], json!([]));
    assert_eq!(
        f.details["kept"],
        json!(["EWS.AccessAsUser.All", "EAS.AccessAsUser.All"])
    );
    assert!(
        f.explanation
            .contains("Nylas v2 still reads email and contacts"),
        "{}",
        f.explanation
    );
    let r = audit(&app, &v2);
    for f in &r.findings {
        let text = format!(
            "{} {} {}",
            f.title,
            f.explanation,
            f.fix.as_deref().unwrap_or("")
        );
        assert!(!text.contains("no longer used"), "{}: {text}", f.check);
    }
    // On v3 they are named, with the v2 caveat.
    let f = expect(
        &app,
        &request_with(json!({"preset": "calendar-scheduler"})),
        LeastPrivilege,
        Warn,
    );
    let reasons: Vec<&str> = f.details["unneeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 4);
    assert!(
        reasons.iter().all(|r| r.contains("still serves Nylas v2")),
        "{reasons:?}"
    );
}

/// Issue 7, point 5: People.Read and Contacts.Read read different Graph
/// resources: neither is called broader than the other, and neither
/// satisfies the other.
#[test]
fn people_read_is_neither_broader_nor_narrower_than_contacts_read() {
    let contacts = request_with(json!({"preset": "contacts-sync"}));
    let app = app_with(vec![scope("offline_access"), scope("People.Read")]);
    let f = expect(&app, &contacts, DelegatedScopes, Fail);
    assert_eq!(f.details["missing"], json!(["Contacts.Read"]));
    assert_eq!(f.details["satisfied_by_wider"], json!([]));
    let f = expect(&app, &contacts, LeastPrivilege, Warn);
    assert_eq!(f.details["over_broad"], json!([]));
    assert_eq!(
        f.details["unneeded"][0]["reason"],
        "None of the features you picked uses it."
    );
    // Both features: both needed, nothing flagged.
    let both = request_with(json!({"preset": null, "features": ["contacts-read", "people"]}));
    let app = app_with(vec![
        scope("offline_access"),
        scope("Contacts.Read"),
        scope("People.Read"),
    ]);
    expect(&app, &both, LeastPrivilege, Pass);
    // People only, with Contacts.Read in the app: Contacts.Read isn't
    // "included" in People.Read.
    let people = request_with(json!({"preset": null, "features": ["people"]}));
    let f = expect(&app, &people, LeastPrivilege, Warn);
    assert_eq!(
        f.details["unneeded"][0]["reason"],
        "None of the features you picked uses it."
    );
}

/// Issue 7, point 6: shared mailbox + send needs Mail.Send.Shared; shared
/// calendars read-only need Calendars.Read.Shared, and
/// Calendars.ReadWrite.Shared is then broader than needed.
#[test]
fn shared_mailbox_send_and_read_only_shared_calendar_in_the_audit() {
    let shared_send = request_with(
        json!({"preset": null, "features": ["mail-read", "mail-send", "shared-mailbox"]}),
    );
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Mail.Send"),
        scope("Mail.Read.Shared"),
    ]);
    let f = expect(&app, &shared_send, DelegatedScopes, Fail);
    assert_eq!(f.details["missing"], json!(["Mail.Send.Shared"]));
    let mut app = app;
    app["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(scope("Mail.Send.Shared"));
    expect(&app, &shared_send, DelegatedScopes, Pass);
    expect(&app, &shared_send, LeastPrivilege, Pass);

    let read_shared =
        request_with(json!({"preset": null, "features": ["calendar-read", "shared-calendar"]}));
    let app = app_with(vec![
        scope("offline_access"),
        scope("Calendars.Read"),
        scope("Calendars.Read.Shared"),
    ]);
    expect(&app, &read_shared, DelegatedScopes, Pass);
    expect(&app, &read_shared, LeastPrivilege, Pass);
    let app = app_with(vec![
        scope("offline_access"),
        scope("Calendars.Read"),
        scope("Calendars.ReadWrite.Shared"),
    ]);
    expect(&app, &read_shared, DelegatedScopes, Pass);
    let f = expect(&app, &read_shared, LeastPrivilege, Warn);
    assert_eq!(
        f.details["over_broad"],
        json!([{"scope": "Calendars.ReadWrite.Shared", "narrower": "Calendars.Read.Shared",
                "reason": "Calendars.Read.Shared is enough for the features you picked."}])
    );
}

/// Issue 7, point 7: User.Read is required on every path, so the check that
/// claims to prevent AADSTS90008 (delegated_scopes) catches its absence.
#[test]
fn missing_user_read_is_caught_by_the_check_that_prevents_aadsts90008() {
    let cases = [
        (request(), vec![scope("offline_access"), scope("Mail.Read")]),
        (
            request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]})),
            vec![
                scope("offline_access"),
                scope("Calendars.ReadWrite"),
                scope("OnlineMeetings.ReadWrite"),
            ],
        ),
        (
            request_with(json!({"path": "v2-events", "preset": null, "features": []})),
            vec![scope("offline_access"), scope("Calendars.ReadWrite")],
        ),
    ];
    for (req, entries) in cases {
        let app = app_without_user_read(entries);
        let f = expect(&app, &req, DelegatedScopes, Fail);
        assert!(f.prevents.contains(&"AADSTS90008".to_owned()));
        assert_eq!(f.details["missing"], json!(["User.Read"]), "{:?}", req.path);
        assert_eq!(f.title, "Your app is missing the User.Read permission");
        assert!(f.explanation.contains("AADSTS90008"), "{}", f.explanation);
    }
}

/// Issue 7, point 8: an Application permission next to the Delegated one is
/// a warning (remove it when convenient); only the Role *instead of* the
/// delegated scope fails.
#[test]
fn application_permission_next_to_the_delegated_one_is_a_warning() {
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        role("Mail.Read"),
    ]);
    let f = expect(&app, &request(), ApplicationPermissions, Warn);
    assert_eq!(f.details["needed_as_delegated"], json!([]));
    assert_eq!(f.details["also_delegated"], json!(["Mail.Read"]));
    assert!(f.fix.as_deref().unwrap().contains("when convenient"));
    expect(&app, &request(), DelegatedScopes, Pass);
    // A wider delegated scope also counts as "the delegated one is there".
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.ReadWrite"),
        role("Mail.Read"),
    ]);
    expect(&app, &request(), ApplicationPermissions, Warn);
    // Instead of it: a failure that names it.
    let app = app_with(vec![scope("offline_access"), role("Mail.Read")]);
    let f = expect(&app, &request(), ApplicationPermissions, Fail);
    assert_eq!(f.details["needed_as_delegated"], json!(["Mail.Read"]));
    assert_eq!(f.details["also_delegated"], json!([]));
}

/// Issue 7, point 9: the refresh token comes from offline_access in the
/// scopes Nylas requests; the registration's entry matters for admin
/// consent. Missing there: a warning that says so, never a failure.
#[test]
fn offline_access_missing_from_the_registration_is_a_warning() {
    for req in [
        request(),
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]})),
        request_with(json!({"path": "v2-events", "preset": null})),
    ] {
        let app = app_with(vec![
            scope("Mail.Read"),
            scope("Calendars.ReadWrite"),
            scope("OnlineMeetings.ReadWrite"),
        ]);
        let f = expect(&app, &req, OfflineAccess, Warn);
        assert_eq!(f.details["present"], false);
        assert_eq!(
            f.details["requested_by_nylas"], true,
            "every plan asks for it"
        );
        assert!(
            f.explanation.contains("administrator's consent"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("block user consent"),
            "{}",
            f.explanation
        );
        assert!(
            !f.explanation.contains("stops working"),
            "{}",
            f.explanation
        );
    }
    let f = expect(&good_app(), &request(), OfflineAccess, Pass);
    assert!(f.explanation.contains("refresh token"));
}

/// Issue 7, point 12: when the file has no permission list, none of the
/// permission checks passes: each says what it couldn't check.
#[test]
fn couldnt_see_permissions_is_never_a_pass() {
    let fragment = without(good_app(), "requiredResourceAccess");
    for check in [
        DelegatedScopes,
        ApplicationPermissions,
        LeastPrivilege,
        OfflineAccess,
    ] {
        let f = expect(&fragment, &request(), check, Warn);
        assert_eq!(
            f.title, "We couldn't see your app's API permissions",
            "{check}"
        );
        assert_eq!(f.details["checked"], false, "{check}");
        assert!(f.fix.is_some(), "{check}");
    }
    // An empty list was seen: then missing permissions are real.
    let empty = with(good_app(), "requiredResourceAccess", json!([]));
    expect(&empty, &request(), DelegatedScopes, Fail);
    expect(&empty, &request(), ApplicationPermissions, Pass);
}

/// Re-check of least_privilege's "replace"/"remove": a wider scope is never
/// replaced by a narrower one that covers only part of what it does for the
/// chosen features, and a narrower scope is only called redundant once the
/// wider one it belongs to is really there.
#[test]
fn least_privilege_never_suggests_a_replacement_that_loses_a_requirement() {
    // Two wider scopes standing in for Mail.Read: both are replaced by it,
    // neither is said to be covered by the other.
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.ReadWrite"),
        scope("Mail.ReadWrite.Shared"),
    ]);
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert!(f
        .fix
        .unwrap()
        .contains("replace Mail.ReadWrite and Mail.ReadWrite.Shared with Mail.Read"));
    // Shared calendars read-only, with only Calendars.ReadWrite.Shared: it
    // stands in for both requirements.
    let read_shared =
        request_with(json!({"preset": null, "features": ["calendar-read", "shared-calendar"]}));
    let app = app_with(vec![
        scope("offline_access"),
        scope("Calendars.ReadWrite.Shared"),
    ]);
    let f = expect(&app, &read_shared, LeastPrivilege, Warn);
    assert_eq!(
        f.details["over_broad"][0]["narrower"],
        "Calendars.Read and Calendars.Read.Shared"
    );
    // A .Shared scope for something no feature does is unneeded, not
    // "replace with" a permission nobody needs.
    let app = app_with(vec![
        scope("offline_access"),
        scope("Mail.Read"),
        scope("Mail.Send.Shared"),
    ]);
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    assert_eq!(f.details["over_broad"], json!([]));
    assert_eq!(names(&f.details["unneeded"], "scope"), ["Mail.Send.Shared"]);
    // Mail.Read next to a missing Mail.ReadWrite: not called redundant
    // (delegated_scopes asks for Mail.ReadWrite).
    let modify = request_with(json!({"preset": null, "features": ["mail-modify"]}));
    let app = app_with(vec![scope("offline_access"), scope("Mail.Read")]);
    let f = expect(&app, &modify, LeastPrivilege, Pass);
    assert_eq!(f.details["unneeded"], json!([]));
    expect(&app, &modify, DelegatedScopes, Fail);
}
