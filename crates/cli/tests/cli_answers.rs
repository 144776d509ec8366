//! `nylas-ms-setup check --answers FILE`: the window's saved progress (or a
//! plain answers file) drives the command line to the window's verdict.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wizard_core::answers::AnswerUpdate;
use wizard_core::audit::Tenancy;
use wizard_core::manifest::parse_manifest;
use wizard_core::paths::PathId;
use wizard_core::regions::Region;
use wizard_core::scopes::Preset;
use wizard_core::state::{Progress, StateStore};

mod common;
use common::manifest_path as manifest;

fn check(manifest: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(["check", "--manifest"])
        .arg(manifest)
        .args(extra)
        .output()
        .expect("the CLI runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// Each check's (id, status, title), in report order.
fn verdict(findings: &Value) -> Vec<(String, String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
                f["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Progress saved exactly as the window saves it: the same calls on the
/// same type, written by the same store.
fn saved_progress(dir: &Path, updates: &[AnswerUpdate]) -> PathBuf {
    let mut p = Progress::default();
    p.choose_path(Some(PathId::Migrate));
    for u in updates {
        p.set_answer(u.clone()).unwrap();
    }
    let store = StateStore::in_dir(dir);
    store.save(&p).unwrap();
    store.path().to_path_buf()
}

#[test]
fn saved_progress_gives_the_windows_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_progress(
        dir.path(),
        &[
            AnswerUpdate::Preset(Preset::EmailClient),
            AnswerUpdate::Region(Region::Eu),
            AnswerUpdate::CallbackUris(vec!["https://app.example.com/cb".into()]),
            AnswerUpdate::Tenancy(Some(Tenancy::Single)),
            AnswerUpdate::Tenant(Some("contoso.com".into())),
        ],
    );
    let m = manifest("v3-us-correct");
    let o = check(
        &m,
        &["--answers", file.to_str().unwrap(), "--format", "json"],
    );
    let cli = json(&o);

    // What the window's audit command computes from the same file.
    let (progress, notice) = StateStore::in_dir(dir.path()).load();
    assert!(notice.is_none());
    let app = parse_manifest(&std::fs::read_to_string(&m).unwrap()).unwrap();
    let window = progress
        .answers
        .audit(progress.path.unwrap(), &app, None)
        .unwrap();
    let window = serde_json::to_value(&window).unwrap();

    assert_eq!(verdict(&cli["findings"]), verdict(&window["findings"]));
    assert_eq!(cli["summary"], window["summary"]);
    // The answers really arrived: EU region, single tenant, the callback.
    assert_eq!(cli["region"], "eu");
    assert_eq!(cli["tenancy"], "single");
    assert_eq!(cli["scope_plan"]["preset"], "email-client");
    let redirects = cli["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "redirect_uris")
        .unwrap();
    assert_eq!(
        redirects["details"]["callbacks"][0]["uri"],
        "https://app.example.com/cb"
    );
    // A US-only app checked for the EU region fails: exit 1.
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn flags_win_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_progress(
        dir.path(),
        &[
            AnswerUpdate::Preset(Preset::EmailClient),
            AnswerUpdate::Region(Region::Eu),
        ],
    );
    let m = manifest("v3-us-correct");
    let from_file = json(&check(
        &m,
        &["--answers", file.to_str().unwrap(), "--format", "json"],
    ));
    let o = check(
        &m,
        &[
            "--answers",
            file.to_str().unwrap(),
            "--region",
            "us",
            "--preset",
            "read-only-inbox",
            "--format",
            "json",
        ],
    );
    let flagged = json(&o);
    assert_eq!(from_file["region"], "eu");
    assert_eq!(flagged["region"], "us");
    assert_eq!(flagged["scope_plan"]["preset"], "read-only-inbox");
    assert_eq!(o.status.code(), Some(0), "{flagged}");
}

#[test]
fn plain_toml_and_json_answers_files() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("answers.toml");
    std::fs::write(
        &toml,
        "path = \"v3\"\nregion = \"us\"\n\n[features]\npreset = \"read-only-inbox\"\n",
    )
    .unwrap();
    let m = manifest("v3-us-correct");
    let o = check(
        &m,
        &["--answers", toml.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["scope_plan"]["preset"], "read-only-inbox");

    let plain = dir.path().join("answers.json");
    std::fs::write(
        &plain,
        r#"{"features": {"features": ["mail-read"]}, "region": "eu"}"#,
    )
    .unwrap();
    // No path in the file: --path says it.
    let o = check(&m, &["--answers", plain.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--path"));
    let o = check(
        &m,
        &[
            "--answers",
            plain.to_str().unwrap(),
            "--path",
            "v3",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&o)["region"], "eu");
}

#[test]
fn bad_answers_files_exit_2_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest("v3-us-correct");
    let cases = [
        ("typo.json", r#"{"path": "v3", "regoin": "eu"}"#, "regoin"),
        ("syntax.json", "{\n  \"path\": \"v3\",\n  oops\n}", "line 3"),
        (
            "tenant.json",
            r#"{"path": "v3", "features": {"preset": "email-client"}, "tenant": "not a tenant!"}"#,
            "neither a tenant ID",
        ),
        (
            "v2.json",
            r#"{"path": "v2-events", "v2_features": {"features": ["mail-read"]}}"#,
            "calendars and events only",
        ),
        (
            "newer.json",
            r#"{"version": 99, "answers": {}}"#,
            "newer version",
        ),
        ("bad.toml", "path = ", "isn't valid TOML"),
    ];
    for (name, text, said) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let o = check(&m, &["--answers", f.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(said), "{name}: {err}");
        assert!(o.stdout.is_empty(), "{name}");
    }
    // The window's file is only read, never moved aside, even when newer.
    assert!(dir.path().join("newer.json").exists());
}

#[test]
fn the_readmes_answers_file_example_works() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme
        .find("```toml\n")
        .expect("a TOML example in the README")
        + 8;
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("answers.toml");
    std::fs::write(&f, example).unwrap();
    let o = check(
        &manifest("v3-us-correct"),
        &["--answers", f.to_str().unwrap(), "--format", "json"],
    );
    let v = json(&o);
    assert_eq!(v["region"], "eu");
    assert_eq!(v["tenancy"], "single");
    assert_eq!(v["scope_plan"]["preset"], "email-client");
}
