//! `nylas-ms-setup check`: audit an Azure app manifest against what Nylas
//! needs. Exit 0 when nothing fails (warnings allowed), 1 when a check
//! fails, 2 for bad input or an unreadable manifest (message on stderr;
//! with `--format json` also `{"error": …}` on stdout).
//!
//! The answers (features, region, tenant…) come from flags, from an answers
//! file (`--answers`: the window's saved progress, or a plain JSON/TOML
//! file), or both; flags win. Either way they are checked by the same code
//! as in the window, and the audit request is built the same way.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wizard_core::answers::{AnswerUpdate, Answers, AnswersFile};
use wizard_core::audit::{run_audit, AuditRequest, PastedSecret, Tenancy};
use wizard_core::manifest::parse_manifest_bytes;
use wizard_core::paths::{AuditPath, PathId};
use wizard_core::regions::Region;
use wizard_core::scopes::{Feature, Preset};
use wizard_core::WizardError;

use crate::output::{self, Format, OutputArg};
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
    #[arg(long, value_name = "FILE", required_unless_present = "live")]
    manifest: Option<PathBuf>,
    /// Answers saved by the wizard (its progress.json) or a plain answers
    /// file (.json or .toml); the flags below win over it.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// What you are setting up.
    #[arg(
        long,
        value_name = "PATH",
        value_parser = enum_value::<AuditPath>(),
        ignore_case = true,
        required_unless_present = "answers"
    )]
    path: Option<AuditPath>,
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
    #[arg(
        long,
        value_name = "REGION",
        value_parser = enum_value::<Region>(),
        ignore_case = true,
        required_unless_present = "answers"
    )]
    region: Option<Region>,
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
    #[command(flatten)]
    live: crate::live_cmd::LiveArgs,
    #[command(flatten)]
    output: OutputArg,
    /// Judge secret expiry as of this RFC 3339 time (for tests).
    #[arg(long, value_name = "TIME", hide = true)]
    now: Option<String>,
}

/// The answers file, whatever its kind (see [`AnswersFile`]).
fn read_answers(path: &Path) -> Result<AnswersFile, WizardError> {
    // An answers file is a few hundred bytes; never read an endless one.
    let bytes = crate::input::read_file_limited(path, 1024 * 1024)
        .map_err(|e| WizardError::io(&format!("read {}", path.display()), &e))?;
    let text = wizard_core::manifest::decode_text(&bytes);
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let value: serde_json::Value = if is_toml {
        toml::from_str(&text).map_err(|e| {
            WizardError::invalid_input(format!(
                "{} isn't valid TOML: {}",
                path.display(),
                e.message()
            ))
        })?
    } else {
        serde_json::from_str(&text).map_err(|e| {
            WizardError::invalid_input(format!(
                "{} isn't valid JSON (line {}, column {}).",
                path.display(),
                e.line(),
                e.column()
            ))
        })?
    };
    AnswersFile::from_value(value)
}

/// The answers to check against: the file's (checked as in the window),
/// then each flag given on top.
fn answers(args: &CheckArgs) -> Result<(PathId, Answers), WizardError> {
    let file = args.answers.as_deref().map(read_answers).transpose()?;
    let path = match (args.path, file.as_ref().and_then(|f| f.path)) {
        (Some(flag), _) => PathId::from(flag),
        (None, Some(saved)) => saved,
        (None, None) => {
            return Err(WizardError::invalid_input(
                "The answers file doesn't say what you are setting up.",
            )
            .with_hint("Add --path v3, teams or v2-events."))
        }
    };
    let mut a = match &file {
        Some(f) => f.answers.validated(path)?,
        None => Answers::default(),
    };
    let on = Some(path);
    if let Some(p) = args.preset {
        a.apply(on, AnswerUpdate::Preset(p))?;
    }
    if !args.features.is_empty() {
        a.replace_features(path, &args.features)?;
    }
    if let Some(r) = args.region {
        a.apply(on, AnswerUpdate::Region(r))?;
    }
    if let Some(t) = args.tenancy {
        a.apply(on, AnswerUpdate::Tenancy(Some(t)))?;
    }
    if args.tenant.is_some() {
        // The audit itself names a malformed tenant, so it isn't refused here.
        a.tenant = args.tenant.clone();
    }
    Ok((path, a))
}

fn request(args: &CheckArgs) -> Result<AuditRequest, WizardError> {
    let (path, answers) = answers(args)?;
    let mut req = answers.audit_request(path)?;
    // Flags win even where the window wouldn't ask (e.g. callback URIs or
    // features on the Teams path): a script may check what it likes.
    if args.preset.is_some() || !args.features.is_empty() {
        req.preset = args.preset;
        req.features = answers.features_for(path).features.clone();
    }
    if !args.callbacks.is_empty() {
        req.callback_uris = args.callbacks.clone();
    }
    req.client_id = args.client_id.clone();
    req.now = args
        .now
        .as_deref()
        .map(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(
                |_| WizardError::invalid_input(format!("\"{s}\" is not an RFC 3339 time.")),
            )
        })
        .transpose()?;
    req.pasted_secret = match args.secret_env.as_deref() {
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
    Ok(req)
}

pub fn run(args: Args) -> ExitCode {
    let args = *args.inner;
    let format = args.output.format;
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e, format),
    };
    let manifest = match (&args.manifest, args.live.live) {
        (Some(m), false) => m,
        // clap requires --tenant and --client-id with --live.
        (_, true) => {
            let tenant = args.tenant.as_deref().unwrap_or_default();
            let client_id = args.client_id.as_deref().unwrap_or_default();
            return crate::live_cmd::run(&args.live, tenant, client_id, req, format);
        }
        (None, false) => unreachable!("clap requires --manifest without --live"),
    };
    let bytes = match read_manifest_file(manifest) {
        Ok(bytes) => bytes,
        Err(e) => {
            let err = WizardError::io(&format!("read {}", manifest.display()), &e);
            return output::bad_input(&err, format);
        }
    };
    // UTF-8 or UTF-16 (Windows PowerShell 5.1 writes UTF-16 with `>`).
    let app = match parse_manifest_bytes(&bytes) {
        Ok(app) => app,
        Err(e) => return output::bad_input(&e, format),
    };
    let report = match run_audit(&app, &req) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e, format),
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

/// `fix --live`: the options of `check --live`, then the plan and (with
/// `--yes`) the changes.
pub fn run_fix(args: Args, yes: bool) -> ExitCode {
    let args = *args.inner;
    let format = args.output.format;
    if !args.live.live || args.manifest.is_some() {
        let e = WizardError::invalid_input("fix changes the live app registration, not a file.")
            .with_hint("Use --live with --tenant and --client-id.");
        return output::bad_input(&e, format);
    }
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => return output::bad_input(&e, format),
    };
    let tenant = args.tenant.as_deref().unwrap_or_default();
    let client_id = args.client_id.as_deref().unwrap_or_default();
    crate::live_cmd::run_fix(&args.live, tenant, client_id, req, format, yes)
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
