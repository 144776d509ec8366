//! Identifiers and timestamps the real services put in their answers.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// A random GUID, as used for request, trace and correlation IDs.
pub(crate) fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Microsoft's `timestamp` field: `2024-05-01 12:34:56Z`.
pub(crate) fn microsoft_timestamp() -> String {
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    OffsetDateTime::now_utc().format(&fmt).unwrap_or_default()
}

/// RFC 3339, as Graph's `innerError.date`.
pub(crate) fn rfc3339_now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}
