//! Path E (issue 12, bulk onboarding with admin consent) for the window:
//! what changed, then (wizard-core's `bulk`) the tenants' admin-consent
//! credentials, their consent links and the mailboxes' grants. Thin: the
//! core parses, plans, runs and journals; this file hands the window what
//! it returns and records each step's facts in the progress.

use wizard_core::what_changed::{bulk_what_changed as explain, WhatChanged};

/// The "What changed" step's words (Rust owns them; the window lays them out).
#[tauri::command]
pub fn bulk_what_changed() -> WhatChanged {
    explain()
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod bulk_tests;
