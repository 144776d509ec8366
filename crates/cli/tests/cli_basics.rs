//! `nylas-ms-setup --help`, `--version`, and what a mistyped command gets.

mod common;
use common::{fixture, run};

#[test]
fn help_lists_every_command() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for command in ["sandbox", "check", "diagnose"] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(command)),
            "--help lists {command}:\n{out}"
        );
    }
    let sandbox = run(&["sandbox", "--help"]);
    assert_eq!(sandbox.status.code(), Some(0));
    let out = String::from_utf8_lossy(&sandbox.stdout);
    assert!(
        out.contains("--scenario") && out.contains("--port"),
        "{out}"
    );
}

#[test]
fn check_help_lists_the_allowed_values() {
    let o = run(&["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for value in [
        "v2-events",
        "read-only-inbox",
        "mail-calendar",
        "shared-calendar",
        "us, eu",
        "single",
        "multi",
        "json",
    ] {
        assert!(out.contains(value), "check --help lists {value}:\n{out}");
    }
}

#[test]
fn enum_options_are_trimmed_and_any_case() {
    let manifest = fixture("v3-us-correct");
    let o = run(&[
        "check",
        "--manifest",
        manifest.as_str(),
        "--path",
        " V3 ",
        "--features",
        "mail-read, MAIL-READ",
        "--region",
        "US",
        "--tenancy",
        "Multi",
        "--format",
        "JSON",
    ]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["path"], "v3");
    assert_eq!(v["region"], "us");
    assert_eq!(v["tenancy"], "multi");
    assert_eq!(
        v["scope_plan"]["features"],
        serde_json::json!(["mail-read"])
    );
}

#[test]
fn version_is_the_package_version() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("nylas-ms-setup {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_command_is_bad_input() {
    let o = run(&["chek"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("chek"), "{err}");
}
