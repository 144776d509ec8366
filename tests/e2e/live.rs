//! End-to-end (issue 9): check the app registration live in the real
//! window, in practice mode. The test plays the admin in the browser: it
//! reads the sign-in link the window shows, opens it over HTTP, presses
//! Accept on the simulator's consent page and follows the redirect back to
//! the wizard's loopback address. Then: the failures, Fix all with its
//! preview (signing in again to allow changes), and the re-check passing.

use std::time::Duration;

use fantoccini::{Client, Locator};
use wizard_e2e::browser::accept_in_browser;
use wizard_e2e::{
    enter_practice_mode, open_audit_options, screenshot, scroll_to, tid, wait_for, wait_for_text,
    Driver,
};

/// Contoso's app whose Nylas callback sits under Single-page application
/// (the simulator's live-apps registrations are in practice mode).
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

/// Press the sign-in button under `within`, play the admin, and wait until
/// the window has the sign-in. Returns the consent page's text.
async fn sign_in(c: &Client, within: &str, shot: &str) -> String {
    let area = wait_for(c, within).await;
    area.find(Locator::Css(&tid("ms-sign-in-browser")))
        .await
        .expect("a Sign in button")
        .click()
        .await
        .unwrap();
    let link = wait_for(c, "ms-sign-in-url").await;
    let url = link
        .find(Locator::Css("code"))
        .await
        .unwrap()
        // Folded under "No browser page opened?": read, not seen.
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    scroll_to(c, "ms-waiting").await;
    screenshot(c, shot).await;
    let page = accept_in_browser(url.trim().to_owned()).await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("ms-who")
        )))
        .await
        .expect("the window shows who signed in");
    page
}

async fn summary(c: &Client) -> String {
    c.find(Locator::Css(&format!(
        "{} {}",
        tid("live-check"),
        tid("audit-summary")
    )))
    .await
    .expect("live results")
    .text()
    .await
    .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn sign_in_see_failures_fix_all_and_the_re_check_passes() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;

    // Path A, straight to the Azure app step.
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
    // Features were skipped: the step asks what the app does.
    wait_for(&c, "audit-preset")
        .await
        .select_by_value("mail-calendar")
        .await
        .unwrap();

    // Sign-in needs the tenant: the section says so until it is saved.
    scroll_to(&c, "live-check").await;
    wait_for(&c, "ms-needs-tenant").await;
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    // Leaving the field saves it.
    field.send_keys("\u{E004}").await.unwrap();
    scroll_to(&c, "live-check").await;
    let signin = wait_for(&c, "ms-sign-in-browser").await;
    assert!(c.find(Locator::Css(&tid("ms-needs-tenant"))).await.is_err());
    drop(signin);
    screenshot(&c, "20a-live-sign-in").await;

    // Read-only sign-in: the consent page asks to read, not to write.
    let consent = sign_in(&c, "live-check", "20b-live-waiting-for-browser").await;
    assert!(consent.contains("Application.Read.All"), "{consent}");
    assert!(!consent.contains("Application.ReadWrite.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;

    // The live check: the misplaced callback and the missing calendar
    // permissions fail; each can be fixed on its own, or both at once.
    let id = wait_for(&c, "live-client-id").await;
    scroll_to(&c, "live-client-id").await;
    id.click().await.unwrap();
    id.send_keys(SPA_APP).await.unwrap();
    wait_for(&c, "live-check-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "fix-all").await;
    let before = summary(&c).await;
    assert!(before.starts_with("2 things need fixing"), "{before}");
    wait_for(&c, "fix-this-redirect_uris").await;
    wait_for(&c, "fix-this-delegated_scopes").await;
    let failing = c
        .find(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("audit-results")
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(failing.contains("Redirect URIs"), "{failing}");
    scroll_to(&c, "live-fixes").await;
    screenshot(&c, "20c-live-failures").await;

    // Fix all: the preview in words; changing needs a sign-in allowing it.
    wait_for(&c, "fix-all").await.click().await.unwrap();
    let preview = wait_for(&c, "fix-preview").await.text().await.unwrap();
    assert!(preview.contains("changes to your app"), "{preview}");
    assert!(preview.contains("Calendars"), "{preview}");
    assert!(preview.contains("Single-page application"), "{preview}");
    assert!(preview.contains("Now"), "{preview}");
    assert!(preview.contains("After"), "{preview}");
    assert!(c.find(Locator::Css(&tid("fix-apply"))).await.is_err());
    let consent = sign_in(&c, "fix-preview", "20d-live-sign-in-to-change").await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    let apply = wait_for(&c, "fix-apply").await;
    scroll_to(&c, "fix-preview").await;
    screenshot(&c, "20e-fix-preview").await;
    apply.click().await.unwrap();

    // Applied, read again and checked again: nothing fails any more.
    let done = wait_for(&c, "fix-applied").await.text().await.unwrap();
    assert!(
        done.contains("Your app was changed (") && done.contains("changes) and checked again"),
        "{done}"
    );
    assert!(c.find(Locator::Css(&tid("live-fixes"))).await.is_err());
    let after = summary(&c).await;
    assert!(after.starts_with("Nothing needs fixing"), "{after}");
    scroll_to(&c, "fix-applied").await;
    screenshot(&c, "20f-live-fixed").await;

    // A new client secret (signed in allowing changes already): created,
    // only its hint shown; "Copy the secret" puts the value on the X
    // clipboard from Rust, never through the window.
    scroll_to(&c, "new-secret-button").await;
    wait_for(&c, "new-secret-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "new-secret-description").await;
    screenshot(&c, "20g-new-secret-dialog").await;
    wait_for(&c, "new-secret-create")
        .await
        .click()
        .await
        .unwrap();
    let hint = wait_for(&c, "new-secret-hint").await.text().await.unwrap();
    assert_eq!(hint, "Sbx…", "the simulator's secrets start Sbx8Q~");
    assert!(c
        .find(Locator::Css(&tid("new-secret-value")))
        .await
        .is_err());
    screenshot(&c, "20h-new-secret-created").await;
    wait_for(&c, "new-secret-copy").await.click().await.unwrap();
    let copied = wait_for(&c, "new-secret-copied")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        copied.contains("Copied — paste it where you need it"),
        "{copied}"
    );
    let value = x_clipboard();
    assert!(
        value.starts_with(NEW_SECRET_PREFIX) && value.len() > 20,
        "the clipboard holds the new secret ({} characters)",
        value.len()
    );
    let dialog = wait_for(&c, "new-secret-dialog")
        .await
        .html(false)
        .await
        .unwrap();
    assert!(!dialog.contains(&value) && !dialog.contains(NEW_SECRET_PREFIX));
    // The screenshot shows the hint and "Copied" only.
    screenshot(&c, "20i-new-secret-copied").await;
    wait_for(&c, "new-secret-done").await.click().await.unwrap();
    let note = wait_for(&c, "new-secret-note").await.text().await.unwrap();
    assert!(note.contains("New client secret “Nylas” created"), "{note}");
    assert!(!note.contains(&value));
    assert!(c
        .find(Locator::Css(&tid("new-secret-dialog")))
        .await
        .is_err());

    // Sign out: the tokens are gone; the sign-in buttons come back.
    scroll_to(&c, "ms-sign-out").await;
    wait_for(&c, "ms-sign-out").await.click().await.unwrap();
    wait_for(&c, "ms-sign-in-browser").await;
    c.close().await.unwrap();
}

/// Every client secret the simulator issues starts with this.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

/// What the X clipboard holds (under Xvfb), read with xclip as a paste
/// would; never printed.
fn x_clipboard() -> String {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip (scripts/setup.sh installs it)");
    assert!(out.status.success(), "xclip read the clipboard");
    String::from_utf8(out.stdout).unwrap()
}
