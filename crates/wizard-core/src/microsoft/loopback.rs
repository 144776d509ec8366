//! The one-shot loopback listener that receives Microsoft's redirect after
//! the admin signs in in the system browser.
//!
//! It binds `127.0.0.1` only (never all interfaces: nothing on the network
//! may answer in the browser's place) on a port the system picks, accepts
//! exactly one callback, checks its `state` against the one we sent, and
//! closes. Other requests the browser makes on the way (`/favicon.ico`) get
//! a 404 and don't count. Nothing is waited for forever: a timeout and the
//! cancellation token both end the wait.
//!
//! The Nylas test sign-in uses the same listener on a fixed port and path
//! ([`LoopbackListener::bind_localhost`]): Nylas sends the browser to
//! `http://localhost:PORT/…`, and `localhost` may resolve to `::1` before
//! `127.0.0.1`, so both loopback addresses listen (never all interfaces).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::error::{ErrorCode, Result, WizardError};

/// The longest request line and headers we read from the browser.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the redirect carried.
#[derive(Debug)]
pub struct Callback {
    pub code: SecretString,
}

/// Everything the redirect carried, once its `state` matched: for callers
/// that explain errors themselves (the Nylas test sign-in).
#[derive(Debug)]
pub struct RawCallback {
    pub code: Option<SecretString>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The sentences the browser tab shows after the redirect.
#[derive(Debug, Clone, Copy)]
pub struct Pages {
    pub done: &'static str,
    pub failed: &'static str,
}

const SIGN_IN_PAGES: Pages = Pages {
    done: "You are signed in. You can close this tab and go back to the Nylas setup wizard.",
    failed: "Sign-in didn't complete. Go back to the Nylas setup wizard to see why.",
};

/// A bound, not yet used listener.
pub struct LoopbackListener {
    listener: TcpListener,
    /// `[::1]` on the same port, when the system has IPv6 loopback.
    v6: Option<TcpListener>,
    addr: SocketAddr,
    /// The one path the redirect arrives on.
    path: String,
}

impl LoopbackListener {
    /// Bind 127.0.0.1 on a free port.
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| WizardError::io("open a local port for the sign-in", &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| WizardError::io("open a local port for the sign-in", &e))?;
        Ok(Self {
            listener,
            v6: None,
            addr,
            path: "/".into(),
        })
    }

    /// Listen on `port` of both loopback addresses for a redirect to
    /// `http://localhost:PORT{path}`. The port is fixed (registered with
    /// the service), so a port in use is a plain error.
    pub async fn bind_localhost(port: u16, path: &str) -> Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| {
                let doing = format!("listen on port {port} for the test sign-in");
                let mut err = WizardError::io(&doing, &e);
                if e.kind() == std::io::ErrorKind::AddrInUse {
                    err = WizardError::new(
                        ErrorCode::Io,
                        format!("Another program is using port {port} on this computer, which the test sign-in needs."),
                    )
                    .with_hint("Close the program using it (or another copy of the wizard), then try again.");
                }
                err
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| WizardError::io("open a local port for the sign-in", &e))?;
        // Best effort: without IPv6 loopback, localhost means 127.0.0.1.
        let v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, addr.port()))
            .await
            .ok();
        Ok(Self {
            listener,
            v6,
            addr,
            path: path.to_owned(),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The redirect URI to send to Microsoft: `http://127.0.0.1:PORT/`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/", self.addr.port())
    }

    /// Wait for the one callback, then close. `state` is the value sent in
    /// the authorize request; a callback with any other is refused.
    pub async fn wait(
        self,
        state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Callback> {
        let cancelled = || WizardError::new(ErrorCode::Cancelled, "Sign-in was cancelled.");
        let Some(raw) = self.wait_raw(state, timeout, cancel, SIGN_IN_PAGES).await? else {
            return Err(if cancel.is_cancelled() {
                cancelled()
            } else {
                WizardError::new(
                    ErrorCode::RemoteUnavailable,
                    format!(
                        "Microsoft's sign-in page didn't send you back within {} minutes, so we stopped waiting.",
                        timeout.as_secs().div_ceil(60)
                    ),
                )
                .with_hint("Sign in again and finish in the browser window that opens, or sign in with a code instead.")
            });
        };
        microsoft_callback(raw)
    }

    /// Wait for the one callback with our `state`, then close: `None` when
    /// the wait timed out or was cancelled (the caller words it).
    pub async fn wait_raw(
        self,
        state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
        pages: Pages,
    ) -> Result<Option<RawCallback>> {
        // Connections are served side by side: a browser's idle
        // preconnection must not hold up the one carrying the callback.
        let path = self.path.clone();
        let waiting = async {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let accepted = tokio::select! {
                    accepted = self.listener.accept() => Some(accepted),
                    accepted = accept_v6(self.v6.as_ref()) => Some(accepted),
                    Some(done) = connections.join_next(), if !connections.is_empty() => {
                        if let Ok(Some(outcome)) = done {
                            return outcome;
                        }
                        None
                    }
                };
                if let Some(accepted) = accepted {
                    let (stream, _) =
                        accepted.map_err(|e| WizardError::io("receive the sign-in answer", &e))?;
                    let (state, path) = (state.to_owned(), path.clone());
                    connections.spawn(async move { handle(stream, &state, &path, pages).await });
                }
            }
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Ok(None),
            outcome = tokio::time::timeout(timeout, waiting) => match outcome {
                Ok(outcome) => outcome.map(Some),
                Err(_) => Ok(None),
            },
        }
        // The listeners are dropped here: the port is closed.
    }
}

impl LoopbackListener {
    /// Wait for the first request on the path, then close: its raw query
    /// string (`None` when the wait timed out or was cancelled). For
    /// redirects that carry no OAuth `state`/`code` (the Teams account
    /// sign-in): the caller checks every parameter itself. `done` says
    /// which of the two `pages` the browser tab shows.
    pub async fn wait_query(
        self,
        timeout: Duration,
        cancel: &CancellationToken,
        pages: Pages,
        done: fn(&str) -> bool,
    ) -> Result<Option<String>> {
        let path = self.path.clone();
        let waiting = async {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let accepted = tokio::select! {
                    accepted = self.listener.accept() => Some(accepted),
                    accepted = accept_v6(self.v6.as_ref()) => Some(accepted),
                    Some(finished) = connections.join_next(), if !connections.is_empty() => {
                        if let Ok(Some(query)) = finished {
                            return Ok(query);
                        }
                        None
                    }
                };
                if let Some(accepted) = accepted {
                    let (mut stream, _) =
                        accepted.map_err(|e| WizardError::io("receive the sign-in answer", &e))?;
                    let path = path.clone();
                    connections.spawn(async move {
                        let target = match tokio::time::timeout(
                            READ_TIMEOUT,
                            read_target(&mut stream),
                        )
                        .await
                        {
                            Ok(Some(t)) => t,
                            _ => return None,
                        };
                        let (at, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
                        if at != path {
                            respond(&mut stream, "404 Not Found", "Not found.").await;
                            return None;
                        }
                        let text = if done(query) {
                            pages.done
                        } else {
                            pages.failed
                        };
                        respond(&mut stream, "200 OK", text).await;
                        Some(query.to_owned())
                    });
                }
            }
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Ok(None),
            outcome = tokio::time::timeout(timeout, waiting) => match outcome {
                Ok(outcome) => outcome.map(Some),
                Err(_) => Ok(None),
            },
        }
    }
}

/// Accept on the IPv6 listener, or never when there is none.
async fn accept_v6(v6: Option<&TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match v6 {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// One connection: `None` when it wasn't the callback (keep waiting).
async fn handle(
    mut stream: TcpStream,
    state: &str,
    path: &str,
    pages: Pages,
) -> Option<Result<RawCallback>> {
    let target = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
        Ok(Some(t)) => t,
        _ => return None,
    };
    let (at, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    if at != path {
        respond(&mut stream, "404 Not Found", "Not found.").await;
        return None;
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let outcome = if get("state") != Some(state) {
        Err(WizardError::new(
            ErrorCode::Rejected,
            "The sign-in answer that reached this app doesn't belong to the sign-in we started (its state is different), so it was refused.",
        )
        .with_hint("Sign in again from the wizard, in the browser window it opens."))
    } else {
        Ok(RawCallback {
            code: get("code")
                .filter(|c| !c.is_empty())
                .map(|c| SecretString::from(c.to_owned())),
            error: get("error").map(str::to_owned),
            error_description: get("error_description").map(str::to_owned),
        })
    };
    let done = matches!(&outcome, Ok(raw) if raw.error.is_none() && raw.code.is_some());
    respond(
        &mut stream,
        "200 OK",
        if done { pages.done } else { pages.failed },
    )
    .await;
    Some(outcome)
}

/// Microsoft's redirect to the admin sign-in, in plain words.
fn microsoft_callback(raw: RawCallback) -> Result<Callback> {
    if let Some(error) = raw.error.as_deref() {
        let description = raw.error_description.as_deref().unwrap_or("");
        let first_line = description.lines().next().unwrap_or("").trim();
        Err(if error == "access_denied" {
            WizardError::new(
                ErrorCode::Cancelled,
                format!("The sign-in was declined in the browser ({first_line})."),
            )
            .with_hint(
                "Sign in again and choose Accept to let the wizard read the app registration.",
            )
        } else {
            WizardError::new(
                ErrorCode::Rejected,
                format!("Microsoft refused the sign-in: {error} {first_line}"),
            )
        })
    } else if let Some(code) = raw.code {
        Ok(Callback { code })
    } else {
        Err(WizardError::new(
            ErrorCode::BadResponse,
            "Microsoft's sign-in sent you back without a code or an error.",
        ))
    }
}

/// The request target of `GET target HTTP/1.1`, or `None` for anything else.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST_BYTES {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Nylas setup wizard</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}
