//! End-to-end (issue 12, "Tests"): path D in the real window, in practice
//! mode, from the welcome screen to the classification table: the v2 scopes
//! pasted and translated (the Features step's reasons), Region, the new
//! Azure app (whose permissions are now the translated ones), the Microsoft
//! connector (done by hand in this version), then the exported v2 accounts
//! chosen as a file and sorted into the four classes, and the
//! re-authentication list saved. A screenshot of each step, looked at by a
//! person.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::{
    enter_practice_mode, screenshot, scroll_to, text_of, tid, wait_for, wait_for_status,
    wait_for_text, Driver,
};

/// Seed 002's four classes, and a row that isn't a Microsoft account.
const ACCOUNTS: &str = "email,provider,authentication_type,id\n\
    ana@contoso.com,graph,token,v2acc1\n\
    bo@contoso.com,office365,token,v2acc2\n\
    chen@contoso.com,exchange,password,v2acc3\n\
    dee@hotmail.com,hotmail,token,v2acc4\n\
    eli@contoso.com,office365,token,v2acc5\n\
    fay@gmail.com,gmail,token,v2acc6\n";

async fn click(c: &Client, id: &str) {
    let el = wait_for(c, id).await;
    scroll_to(c, id).await;
    el.click().await.unwrap();
}

async fn scroll_top(c: &Client, id: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

async fn next(c: &Client, title: &str) {
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", title).await;
}

#[tokio::test(flavor = "current_thread")]
async fn path_d_from_the_welcome_screen_to_the_classification_table() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;

    // Welcome: practice mode on, path D, its journey, Start.
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-migrate")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for_text(&c, "overview-title", "Move from Nylas v2 to v3").await;
    screenshot(&c, "12-D01-journey").await;
    wait_for(&c, "begin-button").await.click().await.unwrap();

    // 1. Permissions: the v2 scopes string pasted, one more ticked.
    wait_for_text(&c, "current-step-title", "Permissions").await;
    wait_for(&c, "v2-scope-contacts.read_only").await;
    screenshot(&c, "12-D02-permissions").await;
    // A typo first: the error names it, nothing is dropped.
    let paste = wait_for(&c, "v2-scopes-paste").await;
    scroll_to(&c, "v2-scopes-paste").await;
    paste.click().await.unwrap();
    paste.send_keys("email.read_only,calender").await.unwrap();
    click(&c, "translate-v2-scopes").await;
    let error = text_of(&c, "error-card").await;
    assert!(
        error.contains("\"calender\" is not a Nylas v2 scope."),
        "{error}"
    );
    screenshot(&c, "12-D03-permissions-unknown-scope").await;
    paste.clear().await.unwrap();
    paste.send_keys("email.read_only,calendar").await.unwrap();
    click(&c, "v2-scope-contacts.read_only").await;
    click(&c, "translate-v2-scopes").await;
    wait_for(&c, "migrate-mapping").await;
    for scope in [
        "Mail.Read",
        "Calendars.ReadWrite",
        "Contacts.Read",
        "User.Read",
        "offline_access",
    ] {
        wait_for(&c, &format!("scope-{scope}")).await;
    }
    let reason = text_of(&c, "scope-offline_access").await;
    assert!(reason.contains("refresh access"), "{reason}");
    scroll_top(&c, "migrate-scope-list").await;
    screenshot(&c, "12-D04-permissions-translated").await;

    // The current v2 app's manifest: its Exchange permissions named.
    let v2_manifest = wizard_e2e::workspace_root()
        .join("crates/wizard-core/tests/fixtures/manifests/v2-events-ews-eas.json");
    click(&c, "migrate-current-app").await;
    wait_for(&c, "migrate-current-manifest")
        .await
        .send_keys(&v2_manifest.to_string_lossy())
        .await
        .expect("the manifest file picker");
    let exchange = text_of(&c, "migrate-exchange-check").await;
    assert!(exchange.contains("uses Exchange permissions"), "{exchange}");
    assert!(exchange.contains("EAS.AccessAsUser.All"), "{exchange}");
    assert!(
        exchange.contains("Nylas v3 needs Microsoft Graph permissions"),
        "{exchange}"
    );
    scroll_to(&c, "migrate-exchange-check").await;
    screenshot(&c, "12-D04b-permissions-current-app-exchange").await;
    next(&c, "Region").await;
    wait_for_status(&c, "scopes", "done").await;

    // 2. Region: US.
    screenshot(&c, "12-D05-region").await;
    next(&c, "New Azure app").await;
    wait_for_status(&c, "region", "done").await;

    // 3. New Azure app: the translated permissions are the answer it checks,
    // so no preset is asked for.
    screenshot(&c, "12-D06-azure-app").await;
    assert!(c
        .find(Locator::Css(&tid("preset-read-only-inbox")))
        .await
        .is_err());
    // The old v2 app checked against the translated permissions: what the
    // new app needs and the old one lacks is named.
    wait_for(&c, "manifest-file-input")
        .await
        .send_keys(&v2_manifest.to_string_lossy())
        .await
        .expect("the manifest file picker");
    let results = text_of(&c, "audit-results").await;
    assert!(results.contains("Contacts.Read"), "{results}");
    scroll_top(&c, "audit-results").await;
    screenshot(&c, "12-D06b-azure-app-old-app-checked").await;
    next(&c, "Microsoft connector").await;

    // 4. The connector: not built in this version, said plainly.
    screenshot(&c, "12-D07-connector-by-hand").await;
    next(&c, "Accounts").await;

    // 5. Accounts: the export chosen as a file, sorted.
    let file = data.path().join("v2-accounts.csv");
    std::fs::write(&file, ACCOUNTS).unwrap();
    screenshot(&c, "12-D08-accounts").await;
    wait_for(&c, "migrate-accounts-file")
        .await
        .send_keys(&file.to_string_lossy())
        .await
        .expect("the file picker takes the exported list");
    wait_for(&c, "migrate-counts").await;
    let count = |n: &'static str| {
        let c = c.clone();
        async move { text_of(&c, &format!("migrate-count-{n}")).await }
    };
    for (class, n) in [
        ("1", "1"),
        ("2", "2"),
        ("3", "1"),
        ("4", "1"),
        ("unclassified", "1"),
    ] {
        let row = count(class).await;
        assert!(row.ends_with(n), "class {class}: {row}");
    }
    let title = text_of(&c, "migrate-sorted").await;
    assert!(
        title.starts_with("6 accounts in v2-accounts.csv"),
        "{title}"
    );
    let unsorted = text_of(&c, "migrate-unclassified").await;
    assert!(
        unsorted.contains("\"gmail\" isn't a Microsoft provider"),
        "{unsorted}"
    );
    wait_for(&c, "migrate-ews").await;
    scroll_top(&c, "migrate-sorted").await;
    screenshot(&c, "12-D09-classification-table").await;
    scroll_to(&c, "migrate-accounts").await;
    screenshot(&c, "12-D10-each-account").await;

    // The re-authentication list, saved through Rust.
    click(&c, "migrate-save-csv").await;
    let saved = text_of(&c, "migrate-saved").await;
    let path = saved.trim_start_matches("Saved to ").trim().to_owned();
    let csv = std::fs::read_to_string(&path).expect("the saved CSV");
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 4, "{csv}");
    assert!(
        !csv.contains("ana@contoso.com"),
        "class 1 needs nothing: {csv}"
    );
    scroll_to(&c, "migrate-saved").await;
    screenshot(&c, "12-D11-reauth-saved").await;
    click(&c, "next-button").await;
    wait_for_status(&c, "accounts", "needs-attention").await;

    c.close().await.unwrap();
}
