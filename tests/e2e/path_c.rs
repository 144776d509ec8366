//! End-to-end (issue 11, "Tests"): path C, Nylas v2 Graph events with
//! shared calendars, in the real window in practice mode, from the welcome
//! screen as an admin would go: Features (calendar scheduler and shared
//! calendars), Region, the Azure app (Contoso's existing app checked live,
//! its client secret pasted), the Nylas v2 app (the practice app), Connect
//! accounts (a user signs in through the simulator's consent page, back on
//! the wizard's loopback address, and becomes two Nylas v2 accounts: email
//! and contacts, then calendar) and Done with the report saved. A
//! screenshot of each step, looked at by a person.

use std::time::Duration;

use fantoccini::{Client, Locator};
use wizard_e2e::browser::{accept_in_browser, follow_to_wizard};
use wizard_e2e::practice::{
    assert_no_secret_anywhere, click, next_step, scroll_top, start_practice_path,
};
use wizard_e2e::{
    center_when_still, open_audit_options, record_ipc, screenshot, scroll_to, text_of, tid,
    wait_for, wait_for_css, wait_for_status, wait_for_text, Driver,
};

/// Contoso's practice v2 application (crates/sandbox/scenarios/practice.json).
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// Contoso's correct app registration in practice mode (live-apps.json).
const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
/// The client secret the admin pastes (the simulator takes any for it).
const AZURE_SECRET: &str = "Prc8Q~path-c-e2e-azure-secret-5d1e";
/// The practice user who signs in (the simulator's Contoso user).
const USER: &str = "megan.bowen@contoso.com";

/// Type into a field and leave it (leaving saves it).
async fn type_in(c: &Client, id: &str, text: &str) {
    let field = wait_for(c, id).await;
    scroll_to(c, id).await;
    field.click().await.unwrap();
    field.send_keys(text).await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
}

/// The sign-in link the window shows under `within` (folded under "No
/// browser page opened?": read, not seen), opened in the played browser.
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
async fn path_c_from_the_welcome_screen_to_connected_graph_accounts() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    // Every answer the window gets from Rust, for the secrets scan at the end.
    record_ipc(&c).await;

    // Welcome: practice mode on, path C, its journey, Begin.
    start_practice_path(
        &c,
        "v2-events",
        "Nylas v2: Graph events and shared calendars",
    )
    .await;
    screenshot(&c, "11-C01-journey").await;
    click(&c, "begin-button").await;

    // 1. Features: the calendar scheduler, with shared calendars.
    wait_for_text(&c, "current-step-title", "Features").await;
    click(&c, "preset-calendar-scheduler").await;
    click(&c, "feature-shared-calendar").await;
    wait_for(&c, "scope-Calendars.ReadWrite.Shared").await;
    screenshot(&c, "11-C02-features").await;
    next_step(&c, "Region").await;
    wait_for_status(&c, "features", "done").await;

    // 2. Region: US, the default.
    screenshot(&c, "11-C03-region").await;
    next_step(&c, "Azure app").await;
    wait_for_status(&c, "region", "done").await;

    // 3. Azure app: the tenant and the client secret, then Contoso's
    // existing app checked live after the admin signs in.
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
    let consent = accept_in_browser(link_in(&c, "ms-sign-in-url").await).await;
    assert!(consent.contains("Application.Read.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;
    type_in(&c, "live-client-id", AZURE_APP).await;
    click(&c, "live-check-button").await;
    let summary = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("audit-summary")
        )))
        .await
        .expect("live results")
        .text()
        .await
        .unwrap();
    // Shared calendars need Calendars.ReadWrite.Shared, which the app
    // lacks: the one thing to fix.
    assert!(summary.starts_with("1 thing needs fixing"), "{summary}");
    scroll_top(&c, "live-check").await;
    screenshot(&c, "11-C04-azure-app-checked").await;

    // Fix this: its preview, a sign-in allowing changes, applied, checked
    // again: nothing to fix.
    click(&c, "fix-this-delegated_scopes").await;
    let preview = text_of(&c, "fix-preview").await;
    assert!(preview.contains("Calendars.ReadWrite.Shared"), "{preview}");
    let change = format!("{} {}", tid("fix-preview"), tid("ms-sign-in-browser"));
    let button = c
        .find(Locator::Css(&change))
        .await
        .expect("a Sign in button to allow changes");
    center_when_still(&c, &change).await;
    button.click().await.unwrap();
    let consent = accept_in_browser(link_in(&c, "ms-sign-in-url").await).await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    let apply = wait_for(&c, "fix-apply").await;
    scroll_to(&c, "fix-preview").await;
    screenshot(&c, "11-C05-azure-app-fix-preview").await;
    apply.click().await.unwrap();
    let applied = text_of(&c, "fix-applied").await;
    assert!(applied.contains("Your app was changed ("), "{applied}");
    let after = c
        .find(Locator::Css(&format!(
            "{} {}",
            tid("live-check"),
            tid("audit-summary")
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(after.starts_with("Nothing needs fixing"), "{after}");
    scroll_to(&c, "fix-applied").await;
    screenshot(&c, "11-C06-azure-app-fixed").await;
    next_step(&c, "Nylas v2 app").await;
    wait_for_status(&c, "azure-app", "done").await;

    // 4. Nylas v2 app: the practice app, checked; the window sees a hint.
    click(&c, "nylas-v2-practice").await;
    wait_for(&c, "nylas-v2-card").await;
    assert_eq!(text_of(&c, "nylas-v2-client-id").await, V2_CLIENT);
    let accounts = text_of(&c, "nylas-v2-accounts").await;
    assert!(accounts.contains(USER), "{accounts}");
    scroll_to(&c, "nylas-v2-card").await;
    screenshot(&c, "11-C07-nylas-v2-checked").await;
    assert!(!text_of(&c, "nylas-v2-step").await.contains(V2_SECRET));
    next_step(&c, "Connect accounts").await;
    wait_for_status(&c, "nylas-v2", "done").await;

    // 5. Connect accounts: the plan says two authorizations (shared
    // calendars) and what that means; the user signs in; two accounts.
    let plan = text_of(&c, "native-auth-plan").await;
    for want in [
        "provider office365, scopes email,contacts",
        "provider graph, scopes calendar",
        "http://localhost:47617/nylas-wizard/v2-sign-in",
        "Nylas bills both accounts",
    ] {
        assert!(plan.contains(want), "{want} in {plan}");
    }
    assert!(!plan.contains(AZURE_SECRET) && !plan.contains(V2_SECRET));
    scroll_top(&c, "native-auth-plan").await;
    screenshot(&c, "11-C08-connect-accounts-plan").await;
    type_in(&c, "native-auth-login-hint", USER).await;
    click(&c, "native-auth-start").await;
    let url = link_in(&c, "native-auth-url").await;
    scroll_to(&c, "native-auth-waiting").await;
    screenshot(&c, "11-C09-connect-accounts-waiting").await;
    let visited = follow_to_wizard(url, "/nylas-wizard/v2-sign-in").await;
    assert!(visited.last().unwrap().contains("code="), "{visited:?}");
    // One person, two Nylas v2 accounts: email and contacts, then calendar.
    let outcomes = text_of(&c, "native-auth-outcomes").await;
    let first = text_of(&c, "native-auth-result-0").await;
    let second = text_of(&c, "native-auth-result-1").await;
    assert!(
        first.starts_with("✓ Email and contacts: account") && first.contains("office365"),
        "{outcomes}"
    );
    assert!(
        second.starts_with("✓ Calendar and events, through Microsoft Graph: account")
            && second.contains("graph"),
        "{outcomes}"
    );
    let page = text_of(&c, "native-auth-step").await;
    assert!(!page.contains(AZURE_SECRET) && !page.contains(V2_SECRET));
    scroll_top(&c, "native-auth-outcomes").await;
    screenshot(&c, "11-C10-connect-accounts-connected").await;

    // 6. Done: the report of what was set up, saved without a secret.
    next_step(&c, "Done").await;
    wait_for_status(&c, "native-auth", "done").await;
    // Whichever headline the report gives, once it has loaded (the
    // assertion then says what is left, if anything).
    let headline = wait_for_css(
        &c,
        "[data-testid=\"done-complete\"], [data-testid=\"done-left\"]",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        headline.contains(
            "You’re done: your accounts are connected to Nylas v2 through Microsoft Graph"
        ),
        "{headline}"
    );
    assert_eq!(
        text_of(&c, "done-accounts-counts").await,
        "2 of 2 accounts connected."
    );
    assert!(text_of(&c, "done-fact-nylas-v2").await.contains(V2_CLIENT));
    assert!(c.find(Locator::Css(&tid("done-fact-teams"))).await.is_err());
    screenshot(&c, "11-C11-done").await;
    scroll_top(&c, "done-fact-nylas-v2").await;
    screenshot(&c, "11-C11b-done-accounts").await;
    click(&c, "done-save-button").await;
    let md = text_of(&c, "done-saved-markdown").await;
    let js = text_of(&c, "done-saved-json").await;
    let texts: Vec<String> = [&md, &js]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    // For a person to read beside the screenshots (it holds no secret).
    std::fs::write(
        wizard_e2e::screenshot_dir().join("11-C-report.md"),
        &texts[0],
    )
    .unwrap();
    // The files are the test's own (in Downloads or the data folder): tidy up.
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap();
    }
    for want in [
        "## Accounts connected through Microsoft Graph",
        "2 of 2 accounts connected",
        "Shared calendars: each person is connected twice",
        "calendar account's access token",
    ] {
        assert!(texts[0].contains(want), "{want} in\n{}", texts[0]);
    }
    let doc: serde_json::Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(doc["complete"], true, "{doc}");
    assert_eq!(doc["path"], "v2-events");
    assert_eq!(doc["v2_accounts"]["connected"], 2);
    for t in &texts {
        assert!(!t.contains(V2_SECRET), "the v2 secret reached the report");
        assert!(
            !t.contains(AZURE_SECRET),
            "the Azure secret reached the report"
        );
    }
    scroll_top(&c, "done-next").await;
    screenshot(&c, "11-C12-done-next").await;
    // No secret in any file of the data folder, on the page or in any
    // answer the window got.
    assert_no_secret_anywhere(&c, data.path(), &[V2_SECRET, AZURE_SECRET], None, V2_CLIENT).await;
    c.close().await.unwrap();
}
