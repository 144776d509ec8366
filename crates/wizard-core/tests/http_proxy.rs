//! The HTTP client and proxies, through a real (tiny) proxy on 127.0.0.1:
//! other hosts go through it, loopback never does. The proxy resolves
//! every host name to 127.0.0.1, so `nylas.test` (a name no DNS knows)
//! reaches the in-test service only through the proxy.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use url::Url;
use wizard_core::http::{ApiRequest, HttpClient, HttpConfig, ProxySetting};
use wizard_core::remote_ops::RemoteOp;
use wizard_core::ErrorCode;

/// The tests that read or change proxy environment variables must not
/// overlap with any other client being built in this binary.
static ENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A forward (absolute-form) and CONNECT proxy that records each request
/// line it gets and sends it on to 127.0.0.1 on the asked port.
struct Proxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let (conn, _) = listener.accept().await.unwrap();
                tokio::spawn(relay(conn, log.clone()));
            }
        });
        Self { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

async fn relay(mut client: TcpStream, log: Arc<Mutex<Vec<String>>>) {
    // Read the request head.
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf).await.unwrap();
        if n == 0 {
            return;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next().unwrap().to_owned();
    log.lock().unwrap().push(line.clone());
    let mut parts = line.split(' ');
    let method = parts.next().unwrap();
    let target = parts.next().unwrap();
    // Every host name is this machine; only the port matters.
    let authority = if method == "CONNECT" {
        target.to_owned()
    } else {
        Url::parse(target).unwrap().authority().to_owned()
    };
    let port: u16 = authority.rsplit(':').next().unwrap().parse().unwrap_or(80);
    let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    if method == "CONNECT" {
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .unwrap();
    } else {
        // hyper's server accepts the absolute form as it is.
        upstream.write_all(&head).await.unwrap();
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// The service: `GET /v3/ping` answers with the Host it was asked for.
struct Service {
    port: u16,
    hits: Arc<AtomicUsize>,
}

async fn service() -> Service {
    let hits = Arc::new(AtomicUsize::new(0));
    let count = hits.clone();
    let app = Router::new().route(
        "/v3/ping",
        get(move |headers: HeaderMap| {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                let host = headers["host"].to_str().unwrap().to_owned();
                Json(serde_json::json!({ "host": host }))
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Service { port, hits }
}

fn config(proxy: ProxySetting) -> HttpConfig {
    HttpConfig {
        proxy,
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        max_retries: 0,
        ..HttpConfig::default()
    }
}

fn manual(proxy: &Proxy) -> ProxySetting {
    ProxySetting::manual(&proxy.url()).unwrap()
}

async fn ping(http: &HttpClient, base: &str) -> Result<serde_json::Value, ErrorCode> {
    let req = ApiRequest::new(
        RemoteOp::NylasApplication,
        &Url::parse(base).unwrap(),
        "v3/ping",
    )
    .unwrap();
    http.send_json(&req, &CancellationToken::new())
        .await
        .map_err(|e| e.code())
}

#[tokio::test]
async fn a_manual_proxy_carries_calls_to_other_hosts() {
    let _env = ENV.lock().await;
    let (proxy, svc) = (Proxy::start().await, service().await);
    let http = HttpClient::new(config(manual(&proxy))).unwrap();
    let base = format!("http://nylas.test:{}/", svc.port);
    let answer = ping(&http, &base).await.unwrap();
    // The service was asked for nylas.test, which only the proxy could reach.
    assert_eq!(answer["host"], format!("nylas.test:{}", svc.port));
    assert_eq!(
        proxy.seen(),
        [format!(
            "GET http://nylas.test:{}/v3/ping HTTP/1.1",
            svc.port
        )]
    );
    assert_eq!(svc.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel() {
    let _env = ENV.lock().await;
    let (proxy, svc) = (Proxy::start().await, service().await);
    let http = HttpClient::new(config(manual(&proxy))).unwrap();
    // The tunnel leads to a plain-HTTP service, so TLS fails after the
    // CONNECT; what matters is that the proxy was asked to open it.
    let err = ping(&http, &format!("https://nylas.test:{}/", svc.port))
        .await
        .unwrap_err();
    assert_eq!(err, ErrorCode::RemoteUnavailable);
    assert_eq!(
        proxy.seen(),
        [format!("CONNECT nylas.test:{} HTTP/1.1", svc.port)]
    );
}

#[tokio::test]
async fn loopback_is_never_proxied() {
    let _env = ENV.lock().await;
    let (proxy, svc) = (Proxy::start().await, service().await);
    let http = HttpClient::new(config(manual(&proxy))).unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let answer = ping(&http, &format!("http://{host}:{}/", svc.port))
            .await
            .unwrap();
        assert_eq!(answer["host"], format!("{host}:{}", svc.port));
    }
    assert_eq!(svc.hits.load(Ordering::SeqCst), 2);
    assert_eq!(proxy.seen(), Vec::<String>::new());
}

#[tokio::test]
async fn the_environment_proxy_is_used_but_never_for_loopback() {
    let _env = ENV.lock().await;
    let (proxy, svc) = (Proxy::start().await, service().await);
    // What a corporate desktop sets for the whole session; `System` reads
    // it when the client is built, on its first request (then the
    // Windows/macOS settings, which Linux has none of).
    std::env::set_var("HTTP_PROXY", proxy.url());
    std::env::set_var("NO_PROXY", "direct.test");
    let http = HttpClient::new(config(ProxySetting::System));
    let proxied = match &http {
        Ok(http) => Some(ping(http, &format!("http://nylas.test:{}/", svc.port)).await),
        Err(_) => None,
    };
    // The practice sandbox's address: reached directly, despite HTTP_PROXY.
    let direct = match &http {
        Ok(http) => Some(ping(http, &format!("http://127.0.0.1:{}/", svc.port)).await),
        Err(_) => None,
    };
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("NO_PROXY");
    http.unwrap();
    let answer = proxied.unwrap().unwrap();
    assert_eq!(answer["host"], format!("nylas.test:{}", svc.port));
    direct.unwrap().unwrap();
    assert_eq!(
        proxy.seen(),
        [format!(
            "GET http://nylas.test:{}/v3/ping HTTP/1.1",
            svc.port
        )]
    );
    assert_eq!(svc.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn set_proxy_applies_to_every_clone_from_the_next_call() {
    let _env = ENV.lock().await;
    let (proxy, svc) = (Proxy::start().await, service().await);
    let http = HttpClient::new(config(ProxySetting::None)).unwrap();
    let clone = http.clone();
    http.set_proxy(manual(&proxy)).unwrap();
    assert_eq!(clone.proxy(), manual(&proxy));
    ping(&clone, &format!("http://nylas.test:{}/", svc.port))
        .await
        .unwrap();
    assert_eq!(proxy.seen().len(), 1);

    // A bad address is refused and the setting in use stays.
    let err = http
        .set_proxy(ProxySetting::Manual {
            url: "socks5://proxy.corp:1080".into(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(clone.proxy(), manual(&proxy));

    http.set_proxy(ProxySetting::None).unwrap();
    assert_eq!(clone.proxy(), ProxySetting::None);
}
