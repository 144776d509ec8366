//! How many requests arrived per route key (`"METHOD /path"`), with a way to
//! wait until a count is reached, so tests synchronise on "the server has the
//! request" instead of sleeping.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use tokio::sync::watch;

pub(crate) struct CallLog {
    counts: Mutex<HashMap<String, u64>>,
    /// Bumped on every call; waiters re-check their count when it changes.
    tick: watch::Sender<u64>,
}

impl CallLog {
    pub(crate) fn new() -> Self {
        Self {
            counts: Mutex::new(HashMap::new()),
            tick: watch::Sender::new(0),
        }
    }

    pub(crate) fn record(&self, key: &str) {
        *self
            .counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key.to_owned())
            .or_default() += 1;
        self.tick.send_modify(|t| *t = t.wrapping_add(1));
    }

    pub(crate) fn count(&self, key: &str) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.get(key).copied().unwrap_or(0)
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<String, u64> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub(crate) async fn wait_for(&self, key: &str, n: u64) {
        // Subscribe before checking, so a call recorded in between still
        // wakes us up.
        let mut rx = self.tick.subscribe();
        while self.count(key) < n {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn wait_returns_once_count_is_reached() {
        let log = Arc::new(CallLog::new());
        log.record("GET /a");
        log.wait_for("GET /a", 1).await;
        let waiter = tokio::spawn({
            let log = log.clone();
            async move { log.wait_for("GET /a", 3).await }
        });
        log.record("GET /b");
        log.record("GET /a");
        // Single-threaded test runtime: yielding lets the waiter run and park.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(!waiter.is_finished(), "returned at 2 of 3 calls");
        log.record("GET /a");
        waiter.await.unwrap();
        assert_eq!(log.count("GET /a"), 3);
        assert_eq!(log.snapshot().get("GET /b"), Some(&1));
    }
}
