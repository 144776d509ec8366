//! One wizard at a time: a second launch on the same progress hands over to
//! the window already open (which comes to the front) and exits at once;
//! the first window stays, alone. A launch on another data folder is a
//! separate wizard (so tests with their own folders never collide).

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use wizard_e2e::{app_binary, screenshot, wait_for, Driver};

/// The support log's text (it goes to `<data-dir>/logs`), or "".
fn log_text(data: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(data.join("logs")) else {
        return String::new();
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

/// Poll a condition with a deadline (no fixed sleeps as synchronisation).
async fn until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn launch(data: &Path) -> Child {
    Command::new(app_binary())
        .args(["--data-dir", &data.display().to_string()])
        // Never the real hosts, as in the harness.
        .env("NYLAS_WIZARD_SANDBOX_URL", "http://127.0.0.1:9/")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts")
}

async fn exit_within(child: &mut Child, secs: u64) -> ExitStatus {
    let mut status = None;
    until("the second launch to exit", secs, || {
        status = child.try_wait().unwrap();
        status.is_some()
    })
    .await;
    status.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_second_launch_focuses_the_first_window_and_exits() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "one instance is kept over D-Bus: run under scripts/with-keyring.sh (a private session bus)"
    );
    let data = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[]).await;
    let c = driver.open_app(data.path(), &[]).await;
    wait_for(&c, "welcome").await;

    let mut second = launch(data.path());
    let status = exit_within(&mut second, 20).await;
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    // The first wizard got the hand-over (and brought its window forward).
    until("the first window to get the hand-over", 20, || {
        log_text(data.path()).contains("a second launch was handed over to this window")
    })
    .await;
    // Still there, still one window, still working.
    assert_eq!(c.windows().await.unwrap().len(), 1);
    wait_for(&c, "practice-toggle").await.click().await.unwrap();
    wait_for(&c, "practice-banner").await;
    screenshot(&c, "single-instance-first-window-after-second-launch").await;

    // Another data folder is another wizard: it starts (and saves there).
    let other = tempfile::tempdir().unwrap();
    let mut third = launch(other.path());
    until("a wizard on another folder to start", 30, || {
        log_text(other.path()).contains("saving progress in")
    })
    .await;
    assert!(
        third.try_wait().unwrap().is_none(),
        "a wizard on another folder keeps running"
    );
    third.kill().unwrap();
    third.wait().unwrap();
    c.close().await.unwrap();
}
