//! Diagnose a pasted error message or callback URL: name the AADSTS or Nylas
//! error, its cause and fix, and the audit check that prevents it.
//!
//! Never fails: text we don't recognise gives a "we don't recognise this"
//! diagnosis with what to paste instead. Only a few named values are quoted
//! back (redirect URI, IDs); the pasted text itself is never echoed, so an
//! authorization code or secret in it goes nowhere.

mod known;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::CheckId;
use crate::ids::is_guid;
use crate::portal::DocTopic;
use known::{Known, MICROSOFT, NYLAS};

/// Who produced the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum DiagnosisSource {
    Microsoft,
    Nylas,
    Unknown,
}

/// One recognised error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Diagnosis {
    /// `AADSTS50011`, `nylas.callback_uri_not_allowed`, or `unrecognised`.
    pub code: String,
    pub source: DiagnosisSource,
    pub title: String,
    /// One plain sentence: why it happens.
    pub cause: String,
    /// What to do, with the portal's labels.
    pub fix: String,
    /// The audit check that would have caught it.
    pub related_check: Option<CheckId>,
    /// The page to read more, as an address (for the command line).
    pub learn_more: Option<String>,
    /// The same page by intent, for the window to open.
    pub docs: Option<DocTopic>,
    /// Values quoted in the error: `redirect_uri`, `app_id`, `tenant`,
    /// `trace_id`, `correlation_id`, `timestamp`, `error`.
    pub found: BTreeMap<String, String>,
}

/// Longest text we look at; a pasted log beyond this is cut.
const MAX_TEXT: usize = 64 * 1024;

/// The audit check that prevents a Microsoft error (`AADSTS…`): the one
/// whose [`CheckId::prevents`] lists it. One table, so diagnose and the
/// audit can't disagree about which check catches what.
fn check_preventing(code: &str) -> Option<CheckId> {
    CheckId::ALL
        .into_iter()
        .find(|c| c.prevents().contains(&code))
}

fn from_known(
    k: &Known,
    source: DiagnosisSource,
    code: String,
    related_check: Option<CheckId>,
    found: &BTreeMap<String, String>,
) -> Diagnosis {
    Diagnosis {
        code,
        source,
        title: k.title.to_owned(),
        cause: k.cause.to_owned(),
        fix: k.fix.to_owned(),
        related_check,
        learn_more: k.learn_more.map(DocTopic::url),
        docs: k.learn_more,
        found: found.clone(),
    }
}

/// Every error recognised in `text`, in order of appearance; never empty.
pub fn diagnose(text: &str) -> Vec<Diagnosis> {
    let mut cut = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let original = &text[..cut];
    let query = callback_query(original);
    // Search the text plus the decoded callback parameters.
    let mut haystack = original.to_owned();
    for (_, v) in &query {
        haystack.push('\n');
        haystack.push_str(v);
    }
    let found = extract_values(&haystack, &query);

    let mut out: Vec<Diagnosis> = Vec::new();
    let mut codes = aadsts_codes(&haystack);
    if codes.is_empty() {
        if let Some(digits) = bare_code(original) {
            codes.push(digits);
        }
    }
    if codes.is_empty()
        && query
            .iter()
            .any(|(k, v)| k == "error" && v == "consent_required")
    {
        codes.push("65001".into());
    }
    for digits in &codes {
        let code = format!("AADSTS{digits}");
        if out.iter().any(|d| d.code == code) {
            continue;
        }
        match MICROSOFT.iter().find(|k| k.code == digits) {
            Some(k) => {
                let check = check_preventing(&code);
                out.push(from_known(
                    k,
                    DiagnosisSource::Microsoft,
                    code,
                    check,
                    &found,
                ));
            }
            None => {
                // Microsoft's look-up page, for codes we don't explain.
                let lookup = digits
                    .parse::<u32>()
                    .ok()
                    .map(|code| DocTopic::MicrosoftError { code });
                out.push(Diagnosis {
                    title: format!("Microsoft error {code}"),
                    cause: "This Microsoft sign-in error isn't one we have an explanation for yet.".into(),
                    fix: "Open the link below for Microsoft's description, and check the app's Authentication and API permissions pages.".into(),
                    related_check: None,
                    learn_more: lookup.map(DocTopic::url),
                    docs: lookup,
                    source: DiagnosisSource::Microsoft,
                    code,
                    found: found.clone(),
                })
            }
        }
    }
    if codes.is_empty() {
        // Nylas errors, only when Microsoft named none: OAuth words such as
        // "unauthorized_client" or "invalid_grant" also appear in AADSTS errors.
        let lower = haystack.to_ascii_lowercase();
        for n in NYLAS {
            let hit = n.phrases.iter().any(|p| lower.contains(p))
                || n.numbers.iter().any(|num| has_word(&lower, num));
            if hit {
                out.push(from_known(
                    &n.known,
                    DiagnosisSource::Nylas,
                    n.known.code.to_owned(),
                    n.check,
                    &found,
                ));
            }
        }
    }
    if out.is_empty() {
        out.push(Diagnosis {
            code: "unrecognised".into(),
            source: DiagnosisSource::Unknown,
            title: "We don't recognise this message".into(),
            cause: "It has no Microsoft error code (AADSTS followed by digits) and doesn't match a Nylas error we know.".into(),
            fix: "Paste the whole error, including any AADSTS code, or the full address from the browser's address bar after the sign-in failed.".into(),
            related_check: None,
            learn_more: None,
            docs: None,
            found,
        });
    }
    out
}

/// The digits after each `AADSTS`, and the numbers in `"error_codes":[…]`.
fn aadsts_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let upper = text.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("AADSTS") {
        rest = &rest[i + 6..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if (2..=9).contains(&digits.len()) && !out.contains(&digits) {
            out.push(digits);
        }
    }
    if let Some(i) = text.find("error_codes") {
        let tail = &text[i..];
        if let (Some(open), Some(close)) = (tail.find('['), tail.find(']')) {
            if open < close && open < 20 {
                for n in tail[open + 1..close].split(',').map(str::trim) {
                    if (2..=9).contains(&n.len())
                        && n.chars().all(|c| c.is_ascii_digit())
                        && !out.contains(&n.to_owned())
                    {
                        out.push(n.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// A bare known code typed on its own ("50011").
fn bare_code(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() >= 5 && t.chars().all(|c| c.is_ascii_digit()) && MICROSOFT.iter().any(|k| k.code == t))
        .then(|| t.to_owned())
}

/// `needle` as a whole word (not inside a longer number or identifier).
fn has_word(hay: &str, needle: &str) -> bool {
    let b = hay.as_bytes();
    hay.match_indices(needle).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + needle.len()).copied();
        let edge = |c: Option<u8>| {
            c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'-' || c == b'_'))
        };
        edge(before) && edge(after)
    })
}

/// Query parameters of a pasted callback URL (or a bare `?error=…` string).
fn callback_query(text: &str) -> Vec<(String, String)> {
    let t = text.trim();
    let candidate = if t.starts_with('?') || t.starts_with("error=") {
        format!(
            "https://callback.invalid/{}",
            if t.starts_with('?') {
                t.to_owned()
            } else {
                format!("?{t}")
            }
        )
    } else {
        match t
            .split_whitespace()
            .find(|w| w.contains("://") && w.contains('?'))
        {
            Some(w) => w.to_owned(),
            None => return Vec::new(),
        }
    };
    let Ok(url) = url::Url::parse(&candidate) else {
        return Vec::new();
    };
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // Microsoft sometimes returns errors in the fragment (response_mode=fragment).
    if let Some(frag) = url.fragment() {
        pairs.extend(
            url::form_urlencoded::parse(frag.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }
    pairs
}

/// The text between `'` quotes right after `prefix`.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let i = lower.find(&prefix.to_ascii_lowercase())? + prefix.len();
    let rest = text.get(i..)?;
    let end = rest.find('\'')?;
    Some(&rest[..end]).filter(|s| !s.is_empty() && s.len() <= 300)
}

/// The GUID right after a label such as "Trace ID:".
fn guid_after(text: &str, label: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let i = lower.find(&label.to_ascii_lowercase())? + label.len();
    let rest = text.get(i..)?.trim_start_matches([':', ' ', '=', '"']);
    rest.get(..36)
        .filter(|g| is_guid(g))
        .map(str::to_ascii_lowercase)
}

fn extract_values(text: &str, query: &[(String, String)]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(uri) = quoted_after(text, "redirect URI '")
        .map(str::to_owned)
        .or_else(|| q("redirect_uri"))
    {
        found.insert("redirect_uri".into(), uri);
    }
    for prefix in [
        "application with identifier '",
        "application '",
        "app '",
        "client_id '",
    ] {
        if let Some(id) = quoted_after(text, prefix).filter(|s| is_guid(s)) {
            found.insert("app_id".into(), id.to_ascii_lowercase());
            break;
        }
    }
    if let Some(t) = quoted_after(text, "directory '").or_else(|| quoted_after(text, "tenant '")) {
        found.insert("tenant".into(), t.to_owned());
    }
    let ids = [
        ("trace_id", "Trace ID"),
        ("correlation_id", "Correlation ID"),
    ];
    for (key, label) in ids {
        if let Some(g) = q(key)
            .filter(|g| is_guid(g))
            .or_else(|| guid_after(text, label))
        {
            found.insert(key.into(), g);
        }
    }
    if let Some(ts) = q("timestamp") {
        found.insert("timestamp".into(), ts);
    }
    if let Some(e) = q("error").filter(|e| {
        e.len() <= 64
            && e.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    }) {
        found.insert("error".into(), e);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_in_text() {
        assert_eq!(aadsts_codes("AADSTS50011: The redirect URI…"), ["50011"]);
        assert_eq!(
            aadsts_codes("aadsts7000222 and AADSTS700016"),
            ["7000222", "700016"]
        );
        assert_eq!(
            aadsts_codes(r#"{"error_codes":[7000215],"x":1}"#),
            ["7000215"]
        );
        assert!(aadsts_codes("AADSTS").is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert!(has_word("http 401 unauthorized", "401"));
        assert!(!has_word("trace 4401-ab", "401"));
        assert!(!has_word("a4015", "401"));
    }

    #[test]
    fn quoted_values() {
        let t = "AADSTS50011: The redirect URI 'https://api.us.nylas.com/v3/connect/callback/' specified in the request does not match the redirect URIs configured for the application 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0'.";
        let d = &diagnose(t)[0];
        assert_eq!(
            d.found["redirect_uri"],
            "https://api.us.nylas.com/v3/connect/callback/"
        );
        assert_eq!(d.found["app_id"], "cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0");
        assert_eq!(d.related_check, Some(CheckId::RedirectUris));
    }

    #[test]
    fn audit_checks_list_what_they_prevent() {
        // Diagnose takes each Microsoft error's check from the audit's
        // `prevents` table: every code listed there is explained here, and
        // no code is claimed by two checks.
        for c in CheckId::ALL {
            for code in c.prevents() {
                let digits = code.trim_start_matches("AADSTS");
                assert!(
                    MICROSOFT.iter().any(|k| k.code == digits),
                    "{code} (prevented by {c}) has no explanation"
                );
                assert_eq!(check_preventing(code), Some(c), "{code}");
                let d = &diagnose(code)[0];
                assert_eq!(d.related_check, Some(c), "{code}");
            }
        }
        for k in MICROSOFT {
            let code = format!("AADSTS{}", k.code);
            assert_eq!(diagnose(&code)[0].related_check, check_preventing(&code));
        }
    }

    #[test]
    fn every_known_code_is_written_plainly() {
        let mut seen = std::collections::BTreeSet::new();
        for k in MICROSOFT {
            assert!(seen.insert(k.code), "{} twice", k.code);
            assert!(k.code.chars().all(|c| c.is_ascii_digit()), "{}", k.code);
            assert!(
                !k.title.contains("AADSTS") && !k.title.ends_with('.'),
                "{}",
                k.code
            );
            assert!(k.cause.ends_with('.') && k.fix.ends_with('.'), "{}", k.code);
        }
    }
}
