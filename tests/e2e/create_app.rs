//! End-to-end (issue 14, point 8): "I don't have an app yet — create it
//! for me" in the real window, in practice mode. The plan shows before any
//! sign-in; the test plays the admin through the simulator's consent page
//! (which must ask for Application.ReadWrite.All), confirms, and sees the
//! new app pass the live audit. Coming back to it, the wizard says it will
//! reuse that app instead of creating a second one.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::browser::accept_in_browser;
use wizard_e2e::{
    enter_practice_mode, open_audit_options, screenshot, scroll_to, tid, wait_for, wait_for_text,
    Driver,
};

/// Put an element at the top of the window (a section's heading first).
async fn scroll_top(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

async fn text(c: &Client, id: &str) -> String {
    wait_for(c, id).await.text().await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn sign_in_create_the_app_see_the_audit_pass_and_reuse_it() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;

    // Path A, straight to the Azure app step; what the app does; the tenant.
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
        .select_by_value("mail-calendar")
        .await
        .unwrap();
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();

    // The choice beside "Check my existing app".
    scroll_to(&c, "live-mode").await;
    let choice = text(&c, "live-mode-create").await;
    assert_eq!(choice, "I don't have an app yet — create it for me");
    wait_for(&c, "live-mode-create")
        .await
        .click()
        .await
        .unwrap();

    // The plan first, before any sign-in: in words, and the JSON folded.
    let plan = text(&c, "create-plan").await;
    assert!(
        plan.contains("https://api.us.nylas.com/v3/connect/callback"),
        "{plan}"
    );
    assert!(plan.contains("Calendars"), "{plan}");
    let why = text(&c, "create-why").await;
    assert!(why.contains("Application.ReadWrite.All"), "{why}");
    assert!(c.find(Locator::Css(&tid("create-start"))).await.is_err());
    scroll_top(&c, "create-app").await;
    screenshot(&c, "21a-create-plan").await;
    let json_summary = c
        .find(Locator::Css(&format!("{} summary", tid("create-json"))))
        .await
        .unwrap();
    json_summary.click().await.unwrap();
    let sent = text(&c, "create-json").await;
    assert!(sent.contains("\"signInAudience\""), "{sent}");
    assert!(sent.contains("\"requiredResourceAccess\""), "{sent}");
    scroll_top(&c, "create-json").await;
    screenshot(&c, "21b-create-json").await;
    json_summary.click().await.unwrap();

    // Signing in to create: the consent page asks to write applications.
    scroll_to(&c, "create-why").await;
    let button = wait_for(&c, "ms-sign-in-browser").await;
    assert_eq!(
        button.text().await.unwrap(),
        "Sign in and allow creating the app"
    );
    button.click().await.unwrap();
    let url = wait_for(&c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let consent = accept_in_browser(url.trim().to_owned()).await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;

    // The default name now knows the organization; nothing to reuse yet.
    let start = wait_for(&c, "create-start").await;
    let name = wait_for(&c, "create-name").await;
    assert_eq!(
        name.prop("value").await.unwrap().unwrap_or_default(),
        "Nylas – Contoso Ltd"
    );
    assert!(c.find(Locator::Css(&tid("create-reuses"))).await.is_err());
    scroll_to(&c, "create-start").await;
    start.click().await.unwrap();
    let confirm = text(&c, "create-confirm").await;
    assert!(
        confirm.contains("Create “Nylas – Contoso Ltd” in Contoso Ltd?"),
        "{confirm}"
    );
    let calls = text(&c, "create-calls").await;
    assert!(calls.contains("Add a client secret"), "{calls}");
    scroll_to(&c, "create-confirm").await;
    screenshot(&c, "21c-create-confirm").await;
    wait_for(&c, "create-confirm-yes")
        .await
        .click()
        .await
        .unwrap();

    // Created, and the live audit passes what the settings can pass.
    let done = text(&c, "create-done").await;
    assert!(done.contains("Your app is created"), "{done}");
    let steps = text(&c, "create-steps").await;
    assert!(steps.contains("Registered the app"), "{steps}");
    assert!(steps.contains("enterprise application"), "{steps}");
    assert!(steps.contains("Added a client secret"), "{steps}");
    let verdict = text(&c, "create-verdict").await;
    assert!(
        verdict.starts_with("Every check the app's settings can pass, passed."),
        "{verdict}"
    );
    let summary = c
        .find(Locator::Css(&format!(
            "{} {}",
            tid("create-done"),
            tid("audit-summary")
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.starts_with("Nothing needs fixing"), "{summary}");
    let secret = text(&c, "create-secret").await;
    assert!(secret.contains("kept by the wizard"), "{secret}");
    scroll_top(&c, "create-done").await;
    screenshot(&c, "21d-create-done").await;

    // Back to it later: the same app is offered for reuse, not a second one.
    scroll_to(&c, "live-mode").await;
    wait_for(&c, "live-mode-check").await.click().await.unwrap();
    wait_for(&c, "live-check").await;
    wait_for(&c, "live-mode-create")
        .await
        .click()
        .await
        .unwrap();
    let reuses = text(&c, "create-reuses").await;
    assert!(
        reuses.contains("You already have an app named “Nylas – Contoso Ltd”"),
        "{reuses}"
    );
    assert!(
        reuses.contains("instead of creating a second app"),
        "{reuses}"
    );
    assert!(reuses.contains("nothing in it will change"), "{reuses}");
    scroll_to(&c, "create-reuses").await;
    screenshot(&c, "21e-create-reuses").await;
    c.close().await.unwrap();
}
