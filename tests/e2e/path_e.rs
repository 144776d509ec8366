//! End-to-end (issue 12, "Tests"): path E in the real window, in practice
//! mode, to a finished batch: what changed, the features, the Azure app
//! created in the practice tenant, the Nylas API key, the Microsoft
//! connector (with the admin-consent loopback as a callback URI), the
//! tenants file read (a bad row listed with its reason) and their
//! admin-consent credentials created, Contoso's admin consenting through
//! the loopback (the admin's browser played), the mailboxes file run (the
//! mailbox of the tenant without consent fails with the plain reason, its
//! failures saved as CSV), and Done with what each step recorded. A
//! screenshot of each step, looked at by a person.

use fantoccini::{Client, Locator};
use wizard_e2e::browser::follow_to_wizard;
use wizard_e2e::practice::{
    assert_no_secret_anywhere, click, create_practice_app, next_step, scroll_top,
    start_practice_path,
};
use wizard_e2e::{record_ipc, screenshot, text_of, wait_for, wait_for_status, Driver};

/// The practice Nylas API key (crates/sandbox/scenarios/practice.json).
const API_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
/// How the simulator's made-up client secrets start.
const NEW_SECRET_PREFIX: &str = "Sbx8Q~";

/// The practice tenants, and a row that is no tenant.
const TENANTS: &str = "tenant,name,admin_email\n\
    contoso.com,Contoso,admin@contoso.com\n\
    fabrikam.de,Fabrikam,admin@fabrikam.de\n\
    not a tenant!,Broken,\n";

/// Two of Contoso's mailboxes and one of Fabrikam's (whose admin hasn't
/// consented).
const MAILBOXES: &str = "email\n\
    megan.bowen@contoso.com\n\
    adele.vance@contoso.com\n\
    lukas.meier@fabrikam.de\n";

async fn choose_file(c: &Client, id: &str, path: &std::path::Path) {
    wait_for(c, id)
        .await
        .send_keys(&path.to_string_lossy())
        .await
        .expect("the file picker takes the file");
}

#[tokio::test(flavor = "current_thread")]
async fn path_e_from_the_welcome_screen_to_a_finished_batch() {
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    record_ipc(&c).await;

    start_practice_path(&c, "bulk", "Bulk onboarding with admin consent").await;
    let built = text_of(&c, "overview-built").await;
    assert!(built.starts_with("This version can do"), "{built}");
    screenshot(&c, "12-E01-journey").await;
    click(&c, "begin-button").await;

    // What changed: Rust's words.
    let changed = text_of(&c, "bulk-explain-changed").await;
    assert!(changed.contains("May 2024"), "{changed}");
    assert!(changed.contains("ApplicationImpersonation"), "{changed}");
    assert!(text_of(&c, "bulk-explain-instead")
        .await
        .contains("admin-consent credential"));
    screenshot(&c, "12-E02-what-changed").await;
    next_step(&c, "Features").await;
    wait_for_status(&c, "explain", "done").await;

    click(&c, "preset-read-only-inbox").await;
    next_step(&c, "Region").await;
    next_step(&c, "Azure app").await;
    create_practice_app(&c).await;
    next_step(&c, "Nylas account").await;
    click(&c, "nylas-practice-key").await;
    wait_for(&c, "nylas-app-card").await;
    next_step(&c, "Microsoft connector").await;

    // The connector: path A's plan, with the consent loopback, no test sign-in.
    let plan = text_of(&c, "configure-plan").await;
    assert!(
        plan.contains("http://localhost:47618/nylas-wizard/admin-consent"),
        "{plan}"
    );
    assert!(!plan.contains("test-sign-in"), "{plan}");
    assert!(plan.contains("after giving consent"), "{plan}");
    assert!(c
        .find(Locator::Css("[data-testid=\"configure-tenants\"]"))
        .await
        .is_err());
    scroll_top(&c, "configure-nylas").await;
    screenshot(&c, "12-E03-connector-plan").await;
    click(&c, "configure-confirm").await;
    let verdict = text_of(&c, "configure-verdict").await;
    assert!(verdict.contains("go on to your tenants"), "{verdict}");
    next_step(&c, "Tenants").await;
    wait_for_status(&c, "connector", "done").await;

    // Tenants: the file read, the bad row listed, the plan, then the run.
    screenshot(&c, "12-E04-tenants-empty").await;
    let tenants = data.path().join("tenants.csv");
    std::fs::write(&tenants, TENANTS).unwrap();
    choose_file(&c, "bulk-credentials-file", &tenants).await;
    let list = text_of(&c, "bulk-credentials-list").await;
    assert!(list.starts_with("2 tenants in tenants.csv"), "{list}");
    let problems = text_of(&c, "bulk-credentials-problems").await;
    assert!(problems.contains("1 row was left out"), "{problems}");
    assert!(problems.contains("not a tenant!"), "{problems}");
    let plan = text_of(&c, "bulk-credentials-plan").await;
    assert!(
        plan.starts_with("Nylas will get 2 new credentials"),
        "{plan}"
    );
    scroll_top(&c, "bulk-credentials-problems").await;
    screenshot(&c, "12-E05-tenants-read").await;
    assert_eq!(
        text_of(&c, "bulk-credentials-start").await,
        "Create 2 admin-consent credentials in Nylas"
    );
    click(&c, "bulk-credentials-start").await;
    let result = text_of(&c, "bulk-result-text").await;
    assert!(
        result.starts_with(
            "Every tenant has its admin-consent credential (2 created, 0 already there)."
        ),
        "{result}"
    );
    let items = text_of(&c, "bulk-credentials-items").await;
    assert!(items.contains("Contoso (contoso.com)"), "{items}");
    assert_eq!(
        text_of(&c, "bulk-credentials-start").await,
        "Run it again (nothing is created twice)"
    );
    scroll_top(&c, "bulk-credentials-list").await;
    screenshot(&c, "12-E06-tenants-created").await;
    next_step(&c, "Admin consent").await;
    wait_for_status(&c, "tenants", "done").await;

    // Admin consent: Contoso's admin accepts in the (played) browser.
    let list = text_of(&c, "bulk-consent-list").await;
    assert!(list.contains("0 of 2 tenants have given consent"), "{list}");
    screenshot(&c, "12-E07-consent-links").await;
    click(&c, "bulk-consent-open-contoso.com").await;
    let url = wait_for(&c, "bulk-consent-url")
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(url.contains("response_type=adminconsent"), "{url}");
    scroll_top(&c, "bulk-consent-waiting").await;
    screenshot(&c, "12-E08-consent-waiting").await;
    let visited = follow_to_wizard(url, "/nylas-wizard/admin-consent").await;
    assert!(
        visited
            .last()
            .unwrap()
            .contains("/nylas-wizard/admin-consent?admin_consent=true"),
        "{visited:?}"
    );
    let given = text_of(&c, "bulk-consent-given").await;
    assert!(given.contains("Contoso’s admin gave consent."), "{given}");
    let list = text_of(&c, "bulk-consent-list").await;
    assert!(list.contains("1 of 2 tenants have given consent"), "{list}");
    screenshot(&c, "12-E09-consent-given").await;
    click(&c, "bulk-save-links").await;
    let saved = text_of(&c, "bulk-links-saved").await;
    let path = saved.trim_start_matches("Saved to ").trim().to_owned();
    let links = std::fs::read_to_string(&path).expect("the saved links");
    std::fs::remove_file(&path).unwrap();
    assert!(
        links.starts_with("tenant,name,admin_email,credential_id,consent_url"),
        "{links}"
    );
    assert_eq!(links.lines().count(), 3, "{links}");
    next_step(&c, "Mailboxes").await;
    wait_for_status(&c, "consent", "needs-attention").await;

    // Mailboxes: Contoso's connected, Fabrikam's fails with the reason.
    let mailboxes = data.path().join("mailboxes.csv");
    std::fs::write(&mailboxes, MAILBOXES).unwrap();
    choose_file(&c, "bulk-grants-file", &mailboxes).await;
    wait_for(&c, "bulk-grants-list").await;
    click(&c, "bulk-grants-start").await;
    let result = text_of(&c, "bulk-result-text").await;
    assert!(
        result.starts_with("2 of 3 done (2 created, 0 already there); 1 mailbox failed."),
        "{result}"
    );
    let items = text_of(&c, "bulk-grants-items").await;
    assert!(
        items.contains("lukas.meier@fabrikam.de") && items.contains("admin consent"),
        "{items}"
    );
    click(&c, "bulk-save-failures").await;
    let saved = text_of(&c, "bulk-failures-saved").await;
    let path = saved.trim_start_matches("Saved to ").trim().to_owned();
    let failures = std::fs::read_to_string(&path).expect("the saved failures");
    std::fs::remove_file(&path).unwrap();
    assert!(failures.starts_with("key,label,reason"), "{failures}");
    assert!(failures.contains("lukas.meier@fabrikam.de"), "{failures}");
    assert_eq!(failures.lines().count(), 2, "{failures}");
    scroll_top(&c, "bulk-grants-list").await;
    screenshot(&c, "12-E10-mailboxes-run").await;
    assert_eq!(
        text_of(&c, "bulk-grants-start").await,
        "Try the 1 mailbox that failed again"
    );
    scroll_top(&c, "bulk-grants-items").await;
    screenshot(&c, "12-E10b-mailboxes-each").await;
    // The v2 service accounts step says up front it is only for existing
    // v2 setups; nothing to do there on a new setup, so on to Done.
    next_step(&c, "v2 service accounts").await;
    wait_for_status(&c, "grants", "needs-attention").await;
    let notice = text_of(&c, "sa-only-existing").await;
    assert!(
        notice.contains("only for setups that already have a Nylas v2 Office 365 service account"),
        "{notice}"
    );
    assert!(notice.contains("You can skip this step."), "{notice}");
    assert!(c
        .find(Locator::Css("[data-testid=\"sa-service\"]"))
        .await
        .is_err());
    screenshot(&c, "12-E10c-service-accounts").await;
    next_step(&c, "Done").await;
    wait_for_status(&c, "grants", "needs-attention").await;

    // Done: what each step recorded.
    let tenants_fact = text_of(&c, "bulk-done-tenants").await;
    assert!(
        tenants_fact.contains("2 of 2 tenants done (2 new, 0 already there)."),
        "{tenants_fact}"
    );
    assert!(text_of(&c, "bulk-done-consent")
        .await
        .contains("1 of 2 tenants have given admin consent."));
    assert!(text_of(&c, "bulk-done-grants")
        .await
        .contains("2 of 3 mailboxes done (2 new, 0 already there), 1 failed."));
    screenshot(&c, "12-E11-done").await;

    // The report: saved as Markdown + JSON, each tenant's credential and
    // consent and each mailbox's grant in it, no secret.
    wizard_e2e::scroll_to(&c, "done-save-button").await;
    click(&c, "done-save-button").await;
    let md = text_of(&c, "done-saved-markdown").await;
    let js = text_of(&c, "done-saved-json").await;
    let texts: Vec<String> = [&md, &js]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    std::fs::write(
        wizard_e2e::screenshot_dir().join("12-E-report.md"),
        &texts[0],
    )
    .unwrap();
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap();
    }
    for want in [
        "## Microsoft connector",
        "## Tenants and admin consent",
        "2 of 2 tenants done (2 created, 0 already there and reused).",
        "1 of 2 tenants have given admin consent.",
        "Contoso (contoso.com)",
        "Fabrikam (fabrikam.de)",
        "Admin consent still missing for Fabrikam",
        "## Mailboxes",
        "2 of 3 mailboxes done (2 created, 0 already there and reused), 1 failed.",
        "megan.bowen@contoso.com",
        "Failed: ",
    ] {
        assert!(texts[0].contains(want), "{want} in\n{}", texts[0]);
    }
    assert!(!texts[0].contains("## Test sign-in"), "{}", texts[0]);
    let doc: serde_json::Value = serde_json::from_str(&texts[1]).unwrap();
    assert_eq!(doc["path"], "bulk");
    let bulk = &doc["bulk"];
    let tenants = bulk["items"]["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 2, "{bulk}");
    let tenant = |t: &str| tenants.iter().find(|x| x["tenant"] == t).unwrap();
    assert_eq!(tenant("contoso.com")["result"], "created");
    assert!(tenant("contoso.com")["credential_id"].is_string());
    assert!(tenant("contoso.com")["consented_at"].is_string());
    assert!(tenant("fabrikam.de")["consented_at"].is_null());
    let mailboxes = bulk["items"]["mailboxes"].as_array().unwrap();
    let lukas = mailboxes
        .iter()
        .find(|m| m["email"] == "lukas.meier@fabrikam.de")
        .unwrap();
    assert_eq!(lukas["result"], "failed", "{lukas}");
    assert!(
        lukas["reason"].as_str().unwrap().contains("admin consent"),
        "{lukas}"
    );
    assert_eq!(bulk["grants_run"]["failed"], 1);
    for t in &texts {
        assert!(!t.contains(API_KEY), "the API key reached the report");
        assert!(
            !t.contains(NEW_SECRET_PREFIX),
            "the client secret reached the report"
        );
    }
    wizard_e2e::scroll_to(&c, "done-saved").await;
    screenshot(&c, "12-E12-done-saved").await;

    let progress = std::fs::read_to_string(data.path().join("practice/progress.json")).unwrap();
    let client_id = serde_json::from_str::<serde_json::Value>(&progress).unwrap()["answers"]
        ["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
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
