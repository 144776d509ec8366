//! `grant_admin_consent` in the shell (mock runtime, real ACL) against the
//! practice simulator: the admin-consent page is opened, the admin approves
//! it in the "browser", the wait ends and the re-check shows the consent;
//! and Cancel stops the wait.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

use crate::microsoft_tests::{app, call, opened_pages, practice, sign_in_with_browser};

/// Contoso's app with no enterprise application yet: no admin consent.
const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

/// The admin-consent page this test's command opened on its simulator.
fn consent_page_opened(practice_base: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(u) = opened_pages().into_iter().find(|u| {
            u.starts_with(practice_base) && u.contains("/v2.0/adminconsent") && u.contains(SPA_APP)
        }) {
            return u;
        }
        assert!(Instant::now() < deadline, "the consent page never opened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signed_in_practice(w: &WebviewWindow<MockRuntime>) -> String {
    practice(w);
    sign_in_with_browser(w, "audit");
    call(w, "get_session", json!({})).unwrap()["practice"]["sandbox_url"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn missing(outcome: &Value) -> Vec<Value> {
    outcome["live"]["facts"]["admin_consent_missing"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn approving_in_the_browser_ends_the_wait_and_the_recheck_shows_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let base = signed_in_practice(&w);
    let before = call(&w, "check_app_live", json!({"clientId": SPA_APP})).unwrap();
    assert!(!missing(&before).is_empty(), "{before}");
    assert_eq!(
        before["live"]["facts"]["service_principal_exists"],
        json!(false)
    );

    // The admin in the browser: press Accept on the consent page.
    let user = std::thread::spawn(move || {
        let url = consent_page_opened(&base);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .unwrap();
            let page = http.get(&url).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let page = page.text().await.unwrap();
            let marker = "id=\"approve\" href=\"";
            let start = page.find(marker).expect("the page has Accept") + marker.len();
            let href = page[start..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&");
            let done = http.get(&href).send().await.unwrap();
            assert!(done.status().is_success(), "{}", done.status());
        });
        url
    });
    let after = call(&w, "grant_admin_consent", json!({"clientId": SPA_APP})).unwrap();
    let url = user.join().unwrap();
    // The page asked for exactly the missing permissions, in this tenant.
    for p in missing(&before) {
        assert!(url.contains(p.as_str().unwrap()), "{url} lacks {p}");
    }
    assert!(url.contains("/contoso.com/v2.0/adminconsent"), "{url}");

    assert_eq!(missing(&after), Vec::<Value>::new(), "{after}");
    assert_eq!(after["live"]["facts"]["service_principal_exists"], true);
    assert!(after["progress"]["answers"]["last_check"].is_object());
}

#[test]
fn cancel_stops_waiting_for_admin_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let base = signed_in_practice(&w);
    let waiting = {
        let w = w.clone();
        std::thread::spawn(move || call(&w, "grant_admin_consent", json!({"clientId": SPA_APP})))
    };
    consent_page_opened(&base);
    // The window's Cancel button.
    let n = call(
        &w,
        "cancel_remote",
        json!({"command": "grant_admin_consent"}),
    )
    .unwrap();
    assert_eq!(n, json!(1));
    let err = waiting.join().unwrap().unwrap_err();
    assert_eq!(err["code"], "cancelled");
}
