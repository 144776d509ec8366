//! `nylas-ms-setup check`: audit an Azure app manifest against what Nylas
//! needs. Exit 0 when nothing fails (warnings allowed), 1 when a check
//! fails, 2 for bad input or an unreadable manifest (message on stderr).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wizard_core::audit::{run_audit, AuditRequest, PastedSecret, Tenancy};
use wizard_core::manifest::parse_manifest_bytes;
use wizard_core::paths::AuditPath;
use wizard_core::regions::Region;
use wizard_core::scopes::{Feature, Preset};
use wizard_core::WizardError;

use crate::output::{self, Format};
use crate::values::enum_value;

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
    /// What you are setting up.
    #[arg(long, value_name = "PATH", value_parser = enum_value::<AuditPath>(), ignore_case = true)]
    path: AuditPath,
    /// A ready-made feature set.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "features",
        value_parser = enum_value::<Preset>(),
        ignore_case = true
    )]
    preset: Option<Preset>,
    /// Comma-separated features, e.g. mail-read,mail-send,calendar-write.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = enum_value::<Feature>(),
        ignore_case = true
    )]
    features: Vec<Feature>,
    /// Where your Nylas data lives.
    #[arg(long, value_name = "REGION", value_parser = enum_value::<Region>(), ignore_case = true)]
    region: Region,
    /// Who may sign in: your organization only, or any organization.
    #[arg(long, value_name = "KIND", value_parser = enum_value::<Tenancy>(), ignore_case = true)]
    tenancy: Option<Tenancy>,
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
    /// Output.
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "text",
        value_parser = enum_value::<Format>(),
        ignore_case = true
    )]
    format: Format,
    /// Judge secret expiry as of this RFC 3339 time (for tests).
    #[arg(long, value_name = "TIME", hide = true)]
    now: Option<String>,
}

fn request(args: &CheckArgs) -> Result<AuditRequest, WizardError> {
    let mut features: Vec<Feature> = Vec::new();
    for f in &args.features {
        if !features.contains(f) {
            features.push(*f);
        }
    }
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
        path: args.path,
        preset: args.preset,
        features,
        region: args.region,
        tenancy: args.tenancy,
        tenant: args.tenant.clone(),
        client_id: args.client_id.clone(),
        callback_uris: args.callbacks.clone(),
        now,
        pasted_secret,
    })
}

pub fn run(args: Args) -> ExitCode {
    let args = *args.inner;
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e),
    };
    let bytes = match read_manifest_file(&args.manifest) {
        Ok(bytes) => bytes,
        Err(e) => {
            let err = WizardError::io(&format!("read {}", args.manifest.display()), &e);
            return output::bad_input(&err);
        }
    };
    // UTF-8 or UTF-16 (Windows PowerShell 5.1 writes UTF-16 with `>`).
    let app = match parse_manifest_bytes(&bytes) {
        Ok(app) => app,
        Err(e) => return output::bad_input(&e),
    };
    let report = match run_audit(&app, &req) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e),
    };
    match args.format {
        Format::Json => output::print_json(&report),
        Format::Text => print!("{}", output::report_text(&report)),
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The manifest file's bytes, refusing one larger than
/// [`MAX_MANIFEST_BYTES`](wizard_core::manifest::MAX_MANIFEST_BYTES) before
/// reading it whole: by its size when the file system knows it, and by
/// reading at most one byte more than the limit otherwise (a pipe, a device).
fn read_manifest_file(path: &Path) -> std::io::Result<Vec<u8>> {
    const MAX: usize = wizard_core::manifest::MAX_MANIFEST_BYTES;
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is over {} MB, far too large to be an app manifest",
                MAX / (1024 * 1024)
            ),
        )
    };
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > MAX {
        return Err(too_large());
    }
    Ok(bytes)
}
