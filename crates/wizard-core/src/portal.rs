//! Links into the Azure portal (the App registrations list, each blade of an
//! app registration) and Microsoft's admin-consent page: the one place that
//! builds them, for the audit, diagnose and the window (through the session).

use crate::ids::{is_domain, is_guid};

/// A blade of the app registration in the Azure portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blade {
    Overview,
    Authentication,
    /// "API permissions".
    ApiPermissions,
    /// "Certificates & secrets".
    Credentials,
    Manifest,
    /// "Branding & properties".
    Branding,
}

impl Blade {
    fn segment(self) -> &'static str {
        match self {
            Blade::Overview => "Overview",
            Blade::Authentication => "Authentication",
            Blade::ApiPermissions => "CallAnAPI",
            Blade::Credentials => "Credentials",
            Blade::Manifest => "Manifest",
            Blade::Branding => "Branding",
        }
    }
}

/// The app registrations list, for when we don't know a usable app id.
pub const APP_REGISTRATIONS: &str =
    "https://portal.azure.com/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/RegisteredApps";

/// The exact blade for this app, or the app list when the id isn't a GUID
/// (never put unchecked text into a link).
pub fn portal_link(app_id: Option<&str>, blade: Blade) -> String {
    match app_id.filter(|id| is_guid(id)) {
        Some(id) => format!(
            "https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/{}/appId/{}",
            blade.segment(),
            id.to_ascii_lowercase()
        ),
        None => APP_REGISTRATIONS.to_owned(),
    }
}

/// The v1 admin-consent URL: grants every permission the app registration
/// lists, for one tenant (or any organisation's admin with `organizations`).
pub fn admin_consent_url(tenant: Option<&str>, app_id: &str) -> Option<String> {
    if !is_guid(app_id) {
        return None;
    }
    let tenant = tenant
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("common") && is_safe_tenant(t))
        .unwrap_or("organizations");
    Some(format!(
        "https://login.microsoftonline.com/{tenant}/adminconsent?client_id={}",
        app_id.to_ascii_lowercase()
    ))
}

/// A GUID or a DNS name: safe to put in a URL path as is.
fn is_safe_tenant(t: &str) -> bool {
    is_guid(t) || is_domain(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";

    #[test]
    fn links_to_the_exact_blade() {
        assert_eq!(
            portal_link(Some(ID), Blade::ApiPermissions),
            format!("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/{ID}")
        );
        assert_eq!(
            portal_link(Some("x\"><script>"), Blade::Overview),
            APP_REGISTRATIONS
        );
        assert_eq!(portal_link(None, Blade::Overview), APP_REGISTRATIONS);
    }

    #[test]
    fn consent_url_never_uses_common() {
        assert_eq!(
            admin_consent_url(Some("common"), ID).unwrap(),
            format!("https://login.microsoftonline.com/organizations/adminconsent?client_id={ID}")
        );
        assert!(admin_consent_url(Some("contoso.com"), ID)
            .unwrap()
            .contains("/contoso.com/"));
        assert!(admin_consent_url(None, "nope").is_none());
    }
}
