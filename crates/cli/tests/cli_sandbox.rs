//! `nylas-ms-setup sandbox`, run as a real process.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_nylas-ms-setup");
const WAIT: Duration = Duration::from_secs(30);

/// Kills the child if a test fails half-way.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Start the sandbox and return it with the URL from its first stdout line.
fn spawn_sandbox(extra: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .arg("sandbox")
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(Some(child));
    // Read on a thread so a silent process fails the test instead of hanging it.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(WAIT)
        .expect("no first line from the sandbox");
    let url = line
        .trim_end()
        .strip_prefix("Sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected URL {url:?}"));
    assert!(port.parse::<u16>().unwrap() > 0, "{url}");
    (running, url)
}

async fn get(url: &str) -> (u16, serde_json::Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp = client.get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Wait for the process to end, on a thread, without sleeping.
fn wait_exit(mut running: Running) -> std::process::ExitStatus {
    let mut child = running.0.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    rx.recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("process {pid} did not exit"))
        .unwrap()
}

#[tokio::test]
async fn prints_its_url_first_and_answers_health() {
    let (running, url) = spawn_sandbox(&[]);
    let (status, body) = get(&format!("{url}_sandbox/health")).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    // The practice scenario is loaded by default.
    let (status, _) = get(&format!(
        "{url}microsoft-login/contoso.com/v2.0/.well-known/openid-configuration"
    ))
    .await;
    assert_eq!(status, 200);

    #[cfg(unix)]
    {
        // SIGTERM stops it cleanly (exit 0), as a service manager expects.
        let pid = running.0.as_ref().unwrap().id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        assert!(wait_exit(running).success());
    }
    #[cfg(not(unix))]
    drop(running);
}

#[tokio::test]
async fn loads_the_given_scenario() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(
        br#"{"tenants":[{"id":"11111111-2222-3333-4444-555555555555","display_name":"Only",
             "verified_domains":["only.example"],"region_scope":"EU"}]}"#,
    )
    .unwrap();
    let (running, url) = spawn_sandbox(&["--scenario", file.path().to_str().unwrap()]);
    let openid =
        |t: &str| format!("{url}microsoft-login/{t}/v2.0/.well-known/openid-configuration");
    let (status, doc) = get(&openid("only.example")).await;
    assert_eq!(status, 200);
    assert_eq!(doc["tenant_region_scope"], "EU");
    let (status, _) = get(&openid("contoso.com")).await;
    assert_eq!(status, 400, "the practice tenants are not loaded");
    drop(running);
}

fn run_to_end(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = wait_exit(Running(Some(child)));
    (status.code(), out, err)
}

#[test]
fn a_bad_scenario_file_exits_2_with_a_plain_message() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"{\"tenants\": [ {\"id\": 42 ] }").unwrap();
    let path = file.path().to_str().unwrap().to_owned();
    let (code, out, err) = run_to_end(&["sandbox", "--scenario", &path]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "nothing on stdout: {out:?}");
    assert!(
        err.starts_with("The sandbox cannot start: the scenario file"),
        "{err}"
    );
    assert!(err.contains(&path) && err.contains("line 1"), "{err}");

    let (code, _, err) = run_to_end(&["sandbox", "--scenario", "/no/such/scenario.json"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("could not read the scenario file /no/such/scenario.json"),
        "{err}"
    );
}

#[test]
fn a_busy_port_exits_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, out, err) = run_to_end(&["sandbox", "--port", &port]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "{out:?}");
    assert!(
        err.contains(&format!("could not listen on 127.0.0.1:{port}")),
        "{err}"
    );
}
