//! Errors for scripts: with `--format json`, bad input (exit 2) prints
//! `{"error": {"code", "message", "hint"?}}` on stdout as well as the plain
//! message on stderr, for `check`, `diagnose` and clap's own usage errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{fixture, run, stderr, stdout};

/// Exit 2, stdout is exactly one JSON error object (`code`, `message`, and
/// `hint` only when there is one), and stderr carries the same message in
/// plain words. Returns the error object.
fn json_error(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let v: Value = serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)));
    let obj = v.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["error"], "{v}");
    let err = &v["error"];
    let keys: Vec<&str> = err
        .as_object()
        .expect("error is an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        keys == ["code", "message"] || keys == ["code", "hint", "message"],
        "{keys:?}"
    );
    let code = err["code"].as_str().expect("code is a string");
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "a stable snake_case code: {code}"
    );
    let message = err["message"].as_str().expect("message is a string");
    assert!(!message.is_empty());
    if let Some(hint) = err.get("hint") {
        assert!(!hint.as_str().expect("hint is a string").is_empty());
    }
    assert!(
        !stderr(o).trim().is_empty(),
        "the plain message is still on stderr"
    );
    err.clone()
}

const V3: [&str; 6] = [
    "--path",
    "v3",
    "--preset",
    "read-only-inbox",
    "--region",
    "us",
];

fn check(manifest: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--manifest", manifest];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn point_7_check_bad_input_is_a_json_error_with_format_json() {
    fn with(extra: &[&'static str]) -> Vec<&'static str> {
        [&V3[..], extra, &["--format", "json"]].concat()
    }
    let cases: Vec<(String, Vec<&str>, &str, &str)> = vec![
        (
            fixture("not-a-manifest"),
            with(&[]),
            "manifest_invalid",
            "isn't an Azure app manifest",
        ),
        (fixture("does-not-exist"), with(&[]), "io", "Could not read"),
        (
            fixture("v3-us-correct"),
            with(&["--secret-env", "NOT_SET_ANYWHERE_42"]),
            "invalid_input",
            "not set",
        ),
        (
            fixture("v3-us-correct"),
            vec!["--path", "v3", "--region", "us", "--format", "json"],
            "invalid_input",
            "Pick at least one feature",
        ),
    ];
    for (manifest, args, code, words) in cases {
        let o = check(&manifest, &args);
        let err = json_error(&o);
        assert_eq!(err["code"], code, "{args:?}: {err}");
        let message = err["message"].as_str().unwrap();
        let hint = err["hint"].as_str().unwrap_or_default();
        assert!(message.contains(words) || hint.contains(words), "{err}");
        // The same words as the plain message on stderr.
        assert_eq!(stderr(&o).lines().next(), Some(message));
        if let Some(hint) = err["hint"].as_str() {
            assert!(stderr(&o).contains(hint), "{}", stderr(&o));
        }
    }
    // The manifest's own errors carry the download hint.
    let err = json_error(&check(&fixture("not-a-manifest"), &with(&[])));
    assert!(err["hint"].is_string(), "{err}");
}

#[test]
fn point_7_text_format_keeps_stdout_empty_on_bad_input() {
    for format in [&[][..], &["--format", "text"][..]] {
        let o = check(&fixture("not-a-manifest"), &[&V3[..], format].concat());
        assert_eq!(o.status.code(), Some(2));
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        assert!(stderr(&o).contains("isn't an Azure app manifest"));
    }
}

#[test]
fn point_7_diagnose_bad_input_is_a_json_error_with_format_json() {
    let o = run(&["diagnose", "--format", "json", "   "]);
    let err = json_error(&o);
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["message"], "There is no error text to look at.");
    assert!(err["hint"].as_str().unwrap().contains("Paste the error"));
    assert!(stderr(&o).contains("no error text"));
    // Empty standard input too.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(["diagnose", "--format=json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(json_error(&o)["code"], "invalid_input");
    // Text output stays plain.
    let o = run(&["diagnose", "   "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
}

#[test]
fn point_7_usage_errors_are_json_errors_when_format_json_was_given() {
    let manifest = fixture("v3-us-correct");
    // A wrong value: clap names the allowed ones.
    let o = check(
        &manifest,
        &[
            "--format",
            "json",
            "--path",
            "v3",
            "--preset",
            "email-client",
            "--region",
            "asia",
        ],
    );
    let err = json_error(&o);
    assert_eq!(err["code"], "invalid_input");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("'asia'") && message.contains("[possible values: us, eu]"),
        "{message}"
    );
    assert!(!message.starts_with("error:"), "{message}");
    assert!(err["hint"].as_str().unwrap().contains("--help"), "{err}");
    assert!(
        stderr(&o).contains("invalid value 'asia'"),
        "{}",
        stderr(&o)
    );
    // Missing options, with --format=json, on check and on diagnose.
    let o = run(&["check", "--format=json", "--path", "v3"]);
    let err = json_error(&o);
    assert!(
        err["message"].as_str().unwrap().contains("--manifest"),
        "{err}"
    );
    let o = run(&["diagnose", "--format", "JSON"]);
    assert!(json_error(&o)["message"]
        .as_str()
        .unwrap()
        .contains("<TEXT>"));
    // Without --format json, a usage error is clap's alone: nothing on stdout.
    let o = run(&["check", "--path", "v3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    // Help is help, even next to --format json.
    let o = run(&["check", "--format", "json", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--manifest"));
    assert!(serde_json::from_str::<Value>(&stdout(&o)).is_err());
}

#[test]
fn point_7_manifest_syntax_error_names_line_and_column_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    // A comma missing after "appId" (line 2): serde_json stops at line 3, column 3.
    std::fs::write(
        &path,
        "{\n  \"appId\": \"5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e\"\n  \"displayName\": \"Broken\"\n}\n",
    )
    .unwrap();
    let manifest = path.to_str().unwrap();
    let o = check(manifest, &V3);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("isn't valid JSON (line 3, column 3)"),
        "{}",
        stderr(&o)
    );
    let o = check(manifest, &[&V3[..], &["--format", "json"]].concat());
    let err = json_error(&o);
    assert_eq!(err["code"], "manifest_invalid");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("isn't valid JSON (line 3, column 3)"),
        "{err}"
    );
    // The truncated download in the corpus names where it stops, too.
    let o = check(
        &fixture("truncated-download"),
        &[&V3[..], &["--format", "json"]].concat(),
    );
    let err = json_error(&o);
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("isn't valid JSON (line ") && message.contains(", column "),
        "{message}"
    );
}

#[test]
fn point_7_answers_file_syntax_error_names_line_and_column_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, "{\n  \"path\": \"v3\",\n  \"region\": eu\n}\n").unwrap();
    let o = check(
        &fixture("v3-us-correct"),
        &["--answers", answers.to_str().unwrap(), "--format", "json"],
    );
    let err = json_error(&o);
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("isn't valid JSON (line 3, column 13)"),
        "{err}"
    );
}
