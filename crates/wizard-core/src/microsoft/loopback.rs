//! The one-shot loopback listener that receives Microsoft's redirect after
//! the admin signs in in the system browser.
//!
//! It binds `127.0.0.1` only (never all interfaces: nothing on the network
//! may answer in the browser's place) on a port the system picks, accepts
//! exactly one callback, checks its `state` against the one we sent, and
//! closes. Other requests the browser makes on the way (`/favicon.ico`) get
//! a 404 and don't count. Nothing is waited for forever: a timeout and the
//! cancellation token both end the wait.

use std::net::{Ipv4Addr, SocketAddr};
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

/// A bound, not yet used listener.
pub struct LoopbackListener {
    listener: TcpListener,
    addr: SocketAddr,
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
        Ok(Self { listener, addr })
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
        // Connections are served side by side: a browser's idle
        // preconnection must not hold up the one carrying the callback.
        let waiting = async {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted
                            .map_err(|e| WizardError::io("receive the sign-in answer", &e))?;
                        let state = state.to_owned();
                        connections.spawn(async move { handle(stream, &state).await });
                    }
                    Some(done) = connections.join_next(), if !connections.is_empty() => {
                        if let Ok(Some(outcome)) = done {
                            return outcome;
                        }
                    }
                }
            }
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(WizardError::new(
                ErrorCode::Cancelled,
                "Sign-in was cancelled.",
            )),
            outcome = tokio::time::timeout(timeout, waiting) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => Err(WizardError::new(
                    ErrorCode::RemoteUnavailable,
                    format!(
                        "Microsoft's sign-in page didn't send you back within {} minutes, so we stopped waiting.",
                        timeout.as_secs().div_ceil(60)
                    ),
                )
                .with_hint("Sign in again and finish in the browser window that opens, or sign in with a code instead.")),
            },
        }
        // The listener is dropped here: the port is closed.
    }
}

/// One connection: `None` when it wasn't the callback (keep waiting).
async fn handle(mut stream: TcpStream, state: &str) -> Option<Result<Callback>> {
    let target = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
        Ok(Some(t)) => t,
        _ => return None,
    };
    let Some(query) = target
        .strip_prefix("/?")
        .or(if target == "/" { Some("") } else { None })
    else {
        respond(&mut stream, "404 Not Found", "Not found.").await;
        return None;
    };
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
    } else if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or("");
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
    } else if let Some(code) = get("code").filter(|c| !c.is_empty()) {
        Ok(Callback {
            code: SecretString::from(code.to_owned()),
        })
    } else {
        Err(WizardError::new(
            ErrorCode::BadResponse,
            "Microsoft's sign-in sent you back without a code or an error.",
        ))
    };
    let page = match &outcome {
        Ok(_) => "You are signed in. You can close this tab and go back to the Nylas setup wizard.",
        Err(_) => "Sign-in didn't complete. Go back to the Nylas setup wizard to see why.",
    };
    respond(&mut stream, "200 OK", page).await;
    Some(outcome)
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
