//! Bad input stays cheap: a manifest at the size limit with about 100 000
//! redirect URIs is read and audited with a number of URI comparisons in
//! proportion to its size. Counted, not timed: de-duplicating with a list's
//! `contains` (as before) made ~5 000 000 000 comparisons here.

use serde_json::json;

use super::comparisons;
use crate::audit::{run_audit, AuditRequest, CheckId};
use crate::manifest::{parse_manifest, MAX_MANIFEST_BYTES};

const APP_ID: &str = "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0";

#[test]
fn a_2_mib_manifest_of_100_000_redirect_uris_costs_linear_comparisons() {
    let unique = 95_000;
    let repeated = 5_000;
    let mut uris: Vec<String> = (0..unique).map(|i| format!("http://x/{i}")).collect();
    // Repeats must be dropped; a near miss must still be found among them.
    uris.extend((0..repeated).map(|i| format!("http://x/{i}")));
    uris.push("https://api.us.nylas.com/v3/connect/callback/".into());
    let n = uris.len() as u64;
    let text = json!({
        "appId": APP_ID,
        "signInAudience": "AzureADMultipleOrgs",
        "web": {"redirectUris": uris},
    })
    .to_string();
    assert!(
        text.len() > MAX_MANIFEST_BYTES * 3 / 4 && text.len() <= MAX_MANIFEST_BYTES,
        "the manifest is near the limit: {} bytes",
        text.len()
    );

    comparisons::take();
    let app = parse_manifest(&text).unwrap();
    let read = comparisons::take();
    assert_eq!(app.redirect_uris.len(), unique + 1, "repeats are dropped");
    // A set compares a URI only with those of the same hash: the repeats.
    assert!(read <= 2 * n, "{read} comparisons to read {n} URIs");

    let req: AuditRequest =
        serde_json::from_value(json!({"path": "v3", "region": "us", "preset": "email-client"}))
            .unwrap();
    let report = run_audit(&app, &req).unwrap();
    let audited = comparisons::take();
    // Each registered URI is compared with each wanted one (one or two).
    assert!(audited <= 3 * n, "{audited} comparisons to audit {n} URIs");
    assert!(
        audited >= n - repeated as u64,
        "the count is live: {audited}"
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.check == CheckId::RedirectUris)
        .unwrap();
    assert_eq!(f.details["near_misses"].as_array().unwrap().len(), 1);
}
