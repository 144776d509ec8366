// Declaring our commands in an AppManifest makes Tauri enforce the ACL for
// them: a command runs only if a capability grants `allow-<command>`.
const COMMANDS: &[&str] = &[
    "get_session",
    "bench_ready",
    "list_paths",
    "choose_path",
    "go_to_step",
    "set_answer",
    "set_step_status",
    "set_practice_mode",
    "use_session_only_secrets",
    "dismiss_notice",
    "recheck_keychain",
    "start_over",
    "open_portal",
    "open_consent",
    "open_docs",
    "feature_choices",
    "plan_scopes",
    "redirect_uris",
    "validate_callback",
    "audit_manifest",
    "diagnose",
    "look_up_tenant",
    "cancel_remote",
    "set_proxy",
    "save_secret",
    "stored_secret",
    "forget_secret",
    "start_microsoft_sign_in",
    "finish_microsoft_sign_in",
    "microsoft_signed_in",
    "sign_out_microsoft",
    "check_app_live",
    "plan_live_fixes",
    "apply_live_fixes",
    "create_new_client_secret",
    "copy_new_client_secret",
    "forget_new_client_secret",
    "grant_admin_consent",
    "plan_new_app",
    "create_new_app",
    "check_nylas_account",
    "check_stored_nylas_account",
    "summary_text",
    "export_summary",
    "global_admin_request",
    "open_global_admin_mail",
    "list_changes",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
