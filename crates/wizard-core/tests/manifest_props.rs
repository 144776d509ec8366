//! Property tests: arbitrary JSON, arbitrary text and arbitrary
//! manifest-shaped objects never make the reader or the audit panic, and the
//! audit always answers all 13 checks.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use wizard_core::audit::{run_audit, AuditRequest, CheckId, PastedSecret, Tenancy};
use wizard_core::manifest::{parse_manifest, parse_manifest_value};
use wizard_core::paths::AuditPath;
use wizard_core::regions::Region;
use wizard_core::scopes::Feature;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Mostly real manifest keys, sometimes junk.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "appId",
            "id",
            "objectId",
            "displayName",
            "name",
            "signInAudience",
            "availableToOtherTenants",
            "api",
            "requestedAccessTokenVersion",
            "accessTokenAcceptedVersion",
            "web",
            "spa",
            "publicClient",
            "redirectUris",
            "implicitGrantSettings",
            "enableAccessTokenIssuance",
            "enableIdTokenIssuance",
            "replyUrlsWithType",
            "replyUrls",
            "url",
            "type",
            "requiredResourceAccess",
            "resourceAppId",
            "resourceAccess",
            "passwordCredentials",
            "endDateTime",
            "endDate",
            "keyId",
            "hint",
            "value",
            "secretText",
            "verifiedPublisher",
            "verifiedPublisherId",
            "oauth2AllowImplicitFlow",
            "oauth2AllowIdTokenImplicitFlow",
            "isFallbackPublicClient",
            "allowPublicClient",
            "keyCredentials",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z@.]{1,12}",
    ]
}

fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "https://api.us.nylas.com/v3/connect/callback",
            "https://api.eu.nylas.com/v3/connect/callback/",
            "HTTP://api.us.nylas.com/v3/connect/callback",
            "https://beta.eu.nylas.com/connect/callback",
            "https://api.nylas.com/oauth/callback",
            "http://localhost:3000/cb",
        ])
        .prop_map(str::to_owned),
        ".{0,60}",
    ]
}

fn guid() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
            "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
            "b633e1c5-b582-4048-a93e-9f11b44c7e96",
            "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
            "00000003-0000-0000-c000-000000000000",
            "00000002-0000-0ff1-ce00-000000000000",
        ])
        .prop_map(str::to_owned),
        "[0-9a-fA-F]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ".{0,10}",
    ]
}

fn date() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1990i32..2100, 1u8..13, 1u8..29)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}T10:00:00Z"))),
        Just(json!("0000-01-01T00:00:00Z")),
        Just(json!("9999-12-31T23:59:59Z")),
        any_json(),
    ]
}

/// Objects shaped like manifests of any format, with plausible and odd values.
fn manifest() -> impl Strategy<Value = Value> {
    let access = (
        guid(),
        guid(),
        prop::sample::select(vec!["Scope", "Role", "scope", "Other"]),
    )
        .prop_map(
            |(r, id, t)| json!({"resourceAppId": r, "resourceAccess": [{"id": id, "type": t}]}),
        );
    let secret = (date(), guid(), ".{0,5}").prop_map(
        |(end, key, hint)| json!({"endDateTime": end, "endDate": end, "keyId": key, "hint": hint}),
    );
    (
        guid(),
        prop::sample::select(vec!["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount", "x"]),
        prop::collection::vec(uri(), 0..4),
        prop::collection::vec(uri(), 0..3),
        prop::collection::vec(access, 0..5),
        prop::collection::vec(secret, 0..3),
        any::<(bool, bool, bool)>(),
        prop::collection::btree_map(key(), any_json(), 0..6),
    )
        .prop_map(|(app_id, audience, web, spa, rra, secrets, (a, i, legacy), extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            m.insert("appId".into(), json!(app_id));
            m.insert("requiredResourceAccess".into(), json!(rra));
            m.insert("passwordCredentials".into(), json!(secrets));
            if legacy {
                m.insert("availableToOtherTenants".into(), json!(a));
                m.insert("replyUrls".into(), json!(web));
                m.insert("replyUrlsWithType".into(), json!(spa.iter().map(|u| json!({"url": u, "type": "Spa"})).collect::<Vec<_>>()));
                m.insert("oauth2AllowImplicitFlow".into(), json!(i));
            } else {
                m.insert("signInAudience".into(), json!(audience));
                m.insert("web".into(), json!({"redirectUris": web, "implicitGrantSettings": {"enableAccessTokenIssuance": a, "enableIdTokenIssuance": i}}));
                m.insert("spa".into(), json!({"redirectUris": spa}));
            }
            Value::Object(m)
        })
}

fn request() -> impl Strategy<Value = AuditRequest> {
    (
        prop::sample::select(AuditPath::ALL.to_vec()),
        prop::sample::subsequence(Feature::ALL.to_vec(), 0..5),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![Tenancy::Single, Tenancy::Multi])),
        prop::option::of(prop_oneof![Just("common".to_owned()), ".{0,20}"]),
        prop::collection::vec(uri(), 0..3),
        (-1_000_000_000i64..4_000_000_000i64),
        prop::option::of(".{0,40}"),
        prop::option::of(guid()),
    )
        .prop_map(
            |(path, features, eu, tenancy, tenant, callbacks, secs, secret, client_id)| {
                AuditRequest {
                    path,
                    preset: None,
                    features,
                    region: if eu { Region::Eu } else { Region::Us },
                    tenancy,
                    tenant,
                    client_id,
                    callback_uris: callbacks,
                    now: time::OffsetDateTime::from_unix_timestamp(secs).ok(),
                    pasted_secret: secret.map(PastedSecret::new),
                }
            },
        )
}

fn audit_answers_everything(app: &Value, req: &AuditRequest) {
    let Ok(app) = parse_manifest_value(app) else {
        return;
    };
    // An impossible request (no features for v3…) is an error, not a panic.
    let Ok(report) = run_audit(&app, req) else {
        return;
    };
    assert_eq!(report.findings.len(), CheckId::ALL.len());
    let s = report.summary;
    assert_eq!(s.pass + s.warn + s.fail, CheckId::ALL.len());
    for f in &report.findings {
        assert!(!f.title.is_empty() && !f.explanation.is_empty());
        assert!(f.portal_link.starts_with("https://portal.azure.com/"));
    }
    serde_json::to_string(&report).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = parse_manifest(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_json()) {
        let _ = parse_manifest_value(&v);
        let _ = parse_manifest(&v.to_string());
    }

    #[test]
    fn arbitrary_json_objects_audit_without_panicking(v in any_json(), req in request()) {
        audit_answers_everything(&v, &req);
    }

    #[test]
    fn arbitrary_manifests_audit_without_panicking(m in manifest(), req in request()) {
        audit_answers_everything(&m, &req);
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_manifest(&deep).is_err());
    let deep_obj = format!("{{\"appId\":{}1{}}}", "[".repeat(5_000), "]".repeat(5_000));
    let _ = parse_manifest(&deep_obj);
}
