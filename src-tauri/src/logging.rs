//! Logs: to stderr as before (`NYLAS_WIZARD_LOG` sets the level), and for
//! support a file in the app's log folder, rotated daily, a week kept. A
//! Windows release build has no console, so the file is the only log there.
//!
//! What is logged stays redacted by design: calls are named by their label
//! ("Nylas GET v3/applications"), never by URL, query string, header or
//! body; no secret is ever passed to a log macro. The file also takes only
//! our own crates' events, whatever `NYLAS_WIZARD_LOG` says, so a library's
//! trace output (which may show URLs) never lands in it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// What the support log keeps: our crates only; HTTP calls (by label) at
/// debug, the rest at info.
const FILE_FILTER: &str = "off,wizard_core=info,wizard_core::http=debug,nylas_ms_wizard_lib=info";
/// Log files are named `wizard.<date>.log`.
const FILE_PREFIX: &str = "wizard";
const FILE_SUFFIX: &str = "log";
/// Days of logs kept.
const KEEP_FILES: usize = 7;

/// The support log file, opened once the app knows its log folder (events
/// before that reach stderr only).
#[derive(Clone, Default)]
pub struct SupportLog(Arc<Mutex<Option<RollingFileAppender>>>);

impl SupportLog {
    /// Start writing to a daily file in `dir` (created if missing).
    pub fn open_in(&self, dir: &Path) -> Result<(), String> {
        // Made first: the appender looks for old files to prune as it starts.
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(FILE_PREFIX)
            .filename_suffix(FILE_SUFFIX)
            .max_log_files(KEEP_FILES)
            .build(dir)
            .map_err(|e| e.to_string())?;
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(appender);
        Ok(())
    }
}

/// One event's bytes, written to the file if it is open (else dropped).
pub struct SupportLogWriter<'a>(&'a SupportLog);

impl Write for SupportLogWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0 .0.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            Some(file) => file.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0 .0.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for SupportLog {
    type Writer = SupportLogWriter<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        SupportLogWriter(self)
    }
}

/// The subscriber the app runs with: stderr filtered by `stderr_filter`,
/// and the support file with its own fixed filter.
fn subscriber(
    stderr_filter: EnvFilter,
    file: SupportLog,
) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(stderr_filter),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file)
                .with_filter(EnvFilter::new(FILE_FILTER)),
        )
}

/// Install the app's logging (once, at start). The support file is opened
/// later with [`SupportLog::open_in`].
pub fn init() -> SupportLog {
    let filter = EnvFilter::try_from_env("NYLAS_WIZARD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    let file = SupportLog::default();
    let _ = subscriber(filter, file.clone()).try_init();
    file
}

/// Where the support log goes: `logs` in the data folder when one is given
/// (support and tests keep everything together), else the app's log folder.
pub fn log_dir(
    data_dir: Option<&Path>,
    app_log_dir: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    match data_dir {
        Some(d) => Some(d.join("logs")),
        None => app_log_dir(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wizard_core::http::{ApiRequest, Auth, HttpClient, HttpConfig};
    use wizard_core::remote_ops::RemoteOp;

    /// The support log names a call by its label; the secret, the query
    /// string and the body of that call never reach it.
    #[test]
    fn the_support_log_has_the_call_label_but_no_query_or_secret() {
        let dir = tempfile::tempdir().unwrap();
        let log = SupportLog::default();
        log.open_in(dir.path()).unwrap();
        // Nothing listens on this port: the call fails and is retried,
        // which the HTTP layer logs.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base: url::Url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        let req = ApiRequest::new(RemoteOp::MicrosoftCodeExchange, &base, "v3/connect/token")
            .unwrap()
            .query(&[("client_secret", "canary-query-4a7f")])
            .auth(Auth::bearer("canary-token-9c2e"))
            .json(serde_json::json!({"code": "canary-body-51d0"}))
            .idempotent(true);
        let label = req.label().to_string();
        let http = HttpClient::direct(HttpConfig {
            max_retries: 1,
            base_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(1),
            ..HttpConfig::default()
        })
        .unwrap();
        // Everything on stderr is off here: only the file layer is tested.
        let sub = subscriber(EnvFilter::new("off"), log.clone());
        tracing::subscriber::with_default(sub, || {
            tracing::info!("nylas-ms-wizard starting");
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let cancel = tokio_util::sync::CancellationToken::new();
            let result = rt.block_on(http.send(&req, &cancel));
            assert!(result.is_err(), "nothing listens there");
        });

        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("wizard.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("nylas-ms-wizard starting"), "{text}");
        assert!(text.contains(&label), "the call label is logged: {text}");
        assert!(text.contains("retrying"), "{text}");
        for secret in [
            "canary-query-4a7f",
            "canary-token-9c2e",
            "canary-body-51d0",
            "client_secret",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[test]
    fn before_the_folder_is_known_nothing_is_written_and_nothing_fails() {
        let log = SupportLog::default();
        let sub = subscriber(EnvFilter::new("off"), log.clone());
        tracing::subscriber::with_default(sub, || tracing::info!("early"));
        let dir = tempfile::tempdir().unwrap();
        log.open_in(dir.path()).unwrap();
        let sub = subscriber(EnvFilter::new("off"), log.clone());
        tracing::subscriber::with_default(sub, || tracing::info!("later"));
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.contains("later") && !text.contains("early"), "{text}");
    }

    #[test]
    fn logs_go_beside_a_given_data_folder_else_to_the_app_log_folder() {
        let data = Path::new("/data");
        assert_eq!(
            log_dir(Some(data), || panic!("not asked")),
            Some(data.join("logs"))
        );
        assert_eq!(
            log_dir(None, || Some(PathBuf::from("/app/logs"))),
            Some(PathBuf::from("/app/logs"))
        );
    }
}
