//! `nylas-ms-setup check --live`: sign the admin in to Microsoft with a
//! device code (shown on stderr), read the app registration from Microsoft
//! Graph and run the same audit as `check --manifest`, plus what only the
//! tenant knows (service principal, admin consent, domains).
//!
//! `nylas-ms-setup fix --live … [--yes]`: the same sign-in with write
//! access, the plan in plain words, applied only with `--yes` or a yes on
//! the terminal, then the re-audit.
//!
//! Exit codes as for `check`: 0 nothing failed, 1 a check failed, 2 bad
//! input, 3 sign-in or Microsoft Graph failed.

use std::process::ExitCode;

use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::audit::AuditRequest;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::microsoft::fix::{apply_fixes, plan_live, FixPlan};
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
pub(crate) fn failed(e: &WizardError, format: Format) -> ExitCode {
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

/// What a live command needs once the admin has signed in.
pub(crate) struct Session {
    pub(crate) runtime: tokio::runtime::Runtime,
    http: HttpClient,
    endpoints: Endpoints,
    pub(crate) cancel: CancellationToken,
}

impl Session {
    pub(crate) fn new(args: &LiveArgs) -> Result<Self, WizardError> {
        let mut endpoints = Endpoints::from_env()?;
        if let Some(u) = &args.login_base {
            endpoints.microsoft_login = with_slash(u.clone());
        }
        if let Some(u) = &args.graph_base {
            endpoints.graph = with_slash(u.clone());
        }
        // A proxy can't reach this machine's loopback (the sandbox).
        let http = if is_loopback(&endpoints.microsoft_login) && is_loopback(&endpoints.graph) {
            HttpClient::direct(HttpConfig::default())?
        } else {
            HttpClient::new(HttpConfig::default())?
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| WizardError::internal(format!("No async runtime: {e}.")))?;
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        Ok(Self {
            runtime,
            http,
            endpoints,
            cancel,
        })
    }

    /// Device-code sign-in, the code and URL on stderr.
    pub(crate) fn sign_in(
        &self,
        args: &LiveArgs,
        tenant: &str,
        access: Access,
    ) -> Result<GraphClient, WizardError> {
        let config = SignInConfig::new(tenant, &self.endpoints.microsoft_login)
            .with_client_id(&args.sign_in_client_id);
        self.runtime.block_on(async {
            let flow = DeviceFlow::start(&self.http, config, access, &self.cancel).await?;
            eprintln!("{}", flow.prompt().message);
            eprintln!("Waiting for you to sign in (Ctrl+C to stop)…");
            let tokens = flow.finish(&self.http, &self.cancel).await?;
            eprintln!("Signed in. Reading the app registration from Microsoft Graph…");
            Ok(GraphClient::new(&self.http, &self.endpoints.graph, &tokens)
                .with_login_base(&self.endpoints.microsoft_login))
        })
    }
}

fn print_live(live: &LiveAudit, format: Format) -> ExitCode {
    match format {
        Format::Json => output::print_json(&json_with_facts(live)),
        Format::Text => print!("{}{}", output::report_text(&live.report), facts_text(live)),
    }
    if live.report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub fn run(
    args: &LiveArgs,
    tenant: &str,
    client_id: &str,
    req: AuditRequest,
    format: Format,
) -> ExitCode {
    let result = Session::new(args).and_then(|session| {
        let graph = session.sign_in(args, tenant, Access::Audit)?;
        session
            .runtime
            .block_on(live_audit(&graph, client_id, tenant, &req, &session.cancel))
    });
    match result {
        Ok(live) => print_live(&live, format),
        Err(e) => failed(&e, format),
    }
}

fn plan_text(plan: &FixPlan) -> String {
    if plan.is_empty() {
        return "Nothing to fix: the app registration already has what these checks can change.\n"
            .into();
    }
    let mut out = format!("{} change(s) to the app registration:\n", plan.steps.len());
    for step in &plan.steps {
        out += &format!(
            "  • {}\n      now: {}\n    after: {}\n",
            step.title, step.before, step.after
        );
    }
    out
}

/// Ask on the terminal; anything but yes is no. No terminal: no.
fn confirmed() -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("Apply these changes? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).is_ok()
        && matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// `fix --live`: sign in with write access, show the plan, apply it with
/// `--yes` (or a yes on the terminal), then print the re-audit.
pub fn run_fix(
    args: &LiveArgs,
    tenant: &str,
    client_id: &str,
    req: AuditRequest,
    format: Format,
    yes: bool,
) -> ExitCode {
    let session = match Session::new(args) {
        Ok(s) => s,
        Err(e) => return failed(&e, format),
    };
    let graph = match session.sign_in(args, tenant, Access::Fix) {
        Ok(g) => g,
        Err(e) => return failed(&e, format),
    };
    let plan =
        match session
            .runtime
            .block_on(plan_live(&graph, client_id, tenant, &req, &session.cancel))
        {
            Ok(p) => p,
            Err(e) => return failed(&e, format),
        };
    if format == Format::Text {
        print!("{}", plan_text(&plan));
    }
    if !plan.is_empty() && !yes && !confirmed() {
        if format == Format::Json {
            output::print_json(&serde_json::json!({ "plan": plan, "applied": false }));
        } else {
            println!("Nothing was changed. Run again with --yes to apply.");
        }
        return ExitCode::SUCCESS;
    }
    let outcome = match session.runtime.block_on(apply_fixes(
        &graph,
        client_id,
        tenant,
        &req,
        &session.cancel,
    )) {
        Ok(o) => o,
        Err(e) => return failed(&e, format),
    };
    match format {
        Format::Json => {
            output::print_json(&serde_json::json!({
                "plan": outcome.applied,
                "applied": true,
                "after": json_with_facts(&outcome.after),
            }));
            if outcome.after.report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Format::Text => {
            println!("\nApplied. The app registration now:\n");
            print_live(&outcome.after, format)
        }
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
    if let Some(region) = &f.region_scope {
        out += &format!("  Microsoft data region: {region}\n");
    }
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
