//! `nylas-ms-setup migrate …`: path D's offline steps (issue 12).
//!
//! - `migrate scopes --v2 "email.read_only,calendar" [--format text|json]`:
//!   the v3 app's least-privilege Graph scopes, with why each is needed.
//! - `migrate classify --accounts FILE [--format text|json|csv]`: the
//!   exported v2 accounts sorted into seed 002's four classes; `csv` prints
//!   the accounts that must sign in again.
//!
//! Exit codes: 0 done (also when some rows couldn't be sorted: they are
//! listed, and counted in `unclassified`), 2 bad input or an unreadable file
//! (with `--format json`, `{"error": …}` on stdout too).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;
use wizard_core::migrate::classify::MAX_ACCOUNTS_BYTES;
use wizard_core::migrate::{
    classify, reauth_csv, translate_text, Classification, ScopeTranslation,
};
use wizard_core::WizardError;

use crate::output::{self, Format, OutputArg};

#[derive(Subcommand)]
pub enum MigrateCommand {
    /// Translate Nylas v2 scopes to the Microsoft Graph scopes of the v3 app.
    Scopes(ScopesArgs),
    /// Sort an exported list of v2 accounts into what moves over and who signs in again.
    Classify(ClassifyArgs),
}

#[derive(clap::Args)]
pub struct ScopesArgs {
    /// The v2 scopes, comma-separated, as your app sends them to Nylas v2
    /// (e.g. "email.read_only,calendar").
    #[arg(long = "v2", value_name = "SCOPES")]
    v2: String,
    #[command(flatten)]
    output: OutputArg,
}

/// `--format` for `classify`: the shared two, plus CSV.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "lowercase")]
pub enum ClassifyFormat {
    /// For people: counts per class, then each account's action.
    Text,
    /// For scripts: {"accounts": [{"email", "category", "action"}], "unclassified": [{"row", "reason"}], …}.
    Json,
    /// The accounts that must sign in again (classes 2–4), as CSV.
    Csv,
}

#[derive(clap::Args)]
pub struct ClassifyArgs {
    /// The exported v2 accounts: CSV with a header row
    /// (email,provider,authentication_type at least) or the JSON array of
    /// the v2 accounts API.
    #[arg(long, value_name = "FILE")]
    accounts: PathBuf,
    /// Output.
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "text",
        value_parser = crate::values::enum_value::<ClassifyFormat>(),
        ignore_case = true
    )]
    format: ClassifyFormat,
}

pub fn run(command: MigrateCommand) -> ExitCode {
    match command {
        MigrateCommand::Scopes(args) => scopes(args),
        MigrateCommand::Classify(args) => classify_cmd(args),
    }
}

fn scopes(args: ScopesArgs) -> ExitCode {
    let format = args.output.format;
    let t = match translate_text(&args.v2) {
        Ok(t) => t,
        Err(e) => return output::bad_input(&e, format),
    };
    match format {
        Format::Json => output::print_json(&t),
        Format::Text => print!("{}", scopes_text(&t)),
    }
    ExitCode::SUCCESS
}

fn scopes_text(t: &ScopeTranslation) -> String {
    let mut s = String::new();
    let v2: Vec<&str> = t.v2_scopes.iter().map(|v| v.as_str()).collect();
    let _ = writeln!(s, "Nylas v2 scopes: {}", v2.join(", "));
    let _ = writeln!(
        s,
        "Microsoft Graph delegated permissions for the v3 app ({}):\n",
        t.scopes.len()
    );
    for d in &t.details {
        let consent = if d.admin_consent {
            " [needs admin consent]"
        } else {
            ""
        };
        let from: Vec<&str> = d.from_v2.iter().map(|v| v.as_str()).collect();
        let from = if from.is_empty() {
            "always needed".to_string()
        } else {
            format!("from {}", from.join(", "))
        };
        let _ = writeln!(s, "  {}{consent} ({from})\n      {}", d.name, d.reason);
    }
    let _ = writeln!(s, "\nScopes: {}", t.scopes.join(" "));
    if !t.notes.is_empty() {
        s.push('\n');
        for n in &t.notes {
            let _ = writeln!(s, "Note: {n}");
        }
    }
    s
}

fn classify_cmd(args: ClassifyArgs) -> ExitCode {
    let as_error_format = if args.format == ClassifyFormat::Json {
        Format::Json
    } else {
        Format::Text
    };
    let bytes = match crate::input::read_file_limited(&args.accounts, MAX_ACCOUNTS_BYTES) {
        Ok(b) => b,
        Err(e) => {
            let e = WizardError::io(
                &format!("read the accounts file {}", args.accounts.display()),
                &e,
            )
            .with_hint("Check the path, or export the accounts again.");
            return output::bad_input(&e, as_error_format);
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        let e = WizardError::invalid_input("The accounts file isn't UTF-8 text.")
            .with_hint("Save it again as CSV UTF-8 (or export the JSON again).");
        return output::bad_input(&e, as_error_format);
    };
    let c = match classify(&text) {
        Ok(c) => c,
        Err(e) => return output::bad_input(&e, as_error_format),
    };
    match args.format {
        ClassifyFormat::Json => output::print_json(&classification_json(&c)),
        ClassifyFormat::Text => print!("{}", classification_text(&c)),
        ClassifyFormat::Csv => match reauth_csv(&c) {
            Ok(csv) => print!("{csv}"),
            Err(e) => return output::bad_input(&e, Format::Text),
        },
    }
    ExitCode::SUCCESS
}

/// The JSON (`accounts` of `{email, category, action}`,
/// `unclassified` of `{row, reason}`), each account with its details too,
/// and the counts.
fn classification_json(c: &Classification) -> serde_json::Value {
    json!({
        "accounts": c.accounts,
        "unclassified": c.unclassified,
        "counts": c.counts.iter().map(|k| json!({
            "category": k.category,
            "class": k.class,
            "label": k.label,
            "count": k.count,
        })).collect::<Vec<_>>(),
        "total": c.total,
        "reauth": c.reauth,
        "needs_ews_connector": c.needs_ews_connector,
        "format": c.format,
    })
}

fn classification_text(c: &Classification) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} rows read.\n", c.total);
    for k in &c.counts {
        let _ = writeln!(s, "  {}. {:<36} {:>6}", k.category, k.label, k.count);
    }
    let _ = writeln!(
        s,
        "     {:<36} {:>6}",
        "Couldn't be sorted",
        c.unclassified.len()
    );
    let _ = writeln!(s, "\n{} accounts must sign in again.", c.reauth);
    if c.needs_ews_connector {
        let _ = writeln!(s, "Exchange on your own servers: set up the EWS connector in Nylas v3 before those users sign in again.");
    }
    for k in c.counts.iter().filter(|k| k.count > 0) {
        let _ = writeln!(s, "\n{}. {}: {}", k.category, k.label, k.explanation);
        for a in c.accounts.iter().filter(|a| a.class == k.class) {
            let _ = writeln!(s, "  {} — {}", a.email, a.action);
        }
    }
    if !c.unclassified.is_empty() {
        let _ = writeln!(s, "\nRows that couldn't be sorted:");
        for u in &c.unclassified {
            let _ = writeln!(s, "  row {}: {}", u.row, u.reason);
        }
    }
    s
}
