//! `nylas-ms-setup summary --answers FILE [--format markdown|html]`: the
//! summary the window saves, printed on standard output, from the window's
//! progress.json (its step statuses and last check included) or a plain
//! JSON answers file. Exit 0, or 2 for a file that can't be used.

use std::path::PathBuf;
use std::process::ExitCode;

use wizard_core::answers::AnswersFile;
use wizard_core::state::{progress_from_value, Progress};
use wizard_core::summary::{render, SummaryFormat, SummaryInput};
use wizard_core::WizardError;

#[derive(clap::Args)]
pub struct Args {
    /// The wizard's saved progress.json, or a JSON answers file.
    #[arg(long, value_name = "FILE")]
    answers: PathBuf,
    /// Markdown, or HTML to print to PDF from a browser.
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "markdown",
        ignore_case = true
    )]
    format: SummaryFormat,
    /// The app's Application (client) ID, to include.
    #[arg(long, value_name = "GUID")]
    client_id: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    match progress(&args) {
        Ok(p) => {
            print!(
                "{}",
                render(
                    &SummaryInput {
                        progress: &p,
                        client_id: args.client_id.as_deref(),
                        audit: None,
                        secret: None,
                        generated_at: None,
                    },
                    args.format,
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.message);
            if let Some(h) = &e.hint {
                eprintln!("{h}");
            }
            ExitCode::from(2)
        }
    }
}

fn progress(args: &Args) -> Result<Progress, WizardError> {
    let path = &args.answers;
    let bytes = crate::input::read_file_limited(path, 1024 * 1024)
        .map_err(|e| WizardError::io(&format!("read {}", path.display()), &e))?;
    let text = wizard_core::manifest::decode_text(&bytes);
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        WizardError::invalid_input(format!(
            "{} isn't valid JSON (line {}, column {}).",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    // The window's progress keeps its step statuses and last check.
    if value.get("version").is_some() {
        return progress_from_value(value).map_err(|e| {
            WizardError::invalid_input(format!("The progress file can't be used: {e}"))
        });
    }
    let file = AnswersFile::from_value(value)?;
    let mut p = Progress::default();
    p.choose_path(file.path);
    if let Some(path) = file.path {
        p.answers = file.answers.validated(path)?;
    }
    Ok(p)
}
