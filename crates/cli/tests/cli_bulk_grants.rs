//! `bulk grants` against the sandbox: one grant per mailbox through its
//! tenant's credential and a re-run keeps the same grants; a real `kill -9`
//! mid-run at several points, then a re-run ends with each mailbox granted
//! once; the sandbox's own rate limit (a 429 storm) is absorbed; a mailbox
//! without a consented credential fails with a plain reason; bad rows exit
//! 2; and path E end to end: credentials, consent links answered in the
//! sandbox's consent page, grants for the tenant that accepted.

mod bulk_support;
mod common;

use std::collections::BTreeMap;

use bulk_support::*;
use common::{stderr, stdout};
use serde_json::json;
use wizard_sandbox::{start, Fault};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_are_made_once_and_a_rerun_keeps_the_same_grants() {
    let r = Run {
        sb: start(consented_scenario(3), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    let users = r.file("users.csv", &users_csv(9, 3));
    let journal = r.journal("grants.jsonl");
    let args = [
        "grants",
        "--users",
        users.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["summary"]["kind"], "grants");
    assert_eq!(v["summary"]["created"], 9);
    assert_eq!(v["summary"]["items"].as_array().unwrap().len(), 9);
    assert!(v["summary"]["items"][0]["id"].is_string());
    assert_eq!(v["journal"], journal.to_str().unwrap());
    r.assert_each_mailbox_once(9, 3);
    let ids: Vec<String> = r.sb.scenario().nylas_applications[0]
        .grants
        .iter()
        .map(|g| g.id.clone())
        .collect();
    let posts = r.sb.calls(GRANT);
    assert_eq!(posts, 9);
    // Same journal: nothing is posted again.
    let out = r.cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out)["summary"]["created"], 0);
    assert_eq!(r.sb.calls(GRANT), posts);
    let after: Vec<String> = r.sb.scenario().nylas_applications[0]
        .grants
        .iter()
        .map(|g| g.id.clone())
        .collect();
    assert_eq!(after, ids, "the same grants");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_killed_mid_run_at_several_points_then_rerun_ends_with_each_mailbox_once() {
    const N: usize = 60;
    const T: usize = 4;
    let r = Run {
        sb: start(consented_scenario(T), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    r.sb.set_faults(vec![Fault::new(GRANT).with_latency_ms(100)])
        .unwrap();
    let users = r.file("users.csv", &users_csv(N, T));
    let journal = r.journal("grants.jsonl");
    let args = [
        "grants",
        "--users",
        users.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "2",
    ];
    for (round, at) in [4usize, 25, 41].into_iter().enumerate() {
        let child = r.spawn(&args, &format!("grants{round}"));
        r.wait_until("grants", at, Run::grant_count).await;
        kill_9(child);
        assert!(r.grant_count() < N, "killed mid-way");
    }
    r.sb.set_faults(vec![]).unwrap();
    let out = r.cli(&[&args[..], &["--format", "json"]].concat()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = json_out(&out)["summary"].clone();
    assert_eq!(s["failed"], 0, "{s}");
    assert_eq!(
        s["created"].as_u64().unwrap() + s["reused"].as_u64().unwrap(),
        N as u64,
        "{s}"
    );
    r.assert_each_mailbox_once(N, T);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_without_a_consented_credential_fails_with_a_plain_reason() {
    let mut s = consented_scenario(1);
    // A second tenant whose admin hasn't consented yet.
    let c = serde_json::from_value(json!({
        "id": "cred-1",
        "provider": "microsoft",
        "name": "Tenant 1 (t1.onmicrosoft.com)",
        "credential_type": "adminconsent",
        "credential_data": {"tenant": "t1.onmicrosoft.com"},
    }))
    .unwrap();
    s.nylas_applications[0].credentials.push(c);
    let r = Run {
        sb: start(s, None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    let users = r.file(
        "users.csv",
        "email\nuser0@t0.onmicrosoft.com\nuser1@t1.onmicrosoft.com\nuser2@elsewhere.example\n",
    );
    let failures = r.home.path().join("failures.csv");
    let out = r
        .cli(&[
            "grants",
            "--users",
            users.to_str().unwrap(),
            "--journal",
            r.journal("g.jsonl").to_str().unwrap(),
            "--failures",
            failures.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("3 mailboxes: 1 grant created, 0 already there, 2 failed"),
        "{text}"
    );
    assert!(
        text.contains(
            "user1@t1.onmicrosoft.com: The tenant's admin hasn't given admin consent yet"
        ),
        "{text}"
    );
    assert!(text.contains("user2@elsewhere.example: "), "{text}");
    let csv = std::fs::read_to_string(&failures).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert_eq!(r.grant_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_users_rows_exit_2_and_nothing_is_sent() {
    let r = Run {
        sb: start(consented_scenario(1), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    let users = r.file(
        "users.csv",
        "email,tenant\nuser0@t0.onmicrosoft.com,\nnot-an-address,\nuser0@t0.onmicrosoft.com,\n",
    );
    let out = r
        .cli(&[
            "grants",
            "--users",
            users.to_str().unwrap(),
            "--format",
            "json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_out(&out);
    let rows: Vec<u64> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [3, 4]);
    assert!(stderr(&out).contains("row 3:") && stderr(&out).contains("row 4:"));
    assert_eq!(
        r.sb.all_calls().values().sum::<u64>(),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_then_consent_links_then_grants_for_the_consented_tenant() {
    let r = setup().await;
    let tenants = r.file("tenants.csv", &tenants_csv(2));
    let t = tenants.to_str().unwrap();
    let out = r
        .cli(&[
            "credentials",
            "--tenants",
            t,
            "--journal",
            r.journal("c.jsonl").to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A callback URI the practice application has registered.
    let redirect = "http://localhost:3000/oauth/nylas/callback";
    let out = r
        .cli(&[
            "consent-links",
            "--tenants",
            t,
            "--redirect-uri",
            redirect,
            "--format",
            "json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["redirect_uri_registered"], true);
    let links = v["links"].as_array().unwrap();
    // Tenant 0's admin accepts, tenant 1's declines.
    let back = answer_consent(links[0]["url"].as_str().unwrap(), "approve").await;
    assert!(back.as_str().starts_with(redirect), "{back}");
    let q: BTreeMap<String, String> = back.query_pairs().into_owned().collect();
    assert_eq!(q["admin_consent"], "true");
    let sent: BTreeMap<String, String> = url::Url::parse(links[0]["url"].as_str().unwrap())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["state"], sent["state"], "the link's state comes back");
    let back = answer_consent(links[1]["url"].as_str().unwrap(), "deny").await;
    let q: BTreeMap<String, String> = back.query_pairs().into_owned().collect();
    assert_eq!(q["error"], "access_denied");

    let users = r.file(
        "users.csv",
        "email\nmegan@t0.onmicrosoft.com\nalex@t0.onmicrosoft.com\nlee@t1.onmicrosoft.com\n",
    );
    let out = r
        .cli(&[
            "grants",
            "--users",
            users.to_str().unwrap(),
            "--tenants",
            t,
            "--journal",
            r.journal("g.jsonl").to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("3 mailboxes: 2 grants created, 0 already there, 1 failed"),
        "{text}"
    );
    assert!(text.contains("lee@t1.onmicrosoft.com: "), "{text}");
    let app = r.sb.scenario().nylas_applications[0].clone();
    let cred0 = app
        .credentials
        .iter()
        .find(|c| c.name == "Tenant 0 (t0.onmicrosoft.com)")
        .unwrap();
    let mut emails: Vec<(&str, Option<&str>)> = app
        .grants
        .iter()
        .map(|g| (g.email.as_str(), g.credential_id.as_deref()))
        .collect();
    emails.sort();
    assert_eq!(
        emails,
        [
            ("alex@t0.onmicrosoft.com", Some(cred0.id.as_str())),
            ("megan@t0.onmicrosoft.com", Some(cred0.id.as_str()))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandboxs_rate_limit_storm_is_absorbed_with_no_duplicate() {
    const N: usize = 40;
    let r = Run {
        sb: start(consented_scenario(2), None).await.unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    // Nylas at 10 requests/s with a fifth of the rest 429 anyway, while the
    // CLI asks for up to 48: most of the run is answered 429.
    r.sb.set_nylas_rate_limit(Some(
        serde_json::from_value(json!({
            "requests_per_second": 10, "extra_429_percent": 20, "retry_after_seconds": 1
        }))
        .unwrap(),
    ))
    .unwrap();
    let users = r.file("users.csv", &users_csv(N, 2));
    let out = r
        .cli(&[
            "grants",
            "--users",
            users.to_str().unwrap(),
            "--journal",
            r.journal("g.jsonl").to_str().unwrap(),
            "--concurrency",
            "16",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = json_out(&out)["summary"].clone();
    assert_eq!(
        (s["created"].as_u64(), s["failed"].as_u64()),
        (Some(N as u64), Some(0)),
        "{s}"
    );
    let counts = r.sb.rate_limit_counts();
    assert!(
        counts.limited + counts.extra_429 >= 10,
        "a storm: {counts:?}"
    );
    r.assert_each_mailbox_once(N, 2);
}
