//! client_secret: exists, expiry (fail / warn within 30 days / pass), and a
//! pasted value that looks like the secret ID (AADSTS7000215).

mod audit_support;

use audit_support::*;
use serde_json::{json, Value};
use wizard_core::audit::{AuditRequest, CheckId::*, FindingStatus::*, PastedSecret};

fn secrets(list: Value) -> Value {
    with(good_app(), "passwordCredentials", list)
}

fn secret(end: &str) -> Value {
    json!({"keyId": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "displayName": "s", "hint": "q8F", "endDateTime": end})
}

fn pasted(value: &str) -> AuditRequest {
    let mut r = request();
    r.pasted_secret = Some(PastedSecret::new(value));
    r
}

#[test]
fn expiry_thresholds() {
    let cases = [
        ("2026-05-31T23:59:59Z", Fail),
        ("2026-06-01T00:00:00Z", Fail),
        ("2026-06-02T00:00:00Z", Warn),
        ("2026-06-30T00:00:00Z", Warn),
        ("2026-07-01T00:00:00Z", Warn),
        ("2026-07-02T00:00:00Z", Pass),
    ];
    for (end, status) in cases {
        let f = check(&secrets(json!([secret(end)])), &request(), ClientSecret);
        assert_eq!(f.status, status, "{end}: {}", f.title);
        assert_eq!(f.details["expires"], end);
    }
    let f = expect(
        &secrets(json!([secret("2026-06-15T00:00:00Z")])),
        &request(),
        ClientSecret,
        Warn,
    );
    assert_eq!(f.details["days_left"], 14);
    assert!(f.title.contains("15 June 2026"));
}

#[test]
fn no_secret_and_unknown_secrets() {
    let f = expect(&secrets(json!([])), &request(), ClientSecret, Fail);
    assert!(f.fix.unwrap().contains("New client secret"));
    expect(
        &without(good_app(), "passwordCredentials"),
        &request(),
        ClientSecret,
        Warn,
    );
    expect(
        &secrets(json!([{"keyId": "k", "displayName": "no date"}])),
        &request(),
        ClientSecret,
        Warn,
    );
}

#[test]
fn the_newest_secret_counts() {
    let two = secrets(json!([
        secret("2025-01-01T00:00:00Z"),
        secret("2027-01-01T00:00:00Z")
    ]));
    let f = expect(&two, &request(), ClientSecret, Pass);
    assert_eq!(f.details["expired_count"], 1);
    assert!(f.explanation.contains("older secret"));
    let all_old = secrets(json!([
        secret("2025-01-01T00:00:00Z"),
        secret("2026-01-01T00:00:00Z")
    ]));
    let f = expect(&all_old, &request(), ClientSecret, Fail);
    assert_eq!(f.title, "Both of your app's client secrets have expired");
    // Azure AD Graph spelling of the dates.
    let aad = json!({"appId": APP_ID, "passwordCredentials": [{"endDate": "2024-10-04T12:11:36.707Z", "keyId": "k", "value": null}]});
    expect(&aad, &request(), ClientSecret, Fail);
}

#[test]
fn pasted_secret_id_is_flagged_without_echoing_it() {
    let f = expect(
        &good_app(),
        &pasted("7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"),
        ClientSecret,
        Warn,
    );
    assert!(
        f.explanation
            .contains("Secret ID of one of this app's secrets"),
        "{}",
        f.explanation
    );
    assert!(f.prevents.contains(&"AADSTS7000215".to_owned()));
    let f = expect(
        &good_app(),
        &pasted("0f0e0d0c-0b0a-4909-8807-060504030201"),
        ClientSecret,
        Warn,
    );
    assert_eq!(f.details["looks_like_secret_id"], true);
    // The value never appears anywhere in the report or in Debug output.
    let value = "q8F~Zk2_aVeryRealLookingSecretValue";
    let req = pasted(value);
    let report = audit(&good_app(), &req);
    assert!(!serde_json::to_string(&report).unwrap().contains(value));
    assert!(!format!("{report:?}{req:?}").contains(value));
    assert!(!serde_json::to_string(&req).unwrap().contains(value));
}

#[test]
fn pasted_secret_id_is_flagged_even_when_the_file_lists_no_secrets() {
    // A manifest fragment without passwordCredentials: the secrets can't be
    // seen, but a GUID pasted as the secret is still worth a warning.
    let fragment = json!({"appId": APP_ID});
    let f = expect(&fragment, &request(), ClientSecret, Warn);
    assert_eq!(f.title, "We couldn't see your app's client secrets");
    let f = expect(
        &fragment,
        &pasted("0f0e0d0c-0b0a-4909-8807-060504030201"),
        ClientSecret,
        Warn,
    );
    assert_eq!(
        f.title,
        "You may have entered the secret ID, not the secret value"
    );
    assert_eq!(f.details["looks_like_secret_id"], true);
}

#[test]
fn pasted_value_picks_its_secret_by_hint() {
    // The older secret (hint "Ab1") is about to expire; the newer one is fine.
    let two = secrets(json!([
        {"keyId": "a", "hint": "Ab1", "endDateTime": "2026-06-10T00:00:00Z"},
        {"keyId": "b", "hint": "Zz9", "endDateTime": "2028-01-01T00:00:00Z"}
    ]));
    expect(&two, &request(), ClientSecret, Pass);
    let f = expect(&two, &pasted("Ab1~restOfTheValue"), ClientSecret, Warn);
    assert_eq!(f.details["key_id"], "a");
    assert_eq!(f.details["matched_pasted_secret"], true);
    let expired = secrets(json!([
        {"keyId": "a", "hint": "Ab1", "endDateTime": "2026-01-10T00:00:00Z"},
        {"keyId": "b", "hint": "Zz9", "endDateTime": "2028-01-01T00:00:00Z"}
    ]));
    let f = expect(&expired, &pasted("Ab1~restOfTheValue"), ClientSecret, Fail);
    assert_eq!(f.title, "The client secret you entered has expired");
}

#[test]
fn point_12_an_undated_secret_is_not_called_expired() {
    // One secret expired, another without a readable expiry date: it may be
    // the one Nylas uses, so this is a warning that says what we couldn't
    // read, not "all your secrets have expired".
    let app = secrets(json!([
        secret("2025-01-01T00:00:00Z"),
        {"keyId": "k2", "displayName": "no date", "endDateTime": "someday"}
    ]));
    let f = expect(&app, &request(), ClientSecret, Warn);
    assert!(f.title.starts_with("We couldn't see"), "{}", f.title);
    assert!(
        f.explanation
            .contains("1 of your app's secrets has expired"),
        "{}",
        f.explanation
    );
    assert!(f.fix.unwrap().contains("Expires column"));
    // Only dated secrets, all expired: a known failure.
    let all = secrets(json!([
        secret("2025-01-01T00:00:00Z"),
        secret("2025-02-01T00:00:00Z")
    ]));
    expect(&all, &request(), ClientSecret, Fail);
}
