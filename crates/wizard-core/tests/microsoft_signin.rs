//! Admin sign-in against the sandbox over real HTTP on 127.0.0.1: the
//! browser flow (PKCE checked by the sandbox, forged state refused, one
//! callback on 127.0.0.1 only, timeout) and the device-code loop with each
//! answer.

mod microsoft_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use microsoft_support::*;
use tokio_util::sync::CancellationToken;
use wizard_core::microsoft::loopback::LoopbackListener;
use wizard_core::microsoft::signin::BrowserSignIn;
use wizard_core::microsoft::{Access, DeviceFlow, GraphClient};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Scenario};

#[tokio::test]
async fn browser_sign_in_uses_pkce_s256_and_the_loopback_redirect() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let url = flow.authorize_url().clone();
    assert_eq!(
        param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(param(&url, "code_challenge").is_some_and(|c| c.len() == 43));
    assert_eq!(
        param(&url, "client_id").as_deref(),
        Some("14d82eec-204b-4c2f-b7e8-296a70dab67e")
    );
    let scope = param(&url, "scope").unwrap();
    assert!(
        scope.contains("https://graph.microsoft.com/Application.Read.All"),
        "{scope}"
    );
    assert!(
        !scope.contains("ReadWrite"),
        "auditing asks for read-only access: {scope}"
    );
    assert!(flow.redirect_uri().starts_with("http://127.0.0.1:"));
    let back = consent(&url, "approve").await;
    assert_eq!(param(&back, "state"), param(&url, "state"));
    let http = http();
    let cancel = CancellationToken::new();
    let (tokens, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    // The sandbox redeems the code only when SHA-256(verifier) is the challenge.
    let tokens = tokens.unwrap();
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        1
    );
    let org = GraphClient::new(&http, &endpoints(&sb).graph, &tokens)
        .organization(&cancel)
        .await
        .unwrap();
    assert_eq!(org.id, CONTOSO_ID);
}

#[tokio::test]
async fn fix_access_asks_for_write_permission() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Fix)
        .await
        .unwrap();
    let scope = param(flow.authorize_url(), "scope").unwrap();
    assert!(
        scope.contains("https://graph.microsoft.com/Application.ReadWrite.All"),
        "{scope}"
    );
}

#[tokio::test]
async fn a_forged_state_is_refused_and_no_code_is_redeemed() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let mut back = consent(flow.authorize_url(), "approve").await;
    let code = param(&back, "code").unwrap();
    back.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", "forged-state");
    let http = http();
    let cancel = CancellationToken::new();
    let (result, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert!(err.message.contains("state"), "{}", err.message);
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        0
    );
}

#[tokio::test]
async fn declining_at_the_consent_page_is_a_plain_cancel() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let flow = BrowserSignIn::start(config(&sb), Access::Audit)
        .await
        .unwrap();
    let back = consent(flow.authorize_url(), "deny").await;
    let http = http();
    let cancel = CancellationToken::new();
    let (result, _) = tokio::join!(flow.finish(&http, &cancel), async {
        browser().get(back.as_str()).send().await.unwrap()
    });
    assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn the_listener_binds_loopback_and_takes_exactly_one_callback() {
    let listener = LoopbackListener::bind().await.unwrap();
    let addr = listener.local_addr();
    assert!(addr.ip().is_loopback() && addr.is_ipv4(), "{addr}");
    let cancel = CancellationToken::new();
    let waiting =
        tokio::spawn(async move { listener.wait("s-1", Duration::from_secs(30), &cancel).await });
    let base = format!("http://{addr}");
    let favicon = browser()
        .get(format!("{base}/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(favicon.status(), 404, "other requests don't count");
    let page = browser()
        .get(format!("{base}/?code=the-code&state=s-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("You are signed in"));
    let callback = waiting.await.unwrap().unwrap();
    use secrecy::ExposeSecret;
    assert_eq!(callback.code.expose_secret(), "the-code");
    // Closed after the one callback.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn the_listener_gives_up_after_its_timeout() {
    let listener = LoopbackListener::bind().await.unwrap();
    let err = listener
        .wait("s", Duration::from_secs(300), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(err.message.contains("within 5 minutes"), "{}", err.message);
    assert!(err.hint.unwrap().contains("code"));
}

#[tokio::test]
async fn device_code_waits_out_pending_and_slow_down_then_signs_in() {
    let sb = device_scenario(&["authorization_pending", "slow_down"]).await;
    let http = http();
    let cancel = CancellationToken::new();
    let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
        .await
        .unwrap();
    let prompt = flow.prompt();
    assert!(prompt
        .verification_uri
        .ends_with("microsoft-login/devicelogin"));
    assert!(prompt.message.contains(&prompt.user_code));
    assert_eq!(prompt.expires_in_secs, 900);
    let log = Arc::new(Mutex::new(Vec::new()));
    let sleep = recording_sleep(
        log.clone(),
        3,
        Some(decide(&sb, &prompt.user_code, "approve")),
    );
    let tokens = flow.finish_with_sleep(&http, &cancel, sleep).await.unwrap();
    // pending → 2 s; slow_down → 2 + 5 s from then on; approved on the 4th poll.
    assert_eq!(
        *log.lock().unwrap(),
        [2, 7, 7].map(Duration::from_secs).to_vec()
    );
    let org = GraphClient::new(&http, &endpoints(&sb).graph, &tokens)
        .organization(&cancel)
        .await
        .unwrap();
    assert_eq!(org.id, CONTOSO_ID);
}

#[tokio::test]
async fn device_code_declined_expired_and_unknown_end_in_plain_errors() {
    for (forced, action, code, words) in [
        (None, Some("decline"), ErrorCode::Cancelled, "declined"),
        (None, Some("expire"), ErrorCode::Rejected, "expired"),
        (
            Some("authorization_declined"),
            None,
            ErrorCode::Cancelled,
            "declined",
        ),
        (Some("expired_token"), None, ErrorCode::Rejected, "expired"),
        (
            Some("bad_verification_code"),
            None,
            ErrorCode::Rejected,
            "recognise",
        ),
    ] {
        let sb = device_scenario(forced.as_slice()).await;
        let http = http();
        let cancel = CancellationToken::new();
        let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
            .await
            .unwrap();
        if let Some(action) = action {
            control(decide(&sb, &flow.prompt().user_code, action)).await;
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let err = flow
            .finish_with_sleep(&http, &cancel, recording_sleep(log.clone(), 0, None))
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{forced:?}/{action:?}: {}", err.message);
        assert!(err.message.contains(words), "{}", err.message);
        assert!(
            log.lock().unwrap().is_empty(),
            "no waiting after a final answer"
        );
    }
}

#[tokio::test]
async fn device_code_polling_stops_on_cancel() {
    let sb = device_scenario(&[]).await;
    let http = http();
    let cancel = CancellationToken::new();
    let flow = DeviceFlow::start(&http, config(&sb), Access::Audit, &cancel)
        .await
        .unwrap();
    let c = cancel.clone();
    let sleep = move |_d: Duration| {
        c.cancel();
        std::future::ready(())
    };
    let err = flow
        .finish_with_sleep(&http, &cancel, sleep)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn refresh_gives_working_tokens_and_the_old_refresh_token_is_spent() {
    use wizard_core::microsoft::signin::refresh;
    let sb = start(Scenario::practice(), None).await.unwrap();
    let tokens = sign_in(&sb, Access::Audit).await;
    assert!(
        tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );
    let http = http();
    let cancel = CancellationToken::new();
    let fresh = refresh(&http, &config(&sb), &tokens, &cancel)
        .await
        .unwrap();
    let org = GraphClient::new(&http, &endpoints(&sb).graph, &fresh)
        .organization(&cancel)
        .await
        .unwrap();
    assert_eq!(org.id, CONTOSO_ID);
    let err = refresh(&http, &config(&sb), &tokens, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected, "{}", err.message);
}

#[tokio::test]
async fn a_malformed_tenant_is_refused_before_any_call() {
    let sb = start(Scenario::practice(), None).await.unwrap();
    let cfg = wizard_core::microsoft::SignInConfig::new(
        "contoso.com/../x",
        &endpoints(&sb).microsoft_login,
    );
    let err = BrowserSignIn::start(cfg, Access::Audit)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(sb.all_calls().is_empty());
}

#[tokio::test]
async fn an_idle_browser_connection_does_not_hold_up_the_callback() {
    let listener = LoopbackListener::bind().await.unwrap();
    let addr = listener.local_addr();
    // A preconnection that never sends a request (browsers open these).
    let _idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    let cancel = CancellationToken::new();
    let waiting =
        tokio::spawn(async move { listener.wait("s-2", Duration::from_secs(30), &cancel).await });
    // Served one connection at a time, the callback would wait out the idle
    // connection's 10 s read limit.
    let served = tokio::time::timeout(Duration::from_secs(5), async {
        let page = browser()
            .get(format!("http://{addr}/?code=c2&state=s-2"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        waiting.await.unwrap()
    })
    .await
    .expect("the callback is handled while the idle connection is open");
    assert!(served.is_ok());
}
