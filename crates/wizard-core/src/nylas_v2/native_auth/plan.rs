//! The plan of path C's connection: what the user's Microsoft sign-in asks
//! for, each Nylas authorization (one for events; email and contacts, then
//! calendar, for shared calendars), the notes on webhooks and billing, and
//! a replacement refused until confirmed.

use super::*;

/// A scope as the admin reads it.
fn shown(scope: &str) -> String {
    if let Some(p) = scope.strip_prefix(GRAPH_RESOURCE) {
        format!("{p} (Microsoft Graph)")
    } else if let Some(p) = scope.strip_prefix("https://outlook.office365.com/") {
        format!("{p} (Exchange Online: email and contacts)")
    } else if scope == "offline_access" {
        "offline_access (lets Nylas renew the sign-in)".to_owned()
    } else {
        format!("{scope} (who signed in)")
    }
}

fn consequence(ids: &[String]) -> String {
    format!(
        "Account{} {} will be re-authenticated with these settings: Nylas replaces {} current connection, \
         re-syncs {} data (object IDs may change), and an access token your app holds for {} may stop working. \
         This can't be undone from the wizard.",
        if ids.len() == 1 { "" } else { "s" },
        ids.join(" and "),
        if ids.len() == 1 { "its" } else { "their" },
        if ids.len() == 1 { "its" } else { "their" },
        if ids.len() == 1 { "it" } else { "them" },
    )
}

fn valid_account_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Build and check the plan. Refuses a replacement that isn't confirmed.
pub fn plan(input: &NativeAuthInput) -> Result<NativeAuthPlan> {
    let nylas_client_id = input.nylas_client_id.trim();
    if nylas_client_id.is_empty() {
        return Err(
            WizardError::invalid_input("The Nylas v2 client ID is missing.")
                .with_hint("Copy it from the Nylas v2 dashboard (App Settings)."),
        );
    }
    let azure = input.azure_client_id.trim();
    if !crate::ids::is_guid(azure) {
        return Err(WizardError::invalid_input(
            "The Azure app's Application (client) ID is missing or isn't a GUID.",
        )
        .with_hint("Enter it on the Azure app step (Overview → Application (client) ID)."));
    }
    if let Some(f) = input
        .features
        .iter()
        .find(|f| !crate::scopes::V2_FEATURES.contains(f))
    {
        return Err(WizardError::invalid_input(format!(
            "Nylas v2 uses Microsoft Graph for calendars only, so \"{}\" can't be connected this way.",
            f.as_str()
        )));
    }
    let shared = input.features.contains(&Feature::SharedCalendar);
    let writes = shared
        || input.features.contains(&Feature::CalendarWrite)
        || !input.features.contains(&Feature::CalendarRead);
    // v2's `calendar` scope reads and writes; read-only asks for less.
    let calendar_scope = if writes {
        "calendar"
    } else {
        "calendar.read_only"
    };
    let graph_permission = if shared {
        "Calendars.ReadWrite.Shared"
    } else if writes {
        "Calendars.ReadWrite"
    } else {
        "Calendars.Read"
    };
    let mut microsoft_scopes = vec![
        format!("{GRAPH_RESOURCE}{graph_permission}"),
        format!("{GRAPH_RESOURCE}User.Read"),
        "openid".to_owned(),
        "profile".to_owned(),
        "offline_access".to_owned(),
    ];
    let calendar = Authorization {
        provider: "graph".into(),
        scopes: calendar_scope.into(),
        purpose: "Calendar and events, through Microsoft Graph".into(),
        reauth_account_id: None,
    };
    let mut authorizations = if shared {
        // Consent for Exchange too: the same refresh token serves both.
        microsoft_scopes.push(EWS_SCOPE.to_owned());
        vec![
            Authorization {
                provider: "office365".into(),
                scopes: "email,contacts".into(),
                purpose: "Email and contacts".into(),
                reauth_account_id: None,
            },
            calendar,
        ]
    } else {
        vec![calendar]
    };
    let mut notes = vec![
        "Each person signs in with their own Microsoft account in the browser; the wizard hands Nylas the sign-in's refresh token and never keeps it.".to_owned(),
        "If these people already have Nylas v2 accounts that don't use Microsoft Graph, this creates new accounts with new account IDs, and Nylas re-syncs their data. Nylas bills the old and the new account separately until you delete the old one; deleting an account removes all its data, so delete old accounts (in the Nylas dashboard) only once the new ones work.".to_owned(),
    ];
    if shared {
        notes.push("Shared calendars: each person is authorized twice with the same refresh token — once for email and contacts, once for calendar — which creates two Nylas accounts, each with its own ID and access token. Nylas bills both accounts.".to_owned());
        notes.push("Webhooks: both accounts send event webhooks. To get event webhooks only from the calendar account, Nylas suggests authorizing email and contacts in a separate Nylas application with its event webhook triggers turned off (then you run three Nylas applications: Google and Exchange, Microsoft 365 email and contacts, Microsoft 365 calendar). A new application also needs its own webhook setup.".to_owned());
    }
    let ids: Vec<String> = input
        .reauth_account_ids
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let replace = if ids.is_empty() {
        None
    } else {
        if let Some(bad) = ids.iter().find(|i| !valid_account_id(i)) {
            return Err(WizardError::invalid_input(format!(
                "\"{bad}\" doesn't look like a Nylas account ID."
            ))
            .with_hint("Copy the account ID from the Nylas dashboard (Accounts)."));
        }
        if ids.len() != authorizations.len() {
            return Err(WizardError::invalid_input(format!(
                "This setup creates {} account{} per person, so give {} account ID{} to replace (in order: {}), or none.",
                authorizations.len(),
                if authorizations.len() == 1 { "" } else { "s" },
                authorizations.len(),
                if authorizations.len() == 1 { "" } else { "s" },
                authorizations.iter().map(|a| a.purpose.to_lowercase()).collect::<Vec<_>>().join(", then ")
            )));
        }
        let notice = ReplaceNotice {
            consequence: consequence(&ids),
            account_ids: ids.clone(),
            confirmed: input.confirm_replace,
        };
        if !input.confirm_replace {
            return Err(WizardError::new(ErrorCode::InvalidInput, notice.consequence.clone())
                .with_hint("Confirm that you want to replace them, or leave the account IDs empty to connect new accounts."));
        }
        for (a, id) in authorizations.iter_mut().zip(&ids) {
            a.reauth_account_id = Some(id.clone());
        }
        Some(notice)
    };
    let tenant = match input.tenant.trim() {
        "" => "common".to_owned(),
        t => t.to_owned(),
    };
    Ok(NativeAuthPlan {
        variant: if shared {
            NativeAuthVariant::SharedCalendars
        } else {
            NativeAuthVariant::Events
        },
        region: input.region,
        nylas_client_id: nylas_client_id.to_owned(),
        azure_client_id: azure.to_owned(),
        tenant,
        port: input.port,
        redirect_uri: native_auth_redirect_uri(input.port),
        permissions: microsoft_scopes.iter().map(|s| shown(s)).collect(),
        microsoft_scopes,
        authorizations,
        notes,
        replace,
        login_hint: input
            .login_hint
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned),
    })
}

/// The planned requests as the admin may see them (secrets as •••).
pub fn preview_requests(plan: &NativeAuthPlan, email: &str, name: &str) -> Vec<serde_json::Value> {
    plan.authorizations
        .iter()
        .map(|a| {
            let call = AuthorizeCall {
                nylas_client_id: &plan.nylas_client_id,
                name,
                email_address: email,
                azure_client_id: &plan.azure_client_id,
                redirect_uri: &plan.redirect_uri,
                authorization: a,
            };
            serde_json::json!({
                "authorize": {"method": "POST", "path": "/connect/authorize", "body": connect::authorize_body(&call, None, None)},
                "token": {"method": "POST", "path": "/connect/token", "body": {"client_id": plan.nylas_client_id, "client_secret": "•••", "code": "(from /connect/authorize)"}},
            })
        })
        .collect()
}
