//! Issue 15, points 1-6: the permission checks name what is really in the
//! manifest (the API a scope sits under, an id nobody knows, what an
//! Application permission allows), derive every replacement from the plan,
//! ask for the tenant a single-tenant admin-consent link needs, and say
//! "we couldn't see" one way.

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{AuditReport, CheckId, CheckId::*, FindingStatus::*};
use wizard_core::catalog::{self, PermissionKind, AZURE_AD_GRAPH};
use wizard_core::paths::AuditPath;
use wizard_core::scopes::{self, Feature};

const DEVOPS: &str = "499b84ac-1321-427f-aa17-267ca6975798";
const PLACEHOLDER: &str = "<resource-app-id>";

fn id_of(name: &str) -> &'static str {
    catalog::graph_scope(name).unwrap().id
}

/// The good app with these `requiredResourceAccess` entries.
fn app_with_access(access: Value) -> Value {
    with(good_app(), "requiredResourceAccess", access)
}

/// Graph's delegated scopes `names` under `resource` (an entry of
/// requiredResourceAccess).
fn under(resource: &str, names: &[&str]) -> Value {
    let entries: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": id_of(n), "type": "Scope"}))
        .collect();
    json!({"resourceAppId": resource, "resourceAccess": entries})
}

fn graph(names: &[&str]) -> Value {
    under(GRAPH, names)
}

/// Every sentence of the permission findings.
fn permission_text(r: &AuditReport) -> String {
    [
        DelegatedScopes,
        ApplicationPermissions,
        LeastPrivilege,
        OfflineAccess,
        AdminConsent,
    ]
    .iter()
    .map(|c| {
        let f = r.finding(*c).unwrap();
        format!(
            "{} {} {}",
            f.title,
            f.explanation,
            f.fix.as_deref().unwrap_or_default()
        )
    })
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn point_1_the_fix_names_the_api_the_scopes_really_sit_under() {
    // (the API they sit under, how the fix must name it)
    for (resource, named) in [
        (
            PLACEHOLDER,
            "\"<resource-app-id>\", which isn't a valid resource ID",
        ),
        (AZURE_AD_GRAPH, "Azure Active Directory Graph"),
        (DEVOPS, "Azure DevOps"),
        (EXO, "Office 365 Exchange Online"),
    ] {
        let app = app_with_access(json!([
            graph(&["User.Read", "offline_access"]),
            under(resource, &["Mail.Read"]),
        ]));
        let r = audit(&app, &request());
        let f = r.finding(DelegatedScopes).unwrap();
        assert_eq!(f.status, Fail, "{resource}");
        assert_eq!(f.details["missing"], json!(["Mail.Read"]));
        let fix = f.fix.as_deref().unwrap();
        assert!(
            fix.contains(&format!("Mail.Read is listed under {named}")),
            "{resource}: {fix}"
        );
        // Exchange Online is named only where an Exchange Online entry is.
        assert_eq!(
            permission_text(&r).contains("Exchange Online"),
            resource == EXO,
            "{resource}: {}",
            permission_text(&r)
        );
    }
    // Teams with its EWS/EAS under a placeholder: the pass names that, not
    // Exchange Online.
    let teams =
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]}));
    let app = app_with_access(json!([
        graph(&[
            "User.Read",
            "offline_access",
            "Calendars.ReadWrite",
            "OnlineMeetings.ReadWrite"
        ]),
        under(PLACEHOLDER, &["EWS.AccessAsUser.All"]),
    ]));
    let r = audit(&app, &teams);
    let f = r.finding(DelegatedScopes).unwrap();
    assert_eq!(f.status, Warn, "{}", f.title);
    assert!(
        !permission_text(&r).contains("Exchange Online"),
        "{}",
        permission_text(&r)
    );
    // …and under another real API: that API is named.
    let app = app_with_access(json!([
        graph(&[
            "User.Read",
            "offline_access",
            "Calendars.ReadWrite",
            "OnlineMeetings.ReadWrite"
        ]),
        under(DEVOPS, &["EWS.AccessAsUser.All"]),
    ]));
    let f = expect(&app, &teams, DelegatedScopes, Pass);
    assert!(
        f.explanation
            .contains("your EWS/EAS permissions are under Azure DevOps"),
        "{}",
        f.explanation
    );
}

#[test]
fn point_1_a_resource_app_id_that_is_not_a_guid_is_a_finding() {
    // Everything Nylas needs is there; the extra entry's resourceAppId is a
    // placeholder.
    let app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": "<your-api-app-id>", "resourceAccess": [{"id": "<scope-id>", "type": "Scope"}]},
    ]));
    let r = audit(&app, &request());
    let f = r.finding(DelegatedScopes).unwrap();
    assert_eq!(f.status, Warn);
    assert_eq!(f.details["invalid_resources"], json!(["<your-api-app-id>"]));
    assert!(
        f.title
            .contains("\"<your-api-app-id>\", which isn't a valid resource ID"),
        "{}",
        f.title
    );
    let f = r.finding(LeastPrivilege).unwrap();
    assert_eq!(f.status, Warn);
    assert_eq!(f.details["unknown"][0]["problem"], "invalid_resource");
    assert_eq!(
        f.details["other_apis"],
        json!([]),
        "a placeholder is no API"
    );
    // A GUID of an API we don't know is not a finding of this kind.
    let app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": DEVOPS, "resourceAccess": [{"id": "ee69721e-6c3a-468f-a9ec-302d16a4c599", "type": "Scope"}]},
    ]));
    expect(&app, &request(), DelegatedScopes, Pass);
}

#[test]
fn point_1_the_apps_own_api_is_named_as_such_in_the_permission_checks() {
    const OWN_SCOPE: &str = "3c9a6b7e-1d2f-4a5b-8c6d-7e8f9a0b1c2d";
    const OWN_ROLE: &str = "4d0b7c8f-2e3a-4b6c-9d7e-8f9a0b1c2d3e";
    let mut app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": APP_ID, "resourceAccess": [
            {"id": OWN_SCOPE, "type": "Scope"}, {"id": OWN_ROLE, "type": "Role"}]},
    ]));
    app["api"]["oauth2PermissionScopes"] = json!([{"id": OWN_SCOPE, "value": "Bookings.Read"}]);
    app["appRoles"] = json!([{"id": OWN_ROLE, "value": "Bookings.Sync.All"}]);
    let r = audit(&app, &request());
    let f = r.finding(LeastPrivilege).unwrap();
    assert_eq!(f.status, Pass);
    assert_eq!(f.details["other_apis"], json!(["your app's own API"]));
    let f = r.finding(ApplicationPermissions).unwrap();
    assert_eq!(f.status, Warn);
    assert_eq!(f.details["roles"][0]["resource_name"], "your app's own API");
    assert!(
        f.explanation.contains("on your app's own API"),
        "{}",
        f.explanation
    );
    assert!(
        !permission_text(&r).contains(&format!("the API {APP_ID}")),
        "{}",
        permission_text(&r)
    );
}

#[test]
fn point_1_offline_access_under_the_wrong_api_says_so() {
    for (resource, named) in [
        (EXO, "Office 365 Exchange Online"),
        (PLACEHOLDER, "\"<resource-app-id>\""),
    ] {
        let app = app_with_access(json!([
            graph(&["User.Read", "Mail.Read"]),
            under(resource, &["offline_access"]),
        ]));
        let f = expect(&app, &request(), OfflineAccess, Warn);
        assert_eq!(
            f.title,
            format!("Your app lists offline_access under {named}, not Microsoft Graph")
        );
        assert_eq!(f.details["listed_elsewhere"], json!([named]));
        assert!(f
            .fix
            .unwrap()
            .contains(&format!("remove the entry under {named}")));
    }
    // Simply absent: "doesn't list", as before.
    let app = app_with_access(json!([graph(&["User.Read", "Mail.Read"])]));
    let f = expect(&app, &request(), OfflineAccess, Warn);
    assert_eq!(f.title, "Your app doesn't list offline_access");
}

/// Every delegated scope in the `.Shared` families, with the wider ones.
const MAIL_CAL_CONTACTS: [&str; 15] = [
    "Mail.Read",
    "Mail.ReadWrite",
    "Mail.Send",
    "Mail.Read.Shared",
    "Mail.ReadWrite.Shared",
    "Mail.Send.Shared",
    "Calendars.Read",
    "Calendars.ReadWrite",
    "Calendars.Read.Shared",
    "Calendars.ReadWrite.Shared",
    "Contacts.Read",
    "Contacts.ReadWrite",
    "Contacts.Read.Shared",
    "Contacts.ReadWrite.Shared",
    "OnlineMeetings.ReadWrite",
];

fn family(scope: &str) -> &str {
    scope.split('.').next().unwrap()
}

/// Every feature set of up to three features a path offers (all of them
/// for v2 Graph events), each valid for the path.
fn feature_sets(path: AuditPath) -> Vec<Vec<Feature>> {
    let offered: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| scopes::offered(path, *f))
        .collect();
    let mut sets = vec![vec![]];
    for f in &offered {
        let grown: Vec<Vec<Feature>> = sets
            .iter()
            .filter(|s| s.len() < 3)
            .map(|s| {
                let mut s = s.clone();
                s.push(*f);
                s
            })
            .collect();
        sets.extend(grown);
    }
    sets.into_iter()
        .filter(|s| scopes::plan(path, None, s).is_ok())
        .collect()
}

#[test]
fn point_2_least_privilege_replacements_come_from_the_plan() {
    // Two apps: only the .Shared scopes, and every scope of the families.
    let shared_only: Vec<&str> = MAIL_CAL_CONTACTS
        .iter()
        .copied()
        .filter(|s| s.ends_with(".Shared"))
        .collect();
    let apps = [
        app_with_access(json!([graph(
            &[&["User.Read", "offline_access"][..], &shared_only].concat()
        )])),
        app_with_access(json!([graph(
            &[&["User.Read", "offline_access"][..], &MAIL_CAL_CONTACTS].concat()
        )])),
    ];
    let mut checked = 0;
    for path in [AuditPath::V3, AuditPath::Teams, AuditPath::V2Events] {
        let path_name = serde_json::to_value(path).unwrap();
        for features in feature_sets(path) {
            let plan = scopes::plan(path, None, &features).unwrap();
            let required: Vec<&str> = plan.required.iter().map(|r| r.name.as_str()).collect();
            let kept: Vec<&str> = plan.keep.iter().map(|r| r.name.as_str()).collect();
            let req =
                request_with(json!({"path": path_name, "preset": null, "features": features}));
            for app in &apps {
                let f = check(app, &req, LeastPrivilege);
                let ctx = format!("{path_name} {features:?}");
                for o in f.details["over_broad"].as_array().unwrap() {
                    let scope = o["scope"].as_str().unwrap();
                    assert!(
                        !required.contains(&scope) && !kept.contains(&scope),
                        "{ctx}: {o}"
                    );
                    let narrower: Vec<&str> =
                        o["narrower"].as_str().unwrap().split(" and ").collect();
                    for n in &narrower {
                        // Only ever a requirement of the plan…
                        assert!(required.contains(n), "{ctx}: {scope} → {n} isn't planned");
                        // …so never the read scope where read-write is needed.
                        let rw = format!("{}.ReadWrite", family(n));
                        assert!(
                            !(n.ends_with(".Read") && required.contains(&rw.as_str())),
                            "{ctx}: {scope} → {n} while {rw} is needed"
                        );
                    }
                    // A .Shared scope is replaced only within a family the
                    // features use; otherwise it is removed.
                    assert!(
                        narrower.iter().any(|n| family(n) == family(scope)),
                        "{ctx}: {scope} replaced across families by {narrower:?}"
                    );
                }
                for u in f.details["unneeded"].as_array().unwrap() {
                    let scope = u["scope"].as_str().unwrap();
                    assert!(
                        !required.contains(&scope) && !kept.contains(&scope),
                        "{ctx}: {u}"
                    );
                }
                // A .Shared scope of a family no requirement is in: removed.
                for s in &shared_only {
                    if !required.iter().any(|r| family(r) == family(s)) {
                        assert!(
                            f.details["unneeded"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|u| u["scope"] == *s),
                            "{ctx}: {s} should be removed"
                        );
                    }
                }
                // The fix's "replace A with B": B is planned.
                let fix = f.fix.as_deref().unwrap_or_default();
                for part in fix.split("; ").filter_map(|p| p.split("replace ").nth(1)) {
                    let with = part.split(" with ").nth(1).unwrap();
                    let with = with.split(" (").next().unwrap().trim_end_matches('.');
                    for n in with.split(" and ") {
                        assert!(
                            required.contains(&n),
                            "{ctx}: fix says replace with {n}: {fix}"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} cases");
}

#[test]
fn point_2_shared_scopes_are_replaced_by_the_read_write_scope_the_features_need() {
    let app = app_with_access(json!([graph(&[
        "User.Read",
        "offline_access",
        "Mail.Read.Shared",
        "Mail.ReadWrite.Shared",
        "Calendars.Read.Shared",
        "Calendars.ReadWrite.Shared"
    ])]));
    let req = request_with(json!({"preset": null, "features": ["mail-modify", "calendar-write"]}));
    let f = expect(&app, &req, LeastPrivilege, Warn);
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("replace Mail.ReadWrite.Shared with Mail.ReadWrite"),
        "{fix}"
    );
    assert!(
        fix.contains("replace Calendars.ReadWrite.Shared with Calendars.ReadWrite"),
        "{fix}"
    );
    assert!(
        fix.contains("remove Mail.Read.Shared, Calendars.Read.Shared"),
        "{fix}"
    );
    assert!(
        !fix.contains("with Mail.Read;") && !fix.contains("with Calendars.Read;"),
        "{fix}"
    );
}

#[test]
fn point_3_unrecognised_permissions_are_never_all_needed() {
    let mail_read = id_of("Mail.Read");
    // Mail.Read's id with its last digit changed.
    let typo = format!(
        "{}{}",
        &mail_read[..35],
        if mail_read.ends_with('0') { '1' } else { '0' }
    );
    let stranger = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad";
    // Everything needed is there; one id nobody knows: no pass.
    let app = app_with_access(
        json!([graph(&["User.Read", "offline_access", "Mail.Read"]), {
        "resourceAppId": GRAPH, "resourceAccess": [{"id": stranger, "type": "Scope"}]}]),
    );
    let r = audit(&app, &request());
    let f = r.finding(LeastPrivilege).unwrap();
    assert_eq!(f.status, Warn);
    assert_eq!(f.title, "Your app lists a permission we don't recognise");
    assert!(
        f.explanation.contains("\"Grant admin consent\" fail"),
        "{}",
        f.explanation
    );
    assert!(f
        .fix
        .as_deref()
        .unwrap()
        .contains(&format!("remove {stranger}, or fix its ID")));
    assert_eq!(f.details["unknown"][0]["id"], stranger);
    let f = r.finding(DelegatedScopes).unwrap();
    assert_eq!(f.status, Warn);
    assert!(
        f.explanation.contains("\"Grant admin consent\" fail"),
        "{}",
        f.explanation
    );

    // A typo of a missing requirement: delegated_scopes names it, and
    // least_privilege replaces it by the permission the plan needs.
    let app = app_with_access(json!([graph(&["User.Read", "offline_access"]), {
        "resourceAppId": GRAPH, "resourceAccess": [{"id": typo, "type": "Scope"}]}]));
    let r = audit(&app, &request());
    let f = r.finding(DelegatedScopes).unwrap();
    assert_eq!(f.status, Fail);
    assert!(f.fix.as_deref().unwrap().contains(&format!(
        "lists {typo}, which isn't a Microsoft Graph permission but looks like Mail.Read's ID"
    )));
    assert_eq!(f.details["unknown"][0]["looks_like"]["name"], "Mail.Read");
    let f = r.finding(LeastPrivilege).unwrap();
    assert_eq!(f.status, Warn);
    assert!(f
        .fix
        .as_deref()
        .unwrap()
        .contains(&format!("replace {typo} with Mail.Read")));

    // A typo of something the plan doesn't need is removed, never
    // "corrected" into an unneeded permission.
    let calendars = id_of("Calendars.Read");
    let cal_typo = format!("{}ffffffffffff", &calendars[..24]);
    let app = app_with_access(
        json!([graph(&["User.Read", "offline_access", "Mail.Read"]), {
        "resourceAppId": GRAPH, "resourceAccess": [{"id": cal_typo, "type": "Scope"}]}]),
    );
    let f = expect(&app, &request(), LeastPrivilege, Warn);
    let fix = f.fix.unwrap();
    assert!(fix.contains(&format!("remove {cal_typo}.")), "{fix}");
    assert!(!fix.contains("Calendars.Read"), "{fix}");
    assert_eq!(
        f.details["unknown"][0]["looks_like"]["name"],
        "Calendars.Read"
    );
}

#[test]
fn point_3_look_alike_ids_are_found_only_for_close_copies() {
    let mail_send = id_of("Mail.Send");
    let one_digit = format!("{}8", &mail_send[..35]);
    assert_eq!(
        catalog::looks_like(GRAPH, &one_digit, PermissionKind::Delegated).map(|p| p.name),
        Some("Mail.Send")
    );
    // Wrong ids that circulate online.
    for (wrong, like) in [
        ("465a38f9-76ea-45b9-9f6f-4297fe7c17f8", "Calendars.Read"),
        ("a4b8392a-d8d1-4954-b029-8eecd302d582", "Mail.ReadBasic"),
        ("ff74d97f-43af-4b68-9f2a-b77f2692e6e0", "Contacts.Read"),
    ] {
        assert_eq!(
            catalog::looks_like(GRAPH, wrong, PermissionKind::Delegated).map(|p| p.name),
            Some(like)
        );
    }
    // A real id, an unrelated id, a placeholder, another API: nothing.
    assert!(catalog::looks_like(GRAPH, mail_send, PermissionKind::Delegated).is_none());
    assert!(catalog::looks_like(
        GRAPH,
        "0bad0bad-0bad-4bad-8bad-0bad0bad0bad",
        PermissionKind::Delegated
    )
    .is_none());
    assert!(catalog::looks_like(GRAPH, "<your-scope-guid>", PermissionKind::Delegated).is_none());
    assert!(catalog::looks_like(DEVOPS, &one_digit, PermissionKind::Delegated).is_none());
}

#[test]
fn point_4_application_permissions_say_what_they_allow() {
    let role_of = |r: &str, n: &str| {
        let p = catalog::by_name(r, n, PermissionKind::Application).unwrap();
        json!({"id": p.id, "type": "Role"})
    };
    let app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": GRAPH, "resourceAccess": [role_of(GRAPH, "Directory.Read.All"), role_of(GRAPH, "Application.ReadWrite.All")]},
    ]));
    let f = expect(&app, &request(), ApplicationPermissions, Warn);
    assert!(
        f.explanation
            .contains("Directory.Read.All (read directory data)"),
        "{}",
        f.explanation
    );
    assert!(
        f.explanation
            .contains("Application.ReadWrite.All (read and write all applications)"),
        "{}",
        f.explanation
    );
    assert!(!f.explanation.contains("mailbox"), "{}", f.explanation);
    assert_eq!(f.details["roles"][0]["label"], "Read directory data");
    // Mail roles say mail.
    let app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": GRAPH, "resourceAccess": [role_of(GRAPH, "Mail.Read")]},
    ]));
    let f = expect(&app, &request(), ApplicationPermissions, Warn);
    assert!(
        f.explanation
            .contains("Mail.Read (read mail in all mailboxes)"),
        "{}",
        f.explanation
    );
    // Every Application permission's label comes from the catalog.
    for p in catalog::all()
        .iter()
        .filter(|p| p.kind == PermissionKind::Application && !p.label.is_empty())
    {
        let app = app_with_access(json!([
            graph(&["User.Read", "offline_access", "Mail.Read"]),
            {"resourceAppId": p.resource_app_id, "resourceAccess": [{"id": p.id, "type": "Role"}]},
        ]));
        let f = check(&app, &request(), ApplicationPermissions);
        let label = p.label.to_lowercase();
        assert!(
            f.explanation.to_lowercase().contains(&label),
            "{}: {}",
            p.name,
            f.explanation
        );
    }
}

#[test]
fn point_4_retired_azure_ad_graph_permissions_are_named() {
    // Microsoft's "Permissions differences between Azure AD Graph and
    // Microsoft Graph": the common ones, delegated and application.
    for (kind, id, name) in [
        (
            PermissionKind::Delegated,
            "311a71cc-e848-46a1-bdf8-97ff7156d8e6",
            "User.Read",
        ),
        (
            PermissionKind::Delegated,
            "cba73afc-7f69-4d86-8450-4978e04ecd1a",
            "User.ReadBasic.All",
        ),
        (
            PermissionKind::Delegated,
            "c582532d-9d9e-43bd-a97c-2667a28ce295",
            "User.Read.All",
        ),
        (
            PermissionKind::Delegated,
            "6234d376-f627-4f0f-90e0-dff25c5211a3",
            "Group.Read.All",
        ),
        (
            PermissionKind::Delegated,
            "5778995a-e1bf-45b8-affa-663a9f3f4d04",
            "Directory.Read.All",
        ),
        (
            PermissionKind::Application,
            "5778995a-e1bf-45b8-affa-663a9f3f4d04",
            "Directory.Read.All",
        ),
        (
            PermissionKind::Application,
            "1cda74f2-2616-4834-b122-5cb1b07f8a59",
            "Application.ReadWrite.All",
        ),
    ] {
        let p = catalog::lookup(AZURE_AD_GRAPH, id, kind).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(p.name, name);
        assert!(catalog::is_retired(p.resource_app_id));
        // Never mistaken for Microsoft Graph's.
        assert!(catalog::lookup(GRAPH, id, kind).is_none(), "{name}");
    }
    let aad = |kind: &str, id: &str| json!({"id": id, "type": kind});
    let app = app_with_access(json!([
        graph(&["User.Read", "offline_access", "Mail.Read"]),
        {"resourceAppId": AZURE_AD_GRAPH, "resourceAccess": [
            aad("Scope", "5778995a-e1bf-45b8-affa-663a9f3f4d04"),
            aad("Scope", "6234d376-f627-4f0f-90e0-dff25c5211a3"),
            aad("Role", "5778995a-e1bf-45b8-affa-663a9f3f4d04"),
            aad("Scope", "00000000-1111-4222-8333-444444444444"),
        ]},
    ]));
    let r = audit(&app, &request());
    let f = r.finding(LeastPrivilege).unwrap();
    assert_eq!(f.status, Warn);
    let unneeded: Vec<&str> = f.details["unneeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["scope"].as_str().unwrap())
        .collect();
    // Named, and the one the catalog doesn't know is still flagged, by id.
    assert_eq!(
        unneeded,
        [
            "Directory.Read.All",
            "Group.Read.All",
            "00000000-1111-4222-8333-444444444444"
        ]
    );
    assert!(f.details["unneeded"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["retired"] == true));
    assert!(
        f.explanation.contains("Azure AD Graph is retired"),
        "{}",
        f.explanation
    );
    let f = r.finding(ApplicationPermissions).unwrap();
    assert_eq!(f.details["roles"][0]["name"], "Directory.Read.All");
    assert_eq!(f.details["roles"][0]["retired"], true);
    assert!(
        f.explanation.contains("Directory.Read.All (read directory data) on Azure Active Directory Graph, which is retired"),
        "{}",
        f.explanation
    );
    assert!(
        !permission_text(&r).contains("5778995a"),
        "{}",
        permission_text(&r)
    );
}

#[test]
fn point_5_single_tenant_admin_consent_needs_the_tenant() {
    let app = app_with(vec![
        "User.Read",
        "offline_access",
        "Mail.Read",
        "Place.Read.All",
    ]);
    let rooms = |extra: Value| {
        let mut r = json!({"preset": null, "features": ["mail-read", "rooms"]});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        request_with(r)
    };
    // Single tenant without a tenant, or with a shared endpoint: no link,
    // the tenant ID asked for.
    for extra in [
        json!({"tenancy": "single"}),
        json!({"tenancy": "single", "tenant": "organizations"}),
        json!({"tenancy": "single", "tenant": "common"}),
    ] {
        let f = expect(&app, &rooms(extra.clone()), AdminConsent, Warn);
        assert!(f.details["admin_consent_url"].is_null(), "{extra}");
        assert_eq!(f.details["tenant_needed"], true);
        let fix = f.fix.unwrap();
        assert!(
            fix.contains("Directory (tenant) ID") && fix.contains("AADSTS50194"),
            "{fix}"
        );
    }
    // The manifest says single tenant, whatever was answered.
    let my_org = with(app.clone(), "signInAudience", json!("AzureADMyOrg"));
    let f = expect(
        &my_org,
        &rooms(json!({"tenancy": "multi"})),
        AdminConsent,
        Warn,
    );
    assert_eq!(f.details["tenant_needed"], true);
    assert!(f.details["admin_consent_url"].is_null());
    // With the tenant: its own endpoint.
    for tenant in ["contoso.com", "72f988bf-86f1-41af-91ab-2d7cd011db47"] {
        let f = expect(
            &app,
            &rooms(json!({"tenancy": "single", "tenant": tenant})),
            AdminConsent,
            Warn,
        );
        assert_eq!(
            f.details["admin_consent_url"],
            format!("https://login.microsoftonline.com/{tenant}/adminconsent?client_id={APP_ID}")
        );
        assert_eq!(f.details["tenant_needed"], false);
    }
    // Multitenant: the organizations endpoint is right.
    let f = expect(
        &app,
        &rooms(json!({"tenancy": "multi"})),
        AdminConsent,
        Warn,
    );
    assert_eq!(
        f.details["admin_consent_url"],
        format!("https://login.microsoftonline.com/organizations/adminconsent?client_id={APP_ID}")
    );
    // Nothing needs an administrator: still a pass, and still no shared link.
    let f = expect(
        &good_app(),
        &request_with(json!({"tenancy": "single"})),
        AdminConsent,
        Pass,
    );
    assert!(f.details["admin_consent_url"].is_null());
    assert!(
        f.explanation.contains("Directory (tenant) ID"),
        "{}",
        f.explanation
    );
}

fn app_with(names: Vec<&str>) -> Value {
    app_with_access(json!([graph(&names)]))
}

#[test]
fn point_6_an_absent_permission_list_is_unseen_the_one_way() {
    let fragment = without(good_app(), "requiredResourceAccess");
    let r = audit(&fragment, &request());
    // The permission checks say it exactly as every other unseen field
    // does (Ctx::unseen: "We couldn't see …", a warning, "Check … in the
    // portal", checked: false).
    let unseen_other = r.finding(CheckId::ClientSecret);
    assert!(unseen_other.is_some());
    for check in [
        DelegatedScopes,
        ApplicationPermissions,
        LeastPrivilege,
        OfflineAccess,
    ] {
        let f = r.finding(check).unwrap();
        assert_eq!(f.status, Warn, "{check}");
        assert_eq!(
            f.title, "We couldn't see your app's API permissions",
            "{check}"
        );
        assert_eq!(
            f.fix.as_deref(),
            Some("Check API permissions in the portal, or download the whole manifest again (Manifest → Download) and check that file."),
            "{check}"
        );
        assert_eq!(f.details["checked"], false, "{check}");
    }
    let secretless = without(good_app(), "passwordCredentials");
    let f = check(&secretless, &request(), ClientSecret);
    assert!(f.title.starts_with("We couldn't see") && f.fix.unwrap().starts_with("Check "));
}
