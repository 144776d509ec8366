//! "Create it for me": register the Azure app Nylas needs, in one confirmed
//! step, with least privilege and a live audit afterwards.
//!
//! - [`plan_app`] turns the answers (an [`AuditRequest`]) into exactly what
//!   will be created: plain-words lines and the JSON `POST /applications`
//!   will send.
//! - [`create_or_resume`] looks before it writes, so it is safe to run
//!   again: an app carrying this wizard's marker for the same answers, or
//!   with the same display name, is reused (and fixed) instead of creating
//!   a second one; an app without its service principal gets one, an app
//!   without a client secret gets one. A crash between the calls therefore
//!   resumes without duplicates. Each write is sent once (never retried
//!   after a failure that may have reached Graph).
//! - The client secret's value goes straight into the [`SecretStore`]; it
//!   is never part of a returned or serialised value.
//! - Each call is reported as it starts and ends ([`CreateProgress`]), so
//!   the window and the CLI show it live.

mod plan;
mod progress;

pub use plan::{audience_for, default_display_name, plan_app, AppPlan, PlannedPermission};
pub use progress::{plain_date, CallState, CreateCall, CreateProgress, OnProgress};

use progress::Reporter;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::fix::{plan_fixes, FixPlan};
use super::graph::GraphClient;
use super::live::{live_audit, LiveAudit};
use super::new_secret::NewSecret;
use crate::audit::{run_audit, AuditRequest, CheckId, FindingStatus};
use crate::error::{ErrorCode, Result, WizardError};
use crate::manifest::parse_manifest_value;
use crate::secrets::{hint, SecretName, SecretStore};

/// The tag every app this wizard creates carries (Graph can filter on
/// tags, not on notes).
pub const WIZARD_TAG: &str = "NylasMicrosoftSetupWizard";
/// The start of the app's `notes`, followed by the answers' hash.
pub const NOTES_PREFIX: &str = "Created by the Nylas Microsoft Setup Wizard (nylas-ms-setup).";
/// The client secret's description in the portal.
pub const SECRET_DESCRIPTION: &str = "Nylas (created by the setup wizard)";
/// Longest secret lifetime offered: the portal's longest recommended.
pub const MAX_SECRET_DAYS: u32 = 730;
/// Checks a new app can't pass by its configuration alone: admin consent
/// is a separate step, publisher verification is done with Microsoft.
pub const NOT_BY_CONFIGURATION: [CheckId; 2] =
    [CheckId::AdminConsent, CheckId::PublisherVerification];

fn carries_marker(app: &Value, hash: Option<&str>) -> bool {
    let tagged = app["tags"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t == WIZARD_TAG));
    let notes = app["notes"].as_str().unwrap_or_default();
    tagged && notes.starts_with(NOTES_PREFIX) && hash.is_none_or(|h| notes.contains(h))
}

/// The app a re-run should reuse: one with the same display name (ours
/// first), else one carrying our marker for the same answers.
pub async fn find_existing(
    graph: &GraphClient,
    plan: &AppPlan,
    cancel: &CancellationToken,
) -> Result<Option<Value>> {
    let (named, tagged) = tokio::try_join!(
        graph.find_applications(Some(&plan.display_name), None, cancel),
        graph.find_applications(None, Some(WIZARD_TAG), cancel),
    )?;
    let ours_named = named.iter().find(|a| carries_marker(a, None));
    Ok(ours_named
        .or(named.first())
        .or_else(|| {
            tagged
                .iter()
                .find(|a| carries_marker(a, Some(&plan.answers_hash)))
        })
        .cloned())
}

/// What reusing `app` (an existing app as Graph returned it) would change
/// in it, for the preview: the same plan `create_or_resume` applies.
pub fn fixes_for(app: &Value, req: &AuditRequest) -> Result<FixPlan> {
    plan_fixes(app, &run_audit(&parse_manifest_value(app)?, req)?)
}

/// What happened to the client secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SecretOutcome {
    /// A new secret; its value is in the secret store.
    Created { secret: NewSecret },
    /// The app already had a secret (a re-run): no second one was added.
    AlreadyThere,
}

/// What creating (or resuming) did, and the live audit of the app after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreateOutcome {
    pub app_id: String,
    pub object_id: String,
    /// The directory (tenant) ID, from Graph.
    pub tenant_id: String,
    /// False when an existing app was reused.
    pub created: bool,
    /// Each step in plain words, in order.
    pub steps: Vec<String>,
    pub secret: SecretOutcome,
    pub audit: LiveAudit,
}

impl CreateOutcome {
    /// Checks the configuration should satisfy but doesn't (empty when the
    /// new app is right).
    pub fn unmet(&self) -> Vec<CheckId> {
        self.audit
            .report
            .findings
            .iter()
            .filter(|f| f.status != FindingStatus::Pass && !NOT_BY_CONFIGURATION.contains(&f.check))
            .map(|f| f.check)
            .collect()
    }

    /// Permissions of the plan that only an administrator can consent to
    /// (the scope plan's rule, from the permission catalog, as the admin
    /// consent check uses it) and that have no admin consent yet: what
    /// "Grant admin consent now" is offered for.
    pub fn admin_consent_to_grant(&self) -> Vec<String> {
        let facts = &self.audit.facts;
        self.audit
            .report
            .scope_plan
            .required
            .iter()
            .filter(|r| r.admin_consent)
            .filter(|r| {
                !facts.service_principal_exists
                    || !facts
                        .admin_consented
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(&r.name))
            })
            .map(|r| r.name.clone())
            .collect()
    }
}

fn required_str(v: &Value, key: &str) -> Result<String> {
    v[key].as_str().map(str::to_owned).ok_or_else(|| {
        WizardError::new(
            ErrorCode::BadResponse,
            format!("Microsoft Graph answered without the app's {key}."),
        )
    })
}

/// Create the app of `plan` (or resume / reuse it), its service principal
/// and a client secret, then run the live audit. Needs a sign-in with
/// [`Access::Create`](super::Access::Create). `progress` hears each call as
/// it starts and ends (or fails), in order.
pub async fn create_or_resume(
    graph: &GraphClient,
    tenant: &str,
    plan: &AppPlan,
    req: &AuditRequest,
    store: &dyn SecretStore,
    cancel: &CancellationToken,
    progress: OnProgress<'_>,
) -> Result<CreateOutcome> {
    let report = Reporter(progress);
    let mut steps = Vec::new();

    report.started(
        CreateCall::FindExisting,
        format!(
            "Looking for an app named \"{}\" or made by this wizard…",
            plan.display_name
        ),
    );
    let existing = report.check(
        CreateCall::FindExisting,
        find_existing(graph, plan, cancel).await,
    )?;
    report.done(
        CreateCall::FindExisting,
        match &existing {
            Some(app) => format!(
                "Found the app \"{}\" (client ID {}).",
                app["displayName"].as_str().unwrap_or_default(),
                app["appId"].as_str().unwrap_or_default()
            ),
            None => "No app to reuse: a new one will be registered.".into(),
        },
        existing.is_some(),
    );

    let created = existing.is_none();
    let app = match existing {
        Some(app) => {
            report.started(
                CreateCall::App,
                "Reusing it, fixing what differs from the plan…",
            );
            let fixed = report.check(CreateCall::App, reuse(graph, &app, req, cancel).await)?;
            let text = format!(
                "Found the app \"{}\" (client ID {}) and reused it instead of creating a second one.",
                app["displayName"].as_str().unwrap_or_default(),
                app["appId"].as_str().unwrap_or_default()
            );
            report.done(
                CreateCall::App,
                match fixed.len() {
                    0 => format!("{text} Nothing in it needed changing."),
                    n => format!("{text} Fixed {n} setting{}.", if n == 1 { "" } else { "s" }),
                },
                true,
            );
            steps.push(text);
            steps.extend(fixed);
            app
        }
        None => {
            report.started(
                CreateCall::App,
                format!("Registering the app \"{}\"…", plan.display_name),
            );
            let app = report.check(
                CreateCall::App,
                graph.create_application(plan.body.clone(), cancel).await,
            )?;
            let text = format!(
                "Registered the app \"{}\" (client ID {}).",
                plan.display_name,
                app["appId"].as_str().unwrap_or_default()
            );
            report.done(CreateCall::App, text.clone(), false);
            steps.push(text);
            app
        }
    };
    let app_id = report.check(CreateCall::App, required_str(&app, "appId"))?;
    let object_id = report.check(CreateCall::App, required_str(&app, "id"))?;

    report.started(
        CreateCall::ServicePrincipal,
        "Creating its enterprise application (service principal)…",
    );
    let sp_existed = report.check(
        CreateCall::ServicePrincipal,
        async {
            if graph.service_principal(&app_id, cancel).await?.is_some() {
                return Ok(true);
            }
            let waits: &[std::time::Duration] = if created { &REPLICATION_WAITS } else { &[] };
            create_service_principal(graph, &app_id, waits, cancel).await?;
            Ok(false)
        }
        .await,
    )?;
    let text = if sp_existed {
        "Its enterprise application (service principal) was already there."
    } else {
        "Created its enterprise application (service principal)."
    };
    report.done(CreateCall::ServicePrincipal, text, sp_existed);
    steps.push(text.into());

    report.started(CreateCall::Secret, "Adding a client secret…");
    let has_secret = app["passwordCredentials"]
        .as_array()
        .is_some_and(|c| !c.is_empty());
    let secret = if has_secret {
        let text = "It already has a client secret, so no second one was added (if you don't have its value, add a new one under Certificates & secrets).";
        report.done(CreateCall::Secret, text, true);
        steps.push(text.into());
        SecretOutcome::AlreadyThere
    } else {
        let secret = report.check(
            CreateCall::Secret,
            add_secret(graph, &object_id, plan.secret_days, store, cancel).await,
        )?;
        let text = format!(
            "Added a client secret ({}), valid until {}.",
            secret.hint,
            plain_date(&secret.expires)
        );
        report.done(CreateCall::Secret, text.clone(), false);
        steps.push(text);
        SecretOutcome::Created { secret }
    };

    report.started(CreateCall::LiveAudit, "Checking the app live…");
    let audit = report.check(
        CreateCall::LiveAudit,
        live_audit(graph, &app_id, tenant, req, cancel).await,
    )?;
    let s = &audit.report.summary;
    report.done(
        CreateCall::LiveAudit,
        format!(
            "Checked the app live: {} passed, {} to look at, {} to fix.",
            s.pass, s.warn, s.fail
        ),
        false,
    );
    Ok(CreateOutcome {
        app_id,
        object_id,
        tenant_id: audit.facts.tenant_id.clone(),
        created,
        steps,
        secret,
        audit,
    })
}

/// Fix what differs between `app` and the plan: the steps done, in words.
async fn reuse(
    graph: &GraphClient,
    app: &Value,
    req: &AuditRequest,
    cancel: &CancellationToken,
) -> Result<Vec<String>> {
    let fixes = fixes_for(app, req)?;
    if fixes.is_empty() {
        return Ok(Vec::new());
    }
    graph
        .patch_application(&fixes.app_object_id, fixes.patch.clone(), cancel)
        .await?;
    Ok(fixes
        .steps
        .iter()
        .map(|s| format!("Fixed: {}.", s.title))
        .collect())
}

/// Graph may not know an app it has just created for a few seconds (its
/// directory replicates): creating the service principal is refused as if
/// the app didn't exist. Asked again after these waits.
const REPLICATION_WAITS: [std::time::Duration; 3] = [
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(2),
    std::time::Duration::from_secs(4),
];

/// `POST /servicePrincipals`, asked again after each of `waits` while Graph
/// refuses it; before asking again it looks, so a refusal that hid a
/// success (or a 409) never makes a second one.
async fn create_service_principal(
    graph: &GraphClient,
    app_id: &str,
    waits: &[std::time::Duration],
    cancel: &CancellationToken,
) -> Result<()> {
    let mut waits = waits.iter();
    loop {
        let error = match graph.create_service_principal(app_id, cancel).await {
            Ok(_) => return Ok(()),
            Err(e) if matches!(e.code, ErrorCode::Rejected | ErrorCode::NotFound) => e,
            Err(e) => return Err(e),
        };
        let Some(wait) = waits.next() else {
            return Err(error);
        };
        tokio::select! {
            _ = tokio::time::sleep(*wait) => {}
            _ = cancel.cancelled() => {
                return Err(WizardError::new(ErrorCode::Cancelled, "Stopped before the enterprise application was created.")
                    .with_hint("Run this again: the app is found and its enterprise application created."));
            }
        }
        if graph.service_principal(app_id, cancel).await?.is_some() {
            return Ok(());
        }
    }
}

/// `addPassword` for `days`; the value goes straight to the store.
async fn add_secret(
    graph: &GraphClient,
    object_id: &str,
    days: u32,
    store: &dyn SecretStore,
    cancel: &CancellationToken,
) -> Result<NewSecret> {
    let end = (OffsetDateTime::now_utc() + Duration::days(days.into()))
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .map_err(|e| WizardError::internal(format!("Could not write a date: {e}.")))?;
    let body =
        json!({ "passwordCredential": { "displayName": SECRET_DESCRIPTION, "endDateTime": end } });
    let created = graph.add_password(object_id, body, cancel).await?;
    let value = created
        .get("secretText")
        .and_then(Value::as_str)
        .map(|s| SecretString::from(s.to_owned()))
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Microsoft created the secret but didn't return its value.",
            )
            .with_hint("Delete the new secret under Certificates & secrets and run this again.")
        })?;
    store.set(SecretName::AzureClientSecret.as_str(), &value)?;
    let field = |k: &str| {
        created
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    Ok(NewSecret {
        key_id: field("keyId"),
        display_name: SECRET_DESCRIPTION.into(),
        hint: hint(&value),
        expires: Some(field("endDateTime"))
            .filter(|s| !s.is_empty())
            .unwrap_or(end),
        stored_persistently: store.is_persistent(),
    })
}
