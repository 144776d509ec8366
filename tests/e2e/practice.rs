//! Steps shared by the path tests (B and C, and any later): a click that
//! first brings the element to the middle, Next, starting a path in
//! practice mode, the Microsoft sign-in played in the browser, and "create
//! it for me" on the Azure app step in the simulator's Contoso.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::{
    browser, enter_practice_mode, open_audit_options, scroll_to, text_of, tid, wait_for,
    wait_for_text,
};

/// Wait for the element, bring it to the middle (the Back/Next bar would
/// take a click near the bottom edge), click it.
pub async fn click(c: &Client, id: &str) {
    let el = wait_for(c, id).await;
    scroll_to(c, id).await;
    el.click().await.unwrap();
}

/// Put an element at the top of the window (a section's heading first).
pub async fn scroll_top(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

/// Next, and wait for the next step's title.
pub async fn next_step(c: &Client, title: &str) {
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", title).await;
}

/// From the welcome screen: practice mode on, the path's card chosen (and
/// Start naming it: its label, and so its width, changes with the choice),
/// Start. Ends on its journey, before Begin.
pub async fn start_practice_path(c: &Client, path: &str, title: &str) {
    enter_practice_mode(c).await;
    let card = format!("path-option-{path}");
    scroll_to(c, &card).await;
    wait_for(c, &card).await.click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "[data-testid=\"{card}\"][aria-checked=\"true\"]"
        )))
        .await
        .expect("the path's card is chosen");
    wait_for_text(c, "start-button", &format!("Start: {title}")).await;
    wait_for(c, "start-button").await.click().await.unwrap();
    wait_for_text(c, "overview-title", title).await;
}

/// The Microsoft sign-in link the window shows (folded under "No browser
/// page opened?": read, not seen), accepted in the played browser. Returns
/// the consent page's text.
pub async fn ms_sign_in_in_browser(c: &Client) -> String {
    let url = wait_for(c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(url.trim().starts_with("http://127.0.0.1:"), "{url}");
    browser::accept_in_browser(url.trim().to_owned()).await
}

/// On the Azure app step in practice mode: the tenant (contoso.com), then
/// "create it for me" in the simulator's Contoso: its plan, the admin's
/// sign-in through the consent page, Create, confirmed. Ends when the app
/// is created and its check passed. Returns the plan's text.
pub async fn create_practice_app(c: &Client) -> String {
    open_audit_options(c).await;
    let field = wait_for(c, "audit-tenant").await;
    scroll_to(c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    // Leaving the field saves it.
    field.send_keys("\u{E004}").await.unwrap();
    click(c, "live-mode-create").await;
    let plan = text_of(c, "create-plan").await;
    click(c, "ms-sign-in-browser").await;
    let consent = ms_sign_in_in_browser(c).await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    wait_for_text(
        c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;
    click(c, "create-start").await;
    wait_for(c, "create-confirm").await;
    click(c, "create-confirm-yes").await;
    let done = text_of(c, "create-done").await;
    assert!(done.contains("Your app is created"), "{done}");
    let verdict = text_of(c, "create-verdict").await;
    assert!(
        verdict.starts_with("Every check the app's settings can pass, passed."),
        "{verdict}"
    );
    plan
}
