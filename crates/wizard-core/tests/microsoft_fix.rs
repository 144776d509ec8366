//! Fixing the app registration live against the sandbox, whose PATCH
//! replaces whole collections as Graph does: every fix keeps all the old
//! URIs and permissions, the re-audit passes what was fixed, and a second
//! run has nothing to do.

mod microsoft_support;

use std::collections::BTreeSet;

use microsoft_support::*;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use wizard_core::audit::{AuditRequest, CheckId, FindingStatus};
use wizard_core::microsoft::fix::{apply_fixes, plan_live};
use wizard_core::microsoft::{Access, GraphClient};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Scenario};

fn request() -> AuditRequest {
    serde_json::from_value(json!({
        "path": "v3", "preset": "read-only-inbox", "region": "us", "tenancy": "multi",
        "now": "2026-06-01T00:00:00Z"
    }))
    .unwrap()
}

/// Every (platform, URI) and (resource, id, type) of an app object.
fn entries(app: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in ["web", "spa", "publicClient"] {
        for u in app[p]["redirectUris"].as_array().into_iter().flatten() {
            out.insert(format!("{p} {}", u.as_str().unwrap()));
        }
    }
    for b in app["requiredResourceAccess"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for e in b["resourceAccess"].as_array().into_iter().flatten() {
            out.insert(format!("{} {} {}", b["resourceAppId"], e["id"], e["type"]));
        }
    }
    out
}

fn app_in(sb: &wizard_sandbox::SandboxHandle, app_id: &str) -> Value {
    sb.scenario().tenants[0]
        .applications
        .iter()
        .find(|a| a["appId"] == app_id)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn every_fix_keeps_the_old_entries_and_the_re_audit_passes() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Fix).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let req = request();
    let mut fixed = 0;
    for app in Scenario::live_apps().tenants[0].applications.clone() {
        let class = app["notes"]
            .as_str()
            .unwrap()
            .trim_start_matches("Audit failure class: ");
        let fixable = [
            ("redirect_uris", CheckId::RedirectUris),
            ("application_permissions", CheckId::ApplicationPermissions),
            ("offline_access", CheckId::OfflineAccess),
            ("access_token_version", CheckId::AccessTokenVersion),
        ];
        let Some((_, check)) = fixable.iter().find(|(c, _)| *c == class) else {
            continue;
        };
        let app_id = app["appId"].as_str().unwrap();
        let before = entries(&app_in(&sb, app_id));
        let outcome = apply_fixes(&graph, app_id, CONTOSO, &req, &cancel)
            .await
            .unwrap();
        assert!(!outcome.applied.is_empty(), "{class}: a plan");
        assert_eq!(
            outcome.after.report.finding(*check).unwrap().status,
            FindingStatus::Pass,
            "{class}: {:?}",
            outcome.applied.steps
        );
        let after = entries(&app_in(&sb, app_id));
        let moved: BTreeSet<String> = outcome
            .applied
            .steps
            .iter()
            .filter(|s| s.title.starts_with("Move "))
            .map(|s| format!("spa {}", s.id.trim_start_matches("redirect_uri:")))
            .collect();
        let replaced_roles = outcome
            .applied
            .steps
            .iter()
            .filter(|s| s.title.starts_with("Replace "))
            .count();
        let lost: Vec<&String> = before
            .difference(&after)
            .filter(|e| {
                let was_moved = moved.contains(*e);
                let was_replaced = replaced_roles > 0 && e.ends_with("\"Role\"");
                !was_moved && !was_replaced
            })
            .collect();
        assert!(lost.is_empty(), "{class}: lost {lost:?}");
        assert!(
            after.len() >= before.len() - moved.len() - replaced_roles,
            "{class}"
        );
        // Read, compare, write: nothing is left to do.
        let again = plan_live(&graph, app_id, CONTOSO, &req, &cancel)
            .await
            .unwrap();
        assert!(again.is_empty(), "{class}: {:?}", again.steps);
        fixed += 1;
    }
    assert_eq!(
        fixed, 5,
        "two redirect URI apps, Application permission, offline_access, token version"
    );
}

#[tokio::test]
async fn teams_gets_implicit_grant_turned_on_and_keeps_its_uris() {
    let app = fixture("teams-missing-implicit");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let req: AuditRequest =
        serde_json::from_value(fixture("teams-missing-implicit.expected")["request"].clone())
            .unwrap();
    let sb = start(scenario_with(app.clone(), None), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Fix).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let outcome = apply_fixes(&graph, &app_id, CONTOSO, &req, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        outcome.applied.steps.len(),
        1,
        "{:?}",
        outcome.applied.steps
    );
    assert_eq!(
        outcome
            .after
            .report
            .finding(CheckId::ImplicitGrant)
            .unwrap()
            .status,
        FindingStatus::Pass
    );
    let now = app_in(&sb, &app_id);
    assert_eq!(now["web"]["redirectUris"], app["web"]["redirectUris"]);
    assert_eq!(entries(&now), entries(&app));
}

#[tokio::test]
async fn the_plan_names_each_change_with_before_and_after() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let spa_app = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
    let plan = plan_live(
        &graph,
        spa_app,
        CONTOSO,
        &request(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let uri = "https://api.us.nylas.com/v3/connect/callback";
    assert_eq!(plan.steps.len(), 1, "{:?}", plan.steps);
    assert_eq!(plan.steps[0].id, format!("redirect_uri:{uri}"));
    assert_eq!(
        plan.steps[0].before,
        "Registered under Single-page application"
    );
    assert_eq!(
        plan.patch,
        json!({
            "web": {"redirectUris": ["https://app.acme.example/auth/done", uri]},
            "spa": {"redirectUris": []}
        })
    );
    // Planning changes nothing.
    assert_eq!(
        sb.calls("PATCH /graph/v1.0/applications/3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a03"),
        0
    );
}

#[tokio::test]
async fn applying_with_read_only_access_is_refused_in_plain_words() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let err = apply_fixes(
        &graph,
        "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c02",
        CONTOSO,
        &request(),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err
        .hint
        .unwrap()
        .contains("Cloud Application Administrator"));
    assert_eq!(
        app_in(&sb, "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c02")["web"]["redirectUris"],
        json!(["https://app.acme.example/auth/done"]),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_new_secret_goes_to_the_store_and_only_its_hint_comes_back() {
    use secrecy::ExposeSecret;
    use wizard_core::microsoft::new_secret::{create_client_secret, SecretLifetime};
    use wizard_core::secrets::{hint, MemorySecretStore, SecretName, SecretStore};
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Fix).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let store = MemorySecretStore::new();
    let object_id = "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a07";
    let created = create_client_secret(
        &graph,
        object_id,
        "Nylas (new)",
        SecretLifetime::OneYear,
        &store,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let value = store.get(SecretName::AzureClientSecret.as_str()).unwrap();
    assert_eq!(created.hint, hint(&value));
    assert!(!created.stored_persistently);
    let shown = serde_json::to_string(&created).unwrap() + &format!("{created:?}");
    assert!(!shown.contains(value.expose_secret()), "{shown}");
    let app = sb.scenario().tenants[0]
        .applications
        .iter()
        .find(|a| a["id"] == object_id)
        .cloned()
        .unwrap();
    let creds = app["passwordCredentials"].as_array().unwrap();
    assert_eq!(creds.len(), 2, "the old secret is kept");
    assert_eq!(creds[1]["displayName"], "Nylas (new)");
    assert_eq!(creds[1]["keyId"], created.key_id.as_str());
    assert!(
        created.expires.starts_with("2027") || created.expires.starts_with("2028"),
        "{}",
        created.expires
    );
    assert_eq!(
        sb.calls(&format!(
            "POST /graph/v1.0/applications/{object_id}/addPassword"
        )),
        1
    );
}

#[tokio::test]
async fn admin_consent_is_given_at_the_consent_page_and_the_wait_sees_it() {
    use std::sync::{Arc, Mutex};
    use wizard_core::microsoft::admin_consent::{admin_consent_url, wait_for_admin_consent};
    use wizard_core::microsoft::live_audit;
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let app_id = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c02";
    let before = live_audit(&graph, app_id, CONTOSO, &request(), &cancel)
        .await
        .unwrap();
    assert!(!before.facts.service_principal_exists);
    let needed = before.facts.admin_consent_missing.clone();
    assert!(needed.contains(&"Mail.Read".to_owned()), "{needed:?}");
    let url = admin_consent_url(
        &endpoints(&sb).microsoft_login,
        CONTOSO,
        app_id,
        &needed,
        "st-9",
    )
    .unwrap();
    assert!(admin_consent_url(
        &endpoints(&sb).microsoft_login,
        "common",
        app_id,
        &needed,
        "s"
    )
    .is_err());
    // The admin accepts at the page while the wizard waits: on its first
    // pause between checks.
    let log = Arc::new(Mutex::new(Vec::new()));
    let sleep = {
        let log = log.clone();
        move |d: std::time::Duration| {
            let first = {
                let mut l = log.lock().unwrap();
                l.push(d);
                l.len() == 1
            };
            let url = url.clone();
            async move {
                if first {
                    accept_admin_consent(&url).await;
                }
            }
        }
    };
    let granted = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        wait_for_admin_consent(
            &graph,
            app_id,
            &needed,
            std::time::Duration::from_secs(3),
            sleep,
            &cancel,
        ),
    )
    .await
    .expect("the consent is seen")
    .unwrap();
    assert_eq!(
        log.lock().unwrap().len(),
        1,
        "one pause, then consent was seen"
    );
    assert!(needed.iter().all(|n| granted.contains(n)), "{granted:?}");
    let after = live_audit(&graph, app_id, CONTOSO, &request(), &cancel)
        .await
        .unwrap();
    assert!(after.facts.service_principal_exists);
    assert!(after.facts.admin_consent_complete(), "{:?}", after.facts);
}

/// Play the admin at the admin-consent page: follow `#approve`; without a
/// redirect URI Microsoft shows a done page.
async fn accept_admin_consent(url: &url::Url) {
    let page = browser()
        .get(url.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "id=\"approve\" href=\"";
    let at = page.find(marker).expect("the consent page has the link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let done = browser().get(href).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("granted"));
}
