//! What a bulk run reports: per item, progress with counts and time left,
//! and the summary at the end (with the failures as CSV).

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::plan::{
    apply_many, ItemRunner, ManyEvent, ManyItem, ManyOptions, ManyOutcome, ManyResult,
};

/// Which batch: tenants' credentials or mailboxes' grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BulkKind {
    Credentials,
    Grants,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ItemState {
    Pending,
    Running,
    Created,
    /// Already there (an earlier run, a resumed one, or made by hand).
    Reused,
    Failed,
    /// Not started: the run was cancelled first.
    Skipped,
}

/// One tenant or mailbox of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkItem {
    /// `credential:{tenant}` or `grant:{email}`.
    pub key: String,
    /// What the admin reads: `Contoso (contoso.com)`, `megan@contoso.com`.
    pub label: String,
    pub state: ItemState,
    /// The credential's or grant's id.
    pub id: Option<String>,
    /// Why it failed, in plain words.
    pub reason: Option<String>,
}

/// Sent after each item changes state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkProgress {
    pub kind: BulkKind,
    pub total: u32,
    /// Created + reused + failed so far (resumed items included).
    pub finished: u32,
    pub created: u32,
    pub reused: u32,
    pub failed: u32,
    /// Time left at this run's pace, once there is a pace to go by.
    pub eta_seconds: Option<u32>,
    /// The item that changed.
    pub item: Option<BulkItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkSummary {
    pub kind: BulkKind,
    pub total: u32,
    pub created: u32,
    pub reused: u32,
    pub failed: u32,
    /// Stopped by the admin: the items not started are `Skipped`.
    pub cancelled: bool,
    pub items: Vec<BulkItem>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl BulkSummary {
    pub fn failures(&self) -> impl Iterator<Item = &BulkItem> {
        self.items.iter().filter(|i| i.state == ItemState::Failed)
    }

    /// Every item created or reused.
    pub fn all_done(&self) -> bool {
        !self.cancelled
            && self
                .items
                .iter()
                .all(|i| matches!(i.state, ItemState::Created | ItemState::Reused))
    }
}

/// How hard a run pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkOptions {
    /// Items in flight at once (1..=32).
    pub concurrency: usize,
    /// Requests started per second, retries included (1..=50, Nylas's
    /// limit per application).
    pub requests_per_second: u32,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            // Two under Nylas's 50/s: the network may bunch requests up.
            requests_per_second: 48,
        }
    }
}

impl BulkOptions {
    /// The options, or a plain error naming the allowed range.
    pub fn checked(self) -> Result<Self> {
        if !(1..=32).contains(&self.concurrency) {
            return Err(WizardError::invalid_input(format!(
                "{} at once is out of range: choose 1 to 32.",
                self.concurrency
            )));
        }
        if !(1..=50).contains(&self.requests_per_second) {
            return Err(WizardError::invalid_input(format!(
                "{} requests a second is out of range: Nylas allows up to 50, so choose 1 to 50.",
                self.requests_per_second
            )));
        }
        Ok(self)
    }
}

/// The failed items as CSV (`key,label,reason`), for fixing and re-running.
/// A value a spreadsheet would run as a formula gets a leading `'`.
pub fn failures_csv(s: &BulkSummary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory can't fail; an error would be a bug in csv.
    let _ = w.write_record(["key", "label", "reason"]);
    for item in s.failures() {
        let _ = w.write_record([
            safe_cell(&item.key),
            safe_cell(&item.label),
            safe_cell(item.reason.as_deref().unwrap_or("")),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Keeps a spreadsheet from running a cell as a formula.
pub(crate) fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// Counts as items finish, for progress and the summary.
struct Tally {
    kind: BulkKind,
    items: Vec<BulkItem>,
    created: u32,
    reused: u32,
    failed: u32,
    /// Finished by this run (not from the journal): the pace for the ETA.
    finished_now: u32,
    started: Instant,
}

impl Tally {
    fn progress(&self, i: usize) -> BulkProgress {
        let total = self.items.len() as u32;
        let finished = self.created + self.reused + self.failed;
        BulkProgress {
            kind: self.kind,
            total,
            finished,
            created: self.created,
            reused: self.reused,
            failed: self.failed,
            eta_seconds: eta(
                self.started.elapsed(),
                self.finished_now,
                total.saturating_sub(finished),
            ),
            item: self.items.get(i).cloned(),
        }
    }
}

/// Time left for `left` items at the pace of `done` in `elapsed`: none
/// before anything finished; 0 when nothing is left.
pub(crate) fn eta(elapsed: Duration, done: u32, left: u32) -> Option<u32> {
    if left == 0 {
        return Some(0);
    }
    if done == 0 {
        return None;
    }
    let per_item = elapsed.as_secs_f64() / f64::from(done);
    Some((per_item * f64::from(left)).ceil() as u32)
}

fn reason(e: &WizardError) -> String {
    match &e.hint {
        Some(h) => format!("{} {h}", e.message),
        None => e.message.clone(),
    }
}

/// Run `items` through the plan engine's [`apply_many`] and report them
/// as bulk items.
pub(crate) async fn run_many<R: ItemRunner>(
    kind: BulkKind,
    items: &[ManyItem],
    runner: &R,
    opts: &BulkOptions,
    journal: &Path,
    on_progress: &(dyn Fn(&BulkProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<BulkSummary> {
    let tally = Mutex::new(Tally {
        kind,
        items: items
            .iter()
            .map(|i| BulkItem {
                key: i.key.clone(),
                label: i.label.clone(),
                state: ItemState::Pending,
                id: None,
                reason: None,
            })
            .collect(),
        created: 0,
        reused: 0,
        failed: 0,
        finished_now: 0,
        started: Instant::now(),
    });
    let on_event = |i: usize, event: &ManyEvent| {
        let progress = {
            let mut t = tally
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (state, id, why) = match event {
                ManyEvent::Started | ManyEvent::Retrying { .. } => (ItemState::Running, None, None),
                ManyEvent::Finished(r) => match r {
                    ManyResult::Done(d) => {
                        t.finished_now += 1;
                        match d.outcome {
                            ManyOutcome::Created => (ItemState::Created, d.id.clone(), None),
                            _ => (ItemState::Reused, d.id.clone(), None),
                        }
                    }
                    // Done by an earlier run: already there now.
                    ManyResult::Journaled(d) => (ItemState::Reused, d.id.clone(), None),
                    ManyResult::Failed(e) => {
                        t.finished_now += 1;
                        (ItemState::Failed, None, Some(reason(e)))
                    }
                    ManyResult::Skipped => (ItemState::Skipped, None, None),
                },
            };
            match state {
                ItemState::Created => t.created += 1,
                ItemState::Reused => t.reused += 1,
                ItemState::Failed => t.failed += 1,
                _ => {}
            }
            let Some(item) = t.items.get_mut(i) else {
                return;
            };
            item.state = state;
            item.id = id;
            item.reason = why;
            t.progress(i)
        };
        on_progress(&progress);
    };
    let many_opts = ManyOptions {
        concurrency: opts.concurrency,
        requests_per_second: opts.requests_per_second,
        ..ManyOptions::default()
    };
    let report = apply_many(items, runner, &many_opts, journal, &on_event, cancel).await?;
    let t = tally
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(BulkSummary {
        kind,
        total: t.items.len() as u32,
        created: t.created,
        reused: t.reused,
        failed: t.failed,
        cancelled: report.cancelled,
        items: t.items,
        elapsed_ms: report.elapsed.as_millis() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_follows_the_pace_so_far() {
        let s = Duration::from_secs;
        assert_eq!(eta(s(10), 0, 5), None, "no pace yet");
        assert_eq!(eta(s(10), 5, 5), Some(10));
        assert_eq!(eta(Duration::from_millis(2500), 10, 3), Some(1));
        assert_eq!(eta(s(10), 5, 0), Some(0));
    }

    #[test]
    fn failures_csv_lists_only_failures_and_defuses_formulas() {
        let item = |key: &str, state, reason: Option<&str>| BulkItem {
            key: key.into(),
            label: format!("={key}"),
            state,
            id: None,
            reason: reason.map(str::to_owned),
        };
        let s = BulkSummary {
            kind: BulkKind::Grants,
            total: 3,
            created: 1,
            reused: 0,
            failed: 2,
            cancelled: false,
            items: vec![
                item("grant:a@x.com", ItemState::Created, None),
                item("grant:b@x.com", ItemState::Failed, Some("Refused, twice")),
                item("grant:c@x.com", ItemState::Failed, Some("@SUM(1)")),
            ],
            elapsed_ms: 5,
        };
        assert_eq!(
            failures_csv(&s),
            "key,label,reason\n\
             grant:b@x.com,'=grant:b@x.com,\"Refused, twice\"\n\
             grant:c@x.com,'=grant:c@x.com,'@SUM(1)\n"
        );
        assert!(!s.all_done());
    }

    #[test]
    fn options_out_of_range_are_refused() {
        assert!(BulkOptions::default().checked().is_ok());
        let o = |concurrency, requests_per_second| BulkOptions {
            concurrency,
            requests_per_second,
        };
        assert!(o(0, 10).checked().is_err());
        assert!(o(33, 10).checked().is_err());
        let e = o(8, 51).checked().unwrap_err();
        assert!(e.message.contains("up to 50"), "{}", e.message);
    }
}
