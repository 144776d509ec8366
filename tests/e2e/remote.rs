//! End-to-end: a remote call from the real window. Outside practice mode the
//! app's "real" hosts are a closed local port (see the harness), so the
//! look-up fails in words; with practice mode on, the same button is answered
//! by the sandbox's Contoso tenant.

use fantoccini::{Client, Locator};
use wizard_e2e::{
    enter_practice_mode, open_audit_options, screenshot, scroll_to, tid, wait_for, wait_for_text,
    Driver,
};

const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

/// From the welcome screen, path A straight to its Azure app step, with the
/// tenant field opened and filled in.
async fn azure_app_step_with_tenant(c: &Client, tenant: &str) {
    wait_for(c, "path-option-v3").await.click().await.unwrap();
    wait_for(c, "start-button").await.click().await.unwrap();
    wait_for(c, "begin-button").await.click().await.unwrap();
    wait_for(c, "step-item-azure-app")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "current-step-title", "Azure app").await;
    open_audit_options(c).await;
    let field = wait_for(c, "audit-tenant").await;
    scroll_to(c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys(tenant).await.unwrap();
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(tenant));
}

/// The text of the error card under the tenant field (the look-up retries
/// an unreachable host for a few seconds first).
async fn error_under_tenant(c: &Client) -> String {
    c.wait()
        .at_most(std::time::Duration::from_secs(30))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("tenant-lookup"),
            tid("error-card")
        )))
        .await
        .expect("an error card under the tenant field")
        .text()
        .await
        .unwrap()
}

async fn look_up(c: &Client) -> fantoccini::elements::Element {
    wait_for(c, "tenant-lookup-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(c, "tenant-lookup").await
}

#[tokio::test(flavor = "current_thread")]
async fn tenant_look_up_uses_the_practice_sandbox_only_in_practice_mode() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;

    // Practice off: the configured hosts don't answer; the card says so.
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    azure_app_step_with_tenant(&c, "contoso.com").await;
    let area = look_up(&c).await;
    let text = error_under_tenant(&c).await;
    assert!(text.contains("couldn't be reached"), "{text}");
    assert!(area.find(Locator::Css(&tid("tenant-found"))).await.is_err());
    screenshot(&c, "13-tenant-unreachable").await;
    c.close().await.unwrap();

    // Practice on (a fresh data folder starts on the welcome screen).
    let data = tempfile::tempdir().unwrap();
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;
    azure_app_step_with_tenant(&c, "contoso.com").await;
    look_up(&c).await;
    let found = wait_for(&c, "tenant-found").await.text().await.unwrap();
    assert!(found.contains("Microsoft knows “contoso.com”."), "{found}");
    assert!(found.contains("North America"), "{found}");
    assert!(found.contains(CONTOSO_ID), "{found}");
    // Issue 17, point 5: its data location need not match the Nylas region.
    assert!(
        found.contains("doesn't need to match your Nylas region"),
        "{found}"
    );
    screenshot(&c, "13b-tenant-found").await;

    // A tenant the sandbox doesn't have: Microsoft's AADSTS90002, in words.
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    // Select all and type over it, as an admin would.
    field.send_keys("\u{E009}a\u{E009}").await.unwrap();
    field.send_keys("contso.com").await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("contso.com")
    );
    let area = look_up(&c).await;
    let card = error_under_tenant(&c).await;
    assert!(area.find(Locator::Css(&tid("tenant-found"))).await.is_err());
    assert!(card.contains("It wasn't found"), "{card}");
    assert!(card.contains("AADSTS90002"), "{card}");
    screenshot(&c, "13c-tenant-not-found").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn tenant_found_dark() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start_dark().await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;
    azure_app_step_with_tenant(&c, "fabrikam.de").await;
    look_up(&c).await;
    let found = wait_for(&c, "tenant-found").await.text().await.unwrap();
    assert!(found.contains("Europe"), "{found}");
    assert!(
        found.contains("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
        "{found}"
    );
    scroll_to(&c, "tenant-found").await;
    screenshot(&c, "13d-tenant-found-dark").await;
    c.close().await.unwrap();
}

/// Issue 8, points 2 and 1: while a look-up runs, Cancel stops it (the
/// "real" hosts are a closed port here, so it is busy retrying) and the
/// window says so quietly; once Microsoft couldn't be reached, the proxy
/// setting is offered, and an address typed there is checked by Rust and
/// shown as in force.
#[tokio::test(flavor = "current_thread")]
async fn tenant_look_up_cancel_and_proxy_setting() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    azure_app_step_with_tenant(&c, "contoso.com").await;

    look_up(&c).await;
    wait_for(&c, "tenant-lookup-cancel")
        .await
        .click()
        .await
        .unwrap();
    let stopped = wait_for(&c, "tenant-lookup-stopped")
        .await
        .text()
        .await
        .unwrap();
    assert!(stopped.starts_with("Stopped."), "{stopped}");
    assert!(c.find(Locator::Css(&tid("error-card"))).await.is_err());
    assert!(c
        .find(Locator::Css(&tid("tenant-lookup-cancel")))
        .await
        .is_err());
    screenshot(&c, "13e-tenant-look-up-stopped").await;

    // This time to the end: unreachable, so the proxy setting is offered.
    look_up(&c).await;
    error_under_tenant(&c).await;
    scroll_to(&c, "proxy-setting").await;
    wait_for(&c, "proxy-setting")
        .await
        .find(Locator::Css("summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let field = wait_for(&c, "proxy-url").await;
    field.click().await.unwrap();
    field.send_keys("proxy.example.com:8080").await.unwrap();
    wait_for(&c, "proxy-use").await.click().await.unwrap();
    wait_for_text(
        &c,
        "proxy-in-force",
        "Using the proxy http://proxy.example.com:8080/ until you close the wizard.",
    )
    .await;
    scroll_to(&c, "proxy-setting").await;
    screenshot(&c, "13f-proxy-setting").await;
    c.close().await.unwrap();
}
