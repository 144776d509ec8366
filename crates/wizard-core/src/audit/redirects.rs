//! The Authentication blade: redirect URIs (byte for byte on the Web
//! platform, with near misses named), the implicit-grant switches, and
//! "Allow public client flows" under Advanced settings.

use serde_json::{json, Value};

use super::{lower_first, CheckId, Ctx, Finding, FindingStatus::*};
use crate::manifest::Platform;
use crate::paths::AuditPath;
use crate::portal::Blade;
use crate::redirect_uris::{classify_nylas_uri, loose_form, validate_callback_uri, NylasHost};

/// Why a registered URI is close to, but not, the one Nylas needs. The
/// snake_case names appear in `details.near_misses[].reasons`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
enum Reason {
    Whitespace,
    TrailingSlash,
    Case,
    HttpVsHttps,
    OtherRegion,
    /// `api.nylas.com/v3/connect/callback`: the region left out of the host.
    NoRegion,
    OtherHost,
    OtherPath,
    Platform,
}

impl Reason {
    fn code(self) -> &'static str {
        self.into()
    }
}

fn host_of(uri: &str) -> Option<String> {
    url::Url::parse(uri.trim())
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

fn is_http(s: &str) -> bool {
    s.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
}

/// Whether two URIs that are loosely equal also differ in upper and lower
/// case, the scheme included (`HTTPS://` is a different string to Microsoft)
/// but not counting an http/https or trailing-slash difference.
fn differs_in_case(found: &str, required: &str) -> bool {
    let split = |s: &str| -> (String, String) {
        let s = s.trim_end_matches('/');
        match s.split_once("://") {
            Some((scheme, rest)) => (scheme.to_owned(), rest.to_owned()),
            None => (String::new(), s.to_owned()),
        }
    };
    let ((fs, fr), (rs, rr)) = (split(found), split(required));
    fr != rr
        || fs.chars().any(|c| c.is_ascii_uppercase()) != rs.chars().any(|c| c.is_ascii_uppercase())
}

/// `required` without its region label (`api.us.nylas.com` →
/// `api.nylas.com`), for spotting a host written without the region.
fn without_region(required: &str) -> Option<String> {
    let (scheme, rest) = required.split_once("://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let labels: Vec<&str> = host.split('.').collect();
    let kept: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| !l.eq_ignore_ascii_case("us") && !l.eq_ignore_ascii_case("eu"))
        .collect();
    (kept.len() < labels.len()).then(|| format!("{scheme}://{}/{path}", kept.join(".")))
}

/// The differences that Microsoft's byte-for-byte comparison catches but a
/// person easily misses, between two loosely equal URIs.
fn cosmetic(found: &str, target: &str, reasons: &mut Vec<Reason>, why: &mut Vec<&'static str>) {
    let f = found.trim();
    if f != found {
        reasons.push(Reason::Whitespace);
        why.push("has spaces before or after it");
    }
    if f.ends_with('/') != target.ends_with('/') {
        reasons.push(Reason::TrailingSlash);
        why.push("has a trailing slash");
    }
    if is_http(f) != is_http(target) {
        reasons.push(Reason::HttpVsHttps);
        why.push(if is_http(f) {
            "uses http instead of https"
        } else {
            "uses https instead of http"
        });
    }
    if differs_in_case(f, target) {
        reasons.push(Reason::Case);
        why.push("differs in upper and lower case");
    }
}

/// How `found` differs from `required`, or `None` when it is unrelated.
fn near_miss(required: &str, found: &str, platform: Platform) -> Option<(Vec<Reason>, String)> {
    #[cfg(test)]
    crate::manifest::comparisons::bump();
    let mut reasons = Vec::new();
    let mut why = Vec::new();
    let unregioned = without_region(required);
    if found == required {
        // Same bytes, wrong platform: also listed as "misplaced" by the caller.
    } else if loose_form(found) == loose_form(required) {
        cosmetic(found, required, &mut reasons, &mut why);
    } else if let Some(u) = unregioned.filter(|u| loose_form(found) == loose_form(u)) {
        reasons.push(Reason::NoRegion);
        why.push("leaves the region out of the host name");
        cosmetic(found, &u, &mut reasons, &mut why);
    } else {
        let want = classify_nylas_uri(required)?;
        match classify_nylas_uri(found) {
            Some(k) if k.host == want.host => {
                reasons.push(Reason::OtherRegion);
                why.push("is for the other Nylas region");
                cosmetic(found, k.uri, &mut reasons, &mut why);
            }
            Some(k) => {
                reasons.push(Reason::OtherHost);
                why.push(match k.host {
                    NylasHost::V3 => "is the Nylas v3 address",
                    NylasHost::Beta => "is the Nylas Teams (beta) address",
                    NylasHost::V2 => "is the old Nylas v2 address",
                });
                cosmetic(found, k.uri, &mut reasons, &mut why);
            }
            None if host_of(found).is_some() && host_of(found) == host_of(required) => {
                reasons.push(Reason::OtherPath);
                why.push("has the right host but a different path");
            }
            None => return None,
        }
    }
    if platform != Platform::Web {
        reasons.push(Reason::Platform);
        why.push(match platform {
            Platform::Spa => "is registered under Single-page application instead of Web",
            _ => "is registered under Mobile and desktop applications instead of Web",
        });
    }
    if reasons.is_empty() {
        return None;
    }
    Some((reasons, format!("{found} {}.", and_list(&why))))
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What happens at sign-in when the exact address is registered, but only
/// on another platform: Microsoft accepts it at sign-in, and the code it
/// then issues can't be redeemed by Nylas's server. Sources: Microsoft's
/// error code reference (AADSTS9002327, AADSTS700025) and "Microsoft
/// identity platform and OAuth 2.0 authorization code flow" (SPA codes are
/// redeemed only by cross-origin requests from the browser).
fn wrong_platform_consequence(platform: Platform) -> &'static str {
    match platform {
        Platform::Spa => "Microsoft accepts that address at sign-in but then issues a code that only a browser app may redeem, so the sign-in fails when Nylas's server exchanges the code, with AADSTS9002327 (not AADSTS50011).",
        _ => "Microsoft accepts that address at sign-in but then treats the app as a public client, so it refuses the client secret when Nylas's server exchanges the code (AADSTS700025).",
    }
}

pub(super) fn redirect_uris(ctx: &Ctx) -> Finding {
    let id = CheckId::RedirectUris;
    let app = ctx.app;
    let web: Vec<&str> = app.uris_on(Platform::Web).collect();
    // A set for look-ups: a manifest may list many thousands of URIs.
    let web_set: std::collections::HashSet<&str> = web.iter().copied().collect();
    let wanted: Vec<(&String, bool)> = ctx
        .uris
        .required
        .iter()
        .map(|u| (u, true))
        .chain(ctx.uris.optional.iter().map(|u| (u, false)))
        .collect();

    let mut missing = Vec::new();
    let mut missing_optional = Vec::new();
    let mut misplaced = Vec::new();
    let mut near = Vec::new();
    let mut sentences = Vec::new();
    for (uri, required) in &wanted {
        if web_set.contains(uri.as_str()) {
            continue;
        }
        if *required {
            &mut missing
        } else {
            &mut missing_optional
        }
        .push((*uri).clone());
        for r in &app.redirect_uris {
            if r.uri == **uri && r.platform != Platform::Web {
                misplaced.push(json!({"uri": r.uri, "platform": r.platform}));
            }
            if let Some((reasons, sentence)) = near_miss(uri, &r.uri, r.platform) {
                let codes: Vec<&str> = reasons.iter().map(|r| r.code()).collect();
                near.push(json!({"required": uri, "found": r.uri, "platform": r.platform, "reasons": codes, "explanation": sentence}));
                sentences.push(sentence);
            }
        }
    }

    let callbacks: Vec<_> = ctx
        .req
        .callback_uris
        .iter()
        .map(|u| validate_callback_uri(u))
        .collect();
    let bad_callbacks: Vec<_> = callbacks.iter().filter(|c| !c.valid).collect();

    let which = match ctx.req.path {
        AuditPath::V3 => format!("the {} redirect URI", ctx.region_label()),
        AuditPath::Teams => format!("the {} Teams redirect URI", ctx.region_label()),
        AuditPath::V2Events => format!("the {} Nylas v2 redirect URI", ctx.region_label()),
    };
    let add_step = if web.is_empty() {
        "Open Authentication → Add a platform → Web"
    } else {
        "Open Authentication → Platform configurations → Web → Add URI"
    };
    let blade = Blade::Authentication;
    // The exact address, registered only under another platform.
    let elsewhere = app
        .redirect_uris
        .iter()
        .find(|r| r.platform != Platform::Web && missing.contains(&r.uri));
    let mut f = if !app.redirect_uris_listed && !wanted.is_empty() {
        let list = wanted
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>()
            .join(" and ");
        missing.clear();
        missing_optional.clear();
        ctx.unseen(
            id,
            "your app's redirect URIs",
            format!("This file lists none, and Nylas needs {list} on the Web platform, exactly as written, or sign-in fails with AADSTS50011."),
            blade,
            "Authentication → Platform configurations → Web",
        )
    } else if !missing.is_empty() || !missing_optional.is_empty() {
        let list = missing
            .iter()
            .chain(&missing_optional)
            .cloned()
            .collect::<Vec<_>>()
            .join(" and ");
        let paste = format!("{add_step}, paste {list} exactly as shown, and click Save.");
        let (status, title, explanation, fix) = if missing.is_empty() {
            (
                Warn,
                format!("Your app doesn't have {which}"),
                "Nylas v2 Hosted Auth sends users back to this address; you need it only if you use Hosted Auth rather than Native Auth.".to_owned(),
                paste,
            )
        } else if let Some(r) = elsewhere {
            let platform = r.platform.portal_label();
            (
                Fail,
                format!("Your app has {which} under {platform}, not Web"),
                format!(
                    "Your app registers {} under {platform} instead of Web. {}",
                    r.uri,
                    wrong_platform_consequence(r.platform)
                ),
                format!(
                    "Open Authentication, delete {} under {platform}, and click Save. Then {}",
                    r.uri,
                    lower_first(&paste)
                ),
            )
        } else {
            let explanation = match sentences.first() {
                Some(s) => format!("Microsoft compares redirect URIs byte for byte on the Web platform, and {s} Sign-in would fail with AADSTS50011."),
                None => "Microsoft only sends users back to addresses registered on the Web platform, so sign-in would fail with AADSTS50011.".to_owned(),
            };
            let mut fix = paste;
            if !near.is_empty() {
                fix.push_str(" You can then remove the near miss if nothing else uses it.");
            }
            (
                Fail,
                format!("Your app is missing {which}"),
                explanation,
                fix,
            )
        };
        ctx.finding(id, status, title, explanation, blade)
            .with_fix(fix)
    } else if wanted.is_empty() {
        ctx.finding(
            id,
            Pass,
            "No Nylas redirect URI is needed",
            "This path doesn't send users through a Nylas redirect URI.",
            blade,
        )
    } else {
        ctx.finding(
            id,
            Pass,
            format!("Your app has {which}"),
            "It is on the Web platform, exactly as Nylas sends it.",
            blade,
        )
    };
    if !bad_callbacks.is_empty() {
        let first = bad_callbacks[0];
        let why = format!("{} — {}", first.uri, first.problems.join(" "));
        if f.status != Fail {
            f = ctx
                .finding(id, Fail, "One of your callback URIs won't be accepted", format!("Nylas refuses callback URIs like {why}"), blade)
                .with_fix("Correct your own callback URI (https, or http://localhost; no # fragment; at most 256 characters) before you register it with your Nylas application.");
        } else if let Some(fix) = f.fix.as_mut() {
            fix.push_str(&format!(" Also correct your callback URI {why}"));
        }
    }
    f.set("required", json!(ctx.uris.required));
    f.set("optional", json!(ctx.uris.optional));
    f.set("web", json!(web));
    f.set(
        "missing",
        json!(missing.iter().chain(&missing_optional).collect::<Vec<_>>()),
    );
    f.set("misplaced", Value::Array(misplaced));
    f.set("near_misses", Value::Array(near));
    f.set("callbacks", json!(callbacks));
    f.set("listed", json!(app.redirect_uris_listed));
    f
}

/// The two boxes under Authentication → Implicit grant and hybrid flows,
/// with the file's value of each.
fn implicit_boxes(g: crate::manifest::ImplicitGrant) -> [(Option<bool>, &'static str); 2] {
    [
        (g.access_tokens, "Access tokens"),
        (g.id_tokens, "ID tokens"),
    ]
}

/// The boxes whose value is known to be `value`.
fn boxes_that_are(boxes: &[(Option<bool>, &'static str)], value: bool) -> Vec<&'static str> {
    boxes
        .iter()
        .filter(|(v, _)| *v == Some(value))
        .map(|(_, n)| *n)
        .collect()
}

pub(super) fn implicit_grant(ctx: &Ctx) -> Finding {
    let id = CheckId::ImplicitGrant;
    let g = ctx.app.implicit_grant;
    let boxes = implicit_boxes(g);
    let blade = Blade::Authentication;
    // A fix names only the boxes that must change: never "untick" a box
    // that is already unticked (or "tick" one already ticked).
    let mut f = if ctx.req.path == AuditPath::Teams {
        let off = boxes_that_are(&boxes, false);
        let unknown: Vec<&str> = boxes
            .iter()
            .filter(|(v, _)| v.is_none())
            .map(|(_, n)| *n)
            .collect();
        if !off.is_empty() {
            let mut fix = format!(
                "Open Authentication, under Implicit grant and hybrid flows tick {}, and click Save.",
                and_list(&off)
            );
            if !unknown.is_empty() {
                fix.push_str(&format!(
                    " Check that {} is ticked too: this file doesn't say.",
                    and_list(&unknown)
                ));
            }
            ctx.finding(id, Fail, format!("Turn on {} for Teams", and_list(&off)), "The Teams integration needs both access tokens and ID tokens from the implicit grant.", blade)
                .with_fix(fix)
        } else if !unknown.is_empty() {
            ctx.unseen(
                id,
                "your implicit grant settings",
                "The Teams integration needs both Access tokens and ID tokens ticked.",
                blade,
                "Authentication → Implicit grant and hybrid flows",
            )
        } else {
            ctx.finding(
                id,
                Pass,
                "Access tokens and ID tokens are turned on",
                "The Teams integration needs both.",
                blade,
            )
        }
    } else if let on @ [_, ..] = boxes_that_are(&boxes, true).as_slice() {
        ctx.finding(id, Warn, "Implicit grant is on, but Nylas doesn't need it", "Microsoft advises keeping implicit grant off unless an app needs it, because its tokens travel in the browser address bar.", blade)
            .with_fix(format!(
                "Unless another app of yours relies on {}, open Authentication, untick {} under Implicit grant and hybrid flows, and click Save.",
                if on.len() == 1 { "it" } else { "them" },
                and_list(on)
            ))
    } else if g.access_tokens.is_none() || g.id_tokens.is_none() {
        ctx.unseen(
            id,
            "your implicit grant settings",
            "Nylas signs users in with the authorization code flow and doesn't need implicit grant, which Microsoft advises keeping off unless an app needs it.",
            blade,
            "Authentication → Implicit grant and hybrid flows",
        )
    } else {
        ctx.finding(id, Pass, "Implicit grant is off", "Nylas signs users in with the authorization code flow, so it doesn't need implicit grant.", blade)
    };
    f.set("access_tokens", json!(g.access_tokens));
    f.set("id_tokens", json!(g.id_tokens));
    f.set("required", json!(ctx.req.path == AuditPath::Teams));
    f
}

/// "Allow public client flows" (Authentication → Advanced settings). Nylas
/// is a confidential client: it signs in through the Web redirect URI and
/// exchanges the code with the client secret, so it never needs the switch.
/// On, it lets anyone holding the client ID use flows that carry no secret
/// (device code, username and password), and where a request doesn't show
/// which kind of app it comes from Microsoft treats the app as public and
/// refuses a secret (AADSTS700025); Nylas's own sign-in still works,
/// because its Web redirect URI says confidential. Sources: Microsoft
/// Graph's application resource (isFallbackPublicClient), Microsoft's error
/// code reference (AADSTS7000218, AADSTS700025).
pub(super) fn public_client(ctx: &Ctx) -> Finding {
    let id = CheckId::PublicClient;
    let blade = Blade::Authentication;
    let on = ctx.app.is_fallback_public_client;
    let mut f = match on {
        None => ctx.unseen(
            id,
            "whether public client flows are allowed",
            "Nylas signs in as a confidential app with your client secret, so \"Allow public client flows\" should be No.",
            blade,
            "Authentication → Advanced settings → Allow public client flows",
        ),
        Some(true) => ctx
            .finding(
                id,
                Warn,
                "Public client flows are on, but Nylas doesn't need them",
                "They let anyone with your client ID sign in without the client secret (device code, username and password), and Microsoft then treats sign-ins that don't show their kind of app as public and refuses a secret (AADSTS700025); Nylas's own sign-in still works through its Web redirect URI.",
                blade,
            )
            .with_fix("Unless a desktop tool or script of yours signs in through this app without a secret, open Authentication → Advanced settings, set Allow public client flows to No, and click Save."),
        Some(false) => ctx.finding(
            id,
            Pass,
            "Public client flows are off",
            "Nylas signs in as a confidential app with your client secret; a sign-in that carries no secret is refused (AADSTS7000218), which is what you want.",
            blade,
        ),
    };
    f.set("allow_public_client_flows", json!(on));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: &str = "https://api.us.nylas.com/v3/connect/callback";

    #[test]
    fn reason_codes_are_the_documented_names() {
        use strum::VariantArray;
        let codes: Vec<&str> = Reason::VARIANTS.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "whitespace",
                "trailing_slash",
                "case",
                "http_vs_https",
                "other_region",
                "no_region",
                "other_host",
                "other_path",
                "platform"
            ]
        );
    }

    fn codes(found: &str, platform: Platform) -> Vec<&'static str> {
        near_miss(US, found, platform)
            .map(|(r, _)| r.iter().map(|r| r.code()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn names_each_near_miss() {
        assert_eq!(
            codes(
                "https://api.us.nylas.com/v3/connect/callback/",
                Platform::Web
            ),
            ["trailing_slash"]
        );
        assert_eq!(
            codes(
                "https://API.us.nylas.com/v3/connect/callback",
                Platform::Web
            ),
            ["case"]
        );
        assert_eq!(
            codes("http://api.us.nylas.com/v3/connect/callback", Platform::Web),
            ["http_vs_https"]
        );
        assert_eq!(
            codes(
                "https://api.eu.nylas.com/v3/connect/callback",
                Platform::Web
            ),
            ["other_region"]
        );
        assert_eq!(
            codes("https://beta.us.nylas.com/connect/callback", Platform::Web),
            ["other_host"]
        );
        assert_eq!(
            codes("https://api.nylas.com/oauth/callback", Platform::Web),
            ["other_host"]
        );
        assert_eq!(
            codes(
                "https://api.us.nylas.com/v3/connect/callbacks",
                Platform::Web
            ),
            ["other_path"]
        );
        assert_eq!(codes(US, Platform::Spa), ["platform"]);
        assert_eq!(
            codes(
                "https://api.us.nylas.com/v3/connect/callback/",
                Platform::PublicClient
            ),
            ["trailing_slash", "platform"]
        );
        assert!(codes("https://example.com/callback", Platform::Web).is_empty());
        // The other region's address, with a trailing slash as well.
        assert_eq!(
            codes(
                "https://api.eu.nylas.com/v3/connect/callback/",
                Platform::Web
            ),
            ["other_region", "trailing_slash"]
        );
        let (_, sentence) = near_miss(
            US,
            "HTTP://api.us.nylas.com/v3/connect/callback/",
            Platform::Web,
        )
        .unwrap();
        assert!(
            sentence.contains("trailing slash") && sentence.contains("http instead of https"),
            "{sentence}"
        );
    }
}
