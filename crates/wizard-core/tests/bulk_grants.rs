//! Path E, mailboxes' grants through `POST /v3/connect/custom` against the
//! simulated Nylas over HTTP: connected once (a re-run re-authenticates
//! the same grants), consent missing and tenant unknown reported plainly
//! while the run carries on, a cancelled run resumed from its journal,
//! and Nylas's own rate limit with extra 429s absorbed.

mod bulk_support;

use bulk_support::*;
use wizard_core::bulk::{
    failures_csv, parse_users_csv, run_credentials, run_grants, CredentialsInput, GrantsInput,
    ItemState, TenantCredential, NOT_CONSENTED,
};
use wizard_sandbox::NylasRateLimit;

/// `n` tenants with credentials; the first `consented` of them consented.
async fn tenants_with_credentials(w: &World, n: usize, consented: usize) -> Vec<TenantCredential> {
    let input = CredentialsInput {
        tenants: tenants(n),
        ..CredentialsInput::default()
    };
    let s = run_credentials(
        &w.nylas(),
        &input,
        &opts(4),
        &w.journal("creds.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done());
    let creds = wizard_core::bulk::existing_credentials(&w.nylas(), &never())
        .await
        .unwrap();
    for t in &tenants(n)[..consented] {
        let c = creds.iter().find(|c| c.tenant == t.tenant).unwrap();
        w.consent(&c.id).await;
    }
    creds
}

/// `per` mailboxes in each of the first `n` tenants (by email domain).
fn users(n: usize, per: usize) -> GrantsInput {
    let mut csv = String::from("email\n");
    for t in 0..n {
        for u in 0..per {
            csv.push_str(&format!("user{u}@t{t:03}.example\n"));
        }
    }
    GrantsInput {
        users: parse_users_csv(&csv).unwrap().users,
        tenants: Vec::new(),
    }
}

fn grant_emails(w: &World) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for g in w.app().grants {
        *m.entry(g.email).or_insert(0) += 1;
    }
    m
}

#[tokio::test]
async fn mailboxes_are_connected_once_and_a_rerun_reauthenticates_the_same_grants() {
    // user0@t000 was connected long ago (by hand, or a lost journal).
    let mut scenario = scenario();
    scenario.nylas_applications[0].grants = serde_json::from_value(serde_json::json!([{
        "id": "old-grant-0", "provider": "microsoft", "email": "user0@t000.example",
        "scope": ["Mail.Read"], "grant_status": "invalid",
        "created_at": 1_600_000_000, "updated_at": 1_600_000_000,
    }]))
    .unwrap();
    let w = world_with(scenario).await;
    let creds = tenants_with_credentials(&w, 3, 3).await;
    let input = users(3, 3);
    let (seen, progress) = recorder();
    let s = run_grants(
        &w.nylas(),
        &input,
        &opts(4),
        &w.journal("grants.jsonl"),
        &progress,
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done(), "{}", failures_csv(&s));
    assert_eq!((s.total, s.created, s.reused), (9, 8, 1));
    let old = s
        .items
        .iter()
        .find(|i| i.label == "user0@t000.example")
        .unwrap();
    assert_eq!(
        (old.state, old.id.as_deref()),
        (ItemState::Reused, Some("old-grant-0"))
    );
    let app = w.app();
    assert_eq!(app.grants.len(), 9);
    // Each grant made with its tenant's credential, and valid.
    for g in &app.grants {
        let domain = g.email.split('@').nth(1).unwrap();
        let cred = creds.iter().find(|c| c.tenant == domain).unwrap();
        assert_eq!(
            g.credential_id.as_deref(),
            Some(cred.id.as_str()),
            "{}",
            g.email
        );
        assert_eq!(g.grant_status, "valid");
        let item = s.items.iter().find(|i| i.label == g.email).unwrap();
        assert_eq!(item.id.as_deref(), Some(g.id.as_str()));
    }
    assert_eq!(seen.lock().unwrap().last().unwrap().finished, 9);

    // Posted again (the journal lost): the same grants, none new.
    let again = run_grants(
        &w.nylas(),
        &input,
        &opts(4),
        &w.journal("other.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert!(again.all_done());
    assert_eq!(w.calls(POST_CUSTOM), 18);
    let ids = |app: &wizard_sandbox::NylasApplication| {
        let mut v: Vec<String> = app.grants.iter().map(|g| g.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&w.app()), ids(&app));
    assert!(grant_emails(&w).values().all(|n| *n == 1));
}

#[tokio::test]
async fn missing_consent_and_unknown_tenants_fail_plainly_and_the_rest_go_on() {
    let w = world().await;
    // Tenant 2 exists but its admin hasn't consented.
    tenants_with_credentials(&w, 3, 2).await;
    let mut input = users(3, 2);
    input.users.extend(
        parse_users_csv("email\nsomeone@elsewhere.example\n")
            .unwrap()
            .users,
    );
    let s = run_grants(
        &w.nylas(),
        &input,
        &opts(3),
        &w.journal("g.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((s.created, s.failed), (4, 3));
    let reason = |label: &str| {
        s.items
            .iter()
            .find(|i| i.label == label)
            .unwrap()
            .reason
            .clone()
            .unwrap()
    };
    assert_eq!(reason("user0@t002.example"), NOT_CONSENTED);
    assert!(reason("someone@elsewhere.example").contains("which tenant"));
    // The unknown tenant's mailbox was never sent.
    assert_eq!(w.calls(POST_CUSTOM), 6);
    assert_eq!(w.app().grants.len(), 4);
    let csv = failures_csv(&s);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("grant:user1@t002.example,user1@t002.example,The tenant's admin hasn't given admin consent yet"));

    // Once consented, a re-run with the same journal finishes the three
    // and leaves the four alone.
    let creds = wizard_core::bulk::existing_credentials(&w.nylas(), &never())
        .await
        .unwrap();
    w.consent(
        &creds
            .iter()
            .find(|c| c.tenant == "t002.example")
            .unwrap()
            .id,
    )
    .await;
    let posts = w.calls(POST_CUSTOM);
    let again = run_grants(
        &w.nylas(),
        &input,
        &opts(3),
        &w.journal("g.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.reused, again.failed), (2, 4, 1));
    assert_eq!(w.calls(POST_CUSTOM) - posts, 2);
}

#[tokio::test]
async fn a_cancelled_run_resumes_from_its_journal() {
    let w = world().await;
    tenants_with_credentials(&w, 2, 2).await;
    let input = users(2, 8);
    let journal = w.journal("g.jsonl");
    let cancel = never();
    let stop = cancel.clone();
    let first = run_grants(
        &w.nylas(),
        &input,
        &opts(2),
        &journal,
        &move |p| {
            if p.finished >= 4 {
                stop.cancel();
            }
        },
        &cancel,
    )
    .await
    .unwrap();
    assert!(first.cancelled);
    let done = first.created as usize;
    let skipped = first
        .items
        .iter()
        .filter(|i| i.state == ItemState::Skipped)
        .count();
    assert_eq!(done + skipped, 16);
    assert_eq!(w.app().grants.len(), done);
    let second = run_grants(&w.nylas(), &input, &opts(4), &journal, &|_| {}, &never())
        .await
        .unwrap();
    assert!(second.all_done());
    assert_eq!(
        second.reused as usize, done,
        "journaled items are reported, not posted"
    );
    assert_eq!(
        w.calls(POST_CUSTOM),
        16,
        "each mailbox posted once over both runs"
    );
    assert_eq!(grant_emails(&w).len(), 16);
}

#[tokio::test]
async fn nylas_rate_limit_and_extra_429s_are_absorbed() {
    let w = world().await;
    tenants_with_credentials(&w, 2, 2).await;
    // 10 a second at Nylas, one answer in five a 429 anyway.
    w.sb.set_nylas_rate_limit(Some(NylasRateLimit {
        requests_per_second: 10,
        extra_429_percent: 20,
        retry_after_seconds: 1,
    }))
    .unwrap();
    let input = users(2, 10);
    let mut o = opts(8);
    o.requests_per_second = 8;
    let s = run_grants(
        &w.nylas(),
        &input,
        &o,
        &w.journal("g.jsonl"),
        &|_| {},
        &never(),
    )
    .await
    .unwrap();
    assert!(s.all_done(), "{}", failures_csv(&s));
    assert_eq!(s.created, 20);
    let counts = w.sb.rate_limit_counts();
    assert!(counts.extra_429 > 0, "{counts:?}");
    // Our limiter kept every attempt under Nylas's limit.
    assert_eq!(counts.limited, 0, "{counts:?}");
    assert!(grant_emails(&w).values().all(|n| *n == 1));
    assert_eq!(grant_emails(&w).len(), 20);
}
