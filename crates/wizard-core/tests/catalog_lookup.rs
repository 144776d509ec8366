//! The permission catalog against Microsoft's published permission IDs (the
//! Microsoft Graph permissions reference).

use wizard_core::catalog::{self, PermissionKind::*, AZURE_AD_GRAPH, EXCHANGE_ONLINE, GRAPH};

#[test]
fn reference_ids_match() {
    let rows = [
        ("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", None),
        (
            "offline_access",
            "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
            None,
        ),
        ("openid", "37f7f235-527c-4136-accd-4a02d197296e", None),
        ("profile", "14dad69e-099b-42c9-810b-d002981feec1", None),
        (
            "Mail.Read",
            "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
            Some("810c84a8-4a9e-49e6-bf7d-12d183f40d01"),
        ),
        (
            "Mail.ReadWrite",
            "024d486e-b451-40bb-833d-3e66d98c5c73",
            Some("e2a3a72e-5f79-4c64-b1b1-878b674786c9"),
        ),
        (
            "Mail.Send",
            "e383f46e-2787-4529-855e-0e479a3ffac0",
            Some("b633e1c5-b582-4048-a93e-9f11b44c7e96"),
        ),
        (
            "Calendars.Read",
            "465a38f9-76ea-45b9-9f34-9e8b0d4b0b42",
            Some("798ee544-9d2d-430c-a058-570e29e34338"),
        ),
        (
            "Calendars.ReadWrite",
            "1ec239c2-d7c9-4623-a91a-a9775856bb36",
            Some("ef54d2bf-783f-4e0f-bca1-3210c0444d99"),
        ),
        (
            "Contacts.Read",
            "ff74d97f-43af-4b68-9f2a-b77ee6968c5d",
            Some("089fe4d0-434a-44c5-8827-41ba8a0b17f5"),
        ),
        (
            "Place.Read.All",
            "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec",
            Some("913b9306-0ce1-42b8-9137-6a7df690a760"),
        ),
        (
            "OnlineMeetings.ReadWrite",
            "a65f2972-a4f8-4f5e-afd7-69ccb046d5dc",
            None,
        ),
        (
            "EWS.AccessAsUser.All",
            "9769c687-087d-48ac-9cb3-c37dde652038",
            None,
        ),
        (
            "EAS.AccessAsUser.All",
            "ff91d191-45a0-43fd-b837-bd682c4a0b0f",
            None,
        ),
    ];
    for (name, scope, role) in rows {
        assert_eq!(
            catalog::by_name(GRAPH, name, Delegated).map(|p| p.id),
            Some(scope),
            "{name}"
        );
        assert_eq!(
            catalog::lookup(GRAPH, scope, Delegated).map(|p| p.name),
            Some(name)
        );
        if let Some(role) = role {
            assert_eq!(
                catalog::lookup(GRAPH, role, Application).map(|p| p.name),
                Some(name)
            );
            assert!(
                catalog::lookup(GRAPH, role, Application)
                    .unwrap()
                    .admin_consent
            );
        }
    }
    assert!(
        catalog::graph_scope("Place.Read.All")
            .unwrap()
            .admin_consent
    );
    assert!(!catalog::graph_scope("Mail.Read").unwrap().admin_consent);
}

#[test]
fn exchange_and_azure_ad_graph_rows() {
    assert_eq!(
        catalog::by_name(EXCHANGE_ONLINE, "EWS.AccessAsUser.All", Delegated)
            .unwrap()
            .id,
        "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"
    );
    assert_eq!(
        catalog::by_name(EXCHANGE_ONLINE, "EAS.AccessAsUser.All", Delegated)
            .unwrap()
            .id,
        "266d2589-20b5-4f91-9a03-89247d1be8da"
    );
    assert_eq!(
        catalog::by_name(EXCHANGE_ONLINE, "full_access_as_app", Application)
            .unwrap()
            .id,
        "dc890d15-9560-4a4c-9b7f-a736ec74ec40"
    );
    assert_eq!(
        catalog::lookup(
            AZURE_AD_GRAPH,
            "311a71cc-e848-46a1-bdf8-97ff7156d8e6",
            Delegated
        )
        .unwrap()
        .name,
        "User.Read"
    );
}

#[test]
fn never_a_guid_alone() {
    // Graph's User.Read GUID means nothing on Azure AD Graph, and vice versa.
    assert!(catalog::lookup(
        AZURE_AD_GRAPH,
        "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        Delegated
    )
    .is_none());
    assert!(catalog::lookup(GRAPH, "311a71cc-e848-46a1-bdf8-97ff7156d8e6", Delegated).is_none());
    // The kind matters too: Mail.Send's application GUID is not a scope.
    assert!(catalog::lookup(GRAPH, "b633e1c5-b582-4048-a93e-9f11b44c7e96", Delegated).is_none());
    // Wrong GUIDs that circulate online are unknown.
    for wrong in [
        "ff74d97f-43af-4b68-9f2a-b77f2692e6e0",
        "a4b8392a-d8d1-4954-a029-8eecd302d582",
        "465a38f9-76ea-45b9-9f6f-4297fe7c17f8",
    ] {
        assert!(catalog::lookup_any(GRAPH, wrong).is_empty(), "{wrong}");
    }
}

#[test]
fn every_row_is_well_formed_and_names_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for p in catalog::all() {
        assert!(wizard_core::ids::is_guid(p.id), "{p:?}");
        assert_eq!(p.id, p.id.to_ascii_lowercase());
        assert!(!p.name.is_empty());
        if p.kind == Application {
            assert!(
                p.admin_consent,
                "application permissions always need an admin: {p:?}"
            );
        }
        assert!(
            seen.insert((p.resource_app_id, p.name.to_ascii_lowercase(), p.kind)),
            "duplicate {p:?}"
        );
    }
    assert_eq!(
        catalog::all()
            .iter()
            .filter(|p| p.resource_app_id == GRAPH && p.kind == Delegated)
            .count(),
        598
    );
    assert_eq!(
        catalog::all()
            .iter()
            .filter(|p| p.resource_app_id == GRAPH && p.kind == Application)
            .count(),
        534
    );
}
