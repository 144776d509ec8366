//! `nylas-ms-setup diagnose TEXT`.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::run;

#[test]
fn explains_an_aadsts_error() {
    let o = run(&[
        "diagnose",
        "AADSTS7000222: The provided client secret keys for app 'x' are expired.",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("The client secret has expired (AADSTS7000222)"),
        "{out}"
    );
    assert!(out.contains("Fix: Open Certificates & secrets"));
    assert!(out.contains("Prevented by: the client_secret check"));
}

#[test]
fn json_output_and_callback_urls() {
    let url = "https://api.eu.nylas.com/v3/connect/callback?error=access_denied&error_description=AADSTS65001%3A+The+user+or+administrator+has+not+consented";
    let o = run(&["diagnose", "--format", "json", url]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnoses"][0];
    assert_eq!(d["code"], "AADSTS65001");
    assert_eq!(d["related_check"], "admin_consent");
    for key in [
        "code",
        "source",
        "title",
        "cause",
        "fix",
        "related_check",
        "learn_more",
        "found",
    ] {
        assert!(d.get(key).is_some(), "{key}");
    }
}

#[test]
fn several_words_are_joined_and_unknown_text_is_answered() {
    let o = run(&["diagnose", "Illegal", "redirect_uri", "for", "app"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("callback URI isn't registered with Nylas"));
    let o = run(&["diagnose", "something odd happened"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("We don't recognise this message"));
}

#[test]
fn reads_stdin_and_refuses_empty_text() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(["diagnose", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Error: AADSTS50194 isn't configured as a multitenant application")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("AADSTS50194"));
    let o = run(&["diagnose", "   "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no error text"));
    let o = run(&["diagnose"]);
    assert_eq!(o.status.code(), Some(2));
}
