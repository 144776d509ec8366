//! Path D point 2 live: the current app's Exchange permissions read from
//! Microsoft Graph with the signed-in session (the same app read as the
//! live audit) agree with the manifest check of the same app; an app not
//! in the tenant is explained; Graph's refusal is a plain error.

mod microsoft_support;

use microsoft_support::*;
use tokio_util::sync::CancellationToken;
use wizard_core::microsoft::{Access, GraphClient};
use wizard_core::migrate::exchange::{exchange_check_live, exchange_check_text};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault};

#[tokio::test]
async fn the_live_read_agrees_with_the_manifest_check_of_the_same_app() {
    for name in ["v2-events-ews-eas", "missing-offline-access"] {
        let app = fixture(name);
        let app_id = app["appId"].as_str().unwrap().to_owned();
        let from_manifest = exchange_check_text(&app.to_string()).unwrap();
        let sb = start(scenario_with(app, None), None).await.unwrap();
        let tokens = sign_in(&sb, Access::Audit).await;
        let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
        let live = exchange_check_live(
            &graph,
            &format!(" {app_id} "),
            CONTOSO,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        assert_eq!(live, from_manifest, "{name}");
        assert_eq!(sb.calls("GET /graph/v1.0/applications"), 1, "{name}");
    }
    let app = fixture("v2-events-ews-eas");
    let check = exchange_check_text(&app.to_string()).unwrap();
    assert!(check.found.iter().any(|f| f.name == "EWS.AccessAsUser.All"));
}

#[tokio::test]
async fn an_app_not_in_the_tenant_or_a_refusal_is_explained() {
    let sb = start(scenario_with(fixture("v2-events-ews-eas"), None), None)
        .await
        .unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    let graph = GraphClient::new(&http(), &endpoints(&sb).graph, &tokens);
    let cancel = CancellationToken::new();
    let err = exchange_check_live(
        &graph,
        "00000000-1111-4222-8333-444444444444",
        CONTOSO,
        &cancel,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        err.message.contains("AADSTS700016") && err.message.contains(CONTOSO),
        "{}",
        err.message
    );
    let err = exchange_check_live(&graph, "not-a-guid", CONTOSO, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    sb.set_faults(vec![
        Fault::new("GET /graph/v1.0/applications").with_status(403)
    ])
    .unwrap();
    let err = exchange_check_live(
        &graph,
        "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e",
        CONTOSO,
        &cancel,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}
