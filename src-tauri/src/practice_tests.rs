//! Practice mode switched from many places at once: the saved flag, the
//! in-memory flag and the running simulator always agree at the end.

use std::sync::Arc;

use wizard_core::endpoints::Endpoints;
use wizard_core::state::StateStore;

use super::{lock, AppState};

fn closed_endpoints() -> Endpoints {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Endpoints::sandbox(&format!("http://127.0.0.1:{port}/").parse().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_practice_switches_leave_flag_and_simulator_in_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let state =
        Arc::new(AppState::new(StateStore::in_dir(dir.path()), true, closed_endpoints()).unwrap());
    for round in 0..8 {
        let switches: Vec<_> = (0..16)
            .map(|i| {
                let state = state.clone();
                // A different mix each round, ending either way.
                let on = (i * 7 + round) % 3 != 0;
                tokio::spawn(async move { state.set_practice(on).await })
            })
            .collect();
        // A restart check racing the switches must not break the agreement.
        let restore = {
            let state = state.clone();
            tokio::spawn(async move { state.restore_practice().await })
        };
        for s in switches {
            s.await.unwrap().unwrap();
        }
        restore.await.unwrap().unwrap();

        let info = state.practice_info().await;
        let saved = StateStore::in_dir(dir.path()).load().0.practice;
        assert_eq!(
            saved, info.enabled,
            "round {round}: saved flag vs simulator"
        );
        assert_eq!(
            lock(&state.progress).practice,
            info.enabled,
            "round {round}"
        );
        assert_eq!(
            state.progress().practice,
            info.enabled,
            "round {round}: the window's progress"
        );
        // The simulator the flag points at really answers (and only then).
        match info.sandbox_url {
            Some(url) => {
                let addr = url::Url::parse(&url).unwrap();
                let port = addr.port().unwrap();
                assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
            }
            None => assert!(!info.enabled),
        }
    }
}
