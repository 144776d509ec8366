//! The Nylas account step: does the admin's API key open a Nylas
//! application in the chosen region?
//!
//! Nylas answers 401 both for a wrong key and for a key used on the other
//! region's host, so a 401 is followed by one probe of the other region:
//! a key that works there is not wrong, it belongs to an application in that
//! region, and the window offers to switch the region answer. The check
//! never stores anything; the caller keeps a key only when it works in the
//! chosen region (see [`NylasAccountCheck::works_in_chosen_region`]).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::applications::{get_application, NylasApplication};
use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::redirect_uris::{nylas_redirect_uri, NylasHost};
use crate::regions::Region;

/// Where the admin finds the key, in the dashboard's own words.
const WHERE_KEYS_ARE: &str = "In the Nylas Dashboard, open your application, then API Keys";

/// What checking an API key found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasAccountCheck {
    /// The application the key opened; its `region` is the region whose
    /// host accepted the key.
    pub application: NylasApplication,
    /// The region the key was checked in first (the region answer).
    pub chosen_region: Region,
    /// Set when the key opens nothing in `chosen_region` but works in the
    /// other region: the window offers to switch.
    pub other_region: Option<RegionOffer>,
}

/// "This key belongs to an application in the EU region", and what
/// switching the region answer would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RegionOffer {
    /// The region the key works in.
    pub region: Region,
    /// One plain sentence saying so.
    pub message: String,
    /// What switching changes elsewhere (the Azure redirect URI).
    pub what_changes: String,
    /// The redirect URI the Azure app needs after switching.
    pub redirect_uri: String,
}

/// What the answers keep of a key that worked: never the key, only which
/// application it opened, where, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NylasAccountRecord {
    pub application_id: String,
    /// The region the key was checked in; when the region answer changes
    /// afterwards, the key needs checking again.
    pub region: Region,
    /// The application's name in the Nylas Dashboard, if it has one.
    pub name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub checked_at: OffsetDateTime,
}

impl NylasAccountCheck {
    /// The key opens an application in the region the admin chose: the
    /// only case in which it is kept.
    pub fn works_in_chosen_region(&self) -> bool {
        self.other_region.is_none()
    }

    /// What the answers keep of this check, when the key is kept.
    pub fn record(&self) -> Option<NylasAccountRecord> {
        self.works_in_chosen_region().then(|| NylasAccountRecord {
            application_id: self.application.application_id.clone(),
            region: self.application.region,
            name: self.application.branding_name.clone(),
            checked_at: OffsetDateTime::now_utc(),
        })
    }
}

impl NylasAccountRecord {
    /// Why this record no longer makes the step done in `region`, if so.
    pub fn stale_for(&self, region: Region) -> Option<String> {
        (self.region != region).then(|| {
            format!(
                "Your Nylas API key was checked in the {} region, but the region is now {}: check it again.",
                self.region.label(),
                region.label()
            )
        })
    }
}

/// The key as pasted, checked before anything is sent: pasted values often
/// carry spaces, and the IDs beside the key in the dashboard are GUIDs.
pub fn clean_api_key(raw: &str) -> Result<&str> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(
            WizardError::invalid_input("Paste your Nylas API key first.").with_hint(format!(
                "{WHERE_KEYS_ARE}: copy an existing key or create one."
            )),
        );
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(WizardError::invalid_input(
            "The API key has a space or a line break in the middle, so part of it is missing or extra.",
        )
        .with_hint(format!("{WHERE_KEYS_ARE}: copy the key again in one piece.")));
    }
    if crate::ids::is_guid(key) {
        return Err(WizardError::invalid_input(
            "That is an ID (a GUID), not an API key: probably the application ID or the organization ID.",
        )
        .with_hint(format!(
            "{WHERE_KEYS_ARE}: the key is the long value you copy when you create it."
        )));
    }
    Ok(key)
}

/// Check `api_key` in `region`; on a 401 there, probe the other region.
pub async fn check_account(
    http: &HttpClient,
    endpoints: &Endpoints,
    region: Region,
    api_key: &str,
    cancel: &CancellationToken,
) -> Result<NylasAccountCheck> {
    let key = clean_api_key(api_key)?;
    let first = match get_application(http, endpoints, region, key, cancel).await {
        Ok(application) => {
            return Ok(NylasAccountCheck {
                application,
                chosen_region: region,
                other_region: None,
            })
        }
        Err(e) if e.code == ErrorCode::Unauthorized => e,
        Err(e) => return Err(e),
    };
    let other = region.other();
    match get_application(http, endpoints, other, key, cancel).await {
        Ok(application) => Ok(NylasAccountCheck {
            other_region: Some(offer(other)),
            application,
            chosen_region: region,
        }),
        Err(e) if e.code == ErrorCode::Cancelled => Err(e),
        Err(e) if e.code == ErrorCode::Unauthorized => Err(valid_nowhere(first)),
        Err(e) => Err(only_chosen_region_known(first, region, &e)),
    }
}

fn offer(region: Region) -> RegionOffer {
    let redirect_uri = nylas_redirect_uri(NylasHost::V3, region);
    RegionOffer {
        region,
        message: format!(
            "This key belongs to a Nylas application in the {} region.",
            region.label()
        ),
        what_changes: format!(
            "Switching the region to {} also changes the redirect URI your Azure app needs to {redirect_uri}, so check the Azure app step again afterwards. Nothing in Azure or Nylas is changed by switching.",
            region.label()
        ),
        redirect_uri: redirect_uri.to_string(),
    }
}

const VALID_NOWHERE: &str = "Nylas doesn't accept this API key in either region (US or EU).";

/// The check's error says that neither region accepts the key (not a
/// network problem, not one region unreachable): a saved key like that is
/// no use any more.
pub fn key_valid_nowhere(e: &WizardError) -> bool {
    e.code == ErrorCode::Unauthorized && e.message == VALID_NOWHERE
}

/// Neither region accepts the key: mistyped, deleted or expired.
fn valid_nowhere(first: WizardError) -> WizardError {
    let mut e = WizardError::new(ErrorCode::Unauthorized, VALID_NOWHERE)
    .with_hint(format!(
        "The key may be mistyped, deleted or expired. {WHERE_KEYS_ARE}: copy the key again, or create a new one, and paste it here."
    ));
    e.request_id = first.request_id;
    e
}

/// Refused in the chosen region, and the other one couldn't be asked.
fn only_chosen_region_known(
    first: WizardError,
    region: Region,
    probe: &WizardError,
) -> WizardError {
    let mut e = WizardError::new(
        ErrorCode::Unauthorized,
        format!(
            "Nylas doesn't accept this API key in the {} region.",
            region.label()
        ),
    )
    .with_hint(format!(
        "We couldn't ask the {} region whether the key belongs there ({}). Check the key and its region in the Nylas Dashboard (API Keys), then try again.",
        region.other().label(),
        probe.message.trim_end_matches('.')
    ));
    e.request_id = first.request_id;
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(region: Region) -> NylasApplication {
        NylasApplication {
            application_id: "app-1".into(),
            organization_id: None,
            region,
            environment: None,
            branding_name: Some("Contoso".into()),
            callback_uris: vec![],
        }
    }

    #[test]
    fn pasted_keys_are_cleaned_or_refused_plainly() {
        assert_eq!(clean_api_key("  nyk_v0_abc \n").unwrap(), "nyk_v0_abc");
        let empty = clean_api_key("   ").unwrap_err();
        assert_eq!(empty.code, ErrorCode::InvalidInput);
        assert!(empty.hint.unwrap().contains("API Keys"));
        let split = clean_api_key("nyk_v0_ab\ncd").unwrap_err();
        assert!(split.message.contains("line break"), "{split:?}");
        let guid = clean_api_key("2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b").unwrap_err();
        assert!(guid.message.contains("not an API key"), "{guid:?}");
    }

    #[test]
    fn only_a_key_that_works_in_the_chosen_region_is_recorded() {
        let here = NylasAccountCheck {
            application: app(Region::Us),
            chosen_region: Region::Us,
            other_region: None,
        };
        let record = here.record().unwrap();
        assert_eq!(record.application_id, "app-1");
        assert_eq!(record.region, Region::Us);
        assert_eq!(record.name.as_deref(), Some("Contoso"));
        assert_eq!(record.stale_for(Region::Us), None);
        assert_eq!(
            record.stale_for(Region::Eu).unwrap(),
            "Your Nylas API key was checked in the US region, but the region is now EU: check it again."
        );

        let there = NylasAccountCheck {
            application: app(Region::Eu),
            chosen_region: Region::Us,
            other_region: Some(offer(Region::Eu)),
        };
        assert!(!there.works_in_chosen_region());
        assert_eq!(there.record(), None);
    }

    #[test]
    fn the_offer_says_what_switching_changes() {
        let o = offer(Region::Eu);
        assert_eq!(
            o.message,
            "This key belongs to a Nylas application in the EU region."
        );
        assert_eq!(
            o.redirect_uri,
            "https://api.eu.nylas.com/v3/connect/callback"
        );
        assert!(o.what_changes.contains(&o.redirect_uri));
        assert!(o.what_changes.contains("Azure app step again"));
    }

    #[test]
    fn errors_keep_the_request_id_and_name_the_fix() {
        let first = WizardError::new(ErrorCode::Unauthorized, "401").with_request_id("req-1");
        let e = valid_nowhere(first.clone());
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert!(e.message.contains("either region"));
        assert!(key_valid_nowhere(&e));
        let probe = WizardError::new(ErrorCode::RemoteUnavailable, "Nylas could not be reached.");
        let e = only_chosen_region_known(first, Region::Us, &probe);
        assert!(
            !key_valid_nowhere(&e),
            "one region unreachable proves nothing"
        );
        assert!(e.message.contains("in the US region"), "{e:?}");
        assert!(e
            .hint
            .unwrap()
            .contains("EU region whether the key belongs there (Nylas could not be reached)"),);
    }
}
