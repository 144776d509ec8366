//! The desktop shell: window, IPC commands and app state. All domain logic
//! lives in `wizard-core`; this crate only adapts it to Tauri.

mod app_state;
mod bench;
mod bulk_commands;
mod bulk_consent_commands;
mod changes_commands;
mod commands;
mod configure_commands;
mod consent_commands;
mod create_app_commands;
mod ews_commands;
mod external;
mod logging;
mod microsoft_commands;
mod migrate_commands;
mod native_auth_commands;
mod nylas_commands;
mod nylas_v2_commands;
mod options;
mod remote;
mod report_commands;
mod requirements;
mod secret_commands;
mod service_account_commands;
mod summary_commands;
mod teams_auth_commands;
mod teams_commands;
mod test_sign_in_commands;
mod webview_memory;

use tauri::{Manager, Runtime};
use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

pub use app_state::AppState;
pub use options::Options;

/// Register our commands and state on a builder. Generic over the runtime so
/// the shell tests run the same wiring on Tauri's mock runtime.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    // Remote calls in flight, so the window can cancel them.
    let builder = builder
        .manage(remote::RemoteCalls::default())
        .manage(test_sign_in_commands::TestSignInSession::default())
        .manage(native_auth_commands::NativeAuthSession::default())
        .manage(service_account_commands::ServiceAccountSession::default())
        .manage(teams_auth_commands::TeamsAuthSession::default())
        .manage(report_commands::ReportFacts::default())
        .manage(bulk_commands::BulkSession::default());
    builder.invoke_handler(tauri::generate_handler![
        commands::get_session,
        bench::bench_ready,
        commands::list_paths,
        commands::choose_path,
        commands::go_to_step,
        commands::set_answer,
        commands::set_step_status,
        commands::set_practice_mode,
        commands::use_session_only_secrets,
        commands::dismiss_notice,
        commands::recheck_keychain,
        commands::start_over,
        commands::open_portal,
        commands::open_consent,
        commands::open_docs,
        migrate_checklist_commands::migrate_checklist,
        migrate_checklist_commands::tick_migrate_item,
        requirements::feature_choices,
        requirements::plan_scopes,
        requirements::redirect_uris,
        requirements::validate_callback,
        requirements::audit_manifest,
        requirements::diagnose,
        remote::look_up_tenant,
        remote::cancel_remote,
        remote::set_proxy,
        secret_commands::save_secret,
        secret_commands::stored_secret,
        secret_commands::forget_secret,
        microsoft_commands::start_microsoft_sign_in,
        microsoft_commands::finish_microsoft_sign_in,
        microsoft_commands::microsoft_signed_in,
        microsoft_commands::sign_out_microsoft,
        microsoft_commands::check_app_live,
        microsoft_commands::plan_live_fixes,
        microsoft_commands::apply_live_fixes,
        microsoft_commands::create_new_client_secret,
        microsoft_commands::copy_new_client_secret,
        microsoft_commands::forget_new_client_secret,
        consent_commands::grant_admin_consent,
        create_app_commands::plan_new_app,
        create_app_commands::create_new_app,
        migrate_commands::v2_scope_choices_list,
        migrate_commands::translate_v2_scopes,
        migrate_commands::classify_v2_accounts,
        migrate_commands::save_reauth_csv,
        migrate_commands::check_current_app_exchange,
        migrate_commands::check_current_app_exchange_live,
        nylas_commands::check_nylas_account,
        nylas_commands::check_stored_nylas_account,
        nylas_v2_commands::check_nylas_v2_app,
        test_sign_in_commands::start_test_sign_in,
        test_sign_in_commands::finish_test_sign_in,
        native_auth_commands::plan_native_auth,
        native_auth_commands::start_native_auth,
        native_auth_commands::finish_native_auth,
        native_auth_commands::copy_native_auth_token,
        native_auth_commands::forget_native_auth_tokens,
        service_account_commands::plan_service_accounts,
        service_account_commands::start_service_accounts,
        service_account_commands::finish_service_accounts,
        summary_commands::summary_text,
        summary_commands::export_summary,
        summary_commands::global_admin_request,
        summary_commands::open_global_admin_mail,
        changes_commands::list_changes,
        report_commands::setup_report,
        report_commands::save_report,
        report_commands::open_report_folder,
        configure_commands::plan_configure_nylas,
        configure_commands::apply_configure_nylas,
        ews_commands::plan_migrate_ews,
        ews_commands::apply_migrate_ews,
        teams_commands::plan_teams_integration,
        teams_commands::apply_teams_integration,
        teams_auth_commands::teams_accounts_view,
        teams_auth_commands::connect_teams_accounts,
        teams_auth_commands::paste_teams_callback,
        bulk_commands::bulk_what_changed,
        bulk_commands::bulk_tenants_view,
        bulk_commands::bulk_read_tenants,
        bulk_commands::bulk_users_view,
        bulk_commands::bulk_read_users,
        bulk_commands::bulk_plan_credentials,
        bulk_commands::bulk_run_credentials,
        bulk_commands::bulk_run_grants,
        bulk_commands::bulk_save_failures,
        bulk_consent_commands::bulk_consent_view,
        bulk_consent_commands::bulk_start_consent,
        bulk_consent_commands::bulk_finish_consent,
        bulk_consent_commands::bulk_paste_consent,
        bulk_consent_commands::bulk_save_links,
    ])
}

pub fn run() {
    bench::mark_start();
    let support_log = logging::init();
    let options = Options::from_env();
    tracing::info!(
        "{} {} starting",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    // Base URLs can be pointed elsewhere for support and tests
    // (NYLAS_WIZARD_SANDBOX_URL, NYLAS_WIZARD_URL_<SERVICE>); a bad one stops
    // the start with a plain message rather than quietly using the real
    // hosts, and each one in use is logged (the window shows a banner).
    let endpoints = match Endpoints::from_env() {
        Ok(e) => e,
        Err(e) => {
            tracing::error!("{}", e.message);
            eprintln!("{}", e.message);
            if let Some(hint) = &e.hint {
                eprintln!("{hint}");
            }
            std::process::exit(2);
        }
    };
    let sign_in_client_id =
        match wizard_core::answers::clean_client_id(options.sign_in_client_id.as_deref()) {
            Ok(id) => id,
            Err(e) => {
                eprintln!("--sign-in-client-id: {}", e.message);
                std::process::exit(2);
            }
        };
    for o in endpoints.overrides() {
        tracing::warn!("{} goes to {} ({})", o.service, o.url, o.variable);
    }
    bench::mark("builder");
    // First among plugins: a second launch must hand over and exit before
    // anything else starts.
    configure(tauri::Builder::default().plugin(single_instance(options.data_dir.as_deref())))
        .setup(move |app| {
            bench::mark("setup");
            let log_dir = logging::log_dir(options.data_dir.as_deref(), || {
                app.path().app_log_dir().ok()
            });
            match log_dir.map(|d| support_log.open_in(&d).map(|_| d)) {
                Some(Ok(d)) => tracing::info!("support log in {}", d.display()),
                Some(Err(e)) => tracing::warn!("no support log file: {e}"),
                None => tracing::warn!("no support log file: no log folder"),
            }
            let dir = match &options.data_dir {
                Some(d) => d.clone(),
                None => app.path().app_data_dir()?,
            };
            tracing::info!("saving progress in {}", dir.display());
            if let Some(port) = options.test_sign_in_port {
                app.manage(test_sign_in_commands::TestSignInPort(port));
            }
            if let Some(port) = options.teams_callback_port {
                app.manage(teams_auth_commands::TeamsCallbackPort(port));
            }
            if let Some(port) = options.native_auth_port {
                app.manage(native_auth_commands::NativeAuthPort(port));
            }
            bench::mark("state");
            app.manage(
                AppState::new(StateStore::in_dir(&dir), options.no_keychain, endpoints)?
                    .with_sign_in_client_id(sign_in_client_id),
            );
            bench::mark("state-done");
            // Ask the keychain now, while the window and its page load: the
            // first screen needs the answer (the welcome screen's promise
            // about secrets) and a Secret Service can take a while to reply.
            // get_session waits for this same probe instead of starting one.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<AppState>().keychain_status().await;
                bench::mark("keychain-answered");
            });
            webview_memory::paint_without_compositing(app);
            bench::mark("setup-done");
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the Nylas Microsoft Setup Wizard");
}

/// One wizard per progress file: a second launch brings the first window
/// to the front and exits. With `--data-dir` (support, tests) the instance
/// is per folder on Linux, where the plugin lets us name it; Windows and
/// macOS key it on the app's identifier alone.
fn single_instance<R: Runtime>(
    data_dir: Option<&std::path::Path>,
) -> tauri::plugin::TauriPlugin<R> {
    let builder = tauri_plugin_single_instance::Builder::new().callback(|app, _args, _cwd| {
        tracing::info!("a second launch was handed over to this window");
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
    });
    #[cfg(target_os = "linux")]
    let builder = match data_dir {
        Some(dir) => builder.dbus_id(format!(
            "com.nylas.ms_setup_wizard.d{:016x}",
            path_hash(dir)
        )),
        None => builder,
    };
    #[cfg(not(target_os = "linux"))]
    let _ = data_dir;
    builder.build()
}

/// A stable hash of a folder's path (FNV-1a: the same in every process,
/// unlike std's randomly seeded hasher).
#[cfg(target_os = "linux")]
fn path_hash(dir: &std::path::Path) -> u64 {
    // Absolute, not canonical: the folder may not exist yet at the first launch.
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
}

#[cfg(test)]
mod consent_tests;
#[cfg(test)]
mod create_app_tests;
#[cfg(test)]
mod microsoft_tests;
mod migrate_checklist_commands;
#[cfg(test)]
mod migrate_checklist_tests;
#[cfg(test)]
mod migrate_tests;
#[cfg(test)]
mod native_auth_tests;
#[cfg(test)]
mod remote_tests;
#[cfg(test)]
mod service_account_tests;
#[cfg(test)]
mod test_sign_in_tests;
#[cfg(test)]
mod tests;
