//! Loading scenarios from files and text, and the errors for bad ones.

use std::io::Write;

use wizard_sandbox::{start, Fault, NylasRegion, SandboxError, Scenario, PRACTICE_SCENARIO_JSON};

fn file_with(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn practice_file_round_trips_through_a_file() {
    let f = file_with(PRACTICE_SCENARIO_JSON);
    assert_eq!(Scenario::from_file(f.path()).unwrap(), Scenario::practice());
}

#[test]
fn minimal_scenario_uses_defaults() {
    let s = Scenario::from_json(
        r#"{"tenants":[{"id":"11111111-2222-3333-4444-555555555555","display_name":"T"}],
            "nylas_applications":[{"application_id":"a","organization_id":"o","region":"eu",
              "api_keys":["k"],"branding":{"name":"B"}}],
            "faults":[{"route":"*","status":503,"first_n":1}]}"#,
    )
    .unwrap();
    assert_eq!(s.tenants[0].region_scope, "NA");
    let app = &s.nylas_applications[0];
    assert_eq!(app.region, NylasRegion::Eu);
    assert_eq!(app.environment, "production");
    assert!(app.callback_uris.is_empty());
    assert_eq!(s.faults, vec![Fault::new("*").with_status(503).first_n(1)]);
    assert_eq!(Scenario::from_json("{}").unwrap(), Scenario::default());
}

#[test]
fn missing_file_is_a_read_error_naming_the_path() {
    let err = Scenario::from_file("/definitely/not/here.json").unwrap_err();
    assert!(matches!(err, SandboxError::ReadScenario { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/definitely/not/here.json"),
        "{err}"
    );
}

#[test]
fn broken_json_names_the_line() {
    let f = file_with("{\n  \"tenants\": [\n}");
    let err = Scenario::from_file(f.path()).unwrap_err();
    assert!(matches!(err, SandboxError::ParseScenario { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains(&f.path().display().to_string()), "{text}");
}

#[test]
fn unknown_fields_are_refused_by_name() {
    let err = Scenario::from_json(r#"{"faults":[{"route":"*","fisrt_n":1}]}"#).unwrap_err();
    assert!(err.to_string().contains("fisrt_n"), "{err}");
    let err = Scenario::from_json(r#"{"tennants":[]}"#).unwrap_err();
    assert!(err.to_string().contains("tennants"), "{err}");
}

#[test]
fn invalid_content_is_explained() {
    let cases = [
        (
            r#"{"tenants":[{"id":"contoso","display_name":"C"}]}"#,
            "is not a GUID",
        ),
        (
            r#"{"tenants":[
                {"id":"11111111-2222-3333-4444-555555555555","display_name":"A","verified_domains":["a.com"]},
                {"id":"11111111-2222-3333-4444-666666666666","display_name":"B","verified_domains":["A.com"]}]}"#,
            "used by two tenants",
        ),
        (
            r#"{"nylas_applications":[{"application_id":"a","organization_id":"o","region":"us",
                "api_keys":[],"branding":{"name":"B"}}]}"#,
            "api_keys is empty",
        ),
        (
            r#"{"nylas_applications":[{"application_id":"a","organization_id":"o","region":"asia",
                "api_keys":["k"],"branding":{"name":"B"}}]}"#,
            "unknown variant `asia`",
        ),
        (r#"{"faults":[{"route":"GET","status":500}]}"#, "fault 0"),
        (
            r#"{"faults":[{"route":"*","status":700}]}"#,
            "between 200 and 599",
        ),
    ];
    for (json, expected) in cases {
        let err = Scenario::from_json(json).unwrap_err();
        assert!(err.to_string().contains(expected), "{json}: {err}");
    }
}

#[test]
fn duplicate_api_keys_are_refused_without_echoing_them() {
    let err = Scenario::from_json(
        r#"{"nylas_applications":[
            {"application_id":"a","organization_id":"o","region":"us","api_keys":["secret-key-1"],"branding":{"name":"A"}},
            {"application_id":"b","organization_id":"o","region":"eu","api_keys":["secret-key-1"],"branding":{"name":"B"}}]}"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("used twice") && !text.contains("secret-key-1"),
        "{text}"
    );
}

#[tokio::test]
async fn start_refuses_an_invalid_scenario_and_a_busy_port() {
    let mut bad = Scenario::practice();
    bad.tenants[0].id = "nope".into();
    assert!(matches!(
        start(bad, None).await.unwrap_err(),
        SandboxError::InvalidScenario { .. }
    ));
    let first = start(Scenario::practice(), None).await.unwrap();
    let err = start(Scenario::practice(), Some(first.addr().port()))
        .await
        .unwrap_err();
    assert!(matches!(err, SandboxError::Bind { .. }), "{err:?}");
}
