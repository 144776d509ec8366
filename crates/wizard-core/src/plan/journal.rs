//! The journal of a plan: per step, whether it is in flight or done, what
//! it created and a fingerprint of what was last sent that the service
//! never echoes. Saved crash-safely after every step; never a secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StepOutcome;
use crate::error::{Result, WizardError};

/// Format of the journal file.
const JOURNAL_VERSION: u32 = 1;

/// Where a step got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// Its write may have been sent: the run stopped before it finished.
    Started,
    Done,
    Failed,
}

/// One step's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub state: JournalState,
    /// The last finished outcome (kept while a new attempt is in flight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepOutcome>,
    /// Ids of what the step created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// [`Journal::fingerprint`] of what was last written successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Unix seconds of the last change.
    pub at: i64,
}

/// A plan's journal, as on disk (`journal-<plan id>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub plan_id: String,
    /// Random, made once per journal: fingerprints can't be compared
    /// across computers or looked up in a table.
    salt: String,
    pub steps: BTreeMap<String, JournalEntry>,
    #[serde(skip)]
    path: PathBuf,
}

impl Journal {
    /// The journal file of `plan_id` in `dir`.
    pub fn path_for(dir: &Path, plan_id: &str) -> PathBuf {
        let safe: String = plan_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        dir.join(format!("journal-{safe}.json"))
    }

    /// The journal of `plan_id` in `dir`, or a new empty one. A damaged or
    /// newer file is set aside (renamed `.damaged`) and a new one started:
    /// the steps re-read the service anyway, so only fingerprints are lost
    /// (which costs one more write of a secret, never a duplicate).
    pub fn load(dir: &Path, plan_id: &str) -> Self {
        let path = Self::path_for(dir, plan_id);
        let fresh = || Journal {
            version: JOURNAL_VERSION,
            plan_id: plan_id.to_owned(),
            salt: new_salt(),
            steps: BTreeMap::new(),
            path: path.clone(),
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => return fresh(),
        };
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(mut j)
                if j.version == JOURNAL_VERSION && j.plan_id == plan_id && !j.salt.is_empty() =>
            {
                j.path = path;
                j
            }
            _ => {
                tracing::warn!(plan_id, "plan journal unreadable; set aside");
                let _ = std::fs::rename(&path, path.with_extension("json.damaged"));
                fresh()
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Save crash-safely (temp file, flush, rename).
    pub fn save(&self) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| WizardError::internal(format!("Could not encode the journal: {e}.")))?;
        crate::state::write_atomically(&self.path, &json, ".journal-")
            .map_err(|e| WizardError::io("save the record of the changes", &e))
    }

    pub fn entry(&self, key: &str) -> Option<&JournalEntry> {
        self.steps.get(key)
    }

    /// Keys of steps a run started and never finished.
    pub fn unfinished(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter(|(_, e)| e.state == JournalState::Started)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// A one-way fingerprint of `parts` (e.g. a client ID and its secret):
    /// `sha256:` + hex of SHA-256 over this journal's salt and the parts.
    /// Comparing it tells whether the same values were sent before,
    /// without keeping them.
    pub fn fingerprint(&self, parts: &[&str]) -> String {
        let mut h = Sha256::new();
        h.update(self.salt.as_bytes());
        for p in parts {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// True when the step's last successful write had this fingerprint.
    pub fn fingerprint_matches(&self, key: &str, fingerprint: &str) -> bool {
        self.entry(key)
            .and_then(|e| e.fingerprint.as_deref())
            .is_some_and(|f| f == fingerprint)
    }

    /// Mark `key` in flight (keeping what was last done).
    pub(crate) fn start(&mut self, key: &str) {
        let e = self.steps.entry(key.to_owned()).or_insert(JournalEntry {
            state: JournalState::Started,
            outcome: None,
            ids: Vec::new(),
            fingerprint: None,
            at: 0,
        });
        e.state = JournalState::Started;
        e.at = now();
    }

    /// Record how `key` ended. A new fingerprint replaces the old one only
    /// when given (an "already done" check keeps what it confirmed).
    pub(crate) fn finish(
        &mut self,
        key: &str,
        state: JournalState,
        outcome: StepOutcome,
        ids: &[String],
        fingerprint: Option<String>,
    ) {
        self.start(key);
        let e = self.steps.get_mut(key).expect("just inserted");
        e.state = state;
        if state == JournalState::Done {
            e.outcome = Some(outcome);
            for id in ids {
                if !e.ids.contains(id) {
                    e.ids.push(id.clone());
                }
            }
            if fingerprint.is_some() {
                e.fingerprint = fingerprint;
            }
        }
    }
}

fn new_salt() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::load(dir.path(), "configure-nylas");
        assert!(j.steps.is_empty());
        let fp = j.fingerprint(&["client", "secret-value"]);
        assert!(fp.starts_with("sha256:") && !fp.contains("secret-value"));
        assert_ne!(fp, j.fingerprint(&["clients", "ecret-value"]));
        j.start("a");
        j.save().unwrap();
        let again = Journal::load(dir.path(), "configure-nylas");
        assert_eq!(again.unfinished(), vec!["a"]);
        // The same salt, so the same fingerprint after a reload.
        assert_eq!(again.fingerprint(&["client", "secret-value"]), fp);
        j.finish(
            "a",
            JournalState::Done,
            StepOutcome::Created,
            &["id1".into()],
            Some(fp.clone()),
        );
        j.save().unwrap();
        let again = Journal::load(dir.path(), "configure-nylas");
        assert!(again.unfinished().is_empty());
        assert!(again.fingerprint_matches("a", &fp));
        assert_eq!(again.entry("a").unwrap().ids, vec!["id1"]);
        let text = std::fs::read_to_string(again.path()).unwrap();
        assert!(!text.contains("secret-value"));
    }

    #[test]
    fn a_damaged_journal_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = Journal::path_for(dir.path(), "p/x");
        assert!(path.ends_with("journal-p_x.json"));
        std::fs::write(&path, b"{ not json").unwrap();
        let j = Journal::load(dir.path(), "p/x");
        assert!(j.steps.is_empty());
        assert!(path.with_extension("json.damaged").exists());
        j.save().unwrap();
        assert!(Journal::load(dir.path(), "p/x").steps.is_empty());
    }
}
