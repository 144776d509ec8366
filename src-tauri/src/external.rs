//! Links the window may open in the system browser, by intent: it names a
//! portal blade, an admin consent or a help topic, never a URL, and the link
//! is built in wizard-core from checked parts. The host allowlist stays as a
//! last guard, so even a bug in building a link can't open anything but a
//! Microsoft or Nylas page over https (or a local file, or another scheme).

use url::Url;
use wizard_core::portal::{consent_link, DocTopic, PortalPage};
use wizard_core::WizardError;

const ALLOWED_HOSTS: &[&str] = &[
    "portal.azure.com",
    "login.microsoftonline.com",
    "aka.ms",
    "dashboard-v3.nylas.com",
    // Documentation pages the not-built steps and the in-place help link to
    // (DocTopic::Nylas* / Microsoft*).
    "developer.nylas.com",
    "learn.microsoft.com",
];

/// The portal page's link.
pub fn portal(page: &PortalPage) -> Result<Url, WizardError> {
    allowed(&page.url()?)
}

/// The admin-consent page's link.
pub fn consent(tenant: Option<&str>, client_id: &str) -> Result<Url, WizardError> {
    allowed(&consent_link(tenant, client_id)?)
}

/// The help page's link.
pub fn docs(topic: DocTopic) -> Result<Url, WizardError> {
    allowed(&topic.url())
}

/// A `mailto:` link built by wizard-core (the Global Admin hand-off): no
/// recipient or one plain address, and only a subject and a body, so a bug
/// can't add recipients or headers.
pub fn mailto(raw: &str) -> Result<Url, WizardError> {
    let refuse = || WizardError::invalid_input("The wizard only opens its own email request.");
    let url = Url::parse(raw).map_err(|_| refuse())?;
    let to = url.path();
    let to_ok = to.is_empty() || (to.matches('@').count() == 1 && !to.contains([',', ';', '%']));
    let keys_ok = url
        .query_pairs()
        .all(|(k, _)| k == "subject" || k == "body");
    if url.scheme() == "mailto" && to_ok && keys_ok {
        Ok(url)
    } else {
        Err(refuse())
    }
}

fn allowed(raw: &str) -> Result<Url, WizardError> {
    let refuse = || {
        WizardError::invalid_input(format!(
            "The wizard only opens Microsoft and Nylas pages, not {raw}."
        ))
    };
    let url = Url::parse(raw).map_err(|_| refuse())?;
    let host_ok = url
        .host_str()
        .is_some_and(|h| ALLOWED_HOSTS.contains(&h.to_ascii_lowercase().as_str()));
    if url.scheme() == "https" && host_ok && url.username().is_empty() && url.password().is_none() {
        Ok(url)
    } else {
        Err(refuse())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wizard_core::portal::Blade;

    const ID: &str = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";

    #[test]
    fn mailto_allows_one_plain_recipient_subject_and_body() {
        assert!(mailto("mailto:?subject=Hi&body=Hello%20there").is_ok());
        assert!(mailto("mailto:it@contoso.com?subject=Hi").is_ok());
        assert!(mailto("mailto:a@b.com,c@d.com?subject=Hi").is_err());
        assert!(mailto("mailto:a@b.com?bcc=x@evil.com").is_err());
        assert!(mailto("https://portal.azure.com/").is_err());
    }

    #[test]
    fn the_last_guard_allows_only_microsoft_and_nylas_https() {
        assert!(allowed("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps").is_ok());
        assert!(allowed("http://portal.azure.com/").is_err());
        assert!(allowed("https://portal.azure.com.evil.example/").is_err());
        assert!(allowed("file:///etc/passwd").is_err());
        assert!(allowed("https://user:pw@portal.azure.com/").is_err());
        assert!(allowed("not a url").is_err());
    }

    #[test]
    fn every_link_built_by_intent_passes_the_guard() {
        for blade in [
            Blade::Overview,
            Blade::Authentication,
            Blade::ApiPermissions,
            Blade::Credentials,
            Blade::Manifest,
            Blade::Branding,
        ] {
            for id in [None, Some(ID)] {
                assert!(portal(&PortalPage::new(blade, id)).is_ok(), "{blade:?}");
            }
        }
        assert!(consent(Some("contoso.com"), ID).is_ok());
        assert!(consent(None, ID).is_ok());
        for topic in [
            DocTopic::RedirectUriMismatch,
            DocTopic::NewClientSecret,
            DocTopic::NylasDashboard,
            DocTopic::MicrosoftError { code: 50011 },
            DocTopic::NylasDocs,
            DocTopic::NylasAzureAppGuide,
            DocTopic::MicrosoftAdminConsent,
            DocTopic::MicrosoftRegisterApp,
            DocTopic::MicrosoftTenantId,
            DocTopic::MicrosoftManifest,
            DocTopic::MicrosoftRedirectUri,
            DocTopic::MicrosoftClientSecret,
            DocTopic::NylasHostedAuth,
            DocTopic::NylasAuthTroubleshooting,
        ] {
            assert!(docs(topic).is_ok(), "{topic:?}");
        }
    }
}
