//! Steps shared by the path tests (B and C, and any later): a click that
//! first brings the element to the middle, Next, starting a path in
//! practice mode, the Microsoft sign-in played in the browser, and "create
//! it for me" on the Azure app step in the simulator's Contoso.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::canary::CanaryScan;
use crate::{
    browser, enter_practice_mode, ipc_log, open_audit_options, scroll_to, text_of, tid, wait_for,
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

/// At the end of a path test: none of `secrets` (nor any text starting
/// with `prefix`, for secrets the simulator makes up) is in any file of the
/// data folder, the page, or the IPC answers recorded since [`record_ipc`].
/// The scan must have looked at something, and `control` (a value that
/// belongs there, e.g. a client ID) must be found, or it proves nothing.
pub async fn assert_no_secret_anywhere(
    c: &Client,
    data: &std::path::Path,
    secrets: &[&str],
    prefix: Option<&str>,
    control: &str,
) {
    let page = c.source().await.unwrap();
    let answers = ipc_log(c).await;
    let mut scan = CanaryScan::new(secrets);
    scan.dir(data)
        .text("the page", page.as_bytes())
        .ipc(&answers);
    assert!(scan.looked_at > answers.len(), "the scan looked at nothing");
    scan.assert_clean();
    let mut seen = CanaryScan::new(&[control]);
    seen.dir(data)
        .text("the page", page.as_bytes())
        .ipc(&answers);
    assert!(
        !seen.leaks().is_empty(),
        "the control {control} was found nowhere: the scan can't see"
    );
    if let Some(prefix) = prefix {
        assert!(!page.contains(prefix), "a made-up secret is on the page");
        for (i, a) in answers.iter().enumerate() {
            assert!(!a.contains(prefix), "a made-up secret in IPC answer {i}");
        }
        let mut stack = vec![data.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    assert!(
                        !String::from_utf8_lossy(&bytes).contains(prefix),
                        "a made-up secret in {}",
                        path.display()
                    );
                }
            }
        }
    }
}
