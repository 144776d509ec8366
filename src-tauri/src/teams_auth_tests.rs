//! The Connect accounts commands on the mock runtime (real ACL) against the
//! practice simulator: each account's login page opened and its way back
//! captured on the loopback port, the rows streamed on the channel in order
//! and counted in the answers; a pasted address (a tampered one refused
//! first), Cancel, and Resume signing in only the account left; what is
//! missing named; the v2 client secret in no answer or message.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{mock_builder, MockRuntime};
use tauri::{App, Manager, WebviewWindow};
use wizard_core::endpoints::Endpoints;
use wizard_core::nylas_v2::teams_auth::teams_callback;
use wizard_core::nylas_v2::{NylasV2Record, TeamsIntegrationRecord};
use wizard_core::regions::Region;
use wizard_core::secrets::{SecretName, SecretString};
use wizard_core::state::StateStore;

use super::TeamsCallbackPort;
use crate::microsoft_tests::call;
use crate::{configure, AppState};

const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const ADELE: &str = "v2acct-contoso-adele";
const MEGAN: &str = "v2acct-contoso-megan";
/// How long a test waits for the browser to be sent somewhere (a bound,
/// not a synchronisation: the message arrives as soon as the page opens).
const PATIENCE: Duration = Duration::from_secs(30);

type Heard = Arc<Mutex<Vec<(u32, Value)>>>;

/// Per loopback port, where the played browser reports the address a
/// login page sent it back to.
static BROWSERS: Mutex<BTreeMap<u16, mpsc::Sender<String>>> = Mutex::new(BTreeMap::new());

/// One plain GET to this computer: (status, Location).
fn get(url: &str) -> (u16, Option<String>) {
    let url = url::Url::parse(url).unwrap();
    let host = format!("127.0.0.1:{}", url.port().unwrap());
    let mut conn = std::net::TcpStream::connect(&host).unwrap();
    conn.set_read_timeout(Some(PATIENCE)).unwrap();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    write!(
        conn,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let location = text
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
        })
        .map(|(_, v)| v.trim().to_owned());
    (status, location)
}

/// The system browser in tests: the login page is loaded (off the
/// command's thread) and where it sends the browser back goes to the test
/// that listens on that port.
pub(crate) fn browser_opened(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let (status, back) = get(&url);
        assert_eq!(status, 302, "{url}");
        let back = back.expect("the way back");
        let port = url::Url::parse(&back).unwrap().port().unwrap();
        if let Some(tx) = BROWSERS.lock().unwrap().get(&port) {
            let _ = tx.send(back);
        }
    });
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

struct Ready {
    _app: App<MockRuntime>,
    w: WebviewWindow<MockRuntime>,
    heard: Heard,
    ways_back: mpsc::Receiver<String>,
}

/// Practice mode on path B, the v2 app checked (its secret stored), the
/// Teams integration made in the simulator and recorded — when asked.
fn ready(dir: &std::path::Path, v2_checked: bool, integration: bool) -> Ready {
    let heard: Heard = Arc::default();
    let sink = heard.clone();
    let endpoints = Endpoints::sandbox(&"http://127.0.0.1:9/".parse().unwrap()).unwrap();
    let state = AppState::new(StateStore::in_dir(dir), true, endpoints).unwrap();
    let app = configure(mock_builder())
        .channel_interceptor(move |_, channel, _, body| {
            let InvokeResponseBody::Json(json) = body else {
                panic!("progress is JSON")
            };
            sink.lock()
                .unwrap()
                .push((channel.0, serde_json::from_str(json).unwrap()));
            true
        })
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    let port = free_port();
    app.manage(TeamsCallbackPort(port));
    let (tx, ways_back) = mpsc::channel();
    BROWSERS.lock().unwrap().insert(port, tx);
    call(&w, "set_practice_mode", json!({"enabled": true})).unwrap();
    call(&w, "choose_path", json!({"path": "teams"})).unwrap();
    let state = app.state::<AppState>();
    let redirect = teams_callback(port);
    if v2_checked {
        block_on(state.write_secret(
            SecretName::NylasV2ClientSecret,
            SecretString::from(V2_SECRET.to_owned()),
        ))
        .unwrap();
    }
    state
        .update(|p| {
            if v2_checked {
                p.record_nylas_v2(Some(NylasV2Record {
                    client_id: V2_CLIENT.into(),
                    region: Region::Us,
                    checked_at: "2026-12-01T00:00:00Z".into(),
                }));
            }
            if integration {
                p.record_teams_integration(TeamsIntegrationRecord {
                    integration_id: "int".into(),
                    name: "Teams".into(),
                    tenant: "common".into(),
                    redirect_uris: vec![redirect.clone()],
                    expires_in: 1_209_600,
                    region: Region::Us,
                    created: true,
                    at: "2026-12-01T00:00:00Z".into(),
                });
            }
            Ok(())
        })
        .unwrap();
    if integration {
        // What the Teams integration step made in the simulator.
        let base = block_on(state.remote()).unwrap().endpoints.nylas_beta_us;
        block_on(async {
            let resp = reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap()
                .post(format!("{base}connect/integrations"))
                .basic_auth(V2_CLIENT, Some(V2_SECRET))
                .json(&json!({
                    "name": "Teams", "provider": "microsoft",
                    "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "practice", "tenant": "common"},
                    "redirect_uris": [redirect], "expires_in": 1209600,
                }))
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{:?}", resp.text().await);
        });
    }
    Ready {
        _app: app,
        w,
        heard,
        ways_back,
    }
}

impl Ready {
    /// Start connecting on another thread (the command waits for the
    /// browser); join it for the answer.
    fn connect(
        &self,
        ids: Option<&str>,
        channel: u32,
    ) -> std::thread::JoinHandle<Result<Value, Value>> {
        let w = self.w.clone();
        let ids = ids.map(str::to_owned);
        std::thread::spawn(move || {
            call(
                &w,
                "connect_teams_accounts",
                json!({"accountIds": ids, "onProgress": format!("__CHANNEL__:{channel}")}),
            )
        })
    }

    fn way_back(&self) -> String {
        self.ways_back
            .recv_timeout(PATIENCE)
            .expect("a login page opened")
    }

    fn events(&self, channel: u32) -> Vec<Value> {
        self.heard
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| *c == channel)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn statuses(outcome: &Value) -> Vec<&str> {
    outcome["outcome"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

#[test]
fn accounts_connect_on_the_loopback_and_the_window_hears_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let r = ready(dir.path(), true, true);
    let running = r.connect(Some(&format!("{ADELE}\n{MEGAN}\n{ADELE}")), 7);
    for _ in 0..2 {
        assert_eq!(get(&r.way_back()).0, 200);
    }
    let done = running.join().unwrap().unwrap();
    assert_eq!(statuses(&done), ["connected", "connected"]);
    assert_eq!(
        done["outcome"]["rows"][1]["email"],
        "megan.bowen@contoso.com"
    );
    let record = &done["progress"]["answers"]["teams_accounts"];
    assert_eq!(
        (record["total"].as_u64(), record["connected"].as_u64()),
        (Some(2), Some(2))
    );
    let events = r.events(7);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rows", "signing_in", "row", "signing_in", "row"]);
    assert_eq!(events[3]["index"], 2);
    assert_eq!(events[3]["total"], 2);
    assert_eq!(events[3]["opened"], true);
    // The table after a restart of the step comes from the journal.
    let view = call(&r.w, "teams_accounts_view", json!({})).unwrap();
    assert_eq!(view["rows"].as_array().unwrap().len(), 2);
    assert_eq!(view["blocked"], Value::Null);
    // The v2 client secret is in no answer or message.
    let all = format!("{done}{view}{events:?}");
    assert!(!all.contains(V2_SECRET));
}

#[test]
fn a_pasted_address_cancel_and_resume_without_signing_in_twice() {
    let dir = tempfile::tempdir().unwrap();
    let r = ready(dir.path(), true, true);
    let running = r.connect(Some(&format!("{ADELE}, {MEGAN}")), 8);
    // The browser couldn't reach the wizard: the admin pastes the address,
    // a tampered copy first.
    let back = r.way_back();
    let tampered = call(
        &r.w,
        "paste_teams_callback",
        json!({"url": back.replace("provider=microsoft", "provider=google")}),
    )
    .unwrap_err();
    assert_eq!(tampered["code"], "rejected", "{tampered}");
    call(&r.w, "paste_teams_callback", json!({"url": back})).unwrap();
    // Megan's page is open; the admin presses Cancel.
    let _ = r.way_back();
    call(
        &r.w,
        "cancel_remote",
        json!({"command": "connect_teams_accounts"}),
    )
    .unwrap();
    let stopped = running.join().unwrap().unwrap();
    assert_eq!(stopped["outcome"]["cancelled"], true);
    assert_eq!(statuses(&stopped), ["connected", "waiting"]);
    // Resume: only Megan is signed in.
    let resumed = r.connect(None, 9);
    assert_eq!(get(&r.way_back()).0, 200);
    let done = resumed.join().unwrap().unwrap();
    assert_eq!(statuses(&done), ["connected"]);
    assert_eq!(done["outcome"]["rows"][0]["account_id"], MEGAN);
    let signing: Vec<Value> = r
        .events(9)
        .into_iter()
        .filter(|e| e["event"] == "signing_in")
        .map(|e| e["account_id"].clone())
        .collect();
    assert_eq!(signing, [json!(MEGAN)]);
    let record = &done["progress"]["answers"]["teams_accounts"];
    assert_eq!(
        (record["total"].as_u64(), record["connected"].as_u64()),
        (Some(2), Some(2))
    );
    // Nothing waits for a pasted address any more.
    let late = call(&r.w, "paste_teams_callback", json!({"url": "http://x/"})).unwrap_err();
    assert_eq!(late["code"], "invalid_input");
}

#[test]
fn what_is_missing_is_named_with_the_step_to_go_back_to() {
    let dir = tempfile::tempdir().unwrap();
    let r = ready(dir.path(), false, false);
    let view = call(&r.w, "teams_accounts_view", json!({})).unwrap();
    let msg = view["blocked"]["message"].as_str().unwrap();
    assert!(msg.contains("Nylas v2 app"), "{msg}");
    let e = call(
        &r.w,
        "connect_teams_accounts",
        json!({"accountIds": ADELE, "onProgress": "__CHANNEL__:3"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    let dir = tempfile::tempdir().unwrap();
    let r = ready(dir.path(), true, false);
    let view = call(&r.w, "teams_accounts_view", json!({})).unwrap();
    let hint = view["blocked"]["hint"].as_str().unwrap();
    assert!(hint.contains("Teams integration step"), "{hint}");
    let bad = call(
        &r.w,
        "connect_teams_accounts",
        json!({"accountIds": "../etc", "onProgress": "__CHANNEL__:4"}),
    )
    .unwrap_err();
    assert_eq!(bad["code"], "invalid_input");
}
