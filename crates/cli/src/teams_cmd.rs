//! `nylas-ms-setup teams …` (path B). `create-integration` makes the
//! Microsoft Teams integration of a Nylas v2 application on the region's
//! beta host with the same plan/apply engine as the window: it lists the
//! integrations first (a re-run never creates a second one), prints the
//! plan (method, path, body with secrets shown as •••) and applies it only
//! with `--yes` or a yes on the terminal; an existing integration with
//! other settings is shown field by field and changed only then.
//! `teams auth` (connecting accounts) lives in `teams_auth_cmd.rs`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::audit::AuditReport;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::integrations::BetaClient;
use wizard_core::nylas_v2::teams_plan::{
    apply_teams, default_redirect_uris, plan_teams, resolve_tenant, teams_gate, ApplyOptions,
    RedirectCheck, TeamsInput, DEFAULT_TEAMS_CALLBACK_PORT,
};
use wizard_core::plan::{ApplyReport, StepAction};
use wizard_core::regions::Region;
use wizard_core::secrets::SecretName;
use wizard_core::{ErrorCode, WizardError};

use crate::connector_cmd::{confirmed, default_journal_dir, plan_text, print_progress, secret};
use crate::live_cmd::failed;
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

pub const AFTER_HELP: &str = "\
Credentials: NYLAS_CLIENT_ID (or --nylas-client-id) and NYLAS_CLIENT_SECRET, your Nylas v2 \
application's, and AZURE_CLIENT_SECRET, your Azure app's, from the environment; the secrets \
else from this computer's keychain (where the desktop wizard keeps them). Secrets are only \
ever sent to Nylas, never printed.

The Azure app: pass --audit with the JSON of `nylas-ms-setup check --path teams --format json` \
(or `check --live`) to refuse when the app still fails a Teams check and to confirm that one \
redirect URI is registered on it; without it the plan says it couldn't check.

Exit codes: 0 applied, nothing to change, or a plan shown (--dry-run, or no --yes); \
2 bad input, a failing Azure app check or a missing secret; 3 Nylas failed (run again: \
an integration made is found, never made twice); 130 stopped with Ctrl-C.";

#[derive(Subcommand)]
pub enum TeamsCommand {
    /// Create the Microsoft Teams integration of your Nylas v2 app (shows the plan; applies it with --yes).
    #[command(after_help = AFTER_HELP)]
    CreateIntegration(Box<CreateArgs>),
    /// Connect Nylas v2 accounts to the Teams integration: each account's user signs in once (resumable).
    #[command(after_help = crate::teams_auth_cmd::AFTER_HELP)]
    Auth(Box<crate::teams_auth_cmd::AuthArgs>),
}

#[derive(clap::Args)]
pub struct CreateArgs {
    /// Where your Nylas v2 application lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// Your Azure app's Application (client) ID.
    #[arg(long, value_name = "ID")]
    client_id: String,
    /// A Directory (tenant) ID or verified domain (your organization only), or common (any organization).
    #[arg(long, value_name = "T")]
    tenant: String,
    /// Where Nylas may send users back (repeat for more; at least one must be on your Azure app).
    /// Default: the region's beta callback and this wizard's http://localhost:47616/nylas-wizard/teams-callback.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// The integration's name.
    #[arg(long, value_name = "N")]
    name: Option<String>,
    /// The integration's token lifetime in seconds (more than 60, less than 315360000; default 1209600).
    #[arg(long, value_name = "S")]
    expires_in: Option<u64>,
    /// Your Nylas v2 application's client ID (default: NYLAS_CLIENT_ID).
    #[arg(long, value_name = "ID")]
    nylas_client_id: Option<String>,
    /// Nylas beta base URL (default https://beta.us.nylas.com or https://beta.eu.nylas.com; https, or http on this computer only).
    #[arg(long, value_name = "URL")]
    nylas_beta_base: Option<Url>,
    /// The Azure app's Teams check as JSON (`nylas-ms-setup check --path teams --format json`).
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Print the plan and send nothing (Nylas is only read).
    #[arg(long)]
    dry_run: bool,
    /// Apply without asking (including changing an existing integration).
    #[arg(long)]
    yes: bool,
    /// Where the record of applied steps is kept (default: this tool's data folder).
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(command: TeamsCommand) -> ExitCode {
    match command {
        TeamsCommand::CreateIntegration(args) => create_cmd(&args),
        TeamsCommand::Auth(args) => crate::teams_auth_cmd::run(*args),
    }
}

fn is_loopback(u: &Url) -> bool {
    matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// The beta host to call and a client that reaches it (a proxy can't
/// reach this machine's loopback, the sandbox).
fn beta_base(args: &CreateArgs, endpoints: &Endpoints) -> Result<(Url, HttpClient), WizardError> {
    let base = match &args.nylas_beta_base {
        Some(u) => {
            if !(u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u))) {
                return Err(WizardError::invalid_input(format!(
                    "--nylas-beta-base {u} must use https (http only for this computer)."
                )));
            }
            let mut u = u.clone();
            if !u.path().ends_with('/') {
                let p = format!("{}/", u.path());
                u.set_path(&p);
            }
            u
        }
        None => endpoints.nylas_beta(args.region).clone(),
    };
    let http = if is_loopback(&base) {
        HttpClient::direct(HttpConfig::default())?
    } else {
        HttpClient::new(HttpConfig::default())?
    };
    Ok((base, http))
}

fn read_audit(path: &std::path::Path) -> Result<AuditReport, WizardError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        WizardError::invalid_input(format!("{} can't be read: {e}.", path.display()))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        WizardError::invalid_input(format!(
            "{} isn't the JSON of a check: {e}.",
            path.display()
        ))
        .with_hint("Make it with nylas-ms-setup check --path teams --format json.")
    })
}

struct Ready {
    input: TeamsInput,
    client: BetaClient,
    azure_secret: SecretString,
    redirect: RedirectCheck,
}

/// Everything checked before Nylas is called (the tenant look-up aside).
fn prepare(
    args: &CreateArgs,
    runtime: &tokio::runtime::Runtime,
    cancel: &CancellationToken,
) -> Result<Ready, WizardError> {
    let endpoints = Endpoints::from_env()?;
    let (base, http) = beta_base(args, &endpoints)?;
    let facts = match &args.audit {
        Some(p) => {
            let report = read_audit(p)?;
            if report.path != wizard_core::paths::AuditPath::Teams {
                return Err(WizardError::invalid_input(format!(
                    "{} is a check for another path, not Teams.",
                    p.display()
                ))
                .with_hint("Check the app with --path teams."));
            }
            teams_gate(Some(&report), None, true)?
        }
        None => teams_gate(None, None, false)?,
    };
    let nylas_client_id = args
        .nylas_client_id
        .clone()
        .or_else(|| std::env::var("NYLAS_CLIENT_ID").ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::SecretNotFound,
                "No Nylas v2 client ID was given.",
            )
            .with_hint("Set NYLAS_CLIENT_ID in the environment, or pass --nylas-client-id.")
        })?;
    let uris = if args.redirect_uris.is_empty() {
        default_redirect_uris(args.region, DEFAULT_TEAMS_CALLBACK_PORT)
    } else {
        args.redirect_uris.clone()
    };
    // Checked before the look-up and the keychain: bad input is said first.
    let check = |tenant: &str| {
        TeamsInput::new(
            args.region,
            args.name.as_deref(),
            &args.client_id,
            tenant,
            &uris,
            args.expires_in,
        )
    };
    let placeholder = if args.tenant.trim().eq_ignore_ascii_case("common") {
        "common"
    } else {
        "00000000-0000-0000-0000-000000000000"
    };
    check(placeholder)?;
    let nylas_secret = secret(
        "NYLAS_CLIENT_SECRET",
        SecretName::NylasV2ClientSecret,
        "Nylas v2 client secret",
    )?;
    let azure_secret = secret(
        "AZURE_CLIENT_SECRET",
        SecretName::AzureClientSecret,
        "Azure app client secret",
    )?;
    let tenant = runtime.block_on(resolve_tenant(&http, &endpoints, &args.tenant, cancel))?;
    let input = check(&tenant)?;
    let redirect = RedirectCheck::of(&input.redirect_uris, &facts);
    redirect.require()?;
    let client = BetaClient::at(&http, base, args.region, &nylas_client_id, &nylas_secret);
    Ok(Ready {
        input,
        client,
        azure_secret,
        redirect,
    })
}

fn create_cmd(args: &CreateArgs) -> ExitCode {
    let format = args.output.format;
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
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let r = match prepare(args, &runtime, &cancel) {
        Ok(r) => r,
        Err(e) if e.code == ErrorCode::InvalidInput || e.code == ErrorCode::SecretNotFound => {
            return output::bad_input(&e, format)
        }
        Err(e) => return failed(&e, format),
    };
    let journal_dir = args.journal_dir.clone().unwrap_or_else(default_journal_dir);
    let plan = match runtime.block_on(plan_teams(
        &r.client,
        &r.input,
        &r.azure_secret,
        &journal_dir,
        &cancel,
    )) {
        Ok(p) => p,
        Err(e) => return failed(&e, format),
    };
    let redirect_note = r.redirect.sentence();
    if format == Format::Text {
        print!("{}", plan_text(&plan, r.input.region));
        println!("\nRedirect URIs: {redirect_note}");
    }
    let stop = |applied: Option<&ApplyReport>, note: &str| {
        if format == Format::Json {
            output::print_json(&json!({
                "plan": plan,
                "redirect_uris": r.input.redirect_uris,
                "redirect_check": redirect_note,
                "applied": applied.is_some(),
                "report": applied,
            }));
        } else {
            println!("\n{note}");
        }
    };
    if args.dry_run {
        stop(None, "Dry run: nothing was sent to Nylas.");
        return ExitCode::SUCCESS;
    }
    if !plan.changes_anything() {
        stop(
            None,
            "Nothing to change: the Teams integration is already set up as planned.",
        );
        return ExitCode::SUCCESS;
    }
    if !args.yes && !confirmed() {
        stop(
            None,
            "Nothing was changed. Run again with --yes to apply it.",
        );
        return ExitCode::SUCCESS;
    }
    // The admin saw the differences and said yes (or --yes).
    let options = ApplyOptions {
        confirm_update: plan.steps.iter().any(|s| s.action == StepAction::Update),
    };
    let progress = print_progress(&plan);
    let report = match runtime.block_on(apply_teams(
        &r.client,
        &r.input,
        &r.azure_secret,
        &plan,
        &journal_dir,
        options,
        &progress,
        &cancel,
    )) {
        Ok(rep) => rep,
        Err(e) => return failed(&e, format),
    };
    if report.cancelled {
        stop(
            Some(&report),
            "Stopped. Run the same command again to finish: an integration made is found, never made twice.",
        );
        return ExitCode::from(130);
    }
    if let Some(e) = report.first_error() {
        return failed(e, format);
    }
    let id = report
        .steps
        .first()
        .and_then(|s| s.ids.first())
        .map(|id| format!(" Integration ID: {id}."))
        .unwrap_or_default();
    stop(
        Some(&report),
        &format!("Done: the Microsoft Teams integration is in place.{id}"),
    );
    ExitCode::SUCCESS
}
