//! redirect_uris (byte for byte on Web; every near miss named) and
//! implicit_grant.

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{CheckId::*, FindingStatus::*};

fn web(uris: &[&str]) -> Value {
    json!({"redirectUris": uris, "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}})
}

fn reasons(f: &wizard_core::audit::Finding) -> Vec<Vec<String>> {
    f.details["near_misses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn exact_uri_on_web_passes() {
    let f = expect(&good_app(), &request(), RedirectUris, Pass);
    assert_eq!(f.details["missing"], json!([]));
    // Both regions registered: fine for either.
    let both = with(good_app(), "web", web(&[EU3, US3]));
    expect(&both, &request(), RedirectUris, Pass);
    expect(
        &both,
        &request_with(json!({"region": "eu"})),
        RedirectUris,
        Pass,
    );
}

#[test]
fn each_near_miss_is_named() {
    let cases: [(&str, &str); 9] = [
        (
            "https://api.us.nylas.com/v3/connect/callback/",
            "trailing_slash",
        ),
        ("https://api.US.nylas.com/v3/connect/callback", "case"),
        ("HTTPS://api.us.nylas.com/v3/connect/callback", "case"),
        (
            " https://api.us.nylas.com/v3/connect/callback ",
            "whitespace",
        ),
        (
            "http://api.us.nylas.com/v3/connect/callback",
            "http_vs_https",
        ),
        (EU3, "other_region"),
        ("https://beta.us.nylas.com/connect/callback", "other_host"),
        ("https://api.nylas.com/oauth/callback", "other_host"),
        (
            "https://api.us.nylas.com/v3/connect/oauth/callback",
            "other_path",
        ),
    ];
    for (found, reason) in cases {
        let f = expect(
            &with(good_app(), "web", web(&[found])),
            &request(),
            RedirectUris,
            Fail,
        );
        assert_eq!(f.details["missing"], json!([US3]), "{found}");
        assert_eq!(reasons(&f), [vec![reason.to_owned()]], "{found}");
        assert_eq!(f.details["near_misses"][0]["found"], found);
        assert!(
            f.explanation.contains(found),
            "the explanation names the near miss: {}",
            f.explanation
        );
    }
}

#[test]
fn misplaced_on_spa_or_public_client() {
    for (key, platform) in [("spa", "spa"), ("publicClient", "publicClient")] {
        let app = with(
            with(good_app(), "web", web(&[])),
            key,
            json!({"redirectUris": [US3]}),
        );
        let f = expect(&app, &request(), RedirectUris, Fail);
        assert_eq!(
            f.details["misplaced"],
            json!([{"uri": US3, "platform": platform}])
        );
        assert_eq!(reasons(&f), [vec!["platform".to_owned()]]);
        assert!(
            f.fix.unwrap().contains("Add a platform → Web"),
            "no Web platform yet"
        );
    }
    // Azure AD Graph format: the same mistake via replyUrlsWithType.
    let aad = json!({"appId": APP_ID, "replyUrlsWithType": [{"url": US3, "type": "Spa"}]});
    let f = expect(&aad, &request(), RedirectUris, Fail);
    assert_eq!(f.details["misplaced"][0]["platform"], "spa");
}

#[test]
fn several_reasons_at_once() {
    let app = with(
        good_app(),
        "spa",
        json!({"redirectUris": ["HTTP://api.us.nylas.com/v3/connect/callback/"]}),
    );
    let app = with(app, "web", web(&["https://app.example.com/cb"]));
    let f = expect(&app, &request(), RedirectUris, Fail);
    assert_eq!(
        reasons(&f),
        // `HTTP://` is upper case as well as http: Microsoft compares URIs
        // case-sensitively, so both are named.
        [vec!["trailing_slash", "http_vs_https", "case", "platform"]]
    );
    assert!(f
        .fix
        .unwrap()
        .contains("Platform configurations → Web → Add URI"));
}

#[test]
fn unrelated_uris_are_not_near_misses() {
    let f = expect(
        &with(good_app(), "web", web(&["https://example.com/auth"])),
        &request(),
        RedirectUris,
        Fail,
    );
    assert_eq!(f.details["near_misses"], json!([]));
}

#[test]
fn teams_and_v2_use_their_own_hosts() {
    let teams_req = request_with(
        json!({"path": "teams", "preset": null, "features": ["calendar-write"], "region": "eu"}),
    );
    let app = with(
        good_app(),
        "web",
        web(&["https://beta.eu.nylas.com/connect/callback"]),
    );
    expect(&app, &teams_req, RedirectUris, Pass);
    let f = expect(&good_app(), &teams_req, RedirectUris, Fail);
    assert_eq!(
        reasons(&f),
        [vec!["other_host".to_owned(),]],
        "the v3 US URI is the wrong host and region for Teams EU"
    );
    // v2: the hosted-auth URI is only needed with Hosted Auth.
    let v2 =
        request_with(json!({"path": "v2-events", "preset": null, "features": ["calendar-write"]}));
    let f = expect(&good_app(), &v2, RedirectUris, Warn);
    assert_eq!(
        f.details["missing"],
        json!(["https://api.nylas.com/oauth/callback"])
    );
}

#[test]
fn callback_uris_are_validated() {
    let req = request_with(
        json!({"callback_uris": ["https://app.example.com/cb", "http://localhost:3000/cb"]}),
    );
    let f = expect(&good_app(), &req, RedirectUris, Pass);
    assert_eq!(f.details["callbacks"][1]["valid"], true);
    for bad in ["http://app.example.com/cb", "https://app.example.com/cb#x"] {
        let f = expect(
            &good_app(),
            &request_with(json!({"callback_uris": [bad]})),
            RedirectUris,
            Fail,
        );
        assert!(f.explanation.contains(bad));
        assert_eq!(f.details["callbacks"][0]["valid"], false);
    }
    let long = format!("https://app.example.com/{}", "x".repeat(250));
    expect(
        &good_app(),
        &request_with(json!({"callback_uris": [long]})),
        RedirectUris,
        Fail,
    );
}

#[test]
fn implicit_grant_for_teams_and_v3() {
    let teams =
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]}));
    let grant = |a: Value, i: Value| {
        with(
            good_app(),
            "web",
            json!({"redirectUris": ["https://beta.us.nylas.com/connect/callback"], "implicitGrantSettings": {"enableAccessTokenIssuance": a, "enableIdTokenIssuance": i}}),
        )
    };
    expect(
        &grant(json!(true), json!(true)),
        &teams,
        ImplicitGrant,
        Pass,
    );
    let f = expect(
        &grant(json!(true), json!(false)),
        &teams,
        ImplicitGrant,
        Fail,
    );
    assert!(f.title.contains("ID tokens"));
    let f = expect(
        &grant(json!(false), json!(false)),
        &teams,
        ImplicitGrant,
        Fail,
    );
    assert!(f.title.contains("Access tokens and ID tokens"));
    expect(
        &grant(json!(null), json!(true)),
        &teams,
        ImplicitGrant,
        Warn,
    );
    // v3 doesn't need implicit grant: on is worth a look, off is good.
    expect(
        &grant(json!(true), json!(false)),
        &request(),
        ImplicitGrant,
        Warn,
    );
    expect(&good_app(), &request(), ImplicitGrant, Pass);
    // Azure AD Graph flags.
    let aad = json!({"appId": APP_ID, "oauth2AllowImplicitFlow": true, "oauth2AllowIdTokenImplicitFlow": true, "replyUrlsWithType": []});
    expect(&aad, &teams, ImplicitGrant, Pass);
}

#[test]
fn point_10_legacy_implicit_flow_is_read_for_both_token_kinds() {
    let teams =
        request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]}));
    // A pre-2019 manifest: one switch, `oauth2AllowImplicitFlow`, which
    // covered access tokens and ID tokens alike.
    let legacy = |on: bool| {
        json!({
            "appId": APP_ID, "objectId": OBJECT_ID, "availableToOtherTenants": true,
            "replyUrls": ["https://beta.us.nylas.com/connect/callback"],
            "oauth2AllowImplicitFlow": on,
        })
    };
    let f = expect(&legacy(true), &teams, ImplicitGrant, Pass);
    assert!(!f.title.contains("couldn't see"), "{}", f.title);
    assert_eq!(f.details["id_tokens"], true);
    let f = expect(&legacy(false), &teams, ImplicitGrant, Fail);
    assert_eq!(f.title, "Turn on Access tokens and ID tokens for Teams");
    // On v3 (which doesn't need it) the same switch reads as known too.
    let f = expect(&legacy(true), &request(), ImplicitGrant, Warn);
    assert!(f.title.contains("doesn't need it"), "{}", f.title);
    expect(&legacy(false), &request(), ImplicitGrant, Pass);
    // The Azure AD Graph format has a separate ID-token switch: without it
    // we really didn't see the ID-token setting.
    let aad = json!({"appId": APP_ID, "oauth2AllowImplicitFlow": true, "replyUrlsWithType": []});
    let f = expect(&aad, &teams, ImplicitGrant, Warn);
    assert!(f.title.contains("couldn't see"), "{}", f.title);
}

#[test]
fn point_13_host_without_region_is_a_named_near_miss() {
    for (found, req, want) in [
        (
            "https://api.nylas.com/v3/connect/callback",
            request(),
            vec!["no_region"],
        ),
        (
            "https://api.nylas.com/v3/connect/callback",
            request_with(json!({"region": "eu"})),
            vec!["no_region"],
        ),
        (
            "https://api.nylas.com/v3/connect/callback/",
            request(),
            vec!["no_region", "trailing_slash"],
        ),
        (
            "https://beta.nylas.com/connect/callback",
            request_with(json!({"path": "teams", "preset": null, "features": ["calendar-write"]})),
            vec!["no_region"],
        ),
    ] {
        let f = expect(
            &with(good_app(), "web", web(&[found])),
            &req,
            RedirectUris,
            Fail,
        );
        assert_eq!(reasons(&f), [want], "{found}");
        assert!(
            f.explanation.contains(found)
                && f.explanation.contains("region")
                && f.explanation.contains("AADSTS50011"),
            "{}",
            f.explanation
        );
    }
    // The v2 US address has no region by design: not a near miss of v3's.
    let f = expect(
        &with(
            good_app(),
            "web",
            web(&["https://api.nylas.com/oauth/callback"]),
        ),
        &request(),
        RedirectUris,
        Fail,
    );
    assert_eq!(reasons(&f), [vec!["other_host".to_owned()]]);
}

#[test]
fn point_13_uri_only_under_spa_fails_at_the_code_exchange_with_9002327() {
    let spa_only = with(
        with(good_app(), "web", web(&[])),
        "spa",
        json!({"redirectUris": [US3]}),
    );
    let f = expect(&spa_only, &request(), RedirectUris, Fail);
    assert!(
        f.explanation.contains("AADSTS9002327") && f.explanation.contains("not AADSTS50011"),
        "{}",
        f.explanation
    );
    assert!(
        f.explanation.contains("Nylas's server"),
        "{}",
        f.explanation
    );
    assert!(f.title.contains("Single-page application"), "{}", f.title);
    let fix = f.fix.unwrap();
    assert!(
        fix.contains(
            "delete https://api.us.nylas.com/v3/connect/callback under Single-page application"
        ) && fix.contains("Add a platform → Web"),
        "{fix}"
    );
    assert!(f.prevents.contains(&"AADSTS9002327".to_owned()));
    // Browser-side redemption errors aren't something Nylas's exchange
    // produces, so the redirect check doesn't claim them.
    assert!(!f
        .prevents
        .iter()
        .any(|c| c == "AADSTS9002325" || c == "AADSTS9002326"));
    // Azure AD Graph format, same mistake.
    let aad = json!({"appId": APP_ID, "replyUrlsWithType": [{"url": US3, "type": "Spa"}]});
    let f = expect(&aad, &request(), RedirectUris, Fail);
    assert!(f.explanation.contains("AADSTS9002327"), "{}", f.explanation);
    // Under Mobile and desktop applications instead, the secret is refused.
    let native = with(
        with(good_app(), "web", web(&[])),
        "publicClient",
        json!({"redirectUris": [US3]}),
    );
    let f = expect(&native, &request(), RedirectUris, Fail);
    assert!(f.explanation.contains("AADSTS700025"), "{}", f.explanation);
    // A near miss under SPA (not the exact address) never reaches Nylas:
    // that is Microsoft's 50011 at sign-in.
    let near = with(
        with(good_app(), "web", web(&[])),
        "spa",
        json!({"redirectUris": [format!("{US3}/")]}),
    );
    let f = expect(&near, &request(), RedirectUris, Fail);
    assert!(
        f.explanation.contains("AADSTS50011") && !f.explanation.contains("9002327"),
        "{}",
        f.explanation
    );
}
