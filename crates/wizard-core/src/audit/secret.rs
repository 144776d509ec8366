//! Client secret: exists, not expired, not expiring within 30 days, and (when
//! the admin pasted one) not the secret's ID instead of its value.
//! The pasted value is only compared, never stored or echoed.

use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use super::{CheckId, Ctx, Finding, FindingStatus::*};
use crate::ids::is_guid;
use crate::manifest::PasswordCredential;
use crate::portal::Blade;

/// Warn this long before a secret expires.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

fn day(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_else(|_| t.date().to_string())
}

fn rfc3339(t: OffsetDateTime) -> Option<String> {
    t.format(&Rfc3339).ok()
}

const NEW_SECRET: &str = "Open Certificates & secrets → Client secrets → New client secret, choose when it expires, click Add, and copy the Value (not the Secret ID) at once, because the portal shows it only once";

pub(super) fn client_secret(ctx: &Ctx) -> Finding {
    let id = CheckId::ClientSecret;
    let blade = Blade::Credentials;
    let now = ctx.now;
    // The pasted value: the secret's ID by mistake? Which secret is it?
    let pasted = ctx
        .req
        .pasted_secret
        .as_ref()
        .map(|s| s.expose().trim())
        .filter(|s| !s.is_empty());
    let looks_like_id = pasted.is_some_and(is_guid);
    let Some(creds) = ctx.app.password_credentials.as_ref() else {
        let mut f = if looks_like_id {
            secret_id_finding(ctx, false)
        } else {
            ctx.unseen(
                id,
                "your app's client secrets",
                "This file doesn't list client secrets, so check that one exists and hasn't expired: Nylas signs in to Microsoft with it.",
                blade,
                "Certificates & secrets → Client secrets",
            )
        };
        f.set("count", json!(null));
        f.set("looks_like_secret_id", json!(looks_like_id));
        return f;
    };

    let is_a_key_id = pasted.is_some_and(|p| {
        creds.iter().any(|c| {
            c.key_id
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(p))
        })
    });
    let by_hint: Option<&PasswordCredential> = pasted.filter(|_| !looks_like_id).and_then(|p| {
        let mut matching = creds.iter().filter(|c| {
            c.hint
                .as_deref()
                .is_some_and(|h| !h.is_empty() && p.starts_with(h))
        });
        let first = matching.next();
        // Only trust the hint when exactly one secret matches it.
        first.filter(|_| matching.next().is_none())
    });

    let newest = creds
        .iter()
        .filter(|c| c.end.is_some())
        .max_by_key(|c| c.end);
    let chosen = by_hint.or(newest);
    let expired_count = creds
        .iter()
        .filter(|c| c.end.is_some_and(|e| e <= now))
        .count();
    let end = chosen.and_then(|c| c.end);
    // Secrets whose expiry the file doesn't give: one of them may be valid.
    let undated = creds.iter().filter(|c| c.end.is_none()).count();
    let expiry_column = "the Expires column under Certificates & secrets → Client secrets";

    let mut f = if creds.is_empty() {
        ctx.finding(id, Fail, "Your app has no client secret", "Nylas signs in to Microsoft with the app's client secret, so nobody can connect without one.", blade)
            .with_fix(format!("{NEW_SECRET}; then give it to Nylas."))
    } else if by_hint.is_none() && undated > 0 && end.is_some_and(|e| e <= now) {
        ctx.unseen(
            id,
            "when one of your client secrets expires",
            format!(
                "{expired_count} of your app's secrets {} expired, and the file gives no expiry date we can read for the other {undated}; Nylas needs one that hasn't expired.",
                if expired_count == 1 { "has" } else { "have" }
            ),
            blade,
            expiry_column,
        )
    } else if let Some(end) = end.filter(|e| *e <= now) {
        let title = if by_hint.is_some() {
            "The client secret you entered has expired".to_owned()
        } else if creds.len() == 2 {
            "Both of your app's client secrets have expired".to_owned()
        } else if creds.len() > 2 {
            format!(
                "All {} of your app's client secrets have expired",
                creds.len()
            )
        } else {
            "Your client secret has expired".to_owned()
        };
        let which = if by_hint.is_none() && creds.len() > 1 {
            "The newest one"
        } else {
            "It"
        };
        ctx.finding(id, Fail, title, format!("{which} expired on {}, and Microsoft refuses expired secrets (AADSTS7000222), so nobody can connect.", day(end)), blade)
            .with_fix(format!("{NEW_SECRET}; then update the secret in Nylas."))
    } else if looks_like_id {
        secret_id_finding(ctx, is_a_key_id)
    } else if let Some(end) = end.filter(|e| {
        *e <= now
            .checked_add(Duration::days(EXPIRY_WARNING_DAYS))
            .unwrap_or(now)
    }) {
        let days = (end - now).whole_days();
        ctx.finding(
            id,
            Warn,
            format!("Your client secret expires on {}", day(end)),
            format!("That is {days} day{} away, and when it expires every connection stops working until Nylas gets a new secret.", if days == 1 { "" } else { "s" }),
            blade,
        )
        .with_fix(format!("{NEW_SECRET}; then update the secret in Nylas before {}.", day(end)))
    } else if let Some(end) = end {
        let explanation = if expired_count > 0 {
            format!(
                "{expired_count} older secret{} expired, so make sure Nylas has this newest one.",
                if expired_count == 1 { " has" } else { "s have" }
            )
        } else {
            "Nylas can sign in to Microsoft with it.".to_owned()
        };
        ctx.finding(
            id,
            Pass,
            format!("Your client secret is valid until {}", day(end)),
            explanation,
            blade,
        )
    } else {
        ctx.unseen(
            id,
            "when your client secret expires",
            "The file lists a secret without an expiry date we can read, and Microsoft refuses an expired secret (AADSTS7000222).",
            blade,
            expiry_column,
        )
    };
    f.set("count", json!(creds.len()));
    f.set("expired_count", json!(expired_count));
    f.set("expires", json!(end.and_then(rfc3339)));
    f.set("days_left", json!(end.map(|e| (e - now).whole_days())));
    f.set("key_id", json!(chosen.and_then(|c| c.key_id.clone())));
    f.set(
        "display_name",
        json!(chosen.and_then(|c| c.display_name.clone())),
    );
    f.set("hint", json!(chosen.and_then(|c| c.hint.clone())));
    f.set("matched_pasted_secret", json!(by_hint.is_some()));
    f.set("looks_like_secret_id", json!(looks_like_id));
    f.set("certificates", json!(ctx.app.certificate_count));
    f
}

/// The secret the admin entered looks like a Secret ID (a GUID), which
/// Microsoft refuses in place of the Value (AADSTS7000215).
fn secret_id_finding(ctx: &Ctx, is_a_key_id: bool) -> Finding {
    let why = if is_a_key_id {
        "What you entered is the Secret ID of one of this app's secrets; Microsoft needs the secret's Value and would answer AADSTS7000215."
    } else {
        "It looks like a GUID, which is what a Secret ID looks like; Microsoft needs the secret's Value and would answer AADSTS7000215."
    };
    ctx.finding(
        CheckId::ClientSecret,
        Warn,
        "You may have entered the secret ID, not the secret value",
        why,
        Blade::Credentials,
    )
    .with_fix(format!("{NEW_SECRET}; the old value can't be shown again."))
}
