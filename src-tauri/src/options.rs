//! Command-line options of the desktop app (few, and mostly for support and
//! the end-to-end tests).

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Clone, Parser, Default)]
#[command(
    name = "nylas-ms-wizard",
    version,
    about = "Nylas Microsoft Setup Wizard"
)]
pub struct Options {
    /// Keep saved progress in this folder instead of the usual app data folder.
    #[arg(long, env = "NYLAS_WIZARD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Don't use the system keychain (as if none were installed).
    #[arg(long)]
    pub no_keychain: bool,

    /// Sign in to Microsoft through this public client (an Application ID)
    /// instead of Microsoft Graph Command Line Tools, e.g. where an
    /// organization blocks that one.
    #[arg(long, value_name = "ID", env = "NYLAS_WIZARD_SIGN_IN_CLIENT_ID")]
    pub sign_in_client_id: Option<String>,

    /// Listen for the test sign-in's return on this port of localhost
    /// instead of 47615 (it must match the callback URI registered with
    /// Nylas; for support and the end-to-end tests).
    #[arg(long, value_name = "PORT", env = "NYLAS_WIZARD_TEST_SIGN_IN_PORT")]
    pub test_sign_in_port: Option<u16>,

    /// Listen for the Teams account sign-ins' return on this port of
    /// localhost instead of 47616 (it must match a redirect URI of the
    /// Teams integration; for support and the end-to-end tests).
    #[arg(long, value_name = "PORT", env = "NYLAS_WIZARD_TEAMS_CALLBACK_PORT")]
    pub teams_callback_port: Option<u16>,

    /// Listen for the path C sign-ins' return (Connect accounts) on this port
    /// of localhost instead of 47617 (it must match a Web redirect URI of the
    /// Azure app; for support and the end-to-end tests).
    #[arg(long, value_name = "PORT", env = "NYLAS_WIZARD_NATIVE_AUTH_PORT")]
    pub native_auth_port: Option<u16>,
}

impl Options {
    /// Parse the process arguments; unknown arguments (some platforms add
    /// their own) are ignored rather than refusing to start.
    pub fn from_env() -> Self {
        Options::try_parse().unwrap_or_else(|e| {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            tracing::warn!("ignoring unrecognised command-line arguments: {e}");
            Options::default()
        })
    }
}
