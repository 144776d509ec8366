//! End-to-end (issue 14, point 8): "I don't have an app yet — create it
//! for me" in the real window, in practice mode. The plan shows before any
//! sign-in; the test plays the admin through the simulator's consent page
//! (which must ask for Application.ReadWrite.All), confirms, and sees the
//! new app pass the live audit. Coming back to it, the wizard says it will
//! reuse that app instead of creating a second one. With rooms picked
//! (Place.Read.All needs an administrator), the result offers "Grant admin
//! consent now": the wizard opens Microsoft's page (a recording stand-in
//! for the browser launcher), the test approves it there, and the window
//! shows the consent check passing.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::browser::{accept_in_browser, get};
use wizard_e2e::{
    enter_practice_mode, open_audit_options, screenshot, scroll_to, tid, wait_for, wait_for_text,
    Driver,
};

/// Put an element at the top of the window (a section's heading first).
async fn scroll_top(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

async fn text(c: &Client, id: &str) -> String {
    wait_for(c, id).await.text().await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn sign_in_create_the_app_see_the_audit_pass_and_reuse_it() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;

    // Path A, straight to the Azure app step; what the app does; the tenant.
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for(&c, "step-item-azure-app")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Azure app").await;
    wait_for(&c, "audit-preset")
        .await
        .select_by_value("mail-calendar")
        .await
        .unwrap();
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();

    // The choice beside "Check my existing app".
    scroll_to(&c, "live-mode").await;
    let choice = text(&c, "live-mode-create").await;
    assert_eq!(choice, "I don't have an app yet — create it for me");
    wait_for(&c, "live-mode-create")
        .await
        .click()
        .await
        .unwrap();

    // The plan first, before any sign-in: in words, and the JSON folded.
    let plan = text(&c, "create-plan").await;
    assert!(
        plan.contains("https://api.us.nylas.com/v3/connect/callback"),
        "{plan}"
    );
    assert!(plan.contains("Calendars"), "{plan}");
    let why = text(&c, "create-why").await;
    assert!(why.contains("Application.ReadWrite.All"), "{why}");
    assert!(c.find(Locator::Css(&tid("create-start"))).await.is_err());
    scroll_top(&c, "create-app").await;
    screenshot(&c, "21a-create-plan").await;
    let json_summary = c
        .find(Locator::Css(&format!("{} summary", tid("create-json"))))
        .await
        .unwrap();
    json_summary.click().await.unwrap();
    let sent = text(&c, "create-json").await;
    assert!(sent.contains("\"signInAudience\""), "{sent}");
    assert!(sent.contains("\"requiredResourceAccess\""), "{sent}");
    scroll_top(&c, "create-json").await;
    screenshot(&c, "21b-create-json").await;
    json_summary.click().await.unwrap();

    // Signing in to create: the consent page asks to write applications.
    scroll_to(&c, "create-why").await;
    let button = wait_for(&c, "ms-sign-in-browser").await;
    assert_eq!(
        button.text().await.unwrap(),
        "Sign in and allow creating the app"
    );
    button.click().await.unwrap();
    let url = wait_for(&c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let consent = accept_in_browser(url.trim().to_owned()).await;
    assert!(consent.contains("Application.ReadWrite.All"), "{consent}");
    wait_for_text(
        &c,
        "ms-who",
        "Signed in to Contoso Ltd (contoso.com) in practice mode",
    )
    .await;

    // The default name now knows the organization; nothing to reuse yet.
    let start = wait_for(&c, "create-start").await;
    let name = wait_for(&c, "create-name").await;
    assert_eq!(
        name.prop("value").await.unwrap().unwrap_or_default(),
        "Nylas – Contoso Ltd"
    );
    assert!(c.find(Locator::Css(&tid("create-reuses"))).await.is_err());
    scroll_to(&c, "create-start").await;
    start.click().await.unwrap();
    let confirm = text(&c, "create-confirm").await;
    assert!(
        confirm.contains("Create “Nylas – Contoso Ltd” in Contoso Ltd?"),
        "{confirm}"
    );
    let calls = text(&c, "create-calls").await;
    assert!(calls.contains("Add a client secret"), "{calls}");
    scroll_to(&c, "create-confirm").await;
    screenshot(&c, "21c-create-confirm").await;
    wait_for(&c, "create-confirm-yes")
        .await
        .click()
        .await
        .unwrap();

    // Created, and the live audit passes what the settings can pass.
    let done = text(&c, "create-done").await;
    assert!(done.contains("Your app is created"), "{done}");
    let steps = text(&c, "create-steps").await;
    assert!(steps.contains("Registered the app"), "{steps}");
    assert!(steps.contains("enterprise application"), "{steps}");
    assert!(steps.contains("Added a client secret"), "{steps}");
    // Its expiry is one plain date ("December 1, 2027"), not a timestamp.
    let until = steps.split("valid until ").nth(1).unwrap_or_default();
    assert!(
        until.starts_with(|ch: char| ch.is_ascii_uppercase()),
        "{steps}"
    );
    assert!(!until.contains(':'), "{steps}");
    let verdict = text(&c, "create-verdict").await;
    assert!(
        verdict.starts_with("Every check the app's settings can pass, passed."),
        "{verdict}"
    );
    let summary = c
        .find(Locator::Css(&format!(
            "{} {}",
            tid("create-done"),
            tid("audit-summary")
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.starts_with("Nothing needs fixing"), "{summary}");
    let secret = text(&c, "create-secret").await;
    assert!(secret.contains("kept by the wizard"), "{secret}");
    scroll_top(&c, "create-done").await;
    screenshot(&c, "21d-create-done").await;

    // Back to it later: the same app is offered for reuse, not a second one.
    scroll_to(&c, "live-mode").await;
    wait_for(&c, "live-mode-check").await.click().await.unwrap();
    wait_for(&c, "live-check").await;
    wait_for(&c, "live-mode-create")
        .await
        .click()
        .await
        .unwrap();
    let reuses = text(&c, "create-reuses").await;
    assert!(
        reuses.contains("You already have an app named “Nylas – Contoso Ltd”"),
        "{reuses}"
    );
    assert!(
        reuses.contains("instead of creating a second app"),
        "{reuses}"
    );
    assert!(reuses.contains("nothing in it will change"), "{reuses}");
    scroll_to(&c, "create-reuses").await;
    screenshot(&c, "21e-create-reuses").await;
    c.close().await.unwrap();
}

/// Replace the simulator's fault rules (`PUT /_sandbox/faults`).
fn put_faults(base: &str, rules: &str) {
    use std::io::{Read, Write};
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut conn = std::net::TcpStream::connect(&host).expect("the simulator");
    write!(
        conn,
        "PUT /_sandbox/faults HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{rules}",
        rules.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A call's state in the list (`data-state`).
async fn state(c: &Client, id: &str) -> String {
    wait_for(c, id)
        .await
        .attr("data-state")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Wait (with a deadline) until a call shows `want`.
async fn wait_for_state(c: &Client, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while state(c, id).await != want {
        assert!(Instant::now() < deadline, "{id} never became {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A stand-in for the desktop's browser launcher (`xdg-open`, first on the
/// app's PATH): it only notes each link the wizard opens, in `opened.txt`.
fn recording_launcher(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("xdg-open");
    let log = dir.join("opened.txt");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The first link opened that contains `part` (waits for the launcher).
async fn opened_link(dir: &Path, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let opened = std::fs::read_to_string(dir.join("opened.txt")).unwrap_or_default();
        if let Some(url) = opened.lines().find(|l| l.contains(part)) {
            return url.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no link with {part} was opened: {opened}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_new_app_that_needs_admin_consent_gets_it_right_there() {
    let data = tempfile::tempdir().unwrap();
    let launcher = tempfile::tempdir().unwrap();
    let path = recording_launcher(launcher.path());
    let driver = Driver::start(&[("PATH", path.as_str())]).await;
    let c = driver.open_app(data.path(), &[]).await;
    enter_practice_mode(&c).await;

    // Path A: reading mail and room calendars (rooms need an administrator).
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    for feature in ["feature-mail-read", "feature-rooms"] {
        let tick = wait_for(&c, feature).await;
        scroll_to(&c, feature).await;
        tick.click().await.unwrap();
    }
    wait_for(&c, "step-item-azure-app")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "current-step-title", "Azure app").await;
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
    scroll_to(&c, "live-mode").await;
    wait_for(&c, "live-mode-create")
        .await
        .click()
        .await
        .unwrap();
    let plan = text(&c, "create-plan").await;
    assert!(plan.contains("Place.Read.All"), "{plan}");

    // Sign in to create, and create.
    scroll_to(&c, "create-why").await;
    wait_for(&c, "ms-sign-in-browser")
        .await
        .click()
        .await
        .unwrap();
    let url = wait_for(&c, "ms-sign-in-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let url = url.trim().to_owned();
    accept_in_browser(url.clone()).await;
    // The simulator answers "create the enterprise application" slowly, so
    // the window can be seen (and photographed) mid-way.
    let base = &url[..url
        .find("microsoft-login/")
        .expect("the simulator's sign-in")];
    put_faults(
        base,
        r#"[{"route": "POST /graph/v1.0/servicePrincipals", "latency_ms": 8000}]"#,
    );
    wait_for(&c, "create-start").await.click().await.unwrap();
    wait_for(&c, "create-confirm-yes")
        .await
        .click()
        .await
        .unwrap();

    // Each call is ticked off as it happens: photographed mid-way, then
    // checked still mid-way (so the picture is too).
    wait_for_state(&c, "create-call-app", "done").await;
    scroll_top(&c, "create-working").await;
    screenshot(&c, "21f-create-calls-live").await;
    let calls = text(&c, "create-calls").await;
    assert_eq!(state(&c, "create-call-service_principal").await, "started");
    assert_eq!(state(&c, "create-call-find_existing").await, "done");
    assert_eq!(state(&c, "create-call-secret").await, "waiting");
    assert!(calls.contains("Registered the app"), "{calls}");
    assert!(
        calls.contains("Creating its enterprise application"),
        "{calls}"
    );
    let done = text(&c, "create-done").await;
    assert!(done.contains("Your app is created"), "{done}");

    // Right in the result: what only an administrator can approve, and
    // the button to do it now.
    let consent = text(&c, "create-consent").await;
    assert!(
        consent.contains("One more step: admin consent"),
        "{consent}"
    );
    assert!(
        consent.contains("Only an administrator can approve Place.Read.All"),
        "{consent}"
    );
    let verdict = text(&c, "create-verdict").await;
    assert!(
        verdict.contains("Admin consent is still to be given"),
        "{verdict}"
    );
    let button = wait_for(&c, "admin-consent-button").await;
    assert_eq!(button.text().await.unwrap(), "Grant admin consent now");
    scroll_top(&c, "create-done").await;
    screenshot(&c, "21g-create-consent-offered").await;

    // The wizard opens Microsoft's admin-consent page; the admin accepts.
    button.click().await.unwrap();
    wait_for(&c, "admin-consent-waiting").await;
    let page_url = opened_link(launcher.path(), "/v2.0/adminconsent").await;
    let page = tokio::task::spawn_blocking(move || {
        let page = get(&page_url);
        assert_eq!(page.status, 200, "{}", page.body);
        let marker = "id=\"approve\" href=\"";
        let at = page.body.find(marker).expect("an Accept button") + marker.len();
        let href = page.body[at..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        let accepted = get(&href);
        assert_eq!(accepted.status, 200, "{}", accepted.body);
        page.body
    })
    .await
    .unwrap();
    assert!(page.contains("Place.Read.All"), "{page}");

    // Checked again: the consent check passes, and the next step is open.
    let given = text(&c, "create-consent-done").await;
    assert!(
        given.contains("An administrator has consented to Place.Read.All"),
        "{given}"
    );
    assert!(given.contains("the admin consent check passes"), "{given}");
    assert!(c
        .find(Locator::Css(&tid("admin-consent-button")))
        .await
        .is_err());
    let verdict = text(&c, "create-verdict").await;
    assert!(
        verdict.contains("You can go on to the next step"),
        "{verdict}"
    );
    scroll_top(&c, "create-consent").await;
    screenshot(&c, "21h-create-consent-given").await;
    c.close().await.unwrap();
}
