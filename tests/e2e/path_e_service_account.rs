//! End-to-end (issue 12, path E point 6): the v2 service accounts step in
//! the real window in practice mode. From the welcome screen: path E, the
//! Azure app step (Contoso's existing app checked live, its client secret
//! pasted), then straight to "v2 service accounts": the step says first
//! that it is only for existing v2 service accounts and shows no form until
//! the admin ticks that their setup has one; the practice v2 app is checked
//! in place; an address outside the service account's domain is refused
//! before anyone signs in; the service account signs in through the
//! simulator's consent page and back on the wizard's loopback address; a
//! real mailbox is connected and an alias is refused by the Graph check. A
//! screenshot of each stage, looked at by a person.

use std::time::Duration;

use fantoccini::{Client, Locator};
use wizard_e2e::browser::{accept_in_browser, follow_to_wizard};
use wizard_e2e::practice::{assert_no_secret_anywhere, click, scroll_top, start_practice_path};
use wizard_e2e::{
    click_step, open_audit_options, record_ipc, screenshot, scroll_to, text_of, tid, wait_for,
    wait_for_text, Driver,
};

const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// Contoso's correct app registration in practice mode (live-apps.json).
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const AZURE_SECRET: &str = "Prc8Q~path-e-sa-e2e-azure-secret-7f2a";
/// Who the simulator signs in for Contoso: the existing service account.
const SERVICE: &str = "admin@contoso.com";

/// Type into a field and leave it (leaving saves it).
async fn type_in(c: &Client, id: &str, text: &str) {
    let field = wait_for(c, id).await;
    scroll_to(c, id).await;
    field.click().await.unwrap();
    field.send_keys(text).await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
}

/// Replace a field's text (no leaving: a textarea keeps its Tab).
async fn replace_text(c: &Client, id: &str, text: &str) {
    let field = wait_for(c, id).await;
    scroll_to(c, id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The link a CopyValue shows (read, not seen).
async fn link_in(c: &Client, id: &str) -> String {
    wait_for(c, id)
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[tokio::test(flavor = "current_thread")]
async fn path_e_v2_service_account_connects_a_real_mailbox_and_refuses_an_alias() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    record_ipc(&c).await;

    start_practice_path(&c, "bulk", "Bulk onboarding with admin consent").await;
    click(&c, "begin-button").await;

    // Features (the Azure app is checked against them): a preset.
    click_step(&c, "features").await;
    wait_for_text(&c, "current-step-title", "Features").await;
    click(&c, "preset-calendar-scheduler").await;

    // The Azure app: tenant, client secret, Contoso's app checked live.
    click_step(&c, "azure-app").await;
    wait_for_text(&c, "current-step-title", "Azure app").await;
    open_audit_options(&c).await;
    type_in(&c, "audit-tenant", "contoso.com").await;
    let secret = wait_for(&c, "client-secret-input").await;
    scroll_to(&c, "client-secret-input").await;
    secret.click().await.unwrap();
    secret.send_keys(AZURE_SECRET).await.unwrap();
    click(&c, "client-secret-save").await;
    let stored = text_of(&c, "client-secret-stored").await;
    assert!(!stored.contains(AZURE_SECRET), "{stored}");
    scroll_to(&c, "live-check").await;
    wait_for(&c, "live-check")
        .await
        .find(Locator::Css(&tid("ms-sign-in-browser")))
        .await
        .expect("a Sign in button")
        .click()
        .await
        .unwrap();
    accept_in_browser(link_in(&c, "ms-sign-in-url").await).await;
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;
    type_in(&c, "live-client-id", AZURE_APP).await;
    click(&c, "live-check-button").await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("audit-summary")
        )))
        .await
        .expect("live results");

    // v2 service accounts: the notice first, no form until ticked.
    click_step(&c, "service-accounts").await;
    wait_for_text(&c, "current-step-title", "v2 service accounts").await;
    let notice = text_of(&c, "sa-only-existing").await;
    for want in [
        "only for setups that already have a Nylas v2 Office 365 service account",
        "May 2024",
        "admin-consent credential",
    ] {
        assert!(notice.contains(want), "{want} in {notice}");
    }
    assert!(c.find(Locator::Css(&tid("sa-service"))).await.is_err());
    screenshot(&c, "12-E6-01-only-existing").await;

    click(&c, "sa-existing").await;
    // The practice v2 app, checked in place (empty fields: practice's).
    click(&c, "sa-v2-check").await;
    let v2 = text_of(&c, "sa-v2-checked").await;
    assert!(v2.contains(V2_CLIENT), "{v2}");

    // Another domain: refused before anyone signs in, naming both.
    type_in(&c, "sa-service", SERVICE).await;
    replace_text(&c, "sa-users-input", "lukas.meier@fabrikam.de").await;
    click(&c, "sa-check").await;
    let refused = text_of(&c, "error-card").await;
    assert!(
        refused.contains(SERVICE) && refused.contains("lukas.meier@fabrikam.de"),
        "{refused}"
    );
    scroll_to(&c, "error-card").await;
    screenshot(&c, "12-E6-02-another-domain").await;

    // A real mailbox and an alias: the plan, then the sign-in.
    replace_text(
        &c,
        "sa-users-input",
        "adele.vance@contoso.com, sales@contoso.com",
    )
    .await;
    click(&c, "sa-check").await;
    let plan = text_of(&c, "sa-plan").await;
    for want in [
        "admin@contoso.com",
        "sales@contoso.com",
        "http://localhost:47617/nylas-wizard/v2-sign-in",
        "EWS.AccessAsUser.All",
    ] {
        assert!(plan.contains(want), "{want} in {plan}");
    }
    scroll_top(&c, "sa-plan").await;
    screenshot(&c, "12-E6-03-plan").await;
    click(&c, "sa-start").await;
    let url = link_in(&c, "sa-url").await;
    assert!(url.contains("login_hint=admin%40contoso.com"), "{url}");
    scroll_to(&c, "sa-waiting").await;
    screenshot(&c, "12-E6-04-waiting").await;
    let visited = follow_to_wizard(url, "/nylas-wizard/v2-sign-in").await;
    assert!(visited.last().unwrap().contains("code="), "{visited:?}");
    let head = text_of(&c, "sa-outcome").await;
    assert!(
        head.starts_with("1 of 2 connected through admin@contoso.com"),
        "{head}"
    );
    let real = text_of(&c, "sa-result-0").await;
    assert!(
        real.contains("adele.vance@contoso.com") && real.contains("Adele Vance"),
        "{real}"
    );
    let alias = text_of(&c, "sa-result-1").await;
    assert!(
        alias.contains("alias") && alias.contains("not sent to Nylas"),
        "{alias}"
    );
    scroll_top(&c, "sa-outcome").await;
    screenshot(&c, "12-E6-05-connected").await;

    assert_no_secret_anywhere(&c, data.path(), &[V2_SECRET, AZURE_SECRET], None, V2_CLIENT).await;
    c.close().await.unwrap();
}
