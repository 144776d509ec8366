//! `teams create-integration` against the sandbox: `--dry-run` prints the
//! plan (the secret as •••) and sends nothing; `--yes` creates the
//! integration once and a re-run changes nothing; another tenant is shown
//! as a difference and applied only with `--yes`; bad input, a failing
//! Teams check of the Azure app and a missing secret exit 2 before Nylas is
//! called; wrong Nylas credentials exit 3; no secret in any output.

mod common;

use std::process::{Command, Output, Stdio};

use common::{canary, fixture, isolated_home, stderr, stdout};
use serde_json::Value;
use wizard_sandbox::{start, SandboxHandle, Scenario};

const V2_ID: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";
const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CREATE: &str = "POST /nylas-beta-us/connect/integrations";
const LIST: &str = "GET /nylas-beta-us/connect/integrations";
const PATCH: &str = "PATCH /nylas-beta-us/connect/integrations/microsoft";

struct Run {
    sb: SandboxHandle,
    home: tempfile::TempDir,
    azure_secret: String,
}

async fn setup() -> Run {
    Run {
        sb: start(Scenario::practice(), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
        azure_secret: canary("q8F~"),
    }
}

impl Run {
    fn args(&self, tenant: &str) -> Vec<String> {
        [
            "teams",
            "create-integration",
            "--region",
            "us",
            "--client-id",
            APP_ID,
            "--tenant",
            tenant,
            "--nylas-beta-base",
            &format!("{}nylas-beta-us/", self.sb.base_url()),
            "--journal-dir",
            &self.home.path().join("journal").to_string_lossy(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// The CLI (off the runtime's threads, so the sandbox keeps answering).
    async fn cli(&self, tenant: &str, extra: &[&str], nylas_secret: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
        cmd.args(self.args(tenant))
            .args(extra)
            .env_remove("NYLAS_CLIENT_SECRET")
            .env_remove("AZURE_CLIENT_SECRET")
            .env("NYLAS_CLIENT_ID", V2_ID)
            .env("AZURE_CLIENT_SECRET", &self.azure_secret)
            // No keychain here: a lookup fails at once.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdin(Stdio::null());
        isolated_home(&mut cmd, self.home.path());
        if let Some(s) = nylas_secret {
            cmd.env("NYLAS_CLIENT_SECRET", s);
        }
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        for (what, text) in [("stdout", stdout(&out)), ("stderr", stderr(&out))] {
            assert!(!text.contains(&self.azure_secret), "Azure secret in {what}");
            assert!(!text.contains(V2_SECRET), "Nylas secret in {what}");
        }
        out
    }

    fn stored(&self) -> Vec<Value> {
        self.sb.scenario().nylas_v2_applications[0]
            .integrations
            .clone()
    }

    /// The Azure app's Teams check as the CLI writes it, in a file.
    fn audit(&self, manifest: &str) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
            .args([
                "check",
                "--manifest",
                &fixture(manifest),
                "--path",
                "teams",
                "--features",
                "calendar-write",
                "--region",
                "us",
                "--tenancy",
                "single",
                "--tenant",
                "contoso.onmicrosoft.com",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let path = self.home.path().join(format!("{manifest}.audit.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        path.to_string_lossy().into_owned()
    }
}

#[tokio::test]
async fn dry_run_shows_the_plan_and_sends_nothing() {
    let r = setup().await;
    let o = r.cli("common", &["--dry-run"], Some(V2_SECRET)).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("[create]"), "{out}");
    assert!(out.contains("POST /connect/integrations"), "{out}");
    assert!(out.contains("\"client_secret\": \"•••\""), "{out}");
    assert!(out.contains("\"tenant\": \"common\""), "{out}");
    assert!(
        out.contains("http://localhost:47616/nylas-wizard/teams-callback"),
        "{out}"
    );
    assert!(out.contains("can't confirm from here"), "{out}");
    assert!(out.contains("Dry run: nothing was sent"), "{out}");
    assert_eq!(r.sb.calls(LIST), 1);
    assert_eq!(r.sb.calls(CREATE), 0);
}

#[tokio::test]
async fn yes_creates_once_and_a_changed_tenant_waits_for_yes() {
    let r = setup().await;
    let o = r.cli("common", &["--yes"], Some(V2_SECRET)).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Integration ID: "), "{}", stdout(&o));
    let stored = r.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["settings"]["tenant"], "common");
    assert_eq!(stored[0]["settings"]["client_id"], APP_ID);
    // Again: nothing to change, nothing sent.
    let o = r.cli("common", &["--yes"], Some(V2_SECRET)).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Nothing to change"), "{}", stdout(&o));
    assert_eq!(r.sb.calls(CREATE), 1);
    // Another tenant: the difference is shown; without --yes (and no
    // terminal) nothing is changed.
    let o = r.cli(TENANT_ID, &[], Some(V2_SECRET)).await;
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("[update]"), "{out}");
    assert!(
        out.contains(&format!("settings.tenant: common → {TENANT_ID}")),
        "{out}"
    );
    assert!(out.contains("Nothing was changed"), "{out}");
    assert_eq!(r.sb.calls(PATCH), 0);
    let o = r
        .cli(TENANT_ID, &["--yes", "--format", "json"], Some(V2_SECRET))
        .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["applied"], true);
    assert_eq!(v["report"]["steps"][0]["outcome"], "updated");
    assert_eq!(r.sb.calls(PATCH), 1);
    assert_eq!(r.stored().len(), 1, "never a second integration");
    assert_eq!(r.stored()[0]["settings"]["tenant"], TENANT_ID);
}

#[tokio::test]
async fn bad_input_and_missing_secrets_exit_2_before_nylas_is_called() {
    let r = setup().await;
    for (tenant, extra, needle) in [
        ("common", vec!["--expires-in", "60"], "60 seconds"),
        ("common", vec!["--expires-in", "315360000"], "315360000"),
        ("organizations", vec![], "Directory (tenant) ID"),
        (
            "common",
            vec!["--redirect-uri", "http://app.example.com/cb"],
            "won't be accepted",
        ),
    ] {
        let o = r.cli(tenant, &extra, Some(V2_SECRET)).await;
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{extra:?}: {}", stderr(&o));
    }
    let o = r.cli("common", &[], None).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NYLAS_CLIENT_SECRET"), "{}", stderr(&o));
    assert_eq!(r.sb.calls(LIST), 0, "nothing was asked of Nylas");
}

#[tokio::test]
async fn a_failing_teams_check_refuses_and_a_passing_one_confirms_the_redirect_uri() {
    let r = setup().await;
    let failing = r.audit("teams-missing-implicit");
    let o = r
        .cli("common", &["--audit", &failing, "--yes"], Some(V2_SECRET))
        .await;
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("isn't ready for Teams yet"), "{err}");
    assert!(err.contains("Azure app step"), "{err}");
    assert!(
        err.contains("Turn on ID tokens for Teams"),
        "the failures are named: {err}"
    );
    assert_eq!(r.sb.calls(LIST), 0);
    let passing = r.audit("teams-correct");
    let o = r
        .cli(
            "common",
            &["--audit", &passing, "--dry-run"],
            Some(V2_SECRET),
        )
        .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("https://beta.us.nylas.com/connect/callback is registered on your Azure app"),
        "{}",
        stdout(&o)
    );
    // Only URIs the app doesn't have: refused, nothing sent.
    let o = r
        .cli(
            "common",
            &[
                "--audit",
                &passing,
                "--redirect-uri",
                "https://app.example.com/teams",
            ],
            Some(V2_SECRET),
        )
        .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("None of these redirect URIs"),
        "{}",
        stderr(&o)
    );
    assert_eq!(r.sb.calls(CREATE), 0);
}

#[tokio::test]
async fn a_domain_is_resolved_to_its_tenant_id() {
    let r = setup().await;
    let login = format!("{}microsoft-login/", r.sb.base_url());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
    cmd.args(r.args("contoso.com"))
        .arg("--dry-run")
        .env("NYLAS_CLIENT_ID", V2_ID)
        .env("NYLAS_CLIENT_SECRET", V2_SECRET)
        .env("AZURE_CLIENT_SECRET", &r.azure_secret)
        .env("NYLAS_WIZARD_URL_MICROSOFT_LOGIN", login)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdin(Stdio::null());
    isolated_home(&mut cmd, r.home.path());
    let o = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Contoso's directory ID in the practice scenario.
    assert!(
        stdout(&o).contains("\"tenant\": \"4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f\""),
        "{}",
        stdout(&o)
    );
    assert!(
        r.sb.calls("GET /microsoft-login/contoso.com/v2.0/.well-known/openid-configuration") >= 1
    );
}

#[tokio::test]
async fn wrong_nylas_credentials_exit_3_in_plain_words() {
    let r = setup().await;
    let o = r.cli("common", &["--yes"], Some("not-the-secret")).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("The client ID or secret is wrong"),
        "{}",
        stderr(&o)
    );
    assert!(r.stored().is_empty());
}
