//! Path E, tenants' admin-consent credentials against the simulated Nylas
//! over HTTP: the plan (dry run), a run, a re-run that creates nothing,
//! resume from a journal after a cancel, a credential left by a crash
//! before its journal line, a 429 storm absorbed, a failure reported
//! while the run carries on.

mod bulk_support;

use bulk_support::*;
use secrecy::SecretString;
use wizard_core::bulk::{
    failures_csv, plan_credentials, run_credentials, CredentialsInput, ItemState,
};
use wizard_core::plan::{StepAction, REDACTED};
use wizard_sandbox::Fault;

fn input(n: usize) -> CredentialsInput {
    CredentialsInput {
        tenants: tenants(n),
        azure_client_id: None,
        azure_client_secret: None,
    }
}

#[tokio::test]
async fn credentials_are_planned_created_once_and_a_rerun_creates_nothing() {
    let w = world().await;
    let mut input = input(12);
    input.azure_client_id = Some("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9".into());
    input.azure_client_secret = Some(SecretString::from(SECRET.to_owned()));
    let plan = plan_credentials(&w.nylas(), &input, &never())
        .await
        .unwrap();
    assert_eq!(plan.steps.len(), 12);
    assert!(plan.steps.iter().all(|s| s.action == StepAction::Create));
    assert_eq!(plan.steps[3].key, "credential:t003.example");
    let body = plan.steps[3]
        .request
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert_eq!(body["name"], "Customer 003 (t003.example)");
    assert_eq!(body["credential_type"], "adminconsent");
    assert_eq!(body["credential_data"]["client_secret"], REDACTED);
    assert_no_secret("the plan", &serde_json::to_string(&plan).unwrap());
    assert_eq!(w.calls(POST_CREDS), 0, "planning only reads");

    let (seen, progress) = recorder();
    let journal = w.journal("credentials.jsonl");
    let s = run_credentials(&w.nylas(), &input, &opts(4), &journal, &progress, &never())
        .await
        .unwrap();
    assert_eq!((s.total, s.created, s.reused, s.failed), (12, 12, 0, 0));
    assert!(s.all_done() && !s.cancelled);
    assert!(s.items.iter().all(|i| i.id.is_some()));
    // What the simulated Nylas stored, field by field.
    let app = w.app();
    assert_eq!(app.credentials.len(), 12);
    let c = app
        .credentials
        .iter()
        .find(|c| c.name == "Customer 007 (t007.example)")
        .unwrap();
    assert_eq!(c.credential_type, "adminconsent");
    assert_eq!(c.credential_data["tenant"], "t007.example");
    assert_eq!(c.credential_data["client_secret"], SECRET);
    // Progress: the last report counts everything, time left 0.
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.finished, last.created, last.eta_seconds),
        (12, 12, Some(0))
    );
    assert!(seen.windows(2).all(|p| p[0].finished <= p[1].finished));
    // The journal: one line per item, no secret.
    let text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(text.lines().count(), 12);
    assert_no_secret("the journal", &text);
    assert_no_secret("the summary", &serde_json::to_string(&s).unwrap());

    // Again, with a new journal: every credential is found in the list.
    let again = run_credentials(
        &w.nylas(),
        &input,
        &opts(4),
        &w.journal("second.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.reused, again.failed), (0, 12, 0));
    assert_eq!(w.calls(POST_CREDS), 12, "the re-run posted nothing");
    let plan = plan_credentials(&w.nylas(), &input, &never())
        .await
        .unwrap();
    assert!(plan
        .steps
        .iter()
        .all(|s| s.action == StepAction::NothingToDo));
    assert!(
        plan.steps[0].summary.contains("reused"),
        "{}",
        plan.steps[0].summary
    );
}

#[tokio::test]
async fn every_page_of_the_list_is_read_before_deciding() {
    let w = world().await;
    let input = input(60);
    run_credentials(
        &w.nylas(),
        &input,
        &opts(8),
        &w.journal("a.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    let lists_before = w.calls(LIST_CREDS);
    let plan = plan_credentials(&w.nylas(), &input, &never())
        .await
        .unwrap();
    // 60 credentials in pages of 50: two pages.
    assert_eq!(w.calls(LIST_CREDS) - lists_before, 2);
    assert!(plan
        .steps
        .iter()
        .all(|s| s.action == StepAction::NothingToDo));
    assert_eq!(w.credential_names().len(), 60);
}

#[tokio::test]
async fn a_cancelled_run_resumes_from_its_journal_without_duplicates() {
    let w = world().await;
    let input = input(20);
    let journal = w.journal("credentials.jsonl");
    let cancel = never();
    let stop = cancel.clone();
    // The admin presses Stop once 5 are done.
    let first = run_credentials(
        &w.nylas(),
        &input,
        &opts(2),
        &journal,
        &move |p| {
            if p.finished >= 5 {
                stop.cancel();
            }
        },
        &cancel,
    )
    .await
    .unwrap();
    assert!(first.cancelled);
    let done = first.created;
    // Running items finish; nothing new starts.
    assert!((5..=7).contains(&done), "{done}");
    let skipped = first
        .items
        .iter()
        .filter(|i| i.state == ItemState::Skipped)
        .count();
    assert_eq!(done as usize + skipped, 20);
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap().lines().count(),
        done as usize
    );
    assert_eq!(w.app().credentials.len(), done as usize);

    let posts = w.calls(POST_CREDS);
    let second = run_credentials(&w.nylas(), &input, &opts(4), &journal, &|_| {}, &never())
        .await
        .unwrap();
    assert!(second.all_done());
    assert_eq!((second.created, second.reused), (20 - done, done));
    assert_eq!(
        w.calls(POST_CREDS) - posts,
        u64::from(20 - done),
        "finished items skipped"
    );
    assert!(w.credential_names().values().all(|n| *n == 1));
    assert_eq!(w.credential_names().len(), 20);
}

#[tokio::test]
async fn a_credential_created_before_a_crash_is_found_by_its_name() {
    let w = world().await;
    // A crash between the create and its journal line: there in Nylas,
    // not in the journal.
    let id = w
        .create_credential("Customer 002 (t002.example)", "t002.example")
        .await;
    let s = run_credentials(
        &w.nylas(),
        &input(5),
        &opts(4),
        &w.journal("j.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((s.created, s.reused), (4, 1));
    let item = s
        .items
        .iter()
        .find(|i| i.key == "credential:t002.example")
        .unwrap();
    assert_eq!(
        (item.state, item.id.as_deref()),
        (ItemState::Reused, Some(id.as_str()))
    );
    assert_eq!(w.credential_names().len(), 5);
    assert!(w.credential_names().values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_429_storm_is_waited_out_without_failures_or_duplicates() {
    let w = world().await;
    // More 429s (Retry-After: 1) than the HTTP layer retries per call.
    w.sb.set_faults(vec![Fault::new(POST_CREDS)
        .with_status(429)
        .with_retry_after("1")
        .first_n(24)])
        .unwrap();
    let (seen, progress) = recorder();
    let started = std::time::Instant::now();
    let s = run_credentials(
        &w.nylas(),
        &input(10),
        &opts(8),
        &w.journal("j.jsonl"),
        &progress,
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done(), "{:?}", failures_csv(&s));
    assert_eq!(s.created, 10);
    assert_eq!(w.calls(POST_CREDS), 34, "24 refused, then one each");
    assert_eq!(w.credential_names().len(), 10);
    assert!(w.credential_names().values().all(|n| *n == 1));
    // Retry-After was waited: 24 refusals over 8 lanes are 3 rounds of 1 s.
    assert!(started.elapsed() >= std::time::Duration::from_secs(3));
    // The items showed as running while they waited.
    assert!(seen.lock().unwrap().iter().any(|p| p
        .item
        .as_ref()
        .is_some_and(|i| i.state == ItemState::Running)));
}

#[tokio::test]
async fn a_refused_item_is_reported_and_the_run_carries_on() {
    let w = world().await;
    w.sb.set_faults(vec![Fault::new(POST_CREDS).with_status(403).first_n(1)])
        .unwrap();
    let s = run_credentials(
        &w.nylas(),
        &input(6),
        &opts(1),
        &w.journal("j.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((s.created, s.failed), (5, 1));
    assert!(!s.all_done());
    let failed = s.failures().next().unwrap();
    // One at a time, so the first tenant met the refusal.
    assert_eq!(failed.key, "credential:t000.example");
    let csv = failures_csv(&s);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "key,label,reason");
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("credential:t000.example,Customer 000 (t000.example),"));
    assert!(
        lines[1].contains("403") || lines[1].to_lowercase().contains("permission"),
        "{}",
        lines[1]
    );
    // A re-run with the same journal tries the failed one again.
    let again = run_credentials(
        &w.nylas(),
        &input(6),
        &opts(1),
        &w.journal("j.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.reused, again.failed), (1, 5, 0));
}

#[tokio::test]
async fn the_default_pace_stays_under_nylas_limit_of_50_a_second() {
    let w = world().await;
    w.sb.set_nylas_rate_limit(Some(wizard_sandbox::NylasRateLimit {
        requests_per_second: 50,
        extra_429_percent: 0,
        retry_after_seconds: 1,
    }))
    .unwrap();
    let started = std::time::Instant::now();
    let s = run_credentials(
        &w.nylas(),
        &input(120),
        &wizard_core::bulk::BulkOptions::default(),
        &w.journal("j.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done(), "{}", failures_csv(&s));
    let counts = w.sb.rate_limit_counts();
    assert_eq!(counts.limited, 0, "{counts:?}");
    // The list (one empty page) + 120 creates at 48 a second: about
    // 2.5 s, never less.
    assert_eq!(counts.requests, 121, "{counts:?}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(2400));
    assert_eq!(w.credential_names().len(), 120);
}

#[tokio::test]
async fn waiting_for_the_rate_limiter_does_not_count_against_a_calls_deadline() {
    let mut w = world().await;
    w.http = wizard_core::http::HttpClient::direct(wizard_core::http::HttpConfig {
        overall_deadline: std::time::Duration::from_secs(1),
        ..wizard_core::http::HttpConfig::default()
    })
    .unwrap();
    // 8 at once at 4 a second: the last waits about 2 s at the limiter,
    // twice its call's deadline.
    let o = wizard_core::bulk::BulkOptions {
        concurrency: 8,
        requests_per_second: 4,
    };
    let started = std::time::Instant::now();
    let s = run_credentials(
        &w.nylas(),
        &input(8),
        &o,
        &w.journal("j.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done(), "{}", failures_csv(&s));
    assert!(started.elapsed() >= std::time::Duration::from_millis(1700));
}
