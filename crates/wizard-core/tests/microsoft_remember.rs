//! "Remember me": the refresh token goes to the secret store only when the
//! admin asks; the next session signs in silently from it; a token
//! Microsoft refuses is deleted with a plain message. Against the sandbox
//! over HTTP, with the in-memory secret store standing in for the keychain.

mod microsoft_support;

use microsoft_support::*;
use tokio_util::sync::CancellationToken;
use wizard_core::microsoft::remember::{forget, is_remembered, remember, sign_in_remembered};
use wizard_core::microsoft::{Access, GraphClient};
use wizard_core::secrets::{ExposeSecret, MemorySecretStore, SecretName, SecretStore};
use wizard_core::ErrorCode;
use wizard_sandbox::{start, Scenario};

const CANARY: &str = "CANARY-rememberme-";

fn scenario() -> Scenario {
    let mut s = Scenario::practice();
    s.sign_in.issued_secret_prefix = CANARY.to_owned();
    s
}

fn stored(store: &MemorySecretStore) -> Option<String> {
    store
        .get(SecretName::MicrosoftRefreshToken.as_str())
        .ok()
        .map(|s| s.expose_secret().to_owned())
}

#[tokio::test]
async fn remembered_sign_in_is_stored_and_signs_in_silently_next_time() {
    let sb = start(scenario(), None).await.unwrap();
    let store = MemorySecretStore::new();
    let tokens = sign_in(&sb, Access::Audit).await;
    remember(&store, &tokens).unwrap();
    let first = stored(&store).expect("the refresh token is stored");
    assert!(first.starts_with(CANARY), "the sandbox's refresh token");
    assert_eq!(
        Some(first.as_str()),
        tokens.refresh_token.as_ref().map(|r| r.expose_secret())
    );

    // A new session: a new HTTP client, nothing in memory, the same store.
    let cancel = CancellationToken::new();
    let silent = sign_in_remembered(&http(), &config(&sb), Access::Audit, &store, &cancel)
        .await
        .unwrap()
        .expect("signed in from the remembered token");
    assert_eq!(silent.access, Access::Audit);
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        2,
        "one code exchange, one refresh"
    );
    // Microsoft rotates refresh tokens: the new one replaces the old.
    let second = stored(&store).unwrap();
    assert_ne!(second, first);
    // The silent sign-in's token reads Graph, including who signed in.
    let me = GraphClient::new(&http(), &endpoints(&sb).graph, &silent)
        .me(&cancel)
        .await
        .unwrap();
    assert!(me.display_name.is_some_and(|n| !n.is_empty()));
    assert!(me.user_principal_name.is_some_and(|u| u.contains('@')));

    forget(&store).unwrap();
    assert!(!is_remembered(&store).unwrap());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_refused_remembered_token_is_deleted_with_a_plain_message() {
    let sb = start(scenario(), None).await.unwrap();
    let store = MemorySecretStore::new();
    let tokens = sign_in(&sb, Access::Audit).await;
    remember(&store, &tokens).unwrap();
    let cancel = CancellationToken::new();
    // Using it once rotates it: the old token is now revoked at Microsoft.
    let revoked = store
        .get(SecretName::MicrosoftRefreshToken.as_str())
        .unwrap();
    sign_in_remembered(&http(), &config(&sb), Access::Audit, &store, &cancel)
        .await
        .unwrap()
        .unwrap();
    store
        .set(SecretName::MicrosoftRefreshToken.as_str(), &revoked)
        .unwrap();

    let e = sign_in_remembered(&http(), &config(&sb), Access::Audit, &store, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(e.message.contains("no longer accepts"), "{}", e.message);
    assert!(e.hint.as_deref().unwrap_or("").contains("Sign in"));
    let shown = serde_json::to_string(&e).unwrap();
    assert!(!shown.contains(CANARY), "no token in the error: {shown}");
    assert!(
        !is_remembered(&store).unwrap(),
        "the refused token is deleted"
    );

    // Nothing remembered any more: no silent sign-in, no call.
    let calls = sb.calls(&format!(
        "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
    ));
    let none = sign_in_remembered(&http(), &config(&sb), Access::Audit, &store, &cancel)
        .await
        .unwrap();
    assert!(none.is_none());
    assert_eq!(
        sb.calls(&format!(
            "POST /microsoft-login/{CONTOSO}/oauth2/v2.0/token"
        )),
        calls
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn without_remember_nothing_is_stored() {
    let sb = start(scenario(), None).await.unwrap();
    let store = MemorySecretStore::new();
    let _tokens = sign_in(&sb, Access::Audit).await;
    // The admin did not tick "remember me": the caller never calls
    // `remember`, and a new session finds nothing.
    assert_eq!(stored(&store), None);
    let cancel = CancellationToken::new();
    let none = sign_in_remembered(&http(), &config(&sb), Access::Audit, &store, &cancel)
        .await
        .unwrap();
    assert!(none.is_none());
    sb.shutdown().await;
}

#[test]
fn start_over_forgets_the_remembered_sign_in() {
    assert!(SecretName::ALL.contains(&SecretName::MicrosoftRefreshToken));
    assert_eq!(
        SecretName::MicrosoftRefreshToken.as_str(),
        "microsoft_refresh_token"
    );
}
