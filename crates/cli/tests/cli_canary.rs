//! Secrets canary for the command line: every secret a run handles is a
//! unique value (the client secret we pass, the tokens the sandbox issues);
//! afterwards its stdout, stderr and every file under its own home, data,
//! config, cache and temp folders are scanned, and any occurrence fails.

mod common;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{canary, isolated_home, CanaryScan};
use serde_json::Value;
use wizard_sandbox::{start, SandboxHandle, Scenario};

/// The scanner can fail: a canary planted in a log deep in a data folder,
/// or in captured output, is found and named.
#[test]
fn the_scan_finds_a_planted_canary() {
    let secret = canary("q8F~");
    let other = canary("nyk_v0_");
    assert_ne!(secret, other, "each canary is unique");
    let root = tempfile::tempdir().unwrap();
    let logs = root.path().join("data/nylas-ms-wizard/logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("wizard.2026-12-01.log"), "all quiet\n").unwrap();

    let mut clean = CanaryScan::new(&[&secret, &other]);
    clean.dir(root.path()).text("stdout", b"nothing here");
    assert!(clean.leaks().is_empty(), "{:?}", clean.leaks());
    clean.assert_clean();

    std::fs::write(
        logs.join("wizard.2026-12-02.log"),
        format!("INFO sent client_secret={secret}\n"),
    )
    .unwrap();
    let mut dirty = CanaryScan::new(&[&secret, &other]);
    dirty
        .dir(root.path())
        .text("stderr", format!("key {other}").as_bytes());
    let found: Vec<(&str, bool)> = dirty
        .leaks()
        .iter()
        .map(|l| (l.what.as_str(), l.canary == secret))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].0.ends_with("wizard.2026-12-02.log") && found[0].1);
    assert_eq!(found[1], ("stderr", false));
    let failed = std::panic::catch_unwind(|| dirty.assert_clean());
    assert!(failed.is_err(), "a leak fails the test");
}

/// The client secret, pasted through an environment variable, is used (it
/// is matched to the manifest's secret by Microsoft's hint) and appears in
/// no output and no file, in text or in JSON.
#[test]
fn a_client_secret_canary_is_used_and_never_written() {
    // The v3-us-correct manifest's secret hint is `q8F`.
    let secret = canary("q8F~");
    let root = tempfile::tempdir().unwrap();
    let mut scan = CanaryScan::new(&[&secret]);
    for format in ["json", "text"] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
        cmd.args([
            "check",
            "--manifest",
            &common::fixture("v3-us-correct"),
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
            "--now",
            common::NOW,
            "--secret-env",
            "CANARY_AZURE_SECRET",
            "--format",
            format,
        ])
        .env("CANARY_AZURE_SECRET", &secret);
        isolated_home(&mut cmd, root.path());
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        if format == "json" {
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            let s = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["check"] == "client_secret")
                .unwrap();
            assert_eq!(s["details"]["matched_pasted_secret"], true, "{s}");
        }
        scan.output(&format!("check --format {format}"), &o);
    }
    scan.dir(root.path()).assert_clean();
}

const SPA_APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03";

/// Run the CLI against the sandbox with its own home, approve its device
/// code as the admin would, and collect what it printed.
async fn run_signed_in(sb: &SandboxHandle, args: &[&str], home: &std::path::Path) -> Output {
    let base = sb.base_url();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
    cmd.args(args)
        .env(
            "NYLAS_WIZARD_URL_MICROSOFT_LOGIN",
            format!("{base}microsoft-login/"),
        )
        .env("NYLAS_WIZARD_URL_GRAPH", format!("{base}graph/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    isolated_home(&mut cmd, home);
    let mut child = cmd.spawn().unwrap();
    let polled = "POST /microsoft-login/contoso.com/oauth2/v2.0/token";
    let before = sb.calls(polled);
    tokio::time::timeout(
        Duration::from_secs(60),
        sb.wait_for_calls(polled, before + 1),
    )
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
    let pending = codes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "pending")
        .expect("a pending device code");
    let user_code = pending["user_code"].as_str().unwrap();
    let approved = http
        .post(format!("{base}_sandbox/device-codes/{user_code}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    tokio::task::spawn_blocking(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
        let status = child.wait().unwrap();
        Output {
            status,
            stdout: out,
            stderr: err,
        }
    })
    .await
    .unwrap()
}

/// Every code, device code and token the sandbox issues starts with a
/// canary; `check --live` and `fix --live --yes` sign in with them, read
/// and change the app, and none of them reaches any output or file.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_tokens_stay_out_of_live_check_and_fix() {
    let issued = canary("tok.");
    let mut scenario = Scenario::live_apps();
    scenario.sign_in.device_code_interval = 1;
    scenario.sign_in.issued_secret_prefix = issued.clone();
    let sb = start(scenario, None).await.unwrap();
    let root = tempfile::tempdir().unwrap();
    let common_args = [
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
    let mut scan = CanaryScan::new(&[&issued]);
    for (name, head, tail) in [
        ("check --live", vec!["check"], vec!["--format", "json"]),
        (
            "fix --live --yes",
            vec!["fix"],
            vec!["--yes", "--format", "json"],
        ),
    ] {
        let args: Vec<&str> = head
            .iter()
            .chain(common_args.iter())
            .chain(tail.iter())
            .copied()
            .collect();
        let o = run_signed_in(&sb, &args, root.path()).await;
        // The run really used the tokens: it read (and fixed) the app.
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{name}: {:?} {}",
            o.status,
            common::stderr(&o)
        );
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", common::stdout(&o)));
        assert!(v.is_object(), "{name}: {v}");
        scan.output(name, &o);
    }
    let after = sb.scenario().tenants[0]
        .applications
        .iter()
        .find(|a| a["appId"] == SPA_APP)
        .cloned()
        .unwrap();
    assert!(
        after["web"]["redirectUris"]
            .to_string()
            .contains("api.us.nylas.com/v3/connect/callback"),
        "the fix was applied with the issued token: {after}"
    );
    scan.dir(root.path()).assert_clean();
}
