//! End-to-end (issue 10, "Tests"): path A in the real window, in practice
//! mode, from the welcome screen as an admin would go: Features, Region,
//! the Azure app (created for them in the simulator's Contoso, which signs
//! in through the consent page the test plays), the Nylas account (the
//! practice key), Configure Nylas (the plan, then applied), and on to the
//! end. A screenshot of each step, looked at by a person.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::browser::{accept_in_browser, get};
use wizard_e2e::{
    enter_practice_mode, open_audit_options, screenshot, scroll_to, text_of, tid, wait_for,
    wait_for_status, wait_for_text, Driver,
};

/// Contoso's US practice key (crates/sandbox/scenarios/practice.json).
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";

/// Every client secret the simulator issues starts with this.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

/// The admin in the browser for the test sign-in: Nylas's hosted-auth
/// page sends it to Microsoft's sign-in (the simulator's consent page),
/// Accept, then back through Nylas to the wizard's address on this
/// computer, which answers with its "you can close this page".
async fn sign_in_through_nylas(url: String) {
    tokio::task::spawn_blocking(move || {
        let mut url = url;
        for _ in 0..10 {
            // The wizard's listener is on this computer; the played
            // browser only speaks to 127.0.0.1.
            let here = url.replacen("http://localhost:", "http://127.0.0.1:", 1);
            let page = get(&here);
            match page.status {
                301..=303 | 307 | 308 => {
                    let to = page.location.expect("a redirect has a Location");
                    url = if to.starts_with('/') {
                        let origin: String =
                            here.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                        format!("{origin}{to}")
                    } else {
                        to
                    };
                }
                200 => {
                    let marker = "id=\"approve\" href=\"";
                    match page.body.find(marker) {
                        Some(i) => {
                            url = page.body[i + marker.len()..]
                                .split('"')
                                .next()
                                .unwrap()
                                .replace("&amp;", "&");
                        }
                        None => {
                            assert!(
                                here.contains("/nylas-wizard/test-sign-in"),
                                "{here}: {}",
                                page.body
                            );
                            return;
                        }
                    }
                }
                s => panic!("{here} answered {s}: {}", page.body),
            }
        }
        panic!("the sign-in never came back to the wizard");
    })
    .await
    .unwrap();
}

/// Wait for the element, bring it to the middle (the Back/Next bar would
/// take a click near the bottom edge), click it.
async fn click(c: &Client, id: &str) {
    let el = wait_for(c, id).await;
    scroll_to(c, id).await;
    el.click().await.unwrap();
}

/// Put an element at the top of the window (a section's heading first).
async fn scroll_top(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

/// Next, and wait for the next step's title.
async fn next(c: &Client, title: &str) {
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", title).await;
}

/// The sign-in link the window shows (folded under "No browser page
/// opened?": read, not seen), opened in the played browser.
async fn sign_in_in_browser(c: &Client) -> String {
    let url = wait_for(c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(url.trim().starts_with("http://127.0.0.1:"), "{url}");
    accept_in_browser(url.trim().to_owned()).await
}

#[tokio::test(flavor = "current_thread")]
async fn path_a_from_the_welcome_screen_to_the_end() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;

    // Welcome: practice mode on, path A, its journey, Start.
    enter_practice_mode(&c).await;
    screenshot(&c, "10-A00-welcome-practice").await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "overview-title", "Connect Microsoft to Nylas").await;
    screenshot(&c, "10-A01-journey").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();

    // 1. Features: a preset.
    wait_for_text(&c, "current-step-title", "Features").await;
    click(&c, "preset-read-only-inbox").await;
    wait_for(&c, "scope-list").await;
    screenshot(&c, "10-A02-features").await;
    next(&c, "Region").await;
    wait_for_status(&c, "features", "done").await;

    // 2. Region: US, the default, with its redirect URI.
    wait_for(&c, "no-nylas-account").await;
    screenshot(&c, "10-A03-region").await;
    next(&c, "Azure app").await;
    wait_for_status(&c, "region", "done").await;

    // 3. Azure app: the tenant, then "create it for me" in Contoso.
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    // Leaving the field saves it.
    field.send_keys("\u{E004}").await.unwrap();
    click(&c, "live-mode-create").await;
    wait_for(&c, "create-plan").await;
    scroll_top(&c, "create-app").await;
    screenshot(&c, "10-A04-azure-app-create-plan").await;
    click(&c, "ms-sign-in-browser").await;
    let consent = sign_in_in_browser(&c).await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;
    click(&c, "create-start").await;
    wait_for(&c, "create-confirm").await;
    click(&c, "create-confirm-yes").await;
    let done = text_of(&c, "create-done").await;
    assert!(done.contains("Your app is created"), "{done}");
    let verdict = text_of(&c, "create-verdict").await;
    assert!(
        verdict.starts_with("Every check the app's settings can pass, passed."),
        "{verdict}"
    );
    scroll_top(&c, "create-done").await;
    screenshot(&c, "10-A05-azure-app-created").await;
    next(&c, "Nylas account").await;
    wait_for_status(&c, "azure-app", "done").await;

    // 4. Nylas account: the practice key opens Contoso's US application.
    screenshot(&c, "10-A06-nylas-account").await;
    click(&c, "nylas-practice-key").await;
    wait_for(&c, "nylas-app-card").await;
    assert_eq!(text_of(&c, "nylas-app-region").await, "US");
    let hint = text_of(&c, "nylas-key-hint").await;
    assert!(!hint.contains(API_KEY) && hint.contains('…'), "{hint}");
    scroll_to(&c, "nylas-app-card").await;
    screenshot(&c, "10-A07-nylas-account-checked").await;
    next(&c, "Configure Nylas").await;
    wait_for_status(&c, "nylas-account", "done").await;

    // 5. Configure Nylas: what will change, then made.
    let plan = text_of(&c, "configure-plan").await;
    assert!(plan.contains("What will change in Nylas"), "{plan}");
    assert!(plan.contains("connector"), "{plan}");
    scroll_top(&c, "configure-nylas").await;
    screenshot(&c, "10-A08-configure-plan").await;
    scroll_to(&c, "configure-confirm").await;
    screenshot(&c, "10-A08b-configure-plan-confirm").await;
    click(&c, "configure-confirm").await;
    let verdict = text_of(&c, "configure-verdict").await;
    let result = text_of(&c, "configure-result").await;
    assert!(result.starts_with("Done"), "{result}\n{verdict}");
    scroll_top(&c, "configure-result").await;
    screenshot(&c, "10-A09-configure-done").await;

    // 6. Test sign-in: a real sign-in through Nylas hosted auth, played
    // in the simulator's pages, and the grant shown.
    next(&c, "Test sign-in").await;
    screenshot(&c, "10-A10-test-sign-in").await;
    click(&c, "test-sign-in-start").await;
    let url = wait_for(&c, "test-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        // It may sit under "no browser opened?": read, not seen.
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    scroll_to(&c, "test-sign-in-waiting").await;
    screenshot(&c, "10-A11-test-sign-in-waiting").await;
    sign_in_through_nylas(url).await;
    let result = text_of(&c, "test-sign-in-result").await;
    let email = text_of(&c, "test-sign-in-email").await;
    assert!(email.contains('@'), "{email}\n{result}");
    scroll_top(&c, "test-sign-in-result").await;
    screenshot(&c, "10-A12-test-sign-in-grant").await;

    // 7. Done: everything in place, the report saved with no secret.
    next(&c, "Done").await;
    let headline = text_of(&c, "done-complete").await;
    assert!(headline.contains("You’re done"), "{headline}");
    assert!(text_of(&c, "done-fact-sign-in").await.contains(&email));
    assert!(text_of(&c, "done-fact-configure")
        .await
        .contains("The Microsoft connector already has"));
    screenshot(&c, "10-A13-done").await;
    click(&c, "done-save-button").await;
    let md = text_of(&c, "done-saved-markdown").await;
    let js = text_of(&c, "done-saved-json").await;
    let texts: Vec<String> = [&md, &js]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    // For a person to read beside the screenshots (it holds no secret).
    std::fs::write(
        wizard_e2e::screenshot_dir().join("10-A-report.md"),
        &texts[0],
    )
    .unwrap();
    // The files are the test's own (in Downloads or the data folder): tidy up.
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap();
    }
    assert!(texts[0].starts_with("# Nylas Microsoft setup — report"));
    assert!(texts[0].contains(&email));
    let doc: serde_json::Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(doc["complete"], true, "{doc}");
    assert_eq!(doc["test_sign_in"]["grant_status"], "valid");
    for t in &texts {
        assert!(!t.contains(API_KEY), "the API key reached the report");
        assert!(
            !t.contains(NEW_SECRET_PREFIX),
            "the client secret reached the report"
        );
    }
    scroll_to(&c, "done-saved").await;
    screenshot(&c, "10-A14-done-saved").await;
    scroll_top(&c, "done-changes").await;
    screenshot(&c, "10-A15-done-changes").await;
    scroll_top(&c, "done-next").await;
    screenshot(&c, "10-A16-done-next").await;

    c.close().await.unwrap();
}
