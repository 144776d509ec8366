//! Words a nervous admin needs beside each fix, added after the checks ran
//! (issue 17, point 6): what the change does and whether it is safe, when a
//! warning is safe to ignore, and which parts of a near-miss redirect URI
//! differ from the one Nylas needs (every difference, not only the first).

use serde::Serialize;
use serde_json::{json, Value};

use super::types::{CheckId, Finding, FindingStatus};

/// Fill in `safety` and `ignore_when`, and mark the differing parts of
/// near-miss redirect URIs (`details.near_misses[].found_parts` and
/// `required_parts`).
pub(super) fn advise(f: &mut Finding) {
    if f.status != FindingStatus::Pass && f.fix.is_some() {
        f.safety = safety(f).map(str::to_string);
    }
    if f.status == FindingStatus::Warn {
        f.ignore_when = ignore_when(f).map(str::to_string);
    }
    if f.check == CheckId::RedirectUris {
        mark_near_misses(f);
    }
}

/// What the change does and whether it is safe, per check.
fn safety(f: &Finding) -> Option<&'static str> {
    let unseen = f.details.get("checked") == Some(&Value::Bool(false));
    if unseen {
        return Some("Looking is safe: checking a setting in the portal changes nothing.");
    }
    Some(match f.check {
        CheckId::ClientId | CheckId::Tenant => {
            "Safe: this only changes what you tell the wizard, nothing in Azure."
        }
        CheckId::SignInAudience => {
            "Changing who can sign in affects everyone who uses this app registration: choose the setting that matches who connects through Nylas, and check no other software uses this app."
        }
        CheckId::AccessTokenVersion => {
            "Safe for Nylas: it only changes the format of new access tokens, and Nylas expects version 2. Check no other software of yours reads this app's tokens."
        }
        CheckId::RedirectUris => {
            "Safe: adding a redirect URI doesn't affect existing sign-ins. Leave the other addresses in place; removing one can break whatever uses it."
        }
        CheckId::DelegatedScopes => {
            "Safe: adding a permission doesn't sign anyone out. People are asked to approve it the next time they sign in (or an administrator approves it for everyone)."
        }
        CheckId::ApplicationPermissions => {
            "Removing an application permission Nylas doesn't use only takes away access nobody should have through Nylas; first check that no other software uses this app registration."
        }
        CheckId::LeastPrivilege => {
            "Removing a permission your features don't use doesn't affect Nylas; first check that no other software uses this app registration."
        }
        CheckId::OfflineAccess => {
            "Safe: adding offline_access only lets Nylas keep people connected without signing in again."
        }
        CheckId::ImplicitGrant => {
            "Safe for Nylas: it never uses these tokens from the browser. Check no old web page of yours relies on them before turning them off."
        }
        CheckId::PublicClient => {
            "Safe for Nylas: it signs in with your client secret, never as a public client."
        }
        CheckId::ClientSecret => {
            "Safe: a new secret doesn't stop the old one. Put the new one into the Microsoft connector in Nylas before the old one expires, then delete the old one."
        }
        CheckId::AdminConsent => {
            "Granting consent approves these permissions for everyone in your organization at once; it changes nothing else and can be revoked under Enterprise applications."
        }
        CheckId::PublisherVerification => {
            "Safe: publisher verification changes nothing for people already connected; it only changes what new people see when they approve the app."
        }
    })
}

/// When a warning can be left as it is.
fn ignore_when(f: &Finding) -> Option<&'static str> {
    let unseen = f.details.get("checked") == Some(&Value::Bool(false));
    if unseen {
        return Some(
            "Safe to ignore if you have checked this setting in the Azure portal yourself.",
        );
    }
    Some(match f.check {
        CheckId::PublisherVerification => {
            "Safe to ignore if only your own staff use this app: switch it to single tenant (Authentication → Supported account types → Accounts in this organizational directory only) and this warning goes away."
        }
        CheckId::LeastPrivilege => {
            "Safe to ignore for now: extra permissions don't stop sign-in; people are only asked for more than Nylas needs."
        }
        CheckId::Tenant => {
            "Safe to ignore if people from any organization connect; for a single-tenant app, enter the tenant so the wizard can build the right links."
        }
        CheckId::SignInAudience => {
            "Safe to ignore if you meant to let more accounts in than you chose here."
        }
        CheckId::AdminConsent => {
            "Safe to ignore if an administrator has already granted consent (Enterprise applications → your app → Permissions)."
        }
        _ => return None,
    })
}

/// One run of a URI: `differs` when it isn't in the other URI.
#[derive(Debug, PartialEq, Serialize)]
struct Part {
    text: String,
    differs: bool,
}

fn mark_near_misses(f: &mut Finding) {
    let Some(Value::Array(near)) = f.details.get_mut("near_misses") else {
        return;
    };
    for n in near.iter_mut() {
        let (Some(found), Some(required)) = (
            n.get("found").and_then(Value::as_str),
            n.get("required").and_then(Value::as_str),
        ) else {
            continue;
        };
        let (found_parts, required_parts) = diff_parts(found, required);
        if let Value::Object(map) = n {
            map.insert("found_parts".into(), json!(found_parts));
            map.insert("required_parts".into(), json!(required_parts));
        }
    }
}

/// A URI cut into its words and separators, so a difference is shown as the
/// whole word ("us" against "eu", "http" against "https"), not a stray
/// letter.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, '.' | '/' | ':' | '?' | '#' | '&' | '=' | ' ') {
            if start < i {
                out.push(&s[start..i]);
            }
            out.push(&s[i..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// The parts of `a` and of `b`, marked where they differ (a longest common
/// subsequence of tokens; URIs are short, so the plain table is enough and
/// no diff library is needed).
fn diff_parts(a: &str, b: &str) -> (Vec<Part>, Vec<Part>) {
    let (ta, tb) = (tokens(a), tokens(b));
    let (n, m) = (ta.len(), tb.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if ta[i] == tb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut pa, mut pb) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ta[i] == tb[j] {
            push(&mut pa, ta[i], false);
            push(&mut pb, tb[j], false);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            push(&mut pb, tb[j], true);
            j += 1;
        } else {
            push(&mut pa, ta[i], true);
            i += 1;
        }
    }
    (pa, pb)
}

fn push(parts: &mut Vec<Part>, text: &str, differs: bool) {
    match parts.last_mut() {
        Some(last) if last.differs == differs => last.text.push_str(text),
        _ => parts.push(Part {
            text: text.to_string(),
            differs,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.differs {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    fn finding(check: CheckId, status: FindingStatus, details: Value) -> Finding {
        Finding {
            check,
            status,
            title: "t".into(),
            explanation: "e".into(),
            fix: Some("f".into()),
            portal_link: String::new(),
            portal: crate::portal::PortalPage::new(crate::portal::Blade::Overview, None),
            prevents: Vec::new(),
            details,
            safety: None,
            ignore_when: None,
        }
    }

    #[test]
    fn fixes_say_whether_they_are_safe_and_warnings_when_to_ignore_them() {
        let mut f = finding(
            CheckId::RedirectUris,
            FindingStatus::Fail,
            json!({"near_misses": [{"found": "https://a.us.x/cb/", "required": "https://a.eu.x/cb"}]}),
        );
        advise(&mut f);
        assert!(f
            .safety
            .as_deref()
            .unwrap()
            .contains("adding a redirect URI doesn't affect existing sign-ins"));
        assert_eq!(f.ignore_when, None, "a failure is never safe to ignore");
        assert_eq!(
            f.details["near_misses"][0]["found_parts"],
            json!([{"text": "https://a.", "differs": false}, {"text": "us", "differs": true},
                   {"text": ".x/cb", "differs": false}, {"text": "/", "differs": true}])
        );
        let mut f = finding(
            CheckId::PublisherVerification,
            FindingStatus::Warn,
            json!({}),
        );
        advise(&mut f);
        assert!(f
            .ignore_when
            .as_deref()
            .unwrap()
            .contains("switch it to single tenant"));
        // A pass has nothing to change and nothing to ignore.
        let mut f = finding(CheckId::ClientSecret, FindingStatus::Pass, json!({}));
        f.fix = None;
        advise(&mut f);
        assert_eq!((f.safety, f.ignore_when), (None, None));
        // "We couldn't see it": looking is safe, and so is ignoring it once checked.
        let mut f = finding(
            CheckId::PublicClient,
            FindingStatus::Warn,
            json!({"checked": false}),
        );
        advise(&mut f);
        assert!(f.safety.unwrap().starts_with("Looking is safe"));
        assert!(f.ignore_when.unwrap().contains("checked this setting"));
    }

    #[test]
    fn every_difference_of_a_near_miss_is_marked() {
        let (found, required) = diff_parts(
            "https://api.us.nylas.com/v3/connect/callback/",
            "https://api.eu.nylas.com/v3/connect/callback",
        );
        // The region and the trailing slash, both.
        assert_eq!(
            marked(&found),
            "https://api.[us].nylas.com/v3/connect/callback[/]"
        );
        assert_eq!(
            marked(&required),
            "https://api.[eu].nylas.com/v3/connect/callback"
        );
        let (found, _) = diff_parts(
            "http://api.us.nylas.com/v3/connect/Callback",
            "https://api.us.nylas.com/v3/connect/callback",
        );
        assert_eq!(
            marked(&found),
            "[http]://api.us.nylas.com/v3/connect/[Callback]"
        );
        let (same, _) = diff_parts("https://a.b/c", "https://a.b/c");
        assert_eq!(marked(&same), "https://a.b/c");
    }
}
