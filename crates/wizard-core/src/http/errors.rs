//! Turning HTTP failures into [`WizardError`]s an admin can read, while
//! keeping the status and the service's own error text for callers that
//! need to tell cases apart (e.g. AADSTS90002 behind a 400).

use reqwest::StatusCode;

use crate::error::{ErrorCode, WizardError};

/// A failed call: the admin-facing error plus what the caller may branch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct HttpError {
    pub error: WizardError,
    /// The last HTTP status received, if any answer arrived.
    pub status: Option<u16>,
    /// The service's own error, when its body had a recognisable shape
    /// (boxed: this error travels in every `Result` of the HTTP layer).
    pub service_error: Option<Box<ServiceError>>,
    /// How many attempts were made.
    pub attempts: u32,
}

impl HttpError {
    pub fn code(&self) -> ErrorCode {
        self.error.code
    }
}

impl From<HttpError> for WizardError {
    fn from(e: HttpError) -> Self {
        e.error
    }
}

/// A service's error, from any of the shapes Microsoft and Nylas use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// Nylas `error.type`, Graph `error.code`, OAuth `error`, v2 `type`.
    pub kind: Option<String>,
    /// The human text, first line only (Microsoft appends trace lines).
    pub message: String,
}

/// Longest service text we repeat to the admin (an HTML page is not text).
const MAX_SERVICE_TEXT: usize = 300;

impl ServiceError {
    pub fn from_body(body: &[u8]) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        let (kind, message) = match &v["error"] {
            // Nylas v3 `{error:{type,message}}`, Graph `{error:{code,message}}`.
            serde_json::Value::Object(e) => (
                e.get("type").or_else(|| e.get("code")).and_then(text),
                e.get("message").and_then(text),
            ),
            // OAuth (Microsoft, Nylas token endpoint): `{error, error_description}`.
            serde_json::Value::String(kind) => (Some(kind.clone()), text(&v["error_description"])),
            // Nylas v2: `{message, type}`.
            _ => (text(&v["type"]), text(&v["message"])),
        };
        let message = message
            .as_deref()
            .and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
            .map(|m| truncate(m, MAX_SERVICE_TEXT))
            .or_else(|| kind.clone())?;
        Some(Self { kind, message })
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// The headers services put their id for a request in, most specific
/// first: Graph and Microsoft sign-in (`request-id`, `client-request-id`),
/// other Microsoft services (`x-ms-request-id`), Nylas (`x-request-id`).
const REQUEST_ID_HEADERS: [&str; 4] = [
    "request-id",
    "client-request-id",
    "x-ms-request-id",
    "x-request-id",
];

/// The service's id for this request, for support details. Only a short
/// run of visible ASCII is kept: anything else is not an id.
pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        let v = headers.get(*name)?.to_str().ok()?.trim();
        let ok = !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| v.to_owned())
    })
}

impl HttpError {
    /// The same error, quoting the service's request id when it sent one.
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        if let Some(id) = id {
            self.error = self.error.with_request_id(id);
        }
        self
    }
}

/// Why no (complete) answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Connection refused, DNS or TLS failure: the request was never sent.
    Connect,
    /// No complete answer within the timeout.
    Timeout,
    /// The connection closed before a complete answer.
    Closed,
    /// The request could not even be built (e.g. a line break in a key).
    Invalid,
    /// Redirected too often (reqwest's policy stops after 10 hops).
    Redirect,
    /// The body arrived but could not be decoded (e.g. broken compression).
    Decode,
}

impl Transport {
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_builder() {
            Transport::Invalid
        } else if e.is_redirect() {
            Transport::Redirect
        } else if e.is_connect() {
            // Before `is_timeout`: a connect timeout also never sent anything.
            Transport::Connect
        } else if e.is_timeout() {
            Transport::Timeout
        } else if e.is_decode() {
            Transport::Decode
        } else {
            Transport::Closed
        }
    }
}

fn after(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

const TRY_LATER: &str = "This is on the service's side. Try again in a few minutes; if it keeps \
     failing, check the Nylas or Microsoft 365 service status page.";

/// An answer with a non-2xx status that we are not (or no longer) retrying.
pub(crate) fn from_status(
    label: &str,
    status: StatusCode,
    body: &[u8],
    attempts: u32,
) -> HttpError {
    let service_error = ServiceError::from_body(body);
    let reason = status.canonical_reason().unwrap_or("error");
    let said = service_error
        .as_ref()
        // Inline in our sentence, so without its own final period.
        .map(|s| s.message.trim_end_matches('.').to_owned())
        .unwrap_or_else(|| reason.to_owned());
    let n = status.as_u16();
    let error = match n {
        401 => WizardError::new(
            ErrorCode::Unauthorized,
            format!("{label} did not accept the credentials (HTTP 401: {said})."),
        )
        .with_hint("Check that the key or secret was copied in full and has not been revoked."),
        403 => WizardError::new(
            ErrorCode::Forbidden,
            format!("{label} refused this action (HTTP 403: {said})."),
        )
        .with_hint("The account or key may lack the permission or role this step needs."),
        404 => WizardError::new(
            ErrorCode::NotFound,
            format!("{label} found nothing there (HTTP 404: {said})."),
        ),
        429 => WizardError::new(
            ErrorCode::RateLimited,
            format!(
                "{label} kept asking us to slow down (HTTP 429: {said}){}.",
                after(attempts)
            ),
        )
        .with_hint("Wait a minute, then try again."),
        _ if status.is_server_error() => WizardError::new(
            ErrorCode::RemoteUnavailable,
            format!(
                "{label} is not working right now (HTTP {n}: {said}){}.",
                after(attempts)
            ),
        )
        .with_hint(TRY_LATER),
        _ if status.is_client_error() => WizardError::new(
            ErrorCode::Rejected,
            format!("{label} rejected the request (HTTP {n}: {said})."),
        ),
        // 1xx/3xx that were not followed: not an answer we understand.
        _ => WizardError::new(
            ErrorCode::BadResponse,
            format!("{label} answered with HTTP {n} {reason}, which we did not expect."),
        ),
    };
    HttpError {
        error,
        status: Some(n),
        service_error: service_error.map(Box::new),
        attempts,
    }
}

/// No complete answer arrived.
pub(crate) fn from_transport(
    label: &str,
    kind: Transport,
    timeout_secs: u64,
    attempts: u32,
) -> HttpError {
    let n = after(attempts);
    let error = match kind {
        Transport::Invalid => WizardError::invalid_input(format!(
            "The request to {label} could not be built: a value contains characters that cannot be sent, such as a line break."
        ))
        .with_hint("Paste the key or secret again, without extra spaces or line breaks."),
        Transport::Connect => WizardError::new(
            ErrorCode::RemoteUnavailable,
            format!("{label} could not be reached{n}: the connection could not be opened."),
        )
        .with_hint("Check the internet connection, proxy and firewall, then try again."),
        Transport::Timeout => WizardError::new(
            ErrorCode::RemoteUnavailable,
            format!("{label} did not answer within {}{n}.", plain_wait(timeout_secs)),
        )
        .with_hint(TRY_LATER),
        Transport::Closed => WizardError::new(
            ErrorCode::RemoteUnavailable,
            format!("{label} closed the connection before answering{n}."),
        )
        .with_hint("Check the internet connection, proxy and firewall, then try again."),
        Transport::Redirect => WizardError::new(
            ErrorCode::RedirectLoop,
            format!("{label} kept sending us to another address (too many redirects), so we stopped."),
        )
        .with_hint(
            "A proxy, firewall or sign-in page in between may be redirecting the wizard. \
             Check with your IT department, or try from another network.",
        ),
        Transport::Decode => bad_response(
            label,
            "it could not be decoded",
        ),
    };
    HttpError {
        error,
        status: None,
        service_error: None,
        attempts,
    }
}

/// The answer was bigger than `limit` bytes: not what these services send.
pub(crate) fn too_large(label: &str, status: u16, limit: usize) -> HttpError {
    HttpError {
        error: WizardError::new(
            ErrorCode::ResponseTooLarge,
            format!(
                "{label} sent a much larger answer than expected (over {} MB), so we stopped reading it.",
                limit.div_ceil(1024 * 1024)
            ),
        )
        .with_hint(
            "A proxy or firewall may be answering instead of the service. Check with your IT \
             department, or try again later.",
        ),
        status: Some(status),
        service_error: None,
        attempts: 1,
    }
}

/// The whole call (every attempt and wait) ran out of time.
pub(crate) fn deadline(label: &str, deadline_secs: u64, attempts: u32) -> HttpError {
    HttpError {
        error: WizardError::new(
            ErrorCode::RemoteUnavailable,
            format!(
                "{label} did not finish within {}{}, so we stopped waiting.",
                plain_wait(deadline_secs),
                after(attempts)
            ),
        )
        .with_hint(TRY_LATER),
        status: None,
        service_error: None,
        attempts,
    }
}

/// The service asked us (`Retry-After`) to wait longer than this call may
/// still take: say so now instead of hanging on.
pub(crate) fn asked_to_wait(
    label: &str,
    status: StatusCode,
    body: &[u8],
    asked_secs: u64,
    attempts: u32,
) -> HttpError {
    let mut e = from_status(label, status, body, attempts);
    let wait = plain_wait(asked_secs);
    let code = e.error.code;
    e.error = WizardError::new(
        code,
        format!(
            "{label} asked us to wait {wait} before trying again (HTTP {}), longer than the wizard waits for one check.",
            status.as_u16()
        ),
    )
    .with_hint(format!("Wait {wait}, then try again."));
    e
}

/// `90` → "90 seconds", `600` → "10 minutes", `7200` → "2 hours".
fn plain_wait(secs: u64) -> String {
    let unit = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match secs {
        s if s < 120 => unit(s, "second"),
        s if s < 2 * 3600 => unit(s.div_ceil(60), "minute"),
        s => unit(s.div_ceil(3600), "hour"),
    }
}

pub(crate) fn cancelled(label: &str, attempts: u32) -> HttpError {
    HttpError {
        error: WizardError::new(
            ErrorCode::Cancelled,
            format!("The call to {label} was cancelled."),
        ),
        status: None,
        service_error: None,
        attempts,
    }
}

/// A 2xx whose body is not the JSON we expected. serde's own text can quote
/// values from the body (tokens, for instance), so only its position and,
/// for a missing field, the field's name are repeated.
pub(crate) fn unreadable(
    label: &str,
    status: u16,
    body: &[u8],
    e: &serde_json::Error,
) -> HttpError {
    use serde_json::error::Category;
    let detail = match e.classify() {
        _ if std::str::from_utf8(body).is_err() => "it is not readable text (not UTF-8)".to_owned(),
        Category::Eof | Category::Syntax | Category::Io => {
            format!(
                "it is not complete JSON (line {}, column {})",
                e.line(),
                e.column()
            )
        }
        Category::Data => {
            let text = e.to_string();
            match text.strip_prefix("missing field ") {
                Some(rest) => {
                    let field = rest.split(" at line").next().unwrap_or(rest);
                    format!("it lacks the field {field}")
                }
                None => format!(
                    "it is not in the expected shape (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            }
        }
    };
    HttpError {
        error: bad_response(label, &detail),
        status: Some(status),
        service_error: None,
        attempts: 1,
    }
}

fn bad_response(label: &str, detail: &str) -> WizardError {
    WizardError::new(
        ErrorCode::BadResponse,
        format!("{label} answered with something we could not read: {detail}."),
    )
    .with_hint(
        "Try again. If it keeps happening, a proxy or firewall may be changing the answer, \
         or the service changed its format; please report it.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_shapes() {
        let nylas =
            br#"{"request_id":"r","error":{"type":"unauthorized","message":"Unauthorized"}}"#;
        assert_eq!(
            ServiceError::from_body(nylas).unwrap(),
            ServiceError {
                kind: Some("unauthorized".into()),
                message: "Unauthorized".into()
            }
        );
        let ms = br#"{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant 'x' not found.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[90002]}"#;
        let e = ServiceError::from_body(ms).unwrap();
        assert_eq!(e.kind.as_deref(), Some("invalid_tenant"));
        assert_eq!(e.message, "AADSTS90002: Tenant 'x' not found.");
        let graph = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}"#;
        assert_eq!(
            ServiceError::from_body(graph).unwrap().message,
            "Insufficient privileges"
        );
        let v2 = br#"{"message":"Illegal redirect_uri","type":"invalid_request_error"}"#;
        assert_eq!(
            ServiceError::from_body(v2).unwrap().message,
            "Illegal redirect_uri"
        );
        assert!(ServiceError::from_body(b"<html>502</html>").is_none());
        assert!(ServiceError::from_body(b"{}").is_none());
    }

    #[test]
    fn status_mapping() {
        let codes: Vec<ErrorCode> = [401, 403, 404, 400, 409, 429, 500, 503, 304]
            .into_iter()
            .map(|s| from_status("X", StatusCode::from_u16(s).unwrap(), b"", 1).code())
            .collect();
        use ErrorCode::*;
        assert_eq!(
            codes,
            [
                Unauthorized,
                Forbidden,
                NotFound,
                Rejected,
                Rejected,
                RateLimited,
                RemoteUnavailable,
                RemoteUnavailable,
                BadResponse
            ]
        );
        let e = from_status("Nylas (GET /v3/x)", StatusCode::BAD_GATEWAY, b"", 4);
        assert_eq!(
            e.error.message,
            "Nylas (GET /v3/x) is not working right now (HTTP 502: Bad Gateway) after 4 attempts."
        );
        assert_eq!(e.status, Some(502));
    }

    #[test]
    fn request_id_from_the_first_header_that_has_one() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        assert_eq!(request_id(&h), None);
        h.insert("x-request-id", HeaderValue::from_static("nylas-1"));
        assert_eq!(request_id(&h).as_deref(), Some("nylas-1"));
        h.insert("client-request-id", HeaderValue::from_static("ms-client-2"));
        assert_eq!(request_id(&h).as_deref(), Some("ms-client-2"));
        h.insert("request-id", HeaderValue::from_static(" graph-3 "));
        assert_eq!(request_id(&h).as_deref(), Some("graph-3"));
        // Not an id: skipped for the next header.
        h.insert("request-id", HeaderValue::from_static("two words"));
        assert_eq!(request_id(&h).as_deref(), Some("ms-client-2"));
    }

    #[test]
    fn waits_in_plain_words() {
        assert_eq!(plain_wait(1), "1 second");
        assert_eq!(plain_wait(90), "90 seconds");
        assert_eq!(plain_wait(600), "10 minutes");
        assert_eq!(plain_wait(3600 * 5), "5 hours");
        let e = asked_to_wait(
            "Nylas (GET /v3/x)",
            StatusCode::TOO_MANY_REQUESTS,
            b"",
            600,
            1,
        );
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert_eq!(
            e.error.message,
            "Nylas (GET /v3/x) asked us to wait 10 minutes before trying again (HTTP 429), \
             longer than the wizard waits for one check."
        );
        let e = asked_to_wait("X", StatusCode::SERVICE_UNAVAILABLE, b"", 60, 2);
        assert_eq!(
            (e.code(), e.status, e.attempts),
            (ErrorCode::RemoteUnavailable, Some(503), 2)
        );
    }

    #[test]
    fn unreadable_never_quotes_values() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            n: u64,
        }
        let e = serde_json::from_str::<T>(r#"{"n":"secret-token-value"}"#).unwrap_err();
        let err = unreadable("Nylas (GET /v3/x)", 200, b"", &e);
        assert!(
            !err.error.message.contains("secret-token-value"),
            "{}",
            err.error.message
        );
        assert!(err
            .error
            .message
            .starts_with("Nylas (GET /v3/x) answered with something we could not read"));
        let e = serde_json::from_str::<T>("{}").unwrap_err();
        assert!(unreadable("X", 200, b"{}", &e)
            .error
            .message
            .contains("lacks the field `n`"));
    }
}
