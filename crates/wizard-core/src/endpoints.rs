//! Base URLs of every remote service the wizard talks to.
//!
//! The defaults are the real hosts. Practice mode and the tests point every
//! service at the built-in sandbox, which serves all of them on one port under
//! the path prefixes listed in [`SANDBOX_PREFIXES`]; a client only ever joins a
//! path onto its base URL, so the real hosts and the sandbox differ by URL alone.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Result, WizardError};
// Where each region's services are is decided here; the region itself lives
// in `crate::regions`.
pub use crate::regions::Region;

/// Where each service lives. All URLs end with `/` so that joining a relative
/// path keeps any prefix (as the sandbox needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// Microsoft identity platform (`login.microsoftonline.com`).
    pub microsoft_login: Url,
    /// Microsoft Graph (`graph.microsoft.com`).
    pub graph: Url,
    /// Nylas v3 API, US region.
    pub nylas_us: Url,
    /// Nylas v3 API, EU region.
    pub nylas_eu: Url,
    /// Nylas v2 API, US region (`api.nylas.com`).
    pub nylas_v2_us: Url,
    /// Nylas v2 API, EU region (`ireland.api.nylas.com`).
    pub nylas_v2_eu: Url,
    /// Nylas v2 beta integrations (Teams), US region.
    pub nylas_beta_us: Url,
    /// Nylas v2 beta integrations (Teams), EU region.
    pub nylas_beta_eu: Url,
}

/// Path prefixes under which the sandbox serves each service, in the order of
/// the [`Endpoints`] fields. The sandbox crate defines the same table from the
/// contract; an integration test checks that they agree.
pub const SANDBOX_PREFIXES: [(&str, &str); 8] = [
    ("microsoft_login", "microsoft-login"),
    ("graph", "graph"),
    ("nylas_us", "nylas-us"),
    ("nylas_eu", "nylas-eu"),
    ("nylas_v2_us", "nylas-v2-us"),
    ("nylas_v2_eu", "nylas-v2-eu"),
    ("nylas_beta_us", "nylas-beta-us"),
    ("nylas_beta_eu", "nylas-beta-eu"),
];

fn url(s: &str) -> Url {
    Url::parse(s).expect("built-in URL is valid")
}

impl Default for Endpoints {
    fn default() -> Self {
        Self::real()
    }
}

impl Endpoints {
    /// The real Microsoft and Nylas hosts.
    pub fn real() -> Self {
        Self {
            microsoft_login: url("https://login.microsoftonline.com/"),
            graph: url("https://graph.microsoft.com/"),
            nylas_us: url("https://api.us.nylas.com/"),
            nylas_eu: url("https://api.eu.nylas.com/"),
            nylas_v2_us: url("https://api.nylas.com/"),
            nylas_v2_eu: url("https://ireland.api.nylas.com/"),
            nylas_beta_us: url("https://beta.us.nylas.com/"),
            nylas_beta_eu: url("https://beta.eu.nylas.com/"),
        }
    }

    /// Every service on a sandbox at `base` (e.g. `http://127.0.0.1:4010/`).
    pub fn sandbox(base: &Url) -> Result<Self> {
        let join = |prefix: &str| {
            base.join(&format!("{prefix}/")).map_err(|e| {
                WizardError::invalid_input(format!(
                    "The sandbox address {base} is not usable: {e}."
                ))
            })
        };
        Ok(Self {
            microsoft_login: join(SANDBOX_PREFIXES[0].1)?,
            graph: join(SANDBOX_PREFIXES[1].1)?,
            nylas_us: join(SANDBOX_PREFIXES[2].1)?,
            nylas_eu: join(SANDBOX_PREFIXES[3].1)?,
            nylas_v2_us: join(SANDBOX_PREFIXES[4].1)?,
            nylas_v2_eu: join(SANDBOX_PREFIXES[5].1)?,
            nylas_beta_us: join(SANDBOX_PREFIXES[6].1)?,
            nylas_beta_eu: join(SANDBOX_PREFIXES[7].1)?,
        })
    }

    /// The real hosts, with any base URL replaced as the environment says:
    /// `NYLAS_WIZARD_SANDBOX_URL` points every service at one sandbox (such
    /// as `nylas-ms-setup sandbox`), and `NYLAS_WIZARD_URL_<SERVICE>` (e.g.
    /// `NYLAS_WIZARD_URL_NYLAS_EU`) replaces one service.
    pub fn from_env() -> Result<Self> {
        Self::with_overrides(|name| std::env::var(name).ok())
    }

    /// [`Endpoints::from_env`] with the variables read through `var`.
    pub fn with_overrides(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let parse = |name: &str, value: String| {
            let mut u = Url::parse(value.trim()).map_err(|e| {
                WizardError::invalid_input(format!("{name} is not a usable address: {e}."))
            })?;
            if !matches!(u.scheme(), "http" | "https") {
                return Err(WizardError::invalid_input(format!(
                    "{name} must be an http or https address."
                )));
            }
            // Joining keeps a path prefix only when the base ends with `/`.
            if !u.path().ends_with('/') {
                u.set_path(&format!("{}/", u.path()));
            }
            Ok(u)
        };
        let mut e = match var("NYLAS_WIZARD_SANDBOX_URL").filter(|v| !v.trim().is_empty()) {
            Some(v) => Self::sandbox(&parse("NYLAS_WIZARD_SANDBOX_URL", v)?)?,
            None => Self::real(),
        };
        for (field, _) in SANDBOX_PREFIXES {
            let name = format!("NYLAS_WIZARD_URL_{}", field.to_ascii_uppercase());
            if let Some(v) = var(&name).filter(|v| !v.trim().is_empty()) {
                *e.field_mut(field) = parse(&name, v)?;
            }
        }
        Ok(e)
    }

    fn field_mut(&mut self, field: &str) -> &mut Url {
        match field {
            "microsoft_login" => &mut self.microsoft_login,
            "graph" => &mut self.graph,
            "nylas_us" => &mut self.nylas_us,
            "nylas_eu" => &mut self.nylas_eu,
            "nylas_v2_us" => &mut self.nylas_v2_us,
            "nylas_v2_eu" => &mut self.nylas_v2_eu,
            "nylas_beta_us" => &mut self.nylas_beta_us,
            "nylas_beta_eu" => &mut self.nylas_beta_eu,
            other => unreachable!("SANDBOX_PREFIXES names no field {other}"),
        }
    }

    /// The Nylas v3 API base for a region.
    pub fn nylas(&self, region: Region) -> &Url {
        match region {
            Region::Us => &self.nylas_us,
            Region::Eu => &self.nylas_eu,
        }
    }

    /// The Nylas v2 API base for a region.
    pub fn nylas_v2(&self, region: Region) -> &Url {
        match region {
            Region::Us => &self.nylas_v2_us,
            Region::Eu => &self.nylas_v2_eu,
        }
    }

    /// The Nylas v2 beta (Teams integrations) base for a region.
    pub fn nylas_beta(&self, region: Region) -> &Url {
        match region {
            Region::Us => &self.nylas_beta_us,
            Region::Eu => &self.nylas_beta_eu,
        }
    }
}

/// Join a relative path (no leading `/`) onto a base URL, keeping the base's
/// path prefix.
pub fn join(base: &Url, path: &str) -> Result<Url> {
    base.join(path.trim_start_matches('/')).map_err(|e| {
        WizardError::internal(format!("Could not build the address {base}{path}: {e}."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_real_hosts() {
        let e = Endpoints::default();
        assert_eq!(e.nylas(Region::Eu).as_str(), "https://api.eu.nylas.com/");
        assert_eq!(
            join(
                &e.microsoft_login,
                "contoso.com/v2.0/.well-known/openid-configuration"
            )
            .unwrap()
            .as_str(),
            "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration"
        );
    }

    #[test]
    fn sandbox_keeps_prefixes() {
        let base = Url::parse("http://127.0.0.1:4010/").unwrap();
        let e = Endpoints::sandbox(&base).unwrap();
        assert_eq!(
            join(&e.nylas_us, "/v3/applications").unwrap().as_str(),
            "http://127.0.0.1:4010/nylas-us/v3/applications"
        );
        assert_eq!(
            e.nylas_beta(Region::Eu).as_str(),
            "http://127.0.0.1:4010/nylas-beta-eu/"
        );
    }

    #[test]
    fn environment_overrides_one_service_or_all() {
        let none = Endpoints::with_overrides(|_| None).unwrap();
        assert_eq!(none, Endpoints::real());

        let one = Endpoints::with_overrides(|k| {
            (k == "NYLAS_WIZARD_URL_NYLAS_EU").then(|| "http://127.0.0.1:9/eu".to_string())
        })
        .unwrap();
        assert_eq!(one.nylas_eu.as_str(), "http://127.0.0.1:9/eu/");
        assert_eq!(one.nylas_us, Endpoints::real().nylas_us);

        let all = Endpoints::with_overrides(|k| {
            (k == "NYLAS_WIZARD_SANDBOX_URL").then(|| "http://127.0.0.1:4010".to_string())
        })
        .unwrap();
        assert_eq!(
            all.microsoft_login.as_str(),
            "http://127.0.0.1:4010/microsoft-login/"
        );
        assert_eq!(all.graph.as_str(), "http://127.0.0.1:4010/graph/");

        let bad = Endpoints::with_overrides(|k| {
            (k == "NYLAS_WIZARD_URL_GRAPH").then(|| "ftp://example.com/".to_string())
        })
        .unwrap_err();
        assert_eq!(bad.code, crate::error::ErrorCode::InvalidInput);
        assert!(
            bad.message.contains("NYLAS_WIZARD_URL_GRAPH"),
            "{}",
            bad.message
        );
    }
}
