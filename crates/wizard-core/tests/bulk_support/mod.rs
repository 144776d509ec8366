//! Shared by the `bulk_*` tests: a sandbox whose US application has a
//! Microsoft connector, the admin client, CSV builders, and what the
//! simulated Nylas holds.

#![allow(dead_code)] // Each test file uses a part.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::bulk::{BulkOptions, BulkProgress, TenantRow};
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::NylasAdmin;
use wizard_core::regions::Region;
use wizard_sandbox::{start, NylasApplication, SandboxHandle, Scenario};

pub const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
pub const POST_CREDS: &str = "POST /nylas-us/v3/connectors/microsoft/creds";
pub const LIST_CREDS: &str = "GET /nylas-us/v3/connectors/microsoft/creds";
pub const POST_CUSTOM: &str = "POST /nylas-us/v3/connect/custom";
/// A canary: it must never show up outside the requests sent to Nylas.
pub const SECRET: &str = "h1Canary~Bulk~Qw3Er5Ty7Ui9Op1As3Df5";

pub struct World {
    pub sb: SandboxHandle,
    pub endpoints: Endpoints,
    pub http: HttpClient,
    pub dir: tempfile::TempDir,
}

/// Short timeouts, but `Retry-After` up to 2 s honoured as asked.
pub fn test_http() -> HttpClient {
    HttpClient::direct(HttpConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        max_retries: 2,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
        overall_deadline: Duration::from_secs(20),
        ..HttpConfig::default()
    })
    .unwrap()
}

/// Practice, with a Microsoft connector on the US application.
pub fn scenario() -> Scenario {
    let mut s = Scenario::practice();
    s.nylas_applications[0].connectors = serde_json::from_value(json!([{
        "provider": "microsoft",
        "settings": {"client_id": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01", "client_secret": "s3cret"},
        "scope": ["Mail.Read", "offline_access"],
    }]))
    .unwrap();
    s
}

pub async fn world() -> World {
    world_with(scenario()).await
}

pub async fn world_with(scenario: Scenario) -> World {
    let sb = start(scenario, None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    World {
        sb,
        endpoints,
        http: test_http(),
        dir: tempfile::tempdir().unwrap(),
    }
}

/// `n` tenants outside the scenario (any mailbox is accepted there).
pub fn tenants_csv(n: usize) -> String {
    let mut s = String::from("tenant,name,admin_email\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "t{i:03}.example,Customer {i:03},it@t{i:03}.example\r\n"
        ));
    }
    s
}

pub fn tenants(n: usize) -> Vec<TenantRow> {
    wizard_core::bulk::parse_tenants_csv(&tenants_csv(n))
        .unwrap()
        .tenants
}

pub fn opts(concurrency: usize) -> BulkOptions {
    BulkOptions {
        concurrency,
        ..BulkOptions::default()
    }
}

/// Progress reports as they arrived.
pub type Seen = Arc<Mutex<Vec<BulkProgress>>>;

pub fn recorder() -> (Seen, impl Fn(&BulkProgress) + Send + Sync) {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    (seen, move |p: &BulkProgress| {
        sink.lock().unwrap().push(p.clone())
    })
}

pub fn never() -> CancellationToken {
    CancellationToken::new()
}

impl World {
    pub fn nylas(&self) -> NylasAdmin {
        NylasAdmin::new(&self.http, &self.endpoints, Region::Us, US_KEY).unwrap()
    }

    pub fn journal(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// The US (Contoso) application as the simulated Nylas holds it.
    pub fn app(&self) -> NylasApplication {
        self.sb.scenario().nylas_applications[0].clone()
    }

    pub fn calls(&self, route: &str) -> u64 {
        self.sb.calls(route)
    }

    /// How many credentials carry each name: every one must be 1.
    pub fn credential_names(&self) -> std::collections::BTreeMap<String, usize> {
        let mut m = std::collections::BTreeMap::new();
        for c in self.app().credentials {
            *m.entry(c.name).or_insert(0) += 1;
        }
        m
    }

    /// Create a credential out of band (as a crashed run left it).
    pub async fn create_credential(&self, name: &str, tenant: &str) -> String {
        let v: serde_json::Value = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(
                self.endpoints
                    .nylas(Region::Us)
                    .join("v3/connectors/microsoft/creds")
                    .unwrap(),
            )
            .bearer_auth(US_KEY)
            .json(&json!({"name": name, "credential_type": "adminconsent",
                          "credential_data": {"tenant": tenant}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["data"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    }

    /// The tenant's admin consents (the sandbox's control API).
    pub async fn consent(&self, credential_id: &str) {
        let r = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!(
                "{}/_sandbox/nylas/credentials/{credential_id}/consent",
                self.sb.base_url().trim_end_matches('/')
            ))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
}

pub fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} contains the secret");
}
