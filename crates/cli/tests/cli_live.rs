//! `check --live` against the sandbox: the device code is shown on stderr,
//! the test approves it through the sandbox's control route (playing the
//! admin), and the output is the manifest check's for the same app plus
//! what the tenant says.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wizard_sandbox::{start, Scenario};

const CONTOSO_ID: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

fn scenario(app: &str) -> Scenario {
    let mut s = Scenario::practice();
    s.sign_in.device_code_interval = 1;
    let app: Value =
        serde_json::from_str(&std::fs::read_to_string(common::manifest_path(app)).unwrap())
            .unwrap();
    s.tenants[0].applications = vec![app];
    s
}

const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e";

fn base_args(format: &str) -> Vec<&str> {
    vec![
        "check",
        "--path",
        "v3",
        "--preset",
        "calendar-scheduler",
        "--region",
        "us",
        "--now",
        common::NOW,
        "--format",
        format,
    ]
}

/// Run `check --live` and approve its device code as the admin would.
async fn run_live(sb: &wizard_sandbox::SandboxHandle, format: &str) -> std::process::Output {
    let mut args = base_args(format);
    args.extend(["--live", "--tenant", "contoso.com", "--client-id", APP_ID]);
    run_signed_in(sb, &args, "Application.Read.All").await
}

/// Run the CLI with `args`, approve its device code (checking it asked for
/// `scope`), and collect what it printed.
async fn run_signed_in(
    sb: &wizard_sandbox::SandboxHandle,
    args: &[&str],
    scope: &str,
) -> std::process::Output {
    let base = sb.base_url();
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
    let polled = "POST /microsoft-login/contoso.com/oauth2/v2.0/token";
    tokio::time::timeout(Duration::from_secs(60), sb.wait_for_calls(polled, 1))
        .await
        .expect("the CLI polls for the device code");
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let codes: Value = http
        .get(format!("{base}_sandbox/device-codes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_code = codes[0]["user_code"].as_str().unwrap().to_owned();
    let asked = codes[0]["scope"].as_str().unwrap();
    assert!(asked.contains(scope), "{asked}");
    let approved = http
        .post(format!("{base}_sandbox/device-codes/{user_code}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    let output = tokio::task::spawn_blocking(move || {
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
    .unwrap();
    let stderr = common::stderr(&output);
    assert!(stderr.contains(&user_code), "the code is shown: {stderr}");
    assert!(stderr.contains("devicelogin"), "{stderr}");
    output
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_prints_the_manifest_checks_output_plus_tenant_facts() {
    let sb = start(scenario("missing-offline-access"), None)
        .await
        .unwrap();
    let live = run_live(&sb, "text").await;
    let mut args = base_args("text");
    let fixture = common::fixture("missing-offline-access");
    args.extend([
        "--manifest",
        fixture.as_str(),
        "--tenant",
        "contoso.com",
        "--client-id",
        APP_ID,
    ]);
    let offline = common::run(&args);
    assert_eq!(live.status.code(), offline.status.code());
    let live_text = common::stdout(&live);
    let offline_text = common::stdout(&offline);
    assert!(!offline_text.is_empty());
    assert!(
        live_text.starts_with(&offline_text),
        "live:\n{live_text}\nmanifest:\n{offline_text}"
    );
    assert!(live_text.contains(CONTOSO_ID), "{live_text}");
    assert!(
        live_text.contains("no enterprise application"),
        "{live_text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_json_has_the_same_findings_and_a_live_object() {
    let sb = start(scenario("v3-spa-misplaced"), None).await.unwrap();
    let live = run_live(&sb, "json").await;
    let mut args = base_args("json");
    let fixture = common::fixture("v3-spa-misplaced");
    args.extend([
        "--manifest",
        fixture.as_str(),
        "--tenant",
        "contoso.com",
        "--client-id",
        APP_ID,
    ]);
    let offline = common::run(&args);
    let live: Value = serde_json::from_slice(&live.stdout).unwrap();
    let offline: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(live["findings"], offline["findings"]);
    assert_eq!(live["summary"], offline["summary"]);
    assert_eq!(live["live"]["tenant_id"], CONTOSO_ID);
    assert_eq!(live["live"]["service_principal_exists"], false);
    assert_eq!(live["live"]["region_scope"], "NA");
}

#[test]
fn live_needs_tenant_and_client_id() {
    let out = common::run(&[
        "check",
        "--path",
        "v3",
        "--preset",
        "email-client",
        "--region",
        "us",
        "--live",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("--tenant") || err.contains("--client-id"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_missing_from_the_tenant_exits_3_with_aadsts700016() {
    let sb = start(scenario("v3-us-correct"), None).await.unwrap();
    let base = sb.base_url();
    let child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args([
            "check",
            "--path",
            "v3",
            "--preset",
            "email-client",
            "--region",
            "us",
            "--live",
            "--tenant",
            "contoso.com",
            "--client-id",
            "00000000-1111-4222-8333-444444444444",
            "--login-base",
            &format!("{base}microsoft-login/"),
            "--graph-base",
            &format!("{base}graph/"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let polled = "POST /microsoft-login/contoso.com/oauth2/v2.0/token";
    tokio::time::timeout(Duration::from_secs(60), sb.wait_for_calls(polled, 1))
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let codes: Value = http
        .get(format!("{base}_sandbox/device-codes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = codes[0]["user_code"].as_str().unwrap();
    http.post(format!("{base}_sandbox/device-codes/{code}/approve"))
        .send()
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        common::stderr(&out).contains("AADSTS700016"),
        "{}",
        common::stderr(&out)
    );
}

const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";
const CALLBACK: &str = "https://api.us.nylas.com/v3/connect/callback";

fn fix_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "fix",
        "--live",
        "--tenant",
        "contoso.com",
        "--client-id",
        SPA_APP,
        "--path",
        "v3",
        "--preset",
        "read-only-inbox",
        "--region",
        "us",
        "--tenancy",
        "multi",
        "--now",
        common::NOW,
    ];
    args.extend(extra);
    args
}

fn spa_app_now(sb: &wizard_sandbox::SandboxHandle) -> Value {
    sb.scenario().tenants[0]
        .applications
        .iter()
        .find(|a| a["appId"] == SPA_APP)
        .cloned()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_without_yes_shows_the_plan_and_changes_nothing() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let before = spa_app_now(&sb);
    let out = run_signed_in(&sb, &fix_args(&[]), "Application.ReadWrite.All").await;
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains(&format!(
            "Move {CALLBACK} from Single-page application to Web"
        )),
        "{text}"
    );
    assert!(text.contains("--yes"), "{text}");
    assert_eq!(spa_app_now(&sb), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_with_yes_applies_whole_lists_and_re_audits() {
    let sb = start(Scenario::live_apps(), None).await.unwrap();
    let before = spa_app_now(&sb);
    let out = run_signed_in(
        &sb,
        &fix_args(&["--yes", "--format", "json"]),
        "Application.ReadWrite.All",
    )
    .await;
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["applied"], true);
    let redirect = json["after"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(redirect["status"], "pass");
    let now = spa_app_now(&sb);
    let mut expected: Vec<Value> = before["web"]["redirectUris"].as_array().unwrap().clone();
    expected.push(CALLBACK.into());
    assert_eq!(now["web"]["redirectUris"], Value::Array(expected));
    assert_eq!(now["spa"]["redirectUris"], serde_json::json!([]));
    assert_eq!(
        now["requiredResourceAccess"],
        before["requiredResourceAccess"]
    );
}
