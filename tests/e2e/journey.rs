//! Issue 17 in the real window: the journey before Start (point 1), statuses
//! set when the admin leaves a step (point 2) and no dead ends where a step
//! isn't built (point 3). Nothing here calls a remote service.

use std::time::Duration;

use fantoccini::{Client, Locator};
use wizard_e2e::{
    click_step, resize, screenshot, text_of, tid, wait_for, wait_for_status, wait_for_text, Driver,
};

async fn gone(c: &Client, id: &str, why: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "//body[not(.//*[@data-testid='{id}'])]"
        )))
        .await
        .unwrap_or_else(|e| panic!("{why}: {e}"));
}

/// Path A: the journey, then Features left unfinished (Skipped, said
/// beforehand), then finished (Done only once left). Then the bulk
/// onboarding path: a jump to one of its steps (each path keeps its own
/// statuses). The statuses survive a restart. The panel of a step this
/// version can't do is tested in the views' vitests (frame, app,
/// overview): every path may be fully built.
#[tokio::test(flavor = "current_thread")]
async fn journey_statuses_on_leaving_and_no_dead_end() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;

    // Each card says how much of it this version does.
    let built = text_of(&c, "path-built-v3").await;
    assert!(
        built.starts_with("This version can do ") && built.contains(" 7 steps"),
        "{built}"
    );
    assert_eq!(
        text_of(&c, "path-built-teams").await,
        "This version can do all 7 steps."
    );
    assert_eq!(
        text_of(&c, "path-built-v2-events").await,
        "This version can do all 6 steps."
    );
    let bulk = text_of(&c, "path-built-bulk").await;
    assert!(bulk.starts_with("This version can do "), "{bulk}");

    // Point 1: choosing a path shows its journey before anything starts.
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "overview-title", "Connect Microsoft to Nylas").await;
    assert!(text_of(&c, "overview-duration").await.starts_with("About "));
    let needs = text_of(&c, "overview-needs").await;
    for want in [
        "Cloud Application Administrator",
        "Nylas dashboard",
        "region your Nylas account is in",
    ] {
        assert!(needs.contains(want), "{want} in {needs}");
    }
    assert!(!text_of(&c, "overview-outcome").await.is_empty());
    assert!(text_of(&c, "overview-step-region")
        .await
        .contains("The wizard does this."));
    screenshot(&c, "17-01-journey-path-a").await;
    // Back keeps the choice; nothing was saved.
    wait_for(&c, "overview-back").await.click().await.unwrap();
    wait_for(&c, "welcome").await;
    assert_eq!(
        wait_for(&c, "path-option-v3")
            .await
            .attr("aria-checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert!(!data.path().join("progress.json").exists());
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();

    // Point 2: on Features with nothing chosen, Next says it will be skipped.
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for_status(&c, "features", "in-progress").await;
    let note = text_of(&c, "leave-note").await;
    assert!(
        note.starts_with("Features will show as Skipped if you leave now."),
        "{note}"
    );
    assert!(
        note.contains("You haven't chosen what your app does yet."),
        "{note}"
    );
    screenshot(&c, "17-02-features-says-it-will-be-skipped").await;
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    wait_for_status(&c, "features", "skipped").await;
    assert!(text_of(&c, "step-item-features").await.contains("Skipped"));
    wait_for_status(&c, "region", "in-progress").await;
    screenshot(&c, "17-03-features-skipped").await;

    // Back to Features, choose a preset: no skip warning, and still in
    // progress while the admin is on it; Done once left.
    click_step(&c, "features").await;
    wait_for_text(&c, "current-step-title", "Features").await;
    wait_for(&c, "preset-read-only-inbox")
        .await
        .click()
        .await
        .unwrap();
    gone(&c, "leave-note", "a finished step isn't said to be skipped").await;
    wait_for_status(&c, "features", "in-progress").await;
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    wait_for_status(&c, "features", "done").await;

    // Jump ahead: the region (its default seen) is done, the Azure app
    // passed over is skipped, never not started.
    click_step(&c, "nylas-account").await;
    wait_for_text(&c, "current-step-title", "Nylas account").await;
    wait_for_status(&c, "region", "done").await;
    wait_for_status(&c, "azure-app", "skipped").await;
    wait_for_status(&c, "report", "not-started").await;

    // The bulk onboarding path: its own journey and statuses.
    wait_for(&c, "change-path-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "welcome").await;
    wizard_e2e::scroll_to(&c, "path-option-bulk").await;
    wait_for(&c, "path-option-bulk")
        .await
        .click()
        .await
        .unwrap();
    // The card is chosen and Start says so (its label, and so its width,
    // changes with the choice): only then is Start where it will stay.
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "[data-testid=\"path-option-bulk\"][aria-checked=\"true\"]",
        ))
        .await
        .expect("the bulk card is chosen");
    wait_for_text(
        &c,
        "start-button",
        "Start: Bulk onboarding with admin consent",
    )
    .await;
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "overview-title", "Bulk onboarding with admin consent").await;
    assert!(text_of(&c, "overview-step-explain")
        .await
        .contains("The wizard does this."));
    screenshot(&c, "17-01b-journey-bulk").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "What changed").await;
    wait_for(&c, "bulk-explain").await;

    // Jump to admin consent: the step read is done, this one in progress,
    // the steps after it not started.
    click_step(&c, "consent").await;
    wait_for_text(&c, "current-step-title", "Admin consent").await;
    wait_for_status(&c, "explain", "done").await;
    wait_for_status(&c, "consent", "in-progress").await;
    wait_for_status(&c, "grants", "not-started").await;
    wait_for_status(&c, "report", "not-started").await;
    // No dead end: what is missing first, with the way back.
    let missing = text_of(&c, "bulk-missing").await;
    assert!(missing.contains("Go back to Nylas account"), "{missing}");
    assert!(missing.contains("Go back to Tenants"), "{missing}");
    screenshot(&c, "17-04-bulk-jumped-to-consent").await;
    c.close().await.unwrap();

    // The statuses are facts saved with the progress, each path's its own.
    let c = driver.open_app(data.path(), &[]).await;
    wait_for_text(&c, "current-step-title", "Admin consent").await;
    wait_for_status(&c, "consent", "in-progress").await;
    wait_for_status(&c, "grants", "not-started").await;
    wait_for(&c, "change-path-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    // A path begun before resumes where it was left, without its journey.
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Nylas account").await;
    wait_for_status(&c, "features", "done").await;
    wait_for_status(&c, "azure-app", "skipped").await;
    c.close().await.unwrap();
}

/// Point 5: the Region step says to create the Nylas account first. Point
/// 8: an own callback URI in error keeps its strong red border while
/// focused, and its error line is never hidden under the Back / Next bar;
/// "Who will sign in?" is asked on its own before the manifest.
#[tokio::test(flavor = "current_thread")]
async fn points_5_and_8_region_first_errors_visible_who_signs_in_first() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "preset-read-only-inbox")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    // Point 5: no Nylas account yet? Create it first; the region is picked there.
    let no_account = text_of(&c, "no-nylas-account").await;
    assert!(
        no_account.starts_with("No Nylas account yet? Create it first"),
        "{no_account}"
    );
    screenshot(&c, "17-14-region-no-account-yet").await;
    // Point 12: "redirect URI" explained in place on keyboard focus.
    let word = wait_for(&c, "term-redirect_uri")
        .await
        .find(Locator::Css("button.term-word"))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({ block: 'center' }); arguments[0].focus(); return true;",
        vec![serde_json::to_value(&word).unwrap()],
    )
    .await
    .unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "[data-testid=\"term-tip-redirect_uri\"]:not([hidden])",
        ))
        .await
        .expect("the explanation shows on focus");
    let tip = text_of(&c, "term-tip-redirect_uri").await;
    assert!(tip.contains("letter for letter"), "{tip}");
    assert!(tip.contains("Redirect URI rules"), "{tip}");
    screenshot(&c, "17-15-help-in-place").await;
    let input = wait_for(&c, "callback-input").await;
    input
        .send_keys("http://app.example.com/oauth/callback")
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "[data-testid=\"callback-input\"][aria-invalid=\"true\"]",
        ))
        .await
        .expect("the field is marked in error");
    // Focused and in error: the border stays the danger colour, 2px strong.
    let style = c
        .execute(
            "const el = document.querySelector(arguments[0]); el.focus();
             const s = getComputedStyle(el);
             const probe = document.createElement('span');
             probe.style.color = 'var(--danger)'; document.body.appendChild(probe);
             const danger = getComputedStyle(probe).color; probe.remove();
             return [document.activeElement === el, s.borderTopColor, danger, s.boxShadow];",
            vec![serde_json::json!(tid("callback-input"))],
        )
        .await
        .unwrap();
    let v = style.as_array().unwrap();
    assert_eq!(v[0], true, "the field has focus");
    assert_eq!(v[1], v[2], "red border while focused: {v:?}");
    assert!(v[3].as_str().unwrap().contains("inset"), "{v:?}");
    // Bring the field to the bottom edge, as the browser does for focus:
    // the scroll padding keeps its error line above the action bar.
    let gap = c
        .execute(
            "const el = document.querySelector(arguments[0]);
             el.scrollIntoView({ block: 'end' });
             const verdict = document.getElementById('callback-verdict').getBoundingClientRect();
             const bar = document.querySelector('.frame-main .action-bar').getBoundingClientRect();
             return bar.top - verdict.bottom;",
            vec![serde_json::json!(tid("callback-input"))],
        )
        .await
        .unwrap();
    assert!(
        gap.as_f64().unwrap() >= 0.0,
        "the error line is above the button bar: {gap}"
    );
    screenshot(&c, "17-11-field-error-visible-and-red").await;

    // The Azure app step asks who signs in first, on its own.
    wait_for(&c, "next-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Azure app").await;
    let order = c
        .execute(
            "const who = document.getElementById('who-signs-in-title');
             const manifest = document.getElementById('manifest-title');
             const tenancy = document.querySelector(arguments[0]);
             return [!!(who.compareDocumentPosition(manifest) & Node.DOCUMENT_POSITION_FOLLOWING),
                     tenancy.closest('details') === null];",
            vec![serde_json::json!(tid("audit-tenancy"))],
        )
        .await
        .unwrap();
    assert_eq!(order, serde_json::json!([true, true]));
    c.execute(
        "document.querySelector('.frame-main .scroll-area').scrollTop = 0; return true;",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "17-12-who-will-sign-in-first").await;
    wizard_e2e::open_audit_options(&c).await;
    c.execute(
        "document.getElementById('tenant-section-title').scrollIntoView({ block: 'start' }); return true;",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "17-13-tenant-and-secret-sections").await;
    c.close().await.unwrap();
}

/// Point 13: at 1280×800 the welcome screen says how many paths are below
/// the fold (or shows them all); below 1000 px the step list is a "Step 1 of
/// 8 · Features" switcher; Diagnose keeps what was pasted when closed by a
/// click outside and leads to the related check; Change path says progress
/// is kept.
#[tokio::test(flavor = "current_thread")]
async fn point_13_more_paths_narrow_switcher_diagnose_kept() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;
    resize(&c, 1280, 800).await;
    let counts = c
        .execute(
            "const area = document.querySelector('.view-welcome .scroll-area').getBoundingClientRect();
             const hidden = [...document.querySelectorAll('[data-testid^=\"path-option-\"]')]
               .filter((el) => { const r = el.getBoundingClientRect(); return (r.top + r.bottom) / 2 > area.bottom; }).length;
             const cue = document.querySelector('[data-testid=\"more-paths\"]');
             return [hidden, cue === null ? null : cue.textContent];",
            vec![],
        )
        .await
        .unwrap();
    let hidden = counts[0].as_u64().unwrap();
    match hidden {
        0 => assert!(
            counts[1].is_null(),
            "no cue when all paths show: {counts:?}"
        ),
        1 => assert_eq!(counts[1], "1 more path below ↓"),
        n => assert_eq!(counts[1], format!("{n} more paths below ↓").as_str()),
    }
    screenshot(&c, "17-16-welcome-1280x800").await;

    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    let change = text_of(&c, "change-path-button").await;
    assert!(change.contains("progress is kept"), "{change}");

    // Narrow: the step list becomes a switcher.
    resize(&c, 900, 640).await;
    assert!(!wait_for(&c, "step-list")
        .await
        .is_displayed()
        .await
        .unwrap());
    wait_for_text(&c, "step-switcher-summary", "Step 1 of 7 · Features").await;
    wait_for(&c, "step-switcher-summary")
        .await
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("details.step-switcher[open]"))
        .await
        .expect("the switcher opens");
    screenshot(&c, "17-17-narrow-step-switcher").await;
    wait_for(&c, "switch-item-region")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Region").await;
    wait_for_text(&c, "step-switcher-summary", "Step 2 of 7 · Region").await;
    wait_for_status(&c, "features", "skipped").await;
    resize(&c, 1080, 720).await;

    // Diagnose keeps the pasted text after a click outside.
    const ERROR: &str = "AADSTS50011: The redirect URI 'https://api.us.nylas.com/v3/connect/callback/' specified in the request does not match the redirect URIs configured for the application.";
    wait_for(&c, "diagnose-button").await.click().await.unwrap();
    wait_for(&c, "diagnose-input")
        .await
        .send_keys(ERROR)
        .await
        .unwrap();
    wait_for(&c, "diagnose-submit").await.click().await.unwrap();
    wait_for(&c, "diagnosis-go-to-check").await;
    c.execute(
        "document.querySelector('.dialog-backdrop').dispatchEvent(new MouseEvent('click', { bubbles: true })); return true;",
        vec![],
    )
    .await
    .unwrap();
    gone(&c, "diagnose-dialog", "a click outside closes Diagnose").await;
    wait_for(&c, "diagnose-button").await.click().await.unwrap();
    let kept: String = c
        .execute(
            "return document.querySelector(arguments[0]).value",
            vec![serde_json::json!(tid("diagnose-input"))],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(kept, ERROR);
    screenshot(&c, "17-18-diagnose-kept-after-closing").await;
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return true;",
        vec![serde_json::json!(tid("diagnosis-go-to-check"))],
    )
    .await
    .unwrap();
    wait_for(&c, "diagnosis-go-to-check")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Azure app").await;
    c.close().await.unwrap();
}

/// Point 11: "Start over" asks first, then forgets the answers of every
/// path and the client secret saved in the keychain.
#[tokio::test(flavor = "current_thread")]
async fn point_11_start_over_forgets_answers_and_the_keychain_secret() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "preset-read-only-inbox")
        .await
        .click()
        .await
        .unwrap();
    click_step(&c, "azure-app").await;
    wait_for_text(&c, "current-step-title", "Azure app").await;
    wizard_e2e::open_audit_options(&c).await;
    wait_for(&c, "client-secret-input").await;
    wizard_e2e::scroll_to(&c, "client-secret-input").await;
    let field = wait_for(&c, "client-secret-input").await;
    field.click().await.unwrap();
    field.send_keys("start-over-secret-value").await.unwrap();
    wait_for(&c, "client-secret-save")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "client-secret-stored").await;

    wait_for(&c, "change-path-button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "welcome").await;
    wait_for(&c, "start-over-button").await;
    wizard_e2e::scroll_to(&c, "start-over-button").await;
    wait_for(&c, "start-over-button")
        .await
        .click()
        .await
        .unwrap();
    let confirm = text_of(&c, "start-over-confirm").await;
    assert!(
        confirm.contains("Nothing in Microsoft or Nylas changes."),
        "{confirm}"
    );
    wait_for(&c, "start-over-confirm").await;
    wizard_e2e::scroll_to(&c, "start-over-confirm").await;
    screenshot(&c, "17-19-start-over-asks-first").await;
    wait_for(&c, "start-over-confirm-button")
        .await
        .click()
        .await
        .unwrap();
    let done = text_of(&c, "start-over-done").await;
    assert!(done.starts_with("Started over"), "{done}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("progress.json")).unwrap())
            .unwrap();
    assert_eq!(saved["path"], serde_json::Value::Null);
    assert_eq!(saved["paused"], serde_json::json!({}));
    assert_eq!(
        saved["answers"]["features"]["features"],
        serde_json::json!([])
    );

    // Path A starts afresh: its journey first, nothing chosen, no secret.
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    click_step(&c, "azure-app").await;
    wait_for_text(&c, "current-step-title", "Azure app").await;
    wizard_e2e::open_audit_options(&c).await;
    wait_for(&c, "client-secret-input").await;
    assert!(c
        .find(Locator::Css(&tid("client-secret-stored")))
        .await
        .is_err());
    c.close().await.unwrap();
}
