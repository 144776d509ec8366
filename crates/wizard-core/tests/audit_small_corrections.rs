//! Issue 15, point 8: a fix never asks to untick a box that is already
//! unticked; the app's own API is called "your app's own API"; Azure CLI
//! output is described as what it is, not as a hand-mixed manifest.

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{api_name, is_own_api, CheckId::*, FindingStatus::*, OWN_API};
use wizard_core::error::ErrorCode;
use wizard_core::manifest::{parse_manifest, parse_manifest_value, ManifestFormat};

const BOXES: [&str; 2] = ["Access tokens", "ID tokens"];

fn implicit(app: Value, access: Value, id: Value) -> Value {
    let mut app = app;
    app["web"]["implicitGrantSettings"] =
        json!({"enableAccessTokenIssuance": access, "enableIdTokenIssuance": id});
    if access.is_null() {
        app["web"]["implicitGrantSettings"]
            .as_object_mut()
            .unwrap()
            .remove("enableAccessTokenIssuance");
    }
    if id.is_null() {
        app["web"]["implicitGrantSettings"]
            .as_object_mut()
            .unwrap()
            .remove("enableIdTokenIssuance");
    }
    app
}

/// The boxes a fix tells the admin to tick and to untick.
fn ticks_and_unticks(fix: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut tick = Vec::new();
    let mut untick = Vec::new();
    for sentence in fix.split(". ") {
        for b in BOXES {
            if !sentence.contains(b) {
                continue;
            }
            if sentence.contains("untick") {
                untick.push(b);
            } else if sentence.contains("tick") {
                tick.push(b);
            }
        }
    }
    (tick, untick)
}

#[test]
fn point_8_a_fix_never_asks_to_untick_a_box_that_is_already_unticked() {
    let states = [json!(true), json!(false), Value::Null];
    for path in ["v3", "teams"] {
        let req = if path == "teams" {
            request_with(json!({"path": "teams", "preset": "calendar-scheduler", "region": "us"}))
        } else {
            request()
        };
        for access in &states {
            for id in &states {
                let app = implicit(good_app(), access.clone(), id.clone());
                let f = check(&app, &req, ImplicitGrant);
                let ctx = format!("{path}, access {access}, id {id}: {:?}", f.fix);
                let Some(fix) = f.fix.as_deref() else {
                    assert_eq!(f.status, Pass, "{ctx}");
                    continue;
                };
                let (tick, untick) = ticks_and_unticks(fix);
                let value = |b: &str| if b == "Access tokens" { access } else { id };
                // Untick only what is ticked; tick only what isn't known to be.
                for b in untick {
                    assert_eq!(value(b), &json!(true), "untick {b}? {ctx}");
                }
                for b in tick {
                    assert_ne!(value(b), &json!(true), "tick {b}? {ctx}");
                }
            }
        }
    }

    // Only ID tokens ticked on v3: the fix unticks that box alone.
    let app = implicit(good_app(), json!(false), json!(true));
    let f = expect(&app, &request(), ImplicitGrant, Warn);
    let fix = f.fix.unwrap();
    assert!(fix.contains("untick ID tokens under"), "{fix}");
    assert!(!fix.contains("Access tokens"), "{fix}");
    // Both ticked: both named.
    let app = implicit(good_app(), json!(true), json!(true));
    let fix = expect(&app, &request(), ImplicitGrant, Warn).fix.unwrap();
    assert!(fix.contains("untick Access tokens and ID tokens"), "{fix}");

    // Teams, access tokens already on: only ID tokens to tick.
    let teams =
        request_with(json!({"path": "teams", "preset": "calendar-scheduler", "region": "us"}));
    let app = implicit(good_app(), json!(true), json!(false));
    let f = expect(&app, &teams, ImplicitGrant, Fail);
    assert_eq!(f.title, "Turn on ID tokens for Teams");
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("tick ID tokens,") && !fix.contains("Access tokens"),
        "{fix}"
    );
    // One box off, the other not in the file: tick the one, check the other.
    let app = implicit(good_app(), json!(false), Value::Null);
    let fix = expect(&app, &teams, ImplicitGrant, Fail).fix.unwrap();
    assert!(
        fix.contains("tick Access tokens,") && fix.contains("Check that ID tokens is ticked too"),
        "{fix}"
    );

    // The same in the Azure AD Graph format's two switches.
    let aad = json!({"appId": APP_ID, "signInAudience": "AzureADMultipleOrgs",
        "replyUrlsWithType": [{"url": US3, "type": "Web"}],
        "oauth2AllowImplicitFlow": false, "oauth2AllowIdTokenImplicitFlow": true});
    let fix = expect(&aad, &request(), ImplicitGrant, Warn).fix.unwrap();
    assert!(
        fix.contains("untick ID tokens under") && !fix.contains("Access tokens"),
        "{fix}"
    );

    // "Allow public client flows": "set to No" only when it is on.
    for on in [json!(false), Value::Null] {
        let f = check(
            &with(good_app(), "isFallbackPublicClient", on),
            &request(),
            PublicClient,
        );
        assert!(!f.fix.unwrap_or_default().contains("to No"));
    }
}

const OWN_SCOPE: &str = "d3c2b1a0-9f8e-4d7c-a6b5-4a3928170615";
const OWN_ROLE: &str = "6e5d4c3b-2a19-4f08-b7e6-d5c4b3a29180";
const OTHER_API: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

#[test]
fn point_8_the_apps_own_api_is_called_your_apps_own_api() {
    // Microsoft Graph format: the app asks for its own exposed scope.
    let mut app = good_app();
    app["api"]["oauth2PermissionScopes"] =
        json!([{"id": OWN_SCOPE, "value": "Bookings.Read", "type": "User", "isEnabled": true}]);
    app["appRoles"] = json!([{"id": OWN_ROLE, "value": "Bookings.Sync.All", "allowedMemberTypes": ["Application"], "isEnabled": true}]);
    app["requiredResourceAccess"].as_array_mut().unwrap().push(
        json!({"resourceAppId": APP_ID, "resourceAccess": [{"id": OWN_SCOPE, "type": "Scope"}]}),
    );
    let read = parse_manifest_value(&app).unwrap();
    assert_eq!(read.exposed_permission_ids, [OWN_SCOPE, OWN_ROLE]);
    assert!(is_own_api(&read, APP_ID));
    assert!(is_own_api(&read, &APP_ID.to_ascii_uppercase()));
    assert_eq!(api_name(&read, APP_ID), "your app's own API");
    assert_eq!(OWN_API, "your app's own API");
    // Microsoft's APIs keep their names; another API stays "the API <id>".
    assert_eq!(api_name(&read, GRAPH), "Microsoft Graph");
    assert!(!is_own_api(&read, OTHER_API));
    assert_eq!(api_name(&read, OTHER_API), format!("the API {OTHER_API}"));

    // Without the appId (a fragment, a trimmed copy), the app's own scope or
    // app role under an API names it; the Azure AD Graph format's
    // `oauth2Permissions` counts as well.
    for (exposed, kind, id) in [
        (
            json!({"oauth2Permissions": [{"id": OWN_SCOPE, "value": "user_impersonation"}]}),
            "Scope",
            OWN_SCOPE,
        ),
        (
            json!({"api": {"oauth2PermissionScopes": [{"id": OWN_SCOPE}]}}),
            "Scope",
            OWN_SCOPE,
        ),
        (json!({"appRoles": [{"id": OWN_ROLE}]}), "Role", OWN_ROLE),
    ] {
        let mut app = exposed.clone();
        app["requiredResourceAccess"] = json!([
            {"resourceAppId": OTHER_API, "resourceAccess": [{"id": id, "type": kind}]},
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": id, "type": kind}]}
        ]);
        let read = parse_manifest_value(&app).unwrap();
        assert!(is_own_api(&read, OTHER_API), "{exposed}");
        assert_eq!(api_name(&read, OTHER_API), OWN_API);
        // Never Microsoft's own APIs, whatever ids a template reuses.
        assert!(!is_own_api(&read, GRAPH), "{exposed}");
    }

    // A placeholder is no API, even when the appId is the same placeholder.
    let placeholder = json!({"appId": "<your-app-id>", "requiredResourceAccess": [
        {"resourceAppId": "<your-app-id>", "resourceAccess": [{"id": OWN_SCOPE, "type": "Scope"}]}]});
    let read = parse_manifest_value(&placeholder).unwrap();
    assert!(!is_own_api(&read, "<your-app-id>"));

    // The corpus manifest with its own API reads its exposed scope.
    let corpus = parse_manifest(&corpus_text("own-api-permissions")).unwrap();
    let own = corpus.app_id.clone().unwrap();
    assert_eq!(api_name(&corpus, &own), OWN_API);
}

fn corpus_text(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/manifests/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn point_8_azure_cli_output_is_described_as_azure_cli_output() {
    // Before Azure CLI 2.37 (Azure AD Graph): newer and legacy field names
    // side by side. Read field by field, named as Azure CLI output alone.
    let old = parse_manifest(&corpus_text("azure-cli-create-aad-graph")).unwrap();
    assert_eq!(old.formats, [ManifestFormat::AzureCli]);
    assert!(
        old.notes[0].contains("az ad app create or az ad app show printed before Azure CLI 2.37"),
        "{:?}",
        old.notes
    );
    assert!(
        old.notes.iter().all(|n| !n.contains("mix")),
        "{:?}",
        old.notes
    );
    assert_eq!(old.sign_in_audience.as_deref(), Some("AzureADMultipleOrgs"));
    assert_eq!(old.implicit_grant.id_tokens, Some(true));
    assert_eq!(old.implicit_grant.access_tokens, Some(false));
    assert_eq!(
        old.object_id.as_deref(),
        Some("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d")
    );
    assert_eq!(old.redirect_uris.len(), 1);
    assert_eq!(old.password_credentials.as_ref().unwrap().len(), 1);
    assert_eq!(
        ManifestFormat::AzureCli.label(),
        "Azure CLI output (az ad app create or show)"
    );

    // Azure CLI 2.37 or later (Microsoft Graph, with `@odata.context`).
    let new = parse_manifest(&corpus_text("azure-cli-create-graph")).unwrap();
    assert_eq!(new.formats, [ManifestFormat::AzureCli]);
    assert!(
        new.notes[0].starts_with("This is what az ad app create or az ad app show prints"),
        "{:?}",
        new.notes
    );
    assert_eq!(new.uris_on(wizard_core::manifest::Platform::Web).count(), 1);

    // The markers decide, not the field names: a hand-mixed manifest stays
    // a mix, and a legacy manifest with the old entity's `odata.type` stays
    // legacy.
    let mixed = parse_manifest(&corpus_text("mixed-format")).unwrap();
    assert_eq!(
        mixed.formats,
        [ManifestFormat::MicrosoftGraph, ManifestFormat::AzureAdGraph]
    );
    let legacy = parse_manifest(&corpus_text("legacy-format")).unwrap();
    assert_eq!(legacy.formats, [ManifestFormat::Legacy]);
    // A Graph list response's wrapper isn't the app's own marker.
    let listed = parse_manifest(&corpus_text("graph-list-response")).unwrap();
    assert!(!listed.formats.contains(&ManifestFormat::AzureCli));

    // `az ad app list` prints a list: one app in it is checked, with a note.
    let one =
        json!([serde_json::from_str::<Value>(&corpus_text("azure-cli-create-graph")).unwrap()]);
    let app = parse_manifest_value(&one).unwrap();
    assert_eq!(
        app.app_id.as_deref(),
        Some("7d6c5b4a-3e2f-4a1b-9c8d-0e1f2a3b4c5d")
    );
    assert!(
        app.notes.iter().any(|n| n.contains("az ad app list")),
        "{:?}",
        app.notes
    );
    let two = json!([{"appId": "a"}, {"appId": "b"}]);
    let e = parse_manifest_value(&two).unwrap_err();
    assert_eq!(e.code, ErrorCode::ManifestInvalid);
    assert!(
        e.message.contains("lists 2 app registrations"),
        "{}",
        e.message
    );

    // A service principal (`az ad sp show`, either era) is not the app
    // registration: refused in plain words, never audited as one.
    for sp in [
        json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
            "appId": APP_ID, "servicePrincipalType": "Application", "replyUrls": [], "passwordCredentials": []}),
        json!({"odata.metadata": "https://graph.windows.net/t/$metadata#directoryObjects/@Element",
            "odata.type": "Microsoft.DirectoryServices.ServicePrincipal", "objectType": "ServicePrincipal",
            "appId": APP_ID, "replyUrls": [], "passwordCredentials": []}),
    ] {
        let e = parse_manifest_value(&sp).unwrap_err();
        assert_eq!(e.code, ErrorCode::ManifestInvalid);
        assert!(e.message.contains("service principal"), "{}", e.message);
        assert!(e.hint.unwrap().contains("az ad app show"));
        assert!(parse_manifest_value(&json!([sp])).is_err());
    }
}
