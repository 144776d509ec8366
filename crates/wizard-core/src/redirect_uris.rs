//! The redirect URIs Microsoft must know (per path and Nylas region), and
//! validation of the customer's own callback URIs (registered with the Nylas
//! application).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paths::AuditPath;
use crate::regions::Region;

/// Which Nylas service a redirect URI belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum NylasHost {
    /// v3 hosted auth (`api.{us,eu}.nylas.com/v3/connect/callback`).
    V3,
    /// v2 beta integrations, used for Teams (`beta.{us,eu}.nylas.com`).
    Beta,
    /// v2 hosted auth (`api.nylas.com`, `ireland.api.nylas.com`).
    V2,
}

impl NylasHost {
    pub fn label(self) -> &'static str {
        match self {
            NylasHost::V3 => "Nylas v3",
            NylasHost::Beta => "Nylas Teams (beta)",
            NylasHost::V2 => "Nylas v2",
        }
    }
}

/// Every Nylas redirect URI, exactly as it must appear on the Web platform.
/// The v2 pair is the one Nylas's v2 documentation gives for hosted auth.
pub const NYLAS_REDIRECT_URIS: [(NylasHost, Region, &str); 6] = [
    (
        NylasHost::V3,
        Region::Us,
        "https://api.us.nylas.com/v3/connect/callback",
    ),
    (
        NylasHost::V3,
        Region::Eu,
        "https://api.eu.nylas.com/v3/connect/callback",
    ),
    (
        NylasHost::Beta,
        Region::Us,
        "https://beta.us.nylas.com/connect/callback",
    ),
    (
        NylasHost::Beta,
        Region::Eu,
        "https://beta.eu.nylas.com/connect/callback",
    ),
    (
        NylasHost::V2,
        Region::Us,
        "https://api.nylas.com/oauth/callback",
    ),
    (
        NylasHost::V2,
        Region::Eu,
        "https://ireland.api.nylas.com/oauth/callback",
    ),
];

/// The Nylas redirect URI of a service in a region.
pub fn nylas_redirect_uri(host: NylasHost, region: Region) -> &'static str {
    NYLAS_REDIRECT_URIS
        .iter()
        .find(|(h, r, _)| *h == host && *r == region)
        .map(|(_, _, u)| *u)
        .expect("every host has both regions")
}

/// Which host a path signs users in through.
pub fn host_for(path: AuditPath) -> NylasHost {
    match path {
        AuditPath::V3 => NylasHost::V3,
        AuditPath::Teams => NylasHost::Beta,
        AuditPath::V2Events => NylasHost::V2,
    }
}

/// The redirect URIs to put on the Azure app's Web platform for a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RedirectUriSet {
    pub path: AuditPath,
    pub region: Region,
    /// Must be on the Web platform, byte for byte.
    pub required: Vec<String>,
    /// Needed only in some setups (v2 Hosted Auth); explained in `note`.
    pub optional: Vec<String>,
    /// Where they go, in the portal's words.
    pub portal_location: String,
    /// One plain sentence about these URIs.
    pub note: String,
}

/// The redirect URIs for a path in a region.
pub fn redirect_uris(path: AuditPath, region: Region) -> RedirectUriSet {
    let uri = nylas_redirect_uri(host_for(path), region).to_owned();
    let (required, optional, note) = match path {
        AuditPath::V3 => (
            vec![uri],
            vec![],
            "Nylas v3 hosted authentication sends users back to this address after they sign in with Microsoft.",
        ),
        AuditPath::Teams => (
            vec![uri],
            vec![],
            "The Teams integration runs on Nylas's beta service, which uses its own redirect URI.",
        ),
        AuditPath::V2Events => (
            vec![],
            vec![uri],
            "Nylas v2 Hosted Auth needs this address; with Native Auth you use your own redirect URI instead.",
        ),
    };
    RedirectUriSet {
        path,
        region,
        required,
        optional,
        portal_location: "Authentication → Platform configurations → Web".into(),
        note: note.into(),
    }
}

/// A registered URI that is close to a Nylas redirect URI, found by comparing
/// loosely (case, trailing slash, http/https).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownNylasUri {
    pub host: NylasHost,
    pub region: Region,
    pub uri: &'static str,
}

/// Lower-case, https, no trailing slash: only for spotting near misses.
pub fn loose_form(uri: &str) -> String {
    let mut s = uri.trim().to_ascii_lowercase();
    if let Some(rest) = s.strip_prefix("http://") {
        s = format!("https://{rest}");
    }
    while s.ends_with('/') {
        s.pop();
    }
    s
}

/// The Nylas redirect URI this one loosely equals, if any.
pub fn classify_nylas_uri(uri: &str) -> Option<KnownNylasUri> {
    let loose = loose_form(uri);
    NYLAS_REDIRECT_URIS
        .iter()
        .find(|(_, _, u)| loose_form(u) == loose)
        .map(|&(host, region, uri)| KnownNylasUri { host, region, uri })
}

/// The result of checking one of the customer's own callback URIs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CallbackValidation {
    pub uri: String,
    /// False when Nylas would refuse it.
    pub valid: bool,
    /// Why it would be refused, one plain sentence each.
    pub problems: Vec<String>,
    /// Things worth a look that don't block it.
    pub warnings: Vec<String>,
}

/// The longest redirect URI Microsoft and Nylas accept.
pub const MAX_URI_LEN: usize = 256;

/// Checks a callback URI of the customer's own app: https (or
/// `http://localhost`), no fragment, no wildcard, at most 256 characters.
pub fn validate_callback_uri(uri: &str) -> CallbackValidation {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let trimmed = uri.trim();
    if trimmed != uri {
        warnings.push(
            "It has spaces at the start or end; we ignored them, but copy it without them.".into(),
        );
    }
    let len = trimmed.chars().count();
    if trimmed.is_empty() {
        problems.push("It is empty.".into());
    } else if len > MAX_URI_LEN {
        problems.push(format!(
            "It is {len} characters long; the limit is {MAX_URI_LEN}."
        ));
    }
    if trimmed.contains('#') {
        problems.push("It contains a # fragment, which redirect URIs may not have.".into());
    }
    if trimmed.contains('*') {
        problems.push("It contains a wildcard (*); use the exact address instead.".into());
    }
    if !trimmed.is_empty() {
        match url::Url::parse(trimmed) {
            Err(_) => problems
                .push("It isn't a complete web address; it should start with https://.".into()),
            Ok(u) => {
                let host = u.host_str().unwrap_or("");
                match u.scheme() {
                    "https" if host.is_empty() => problems.push("It has no host name.".into()),
                    "https" => {}
                    "http" if host.eq_ignore_ascii_case("localhost") => {}
                    "http" if host == "127.0.0.1" || host == "[::1]" => problems.push(
                        "Only http://localhost may use http; write localhost instead of the IP address.".into(),
                    ),
                    "http" => problems.push(
                        "It must start with https:// (only http://localhost may use http).".into(),
                    ),
                    other => problems.push(format!(
                        "It uses \"{other}:\"; callback URIs must start with https:// (or http://localhost)."
                    )),
                }
            }
        }
    }
    if let Some(k) = classify_nylas_uri(trimmed) {
        warnings.push(format!(
            "This is the {} redirect URI that belongs in Azure; your callback URI is the page in your own app that Nylas sends users back to.",
            k.host.label()
        ));
    }
    CallbackValidation {
        uri: trimmed.to_owned(),
        valid: problems.is_empty(),
        problems,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_per_path_and_region() {
        assert_eq!(
            redirect_uris(AuditPath::V3, Region::Eu).required,
            ["https://api.eu.nylas.com/v3/connect/callback"]
        );
        assert_eq!(
            redirect_uris(AuditPath::Teams, Region::Us).required,
            ["https://beta.us.nylas.com/connect/callback"]
        );
        let v2 = redirect_uris(AuditPath::V2Events, Region::Eu);
        assert!(v2.required.is_empty());
        assert_eq!(
            v2.optional,
            ["https://ireland.api.nylas.com/oauth/callback"]
        );
    }

    #[test]
    fn classifies_loosely() {
        let k = classify_nylas_uri("HTTP://api.EU.nylas.com/v3/connect/callback/").unwrap();
        assert_eq!((k.host, k.region), (NylasHost::V3, Region::Eu));
        assert!(classify_nylas_uri("https://example.com/cb").is_none());
    }

    #[test]
    fn callback_rules() {
        assert!(validate_callback_uri("https://app.example.com/cb").valid);
        assert!(validate_callback_uri("http://localhost:3000/cb").valid);
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#x",
            "ftp://x.com",
            "not a url",
            "",
            "http://127.0.0.1/cb",
            "https://*.example.com/cb",
        ] {
            let v = validate_callback_uri(bad);
            assert!(!v.valid, "{bad} should be refused");
            assert!(!v.problems.is_empty());
        }
        let long = format!("https://example.com/{}", "a".repeat(300));
        assert!(validate_callback_uri(&long).problems[0].contains("256"));
        let own = validate_callback_uri("https://api.us.nylas.com/v3/connect/callback");
        assert!(own.valid && !own.warnings.is_empty());
    }
}
