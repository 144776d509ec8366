//! Nylas's per-application rate limit (reference §1: 50 requests/s per
//! application for the Applications, Authentication, Connectors and Grants
//! APIs), off unless the scenario's `nylas_rate_limit` or
//! `PUT /_sandbox/rate-limit` turns it on.
//!
//! Every Nylas v3 request under `/v3/` whose Bearer key opens an
//! application counts (browser pages and the token endpoint carry no key
//! and don't). A sliding one-second window per application: a request that
//! finds `requests_per_second` answers already in the window gets 429
//! `rate_limit_error` with `Retry-After: retry_after_seconds` and does not
//! enter the window. Of the requests that do, `extra_429_percent` also get
//! that 429, spread evenly by a counter (the k-th request is refused when
//! ⌊k·p/100⌋ grows), so a run is reproducible. Counts are readable through
//! `GET /_sandbox/rate-limit` and [`crate::SandboxHandle::rate_limit_counts`].

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::scenario::NylasRegion;
use crate::server::AppState;
use crate::service::{error_response, Service};

const WINDOW: Duration = Duration::from_secs(1);

/// The limit's settings (scenario `nylas_rate_limit`, all fields optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NylasRateLimit {
    /// Answers per application in any one second (default 50, at least 1).
    #[serde(default = "default_requests_per_second")]
    pub requests_per_second: u32,
    /// Share of the answers within the limit that are 429 anyway, 0–100
    /// (default 0).
    #[serde(default)]
    pub extra_429_percent: u8,
    /// The `Retry-After` of every 429, in seconds (default 1).
    #[serde(default = "default_retry_after_seconds")]
    pub retry_after_seconds: u32,
}

fn default_requests_per_second() -> u32 {
    50
}

fn default_retry_after_seconds() -> u32 {
    1
}

impl Default for NylasRateLimit {
    fn default() -> Self {
        Self {
            requests_per_second: default_requests_per_second(),
            extra_429_percent: 0,
            retry_after_seconds: default_retry_after_seconds(),
        }
    }
}

impl NylasRateLimit {
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.requests_per_second == 0 {
            return Err("nylas_rate_limit.requests_per_second must be at least 1".into());
        }
        if self.extra_429_percent > 100 {
            return Err("nylas_rate_limit.extra_429_percent must be 0–100".into());
        }
        Ok(())
    }
}

/// What the limit did since it was last set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitCounts {
    /// Requests the limit looked at.
    pub requests: u64,
    /// Let through to the API.
    pub passed: u64,
    /// 429 because the window was full.
    pub limited: u64,
    /// 429 of `extra_429_percent`.
    pub extra_429: u64,
}

#[derive(Default)]
struct Inner {
    config: Option<NylasRateLimit>,
    /// Arrival times in the last second, per (region, application ID).
    windows: HashMap<(NylasRegion, String), VecDeque<Instant>>,
    /// Requests that entered a window (numbers the extra 429s).
    admitted: u64,
    counts: RateLimitCounts,
}

#[derive(Default)]
pub(crate) struct RateLimiter(Mutex<Inner>);

impl RateLimiter {
    pub(crate) fn new(config: Option<NylasRateLimit>) -> Self {
        Self(Mutex::new(Inner {
            config,
            ..Default::default()
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replace the settings (`None`: off); windows and counts start again.
    pub(crate) fn set(&self, config: Option<NylasRateLimit>) -> Result<(), String> {
        if let Some(c) = &config {
            c.check()?;
        }
        *self.lock() = Inner {
            config,
            ..Default::default()
        };
        Ok(())
    }

    pub(crate) fn config(&self) -> Option<NylasRateLimit> {
        self.lock().config.clone()
    }

    pub(crate) fn counts(&self) -> RateLimitCounts {
        self.lock().counts
    }

    /// The 429 for one request of `app`, or `None` to let it through.
    fn admit(&self, app: (NylasRegion, String), at: Instant) -> Option<u32> {
        let mut inner = self.lock();
        let config = inner.config.clone()?;
        inner.counts.requests += 1;
        let window = inner.windows.entry(app).or_default();
        while window
            .front()
            .is_some_and(|t| at.duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() >= config.requests_per_second as usize {
            inner.counts.limited += 1;
            return Some(config.retry_after_seconds);
        }
        window.push_back(at);
        inner.admitted += 1;
        let p = u64::from(config.extra_429_percent);
        let k = inner.admitted;
        if k * p / 100 > (k - 1) * p / 100 {
            inner.counts.extra_429 += 1;
            return Some(config.retry_after_seconds);
        }
        inner.counts.passed += 1;
        None
    }
}

/// The application a Nylas v3 API request's key opens, if the request is
/// one the limit counts.
fn counted_app(state: &AppState, path: &str, headers: &HeaderMap) -> Option<(NylasRegion, String)> {
    let rest = path.trim_start_matches('/');
    let (prefix, rest) = rest.split_once('/')?;
    let region = match prefix {
        "nylas-us" => NylasRegion::Us,
        "nylas-eu" => NylasRegion::Eu,
        _ => return None,
    };
    if !rest.starts_with("v3/") {
        return None;
    }
    let key = crate::nylas_v3::bearer(headers)?;
    let scenario = state.scenario.read().unwrap_or_else(|p| p.into_inner());
    scenario
        .nylas_applications
        .iter()
        .find(|a| a.region == region && a.api_keys.iter().any(|k| k == key))
        .map(|a| (region, a.application_id.clone()))
}

/// The 429 answer for this request, if the limit refuses it.
pub(crate) fn refuse(state: &AppState, path: &str, headers: &HeaderMap) -> Option<Response> {
    state.rate_limit.config()?;
    let app = counted_app(state, path, headers)?;
    let retry_after = state.rate_limit.admit(app, Instant::now())?;
    let mut resp = error_response(Service::NylasV3, StatusCode::TOO_MANY_REQUESTS, None);
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> (NylasRegion, String) {
        (NylasRegion::Us, "app".into())
    }

    #[test]
    fn the_window_slides_per_application() {
        let limiter = RateLimiter::new(Some(NylasRateLimit {
            requests_per_second: 2,
            extra_429_percent: 0,
            retry_after_seconds: 3,
        }));
        let t0 = Instant::now();
        assert_eq!(limiter.admit(app(), t0), None);
        assert_eq!(limiter.admit(app(), t0 + Duration::from_millis(10)), None);
        assert_eq!(
            limiter.admit(app(), t0 + Duration::from_millis(20)),
            Some(3)
        );
        // Another application has its own window.
        assert_eq!(limiter.admit((NylasRegion::Eu, "app".into()), t0), None);
        // A second after the first answer, there is room for one more.
        assert_eq!(limiter.admit(app(), t0 + Duration::from_millis(1000)), None);
        assert_eq!(
            limiter.admit(app(), t0 + Duration::from_millis(1001)),
            Some(3)
        );
        let c = limiter.counts();
        assert_eq!((c.requests, c.passed, c.limited, c.extra_429), (6, 4, 2, 0));
    }

    #[test]
    fn extra_429s_are_an_even_reproducible_share() {
        let limiter = RateLimiter::new(Some(NylasRateLimit {
            requests_per_second: 10_000,
            extra_429_percent: 5,
            retry_after_seconds: 1,
        }));
        let t0 = Instant::now();
        let refused: Vec<usize> = (1..=100)
            .filter(|_| limiter.admit(app(), t0).is_some())
            .collect();
        assert_eq!(refused, [20, 40, 60, 80, 100]);
        assert_eq!(limiter.counts().extra_429, 5);
        limiter.set(None).unwrap();
        assert_eq!(limiter.admit(app(), t0), None, "off");
        assert_eq!(limiter.counts(), RateLimitCounts::default());
    }

    #[test]
    fn settings_are_checked() {
        let bad = |rps, p| NylasRateLimit {
            requests_per_second: rps,
            extra_429_percent: p,
            retry_after_seconds: 1,
        };
        assert!(bad(0, 0).check().is_err());
        assert!(bad(1, 101).check().is_err());
        assert!(bad(1, 100).check().is_ok());
    }
}
