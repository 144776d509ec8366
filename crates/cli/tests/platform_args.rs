//! The command line with what Windows and macOS hand it: manifests written by
//! Windows PowerShell 5.1 (UTF-16 LE, BOM, CRLF) in folders with spaces and
//! accents, Windows-style paths, and error text piped in CRLF, UTF-16 or a
//! legacy code page.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::{manifest_path, stderr, NOW};

const ARGS: [&str; 6] = [
    "--path",
    "v3",
    "--preset",
    "read-only-inbox",
    "--region",
    "us",
];

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(manifest_path(name)).unwrap()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn check_json(manifest: &Path) -> Output {
    let m = manifest.to_str().unwrap();
    let mut args = vec!["check", "--manifest", m, "--now", NOW, "--format", "json"];
    args.extend_from_slice(&ARGS);
    run(&args, None)
}

/// As `az ad app show --id … > app.json` writes it in Windows PowerShell 5.1.
fn powershell_51(text: &str) -> Vec<u8> {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut b = vec![0xFF, 0xFE];
    b.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

#[test]
fn a_utf16_manifest_in_a_folder_with_spaces_and_accents() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Téléchargements de l'admin");
    std::fs::create_dir(&folder).unwrap();
    let text = fixture_text("v3-us-correct");
    let plain = folder.join("app.json");
    std::fs::write(&plain, &text).unwrap();
    let utf16 = folder.join("app (PowerShell).json");
    std::fs::write(&utf16, powershell_51(&text)).unwrap();

    let want = check_json(&plain);
    assert_eq!(want.status.code(), Some(0), "{}", stderr(&want));
    let got = check_json(&utf16);
    assert_eq!(got.status.code(), Some(0), "{}", stderr(&got));
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&want.stdout),
        "the UTF-16 file reads like the UTF-8 download"
    );
}

#[test]
fn a_missing_windows_path_is_named_as_given() {
    let path = r"C:\Users\Admin\Downloads\app.json";
    let mut args = vec!["check", "--manifest", path, "--now", NOW];
    args.extend_from_slice(&ARGS);
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(path), "{}", stderr(&o));
}

#[test]
fn equals_form_and_a_path_with_spaces() {
    // `--manifest="…"` as PowerShell and cmd users tend to write it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my app manifest.json");
    std::fs::write(&file, fixture_text("v3-us-correct")).unwrap();
    let arg = format!("--manifest={}", file.display());
    let mut args = vec!["check", arg.as_str(), "--now", NOW];
    args.extend_from_slice(&ARGS);
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn diagnose_stdin(bytes: &[u8]) -> Output {
    run(&["diagnose", "--format", "json", "-"], Some(bytes))
}

fn first_code(o: &Output) -> String {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    v["diagnoses"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn diagnose_reads_crlf_text_from_a_pipe() {
    let o = diagnose_stdin(
        b"AADSTS50011: The redirect URI 'https://x/cb' specified in the request does not match.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(first_code(&o), "AADSTS50011");
}

#[test]
fn diagnose_reads_utf16_and_legacy_code_pages_from_a_pipe() {
    // A localised message saved by Notepad as UTF-16, or as "ANSI"
    // (Windows-1252: ü is the byte 0xFC), and piped in with `type`.
    let german =
        "AADSTS50011: Der in der Anforderung angegebene Umleitungs-URI stimmt nicht überein.\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(german.encode_utf16().flat_map(u16::to_le_bytes));
    let ansi: Vec<u8> = german
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    for bytes in [utf16, ansi] {
        let o = diagnose_stdin(&bytes);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(first_code(&o), "AADSTS50011");
    }
}
