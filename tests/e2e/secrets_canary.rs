//! Secrets canary in the real window: a unique client secret is typed in,
//! saved to the (test) keychain, used by an audit, survives a restart and
//! is removed; an authorization code rides in a callback URL pasted into
//! Diagnose. Then the app's data folder (progress, support logs), its
//! captured stdout/stderr, every IPC answer the window received and the
//! page itself are scanned: the canaries must appear nowhere.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::canary::{canary, CanaryScan};
use wizard_e2e::{
    ipc_log, open_audit_options, record_ipc, screenshot, scroll_to, tid, wait_for, wait_for_text,
    Driver,
};

/// Its one client secret has Microsoft's hint `q8F`.
const MANIFEST: &str = r#"{
  "id": "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
  "appId": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e",
  "displayName": "Northwind Mail",
  "signInAudience": "AzureADMultipleOrgs",
  "api": { "requestedAccessTokenVersion": 2, "oauth2PermissionScopes": [] },
  "passwordCredentials": [
    {
      "displayName": "Nylas connector",
      "endDateTime": "2099-09-30T10:00:00Z",
      "hint": "q8F",
      "keyId": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      "startDateTime": "2025-03-14T09:20:00Z"
    }
  ],
  "requiredResourceAccess": [],
  "web": { "redirectUris": ["https://api.us.nylas.com/v3/connect/callback"] }
}"#;

async fn fill(c: &Client, id: &str, value: &str) {
    wait_for(c, id).await;
    c.execute(
        "const el = document.querySelector(arguments[0]);
         el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true }));
         return el.value.length;",
        vec![json!(tid(id)), json!(value)],
    )
    .await
    .expect("set the field's value");
}

/// Path A, US, to the Azure app step.
async fn to_azure_app_step(c: &Client) {
    wait_for(c, "welcome").await;
    wait_for(c, "path-option-v3").await.click().await.unwrap();
    wait_for(c, "start-button").await.click().await.unwrap();
    wait_for(c, "begin-button").await.click().await.unwrap();
    wait_for_text(c, "current-step-title", "Features").await;
    wait_for(c, "preset-read-only-inbox")
        .await
        .click()
        .await
        .unwrap();
    wait_for(c, "next-button").await.click().await.unwrap();
    wait_for_text(c, "current-step-title", "Region").await;
    wait_for(c, "region-us").await.click().await.unwrap();
    wait_for(c, "next-button").await.click().await.unwrap();
    wait_for_text(c, "current-step-title", "Azure app").await;
}

async fn open_secret_section(c: &Client) {
    open_audit_options(c).await;
    wait_for(c, "client-secret").await;
    scroll_to(c, "client-secret").await;
}

/// Ask Rust for the stored secret through the recorded entry point, as the
/// window does when it loads (before the recorder could be installed).
async fn ask_stored_secret(c: &Client) -> serde_json::Value {
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('stored_secret', { name: 'azure_client_secret' })
           .then((v) => done(v === undefined ? null : v), (e) => done({ error: e }));",
        vec![],
    )
    .await
    .expect("stored_secret answers")
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_typed_into_the_window_end_up_nowhere() {
    let secret = canary("q8F~");
    let code = canary("0.AUcA");
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("app-output.txt");
    let driver = Driver::start_capturing(&[], &out).await;
    let mut answers = Vec::new();
    let mut pages = Vec::new();

    // First run: type, save, audit, diagnose.
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    record_ipc(&c).await;
    to_azure_app_step(&c).await;
    open_secret_section(&c).await;
    let field = wait_for(&c, "client-secret-input").await;
    field.click().await.unwrap();
    field.send_keys(&secret).await.unwrap();
    wait_for(&c, "client-secret-save")
        .await
        .click()
        .await
        .unwrap();
    let stored = wait_for(&c, "client-secret-stored")
        .await
        .text()
        .await
        .unwrap();
    assert!(stored.contains("q8F"), "the hint is shown: {stored}");

    fill(&c, "manifest-paste", MANIFEST).await;
    scroll_to(&c, "manifest-check-button").await;
    wait_for(&c, "manifest-check-button")
        .await
        .click()
        .await
        .unwrap();
    // A passing check sits in the folded "All good" group.
    wait_for(&c, "audit-summary").await;
    scroll_to(&c, "toggle-passed").await;
    wait_for(&c, "toggle-passed").await.click().await.unwrap();
    let card = wait_for(&c, "finding-client_secret").await;
    let status = card.attr("data-status").await.unwrap();
    assert_eq!(
        status.as_deref(),
        Some("pass"),
        "the saved secret was used: it matches the manifest's hint"
    );

    scroll_to(&c, "diagnose-button").await;
    wait_for(&c, "diagnose-button").await.click().await.unwrap();
    wait_for(&c, "diagnose-dialog").await;
    let input = wait_for(&c, "diagnose-input").await;
    input
        .send_keys(&format!(
            "https://api.us.nylas.com/v3/connect/callback?code={code}&state=s1&error=invalid_client&error_description=AADSTS7000215%3A+Invalid+client+secret+provided."
        ))
        .await
        .unwrap();
    wait_for(&c, "diagnose-submit").await.click().await.unwrap();
    c.wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Css("article.diagnosis"))
        .await
        .expect("a diagnosis");
    screenshot(&c, "18-canary-diagnose").await;
    pages.push(("first run", c.source().await.unwrap()));
    answers.extend(ipc_log(&c).await);
    c.close().await.unwrap();

    // Second run: the secret is still there (only its hint), then removed.
    let c = driver.open_app(data.path(), &[]).await;
    wait_for_text(&c, "current-step-title", "Azure app").await;
    record_ipc(&c).await;
    let again = ask_stored_secret(&c).await;
    assert!(
        again.to_string().contains("q8F"),
        "the keychain kept it: {again}"
    );
    open_secret_section(&c).await;
    wait_for(&c, "client-secret-stored").await;
    wait_for(&c, "client-secret-remove")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "client-secret-input").await;
    pages.push(("second run", c.source().await.unwrap()));
    answers.extend(ipc_log(&c).await);
    c.close().await.unwrap();
    drop(driver);

    // The recorder saw the secret's own calls, and the app's output was
    // captured: a scan of nothing would prove nothing.
    let cmds: Vec<String> = answers
        .iter()
        .filter_map(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .filter_map(|v| v["cmd"].as_str().map(str::to_owned))
        .collect();
    for want in [
        "save_secret",
        "audit_manifest",
        "diagnose",
        "stored_secret",
        "forget_secret",
    ] {
        assert!(
            cmds.iter().any(|c| c == want),
            "{want} was recorded: {cmds:?}"
        );
    }
    let printed = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        printed.contains("nylas-ms-wizard") && printed.contains("starting"),
        "the app's own output was captured: {printed}"
    );
    assert!(
        data.path().join("logs").is_dir(),
        "the support log folder exists"
    );

    let mut scan = CanaryScan::new(&[&secret, &code]);
    scan.dir(data.path())
        .text("the app's stdout and stderr", printed.as_bytes())
        .ipc(&answers);
    for (name, html) in &pages {
        scan.text(
            &format!("the page at the end of the {name}"),
            html.as_bytes(),
        );
    }
    scan.assert_clean();
}
