//! `teams auth` against the sandbox: `--dry-run` prints each request with
//! the credentials as ••• and sends nothing; a run captures each way back on
//! the loopback address (the test plays the browser from the login pages
//! printed on stderr), reports a failed account with its event code (exit
//! 1), and the same command later resumes without signing the connected
//! account in again; with another redirect URI the final address is pasted
//! on stdin; a missing secret exits 2, a wrong one 3; the client secret is
//! in no output or file.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{canary, isolated_home, CanaryScan};
use serde_json::json;
use wizard_sandbox::{start, SandboxHandle, Scenario};

const CLIENT: &str = "practice-v2-contoso-client";
const ADELE: &str = "v2acct-contoso-adele";
const MEGAN: &str = "v2acct-contoso-megan";
const AUTH: &str = "POST /nylas-beta-us/connect/auth";
const ELSEWHERE: &str = "https://app.example.com/teams";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn loopback(port: u16) -> String {
    format!("http://localhost:{port}/nylas-wizard/teams-callback")
}

/// The practice world with a Teams integration sending the browser back to
/// the loopback address (and to ELSEWHERE), the v2 secret a canary.
async fn sandbox(port: u16, secret: &str, failures: &[(&str, &str)]) -> SandboxHandle {
    let mut s = Scenario::practice();
    let app = &mut s.nylas_v2_applications[0];
    assert_eq!(app.client_id, CLIENT);
    app.client_secret = secret.to_owned();
    app.integrations = vec![json!({
        "id": "int-1", "name": "Teams", "provider": "microsoft",
        "redirect_uris": [loopback(port), ELSEWHERE], "expires_in": 1209600,
    })];
    for (id, code) in failures {
        s.nylas_v2
            .teams_login_failures
            .insert((*id).into(), (*code).into());
    }
    start(s, None).await.unwrap()
}

/// One plain GET to this computer, as the browser sends it: (status,
/// Location).
fn get(url: &str) -> (u16, Option<String>) {
    let url = url::Url::parse(url).unwrap();
    let host = format!("127.0.0.1:{}", url.port().unwrap());
    let mut conn = TcpStream::connect(&host).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
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
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_owned);
    (status, location)
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `teams auth`, playing the browser: each login page printed on
/// stderr is opened and its way back followed to the loopback, or (when
/// `paste`) written on stdin.
async fn run(
    sb: &SandboxHandle,
    home: &std::path::Path,
    secret: Option<&str>,
    redirect_uri: &str,
    accounts: &[&str],
    paste: bool,
) -> Ran {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
    cmd.args([
        "teams",
        "auth",
        "--region",
        "us",
        "--redirect-uri",
        redirect_uri,
    ])
    .args([
        "--nylas-beta-base",
        &format!("{}nylas-beta-us/", sb.base_url()),
    ])
    .args(["--journal-dir", &home.join("journal").to_string_lossy()])
    .args(["--timeout", "20"])
    .env("NYLAS_CLIENT_ID", CLIENT)
    .env_remove("NYLAS_CLIENT_SECRET")
    .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for a in accounts {
        cmd.args(["--account-id", a]);
    }
    if let Some(s) = secret {
        cmd.env("NYLAS_CLIENT_SECRET", s);
    }
    isolated_home(&mut cmd, home);
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            stdout.read_to_string(&mut s).unwrap();
            s
        });
        let mut stderr = String::new();
        for line in BufReader::new(child.stderr.take().unwrap()).lines() {
            let line = line.unwrap();
            stderr += &line;
            stderr.push('\n');
            let trimmed = line.trim();
            if trimmed.starts_with("http://127.0.0.1:") && trimmed.contains("/connect/login?id=") {
                let (status, back) = get(trimmed);
                assert_eq!(status, 302);
                let back = back.expect("the way back");
                if paste {
                    let input = stdin.as_mut().unwrap();
                    writeln!(input, "{back}").unwrap();
                } else {
                    assert_eq!(get(&back).0, 200, "{back}");
                }
            }
        }
        drop(stdin);
        let status = child.wait().unwrap();
        Ran {
            code: status.code().unwrap_or(-1),
            stdout: reader.join().unwrap(),
            stderr,
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_each_request_and_sends_nothing() {
    let port = free_port();
    let secret = canary("v2s");
    let sb = sandbox(port, &secret, &[]).await;
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
    cmd.args(["teams", "auth", "--region", "us", "--dry-run"])
        .args(["--account-id", ADELE, "--account-id", MEGAN])
        .args(["--redirect-uri", &loopback(port)])
        .args([
            "--nylas-beta-base",
            &format!("{}nylas-beta-us/", sb.base_url()),
        ])
        .env("NYLAS_CLIENT_ID", CLIENT)
        .env("NYLAS_CLIENT_SECRET", &secret);
    isolated_home(&mut cmd, home.path());
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("POST http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("/nylas-beta-us/connect/auth"), "{stdout}");
    assert!(stdout.contains("Authorization: Basic •••"), "{stdout}");
    assert!(
        stdout.contains(&format!("\"account_id\": \"{MEGAN}\"")),
        "{stdout}"
    );
    assert!(stdout.contains("\"expires_in\": 43200"), "{stdout}");
    assert!(stdout.contains("OnlineMeetings.ReadWrite"), "{stdout}");
    assert!(
        stdout.contains("Dry run: nothing was sent to Nylas."),
        "{stdout}"
    );
    assert_eq!(sb.calls(AUTH), 0);
    CanaryScan::new(&[&secret])
        .output("dry run", &out)
        .dir(home.path())
        .assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_connect_on_the_loopback_and_a_rerun_resumes_only_the_failed_one() {
    let port = free_port();
    let secret = canary("v2s");
    let home = tempfile::tempdir().unwrap();
    let sb = sandbox(port, &secret, &[(MEGAN, "25004")]).await;
    let first = run(
        &sb,
        home.path(),
        Some(&secret),
        &loopback(port),
        &[ADELE, MEGAN],
        false,
    )
    .await;
    assert_eq!(first.code, 1, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .contains(&format!("{ADELE}: connected as adele.vance@contoso.com")),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains(&format!("{MEGAN}: failed")),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("[event code 25004]"),
        "{}",
        first.stdout
    );
    assert!(
        first.stderr.contains("[1/2]") && first.stderr.contains("[2/2]"),
        "{}",
        first.stderr
    );
    assert_eq!(sb.calls(AUTH), 2);
    drop(sb);
    // Later, Megan's sign-in works: only she is signed in again.
    let sb = sandbox(port, &secret, &[]).await;
    let again = run(
        &sb,
        home.path(),
        Some(&secret),
        &loopback(port),
        &[ADELE, MEGAN],
        false,
    )
    .await;
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(
        again
            .stderr
            .contains("1 account(s) already connected: skipped."),
        "{}",
        again.stderr
    );
    assert!(
        again
            .stdout
            .contains(&format!("{MEGAN}: connected as megan.bowen@contoso.com")),
        "{}",
        again.stdout
    );
    assert_eq!(sb.calls(AUTH), 1);
    let mut scan = CanaryScan::new(&[&secret]);
    for (what, r) in [("first", &first), ("again", &again)] {
        scan.text(&format!("{what} stdout"), r.stdout.as_bytes())
            .text(&format!("{what} stderr"), r.stderr.as_bytes());
    }
    scan.dir(home.path()).assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_another_redirect_uri_the_final_address_is_pasted() {
    let port = free_port();
    let secret = canary("v2s");
    let home = tempfile::tempdir().unwrap();
    let sb = sandbox(port, &secret, &[]).await;
    let r = run(&sb, home.path(), Some(&secret), ELSEWHERE, &[ADELE], true).await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("paste the address the browser ends on"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains(&format!("{ADELE}: connected as adele.vance@contoso.com")),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_secret_exits_2_and_a_wrong_one_3() {
    let port = free_port();
    let home = tempfile::tempdir().unwrap();
    let sb = sandbox(port, &canary("v2s"), &[]).await;
    let none = run(&sb, home.path(), None, &loopback(port), &[ADELE], false).await;
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(
        none.stderr.contains("No Nylas v2 client secret was given."),
        "{}",
        none.stderr
    );
    let wrong = run(
        &sb,
        home.path(),
        Some("not-the-secret"),
        &loopback(port),
        &[ADELE],
        false,
    )
    .await;
    assert_eq!(wrong.code, 3, "{}", wrong.stderr);
    assert_eq!(sb.calls(AUTH), 1);
    let bad = run(
        &sb,
        home.path(),
        Some("x"),
        &loopback(port),
        &["../etc"],
        false,
    )
    .await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
