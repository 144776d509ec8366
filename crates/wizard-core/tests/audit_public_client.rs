//! public_client: "Allow public client flows" (Authentication → Advanced
//! settings), read from every manifest format.

mod audit_support;

use audit_support::*;
use serde_json::json;
use wizard_core::audit::{CheckId, CheckId::*, FindingStatus::*};

#[test]
fn point_11_public_client_flows_are_checked() {
    // Off: Nylas signs in as a confidential app with the secret.
    let f = expect(&good_app(), &request(), PublicClient, Pass);
    assert_eq!(f.details["allow_public_client_flows"], false);
    // The portal writes `null` for the default, which is off.
    let f = expect(
        &with(good_app(), "isFallbackPublicClient", json!(null)),
        &request(),
        PublicClient,
        Pass,
    );
    assert_eq!(f.details["allow_public_client_flows"], false);

    // On: worth a look, never a failure. Nylas's own sign-in goes through
    // its Web redirect URI and still works, and a tool of the admin's may
    // need the switch, so the fix says when to leave it.
    let on = with(good_app(), "isFallbackPublicClient", json!(true));
    let f = expect(&on, &request(), PublicClient, Warn);
    assert_eq!(f.details["allow_public_client_flows"], true);
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("Authentication → Advanced settings")
            && fix.contains("Allow public client flows to No")
            && fix.starts_with("Unless"),
        "{fix}"
    );
    assert!(f.explanation.contains("AADSTS700025"), "{}", f.explanation);
    assert!(f.portal_link.contains("/Authentication/appId/"));

    // Azure AD Graph and legacy spellings.
    let aad = json!({"appId": APP_ID, "allowPublicClient": true, "replyUrlsWithType": []});
    expect(&aad, &request(), PublicClient, Warn);
    let aad_off = json!({"appId": APP_ID, "allowPublicClient": false, "replyUrlsWithType": []});
    expect(&aad_off, &request(), PublicClient, Pass);
    let legacy =
        json!({"appId": APP_ID, "objectId": OBJECT_ID, "publicClient": true, "replyUrls": []});
    expect(&legacy, &request(), PublicClient, Warn);

    // Not in the file: a warning that says so (point 12).
    let f = expect(
        &without(good_app(), "isFallbackPublicClient"),
        &request(),
        PublicClient,
        Warn,
    );
    assert!(f.title.contains("couldn't see"), "{}", f.title);
}

#[test]
fn point_11_public_client_owns_aadsts7000218() {
    // Diagnose links an error to the check whose `prevents` lists it.
    assert_eq!(PublicClient.prevents(), ["AADSTS7000218"]);
    assert!(!ClientSecret.prevents().contains(&"AADSTS7000218"));
    for c in CheckId::ALL {
        if c != PublicClient {
            assert!(!c.prevents().contains(&"AADSTS7000218"), "{c}");
        }
    }
    let f = expect(&good_app(), &request(), PublicClient, Pass);
    assert_eq!(f.prevents, ["AADSTS7000218"]);
    assert!(f.explanation.contains("AADSTS7000218"), "{}", f.explanation);
}

#[test]
fn point_11_public_client_sits_with_the_authentication_checks() {
    let order = CheckId::ALL;
    let at = |c| order.iter().position(|&x| x == c).unwrap();
    assert_eq!(at(PublicClient), at(ImplicitGrant) + 1);
    assert_eq!(at(ClientSecret), at(PublicClient) + 1);
    assert_eq!(PublicClient.as_str(), "public_client");
}
