//! Diagnose: AADSTS codes from text or callback URLs, Nylas errors, and
//! unknown text, each linked to the audit check that prevents it.

use proptest::prelude::*;
use wizard_core::audit::CheckId;
use wizard_core::diagnose::{diagnose, Diagnosis, DiagnosisSource};

/// The check the audit says prevents `code`: diagnose must link the same one.
fn prevented_by(code: &str) -> Option<CheckId> {
    CheckId::ALL
        .into_iter()
        .find(|c| c.prevents().contains(&code))
}

fn one(text: &str) -> Diagnosis {
    let d = diagnose(text);
    assert_eq!(d.len(), 1, "{text}: {d:?}");
    d.into_iter().next().unwrap()
}

#[test]
fn every_required_code_is_explained() {
    // Codes whose check is settled; the others follow the audit's table.
    let fixed = [
        ("50011", Some(CheckId::RedirectUris)),
        ("65001", Some(CheckId::AdminConsent)),
        ("90094", Some(CheckId::AdminConsent)),
        ("700016", Some(CheckId::ClientId)),
        ("7000215", Some(CheckId::ClientSecret)),
        ("7000222", Some(CheckId::ClientSecret)),
        ("50020", Some(CheckId::SignInAudience)),
        ("50194", Some(CheckId::SignInAudience)),
        ("90002", Some(CheckId::Tenant)),
        ("54005", None),
        ("70008", None),
        ("50173", None),
        ("50148", None),
    ];
    let followed = [
        "9002325", "9002326", "9002327", "70011", "7000218", "500011", "650053",
    ];
    let all = fixed.iter().copied().chain(
        followed
            .iter()
            .map(|d| (*d, prevented_by(&format!("AADSTS{d}")))),
    );
    for (digits, check) in all {
        let d = one(&format!(
            "Sorry, but we're having trouble signing you in. AADSTS{digits}: something went wrong."
        ));
        assert_eq!(d.code, format!("AADSTS{digits}"));
        assert_eq!(d.source, DiagnosisSource::Microsoft);
        assert_ne!(
            d.title,
            format!("Microsoft error AADSTS{digits}"),
            "{digits} is known"
        );
        assert_eq!(d.related_check, check, "{digits}");
        assert!(d.cause.ends_with('.') && d.fix.ends_with('.'), "{digits}");
        assert!(
            !d.title.contains("AADSTS"),
            "the code is never the headline"
        );
    }
}

#[test]
fn aadsts7000218_links_to_the_check_the_audit_names() {
    // A token request without a secret against a confidential app: the
    // check that prevents it is whichever one the audit's table names.
    let d = one("AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    assert_eq!(d.related_check, prevented_by("AADSTS7000218"));
    assert!(d.cause.contains("no client secret"), "{}", d.cause);
    assert!(d.fix.contains("Allow public client flows"), "{}", d.fix);
    assert!(d.fix.contains("Nylas doesn't need it"), "{}", d.fix);
}

#[test]
fn point_14_9002327_is_the_nylas_spa_error() {
    let d = one("invalid_request: AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests. Trace ID: 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
    assert_eq!(d.code, "AADSTS9002327");
    assert!(d.title.contains("single-page app"), "{}", d.title);
    assert!(
        d.cause.contains("Single-page application")
            && d.cause.contains("Nylas redeems it from its server"),
        "{}",
        d.cause
    );
    assert!(
        d.fix.contains("remove the Nylas callback") && d.fix.contains("under Web"),
        "{}",
        d.fix
    );
    assert_eq!(d.related_check, prevented_by("AADSTS9002327"));
    // Only the redirect URI check can prevent it (it names SPA near misses).
    assert!(matches!(
        d.related_check,
        None | Some(CheckId::RedirectUris)
    ));
    assert_eq!(d.found["trace_id"], "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
}

#[test]
fn point_14_9002325_and_9002326_are_browser_redemptions_not_nylas() {
    for text in [
        "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
    ] {
        let d = one(text);
        assert!(d.title.contains("browser"), "{}", d.title);
        assert!(d.cause.contains("cross-origin"), "{}", d.cause);
        assert!(d.cause.contains("not from Nylas"), "{}", d.cause);
        // Never advice that would break Nylas: its callback stays under Web.
        assert!(!d.fix.contains("remove the Nylas callback"), "{}", d.fix);
        assert!(d.fix.contains("under Web"), "{}", d.fix);
    }
}

#[test]
fn point_15_70011_is_a_malformed_scope_fixed_in_the_scope_list() {
    let d = one("invalid_scope: AADSTS70011: The provided value for the input parameter 'scope' isn't valid. The scope Calendar.ReadWrite isn't valid.");
    assert_eq!(d.code, "AADSTS70011");
    for cause in ["Calendar.ReadWrite", "two different APIs", ".default"] {
        assert!(d.cause.contains(cause), "names {cause}: {}", d.cause);
    }
    assert!(d.fix.contains("connector's scope"), "{}", d.fix);
    assert!(d.fix.contains("Teams integration's scope"), "{}", d.fix);
    assert!(
        d.fix
            .contains("Adding API permissions in the Azure portal doesn't fix"),
        "{}",
        d.fix
    );
    assert!(!d.fix.contains("Add a permission"), "{}", d.fix);
}

#[test]
fn point_16_50020_names_a_connector_tenant_set_to_one_organization() {
    let d = one("AADSTS50020: User account 'ann@fabrikam.com' from identity provider 'https://sts.windows.net/a1b2/' does not exist in tenant 'Contoso' and cannot access the application '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e'(Nylas) in that tenant.");
    assert!(
        d.cause
            .contains("connector's (or Teams integration's) tenant"),
        "{}",
        d.cause
    );
    assert!(d.cause.contains("another organization"), "{}", d.cause);
    assert!(
        d.fix.contains("tenant to common") && d.fix.contains("multitenant"),
        "{}",
        d.fix
    );
    assert!(d.fix.contains("its own Nylas credential"), "{}", d.fix);
    assert_eq!(d.found["tenant"], "Contoso");
    assert_eq!(d.related_check, Some(CheckId::SignInAudience));
}

#[test]
fn point_17_54005_code_already_redeemed() {
    let body = r#"{"error":"invalid_grant","error_description":"AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.","error_codes":[54005]}"#;
    let d = one(body);
    assert_eq!(d.code, "AADSTS54005");
    assert!(d.title.contains("already used"), "{}", d.title);
    assert!(d.fix.contains("Start the sign-in again"), "{}", d.fix);
    assert_eq!(d.related_check, None);
}

#[test]
fn point_17_70008_code_or_refresh_token_expired() {
    let d = one("AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    assert!(d.title.contains("expired"), "{}", d.title);
    assert!(
        d.cause.contains("authorization code") && d.cause.contains("refresh token"),
        "{}",
        d.cause
    );
    assert!(d.fix.contains("re-authenticate"), "{}", d.fix);
    assert_eq!(d.related_check, None);
}

#[test]
fn point_17_500011_resource_principal_not_in_tenant() {
    let d = one("AADSTS500011: The resource principal named https://outlook.office365.com was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant.");
    assert!(
        d.cause
            .contains("no service principal in the user's tenant"),
        "{}",
        d.cause
    );
    assert!(d.fix.contains("Microsoft Graph scopes"), "{}", d.fix);
    assert_eq!(d.related_check, prevented_by("AADSTS500011"));
}

#[test]
fn point_17_50173_grant_revoked() {
    let d = one("AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.");
    assert!(d.title.contains("revoked"), "{}", d.title);
    assert!(d.fix.contains("connect again through Nylas"), "{}", d.fix);
    assert_eq!(d.related_check, None);
}

#[test]
fn point_17_50148_is_a_pkce_mismatch_not_a_revoked_grant() {
    // Microsoft's token endpoint: "The code_verifier does not match the
    // code_challenge supplied in the authorization request for PKCE."
    for digits in ["50148", "501481"] {
        let d = one(&format!("AADSTS{digits}: The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."));
        assert_eq!(d.code, format!("AADSTS{digits}"));
        assert!(d.title.contains("PKCE"), "{}", d.title);
        assert!(
            d.cause.contains("code_verifier") && d.cause.contains("code_challenge"),
            "{}",
            d.cause
        );
        assert!(!d.title.contains("revoked") && !d.title.contains("expired"));
        assert_eq!(d.related_check, None);
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
