//! Secrets canary in the real window: a unique client secret is typed in,
//! saved to the (test) keychain, used by an audit, survives a restart and
//! is removed; an authorization code rides in a callback URL pasted into
//! Diagnose. Then the app's data folder (progress, support logs), its
//! captured stdout/stderr, every IPC answer the window received and the
//! page itself are scanned: the canaries must appear nowhere.
//!
//! A second test signs in to Microsoft in practice mode, checks and fixes
//! an app live and creates a new client secret: the simulator's codes and
//! tokens (recognisable by their prefixes) must appear nowhere, nor the new
//! secret's value: "Copy the secret" puts it on the clipboard from Rust and
//! no IPC answer carries it.
//!
//! A third test (`path_a`, in secrets_canary_path_a.rs) walks path A in practice mode (the Azure app created for
//! the admin, the practice Nylas API key, Configure Nylas applied, the test
//! sign-in through Nylas hosted auth, the Done step's report saved): the
//! API key, the client secret sent to the Nylas connector and every code
//! and token of both sign-ins must appear in no file (data folder, the
//! report's folder), output, IPC answer or channel message, nor the page.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::browser::accept_in_browser;
use wizard_e2e::canary::{canary, CanaryScan};
use wizard_e2e::{
    enter_practice_mode, ipc_log, open_audit_options, record_ipc, screenshot, scroll_to, tid,
    wait_for, wait_for_text, Driver,
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
        .at_most(Duration::from_secs(20))
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

/// What the practice simulator's secrets start with: authorization codes,
/// device codes, access and refresh tokens.
const SIMULATOR_SECRET_PREFIXES: [&str; 4] = [
    "0.sandbox-code.",
    "sandbox-device-",
    "sandbox-at-",
    "sandbox-rt-",
];

/// Every client secret the simulator issues (`addPassword`) starts so.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

/// Contoso's app whose Nylas callback sits under Single-page application.
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

/// Press Sign in under `within`, accept on the simulator's consent page
/// and follow the redirect back to the wizard, as the admin would.
async fn sign_in(c: &Client, within: &str) {
    wait_for(c, within)
        .await
        .find(Locator::Css(&tid("ms-sign-in-browser")))
        .await
        .expect("a Sign in button")
        .click()
        .await
        .unwrap();
    let url = wait_for(c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let url = url.trim().to_owned();
    accept_in_browser(url).await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("ms-who")
        )))
        .await
        .expect("the window shows who signed in");
}

#[tokio::test(flavor = "current_thread")]
async fn sign_in_tokens_and_a_new_secret_stay_out_of_files_output_and_ipc() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("app-output.txt");
    let driver = Driver::start_capturing(&[], &out).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    record_ipc(&c).await;
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "step-item-azure-app")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Azure app").await;
    wait_for(&c, "audit-preset")
        .await
        .select_by_value("read-only-inbox")
        .await
        .unwrap();
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
    scroll_to(&c, "live-check").await;
    sign_in(&c, "live-check").await;

    // The live check and Fix all use the tokens.
    let id = wait_for(&c, "live-client-id").await;
    scroll_to(&c, "live-client-id").await;
    id.click().await.unwrap();
    id.send_keys(SPA_APP).await.unwrap();
    wait_for(&c, "live-check-button")
        .await
        .click()
        .await
        .unwrap();
    // One thing to fix (the callback's place): "Fix this" (Fix all shows
    // only for more than one).
    wait_for(&c, "fix-this-redirect_uris").await;
    scroll_to(&c, "fix-this-redirect_uris").await;
    wait_for(&c, "fix-this-redirect_uris")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "fix-preview").await;
    sign_in(&c, "fix-preview").await;
    wait_for(&c, "fix-apply").await;
    scroll_to(&c, "fix-apply").await;
    wait_for(&c, "fix-apply").await.click().await.unwrap();
    wait_for(&c, "fix-applied").await;

    // A new client secret: the window gets its hint; the Copy button has
    // Rust put the value on the clipboard, where a paste reads it.
    scroll_to(&c, "new-secret-button").await;
    wait_for(&c, "new-secret-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "new-secret-create").await;
    scroll_to(&c, "new-secret-create").await;
    wait_for(&c, "new-secret-create")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "new-secret-hint").await;
    wait_for(&c, "new-secret-copy").await.click().await.unwrap();
    wait_for(&c, "new-secret-copied").await;
    let out_clip = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip (scripts/setup.sh installs it)");
    assert!(out_clip.status.success(), "xclip read the clipboard");
    let value = String::from_utf8(out_clip.stdout).unwrap();
    assert!(
        value.starts_with(NEW_SECRET_PREFIX) && value.len() > 20,
        "the clipboard holds the new secret ({} characters)",
        value.len()
    );
    wait_for(&c, "new-secret-done").await.click().await.unwrap();
    wait_for(&c, "new-secret-note").await;
    let page = c.source().await.unwrap();
    let answers = ipc_log(&c).await;
    c.close().await.unwrap();
    drop(driver);

    let cmds: Vec<String> = answers
        .iter()
        .filter_map(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .filter_map(|v| v["cmd"].as_str().map(str::to_owned))
        .collect();
    for want in [
        "start_microsoft_sign_in",
        "check_app_live",
        "apply_live_fixes",
        "create_new_client_secret",
        "copy_new_client_secret",
        "forget_new_client_secret",
    ] {
        assert!(
            cmds.iter().any(|c| c == want),
            "{want} was recorded: {cmds:?}"
        );
    }
    let copied = answers
        .iter()
        .find(|a| a.contains("\"cmd\":\"copy_new_client_secret\""))
        .unwrap();
    let entry: serde_json::Value = serde_json::from_str(copied).unwrap();
    let body: serde_json::Value =
        serde_json::from_str(entry["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(body, json!({"copied": true}), "{copied}");

    let printed = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(printed.contains("starting"), "the app's output: {printed}");
    // No answer carries the value (nor any secret the simulator issued).
    let mut needles: Vec<&str> = SIMULATOR_SECRET_PREFIXES.to_vec();
    needles.push(&value);
    // Its first 12 characters too (the 6-character prefix alone is too
    // short for a canary), in case a part of it were shown.
    needles.push(&value[..12]);
    let mut scan = CanaryScan::new(&needles);
    scan.dir(data.path())
        .text("the app's stdout and stderr", printed.as_bytes())
        .text("the page after the dialog closed", page.as_bytes())
        .ipc(&answers);
    scan.assert_clean();
}

#[path = "secrets_canary_path_a.rs"]
mod path_a;
