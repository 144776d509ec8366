//! Features → least-privilege scopes, per path (Nylas's "Microsoft Graph
//! scopes", Teams integration and v2 Graph events documentation).

use wizard_core::catalog::{self, PermissionKind, GRAPH};
use wizard_core::paths::AuditPath;
use wizard_core::scopes::{also_works, plan, Feature, Preset};

fn names(path: AuditPath, preset: Option<Preset>, features: &[Feature]) -> Vec<String> {
    plan(path, preset, features)
        .unwrap()
        .required
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[test]
fn each_feature_maps_to_the_documented_scope() {
    let table = [
        (Feature::MailRead, "Mail.Read"),
        (Feature::MailModify, "Mail.ReadWrite"),
        (Feature::MailSend, "Mail.Send"),
        (Feature::CalendarRead, "Calendars.Read"),
        (Feature::CalendarWrite, "Calendars.ReadWrite"),
        (Feature::ContactsRead, "Contacts.Read"),
        (Feature::ContactsWrite, "Contacts.ReadWrite"),
        (Feature::Rooms, "Place.Read.All"),
        (Feature::People, "People.Read"),
        (Feature::SharedMailbox, "Mail.Read.Shared"),
        (Feature::SharedCalendar, "Calendars.ReadWrite.Shared"),
    ];
    for (f, scope) in table {
        assert_eq!(
            names(AuditPath::V3, None, &[f]),
            [scope, "offline_access"],
            "{f:?}"
        );
    }
}

#[test]
fn offline_access_always_and_every_scope_is_a_delegated_graph_permission() {
    for path in AuditPath::ALL {
        for preset in Preset::ALL {
            if path == AuditPath::V2Events {
                continue;
            }
            let p = plan(path, Some(preset), &[]).unwrap();
            assert!(
                p.required.iter().any(|r| r.name == "offline_access"),
                "{path:?}/{preset:?}"
            );
            for r in p.required.iter().chain(&p.keep) {
                let c = catalog::lookup(&r.resource, &r.id, PermissionKind::Delegated).unwrap();
                assert_eq!((c.resource_app_id, c.name), (GRAPH, r.name.as_str()));
                assert!(
                    !r.reason.is_empty() && r.reason != "Needed by the features you picked.",
                    "{}",
                    r.name
                );
                assert_eq!(r.admin_consent, c.admin_consent);
            }
        }
    }
}

#[test]
fn teams_requires_its_base_set_and_keeps_ews_eas() {
    let base = names(AuditPath::Teams, None, &[]);
    for s in [
        "User.Read",
        "offline_access",
        "OnlineMeetings.ReadWrite",
        "openid",
        "profile",
    ] {
        assert!(base.contains(&s.to_owned()), "{s}");
    }
    let p = plan(AuditPath::Teams, None, &[Feature::CalendarWrite]).unwrap();
    assert!(p.required.iter().any(|r| r.name == "Calendars.ReadWrite"));
    assert_eq!(p.keep.len(), 2);
    assert!(p.scope_names.contains(&"EWS.AccessAsUser.All".to_owned()));
}

#[test]
fn wider_scopes_that_also_work() {
    assert!(also_works("Mail.Read").contains(&"Mail.ReadWrite"));
    assert!(also_works("Calendars.Read").contains(&"Calendars.ReadWrite"));
    assert!(also_works("Contacts.Read").contains(&"People.Read"));
    assert!(also_works("Mail.ReadWrite").contains(&"Mail.ReadWrite.Shared"));
    assert!(also_works("Mail.Send").is_empty());
    assert!(also_works("Contacts.ReadWrite").is_empty());
    assert!(also_works("Place.Read.All").is_empty());
    let p = plan(AuditPath::V3, Some(Preset::ReadOnlyInbox), &[]).unwrap();
    assert_eq!(
        p.required[0].also_satisfied_by,
        [
            "Mail.ReadWrite",
            "Mail.Read.Shared",
            "Mail.ReadWrite.Shared"
        ]
    );
}

#[test]
fn preset_and_features_merge_and_read_folds_into_write() {
    let n = names(
        AuditPath::V3,
        Some(Preset::ReadOnlyInbox),
        &[
            Feature::MailModify,
            Feature::CalendarRead,
            Feature::CalendarWrite,
        ],
    );
    assert_eq!(
        n,
        ["Mail.ReadWrite", "Calendars.ReadWrite", "offline_access"]
    );
}

#[test]
fn plans_say_what_to_expect() {
    let p = plan(AuditPath::V3, None, &[Feature::Rooms]).unwrap();
    assert!(p.notes.iter().any(|n| n.contains("administrator")));
    assert!(p.notes.iter().any(|n| n.contains("sign in again")));
    let p = plan(AuditPath::V2Events, None, &[Feature::SharedCalendar]).unwrap();
    assert!(p.notes.iter().any(|n| n.contains("two authorizations")));
}

#[test]
fn json_names_are_the_public_strings() {
    let p = plan(AuditPath::V2Events, None, &[Feature::CalendarRead]).unwrap();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["path"], "v2-events");
    assert_eq!(v["features"][0], "calendar-read");
    assert_eq!(v["required"][0]["name"], "Calendars.Read");
    for key in [
        "name",
        "id",
        "resource",
        "resource_name",
        "reason",
        "admin_consent",
        "features",
        "also_satisfied_by",
    ] {
        assert!(v["required"][0].get(key).is_some(), "{key}");
    }
    let presets: Vec<_> = Preset::ALL
        .iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();
    assert_eq!(
        presets,
        [
            "read-only-inbox",
            "email-client",
            "calendar-scheduler",
            "contacts-sync",
            "mail-calendar"
        ]
    );
    let f: Vec<_> = Feature::ALL
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(f.len(), 11);
    for (feature, name) in Feature::ALL.iter().zip(&f) {
        assert_eq!(&feature.as_str(), name);
        assert_eq!(name.parse::<Feature>().unwrap(), *feature);
    }
}
