//! `nylas-ms-setup connector apply …`: configure the Nylas v3 Microsoft
//! connector, the application's callback URIs and one credential per
//! additional tenant (path A), with the same plan/apply engine as the
//! window. Reads what Nylas has, prints the plan (method, path, body with
//! secrets shown as •••), and applies it only with `--yes` or a yes on the
//! terminal. Progress goes to stderr; a run that stopped resumes safely.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::{apply_configure, plan_configure, ConfigureInput, ConfigureSecrets};
use wizard_core::paths::AuditPath;
use wizard_core::plan::{ApplyReport, Plan, ProgressEvent, StepAction, StepState};
use wizard_core::regions::Region;
use wizard_core::scopes::{self, Feature, Preset};
use wizard_core::secrets::{KeyringSecretStore, SecretName, SecretStore};
use wizard_core::{ErrorCode, WizardError};

use crate::live_cmd::failed;
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

pub const AFTER_HELP: &str = "\
Secrets: NYLAS_API_KEY and AZURE_CLIENT_SECRET are read from the environment, \
else from this computer's keychain (where the desktop wizard keeps them). \
They are only ever sent to Nylas, never printed.

Exit codes: 0 applied, nothing to change, or a plan shown (--dry-run, or no --yes); \
2 bad input or a missing secret; 3 Nylas failed (run again: finished steps are \
found done, nothing is created twice); 130 stopped with Ctrl-C.";

#[derive(Subcommand)]
pub enum ConnectorCommand {
    /// Configure the Microsoft connector, callback URIs and tenant credentials (shows the plan; applies it with --yes).
    #[command(after_help = AFTER_HELP)]
    Apply(Box<ApplyArgs>),
}

#[derive(clap::Args)]
pub struct ApplyArgs {
    /// Where your Nylas application lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// Your Azure app's Application (client) ID.
    #[arg(long, value_name = "ID")]
    client_id: String,
    /// The connector's tenant: a Directory (tenant) ID, a domain, or common.
    #[arg(long, value_name = "T")]
    tenant: String,
    /// A ready-made feature set.
    #[arg(long, value_name = "NAME", conflicts_with = "features", required_unless_present = "features",
        value_parser = enum_value::<Preset>(), ignore_case = true)]
    preset: Option<Preset>,
    /// Comma-separated features, e.g. mail-read,mail-send,calendar-write.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = enum_value::<Feature>(), ignore_case = true)]
    features: Vec<Feature>,
    /// A callback URI of your app to register with Nylas (repeat for more).
    #[arg(long = "callback", value_name = "URI")]
    callbacks: Vec<String>,
    /// Another tenant whose users sign in through this app: its own connector credential (repeat for more).
    #[arg(long = "additional-tenant", value_name = "T")]
    additional_tenants: Vec<String>,
    /// Nylas API base URL (for support and tests; https, or http on this computer only).
    #[arg(long, value_name = "URL")]
    nylas_base: Option<Url>,
    /// Print the plan and send nothing (Nylas is only read).
    #[arg(long)]
    dry_run: bool,
    /// Apply without asking.
    #[arg(long)]
    yes: bool,
    /// Where the record of applied steps is kept (default: this tool's data folder).
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(command: ConnectorCommand) -> ExitCode {
    match command {
        ConnectorCommand::Apply(args) => apply_cmd(&args),
    }
}

/// The checked input: scopes from the same scope plan as the window.
fn input(args: &ApplyArgs) -> Result<ConfigureInput, WizardError> {
    let plan = scopes::plan(AuditPath::V3, args.preset, &args.features)?;
    ConfigureInput::new(
        args.region,
        &args.client_id,
        &args.tenant,
        &plan.scope_names,
        &args.callbacks,
        &args.additional_tenants,
    )
}

pub(crate) fn secret(var: &str, name: SecretName, what: &str) -> Result<SecretString, WizardError> {
    if let Some(v) = std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
        return Ok(SecretString::from(v.trim().to_owned()));
    }
    let keychain = KeyringSecretStore::new();
    keychain.get(name.as_str()).map_err(|_| {
        WizardError::new(ErrorCode::SecretNotFound, format!("No {what} was given.")).with_hint(
            format!("Set {var} in the environment, or save it in the desktop wizard first."),
        )
    })
}

fn endpoints(args: &ApplyArgs) -> Result<(Endpoints, HttpClient), WizardError> {
    let mut endpoints = Endpoints::from_env()?;
    if let Some(u) = &args.nylas_base {
        let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !(u.scheme() == "https" || (u.scheme() == "http" && loopback)) {
            return Err(WizardError::invalid_input(format!(
                "--nylas-base {u} must use https (http only for this computer)."
            )));
        }
        let mut u = u.clone();
        if !u.path().ends_with('/') {
            let p = format!("{}/", u.path());
            u.set_path(&p);
        }
        match args.region {
            Region::Us => endpoints.nylas_us = u,
            Region::Eu => endpoints.nylas_eu = u,
        }
    }
    // A proxy can't reach this machine's loopback (the sandbox).
    let base = endpoints.nylas(args.region);
    let http = if matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
        HttpClient::direct(HttpConfig::default())?
    } else {
        HttpClient::new(HttpConfig::default())?
    };
    Ok((endpoints, http))
}

/// The desktop wizard's data folder, `cli` inside it.
pub(crate) fn default_journal_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    };
    base.unwrap_or_else(std::env::temp_dir)
        .join("com.nylas.ms-setup-wizard")
        .join("cli")
}

fn action_word(a: StepAction) -> &'static str {
    match a {
        StepAction::Create => "create",
        StepAction::Update => "update",
        StepAction::NothingToDo => "nothing to do",
    }
}

pub(crate) fn plan_text(plan: &Plan, region: Region) -> String {
    let mut out = format!("{} ({} region):\n", plan.title, region.label());
    for (i, s) in plan.steps.iter().enumerate() {
        out += &format!("\n{}. [{}] {}\n", i + 1, action_word(s.action), s.summary);
        for c in &s.changes {
            out += &format!("     {}: {} → {}\n", c.field, c.before, c.after);
        }
        if s.action != StepAction::NothingToDo {
            out += &format!("     Safety: {}\n", s.safety);
        }
        if let Some(r) = &s.request {
            out += &format!("     {} {}\n", r.method, r.path);
            if let Some(b) = &r.body {
                for line in serde_json::to_string_pretty(b).unwrap_or_default().lines() {
                    out += &format!("       {line}\n");
                }
            }
        }
        for (n, u) in s.undo.iter().enumerate() {
            let label = if n == 0 { "To undo:" } else { "        " };
            out += &format!("     {label} {u}\n");
        }
    }
    out
}

pub(crate) fn confirmed() -> bool {
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

/// One line per step state on stderr (stdout keeps the result).
pub(crate) fn print_progress(plan: &Plan) -> impl Fn(ProgressEvent) + Send + Sync + '_ {
    move |e: ProgressEvent| {
        let n = format!("[{}/{}]", e.index + 1, e.total);
        let summary = plan.step(&e.key).map(|s| s.summary.as_str()).unwrap_or("");
        match e.state {
            StepState::Started => eprintln!("→ {n} {summary}"),
            StepState::Retrying { attempt, wait_ms } => eprintln!(
                "… {n} a call to Nylas failed for now (try {attempt}); trying again in {:.1} s",
                wait_ms as f64 / 1000.0
            ),
            StepState::Done { outcome } => {
                eprintln!(
                    "✓ {n} {}",
                    serde_json::to_value(outcome)
                        .unwrap_or_default()
                        .as_str()
                        .unwrap_or("done")
                        .replace('_', " ")
                )
            }
            StepState::Failed { error } => eprintln!("✗ {n} {}", error.message),
            StepState::Cancelled => eprintln!("■ {n} stopped"),
        }
    }
}

fn apply_cmd(args: &ApplyArgs) -> ExitCode {
    let format = args.output.format;
    let input = match input(args) {
        Ok(i) => i,
        Err(e) => return output::bad_input(&e, format),
    };
    let (endpoints, http) = match endpoints(args) {
        Ok(x) => x,
        Err(e) => return output::bad_input(&e, format),
    };
    let secrets = match (|| {
        Ok::<_, WizardError>(ConfigureSecrets {
            api_key: secret("NYLAS_API_KEY", SecretName::NylasApiKey, "Nylas API key")?,
            client_secret: secret(
                "AZURE_CLIENT_SECRET",
                SecretName::AzureClientSecret,
                "Azure app client secret",
            )?,
        })
    })() {
        Ok(s) => s,
        Err(e) => return output::bad_input(&e, format),
    };
    let journal_dir = args.journal_dir.clone().unwrap_or_else(default_journal_dir);
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
    let plan = match runtime.block_on(plan_configure(
        &http,
        &endpoints,
        &input,
        &secrets,
        &journal_dir,
        &cancel,
    )) {
        Ok(p) => p,
        Err(e) => return failed(&e, format),
    };
    if format == Format::Text {
        print!("{}", plan_text(&plan, input.region));
    }
    let stop = |applied: Option<&ApplyReport>, note: &str| {
        if format == Format::Json {
            output::print_json(
                &json!({ "plan": plan, "applied": applied.is_some(), "report": applied }),
            );
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
            "Nothing to change: Nylas is already set up as planned.",
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
    let progress = print_progress(&plan);
    let report = match runtime.block_on(apply_configure(
        &http,
        &endpoints,
        &input,
        &secrets,
        &plan,
        &journal_dir,
        &progress,
        &cancel,
    )) {
        Ok(r) => r,
        Err(e) => return failed(&e, format),
    };
    if report.cancelled {
        stop(
            Some(&report),
            "Stopped. Run the same command again to finish: what was done is found done.",
        );
        return ExitCode::from(130);
    }
    if let Some(e) = report.first_error() {
        if format == Format::Text {
            println!("\nNylas is partly configured; run the same command again to finish.");
        }
        return failed(e, format);
    }
    stop(
        Some(&report),
        &format!("Done: {} change(s) applied.", report.writes()),
    );
    ExitCode::SUCCESS
}
