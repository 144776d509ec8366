//! `nylas-ms-setup summary --answers FILE`: the window's summary from its
//! saved progress, on standard output.

use std::process::{Command, Output};

use wizard_core::answers::AnswerUpdate;
use wizard_core::paths::PathId;
use wizard_core::scopes::Preset;
use wizard_core::state::{Progress, StateStore};

fn summary(file: &std::path::Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .arg("summary")
        .arg("--answers")
        .arg(file)
        .args(extra)
        .output()
        .expect("the CLI runs")
}

#[test]
fn summary_prints_the_windows_summary_from_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let store = StateStore::in_dir(dir.path());
    let mut p = Progress::default();
    p.choose_path(Some(PathId::V3));
    p.set_answer(AnswerUpdate::Preset(Preset::EmailClient))
        .unwrap();
    p.set_answer(AnswerUpdate::Tenant(Some("contoso.com".into())))
        .unwrap();
    store.save(&p).unwrap();

    let md = summary(store.path(), &[]);
    assert!(md.status.success());
    let text = String::from_utf8(md.stdout).unwrap();
    assert!(text.starts_with("# Nylas Microsoft setup — summary"));
    assert!(text.contains("Mail.Send"));
    assert!(text.contains("contoso.com"));
    assert!(text.contains("https://api.us.nylas.com/v3/connect/callback"));

    let html = summary(store.path(), &["--format", "html"]);
    assert!(html.status.success());
    assert!(String::from_utf8(html.stdout)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = summary(&bad, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("isn't valid JSON"));
}
