//! Teams accounts signed in against the sandbox over real HTTP: the batch
//! with the loopback capture (the browser played by the test), a failure
//! with its event code, resume after an interruption (no second sign-in
//! for an account done), the pasted-address fallback (a tampered one
//! refused first), a tampered way back on the loopback, and faults of
//! `POST /connect/auth`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::beta_base;
use wizard_core::nylas_v2::teams_auth::batch::{
    run_batch, BatchSettings, LoopbackOrPaste, Pasted, TeamsAuthEvent,
};
use wizard_core::nylas_v2::teams_auth::journal::{AccountStatus, TeamsJournal};
use wizard_core::nylas_v2::teams_auth::{teams_callback, V2Credentials};
use wizard_core::regions::Region;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const CLIENT: &str = "teams-test-client";
const SECRET: &str = "teams-test-secret-8Hq3";
const AUTH: &str = "POST /nylas-beta-us/connect/auth";
/// A redirect URI that isn't this computer's: the admin pastes the address.
const ELSEWHERE: &str = "https://myapp.example/callback-handler";
const IDS: [&str; 3] = ["acct-adele", "acct-megan", "acct-lukas"];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scenario(port: u16, failures: &[(&str, &str)]) -> Scenario {
    let app = serde_json::from_value(json!({
        "client_id": CLIENT,
        "client_secret": SECRET,
        "region": "us",
        "integrations": [{
            "id": "int-1", "name": "Teams", "provider": "microsoft",
            "redirect_uris": [teams_callback(port), ELSEWHERE], "expires_in": 1209600,
        }],
        "accounts": [
            {"id": IDS[0], "email_address": "adele@contoso.com", "provider": "graph"},
            {"id": IDS[1], "email_address": "megan@contoso.com", "provider": "graph"},
            {"id": IDS[2], "email_address": "lukas@contoso.com", "provider": "graph"},
        ],
    }))
    .unwrap();
    let mut s = Scenario {
        nylas_v2_applications: vec![app],
        ..Scenario::default()
    };
    for (id, code) in failures {
        s.nylas_v2
            .teams_login_failures
            .insert((*id).into(), (*code).into());
    }
    s
}

struct World {
    sb: SandboxHandle,
    http: HttpClient,
    settings: BatchSettings,
    dir: tempfile::TempDir,
}

async fn world(failures: &[(&str, &str)]) -> World {
    let port = free_port();
    let sb = start(scenario(port, failures), None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    World {
        http: HttpClient::direct(HttpConfig {
            max_retries: 1,
            base_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..HttpConfig::default()
        })
        .unwrap(),
        settings: BatchSettings {
            beta_base: beta_base(&endpoints, Region::Us).clone(),
            redirect_uri: teams_callback(port),
            timeout: Duration::from_secs(20),
        },
        sb,
        dir: tempfile::tempdir().unwrap(),
    }
}

fn creds(secret: &str) -> V2Credentials {
    V2Credentials {
        client_id: CLIENT.into(),
        client_secret: SecretString::from(secret.to_owned()),
    }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The login page's redirect: where Nylas sends the browser back.
async fn way_back(login: &Url) -> String {
    let r = browser().get(login.as_str()).send().await.unwrap();
    assert_eq!(r.status(), 302, "{r:?}");
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// The user in the browser: the login page, then back to the loopback
/// (after `tamper` rewrote the address).
fn play(login: &Url, tamper: fn(String) -> String) {
    let login = login.clone();
    tokio::spawn(async move {
        let back = tamper(way_back(&login).await);
        let page = browser().get(back).send().await.unwrap();
        assert_eq!(page.status(), 200);
    });
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn each_account_is_signed_in_and_a_failure_keeps_its_event_code() {
    let w = world(&[(IDS[1], "25004")]).await;
    let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let (mut waiter, _paste) = LoopbackOrPaste::new(&w.settings.redirect_uri);
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let outcome = run_batch(
        &w.http,
        &w.settings,
        &creds(SECRET),
        &mut journal,
        &ids(&IDS),
        &|url: &Url| {
            play(url, |s| s);
            true
        },
        &mut waiter,
        &move |e: TeamsAuthEvent| seen.lock().unwrap().push(e),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(!outcome.cancelled);
    let statuses: Vec<AccountStatus> = outcome.rows.iter().map(|r| r.status).collect();
    use AccountStatus::*;
    assert_eq!(statuses, [Connected, Failed, Connected]);
    assert_eq!(outcome.rows[0].email.as_deref(), Some("adele@contoso.com"));
    assert_eq!(outcome.rows[0].grant_id.as_ref().map(String::len), Some(36));
    assert_eq!(outcome.rows[1].event_code.as_deref(), Some("25004"));
    assert_eq!(outcome.rows[2].email.as_deref(), Some("lukas@contoso.com"));
    assert_eq!(w.sb.calls(AUTH), 3);
    // The window heard the rows first, then each page opened with its
    // place in the batch, then each row.
    let events = events.lock().unwrap();
    assert!(matches!(&events[0], TeamsAuthEvent::Rows { rows } if rows.len() == 3));
    let opened: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|e| match e {
            TeamsAuthEvent::SigningIn {
                index,
                total,
                opened,
                login_url,
                ..
            } => {
                assert!(opened);
                assert!(
                    login_url.contains("/nylas-beta-us/connect/login?id="),
                    "{login_url}"
                );
                Some((*index, *total))
            }
            _ => None,
        })
        .collect();
    assert_eq!(opened, [(1, 3), (2, 3), (3, 3)]);
    // The answers' record counts them.
    let reloaded = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let r = reloaded.record();
    assert_eq!((r.total, r.connected, r.failed), (3, 2, 1));
}

#[tokio::test]
async fn an_interrupted_batch_resumes_without_signing_in_a_done_account_again() {
    let w = world(&[]).await;
    let cancel = CancellationToken::new();
    let opened = AtomicUsize::new(0);
    {
        let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
        let (mut waiter, _paste) = LoopbackOrPaste::new(&w.settings.redirect_uri);
        let stop = cancel.clone();
        let outcome = run_batch(
            &w.http,
            &w.settings,
            &creds(SECRET),
            &mut journal,
            &ids(&IDS),
            &|url: &Url| {
                // The admin signs the first account in, then presses Cancel
                // while the second one's page is open.
                if opened.fetch_add(1, Ordering::SeqCst) == 0 {
                    play(url, |s| s);
                } else {
                    stop.cancel();
                }
                true
            },
            &mut waiter,
            &|_| {},
            &cancel,
        )
        .await
        .unwrap();
        assert!(outcome.cancelled);
        let statuses: Vec<AccountStatus> = outcome.rows.iter().map(|r| r.status).collect();
        use AccountStatus::*;
        assert_eq!(statuses, [Connected, Waiting, Waiting]);
        assert_eq!(w.sb.calls(AUTH), 2);
    }
    // Later (the journal read from disk again): the same list resumes.
    let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let (mut waiter, _paste) = LoopbackOrPaste::new(&w.settings.redirect_uri);
    let outcome = run_batch(
        &w.http,
        &w.settings,
        &creds(SECRET),
        &mut journal,
        &ids(&IDS),
        &|url: &Url| {
            play(url, |s| s);
            true
        },
        &mut waiter,
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(!outcome.cancelled);
    assert_eq!(outcome.skipped, 1);
    assert!(outcome
        .rows
        .iter()
        .all(|r| r.status == AccountStatus::Connected));
    // Two more sign-ins, not three: the first account was not sent again.
    assert_eq!(w.sb.calls(AUTH), 4);
}

#[tokio::test]
async fn a_pasted_address_finishes_the_sign_in_and_a_tampered_one_is_refused() {
    let mut w = world(&[]).await;
    w.settings.redirect_uri = ELSEWHERE.into();
    let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let (mut waiter, paste) = LoopbackOrPaste::new(ELSEWHERE);
    let refusals = Arc::new(Mutex::new(Vec::new()));
    let heard = refusals.clone();
    let outcome = run_batch(
        &w.http,
        &w.settings,
        &creds(SECRET),
        &mut journal,
        &ids(&IDS[..1]),
        &move |url: &Url| {
            let (url, paste, heard) = (url.clone(), paste.clone(), heard.clone());
            tokio::spawn(async move {
                let back = way_back(&url).await;
                assert!(back.starts_with(ELSEWHERE), "{back}");
                for pasted in [back.replace("state=", "state=x"), back] {
                    let (reply, answer) = tokio::sync::oneshot::channel();
                    paste.send(Pasted { url: pasted, reply }).await.unwrap();
                    if let Err(e) = answer.await.unwrap() {
                        heard.lock().unwrap().push(e.message);
                    }
                }
            });
            false
        },
        &mut waiter,
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.rows[0].status, AccountStatus::Connected);
    assert_eq!(outcome.rows[0].email.as_deref(), Some("adele@contoso.com"));
    let refusals = refusals.lock().unwrap();
    assert_eq!(refusals.len(), 1);
    assert!(
        refusals[0].contains("state is different"),
        "{}",
        refusals[0]
    );
}

#[tokio::test]
async fn a_tampered_way_back_fails_that_account_only() {
    let w = world(&[]).await;
    let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let (mut waiter, _paste) = LoopbackOrPaste::new(&w.settings.redirect_uri);
    let n = AtomicUsize::new(0);
    let outcome = run_batch(
        &w.http,
        &w.settings,
        &creds(SECRET),
        &mut journal,
        &ids(&IDS[..2]),
        &|url: &Url| {
            if n.fetch_add(1, Ordering::SeqCst) == 0 {
                play(url, |s| s.replace("provider=microsoft", "provider=google"));
            } else {
                play(url, |s| s);
            }
            true
        },
        &mut waiter,
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.rows[0].status, AccountStatus::Failed);
    let why = outcome.rows[0].message.as_deref().unwrap();
    assert!(why.contains("not microsoft"), "{why}");
    assert_eq!(outcome.rows[1].status, AccountStatus::Connected);
}

async fn one_with_fault(
    fault: Option<Fault>,
    secret: &str,
    id: &str,
) -> (World, Result<Vec<AccountStatus>, ErrorCode>) {
    let w = world(&[]).await;
    if let Some(f) = fault {
        w.sb.set_faults(vec![f]).unwrap();
    }
    let mut journal = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    let (mut waiter, _paste) = LoopbackOrPaste::new(&w.settings.redirect_uri);
    let r = run_batch(
        &w.http,
        &w.settings,
        &creds(secret),
        &mut journal,
        &ids(&[id, IDS[2]]),
        &|url: &Url| {
            play(url, |s| s);
            true
        },
        &mut waiter,
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .map(|o| o.rows.iter().map(|r| r.status).collect())
    .map_err(|e| e.code);
    (w, r)
}

#[tokio::test]
async fn faults_either_stop_the_batch_for_a_resume_or_fail_one_account() {
    use AccountStatus::*;
    // A wrong secret: Nylas refuses every account alike, so the batch stops
    // and nothing is marked failed.
    let (w, r) = one_with_fault(None, "wrong-secret", IDS[0]).await;
    assert_eq!(r, Err(ErrorCode::Unauthorized));
    let j = TeamsJournal::load(w.dir.path(), CLIENT, Region::Us);
    assert!(j.accounts.iter().all(|r| r.status == Waiting));
    // Nylas down: not sent twice (it may have started a login), stopped.
    let (w, r) = one_with_fault(Some(Fault::new(AUTH).with_status(503)), SECRET, IDS[0]).await;
    assert_eq!(r, Err(ErrorCode::RemoteUnavailable));
    assert_eq!(w.sb.calls(AUTH), 1);
    // A dropped connection, likewise.
    let (_, r) = one_with_fault(Some(Fault::new(AUTH).dropping_connection()), SECRET, IDS[0]).await;
    assert_eq!(r, Err(ErrorCode::RemoteUnavailable));
    // Rate limited once: sent again, and it goes on.
    let (w, r) = one_with_fault(
        Some(
            Fault::new(AUTH)
                .with_status(429)
                .with_retry_after("0")
                .first_n(1),
        ),
        SECRET,
        IDS[0],
    )
    .await;
    assert_eq!(r, Ok(vec![Connected, Connected]));
    assert_eq!(w.sb.calls(AUTH), 3);
    // An account Nylas doesn't know fails alone; the next one goes on.
    let (_, r) = one_with_fault(None, SECRET, "acct-nobody").await;
    assert_eq!(r, Ok(vec![Failed, Connected]));
    // A garbled answer stops the batch.
    let (_, r) = one_with_fault(Some(Fault::new(AUTH).malformed()), SECRET, IDS[0]).await;
    assert_eq!(r, Err(ErrorCode::BadResponse));
}
