//! End-to-end (issue 11, "Tests"): path B, Microsoft Teams meetings, in the
//! real window in practice mode, from the welcome screen as an admin would
//! go: Features, Region, the Azure app (created for them in the simulator's
//! Contoso, with the Teams redirect URI, implicit grant and
//! OnlineMeetings.ReadWrite), the Nylas v2 app (the practice app), the
//! Teams integration (what will be sent, then created), Connect accounts
//! (a v2 account signed in through the simulated Teams login, back on the
//! wizard's loopback address), and Done with the report saved. A screenshot
//! of each step, looked at by a person.

use fantoccini::Locator;
use wizard_e2e::browser::follow_to_wizard;
use wizard_e2e::practice::{
    assert_no_secret_anywhere, click, create_practice_app, next_step, scroll_top,
    start_practice_path,
};
use wizard_e2e::{
    record_ipc, screenshot, scroll_to, text_of, wait_for, wait_for_css, wait_for_status,
    wait_for_text, Driver,
};

/// Contoso's practice v2 application (crates/sandbox/scenarios/practice.json).
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
/// One of its accounts, and its address.
const ACCOUNT: &str = "v2acct-contoso-megan";
const EMAIL: &str = "megan.bowen@contoso.com";

/// Every client secret the simulator issues starts with this.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

#[tokio::test(flavor = "current_thread")]
async fn path_b_from_the_welcome_screen_to_a_connected_teams_account() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    // Every answer the window gets from Rust, for the secrets scan at the end.
    record_ipc(&c).await;

    // Welcome: practice mode on, the Teams path, its journey, Begin.
    start_practice_path(&c, "teams", "Microsoft Teams meetings").await;
    screenshot(&c, "11-B01-journey").await;
    click(&c, "begin-button").await;

    // 1. Features: mail and calendar (Teams needs calendar write).
    wait_for_text(&c, "current-step-title", "Features").await;
    click(&c, "preset-mail-calendar").await;
    wait_for(&c, "scope-OnlineMeetings.ReadWrite").await;
    screenshot(&c, "11-B02-features").await;
    next_step(&c, "Region").await;
    wait_for_status(&c, "features", "done").await;

    // 2. Region: US, the default, with the Teams redirect URI.
    let region = text_of(&c, "region-step").await;
    assert!(
        region.contains("https://beta.us.nylas.com/connect/callback"),
        "{region}"
    );
    screenshot(&c, "11-B03-region").await;
    next_step(&c, "Azure app").await;
    wait_for_status(&c, "region", "done").await;

    // 3. Azure app: created for them, ready for Teams.
    let plan = create_practice_app(&c).await;
    for want in [
        "OnlineMeetings.ReadWrite",
        "https://beta.us.nylas.com/connect/callback",
        "implicit grant",
    ] {
        assert!(plan.contains(want), "{want} in {plan}");
    }
    scroll_top(&c, "create-done").await;
    screenshot(&c, "11-B04-azure-app-created").await;
    next_step(&c, "Nylas v2 app").await;
    wait_for_status(&c, "azure-app", "done").await;

    // 4. Nylas v2 app: the practice app, checked; the window sees a hint.
    screenshot(&c, "11-B05-nylas-v2").await;
    click(&c, "nylas-v2-practice").await;
    wait_for(&c, "nylas-v2-card").await;
    assert_eq!(text_of(&c, "nylas-v2-client-id").await, V2_CLIENT);
    assert_eq!(text_of(&c, "nylas-v2-card-region").await, "US");
    scroll_to(&c, "nylas-v2-card").await;
    screenshot(&c, "11-B06-nylas-v2-checked").await;
    let page = text_of(&c, "nylas-v2-step").await;
    assert!(!page.contains(V2_SECRET), "the v2 secret reached the page");
    next_step(&c, "Teams integration").await;
    wait_for_status(&c, "nylas-v2", "done").await;

    // 5. Teams integration: what will be sent (secrets only as hints), the
    // Azure app's redirect URI matched, then created.
    wait_for(&c, "teams-facts").await;
    assert!(text_of(&c, "teams-tenancy")
        .await
        .starts_with("Your organization only (tenant "));
    // The app was created with the beta callback; the check may only
    // know that from a manifest the window checked (after "create it for
    // me" it says plainly that it can't see them), never that it's missing.
    let check = wait_for(&c, "teams-redirect-check").await;
    let state = check.attr("data-state").await.unwrap();
    assert!(
        matches!(state.as_deref(), Some("matches" | "unknown")),
        "{state:?}: {}",
        check.text().await.unwrap()
    );
    let plan = text_of(&c, "teams-plan").await;
    assert!(plan.contains("What will change in Nylas"), "{plan}");
    assert!(!plan.contains(V2_SECRET), "the v2 secret reached the plan");
    scroll_top(&c, "teams-integration").await;
    screenshot(&c, "11-B07-teams-integration-plan").await;
    scroll_to(&c, "teams-confirm").await;
    screenshot(&c, "11-B08-teams-integration-confirm").await;
    click(&c, "teams-confirm").await;
    let verdict = text_of(&c, "teams-verdict").await;
    let result = text_of(&c, "teams-result").await;
    assert!(result.starts_with("Done"), "{result}\n{verdict}");
    scroll_top(&c, "teams-result").await;
    screenshot(&c, "11-B09-teams-integration-created").await;
    next_step(&c, "Connect accounts").await;
    wait_for_status(&c, "teams-integration", "done").await;

    // 6. Connect accounts: Megan's v2 account, signed in through the
    // simulated Teams login, which sends the browser back to the wizard.
    screenshot(&c, "11-B10-connect-accounts").await;
    let ids = wait_for(&c, "connect-accounts-ids").await;
    scroll_to(&c, "connect-accounts-ids").await;
    ids.click().await.unwrap();
    ids.send_keys(ACCOUNT).await.unwrap();
    click(&c, "connect-accounts-start").await;
    let login = wait_for(&c, "connect-accounts-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("/connect/login?id="), "{login}");
    scroll_to(&c, "connect-accounts-progress").await;
    screenshot(&c, "11-B11-connect-accounts-waiting").await;
    let visited = follow_to_wizard(login, "/nylas-wizard/teams-callback").await;
    let back = visited.last().unwrap();
    assert!(back.contains("success=true"), "{visited:?}");
    assert!(back.contains("grant_id="), "{visited:?}");
    c.wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "[data-testid=\"account-row-{ACCOUNT}\"]:is(.is-connected, .is-failed)"
        )))
        .await
        .expect("the account's sign-in ends");
    let row = text_of(&c, &format!("account-row-{ACCOUNT}")).await;
    assert!(row.contains("Connected"), "{row}\n{visited:?}");
    assert!(row.contains(EMAIL), "{row}");
    assert!(row.contains("Grant "), "{row}");
    let summary = text_of(&c, "connect-accounts-summary").await;
    assert!(
        summary.contains("connected") && !summary.contains("Resume"),
        "{summary}"
    );
    scroll_top(&c, "accounts-table").await;
    screenshot(&c, "11-B12-connect-accounts-connected").await;

    // 7. Done: the report of what was set up, saved without a secret.
    next_step(&c, "Done").await;
    wait_for_status(&c, "connect-accounts", "done").await;
    let facts = text_of(&c, "done-facts").await;
    assert!(facts.contains(V2_CLIENT), "{facts}");
    assert!(text_of(&c, "done-fact-accounts")
        .await
        .contains("1 of 1 account connected."));
    let teams = text_of(&c, "done-fact-teams").await;
    assert!(
        teams.contains("Created by the wizard, for people in your organization only."),
        "{teams}"
    );
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
        headline.contains("You’re done: Nylas can add Teams meetings for your accounts"),
        "{headline}"
    );
    screenshot(&c, "11-B13-done").await;
    scroll_top(&c, "done-fact-nylas-v2").await;
    screenshot(&c, "11-B13b-done-teams-and-accounts").await;
    click(&c, "done-save-button").await;
    let md = text_of(&c, "done-saved-markdown").await;
    let js = text_of(&c, "done-saved-json").await;
    let texts: Vec<String> = [&md, &js]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    // For a person to read beside the screenshots (it holds no secret).
    std::fs::write(
        wizard_e2e::screenshot_dir().join("11-B-report.md"),
        &texts[0],
    )
    .unwrap();
    // The files are the test's own (in Downloads or the data folder): tidy up.
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap();
    }
    for want in [
        "## Microsoft Teams integration",
        "## Accounts connected to Teams",
        EMAIL,
        "Only your organization (tenant `",
    ] {
        assert!(texts[0].contains(want), "{want} in\n{}", texts[0]);
    }
    let doc: serde_json::Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(doc["complete"], true, "{doc}");
    assert_eq!(doc["path"], "teams");
    assert_eq!(doc["teams_accounts"]["connected"], 1);
    assert_eq!(doc["nylas_v2"]["client_id"], V2_CLIENT);
    for t in &texts {
        assert!(!t.contains(V2_SECRET), "the v2 secret reached the report");
        assert!(
            !t.contains(NEW_SECRET_PREFIX),
            "the Azure client secret reached the report"
        );
    }
    scroll_to(&c, "done-saved").await;
    screenshot(&c, "11-B14-done-saved").await;
    scroll_top(&c, "done-next").await;
    screenshot(&c, "11-B15-done-next").await;
    // No secret in any file of the data folder, on the page or in any
    // answer the window got.
    assert_no_secret_anywhere(
        &c,
        data.path(),
        &[V2_SECRET],
        Some(NEW_SECRET_PREFIX),
        V2_CLIENT,
    )
    .await;
    c.close().await.unwrap();
}
