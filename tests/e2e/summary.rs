//! End-to-end (issue 17, points 9 and 10): the summary to keep, opened from
//! a step and saved as Markdown into Downloads, and the Global Admin
//! hand-off on the Azure app step. Nothing here calls a remote service.
//!
//! Run with `xvfb-run cargo test -p wizard-e2e --test summary -- --test-threads=1`
//! after building the UI and the app.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::{screenshot, tid, wait_for, wait_for_text, Driver};

const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";

/// Permissions of the "Full email client" preset; the only Web redirect
/// URI is the US one with a trailing slash (so one check fails).
const MANIFEST: &str = r#"{
  "id": "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
  "appId": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e",
  "displayName": "Northwind Mail",
  "signInAudience": "AzureADMultipleOrgs",
  "api": { "requestedAccessTokenVersion": 2, "oauth2PermissionScopes": [] },
  "passwordCredentials": [],
  "publicClient": { "redirectUris": [] },
  "requiredResourceAccess": [
    {
      "resourceAppId": "00000003-0000-0000-c000-000000000000",
      "resourceAccess": [
        { "id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope" },
        { "id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "type": "Scope" },
        { "id": "024d486e-b451-40bb-833d-3e66d98c5c73", "type": "Scope" },
        { "id": "e383f46e-2787-4529-855e-0e479a3ffac0", "type": "Scope" }
      ]
    }
  ],
  "web": {
    "redirectUris": ["https://api.us.nylas.com/v3/connect/callback/"],
    "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false }
  },
  "spa": { "redirectUris": [] }
}"#;

async fn click(c: &Client, id: &str) {
    wait_for(c, id).await.click().await.unwrap();
}

/// Welcome → path A → Features ("Full email client") → Region → Azure app,
/// and check the pasted manifest.
async fn to_a_checked_azure_app(c: &Client) {
    wait_for(c, "welcome").await;
    click(c, "path-option-v3").await;
    click(c, "start-button").await;
    click(c, "begin-button").await;
    wait_for_text(c, "current-step-title", "Features").await;
    click(c, "preset-email-client").await;
    wait_for(c, "scope-Mail.Send").await;
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", "Region").await;
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", "Azure app").await;
    wait_for(c, "manifest-paste").await;
    c.execute(
        "const el = document.querySelector(arguments[0]);
         el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(tid("manifest-paste")), json!(MANIFEST)],
    )
    .await
    .unwrap();
    click(c, "manifest-check-button").await;
    wait_for(c, "finding-redirect_uris").await;
}

#[tokio::test]
async fn the_summary_is_saved_from_a_step_and_the_hand_off_names_the_consent_link() {
    summary_and_hand_off(false).await;
}

/// The same in the dark theme, for its screenshots.
#[tokio::test]
async fn the_summary_and_the_hand_off_in_the_dark_theme() {
    summary_and_hand_off(true).await;
}

async fn summary_and_hand_off(dark: bool) {
    let shot = |name: &str| format!("{name}{}", if dark { "-dark" } else { "" });
    let data = tempfile::tempdir().unwrap();
    // The app's Downloads folder, as the desktop names it (XDG user dirs).
    let config = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("user-dirs.dirs"),
        format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.path().display()),
    )
    .unwrap();
    let config_dir = config.path().display().to_string();
    let mut env = vec![("XDG_CONFIG_HOME", config_dir.as_str())];
    if dark {
        env.push(("GTK_THEME", "Adwaita:dark"));
    }
    let driver = Driver::start(&env).await;
    let c = driver.open_app(data.path(), &[]).await;
    c.set_window_size(1280, 800).await.unwrap();

    to_a_checked_azure_app(&c).await;
    // The hand-off link at the top of the step.
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
        vec![json!(tid("handoff-link"))],
    )
    .await
    .unwrap();
    screenshot(&c, &shot("17-10a-handoff-link")).await;

    // Point 9: the summary, from the frame, saved as Markdown.
    click(&c, "summary-button").await;
    wait_for(&c, "summary-panel").await;
    screenshot(&c, &shot("17-09a-summary-panel")).await;
    click(&c, "summary-save-markdown").await;
    let shown = wait_for(&c, "summary-saved-path")
        .await
        .text()
        .await
        .unwrap();
    let saved = std::path::PathBuf::from(shown.trim());
    assert_eq!(
        saved.parent(),
        Some(downloads.path()),
        "saved into Downloads: {shown}"
    );
    screenshot(&c, &shot("17-09b-summary-saved")).await;
    let md = std::fs::read_to_string(&saved).expect("the saved summary");
    for want in [
        "# Nylas Microsoft setup — summary",
        "Mail.ReadWrite",
        "Mail.Send",
        "https://api.us.nylas.com/v3/connect/callback",
        CLIENT_ID,
        "“Northwind Mail”",
        "need fixing",
        "What is left to do",
        "Not stored by the wizard",
    ] {
        assert!(md.contains(want), "the summary lacks {want:?}:\n{md}");
    }
    // A second save is a new file; the first is untouched.
    click(&c, "summary-save-markdown").await;
    c.wait()
        .for_element(Locator::XPath(&format!(
            "//*[@data-testid='summary-saved-path' and normalize-space(.)!='{}']",
            shown.trim()
        )))
        .await
        .expect("a second file");
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), md);
    assert_eq!(std::fs::read_dir(downloads.path()).unwrap().count(), 2);
    click(&c, "summary-panel-close").await;

    // Point 10: the hand-off on the Azure app step.
    click(&c, "handoff-link").await;
    let body = wait_for(&c, "handoff-body").await.text().await.unwrap();
    assert!(
        body.contains(&format!(
            "https://login.microsoftonline.com/organizations/adminconsent?client_id={CLIENT_ID}"
        )),
        "{body}"
    );
    assert!(body.contains("Mail.Send:"), "{body}");
    assert!(body.contains("reply \"done\""), "{body}");
    screenshot(&c, &shot("17-10b-handoff-panel")).await;
    c.close().await.unwrap();
}
