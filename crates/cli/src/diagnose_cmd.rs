//! `nylas-ms-setup diagnose -` (text on stdin) or `diagnose TEXT`: explain
//! an error message or a callback URL (AADSTS codes, Nylas errors). Exit 0 with a diagnosis, even "we don't
//! recognise this"; 2 when there is nothing to look at (with `--format json`,
//! also as `{"error": …}` on stdout).

use std::process::ExitCode;

use wizard_core::diagnose::diagnose;
use wizard_core::manifest::decode_text;
use wizard_core::WizardError;

use crate::output::{self, Format, OutputArg};

/// `diagnose --help`: why `-` is the better way.
pub const LONG_ABOUT: &str = "Explain an error message or callback URL (AADSTS…, Nylas errors).\n\n\
    Pass - and paste the text on standard input (end with Ctrl-D, or Ctrl-Z then Enter on Windows), \
    or pipe it in: a callback URL typed on the command line lands in your shell history, \
    and it can carry a sign-in code.";

#[derive(clap::Args)]
pub struct Args {
    /// A dash (-) to read the text from standard input (best: nothing lands
    /// in your shell history), or the error text itself, in quotes.
    #[arg(value_name = "TEXT", required = true, num_args = 1.., allow_hyphen_values = true)]
    text: Vec<String>,
    #[command(flatten)]
    output: OutputArg,
}

/// The most text read from standard input (diagnose looks at the first
/// 64 KB of it).
const MAX_STDIN: usize = 1024 * 1024;

pub fn run(args: Args) -> ExitCode {
    let format = args.output.format;
    let text = if args.text == ["-"] {
        // Bytes, not a String: text piped on Windows may be UTF-16 or a
        // legacy code page (localised AADSTS messages aren't ASCII).
        // At most 1 MB: an endless pipe is refused, not read forever.
        match crate::input::read_limited(std::io::stdin().lock(), MAX_STDIN, "The text") {
            Ok(bytes) => decode_text(&bytes),
            Err(e) => {
                let e = WizardError::io("read the error text from standard input", &e)
                    .with_hint("Paste only the error message or the address from the browser.");
                return output::bad_input(&e, format);
            }
        }
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
