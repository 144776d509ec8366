//! Which links the web view may ask us to open in the system browser: only
//! Microsoft and Nylas pages over https, so a compromised page can't use us
//! to launch arbitrary URLs or local files.

use url::Url;
use wizard_core::WizardError;

const ALLOWED_HOSTS: &[&str] = &[
    "portal.azure.com",
    "entra.microsoft.com",
    "learn.microsoft.com",
    "login.microsoftonline.com",
    "aka.ms",
    "developer.nylas.com",
    "dashboard-v3.nylas.com",
    "dashboard.nylas.com",
    "support.nylas.com",
];

pub fn allowed(raw: &str) -> Result<Url, WizardError> {
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

    #[test]
    fn only_microsoft_and_nylas_https() {
        assert!(allowed("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps").is_ok());
        assert!(allowed("https://developer.nylas.com/docs/").is_ok());
        assert!(allowed("http://portal.azure.com/").is_err());
        assert!(allowed("https://portal.azure.com.evil.example/").is_err());
        assert!(allowed("file:///etc/passwd").is_err());
        assert!(allowed("https://user:pw@portal.azure.com/").is_err());
        assert!(allowed("not a url").is_err());
    }
}
