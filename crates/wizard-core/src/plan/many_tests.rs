use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn items(n: usize) -> Vec<ManyItem> {
    (0..n)
        .map(|i| ManyItem {
            key: format!("k{i}"),
            label: format!("Item {i}"),
        })
        .collect()
}

/// A fake service: each call passes the attempt gate as an HTTP attempt
/// would, then answers; `rate_limited[key]` 429s first.
#[derive(Default)]
struct Fake {
    calls: Mutex<Vec<(String, Instant)>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    rate_limited: Mutex<HashMap<String, u32>>,
    fail: Option<&'static str>,
    work: Duration,
}

impl ItemRunner for Fake {
    async fn run(&self, item: &ManyItem, _cancel: &CancellationToken) -> Result<ManyDone> {
        crate::http::pass_gate().await;
        self.calls
            .lock()
            .unwrap()
            .push((item.key.clone(), Instant::now()));
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        // Simulated service time, so items overlap.
        tokio::time::sleep(self.work).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(left) = self.rate_limited.lock().unwrap().get_mut(&item.key) {
            if *left > 0 {
                *left -= 1;
                return Err(WizardError::new(ErrorCode::RateLimited, "slow down"));
            }
        }
        if self.fail == Some(item.key.as_str()) {
            return Err(WizardError::new(ErrorCode::Rejected, "refused"));
        }
        Ok(ManyDone {
            outcome: ManyOutcome::Created,
            id: Some(format!("id-{}", item.key)),
        })
    }
}

fn opts(concurrency: usize, rps: u32) -> ManyOptions {
    ManyOptions {
        concurrency,
        requests_per_second: rps,
        item_retries: 2,
        retry_wait: Duration::from_millis(1),
    }
}

type Events = Arc<Mutex<Vec<(usize, ManyEvent)>>>;

fn recorder() -> (Events, impl Fn(usize, &ManyEvent) + Send + Sync) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (events, move |i, e: &ManyEvent| {
        sink.lock().unwrap().push((i, e.clone()))
    })
}

#[tokio::test]
async fn concurrency_is_bounded_and_a_failure_does_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake {
        work: Duration::from_millis(150),
        fail: Some("k4"),
        ..Fake::default()
    };
    let journal = dir.path().join("j.jsonl");
    let r = apply_many(
        &items(10),
        &fake,
        &opts(3, 50),
        &journal,
        &|_, _| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(fake.most_in_flight.load(Ordering::SeqCst), 3);
    assert!(!r.cancelled);
    let failed: Vec<usize> = (0..10)
        .filter(|i| matches!(r.results[*i], ManyResult::Failed(_)))
        .collect();
    assert_eq!(failed, [4]);
    assert_eq!(fake.calls.lock().unwrap().len(), 10);
    let text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(text.lines().count(), 10);
    assert!(text.contains(r#""key":"k4","state":"failed""#), "{text}");
    assert_eq!(
        read_many_journal(&journal).len(),
        9,
        "a failure isn't finished"
    );
}

#[tokio::test]
async fn every_attempt_passes_the_rate_limiter() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    // k1 is refused twice: its retries go through the limiter too.
    fake.rate_limited.lock().unwrap().insert("k1".into(), 2);
    let (events, sink) = recorder();
    let started = Instant::now();
    let r = apply_many(
        &items(9),
        &fake,
        &opts(8, 10),
        &dir.path().join("j"),
        &sink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(r.results.iter().all(|r| matches!(r, ManyResult::Done(_))));
    let calls = fake.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 11);
    // 11 attempts at 10 a second, evenly spaced: at least 1 s.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    // No one-second window ever held more than 10.
    let times: Vec<Instant> = calls.iter().map(|(_, t)| *t).collect();
    for (i, t) in times.iter().enumerate() {
        let within = times[i..]
            .iter()
            .filter(|u| u.duration_since(*t) < Duration::from_millis(990))
            .count();
        assert!(within <= 10, "{within} attempts within a second");
    }
    let retried: Vec<u32> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(i, e)| match e {
            ManyEvent::Retrying { attempt, .. } if *i == 1 => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(retried, [1, 2]);
}

#[tokio::test]
async fn rate_limit_refusals_past_the_retries_fail_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    fake.rate_limited.lock().unwrap().insert("k0".into(), 5);
    let r = apply_many(
        &items(2),
        &fake,
        &opts(2, 50),
        &dir.path().join("j"),
        &|_, _| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    match &r.results[0] {
        ManyResult::Failed(e) => assert_eq!(e.code, ErrorCode::RateLimited),
        other => panic!("{other:?}"),
    }
    // Tried once plus item_retries (2).
    let k0 = fake
        .calls
        .lock()
        .unwrap()
        .iter()
        .filter(|(k, _)| k == "k0")
        .count();
    assert_eq!(k0, 3);
}

#[tokio::test]
async fn a_resumed_run_skips_journaled_items_and_survives_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    // k0 done, k1 failed, then a line torn by a crash mid-write.
    std::fs::write(
        &journal,
        "{\"key\":\"k0\",\"state\":\"created\",\"id\":\"id-k0\",\"at\":1}\n\
         {\"key\":\"k1\",\"state\":\"failed\",\"reason\":\"x\",\"at\":1}\n\
         {\"key\":\"k2\",\"sta",
    )
    .unwrap();
    let fake = Fake::default();
    let (events, sink) = recorder();
    let r = apply_many(
        &items(3),
        &fake,
        &opts(2, 50),
        &journal,
        &sink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(
        r.results[0],
        ManyResult::Journaled(ManyDone {
            outcome: ManyOutcome::Created,
            id: Some("id-k0".into())
        })
    );
    let mut ran: Vec<String> = fake
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    ran.sort();
    assert_eq!(ran, ["k1", "k2"]);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|(i, e)| *i == 0 && matches!(e, ManyEvent::Finished(ManyResult::Journaled(_)))));
    // The torn line stayed alone on its line; every key is finished now.
    let done = read_many_journal(&journal);
    assert_eq!(done.len(), 3);
    assert_eq!(done["k2"].id.as_deref(), Some("id-k2"));
}

#[tokio::test]
async fn cancelled_before_the_start_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let r = apply_many(
        &items(3),
        &fake,
        &opts(2, 50),
        &dir.path().join("j"),
        &|_, _| {},
        &cancel,
    )
    .await
    .unwrap();
    assert!(r.cancelled);
    assert!(r.results.iter().all(|r| *r == ManyResult::Skipped));
    assert!(fake.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_journal_that_cannot_be_opened_is_an_error_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    // A folder where the file should be.
    let r = apply_many(
        &items(1),
        &fake,
        &opts(1, 50),
        dir.path(),
        &|_, _| {},
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(r.unwrap_err().code, ErrorCode::Io);
    assert!(fake.calls.lock().unwrap().is_empty());
}
