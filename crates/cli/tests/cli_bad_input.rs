//! Bad input stays cheap: the command line refuses an endless or oversized
//! input with a plain error before reading it all, and steers people to
//! `diagnose -` so a callback URL doesn't land in their shell history.

use std::io::Write;
use std::process::{Command, Stdio};

mod common;
use common::{run, stderr, stdout};
// Only the unix-only tests (/dev/zero, FIFOs) use these.
#[cfg(unix)]
use common::{fixture, NOW};

#[cfg(unix)]
#[test]
fn an_endless_manifest_such_as_dev_zero_is_refused_in_plain_words() {
    let o = run(&[
        "check",
        "--manifest",
        "/dev/zero",
        "--path",
        "v3",
        "--preset",
        "email-client",
        "--region",
        "us",
        "--now",
        NOW,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(err.contains("far too large"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[cfg(unix)]
#[test]
fn an_endless_answers_file_is_refused_in_plain_words() {
    let o = run(&[
        "check",
        "--manifest",
        &fixture("v3-us-correct"),
        "--answers",
        "/dev/zero",
        "--now",
        NOW,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("far too large"), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_fifo_that_never_ends_is_refused_as_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("app.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    // The writer opens the FIFO (which waits for the CLI to open it) and
    // writes until the CLI closes its end.
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0usize;
        while written < 256 * 1024 * 1024 {
            if w.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let o = run(&[
        "check",
        "--manifest",
        fifo.to_str().unwrap(),
        "--path",
        "v3",
        "--preset",
        "email-client",
        "--region",
        "us",
        "--now",
        NOW,
    ]);
    // Checked before joining: had the CLI stopped before opening the FIFO,
    // the writer would still be waiting for a reader.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("far too large"), "{}", stderr(&o));
    let written = writer.join().unwrap();
    assert!(written < 256 * 1024 * 1024, "stopped after {written} bytes");
}

#[test]
fn endless_text_on_standard_input_is_refused_before_it_is_all_read() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(["diagnose", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Far more than the limit; the CLI stops reading, so the writer sees the
    // pipe close (an error we expect) long before the end.
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'A'; 64 * 1024];
        let mut written = 0usize;
        while written < 64 * 1024 * 1024 {
            if stdin.write_all(&chunk).is_err() {
                return written;
            }
            written += chunk.len();
        }
        written
    });
    let o = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("far too large"), "{}", stderr(&o));
    assert!(
        written < 64 * 1024 * 1024,
        "stopped reading after {written} bytes"
    );
}

#[test]
fn diagnose_help_steers_people_to_standard_input() {
    let o = run(&["diagnose", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    assert!(
        help.contains("Pass - and paste the text on standard input"),
        "{help}"
    );
    assert!(help.contains("shell history"), "{help}");
    // The top-level list says it too.
    let top = stdout(&run(&["--help"]));
    assert!(
        top.contains("`diagnose -` reads it from standard input"),
        "{top}"
    );
}
