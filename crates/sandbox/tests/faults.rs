//! Each kind of fault, over real HTTP.

use std::time::{Duration, Instant};

use serde_json::Value;
use wizard_sandbox::{start, Fault, SandboxHandle, Scenario};

const US_KEY: &str = "nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1";
const APPS: &str = "GET /nylas-us/v3/applications";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn sandbox_with(faults: Vec<Fault>) -> SandboxHandle {
    let sb = start(Scenario::practice(), None).await.unwrap();
    sb.set_faults(faults).unwrap();
    sb
}

async fn apps(sb: &SandboxHandle) -> reqwest::Result<reqwest::Response> {
    client()
        .get(format!("{}nylas-us/v3/applications", sb.base_url()))
        .bearer_auth(US_KEY)
        .send()
        .await
}

#[tokio::test]
async fn status_gives_the_service_error_shape_and_retry_after() {
    let sb = sandbox_with(vec![Fault::new(APPS)
        .with_status(429)
        .with_retry_after("7")])
    .await;
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert!(body["request_id"].is_string());

    sb.set_faults(vec![Fault::new(
        "GET /microsoft-login/*/v2.0/.well-known/openid-configuration",
    )
    .with_status(503)])
        .unwrap();
    let resp = client()
        .get(format!(
            "{}microsoft-login/contoso.com/v2.0/.well-known/openid-configuration",
            sb.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(body["error_description"].is_string());
}

#[tokio::test]
async fn retry_after_alone_decorates_the_real_answer() {
    let sb = sandbox_with(vec![
        Fault::new(APPS).with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    ])
    .await;
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["retry-after"],
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
    let body: Value = resp.json().await.unwrap();
    assert!(body["data"]["application_id"].is_string());
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let sb = sandbox_with(vec![Fault::new(APPS).with_latency_ms(300)]).await;
    let started = Instant::now();
    let resp = apps(&sb).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn malformed_body_is_cut_off_json_with_200() {
    let sb = sandbox_with(vec![Fault::new(APPS).malformed()]).await;
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let text = resp.text().await.unwrap();
    assert!(text.starts_with('{'));
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn literal_body_with_and_without_status() {
    let sb = sandbox_with(vec![
        Fault::new(APPS).with_body(r#"{"data":[]}"#).first_n(1),
        Fault::new(APPS)
            .with_status(502)
            .with_body("<html>Bad gateway</html>")
            .first_n(1),
    ])
    .await;
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.text().await.unwrap(), r#"{"data":[]}"#);
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 502);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(resp.text().await.unwrap(), "<html>Bad gateway</html>");
}

#[tokio::test]
async fn drop_connection_gives_an_error_not_a_response() {
    let sb = sandbox_with(vec![Fault::new(APPS).dropping_connection().first_n(1)]).await;
    let err = apps(&sb)
        .await
        .expect_err("a dropped connection must not yield a response");
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    assert_eq!(sb.calls(APPS), 1);
    // The rule was used up: the next call gets the real answer.
    let resp = apps(&sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(sb.calls(APPS), 2);
}

#[tokio::test]
async fn first_n_counts_matching_calls_only() {
    let sb = sandbox_with(vec![Fault::new(APPS).with_status(500).first_n(2)]).await;
    // A call to another route does not use up the rule.
    let other = client()
        .get(format!("{}nylas-eu/v3/applications", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 401);
    let statuses = [
        apps(&sb).await.unwrap().status(),
        apps(&sb).await.unwrap().status(),
        apps(&sb).await.unwrap().status(),
    ];
    assert_eq!(statuses.map(|s| s.as_u16()), [500, 500, 200]);
}

#[tokio::test]
async fn first_live_matching_rule_wins_and_wildcards_match() {
    let sb = sandbox_with(vec![
        Fault::new("GET /nylas-eu/v3/applications").with_status(418),
        Fault::new("GET /*/v3/applications")
            .with_status(503)
            .first_n(1),
        Fault::new("*").with_status(504),
    ])
    .await;
    let eu = client()
        .get(format!("{}nylas-eu/v3/applications", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(eu.status(), 418);
    assert_eq!(apps(&sb).await.unwrap().status(), 503);
    assert_eq!(apps(&sb).await.unwrap().status(), 504);
    let health = client()
        .get(format!("{}_sandbox/health", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "control routes are never faulted");
}

#[tokio::test]
async fn faults_from_the_scenario_are_active_at_start() {
    let mut scenario = Scenario::practice();
    scenario.faults = vec![Fault::new(APPS).with_status(503).first_n(1)];
    let sb = start(scenario, None).await.unwrap();
    assert_eq!(apps(&sb).await.unwrap().status(), 503);
    assert_eq!(apps(&sb).await.unwrap().status(), 200);
}

#[tokio::test]
async fn wait_for_calls_sees_a_request_that_is_still_in_flight() {
    let sb = sandbox_with(vec![Fault::new(APPS).with_latency_ms(30_000)]).await;
    let request = tokio::spawn({
        let url = format!("{}nylas-us/v3/applications", sb.base_url());
        async move { client().get(url).send().await }
    });
    tokio::time::timeout(Duration::from_secs(10), sb.wait_for_calls(APPS, 1))
        .await
        .expect("the sandbox never saw the request");
    assert!(!request.is_finished(), "the answer is still held back");
    request.abort();
}
