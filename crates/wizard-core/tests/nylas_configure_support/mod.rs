//! Shared by the `nylas_configure*` tests: a sandbox, the input and
//! secrets of a configure run, and helpers to plan, apply and look at
//! what the simulated Nylas stored.

#![allow(dead_code)] // Each test file uses a part.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::{apply_configure, plan_configure, ConfigureInput, ConfigureSecrets};
use wizard_core::paths::AuditPath;
use wizard_core::plan::{ApplyReport, Plan, ProgressEvent};
use wizard_core::regions::Region;
use wizard_core::scopes::{self, Preset};
use wizard_sandbox::{start, NylasApplication, SandboxHandle, Scenario};

pub const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
pub const CLIENT_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
/// A canary: it must never show up outside the requests sent to Nylas.
pub const SECRET: &str = "h2Canary~Zq9Wm4Lx7Rt2Vb8Nc5Kd1Fg6Hs3Jy0";
pub const OTHER_SECRET: &str = "h2Canary~Second~Pp3Qq8Rr1Ss6Tt9Uu2Vv5";
pub const OWN_CALLBACK: &str = "https://app.example.com/nylas/callback";
pub const TEST_PORT: u16 = 47999;
pub const GUID_TENANT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

pub struct World {
    pub sb: SandboxHandle,
    pub endpoints: Endpoints,
    pub http: HttpClient,
    pub dir: tempfile::TempDir,
    pub input: ConfigureInput,
    pub secrets: ConfigureSecrets,
}

/// Short waits, so faults resolve in milliseconds.
pub fn fast_http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        max_retries: 2,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(10),
        overall_deadline: Duration::from_secs(10),
        ..HttpConfig::default()
    })
    .unwrap()
}

pub fn scopes() -> Vec<String> {
    scopes::plan(AuditPath::V3, Some(Preset::EmailClient), &[])
        .unwrap()
        .scope_names
}

pub fn input() -> ConfigureInput {
    ConfigureInput::new(
        Region::Us,
        CLIENT_ID,
        "contoso.com",
        &scopes(),
        &[OWN_CALLBACK.to_owned()],
        &["fabrikam.com".to_owned(), GUID_TENANT.to_owned()],
    )
    .unwrap()
    .with_test_sign_in(TEST_PORT)
}

pub fn secrets(client_secret: &str) -> ConfigureSecrets {
    ConfigureSecrets {
        api_key: SecretString::from(US_KEY.to_owned()),
        client_secret: SecretString::from(client_secret.to_owned()),
    }
}

pub async fn world_with(scenario: Scenario) -> World {
    let sb = start(scenario, None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    World {
        sb,
        endpoints,
        http: fast_http(),
        dir: tempfile::tempdir().unwrap(),
        input: input(),
        secrets: secrets(SECRET),
    }
}

pub async fn world(exists_status: u16, echo: bool) -> World {
    let mut s = Scenario::practice();
    s.nylas.connector_exists_status = exists_status;
    s.nylas.connector_echoes_client_id = echo;
    world_with(s).await
}

/// Progress events as they arrived.
pub type Events = Arc<Mutex<Vec<ProgressEvent>>>;

impl World {
    pub async fn plan(&self) -> wizard_core::error::Result<Plan> {
        plan_configure(
            &self.http,
            &self.endpoints,
            &self.input,
            &self.secrets,
            self.dir.path(),
            &CancellationToken::new(),
        )
        .await
    }

    pub async fn apply_with(
        &self,
        plan: &Plan,
        on_event: impl Fn(&ProgressEvent) + Send + Sync,
        cancel: &CancellationToken,
    ) -> (ApplyReport, Events) {
        let events: Events = Arc::default();
        let sink = events.clone();
        let progress = move |e: ProgressEvent| {
            on_event(&e);
            sink.lock().unwrap().push(e);
        };
        let report = apply_configure(
            &self.http,
            &self.endpoints,
            &self.input,
            &self.secrets,
            plan,
            self.dir.path(),
            &progress,
            cancel,
        )
        .await
        .unwrap();
        (report, events)
    }

    pub async fn apply(&self, plan: &Plan) -> ApplyReport {
        self.apply_with(plan, |_| {}, &CancellationToken::new())
            .await
            .0
    }

    /// Plan and apply again until done, as an admin pressing "Apply" again.
    pub async fn rerun(&self) -> ApplyReport {
        let plan = self.plan().await.unwrap();
        self.apply(&plan).await
    }

    /// The US (Contoso) application as the simulated Nylas holds it.
    pub fn app(&self) -> NylasApplication {
        self.sb.scenario().nylas_applications[0].clone()
    }

    pub fn calls(&self, route: &str) -> u64 {
        self.sb.calls(route)
    }

    /// Every write the simulated Nylas received.
    pub fn writes(&self) -> u64 {
        self.sb
            .all_calls()
            .iter()
            .filter(|(k, _)| k.starts_with("POST ") || k.starts_with("PATCH "))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn journal_text(&self) -> String {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    }
}

/// The end state every successful run must reach: one connector, each
/// callback URI once, one credential per additional tenant.
pub fn assert_configured_once(w: &World) {
    let app = w.app();
    assert_eq!(app.connectors.len(), 1, "{:?}", app.connectors);
    for url in &w.input.callback_uris {
        let n = app.callback_uris.iter().filter(|c| &c.url == url).count();
        assert_eq!(n, 1, "{url}: {:?}", app.callback_uris);
    }
    assert_eq!(app.credentials.len(), w.input.additional_tenants.len());
    for t in &w.input.additional_tenants {
        let name = format!("tenant {t}");
        let n = app.credentials.iter().filter(|c| c.name == name).count();
        assert_eq!(n, 1, "{name}");
    }
}

/// Fails if `text` holds either canary secret or the API key.
pub fn assert_no_secret(what: &str, text: &str) {
    for s in [SECRET, OTHER_SECRET, US_KEY] {
        assert!(!text.contains(s), "{what} shows a secret: {text}");
    }
}
