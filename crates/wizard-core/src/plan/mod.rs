//! The one plan/apply engine every writer shares (Nylas connector and
//! callback URIs, credentials; reusable by Graph fixes, "create app",
//! Teams): plan, preview, apply with progress, cancel, resume.
//!
//! How to use it (other writers):
//! 1. **Plan**: read the current state and build a [`Plan`]: one
//!    [`PlanStep`] per thing to make right, each with a stable `key` (its
//!    idempotency key, e.g. `connector:microsoft`, `callback-uri:<url>`), a
//!    plain `summary`, the [`StepAction`] (create / update / nothing to do),
//!    `safety` and `undo` sentences, the [`PlannedRequest`] it would send
//!    (secrets shown as [`REDACTED`], see [`redact`]) and, for an update,
//!    the field-by-field [`FieldChange`]s. A plan is plain data: the window
//!    shows it, the CLI's `--dry-run` prints it.
//! 2. **Runner**: implement [`StepRunner`] for your plan: given a step, read
//!    the current state again, compare with what is wanted, write only what
//!    differs, and return a [`StepDone`] (created / updated / already done,
//!    ids created, optionally a [`Journal::fingerprint`] of a value the
//!    service never echoes, such as a client secret).
//! 3. **Apply**: [`apply`] runs the steps in order, sends a
//!    [`ProgressEvent`] per state change to a callback (a Tauri channel, a
//!    CLI progress line), honours a `CancellationToken` between steps and
//!    (through the runner's HTTP calls) during them, stops at the first
//!    failure, and saves the [`Journal`] (JSON in a given folder, no
//!    secrets, crash-safe) before and after every step. A killed run is
//!    resumed by planning and applying again: the runner re-reads, so what
//!    was done is found done and nothing is created twice; the journal adds
//!    the fingerprints of what was last sent and which step was in flight.
//!    The [`ApplyReport`] says per step what happened.
//! 4. **Many independent items** (a credential per tenant, a grant per
//!    mailbox): [`apply_many`] is the concurrent sibling of [`apply`]:
//!    bounded concurrency, one rate limiter every HTTP attempt passes
//!    (retries included), a 429 waited out and the item tried again, a
//!    failed item reported while the run carries on, an append-only JSON
//!    lines journal (one line per finished item, in the file before the
//!    next starts) that a resumed run reads to skip finished items, and a
//!    cancel that starts nothing new but lets running items finish.

mod apply;
mod journal;
mod many;
mod progress;

pub use apply::{apply, unknown_step, StepContext, StepDone, StepRunner};
pub use journal::{Journal, JournalEntry, JournalState};
pub use many::{
    apply_many, rate_gate, read_many_journal, ItemRunner, ManyDone, ManyEvent, ManyItem, ManyLine,
    ManyOptions, ManyOutcome, ManyReport, ManyResult,
};
pub use progress::{ApplyReport, ProgressEvent, StepOutcome, StepReport, StepState};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// How a secret is shown in a displayed request body.
pub const REDACTED: &str = "•••";

/// A list of changes to make, in order, for the admin to review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Plan {
    /// Stable per kind of plan (`configure-nylas`): names the journal.
    pub id: String,
    /// What the plan does, for a heading ("Configure Nylas").
    pub title: String,
    pub steps: Vec<PlanStep>,
}

impl Plan {
    /// True when applying would write something.
    pub fn changes_anything(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.action != StepAction::NothingToDo)
    }

    pub fn step(&self, key: &str) -> Option<&PlanStep> {
        self.steps.iter().find(|s| s.key == key)
    }
}

/// What a step will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepAction {
    Create,
    Update,
    /// Already right: applying only checks it again.
    NothingToDo,
}

/// One change, described for a non-developer and for a reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanStep {
    /// Stable idempotency key, e.g. `connector:microsoft`,
    /// `callback-uri:https://app.example.com/cb`, `credential:contoso.com`.
    pub key: String,
    /// One plain sentence: what this step makes true.
    pub summary: String,
    pub action: StepAction,
    /// What the change affects and whether it is safe.
    pub safety: String,
    /// How to reverse it, in plain steps.
    pub undo: Vec<String>,
    /// The request it would send (`None` when nothing is to do).
    pub request: Option<PlannedRequest>,
    /// For an update: each field that changes, before → after.
    pub changes: Vec<FieldChange>,
}

/// A request as shown to the admin: secrets replaced by [`REDACTED`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedRequest {
    /// `GET`, `POST`, `PATCH`, …
    pub method: String,
    /// The path on the service, e.g. `/v3/connectors/microsoft`.
    pub path: String,
    /// The JSON body, secrets redacted.
    #[ts(type = "unknown")]
    pub body: Option<Value>,
}

/// One field of an update, as displayed: `before` → `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// The field in plain words or its API name (`settings.tenant`, `scope`).
    pub field: String,
    pub before: String,
    pub after: String,
}

/// `body` with the value of every key named in `secret_keys` (at any
/// depth) replaced by [`REDACTED`], for display.
pub fn redact(body: &Value, secret_keys: &[&str]) -> Value {
    match body {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if secret_keys.contains(&k.as_str()) {
                        Value::String(REDACTED.into())
                    } else {
                        redact(v, secret_keys)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(v, secret_keys)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redact_hides_secret_keys_at_any_depth() {
        let body = json!({
            "provider": "microsoft",
            "settings": {"client_id": "abc", "client_secret": "s3cr3t"},
            "list": [{"client_secret": "again"}],
        });
        let shown = redact(&body, &["client_secret"]);
        assert_eq!(shown["settings"]["client_secret"], REDACTED);
        assert_eq!(shown["list"][0]["client_secret"], REDACTED);
        assert_eq!(shown["settings"]["client_id"], "abc");
        assert!(!shown.to_string().contains("s3cr3t"));
        assert!(!shown.to_string().contains("again"));
    }

    #[test]
    fn a_plan_with_only_nothing_to_do_changes_nothing() {
        let step = |action| PlanStep {
            key: "k".into(),
            summary: "s".into(),
            action,
            safety: String::new(),
            undo: vec![],
            request: None,
            changes: vec![],
        };
        let mut plan = Plan {
            id: "p".into(),
            title: "t".into(),
            steps: vec![step(StepAction::NothingToDo)],
        };
        assert!(!plan.changes_anything());
        plan.steps.push(step(StepAction::Update));
        assert!(plan.changes_anything());
        assert!(plan.step("k").is_some() && plan.step("x").is_none());
        let v = serde_json::to_value(StepAction::NothingToDo).unwrap();
        assert_eq!(v, "nothing_to_do");
    }
}
