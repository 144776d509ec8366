//! Bench (not a test): the live audit against the sandbox with the same
//! latency injected on every request, next to one Graph GET with that
//! latency. Prints one JSON line for `scripts/bench.sh`.
//!
//! `BENCH_LATENCY_MS` (default 150) and `BENCH_RUNS` (default 9) tune it.

#[path = "../tests/microsoft_support/mod.rs"]
mod microsoft_support;

use std::time::{Duration, Instant};

use microsoft_support::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wizard_core::audit::AuditRequest;
use wizard_core::microsoft::{live_audit, Access, GraphClient};
use wizard_sandbox::{start, Fault};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    xs[xs.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let latency = env_u64("BENCH_LATENCY_MS", 150);
    let runs = env_u64("BENCH_RUNS", 9).max(1);
    // An app with a service principal and an admin-consent grant, so the
    // audit reads everything it can read (grants included).
    let app = fixture("missing-offline-access");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let sb = start(
        scenario_with(app, Some("Calendars.ReadWrite User.Read")),
        None,
    )
    .await
    .unwrap();
    // Signed in once, before any latency and before timing.
    let tokens = sign_in(&sb, Access::Audit).await;
    sb.set_faults(vec![Fault::new("*").with_latency_ms(latency)])
        .unwrap();
    let ep = endpoints(&sb);
    let graph = GraphClient::new(&http(), &ep.graph, &tokens).with_login_base(&ep.microsoft_login);
    let req: AuditRequest =
        serde_json::from_value(json!({"path": "v3", "preset": "email-client", "region": "us"}))
            .unwrap();
    let cancel = CancellationToken::new();

    // Warm-up: connections open, caches filled, on both sides.
    graph.organization(&cancel).await.unwrap();
    live_audit(&graph, &app_id, CONTOSO, &req, &cancel)
        .await
        .unwrap();

    let mut single = Vec::new();
    let mut audit = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        graph.organization(&cancel).await.unwrap();
        single.push(t.elapsed());
        let t = Instant::now();
        let live = live_audit(&graph, &app_id, CONTOSO, &req, &cancel)
            .await
            .unwrap();
        audit.push(t.elapsed());
        // The audit did the whole job each time (not an early error).
        assert!(live.facts.service_principal_exists);
        assert!(!live.facts.admin_consented.is_empty());
    }
    let (single_ms, audit_ms) = (median(single), median(audit));
    println!(
        "{}",
        json!({
            "bench": "live_audit",
            "latency_ms": latency,
            "runs": runs,
            "audit_ms": (audit_ms * 10.0).round() / 10.0,
            "single_request_ms": (single_ms * 10.0).round() / 10.0,
            "ratio": ((audit_ms / single_ms) * 100.0).round() / 100.0,
        })
    );
    sb.shutdown().await;
}
