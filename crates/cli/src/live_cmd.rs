//! `nylas-ms-setup check --live`: sign the admin in to Microsoft with a
//! device code (shown on stderr), read the app registration from Microsoft
//! Graph and run the same audit as `check --manifest`, plus what only the
//! tenant knows (service principal, admin consent, domains).
//!
//! Exit codes as for `check`: 0 nothing failed, 1 a check failed, 2 bad
//! input, 3 sign-in or Microsoft Graph failed.

use std::process::ExitCode;

use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::audit::AuditRequest;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::microsoft::{
    live_audit, Access, DeviceFlow, GraphClient, LiveAudit, SignInConfig, DEFAULT_CLIENT_ID,
};
use wizard_core::{ErrorCode, WizardError};

use crate::output::{self, Format};

/// Options only `check --live` uses.
#[derive(clap::Args)]
pub struct LiveArgs {
    /// Read the app registration from Microsoft (sign in with a code) instead of a manifest file; needs --tenant and --client-id.
    #[arg(long, conflicts_with = "manifest", requires_all = ["tenant", "client_id"])]
    pub live: bool,
    /// The public client used to sign you in (default: Microsoft Graph Command Line Tools).
    #[arg(long, value_name = "ID", default_value = DEFAULT_CLIENT_ID, requires = "live")]
    pub sign_in_client_id: String,
    /// Microsoft sign-in base URL (for support and tests).
    #[arg(
        long,
        value_name = "URL",
        env = "NYLAS_WIZARD_URL_MICROSOFT_LOGIN",
        requires = "live"
    )]
    pub login_base: Option<Url>,
    /// Microsoft Graph base URL (for support and tests).
    #[arg(
        long,
        value_name = "URL",
        env = "NYLAS_WIZARD_URL_GRAPH",
        requires = "live"
    )]
    pub graph_base: Option<Url>,
}

/// A remote failure: message (and hint) on stderr, `{"error"}` on stdout
/// for JSON; exit 3. Bad input keeps exit 2.
fn failed(e: &WizardError, format: Format) -> ExitCode {
    if e.code == ErrorCode::InvalidInput {
        return output::bad_input(e, format);
    }
    // Printed as bad input is (stderr, and JSON on stdout), but exit 3.
    let _printed = output::bad_input(e, format);
    ExitCode::from(3)
}

fn with_slash(mut u: Url) -> Url {
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    u
}

fn is_loopback(u: &Url) -> bool {
    matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

pub fn run(
    args: &LiveArgs,
    tenant: &str,
    client_id: &str,
    req: AuditRequest,
    format: Format,
) -> ExitCode {
    let mut endpoints = match Endpoints::from_env() {
        Ok(e) => e,
        Err(e) => return output::bad_input(&e, format),
    };
    if let Some(u) = &args.login_base {
        endpoints.microsoft_login = with_slash(u.clone());
    }
    if let Some(u) = &args.graph_base {
        endpoints.graph = with_slash(u.clone());
    }
    // A proxy can't reach this machine's loopback (the sandbox).
    let http = if is_loopback(&endpoints.microsoft_login) && is_loopback(&endpoints.graph) {
        HttpClient::direct(HttpConfig::default())
    } else {
        HttpClient::new(HttpConfig::default())
    };
    let http = match http {
        Ok(h) => h,
        Err(e) => return failed(&e, format),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return failed(
                &WizardError::internal(format!("No async runtime: {e}.")),
                format,
            )
        }
    };
    let config = SignInConfig::new(tenant, &endpoints.microsoft_login)
        .with_client_id(&args.sign_in_client_id);
    let result = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        let flow = DeviceFlow::start(&http, config, Access::Audit, &cancel).await?;
        let prompt = flow.prompt();
        eprintln!("{}", prompt.message);
        eprintln!("Waiting for you to sign in (Ctrl+C to stop)…");
        let tokens = flow.finish(&http, &cancel).await?;
        eprintln!("Signed in. Reading the app registration from Microsoft Graph…");
        let graph = GraphClient::new(&http, &endpoints.graph, &tokens);
        live_audit(&graph, client_id, tenant, &req, &cancel).await
    });
    let live = match result {
        Ok(l) => l,
        Err(e) => return failed(&e, format),
    };
    match format {
        Format::Json => output::print_json(&json_with_facts(&live)),
        Format::Text => print!("{}{}", output::report_text(&live.report), facts_text(&live)),
    }
    if live.report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The manifest check's JSON with a `live` object added.
fn json_with_facts(live: &LiveAudit) -> serde_json::Value {
    let mut v = serde_json::to_value(&live.report).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "live".into(),
            serde_json::to_value(&live.facts).unwrap_or_default(),
        );
    }
    v
}

fn facts_text(live: &LiveAudit) -> String {
    let f = &live.facts;
    let mut out = String::from("\nFrom your tenant\n");
    out += &format!(
        "  Tenant: {} ({})\n",
        f.tenant_name.as_deref().unwrap_or("unnamed"),
        f.tenant_id
    );
    if !f.verified_domains.is_empty() {
        out += &format!("  Verified domains: {}\n", f.verified_domains.join(", "));
    }
    if !f.service_principal_exists {
        out += "  The app has no enterprise application (service principal) in this tenant yet: nobody has consented to it.\n";
    }
    if f.admin_consent_complete() {
        out += "  Admin consent: granted for every permission Nylas needs.\n";
    } else {
        out += &format!(
            "  Admin consent: missing for {}.\n",
            f.admin_consent_missing.join(", ")
        );
    }
    out
}
