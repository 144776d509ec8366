//! Not built yet.
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("This command is not built yet.");
    ExitCode::from(2)
}
