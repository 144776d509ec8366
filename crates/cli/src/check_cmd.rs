//! `nylas-ms-setup check`: audit an Azure app manifest against what Nylas
//! needs. Exit 0 when nothing fails (warnings allowed), 1 when a check
//! fails, 2 for bad input or an unreadable manifest (message on stderr).

use std::path::PathBuf;
use std::process::ExitCode;

use wizard_core::audit::{run_audit, AuditRequest, PastedSecret, Tenancy};
use wizard_core::manifest::parse_manifest;
use wizard_core::paths::AuditPath;
use wizard_core::regions::Region;
use wizard_core::scopes::{Feature, Preset};
use wizard_core::WizardError;

use crate::output::{self, Format};

/// Boxed so the CLI's command enum stays small (clippy: large_enum_variant).
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    inner: Box<CheckArgs>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The manifest file (Azure portal → App registrations → your app → Manifest → Download).
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    /// What you are setting up: v3, teams or v2-events.
    #[arg(long, value_name = "PATH")]
    path: String,
    /// A ready-made feature set: read-only-inbox, email-client, calendar-scheduler, contacts-sync, mail-calendar.
    #[arg(long, value_name = "NAME", conflicts_with = "features")]
    preset: Option<String>,
    /// Comma-separated features, e.g. mail-read,mail-send,calendar-write.
    #[arg(long, value_name = "LIST")]
    features: Option<String>,
    /// Where your Nylas data lives: us or eu.
    #[arg(long, value_name = "REGION")]
    region: String,
    /// single (only your organization) or multi (any organization).
    #[arg(long, value_name = "KIND")]
    tenancy: Option<String>,
    /// Directory (tenant) ID, a verified domain, or common.
    #[arg(long, value_name = "ID")]
    tenant: Option<String>,
    /// One of your own callback URIs (repeat for more).
    #[arg(long = "callback", value_name = "URI")]
    callbacks: Vec<String>,
    /// The Application (client) ID you will give Nylas, to compare with the manifest.
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Name of an environment variable holding the client secret you will give
    /// Nylas; it is only compared (secret ID vs value, which secret), never shown.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// Output: text (for people) or json (for scripts).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: String,
    /// Judge secret expiry as of this RFC 3339 time (for tests).
    #[arg(long, value_name = "TIME", hide = true)]
    now: Option<String>,
}

fn request(args: &CheckArgs) -> Result<AuditRequest, WizardError> {
    let path: AuditPath = args.path.parse()?;
    let region: Region = args.region.parse()?;
    let preset = args
        .preset
        .as_deref()
        .map(str::parse::<Preset>)
        .transpose()?;
    let features = match args.features.as_deref() {
        Some(list) => Feature::parse_list(list)?,
        None => Vec::new(),
    };
    let tenancy = args
        .tenancy
        .as_deref()
        .map(str::parse::<Tenancy>)
        .transpose()?;
    let now = args
        .now
        .as_deref()
        .map(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(
                |_| WizardError::invalid_input(format!("\"{s}\" is not an RFC 3339 time.")),
            )
        })
        .transpose()?;
    let pasted_secret = match args.secret_env.as_deref() {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(PastedSecret::new(v)),
            _ => {
                return Err(WizardError::invalid_input(format!(
                    "The environment variable {var} is empty or not set."
                )))
            }
        },
        None => None,
    };
    Ok(AuditRequest {
        path,
        preset,
        features,
        region,
        tenancy,
        tenant: args.tenant.clone(),
        client_id: args.client_id.clone(),
        callback_uris: args.callbacks.clone(),
        now,
        pasted_secret,
    })
}

pub fn run(args: Args) -> ExitCode {
    let args = *args.inner;
    let format = match args.format.parse::<Format>() {
        Ok(f) => f,
        Err(e) => return output::bad_input(&e),
    };
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e),
    };
    let text = match std::fs::read(&args.manifest) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            let err = WizardError::io(&format!("read {}", args.manifest.display()), &e);
            return output::bad_input(&err);
        }
    };
    let app = match parse_manifest(&text) {
        Ok(app) => app,
        Err(e) => return output::bad_input(&e),
    };
    let report = match run_audit(&app, &req) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e),
    };
    match format {
        Format::Json => output::print_json(&report),
        Format::Text => print!("{}", output::report_text(&report)),
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
