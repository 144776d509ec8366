//! The change-list entry of a Teams integration run (`crate::changes`):
//! one [`Change`] for a created or updated integration, never a secret.

use super::{TeamsInput, UNDO_CREATED};
use crate::changes::{Change, ChangeDiff, ChangeKind, ChangeRef, ChangeTarget, Undo, UndoLink};
use crate::plan::{ApplyReport, Plan, StepOutcome};
use crate::portal::DocTopic;

fn field_label(field: &str) -> String {
    match field {
        "name" => "Name".into(),
        "settings.client_id" => "Azure client ID".into(),
        "settings.client_secret" => "Azure client secret".into(),
        "settings.tenant" => "Tenant".into(),
        "redirect_uris" => "Redirect URIs".into(),
        "expires_in" => "Token lifetime (seconds)".into(),
        other => other.into(),
    }
}

/// The change-list entry of what the run wrote (none when nothing was).
pub fn changes_from_teams(input: &TeamsInput, plan: &Plan, report: &ApplyReport) -> Vec<Change> {
    let mut out = Vec::new();
    for done in &report.steps {
        let created = match done.outcome {
            StepOutcome::Created => true,
            StepOutcome::Updated => false,
            _ => continue,
        };
        let Some(step) = plan.step(&done.key) else {
            continue;
        };
        let mut ids = vec![ChangeRef {
            label: "Integration".into(),
            value: format!("Microsoft Teams ({} region)", input.region.label()),
        }];
        if let Some(id) = done.ids.first() {
            ids.push(ChangeRef {
                label: "Integration ID".into(),
                value: id.clone(),
            });
        }
        let (kind, what, diff, steps, caution) = if created {
            (
                ChangeKind::TeamsIntegrationCreated,
                format!(
                    "Created the Microsoft Teams integration \"{}\" (tenant {}, redirect URIs {})",
                    input.name,
                    input.tenant,
                    input.redirect_uris.join(", ")
                ),
                Vec::new(),
                vec![UNDO_CREATED.to_owned()],
                Some("Accounts connected to Teams through it stop creating Teams meetings."),
            )
        } else {
            let diff: Vec<ChangeDiff> = step
                .changes
                .iter()
                .map(|c| ChangeDiff {
                    field: field_label(&c.field),
                    before: c.before.clone(),
                    after: c.after.clone(),
                })
                .collect();
            let fields: Vec<String> = diff.iter().map(|d| d.field.clone()).collect();
            (
                ChangeKind::TeamsIntegrationUpdated,
                format!(
                    "Updated the Microsoft Teams integration: {}",
                    fields.join(", ")
                ),
                diff,
                step.undo.clone(),
                Some("Accounts connected before may have to sign in again."),
            )
        };
        let link = UndoLink::Docs {
            topic: DocTopic::NylasDocs,
        };
        let url = link.url();
        out.push(Change {
            seq: 0,
            at: String::new(),
            kind,
            target: ChangeTarget::NylasApplication,
            what,
            ids,
            diff,
            undo: Undo {
                steps,
                link,
                link_label: "Open the Nylas documentation".into(),
                url,
                caution: caution.map(str::to_owned),
            },
        });
    }
    out
}
