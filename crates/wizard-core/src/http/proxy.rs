//! Which proxy the client goes through, and the one rule that beats every
//! setting: loopback (the practice simulator, the tests) is always direct.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::{Host, Url};

use crate::error::{Result, WizardError};

/// How calls to the real services reach the internet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
pub enum ProxySetting {
    /// The computer's own settings: `HTTPS_PROXY` / `HTTP_PROXY` /
    /// `NO_PROXY` (and `ALL_PROXY`), else the Windows or macOS system proxy.
    #[default]
    System,
    /// A proxy the admin typed, such as `http://proxy.example.com:8080`.
    Manual { url: String },
    /// Never use a proxy.
    None,
}

impl ProxySetting {
    /// A manual proxy from what the admin typed; a bare `host:port` means
    /// `http://host:port` (how most IT departments write it).
    pub fn manual(text: &str) -> Result<Self> {
        let url = manual_url(text)?;
        Ok(ProxySetting::Manual { url: url.into() })
    }

    /// The setting with a manual address checked and written out in full.
    pub fn checked(&self) -> Result<Self> {
        match self {
            ProxySetting::Manual { url } => Self::manual(url),
            other => Ok(other.clone()),
        }
    }
}

/// The proxy URL of a manual setting, checked. Credentials are refused: the
/// setting is shown and may be saved, and a password must not be.
pub(crate) fn manual_url(text: &str) -> Result<Url> {
    let text = text.trim();
    let bad = |why: &str| {
        // The text is not repeated: it may hold a password.
        WizardError::invalid_input(format!("That is not a proxy address we can use: {why}."))
            .with_hint(
            "Type it as your IT department gives it, for example http://proxy.example.com:8080.",
        )
    };
    if text.is_empty() {
        return Err(bad("it is empty"));
    }
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| bad("it is not a web address"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http:// and https:// proxies are supported"));
    }
    if url.host().is_none() {
        return Err(bad("it names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(WizardError::invalid_input(
            "A proxy address with a user name or password cannot be saved in the wizard.",
        )
        .with_hint(
            "Set the proxy (with its sign-in) in your computer's network settings or the \
             HTTPS_PROXY environment variable, and choose \"Use the computer's settings\".",
        ));
    }
    Ok(url)
}

/// `127.0.0.0/8`, `::1`, `localhost` and `*.localhost`: this machine. A
/// company proxy cannot reach them, so they are never proxied.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

/// Apply `setting` to a client builder (for the non-loopback hosts).
pub(crate) fn apply(
    setting: &ProxySetting,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder> {
    Ok(match setting {
        // reqwest's default: the environment variables, then (feature
        // `system-proxy`) the Windows registry or macOS SystemConfiguration.
        ProxySetting::System => builder,
        ProxySetting::Manual { url } => {
            let url = manual_url(url)?;
            let proxy = reqwest::Proxy::all(url.as_str()).map_err(|e| {
                WizardError::invalid_input(format!("The proxy address {url} cannot be used: {e}."))
            })?;
            builder.proxy(proxy)
        }
        ProxySetting::None => builder.no_proxy(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for yes in [
            "http://127.0.0.1:4010/",
            "http://127.8.9.10/",
            "http://[::1]:80/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:1/",
            "http://LocalHost./",
            "http://sandbox.localhost/",
        ] {
            assert!(is_loopback(&Url::parse(yes).unwrap()), "{yes}");
        }
        for no in [
            "https://login.microsoftonline.com/",
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.example.com/",
            "http://nylas.test/",
        ] {
            assert!(!is_loopback(&Url::parse(no).unwrap()), "{no}");
        }
    }

    #[test]
    fn manual_addresses() {
        assert_eq!(
            ProxySetting::manual(" proxy.corp:8080 ").unwrap(),
            ProxySetting::Manual {
                url: "http://proxy.corp:8080/".into()
            }
        );
        assert_eq!(
            ProxySetting::manual("https://proxy.corp").unwrap(),
            ProxySetting::Manual {
                url: "https://proxy.corp/".into()
            }
        );
        for bad in ["", "socks5://proxy:1080", "http://", "not a url at all"] {
            let e = ProxySetting::manual(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidInput, "{bad}");
        }
        let e = ProxySetting::manual("http://me:hunter2@proxy:8080").unwrap_err();
        assert!(!e.message.contains("hunter2"), "{}", e.message);
        assert!(e.hint.unwrap().contains("HTTPS_PROXY"));
    }

    #[test]
    fn serialises_with_a_mode_tag() {
        let v = serde_json::to_value(ProxySetting::Manual {
            url: "http://p:1/".into(),
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"mode": "manual", "url": "http://p:1/"})
        );
        let s: ProxySetting = serde_json::from_str(r#"{"mode":"system"}"#).unwrap();
        assert_eq!(s, ProxySetting::System);
    }
}
