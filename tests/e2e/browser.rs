//! The admin's browser, played by the tests: plain HTTP GETs to this
//! computer (the simulator's pages, the wizard's loopback listener).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// What a page answered.
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// One plain HTTP GET to 127.0.0.1, as the browser would send it.
pub fn get(url: &str) -> Reply {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("a local http URL: {url}"));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    assert!(host.starts_with("127.0.0.1:"), "only this computer: {url}");
    let mut conn = TcpStream::connect(host).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let path = if path.is_empty() { "/" } else { path };
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
        })
        .map(|(_, v)| v.trim().to_owned());
    Reply {
        status,
        location,
        body: body.to_owned(),
    }
}

/// The admin in the browser: the simulator's sign-in page, Accept, and the
/// redirect back to the wizard. Returns the consent page's text.
pub async fn accept_in_browser(authorize_url: String) -> String {
    tokio::task::spawn_blocking(move || {
        let page = get(&authorize_url);
        assert_eq!(page.status, 200, "{}", page.body);
        let marker = "id=\"approve\" href=\"";
        let start = page.body.find(marker).expect("an Accept button") + marker.len();
        let href = page.body[start..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        let consent = get(&href);
        assert_eq!(consent.status, 302, "{}", consent.body);
        let back = consent.location.expect("a redirect back to the wizard");
        assert!(back.contains("code="), "{back}");
        let done = get(&back);
        assert_eq!(done.status, 200, "{}", done.body);
        page.body
    })
    .await
    .unwrap()
}

/// The admin (or a user) in the browser from `url` on: redirects are
/// followed, the simulator's consent page is accepted, until a page on the
/// wizard's own loopback address (its path containing `marker`) answers.
/// `localhost` is reached as 127.0.0.1 (the played browser speaks only to
/// this computer). Returns every address visited, in order.
pub async fn follow_to_wizard(url: String, marker: &'static str) -> Vec<String> {
    tokio::task::spawn_blocking(move || {
        let mut url = url;
        let mut seen = Vec::new();
        for _ in 0..10 {
            let here = url.replacen("http://localhost:", "http://127.0.0.1:", 1);
            // A browser never sends the fragment (seed 001's way back ends
            // with an empty one).
            let here = here.split('#').next().unwrap_or_default().to_owned();
            seen.push(here.clone());
            let page = get(&here);
            match page.status {
                301..=303 | 307 | 308 => {
                    let to = page.location.expect("a redirect has a Location");
                    url = if to.starts_with('/') {
                        let origin: String =
                            here.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                        format!("{origin}{to}")
                    } else {
                        to
                    };
                }
                200 => {
                    let approve = "id=\"approve\" href=\"";
                    match page.body.find(approve) {
                        Some(i) => {
                            url = page.body[i + approve.len()..]
                                .split('"')
                                .next()
                                .unwrap()
                                .replace("&amp;", "&");
                        }
                        None => {
                            assert!(here.contains(marker), "{here}: {}", page.body);
                            return seen;
                        }
                    }
                }
                s => panic!("{here} answered {s}: {}", page.body),
            }
        }
        panic!("the sign-in never came back to the wizard: {seen:?}");
    })
    .await
    .unwrap()
}
