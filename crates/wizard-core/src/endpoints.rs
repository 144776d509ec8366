//! Base URLs of every remote service the wizard talks to.
//!
//! The defaults are the real hosts. Practice mode and the tests point every
//! service at the built-in sandbox, which serves all of them on one port under
//! the path prefix of each [`Service`]; a client only ever joins a path onto
//! its base URL, so the real hosts and the sandbox differ by URL alone.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};
use ts_rs::TS;
use url::{Host, Url};

use crate::error::{Result, WizardError};
// Where each region's services are is decided here; the region itself lives
// in `crate::regions`.
use crate::regions::Region;

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

/// A remote service: one base URL in [`Endpoints`] each. The names give the
/// sandbox's path prefix (`nylas-v2-eu`) and the variable that replaces the
/// base URL (`NYLAS_WIZARD_URL_NYLAS_V2_EU`). The sandbox crate defines the
/// same prefixes from the contract; an integration test checks that they
/// agree.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Service {
    MicrosoftLogin,
    Graph,
    NylasUs,
    NylasEu,
    NylasV2Us,
    NylasV2Eu,
    NylasBetaUs,
    NylasBetaEu,
}

impl Service {
    /// Every service, in the order of the [`Endpoints`] fields.
    pub const ALL: [Service; Service::COUNT] = crate::names::array(Service::VARIANTS);

    /// The path prefix the sandbox serves this service under.
    pub fn sandbox_prefix(self) -> &'static str {
        self.into()
    }

    /// The service in plain words, for the window's banner.
    pub fn label(self) -> &'static str {
        match self {
            Service::MicrosoftLogin => "Microsoft sign-in",
            Service::Graph => "Microsoft Graph",
            Service::NylasUs => "Nylas v3 (US)",
            Service::NylasEu => "Nylas v3 (EU)",
            Service::NylasV2Us => "Nylas v2 (US)",
            Service::NylasV2Eu => "Nylas v2 (EU)",
            Service::NylasBetaUs => "Nylas Teams beta (US)",
            Service::NylasBetaEu => "Nylas Teams beta (EU)",
        }
    }

    /// The environment variable that replaces this service's base URL.
    pub fn env_var(self) -> String {
        format!(
            "NYLAS_WIZARD_URL_{}",
            self.sandbox_prefix().replace('-', "_").to_ascii_uppercase()
        )
    }
}

/// A service whose base URL is not the real host: the window names each in
/// a banner, so nobody mistakes a support or test setup for the real one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EndpointOverride {
    /// The service in plain words ("Microsoft Graph").
    pub service: String,
    /// The variable that set it (`NYLAS_WIZARD_URL_GRAPH`).
    pub variable: String,
    /// Where its calls go instead.
    pub url: String,
}

/// Only this computer may be reached over plain http: anything else must be
/// https, so an override can't send secrets across a network in clear text.
fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

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
        let mut e = Self::real();
        for service in Service::ALL {
            let prefix = service.sandbox_prefix();
            *e.url_mut(service) = base.join(&format!("{prefix}/")).map_err(|err| {
                WizardError::invalid_input(format!(
                    "The sandbox address {base} is not usable: {err}."
                ))
            })?;
        }
        Ok(e)
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
            match u.scheme() {
                "https" => {}
                "http" if is_loopback(&u) => {}
                "http" => {
                    return Err(WizardError::invalid_input(format!(
                        "{name} uses http:// for {}, which would send secrets unencrypted.",
                        u.host_str().unwrap_or("another computer")
                    ))
                    .with_hint("Use an https:// address; plain http:// is allowed only for this computer (127.0.0.1, ::1 or localhost)."));
                }
                _ => {
                    return Err(WizardError::invalid_input(format!(
                        "{name} must be an https address (or http:// on this computer)."
                    )))
                }
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
        for service in Service::ALL {
            let name = service.env_var();
            if let Some(v) = var(&name).filter(|v| !v.trim().is_empty()) {
                *e.url_mut(service) = parse(&name, v)?;
            }
        }
        Ok(e)
    }

    /// Every service that doesn't go to its real host, in [`Service::ALL`]
    /// order; empty for the real hosts. All of them on one sandbox (as
    /// `NYLAS_WIZARD_SANDBOX_URL` sets them) is said once, with its address.
    pub fn overrides(&self) -> Vec<EndpointOverride> {
        let real = Self::real();
        let one_base = Service::ALL.iter().try_fold(None::<&str>, |base, s| {
            let b = self
                .url(*s)
                .as_str()
                .strip_suffix(&format!("{}/", s.sandbox_prefix()))?;
            match base {
                Some(seen) if seen != b => None,
                _ => Some(Some(b)),
            }
        });
        if let Some(Some(base)) = one_base {
            return vec![EndpointOverride {
                service: "Every Microsoft and Nylas service".to_owned(),
                variable: "NYLAS_WIZARD_SANDBOX_URL".to_owned(),
                url: base.to_owned(),
            }];
        }
        Service::ALL
            .into_iter()
            .filter(|s| self.url(*s) != real.url(*s))
            .map(|s| EndpointOverride {
                service: s.label().to_owned(),
                variable: s.env_var(),
                url: self.url(s).to_string(),
            })
            .collect()
    }

    /// The base URL of one service.
    pub fn url(&self, service: Service) -> &Url {
        match service {
            Service::MicrosoftLogin => &self.microsoft_login,
            Service::Graph => &self.graph,
            Service::NylasUs => &self.nylas_us,
            Service::NylasEu => &self.nylas_eu,
            Service::NylasV2Us => &self.nylas_v2_us,
            Service::NylasV2Eu => &self.nylas_v2_eu,
            Service::NylasBetaUs => &self.nylas_beta_us,
            Service::NylasBetaEu => &self.nylas_beta_eu,
        }
    }

    fn url_mut(&mut self, service: Service) -> &mut Url {
        match service {
            Service::MicrosoftLogin => &mut self.microsoft_login,
            Service::Graph => &mut self.graph,
            Service::NylasUs => &mut self.nylas_us,
            Service::NylasEu => &mut self.nylas_eu,
            Service::NylasV2Us => &mut self.nylas_v2_us,
            Service::NylasV2Eu => &mut self.nylas_v2_eu,
            Service::NylasBetaUs => &mut self.nylas_beta_us,
            Service::NylasBetaEu => &mut self.nylas_beta_eu,
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
    fn services_name_their_prefix_and_variable() {
        let prefixes: Vec<&str> = Service::ALL.iter().map(|s| s.sandbox_prefix()).collect();
        assert_eq!(
            prefixes,
            [
                "microsoft-login",
                "graph",
                "nylas-us",
                "nylas-eu",
                "nylas-v2-us",
                "nylas-v2-eu",
                "nylas-beta-us",
                "nylas-beta-eu"
            ]
        );
        assert_eq!(Service::NylasV2Eu.env_var(), "NYLAS_WIZARD_URL_NYLAS_V2_EU");
        assert_eq!(
            Service::MicrosoftLogin.env_var(),
            "NYLAS_WIZARD_URL_MICROSOFT_LOGIN"
        );
        // The README lists every variable an admin or support may set.
        let readme = include_str!("../../../README.md");
        for s in Service::ALL {
            let suffix = s.env_var().replace("NYLAS_WIZARD_URL_", "");
            assert!(
                readme.contains(&format!("`{suffix}`")),
                "README lists {suffix}"
            );
        }
    }

    #[test]
    fn every_service_is_pointed_at_the_sandbox_or_overridden() {
        let base = Url::parse("http://127.0.0.1:4010/").unwrap();
        let e = Endpoints::sandbox(&base).unwrap();
        let real = Endpoints::real();
        for s in Service::ALL {
            assert_eq!(
                e.url(s).as_str(),
                format!("http://127.0.0.1:4010/{}/", s.sandbox_prefix())
            );
            let one = Endpoints::with_overrides(|k| {
                (k == s.env_var()).then(|| "http://127.0.0.1:9/x".to_string())
            })
            .unwrap();
            for other in Service::ALL {
                let want = if other == s {
                    "http://127.0.0.1:9/x/"
                } else {
                    real.url(other).as_str()
                };
                assert_eq!(one.url(other).as_str(), want, "{s:?} → {other:?}");
            }
        }
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
        assert_eq!(bad.code, crate::error::ErrorCode::InvalidInput);
        assert!(
            bad.message.contains("NYLAS_WIZARD_URL_GRAPH"),
            "{}",
            bad.message
        );
    }

    #[test]
    fn plain_http_only_reaches_this_computer() {
        let with = |v: &str| {
            let v = v.to_owned();
            Endpoints::with_overrides(move |k| (k == "NYLAS_WIZARD_URL_GRAPH").then(|| v.clone()))
        };
        for ok in [
            "http://127.0.0.1:9/",
            "http://127.8.0.1/",
            "http://[::1]:4010/",
            "http://localhost:4010/",
            "http://LOCALHOST/",
            "https://graph.example.com/",
        ] {
            assert!(with(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://graph.example.com/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://127.0.0.1.example.com/",
            "http://[::2]/",
            "file:///etc/passwd",
        ] {
            let e = with(bad).unwrap_err();
            assert_eq!(e.code, crate::error::ErrorCode::InvalidInput, "{bad}");
            assert!(
                e.message.contains("NYLAS_WIZARD_URL_GRAPH"),
                "{}",
                e.message
            );
        }
        // The one-sandbox variable follows the same rule.
        let e = Endpoints::with_overrides(|k| {
            (k == "NYLAS_WIZARD_SANDBOX_URL").then(|| "http://sandbox.example.com/".to_string())
        })
        .unwrap_err();
        assert!(e.message.contains("http://"), "{}", e.message);
        assert!(e.hint.unwrap().contains("127.0.0.1"));
    }

    #[test]
    fn overrides_name_each_replaced_service() {
        assert!(Endpoints::real().overrides().is_empty());
        let one = Endpoints::with_overrides(|k| {
            (k == "NYLAS_WIZARD_URL_NYLAS_EU").then(|| "https://eu.proxy.example/".to_string())
        })
        .unwrap();
        assert_eq!(
            one.overrides(),
            [EndpointOverride {
                service: "Nylas v3 (EU)".into(),
                variable: "NYLAS_WIZARD_URL_NYLAS_EU".into(),
                url: "https://eu.proxy.example/".into(),
            }]
        );
        // One sandbox for all is said once.
        let all = Endpoints::sandbox(&Url::parse("http://127.0.0.1:4010/").unwrap()).unwrap();
        assert_eq!(
            all.overrides(),
            [EndpointOverride {
                service: "Every Microsoft and Nylas service".into(),
                variable: "NYLAS_WIZARD_SANDBOX_URL".into(),
                url: "http://127.0.0.1:4010/".into(),
            }]
        );
        // A sandbox with one service pointed elsewhere again names each.
        let mixed = Endpoints::with_overrides(|k| match k {
            "NYLAS_WIZARD_SANDBOX_URL" => Some("http://127.0.0.1:4010/".into()),
            "NYLAS_WIZARD_URL_GRAPH" => Some("https://graph.proxy.example/".into()),
            _ => None,
        })
        .unwrap();
        let names: Vec<String> = mixed.overrides().into_iter().map(|o| o.variable).collect();
        let every: Vec<String> = Service::ALL.iter().map(|s| s.env_var()).collect();
        assert_eq!(names, every);
    }
}
