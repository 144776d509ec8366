//! Path E, admin consent against the simulated Nylas over HTTP: the
//! loopback callback registered (once), a consent link opened in a
//! "browser" (a plain HTTP client clicking the sandbox's consent page),
//! the consent captured on the loopback, a refusal explained by Diagnose,
//! another link's answer refused, and a pasted redirect read.

mod bulk_support;

use bulk_support::*;
use url::Url;
use wizard_core::bulk::{
    consent_links, consent_redirect_uri, existing_credentials, read_consent_redirect,
    register_consent_callback, ConsentCapture, ConsentJournal, ConsentLink, TenantRow,
};
use wizard_core::ErrorCode;

const CALLBACKS: &str = "POST /nylas-us/v3/applications/redirect-uris";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The admin opens `link`, clicks `#approve` or `#deny` on the consent
/// page: where Nylas sends the browser back to.
async fn click(link: &ConsentLink, choice: &str) -> String {
    let page = browser().get(&link.url).send().await.unwrap();
    assert_eq!(page.status(), 200, "{:?}", page.text().await);
    let page = page.text().await.unwrap();
    let marker = format!("id=\"{choice}\" href=\"");
    let at = page.find(&marker).expect("the consent page has the link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = browser().get(href).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_owned()
}

/// The browser follows the redirect to the loopback: the tab's text.
async fn land(location: &str) -> String {
    browser()
        .get(location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Consent {
    w: World,
    port: u16,
    links: Vec<ConsentLink>,
    rows: Vec<TenantRow>,
}

/// Two tenants with credentials, the loopback registered, their links.
async fn setup() -> Consent {
    let w = world().await;
    let rows = tenants(2);
    for t in &rows {
        w.create_credential(&format!("{} ({})", t.name, t.tenant), &t.tenant)
            .await;
    }
    let port = free_port();
    let redirect = consent_redirect_uri(port);
    assert!(register_consent_callback(&w.nylas(), &redirect, &never())
        .await
        .unwrap());
    // Read, compare, write: a second time adds nothing.
    assert!(!register_consent_callback(&w.nylas(), &redirect, &never())
        .await
        .unwrap());
    assert_eq!(w.calls(CALLBACKS), 1);
    let creds = existing_credentials(&w.nylas(), &never()).await.unwrap();
    let app_id = w.app().application_id;
    let api = w.endpoints.nylas(wizard_core::regions::Region::Us).clone();
    let links = consent_links(&api, &app_id, &redirect, &creds, &rows);
    assert_eq!(links.len(), 2);
    Consent {
        w,
        port,
        links,
        rows,
    }
}

fn consented(w: &World, credential_id: &str) -> bool {
    w.app()
        .credentials
        .iter()
        .find(|c| c.id == credential_id)
        .unwrap()
        .consented_at
        .is_some()
}

#[tokio::test]
async fn consent_is_captured_on_the_loopback() {
    let c = setup().await;
    let link = &c.links[0];
    let capture = ConsentCapture::start(c.port, link).await.unwrap();
    assert_eq!(capture.url(), link.url);
    let waiting = tokio::spawn(async move { capture.wait(&never()).await });
    let location = click(link, "approve").await;
    let url = Url::parse(&location).unwrap();
    assert_eq!(url.port(), Some(c.port));
    assert_eq!(url.path(), "/nylas-wizard/admin-consent");
    let tab = land(&location.replace("localhost", "127.0.0.1")).await;
    assert!(tab.contains("Admin consent is recorded"), "{tab}");
    waiting.await.unwrap().unwrap();
    assert!(consented(&c.w, &link.credential_id));
    assert!(!consented(&c.w, &c.links[1].credential_id));
    // The same redirect, pasted, reads the same.
    assert!(read_consent_redirect(&location, &link.state).is_ok());
    assert_eq!(c.rows[0].tenant, link.tenant);
}

#[tokio::test]
async fn a_refusal_is_explained_and_the_credential_stays_unconsented() {
    let c = setup().await;
    let link = &c.links[1];
    let capture = ConsentCapture::start(c.port, link).await.unwrap();
    let waiting = tokio::spawn(async move { capture.wait(&never()).await });
    let location = click(link, "deny").await;
    let tab = land(&location.replace("localhost", "127.0.0.1")).await;
    assert!(tab.contains("didn't complete"), "{tab}");
    let e = waiting.await.unwrap().unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(
        e.message
            .starts_with("The tenant's admin didn't give consent"),
        "{}",
        e.message
    );
    // Diagnose's explanation of AADSTS65004, and what to do.
    let d = &wizard_core::diagnose::diagnose("AADSTS65004")[0];
    assert_ne!(d.code, "unrecognised");
    assert!(e.message.contains(&d.title), "{}", e.message);
    assert_eq!(e.hint.as_deref(), Some(d.fix.as_str()));
    assert!(!consented(&c.w, &link.credential_id));
}

#[tokio::test]
async fn another_links_answer_is_refused() {
    let c = setup().await;
    // Waiting for tenant 0, the admin of tenant 1 comes back.
    let capture = ConsentCapture::start(c.port, &c.links[0]).await.unwrap();
    let waiting = tokio::spawn(async move { capture.wait(&never()).await });
    let location = click(&c.links[1], "approve").await;
    land(&location.replace("localhost", "127.0.0.1")).await;
    let e = waiting.await.unwrap().unwrap_err();
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(e.message.contains("state is different"), "{}", e.message);
    // The journal knows whose answer it was, so a paste still counts.
    let dir = tempfile::tempdir().unwrap();
    let mut j = ConsentJournal::load(dir.path());
    j.remember(&c.links);
    let (state, link) = j.link_for(&location).unwrap();
    assert_eq!(link.tenant, c.links[1].tenant);
    assert!(read_consent_redirect(&location, state).is_ok());
}

#[tokio::test]
async fn waiting_can_be_cancelled_and_times_out() {
    let c = setup().await;
    let cancel = never();
    let capture = ConsentCapture::start(c.port, &c.links[0]).await.unwrap();
    let stop = cancel.clone();
    let waiting = tokio::spawn(async move { capture.wait(&stop).await });
    cancel.cancel();
    let e = waiting.await.unwrap().unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
    let capture = ConsentCapture::start(c.port, &c.links[0])
        .await
        .unwrap()
        .with_timeout(std::time::Duration::from_millis(50));
    let e = capture.wait(&never()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RemoteUnavailable);
    assert!(e.message.contains("didn't come back"), "{}", e.message);
}

#[tokio::test]
async fn a_busy_port_is_named_for_the_admin_consent() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let link = ConsentLink {
        tenant: "t000.example".into(),
        name: "Customer 000".into(),
        admin_email: None,
        credential_id: "c".into(),
        url: "http://127.0.0.1:1/".into(),
        state: "s".into(),
    };
    let e = ConsentCapture::start(port, &link).await.err().unwrap();
    assert!(e.message.contains(&format!("port {port}")), "{}", e.message);
    assert!(
        e.message.contains("the admin consent needs"),
        "{}",
        e.message
    );
}
