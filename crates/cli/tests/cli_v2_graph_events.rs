//! `v2 graph-events` (path C) against the sandbox: the plan with secrets as
//! •••, `--dry-run` sending nothing, a real run where the test plays the
//! user at the simulated Microsoft consent page (the link comes on stderr),
//! shared calendars making two accounts, an unconfirmed replacement refused,
//! and a wrong v2 secret — with the sandbox's refresh and access tokens
//! (a canary prefix) never in the output.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wizard_sandbox::{start, SandboxHandle, Scenario};

const AZURE_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const CANARY: &str = "canary-h4-";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn sandbox() -> SandboxHandle {
    let mut s = Scenario::live_apps();
    s.nylas_v2_applications = Scenario::practice().nylas_v2_applications;
    s.sign_in.issued_secret_prefix = CANARY.into();
    start(s, None).await.unwrap()
}

fn args<'a>(port: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "v2",
        "graph-events",
        "--region",
        "us",
        "--client-id",
        V2_CLIENT,
        "--azure-client-id",
        AZURE_APP,
        "--port",
        port,
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn dry_run_prints_the_plan_with_secrets_hidden_and_sends_nothing() {
    let out = bin()
        .args(args("47617", &["--dry-run", "--shared-calendars"]))
        .env_remove("NYLAS_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_SECRET")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "POST /connect/authorize",
        "POST /connect/token",
        "\"microsoft_refresh_token\": \"•••\"",
        "\"provider\": \"office365\"",
        "\"provider\": \"graph\"",
        "http://localhost:47617/nylas-wizard/v2-sign-in",
        "Calendars.ReadWrite.Shared",
        "two Nylas accounts",
        "Dry run: nobody signed in",
    ] {
        assert!(text.contains(want), "missing {want}: {text}");
    }
    let json = bin()
        .args(args("47617", &["--dry-run", "--format", "json"]))
        .output()
        .unwrap();
    assert!(json.status.success());
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["plan"]["authorizations"].as_array().unwrap().len(), 1);
    assert_eq!(v["plan"]["authorizations"][0]["scopes"], "calendar");
    assert_eq!(v["connected"], false);
}

#[test]
fn replacing_an_account_without_confirmation_is_refused_naming_the_consequence() {
    let out = bin()
        .args(args(
            "47617",
            &["--dry-run", "--reauth-account-id", "v2acct-contoso-adele"],
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("v2acct-contoso-adele") && err.contains("re-syncs"),
        "{err}"
    );
    let ok = bin()
        .args(args(
            "47617",
            &[
                "--dry-run",
                "--reauth-account-id",
                "v2acct-contoso-adele",
                "--confirm-replace",
            ],
        ))
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Replaces account v2acct-contoso-adele"));
}

/// Run the command, play the user at the consent page, collect the output.
async fn run_signed_in(
    sb: &SandboxHandle,
    extra: &[&str],
    v2_secret: &str,
) -> std::process::Output {
    let base = sb.base_url();
    let port = free_port().to_string();
    let mut child = bin()
        .args(args(&port, extra))
        .env(
            "NYLAS_WIZARD_URL_MICROSOFT_LOGIN",
            format!("{base}microsoft-login/"),
        )
        .env("NYLAS_WIZARD_URL_GRAPH", format!("{base}graph/"))
        .env(
            "NYLAS_WIZARD_URL_NYLAS_V2_US",
            format!("{base}nylas-v2-us/"),
        )
        .env("NYLAS_CLIENT_SECRET", v2_secret)
        .env("AZURE_CLIENT_SECRET", "azure-value~cli-test")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The link arrives on stderr; everything after it is kept too.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.contains("/oauth2/v2.0/authorize?") {
                let _ = tx.send(line.clone());
            }
            all += &line;
            all.push('\n');
        }
        all
    });
    let link = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(60)))
        .await
        .unwrap()
        .expect("the sign-in link is printed");
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser
        .get(link.trim())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "id=\"approve\" href=\"";
    let at = page.find(marker).unwrap() + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = browser.get(href).send().await.unwrap();
    let back = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with(&format!("http://localhost:{port}/nylas-wizard/v2-sign-in")),
        "{back}"
    );
    browser.get(back).send().await.unwrap();
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        let status = child.wait().unwrap();
        let err = reader.join().unwrap();
        std::process::Output {
            status,
            stdout: out,
            stderr: err.into_bytes(),
        }
    })
    .await
    .unwrap()
}

fn assert_no_canary(out: &std::process::Output) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(CANARY), "a sandbox token was printed: {all}");
    assert!(
        !all.contains(V2_SECRET) && !all.contains("azure-value~cli-test"),
        "{all}"
    );
}

fn account_count(sb: &SandboxHandle) -> usize {
    sb.scenario()
        .nylas_v2_applications
        .iter()
        .find(|a| a.client_id == V2_CLIENT)
        .unwrap()
        .accounts
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_signs_in_and_becomes_a_graph_account() {
    let sb = sandbox().await;
    let before = account_count(&sb);
    let out = run_signed_in(&sb, &["--format", "json"], V2_SECRET).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["connected"], true);
    let acc = &v["outcome"]["results"][0]["account"];
    assert_eq!(acc["provider"], "graph");
    assert!(acc["account_id"].as_str().unwrap().len() > 5);
    assert_eq!(account_count(&sb), before + 1);
    assert!(common::stderr(&out).contains("signed in as admin@contoso.com"));
    assert_no_canary(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn shared_calendars_connect_two_accounts() {
    let sb = sandbox().await;
    let before = account_count(&sb);
    let out = run_signed_in(&sb, &["--shared-calendars"], V2_SECRET).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✓ Email and contacts: account"), "{text}");
    assert!(
        text.contains("✓ Calendar and events, through Microsoft Graph: account"),
        "{text}"
    );
    assert_eq!(account_count(&sb), before + 2);
    assert_no_canary(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_v2_secret_exits_3_and_says_so() {
    let sb = sandbox().await;
    let before = account_count(&sb);
    let out = run_signed_in(&sb, &[], "not-the-secret").await;
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("✗") && text.contains("The client ID or secret is wrong"),
        "{text}"
    );
    assert_eq!(account_count(&sb), before);
    assert_no_canary(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn access_tokens_are_printed_once_and_only_when_asked() {
    let sb = sandbox().await;
    let out = run_signed_in(
        &sb,
        &["--format", "json", "--show-access-tokens"],
        V2_SECRET,
    )
    .await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens = v["access_tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    let id = v["outcome"]["results"][0]["account"]["account_id"]
        .as_str()
        .unwrap();
    assert_eq!(tokens[0]["account_id"], id);
    let token = tokens[0]["access_token"].as_str().unwrap();
    assert!(token.starts_with(&format!("{CANARY}v2-at-")), "{token}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches(token).count(), 1, "printed once");
    assert!(!common::stderr(&out).contains(CANARY), "never on stderr");
    // The refresh token never, even then.
    assert!(!stdout.contains(&format!("{CANARY}sandbox-rt-")));
}
