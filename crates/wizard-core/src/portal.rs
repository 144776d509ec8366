//! Links into the Azure portal (the App registrations list, each blade of an
//! app registration) and Microsoft's admin-consent page: the one place that
//! builds them, for the audit, diagnose and the window (through the session).
//! The window never hands us a URL to open: it names a page by intent (a
//! [`PortalPage`], a consent for a tenant and app, a [`DocTopic`]) and the
//! link is built here from checked parts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::ids::{is_domain, is_guid};

/// A blade of the app registration in the Azure portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
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

/// A page of the Azure portal: the blade of one app, or the App
/// registrations list when `app_id` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortalPage {
    pub blade: Blade,
    /// The app's client ID (a lower-case GUID), when known.
    pub app_id: Option<String>,
}

impl PortalPage {
    /// The page for `app_id`'s blade; an id that isn't a GUID is dropped
    /// (the link then goes to the App registrations list).
    pub fn new(blade: Blade, app_id: Option<&str>) -> Self {
        Self {
            blade,
            app_id: app_id.filter(|id| is_guid(id)).map(str::to_ascii_lowercase),
        }
    }

    /// The link, refusing an app id that isn't a GUID (the window asked
    /// for it, so silently opening another page would mislead).
    pub fn url(&self) -> Result<String> {
        match self.app_id.as_deref() {
            Some(id) if !is_guid(id) => Err(WizardError::invalid_input(format!(
                "\"{id}\" isn't an Application (client) ID, so there is no portal page to open."
            ))),
            id => Ok(portal_link(id, self.blade)),
        }
    }
}

/// Pages outside the portal the window may open, each with a fixed address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "topic", rename_all = "snake_case")]
#[ts(export)]
pub enum DocTopic {
    /// Microsoft's page on AADSTS50011 (redirect URI mismatch).
    RedirectUriMismatch,
    /// Microsoft's page on creating a new client secret.
    NewClientSecret,
    /// The Nylas v3 dashboard (where the API key and region are).
    NylasDashboard,
    /// Microsoft's error look-up page for one AADSTS code.
    MicrosoftError { code: u32 },
    /// The Nylas documentation's start page.
    NylasDocs,
    /// Nylas's guide "Create an Azure auth app".
    NylasAzureAppGuide,
    /// Microsoft: grant tenant-wide admin consent to an application.
    MicrosoftAdminConsent,
    /// Microsoft: register an application (app registrations).
    MicrosoftRegisterApp,
    /// Microsoft: find your tenant ID.
    MicrosoftTenantId,
    /// Microsoft: the app manifest, attribute by attribute.
    MicrosoftManifest,
    /// Microsoft: redirect URI (reply URL) rules.
    MicrosoftRedirectUri,
    /// Microsoft: add a client secret (credentials).
    MicrosoftClientSecret,
    /// Nylas: hosted OAuth with an API key (what the admin's own app does next).
    NylasHostedAuth,
    /// Nylas: troubleshooting authentication.
    NylasAuthTroubleshooting,
}

impl DocTopic {
    pub fn url(self) -> String {
        match self {
            DocTopic::RedirectUriMismatch => "https://aka.ms/redirectUriMismatchError".into(),
            DocTopic::NewClientSecret => "https://aka.ms/NewClientSecret".into(),
            DocTopic::NylasDashboard => "https://dashboard-v3.nylas.com/".into(),
            DocTopic::MicrosoftError { code } => {
                format!("https://login.microsoftonline.com/error?code={code}")
            }
            DocTopic::NylasDocs => "https://developer.nylas.com/docs/".into(),
            DocTopic::NylasAzureAppGuide => {
                "https://developer.nylas.com/docs/dev-guide/provider-guides/microsoft/create-azure-app/".into()
            }
            DocTopic::MicrosoftAdminConsent => "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent".into(),
            DocTopic::MicrosoftRegisterApp => "https://learn.microsoft.com/en-us/entra/identity-platform/quickstart-register-app".into(),
            DocTopic::MicrosoftTenantId => "https://learn.microsoft.com/en-us/entra/fundamentals/how-to-find-tenant".into(),
            DocTopic::MicrosoftManifest => "https://learn.microsoft.com/en-us/entra/identity-platform/reference-microsoft-graph-app-manifest".into(),
            DocTopic::MicrosoftRedirectUri => "https://learn.microsoft.com/en-us/entra/identity-platform/reply-url".into(),
            DocTopic::MicrosoftClientSecret => "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials".into(),
            DocTopic::NylasHostedAuth => "https://developer.nylas.com/docs/v3/auth/hosted-oauth-apikey/".into(),
            DocTopic::NylasAuthTroubleshooting => "https://developer.nylas.com/docs/v3/auth/troubleshooting/".into(),
        }
    }
}

/// The admin-consent link the window asked for: the app id must be a GUID
/// and the tenant, when given, a tenant ID or a domain; anything else is
/// refused rather than replaced.
pub fn consent_link(tenant: Option<&str>, client_id: &str) -> Result<String> {
    if let Some(t) = tenant.map(str::trim).filter(|t| !t.is_empty()) {
        if !is_safe_tenant(t) && !t.eq_ignore_ascii_case("organizations") {
            return Err(WizardError::invalid_input(format!(
                "\"{t}\" isn't a tenant ID or a domain, so there is no admin-consent page to open."
            )));
        }
    }
    admin_consent_url(tenant, client_id).ok_or_else(|| {
        WizardError::invalid_input(format!(
            "\"{client_id}\" isn't an Application (client) ID, so there is no admin-consent page to open."
        ))
    })
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
    fn pages_by_intent_refuse_unchecked_parts() {
        let page = PortalPage::new(Blade::Credentials, Some(&ID.to_uppercase()));
        assert_eq!(page.app_id.as_deref(), Some(ID));
        assert!(page
            .url()
            .unwrap()
            .ends_with(&format!("/Credentials/appId/{ID}")));
        assert_eq!(PortalPage::new(Blade::Overview, Some("nope")).app_id, None);
        let forged = PortalPage {
            blade: Blade::Overview,
            app_id: Some("x/../../evil".into()),
        };
        assert!(forged.url().is_err());
        assert_eq!(
            PortalPage::new(Blade::Overview, None).url().unwrap(),
            APP_REGISTRATIONS
        );

        assert!(consent_link(Some("contoso.com"), ID).is_ok());
        assert!(consent_link(None, ID).unwrap().contains("/organizations/"));
        assert!(consent_link(Some("evil.example/x?y"), ID).is_err());
        assert!(consent_link(Some("contoso.com"), "not-a-guid").is_err());

        assert_eq!(
            DocTopic::MicrosoftError { code: 50011 }.url(),
            "https://login.microsoftonline.com/error?code=50011"
        );
        let json = serde_json::to_value(DocTopic::MicrosoftError { code: 7 }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"topic": "microsoft_error", "code": 7})
        );
        assert_eq!(
            serde_json::from_value::<DocTopic>(serde_json::json!({"topic": "nylas_dashboard"}))
                .unwrap(),
            DocTopic::NylasDashboard
        );
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
