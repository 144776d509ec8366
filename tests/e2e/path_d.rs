//! End-to-end (issue 12, "Tests"): path D in the real window, in practice
//! mode, from the welcome screen to the classification table: the v2 scopes
//! pasted and translated (the Features step's reasons), Region, the new
//! Azure app (whose permissions are now the translated ones), the Microsoft
//! connector (done by hand in this version), then the exported v2 accounts
//! chosen as a file and sorted into the four classes, and the
//! re-authentication list saved. A screenshot of each step, looked at by a
//! person.
//!
//! Then on to the end (issue 12 point 3): the new app created in the
//! practice tenant, the Nylas v3 API key, the imported connector given the
//! new app, the EWS connector, and the Done step with seed 002's checklist
//! (what the wizard verified, a Nylas dashboard step ticked by the admin),
//! the report saved with no secret anywhere.

use fantoccini::{Client, Locator};
use serde_json::json;
use wizard_e2e::practice::{assert_no_secret_anywhere, create_practice_app};
use wizard_e2e::{
    enter_practice_mode, record_ipc, screenshot, scroll_to, text_of, tid, wait_for,
    wait_for_status, wait_for_text, Driver,
};

/// The practice Nylas API key (crates/sandbox/scenarios/practice.json).
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
/// How the simulator's made-up client secrets start.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

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
    record_ipc(&c).await;

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
    // The new app, created in the practice tenant: its check passes.
    let plan = create_practice_app(&c).await;
    assert!(plan.contains("Contacts.Read"), "{plan}");
    scroll_top(&c, "create-done").await;
    screenshot(&c, "12-D06c-azure-app-new-app-created").await;
    next(&c, "Nylas account").await;
    wait_for_status(&c, "azure-app", "done").await;

    // 4. Nylas account: the practice key opens Contoso's US application.
    click(&c, "nylas-practice-key").await;
    wait_for(&c, "nylas-app-card").await;
    let hint = text_of(&c, "nylas-key-hint").await;
    assert!(hint.contains('…'), "{hint}");
    screenshot(&c, "12-D07-nylas-account").await;
    next(&c, "Microsoft connector").await;
    wait_for_status(&c, "nylas-account", "done").await;

    // 5. The imported connector given the new app, after the change is shown.
    let plan = text_of(&c, "configure-plan").await;
    assert!(plan.contains("connector"), "{plan}");
    scroll_top(&c, "configure-nylas").await;
    screenshot(&c, "12-D07b-connector-plan").await;
    click(&c, "configure-confirm").await;
    let verdict = text_of(&c, "configure-verdict").await;
    assert!(verdict.contains("now uses your new Azure app"), "{verdict}");
    scroll_top(&c, "configure-result").await;
    screenshot(&c, "12-D07c-connector-patched").await;
    next(&c, "Accounts").await;
    wait_for_status(&c, "connector", "done").await;

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
    next(&c, "Exchange on-premises").await;
    wait_for_status(&c, "accounts", "needs-attention").await;

    // 7. Exchange on-premises: chen@ needs the EWS connector; found or made.
    wait_for(&c, "ews-plan").await;
    scroll_top(&c, "migrate-ews").await;
    screenshot(&c, "12-D12-ews-plan").await;
    click(&c, "ews-confirm").await;
    wait_for(&c, "ews-result").await;
    scroll_top(&c, "ews-result").await;
    screenshot(&c, "12-D13-ews-done").await;
    next(&c, "Done").await;
    wait_for_status(&c, "ews", "done").await;

    // 8. Done: seed 002's checklist, each step with its state and why.
    wait_for(&c, "migrate-checklist").await;
    let state = |item: &'static str| {
        let c = c.clone();
        async move {
            wait_for(&c, &format!("checklist-{item}"))
                .await
                .attr("data-state")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    for item in [
        "translate-scopes",
        "new-azure-app",
        "graph-permissions",
        "redirect-uris",
        "patch-connector",
    ] {
        assert_eq!(state(item).await, "verified", "{item}");
    }
    for item in ["link-organization", "import-tool", "batch-migration"] {
        assert_eq!(state(item).await, "to-do", "{item}");
    }
    let why = text_of(&c, "checklist-redirect-uris-why").await;
    assert!(
        why.contains("https://api.us.nylas.com/v3/connect/callback"),
        "{why}"
    );
    let left = text_of(&c, "done-left").await;
    assert!(left.contains("Run the Nylas import tool"), "{left}");
    screenshot(&c, "12-D14a-done-top").await;
    scroll_top(&c, "migrate-checklist").await;
    screenshot(&c, "12-D14-done-checklist").await;

    // The admin ran the import tool in the Nylas dashboard: ticked, saved.
    click(&c, "checklist-import-tool-tick").await;
    c.wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "{}[data-state=\"ticked\"]",
            tid("checklist-import-tool")
        )))
        .await
        .expect("the tick is saved");
    assert_eq!(
        text_of(&c, "checklist-import-tool-state").await,
        "Done — you ticked it"
    );
    let left = text_of(&c, "done-left").await;
    assert!(!left.contains("Run the Nylas import tool"), "{left}");
    let saved = std::fs::read_to_string(data.path().join("practice/progress.json")).unwrap();
    assert!(saved.contains("\"import-tool\""), "{saved}");
    scroll_to(&c, "checklist-import-tool").await;
    screenshot(&c, "12-D15-done-import-tool-ticked").await;

    // The report: the checklist in it, no secret.
    click(&c, "done-save-button").await;
    let md = text_of(&c, "done-saved-markdown").await;
    let js = text_of(&c, "done-saved-json").await;
    let texts: Vec<String> = [&md, &js]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    std::fs::write(
        wizard_e2e::screenshot_dir().join("12-D-report.md"),
        &texts[0],
    )
    .unwrap();
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap();
    }
    for want in [
        "## Migration checklist",
        "Run the Nylas import tool",
        "Done (you ticked it)",
        "Done (checked by the wizard)",
        "https://dashboard-v3.nylas.com/",
    ] {
        assert!(texts[0].contains(want), "{want} in\n{}", texts[0]);
    }
    let doc: serde_json::Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(doc["path"], "migrate");
    assert_eq!(doc["migrate_checklist"]["items"][6]["state"], "ticked");
    for t in &texts {
        assert!(!t.contains(API_KEY), "the API key reached the report");
        assert!(
            !t.contains(NEW_SECRET_PREFIX),
            "the client secret reached the report"
        );
    }
    scroll_to(&c, "done-saved").await;
    screenshot(&c, "12-D16-done-saved").await;
    let client_id = doc["answers"]["client_id"].as_str().unwrap().to_owned();
    assert_no_secret_anywhere(
        &c,
        data.path(),
        &[API_KEY],
        Some(NEW_SECRET_PREFIX),
        &client_id,
    )
    .await;

    c.close().await.unwrap();
}
