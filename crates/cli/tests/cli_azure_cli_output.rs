//! Issue 15, point 8: `nylas-ms-setup check` on what `az ad app create` /
//! `az ad app show` print says "Azure CLI output", never "a mix", and on an
//! `az ad sp show` service principal refuses the file in plain words.

use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{fixture, NOW};

fn check(manifest: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--manifest",
        manifest,
        "--now",
        NOW,
        "--path",
        "v3",
        "--preset",
        "read-only-inbox",
        "--tenancy",
        "multi",
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(&args)
        .output()
        .expect("the CLI runs")
}

#[test]
fn point_8_azure_cli_output_reads_as_azure_cli_output_not_a_mix() {
    for (name, region) in [
        ("azure-cli-create-aad-graph", "us"),
        ("azure-cli-create-graph", "eu"),
    ] {
        let o = check(&fixture(name), &["--region", region]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("Read as: Azure CLI output (az ad app create or show)."),
            "{name}: {out}"
        );
        assert!(!out.contains("a mix"), "{name}: {out}");
        assert!(
            out.contains("az ad app"),
            "{name}: the note says what it is"
        );

        let o = check(&fixture(name), &["--region", region, "--format", "json"]);
        let report: Value = serde_json::from_slice(&o.stdout).expect("JSON report");
        assert_eq!(
            report["formats"],
            serde_json::json!(["azure-cli"]),
            "{name}"
        );
    }
}

#[test]
fn point_8_a_service_principal_is_refused_in_plain_words() {
    let dir = std::env::temp_dir().join(format!("nylas-sp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sp = dir.join("sp.json");
    std::fs::write(
        &sp,
        r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
        "appId":"5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e","servicePrincipalType":"Application",
        "replyUrls":[],"passwordCredentials":[]}"#,
    )
    .unwrap();
    let o = check(
        sp.to_str().unwrap(),
        &["--region", "us", "--format", "json"],
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&o.stdout).expect("a JSON error");
    assert_eq!(err["error"]["code"], "manifest_invalid");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("service principal"),
        "{err}"
    );
    assert!(err["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("az ad app show"));
}
