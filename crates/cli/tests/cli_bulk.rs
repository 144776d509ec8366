//! `bulk credentials` and `bulk consent-links` against the sandbox: a re-run
//! creates nothing; a real `kill -9` of the CLI mid-run, at several points,
//! then a re-run ends with every credential there exactly once; Ctrl-C
//! stops cleanly (130); a 429 storm is waited out; bad CSV rows exit 2, are
//! listed, and nothing is sent; a failed item exits 1 with its reason;
//! `--format json` shapes; no secret in any output or journal.
//!
//! Runs are made slow by the sandbox (latency and 429 faults), never by
//! the CLI; kills wait for a count in the sandbox or lines in the journal
//! (polled), never for a fixed time.

mod bulk_support;
mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use bulk_support::*;
use common::{canary, stderr, stdout, CanaryScan};
use serde_json::{json, Value};
use wizard_sandbox::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_made_once_and_a_rerun_creates_nothing() {
    let r = setup().await;
    let tenants = r.file("tenants.csv", &tenants_csv(12));
    let journal = r.journal("creds.jsonl");
    let args = [
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ];
    // The dry run reads Nylas and writes nothing.
    let out = r.cli(&[&args[..], &["--dry-run"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Dry run: nothing was sent to Nylas."),
        "{text}"
    );
    assert!(text.contains("Tenant 3 (t3.onmicrosoft.com)"), "{text}");
    assert_eq!(r.sb.calls(CREDS), 0);
    assert_eq!(r.cred_count(), 0);
    let out = r
        .cli(&[&args[..], &["--dry-run", "--format", "json"]].concat())
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["dry_run"], true);
    let steps = v["plan"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 12);
    assert!(steps.iter().all(|s| s["action"] == "create"), "{v}");
    assert_eq!(r.sb.calls(CREDS), 0);

    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("12 tenants: 12 credentials created, 0 already there, 0 failed"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("[12/12]"), "{}", stderr(&out));
    r.assert_each_tenant_once(12);
    let posts = r.sb.calls(CREDS);
    assert_eq!(posts, 12);
    // The journal keeps no secret: one JSON line per finished item.
    let j = std::fs::read_to_string(&journal).unwrap();
    assert!(!j.contains(US_KEY));

    // Same journal: nothing sent. A fresh journal: found by name, reused.
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["summary"]["created"], 0);
    assert_eq!(v["summary"]["total"], 12);
    let fresh = r.journal("fresh.jsonl");
    let out = r
        .cli(&[
            "credentials",
            "--tenants",
            tenants.to_str().unwrap(),
            "--journal",
            fresh.to_str().unwrap(),
            "--format",
            "json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(
        (
            v["summary"]["created"].clone(),
            v["summary"]["reused"].clone()
        ),
        (json!(0), json!(12))
    );
    assert_eq!(r.sb.calls(CREDS), posts, "no credential was posted again");
    r.assert_each_tenant_once(12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_run_at_several_points_then_rerun_ends_with_each_credential_once() {
    const N: usize = 60;
    let r = setup().await;
    // Slow Nylas down (not the CLI): each create takes 100 ms.
    r.sb.set_faults(vec![Fault::new(CREDS).with_latency_ms(100)])
        .unwrap();
    let tenants = r.file("tenants.csv", &tenants_csv(N));
    let journal = r.journal("creds.jsonl");
    let args = [
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "2",
    ];
    let mut killed_at = Vec::new();
    for (round, at) in [5usize, 20, 38].into_iter().enumerate() {
        let child = r.spawn(&args, &format!("run{round}"));
        r.wait_until("credentials", at, Run::cred_count).await;
        kill_9(child);
        let seen = r.cred_count();
        assert!(seen < N, "the run was killed mid-way ({seen} of {N})");
        killed_at.push(seen);
    }
    // A kill between a create and its journal line: a run with a fresh
    // journal still finds those by name.
    let child = r.spawn(
        &[
            "credentials",
            "--tenants",
            tenants.to_str().unwrap(),
            "--journal",
            r.journal("other.jsonl").to_str().unwrap(),
            "--concurrency",
            "2",
        ],
        "other",
    );
    let before = r.cred_count();
    r.wait_until("credentials", before + 3, Run::cred_count)
        .await;
    kill_9(child);
    assert!(r.cred_count() < N);

    r.sb.set_faults(vec![]).unwrap();
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    let s = &v["summary"];
    assert_eq!(s["failed"], 0, "{s}");
    assert_eq!(s["total"], N);
    assert_eq!(
        s["created"].as_u64().unwrap() + s["reused"].as_u64().unwrap(),
        N as u64,
        "{s}"
    );
    assert!(s["reused"].as_u64().unwrap() >= killed_at[2] as u64, "{s}");
    r.assert_each_tenant_once(N);
    // And once more: nothing left to do.
    let posts = r.sb.calls(CREDS);
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(r.sb.calls(CREDS), posts);
    r.assert_each_tenant_once(N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out_with_no_duplicate() {
    let r = setup().await;
    // The first 24 creates are refused with Retry-After: 1.
    r.sb.set_faults(vec![Fault::new(CREDS)
        .with_status(429)
        .with_retry_after("1")
        .first_n(24)])
        .unwrap();
    let tenants = r.file("tenants.csv", &tenants_csv(16));
    let out = r
        .cli(&[
            "credentials",
            "--tenants",
            tenants.to_str().unwrap(),
            "--journal",
            r.journal("creds.jsonl").to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("16 credentials created"),
        "{}",
        stdout(&out)
    );
    assert_eq!(r.sb.calls(CREDS), 16 + 24, "each refusal was retried once");
    r.assert_each_tenant_once(16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_csv_rows_exit_2_are_listed_and_nothing_is_sent() {
    let r = setup().await;
    let tenants = r.file(
        "tenants.csv",
        "tenant,name\ncontoso.onmicrosoft.com,Contoso\nnot a tenant!,Broken\nfabrikam.onmicrosoft.com,\ncontoso.onmicrosoft.com,Again\n",
    );
    let args = ["credentials", "--tenants", tenants.to_str().unwrap()];
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("3 rows of") && err.contains("nothing was sent"),
        "{err}"
    );
    for row in ["row 3:", "row 4:", "row 5:"] {
        assert!(err.contains(row), "{row} missing:\n{err}");
    }
    assert!(!err.contains("row 2:"), "{err}");
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(2));
    let v = json_out(&out);
    assert_eq!(v["error"]["code"], "invalid_input");
    let rows: Vec<u64> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [3, 4, 5]);
    assert!(v["rows"][0]["reason"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    // A file without the tenant column: a plain error, exit 2.
    let wrong = r.file("wrong.csv", "domain,name\ncontoso.com,Contoso\n");
    let out = r
        .cli(&["credentials", "--tenants", wrong.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tenant"), "{}", stderr(&out));
    // A missing file, and a missing key.
    let out = r
        .cli(&["credentials", "--tenants", "/nonexistent/t.csv"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    let good = r.file("good.csv", &tenants_csv(2));
    let mut cmd = r.command(&["credentials", "--tenants", good.to_str().unwrap()]);
    cmd.env_remove("NYLAS_API_KEY");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("NYLAS_API_KEY"), "{}", stderr(&out));
    assert_eq!(
        r.sb.all_calls().values().sum::<u64>(),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_item_exits_1_with_its_reason_in_the_failures_file() {
    let r = setup().await;
    // The first create fails for good (400): that item fails with a reason.
    r.sb.set_faults(vec![Fault::new(CREDS).with_status(400).first_n(1)])
        .unwrap();
    let tenants = r.file("tenants.csv", &tenants_csv(3));
    let failures = r.home.path().join("failures.csv");
    let journal = r.journal("creds.jsonl");
    let args = [
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "1",
        "--failures",
        failures.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["summary"]["created"], 2);
    assert_eq!(v["failures_file"], failures.to_str().unwrap());
    let failed: Vec<&Value> = v["summary"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["reason"].as_str().is_some_and(|s| !s.is_empty()));
    let csv = std::fs::read_to_string(&failures).unwrap();
    assert!(csv.starts_with("key,label,reason\n"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains(failed[0]["key"].as_str().unwrap()), "{csv}");
    // The next run retries only the failed one.
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(
        (
            v["summary"]["created"].clone(),
            v["summary"]["failed"].clone()
        ),
        (json!(1), json!(0))
    );
    r.assert_each_tenant_once(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_links_for_each_tenant_in_three_formats() {
    let r = setup().await;
    let tenants = r.file("tenants.csv", &tenants_csv(3));
    let redirect = "https://app.example.com/nylas/consent";
    let tenants_arg = tenants.to_str().unwrap();
    let links_args = |format: &'static str| {
        [
            "consent-links",
            "--tenants",
            tenants_arg,
            "--redirect-uri",
            redirect,
            "--format",
            format,
        ]
    };
    // No credentials yet: each tenant is listed as missing, exit 1.
    let out = r.cli(&links_args("json")).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["links"], json!([]));
    assert_eq!(v["missing"].as_array().unwrap().len(), 3);
    assert!(
        stderr(&out).contains("bulk credentials"),
        "{}",
        stderr(&out)
    );

    let out = r
        .cli(&[
            "credentials",
            "--tenants",
            tenants.to_str().unwrap(),
            "--journal",
            r.journal("c.jsonl").to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let app = r.sb.scenario().nylas_applications[0].clone();

    let out = r.cli(&links_args("json")).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["missing"], json!([]));
    assert_eq!(v["redirect_uri_registered"], false);
    let list = v["links"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    for (i, l) in list.iter().enumerate() {
        assert_eq!(l["tenant"], format!("t{i}.onmicrosoft.com"));
        assert_eq!(l["name"], format!("Tenant {i}"));
        assert_eq!(l["admin_email"], format!("admin@t{i}.onmicrosoft.com"));
        let cred = app
            .credentials
            .iter()
            .find(|c| c.name == format!("Tenant {i} (t{i}.onmicrosoft.com)"))
            .unwrap();
        assert_eq!(l["credential_id"], cred.id.as_str());
        let url = url::Url::parse(l["url"].as_str().unwrap()).unwrap();
        assert!(
            url.as_str()
                .starts_with(&format!("{}v3/connect/auth?", r.base())),
            "{url}"
        );
        let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], app.application_id);
        assert_eq!(q["redirect_uri"], redirect);
        assert_eq!(q["response_type"], "adminconsent");
        assert_eq!(q["provider"], "microsoft");
        assert_eq!(q["credential_id"], cred.id);
        assert!(q["state"].len() >= 16, "a random state: {}", q["state"]);
    }
    let out = r.cli(&links_args("csv")).await;
    assert_eq!(out.status.code(), Some(0));
    let csv = stdout(&out);
    assert!(
        csv.starts_with("tenant,name,admin_email,credential_id,consent_url\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4);
    let out = r.cli(&links_args("text")).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Tenant 2 (t2.onmicrosoft.com), admin admin@t2.onmicrosoft.com"));
    assert!(stdout(&out).contains("3 links. Each tenant's admin opens theirs"));
    // Not a callback URI of the application: said on stderr.
    assert!(stderr(&out).contains("isn't one of your Nylas application's callback URIs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_grows_line_by_line_during_a_run() {
    let r = setup().await;
    r.sb.set_faults(vec![Fault::new(CREDS).with_latency_ms(80)])
        .unwrap();
    let tenants = r.file("tenants.csv", &tenants_csv(30));
    let journal = r.journal("creds.jsonl");
    let child = r.spawn(
        &[
            "credentials",
            "--tenants",
            tenants.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--concurrency",
            "2",
        ],
        "run",
    );
    // Wait for lines in the journal itself, then kill.
    let j = journal.clone();
    let r2 = tokio::time::timeout(Duration::from_secs(60), async move {
        while journal_lines(&j).len() < 6 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(r2.is_ok(), "the journal never reached 6 lines");
    kill_9(child);
    let lines = journal_lines(&journal);
    assert!(lines.len() < 30, "killed mid-way");
    // Every journalled credential is really there.
    let app = r.sb.scenario().nylas_applications[0].clone();
    for l in &lines {
        let text = l.to_string();
        assert!(!text.contains(US_KEY));
        if let Some(id) = l.get("id").and_then(Value::as_str) {
            assert!(app.credentials.iter().any(|c| c.id == id), "{text}");
        }
    }
}

/// Ctrl-C as a terminal sends it: SIGINT (Unix only).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_after_the_running_items_exit_130_and_a_rerun_finishes() {
    const N: usize = 40;
    let r = setup().await;
    r.sb.set_faults(vec![Fault::new(CREDS).with_latency_ms(80)])
        .unwrap();
    let tenants = r.file("tenants.csv", &tenants_csv(N));
    let journal = r.journal("creds.jsonl");
    let args = [
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "2",
    ];
    let child = r.spawn(&args, "stopped");
    r.wait_until("credentials", 6, Run::cred_count).await;
    // What Ctrl-C sends.
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(130));
    let text = std::fs::read_to_string(r.home.path().join("stopped.out")).unwrap();
    assert!(
        text.contains("Stopped. Run the same command again"),
        "{text}"
    );
    let made = r.cred_count();
    assert!(made < N, "stopped mid-way ({made})");
    // What was running was finished and journalled: the journal knows
    // every credential made.
    assert_eq!(journal_lines(&journal).len(), made);
    r.sb.set_faults(vec![]).unwrap();
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = json_out(&out)["summary"].clone();
    assert_eq!(s["created"].as_u64().unwrap(), (N - made) as u64, "{s}");
    assert_eq!(r.sb.calls(CREDS), N as u64, "nothing posted twice");
    r.assert_each_tenant_once(N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_id_sends_the_apps_secret_to_nylas_only() {
    let r = setup().await;
    let secret = canary("q8F~");
    let client_id = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let tenants = r.file("tenants.csv", &tenants_csv(2));
    let args = [
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--client-id",
        client_id,
    ];
    // Without the secret: exit 2, nothing sent.
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("AZURE_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );
    assert_eq!(r.sb.all_calls().values().sum::<u64>(), 0);
    let mut scan = CanaryScan::new(&[&secret, US_KEY]);
    for extra in [&["--dry-run"][..], &[], &["--format", "json"]] {
        let mut cmd = r.command(&[&args[..], extra].concat());
        cmd.env("AZURE_CLIENT_SECRET", &secret);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        if extra == ["--dry-run"] {
            assert!(
                stdout(&out).contains("\"client_secret\": \"•••\""),
                "{}",
                stdout(&out)
            );
        }
        scan.output("bulk credentials", &out);
    }
    // Everything the CLI wrote (journal in its data folder, consent states…).
    scan.dir(r.home.path()).assert_clean();
    // Nylas got them.
    let app = r.sb.scenario().nylas_applications[0].clone();
    assert_eq!(app.credentials.len(), 2);
    assert_eq!(
        app.credentials[0].credential_data,
        json!({"client_id": client_id, "client_secret": secret, "tenant": "t0.onmicrosoft.com"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_nylas_refuses_exits_3_with_the_reason() {
    let r = setup().await;
    let tenants = r.file("tenants.csv", &tenants_csv(2));
    let mut cmd = r.command(&[
        "credentials",
        "--tenants",
        tenants.to_str().unwrap(),
        "--journal",
        r.journal("c.jsonl").to_str().unwrap(),
        "--format",
        "json",
    ]);
    cmd.env("NYLAS_API_KEY", "nyk_v0_not_a_key_of_this_sandbox");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["error"]["code"], "unauthorized", "{v}");
    assert!(
        v["error"]["hint"].as_str().unwrap_or("").contains("region"),
        "{v}"
    );
    assert_eq!(r.cred_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_journal_the_record_is_kept_per_application_in_the_data_folder() {
    let r = setup().await;
    let tenants = r.file("tenants.csv", &tenants_csv(3));
    let args = ["credentials", "--tenants", tenants.to_str().unwrap()];
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let app_id = r.sb.scenario().nylas_applications[0].application_id.clone();
    let expected = r
        .home
        .path()
        .join("data/com.nylas.ms-setup-wizard/cli")
        .join(format!("bulk-credentials-{app_id}.jsonl"));
    assert_eq!(json_out(&out)["journal"], expected.to_str().unwrap());
    assert_eq!(journal_lines(&expected).len(), 3);
    // The next run reads it: nothing posted, all three known.
    let posts = r.sb.calls(CREDS);
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out)["summary"]["created"], 0);
    assert_eq!(r.sb.calls(CREDS), posts);
}
