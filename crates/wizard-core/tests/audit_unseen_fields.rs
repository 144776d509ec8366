//! "We couldn't see" is a warning, never a pass: every check that reads one
//! manifest field says so when the file doesn't have it.

mod audit_support;

use audit_support::*;
use serde_json::json;
use wizard_core::audit::{CheckId, CheckId::*, FindingStatus::*};

/// The checks whose verdict rests on a field of the manifest, each with the
/// top-level keys that carry it in the test app (all formats' spellings).
const FIELDS: [(CheckId, &[&str]); 8] = [
    (ClientId, &["appId"]),
    (SignInAudience, &["signInAudience"]),
    (AccessTokenVersion, &["api"]),
    (RedirectUris, &["web", "spa", "publicClient"]),
    (ImplicitGrant, &["web"]),
    (PublicClient, &["isFallbackPublicClient"]),
    (ClientSecret, &["passwordCredentials"]),
    (PublisherVerification, &["verifiedPublisher"]),
];

#[test]
fn point_12_unseen_fields_are_warnings_never_passes() {
    for (check, keys) in FIELDS {
        let mut app = good_app();
        for k in keys {
            app = without(app, k);
        }
        for req in [
            request(),
            request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]})),
        ] {
            let f = audit_support::check(&app, &req, check);
            assert_eq!(f.status, Warn, "{check} without {keys:?}: {}", f.title);
            assert!(
                f.title.starts_with("We couldn't see"),
                "{check}: {}",
                f.title
            );
            let fix = f.fix.as_deref().unwrap_or_default();
            assert!(
                fix.starts_with("Check ") && fix.contains(" in the portal"),
                "{check}: {fix}"
            );
        }
    }
}

#[test]
fn point_12_a_file_with_almost_nothing_passes_nothing_it_cannot_see() {
    // A bare fragment: only the permissions. Every check of ours that reads
    // the manifest warns; none passes on a guess.
    let app = json!({"requiredResourceAccess": graph_access(vec![scope("User.Read")])});
    let r = audit(&app, &request());
    for (check, _) in FIELDS {
        let f = r.finding(check).unwrap();
        assert_eq!(f.status, Warn, "{check}: {}", f.title);
    }
}

#[test]
fn point_12_the_token_version_depends_on_who_can_sign_in() {
    // No token version and no account types: can't tell.
    let app = without(without(good_app(), "api"), "signInAudience");
    expect(&app, &request(), AccessTokenVersion, Warn);
    // `null` is version 1; with the account types unknown, still can't tell.
    let app = with(
        without(good_app(), "signInAudience"),
        "api",
        json!({"requestedAccessTokenVersion": null}),
    );
    let f = expect(&app, &request(), AccessTokenVersion, Warn);
    assert_eq!(f.details["requested_access_token_version"], 1);
    // Personal accounts allowed and no version in the file: unseen, not a
    // failure; `null` (version 1) is a known failure.
    let f = expect(
        &without(good_app(), "api"),
        &request(),
        AccessTokenVersion,
        Warn,
    );
    assert!(f.title.starts_with("We couldn't see"));
    expect(
        &with(
            good_app(),
            "api",
            json!({"requestedAccessTokenVersion": null}),
        ),
        &request(),
        AccessTokenVersion,
        Fail,
    );
    // Work and school accounts only: the version doesn't matter, seen or not.
    let org = with(
        without(good_app(), "api"),
        "signInAudience",
        json!("AzureADMultipleOrgs"),
    );
    expect(&org, &request(), AccessTokenVersion, Pass);
}

#[test]
fn point_12_implicit_grant_half_seen_is_not_a_pass() {
    // One switch seen off, the other not in the file: Nylas doesn't need
    // either, but we can't say both are off.
    let app = with(
        good_app(),
        "web",
        json!({"redirectUris": [US3], "implicitGrantSettings": {"enableAccessTokenIssuance": false}}),
    );
    expect(&app, &request(), ImplicitGrant, Warn);
    // A switch seen on is a known warning, whatever the other says.
    let app = with(
        good_app(),
        "web",
        json!({"redirectUris": [US3], "implicitGrantSettings": {"enableAccessTokenIssuance": true}}),
    );
    let f = expect(&app, &request(), ImplicitGrant, Warn);
    assert!(f.title.contains("doesn't need it"), "{}", f.title);
}

#[test]
fn point_12_redirect_uris_not_listed_are_not_missing() {
    let app = without(without(without(good_app(), "web"), "spa"), "publicClient");
    let f = expect(&app, &request(), RedirectUris, Warn);
    assert_eq!(f.details["listed"], false);
    assert_eq!(f.details["missing"], json!([]));
    assert!(f.explanation.contains(US3), "{}", f.explanation);
    // Listed but empty: that is a known gap, and a failure.
    let app = with(app, "web", json!({"redirectUris": []}));
    let f = expect(&app, &request(), RedirectUris, Fail);
    assert_eq!(f.details["missing"], json!([US3]));
    // A bad callback URI of the admin's own is still a failure.
    let bare = without(without(without(good_app(), "web"), "spa"), "publicClient");
    expect(
        &bare,
        &request_with(json!({"callback_uris": ["http://app.example.com/cb"]})),
        RedirectUris,
        Fail,
    );
}
