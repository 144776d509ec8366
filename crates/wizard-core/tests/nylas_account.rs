//! The Nylas account check (`nylas::check_account`) against the sandbox over
//! HTTP on 127.0.0.1: the key in its own region, the wrong-region probe, a
//! key valid nowhere, and faults on either host.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::endpoints::Endpoints;
use wizard_core::http::{HttpClient, HttpConfig};
use wizard_core::nylas::check_account;
use wizard_core::regions::Region;
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const EU_KEY: &str = "nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q";
const US_APPS: &str = "GET /nylas-us/v3/applications";
const EU_APPS: &str = "GET /nylas-eu/v3/applications";
const CONTOSO_APP: &str = "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b";
const FABRIKAM_APP: &str = "8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a";

struct World {
    sandbox: SandboxHandle,
    endpoints: Endpoints,
    http: HttpClient,
}

async fn world(faults: Vec<Fault>) -> World {
    let sandbox = start(Scenario::practice(), None).await.unwrap();
    sandbox.set_faults(faults).unwrap();
    let endpoints = Endpoints::sandbox(&Url::parse(&sandbox.base_url()).unwrap()).unwrap();
    let http = HttpClient::direct(HttpConfig {
        max_retries: 2,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..HttpConfig::default()
    })
    .unwrap();
    World {
        sandbox,
        endpoints,
        http,
    }
}

impl World {
    async fn check(
        &self,
        region: Region,
        key: &str,
    ) -> wizard_core::error::Result<wizard_core::nylas::NylasAccountCheck> {
        check_account(
            &self.http,
            &self.endpoints,
            region,
            key,
            &CancellationToken::new(),
        )
        .await
    }

    fn calls(&self) -> (u64, u64) {
        (self.sandbox.calls(US_APPS), self.sandbox.calls(EU_APPS))
    }
}

#[tokio::test]
async fn a_key_in_its_own_region_opens_its_application() {
    let w = world(vec![]).await;
    // As pasted: with a line break after it.
    let check = w.check(Region::Us, &format!("{US_KEY}\n")).await.unwrap();
    assert!(check.works_in_chosen_region());
    assert_eq!(check.chosen_region, Region::Us);
    let app = &check.application;
    assert_eq!(app.application_id, CONTOSO_APP);
    assert_eq!(
        app.organization_id.as_deref(),
        Some("0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f")
    );
    assert_eq!(app.region, Region::Us);
    assert_eq!(app.environment.as_deref(), Some("production"));
    assert_eq!(app.branding_name.as_deref(), Some("Contoso Scheduler"));
    assert_eq!(app.callback_uris.len(), 2);
    let record = check.record().unwrap();
    assert_eq!(record.application_id, CONTOSO_APP);
    assert_eq!(record.region, Region::Us);
    // One call, no probe of the other region.
    assert_eq!(w.calls(), (1, 0));

    let eu = w.check(Region::Eu, EU_KEY).await.unwrap();
    assert!(eu.works_in_chosen_region());
    assert_eq!(eu.application.application_id, FABRIKAM_APP);
    assert_eq!(w.calls(), (1, 1));
}

#[tokio::test]
async fn a_key_of_the_other_region_is_found_there_and_offered() {
    let w = world(vec![]).await;
    let check = w.check(Region::Us, EU_KEY).await.unwrap();
    assert!(!check.works_in_chosen_region());
    assert_eq!(check.chosen_region, Region::Us);
    assert_eq!(check.application.region, Region::Eu);
    assert_eq!(check.application.application_id, FABRIKAM_APP);
    let offer = check.other_region.as_ref().unwrap();
    assert_eq!(offer.region, Region::Eu);
    assert_eq!(
        offer.message,
        "This key belongs to a Nylas application in the EU region."
    );
    assert_eq!(
        offer.redirect_uri,
        "https://api.eu.nylas.com/v3/connect/callback"
    );
    // Not kept: it doesn't work in the region the admin chose.
    assert_eq!(check.record(), None);
    assert_eq!(w.calls(), (1, 1));

    // And the other way round.
    let check = w.check(Region::Eu, US_KEY).await.unwrap();
    assert_eq!(check.other_region.unwrap().region, Region::Us);
    assert_eq!(check.application.application_id, CONTOSO_APP);
}

#[tokio::test]
async fn a_key_valid_nowhere_says_so_plainly() {
    let w = world(vec![]).await;
    let e = w
        .check(Region::Us, "nyk_v0_revoked_or_mistyped_key_000")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert_eq!(
        e.message,
        "Nylas doesn't accept this API key in either region (US or EU)."
    );
    let hint = e.hint.unwrap();
    assert!(hint.contains("mistyped, deleted or expired"), "{hint}");
    assert!(hint.contains("API Keys"), "{hint}");
    assert!(!hint.contains("nyk_v0_revoked"), "the key is never echoed");
    assert_eq!(w.calls(), (1, 1));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let w = world(vec![]).await;
    for key in [
        "",
        "   ",
        "nyk_v0 abc",
        "2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b",
    ] {
        let e = w.check(Region::Us, key).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{key:?}");
    }
    assert_eq!(w.calls(), (0, 0));
}

#[tokio::test]
async fn rate_limited_then_success_is_retried() {
    let w = world(vec![Fault::new(US_APPS)
        .first_n(1)
        .with_status(429)
        .with_retry_after("1")])
    .await;
    let check = w.check(Region::Us, US_KEY).await.unwrap();
    assert_eq!(check.application.application_id, CONTOSO_APP);
    assert_eq!(w.calls(), (2, 0), "retried once, no probe");

    // A 429 on the probe is retried too.
    let w = world(vec![Fault::new(EU_APPS)
        .first_n(1)
        .with_status(429)
        .with_retry_after("1")])
    .await;
    let check = w.check(Region::Us, EU_KEY).await.unwrap();
    assert_eq!(check.other_region.unwrap().region, Region::Eu);
    assert_eq!(w.calls(), (1, 2));
}

#[tokio::test]
async fn the_other_region_unreachable_leaves_the_chosen_regions_answer() {
    let w = world(vec![Fault::new(EU_APPS).with_status(503)]).await;
    let e = w.check(Region::Us, EU_KEY).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert_eq!(
        e.message,
        "Nylas doesn't accept this API key in the US region."
    );
    let hint = e.hint.unwrap();
    assert!(
        hint.contains("couldn't ask the EU region whether the key belongs there"),
        "{hint}"
    );
}

#[tokio::test]
async fn a_network_failure_is_not_taken_for_a_wrong_key() {
    let w = world(vec![Fault::new(US_APPS).dropping_connection()]).await;
    let e = w.check(Region::Us, US_KEY).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RemoteUnavailable, "{e:?}");
    // Only a 401 sends us to the other region.
    assert_eq!(w.calls().1, 0);
}

#[tokio::test]
async fn a_cancelled_check_stops_and_probes_nothing() {
    let w = world(vec![Fault::new(US_APPS).with_latency_ms(10_000)]).await;
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let sandbox = &w.sandbox;
    let (r, ()) = tokio::join!(
        check_account(&w.http, &w.endpoints, Region::Us, EU_KEY, &cancel),
        async {
            // Cancel once the sandbox has the request.
            sandbox.wait_for_calls(US_APPS, 1).await;
            stop.cancel();
        }
    );
    let e = r.unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
    assert_eq!(w.sandbox.calls(EU_APPS), 0);
}
