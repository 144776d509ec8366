//! `nylas-ms-setup app create --live …`: register the Azure app Nylas needs.
//!
//! Signs the admin in with a device code asking for
//! `Application.ReadWrite.All` (and says why), prints the plan in plain
//! words and the exact JSON that will be sent, creates only with `--yes`
//! or a yes on the terminal, then prints what was done and the live check
//! of the new app. Each call is printed on stderr as it happens. Running it again creates nothing: the app is found by
//! its name or the wizard's marker and reused (fixed if needed).
//!
//! The client secret goes to the OS keychain. Without one (or with
//! `--no-keychain`) it is printed once on stdout after a warning on
//! stderr; it is never written anywhere else.
//!
//! Exit codes: 0 created (or reused) and every check the configuration can
//! satisfy passes, 1 a check still fails, 2 bad input, 3 sign-in or
//! Microsoft Graph failed.

use std::process::ExitCode;

use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;
use url::Url;
use wizard_core::answers::{AnswerUpdate, Answers};
use wizard_core::audit::{AuditRequest, Tenancy};
use wizard_core::microsoft::create_app::{
    create_or_resume, default_display_name, find_existing, fixes_for, plan_app, AppPlan, CallState,
    CreateOutcome, CreateProgress, SecretOutcome,
};
use wizard_core::microsoft::{Access, DEFAULT_CLIENT_ID};
use wizard_core::paths::{AuditPath, PathId};
use wizard_core::regions::Region;
use wizard_core::scopes::{Feature, Preset};
use wizard_core::secrets::{KeyringSecretStore, MemorySecretStore, SecretName, SecretStore};
use wizard_core::WizardError;

use crate::live_cmd::{failed, LiveArgs, Session};
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

#[derive(Subcommand)]
pub enum AppCommand {
    /// Register a new Azure app for Nylas (shows the plan; creates it with --yes).
    Create(Box<CreateArgs>),
}

#[derive(clap::Args)]
pub struct CreateArgs {
    /// Sign in to Microsoft with a code and create the app there (required: there is no offline mode).
    #[arg(long, required = true)]
    live: bool,
    /// Your Directory (tenant) ID or a verified domain.
    #[arg(long, value_name = "ID")]
    tenant: String,
    /// The app's name (default: "Nylas – <your organization>").
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// What you are setting up: v3 or teams.
    #[arg(long, value_name = "PATH", value_parser = enum_value::<AuditPath>(), ignore_case = true)]
    path: AuditPath,
    /// A ready-made feature set.
    #[arg(long, value_name = "NAME", conflicts_with = "features", required_unless_present = "features",
        value_parser = enum_value::<Preset>(), ignore_case = true)]
    preset: Option<Preset>,
    /// Comma-separated features, e.g. mail-read,mail-send,calendar-write.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = enum_value::<Feature>(), ignore_case = true)]
    features: Vec<Feature>,
    /// Where your Nylas data lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// Who may sign in: your organization only, or any organization.
    #[arg(long, value_name = "KIND", value_parser = enum_value::<Tenancy>(), ignore_case = true)]
    tenancy: Tenancy,
    /// One of your own callback URIs (registered with Nylas, not Microsoft; repeat for more).
    #[arg(long = "callback", value_name = "URI")]
    callbacks: Vec<String>,
    /// How long the client secret lasts, in days (1 to 730).
    #[arg(long, value_name = "N", default_value_t = 365)]
    secret_expiry_days: u32,
    /// Create without asking.
    #[arg(long)]
    yes: bool,
    /// Don't use the OS keychain: print the new client secret once on stdout.
    #[arg(long)]
    no_keychain: bool,
    /// The public client used to sign you in (default: Microsoft Graph Command Line Tools).
    #[arg(long, value_name = "ID", default_value = DEFAULT_CLIENT_ID)]
    sign_in_client_id: String,
    /// Microsoft sign-in base URL (for support and tests).
    #[arg(long, value_name = "URL", env = "NYLAS_WIZARD_URL_MICROSOFT_LOGIN")]
    login_base: Option<Url>,
    /// Microsoft Graph base URL (for support and tests).
    #[arg(long, value_name = "URL", env = "NYLAS_WIZARD_URL_GRAPH")]
    graph_base: Option<Url>,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(command: AppCommand) -> ExitCode {
    match command {
        AppCommand::Create(args) => create(&args),
    }
}

/// The answers, checked by the same code as in the window.
fn request(args: &CreateArgs) -> Result<AuditRequest, WizardError> {
    let path = PathId::from(args.path);
    let on = Some(path);
    let mut a = Answers::default();
    if let Some(p) = args.preset {
        a.apply(on, AnswerUpdate::Preset(p))?;
    }
    if !args.features.is_empty() {
        a.replace_features(path, &args.features)?;
    }
    a.apply(on, AnswerUpdate::Region(args.region))?;
    a.apply(on, AnswerUpdate::Tenancy(Some(args.tenancy)))?;
    // A multitenant app is signed in to through `common`; only a
    // single-tenant one names its tenant.
    if args.tenancy == Tenancy::Single {
        a.apply(on, AnswerUpdate::Tenant(Some(args.tenant.clone())))?;
    }
    if !args.callbacks.is_empty() {
        a.apply(on, AnswerUpdate::CallbackUris(args.callbacks.clone()))?;
    }
    a.audit_request(path)
}

/// The OS keychain if it answers, else memory (and the secret is printed
/// once).
fn secret_store(args: &CreateArgs) -> (Box<dyn SecretStore>, bool) {
    if !args.no_keychain {
        let keychain = KeyringSecretStore::new();
        if keychain.probe().is_ok() {
            return (Box::new(keychain), true);
        }
    }
    (Box::new(MemorySecretStore::new()), false)
}

fn plan_text(plan: &AppPlan, reused: Option<&serde_json::Value>, req: &AuditRequest) -> String {
    let mut out = String::new();
    if let Some(app) = reused {
        out += &format!(
            "An app named \"{}\" (client ID {}) is already registered: it will be reused instead of creating a second one.\n",
            app["displayName"].as_str().unwrap_or_default(),
            app["appId"].as_str().unwrap_or_default()
        );
        match fixes_for(app, req) {
            Ok(fixes) if fixes.is_empty() => out += "Its settings already match the plan.\n",
            Ok(fixes) => {
                out += "These changes will be made to it:\n";
                for step in &fixes.steps {
                    out += &format!(
                        "  • {}\n      now: {}\n    after: {}\n",
                        step.title, step.before, step.after
                    );
                }
            }
            Err(e) => {
                out += &format!(
                    "Its settings couldn't be compared with the plan: {}\n",
                    e.message
                )
            }
        }
        out += "Its enterprise application and a client secret are added only if missing.\n\n";
    }
    out += "The app that will be registered:\n";
    for line in &plan.lines {
        out += &format!("  • {line}\n");
    }
    out += "\nSent to Microsoft Graph (POST /v1.0/applications):\n";
    out += &serde_json::to_string_pretty(&plan.body).unwrap_or_default();
    out += "\n";
    out
}

fn confirmed() -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("Create this app? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).is_ok()
        && matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

fn create(args: &CreateArgs) -> ExitCode {
    let format = args.output.format;
    let req = match request(args) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e, format),
    };
    // Refuse bad input (days, callbacks, v2) before anyone signs in.
    let name = args.name.clone().unwrap_or_default();
    if let Err(e) = plan_app(&req, &name, args.secret_expiry_days) {
        return output::bad_input(&e, format);
    }
    let live = LiveArgs {
        live: true,
        sign_in_client_id: args.sign_in_client_id.clone(),
        login_base: args.login_base.clone(),
        graph_base: args.graph_base.clone(),
    };
    let session = match Session::new(&live) {
        Ok(s) => s,
        Err(e) => return failed(&e, format),
    };
    eprintln!("Why you are asked to sign in: {}", Access::Create.why());
    let graph = match session.sign_in(&live, &args.tenant, Access::Create) {
        Ok(g) => g,
        Err(e) => return failed(&e, format),
    };
    let cancel = &session.cancel;
    let planned = session.runtime.block_on(async {
        let name = match args.name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => default_display_name(graph.organization(cancel).await?.display_name.as_deref()),
        };
        let plan = plan_app(&req, &name, args.secret_expiry_days)?;
        let existing = find_existing(&graph, &plan, cancel).await?;
        Ok::<_, WizardError>((plan, existing))
    });
    let (plan, existing) = match planned {
        Ok(p) => p,
        Err(e) => return failed(&e, format),
    };
    if format == Format::Text {
        print!("{}", plan_text(&plan, existing.as_ref(), &req));
    }
    if !args.yes && !confirmed() {
        if format == Format::Json {
            let reuses = existing.as_ref().map(|a| {
                json!({ "app_id": a["appId"], "object_id": a["id"], "display_name": a["displayName"] })
            });
            output::print_json(
                &json!({ "plan": plan, "reuses": reuses, "created": false, "applied": false }),
            );
        } else {
            println!("\nNothing was created. Run again with --yes to create it.");
        }
        return ExitCode::SUCCESS;
    }
    let (store, persistent) = secret_store(args);
    let outcome = match session.runtime.block_on(create_or_resume(
        &graph,
        &args.tenant,
        &plan,
        &req,
        store.as_ref(),
        cancel,
        &print_progress,
    )) {
        Ok(o) => o,
        Err(e) => return failed(&e, format),
    };
    report(&outcome, store.as_ref(), persistent, format)
}

/// Each call as it happens, on stderr (stdout keeps the result, and in
/// JSON mode only the result).
fn print_progress(event: CreateProgress) {
    let mark = match event.state {
        CallState::Started => "→",
        CallState::Done => "✓",
        CallState::Failed => "✗",
        CallState::Stopped => "■",
    };
    eprintln!("{mark} {}", event.text);
}

/// What was done, the secret (once, when there is no keychain) and the
/// live check; the exit code from the check.
fn report(
    outcome: &CreateOutcome,
    store: &dyn SecretStore,
    persistent: bool,
    format: Format,
) -> ExitCode {
    let new_secret = matches!(outcome.secret, SecretOutcome::Created { .. });
    let printed_once = new_secret && !persistent;
    let secret_stored = match (&outcome.secret, persistent) {
        (SecretOutcome::AlreadyThere, _) => "existing",
        (_, true) => "keychain",
        (_, false) => "printed-once",
    };
    let shown = if printed_once {
        eprintln!(
            "Warning: no keychain is available, so the new client secret is printed once on standard output. Copy it now into Nylas or your secret manager: it can't be shown again."
        );
        store
            .get(SecretName::AzureClientSecret.as_str())
            .ok()
            .map(|s| s.expose_secret().to_owned())
    } else {
        None
    };
    let unmet = outcome.unmet();
    let consent = outcome.admin_consent_to_grant();
    match format {
        Format::Json => {
            let mut v = json!({
                "app_id": outcome.app_id,
                "object_id": outcome.object_id,
                "tenant": outcome.tenant_id,
                "created": outcome.created,
                "secret_stored": secret_stored,
                "steps": outcome.steps,
                "unmet_checks": unmet,
                "admin_consent_to_grant": consent,
            });
            if let Some(secret) = &shown {
                v["client_secret"] = json!(secret);
            }
            output::print_json(&v);
        }
        Format::Text => {
            println!();
            for step in &outcome.steps {
                println!("  ✓ {step}");
            }
            println!("\nApplication (client) ID: {}", outcome.app_id);
            println!("Directory (tenant) ID: {}", outcome.tenant_id);
            if let Some(secret) = &shown {
                println!("Client secret (shown once): {secret}");
            } else if new_secret {
                println!("Client secret: stored in this computer's keychain.");
            }
            let s = &outcome.audit.report.summary;
            println!(
                "\nCheck of the app: {} passed, {} warnings, {} failed.",
                s.pass, s.warn, s.fail
            );
            if !consent.is_empty() {
                println!(
                    "{} needs an administrator's consent before anyone can connect: in the Azure portal, open the app's API permissions and click Grant admin consent (or use Grant admin consent now in the wizard's window).",
                    consent.join(", ")
                );
            }
            if unmet.is_empty() {
                println!("Everything its configuration can give is right.");
            } else {
                println!(
                    "Still not right: {}. Run `check --live` for the details.",
                    unmet
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
    }
    if unmet.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
