//! `nylas-ms-setup`: the wizard's core, headless.
//!
//! Exit codes (stable, for scripts): 0 success / nothing failed, 1 a check
//! failed (or the sandbox could not serve), 2 bad input or an unreadable
//! file, 3 a remote service failed (`check --live`, `fix`, `app create`,
//! `connector apply`, `bulk`; tested in cli_live.rs, cli_app_create.rs,
//! cli_connector.rs and cli_bulk.rs), 130 `connector apply` or `bulk`
//! stopped with Ctrl-C. `bulk credentials|grants` exit 1 when some items
//! failed (each listed with its reason).
//! With `--format json`, exit 2 also prints `{"error": {code, message,
//! hint?}}` on stdout (the plain message still goes to stderr).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod app_cmd;
mod bulk_cmd;
mod check_cmd;
mod connector_cmd;
mod diagnose_cmd;
mod input;
mod live_cmd;
mod migrate_cmd;
mod output;
mod sandbox_cmd;
mod summary_cmd;
mod teams_auth_cmd;
mod teams_cmd;
mod v2_cmd;
mod values;

#[derive(Parser)]
#[command(
    name = "nylas-ms-setup",
    version,
    about = "Set up Microsoft 365 / Outlook / Teams with Nylas, headless.",
    long_about = "Set up Microsoft 365 / Outlook / Teams with Nylas, headless.\n\n\
        The same checks as the Nylas Microsoft Setup Wizard desktop app, for scripts and automation."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the built-in sandbox: a local simulator of Microsoft and Nylas.
    Sandbox(sandbox_cmd::Args),
    /// Audit an Azure app registration manifest against what Nylas needs.
    Check(check_cmd::Args),
    /// Fix the live app registration (shows the plan; applies it with --yes).
    Fix(FixArgs),
    /// Azure app registrations: `app create --live …` registers the app Nylas needs.
    App {
        #[command(subcommand)]
        command: app_cmd::AppCommand,
    },
    /// Nylas v3: `connector apply …` configures the Microsoft connector, callback URIs and tenant credentials.
    Connector {
        #[command(subcommand)]
        command: connector_cmd::ConnectorCommand,
    },
    /// Explain an error message or callback URL (AADSTS…, Nylas errors); `diagnose -` reads it from standard input.
    #[command(long_about = diagnose_cmd::LONG_ABOUT)]
    Diagnose(diagnose_cmd::Args),
    /// Print the summary to keep (what is decided and checked, what is left; never a secret).
    Summary(summary_cmd::Args),
    /// Moving from Nylas v2 to v3: `migrate scopes --v2 …` and `migrate classify --accounts FILE`.
    Migrate {
        #[command(subcommand)]
        command: migrate_cmd::MigrateCommand,
    },
    /// Many tenants and mailboxes at once: `bulk credentials`, `bulk consent-links`, `bulk grants`.
    Bulk {
        #[command(subcommand)]
        command: bulk_cmd::BulkCommand,
    },
    /// Microsoft Teams on Nylas v2: `teams create-integration …` makes the Teams integration.
    Teams {
        #[command(subcommand)]
        command: teams_cmd::TeamsCommand,
    },
    /// Nylas v2 Graph events: `v2 graph-events …` connects a Microsoft 365 user with native auth.
    V2 {
        #[command(subcommand)]
        command: v2_cmd::V2Command,
    },
}

/// `fix`: the options of `check --live`, and `--yes`.
#[derive(clap::Args)]
struct FixArgs {
    #[command(flatten)]
    check: check_cmd::Args,
    /// Apply the changes without asking.
    #[arg(long)]
    yes: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors exit 2 as clap's would, in JSON too when asked for.
        Err(e) => return output::usage_error(e, output::wants_json(std::env::args_os())),
    };
    match cli.command {
        Command::Sandbox(args) => sandbox_cmd::run(args),
        Command::Check(args) => check_cmd::run(args),
        Command::Fix(args) => check_cmd::run_fix(args.check, args.yes),
        Command::Diagnose(args) => diagnose_cmd::run(args),
        Command::App { command } => app_cmd::run(command),
        Command::Connector { command } => connector_cmd::run(command),
        Command::Summary(args) => summary_cmd::run(args),
        Command::Migrate { command } => migrate_cmd::run(command),
        Command::Bulk { command } => bulk_cmd::run(command),
        Command::Teams { command } => teams_cmd::run(command),
        Command::V2 { command } => v2_cmd::run(command),
    }
}
