//! When to try again and how long to wait.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::StatusCode;

use super::errors::Transport;
use super::HttpConfig;

/// Statuses that usually mean "not now" rather than "no".
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Whether a failed attempt may be repeated. 429 and failures to connect are
/// safe for any method: the service did not act on the request. Everything
/// else may have been acted on, so only idempotent requests are repeated.
pub(crate) fn may_retry_status(status: StatusCode, idempotent: bool) -> bool {
    retryable_status(status) && (idempotent || status == StatusCode::TOO_MANY_REQUESTS)
}

pub(crate) fn may_retry_transport(kind: Transport, idempotent: bool) -> bool {
    match kind {
        Transport::Connect => true,
        Transport::Timeout | Transport::Closed => idempotent,
        // The same redirects or the same bytes would come back.
        Transport::Invalid | Transport::Redirect | Transport::Decode => false,
    }
}

/// Exponential backoff with jitter: for retry `n` (0-based) a random wait in
/// `[d/2, d]` where `d = min(base * 2^n, max)`. The jitter keeps many clients
/// (or many tenants in a bulk run) from retrying in lockstep.
pub(crate) fn backoff(config: &HttpConfig, n: u32) -> Duration {
    let d = config
        .base_backoff
        .saturating_mul(2u32.saturating_pow(n.min(16)))
        .min(config.max_backoff);
    let half = d / 2;
    let spread = (d - half).as_millis() as u64;
    half + Duration::from_millis(rand::rng().random_range(0..=spread))
}

/// `Retry-After` as seconds or an HTTP date, relative to `now`, as asked
/// (the caller caps it and weighs it against the deadline). A date in the
/// past means "now"; anything unreadable is ignored.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(value.parse().unwrap_or(u64::MAX))
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait)
}

/// What to do after a failed attempt that may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Wait this long, then try again.
    Wait(Duration),
    /// The service asked for a wait longer than what is left of the
    /// deadline: fail now, saying how long it asked for.
    AskedTooLong(Duration),
    /// Our own backoff would outlast the deadline: give the last failure.
    GiveUp,
}

/// The wait before the next attempt: the service's `Retry-After` (cut to
/// `max_retry_after`) wins over our `backoff`; neither may outlast
/// `remaining`, the time left before the call's overall deadline.
pub(crate) fn next_wait(
    config: &HttpConfig,
    retry_after: Option<Duration>,
    backoff: Duration,
    remaining: Duration,
) -> Next {
    match retry_after {
        Some(asked) if asked.min(config.max_retry_after) >= remaining => Next::AskedTooLong(asked),
        Some(asked) => Next::Wait(asked.min(config.max_retry_after)),
        None if backoff >= remaining => Next::GiveUp,
        None => Next::Wait(backoff),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HttpConfig {
        HttpConfig {
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            ..HttpConfig::default()
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let c = config();
        for _ in 0..200 {
            let first = backoff(&c, 0);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
            let third = backoff(&c, 2);
            assert!(third >= Duration::from_secs(1) && third <= Duration::from_secs(2));
            let late = backoff(&c, 40);
            assert!(late >= Duration::from_secs(4) && late <= Duration::from_secs(8));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let secs = |n| Some(Duration::from_secs(n));
        assert_eq!(parse_retry_after(" 2 ", now), secs(2));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("3600", now), secs(3600));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            secs(u64::MAX)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            secs(5)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn waits_never_outlast_the_deadline() {
        let c = HttpConfig {
            max_retry_after: Duration::from_secs(60),
            ..config()
        };
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        // Retry-After within what is left: honoured as asked.
        assert_eq!(next_wait(&c, Some(s(5)), ms(300), s(30)), Next::Wait(s(5)));
        // Longer than what is left: fail now, naming what was asked.
        assert_eq!(
            next_wait(&c, Some(s(35)), ms(300), s(30)),
            Next::AskedTooLong(s(35))
        );
        assert_eq!(
            next_wait(&c, Some(s(3600)), ms(300), s(39)),
            Next::AskedTooLong(s(3600))
        );
        // Cut to max_retry_after first; the cut wait fits.
        let short_cap = HttpConfig {
            max_retry_after: ms(50),
            ..c.clone()
        };
        assert_eq!(
            next_wait(&short_cap, Some(s(3600)), ms(300), s(30)),
            Next::Wait(ms(50))
        );
        // Our own backoff: waited if it fits, else the last failure stands.
        assert_eq!(next_wait(&c, None, ms(300), s(30)), Next::Wait(ms(300)));
        assert_eq!(next_wait(&c, None, s(2), s(1)), Next::GiveUp);
    }

    #[test]
    fn what_is_retried() {
        let s = |n| StatusCode::from_u16(n).unwrap();
        assert!(may_retry_status(s(500), true));
        assert!(!may_retry_status(s(500), false));
        assert!(may_retry_status(s(429), false));
        assert!(!may_retry_status(s(501), true));
        assert!(!may_retry_status(s(400), true));
        assert!(may_retry_transport(Transport::Connect, false));
        assert!(!may_retry_transport(Transport::Closed, false));
        assert!(may_retry_transport(Transport::Timeout, true));
        assert!(!may_retry_transport(Transport::Invalid, true));
        assert!(!may_retry_transport(Transport::Redirect, true));
        assert!(!may_retry_transport(Transport::Decode, true));
    }
}
