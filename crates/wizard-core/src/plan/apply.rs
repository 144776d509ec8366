//! Running a plan: step by step, with progress, cancellation and the
//! journal saved around every step.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::journal::{Journal, JournalEntry, JournalState};
use super::progress::{ApplyReport, ProgressEvent, StepOutcome, StepReport, StepState};
use super::{Plan, PlanStep};
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{observe_retries, RetryObserver};

/// What a step's runner found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone {
    /// `Created`, `Updated` or `AlreadyDone`.
    pub outcome: StepOutcome,
    /// Ids of what it created.
    pub ids: Vec<String>,
    /// A [`Journal::fingerprint`] of what it wrote (or confirmed), when the
    /// service never echoes it back (a secret): the next plan compares it.
    pub fingerprint: Option<String>,
}

impl StepDone {
    pub fn new(outcome: StepOutcome) -> Self {
        Self {
            outcome,
            ids: Vec::new(),
            fingerprint: None,
        }
    }

    pub fn with_ids(mut self, ids: Vec<String>) -> Self {
        self.ids = ids;
        self
    }

    pub fn with_fingerprint(mut self, fingerprint: String) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }
}

/// What a runner gets with each step.
pub struct StepContext<'a> {
    /// Cancel the step's remote calls with this.
    pub cancel: &'a CancellationToken,
    /// The journal as it stands (this step is marked in flight).
    pub journal: &'a Journal,
    /// This step's record from before this run (e.g. a started write a
    /// crash interrupted: read before writing again).
    pub previous: Option<&'a JournalEntry>,
}

/// Runs the steps of one kind of plan: for a step, read the current state,
/// compare with what is wanted, and write only what differs. Must be safe
/// to call again after a crash at any point (read first, never blindly
/// create).
pub trait StepRunner: Sync {
    fn run(
        &self,
        step: &PlanStep,
        cx: StepContext<'_>,
    ) -> impl Future<Output = Result<StepDone>> + Send;
}

/// Apply `plan`'s steps in order with `runner`. Progress goes to
/// `progress`; `cancel` stops the run between steps and, through the
/// runner's calls, during one. The journal in `journal_dir` is saved before
/// and after every step. Stops at the first failure (later steps are
/// `NotRun`). An `Err` only when the journal cannot be saved before any
/// step ran (nothing was sent then).
pub async fn apply<R: StepRunner>(
    plan: &Plan,
    runner: &R,
    journal_dir: &Path,
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ApplyReport> {
    let mut journal = Journal::load(journal_dir, &plan.id);
    let resumed = !journal.unfinished().is_empty();
    let before = journal.clone();
    // Without a journal a crash could not be resumed safely: fail before
    // sending anything.
    journal.save()?;
    let total = plan.steps.len() as u32;
    let mut report = ApplyReport {
        plan_id: plan.id.clone(),
        steps: Vec::with_capacity(plan.steps.len()),
        cancelled: false,
        resumed,
    };
    let mut stopped = false;
    for (i, step) in plan.steps.iter().enumerate() {
        let event = |state| {
            progress(ProgressEvent {
                key: step.key.clone(),
                index: i as u32,
                total,
                state,
            })
        };
        let mut step_report = StepReport {
            key: step.key.clone(),
            summary: step.summary.clone(),
            outcome: StepOutcome::NotRun,
            error: None,
            ids: Vec::new(),
        };
        if stopped || cancel.is_cancelled() {
            report.cancelled |= cancel.is_cancelled();
            report.steps.push(step_report);
            continue;
        }
        journal.start(&step.key);
        if let Err(e) = journal.save() {
            step_report.outcome = StepOutcome::Failed;
            event(StepState::Failed { error: e.clone() });
            step_report.error = Some(e);
            report.steps.push(step_report);
            stopped = true;
            continue;
        }
        event(StepState::Started);
        // Retries inside the HTTP layer come back through a channel, so
        // the progress callback (borrowed, not 'static) hears of them live.
        let (tx, mut retries) = tokio::sync::mpsc::unbounded_channel();
        let observer: RetryObserver = Arc::new(move |attempt, wait: Duration| {
            let _ = tx.send((attempt, wait));
        });
        let result = {
            let run = observe_retries(
                observer,
                runner.run(
                    step,
                    StepContext {
                        cancel,
                        journal: &journal,
                        previous: before.entry(&step.key),
                    },
                ),
            );
            tokio::pin!(run);
            loop {
                tokio::select! {
                    r = &mut run => break r,
                    Some((attempt, wait)) = retries.recv() => event(StepState::Retrying {
                        attempt,
                        wait_ms: wait.as_millis() as u64,
                    }),
                }
            }
        };
        match result {
            Ok(done) => {
                journal.finish(
                    &step.key,
                    JournalState::Done,
                    done.outcome,
                    &done.ids,
                    done.fingerprint,
                );
                step_report.outcome = done.outcome;
                step_report.ids = done.ids;
                event(StepState::Done {
                    outcome: done.outcome,
                });
            }
            Err(e) if e.code == ErrorCode::Cancelled || cancel.is_cancelled() => {
                // Left `Started`: the request may have reached the service,
                // so the next run reads before it writes.
                step_report.outcome = StepOutcome::Cancelled;
                report.cancelled = true;
                stopped = true;
                event(StepState::Cancelled);
            }
            Err(e) => {
                journal.finish(
                    &step.key,
                    JournalState::Failed,
                    StepOutcome::Failed,
                    &[],
                    None,
                );
                step_report.outcome = StepOutcome::Failed;
                event(StepState::Failed { error: e.clone() });
                step_report.error = Some(e);
                stopped = true;
            }
        }
        if let Err(e) = journal.save() {
            // The step is done remotely; the next run re-reads it anyway.
            tracing::warn!(key = %step.key, error = %e, "journal not saved after a step");
            if step_report.error.is_none() && !report.cancelled {
                step_report.outcome = StepOutcome::Failed;
                step_report.error = Some(e);
                stopped = true;
            }
        }
        report.steps.push(step_report);
    }
    Ok(report)
}

/// The error for a step key a runner does not know (a plan made by
/// another version, or a bug).
pub fn unknown_step(key: &str) -> WizardError {
    WizardError::internal(format!(
        "The plan has a step this version doesn't know (\"{key}\")."
    ))
    .with_hint("Make the plan again, then apply it.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::StepAction;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    fn step(key: &str) -> PlanStep {
        PlanStep {
            key: key.into(),
            summary: format!("Make {key} right"),
            action: StepAction::Create,
            safety: String::new(),
            undo: vec![],
            request: None,
            changes: vec![],
        }
    }

    fn plan(keys: &[&str]) -> Plan {
        Plan {
            id: "test-plan".into(),
            title: "Test".into(),
            steps: keys.iter().map(|k| step(k)).collect(),
        }
    }

    /// A fake remote: a set of things that exist. Fails on `fail_on`,
    /// cancels the token on `cancel_on`.
    struct Fake {
        existing: Mutex<Vec<String>>,
        creates: AtomicUsize,
        fail_on: Option<&'static str>,
        cancel_on: Option<(&'static str, CancellationToken)>,
    }

    impl Fake {
        fn new() -> Self {
            Self {
                existing: Mutex::new(vec![]),
                creates: AtomicUsize::new(0),
                fail_on: None,
                cancel_on: None,
            }
        }
    }

    impl StepRunner for Fake {
        async fn run(&self, step: &PlanStep, cx: StepContext<'_>) -> Result<StepDone> {
            if self.fail_on == Some(step.key.as_str()) {
                return Err(WizardError::new(ErrorCode::RemoteUnavailable, "down"));
            }
            let mut existing = self.existing.lock().unwrap();
            if existing.contains(&step.key) {
                return Ok(StepDone::new(StepOutcome::AlreadyDone));
            }
            existing.push(step.key.clone());
            self.creates.fetch_add(1, Ordering::SeqCst);
            if let Some((key, token)) = &self.cancel_on {
                if *key == step.key {
                    // Written remotely, then the admin cancels before the
                    // answer arrives.
                    token.cancel();
                    return Err(WizardError::new(ErrorCode::Cancelled, "stopped"));
                }
            }
            let fp = cx.journal.fingerprint(&[&step.key]);
            Ok(StepDone::new(StepOutcome::Created)
                .with_ids(vec![format!("id-{}", step.key)])
                .with_fingerprint(fp))
        }
    }

    fn collect() -> (
        std::sync::Arc<Mutex<Vec<ProgressEvent>>>,
        impl Fn(ProgressEvent) + Send + Sync,
    ) {
        let events = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        (events, move |e| sink.lock().unwrap().push(e))
    }

    #[tokio::test]
    async fn runs_in_order_reports_and_journals() {
        let dir = tempfile::tempdir().unwrap();
        let fake = Fake::new();
        let (events, sink) = collect();
        let p = plan(&["a", "b"]);
        let r = apply(&p, &fake, dir.path(), &sink, &CancellationToken::new())
            .await
            .unwrap();
        assert!(r.succeeded() && !r.resumed && !r.cancelled);
        assert_eq!(r.writes(), 2);
        assert_eq!(r.steps[1].ids, vec!["id-b"]);
        let kinds: Vec<_> = events
            .lock()
            .unwrap()
            .iter()
            .map(|e| (e.key.clone(), e.index, e.total, e.state.clone()))
            .collect();
        assert_eq!(kinds.len(), 4);
        assert_eq!(kinds[0], ("a".into(), 0, 2, StepState::Started));
        assert_eq!(
            kinds[3],
            (
                "b".into(),
                1,
                2,
                StepState::Done {
                    outcome: StepOutcome::Created
                }
            )
        );
        let j = Journal::load(dir.path(), "test-plan");
        assert!(j.unfinished().is_empty());
        assert!(j.fingerprint_matches("a", &j.fingerprint(&["a"])));
        // A second run finds everything done and writes nothing.
        let r = apply(&p, &fake, dir.path(), &sink, &CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(r.writes(), 0);
        assert_eq!(fake.creates.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failure_stops_the_run_and_a_rerun_finishes_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut fake = Fake::new();
        fake.fail_on = Some("b");
        let p = plan(&["a", "b", "c"]);
        let r = apply(&p, &fake, dir.path(), &|_| {}, &CancellationToken::new())
            .await
            .unwrap();
        let outcomes: Vec<_> = r.steps.iter().map(|s| s.outcome).collect();
        assert_eq!(
            outcomes,
            [
                StepOutcome::Created,
                StepOutcome::Failed,
                StepOutcome::NotRun
            ]
        );
        assert_eq!(r.first_error().unwrap().message, "down");
        fake.fail_on = None;
        let r = apply(&p, &fake, dir.path(), &|_| {}, &CancellationToken::new())
            .await
            .unwrap();
        let outcomes: Vec<_> = r.steps.iter().map(|s| s.outcome).collect();
        assert_eq!(
            outcomes,
            [
                StepOutcome::AlreadyDone,
                StepOutcome::Created,
                StepOutcome::Created
            ]
        );
        assert_eq!(fake.creates.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn cancelled_mid_step_is_resumed_without_a_second_create() {
        let dir = tempfile::tempdir().unwrap();
        let token = CancellationToken::new();
        let mut fake = Fake::new();
        fake.cancel_on = Some(("b", token.clone()));
        let (events, sink) = collect();
        let p = plan(&["a", "b", "c"]);
        let r = apply(&p, &fake, dir.path(), &sink, &token).await.unwrap();
        assert!(r.cancelled && !r.succeeded());
        assert_eq!(r.steps[1].outcome, StepOutcome::Cancelled);
        assert_eq!(r.steps[2].outcome, StepOutcome::NotRun);
        assert!(events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.key == "b" && e.state == StepState::Cancelled));
        assert_eq!(
            Journal::load(dir.path(), "test-plan").unfinished(),
            vec!["b"]
        );
        fake.cancel_on = None;
        let r = apply(&p, &fake, dir.path(), &|_| {}, &CancellationToken::new())
            .await
            .unwrap();
        assert!(r.resumed && r.succeeded());
        assert_eq!(r.steps[1].outcome, StepOutcome::AlreadyDone);
        assert_eq!(fake.creates.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn cancelled_before_start_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let fake = Fake::new();
        let token = CancellationToken::new();
        token.cancel();
        let r = apply(&plan(&["a"]), &fake, dir.path(), &|_| {}, &token)
            .await
            .unwrap();
        assert!(r.cancelled);
        assert_eq!(r.steps[0].outcome, StepOutcome::NotRun);
        assert_eq!(fake.creates.load(Ordering::SeqCst), 0);
    }
}
