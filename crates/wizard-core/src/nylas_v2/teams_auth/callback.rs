//! What the browser brings back to `redirect_uri` after a Teams account's
//! sign-in: seed 001's `success=true&provider=microsoft&email=…&grant_id=…`,
//! or `success=false` with an event code (docs "Integrations Hosted
//! Authentication"; the name of that parameter is unverified, so the usual
//! ones are read: `event_code`, `code`, `error_code`, `error`).
//!
//! Anything else is refused, never guessed: a parameter given twice, a
//! `state` other than ours (whether Nylas echoes it is unverified, so a
//! missing one is accepted), another provider, an email or grant ID that
//! doesn't look like one, or a pasted address that isn't the wizard's
//! `redirect_uri`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::error::{ErrorCode, Result, WizardError};

/// A sign-in that came back, either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum TeamsCallback {
    Connected {
        email: String,
        grant_id: String,
        provider: String,
    },
    Failed {
        /// Nylas's event code, when it sent one.
        event_code: Option<String>,
        /// Its message's first line, when it sent one.
        message: Option<String>,
    },
}

/// What the callback must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The `redirect_uri` sent with `POST /connect/auth`.
    pub redirect_uri: &'a str,
    /// The `state` sent with it.
    pub state: &'a str,
}

const KNOWN: [&str; 12] = [
    "success",
    "provider",
    "email",
    "grant_id",
    "state",
    "event_code",
    "code",
    "error_code",
    "error",
    "message",
    "error_description",
    "reason",
];

fn tampered(what: &str) -> WizardError {
    WizardError::new(
        ErrorCode::Rejected,
        format!("The address the browser came back with was refused: {what}."),
    )
    .with_hint("Sign this account in again from the wizard. If you pasted the address, copy the whole address from the browser's address bar after the sign-in finished.")
}

fn missing(name: &str) -> WizardError {
    WizardError::new(
        ErrorCode::BadResponse,
        format!("The address the browser came back with has no {name}, so the sign-in can't be confirmed."),
    )
    .with_hint("Sign this account in again from the wizard and let the sign-in finish in the browser.")
}

/// A pasted final address: it must be the wizard's `redirect_uri` (scheme,
/// host, port and path), then its query is read as the loopback's would be.
pub fn parse_callback_url(pasted: &str, expected: Expected<'_>) -> Result<TeamsCallback> {
    let pasted = pasted.trim();
    let url = Url::parse(pasted).map_err(|_| {
        WizardError::invalid_input("What was pasted isn't a web address.").with_hint(
            "Copy the whole address from the browser's address bar after the sign-in finished.",
        )
    })?;
    let want = Url::parse(expected.redirect_uri)
        .map_err(|_| WizardError::internal("The redirect URI is not a URL."))?;
    let same = url.scheme() == want.scheme()
        && url.host_str().map(str::to_ascii_lowercase)
            == want.host_str().map(str::to_ascii_lowercase)
        && url.port_or_known_default() == want.port_or_known_default()
        && url.path() == want.path();
    if !same {
        return Err(tampered(&format!(
            "it isn't the address the sign-in returns to ({})",
            expected.redirect_uri
        )));
    }
    parse_callback_query(url.query().unwrap_or(""), expected.state)
}

/// The query string of the way back (no leading `?`).
pub fn parse_callback_query(query: &str, state: &str) -> Result<TeamsCallback> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for name in KNOWN {
        if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(tampered(&format!("it carries {name} more than once")));
        }
    }
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
    if let Some(got) = get("state") {
        if got != state {
            return Err(tampered(
                "it belongs to another sign-in than this account's (its state is different)",
            ));
        }
    }
    match get("success").map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => Err(missing("success")),
        Some("true") => connected(&get),
        Some("false") => Ok(failed(&get)),
        Some(_) => Err(tampered("its success is neither true nor false")),
    }
}

fn connected<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<TeamsCallback> {
    let provider = get("provider")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| missing("provider"))?;
    if !provider.eq_ignore_ascii_case("microsoft") {
        return Err(tampered(&format!(
            "it names the provider \"{}\", not microsoft",
            short(provider, 40)
        )));
    }
    let email = get("email")
        .filter(|e| !e.is_empty())
        .ok_or_else(|| missing("email"))?;
    let email_ok = email.len() <= 320
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'".contains(c))
        && email
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if !email_ok {
        return Err(tampered("its email isn't an email address"));
    }
    let grant_id = get("grant_id")
        .filter(|g| !g.is_empty())
        .ok_or_else(|| missing("grant_id"))?;
    let grant_ok = grant_id.len() <= 128
        && grant_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !grant_ok {
        return Err(tampered("its grant_id isn't a grant ID"));
    }
    Ok(TeamsCallback::Connected {
        email: email.to_owned(),
        grant_id: grant_id.to_owned(),
        provider: "microsoft".into(),
    })
}

fn failed<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> TeamsCallback {
    let event_code = ["event_code", "code", "error_code", "error"]
        .into_iter()
        .find_map(|k| get(k).filter(|v| !v.is_empty()))
        // Shown to the admin: plain characters, short.
        .map(|c| {
            c.chars()
                .filter(|ch| ch.is_ascii_alphanumeric() || "_.-".contains(*ch))
                .take(64)
                .collect::<String>()
        })
        .filter(|c| !c.is_empty());
    let message = ["message", "error_description", "reason"]
        .into_iter()
        .find_map(|k| get(k).filter(|v| !v.is_empty()))
        .map(|m| short(m.lines().next().unwrap_or("").trim(), 300))
        .filter(|m| !m.is_empty());
    TeamsCallback::Failed {
        event_code,
        message,
    }
}

fn short(s: &str, n: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &str = "s7k2";
    const BACK: &str = "http://localhost:47616/nylas-wizard/teams-callback";

    fn expected() -> Expected<'static> {
        Expected {
            redirect_uri: BACK,
            state: STATE,
        }
    }

    #[test]
    fn seed_001s_success_is_connected() {
        // The seed's own example, its trailing '#' included.
        let url = format!("{BACK}?success=true&provider=microsoft&email=test5@testoffice365.com&grant_id=377a3784-bc39-4a5f-8f57-cecfa97ba74c#");
        assert_eq!(
            parse_callback_url(&url, expected()).unwrap(),
            TeamsCallback::Connected {
                email: "test5@testoffice365.com".into(),
                grant_id: "377a3784-bc39-4a5f-8f57-cecfa97ba74c".into(),
                provider: "microsoft".into(),
            }
        );
        // Our state echoed is fine too.
        let q =
            format!("success=true&provider=microsoft&email=a%40b.com&grant_id=g1&state={STATE}");
        assert!(matches!(
            parse_callback_query(&q, STATE).unwrap(),
            TeamsCallback::Connected { .. }
        ));
    }

    #[test]
    fn a_failure_keeps_its_event_code_and_message() {
        let q = "success=false&provider=microsoft&event_code=25004&message=The+user+declined%0Aline+two";
        assert_eq!(
            parse_callback_query(q, STATE).unwrap(),
            TeamsCallback::Failed {
                event_code: Some("25004".into()),
                message: Some("The user declined".into()),
            }
        );
        // Another spelling of the code; odd characters dropped.
        let q = "success=false&error=access_denied%3Cscript%3E";
        assert_eq!(
            parse_callback_query(q, STATE).unwrap(),
            TeamsCallback::Failed {
                event_code: Some("access_deniedscript".into()),
                message: None,
            }
        );
        assert_eq!(
            parse_callback_query("success=FALSE", STATE).unwrap(),
            TeamsCallback::Failed {
                event_code: None,
                message: None
            }
        );
    }

    #[test]
    fn missing_parameters_are_refused() {
        for (q, name) in [
            ("provider=microsoft&email=a%40b.com&grant_id=g", "success"),
            ("success=true&email=a%40b.com&grant_id=g", "provider"),
            ("success=true&provider=microsoft&grant_id=g", "email"),
            (
                "success=true&provider=microsoft&email=a%40b.com",
                "grant_id",
            ),
            (
                "success=true&provider=microsoft&email=a%40b.com&grant_id=",
                "grant_id",
            ),
        ] {
            let e = parse_callback_query(q, STATE).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadResponse, "{q}");
            assert!(
                e.message.contains(&format!("no {name}")),
                "{q}: {}",
                e.message
            );
        }
    }

    #[test]
    fn tampered_parameters_are_refused() {
        let ok = "provider=microsoft&email=a%40b.com&grant_id=g1";
        for (q, why) in [
            (
                format!("success=true&{ok}&state=other"),
                "state is different",
            ),
            (
                format!("success=true&{ok}&grant_id=g2"),
                "grant_id more than once",
            ),
            (
                format!("success=true&success=false&{ok}"),
                "success more than once",
            ),
            (format!("success=maybe&{ok}"), "neither true nor false"),
            (
                "success=true&provider=google&email=a%40b.com&grant_id=g1".into(),
                "not microsoft",
            ),
            (
                "success=true&provider=microsoft&email=not-an-email&grant_id=g1".into(),
                "isn't an email",
            ),
            (
                "success=true&provider=microsoft&email=a%40b.com&grant_id=..%2Fx".into(),
                "isn't a grant ID",
            ),
            (
                "success=true&provider=microsoft&email=%3Cb%3E%40b.com&grant_id=g1".into(),
                "isn't an email",
            ),
        ] {
            let e = parse_callback_query(&q, STATE).unwrap_err();
            assert_eq!(e.code, ErrorCode::Rejected, "{q}");
            assert!(e.message.contains(why), "{q}: {}", e.message);
        }
    }

    #[test]
    fn a_pasted_address_must_be_the_wizards_redirect_uri() {
        let q = "?success=true&provider=microsoft&email=a%40b.com&grant_id=g1";
        for other in [
            "https://localhost:47616/nylas-wizard/teams-callback",
            "http://localhost:47617/nylas-wizard/teams-callback",
            "http://evil.example:47616/nylas-wizard/teams-callback",
            "http://localhost:47616/nylas-wizard/test-sign-in",
        ] {
            let e = parse_callback_url(&format!("{other}{q}"), expected()).unwrap_err();
            assert_eq!(e.code, ErrorCode::Rejected, "{other}");
        }
        assert_eq!(
            parse_callback_url("not a url", expected())
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
        assert!(parse_callback_url(&format!("  {BACK}{q}  "), expected()).is_ok());
    }
}
