//! What the `bulk` command tests share: a sandbox with a Microsoft
//! connector, the CLI run to the end or in the background, generated CSVs,
//! and counts of what the sandbox holds (per tenant, per mailbox).

#![allow(dead_code)] // Each test binary uses some of these.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use wizard_sandbox::{start, SandboxHandle, Scenario};

use crate::common::{isolated_home, stderr, stdout};

pub const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
pub const CREDS: &str = "POST /nylas-us/v3/connectors/microsoft/creds";

pub struct Run {
    pub sb: SandboxHandle,
    pub home: tempfile::TempDir,
}

/// The practice scenario with a Microsoft connector on the US application.
pub fn scenario() -> Scenario {
    let mut s = Scenario::practice();
    let connector = serde_json::from_value(json!({
        "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "tenant": "common"},
        "scope": ["offline_access", "Mail.Read"],
    }))
    .unwrap();
    s.nylas_applications[0].connectors.push(connector);
    s
}

pub async fn setup() -> Run {
    Run {
        sb: start(scenario(), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    }
}

/// `tenant,name` rows for `n` made-up tenants, `t{i}.onmicrosoft.com`.
pub fn tenants_csv(n: usize) -> String {
    let mut s = String::from("tenant,name,admin_email\n");
    for i in 0..n {
        s += &format!("t{i}.onmicrosoft.com,Tenant {i},admin@t{i}.onmicrosoft.com\n");
    }
    s
}

impl Run {
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.home.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn journal(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    pub fn base(&self) -> String {
        format!("{}nylas-us/", self.sb.base_url())
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"));
        cmd.arg("bulk")
            .args(args)
            .args(["--region", "us", "--nylas-base", &self.base()])
            .env_remove("AZURE_CLIENT_SECRET")
            .env("NYLAS_API_KEY", US_KEY)
            // No keychain here: a lookup fails at once.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdin(Stdio::null());
        isolated_home(&mut cmd, self.home.path());
        cmd
    }

    /// Run to the end (off the runtime's threads, so the sandbox keeps
    /// answering); no output shows the key.
    pub async fn cli(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        for (what, text) in [("stdout", stdout(&out)), ("stderr", stderr(&out))] {
            assert!(!text.contains(US_KEY), "{what} shows the key:\n{text}");
        }
        out
    }

    /// Start a run in the background, its output going to files (a pipe
    /// nobody reads could fill and stall it).
    pub fn spawn(&self, args: &[&str], tag: &str) -> Child {
        let mut cmd = self.command(args);
        cmd.stdout(std::fs::File::create(self.home.path().join(format!("{tag}.out"))).unwrap())
            .stderr(std::fs::File::create(self.home.path().join(format!("{tag}.err"))).unwrap());
        cmd.spawn().unwrap()
    }

    /// The credentials the sandbox holds, counted per tenant of their
    /// `credential_data` (a duplicate under another name counts too).
    pub fn creds_per_tenant(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for c in &self.sb.scenario().nylas_applications[0].credentials {
            let t = c.credential_data["tenant"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            *m.entry(t).or_insert(0) += 1;
        }
        m
    }

    pub fn cred_count(&self) -> usize {
        self.sb.scenario().nylas_applications[0].credentials.len()
    }

    /// Poll the sandbox until `count()` reaches `n` (at most 60 s).
    pub async fn wait_until(&self, what: &str, n: usize, count: impl Fn(&Self) -> usize) {
        let r = tokio::time::timeout(Duration::from_secs(60), async {
            while count(self) < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(r.is_ok(), "{what} never reached {n} (at {})", count(self));
    }

    /// Every one of `n` tenants has exactly one credential, named as the
    /// wizard names it, and there is nothing else.
    pub fn assert_each_tenant_once(&self, n: usize) {
        let per = self.creds_per_tenant();
        let dup: Vec<_> = per.iter().filter(|(_, c)| **c > 1).collect();
        assert!(dup.is_empty(), "duplicated: {dup:?}");
        assert_eq!(per.len(), n, "{per:?}");
        let app = &self.sb.scenario().nylas_applications[0];
        for i in 0..n {
            let name = format!("Tenant {i} (t{i}.onmicrosoft.com)");
            let c = app.credentials.iter().find(|c| c.name == name);
            let c = c.unwrap_or_else(|| panic!("no credential {name}"));
            assert_eq!(c.credential_type, "adminconsent");
            assert_eq!(
                c.credential_data,
                json!({"tenant": format!("t{i}.onmicrosoft.com")})
            );
        }
    }
}

pub fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// `kill -9` helper check: the journal is JSON lines, each a finished item.
pub fn journal_lines(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

pub const GRANT: &str = "POST /nylas-us/v3/connect/custom";

/// `tenants` made-up tenants whose credentials exist and were consented to
/// (as after `bulk credentials` and each admin's consent).
pub fn consented_scenario(tenants: usize) -> Scenario {
    let mut s = scenario();
    for i in 0..tenants {
        let c = serde_json::from_value(json!({
            "id": format!("cred-{i}"),
            "provider": "microsoft",
            "name": format!("Tenant {i} (t{i}.onmicrosoft.com)"),
            "credential_type": "adminconsent",
            "credential_data": {"tenant": format!("t{i}.onmicrosoft.com")},
            "consented_at": 1_764_000_000,
        }))
        .unwrap();
        s.nylas_applications[0].credentials.push(c);
    }
    s
}

/// `email[,tenant]` rows: `n` mailboxes spread over `tenants` tenants;
/// every third row names its tenant, the others go by their domain.
pub fn users_csv(n: usize, tenants: usize) -> String {
    let mut s = String::from("email,tenant\n");
    for k in 0..n {
        let t = k % tenants;
        let tenant = if k % 3 == 0 {
            format!("t{t}.onmicrosoft.com")
        } else {
            String::new()
        };
        s += &format!("user{k}@t{t}.onmicrosoft.com,{tenant}\n");
    }
    s
}

impl Run {
    pub fn grants_per_email(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for g in &self.sb.scenario().nylas_applications[0].grants {
            *m.entry(g.email.to_lowercase()).or_insert(0) += 1;
        }
        m
    }

    pub fn grant_count(&self) -> usize {
        self.sb.scenario().nylas_applications[0].grants.len()
    }

    /// Each of the `n` mailboxes has exactly one grant, through its
    /// tenant's credential.
    pub fn assert_each_mailbox_once(&self, n: usize, tenants: usize) {
        let per = self.grants_per_email();
        let dup: Vec<_> = per.iter().filter(|(_, c)| **c > 1).collect();
        assert!(dup.is_empty(), "duplicated: {dup:?}");
        assert_eq!(per.len(), n, "{per:?}");
        let app = &self.sb.scenario().nylas_applications[0];
        for k in 0..n {
            let email = format!("user{k}@t{}.onmicrosoft.com", k % tenants);
            let g = app.grants.iter().find(|g| g.email == email);
            let g = g.unwrap_or_else(|| panic!("no grant for {email}"));
            assert_eq!(
                g.credential_id.as_deref(),
                Some(format!("cred-{}", k % tenants).as_str())
            );
        }
    }
}

/// Play the tenant admin's browser on a consent link: open it, press
/// Accept (`approve`) or Cancel (`deny`), and return where Nylas sends the
/// browser back to.
pub async fn answer_consent(link: &str, decision: &str) -> url::Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page opens");
    let html = page.text().await.unwrap();
    let anchor = format!("id=\"{decision}\" href=\"");
    let start = html.find(&anchor).expect("the button") + anchor.len();
    let href = html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let back = http.get(&href).send().await.unwrap();
    assert_eq!(back.status(), 302);
    url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap()
}

/// Kill the run the hard way (SIGKILL on Unix: a real `kill -9`; on
/// Windows `TerminateProcess`) and check it died of it, not finished.
pub fn kill_9(mut child: Child) {
    child.kill().unwrap();
    let status = child.wait().unwrap();
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "killed, not finished: {status:?}"
    );
    #[cfg(not(unix))]
    assert!(!status.success(), "killed, not finished: {status:?}");
}
