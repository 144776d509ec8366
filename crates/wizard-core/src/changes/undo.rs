//! One constructor per kind of write, each with its plain undo steps in the
//! Azure portal's or the Nylas dashboard's own words, and the page to open.

use super::{Change, ChangeDiff, ChangeKind, ChangeRef, ChangeTarget, Undo, UndoLink};
use crate::microsoft::create_app::{CreateOutcome, SecretOutcome};
use crate::microsoft::fix::{FixPlan, FixStep};
use crate::microsoft::new_secret::NewSecret;
use crate::portal::{Blade, DocTopic, PortalPage};

const CLIENT_ID: &str = "Application (client) ID";

fn id(label: &str, value: &str) -> ChangeRef {
    ChangeRef {
        label: label.to_owned(),
        value: value.to_owned(),
    }
}

fn portal(app_id: &str, blade: Blade, label: &str) -> (UndoLink, String, String) {
    let page = PortalPage::new(blade, Some(app_id));
    let link = UndoLink::Portal { page };
    let url = link.url();
    (link, label.to_owned(), url)
}

fn dashboard() -> (UndoLink, String, String) {
    let link = UndoLink::Docs {
        topic: DocTopic::NylasDashboard,
    };
    let url = link.url();
    (link, "Open the Nylas dashboard".to_owned(), url)
}

fn undo(
    (link, link_label, url): (UndoLink, String, String),
    steps: Vec<String>,
    caution: Option<&str>,
) -> Undo {
    Undo {
        steps,
        link,
        link_label,
        url,
        caution: caution.map(str::to_owned),
    }
}

struct Parts {
    kind: ChangeKind,
    target: ChangeTarget,
    what: String,
    ids: Vec<ChangeRef>,
    diff: Vec<ChangeDiff>,
    undo: Undo,
}

fn change(p: Parts) -> Change {
    Change {
        seq: 0,
        at: String::new(),
        kind: p.kind,
        target: p.target,
        what: p.what,
        ids: p.ids,
        diff: p.diff,
        undo: p.undo,
    }
}

const OPEN_AUTH: &str = "Open Authentication in the Azure portal";
const OPEN_PERMISSIONS: &str = "Open API permissions in the Azure portal";

/// How to reverse one fix of the app registration (`fix.rs`'s step ids).
fn fix_undo(app_id: &str, step: &FixStep) -> Undo {
    if let Some(uri) = step.id.strip_prefix("redirect_uri:") {
        let mut steps = vec![
            format!("In the Azure portal, open your app's Authentication page (App registrations → the app with client ID {app_id} → Authentication)."),
            format!("Under Platform configurations → Web → Redirect URIs, find {uri} and select the bin icon beside it."),
        ];
        if let Some(platform) = step.before.strip_prefix("Registered under ") {
            steps.push(format!(
                "Under {platform}, select Add URI and enter {uri} again (that is where it was before)."
            ));
        }
        steps.push("Select Save at the bottom of the page.".into());
        return undo(
            portal(app_id, Blade::Authentication, OPEN_AUTH),
            steps,
            Some("Nylas sign-ins through this redirect URI fail (AADSTS50011) once it is removed."),
        );
    }
    if let Some(name) = step.id.strip_prefix("permission:") {
        let mut steps = vec![
            format!("In the Azure portal, open your app's API permissions page (App registrations → the app with client ID {app_id} → API permissions)."),
            format!("Under Microsoft Graph, find {name}, select ⋯ at the end of its row, then Remove permission, and confirm with Yes, remove."),
        ];
        if step.before.contains("Application permission") {
            steps.push(format!("Select Add a permission → Microsoft Graph → Application permissions, tick {name}, then Add permissions (that is how it was before)."));
        }
        return undo(
            portal(app_id, Blade::ApiPermissions, OPEN_PERMISSIONS),
            steps,
            Some("Nylas can no longer use what this permission allows for accounts that sign in afterwards."),
        );
    }
    match step.id.as_str() {
        "implicit_grant" => undo(
            portal(app_id, Blade::Authentication, OPEN_AUTH),
            vec![
                format!("In the Azure portal, open your app's Authentication page (App registrations → the app with client ID {app_id} → Authentication)."),
                format!("Under Implicit grant and hybrid flows, set Access tokens and ID tokens back to how they were: {}.", step.before),
                "Select Save.".into(),
            ],
            Some("Teams sign-in through Nylas needs both ticked."),
        ),
        "access_token_version" => undo(
            portal(app_id, Blade::Manifest, "Open Manifest in the Azure portal"),
            vec![
                format!("In the Azure portal, open your app's Manifest page (App registrations → the app with client ID {app_id} → Manifest)."),
                format!("Find \"requestedAccessTokenVersion\" (under \"api\") and set it back to what it was ({}: write null for version 1).", step.before),
                "Select Save.".into(),
            ],
            None,
        ),
        _ => undo(
            portal(app_id, Blade::Overview, "Open your app in the Azure portal"),
            vec![
                format!("In the Azure portal, open the app with client ID {app_id}."),
                format!("Set “{}” back to: {}.", step.title, step.before),
            ],
            None,
        ),
    }
}

/// One fix of the app registration.
pub fn app_fixed(app_id: &str, step: &FixStep) -> Change {
    change(Parts {
        kind: ChangeKind::AppFixed,
        target: ChangeTarget::AzureApp,
        what: step.title.clone(),
        ids: vec![id(CLIENT_ID, app_id)],
        diff: vec![ChangeDiff {
            field: step.title.clone(),
            before: step.before.clone(),
            after: step.after.clone(),
        }],
        undo: fix_undo(app_id, step),
    })
}

/// Every step of an applied fix plan (none when nothing was to do).
pub fn changes_from_fix_plan(app_id: &str, plan: &FixPlan) -> Vec<Change> {
    plan.steps.iter().map(|s| app_fixed(app_id, s)).collect()
}

/// A new app registration.
pub fn app_registered(app_id: &str, display_name: &str) -> Change {
    change(Parts {
        kind: ChangeKind::AppRegistered,
        target: ChangeTarget::AzureApp,
        what: format!("Registered the app “{display_name}”"),
        ids: vec![id(CLIENT_ID, app_id)],
        diff: Vec::new(),
        undo: undo(
            portal(app_id, Blade::Overview, "Open the app's Overview in the Azure portal"),
            vec![
                format!("In the Azure portal, open the app's Overview page (App registrations → All applications → “{display_name}”, client ID {app_id})."),
                "Select Delete at the top, tick that you understand, then select Delete again.".into(),
                "Its enterprise application (service principal) goes with it. For 30 days you can restore it under App registrations → Deleted applications.".into(),
            ],
            Some("Anything signed in through this app, Nylas included, stops working."),
        ),
    })
}

/// A new enterprise application (service principal) for the app.
pub fn service_principal_created(app_id: &str) -> Change {
    change(Parts {
        kind: ChangeKind::ServicePrincipalCreated,
        target: ChangeTarget::AzureApp,
        what: "Created the app's enterprise application (service principal) in your tenant".into(),
        ids: vec![id(CLIENT_ID, app_id)],
        diff: Vec::new(),
        undo: undo(
            portal(app_id, Blade::Overview, "Open the app's Overview in the Azure portal"),
            vec![
                "If you delete the app registration, this goes with it: nothing more to do.".into(),
                format!("To remove only this: in the Microsoft Entra admin center, open Enterprise applications, search for {app_id}, open it, then Properties → Delete, and confirm."),
            ],
            Some("Nobody in your tenant can sign in through the app, and its admin consent is removed with it."),
        ),
    })
}

/// A new client secret: named by its Secret ID and hint, never its value.
pub fn client_secret_added(app_id: &str, secret: &NewSecret) -> Change {
    change(Parts {
        kind: ChangeKind::ClientSecretAdded,
        target: ChangeTarget::AzureApp,
        what: format!(
            "Added the client secret “{}” ({}), valid until {}",
            secret.display_name,
            secret.hint,
            crate::microsoft::create_app::plain_date(&secret.expires)
        ),
        ids: vec![id(CLIENT_ID, app_id), id("Secret ID", &secret.key_id)],
        diff: Vec::new(),
        undo: undo(
            portal(app_id, Blade::Credentials, "Open Certificates & secrets in the Azure portal"),
            vec![
                format!("In the Azure portal, open the app's Certificates & secrets page (App registrations → the app with client ID {app_id} → Certificates & secrets)."),
                format!("Under Client secrets, find the row whose Secret ID is {} (its value starts with {}).", secret.key_id, secret.hint.chars().take(3).collect::<String>()),
                "Select the bin icon at the end of that row, then Yes.".into(),
                "The copy this wizard kept in your keychain is removed by Start over.".into(),
            ],
            Some("If Nylas already uses this secret, Microsoft sign-ins through Nylas stop until Nylas gets another one."),
        ),
    })
}

/// Tenant-wide admin consent to `permissions`.
pub fn admin_consent_granted(app_id: &str, tenant: &str, permissions: &[String]) -> Change {
    let list = permissions.join(", ");
    change(Parts {
        kind: ChangeKind::AdminConsentGranted,
        target: ChangeTarget::AzureApp,
        what: format!("Granted admin consent for your organization to {list}"),
        ids: vec![id(CLIENT_ID, app_id), id("Tenant", tenant)],
        diff: vec![ChangeDiff {
            field: "Admin consent".into(),
            before: format!("Not granted for {list}"),
            after: "Granted for everyone in your organization".into(),
        }],
        undo: undo(
            portal(app_id, Blade::ApiPermissions, OPEN_PERMISSIONS),
            vec![
                format!("In the Azure portal, open the app's API permissions page (App registrations → the app with client ID {app_id} → API permissions)."),
                format!("For each of {list}: select ⋯ at the end of its row, then Revoke admin consent, and confirm with Yes, remove."),
            ],
            Some("Each person then has to consent themselves when they sign in, or can't sign in at all if your organization doesn't allow user consent."),
        ),
    })
}

/// What "Create it for me" wrote: the registration (when new), the
/// enterprise application (when it was missing), fixes of a reused app and
/// the client secret (when added). `fixes` is the plan applied to a reused
/// app, if any.
pub fn changes_from_created_app(
    outcome: &CreateOutcome,
    display_name: &str,
    sp_created: bool,
    fixes: Option<&FixPlan>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if outcome.created {
        out.push(app_registered(&outcome.app_id, display_name));
    }
    if let Some(plan) = fixes {
        out.extend(changes_from_fix_plan(&outcome.app_id, plan));
    }
    if sp_created {
        out.push(service_principal_created(&outcome.app_id));
    }
    if let SecretOutcome::Created { secret } = &outcome.secret {
        out.push(client_secret_added(&outcome.app_id, secret));
    }
    out
}

/// The Nylas steps' constructors take plain values so the configure
/// engine's step types stay its own.
const DASHBOARD_CONNECTOR: &str =
    "In the Nylas dashboard, open your application, then Connectors → Microsoft.";

/// The Microsoft connector was created with these settings (no secret).
pub fn connector_created(nylas_app_id: &str, settings: &[(String, String)]) -> Change {
    change(Parts {
        kind: ChangeKind::ConnectorCreated,
        target: ChangeTarget::NylasApplication,
        what: "Created the Microsoft connector in your Nylas application".into(),
        ids: vec![id("Nylas application ID", nylas_app_id)],
        diff: settings
            .iter()
            .map(|(field, value)| ChangeDiff {
                field: field.clone(),
                before: "No connector".into(),
                after: value.clone(),
            })
            .collect(),
        undo: undo(
            dashboard(),
            vec![
                DASHBOARD_CONNECTOR.into(),
                "Select Delete (or ⋯ → Delete) and confirm.".into(),
                "A developer can do the same with DELETE /v3/connectors/microsoft and your API key.".into(),
            ],
            Some("Microsoft accounts can no longer sign in through Nylas, and accounts already connected may stop syncing."),
        ),
    })
}

/// The Microsoft connector was updated: each changed field before → after
/// (a secret is named, never shown).
pub fn connector_updated(nylas_app_id: &str, diff: Vec<ChangeDiff>) -> Change {
    let fields: Vec<String> = diff.iter().map(|d| d.field.clone()).collect();
    let secret_changed = fields.iter().any(|f| f.to_lowercase().contains("secret"));
    let mut steps = vec![
        DASHBOARD_CONNECTOR.into(),
        "Set each field listed above back to its “Before” value, then save.".into(),
    ];
    if secret_changed {
        steps.push("The wizard never keeps the previous client secret: to go back to it, enter it from wherever you keep it, or keep the new one.".into());
    }
    change(Parts {
        kind: ChangeKind::ConnectorUpdated,
        target: ChangeTarget::NylasApplication,
        what: format!("Updated the Microsoft connector: {}", fields.join(", ")),
        ids: vec![id("Nylas application ID", nylas_app_id)],
        diff,
        undo: undo(
            dashboard(),
            steps,
            Some("Accounts that sign in afterwards get the old settings (for example fewer permissions)."),
        ),
    })
}

/// A callback URI added to the Nylas application.
pub fn callback_uri_added(nylas_app_id: &str, url: &str, uri_id: Option<&str>) -> Change {
    let mut ids = vec![
        id("Nylas application ID", nylas_app_id),
        id("Callback URI", url),
    ];
    if let Some(u) = uri_id {
        ids.push(id("Callback URI ID", u));
    }
    change(Parts {
        kind: ChangeKind::CallbackUriAdded,
        target: ChangeTarget::NylasApplication,
        what: format!("Added the callback URI {url} (platform Web)"),
        ids,
        diff: Vec::new(),
        undo: undo(
            dashboard(),
            vec![
                "In the Nylas dashboard, open your application, then Hosted authentication → Callback URIs.".into(),
                format!("Find {url} and delete it (the bin icon or ⋯ → Delete)."),
            ],
            Some("Sign-ins that return to this address fail once it is removed."),
        ),
    })
}

/// A connector credential (an additional tenant) created.
pub fn connector_credential_created(
    nylas_app_id: &str,
    name: &str,
    credential_id: &str,
    tenant: &str,
) -> Change {
    change(Parts {
        kind: ChangeKind::ConnectorCredentialCreated,
        target: ChangeTarget::NylasApplication,
        what: format!("Added the connector credential “{name}” for the tenant {tenant}"),
        ids: vec![
            id("Nylas application ID", nylas_app_id),
            id("Credential ID", credential_id),
            id("Tenant", tenant),
        ],
        diff: Vec::new(),
        undo: undo(
            dashboard(),
            vec![
                "The Nylas dashboard may not list connector credentials; a developer removes it with your API key:".into(),
                format!("DELETE /v3/connectors/microsoft/creds/{credential_id} on your region's Nylas API host."),
            ],
            Some("People in that tenant can no longer sign in through it."),
        ),
    })
}

/// A connector credential updated with the app's current client ID and
/// secret (the secret changed since it was made).
pub fn connector_credential_updated(
    nylas_app_id: &str,
    name: &str,
    credential_id: &str,
    tenant: &str,
) -> Change {
    change(Parts {
        kind: ChangeKind::ConnectorCredentialUpdated,
        target: ChangeTarget::NylasApplication,
        what: format!(
            "Updated the connector credential “{name}” for the tenant {tenant} with your Azure app's client ID and secret"
        ),
        ids: vec![
            id("Nylas application ID", nylas_app_id),
            id("Credential ID", credential_id),
            id("Tenant", tenant),
        ],
        diff: vec![ChangeDiff {
            field: "Client ID and secret".into(),
            before: "What it had before (Nylas never shows it)".into(),
            after: "Your Azure app's client ID and saved secret".into(),
        }],
        undo: undo(
            dashboard(),
            vec![
                "The wizard never keeps the previous values, so it can't be put back as it was.".into(),
                format!("If it must change again, a developer sends PATCH /v3/connectors/microsoft/creds/{credential_id} with the client ID and secret to use, or removes it with DELETE on the same path."),
            ],
            Some("People in that tenant sign in with whatever the credential holds."),
        ),
    })
}
