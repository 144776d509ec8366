//! Microsoft Graph and the live audit against the sandbox: plain errors
//! for 403/404, throttling retried, reads in parallel, and the live audit
//! agreeing with the manifest audit of the same app.

mod microsoft_support;

use std::time::Duration;

use microsoft_support::*;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use wizard_core::audit::{run_audit, AuditRequest};
use wizard_core::manifest::parse_manifest_value;
use wizard_core::microsoft::{live_audit, Access, GraphClient};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, Scenario};

#[tokio::test]
async fn graph_throttling_is_retried() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    sb.set_faults(vec![Fault::new("GET /graph/v1.0/organization")
        .with_status(429)
        .with_retry_after("0")
        .first_n(2)])
        .unwrap();
    let org = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens)
        .organization(&CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(org.verified_domains[0].name, "contoso.com");
    assert_eq!(sb.calls("GET /graph/v1.0/organization"), 3);
}

#[tokio::test]
async fn forbidden_names_the_roles_and_a_missing_app_explains_700016() {
    let app = fixture("missing-offline-access");
    let sb = start(scenario_with(app, None), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let err = graph
        .application("00000000-1111-4222-8333-444444444444", CONTOSO, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("AADSTS700016"), "{}", err.message);
    assert!(err.message.contains(CONTOSO));
    sb.set_faults(vec![
        Fault::new("GET /graph/v1.0/applications").with_status(403)
    ])
    .unwrap();
    let err = graph
        .application("5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e", CONTOSO, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let hint = err.hint.unwrap();
    assert!(
        hint.contains("Application Administrator")
            && hint.contains("Cloud Application Administrator"),
        "{hint}"
    );
}

#[tokio::test]
async fn live_audit_matches_the_manifest_audit_of_the_same_app() {
    for (name, consented) in [
        (
            "missing-offline-access",
            Some("Calendars.ReadWrite User.Read"),
        ),
        ("v3-spa-misplaced", None),
        ("secret-expired", None),
        ("v3-wrong-region", None),
        ("teams-missing-implicit", None),
        ("over-broad-scopes", None),
        ("v3-us-correct", Some("")),
    ] {
        let app = fixture(name);
        let expected: Value = fixture(&format!("{name}.expected"));
        let req: AuditRequest = serde_json::from_value(expected["request"].clone()).unwrap();
        let offline = run_audit(&parse_manifest_value(&app).unwrap(), &req).unwrap();
        let app_id = app["appId"].as_str().unwrap().to_owned();
        let sb = start(scenario_with(app, consented), None).await.unwrap();
        let tokens = sign_in(&sb, Access::Audit).await;
        let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens)
            .with_login_base(&endpoints(&sb).microsoft_login);
        let live = live_audit(&graph, &app_id, CONTOSO, &req, &CancellationToken::new())
            .await
            .unwrap();
        let statuses = |r: &wizard_core::audit::AuditReport| {
            r.findings
                .iter()
                .map(|f| (f.check, f.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(statuses(&live.report), statuses(&offline), "{name}");
        assert!(!offline.findings.is_empty());
        let facts = &live.facts;
        assert_eq!(facts.tenant_id, CONTOSO_ID);
        assert_eq!(
            facts.region_scope.as_deref(),
            Some("NA"),
            "from the discovery document"
        );
        assert_eq!(
            facts.verified_domains,
            ["contoso.com", "contoso.onmicrosoft.com"]
        );
        assert_eq!(
            facts.service_principal_exists,
            consented.is_some(),
            "{name}"
        );
        if !facts.service_principal_exists {
            assert!(!facts.admin_consent_complete());
            assert_eq!(
                facts.admin_consent_missing.len(),
                live.report.scope_plan.required.len(),
                "{name}: nothing consented without a service principal"
            );
        }
        if let Some(scope) = consented.filter(|s| !s.is_empty()) {
            let granted: Vec<&str> = scope.split(' ').collect();
            assert!(
                granted
                    .iter()
                    .all(|g| facts.admin_consented.iter().any(|c| c == g)),
                "{name}"
            );
            assert!(!facts
                .admin_consent_missing
                .iter()
                .any(|m| granted.contains(&m.as_str())));
            assert!(
                facts
                    .admin_consent_missing
                    .iter()
                    .any(|m| m == "offline_access"),
                "{facts:?}"
            );
        }
    }
}

#[tokio::test]
async fn live_reads_run_in_parallel() {
    let app = fixture("v3-us-correct");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let sb = start(scenario_with(app, Some("User.Read")), None)
        .await
        .unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    // Every read (the app, its consent grants addressed by its ID, Graph's
    // service principal, the organization, the discovery document) is held
    // 3 s at the sandbox. Done one after another, or the grants after the
    // service principal, the second could not arrive before the first's
    // 3 s; in one round all five are in flight at once.
    let grants =
        format!("GET /graph/v1.0/servicePrincipals(appId='{app_id}')/oauth2PermissionGrants");
    let routes = [
        "GET /graph/v1.0/applications",
        "GET /graph/v1.0/servicePrincipals",
        "GET /graph/v1.0/organization",
        "GET /microsoft-login/contoso.com/v2.0/.well-known/openid-configuration",
        grants.as_str(),
    ];
    sb.set_faults(
        routes
            .iter()
            .map(|r| Fault::new(*r).with_latency_ms(3000))
            .collect(),
    )
    .unwrap();
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens)
        .with_login_base(&endpoints(&sb).microsoft_login);
    let req: AuditRequest =
        serde_json::from_value(json!({"path": "v3", "preset": "email-client", "region": "us"}))
            .unwrap();
    let cancel = CancellationToken::new();
    let all_in_flight = async {
        tokio::time::timeout(Duration::from_millis(2500), async {
            for route in routes {
                sb.wait_for_calls(route, 1).await;
            }
        })
        .await
    };
    let (live, in_flight) = tokio::join!(
        live_audit(&graph, &app_id, CONTOSO, &req, &cancel),
        all_in_flight
    );
    live.unwrap();
    in_flight.expect("the five independent reads were in flight together");
}

#[tokio::test]
async fn the_live_apps_scenario_fails_each_app_on_its_own_class() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let req: AuditRequest = serde_json::from_value(json!({
        "path": "v3", "preset": "read-only-inbox", "region": "us", "tenancy": "multi",
        "now": "2026-06-01T00:00:00Z"
    }))
    .unwrap();
    let cancel = CancellationToken::new();
    for app in &Scenario::live_apps().tenants[0].applications {
        let app_id = app["appId"].as_str().unwrap();
        let class = app["notes"]
            .as_str()
            .unwrap()
            .trim_start_matches("Audit failure class: ");
        let live = live_audit(&graph, app_id, CONTOSO, &req, &cancel)
            .await
            .unwrap();
        let not_passing: Vec<&str> = live
            .report
            .findings
            .iter()
            .filter(|f| f.status != wizard_core::audit::FindingStatus::Pass)
            .map(|f| f.check.as_str())
            .collect();
        let fails = live.report.summary.fail;
        if class == "none" {
            assert_eq!(fails, 0, "{not_passing:?}");
            assert!(live.facts.service_principal_exists);
            assert!(live.facts.admin_consent_complete(), "{:?}", live.facts);
        } else {
            assert!(not_passing.contains(&class), "{class}: {not_passing:?}");
            assert!(!live.facts.service_principal_exists);
        }
    }
}
