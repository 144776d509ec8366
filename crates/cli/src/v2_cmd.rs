//! `nylas-ms-setup v2 graph-events …`: path C headless. Connects one
//! Microsoft 365 user to a Nylas v2 app with native auth and Microsoft Graph
//! for events: the plan (what is asked of Microsoft, each `/connect/authorize`
//! with secrets as •••, what it means for webhooks and billing), then the
//! user signs in through the link printed on stderr (the Azure app's code
//! flow with PKCE on `http://localhost:PORT/nylas-wizard/v2-sign-in`), and
//! the refresh token goes straight to Nylas — never printed or stored.

use std::process::ExitCode;

use clap::Subcommand;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas_v2::native_auth::{
    self, connect_user_with_tokens, preview_requests, NativeAuthInput, NativeAuthPlan,
    NativeAuthProgress, NativeAuthSecrets, UserSignIn, DEFAULT_NATIVE_AUTH_PORT,
    NATIVE_AUTH_TIMEOUT,
};
use wizard_core::regions::Region;
use wizard_core::scopes::Feature;
use wizard_core::secrets::{KeyringSecretStore, SecretName, SecretStore};
use wizard_core::{ErrorCode, WizardError};

use crate::live_cmd::failed;
use crate::output::{self, Format, OutputArg};
use crate::values::enum_value;

pub const AFTER_HELP: &str = "\
Secrets: NYLAS_CLIENT_SECRET (the Nylas v2 app's) and AZURE_CLIENT_SECRET are read \
from the environment, else from this computer's keychain (where the desktop wizard \
keeps them). NYLAS_CLIENT_ID may replace --client-id. The user's refresh token goes \
from Microsoft straight to Nylas: it is never printed or saved. Each new account's \
Nylas access token is printed once with --show-access-tokens, and dropped otherwise.

The Azure app needs http://localhost:PORT/nylas-wizard/v2-sign-in (port 47617 unless \
--port) among its Web redirect URIs.

Exit codes: 0 connected (or the plan shown with --dry-run); 2 bad input, a missing \
secret, or a replacement not confirmed; 3 Microsoft or Nylas failed (the output says \
which account).";

#[derive(Subcommand)]
pub enum V2Command {
    /// Connect a Microsoft 365 user to a Nylas v2 app with native auth and Microsoft Graph for events.
    #[command(after_help = AFTER_HELP)]
    GraphEvents(Box<GraphEventsArgs>),
}

#[derive(clap::Args)]
pub struct GraphEventsArgs {
    /// Where your Nylas v2 application lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// The Nylas v2 application's client ID (or NYLAS_CLIENT_ID).
    #[arg(long, value_name = "ID", env = "NYLAS_CLIENT_ID")]
    client_id: String,
    /// Your Azure app's Application (client) ID.
    #[arg(long, value_name = "ID")]
    azure_client_id: String,
    /// Where users sign in: your tenant for a single-tenant app (default: common).
    #[arg(long, value_name = "T", default_value = "")]
    tenant: String,
    /// Comma-separated: calendar-read, calendar-write, shared-calendar (default: calendar-write).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = enum_value::<Feature>(), ignore_case = true)]
    features: Vec<Feature>,
    /// Shared calendars (Calendars.ReadWrite.Shared): two authorizations, two accounts per user.
    #[arg(long)]
    shared_calendars: bool,
    /// Pre-fills the user's account at Microsoft.
    #[arg(long, value_name = "EMAIL")]
    login_hint: Option<String>,
    /// The loopback port the sign-in comes back to.
    #[arg(long, value_name = "PORT", default_value_t = DEFAULT_NATIVE_AUTH_PORT)]
    port: u16,
    /// An existing account to re-authenticate instead of creating a new one (repeat: one per authorization, in order).
    #[arg(long = "reauth-account-id", value_name = "ID")]
    reauth_account_ids: Vec<String>,
    /// Confirm replacing the accounts named by --reauth-account-id.
    #[arg(long)]
    confirm_replace: bool,
    /// Nylas v2 API base URL (for support and tests; https, or http on this computer only).
    #[arg(long, value_name = "URL")]
    nylas_v2_base: Option<Url>,
    /// Print the plan; nobody signs in and nothing is sent to Nylas.
    #[arg(long)]
    dry_run: bool,
    /// Print each new account's Nylas access token once on stdout (Nylas hands it out only now;
    /// your app needs it to call Nylas for the account). Without it the tokens are dropped.
    #[arg(long)]
    show_access_tokens: bool,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(command: V2Command) -> ExitCode {
    match command {
        V2Command::GraphEvents(args) => graph_events(&args),
    }
}

fn secret(var: &str, name: SecretName, what: &str) -> Result<SecretString, WizardError> {
    if let Some(v) = std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
        return Ok(SecretString::from(v.trim().to_owned()));
    }
    KeyringSecretStore::new().get(name.as_str()).map_err(|_| {
        WizardError::new(ErrorCode::SecretNotFound, format!("No {what} was given.")).with_hint(
            format!("Set {var} in the environment, or save it in the desktop wizard first."),
        )
    })
}

fn is_loopback(u: &Url) -> bool {
    matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

fn endpoints(args: &GraphEventsArgs) -> Result<(Endpoints, HttpClient), WizardError> {
    let mut endpoints = Endpoints::from_env()?;
    if let Some(u) = &args.nylas_v2_base {
        if !(u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u))) {
            return Err(WizardError::invalid_input(format!(
                "--nylas-v2-base {u} must use https (http only for this computer)."
            )));
        }
        let mut u = u.clone();
        if !u.path().ends_with('/') {
            let p = format!("{}/", u.path());
            u.set_path(&p);
        }
        match args.region {
            Region::Us => endpoints.nylas_v2_us = u,
            Region::Eu => endpoints.nylas_v2_eu = u,
        }
    }
    // A proxy can't reach this machine's loopback (the sandbox).
    let local = is_loopback(wizard_core::nylas_v2::api_base(&endpoints, args.region))
        && is_loopback(&endpoints.microsoft_login);
    let http = if local {
        HttpClient::direct(HttpConfig::default())?
    } else {
        HttpClient::new(HttpConfig::default())?
    };
    Ok((endpoints, http))
}

fn input(args: &GraphEventsArgs) -> NativeAuthInput {
    let mut features = args.features.clone();
    if args.shared_calendars && !features.contains(&Feature::SharedCalendar) {
        features.push(Feature::SharedCalendar);
    }
    NativeAuthInput {
        region: args.region,
        nylas_client_id: args.client_id.clone(),
        azure_client_id: args.azure_client_id.clone(),
        tenant: args.tenant.clone(),
        features,
        port: args.port,
        reauth_account_ids: args.reauth_account_ids.clone(),
        confirm_replace: args.confirm_replace,
        login_hint: args.login_hint.clone(),
    }
}

fn plan_text(plan: &NativeAuthPlan) -> String {
    let mut out = format!(
        "Connect a Microsoft 365 user to Nylas v2 ({} region), {}:\n",
        plan.region.label(),
        match plan.variant {
            native_auth::NativeAuthVariant::Events => "events through Microsoft Graph",
            native_auth::NativeAuthVariant::SharedCalendars =>
                "shared calendars (two accounts per user)",
        }
    );
    out += &format!(
        "\n1. The user signs in at Microsoft with the Azure app {} (tenant {}), asked for:\n     {}\n   and comes back to {}\n",
        plan.azure_client_id,
        plan.tenant,
        plan.microsoft_scopes.join(" "),
        plan.redirect_uri
    );
    for (i, (a, req)) in plan
        .authorizations
        .iter()
        .zip(preview_requests(
            plan,
            "(the user's email)",
            "(the user's name)",
        ))
        .enumerate()
    {
        out += &format!(
            "\n{}. {} (provider {}, scopes {})\n",
            i + 2,
            a.purpose,
            a.provider,
            a.scopes
        );
        if let Some(id) = &a.reauth_account_id {
            out += &format!("   Replaces account {id}.\n");
        }
        for part in ["authorize", "token"] {
            out += &format!("     POST {}\n", req[part]["path"].as_str().unwrap_or(""));
            for line in serde_json::to_string_pretty(&req[part]["body"])
                .unwrap_or_default()
                .lines()
            {
                out += &format!("       {line}\n");
            }
        }
    }
    out += "\nGood to know:\n";
    for n in &plan.notes {
        out += &format!("  - {n}\n");
    }
    if let Some(r) = &plan.replace {
        out += &format!("  - {}\n", r.consequence);
    }
    out
}

fn graph_events(args: &GraphEventsArgs) -> ExitCode {
    let format = args.output.format;
    let plan = match native_auth::plan(&input(args)) {
        Ok(p) => p,
        Err(e) => return output::bad_input(&e, format),
    };
    if format == Format::Text {
        print!("{}", plan_text(&plan));
    }
    if args.dry_run {
        if format == Format::Json {
            output::print_json(&json!({
                "plan": plan,
                "requests": preview_requests(&plan, "(the user's email)", "(the user's name)"),
                "connected": false,
            }));
        } else {
            println!("\nDry run: nobody signed in and nothing was sent to Nylas.");
        }
        return ExitCode::SUCCESS;
    }
    let (endpoints, http) = match endpoints(args) {
        Ok(x) => x,
        Err(e) => return output::bad_input(&e, format),
    };
    let secrets = match (|| {
        Ok::<_, WizardError>(NativeAuthSecrets {
            nylas_client_secret: secret(
                "NYLAS_CLIENT_SECRET",
                SecretName::NylasV2ClientSecret,
                "Nylas v2 client secret",
            )?,
            azure_client_secret: secret(
                "AZURE_CLIENT_SECRET",
                SecretName::AzureClientSecret,
                "Azure app client secret",
            )?,
        })
    })() {
        Ok(s) => s,
        Err(e) => return output::bad_input(&e, format),
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
    let outcome = runtime.block_on(async {
        let flow = UserSignIn::start(&endpoints, &plan).await?;
        eprintln!(
            "\nOpen this link in a browser and sign in as the user to connect (waiting up to {} minutes):\n{}\n",
            NATIVE_AUTH_TIMEOUT.as_secs() / 60,
            flow.authorize_url()
        );
        let user = flow
            .finish(&http, &endpoints, &secrets.azure_client_secret, NATIVE_AUTH_TIMEOUT, &cancel)
            .await?;
        let progress = |e: NativeAuthProgress| match e {
            NativeAuthProgress::SignedIn { email } => eprintln!("✓ signed in as {email}"),
            NativeAuthProgress::Authorizing { index, purpose } => {
                eprintln!("→ [{}/{}] {purpose}", index + 1, plan.authorizations.len())
            }
            NativeAuthProgress::Connected { index, account_id } => {
                eprintln!("✓ [{}/{}] account {account_id}", index + 1, plan.authorizations.len())
            }
            NativeAuthProgress::Failed { index, message } => {
                eprintln!("✗ [{}/{}] {message}", index + 1, plan.authorizations.len())
            }
        };
        connect_user_with_tokens(&http, &endpoints, &plan, user, &secrets, &progress, &cancel).await
    });
    let (outcome, tokens) = match outcome {
        Ok(o) => o,
        Err(e) if e.code == ErrorCode::Cancelled && cancel.is_cancelled() => {
            eprintln!("Stopped: nothing more was sent.");
            return ExitCode::from(130);
        }
        Err(e) => return failed(&e, format),
    };
    let first_error = outcome.results.iter().find_map(|r| r.error.clone());
    if format == Format::Json {
        let mut out =
            json!({ "plan": plan, "outcome": outcome, "connected": first_error.is_none() });
        if args.show_access_tokens {
            out["access_tokens"] = tokens
                .iter()
                .map(|t| json!({"account_id": t.account_id, "access_token": t.token.expose_secret()}))
                .collect();
        }
        output::print_json(&out);
    } else {
        println!("\n{} ({}):", outcome.name, outcome.email);
        for r in &outcome.results {
            match (&r.account, &r.error) {
                (Some(a), _) => println!(
                    "  ✓ {}: account {} ({}, billing {})",
                    r.purpose,
                    a.account_id,
                    a.provider,
                    a.billing_state.as_deref().unwrap_or("unknown")
                ),
                (None, Some(e)) => println!("  ✗ {}: {}", r.purpose, e.message),
                (None, None) => {}
            }
        }
        if args.show_access_tokens {
            println!("\nAccess tokens (shown once; Nylas hands them out only at connection, keep them safe):");
            for t in &tokens {
                println!("  {}: {}", t.account_id, t.token.expose_secret());
            }
        } else {
            println!("\nThe accounts' access tokens were not kept (Nylas hands them out only at connection); run with --show-access-tokens to get them.");
        }
    }
    match first_error {
        None => ExitCode::SUCCESS,
        Some(e) => {
            if let Some(h) = &e.hint {
                eprintln!("{h}");
            }
            ExitCode::from(if e.code == ErrorCode::InvalidInput {
                2
            } else {
                3
            })
        }
    }
}
