//! Path D's migration checklist for the window (issue 12 point 3): seed
//! 002's steps with each one's state, worked out in wizard-core from what
//! the wizard verified and the admin's ticks; ticking one saves it in the
//! progress (refused in Rust for an item the wizard verifies itself, and
//! off path D).

use serde::Serialize;
use tauri::State;
use wizard_core::answers::AnswerUpdate;
use wizard_core::migrate::checklist::{checklist, ChecklistItem, MigrateChecklist};
use wizard_core::paths::PathId;
use wizard_core::state::ProgressView;
use wizard_core::summary::LastAudit;
use wizard_core::WizardError;

use crate::app_state::AppState;

type Result<T> = std::result::Result<T, WizardError>;

fn current(state: &AppState, audit: Option<&LastAudit>) -> MigrateChecklist {
    checklist(&state.progress().answers, audit.map(|a| &a.report))
}

/// The checklist now; `audit` is the window's last audit, whose findings
/// (when it is the one recorded) say which part of the new app is missing.
#[tauri::command]
pub fn migrate_checklist(state: State<'_, AppState>, audit: Option<LastAudit>) -> MigrateChecklist {
    current(&state, audit.as_ref())
}

/// The checklist after a tick, and the progress it was saved in.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateTickView {
    pub checklist: MigrateChecklist,
    pub progress: ProgressView,
}

/// Tick (or untick) an item only the admin can see done, and save it.
#[tauri::command]
pub fn tick_migrate_item(
    state: State<'_, AppState>,
    item: ChecklistItem,
    done: bool,
    audit: Option<LastAudit>,
) -> Result<MigrateTickView> {
    let progress = state.update(|p| {
        if p.path != Some(PathId::Migrate) {
            return Err(WizardError::invalid_input(
                "The migration checklist belongs to the path “Move from Nylas v2 to v3”.",
            )
            .with_hint("Choose that path on the welcome screen to tick its steps."));
        }
        p.set_answer(AnswerUpdate::MigrateTick { item, done })
    })?;
    Ok(MigrateTickView {
        checklist: current(&state, audit.as_ref()),
        progress,
    })
}
