//! `nylas-ms-setup check`: JSON shape, text output and exit codes
//! (0 nothing fails, 1 a check fails, 2 bad input or unreadable manifest).

use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{fixture, run, stderr, stdout, NOW};

fn check(name: &str, extra: &[&str]) -> Output {
    let manifest = fixture(name);
    let mut args = vec!["check", "--manifest", manifest.as_str(), "--now", NOW];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn json_output_has_findings_and_summary() {
    let o = check(
        "v3-us-correct",
        &[
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    let findings = v["findings"].as_array().expect("a findings array");
    assert_eq!(findings.len(), 14);
    for f in findings {
        for key in [
            "check",
            "status",
            "title",
            "explanation",
            "fix",
            "portal_link",
            "details",
        ] {
            assert!(f.get(key).is_some(), "{key} in {f}");
        }
        assert!(["pass", "warn", "fail"].contains(&f["status"].as_str().unwrap()));
    }
    let ids: Vec<_> = findings
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "client_id",
            "tenant",
            "sign_in_audience",
            "access_token_version",
            "redirect_uris",
            "delegated_scopes",
            "application_permissions",
            "least_privilege",
            "offline_access",
            "implicit_grant",
            "public_client",
            "client_secret",
            "admin_consent",
            "publisher_verification"
        ]
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({"pass": 14, "warn": 0, "fail": 0})
    );
}

#[test]
fn a_failing_check_exits_1_with_details() {
    let o = check(
        "v3-trailing-slash",
        &[
            "--path",
            "v3",
            "--preset",
            "contacts-sync",
            "--region",
            "us",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(r["status"], "fail");
    assert_eq!(
        r["details"]["near_misses"][0]["reasons"][0],
        "trailing_slash"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let o = check(
        "secret-expiring-soon",
        &[
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("Worth a look"));
}

#[test]
fn text_output_is_grouped_with_fixes() {
    let o = check(
        "role-instead-of-scope",
        &[
            "--path",
            "v3",
            "--features",
            "mail-read, mail-send",
            "--region",
            "us",
            "--tenancy",
            "single",
            "--tenant",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let fixing = out.find("Needs fixing (2)").expect("fails first");
    let good = out.find("All good (").expect("passes last");
    assert!(fixing < good);
    assert!(out.contains("Fix: Open API permissions"));
    assert!(out.contains("Open: https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"));
    assert!(out.contains("Result: 2 to fix"));
    assert!(out.contains("Read as: Azure AD Graph format."));
}

#[test]
fn callbacks_and_teams_path() {
    let o = check(
        "teams-correct",
        &[
            "--path",
            "teams",
            "--features",
            "calendar-write",
            "--region",
            "us",
            "--tenancy",
            "single",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--callback",
            "https://app.example.com/cb",
            "--callback",
            "http://localhost:8080/cb",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(r["details"]["callbacks"].as_array().unwrap().len(), 2);
    let o = check(
        "teams-correct",
        &[
            "--path",
            "teams",
            "--features",
            "calendar-write",
            "--region",
            "us",
            "--callback",
            "http://app.example.com/cb",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "an invalid callback URI fails the check"
    );
}

/// Issue 7, point 1: the Teams path checks the features' permissions plus
/// OnlineMeetings.ReadWrite, so calendar-write must be among them; without
/// it the CLI says so plainly (exit 2) instead of checking something else.
#[test]
fn teams_without_calendar_write_is_a_plain_input_error() {
    let o = check("teams-correct", &["--path", "teams", "--region", "us"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("create or update events"), "{err}");
    assert!(err.contains("calendar-write"), "{err}");
    let o = check(
        "teams-correct",
        &[
            "--path",
            "teams",
            "--features",
            "mail-read,calendar-write",
            "--region",
            "us",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    let required = &v["scope_plan"]["scope_names"];
    for s in [
        "Mail.Read",
        "Calendars.ReadWrite",
        "OnlineMeetings.ReadWrite",
    ] {
        assert!(
            required.as_array().unwrap().iter().any(|n| n == s),
            "{s} in {required}"
        );
    }
}

#[test]
fn a_pasted_secret_is_compared_never_printed() {
    let manifest = fixture("v3-us-correct");
    let o = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args([
            "check",
            "--manifest",
            &manifest,
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
            "--now",
            NOW,
        ])
        .args([
            "--secret-env",
            "TEST_NYLAS_AZURE_SECRET",
            "--format",
            "json",
        ])
        .env(
            "TEST_NYLAS_AZURE_SECRET",
            "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "client_secret")
        .unwrap();
    assert_eq!(s["status"], "warn", "a GUID looks like the secret ID");

    // A real-looking Value: the check must run (exit 0, not a crash, which
    // would print nothing either), match it to the manifest's secret by
    // Microsoft's hint, and print it nowhere, in JSON or in text.
    let secret = common::canary("q8F~");
    let with_secret = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
            .args([
                "check",
                "--manifest",
                &manifest,
                "--path",
                "v3",
                "--preset",
                "read-only-inbox",
                "--region",
                "us",
                "--now",
                NOW,
            ])
            .args([
                "--secret-env",
                "TEST_NYLAS_AZURE_SECRET",
                "--format",
                format,
            ])
            .env("TEST_NYLAS_AZURE_SECRET", &secret)
            .output()
            .unwrap()
    };
    let o = with_secret("json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "client_secret")
        .unwrap();
    assert_eq!(s["details"]["matched_pasted_secret"], true, "{s}");
    assert_eq!(s["details"]["hint"], "q8F");
    let mut scan = common::CanaryScan::new(&[&secret]);
    for o in [o, with_secret("text")] {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("client secret"), "{}", stdout(&o));
        scan.output("check", &o);
    }
    scan.assert_clean();
}

#[test]
fn the_manifest_size_limit_is_checked_before_reading() {
    const MAX: usize = wizard_core::manifest::MAX_MANIFEST_BYTES;
    let dir = tempfile::tempdir().unwrap();
    let args = |path: &std::path::Path| {
        let manifest = path.to_str().unwrap().to_owned();
        run(&[
            "check",
            "--manifest",
            &manifest,
            "--now",
            NOW,
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
        ])
    };
    // Exactly the limit (the real manifest after padding) is read.
    let text = std::fs::read_to_string(fixture("v3-us-correct")).unwrap();
    let at_limit = dir.path().join("at-limit.json");
    std::fs::write(&at_limit, format!("{}{text}", " ".repeat(MAX - text.len()))).unwrap();
    let o = args(&at_limit);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // One byte more is refused.
    let over = dir.path().join("over.json");
    std::fs::write(&over, format!("{}{text}", " ".repeat(MAX + 1 - text.len()))).unwrap();
    let o = args(&over);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("far too large"), "{}", stderr(&o));
    // A sparse 64 GiB file is refused at once, by its size.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(64 << 30)
        .unwrap();
    let started = std::time::Instant::now();
    let o = args(&huge);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("far too large"), "{}", stderr(&o));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn bad_input_exits_2_with_a_plain_message() {
    let base = [
        "--path",
        "v3",
        "--preset",
        "read-only-inbox",
        "--region",
        "us",
    ];
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            base.to_vec(),
            "not-a-manifest",
            "isn't an Azure app manifest",
        ),
        (base.to_vec(), "truncated-download", "isn't valid JSON"),
        (base.to_vec(), "does-not-exist", "Could not read"),
        (
            vec![
                "--path",
                "v3",
                "--features",
                "mail-read,calendar",
                "--region",
                "us",
            ],
            "v3-us-correct",
            "mail-read, mail-modify, mail-send",
        ),
        (
            vec!["--path", "v3", "--preset", "everything", "--region", "us"],
            "v3-us-correct",
            "read-only-inbox, email-client",
        ),
        (
            vec![
                "--path",
                "v3",
                "--preset",
                "read-only-inbox",
                "--region",
                "asia",
            ],
            "v3-us-correct",
            "[possible values: us, eu]",
        ),
        (
            vec![
                "--path",
                "v4",
                "--preset",
                "read-only-inbox",
                "--region",
                "us",
            ],
            "v3-us-correct",
            "[possible values: v3, teams, v2-events]",
        ),
        (
            vec!["--path", "v3", "--region", "us"],
            "v3-us-correct",
            "Pick at least one feature",
        ),
        (
            vec![
                "--path",
                "v3",
                "--preset",
                "read-only-inbox",
                "--region",
                "us",
                "--format",
                "xml",
            ],
            "v3-us-correct",
            "[possible values: text, json]",
        ),
        (
            vec![
                "--path",
                "v3",
                "--preset",
                "read-only-inbox",
                "--region",
                "us",
                "--tenancy",
                "some",
            ],
            "v3-us-correct",
            "single",
        ),
        (
            vec![
                "--path",
                "v3",
                "--preset",
                "read-only-inbox",
                "--region",
                "us",
                "--secret-env",
                "NOT_SET_ANYWHERE_42",
            ],
            "v3-us-correct",
            "not set",
        ),
    ];
    for (args, name, message) in cases {
        let o = check(name, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?} {name}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing on stdout for bad input");
    }
    // clap's own usage errors are 2 as well.
    let o = check(
        "v3-us-correct",
        &[
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--features",
            "mail-read",
            "--region",
            "us",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["check", "--path", "v3"]);
    assert_eq!(o.status.code(), Some(2));
}
