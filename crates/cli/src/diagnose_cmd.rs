//! `nylas-ms-setup diagnose TEXT`: explain an error message or a callback
//! URL (AADSTS codes, Nylas errors). Exit 0 with a diagnosis, even "we don't
//! recognise this"; 2 when there is nothing to look at (with `--format json`,
//! also as `{"error": …}` on stdout).

use std::io::Read;
use std::process::ExitCode;

use wizard_core::diagnose::diagnose;
use wizard_core::manifest::decode_text;
use wizard_core::WizardError;

use crate::output::{self, Format, OutputArg};

#[derive(clap::Args)]
pub struct Args {
    /// The error text or callback URL; quote it, or pass - to read stdin.
    #[arg(value_name = "TEXT", required = true, num_args = 1.., allow_hyphen_values = true)]
    text: Vec<String>,
    #[command(flatten)]
    output: OutputArg,
}

pub fn run(args: Args) -> ExitCode {
    let format = args.output.format;
    let text = if args.text == ["-"] {
        // Bytes, not a String: text piped on Windows may be UTF-16 or a
        // legacy code page (localised AADSTS messages aren't ASCII).
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            let e = WizardError::io("read the error text from standard input", &e);
            return output::bad_input(&e, format);
        }
        decode_text(&bytes)
    } else {
        args.text.join(" ")
    };
    if text.trim().is_empty() {
        let e = WizardError::invalid_input("There is no error text to look at.")
            .with_hint("Paste the error message or the address from the browser, in quotes.");
        return output::bad_input(&e, format);
    }
    let diagnoses = diagnose(&text);
    match format {
        Format::Json => output::print_json(&serde_json::json!({ "diagnoses": diagnoses })),
        Format::Text => print!("{}", output::diagnoses_text(&diagnoses)),
    }
    ExitCode::SUCCESS
}
