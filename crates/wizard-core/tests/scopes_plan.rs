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
            [scope, "User.Read", "offline_access"],
            "{f:?}"
        );
    }
    assert_eq!(
        names(AuditPath::V3, None, &[Feature::Conferencing]),
        [
            "Calendars.ReadWrite",
            "OnlineMeetings.ReadWrite",
            "User.Read",
            "offline_access"
        ]
    );
}

#[test]
fn offline_access_always_and_every_scope_is_a_delegated_graph_permission() {
    for path in AuditPath::ALL {
        for preset in Preset::ALL {
            if path == AuditPath::V2Events {
                continue;
            }
            // Teams always needs calendar-write on top of the preset.
            let p = plan(path, Some(preset), &[Feature::CalendarWrite]).unwrap();
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
    let base = names(AuditPath::Teams, None, &[Feature::CalendarWrite]);
    for s in ["User.Read", "offline_access", "OnlineMeetings.ReadWrite"] {
        assert!(base.contains(&s.to_owned()), "{s}");
    }
    let p = plan(AuditPath::Teams, None, &[Feature::CalendarWrite]).unwrap();
    assert!(p.required.iter().any(|r| r.name == "Calendars.ReadWrite"));
    assert_eq!(p.keep.len(), 2);
    assert!(p.scope_names.contains(&"EWS.AccessAsUser.All".to_owned()));
}

/// Issue 7, point 1: Teams needs the scopes of the features the admin uses
/// plus OnlineMeetings.ReadWrite (Nylas's Teams integration guide lists the
/// per-feature Graph scopes, then adds OnlineMeetings.ReadWrite).
#[test]
fn teams_plan_adds_online_meetings_to_the_chosen_features() {
    let p = plan(
        AuditPath::Teams,
        None,
        &[
            Feature::MailRead,
            Feature::CalendarWrite,
            Feature::ContactsWrite,
        ],
    )
    .unwrap();
    let n: Vec<&str> = p.required.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        n,
        [
            "Mail.Read",
            "Calendars.ReadWrite",
            "Contacts.ReadWrite",
            "OnlineMeetings.ReadWrite",
            "User.Read",
            "offline_access"
        ]
    );
    // OnlineMeetings.ReadWrite is the path's own (no feature asked for it).
    let om = p
        .required
        .iter()
        .find(|r| r.name == "OnlineMeetings.ReadWrite")
        .unwrap();
    assert!(om.features.is_empty());
    // Sending, per the same guide, takes Mail.ReadWrite and Mail.Send.
    let send = names(
        AuditPath::Teams,
        None,
        &[Feature::MailSend, Feature::CalendarWrite],
    );
    assert!(send.contains(&"Mail.ReadWrite".to_owned()) && send.contains(&"Mail.Send".to_owned()));
    // Calendar write is required: without it there is no plan, in plain words.
    let e = plan(AuditPath::Teams, Some(Preset::ReadOnlyInbox), &[]).unwrap_err();
    assert_eq!(
        e.message,
        "Teams meetings are added to calendar events, so Nylas needs permission to create or update events."
    );
}

/// Issue 7, point 2: openid and profile are OpenID Connect scopes asked for
/// at sign-in; no plan requires them in the registration.
#[test]
fn openid_and_profile_are_never_required_in_the_registration() {
    for path in AuditPath::ALL {
        let p = plan(path, None, &[Feature::CalendarWrite]).unwrap();
        for s in ["openid", "profile"] {
            assert!(
                !p.required.iter().any(|r| r.name == s),
                "{path:?} requires {s}"
            );
            assert!(!p.scope_names.iter().any(|n| n == s), "{path:?} lists {s}");
        }
    }
}

/// Issue 7, point 3: conferencing (Teams meetings autocreate) on v3 adds
/// OnlineMeetings.ReadWrite and Calendars.ReadWrite.
#[test]
fn conferencing_adds_online_meetings_and_calendar_write_on_v3() {
    let p = plan(
        AuditPath::V3,
        Some(Preset::ReadOnlyInbox),
        &[Feature::Conferencing],
    )
    .unwrap();
    let n: Vec<&str> = p.required.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        n,
        [
            "Mail.Read",
            "Calendars.ReadWrite",
            "OnlineMeetings.ReadWrite",
            "User.Read",
            "offline_access"
        ]
    );
    for r in &p.required[1..3] {
        assert_eq!(r.features, [Feature::Conferencing], "{}", r.name);
        assert!(!r.admin_consent, "{}", r.name);
    }
    // With calendar-read it still writes events (the meetings go on them).
    let n = names(
        AuditPath::V3,
        None,
        &[Feature::CalendarRead, Feature::Conferencing],
    );
    assert_eq!(
        n,
        [
            "Calendars.ReadWrite",
            "OnlineMeetings.ReadWrite",
            "User.Read",
            "offline_access"
        ]
    );
    // v2 Graph events doesn't offer it.
    assert!(plan(AuditPath::V2Events, None, &[Feature::Conferencing]).is_err());
}

/// Issue 7, point 5: People.Read (the people the user works with) and
/// Contacts.Read (the user's contacts) read different Graph resources.
#[test]
fn people_read_does_not_stand_in_for_contacts_read() {
    assert!(!also_works("Contacts.Read").contains(&"People.Read"));
    assert!(!also_works("People.Read").contains(&"Contacts.Read"));
    assert!(also_works("People.Read").is_empty());
    let p = plan(AuditPath::V3, Some(Preset::ContactsSync), &[]).unwrap();
    assert_eq!(p.required[0].also_satisfied_by, ["Contacts.ReadWrite"]);
    // Both features, both scopes, neither folded into the other.
    let n = names(
        AuditPath::V3,
        None,
        &[Feature::ContactsRead, Feature::People],
    );
    assert_eq!(
        n,
        [
            "Contacts.Read",
            "People.Read",
            "User.Read",
            "offline_access"
        ]
    );
}

/// Issue 7, point 6: sending from a shared mailbox needs Mail.Send.Shared;
/// reading shared calendars only needs Calendars.Read.Shared.
#[test]
fn shared_mailbox_send_and_shared_calendar_read_get_their_own_shared_scopes() {
    let n = names(
        AuditPath::V3,
        None,
        &[Feature::MailRead, Feature::MailSend, Feature::SharedMailbox],
    );
    assert_eq!(
        n,
        [
            "Mail.Read",
            "Mail.Send",
            "Mail.Read.Shared",
            "Mail.Send.Shared",
            "User.Read",
            "offline_access"
        ]
    );
    let n = names(
        AuditPath::V3,
        None,
        &[
            Feature::MailModify,
            Feature::MailSend,
            Feature::SharedMailbox,
        ],
    );
    assert!(
        n.contains(&"Mail.ReadWrite.Shared".to_owned())
            && n.contains(&"Mail.Send.Shared".to_owned())
    );
    // Without sending, no Mail.Send.Shared.
    let n = names(
        AuditPath::V3,
        None,
        &[Feature::MailRead, Feature::SharedMailbox],
    );
    assert!(!n.contains(&"Mail.Send.Shared".to_owned()));

    // Shared calendars, read only.
    let n = names(
        AuditPath::V3,
        None,
        &[Feature::CalendarRead, Feature::SharedCalendar],
    );
    assert_eq!(
        n,
        [
            "Calendars.Read",
            "Calendars.Read.Shared",
            "User.Read",
            "offline_access"
        ]
    );
    // Writing events (or adding meetings to them) makes it read-write.
    for write in [Feature::CalendarWrite, Feature::Conferencing] {
        let n = names(
            AuditPath::V3,
            None,
            &[Feature::CalendarRead, write, Feature::SharedCalendar],
        );
        assert!(
            n.contains(&"Calendars.ReadWrite.Shared".to_owned()),
            "{write:?}"
        );
        assert!(
            !n.contains(&"Calendars.Read.Shared".to_owned()),
            "{write:?}"
        );
    }
    assert!(also_works("Calendars.Read.Shared").contains(&"Calendars.ReadWrite.Shared"));
    // Nylas's v2 Graph events guide asks for Calendars.ReadWrite.Shared for
    // shared calendars, so v2 keeps it even when reading only.
    let n = names(
        AuditPath::V2Events,
        None,
        &[Feature::CalendarRead, Feature::SharedCalendar],
    );
    assert!(n.contains(&"Calendars.ReadWrite.Shared".to_owned()));
}

/// Issue 7, point 7: User.Read is in every plan, as in Nylas's connector
/// examples (v3), its Teams sign-in request and the v2 refresh-token request.
#[test]
fn user_read_is_in_every_plan() {
    for path in AuditPath::ALL {
        for preset in Preset::ALL {
            let Ok(p) = plan(path, Some(preset), &[Feature::CalendarWrite]) else {
                continue; // v2 refuses the mail presets
            };
            let r = p
                .required
                .iter()
                .find(|r| r.name == "User.Read")
                .unwrap_or_else(|| panic!("{path:?}/{preset:?}"));
            assert!(r.features.is_empty(), "always needed");
            assert!(p.scope_names.iter().any(|n| n == "User.Read"));
        }
        let p = plan(path, None, &[Feature::CalendarWrite]).unwrap();
        assert!(p.required.iter().any(|r| r.name == "User.Read"), "{path:?}");
    }
}

/// Issue 7, point 4: on v2, email and contacts still go over EWS/EAS; the
/// plan says to keep them.
#[test]
fn v2_plan_says_to_keep_ews_and_eas() {
    let p = plan(AuditPath::V2Events, None, &[]).unwrap();
    assert!(
        p.notes.iter().any(|n| n.contains("EWS and EAS")),
        "{:?}",
        p.notes
    );
}

#[test]
fn wider_scopes_that_also_work() {
    assert!(also_works("Mail.Read").contains(&"Mail.ReadWrite"));
    assert!(also_works("Calendars.Read").contains(&"Calendars.ReadWrite"));
    assert!(also_works("Contacts.Read").contains(&"Contacts.ReadWrite"));
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
        [
            "Mail.ReadWrite",
            "Calendars.ReadWrite",
            "User.Read",
            "offline_access"
        ]
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
    assert_eq!(f.len(), 12);
    for (feature, name) in Feature::ALL.iter().zip(&f) {
        assert_eq!(&feature.as_str(), name);
        assert_eq!(name.parse::<Feature>().unwrap(), *feature);
    }
}
