//! The manifest reader on each format, as files on disk (the corpus), and on
//! the quirks real downloads have.

use std::path::Path;

use wizard_core::catalog::PermissionKind;
use wizard_core::manifest::{parse_manifest, ManifestFormat, Platform};
use wizard_core::ErrorCode;

fn corpus(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests")
        .join(format!("{name}.json"));
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn microsoft_graph_format() {
    let app = parse_manifest(&corpus("v3-us-correct")).unwrap();
    assert_eq!(app.formats, [ManifestFormat::MicrosoftGraph]);
    assert_eq!(app.display_name.as_deref(), Some("Acme Mail Reader"));
    assert_eq!(app.requested_access_token_version, Some(2));
    assert_eq!(app.uris_on(Platform::Web).count(), 2);
    assert_eq!(app.permissions().len(), 3);
    assert!(app
        .permissions()
        .iter()
        .all(|p| p.kind == PermissionKind::Delegated));
    assert_eq!(
        app.verified_publisher
            .unwrap()
            .verified_publisher_id
            .as_deref(),
        Some("6012345")
    );
    assert!(app.notes.is_empty(), "{:?}", app.notes);
}

#[test]
fn azure_ad_graph_format() {
    let app = parse_manifest(&corpus("role-instead-of-scope")).unwrap();
    assert_eq!(app.formats, [ManifestFormat::AzureAdGraph]);
    assert_eq!(app.display_name.as_deref(), Some("Proseware Sender"));
    assert_eq!(app.sign_in_audience.as_deref(), Some("AzureADMyOrg"));
    assert_eq!(app.is_fallback_public_client, Some(false));
    let secret = &app.password_credentials.as_ref().unwrap()[0];
    assert_eq!(
        secret.end.unwrap().year(),
        2027,
        "endDate (not endDateTime) is read"
    );
    assert_eq!(
        app.verified_publisher, None,
        "this format has no publisher field"
    );
}

#[test]
fn legacy_format() {
    let app = parse_manifest(&corpus("legacy-format")).unwrap();
    assert_eq!(app.formats, [ManifestFormat::Legacy]);
    assert_eq!(
        app.object_id.as_deref(),
        Some("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
    );
    assert_eq!(app.sign_in_audience.as_deref(), Some("AzureADMyOrg"));
    assert_eq!(app.uris_on(Platform::Web).count(), 2);
    assert!(app.notes.iter().any(|n| n.contains("replyUrls")));
}

#[test]
fn mixed_format() {
    let app = parse_manifest(&corpus("mixed-format")).unwrap();
    assert_eq!(
        app.formats,
        [ManifestFormat::MicrosoftGraph, ManifestFormat::AzureAdGraph]
    );
    assert_eq!(
        app.requested_access_token_version,
        Some(2),
        "the hand-added api block wins over a null"
    );
}

#[test]
fn graph_list_response_is_unwrapped() {
    let app = parse_manifest(&corpus("graph-list-response")).unwrap();
    assert_eq!(app.display_name.as_deref(), Some("VanArsdel Mail"));
}

#[test]
fn real_world_quirks() {
    // Seven fractional digits (Azure's createdOn), dates without an offset.
    let app = parse_manifest(
        r#"{"appId":"a","passwordCredentials":[{"endDate":"2023-10-05T12:12:56.8324948Z"},{"endDate":"2030-01-01T00:00:00"},{"endDate":"2031-02-03"}]}"#,
    )
    .unwrap();
    let ends: Vec<_> = app
        .password_credentials
        .unwrap()
        .iter()
        .map(|c| c.end.map(|e| e.year()))
        .collect();
    assert_eq!(ends, [Some(2023), Some(2030), Some(2031)]);
    // Unknown keys and nulls everywhere are fine.
    let app = parse_manifest(r#"{"appId":null,"web":null,"spa":null,"api":null,"servicePrincipalLockConfiguration":{"isEnabled":true},"requiredResourceAccess":null}"#).unwrap();
    assert_eq!(app.app_id, None);
    assert_eq!(app.required_resource_access, None);
    // InstalledClient goes to Mobile and desktop applications (the CLI for
    // Microsoft 365's converter drops these; we keep them).
    let app =
        parse_manifest(r#"{"replyUrlsWithType":[{"url":"msal://x","type":"InstalledClient"}]}"#)
            .unwrap();
    assert_eq!(app.redirect_uris[0].platform, Platform::PublicClient);
}

#[test]
fn invalid_files_give_a_clear_error() {
    for name in ["not-a-manifest", "truncated-download"] {
        let e = parse_manifest(&corpus(name)).unwrap_err();
        assert_eq!(e.code, ErrorCode::ManifestInvalid);
        assert!(e.message.ends_with('.'));
        assert!(e.hint.unwrap().contains("Manifest"));
    }
    let e = parse_manifest("{\"appId\": \"x\",}").unwrap_err();
    assert!(e.message.contains("line 1"), "{}", e.message);
    let big = format!("{{\"appId\":\"{}\"}}", "a".repeat(6 * 1024 * 1024));
    assert!(parse_manifest(&big)
        .unwrap_err()
        .message
        .contains("too large"));
}
