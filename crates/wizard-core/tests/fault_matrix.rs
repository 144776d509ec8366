//! The fault matrix: every remote operation of the wizard ([`RemoteOp`]),
//! run against the sandbox over real HTTP on 127.0.0.1, with each fault the
//! services or the network can throw. Each cell must end in a retried
//! success or the documented plain error with its stable code — never a
//! panic, never a write sent twice.
//!
//! The operations come from `RemoteOp::iter()` and each one's runner from an
//! exhaustive `match` ([`Setup::run`]): a new remote call is a new variant,
//! which does not compile until it has a row here.
//!
//! Not expressible as a sandbox fault: the browser coming back to the
//! loopback listener (`microsoft::loopback`) is not a remote call — its
//! timeout, wrong `state` and cancel are tested in `microsoft_signin.rs`.
//! Only the code exchange that follows it is in the matrix.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;
use strum::IntoEnumIterator;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::bulk::create_grant;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::microsoft::graph::GraphClient;
use wizard_core::microsoft::new_secret::{create_client_secret, SecretLifetime};
use wizard_core::microsoft::signin::{refresh, BrowserSignIn};
use wizard_core::microsoft::{Access, DeviceFlow, SignInConfig, Tokens};
use wizard_core::nylas::callback_uris::{add_callback_uri, list_callback_uris};
use wizard_core::nylas::connector::{
    create_microsoft_connector, get_microsoft_connector, update_microsoft_connector,
    ConnectorSettings,
};
use wizard_core::nylas::credentials::{
    create_credential, list_credentials, update_credential, CredentialData,
};
use wizard_core::nylas::ews::{create_ews_connector, ews_scopes, get_ews_connector, EwsBodyShape};
use wizard_core::nylas::grants::get_grant;
use wizard_core::nylas::hosted_auth::{TestSignIn, TestSignInRequest};
use wizard_core::nylas::test_callback::test_sign_in_callback;
use wizard_core::nylas::{get_application, NylasAdmin};
use wizard_core::nylas_v2::integrations::{
    create_integration, delete_integration, get_integration, list_integrations, update_integration,
    BetaClient, IntegrationSettings,
};
use wizard_core::nylas_v2::native_auth::{
    self, connect as v2_connect, NativeAuthInput, UserSignIn,
};
use wizard_core::nylas_v2::teams_auth;
use wizard_core::nylas_v2::{check_v2_app, V2AppInput};
use wizard_core::paths::PathId;
use wizard_core::regions::Region;
use wizard_core::remote_ops::RemoteOp;
use wizard_core::secrets::MemorySecretStore;
use wizard_core::tenant::discover_tenant;
use wizard_core::{ErrorCode, WizardError};
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const TENANT: &str = "contoso.com";
const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
/// The live-apps scenario's correct app, its object and service principal.
const APP_ID: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";
const APP_OBJECT_ID: &str = "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a01";
const SP_ID: &str = "a1b2c3d4-0000-4000-8000-000000000001";
/// A grant of the US Nylas application (the test sign-in reads grants).
const GRANT_ID: &str = "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
/// The practice scenario's US Nylas v2 app (path C's native auth).
const V2_CLIENT: &str = "practice-v2-contoso-client";
const V2_SECRET: &str = "practice-v2-contoso-secret-4Kp8Wd2Nq";

/// Attempts give up after this; a "timeout" fault waits far longer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
const TIMEOUT_FAULT_LATENCY_MS: u64 = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
enum FaultKind {
    Timeout,
    Dropped,
    RateLimited,
    Status500,
    Status503,
    Malformed,
    Status401,
    Status403,
    Status404,
    Status409,
}

impl FaultKind {
    /// The rule, on the first matching call only: a retry meets the real
    /// service.
    fn rule(self, route: &str) -> Fault {
        let f = Fault::new(route).first_n(1);
        match self {
            FaultKind::Timeout => f.with_latency_ms(TIMEOUT_FAULT_LATENCY_MS),
            FaultKind::Dropped => f.dropping_connection(),
            // Three seconds asked, cut to the client's max_retry_after.
            FaultKind::RateLimited => f.with_status(429).with_retry_after("3"),
            FaultKind::Status500 => f.with_status(500),
            FaultKind::Status503 => f.with_status(503),
            FaultKind::Malformed => f.malformed(),
            FaultKind::Status401 => f.with_status(401),
            FaultKind::Status403 => f.with_status(403),
            FaultKind::Status404 => f.with_status(404),
            FaultKind::Status409 => f.with_status(409),
        }
    }

    /// Whether the service (or the network) answered instead of the real
    /// route, so the call had no effect there.
    fn replaces_the_answer(self) -> bool {
        self != FaultKind::Timeout
    }

    fn is_status(self) -> bool {
        !matches!(
            self,
            FaultKind::Timeout | FaultKind::Dropped | FaultKind::Malformed
        )
    }
}

/// How an operation may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A GET: retried on timeouts, dropped connections, 429 and 5xx.
    Read,
    /// A POST to sign-in or a PATCH: retried only after 429 (the service
    /// did nothing); anything that may have reached it is not repeated.
    Once,
    /// The device-code poll: `oauth2` polls again after any failed call
    /// (RFC 8628), so transient faults end in the tokens.
    Poll,
    /// Sign-in calls whose 4xx `oauth2` reads as the service's refusal.
    OAuthOnce,
}

/// What a cell must end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok { calls: u64 },
    Err { code: ErrorCode, calls: u64 },
}

fn expected(op: RemoteOp, kind: Kind, fault: FaultKind) -> Expect {
    use FaultKind::*;
    let err = |code| Expect::Err { code, calls: 1 };
    let retried = Expect::Ok { calls: 2 };
    let client_error = |status: FaultKind| match kind {
        // oauth2 reads the error body as Microsoft refusing the sign-in.
        Kind::OAuthOnce | Kind::Poll => err(ErrorCode::Rejected),
        _ => err(match status {
            Status401 => ErrorCode::Unauthorized,
            Status403 => ErrorCode::Forbidden,
            Status404 => ErrorCode::NotFound,
            _ => ErrorCode::Rejected,
        }),
    };
    match fault {
        // Nothing was done: every method is sent again.
        RateLimited => retried,
        Timeout | Dropped | Status500 | Status503 => match kind {
            Kind::Read | Kind::Poll => retried,
            Kind::Once | Kind::OAuthOnce => err(ErrorCode::RemoteUnavailable),
        },
        // A PATCH's answer (204) has no body to read: a proxy's garbage
        // 200 looks like success. Applying fixes re-reads the app after the
        // PATCH, and that audit shows whether the change landed.
        Malformed if op == RemoteOp::GraphPatchApplication => Expect::Ok { calls: 1 },
        Malformed => err(ErrorCode::BadResponse),
        // Graph's 404 there means the app has no service principal (yet):
        // an answer, not an error.
        Status404 if op == RemoteOp::GraphAppConsentGrants => Expect::Ok { calls: 1 },
        // Graph's 404 for a user means no user has that sign-in name.
        Status404 if op == RemoteOp::GraphUser => Expect::Ok { calls: 1 },
        // Nylas's 404 for the connector means there is none yet.
        Status404 if op == RemoteOp::NylasGetConnector => Expect::Ok { calls: 1 },
        // The same for the EWS connector (path D).
        Status404 if op == RemoteOp::NylasGetEwsConnector => Expect::Ok { calls: 1 },
        // The v2 API's 404 for `/a/{client_id}` means no such app: the
        // check says the ID or secret is wrong (after probing the other
        // region), as for a 401.
        Status404 if op == RemoteOp::NylasV2ListAccounts => err(ErrorCode::Unauthorized),
        // The beta host's 404 for an integration means there is none.
        Status404 if op == RemoteOp::NylasBetaGetIntegration => Expect::Ok { calls: 1 },
        Status401 | Status403 | Status404 | Status409 => client_error(fault),
    }
}

// Clients are built once per test thread (building one is the slow part of
// a cell); each test has its own thread and runtime.
thread_local! {
    static SETUP_HTTP: HttpClient = HttpClient::direct(HttpConfig::default()).unwrap();
    static HTTP: HttpClient = short_timeouts();
    static BROWSER: reqwest::Client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
}

/// For what a cell needs before the call under test (a sign-in): the
/// default, patient client.
fn setup_http() -> HttpClient {
    SETUP_HTTP.with(Clone::clone)
}

/// For the call under test.
fn http() -> HttpClient {
    HTTP.with(Clone::clone)
}

/// Short timeouts and waits, so the matrix runs in seconds.
fn short_timeouts() -> HttpClient {
    HttpClient::direct(HttpConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: ATTEMPT_TIMEOUT,
        read_timeout: ATTEMPT_TIMEOUT,
        max_retries: 2,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(10),
        overall_deadline: Duration::from_secs(10),
        ..HttpConfig::default()
    })
    .unwrap()
}

async fn sandbox(sign_in_port: u16) -> (SandboxHandle, Endpoints) {
    let mut s = Scenario::live_apps();
    s.nylas_applications = Scenario::practice().nylas_applications;
    // The test sign-in's world: the wizard's loopback callback registered
    // and a grant (its row adds the connector).
    s.nylas_v2_applications = Scenario::practice().nylas_v2_applications;
    let us = &mut s.nylas_applications[0];
    us.callback_uris.push(
        serde_json::from_value(
            json!({"id": "cb-test", "url": test_sign_in_callback(sign_in_port)}),
        )
        .unwrap(),
    );
    us.grants = serde_json::from_value(json!([{
        "id": GRANT_ID, "provider": "microsoft", "email": "ada@contoso.com", "scope": ["User.Read"],
    }]))
    .unwrap();
    let sb = start(s, None).await.unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sb.base_url()).unwrap()).unwrap();
    (sb, endpoints)
}

fn connector_settings() -> ConnectorSettings {
    ConnectorSettings {
        client_id: APP_ID.into(),
        client_secret: SecretString::from("fault-matrix-secret".to_owned()),
        tenant: TENANT.into(),
        scope: vec!["Mail.Read".into(), "offline_access".into()],
    }
}

fn credential_data() -> CredentialData {
    CredentialData {
        client_id: APP_ID.into(),
        client_secret: SecretString::from("fault-matrix-secret".to_owned()),
        tenant: "fabrikam.com".into(),
    }
}

fn no_proxy() -> reqwest::Client {
    BROWSER.with(Clone::clone)
}

/// Approve a device code as the admin would at Microsoft's page.
async fn approve(sb: &SandboxHandle, flow: &DeviceFlow) {
    let url = format!(
        "{}_sandbox/device-codes/{}/approve",
        sb.base_url(),
        flow.prompt().user_code
    );
    let resp = no_proxy().post(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

async fn no_wait(_: Duration) {}

/// A device-code sign-in with nothing in the way.
async fn signed_in(sb: &SandboxHandle, config: &SignInConfig, access: Access) -> Tokens {
    let cancel = CancellationToken::new();
    let http = setup_http();
    let flow = DeviceFlow::start(&http, config.clone(), access, &cancel)
        .await
        .unwrap();
    approve(sb, &flow).await;
    flow.finish_with_sleep(&http, &cancel, no_wait)
        .await
        .unwrap()
}

/// The user at the consent page: follow `#approve`, return where the
/// browser is sent back to (the loopback listener).
async fn consent(authorize_url: &Url) -> Url {
    let page = no_proxy()
        .get(authorize_url.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "id=\"approve\" href=\"";
    let at = page.find(marker).expect("the consent page has the link") + marker.len();
    let href = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let resp = no_proxy().get(href).send().await.unwrap();
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

/// A free port for the test sign-in's loopback callback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The user through Nylas hosted auth and the consent page: where Nylas
/// sends the browser back to (the wizard's loopback callback).
async fn hosted_consent(auth_url: &Url) -> Url {
    let next =
        |resp: reqwest::Response| Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let to_ms = next(no_proxy().get(auth_url.as_str()).send().await.unwrap());
    let to_nylas = consent(&to_ms).await;
    next(no_proxy().get(to_nylas.as_str()).send().await.unwrap())
}

/// One cell's world: the sandbox, and whatever the operation needs before
/// it can be called (a sign-in, a device code) done without faults.
struct Setup {
    sb: SandboxHandle,
    endpoints: Endpoints,
    config: SignInConfig,
    /// The test sign-in's loopback port, registered with Nylas.
    sign_in_port: u16,
    /// Calls on the armed route before the fault was set (the setup's own).
    before: std::sync::atomic::AtomicU64,
}

impl Setup {
    async fn new() -> Self {
        let sign_in_port = free_port();
        let (sb, endpoints) = sandbox(sign_in_port).await;
        let config = SignInConfig::new(TENANT, &endpoints.microsoft_login);
        Self {
            sb,
            endpoints,
            config,
            sign_in_port,
            before: Default::default(),
        }
    }

    fn nylas(&self, http: &HttpClient) -> NylasAdmin {
        NylasAdmin::new(http, &self.endpoints, Region::Us, US_KEY).unwrap()
    }

    /// The Microsoft connector, made without faults.
    async fn with_connector(&self) {
        create_microsoft_connector(
            &self.nylas(&setup_http()),
            &connector_settings(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    }

    /// An admin-consent credential (for a tenant outside the scenario, so
    /// any mailbox is accepted) its admin consented to, made without faults.
    async fn consented_credential(&self) -> String {
        let body = json!({"name": "Northwind (northwind.example)", "credential_type": "adminconsent",
                          "credential_data": {"tenant": "northwind.example"}});
        let created: serde_json::Value = no_proxy()
            .post(
                self.endpoints
                    .nylas(Region::Us)
                    .join("v3/connectors/microsoft/creds")
                    .unwrap(),
            )
            .bearer_auth(US_KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["data"]["id"].as_str().unwrap().to_owned();
        let consented = no_proxy()
            .post(format!(
                "{}/_sandbox/nylas/credentials/{id}/consent",
                self.sb.base_url().trim_end_matches('/')
            ))
            .send()
            .await
            .unwrap();
        assert!(consented.status().is_success());
        id
    }

    fn graph(&self, tokens: &Tokens) -> GraphClient {
        GraphClient::new(&http(), &self.endpoints.graph, tokens)
    }

    fn arm(&self, route: &str, fault: FaultKind) {
        self.before
            .store(self.sb.calls(route), std::sync::atomic::Ordering::SeqCst);
        self.sb.set_faults(vec![fault.rule(route)]).unwrap();
    }

    /// Calls on the armed route since the fault was set.
    fn calls_since_armed(&self, route: &str) -> u64 {
        self.sb.calls(route) - self.before.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Run `op` with `fault` on its route; the route, how the op may be
    /// repeated, and what the call returned.
    async fn run(&self, op: RemoteOp, fault: FaultKind) -> (String, Kind, Result<(), WizardError>) {
        let http = http();
        let cancel = CancellationToken::new();
        let login = |end: &str| format!("POST /microsoft-login/{TENANT}/oauth2/v2.0/{end}");
        let graph = |path: &str| format!("/graph/v1.0/{path}");
        match op {
            RemoteOp::TenantDiscovery => {
                let route =
                    format!("GET /microsoft-login/{TENANT}/v2.0/.well-known/openid-configuration");
                self.arm(&route, fault);
                let r = discover_tenant(&http, &self.endpoints, TENANT, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasApplication => {
                let route = "GET /nylas-us/v3/applications".to_owned();
                self.arm(&route, fault);
                let r = get_application(&http, &self.endpoints, Region::Us, US_KEY, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasV2ListAccounts => {
                let route = format!("GET /nylas-v2-us/a/{V2_CLIENT}/accounts");
                self.arm(&route, fault);
                let secret = SecretString::from(V2_SECRET.to_owned());
                let input = V2AppInput {
                    path: PathId::V2Events,
                    region: Region::Us,
                    client_id: V2_CLIENT,
                    client_secret: &secret,
                };
                let r = check_v2_app(&http, &self.endpoints, input, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasCodeExchange => {
                // The connector's app (live-apps' correct one) lists the US
                // Nylas callback among its Web redirect URIs.
                self.with_connector().await;
                let request = TestSignInRequest {
                    region: Region::Us,
                    scopes: vec!["User.Read".into(), "offline_access".into()],
                    login_hint: None,
                    port: self.sign_in_port,
                    timeout: Duration::from_secs(10),
                };
                let flow =
                    TestSignIn::start(&setup_http(), &self.endpoints, US_KEY, request, &cancel)
                        .await
                        .unwrap();
                let back = hosted_consent(flow.authorize_url()).await;
                let route = "POST /nylas-us/v3/connect/token".to_owned();
                self.arm(&route, fault);
                let (r, _) = tokio::join!(
                    flow.finish(&http, &self.endpoints, US_KEY, &cancel),
                    async { no_proxy().get(back.as_str()).send().await.unwrap() }
                );
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::NylasGrant => {
                let route = format!("GET /nylas-us/v3/grants/{GRANT_ID}");
                self.arm(&route, fault);
                let r = get_grant(
                    &http,
                    &self.endpoints,
                    Region::Us,
                    US_KEY,
                    GRANT_ID,
                    &cancel,
                )
                .await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::MicrosoftCodeExchange => {
                let flow = BrowserSignIn::start(self.config.clone(), Access::Audit)
                    .await
                    .unwrap();
                let back = consent(flow.authorize_url()).await;
                let route = login("token");
                self.arm(&route, fault);
                let (r, _) = tokio::join!(flow.finish(&http, &cancel), async {
                    no_proxy().get(back.as_str()).send().await.unwrap()
                });
                (route, Kind::OAuthOnce, r.map(drop))
            }
            RemoteOp::MicrosoftDeviceCodeStart => {
                let route = login("devicecode");
                self.arm(&route, fault);
                let r = DeviceFlow::start(&http, self.config.clone(), Access::Audit, &cancel).await;
                (route, Kind::OAuthOnce, r.map(drop))
            }
            RemoteOp::MicrosoftDeviceCodePoll => {
                let flow =
                    DeviceFlow::start(&setup_http(), self.config.clone(), Access::Audit, &cancel)
                        .await
                        .unwrap();
                approve(&self.sb, &flow).await;
                let route = login("token");
                self.arm(&route, fault);
                let r = flow.finish_with_sleep(&http, &cancel, no_wait).await;
                (route, Kind::Poll, r.map(drop))
            }
            RemoteOp::MicrosoftRefresh => {
                let tokens = signed_in(&self.sb, &self.config, Access::Audit).await;
                let route = login("token");
                self.arm(&route, fault);
                let r = refresh(&http, &self.config, &tokens, &cancel).await;
                (route, Kind::OAuthOnce, r.map(drop))
            }
            RemoteOp::GraphApplication => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("applications"));
                self.arm(&route, fault);
                let r = g.application(APP_ID, TENANT, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphServicePrincipal => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("servicePrincipals"));
                self.arm(&route, fault);
                let r = g.service_principal(APP_ID, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphConsentGrants => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("oauth2PermissionGrants"));
                self.arm(&route, fault);
                let r = g.admin_consent_grants(SP_ID, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphAppConsentGrants => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!(
                    "GET {}",
                    graph(&format!(
                        "servicePrincipals(appId='{APP_ID}')/oauth2PermissionGrants"
                    ))
                );
                self.arm(&route, fault);
                let r = g.app_consent_grants(APP_ID, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphOrganization => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("organization"));
                self.arm(&route, fault);
                let r = g.organization(&cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphMe => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("me"));
                self.arm(&route, fault);
                let r = g.me(&cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphUser => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("users/admin@contoso.com"));
                self.arm(&route, fault);
                let r = g.user("admin@contoso.com", &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphPatchApplication => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Fix).await);
                let route = format!("PATCH {}", graph(&format!("applications/{APP_OBJECT_ID}")));
                self.arm(&route, fault);
                let body = json!({ "api": { "requestedAccessTokenVersion": 2 } });
                let r = g.patch_application(APP_OBJECT_ID, body, &cancel).await;
                (route, Kind::Once, r)
            }
            RemoteOp::GraphAddPassword => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Fix).await);
                let route = format!(
                    "POST {}",
                    graph(&format!("applications/{APP_OBJECT_ID}/addPassword"))
                );
                self.arm(&route, fault);
                let store = MemorySecretStore::new();
                let r = create_client_secret(
                    &g,
                    APP_OBJECT_ID,
                    "fault matrix",
                    SecretLifetime::OneYear,
                    &store,
                    &cancel,
                )
                .await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::GraphFindApplications => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Audit).await);
                let route = format!("GET {}", graph("applications"));
                self.arm(&route, fault);
                let r = g.find_applications(Some("Nylas"), None, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::GraphCreateApplication => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Create).await);
                let route = format!("POST {}", graph("applications"));
                self.arm(&route, fault);
                let body = json!({ "displayName": "Fault matrix" });
                let r = g.create_application(body, &cancel).await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::GraphCreateServicePrincipal => {
                let g = self.graph(&signed_in(&self.sb, &self.config, Access::Create).await);
                // An app without one, created before the fault is armed.
                let app = g
                    .create_application(json!({ "displayName": "Fault matrix" }), &cancel)
                    .await
                    .unwrap();
                let route = format!("POST {}", graph("servicePrincipals"));
                self.arm(&route, fault);
                let app_id = app["appId"].as_str().unwrap();
                let r = g.create_service_principal(app_id, &cancel).await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::NylasGetConnector => {
                let nylas = self.nylas(&http);
                let route = "GET /nylas-us/v3/connectors/microsoft".to_owned();
                self.arm(&route, fault);
                let r = get_microsoft_connector(&nylas, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasCreateConnector => {
                let nylas = self.nylas(&http);
                let route = "POST /nylas-us/v3/connectors".to_owned();
                self.arm(&route, fault);
                let r = create_microsoft_connector(&nylas, &connector_settings(), &cancel).await;
                (route, Kind::Once, r.map(drop).map_err(|e| e.error))
            }
            RemoteOp::NylasUpdateConnector => {
                self.with_connector().await;
                let nylas = self.nylas(&http);
                let route = "PATCH /nylas-us/v3/connectors/microsoft".to_owned();
                self.arm(&route, fault);
                let r = update_microsoft_connector(&nylas, &connector_settings(), &cancel).await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::NylasGetEwsConnector => {
                let nylas = self.nylas(&http);
                let route = "GET /nylas-us/v3/connectors/ews".to_owned();
                self.arm(&route, fault);
                let r = get_ews_connector(&nylas, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasCreateEwsConnector => {
                let nylas = self.nylas(&http);
                let route = "POST /nylas-us/v3/connectors".to_owned();
                self.arm(&route, fault);
                let scopes = ews_scopes(&[]);
                let r =
                    create_ews_connector(&nylas, EwsBodyShape::ScopeList, &scopes, &cancel).await;
                (route, Kind::Once, r.map(drop).map_err(|e| e.error))
            }
            RemoteOp::NylasListCallbackUris => {
                let nylas = self.nylas(&http);
                let route = "GET /nylas-us/v3/applications/redirect-uris".to_owned();
                self.arm(&route, fault);
                let r = list_callback_uris(&nylas, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasCreateCallbackUri => {
                let nylas = self.nylas(&http);
                let route = "POST /nylas-us/v3/applications/redirect-uris".to_owned();
                self.arm(&route, fault);
                let r =
                    add_callback_uri(&nylas, "https://app.example.com/fault-matrix", &cancel).await;
                (route, Kind::Once, r.map(drop).map_err(|e| e.error))
            }
            RemoteOp::NylasListCredentials => {
                self.with_connector().await;
                let nylas = self.nylas(&http);
                let route = "GET /nylas-us/v3/connectors/microsoft/creds".to_owned();
                self.arm(&route, fault);
                let r = list_credentials(&nylas, &cancel).await;
                (route, Kind::Read, r.map(drop))
            }
            RemoteOp::NylasCreateCredential => {
                self.with_connector().await;
                let nylas = self.nylas(&http);
                let route = "POST /nylas-us/v3/connectors/microsoft/creds".to_owned();
                self.arm(&route, fault);
                let r = create_credential(&nylas, &credential_data(), &cancel).await;
                (route, Kind::Once, r.map(drop).map_err(|e| e.error))
            }
            RemoteOp::NylasUpdateCredential => {
                self.with_connector().await;
                let id = create_credential(&self.nylas(&setup_http()), &credential_data(), &cancel)
                    .await
                    .unwrap()
                    .id;
                let nylas = self.nylas(&http);
                let route = format!("PATCH /nylas-us/v3/connectors/microsoft/creds/{id}");
                self.arm(&route, fault);
                let r = update_credential(&nylas, &id, &credential_data(), &cancel).await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::NylasCustomAuth => {
                self.with_connector().await;
                let credential_id = self.consented_credential().await;
                let nylas = self.nylas(&http);
                let route = "POST /nylas-us/v3/connect/custom".to_owned();
                self.arm(&route, fault);
                let r =
                    create_grant(&nylas, "lee@northwind.example", &credential_id, &cancel).await;
                (route, Kind::Once, r.map(drop).map_err(|e| e.error))
            }
            RemoteOp::NylasBetaListIntegrations
            | RemoteOp::NylasBetaGetIntegration
            | RemoteOp::NylasBetaCreateIntegration
            | RemoteOp::NylasBetaUpdateIntegration
            | RemoteOp::NylasBetaDeleteIntegration => {
                let beta = |http: &HttpClient| {
                    let secret = SecretString::from(V2_SECRET.to_owned());
                    BetaClient::new(http, &self.endpoints, Region::Us, V2_CLIENT, &secret)
                };
                let settings = IntegrationSettings {
                    name: "Fault matrix".into(),
                    client_id: APP_ID.into(),
                    client_secret: SecretString::from("fault-matrix-secret".to_owned()),
                    tenant: "common".into(),
                    redirect_uris: vec!["https://beta.us.nylas.com/connect/callback".into()],
                    expires_in: 1_209_600,
                };
                if op != RemoteOp::NylasBetaListIntegrations
                    && op != RemoteOp::NylasBetaCreateIntegration
                {
                    create_integration(&beta(&setup_http()), &settings, &cancel)
                        .await
                        .unwrap();
                }
                let c = beta(&http);
                let one = "/nylas-beta-us/connect/integrations/microsoft";
                let (route, kind, r) = match op {
                    RemoteOp::NylasBetaListIntegrations => {
                        let route = "GET /nylas-beta-us/connect/integrations".to_owned();
                        self.arm(&route, fault);
                        let r = list_integrations(&c, &cancel).await.map(drop);
                        (route, Kind::Read, r)
                    }
                    RemoteOp::NylasBetaGetIntegration => {
                        let route = format!("GET {one}");
                        self.arm(&route, fault);
                        let r = get_integration(&c, "microsoft", &cancel).await.map(drop);
                        (route, Kind::Read, r)
                    }
                    RemoteOp::NylasBetaCreateIntegration => {
                        let route = "POST /nylas-beta-us/connect/integrations".to_owned();
                        self.arm(&route, fault);
                        let r = create_integration(&c, &settings, &cancel).await;
                        (route, Kind::Once, r.map(drop).map_err(|e| e.error))
                    }
                    RemoteOp::NylasBetaUpdateIntegration => {
                        let route = format!("PATCH {one}");
                        self.arm(&route, fault);
                        let r = update_integration(&c, &settings, &cancel).await.map(drop);
                        (route, Kind::Once, r)
                    }
                    _ => {
                        // A write: never repeated unless nothing was done.
                        let route = format!("DELETE {one}");
                        self.arm(&route, fault);
                        let r = delete_integration(&c, "microsoft", &cancel).await;
                        (route, Kind::Once, r)
                    }
                };
                (route, kind, r)
            }
            RemoteOp::NylasTeamsAuth => {
                // The Teams integration exists (no faults) and sends the
                // browser back to the app's address.
                let secret = SecretString::from(V2_SECRET.to_owned());
                let settings = IntegrationSettings {
                    name: "Fault matrix".into(),
                    client_id: APP_ID.into(),
                    client_secret: SecretString::from("fault-matrix-secret".to_owned()),
                    tenant: "common".into(),
                    redirect_uris: vec!["https://app.example.com/teams".into()],
                    expires_in: 1_209_600,
                };
                let setup = setup_http();
                let beta = BetaClient::new(&setup, &self.endpoints, Region::Us, V2_CLIENT, &secret);
                create_integration(&beta, &settings, &cancel).await.unwrap();
                let route = "POST /nylas-beta-us/connect/auth".to_owned();
                self.arm(&route, fault);
                let creds = teams_auth::V2Credentials {
                    client_id: V2_CLIENT.into(),
                    client_secret: secret,
                };
                let r = teams_auth::start_account_auth(
                    &http,
                    wizard_core::nylas_v2::beta_base(&self.endpoints, Region::Us),
                    &creds,
                    "v2acct-contoso-adele",
                    "https://app.example.com/teams",
                    "fault-matrix-state",
                    &cancel,
                )
                .await;
                (route, Kind::Once, r.map(drop))
            }
            RemoteOp::NylasV2Authorize | RemoteOp::NylasV2Token => {
                // A user signed in with the Azure app (no faults), whose
                // refresh token Nylas v2 native auth then takes.
                let plan = native_auth::plan(&NativeAuthInput {
                    region: Region::Us,
                    nylas_client_id: V2_CLIENT.into(),
                    azure_client_id: APP_ID.into(),
                    port: free_port(),
                    ..NativeAuthInput::default()
                })
                .unwrap();
                let flow = UserSignIn::start(&self.endpoints, &plan).await.unwrap();
                let back = consent(flow.authorize_url()).await;
                let azure = SecretString::from("fault-matrix-secret".to_owned());
                let setup = setup_http();
                let (user, _) = tokio::join!(
                    flow.finish(
                        &setup,
                        &self.endpoints,
                        &azure,
                        Duration::from_secs(10),
                        &cancel
                    ),
                    async { no_proxy().get(back.as_str()).send().await.unwrap() }
                );
                let user = user.unwrap();
                let call = v2_connect::AuthorizeCall {
                    nylas_client_id: V2_CLIENT,
                    name: &user.name,
                    email_address: &user.email,
                    azure_client_id: APP_ID,
                    redirect_uri: &plan.redirect_uri,
                    authorization: &plan.authorizations[0],
                };
                let base = wizard_core::nylas_v2::api_base(&self.endpoints, Region::Us);
                if op == RemoteOp::NylasV2Authorize {
                    let route = "POST /nylas-v2-us/connect/authorize".to_owned();
                    self.arm(&route, fault);
                    let r = v2_connect::authorize(
                        &http,
                        base,
                        &call,
                        &azure,
                        &user.refresh_token,
                        &cancel,
                    )
                    .await;
                    (route, Kind::Once, r.map(drop))
                } else {
                    let code = v2_connect::authorize(
                        &setup_http(),
                        base,
                        &call,
                        &azure,
                        &user.refresh_token,
                        &cancel,
                    )
                    .await
                    .unwrap();
                    let route = "POST /nylas-v2-us/connect/token".to_owned();
                    self.arm(&route, fault);
                    let secret = SecretString::from(V2_SECRET.to_owned());
                    let r =
                        v2_connect::token(&http, base, V2_CLIENT, &secret, &code, &cancel).await;
                    (route, Kind::Once, r.map(drop))
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_remote_operation_survives_every_fault() {
    let started = std::time::Instant::now();
    // One task per operation, each with its own sandboxes: the timeouts of
    // different operations overlap instead of adding up.
    // (Local tasks: oauth2's futures are not `Send` for every lifetime.)
    let local = tokio::task::LocalSet::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    local
        .run_until(async {
            let mut tasks = tokio::task::JoinSet::new();
            for op in RemoteOp::iter() {
                tasks.spawn_local(async move { (op, run_row(op).await) });
            }
            while let Some(done) = tasks.join_next().await {
                // A panic in the wizard's code fails the test here.
                let (op, (cells, row_failures)) = done.expect("a row panicked");
                assert_eq!(cells, FaultKind::iter().count(), "{op:?}: every fault ran");
                failures.extend(row_failures);
                rows += 1;
            }
        })
        .await;
    assert_eq!(rows, RemoteOp::iter().count(), "every operation ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the matrix took {:?}",
        started.elapsed()
    );
}

/// Every fault on `op`: how many cells ran, and what went wrong.
async fn run_row(op: RemoteOp) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut cells = 0;
    for fault in FaultKind::iter() {
        cells += 1;
        let setup = Setup::new().await;
        let (route, kind, result) = setup.run(op, fault).await;
        let want = expected(op, kind, fault);
        // Synchronise on the sandbox having seen the calls expected, then
        // look: a late extra call would show up as a mismatch.
        let want_calls = match want {
            Expect::Ok { calls } | Expect::Err { calls, .. } => calls,
        };
        let before = setup.sb.calls(&route) - setup.calls_since_armed(&route);
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            setup.sb.wait_for_calls(&route, before + want_calls),
        )
        .await;
        let calls = setup.calls_since_armed(&route);
        let got = match &result {
            Ok(()) => Expect::Ok { calls },
            Err(e) => Expect::Err {
                code: e.code,
                calls,
            },
        };
        if got != want {
            failures.push(format!(
                "{op:?} × {fault:?}: wanted {want:?}, got {got:?} ({:?})",
                result.as_ref().err().map(|e| &e.message)
            ));
            continue;
        }
        // No duplicate write: at most one call reached the real route (a
        // fault that answered instead consumed one call).
        if op.writes() {
            let effective = calls - u64::from(fault.replaces_the_answer() && calls > 0);
            if effective > 1 {
                failures.push(format!("{op:?} × {fault:?}: {effective} writes"));
            }
        }
        if let Err(e) = &result {
            check_plain(op, fault, kind, e, &mut failures);
        }
    }
    (cells, failures)
}

/// A plain error: a sentence naming the service, no HTTP internals dumped,
/// and the service's request id when it sent one.
fn check_plain(
    op: RemoteOp,
    fault: FaultKind,
    kind: Kind,
    e: &WizardError,
    failures: &mut Vec<String>,
) {
    let m = &e.message;
    let fail = |failures: &mut Vec<String>, why: &str| {
        failures.push(format!("{op:?} × {fault:?}: {why}: {m}"));
    };
    if m.is_empty() || !m.ends_with(['.', ')']) {
        fail(failures, "not a sentence");
    }
    for internal in [
        "reqwest",
        "hyper",
        "error sending request",
        "{\"",
        "panicked",
    ] {
        if m.contains(internal) {
            fail(failures, &format!("shows {internal}"));
        }
    }
    // oauth2 turns a sign-in's 4xx into Microsoft's own refusal, without
    // the answer's headers; every other status error quotes the id.
    let via_oauth_refusal = matches!(kind, Kind::OAuthOnce | Kind::Poll)
        && matches!(
            fault,
            FaultKind::Status401
                | FaultKind::Status403
                | FaultKind::Status404
                | FaultKind::Status409
        );
    // Nylas v2 and its beta host aren't known to send a request id (their
    // errors are `{message, type}`; reference §3), so none is required.
    let v2 = matches!(
        op.service(),
        wizard_core::http::service::NYLAS_V2 | wizard_core::http::service::NYLAS_BETA
    );
    if fault.is_status() && !via_oauth_refusal && !v2 && e.request_id.is_none() {
        fail(failures, "no request id");
    }
}

/// The support id travels from the answer's header to the admin's error.
#[tokio::test]
async fn request_ids_come_from_each_services_header() {
    let setup = Setup::new().await;
    for (op, header_service) in [
        (RemoteOp::NylasApplication, "x-request-id"),
        (RemoteOp::GraphOrganization, "request-id"),
        (RemoteOp::TenantDiscovery, "x-ms-request-id"),
    ] {
        let (route, _, result) = setup.run(op, FaultKind::Status403).await;
        let e = result.unwrap_err();
        let id = e.request_id.clone().unwrap_or_default();
        assert!(
            uuid_like(&id),
            "{op:?} ({header_service}) on {route}: {e:?}"
        );
        let shown = serde_json::to_value(&e).unwrap();
        assert_eq!(shown["request_id"], id.as_str());
    }
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.bytes().filter(|b| *b == b'-').count() == 4
}
