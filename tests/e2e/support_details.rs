//! "Copy support details" on an error card in the real window: what lands
//! on the clipboard names the code, the time and the app's version (from
//! the real session), and none of what the admin typed.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::{open_audit_options, screenshot, scroll_to, tid, wait_for, Driver};

/// Path A's Azure app step with a tenant typed in, then "Check this tenant"
/// against hosts that don't answer (the harness points them at a closed port).
async fn failed_tenant_look_up(c: &Client, tenant: &str) {
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
    open_audit_options(c).await;
    let field = wait_for(c, "audit-tenant").await;
    scroll_to(c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys(tenant).await.unwrap();
    wait_for(c, "tenant-lookup-button")
        .await
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(std::time::Duration::from_secs(30))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("tenant-lookup"),
            tid("copy-support-details")
        )))
        .await
        .expect("an error card with Copy support details");
}

#[tokio::test(flavor = "current_thread")]
async fn copy_support_details_has_code_time_and_version_but_not_the_input() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    let tenant = "fabrikam-private.example";
    failed_tenant_look_up(&c, tenant).await;

    // Catch what the button writes (the page's own clipboard call).
    c.execute(
        "window.__copied = null;
         Object.defineProperty(navigator, 'clipboard', { configurable: true,
           value: { writeText: async (t) => { window.__copied = t; } } });
         return true;",
        vec![],
    )
    .await
    .unwrap();
    scroll_to(&c, "copy-support-details").await;
    wait_for(&c, "copy-support-details")
        .await
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//*[@data-testid='copy-support-details' and normalize-space(.)='Copied']",
        ))
        .await
        .expect("the button says Copied");
    let text = c.execute("return window.__copied;", vec![]).await.unwrap();
    let text = text.as_str().expect("text was copied").to_string();
    assert!(text.contains("Code: remote_unavailable"), "{text}");
    assert!(
        text.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("Time: 20"), "{text}");
    assert!(
        !text.contains(tenant),
        "the admin's input stays out: {text}"
    );
    assert!(!text.contains("127.0.0.1"), "{text}");
    // The card as the admin sees it, with the button.
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'end' }); return true;",
        vec![json!(tid("copy-support-details"))],
    )
    .await
    .unwrap();
    screenshot(&c, "16-error-card-support-details").await;
    c.close().await.unwrap();
}
