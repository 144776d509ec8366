//! `nylas-ms-setup sandbox`: run the built-in simulator of Microsoft and
//! Nylas in the foreground, for practice, demos and scripted tests.
//!
//! The first line on stdout is always `Sandbox listening on URL` so a script
//! can read the address; request logs go to stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use wizard_sandbox::Scenario;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (JSON); the built-in practice scenario if left out.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
}

pub fn run(args: Args) -> ExitCode {
    init_logging();
    let scenario = match &args.scenario {
        Some(path) => match Scenario::from_file(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("The sandbox cannot start: {e}.");
                return ExitCode::from(2);
            }
        },
        None => Scenario::practice(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("The sandbox cannot start: {e}.");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(scenario, args.port))
}

async fn serve(scenario: Scenario, port: u16) -> ExitCode {
    let sandbox = match wizard_sandbox::start(scenario, Some(port)).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("The sandbox cannot start: {e}.");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    // Scripts wait for this line, so it must leave the buffer now.
    if writeln!(out, "Sandbox listening on {}", sandbox.base_url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    drop(out);
    eprintln!("Press Ctrl-C to stop.");
    wait_for_stop_signal().await;
    sandbox.shutdown().await;
    eprintln!("Sandbox stopped.");
    ExitCode::SUCCESS
}

/// Ctrl-C anywhere; also SIGTERM on Unix (what `kill` and service managers send).
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Request logs (method, path, status; never headers or bodies) on stderr.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("wizard_sandbox=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
