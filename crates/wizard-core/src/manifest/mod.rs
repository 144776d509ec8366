//! Reads an Azure app manifest in any of its three formats (Microsoft Graph,
//! Azure AD Graph, legacy) into one [`AppRegistration`].
//!
//! Formats are detected field by field, unknown keys are ignored, and anything
//! that is not a manifest gives a `manifest_invalid` error with a plain
//! message. Nothing here panics on input.

mod model;
mod read;

#[cfg(test)]
mod complexity_tests;

use serde_json::Value;

pub use model::*;

use crate::error::{ErrorCode, Result, WizardError};

/// The largest manifest file the wizard reads, in bytes: the one limit for
/// the core, the CLI, the shell and (through the session) the window. A real
/// manifest is a few kilobytes (Microsoft caps its collections at 1,200
/// entries in total), so anything this big is not one.
pub const MAX_MANIFEST_BYTES: usize = 2 * 1024 * 1024;

const DOWNLOAD_HINT: &str =
    "In the Azure portal, open App registrations → your app → Manifest, click Download, and use that file.";

fn invalid(message: impl Into<String>) -> WizardError {
    WizardError::new(ErrorCode::ManifestInvalid, message).with_hint(DOWNLOAD_HINT)
}

/// The text of a manifest file, whatever wrote it. The Azure portal
/// downloads UTF-8, but Windows PowerShell 5.1's `>` and `Out-File` (e.g.
/// `az ad app show … > app.json`) and Notepad's "UTF-16" write UTF-16 with a
/// byte-order mark. A UTF-8 or UTF-16 (LE/BE) BOM decides; without one, a
/// zero first or second byte means UTF-16 (JSON starts with an ASCII
/// character, RFC 4627); otherwise UTF-8. Invalid sequences become U+FFFD,
/// and the JSON parser then says where. (The app's web view decodes files the
/// same way before they reach us.)
pub fn decode_text(bytes: &[u8]) -> String {
    fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
        let units = bytes.chunks(2).map(|c| match c {
            [a, b] => unit([*a, *b]),
            _ => 0xFFFD, // a dangling odd byte
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [a, 0, ..] if *a != 0 => utf16(bytes, u16::from_le_bytes),
        [0, b, ..] if *b != 0 => utf16(bytes, u16::from_be_bytes),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Parses a manifest file's bytes (see [`decode_text`] for the encodings).
pub fn parse_manifest_bytes(bytes: &[u8]) -> Result<AppRegistration> {
    // UTF-16 takes up to twice the bytes of the same text.
    if bytes.len() > 2 * MAX_MANIFEST_BYTES {
        return Err(invalid(format!(
            "This file is over {} MB, far too large to be an app manifest.",
            MAX_MANIFEST_BYTES / (1024 * 1024)
        )));
    }
    parse_manifest(&decode_text(bytes))
}

/// Parses manifest text (JSON, optionally with a byte-order mark).
pub fn parse_manifest(text: &str) -> Result<AppRegistration> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(invalid(format!(
            "This file is over {} MB, far too large to be an app manifest.",
            MAX_MANIFEST_BYTES / (1024 * 1024)
        )));
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(invalid(
            "This file is empty, so it can't be an app manifest.",
        ));
    }
    // A fragment copied from docs (`"requiredResourceAccess": [...]`) lacks
    // its braces; give it them rather than refusing it.
    if text.trim_start().starts_with('"') {
        if let Ok(value) =
            serde_json::from_str::<Value>(&format!("{{{}}}", text.trim().trim_end_matches(',')))
        {
            if value.is_object() {
                let mut app = parse_manifest_value(&value)?;
                app.notes.push("This is part of a manifest (no surrounding braces); we read the fields it has.".into());
                return Ok(app);
            }
        }
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            invalid(format!(
                "This file isn't valid JSON (line {}, column {}), so it can't be an app manifest.",
                e.line(),
                e.column()
            ))
        } else {
            invalid("This file isn't valid JSON, so it can't be an app manifest.")
        }
    })?;
    parse_manifest_value(&value)
}

/// True when the object has at least one of the fields only a manifest has.
fn is_manifest(obj: &serde_json::Map<String, Value>) -> bool {
    obj.keys()
        .any(|k| read::MANIFEST_KEYS.contains(&k.as_str()))
}

/// Reads an already-parsed JSON value. Accepts a manifest object (or Azure
/// CLI's output for one app), a Graph list response with one app
/// (`{"value":[…]}`), a list with one app (`az ad app list`), or a bare
/// `requiredResourceAccess` array (a fragment, as some docs print). A
/// service principal (`az ad sp show`) is refused with a plain message.
pub fn parse_manifest_value(value: &Value) -> Result<AppRegistration> {
    match value {
        Value::Object(obj) => {
            if let Some(Value::Array(apps)) = obj.get("value") {
                if !is_manifest(obj) {
                    return match apps.as_slice() {
                        [one] => parse_manifest_value(one),
                        [] => Err(invalid("This list of app registrations is empty.")),
                        many => Err(invalid(format!(
                            "This file lists {} app registrations; we check one at a time.",
                            many.len()
                        ))),
                    };
                }
            }
            if read::is_service_principal(obj) {
                return Err(WizardError::new(
                    ErrorCode::ManifestInvalid,
                    "This is an enterprise application (a service principal, as az ad sp show prints it), not the app registration, so it doesn't hold the redirect URIs and permissions the audit checks.",
                )
                .with_hint("Use the app registration instead: in the Azure portal, App registrations → your app → Manifest → Download, or run az ad app show --id followed by the Application (client) ID."));
            }
            if !is_manifest(obj) {
                return Err(invalid(
                    "This JSON file isn't an Azure app manifest: it has none of the fields a manifest has (such as appId or requiredResourceAccess).",
                ));
            }
            Ok(read::read(obj))
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.get("resourceAppId").is_some()) =>
        {
            let mut obj = serde_json::Map::new();
            obj.insert("requiredResourceAccess".into(), value.clone());
            let mut app = read::read(&obj);
            app.notes.push(
                "This is only the list of API permissions, so we could check permissions but not redirect URIs, secrets or account types.".into(),
            );
            Ok(app)
        }
        // `az ad app list` prints a plain list of apps.
        Value::Array(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.as_object().is_some_and(|o| is_manifest(o) || read::is_service_principal(o))) =>
        {
            match items.as_slice() {
                [one] => {
                    let mut app = parse_manifest_value(one)?;
                    app.notes.push("This file is a list with one app registration in it (as az ad app list prints it); we checked that app.".into());
                    Ok(app)
                }
                many => Err(invalid(format!(
                    "This file lists {} app registrations; we check one at a time.",
                    many.len()
                ))),
            }
        }
        Value::Array(_) => Err(invalid(
            "This file holds a JSON list, not an Azure app manifest (a manifest is a single object in braces).",
        )),
        _ => Err(invalid(
            "This file holds a single JSON value, not an Azure app manifest (a manifest is an object in braces).",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{PermissionKind, GRAPH};

    #[test]
    fn graph_format() {
        let app = parse_manifest(
            r#"{"appId":"AAAAAAAA-0000-0000-0000-000000000001","id":"o1","displayName":"A",
            "signInAudience":"AzureADMultipleOrgs","api":{"requestedAccessTokenVersion":2},
            "web":{"redirectUris":["https://x/cb"],"implicitGrantSettings":{"enableAccessTokenIssuance":false,"enableIdTokenIssuance":true}},
            "spa":{"redirectUris":["https://s"]},"publicClient":{"redirectUris":["http://localhost"]},
            "requiredResourceAccess":[{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"570282FD-FA5C-430D-A7FD-FC8DC98A9DCA","type":"Scope"}]}],
            "passwordCredentials":[{"keyId":"k","endDateTime":"2030-01-01T00:00:00Z","hint":"abc","secretText":null}],
            "verifiedPublisher":{"verifiedPublisherId":null},"somethingNew":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(app.formats, [ManifestFormat::MicrosoftGraph]);
        assert_eq!(
            app.app_id.as_deref(),
            Some("aaaaaaaa-0000-0000-0000-000000000001")
        );
        assert_eq!(app.requested_access_token_version, Some(2));
        assert_eq!(
            app.uris_on(Platform::Web).collect::<Vec<_>>(),
            ["https://x/cb"]
        );
        assert_eq!(app.uris_on(Platform::PublicClient).count(), 1);
        assert_eq!(app.implicit_grant.id_tokens, Some(true));
        assert!(app.has_permission(
            GRAPH,
            "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
            PermissionKind::Delegated
        ));
        assert_eq!(
            app.password_credentials.unwrap()[0].end.unwrap().year(),
            2030
        );
        assert_eq!(app.verified_publisher, Some(VerifiedPublisher::default()));
        assert!(app.notes.is_empty(), "{:?}", app.notes);
    }

    #[test]
    fn azure_ad_graph_format() {
        let app = parse_manifest(
            r#"{"appId":"a","name":"B","accessTokenAcceptedVersion":null,"oauth2AllowImplicitFlow":true,
            "oauth2AllowIdTokenImplicitFlow":false,"allowPublicClient":false,
            "replyUrlsWithType":[{"url":"https://w","type":"Web"},{"url":"https://s","type":"Spa"},{"url":"ms-app://x","type":"InstalledClient"}],
            "passwordCredentials":[{"endDate":"2024-10-04T12:11:36.707Z","startDate":"2023-10-05T12:11:36.707Z","createdOn":"2023-10-05T12:12:56.8324948Z","value":null}]}"#,
        )
        .unwrap();
        assert_eq!(app.formats, [ManifestFormat::AzureAdGraph]);
        assert_eq!(app.display_name.as_deref(), Some("B"));
        // `null` is Microsoft's default, version 1.
        assert_eq!(app.requested_access_token_version, Some(1));
        assert_eq!(app.is_fallback_public_client, Some(false));
        assert!(app.redirect_uris_listed);
        assert_eq!(
            app.implicit_grant,
            ImplicitGrant {
                access_tokens: Some(true),
                id_tokens: Some(false)
            }
        );
        let platforms: Vec<_> = app.redirect_uris.iter().map(|r| r.platform).collect();
        assert_eq!(
            platforms,
            [Platform::Web, Platform::Spa, Platform::PublicClient]
        );
        assert_eq!(
            app.password_credentials.unwrap()[0].end.unwrap().year(),
            2024
        );
        assert_eq!(app.verified_publisher, None);
    }

    #[test]
    fn legacy_format() {
        let app = parse_manifest(
            r#"{"objectId":"5C5E","availableToOtherTenants":true,"displayName":"L","publicClient":true,
            "replyUrls":["https://github.com/x"],"oauth2AllowImplicitFlow":false,"passwordCredentials":[]}"#,
        )
        .unwrap();
        assert_eq!(app.formats, [ManifestFormat::Legacy]);
        assert_eq!(app.object_id.as_deref(), Some("5c5e"));
        assert_eq!(app.sign_in_audience.as_deref(), Some("AzureADMultipleOrgs"));
        assert_eq!(app.is_fallback_public_client, Some(true));
        assert_eq!(app.redirect_uris[0].platform, Platform::PublicClient);
        assert!(app.notes.iter().any(|n| n.contains("replyUrls")));
    }

    #[test]
    fn point_11_public_client_flows_in_every_format() {
        let read = |json: &str| parse_manifest(json).unwrap();
        // Microsoft Graph, Azure AD Graph, legacy.
        assert_eq!(
            read(r#"{"appId":"a","isFallbackPublicClient":true}"#).is_fallback_public_client,
            Some(true)
        );
        assert_eq!(
            read(r#"{"appId":"a","allowPublicClient":true}"#).is_fallback_public_client,
            Some(true)
        );
        assert_eq!(
            read(r#"{"appId":"a","publicClient":true,"replyUrls":[]}"#).is_fallback_public_client,
            Some(true)
        );
        // `null` is how the portal writes the default, which is off.
        assert_eq!(
            read(r#"{"appId":"a","isFallbackPublicClient":null}"#).is_fallback_public_client,
            Some(false)
        );
        // Missing: unknown. The Graph format's `publicClient` is a platform.
        let app = read(r#"{"appId":"a","publicClient":{"redirectUris":[]}}"#);
        assert_eq!(app.is_fallback_public_client, None);
        // Two formats that disagree: the newer wins, with a note.
        let app = read(r#"{"appId":"a","isFallbackPublicClient":false,"allowPublicClient":true}"#);
        assert_eq!(app.is_fallback_public_client, Some(false));
        assert!(
            app.notes
                .iter()
                .any(|n| n.contains("Allow public client flows")),
            "{:?}",
            app.notes
        );
        // An explicit value beats another format's null.
        let app = read(r#"{"appId":"a","isFallbackPublicClient":null,"allowPublicClient":true}"#);
        assert_eq!(app.is_fallback_public_client, Some(true));
        let app = read(r#"{"appId":"a","isFallbackPublicClient":"maybe"}"#);
        assert_eq!(app.is_fallback_public_client, None);
        assert!(!app.notes.is_empty());
    }

    #[test]
    fn point_10_legacy_implicit_flow_covers_id_tokens() {
        let both = |on: bool| {
            parse_manifest(&format!(
                r#"{{"objectId":"o","availableToOtherTenants":true,"replyUrls":[],"oauth2AllowImplicitFlow":{on}}}"#
            ))
            .unwrap()
        };
        for on in [true, false] {
            let app = both(on);
            assert_eq!(
                app.implicit_grant,
                ImplicitGrant {
                    access_tokens: Some(on),
                    id_tokens: Some(on)
                }
            );
            assert!(app
                .notes
                .iter()
                .any(|n| n.contains("oauth2AllowImplicitFlow")));
        }
        // The Azure AD Graph format has its own ID-token switch: a file of
        // that format without it says nothing about ID tokens.
        let aad = parse_manifest(
            r#"{"appId":"a","replyUrlsWithType":[],"oauth2AllowImplicitFlow":true}"#,
        )
        .unwrap();
        assert_eq!(aad.implicit_grant.id_tokens, None);
        // A legacy file that also has the newer switch: that one counts.
        let mixed = parse_manifest(
            r#"{"objectId":"o","replyUrls":[],"oauth2AllowImplicitFlow":true,"oauth2AllowIdTokenImplicitFlow":false}"#,
        )
        .unwrap();
        assert_eq!(mixed.implicit_grant.id_tokens, Some(false));
    }

    #[test]
    fn point_12_missing_fields_stay_unknown() {
        let app = parse_manifest(r#"{"appId":"a"}"#).unwrap();
        assert_eq!(app.requested_access_token_version, None);
        assert_eq!(app.is_fallback_public_client, None);
        assert!(!app.redirect_uris_listed);
        assert!(app.redirect_uris.is_empty());
        // Present but empty is known: no redirect URIs.
        let app = parse_manifest(r#"{"appId":"a","web":{"redirectUris":[]}}"#).unwrap();
        assert!(app.redirect_uris_listed);
        let app =
            parse_manifest(r#"{"appId":"a","api":{"requestedAccessTokenVersion":null}}"#).unwrap();
        assert_eq!(app.requested_access_token_version, Some(1));
    }

    #[test]
    fn mixed_format_is_read_field_by_field() {
        let app = parse_manifest(
            r#"{"appId":"a","signInAudience":"AzureADMyOrg","replyUrlsWithType":[{"url":"https://w","type":"Web"}],
            "api":{"requestedAccessTokenVersion":2},"accessTokenAcceptedVersion":1}"#,
        )
        .unwrap();
        assert_eq!(
            app.formats,
            [ManifestFormat::MicrosoftGraph, ManifestFormat::AzureAdGraph]
        );
        assert_eq!(app.requested_access_token_version, Some(2));
        assert!(app.notes.iter().any(|n| n.contains("twice")));
    }

    #[test]
    fn secret_values_are_never_kept() {
        let app = parse_manifest(r#"{"appId":"a","passwordCredentials":[{"secretText":"Q~supersecretvalue","hint":"Q~s"}]}"#).unwrap();
        let json = serde_json::to_string(&app).unwrap();
        assert!(!json.contains("supersecretvalue"));
        assert!(app.notes.iter().any(|n| n.contains("secret value")));
    }

    #[test]
    fn not_a_manifest() {
        for text in [
            "",
            "   ",
            "hello",
            "[1,2]",
            "42",
            r#"{"name":"my-package","version":"1.0.0"}"#,
            r#"{"value":[]}"#,
            "{\"appId\":",
        ] {
            let e = parse_manifest(text).unwrap_err();
            assert_eq!(e.code, ErrorCode::ManifestInvalid, "{text}");
            assert!(e.hint.is_some());
        }
    }

    #[test]
    fn wrappers_and_fragments() {
        let app = parse_manifest(r#"{"@odata.context":"x","value":[{"appId":"a"}]}"#).unwrap();
        assert_eq!(app.app_id.as_deref(), Some("a"));
        let frag = parse_manifest(
            r#"[{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"x","type":"Role"}]}]"#,
        )
        .unwrap();
        assert_eq!(frag.permissions().len(), 1);
        assert!(frag.password_credentials.is_none());
        let bom = parse_manifest("\u{feff}{\"appId\":\"a\"}").unwrap();
        assert_eq!(bom.app_id.as_deref(), Some("a"));
        let braceless = parse_manifest(
            r#" "requiredResourceAccess": [{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"x","type":"Scope"}]}], "#,
        )
        .unwrap();
        assert_eq!(braceless.permissions().len(), 1);
        assert!(parse_manifest(r#""just a string""#).is_err());
    }

    #[test]
    fn wrong_types_are_skipped_with_a_note() {
        let app = parse_manifest(
            r#"{"appId":5,"requiredResourceAccess":"all","web":{"redirectUris":[1,"https://ok"]},"passwordCredentials":{}}"#,
        )
        .unwrap();
        assert_eq!(app.app_id, None);
        assert_eq!(app.required_resource_access, None);
        assert_eq!(app.redirect_uris.len(), 1);
        assert!(app.notes.len() >= 3, "{:?}", app.notes);
    }
}
