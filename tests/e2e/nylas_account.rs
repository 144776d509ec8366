//! End-to-end (issue 10, point 1): the Nylas account step in the real
//! window, in practice mode on path A. A wrong key reads as a plain error;
//! the EU practice key on the US region is offered as "belongs to the EU
//! region" with a switch, which keeps the key and changes the region; the
//! application card shows; the step is Done on leaving. A region change
//! afterwards asks for a new check, and the US key then opens its
//! application. No answer from Rust ever carries a key.

use std::time::Duration;

use fantoccini::{Client, Locator};
use wizard_e2e::{
    click_step, enter_practice_mode, ipc_log, record_ipc, resize, screenshot, scroll_to, text_of,
    wait_for, wait_for_status, wait_for_text, Driver,
};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";
const WRONG_KEY: &str = "nyk_v0_mistyped_key_4Fh7Kq2Lz9";

async fn click(c: &Client, id: &str) {
    scroll_to(c, id).await;
    wait_for(c, id).await.click().await.unwrap();
}

/// Paste a key into the (empty) field and press Check the key.
async fn check_key(c: &Client, key: &str) {
    scroll_to(c, "nylas-key-input").await;
    let field = wait_for(c, "nylas-key-input").await;
    field.clear().await.unwrap();
    field.send_keys(key).await.unwrap();
    click(c, "nylas-key-check").await;
}

async fn gone(c: &Client, id: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "/html/body[not(.//*[@data-testid='{id}'])]"
        )))
        .await
        .unwrap_or_else(|e| panic!("{id} is still shown: {e}"));
}

#[tokio::test(flavor = "current_thread")]
async fn wrong_key_other_region_switch_and_the_application() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;
    record_ipc(&c).await;

    // Path A, then the Nylas account step.
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    click_step(&c, "nylas-account").await;
    wait_for_text(&c, "current-step-title", "Nylas account").await;
    assert!(text_of(&c, "nylas-key-region")
        .await
        .contains("in the US region"));
    assert!(text_of(&c, "nylas-key-where").await.contains("API Keys"));
    assert!(text_of(&c, "nylas-practice-note")
        .await
        .contains("Use the practice key"));
    screenshot(&c, "10-01-nylas-account-empty").await;

    // A wrong key: a plain error, with what to do.
    check_key(&c, WRONG_KEY).await;
    let error = text_of(&c, "error-card").await;
    assert!(
        error.contains("Nylas doesn't accept this API key in either region (US or EU)."),
        "{error}"
    );
    assert!(error.contains("API Keys"), "{error}");
    screenshot(&c, "10-02-nylas-account-wrong-key").await;

    // The EU key on the US region: offered, not kept yet.
    check_key(&c, EU_KEY).await;
    let offer = text_of(&c, "nylas-region-offer").await;
    assert!(
        offer.contains("This key belongs to a Nylas application in the EU region."),
        "{offer}"
    );
    assert!(offer.contains("Fabrikam Mail Hub"), "{offer}");
    assert!(
        offer.contains("https://api.eu.nylas.com/v3/connect/callback"),
        "{offer}"
    );
    gone(&c, "error-card").await;
    // No scrolling here: the answer brings itself into view.
    screenshot(&c, "10-03-nylas-account-other-region").await;

    // Switch: the same key, checked in the EU, kept; the region follows.
    click(&c, "nylas-switch-region").await;
    wait_for(&c, "nylas-app-card").await;
    assert_eq!(text_of(&c, "nylas-app-name").await, "Fabrikam Mail Hub");
    assert_eq!(text_of(&c, "nylas-app-region").await, "EU");
    assert_eq!(text_of(&c, "nylas-key-hint").await, "nyk…h2Q");
    let switched = text_of(&c, "nylas-region-switched").await;
    assert!(switched.contains("Your region is now EU"), "{switched}");
    assert!(
        switched.contains("https://api.eu.nylas.com/v3/connect/callback"),
        "{switched}"
    );
    assert!(text_of(&c, "nylas-app-id")
        .await
        .contains("8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a"));
    assert!(text_of(&c, "nylas-app-callbacks")
        .await
        .contains("https://mailhub.fabrikam.de/nylas/callback"));
    gone(&c, "nylas-region-offer").await;
    gone(&c, "nylas-key-input").await;
    scroll_to(&c, "nylas-region-switched").await;
    screenshot(&c, "10-04-nylas-account-switched").await;
    scroll_to(&c, "nylas-app-card").await;
    screenshot(&c, "10-04b-nylas-account-application").await;

    // Done once left.
    wait_for_status(&c, "nylas-account", "in-progress").await;
    click(&c, "next-button").await;
    wait_for_text(&c, "current-step-title", "Configure Nylas").await;
    wait_for_status(&c, "nylas-account", "done").await;

    // The region goes back to US: the key needs a new check.
    click_step(&c, "region").await;
    wait_for_text(&c, "current-step-title", "Region").await;
    click(&c, "region-us").await;
    wait_for_status(&c, "nylas-account", "needs-attention").await;
    click_step(&c, "nylas-account").await;
    wait_for_text(&c, "current-step-title", "Nylas account").await;
    assert_eq!(
        text_of(&c, "nylas-key-record").await,
        "It was checked in the EU region, but your region is now US. Check it again."
    );
    screenshot(&c, "10-05-nylas-account-recheck").await;

    // A different key, the US one: its application.
    click(&c, "nylas-key-replace").await;
    check_key(&c, US_KEY).await;
    wait_for(&c, "nylas-app-card").await;
    assert_eq!(text_of(&c, "nylas-app-name").await, "Contoso Scheduler");
    assert_eq!(text_of(&c, "nylas-app-region").await, "US");
    assert_eq!(text_of(&c, "nylas-key-hint").await, "nyk…Tz1");
    click(&c, "next-button").await;
    wait_for_text(&c, "current-step-title", "Configure Nylas").await;
    wait_for_status(&c, "nylas-account", "done").await;

    // No answer from Rust carried a key, and the page holds none.
    let log = ipc_log(&c).await;
    assert!(
        log.iter().any(|e| e.contains("check_nylas_account")),
        "the checks were recorded"
    );
    for key in [US_KEY, EU_KEY, WRONG_KEY] {
        assert!(
            !log.iter().any(|e| e.contains(key)),
            "a key came back over IPC"
        );
        let html = c.source().await.unwrap();
        assert!(!html.contains(key), "the page holds a key");
    }
}

/// Nothing on the page is wider than the window (no sideways scrolling).
async fn nothing_cut_off(c: &Client) {
    let wider = c
        .execute(
            "const w = document.documentElement.clientWidth;
             return Array.from(document.querySelectorAll('[data-testid=\"nylas-account-step\"] *'))
               .filter((e) => e.getBoundingClientRect().right > w + 1)
               .map((e) => e.outerHTML.slice(0, 80));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wider, serde_json::json!([]), "cut off at the right edge");
}

#[tokio::test(flavor = "current_thread")]
async fn the_practice_key_in_dark_mode() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start_dark().await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    click_step(&c, "nylas-account").await;
    wait_for_text(&c, "current-step-title", "Nylas account").await;
    screenshot(&c, "10-06-nylas-account-dark").await;
    click(&c, "nylas-practice-key").await;
    wait_for(&c, "nylas-app-card").await;
    assert_eq!(text_of(&c, "nylas-app-name").await, "Contoso Scheduler");
    scroll_to(&c, "nylas-app-card").await;
    screenshot(&c, "10-07-nylas-account-application-dark").await;
    // The smallest window the wizard supports.
    resize(&c, 900, 640).await;
    scroll_to(&c, "nylas-app-card").await;
    nothing_cut_off(&c).await;
    screenshot(&c, "10-08-nylas-account-application-900x640").await;
}
