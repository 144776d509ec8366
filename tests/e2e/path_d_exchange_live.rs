//! End-to-end (issue 12, path D point 2): on the Permissions step, the
//! current app's Exchange permissions read live from Microsoft in practice
//! mode: the tenant typed, the read-only sign-in through the simulator's
//! consent page, the app's ID, and the answer said plainly, marked as read
//! live. A screenshot, looked at by a person.

use fantoccini::{Client, Locator};
use wizard_e2e::browser::accept_in_browser;
use wizard_e2e::practice::click;
use wizard_e2e::{
    enter_practice_mode, record_ipc, screenshot, scroll_to, text_of, wait_for, wait_for_text,
    Driver,
};

/// Contoso's practice app registration (Graph permissions only).
const CURRENT_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";

async fn type_in(c: &Client, id: &str, text: &str) {
    let field = wait_for(c, id).await;
    scroll_to(c, id).await;
    field.click().await.unwrap();
    field.send_keys(text).await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn path_d_reads_the_current_app_live_for_exchange_permissions() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    record_ipc(&c).await;
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-migrate")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "overview-title", "Move from Nylas v2 to v3").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Permissions").await;

    click(&c, "migrate-current-app").await;
    type_in(&c, "migrate-current-tenant", "contoso.com").await;
    // No ID field before anyone signs in.
    assert!(c
        .find(Locator::Css("[data-testid=\"migrate-current-client-id\"]"))
        .await
        .is_err());
    click(&c, "ms-sign-in-browser").await;
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
    assert!(consent.contains("Application.Read.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;
    type_in(&c, "migrate-current-client-id", CURRENT_APP).await;
    click(&c, "migrate-current-read").await;
    let check = text_of(&c, "migrate-exchange-check").await;
    for want in [
        "Practice: correct has no Exchange permissions",
        "lists no Exchange (EAS or EWS) permissions",
        "Read live from Microsoft",
    ] {
        assert!(check.contains(want), "{want} in {check}");
    }
    scroll_to(&c, "migrate-exchange-check").await;
    screenshot(&c, "12-D04c-permissions-current-app-live").await;
    c.close().await.unwrap();
}
