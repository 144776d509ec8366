//! The changes this wizard made to Microsoft and Nylas in this run, each
//! with how to undo it (issue 17 point 11). Recorded where each write
//! happens (`AppState::record_change`); the window only lists them.

use tauri::State;
use wizard_core::changes::ChangeLog;

use crate::app_state::AppState;

/// The run's changes, oldest first: practice mode's own while it is on.
#[tauri::command]
pub fn list_changes(state: State<'_, AppState>) -> ChangeLog {
    state.changes()
}

#[cfg(test)]
#[path = "changes_tests.rs"]
mod changes_tests;
