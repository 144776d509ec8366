//! `connector apply` against the sandbox: `--dry-run` prints the plan
//! (method, path, body with the secret as •••) and writes nothing; without
//! `--yes` nothing is applied; with `--yes` the connector, callback URIs
//! and tenant credentials are made once and a re-run changes nothing; a
//! Nylas failure exits 3 and the next run finishes; bad input exits 2; no
//! secret in any output.

mod common;

use std::process::{Command, Output, Stdio};

use common::{canary, isolated_home, stderr, stdout};
use serde_json::{json, Value};
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const CALLBACK: &str = "https://app.example.com/nylas/callback";

struct Run {
    sb: SandboxHandle,
    home: tempfile::TempDir,
    secret: String,
}

async fn setup() -> Run {
    Run {
        sb: start(Scenario::practice(), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
        secret: canary("q8F~"),
    }
}

impl Run {
    fn base_args(&self) -> Vec<String> {
        [
            "connector",
            "apply",
            "--region",
            "us",
            "--client-id",
            CLIENT_ID,
            "--tenant",
            "contoso.com",
            "--preset",
            "email-client",
            "--callback",
            CALLBACK,
            "--additional-tenant",
            "fabrikam.com",
            "--nylas-base",
            &format!("{}nylas-us/", self.sb.base_url()),
            "--journal-dir",
            &self.home.path().join("journal").to_string_lossy(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// Run the CLI (off the runtime's threads, so the sandbox keeps
    /// answering) with the secrets in the environment.
    async fn cli(&self, extra: &[&str], with_secrets: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
        cmd.args(self.base_args())
            .args(extra)
            .env_remove("NYLAS_API_KEY")
            .env_remove("AZURE_CLIENT_SECRET")
            // No keychain here: a lookup fails at once.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdin(Stdio::null());
        isolated_home(&mut cmd, self.home.path());
        if with_secrets {
            cmd.env("NYLAS_API_KEY", US_KEY)
                .env("AZURE_CLIENT_SECRET", &self.secret);
        }
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        for (what, text) in [("stdout", stdout(&out)), ("stderr", stderr(&out))] {
            assert!(
                !text.contains(&self.secret) && !text.contains(US_KEY),
                "{what} shows a secret:\n{text}"
            );
        }
        out
    }

    fn writes(&self) -> u64 {
        self.sb
            .all_calls()
            .iter()
            .filter(|(k, _)| !k.starts_with("GET "))
            .map(|(_, n)| n)
            .sum()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_sends_nothing() {
    let r = setup().await;
    let out = r.cli(&["--dry-run"], true).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "Configure Nylas (US region)",
        "[create] Create the Microsoft connector",
        "POST /v3/connectors",
        "\"client_secret\": \"•••\"",
        "\"offline_access\"",
        "POST /v3/applications/redirect-uris",
        "POST /v3/connectors/microsoft/creds",
        "\"name\": \"tenant fabrikam.com\"",
        "Dry run: nothing was sent to Nylas.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(r.writes(), 0, "{:?}", r.sb.all_calls());
    assert!(
        r.sb.calls("GET /nylas-us/v3/connectors/microsoft") >= 1,
        "it read Nylas"
    );
    // JSON for scripts: the same plan.
    let out = r.cli(&["--dry-run", "--format", "json"], true).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["applied"], false);
    assert_eq!(v["plan"]["steps"][0]["action"], "create");
    assert_eq!(
        v["plan"]["steps"][0]["request"]["body"]["settings"]["client_secret"],
        "•••"
    );
    assert_eq!(r.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_nothing_is_applied() {
    let r = setup().await;
    let out = r.cli(&[], true).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Run again with --yes"));
    assert_eq!(r.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_configures_once_and_a_rerun_changes_nothing() {
    let r = setup().await;
    let out = r.cli(&["--yes"], true).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("→ [1/3]") && err.contains("✓ [3/3] created"),
        "{err}"
    );
    assert!(stdout(&out).contains("Done: 3 change(s) applied."));
    let app = r.sb.scenario().nylas_applications[0].clone();
    assert_eq!(app.connectors.len(), 1);
    assert_eq!(
        app.connectors[0].settings,
        json!({"client_id": CLIENT_ID, "client_secret": r.secret, "tenant": "contoso.com"})
    );
    assert!(app.connectors[0]
        .scope
        .iter()
        .any(|s| s == "offline_access"));
    assert_eq!(
        app.callback_uris
            .iter()
            .filter(|c| c.url == CALLBACK)
            .count(),
        1
    );
    assert_eq!(app.credentials.len(), 1);
    assert_eq!(app.credentials[0].name, "tenant fabrikam.com");
    // The journal keeps no secret.
    for entry in std::fs::read_dir(r.home.path().join("journal"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        assert!(!text.contains(&r.secret) && !text.contains(US_KEY));
    }
    let writes = r.writes();
    let out = r.cli(&["--yes"], true).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("Nothing to change"),
        "{}",
        stdout(&out)
    );
    assert_eq!(r.writes(), writes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nylas_failure_exits_3_and_the_next_run_finishes() {
    let r = setup().await;
    r.sb.set_faults(vec![Fault::new(
        "POST /nylas-us/v3/connectors/microsoft/creds",
    )
    .with_status(500)
    .first_n(1)])
        .unwrap();
    let out = r.cli(&["--yes"], true).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("✗ [3/3]") && err.contains("is not working right now"),
        "{err}"
    );
    assert!(stdout(&out).contains("run the same command again"));
    let out = r.cli(&["--yes"], true).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let app = r.sb.scenario().nylas_applications[0].clone();
    assert_eq!((app.connectors.len(), app.credentials.len()), (1, 1));
    assert_eq!(
        app.callback_uris
            .iter()
            .filter(|c| c.url == CALLBACK)
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_missing_secrets_exit_2() {
    let r = setup().await;
    let out = r
        .cli(&["--additional-tenant", "common", "--dry-run"], true)
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("can't be an additional tenant"),
        "{}",
        stderr(&out)
    );
    let out = r.cli(&["--dry-run"], false).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("NYLAS_API_KEY"), "{}", stderr(&out));
    assert_eq!(
        r.sb.all_calls().values().sum::<u64>(),
        0,
        "nothing was sent"
    );
    let help = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(["connector", "apply", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&help).contains("Exit codes: 0 applied"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_is_waited_out_and_shown() {
    let r = setup().await;
    r.sb.set_faults(vec![Fault::new("POST /nylas-us/v3/connectors")
        .with_status(429)
        .with_retry_after("1")
        .first_n(1)])
        .unwrap();
    let out = r.cli(&["--yes"], true).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("… [1/3] a call to Nylas failed for now (try 1); trying again in 1.0 s"),
        "{err}"
    );
    assert_eq!(r.sb.calls("POST /nylas-us/v3/connectors"), 2);
    assert_eq!(r.sb.scenario().nylas_applications[0].connectors.len(), 1);
}
