//! The summary to keep (saved to Downloads, or copied) and the Global
//! Admin hand-off (copied, or opened in the mail app). Both are built in
//! wizard-core from the progress; the shell adds only what it alone knows:
//! the stored secret's hint (never the secret), where to save, and opening
//! the mail app.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime, State};
use wizard_core::handoff::{handoff_email, mailto_link, HandoffEmail};
use wizard_core::secrets::SecretName;
use wizard_core::summary::{render, save_unique, LastAudit, SummaryFormat, SummaryInput};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::external;

type Result<T> = std::result::Result<T, WizardError>;

async fn summary_of(
    state: &AppState,
    format: SummaryFormat,
    client_id: Option<&str>,
    audit: Option<&LastAudit>,
) -> String {
    let progress = state.progress();
    // A keychain that can't answer just leaves the hint out.
    let secret = state
        .stored_secret(SecretName::AzureClientSecret)
        .await
        .ok()
        .flatten();
    render(
        &SummaryInput {
            progress: &progress,
            client_id,
            audit: audit.map(|a| (&a.report, a.source)),
            secret: secret.as_ref(),
            generated_at: None,
        },
        format,
    )
}

/// The summary as Markdown, for "Copy as Markdown".
#[tauri::command]
pub async fn summary_text(
    state: State<'_, AppState>,
    client_id: Option<String>,
    audit: Option<LastAudit>,
) -> Result<String> {
    Ok(summary_of(
        &state,
        SummaryFormat::Markdown,
        client_id.as_deref(),
        audit.as_ref(),
    )
    .await)
}

/// Saves the summary in the Downloads folder (the app's data folder when
/// there is none) under a new dated name, and answers with its path.
#[tauri::command]
pub async fn export_summary<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: SummaryFormat,
    client_id: Option<String>,
    audit: Option<LastAudit>,
) -> Result<String> {
    let text = summary_of(&state, format, client_id.as_deref(), audit.as_ref()).await;
    let dir = save_dir(
        app.path().download_dir().ok(),
        app.path().app_data_dir().ok(),
    )?;
    let path = save_unique(&dir, format, &text, None)?;
    // The file name only: the folder holds the admin's user name.
    tracing::info!(
        "summary saved as {:?}",
        path.file_name().unwrap_or_default()
    );
    Ok(path.display().to_string())
}

/// Downloads when it exists, else the app's data folder.
pub(crate) fn save_dir(downloads: Option<PathBuf>, data: Option<PathBuf>) -> Result<PathBuf> {
    downloads.filter(|d| d.is_dir()).or(data).ok_or_else(|| {
        WizardError::internal("There is no folder to save the summary in.")
            .with_hint("Use Copy instead and paste the summary into a document.")
    })
}

/// The request for the Global Admin.
#[tauri::command]
pub fn global_admin_request(
    state: State<'_, AppState>,
    client_id: Option<String>,
) -> Result<HandoffEmail> {
    handoff_email(&state.progress(), client_id.as_deref())
}

/// Opens the request in the mail app, to the typed address or to nobody.
/// The `mailto:` link is built in wizard-core, never taken from the window.
#[tauri::command]
pub fn open_global_admin_mail(
    state: State<'_, AppState>,
    client_id: Option<String>,
    to: Option<String>,
) -> Result<()> {
    let email = handoff_email(&state.progress(), client_id.as_deref())?;
    let url = external::mailto(&mailto_link(to.as_deref(), &email)?)?;
    #[cfg(test)]
    {
        crate::tests::opened(url.as_str());
        Ok(())
    }
    #[cfg(not(test))]
    open::that_detached(url.as_str()).map_err(|e| {
        WizardError::internal(format!("Your mail app could not be opened: {e}."))
            .with_hint("Use \"Copy email\" and paste it into a new message.")
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::{App, WebviewWindow};
    use wizard_core::endpoints::Endpoints;
    use wizard_core::state::StateStore;

    use super::save_dir;
    use crate::{configure, AppState};

    const CANARY: &str = "Q~summary-CANARY-secret-4b7e9d1f3a";

    fn app(dir: &std::path::Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
        // A port nothing listens on: nothing here may go out.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoints =
            Endpoints::sandbox(&format!("http://127.0.0.1:{port}/").parse().unwrap()).unwrap();
        let state = AppState::new(StateStore::in_dir(dir), true, endpoints).unwrap();
        let app = configure(mock_builder())
            .manage(state)
            .build(tauri::generate_context!())
            .expect("app builds");
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("window builds");
        (app, window)
    }

    fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
        let req = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(w, req).map(|b| b.deserialize::<Value>().unwrap())
    }

    fn set_up(w: &WebviewWindow<MockRuntime>) {
        call(w, "use_session_only_secrets", json!({})).unwrap();
        call(w, "choose_path", json!({"path": "v3"})).unwrap();
        call(
            w,
            "set_answer",
            json!({"update": {"key": "preset", "value": "read-only-inbox"}}),
        )
        .unwrap();
        call(
            w,
            "save_secret",
            json!({"name": "azure_client_secret", "value": CANARY}),
        )
        .unwrap();
    }

    #[test]
    fn export_summary_writes_a_new_file_each_time_without_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = app(dir.path());
        set_up(&w);
        let paths: Vec<String> = (0..2)
            .map(|_| {
                call(&w, "export_summary", json!({"format": "markdown"}))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        // The files are the test's own (in Downloads or the data folder): tidy up.
        for p in &paths {
            std::fs::remove_file(p).unwrap();
        }
        assert_ne!(paths[0], paths[1], "the second save overwrote the first");
        assert!(paths[0].ends_with(".md"));
        for t in &texts {
            assert!(t.contains("Mail.Read"));
            assert!(t.contains("Kept in memory for this run only"));
            assert!(!t.contains(CANARY));
        }
        let copied = call(&w, "summary_text", json!({})).unwrap();
        assert!(copied
            .as_str()
            .unwrap()
            .starts_with("# Nylas Microsoft setup"));
        assert!(!copied.to_string().contains(CANARY));
    }

    #[test]
    fn the_hand_off_is_built_in_rust_and_mails_only_a_plain_address() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = app(dir.path());
        set_up(&w);
        let id = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";
        let email = call(&w, "global_admin_request", json!({"clientId": id})).unwrap();
        assert!(email["body"]
            .as_str()
            .unwrap()
            .contains(&format!("adminconsent?client_id={id}")));
        assert!(!email.to_string().contains(CANARY));
        assert!(call(&w, "open_global_admin_mail", json!({"clientId": id})).is_ok());
        let bad = call(
            &w,
            "open_global_admin_mail",
            json!({"clientId": id, "to": "a@b.com?bcc=evil@x.com"}),
        )
        .unwrap_err();
        assert_eq!(bad["code"], "invalid_input");
    }

    #[test]
    fn the_summary_goes_to_downloads_else_the_data_folder() {
        let d = tempfile::tempdir().unwrap();
        let data = d.path().join("data");
        assert_eq!(
            save_dir(Some(d.path().to_path_buf()), Some(data.clone())).unwrap(),
            d.path()
        );
        assert_eq!(
            save_dir(Some(d.path().join("missing")), Some(data.clone())).unwrap(),
            data
        );
        assert!(save_dir(None, None).is_err());
    }
}
