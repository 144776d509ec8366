//! Per-route fault injection: latency, error statuses, `Retry-After`,
//! malformed or literal bodies, dropped connections, limited to the first N
//! matching calls.
//!
//! Rules are evaluated in order; the first *live* matching rule wins (a rule
//! with `first_n` stops being live once it has been applied N times, and the
//! next matching rule gets its chance).

use std::sync::Mutex;

use axum::http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use crate::error::SandboxError;

/// One fault rule, as in a scenario file or `PUT /_sandbox/faults`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// `"METHOD /path"` matched exactly against the request (no query
    /// string); a path segment `*` matches any one segment; `"*"` alone
    /// matches every simulated route.
    pub route: String,
    /// Wait this long before doing anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Answer with this status (200–599) and a plausible error body for the
    /// service, instead of the real answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` header value to add (to the fault's or the real answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// `"malformed"`: cut-off JSON (status 200 unless `status` is set);
    /// anything else: this literal body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Close the connection without writing any response.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
    /// Apply only to the first N matching calls (absent: always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_n: Option<u64>,
}

/// The `body` value that asks for cut-off JSON.
pub const MALFORMED: &str = "malformed";

/// What the cut-off JSON looks like: the start of a plausible answer.
pub(crate) const MALFORMED_JSON: &str = r#"{"request_id":"5fa64c92-e840-4357-86b9-2aa364d35b88","data":{"application_id":"2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b","callback_uris":[{"id":"#;

impl Fault {
    /// A rule for `route` that does nothing until given an effect.
    pub fn new(route: impl Into<String>) -> Self {
        Self {
            route: route.into(),
            ..Self::default()
        }
    }
    pub fn with_latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = Some(ms);
        self
    }
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
    pub fn with_retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }
    pub fn malformed(self) -> Self {
        self.with_body(MALFORMED)
    }
    pub fn dropping_connection(mut self) -> Self {
        self.drop_connection = true;
        self
    }
    pub fn first_n(mut self, n: u64) -> Self {
        self.first_n = Some(n);
        self
    }

    /// Why this rule cannot be used, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        RoutePattern::parse(&self.route)?;
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return Err(format!("status {status} is not between 200 and 599"));
            }
        }
        if let Some(value) = &self.retry_after {
            HeaderValue::from_str(value)
                .map_err(|_| format!("retry_after \"{value}\" cannot be sent as a header"))?;
        }
        if self.drop_connection && (self.status.is_some() || self.body.is_some()) {
            return Err("drop_connection cannot be combined with status or body".into());
        }
        if self.first_n == Some(0) {
            return Err("first_n must be at least 1 (leave it out for \"always\")".into());
        }
        Ok(())
    }
}

/// A parsed `route`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RoutePattern {
    Any,
    Exact {
        method: String,
        segments: Vec<String>,
    },
}

impl RoutePattern {
    fn parse(route: &str) -> Result<Self, String> {
        let route = route.trim();
        if route == "*" {
            return Ok(Self::Any);
        }
        let bad = || format!("route \"{route}\" is not \"*\" or \"METHOD /path\"");
        let (method, path) = route.split_once(' ').ok_or_else(bad)?;
        let path = path.trim();
        if method.is_empty()
            || !method.chars().all(|c| c.is_ascii_alphabetic())
            || !path.starts_with('/')
            || path.contains(char::is_whitespace)
            || path.contains('?')
        {
            return Err(bad());
        }
        Ok(Self::Exact {
            method: method.to_ascii_uppercase(),
            segments: path.split('/').map(str::to_owned).collect(),
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Exact {
                method: m,
                segments,
            } => {
                let got: Vec<&str> = path.split('/').collect();
                m.eq_ignore_ascii_case(method)
                    && got.len() == segments.len()
                    && segments
                        .iter()
                        .zip(got)
                        .all(|(want, got)| want == "*" || want == got)
            }
        }
    }
}

struct LiveRule {
    fault: Fault,
    pattern: RoutePattern,
    applied: u64,
}

/// The rules in force, with how often each was applied.
pub(crate) struct FaultTable {
    rules: Mutex<Vec<LiveRule>>,
}

impl FaultTable {
    pub(crate) fn new(faults: Vec<Fault>) -> Result<Self, SandboxError> {
        Ok(Self {
            rules: Mutex::new(compile(faults)?),
        })
    }

    /// Replace every rule; counting starts again.
    pub(crate) fn replace(&self, faults: Vec<Fault>) -> Result<(), SandboxError> {
        let rules = compile(faults)?;
        *self.rules.lock().unwrap_or_else(|p| p.into_inner()) = rules;
        Ok(())
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        let rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        rules.iter().map(|r| r.fault.clone()).collect()
    }

    /// The rule that applies to this call, counted as applied.
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let rule = rules.iter_mut().find(|r| {
            r.fault.first_n.is_none_or(|n| r.applied < n) && r.pattern.matches(method, path)
        })?;
        rule.applied += 1;
        Some(rule.fault.clone())
    }
}

fn compile(faults: Vec<Fault>) -> Result<Vec<LiveRule>, SandboxError> {
    faults
        .into_iter()
        .enumerate()
        .map(|(index, fault)| {
            fault
                .check()
                .map_err(|reason| SandboxError::InvalidFault { index, reason })?;
            let pattern = RoutePattern::parse(&fault.route).expect("checked above");
            Ok(LiveRule {
                fault,
                pattern,
                applied: 0,
            })
        })
        .collect()
}

/// The status a fault answers with, if it replaces the real answer.
pub(crate) fn replacement_status(fault: &Fault) -> Option<StatusCode> {
    match (fault.status, &fault.body) {
        (Some(s), _) => StatusCode::from_u16(s).ok(),
        (None, Some(_)) => Some(StatusCode::OK),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(faults: Vec<Fault>) -> FaultTable {
        FaultTable::new(faults).unwrap()
    }

    #[test]
    fn exact_and_wildcard_routes() {
        let p = RoutePattern::parse("GET /nylas-*/v3/applications").unwrap();
        // `*` is a whole segment, not a glob inside one.
        assert!(!p.matches("GET", "/nylas-us/v3/applications"));
        let p = RoutePattern::parse("get /*/v3/applications").unwrap();
        assert!(p.matches("GET", "/nylas-us/v3/applications"));
        assert!(p.matches("GET", "/nylas-eu/v3/applications"));
        assert!(!p.matches("POST", "/nylas-eu/v3/applications"));
        assert!(!p.matches("GET", "/nylas-eu/v3/applications/x"));
        assert!(!p.matches("GET", "/nylas-eu/v3"));
        assert!(RoutePattern::parse("*")
            .unwrap()
            .matches("DELETE", "/anything"));
    }

    #[test]
    fn bad_rules_are_refused() {
        for bad in [
            Fault::new("GET"),
            Fault::new("GET nylas-us"),
            Fault::new("GET /x?y=1"),
            Fault::new("*").with_status(99),
            Fault::new("*").with_status(600),
            Fault::new("*").with_retry_after("1\n2"),
            Fault::new("*").dropping_connection().with_status(500),
            Fault::new("*").first_n(0),
        ] {
            assert!(bad.check().is_err(), "{bad:?} was accepted");
        }
        let err = FaultTable::new(vec![Fault::new("*"), Fault::new("nope")])
            .err()
            .unwrap();
        assert!(
            matches!(err, SandboxError::InvalidFault { index: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn first_n_then_next_rule_then_nothing() {
        let t = table(vec![
            Fault::new("GET /a").with_status(503).first_n(2),
            Fault::new("GET /a").with_status(429).first_n(1),
        ]);
        let statuses: Vec<Option<u16>> = (0..4)
            .map(|_| t.take("GET", "/a").and_then(|f| f.status))
            .collect();
        assert_eq!(statuses, [Some(503), Some(503), Some(429), None]);
        // Other routes never consumed a rule.
        assert!(t.take("GET", "/b").is_none());
    }

    #[test]
    fn replace_resets_counts() {
        let t = table(vec![Fault::new("*").with_status(500).first_n(1)]);
        assert!(t.take("GET", "/a").is_some());
        assert!(t.take("GET", "/a").is_none());
        t.replace(t.list()).unwrap();
        assert!(t.take("GET", "/a").is_some());
    }

    #[test]
    fn serde_shape() {
        let f: Fault = serde_json::from_str(
            r#"{"route":"GET /x","status":429,"retry_after":"1","first_n":2}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            Fault::new("GET /x")
                .with_status(429)
                .with_retry_after("1")
                .first_n(2)
        );
        assert!(serde_json::from_str::<Fault>(r#"{"route":"*","fisrt_n":1}"#).is_err());
    }
}
