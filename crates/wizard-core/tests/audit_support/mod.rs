//! Helpers shared by the audit tests: build a manifest from a few fields and
//! run one check.

#![allow(dead_code)]

use serde_json::{json, Value};
use wizard_core::audit::{run_audit, AuditReport, AuditRequest, CheckId, Finding, FindingStatus};
use wizard_core::manifest::parse_manifest_value;

pub const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";
pub const OBJECT_ID: &str = "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
pub const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
pub const EXO: &str = "00000002-0000-0ff1-ce00-000000000000";
pub const US3: &str = "https://api.us.nylas.com/v3/connect/callback";
pub const EU3: &str = "https://api.eu.nylas.com/v3/connect/callback";
pub const NOW: &str = "2026-06-01T00:00:00Z";

/// A delegated Graph permission entry by name.
pub fn scope(name: &str) -> Value {
    let p = wizard_core::catalog::graph_scope(name).unwrap_or_else(|| panic!("{name}"));
    json!({"id": p.id, "type": "Scope"})
}

/// An application Graph permission entry by name.
pub fn role(name: &str) -> Value {
    let p = wizard_core::catalog::by_name(
        GRAPH,
        name,
        wizard_core::catalog::PermissionKind::Application,
    )
    .unwrap();
    json!({"id": p.id, "type": "Role"})
}

pub fn graph_access(entries: Vec<Value>) -> Value {
    json!([{ "resourceAppId": GRAPH, "resourceAccess": entries }])
}

/// A healthy v3 app (Microsoft Graph format) for a read-only inbox; tests
/// change one field at a time.
pub fn good_app() -> Value {
    json!({
        "id": OBJECT_ID,
        "appId": APP_ID,
        "displayName": "Test app",
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "isFallbackPublicClient": false,
        "api": {"requestedAccessTokenVersion": 2},
        "web": {"redirectUris": [US3], "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
        "spa": {"redirectUris": []},
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": graph_access(vec![scope("User.Read"), scope("offline_access"), scope("Mail.Read")]),
        "passwordCredentials": [{"keyId": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "displayName": "nylas", "hint": "q8F", "endDateTime": "2027-09-30T10:00:00Z"}],
        "verifiedPublisher": {"verifiedPublisherId": "6012345", "displayName": "Acme"}
    })
}

/// A v3 US request for a read-only inbox, multitenant, at `NOW`.
pub fn request() -> AuditRequest {
    serde_json::from_value(json!({"path": "v3", "preset": "read-only-inbox", "region": "us", "tenancy": "multi", "now": NOW})).unwrap()
}

pub fn request_with(v: Value) -> AuditRequest {
    let mut base = json!({"path": "v3", "preset": "read-only-inbox", "region": "us", "tenancy": "multi", "now": NOW});
    for (k, val) in v.as_object().unwrap() {
        base[k] = val.clone();
    }
    serde_json::from_value(base).unwrap()
}

pub fn audit(app: &Value, req: &AuditRequest) -> AuditReport {
    let app = parse_manifest_value(app).expect("test manifest parses");
    run_audit(&app, req).expect("audit runs")
}

pub fn check(app: &Value, req: &AuditRequest, id: CheckId) -> Finding {
    audit(app, req).finding(id).cloned().unwrap()
}

/// Asserts the status and returns the finding for further checks.
#[track_caller]
pub fn expect(app: &Value, req: &AuditRequest, id: CheckId, status: FindingStatus) -> Finding {
    let f = check(app, req, id);
    assert_eq!(f.status, status, "{id}: {} / {}", f.title, f.explanation);
    f
}

/// `app` with one top-level field replaced (or removed with `Value::Null`
/// when `remove` is true).
pub fn with(mut app: Value, key: &str, value: Value) -> Value {
    app[key] = value;
    app
}

pub fn without(mut app: Value, key: &str) -> Value {
    app.as_object_mut().unwrap().remove(key);
    app
}
