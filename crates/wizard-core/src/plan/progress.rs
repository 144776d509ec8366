//! What [`apply`](super::apply) tells while it runs and when it is done.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::WizardError;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepOutcome {
    Created,
    Updated,
    /// It was already right: nothing was written.
    AlreadyDone,
    Failed,
    /// Stopped by the admin while it ran (its request may have reached
    /// the service: the next run checks).
    Cancelled,
    /// Not started: an earlier step failed or the run was cancelled.
    NotRun,
}

/// A step's state change, as the progress callback receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum StepState {
    Started,
    /// A call of the step failed for now (rate limit, service hiccup) and
    /// is tried again after `wait_ms`.
    Retrying {
        attempt: u32,
        #[ts(type = "number")]
        wait_ms: u64,
    },
    Done {
        outcome: StepOutcome,
    },
    Failed {
        error: WizardError,
    },
    Cancelled,
}

/// One progress event: which step (0-based `index` of `total`) and its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProgressEvent {
    pub key: String,
    pub index: u32,
    pub total: u32,
    pub state: StepState,
}

/// What happened to one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepReport {
    pub key: String,
    pub summary: String,
    pub outcome: StepOutcome,
    /// Why it failed (plain language, never a secret).
    pub error: Option<WizardError>,
    /// Ids of what it created (a credential's id, a callback URI's id).
    pub ids: Vec<String>,
}

/// What [`apply`](super::apply) did, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApplyReport {
    pub plan_id: String,
    pub steps: Vec<StepReport>,
    /// The admin stopped the run.
    pub cancelled: bool,
    /// The journal showed an earlier run that stopped midway; this run
    /// checked what it had done and carried on.
    pub resumed: bool,
}

impl ApplyReport {
    /// Every step ended created, updated or already done.
    pub fn succeeded(&self) -> bool {
        !self.cancelled
            && self.steps.iter().all(|s| {
                matches!(
                    s.outcome,
                    StepOutcome::Created | StepOutcome::Updated | StepOutcome::AlreadyDone
                )
            })
    }

    /// The first failure's error, if any step failed.
    pub fn first_error(&self) -> Option<&WizardError> {
        self.steps.iter().find_map(|s| s.error.as_ref())
    }

    /// How many steps wrote something.
    pub fn writes(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s.outcome, StepOutcome::Created | StepOutcome::Updated))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialise_with_a_kind() {
        let e = ProgressEvent {
            key: "connector:microsoft".into(),
            index: 0,
            total: 3,
            state: StepState::Done {
                outcome: StepOutcome::AlreadyDone,
            },
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"key": "connector:microsoft", "index": 0, "total": 3,
                   "state": {"kind": "done", "outcome": "already_done"}})
        );
    }
}
