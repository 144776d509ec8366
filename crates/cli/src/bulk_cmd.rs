//! `nylas-ms-setup bulk …`: path E, many tenants and mailboxes at once
//! (issue 12), with the same core as the window (`wizard_core::bulk`).
//!
//! - `bulk credentials --tenants FILE`: one admin-consent credential per
//!   tenant of the CSV (`tenant,name[,admin_email]`); existing ones (by
//!   name) are reused, `--dry-run` prints the plan.
//! - `bulk consent-links --tenants FILE --redirect-uri URI`: the admin-consent
//!   link of each tenant's credential, to open or send to its admin.
//! - `bulk grants --users FILE [--tenants FILE]`: one grant per mailbox of
//!   the CSV (`email[,tenant]`) through its tenant's credential.
//!
//! Runs are journalled line by line (no secrets), so a stopped, crashed or
//! killed run started again skips what is done and creates nothing twice.
//! Exit codes: 0 everything done, 1 some items failed (listed; also in
//! `--failures FILE`), 2 bad input (bad CSV rows are listed and nothing is
//! sent), 3 Nylas failed as a whole (e.g. the key), 130 stopped with Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;
use url::Url;
use wizard_core::bulk::{
    self, BulkOptions, ConsentJournal, CredentialsInput, GrantsInput, RowProblem, TenantRow,
};
use wizard_core::regions::Region;
use wizard_core::secrets::SecretName;
use wizard_core::WizardError;

mod report;
mod session;

use report::{bad_rows, finish, links_text, progress_printer};
use session::Session;

use crate::connector_cmd::{default_journal_dir, plan_text, secret};
use crate::live_cmd::failed;
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

/// A tenants or users file larger than this is refused (500 000 rows of
/// a long address fit).
const MAX_CSV_BYTES: usize = 32 * 1024 * 1024;

pub const AFTER_HELP: &str = "\
Secrets: NYLAS_API_KEY (and AZURE_CLIENT_SECRET with --client-id) are read from \
the environment, else from this computer's keychain (where the desktop wizard \
keeps them). They are only ever sent to Nylas, never printed or journalled.

Exit codes: 0 everything done (or the plan shown with --dry-run); 1 some items \
failed (each with its reason; run again to retry them), or for consent-links some \
tenants have no credential yet; 2 bad input (bad CSV rows \
are listed, nothing is sent) or a missing secret; 3 Nylas failed as a whole; \
130 stopped with Ctrl-C (run again: finished items are skipped, nothing is \
created twice).";

#[derive(Subcommand)]
pub enum BulkCommand {
    /// Create one admin-consent credential per tenant of a CSV (tenant,name[,admin_email]).
    #[command(after_help = AFTER_HELP)]
    Credentials(Box<CredentialsArgs>),
    /// Print each tenant's admin-consent link (run `bulk credentials` first).
    #[command(after_help = AFTER_HELP)]
    ConsentLinks(Box<ConsentLinksArgs>),
    /// Connect mailboxes from a CSV (email[,tenant]) through their tenant's credential.
    #[command(after_help = AFTER_HELP)]
    Grants(Box<GrantsArgs>),
}

/// Where Nylas is: shared by the three commands.
#[derive(clap::Args)]
pub struct NylasArgs {
    /// Where your Nylas application lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// Nylas API base URL (for support and tests; https, or http on this computer only).
    #[arg(long, value_name = "URL")]
    nylas_base: Option<Url>,
}

/// How a batch runs: shared by `credentials` and `grants`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// How many requests are in flight at once (1–32).
    #[arg(long, value_name = "N", default_value_t = 8,
        value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// At most this many requests a second (1–50; Nylas allows 50 per application).
    #[arg(long, value_name = "N", default_value_t = 48,
        value_parser = clap::value_parser!(u32).range(1..=50))]
    rate: u32,
    /// The record of finished items (JSON lines, no secrets) that lets a run
    /// resume; default: this tool's data folder, one per Nylas application.
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    /// Write the failed items (key,label,reason) to this CSV file.
    #[arg(long, value_name = "FILE")]
    failures: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CredentialsArgs {
    /// The tenants: CSV with a header row, columns tenant,name[,admin_email].
    #[arg(long, value_name = "FILE")]
    tenants: PathBuf,
    #[command(flatten)]
    nylas: NylasArgs,
    /// Your Azure app's client ID, for credentials that carry their own app
    /// (its secret from AZURE_CLIENT_SECRET); left out, Nylas uses the
    /// connector's.
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Print the plan and send nothing (Nylas is only read).
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: OutputArg,
}

/// `--format` for `consent-links`: the shared two, plus CSV.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "lowercase")]
pub enum LinksFormat {
    /// For people: each tenant with its link.
    Text,
    /// For scripts: {"links": [{tenant, name, admin_email, credential_id, url}], "missing": […]}.
    Json,
    /// tenant,name,admin_email,credential_id,consent_url: to send to each tenant's admin.
    Csv,
}

#[derive(clap::Args)]
pub struct ConsentLinksArgs {
    /// The tenants: CSV with a header row, columns tenant,name[,admin_email].
    #[arg(long, value_name = "FILE")]
    tenants: PathBuf,
    #[command(flatten)]
    nylas: NylasArgs,
    /// Where Nylas sends the admin after consent (one of your Nylas
    /// application's callback URIs).
    #[arg(long, value_name = "URI")]
    redirect_uri: Url,
    /// Output.
    #[arg(long, value_name = "FORMAT", default_value = "text",
        value_parser = enum_value::<LinksFormat>(), ignore_case = true)]
    format: LinksFormat,
}

#[derive(clap::Args)]
pub struct GrantsArgs {
    /// The mailboxes: CSV with a header row, columns email[,tenant].
    #[arg(long, value_name = "FILE")]
    users: PathBuf,
    /// The tenants file of `bulk credentials`, to match a mailbox to its
    /// tenant by the admin's domain too.
    #[arg(long, value_name = "FILE")]
    tenants: Option<PathBuf>,
    #[command(flatten)]
    nylas: NylasArgs,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(command: BulkCommand) -> ExitCode {
    match command {
        BulkCommand::Credentials(args) => credentials_cmd(&args),
        BulkCommand::ConsentLinks(args) => consent_links_cmd(&args),
        BulkCommand::Grants(args) => grants_cmd(&args),
    }
}

/// Why a command stopped before its run: bad input (2) or Nylas (3).
enum Stop {
    Input(WizardError),
    BadRows(String, Vec<RowProblem>),
    Remote(WizardError),
}

impl Stop {
    fn exit(self, format: Format) -> ExitCode {
        match self {
            Stop::Input(e) => output::bad_input(&e, format),
            Stop::Remote(e) => failed(&e, format),
            Stop::BadRows(file, rows) => bad_rows(&file, &rows, format),
        }
    }
}

fn read_text(path: &Path, what: &str) -> Result<String, Stop> {
    let bytes = crate::input::read_file_limited(path, MAX_CSV_BYTES).map_err(|e| {
        Stop::Input(
            WizardError::io(&format!("read the {what} file {}", path.display()), &e)
                .with_hint("Check the path; the file is CSV with a header row."),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Stop::Input(
            WizardError::invalid_input(format!("The {what} file isn't UTF-8 text."))
                .with_hint("Save it again as CSV UTF-8."),
        )
    })
}

fn read_tenants(path: &Path) -> Result<Vec<TenantRow>, Stop> {
    let file = bulk::parse_tenants_csv(&read_text(path, "tenants")?).map_err(Stop::Input)?;
    if !file.problems.is_empty() {
        return Err(Stop::BadRows(path.display().to_string(), file.problems));
    }
    if file.tenants.is_empty() {
        return Err(Stop::Input(
            WizardError::invalid_input(format!("{} lists no tenants.", path.display()))
                .with_hint("Add one row per tenant under the header tenant,name[,admin_email]."),
        ));
    }
    Ok(file.tenants)
}

fn options(run: &RunArgs) -> BulkOptions {
    BulkOptions {
        concurrency: usize::from(run.concurrency),
        requests_per_second: run.rate,
    }
}

fn credentials_cmd(args: &CredentialsArgs) -> ExitCode {
    let format = args.output.format;
    match credentials(args) {
        Ok(code) => code,
        Err(stop) => stop.exit(format),
    }
}

fn credentials(args: &CredentialsArgs) -> Result<ExitCode, Stop> {
    let format = args.output.format;
    let tenants = read_tenants(&args.tenants)?;
    let azure_client_secret = match &args.client_id {
        Some(_) => Some(
            secret(
                "AZURE_CLIENT_SECRET",
                SecretName::AzureClientSecret,
                "Azure app client secret",
            )
            .map_err(Stop::Input)?,
        ),
        None => None,
    };
    let input = CredentialsInput {
        tenants,
        azure_client_id: args.client_id.clone(),
        azure_client_secret,
    };
    let s = Session::new(&args.nylas)?;
    let nylas = s.admin()?;
    if args.dry_run {
        let plan = s
            .runtime
            .block_on(bulk::plan_credentials(&nylas, &input, &s.cancel))
            .map_err(Stop::Remote)?;
        match format {
            Format::Json => output::print_json(&json!({ "dry_run": true, "plan": plan })),
            Format::Text => {
                print!("{}", plan_text(&plan, s.region));
                println!("\nDry run: nothing was sent to Nylas.");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let journal = s.journal(&args.run.journal, "credentials")?;
    let progress = progress_printer();
    let summary = s
        .runtime
        .block_on(bulk::run_credentials(
            &nylas,
            &input,
            &options(&args.run),
            &journal,
            &progress,
            &s.cancel,
        ))
        .map_err(Stop::Remote)?;
    Ok(finish(
        &summary,
        &journal,
        args.run.failures.as_deref(),
        format,
    ))
}

fn grants_cmd(args: &GrantsArgs) -> ExitCode {
    let format = args.output.format;
    match grants(args) {
        Ok(code) => code,
        Err(stop) => stop.exit(format),
    }
}

fn grants(args: &GrantsArgs) -> Result<ExitCode, Stop> {
    let format = args.output.format;
    let users = bulk::parse_users_csv(&read_text(&args.users, "users")?).map_err(Stop::Input)?;
    if !users.problems.is_empty() {
        return Err(Stop::BadRows(
            args.users.display().to_string(),
            users.problems,
        ));
    }
    if users.users.is_empty() {
        return Err(Stop::Input(
            WizardError::invalid_input(format!("{} lists no mailboxes.", args.users.display()))
                .with_hint("Add one row per mailbox under the header email[,tenant]."),
        ));
    }
    let tenants = match &args.tenants {
        Some(p) => read_tenants(p)?,
        None => Vec::new(),
    };
    let input = GrantsInput {
        users: users.users,
        tenants,
    };
    let s = Session::new(&args.nylas)?;
    let nylas = s.admin()?;
    let journal = s.journal(&args.run.journal, "grants")?;
    let progress = progress_printer();
    let summary = s
        .runtime
        .block_on(bulk::run_grants(
            &nylas,
            &input,
            &options(&args.run),
            &journal,
            &progress,
            &s.cancel,
        ))
        .map_err(Stop::Remote)?;
    Ok(finish(
        &summary,
        &journal,
        args.run.failures.as_deref(),
        format,
    ))
}

fn consent_links_cmd(args: &ConsentLinksArgs) -> ExitCode {
    let format = match args.format {
        LinksFormat::Json => Format::Json,
        _ => Format::Text,
    };
    match consent_links(args) {
        Ok(code) => code,
        Err(stop) => stop.exit(format),
    }
}

fn consent_links(args: &ConsentLinksArgs) -> Result<ExitCode, Stop> {
    let tenants = read_tenants(&args.tenants)?;
    let s = Session::new(&args.nylas)?;
    let nylas = s.admin()?;
    let app = s.application()?;
    let creds = s
        .runtime
        .block_on(bulk::existing_credentials(&nylas, &s.cancel))
        .map_err(Stop::Remote)?;
    let redirect = args.redirect_uri.as_str();
    let registered = app.callback_uris.iter().any(|c| c.url == redirect);
    if !registered {
        eprintln!(
            "Note: {redirect} isn't one of your Nylas application's callback URIs; Nylas \
             refuses the links until it is (add it in the Nylas Dashboard, or with \
             `nylas-ms-setup connector apply --callback {redirect}`)."
        );
    }
    let links = bulk::consent_links(
        s.endpoints.nylas(s.region),
        &app.application_id,
        redirect,
        &creds,
        &tenants,
    );
    // Each link's state, kept so a redirect pasted later is checked
    // against it; losing it only costs that check.
    let dir = default_journal_dir();
    let mut states = ConsentJournal::load(&dir);
    states.remember(&links);
    if let Err(e) = states.save(&dir) {
        eprintln!("Note: the links' states weren't kept: {}", e.message);
    }
    let missing: Vec<&TenantRow> = tenants
        .iter()
        .filter(|t| !links.iter().any(|l| l.tenant == t.tenant))
        .collect();
    let missing_reason = "No credential yet: run `nylas-ms-setup bulk credentials` first.";
    match args.format {
        LinksFormat::Json => output::print_json(&json!({
            "links": links,
            "missing": missing.iter().map(|t| json!({
                "row": t.row, "tenant": t.tenant, "name": t.name, "reason": missing_reason,
            })).collect::<Vec<_>>(),
            "redirect_uri_registered": registered,
        })),
        LinksFormat::Csv => print!("{}", bulk::consent_links_csv(&links)),
        LinksFormat::Text => print!("{}", links_text(&links)),
    }
    for t in &missing {
        eprintln!("{} ({}): {missing_reason}", t.name, t.tenant);
    }
    Ok(if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
