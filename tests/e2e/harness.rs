//! Drives the real app window: starts `tauri-driver` (in front of
//! WebKitWebDriver) and opens WebDriver sessions on the built app.
//!
//! Needs an X display (run under `xvfb-run`), `tauri-driver` on PATH or in
//! `~/.cargo/bin`, and the debug app built (`cargo build -p nylas-ms-wizard`).
//! Missing pieces fail loudly: an end-to-end test that cannot run is a failure,
//! never a silent pass.

use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub mod browser;
pub mod canary;
pub mod practice;

/// Where screenshots go (under the workspace's target dir).
pub fn screenshot_dir() -> PathBuf {
    let dir = workspace_root().join("target").join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("create screenshot dir");
    dir
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The app binary under test (`WIZARD_APP` overrides).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("WIZARD_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/nylas-ms-wizard"));
    assert!(
        path.exists(),
        "the app is not built at {}; run `cargo build -p nylas-ms-wizard` first",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(p) = home
        .map(|h| h.join("bin/tauri-driver"))
        .filter(|p| p.exists())
    {
        return p;
    }
    PathBuf::from("tauri-driver")
}

/// One tauri-driver process. Each test owns its own, so tests can't disturb
/// each other's sessions.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Start tauri-driver with extra environment for the app (e.g. a GTK
    /// theme), and wait until it answers.
    pub async fn start(env: &[(&str, &str)]) -> Driver {
        Self::start_with(env, Stdio::null(), Stdio::inherit()).await
    }

    /// Like [`Driver::start`], with everything the driver and the apps it
    /// launches print (their stdout and stderr) appended to the file `out`.
    pub async fn start_capturing(env: &[(&str, &str)], out: &Path) -> Driver {
        let file = || {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(out)
                .expect("a file for the app's output")
        };
        Self::start_with(env, file().into(), file().into()).await
    }

    async fn start_with(env: &[(&str, &str)], stdout: Stdio, stderr: Stdio) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run the end-to-end tests under xvfb-run"
        );
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
            "--native-driver",
            "/usr/bin/WebKitWebDriver",
        ])
        .stdout(stdout)
        .stderr(stderr)
        // Outside practice mode the app would call the real Microsoft and
        // Nylas hosts; point them at a local port nothing listens on.
        .env(
            "NYLAS_WIZARD_SANDBOX_URL",
            format!("http://127.0.0.1:{}/", free_port()),
        );
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .expect("tauri-driver starts (cargo install tauri-driver@2.1.0 --locked)");
        let driver = Driver { child, port };
        driver.wait_ready().await;
        driver
    }

    /// A driver whose app windows use GTK's dark theme, which WebKitGTK
    /// reports to the page as `prefers-color-scheme: dark`.
    pub async fn start_dark() -> Driver {
        Driver::start(&[("GTK_THEME", "Adwaita:dark")]).await
    }

    /// Poll the driver's status endpoint until it accepts connections. This
    /// waits for a condition (a listening socket), with a deadline.
    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Open the app with its own data folder and extra arguments.
    pub async fn open_app(&self, data_dir: &Path, extra_args: &[&str]) -> Client {
        // A window closed a moment ago may still be exiting: one started on
        // the same folder now would hand over to it (single instance) and
        // exit, leaving the session unanswered.
        wait_until_no_app_on(data_dir).await;
        let mut args = vec!["--data-dir".to_string(), data_dir.display().to_string()];
        args.extend(extra_args.iter().map(|s| s.to_string()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({"application": app_binary(), "args": args}),
        );
        // An app that exits while starting (e.g. its single-instance check
        // failing) leaves the new session unanswered: bounded.
        bounded(
            Duration::from_secs(60),
            "a WebDriver session on the app (did it exit while starting?)",
            ClientBuilder::rustls()
                .expect("a WebDriver client")
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{}", self.port)),
        )
        .await
        .expect("a WebDriver session on the app")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Wait (polling the process table, with a deadline) until no process of
/// the app runs with `--data-dir <data_dir>`.
async fn wait_until_no_app_on(data_dir: &Path) {
    let app = app_binary();
    let app_name = app.file_name().map(|n| n.to_os_string());
    let dir = data_dir.as_os_str().as_encoded_bytes().to_vec();
    let running = || {
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return false;
        };
        procs.flatten().any(|p| {
            let Ok(cmdline) = std::fs::read(p.path().join("cmdline")) else {
                return false;
            };
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            let is_app = args.first().is_some_and(|a| {
                Path::new(std::ffi::OsStr::from_bytes(a)).file_name() == app_name.as_deref()
            });
            is_app
                && args
                    .windows(2)
                    .any(|w| w[0] == b"--data-dir" && w[1] == dir.as_slice())
        })
    };
    // Its process can leave the process table's command line (memory
    // released) while its D-Bus connection is still open, so the
    // single-instance name on the session bus is waited for too.
    let name = single_instance_name(data_dir);
    let deadline = Instant::now() + Duration::from_secs(30);
    while running() || bus_has_name(&name) {
        assert!(
            Instant::now() < deadline,
            "the app on {} did not exit within 30 s of its window closing",
            data_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The D-Bus name the app's single-instance lock holds for a data folder
/// (as `src-tauri/src/lib.rs` names it: FNV-1a of the absolute path).
fn single_instance_name(data_dir: &Path) -> String {
    let dir = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let hash = dir
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("com.nylas.ms_setup_wizard.d{hash:016x}.SingleInstance")
}

/// Whether the session bus has `name` (false when there is no bus to ask).
fn bus_has_name(name: &str) -> bool {
    Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.DBus",
            "--object-path",
            "/org/freedesktop/DBus",
            "--method",
            "org.freedesktop.DBus.NameHasOwner",
            name,
        ])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("true"))
}

/// How long one script that waits in the window (for a frame, a settled
/// layout, the IPC log) may take. WebKitWebDriver does not always end an
/// asynchronous script at the session's script timeout: when the page stops
/// drawing frames, `requestAnimationFrame` never calls back and the
/// command never answers, so every such wait is bounded here.
pub const SCRIPT_BOUND: Duration = Duration::from_secs(30);

/// Await a WebDriver command for at most `bound`, panicking with `what`
/// (what the test was waiting for) instead of hanging the test run.
pub async fn bounded<T>(
    bound: Duration,
    what: &str,
    fut: impl std::future::Future<Output = T>,
) -> T {
    tokio::time::timeout(bound, fut)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer from the window within {bound:?}"))
}

/// A CSS locator for a `data-testid`.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Wait for an element by test id (fantoccini polls with a deadline).
pub async fn wait_for(c: &Client, id: &str) -> fantoccini::elements::Element {
    let css = tid(id);
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("element {css} did not appear: {e}"))
}

/// Wait for the first element matching a CSS selector (e.g. either of two
/// test ids: `[data-testid="a"], [data-testid="b"]`).
pub async fn wait_for_css(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing matching {css} appeared: {e}"))
}

/// Wait until an element's visible text equals `want`.
pub async fn wait_for_text(c: &Client, id: &str, want: &str) {
    let xpath = format!("//*[@data-testid='{id}' and normalize-space(.)='{want}']");
    if let Err(e) = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
    {
        let now = match c.find(Locator::Css(&tid(id))).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => "<missing>".into(),
        };
        panic!("{id} shows {now:?}, expected {want:?}: {e}");
    }
}

/// The visible text of an element, once it is there.
pub async fn text_of(c: &Client, id: &str) -> String {
    wait_for(c, id).await.text().await.unwrap()
}

/// Click a step in the step list.
pub async fn click_step(c: &Client, step: &str) {
    wait_for(c, &format!("step-item-{step}"))
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Wait until the step list shows `step` with `status` (`done`, `skipped`, …).
pub async fn wait_for_status(c: &Client, step: &str, status: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "[data-testid=\"step-item-{step}\"][data-status=\"{status}\"]"
        )))
        .await
        .unwrap_or_else(|e| panic!("step {step} is not {status}: {e}"));
}

/// Resize the window and wait until the page has laid out at the new width
/// (two frames after `innerWidth` reports it).
pub async fn resize(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height)
        .await
        .expect("resize the window");
    bounded(
        SCRIPT_BOUND,
        &format!("a frame at the new size {width}×{height}"),
        c.execute_async(
            "const [w, done] = [arguments[0], arguments[arguments.length - 1]];
             const tick = () => window.innerWidth === w
               ? requestAnimationFrame(() => requestAnimationFrame(() => done(true)))
               : requestAnimationFrame(tick);
             tick();",
            vec![json!(width)],
        ),
    )
    .await
    .expect("a frame at the new size");
}

/// Save a PNG screenshot of the window under `target/e2e-screenshots/`.
pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
    // After animations and transitions settle, and a painted frame, so the
    // picture shows what the admin ends up seeing, not a moment mid-way.
    let settle = c.execute_async(
        "const done = arguments[arguments.length - 1];
         let called = false;
         const settle = () => requestAnimationFrame(() => requestAnimationFrame(() => {
           if (!called) { called = true; done(true); }
         }));
         // A cap, not a pause: a picture is never worth a hung test run.
         setTimeout(settle, 5000);
         const shown = (a) => {
           const t = a.effect && a.effect.target;
           const timing = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : {};
           // An endless animation (a spinner) never finishes, and WebKit
           // never finishes a transition on an element that isn't drawn
           // (inside a closed <details>): neither changes the picture.
           return timing.endTime !== Infinity && (!t || t.getClientRects().length > 0);
         };
         const running = (document.getAnimations ? document.getAnimations() : []).filter(shown);
         Promise.all(running.map((a) => a.finished.catch(() => null))).then(settle);",
        vec![],
    );
    bounded(
        SCRIPT_BOUND,
        &format!("screenshot {name}: animations settling and a painted frame"),
        settle,
    )
    .await
    .expect("animations settle before the screenshot");
    // WebKitGTK answers a window screenshot after the next painted update,
    // and, painting without accelerated compositing (commit 3911990), a
    // page with nothing left to repaint never sends one: the command never
    // answers. So a 1-pixel, all-but-transparent dot in a corner changes
    // each frame until the picture is taken (or for 3 s), and then goes.
    c.execute(
        "const dot = document.createElement('div');
         dot.setAttribute('aria-hidden', 'true');
         dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
         document.documentElement.appendChild(dot);
         window.__shotDot = dot;
         const end = performance.now() + 3000;
         let n = 0;
         const tick = () => {
           if (!dot.isConnected) return;
           dot.style.background = n++ % 2 ? 'rgba(255,255,255,0.01)' : 'rgba(0,0,0,0.01)';
           if (performance.now() < end) requestAnimationFrame(tick); else dot.remove();
         };
         requestAnimationFrame(tick);
         return true;",
        vec![],
    )
    .await
    .expect("keep the window painting for the screenshot");
    let png = bounded(
        SCRIPT_BOUND,
        &format!("screenshot {name}: the picture"),
        c.screenshot(),
    )
    .await
    .expect("screenshot");
    c.execute(
        "if (window.__shotDot) { window.__shotDot.remove(); } return true;",
        vec![],
    )
    .await
    .expect("the dot goes after the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    path
}

/// On the welcome screen: switch practice mode on and wait for its banner.
pub async fn enter_practice_mode(c: &Client) {
    wait_for(c, "welcome").await;
    wait_for(c, "practice-toggle").await.click().await.unwrap();
    wait_for(c, "practice-banner").await;
}

/// Bring an element to the middle of the window, as an admin scrolling to
/// it would (WebKitWebDriver won't type into a field under the footer).
pub async fn scroll_to(c: &Client, id: &str) {
    // The element may not be drawn yet (the script would throw on null).
    wait_for(c, id).await;
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return true;",
        vec![json!(tid(id))],
    )
    .await
    .expect("scroll into view");
}

/// Bring the element matching `css` to the middle of the window and wait
/// until it stays put for a few frames. A step that loads part of itself
/// after its first paint (the Azure app step's preset choice) moves what is
/// below it; a click computed before that shift lands on something else.
pub async fn center_when_still(c: &Client, css: &str) {
    let still = bounded(
        SCRIPT_BOUND,
        &format!("{css} staying put on the page"),
        c.execute_async(
            "const [css, done] = arguments;
             let last = null, same = 0;
             const tick = () => {
               const el = document.querySelector(css);
               if (el === null) { done(false); return; }
               const r = el.getBoundingClientRect();
               const at = r.top + ',' + r.left + ',' + window.innerHeight;
               if (at === last) { same += 1; } else { same = 0; el.scrollIntoView({ block: 'center' }); }
               last = el.getBoundingClientRect().top + ',' + r.left + ',' + window.innerHeight;
               if (same >= 5) { done(true); return; }
               requestAnimationFrame(tick);
             };
             tick();",
            vec![json!(css)],
        ),
    )
    .await
    .expect("wait for the element to stay put");
    assert_eq!(still, json!(true), "{css} is on the page");
}

/// Open the Azure app step's "Who signs in, your tenant and your client
/// secret" section. The summary is brought to the middle first: near the
/// bottom edge the fixed Back/Next bar would take the click.
pub async fn open_audit_options(c: &Client) {
    let summary = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("details.audit-options > summary"))
        .await
        .expect("the Azure app step's options");
    center_when_still(c, "details.audit-options > summary").await;
    summary.click().await.expect("click the options' summary");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("details.audit-options[open]"))
        .await
        .expect("the options open");
}

/// Record every answer the window gets from Rust, as JSON text
/// `{cmd, ok, body}` in `window.__ipcLog`. Tauri's `invoke` itself cannot be
/// replaced (a read-only property), but on Linux its answers arrive through
/// `fetch` of the `ipc:` custom protocol, which can be wrapped. A page load
/// starts a fresh window, so call this again after each one; calls made
/// before it are not seen.
pub async fn record_ipc(c: &Client) {
    let installed = c
        .execute(
            "if (!window.__TAURI_INTERNALS__) { return 'no Tauri internals'; }
             if (window.fetch.__recording) { return true; }
             window.__ipcLog = window.__ipcLog || [];
             const inner = window.fetch.bind(window);
             const wrapped = async (input, init) => {
               const url = typeof input === 'string' ? input : (input && input.url) || '';
               const answer = await inner(input, init);
               if (url.startsWith('ipc:') || url.startsWith('http://ipc.localhost/') || url.startsWith('https://ipc.localhost/')) {
                 const cmd = decodeURIComponent(new URL(url).pathname.slice(1));
                 const ok = answer.headers.get('Tauri-Response') === 'ok';
                 window.__ipcPending = (window.__ipcPending || 0) + 1;
                 answer.clone().text().then((body) => {
                   window.__ipcLog.push(JSON.stringify({ cmd, ok, body }));
                 }).finally(() => { window.__ipcPending -= 1; });
               }
               return answer;
             };
             wrapped.__recording = true;
             window.fetch = wrapped;
             return window.fetch.__recording === true;",
            vec![],
        )
        .await
        .expect("install the IPC recorder");
    assert_eq!(
        installed.as_bool(),
        Some(true),
        "the window's IPC answers could not be recorded: {installed}"
    );
}

/// The answers recorded since [`record_ipc`] (each as JSON text).
pub async fn ipc_log(c: &Client) -> Vec<String> {
    // Bodies still being read are waited for (a condition, not a delay).
    let v = bounded(
        SCRIPT_BOUND,
        "the IPC log's answers being read",
        c.execute_async(
            "const done = arguments[arguments.length - 1];
             const tick = () => (window.__ipcPending || 0) === 0
               ? done(window.__ipcLog || [])
               : setTimeout(tick, 10);
             tick();",
            vec![],
        ),
    )
    .await
    .expect("read the IPC log");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_owned())
        .collect()
}
