//! Nylas's per-application rate limit over real HTTP: the window, the
//! extra 429 share, the control API and the benchmark's scenario.

mod bulk_http;

use bulk_http::*;

#[tokio::test]
async fn rate_limit_from_the_scenario_refuses_past_the_window() {
    let mut s = Scenario::practice();
    s.nylas_rate_limit = Some(wizard_sandbox::NylasRateLimit {
        requests_per_second: 5,
        extra_429_percent: 0,
        retry_after_seconds: 2,
    });
    let sb = start(s, None).await.unwrap();
    let started = std::time::Instant::now();
    let answers = futures_join(&sb, 8).await;
    let fast = started.elapsed() < std::time::Duration::from_millis(900);
    let ok = answers.iter().filter(|(s, _, _)| *s == 200).count();
    let refused: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 429).collect();
    assert_eq!(ok + refused.len(), 8, "{answers:?}");
    assert!(ok >= 5, "{answers:?}");
    if fast {
        // All eight within one second: exactly the limit got through.
        assert_eq!(refused.len(), 3, "{answers:?}");
    }
    for (_, retry_after, body) in &refused {
        assert_eq!(retry_after.as_deref(), Some("2"));
        assert_eq!(body["error"]["type"], "rate_limit_error");
        assert_eq!(
            body["error"]["message"],
            "Too many requests, please try again shortly."
        );
    }
    let counts = sb.rate_limit_counts();
    assert_eq!(counts.requests, 8);
    assert_eq!(counts.passed as usize, ok);
    assert_eq!(counts.limited as usize, refused.len());
    // Another application (EU) and requests without a key are not counted.
    let eu = client()
        .get(format!("{}nylas-eu/v3/applications", sb.base_url()))
        .bearer_auth("nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q")
        .send()
        .await
        .unwrap();
    assert_eq!(eu.status().as_u16(), 200);
    let anon = client()
        .get(format!("{}nylas-us/v3/applications", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status().as_u16(), 401);
    assert_eq!(sb.rate_limit_counts().requests, 9);
}

/// `n` concurrent `GET /v3/applications` with the US key: status,
/// `Retry-After` and body of each.
async fn futures_join(sb: &SandboxHandle, n: usize) -> Vec<(u16, Option<String>, Value)> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let url = format!("{}nylas-us/v3/applications", sb.base_url());
        set.spawn(async move {
            let resp = client().get(url).bearer_auth(US_KEY).send().await.unwrap();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (
                resp.status().as_u16(),
                retry_after,
                resp.json().await.unwrap(),
            )
        });
    }
    set.join_all().await
}

#[tokio::test]
async fn rate_limit_is_set_at_run_time_with_a_reproducible_extra_share() {
    let sb = with_credentials(true).await;
    let (s, body) = control_json(&sb, Method::GET, "rate-limit", Value::Null).await;
    assert_eq!(s, 200);
    assert_eq!(body["config"], Value::Null, "off by default");
    let (s, body) = control_json(
        &sb,
        Method::PUT,
        "rate-limit",
        json!({"requests_per_second": 10000, "extra_429_percent": 10}),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["config"]["retry_after_seconds"], 1, "default");
    // Every tenth answer is a 429, whatever the route.
    let mut refused = Vec::new();
    for i in 1..=30 {
        let email = format!("user{i}@outside.example");
        let (s, body) = call(
            &sb,
            Method::POST,
            CUSTOM,
            Some(custom(&email, "cred-outside")),
        )
        .await;
        if s == 429 {
            assert_eq!(body["error"]["type"], "rate_limit_error");
            refused.push(i);
        } else {
            assert_eq!(s, 201, "{body}");
        }
    }
    assert_eq!(refused, [10, 20, 30]);
    assert_eq!(
        sb.scenario().nylas_applications[0].grants.len(),
        27,
        "a refused request changes nothing"
    );
    let (_, body) = control_json(&sb, Method::GET, "rate-limit", Value::Null).await;
    assert_eq!(
        body["counts"],
        json!({"requests": 30, "passed": 27, "limited": 0, "extra_429": 3})
    );
    for bad in [
        json!({"requests_per_second": 0}),
        json!({"extra_429_percent": 101}),
        json!({"per_second": 5}),
    ] {
        let (s, body) = control_json(&sb, Method::PUT, "rate-limit", bad.clone()).await;
        assert_eq!(s, 400, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    let (s, body) = control_json(&sb, Method::PUT, "rate-limit", Value::Null).await;
    assert_eq!(s, 200);
    assert_eq!(body["counts"]["requests"], 0, "counts start again");
    for _ in 0..10 {
        let (s, _) = call(&sb, Method::GET, "nylas-us/v3/grants", None).await;
        assert_eq!(s, 200, "off again");
    }
}

#[tokio::test]
async fn the_bench_scenario_limits_like_nylas() {
    let scenario = Scenario::bulk_bench();
    let app = scenario.nylas_applications[0].clone();
    assert_eq!(
        scenario.nylas_rate_limit,
        Some(wizard_sandbox::NylasRateLimit {
            requests_per_second: 50,
            extra_429_percent: 5,
            retry_after_seconds: 1
        })
    );
    let sb = start(scenario, None).await.unwrap();
    let key = &app.api_keys[0];
    // 40 requests stay under 50 in any second: only the extra share is 429.
    let mut refused = Vec::new();
    for i in 1..=40 {
        let resp = client()
            .post(format!("{}{CREDS}", sb.base_url()))
            .bearer_auth(key)
            .json(&admin_consent(
                &format!("Bench {i} (bench{i}.onmicrosoft.com)"),
                json!({"tenant": format!("bench{i}.onmicrosoft.com")}),
            ))
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            201 => {}
            429 => {
                assert_eq!(resp.headers()["retry-after"], "1");
                refused.push(i);
            }
            s => panic!("{i}: {s}"),
        }
    }
    assert_eq!(refused, [20, 40]);
    assert_eq!(sb.scenario().nylas_applications[0].credentials.len(), 38);
    let counts = sb.rate_limit_counts();
    assert_eq!((counts.passed, counts.extra_429), (38, 2));
}
