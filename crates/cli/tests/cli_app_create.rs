//! `app create --live` against the sandbox: the device code is approved
//! through the sandbox's control route (playing the admin); the plan is
//! printed and nothing is created without --yes; with --yes the app, its
//! service principal and one secret are created once, the secret is
//! printed once on stdout (no keychain) and nowhere else; a re-run creates
//! nothing; a failure between the calls exits 3 and the next run resumes.
//! Each call is printed on stderr as it happens. With a keychain (ignored
//! without one: scripts/test.sh runs it under scripts/with-keyring.sh) the
//! secret goes there and into no output.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wizard_core::secrets::{ExposeSecret, KeyringSecretStore, SecretName, SecretStore};
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const NAME: &str = "Nylas – Contoso test";
const POST_APP: &str = "POST /graph/v1.0/applications";
const POST_SP: &str = "POST /graph/v1.0/servicePrincipals";
const POLL: &str = "POST /microsoft-login/contoso.com/oauth2/v2.0/token";

async fn sandbox() -> SandboxHandle {
    let mut s = Scenario::practice();
    s.sign_in.device_code_interval = 1;
    start(s, None).await.unwrap()
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "app",
        "create",
        "--live",
        "--tenant",
        "contoso.com",
        "--name",
        NAME,
        "--path",
        "v3",
        "--preset",
        "email-client",
        "--region",
        "eu",
        "--tenancy",
        "multi",
        "--no-keychain",
    ];
    a.extend_from_slice(extra);
    a
}

fn ours(sb: &SandboxHandle) -> Vec<Value> {
    sb.scenario().tenants[0]
        .applications
        .iter()
        .filter(|a| a["displayName"] == NAME)
        .cloned()
        .collect()
}

/// Run the CLI, approve its device code (checking it asked to create
/// apps), and collect what it printed.
async fn run_signed_in(sb: &SandboxHandle, args: &[&str]) -> std::process::Output {
    let base = sb.base_url();
    let polled_before = sb.calls(POLL);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(args)
        .env(
            "NYLAS_WIZARD_URL_MICROSOFT_LOGIN",
            format!("{base}microsoft-login/"),
        )
        .env("NYLAS_WIZARD_URL_GRAPH", format!("{base}graph/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        sb.wait_for_calls(POLL, polled_before + 1),
    )
    .await
    .expect("the CLI polls for the device code");
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let codes: Vec<Value> = http
        .get(format!("{base}_sandbox/device-codes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pending = codes
        .iter()
        .find(|c| c["status"] == "pending")
        .expect("a pending code");
    let user_code = pending["user_code"].as_str().unwrap().to_owned();
    let asked = pending["scope"].as_str().unwrap();
    assert!(asked.contains("Application.ReadWrite.All"), "{asked}");
    let approved = http
        .post(format!("{base}_sandbox/device-codes/{user_code}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let mut err = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
        let status = child.wait().unwrap();
        std::process::Output {
            status,
            stdout: out,
            stderr: err,
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_it_prints_the_plan_and_creates_nothing() {
    let sb = sandbox().await;
    let out = run_signed_in(&sb, &args(&[])).await;
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        text.contains(&format!("Register an app named \"{NAME}\"")),
        "{text}"
    );
    assert!(
        text.contains("AzureADandPersonalMicrosoftAccount"),
        "{text}"
    );
    assert!(
        text.contains("https://api.eu.nylas.com/v3/connect/callback"),
        "{text}"
    );
    assert!(text.contains("POST /v1.0/applications"), "{text}");
    assert!(text.contains("Nothing was created"), "{text}");
    assert!(common::stderr(&out).contains("Why you are asked to sign in"));
    assert_eq!(sb.calls(POST_APP), 0);
    assert!(ours(&sb).is_empty());
    // JSON: the plan with the exact body, and nothing created.
    let json = run_signed_in(&sb, &args(&["--format", "json"])).await;
    let v: Value = serde_json::from_str(&common::stdout(&json)).unwrap();
    assert_eq!(v["applied"], false);
    assert_eq!(v["reuses"], Value::Null);
    assert_eq!(v["plan"]["body"]["displayName"], NAME);
    assert_eq!(v["plan"]["body"]["api"]["requestedAccessTokenVersion"], 2);
    assert_eq!(sb.calls(POST_APP), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn yes_creates_once_prints_the_secret_once_and_a_re_run_creates_nothing() {
    let sb = sandbox().await;
    let out = run_signed_in(&sb, &args(&["--yes", "--format", "json"])).await;
    let stdout = common::stdout(&out);
    let stderr = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["created"], true);
    assert_eq!(v["tenant"], CONTOSO_ID);
    assert_eq!(v["secret_stored"], "printed-once");
    // Email-client needs no administrator's consent.
    assert_eq!(v["admin_consent_to_grant"], serde_json::json!([]));
    let apps = ours(&sb);
    assert_eq!(apps.len(), 1);
    assert_eq!(v["app_id"], apps[0]["appId"]);
    assert_eq!(v["object_id"], apps[0]["id"]);
    let secret = v["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() > 10);
    assert_eq!(stdout.matches(&secret).count(), 1, "shown once");
    assert!(!stderr.contains(&secret), "never on stderr");
    assert!(stderr.contains("Warning: no keychain"), "{stderr}");
    // Each call on stderr, in order, as it happened.
    let mut at = 0;
    for line in [
        "→ Looking for an app named",
        "✓ No app to reuse",
        "→ Registering the app",
        "✓ Registered the app",
        "→ Creating its enterprise application",
        "✓ Created its enterprise application",
        "→ Adding a client secret",
        "✓ Added a client secret",
        "→ Checking the app live",
        "✓ Checked the app live",
    ] {
        let found = stderr[at..]
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} after byte {at} of:\n{stderr}"));
        at += found + line.len();
    }
    // Only the hint is kept by Microsoft; the stored app has no value.
    assert!(!apps[0].to_string().contains(&secret));

    let again = run_signed_in(&sb, &args(&["--yes", "--format", "json"])).await;
    let stdout2 = common::stdout(&again);
    assert_eq!(again.status.code(), Some(0), "{}", common::stderr(&again));
    let v2: Value = serde_json::from_str(&stdout2).unwrap();
    assert_eq!(v2["created"], false);
    assert_eq!(v2["app_id"], v["app_id"]);
    assert_eq!(v2["secret_stored"], "existing");
    assert!(v2.get("client_secret").is_none());
    assert!(!stdout2.contains(&secret) && !common::stderr(&again).contains(&secret));
    assert_eq!(sb.calls(POST_APP), 1);
    assert_eq!(sb.calls(POST_SP), 1);
    assert_eq!(ours(&sb).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_between_the_calls_exits_3_and_the_next_run_resumes() {
    let sb = sandbox().await;
    sb.set_faults(vec![Fault::new(POST_SP).with_status(503).first_n(1)])
        .unwrap();
    let failed = run_signed_in(&sb, &args(&["--yes"])).await;
    assert_eq!(failed.status.code(), Some(3), "{}", common::stdout(&failed));
    let said = common::stderr(&failed);
    assert!(said.contains("✓ Registered the app"), "{said}");
    assert!(said.contains("✗ "), "the failed call is said: {said}");
    assert!(!said.contains("→ Adding a client secret"), "{said}");
    assert!(!common::stdout(&failed).contains("Client secret (shown once)"));
    assert_eq!(ours(&sb).len(), 1, "the app was created before the failure");

    let resumed = run_signed_in(&sb, &args(&["--yes"])).await;
    let text = common::stdout(&resumed);
    assert_eq!(resumed.status.code(), Some(0), "{text}");
    assert!(
        text.contains("reused it instead of creating a second one"),
        "{text}"
    );
    assert!(text.contains("Client secret (shown once): "), "{text}");
    let apps = ours(&sb);
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["passwordCredentials"].as_array().unwrap().len(), 1);
    let app_id = apps[0]["appId"].as_str().unwrap();
    let sps = sb.scenario().tenants[0]
        .service_principals
        .iter()
        .filter(|s| s["appId"] == app_id)
        .count();
    assert_eq!(sps, 1);
    assert_eq!(sb.calls(POST_APP), 1);
}

#[test]
fn bad_input_exits_2_before_any_sign_in() {
    for (flag, value, said) in [
        ("--secret-expiry-days", "0", "from 1 to 730 days"),
        ("--callback", "https://x.example/*", "x.example"),
    ] {
        let out = common::run(&[
            "app",
            "create",
            "--live",
            "--tenant",
            "contoso.com",
            "--path",
            "v3",
            "--preset",
            "email-client",
            "--region",
            "us",
            "--tenancy",
            "multi",
            "--graph-base",
            "http://127.0.0.1:9/graph/",
            "--login-base",
            "http://127.0.0.1:9/microsoft-login/",
            flag,
            value,
        ]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{flag}: {}",
            common::stderr(&out)
        );
        let stderr = common::stderr(&out);
        assert!(stderr.contains(said), "{flag}: {stderr}");
        assert!(!stderr.contains("devicelogin"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_with_the_same_name_is_shown_with_its_changes_and_reused() {
    let mut s = Scenario::practice();
    s.sign_in.device_code_interval = 1;
    let mut app: Value = serde_json::from_str(
        &std::fs::read_to_string(common::manifest_path("v3-us-correct")).unwrap(),
    )
    .unwrap();
    app["displayName"] = Value::from(NAME);
    s.tenants[0].applications = vec![app.clone()];
    let sb = start(s, None).await.unwrap();
    let preview = run_signed_in(&sb, &args(&[])).await;
    let text = common::stdout(&preview);
    assert!(
        text.contains("it will be reused instead of creating a second one"),
        "{text}"
    );
    assert!(
        text.contains("Add https://api.eu.nylas.com/v3/connect/callback to Web"),
        "{text}"
    );
    assert_eq!(
        sb.all_calls()
            .keys()
            .filter(|k| k.starts_with("PATCH "))
            .count(),
        0
    );
    let done = run_signed_in(&sb, &args(&["--yes", "--format", "json"])).await;
    let v: Value = serde_json::from_str(&common::stdout(&done)).unwrap();
    assert_eq!(v["created"], false);
    assert_eq!(v["app_id"], app["appId"]);
    assert_eq!(sb.calls(POST_APP), 0);
    let uris = &ours(&sb)[0]["web"]["redirectUris"];
    assert!(
        uris.as_array()
            .unwrap()
            .iter()
            .any(|u| u == "https://api.eu.nylas.com/v3/connect/callback"),
        "{uris}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a Secret Service: scripts/test.sh runs it under scripts/with-keyring.sh"]
async fn with_a_keychain_the_secret_goes_there_and_into_no_output() {
    let keychain = KeyringSecretStore::new();
    keychain
        .probe()
        .expect("a Secret Service answers (run under scripts/with-keyring.sh)");
    let key = SecretName::AzureClientSecret.as_str();
    keychain.delete(key).unwrap();
    let sb = sandbox().await;
    let mut with_keychain = args(&["--yes", "--format", "json"]);
    with_keychain.retain(|a| *a != "--no-keychain");
    let out = run_signed_in(&sb, &with_keychain).await;
    let stdout = common::stdout(&out);
    let stderr = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["created"], true);
    assert_eq!(v["secret_stored"], "keychain");
    assert!(v.get("client_secret").is_none(), "{v}");
    assert!(!stderr.contains("Warning: no keychain"), "{stderr}");
    assert!(stderr.contains("✓ Added a client secret"), "{stderr}");

    // The value is in the keychain (read back by a new store object), and
    // in no output and not in what Microsoft keeps.
    let value = keychain.get(key).expect("the secret is in the keychain");
    let value = value.expose_secret().to_owned();
    assert!(value.len() > 10);
    assert!(!stdout.contains(&value), "not on stdout");
    assert!(!stderr.contains(&value), "not on stderr");
    let apps = ours(&sb);
    assert_eq!(apps.len(), 1);
    assert!(!apps[0].to_string().contains(&value));

    // Text output says where it went, still without the value.
    let mut text = with_keychain.clone();
    text.retain(|a| *a != "--format" && *a != "json");
    let again = run_signed_in(&sb, &text).await;
    let shown = format!("{}{}", common::stdout(&again), common::stderr(&again));
    assert_eq!(again.status.code(), Some(0), "{shown}");
    assert!(!shown.contains(&value));
    assert_eq!(
        keychain.get(key).unwrap().expose_secret(),
        value,
        "a re-run adds no second secret"
    );
    keychain.delete(key).unwrap();
}
