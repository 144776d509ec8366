//! The desktop shell: window, IPC commands and app state. All domain logic
//! lives in `wizard-core`; this crate only adapts it to Tauri.

mod app_state;
mod commands;
mod external;
mod options;
mod remote;
mod requirements;
mod secret_commands;

use tauri::{Manager, Runtime};
use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

pub use app_state::AppState;
pub use options::Options;

/// Register our commands and state on a builder. Generic over the runtime so
/// the shell tests run the same wiring on Tauri's mock runtime.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::get_session,
        commands::list_paths,
        commands::choose_path,
        commands::go_to_step,
        commands::set_answer,
        commands::set_step_status,
        commands::set_practice_mode,
        commands::use_session_only_secrets,
        commands::dismiss_notice,
        commands::recheck_keychain,
        commands::open_external,
        requirements::feature_choices,
        requirements::plan_scopes,
        requirements::redirect_uris,
        requirements::validate_callback,
        requirements::audit_manifest,
        requirements::diagnose,
        remote::look_up_tenant,
        secret_commands::save_secret,
        secret_commands::stored_secret,
        secret_commands::forget_secret,
    ])
}

pub fn run() {
    init_tracing();
    let options = Options::from_env();
    configure(tauri::Builder::default())
        .setup(move |app| {
            let dir = match &options.data_dir {
                Some(d) => d.clone(),
                None => app.path().app_data_dir()?,
            };
            tracing::info!("saving progress in {}", dir.display());
            // Base URLs can be pointed elsewhere for support and tests
            // (NYLAS_WIZARD_SANDBOX_URL, NYLAS_WIZARD_URL_<SERVICE>); a bad
            // one stops the start rather than quietly using the real hosts.
            let endpoints = Endpoints::from_env()?;
            app.manage(AppState::new(
                StateStore::in_dir(&dir),
                options.no_keychain,
                endpoints,
            )?);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the Nylas Microsoft Setup Wizard");
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("NYLAS_WIZARD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    // Logs carry no secrets: nothing in the wizard logs a secret value,
    // an Authorization header or a request body.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests;
