//! End-to-end: path B (Microsoft Teams meetings) picks features too. In the
//! real window on the practice sandbox: the Features step comes first,
//! calendar write is marked required (a mail-only setup is not enough), and
//! once it is chosen the scope list shows the features' permissions plus
//! OnlineMeetings.ReadWrite, with EWS/EAS to keep. Screenshots are saved for
//! a person to look at.
//!
//! Run with `xvfb-run cargo test -p wizard-e2e --test teams_features --
//! --test-threads=1` after building the UI and the app (`npm run build` in
//! ui/, then `cargo build -p nylas-ms-wizard`).

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::{
    enter_practice_mode, screenshot, scroll_to, tid, wait_for, wait_for_text, Driver,
};

/// Wait until an element's text contains `want` (with a deadline).
async fn wait_for_contains(c: &Client, id: &str, want: &str) {
    let xpath = format!("//*[@data-testid='{id}' and contains(normalize-space(.), \"{want}\")]");
    if let Err(e) = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
    {
        let now = match c.find(Locator::Css(&tid(id))).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => "<missing>".into(),
        };
        panic!("{id} doesn't say {want:?}; it says {now:?}: {e}");
    }
}

/// Wait until a step of the step list has this status.
async fn wait_for_status(c: &Client, step: &str, status: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "[data-testid=\"step-item-{step}\"][data-status=\"{status}\"]"
        )))
        .await
        .unwrap_or_else(|e| panic!("step {step} is not {status}: {e}"));
}

async fn is_selected(c: &Client, id: &str) -> bool {
    wait_for(c, id).await.is_selected().await.unwrap()
}

/// Scroll the element to the top of the window, for a screenshot of it.
async fn scroll_to_top_of(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

#[tokio::test(flavor = "current_thread")]
async fn teams_features_step_adds_online_meetings_to_the_chosen_features() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;

    // Welcome → practice mode → path B: its first step is Features.
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-teams").await;
    scroll_to(&c, "path-option-teams").await;
    wait_for(&c, "path-option-teams")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for(&c, "features-step").await;
    wait_for_status(&c, "features", "in-progress").await;

    // The v3 features, less conferencing (Teams meetings are the path
    // itself); calendar write is marked required, and the intro says why.
    wait_for(&c, "feature-mail-read").await;
    assert!(
        c.find(Locator::Css(&tid("feature-conferencing")))
            .await
            .is_err(),
        "the Teams path doesn't offer conferencing: it always includes it"
    );
    let badge = wait_for(&c, "required-calendar-write").await;
    assert_eq!(badge.text().await.unwrap(), "Required");
    wait_for_contains(
        &c,
        "features-intro",
        "“Create or update events” is required",
    )
    .await;
    wait_for_contains(&c, "scope-list", "including “Create or update events”").await;

    // A mail-only setup is not enough: the list asks for calendar write.
    wait_for(&c, "preset-email-client")
        .await
        .click()
        .await
        .unwrap();
    wait_for_contains(&c, "scope-list", "Tick “Create or update events” too").await;
    assert!(
        c.find(Locator::Css(&tid("scope-OnlineMeetings.ReadWrite")))
            .await
            .is_err(),
        "no permission list before calendar write is chosen"
    );
    wait_for_status(&c, "features", "in-progress").await;
    screenshot(&c, "12-teams-features-required").await;

    // Tick calendar write: the features' permissions plus the Teams one.
    wait_for(&c, "feature-calendar-write")
        .await
        .click()
        .await
        .unwrap();
    for scope in [
        "Mail.ReadWrite",
        "Mail.Send",
        "Calendars.ReadWrite",
        "OnlineMeetings.ReadWrite",
        "User.Read",
        "offline_access",
        "EWS.AccessAsUser.All",
        "EAS.AccessAsUser.All",
    ] {
        wait_for(&c, &format!("scope-{scope}")).await;
    }
    let meetings = wait_for(&c, "scope-OnlineMeetings.ReadWrite")
        .await
        .text()
        .await
        .unwrap();
    assert!(meetings.contains("Teams meetings"), "{meetings}");
    assert!(meetings.contains("Always needed"), "{meetings}");
    // openid and profile are never asked of the registration.
    for scope in ["openid", "profile"] {
        assert!(
            c.find(Locator::Css(&tid(&format!("scope-{scope}"))))
                .await
                .is_err(),
            "{scope} is not in the list"
        );
    }
    // Mail plus calendar write is a preset: Rust recognises it.
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "[data-testid=\"preset-mail-calendar\"]:checked",
        ))
        .await
        .expect("the preset follows from the ticks");
    assert!(is_selected(&c, "feature-calendar-write").await);
    // Done is set on leaving (issue 17, point 2): nothing says it will be skipped.
    wait_for_status(&c, "features", "in-progress").await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//body[not(.//*[@data-testid='leave-note'])]",
        ))
        .await
        .expect("no skip warning once calendar write is chosen");
    screenshot(&c, "12b-teams-features").await;
    scroll_to_top_of(&c, "scope-list").await;
    screenshot(&c, "12c-teams-features-scope-list").await;

    // Next is Region, with the Teams redirect URI.
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    wait_for(&c, "region-step").await;
    wait_for_status(&c, "features", "done").await;

    // The choice was saved: after a restart the Features step shows it.
    c.close().await.unwrap();
    let c = driver.open_app(data.path(), &[]).await;
    wait_for_text(&c, "current-step-title", "Region").await;
    wait_for(&c, "step-item-features")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for(&c, "scope-OnlineMeetings.ReadWrite").await;
    assert!(is_selected(&c, "feature-calendar-write").await);
    c.close().await.unwrap();
}
