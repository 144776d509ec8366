//! Nylas v2: the v2 API (`api.nylas.com` / `ireland.api.nylas.com`) and the
//! v2 beta integrations service (UAS, `beta.us.nylas.com` /
//! `beta.eu.nylas.com`) used for Microsoft Teams.
//!
//! A v2 application is opened with its client ID and client secret, never
//! an API key: the beta host takes `Basic base64(client_id:client_secret)`,
//! the v2 API's account management (`/a/{client_id}/…`) takes
//! `Basic base64(client_secret:)`. What every path records afterwards
//! (never a secret) is defined here too, so the steps and the report agree.

pub mod app;
pub mod error;
pub mod integrations;
pub mod native_auth;
pub mod service_account;
pub mod teams_auth;
pub mod teams_plan;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::endpoints::Endpoints;
use crate::regions::Region;

pub use app::{check_v2_app, NylasV2AppCheck, V2AppInput};
pub use error::explain_v2;

/// `Authorization` value for the beta host: `Basic ` + base64 of
/// `client_id:client_secret`, exactly as given (the caller trims). Nylas's
/// own example (`echo 'id:secret' | base64`) encodes echo's trailing
/// newline too, which Nylas then refuses; this never adds one.
pub fn basic_auth(client_id: &str, client_secret: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{client_id}:{client_secret}"))
    )
}

/// The beta integrations host (Teams) of a region.
pub fn beta_base(endpoints: &Endpoints, region: Region) -> &Url {
    match region {
        Region::Us => &endpoints.nylas_beta_us,
        Region::Eu => &endpoints.nylas_beta_eu,
    }
}

/// The v2 API host of a region.
pub fn api_base(endpoints: &Endpoints, region: Region) -> &Url {
    match region {
        Region::Us => &endpoints.nylas_v2_us,
        Region::Eu => &endpoints.nylas_v2_eu,
    }
}

/// The Nylas v2 application whose client ID and secret the "Nylas v2 app"
/// step checked (the secret itself is in the secret store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasV2Record {
    pub client_id: String,
    /// The region the credentials were checked in.
    pub region: Region,
    /// RFC 3339.
    pub checked_at: String,
}

impl NylasV2Record {
    /// Why the record no longer holds for `region` (`None`: it does).
    pub fn stale_for(&self, region: Region) -> Option<String> {
        (self.region != region).then(|| {
            format!(
                "Your Nylas v2 app was checked in the {} region, but the region is now {}: check it again.",
                self.region.label(),
                region.label()
            )
        })
    }
}

/// The outcome of connecting a batch of accounts (Teams accounts on path B,
/// native-auth accounts on path C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountsRecord {
    pub total: u32,
    pub connected: u32,
    pub failed: u32,
    /// RFC 3339.
    pub at: String,
}

impl AccountsRecord {
    /// What still needs doing, in one sentence (`None`: nothing).
    pub fn problem(&self) -> Option<String> {
        if self.failed > 0 {
            return Some(if self.failed == 1 {
                "1 account could not be connected.".to_string()
            } else {
                format!("{} accounts could not be connected.", self.failed)
            });
        }
        if self.connected == 0 {
            return Some("No account has been connected yet.".to_string());
        }
        None
    }
}

/// The Microsoft (Teams) integration of the v2 app on the beta host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TeamsIntegrationRecord {
    pub integration_id: String,
    pub name: String,
    /// A tenant ID, or `common` for a multitenant app.
    pub tenant: String,
    pub redirect_uris: Vec<String>,
    /// Seconds.
    #[ts(type = "number")]
    pub expires_in: u64,
    pub region: Region,
    /// Created by the wizard (false: an existing one was kept or updated).
    pub created: bool,
    /// RFC 3339.
    pub at: String,
}

impl TeamsIntegrationRecord {
    /// Why the record no longer holds for `region` (`None`: it does).
    pub fn stale_for(&self, region: Region) -> Option<String> {
        (self.region != region).then(|| {
            format!(
                "The Teams integration was set up in the {} region, but the region is now {}: set it up again.",
                self.region.label(),
                region.label()
            )
        })
    }
}

/// Now, as the records keep it.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_id_colon_secret_without_a_newline() {
        // base64("id:secret") = aWQ6c2VjcmV0; with echo's "\n" it would end "Cg==".
        assert_eq!(basic_auth("id", "secret"), "Basic aWQ6c2VjcmV0");
        assert!(!basic_auth("abc", "def").ends_with("Cg=="));
        assert_eq!(
            basic_auth("practice-v2-contoso-client", "s3cr3t"),
            format!(
                "Basic {}",
                STANDARD.encode("practice-v2-contoso-client:s3cr3t")
            )
        );
    }

    #[test]
    fn bases_follow_the_region() {
        let e = Endpoints::real();
        assert_eq!(
            beta_base(&e, Region::Us).as_str(),
            "https://beta.us.nylas.com/"
        );
        assert_eq!(
            beta_base(&e, Region::Eu).as_str(),
            "https://beta.eu.nylas.com/"
        );
        assert_eq!(api_base(&e, Region::Us).as_str(), "https://api.nylas.com/");
        assert_eq!(
            api_base(&e, Region::Eu).as_str(),
            "https://ireland.api.nylas.com/"
        );
    }

    #[test]
    fn records_say_when_they_no_longer_hold() {
        let r = NylasV2Record {
            client_id: "c".into(),
            region: Region::Us,
            checked_at: now_rfc3339(),
        };
        assert_eq!(r.stale_for(Region::Us), None);
        assert!(r
            .stale_for(Region::Eu)
            .unwrap()
            .contains("checked in the US region"));
        let a = |connected, failed| AccountsRecord {
            total: connected + failed,
            connected,
            failed,
            at: String::new(),
        };
        assert_eq!(a(3, 0).problem(), None);
        assert_eq!(
            a(2, 1).problem().unwrap(),
            "1 account could not be connected."
        );
        assert_eq!(
            a(0, 2).problem().unwrap(),
            "2 accounts could not be connected."
        );
        assert_eq!(
            a(0, 0).problem().unwrap(),
            "No account has been connected yet."
        );
    }
}
