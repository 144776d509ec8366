//! End-to-end tests of the real app window on the practice sandbox.
//!
//! Run with `xvfb-run cargo test -p wizard-e2e -- --test-threads=1` after
//! `cargo build -p nylas-ms-wizard` (the README's test command does this).

use fantoccini::Locator;
use wizard_e2e::{
    enter_practice_mode, screenshot, scroll_to, tid, wait_for, wait_for_text, Driver,
};

const PATHS: [&str; 5] = ["v3", "teams", "v2-events", "migrate", "bulk"];

/// Welcome screen → practice mode → path A → its steps → restart → same step.
#[tokio::test(flavor = "current_thread")]
async fn welcome_path_a_and_resume_after_restart() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;

    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    for id in PATHS {
        wait_for(&c, &format!("path-option-{id}")).await;
    }
    let start = wait_for(&c, "start-button").await;
    assert!(
        !start.is_enabled().await.unwrap(),
        "Start is disabled until a path is chosen"
    );
    screenshot(&c, "01-welcome").await;

    // Practice mode: the switch flips and the banner appears.
    let toggle = wait_for(&c, "practice-toggle").await;
    assert_eq!(
        toggle.attr("aria-checked").await.unwrap().as_deref(),
        Some("false")
    );
    toggle.click().await.unwrap();
    wait_for(&c, "practice-banner").await;
    let toggle = wait_for(&c, "practice-toggle").await;
    assert_eq!(
        toggle.attr("aria-checked").await.unwrap().as_deref(),
        Some("true")
    );

    // Path A shows its steps, starting on the first.
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    assert!(wait_for(&c, "start-button")
        .await
        .is_enabled()
        .await
        .unwrap());
    screenshot(&c, "02-welcome-path-a-chosen").await;
    wait_for(&c, "start-button").await.click().await.unwrap();
    // The journey comes first (issue 17, point 1).
    wait_for_text(&c, "overview-title", "Connect Microsoft to Nylas").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "step-list").await;
    let steps = c
        .find_all(Locator::Css(&format!(
            "{} li[data-testid^=\"step-item-\"]",
            tid("step-list")
        )))
        .await
        .unwrap();
    assert_eq!(steps.len(), 7, "path A has seven steps");
    let first = wait_for(&c, "step-item-features").await;
    assert_eq!(
        first.attr("aria-current").await.unwrap().as_deref(),
        Some("step")
    );
    wait_for_text(&c, "current-step-title", "Features").await;

    // Next moves to the Region step.
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    let region = wait_for(&c, "step-item-region").await;
    assert_eq!(
        region.attr("aria-current").await.unwrap().as_deref(),
        Some("step")
    );
    screenshot(&c, "03-path-a-region").await;
    c.close().await.unwrap();

    // Restart on the same data folder: same path, same step, still practising.
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "step-list").await;
    wait_for_text(&c, "current-step-title", "Region").await;
    let region = wait_for(&c, "step-item-region").await;
    assert_eq!(
        region.attr("aria-current").await.unwrap().as_deref(),
        Some("step")
    );
    wait_for(&c, "practice-banner").await;
    screenshot(&c, "04-resumed-after-restart").await;

    // Back on the first step returns to the welcome screen.
    wait_for(&c, "back-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for(&c, "back-button").await.click().await.unwrap();
    wait_for(&c, "welcome").await;
    c.close().await.unwrap();
}

/// A damaged progress file is reported in the window; the wizard still works.
#[tokio::test(flavor = "current_thread")]
async fn corrupt_progress_is_reported_not_fatal() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("progress.json"),
        "{\"version\": 1, \"path\": ",
    )
    .unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    let notice = wait_for(&c, "notice-card").await;
    let text = notice.text().await.unwrap();
    assert!(
        text.contains("progress.corrupt-"),
        "names the backup: {text}"
    );
    wait_for(&c, "welcome").await;
    screenshot(&c, "05-corrupt-progress-notice").await;
    c.close().await.unwrap();
    let backups: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.corrupt-")
        })
        .collect();
    assert_eq!(backups.len(), 1, "the damaged file was kept aside");
}

/// Without a keychain the wizard says so and offers session-only secrets.
#[tokio::test(flavor = "current_thread")]
async fn no_keychain_offers_session_only_secrets() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &["--no-keychain"]).await;
    let card = wait_for(&c, "keychain-card").await;
    assert!(card
        .text()
        .await
        .unwrap()
        .to_lowercase()
        .contains("keychain"));
    screenshot(&c, "06-no-keychain").await;
    wait_for(&c, "session-only-button")
        .await
        .click()
        .await
        .unwrap();
    // The offer is replaced by a note that secrets last for this run only.
    c.wait()
        .for_element(Locator::XPath(
            "//*[@data-testid='keychain-card' and not(.//*[@data-testid='session-only-button'])]",
        ))
        .await
        .unwrap();
    c.close().await.unwrap();
}

/// The same screens in the dark theme (GTK dark → prefers-color-scheme: dark).
#[tokio::test(flavor = "current_thread")]
async fn dark_theme_screenshots() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start_dark().await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    let dark: bool = c
        .execute(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(dark, "the web view follows the dark GTK theme");
    screenshot(&c, "07-welcome-dark").await;
    scroll_to(&c, "path-option-teams").await;
    wait_for(&c, "path-option-teams")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await;
    screenshot(&c, "08a-path-b-journey-dark").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "step-list").await;
    screenshot(&c, "08-path-b-dark").await;
    // Bulk onboarding's first step (its words from Rust) in the dark theme.
    wait_for(&c, "change-path-button")
        .await
        .click()
        .await
        .unwrap();
    scroll_to(&c, "path-option-bulk").await;
    wait_for(&c, "path-option-bulk")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(
        &c,
        "start-button",
        "Start: Bulk onboarding with admin consent",
    )
    .await;
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "What changed").await;
    wait_for(&c, "bulk-explain-changed").await;
    screenshot(&c, "08b-path-e-explain-dark").await;
    c.close().await.unwrap();
}

/// Practice mode keeps its own progress: leaving it mid-path returns to the
/// real setup (here not started) and says that nothing carried over.
#[tokio::test(flavor = "current_thread")]
async fn leaving_practice_says_what_carries_over() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for(&c, "leave-practice").await.click().await.unwrap();

    // The real setup hasn't started: the welcome screen, and a note.
    wait_for(&c, "welcome").await;
    let note = wait_for(&c, "practice-left-card")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        note.contains("Nothing from practice carries over"),
        "{note}"
    );
    assert!(note.contains("hasn't started yet"), "{note}");
    assert!(c.find(Locator::Css(&tid("practice-banner"))).await.is_err());
    screenshot(&c, "04b-left-practice").await;
    wait_for(&c, "practice-left-card")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//body[not(.//*[@data-testid='practice-left-card'])]",
        ))
        .await
        .expect("Got it hides the note");

    // Practice again resumes practice's own place.
    enter_practice_mode(&c).await;
    wait_for_text(&c, "current-step-title", "Features").await;
    c.close().await.unwrap();
}
