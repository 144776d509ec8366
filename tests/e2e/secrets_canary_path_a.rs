//! The secrets canary on path A (a module of secrets_canary.rs): in
//! practice mode, the Azure app created for the admin, the practice Nylas
//! API key, Configure Nylas applied, the test sign-in through Nylas hosted
//! auth and the Done step's report saved. The API key, the client secret
//! Configure Nylas sends to the connector and every code and token of both
//! sign-ins must appear in no file (the data folder, the report's folder),
//! the app's output, the page or its fields, nor any IPC answer or channel
//! message the window received.

use std::net::TcpListener;
use std::path::Path;

use fantoccini::{Client, Locator};
use wizard_e2e::browser::{accept_in_browser, get};
use wizard_e2e::canary::CanaryScan;
use wizard_e2e::{
    enter_practice_mode, ipc_log, open_audit_options, record_ipc, scroll_to, wait_for,
    wait_for_text, Driver,
};

use super::{NEW_SECRET_PREFIX, SIMULATOR_SECRET_PREFIXES};

/// Contoso's US practice key (crates/sandbox/scenarios/practice.json). It
/// is fixed, which makes it a canary of its own; its random tail too, in
/// case a part of it were shown.
const PRACTICE_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const PRACTICE_KEY_TAIL: &str = "7Hq2Lm9Xw4Rb8Tz1";

/// What the simulated Nylas's hosted-auth secrets start with: its
/// authorization code, access and refresh tokens, and the unsigned ID
/// token's header (`{"alg":"none"}` in base64url).
const NYLAS_SECRET_PREFIXES: [&str; 4] = [
    "nylas-code-",
    "nylas-at-",
    "nylas-rt-",
    "eyJhbGciOiJub25lIn0",
];

/// Where the simulator's client secrets (`Sbx8Q~` and 32 upper-case hex
/// digits) occur in `bytes`: the prefix followed by 8 or more of them. A
/// hint (`Sbx`) or the prefix alone is no leak; a value or a long part of
/// one is.
fn issued_client_secrets(bytes: &[u8]) -> usize {
    let prefix = NEW_SECRET_PREFIX.as_bytes();
    bytes
        .windows(prefix.len())
        .enumerate()
        .filter(|(_, w)| *w == prefix)
        .filter(|(i, _)| {
            bytes[i + prefix.len()..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
                .count()
                >= 8
        })
        .count()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// Record what reaches the page's callbacks too: progress sent through a
/// `Channel` (small messages arrive by script, not by the recorded
/// `fetch`) and events. Tauri keeps its callbacks in one map, exposed as
/// `__TAURI_INTERNALS__.callbacks`; each one registered from now on is
/// wrapped. Entries go to the same log as [`record_ipc`]'s, as
/// `{cmd: "callback", ok, body}`.
async fn record_callbacks(c: &Client) {
    let installed = c
        .execute(
            "const I = window.__TAURI_INTERNALS__;
             if (!I || !I.callbacks || !window.__ipcLog) { return 'no callbacks or no IPC log'; }
             if (I.callbacks.__recording) { return true; }
             const set = I.callbacks.set.bind(I.callbacks);
             I.callbacks.set = (id, fn) => set(id, (data) => {
               let body;
               try {
                 const m = data && data.message;
                 body = m instanceof ArrayBuffer ? new TextDecoder().decode(m) : JSON.stringify(data);
               } catch (e) { body = String(data); }
               window.__ipcLog.push(JSON.stringify({ cmd: 'callback', ok: true, body }));
               return fn(data);
             });
             I.callbacks.__recording = true;
             return true;",
            vec![],
        )
        .await
        .expect("install the callback recorder");
    assert_eq!(
        installed.as_bool(),
        Some(true),
        "the window's callbacks could not be recorded: {installed}"
    );
}

/// Every field's current value: typed text lives in the field, not in the
/// page's HTML.
async fn field_values(c: &Client) -> String {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('input, textarea, select'))
               .map((el) => el.value || '').join('\\n');",
            vec![],
        )
        .await
        .expect("read the fields");
    v.as_str().unwrap_or_default().to_owned()
}

/// Wait for the element, bring it to the middle (the Back/Next bar would
/// take a click near the bottom edge), click it.
async fn click(c: &Client, id: &str) {
    let el = wait_for(c, id).await;
    scroll_to(c, id).await;
    el.click().await.unwrap();
}

async fn next(c: &Client, title: &str) {
    click(c, "next-button").await;
    wait_for_text(c, "current-step-title", title).await;
}

/// A link the window shows in a `<code>` (maybe folded away: read, not
/// seen).
async fn shown_link(c: &Client, id: &str) -> String {
    wait_for(c, id)
        .await
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The admin's browser in the test sign-in: Nylas's hosted-auth page
/// sends it to the simulator's Microsoft consent page, Accept, back
/// through Nylas to the wizard's listener on this computer.
async fn sign_in_through_nylas(url: String) {
    tokio::task::spawn_blocking(move || {
        let mut url = url;
        for _ in 0..10 {
            let here = url.replacen("http://localhost:", "http://127.0.0.1:", 1);
            if here.contains("/nylas-wizard/test-sign-in") {
                let page = get(&here);
                assert_eq!(page.status, 200, "{here}: {}", page.body);
                return;
            }
            let page = get(&here);
            url = match page.status {
                301..=303 | 307 | 308 => {
                    let to = page.location.expect("a redirect has a Location");
                    if to.starts_with('/') {
                        let origin = here.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                        format!("{origin}{to}")
                    } else {
                        to
                    }
                }
                200 => {
                    let marker = "id=\"approve\" href=\"";
                    let at = page.body.find(marker).expect("an Accept button") + marker.len();
                    page.body[at..]
                        .split('"')
                        .next()
                        .unwrap()
                        .replace("&amp;", "&")
                }
                s => panic!("{here} answered {s}: {}", page.body),
            };
        }
        panic!("the sign-in never came back to the wizard");
    })
    .await
    .unwrap();
}

/// Every file under `dir`, however deep, with its bytes.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => {
                    found.push((
                        path.display().to_string(),
                        std::fs::read(&path).unwrap_or_default(),
                    ));
                }
                _ => {}
            }
        }
    }
    found
}

#[tokio::test(flavor = "current_thread")]
async fn path_a_keys_secrets_and_sign_in_tokens_end_up_nowhere() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("app-output.txt");
    let driver = Driver::start_capturing(&[], &out).await;
    // Its own port for the test sign-in's return (another run may hold
    // the default one).
    let port = free_port().to_string();
    let c = driver
        .open_app(data.path(), &["--test-sign-in-port", &port])
        .await;
    wait_for(&c, "welcome").await;
    record_ipc(&c).await;
    record_callbacks(&c).await;
    enter_practice_mode(&c).await;
    wait_for(&c, "path-option-v3").await.click().await.unwrap();
    wait_for(&c, "start-button").await.click().await.unwrap();
    wait_for(&c, "begin-button").await.click().await.unwrap();
    wait_for_text(&c, "current-step-title", "Features").await;
    click(&c, "preset-read-only-inbox").await;
    next(&c, "Region").await;
    next(&c, "Azure app").await;

    // The Azure app, created in Contoso: its client secret is kept by Rust
    // (the one Configure Nylas sends to the connector).
    open_audit_options(&c).await;
    let field = wait_for(&c, "audit-tenant").await;
    scroll_to(&c, "tenant-lookup").await;
    field.click().await.unwrap();
    field.send_keys("contoso.com").await.unwrap();
    field.send_keys("\u{E004}").await.unwrap();
    click(&c, "live-mode-create").await;
    wait_for(&c, "create-plan").await;
    click(&c, "ms-sign-in-browser").await;
    accept_in_browser(shown_link(&c, "ms-sign-in-url").await).await;
    wait_for(&c, "ms-who").await;
    click(&c, "create-start").await;
    wait_for(&c, "create-confirm").await;
    click(&c, "create-confirm-yes").await;
    wait_for(&c, "create-done").await;
    let client_id = shown_link(&c, "create-client-id").await;
    assert_eq!(client_id.len(), 36, "the new app's client ID: {client_id}");
    next(&c, "Nylas account").await;

    // The practice key: Rust takes it from the practice world.
    click(&c, "nylas-practice-key").await;
    wait_for(&c, "nylas-app-card").await;
    let hint = wait_for(&c, "nylas-key-hint").await.text().await.unwrap();
    assert!(hint.contains('…'), "the key's hint is shown: {hint}");
    next(&c, "Configure Nylas").await;

    // Configure Nylas: the plan (what will be sent, secrets as •••), then
    // applied: the connector gets the client secret, with the API key.
    wait_for(&c, "configure-plan").await;
    click(&c, "configure-confirm").await;
    let result = wait_for(&c, "configure-result").await.text().await.unwrap();
    assert!(result.starts_with("Done"), "{result}");

    // The test sign-in: a Nylas code comes back to the wizard, which trades
    // it (with the API key) for tokens.
    next(&c, "Test sign-in").await;
    click(&c, "test-sign-in-start").await;
    let url = shown_link(&c, "test-sign-in-url").await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    sign_in_through_nylas(url).await;
    let email = wait_for(&c, "test-sign-in-email")
        .await
        .text()
        .await
        .unwrap();
    assert!(email.contains('@'), "{email}");

    // Done: the report saved.
    next(&c, "Done").await;
    wait_for(&c, "done-facts").await;
    click(&c, "done-save-button").await;
    let md = wait_for(&c, "done-saved-markdown")
        .await
        .text()
        .await
        .unwrap();
    let js = wait_for(&c, "done-saved-json").await.text().await.unwrap();
    let page = c.source().await.unwrap();
    let fields = field_values(&c).await;
    let answers = ipc_log(&c).await;
    c.close().await.unwrap();
    drop(driver);

    // Everything to look in; the report's files are the test's own: tidy
    // up before any assertion.
    let report_dir = Path::new(&md).parent().expect("the report's folder");
    let report = std::fs::read_to_string(&md).unwrap_or_else(|e| panic!("{md}: {e}"));
    let printed = std::fs::read_to_string(&out).unwrap_or_default();
    let mut texts = files_under(data.path());
    texts.extend(files_under(report_dir));
    texts.push((
        "the app's stdout and stderr".into(),
        printed.clone().into_bytes(),
    ));
    texts.push(("the page at the Done step".into(), page.into_bytes()));
    texts.push(("the page's fields".into(), fields.into_bytes()));
    for p in [&md, &js] {
        std::fs::remove_file(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    }

    // A scan of nothing would prove nothing: each secret's own calls were
    // recorded, with the apply's progress through its channel, the report
    // and a support log were written, the app's output captured.
    let entries: Vec<serde_json::Value> = answers
        .iter()
        .filter_map(|a| serde_json::from_str(a).ok())
        .collect();
    let cmds: Vec<&str> = entries.iter().filter_map(|v| v["cmd"].as_str()).collect();
    for want in [
        "start_microsoft_sign_in",
        "create_new_app",
        "check_nylas_account",
        "plan_configure_nylas",
        "apply_configure_nylas",
        "start_test_sign_in",
        "finish_test_sign_in",
        "setup_report",
        "save_report",
    ] {
        assert!(cmds.contains(&want), "{want} was recorded: {cmds:?}");
    }
    let progress = entries
        .iter()
        .filter(|v| v["cmd"] == "callback")
        .filter_map(|v| v["body"].as_str())
        .filter(|b| b.contains("\"key\"") && b.contains("\"total\""))
        .count();
    assert!(progress > 0, "the apply's progress was recorded");
    assert!(report.contains(&email), "the report names the test account");
    assert!(printed.contains("starting"), "the app's output: {printed}");
    assert!(
        texts.iter().any(|(w, _)| w.contains("/logs/")),
        "a support log was scanned"
    );

    // The scan finds what is there: the new app's client ID (no secret) in
    // the saved progress and the IPC answers, the test account in the page
    // and the report.
    let mut control = CanaryScan::new(&[&client_id, &email]);
    for (what, bytes) in &texts {
        control.text(what, bytes);
    }
    control.ipc(&answers);
    let found = |needle: &str, place: &str| {
        control
            .leaks()
            .iter()
            .any(|l| l.canary == needle && l.what.contains(place))
    };
    assert!(
        found(&client_id, data.path().to_str().unwrap()),
        "{:#?}",
        control.leaks()
    );
    assert!(found(&client_id, "IPC answer"), "{:#?}", control.leaks());
    assert!(found(&email, "the page"), "{:#?}", control.leaks());
    assert!(found(&email, ".md"), "{:#?}", control.leaks());

    let mut needles = vec![PRACTICE_KEY, PRACTICE_KEY_TAIL];
    needles.extend(NYLAS_SECRET_PREFIXES);
    needles.extend(SIMULATOR_SECRET_PREFIXES);
    let mut scan = CanaryScan::new(&needles);
    for (what, bytes) in &texts {
        scan.text(what, bytes);
    }
    scan.ipc(&answers);
    let secrets_seen: Vec<&str> = texts
        .iter()
        .map(|(w, b)| (w.as_str(), b.as_slice()))
        .chain(answers.iter().map(|a| ("an IPC answer", a.as_bytes())))
        .filter(|(_, b)| issued_client_secrets(b) > 0)
        .map(|(w, _)| w)
        .collect();
    assert!(
        secrets_seen.is_empty(),
        "the Azure client secret leaked into: {secrets_seen:?}"
    );
    scan.assert_clean();
}

/// The client-secret finder can fail: it finds a value, or a long part of
/// one, and lets a hint or the prefix alone be.
#[test]
fn an_issued_client_secret_is_found() {
    let value = "Sbx8Q~0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    assert_eq!(issued_client_secrets(value.as_bytes()), 1);
    assert_eq!(
        issued_client_secrets(format!("body {{\"client_secret\":\"{value}\"}}").as_bytes()),
        1
    );
    assert_eq!(issued_client_secrets(&value.as_bytes()[..14]), 1);
    assert_eq!(issued_client_secrets(b"Its secret (Sbx...) is kept"), 0);
    assert_eq!(issued_client_secrets(b"starts with Sbx8Q~ and"), 0);
}
