//! Remote commands in the shell (mock runtime, real ACL): the Cancel
//! button, a newer look-up replacing an older one, a reloaded window
//! stopping what the old page started, and the proxy setting.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};
use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

use crate::{configure, AppState};

fn app(dir: &std::path::Path, base: &str) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let endpoints = Endpoints::sandbox(&base.parse().unwrap()).unwrap();
    let state = AppState::new(StateStore::in_dir(dir), true, endpoints).unwrap();
    let app = configure(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window)
}

fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(w, request).map(|b| b.deserialize::<Value>().unwrap())
}

/// Reads one request head from `conn`; its first line.
fn request_line(conn: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

/// "Microsoft" on 127.0.0.1: the first `hang` requests are received
/// (reported on the channel) and never answered; later ones get a 404.
fn microsoft(hang: usize) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let (arrived, arrivals) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            let mut conn = conn.unwrap();
            let line = request_line(&mut conn);
            if held.len() < hang {
                // Kept open, never answered.
                held.push(conn);
            } else {
                let _ = conn.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
            }
            if arrived.send(line).is_err() {
                return;
            }
        }
    });
    (base, arrivals)
}

/// Look up `tenant` on another thread, as the window would while the admin
/// keeps clicking.
fn look_up(
    w: &WebviewWindow<MockRuntime>,
    tenant: &str,
) -> std::thread::JoinHandle<Result<Value, Value>> {
    let (w, tenant) = (w.clone(), tenant.to_owned());
    std::thread::spawn(move || call(&w, "look_up_tenant", json!({ "tenant": tenant })))
}

fn wait(arrivals: &mpsc::Receiver<String>) -> String {
    arrivals
        .recv_timeout(Duration::from_secs(10))
        .expect("the request reaches the service")
}

fn code(result: Result<Value, Value>) -> Value {
    result.expect_err("the look-up fails")["code"].clone()
}

#[test]
fn cancel_remote_stops_a_running_look_up() {
    let dir = tempfile::tempdir().unwrap();
    let (base, arrivals) = microsoft(1);
    let (_app, w) = app(dir.path(), &base);
    let running = look_up(&w, "contoso.com");
    assert!(wait(&arrivals).contains("/contoso.com/v2.0/.well-known/openid-configuration"));
    // Cancelling another command leaves the look-up running.
    let stopped = call(&w, "cancel_remote", json!({"command": "some_other_call"}));
    assert_eq!(stopped, Ok(json!(0)));
    let started = Instant::now();
    let stopped = call(&w, "cancel_remote", json!({"command": "look_up_tenant"}));
    assert_eq!(stopped, Ok(json!(1)));
    let err = running.join().unwrap().unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err["code"], "cancelled");
    assert_eq!(
        err["message"],
        "The call to Microsoft sign-in (GET /contoso.com/v2.0/.well-known/openid-configuration) was cancelled."
    );
    // Nothing is left running: cancelling all finds nothing, harmlessly.
    assert_eq!(call(&w, "cancel_remote", json!({})), Ok(json!(0)));
}

#[test]
fn a_new_look_up_replaces_the_running_one() {
    let dir = tempfile::tempdir().unwrap();
    let (base, arrivals) = microsoft(1);
    let (_app, w) = app(dir.path(), &base);
    let first = look_up(&w, "contoso.com");
    wait(&arrivals);
    let second = look_up(&w, "fabrikam.com");
    assert!(wait(&arrivals).contains("/fabrikam.com/"));
    assert_eq!(code(first.join().unwrap()), "cancelled");
    // The newer one ran to its own answer (the 404 of this fake service).
    assert_eq!(code(second.join().unwrap()), "not_found");
}

#[test]
fn a_reloaded_window_stops_what_the_old_page_started() {
    let dir = tempfile::tempdir().unwrap();
    let (base, arrivals) = microsoft(1);
    let (_app, w) = app(dir.path(), &base);
    let running = look_up(&w, "contoso.com");
    wait(&arrivals);
    // The page starting again asks for the session first.
    call(&w, "get_session", json!({})).unwrap();
    assert_eq!(code(running.join().unwrap()), "cancelled");
}

#[test]
fn set_proxy_is_checked_and_used_for_the_real_services() {
    let dir = tempfile::tempdir().unwrap();
    // A proxy that records what it is asked and refuses to connect.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("{}", proxy.local_addr().unwrap());
    let (asked, asks) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in proxy.incoming() {
            let mut conn = conn.unwrap();
            let line = request_line(&mut conn);
            let _ = conn.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            if asked.send(line).is_err() {
                return;
            }
        }
    });
    // "The real Microsoft": a host name only a proxy could reach.
    let (_app, w) = app(dir.path(), "https://login.nylas.test:8443/");

    let err = call(
        &w,
        "set_proxy",
        json!({"proxy": {"mode": "manual", "url": "socks5://proxy.corp:1080"}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");

    let set = call(
        &w,
        "set_proxy",
        json!({"proxy": {"mode": "manual", "url": proxy_url}}),
    )
    .unwrap();
    assert_eq!(
        set,
        json!({"mode": "manual", "url": format!("http://{proxy_url}/")})
    );
    let err = call(&w, "look_up_tenant", json!({"tenant": "contoso.com"})).unwrap_err();
    assert_eq!(err["code"], "remote_unavailable");
    assert_eq!(
        asks.recv_timeout(Duration::from_secs(10)).unwrap(),
        "CONNECT login.nylas.test:8443 HTTP/1.1"
    );

    let set = call(&w, "set_proxy", json!({"proxy": {"mode": "system"}})).unwrap();
    assert_eq!(set, json!({"mode": "system"}));
}
