//! The engine's concurrent sibling of [`apply`](super::apply), for batches
//! of independent items (a credential per tenant, a grant per mailbox):
//! many in flight at once, every HTTP attempt (retries included) through
//! one client-side rate limiter, a 429 waited out and the item tried
//! again, a failed item reported and the run carried on, an append-only
//! journal (one JSON line per finished item, written straight to the file
//! so it survives `kill -9`) read on start so a resumed run skips what was
//! done, and a cancel that starts nothing new but lets the running items
//! finish and be journaled.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use governor::{Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{gate_attempts, observe_retries, AttemptGate, RetryObserver};

/// One item of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManyItem {
    /// Stable idempotency key (`credential:contoso.com`): names its journal line.
    pub key: String,
    pub label: String,
}

/// How a finished item ended (as journaled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManyOutcome {
    Created,
    /// It was there already.
    Reused,
    Failed,
}

/// What a runner did for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManyDone {
    /// `Created` or `Reused`.
    pub outcome: ManyOutcome,
    pub id: Option<String>,
}

/// Runs one item: must be safe to call again for an item an earlier run
/// may have done (read or rely on the service's de-duplication).
pub trait ItemRunner: Sync {
    fn run(
        &self,
        item: &ManyItem,
        cancel: &CancellationToken,
    ) -> impl Future<Output = Result<ManyDone>> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManyOptions {
    /// Items in flight at once.
    pub concurrency: usize,
    /// Attempts started per second, across all items, retries included.
    pub requests_per_second: u32,
    /// Times an item is tried again after a rate-limit refusal the HTTP
    /// layer's own retries didn't get past.
    pub item_retries: u32,
    /// The first wait before such a retry (doubled each time, at most 10 s).
    pub retry_wait: Duration,
}

impl Default for ManyOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            requests_per_second: 48,
            item_retries: 6,
            retry_wait: Duration::from_secs(1),
        }
    }
}

/// How an item of the run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManyResult {
    /// Run now.
    Done(ManyDone),
    /// Finished by an earlier run (from the journal); not run again.
    Journaled(ManyDone),
    Failed(WizardError),
    /// Not started (cancelled), or stopped waiting to retry.
    Skipped,
}

/// Told as items start, wait to retry and finish (`index` into the items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManyEvent {
    Started,
    Retrying { attempt: u32, wait_ms: u64 },
    Finished(ManyResult),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManyReport {
    /// One per item, in the items' order.
    pub results: Vec<ManyResult>,
    pub cancelled: bool,
    pub elapsed: Duration,
}

/// One journal line. Never a secret: keys, ids and plain reasons only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManyLine {
    pub key: String,
    pub state: ManyOutcome,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub at: i64,
}

/// The finished items of a journal file (created or reused, the last line
/// per key wins); missing file = none. A torn last line (a crash while
/// writing it) and lines that don't parse are ignored.
pub fn read_many_journal(path: &Path) -> HashMap<String, ManyLine> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = HashMap::new();
    for line in text.lines() {
        if let Ok(l) = serde_json::from_str::<ManyLine>(line) {
            out.insert(l.key.clone(), l);
        }
    }
    out.retain(|_, l| l.state != ManyOutcome::Failed);
    out
}

/// The append-only journal file.
struct JournalFile {
    file: Mutex<std::fs::File>,
}

impl JournalFile {
    fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| WizardError::io("create the folder for the run's journal", &e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| WizardError::io("open the run's journal", &e))?;
        // A line torn by a crash must not glue onto the next one.
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len > 0 && !ends_with_newline(path) {
            file.write_all(b"\n")
                .map_err(|e| WizardError::io("write the run's journal", &e))?;
        }
        Ok(Self {
            file: Mutex::new(file),
        })
    }

    /// One line in one unbuffered write: in the file as soon as this
    /// returns, whatever happens to the process after.
    fn append(&self, line: &ManyLine) -> Result<()> {
        let mut text = serde_json::to_string(line).map_err(|e| {
            WizardError::internal(format!("A journal line couldn't be written: {e}."))
        })?;
        text.push('\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(text.as_bytes())
            .map_err(|e| WizardError::io("write the run's journal", &e))
    }
}

fn ends_with_newline(path: &Path) -> bool {
    std::fs::read(path).map_or(true, |b| b.last() == Some(&b'\n'))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A rate limiter as an [`AttemptGate`]: `per_second` attempts a second,
/// evenly spaced (burst 1, so no one-second window ever holds more).
pub fn rate_gate(per_second: u32) -> AttemptGate {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let limiter = Arc::new(RateLimiter::direct(
        Quota::per_second(rate).allow_burst(NonZeroU32::MIN),
    ));
    Arc::new(move || {
        let limiter = limiter.clone();
        Box::pin(async move { limiter.until_ready().await })
    })
}

/// Run `items` with `runner`, `opts.concurrency` at a time, every HTTP
/// attempt through one rate limiter; journal in `journal`. An `Err` only
/// when the journal can't be opened (nothing was sent then).
pub async fn apply_many<R: ItemRunner>(
    items: &[ManyItem],
    runner: &R,
    opts: &ManyOptions,
    journal: &Path,
    on_event: &(dyn Fn(usize, &ManyEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ManyReport> {
    let started = Instant::now();
    let done_before = read_many_journal(journal);
    let file = JournalFile::open(journal)?;
    let gate = rate_gate(opts.requests_per_second);
    let mut results: Vec<Option<ManyResult>> = vec![None; items.len()];
    let mut queue = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match done_before.get(&item.key) {
            Some(line) => {
                let r = ManyResult::Journaled(ManyDone {
                    outcome: line.state,
                    id: line.id.clone(),
                });
                on_event(i, &ManyEvent::Finished(r.clone()));
                results[i] = Some(r);
            }
            None => queue.push(i),
        }
    }
    // Retries inside the HTTP layer come back through a channel, so the
    // borrowed callback hears of them live.
    let (tx, mut retries) = tokio::sync::mpsc::unbounded_channel::<(usize, u32, Duration)>();
    let mut queue = queue.into_iter();
    let mut running = FuturesUnordered::new();
    let concurrency = opts.concurrency.max(1);
    loop {
        while running.len() < concurrency && !cancel.is_cancelled() {
            let Some(i) = queue.next() else { break };
            on_event(i, &ManyEvent::Started);
            let http_tx = tx.clone();
            let observer: RetryObserver = Arc::new(move |attempt, wait: Duration| {
                let _ = http_tx.send((i, attempt, wait));
            });
            let item_tx = tx.clone();
            let run = run_item(&items[i], runner, opts, cancel, move |attempt, wait| {
                let _ = item_tx.send((i, attempt, wait));
            });
            let gate = gate.clone();
            running.push(
                async move { (i, gate_attempts(gate, observe_retries(observer, run)).await) },
            );
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            Some((i, result)) = running.next() => {
                let line = match &result {
                    ManyResult::Done(d) => Some(ManyLine { key: items[i].key.clone(), state: d.outcome, id: d.id.clone(), reason: None, at: now() }),
                    ManyResult::Failed(e) => Some(ManyLine { key: items[i].key.clone(), state: ManyOutcome::Failed, id: None, reason: Some(e.message.clone()), at: now() }),
                    _ => None,
                };
                let result = match line.map(|l| file.append(&l)) {
                    // Done remotely but not journaled: say so; a re-run
                    // finds it by reading (credentials) or re-posts it
                    // harmlessly (grants).
                    Some(Err(e)) if matches!(result, ManyResult::Done(_)) => ManyResult::Failed(e),
                    _ => result,
                };
                on_event(i, &ManyEvent::Finished(result.clone()));
                results[i] = Some(result);
            }
            Some((i, attempt, wait)) = retries.recv() => {
                on_event(i, &ManyEvent::Retrying { attempt, wait_ms: wait.as_millis() as u64 });
            }
            // Wake up to stop starting new items.
            _ = cancel.cancelled(), if !cancel.is_cancelled() => {}
        }
    }
    let results: Vec<ManyResult> = results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                on_event(i, &ManyEvent::Finished(ManyResult::Skipped));
                ManyResult::Skipped
            })
        })
        .collect();
    Ok(ManyReport {
        // Only a cancel leaves items not run.
        cancelled: results.contains(&ManyResult::Skipped),
        results,
        elapsed: started.elapsed(),
    })
}

/// One item, tried again after a rate-limit refusal while retries remain
/// (a 429 means the service did nothing, so there is no duplicate).
async fn run_item<R: ItemRunner>(
    item: &ManyItem,
    runner: &R,
    opts: &ManyOptions,
    cancel: &CancellationToken,
    tell: impl Fn(u32, Duration),
) -> ManyResult {
    let mut retry = 0;
    loop {
        // Running items finish even after a cancel: the runner's calls
        // aren't cut off mid-request.
        match runner.run(item, &CancellationToken::new()).await {
            Ok(done) => return ManyResult::Done(done),
            Err(e) if e.code == ErrorCode::RateLimited && retry < opts.item_retries => {
                if cancel.is_cancelled() {
                    return ManyResult::Skipped;
                }
                retry += 1;
                let wait = opts
                    .retry_wait
                    .saturating_mul(1 << (retry - 1).min(4))
                    .min(Duration::from_secs(10));
                tell(retry, wait);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = cancel.cancelled() => return ManyResult::Skipped,
                }
            }
            Err(e) => return ManyResult::Failed(e),
        }
    }
}

#[cfg(test)]
#[path = "many_tests.rs"]
mod tests;
