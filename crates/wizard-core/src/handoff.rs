//! "I'm not the Global Admin": an email-ready request for the person who
//! can add permissions and grant admin consent. It says what to add or
//! approve and why, gives the admin-consent link for their tenant and the
//! portal page, and how to send the result back. Plain text; no secret is
//! ever part of it (the wizard never needs the other admin's).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::ids::is_domain;
use crate::paths::{path_info, AuditPath, PathId};
use crate::portal::{admin_consent_url, portal_link, Blade};
use crate::redirect_uris::redirect_uris;
use crate::state::Progress;

/// The request, ready to paste into an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoffEmail {
    pub subject: String,
    pub body: String,
}

/// The request for the chosen path's Azure app. `client_id` is the app's
/// Application (client) ID when the admin gave one; without it the
/// consent link can't be built yet and the email says where to find it.
pub fn handoff_email(progress: &Progress, client_id: Option<&str>) -> Result<HandoffEmail> {
    let path = progress.path.ok_or_else(|| {
        WizardError::invalid_input("Choose a path first: the request depends on it.")
    })?;
    let a = &progress.answers;
    let audit_path = AuditPath::from(path);
    let client_id = client_id.map(str::trim).filter(|c| !c.is_empty());
    let app = a
        .last_check
        .as_ref()
        .and_then(|c| c.display_name.clone())
        .map(|n| format!("the app registration “{n}”"))
        .unwrap_or_else(|| "our app registration".into());

    let mut body = String::new();
    let mut line = |s: &str| {
        body.push_str(s);
        body.push('\n');
    };
    line("Hello,");
    line("");
    line(&format!(
        "I'm setting up our Microsoft 365 with Nylas (“{}” in the Nylas setup wizard), and a Global Administrator (or a Cloud Application Administrator) needs to approve {app} in the Azure portal. I can't do this part myself.",
        path_info(path).title
    ));
    line("");
    if let Some(id) = client_id {
        line(&format!("Application (client) ID: {id}"));
    }
    if let Some(t) = a.tenant.as_deref() {
        line(&format!("Tenant: {t}"));
    }
    if client_id.is_some() || a.tenant.is_some() {
        line("");
    }

    line("1. Permissions it needs (Microsoft Graph, delegated), under API permissions:");
    match a.scope_plan(path) {
        Ok(plan) => {
            for r in &plan.required {
                line(&format!("   - {}: {}", r.name, r.reason));
            }
        }
        Err(e) => line(&format!("   (not decided yet: {})", e.message)),
    }
    line("");

    let uris = redirect_uris(audit_path, a.region());
    let mut list = uris.required.clone();
    list.extend(
        uris.optional
            .iter()
            .map(|u| format!("{u} (only with Hosted Auth)")),
    );
    if audit_path == AuditPath::V3 {
        list.extend(a.callback_uris.iter().cloned());
    }
    line(&format!(
        "2. Redirect URI(s), under {} (adding a URI doesn't affect existing sign-ins):",
        uris.portal_location
    ));
    for u in &list {
        line(&format!("   - {u}"));
    }
    line("");

    line("3. Grant admin consent for the permissions above. Signed in as an administrator, open:");
    match client_id.and_then(|id| admin_consent_url(a.tenant.as_deref(), id)) {
        Some(link) => line(&format!("   {link}")),
        None => line(
            "   API permissions → \"Grant admin consent for <your organization>\" (I don't have the app's client ID yet for a direct link).",
        ),
    }
    line("");
    line("The app in the Azure portal:");
    line(&format!(
        "   {}",
        portal_link(client_id, Blade::ApiPermissions)
    ));
    line("");
    line("When it's done, please either:");
    line("   - reply \"done\", and I'll check the app again with the setup wizard, or");
    line("   - export the app's manifest (the app → Manifest → Download) and send me the file.");
    line("");
    line("No passwords or client secrets are needed from you. Thank you!");

    Ok(HandoffEmail {
        subject: format!(
            "Please approve our Nylas app in Azure ({})",
            path_label(path)
        ),
        body,
    })
}

fn path_label(path: PathId) -> &'static str {
    AuditPath::from(path).label()
}

/// A `mailto:` link for the request, to the typed recipient or to nobody
/// (the mail app asks). Anything but one plain address is refused, so the
/// link can't carry extra headers or recipients.
pub fn mailto_link(to: Option<&str>, email: &HandoffEmail) -> Result<String> {
    let to = to.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = to {
        if !is_plain_address(t) {
            return Err(
                WizardError::invalid_input(format!("\"{t}\" isn't an email address."))
                    .with_hint("Type one address, like admin@contoso.com, or leave it blank."),
            );
        }
    }
    Ok(format!(
        "mailto:{}?subject={}&body={}",
        to.unwrap_or(""),
        encode(&email.subject),
        encode(&email.body.replace('\n', "\r\n"))
    ))
}

/// RFC 6068 wants `%20`, not `+`, for spaces (`+` itself is encoded).
fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn is_plain_address(t: &str) -> bool {
    let Some((local, domain)) = t.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
        && is_domain(domain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerUpdate;
    use crate::scopes::Preset;

    const ID: &str = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";

    fn progress() -> Progress {
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.set_answer(AnswerUpdate::Preset(Preset::MailCalendar))
            .unwrap();
        p.set_answer(AnswerUpdate::Tenant(Some("contoso.com".into())))
            .unwrap();
        p
    }

    #[test]
    fn the_request_has_the_consent_link_for_the_tenant_and_the_permissions() {
        let p = progress();
        let e = handoff_email(&p, Some(ID)).unwrap();
        assert!(e.subject.contains("Nylas"));
        assert!(e.body.contains(&format!(
            "https://login.microsoftonline.com/contoso.com/adminconsent?client_id={ID}"
        )));
        let plan = p.answers.scope_plan(PathId::V3).unwrap();
        for r in &plan.required {
            assert!(e.body.contains(&format!("- {}: {}", r.name, r.reason)));
        }
        assert!(e
            .body
            .contains("https://api.us.nylas.com/v3/connect/callback"));
        assert!(e
            .body
            .contains(&portal_link(Some(ID), Blade::ApiPermissions)));
        assert!(e.body.contains("reply \"done\""));
        assert!(e.body.contains("Manifest → Download"));
    }

    #[test]
    fn without_a_client_id_it_says_where_to_grant_consent() {
        let e = handoff_email(&progress(), None).unwrap();
        assert!(!e.body.contains("adminconsent"));
        assert!(e.body.contains("Grant admin consent for"));
        assert!(handoff_email(&Progress::default(), Some(ID)).is_err());
    }

    #[test]
    fn mailto_links_carry_one_plain_recipient_or_none() {
        let e = handoff_email(&progress(), Some(ID)).unwrap();
        let none = mailto_link(None, &e).unwrap();
        assert!(none.starts_with("mailto:?subject=Please%20approve"));
        assert!(none.contains("%0D%0A"));
        assert!(!none.contains(' ') && !none.contains('\n'));
        let one = mailto_link(Some(" it@contoso.com "), &e).unwrap();
        assert!(one.starts_with("mailto:it@contoso.com?subject="));
        for bad in [
            "a@b.com?bcc=x@evil.com",
            "a@b.com,c@d.com",
            "not an address",
            "a@b.com&body=x",
        ] {
            assert!(mailto_link(Some(bad), &e).is_err(), "{bad}");
        }
    }
}
