//! `nylas-ms-setup teams auth …`: connect Nylas v2 accounts to the Teams
//! integration (path B), one after the other. For each account not yet
//! connected: `POST /connect/auth` on the region's beta host, the login page
//! printed on stderr (open it in a browser, or send it to the account's
//! user), then the way back captured on this computer when `--redirect-uri`
//! is `http://localhost:PORT/nylas-wizard/teams-callback`, or the final
//! address pasted on standard input. A journal in the data folder keeps
//! where each account got to, so the same command resumes without signing
//! in an account twice.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::beta_base;
use wizard_core::nylas_v2::teams_auth::batch::{
    loopback_port, run_batch, BatchOutcome, BatchSettings, LoopbackOrPaste, Pasted, TeamsAuthEvent,
    TEAMS_SIGN_IN_TIMEOUT,
};
use wizard_core::nylas_v2::teams_auth::journal::{AccountRow, AccountStatus, TeamsJournal};
use wizard_core::nylas_v2::teams_auth::{
    auth_body, check_account_id, V2Credentials, TEAMS_AUTH_EXPIRES_IN,
};
use wizard_core::regions::Region;
use wizard_core::secrets::{KeyringSecretStore, SecretName, SecretStore};
use wizard_core::{ErrorCode, WizardError};

use crate::live_cmd::failed;
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

pub const AFTER_HELP: &str = "\
Credentials: NYLAS_CLIENT_ID (or --client-id) and NYLAS_CLIENT_SECRET, the Nylas v2 \
application's, from the environment; the secret else from this computer's keychain \
(where the desktop wizard keeps it). The secret is only ever sent to Nylas, never printed.

The way back: with --redirect-uri http://localhost:PORT/nylas-wizard/teams-callback \
this command listens on that port; with any other address, paste the address the \
browser ends on (one line on standard input).

Exit codes: 0 every account connected (or a dry run); 1 some account's sign-in failed \
(run again to retry only those); 2 bad input or a missing secret; 3 Nylas failed \
(run again: connected accounts are skipped); 130 stopped with Ctrl-C.";

#[derive(clap::Args)]
pub struct AuthArgs {
    /// Where your Nylas v2 application lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// A Nylas v2 account ID to connect (repeat for more).
    #[arg(long = "account-id", value_name = "ID", required = true)]
    account_ids: Vec<String>,
    /// Where Nylas sends the browser back: one of the integration's redirect URIs.
    #[arg(long, value_name = "URI")]
    redirect_uri: String,
    /// The Nylas v2 application's client ID (default: NYLAS_CLIENT_ID).
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// The beta integrations host (default: the region's, https://beta.us.nylas.com/ or https://beta.eu.nylas.com/).
    #[arg(long, value_name = "URL")]
    nylas_beta_base: Option<Url>,
    /// How long each account's sign-in may take, in seconds.
    #[arg(long, value_name = "S", default_value_t = TEAMS_SIGN_IN_TIMEOUT.as_secs())]
    timeout: u64,
    /// Print the requests and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where the record of connected accounts is kept (default: this tool's data folder).
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArg,
}

struct Checked {
    account_ids: Vec<String>,
    redirect_uri: String,
    client_id: String,
    endpoints: Endpoints,
}

fn check(args: &AuthArgs) -> Result<Checked, WizardError> {
    let mut account_ids: Vec<String> = Vec::new();
    for raw in &args.account_ids {
        let id = check_account_id(raw)?;
        if !account_ids.contains(&id) {
            account_ids.push(id);
        }
    }
    let redirect_uri = args.redirect_uri.trim().to_owned();
    let url = Url::parse(&redirect_uri).map_err(|_| {
        WizardError::invalid_input(format!(
            "--redirect-uri {redirect_uri} is not a web address."
        ))
    })?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    if !(url.scheme() == "https" || (url.scheme() == "http" && local)) {
        return Err(WizardError::invalid_input(format!(
            "--redirect-uri {redirect_uri} must use https (http only for localhost)."
        )));
    }
    let client_id = args
        .client_id
        .clone()
        .or_else(|| std::env::var("NYLAS_CLIENT_ID").ok())
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            WizardError::new(ErrorCode::InvalidInput, "No Nylas v2 client ID was given.")
                .with_hint("Pass --client-id, or set NYLAS_CLIENT_ID in the environment.")
        })?;
    let mut endpoints = Endpoints::from_env()?;
    if let Some(u) = &args.nylas_beta_base {
        let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !(u.scheme() == "https" || (u.scheme() == "http" && loopback)) {
            return Err(WizardError::invalid_input(format!(
                "--nylas-beta-base {u} must use https (http only for this computer)."
            )));
        }
        let mut u = u.clone();
        if !u.path().ends_with('/') {
            let p = format!("{}/", u.path());
            u.set_path(&p);
        }
        match args.region {
            Region::Us => endpoints.nylas_beta_us = u,
            Region::Eu => endpoints.nylas_beta_eu = u,
        }
    }
    Ok(Checked {
        account_ids,
        redirect_uri,
        client_id,
        endpoints,
    })
}

fn client_secret() -> Result<SecretString, WizardError> {
    if let Some(v) = std::env::var("NYLAS_CLIENT_SECRET")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return Ok(SecretString::from(v.trim().to_owned()));
    }
    KeyringSecretStore::new()
        .get(SecretName::NylasV2ClientSecret.as_str())
        .map_err(|_| {
            WizardError::new(
                ErrorCode::SecretNotFound,
                "No Nylas v2 client secret was given.",
            )
            .with_hint(
                "Set NYLAS_CLIENT_SECRET in the environment, or save it in the desktop wizard first.",
            )
        })
}

/// The desktop wizard's data folder, `cli` inside it.
fn default_journal_dir() -> PathBuf {
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

fn status_word(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Waiting => "not connected yet",
        AccountStatus::SigningIn => "signing in",
        AccountStatus::Connected => "connected",
        AccountStatus::Failed => "failed",
    }
}

fn row_line(r: &AccountRow) -> String {
    let mut line = format!("{}: {}", r.account_id, status_word(r.status));
    if let Some(e) = &r.email {
        line += &format!(" as {e}");
    }
    if let Some(g) = &r.grant_id {
        line += &format!(" (grant {g})");
    }
    if let Some(c) = &r.event_code {
        line += &format!(" [event code {c}]");
    }
    if let Some(m) = &r.message {
        if r.status != AccountStatus::Connected {
            line += &format!(" — {m}");
        }
    }
    line
}

fn dry_run(c: &Checked, region: Region, journal: &TeamsJournal, format: Format) -> ExitCode {
    let base = beta_base(&c.endpoints, region);
    let requests: Vec<_> = c
        .account_ids
        .iter()
        .map(|id| {
            let done = journal
                .row(id)
                .is_some_and(|r| r.status == AccountStatus::Connected);
            json!({
                "account_id": id,
                "already_connected": done,
                "method": "POST",
                "url": format!("{base}connect/auth"),
                "authorization": "Basic •••",
                "body": auth_body(id, &c.redirect_uri, "<random per sign-in>"),
            })
        })
        .collect();
    if format == Format::Json {
        output::print_json(&json!({ "dry_run": true, "requests": requests }));
    } else {
        println!(
            "Connect {} account(s) to Teams ({} region), login pages valid {} hours:",
            c.account_ids.len(),
            region.label(),
            TEAMS_AUTH_EXPIRES_IN / 3600
        );
        for (i, r) in requests.iter().enumerate() {
            println!("\n{}. {}", i + 1, r["account_id"].as_str().unwrap_or(""));
            if r["already_connected"] == true {
                println!("     already connected: skipped");
                continue;
            }
            println!("     POST {}", r["url"].as_str().unwrap_or(""));
            println!("     Authorization: Basic •••");
            for line in serde_json::to_string_pretty(&r["body"])
                .unwrap_or_default()
                .lines()
            {
                println!("       {line}");
            }
        }
        println!("\nDry run: nothing was sent to Nylas.");
    }
    ExitCode::SUCCESS
}

fn progress_line(e: TeamsAuthEvent) {
    match e {
        TeamsAuthEvent::Rows { rows } => {
            let done = rows
                .iter()
                .filter(|r| r.status == AccountStatus::Connected)
                .count();
            if done > 0 {
                eprintln!("{done} account(s) already connected: skipped.");
            }
        }
        TeamsAuthEvent::SigningIn {
            account_id,
            index,
            total,
            login_url,
            ..
        } => {
            eprintln!("→ [{index}/{total}] {account_id}: open this page in a browser and sign in:");
            eprintln!("  {login_url}");
        }
        TeamsAuthEvent::Row { row } => {
            let mark = match row.status {
                AccountStatus::Connected => "✓",
                AccountStatus::Failed => "✗",
                _ => "■",
            };
            eprintln!("{mark} {}", row_line(&row));
        }
    }
}

/// Lines typed or piped on stdin become pasted addresses; what is refused
/// is said on stderr.
fn read_pasted(paste: tokio::sync::mpsc::Sender<Pasted>, runtime: tokio::runtime::Handle) {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            let (reply, answer) = tokio::sync::oneshot::channel();
            if paste.blocking_send(Pasted { url: line, reply }).is_err() {
                break;
            }
            if let Ok(Err(e)) = runtime.block_on(answer) {
                eprintln!("That address was refused: {}", e.message);
            }
        }
    });
}

pub fn run(args: AuthArgs) -> ExitCode {
    let format = args.output.format;
    let c = match check(&args) {
        Ok(c) => c,
        Err(e) => return output::bad_input(&e, format),
    };
    let journal_dir = args.journal_dir.clone().unwrap_or_else(default_journal_dir);
    let mut journal = TeamsJournal::load(&journal_dir, &c.client_id, args.region);
    if args.dry_run {
        return dry_run(&c, args.region, &journal, format);
    }
    let credentials = match client_secret() {
        Ok(client_secret) => V2Credentials {
            client_id: c.client_id.clone(),
            client_secret,
        },
        Err(e) => return output::bad_input(&e, format),
    };
    let base = beta_base(&c.endpoints, args.region).clone();
    // A proxy can't reach this machine's loopback (the sandbox).
    let http = if matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
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
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let settings = BatchSettings {
        beta_base: base,
        redirect_uri: c.redirect_uri.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let (mut waiter, paste) = LoopbackOrPaste::new(&c.redirect_uri);
    if loopback_port(&c.redirect_uri).is_none() {
        eprintln!(
            "After each sign-in, paste the address the browser ends on here and press Enter."
        );
    }
    read_pasted(paste, runtime.handle().clone());
    // Headless: the login page is printed, not opened.
    let outcome: Result<BatchOutcome, WizardError> = runtime.block_on(run_batch(
        &http,
        &settings,
        &credentials,
        &mut journal,
        &c.account_ids,
        &|_| false,
        &mut waiter,
        &progress_line,
        &cancel,
    ));
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            if format == Format::Text {
                println!(
                    "Stopped. Run the same command again to go on: connected accounts are skipped."
                );
            }
            return failed(&e, format);
        }
    };
    let failed_count = outcome
        .rows
        .iter()
        .filter(|r| r.status == AccountStatus::Failed)
        .count();
    if format == Format::Json {
        output::print_json(&outcome);
    } else {
        for r in &outcome.rows {
            println!("{}", row_line(r));
        }
    }
    // The reader thread may still wait on stdin: leave without it.
    runtime.shutdown_background();
    if outcome.cancelled {
        if format == Format::Text {
            println!(
                "Stopped. Run the same command again to go on: connected accounts are skipped."
            );
        }
        ExitCode::from(130)
    } else if failed_count > 0 {
        if format == Format::Text {
            println!("{failed_count} account(s) not connected: run the same command again to retry them.");
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
