//! Diagnose: AADSTS codes from text or callback URLs, Nylas errors, and
//! unknown text, each linked to the audit check that prevents it.

use proptest::prelude::*;
use wizard_core::audit::CheckId;
use wizard_core::diagnose::{diagnose, DiagnosisSource};

#[test]
fn every_required_code_is_explained() {
    let codes = [
        ("50011", Some(CheckId::RedirectUris)),
        ("65001", Some(CheckId::AdminConsent)),
        ("90094", Some(CheckId::AdminConsent)),
        ("700016", Some(CheckId::ClientId)),
        ("7000215", Some(CheckId::ClientSecret)),
        ("7000222", Some(CheckId::ClientSecret)),
        ("50020", Some(CheckId::SignInAudience)),
        ("50194", Some(CheckId::SignInAudience)),
        ("9002325", Some(CheckId::RedirectUris)),
        ("70011", Some(CheckId::DelegatedScopes)),
        ("7000218", Some(CheckId::ClientSecret)),
        ("90002", Some(CheckId::Tenant)),
    ];
    for (digits, check) in codes {
        let d = diagnose(&format!(
            "Sorry, but we're having trouble signing you in. AADSTS{digits}: something went wrong."
        ));
        assert_eq!(d.len(), 1, "{digits}");
        let d = &d[0];
        assert_eq!(d.code, format!("AADSTS{digits}"));
        assert_eq!(d.source, DiagnosisSource::Microsoft);
        assert_eq!(d.related_check, check, "{digits}");
        assert!(d.cause.ends_with('.') && d.fix.ends_with('.'), "{digits}");
        assert!(
            !d.title.contains("AADSTS"),
            "the code is never the headline"
        );
    }
}

#[test]
fn callback_url_with_error_description() {
    let url = "https://api.us.nylas.com/v3/connect/callback?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+%27https%3A%2F%2Fapi.us.nylas.com%2Fv3%2Fconnect%2Fcallback%2F%27+specified+in+the+request+does+not+match+the+redirect+URIs+configured+for+the+application+%27cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0%27.%0D%0ATrace+ID%3A+0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f&state=xyz";
    let d = &diagnose(url)[0];
    assert_eq!(d.code, "AADSTS50011");
    assert_eq!(
        d.found["redirect_uri"],
        "https://api.us.nylas.com/v3/connect/callback/"
    );
    assert_eq!(d.found["app_id"], "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0");
    assert_eq!(d.found["trace_id"], "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
    assert_eq!(d.found["error"], "invalid_request");
    // A bare query string works too, and consent_required maps to 65001.
    assert_eq!(
        diagnose("?error=consent_required&error_description=consent+needed")[0].code,
        "AADSTS65001"
    );
    // Admin consent errors come back in the fragment sometimes.
    assert_eq!(
        diagnose("https://x.example/cb#error=access_denied&error_description=AADSTS90094%3A+admin")
            [0]
        .code,
        "AADSTS90094"
    );
}

#[test]
fn json_token_errors_and_multiple_codes() {
    let body = r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app 'x' are expired.","error_codes":[7000222],"timestamp":"2026-01-01 00:00:00Z"}"#;
    let d = diagnose(body);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "AADSTS7000222");
    assert!(d[0].learn_more.as_deref().unwrap().contains("aka.ms"));
    let two = diagnose("AADSTS700016 then later AADSTS50011 and again AADSTS700016");
    let codes: Vec<_> = two.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["AADSTS700016", "AADSTS50011"]);
    assert_eq!(diagnose("50011")[0].code, "AADSTS50011");
}

#[test]
fn unknown_microsoft_code_links_to_the_lookup_page() {
    let d = &diagnose("AADSTS123456: Something new")[0];
    assert_eq!(d.source, DiagnosisSource::Microsoft);
    assert_eq!(
        d.learn_more.as_deref(),
        Some("https://login.microsoftonline.com/error?code=123456")
    );
}

#[test]
fn nylas_errors() {
    let cases = [
        (
            r#"{"request_id":"1","error":{"type":"unauthorized","message":"Unauthorized"}}"#,
            "nylas.unauthorized",
        ),
        (
            "HTTP 401 from https://api.us.nylas.com/v3/grants",
            "nylas.unauthorized",
        ),
        (
            r#"{"error":{"type":"grant.callback_uri_not_allowed","message":"callback uri not allowed"}}"#,
            "nylas.callback_uri_not_allowed",
        ),
        (
            "Error 701: Illegal redirect_uri",
            "nylas.callback_uri_not_allowed",
        ),
        (
            "Sorry, the code you provided is not valid. It has already been used, or has expired.",
            "nylas.code_already_used",
        ),
        (
            "Couldn't exchange OAuth code for a Microsoft refresh token",
            "nylas.refresh_token_missing",
        ),
        (
            r#"{"error":{"type":"insufficient_scopes"}}"#,
            "nylas.insufficient_scopes",
        ),
    ];
    for (text, code) in cases {
        let d = diagnose(text);
        assert_eq!(d[0].code, code, "{text}");
        assert_eq!(d[0].source, DiagnosisSource::Nylas);
    }
    assert_eq!(
        diagnose("Couldn't exchange OAuth code for a Microsoft refresh token")[0].related_check,
        Some(CheckId::OfflineAccess)
    );
    assert_eq!(
        diagnose("Error 701: Illegal redirect_uri")[0].related_check,
        Some(CheckId::RedirectUris)
    );
    // Microsoft's unauthorized_client is about the Azure app, not a Nylas key.
    let d = diagnose("error=unauthorized_client&error_description=The+client+does+not+exist");
    assert!(d.iter().all(|d| d.code != "nylas.unauthorized"), "{d:?}");
    assert_eq!(diagnose("401 Unauthorized")[0].code, "nylas.unauthorized");
    // A trace id containing 401 is not a Nylas 401.
    assert_eq!(diagnose("trace a401b-c")[0].code, "unrecognised");
}

#[test]
fn unknown_text_gets_a_helpful_answer() {
    let d = diagnose("the wizard is confused");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "unrecognised");
    assert_eq!(d[0].source, DiagnosisSource::Unknown);
    assert!(d[0].fix.contains("AADSTS"));
}

#[test]
fn secrets_in_the_pasted_text_are_not_echoed() {
    let text = "https://app.example.com/cb?code=0.AAAA-super-secret-code&client_secret=Q~abc&error_description=AADSTS7000215";
    let json = serde_json::to_string(&diagnose(text)).unwrap();
    assert!(!json.contains("super-secret") && !json.contains("Q~abc"));
}

proptest! {
    #[test]
    fn never_panics_and_never_empty(text in ".{0,400}") {
        let d = diagnose(&text);
        prop_assert!(!d.is_empty());
    }

    #[test]
    fn never_panics_on_url_like_input(q in "[a-z_=&%?#0-9A-Z+.:/']{0,200}") {
        let url = format!("https://x.example/cb?{q}");
        let code = format!("AADSTS{q}");
        prop_assert!(!diagnose(&url).is_empty());
        prop_assert!(!diagnose(&code).is_empty());
    }
}
