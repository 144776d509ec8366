//! Nylas v2 errors in plain words.
//!
//! The v2 API answers flat errors (`{"message","type"}`); the beta
//! integrations service's shape is unverified, so `{"success":false,
//! "error":{…}}`, `{"message"}` and plain text are all accepted (the HTTP
//! layer reads each JSON shape; plain text leaves the status's own words).

use crate::error::{ErrorCode, WizardError};
use crate::http::HttpError;

/// The sentence every 401 from a v2 host starts with.
pub const WRONG_CREDENTIALS: &str = "The client ID or secret is wrong";

/// The admin-facing error for a failed v2 or beta call.
pub fn explain_v2(err: HttpError) -> WizardError {
    let said = err
        .service_error
        .as_ref()
        .map(|s| format!(" Nylas said: {}.", s.message.trim_end_matches('.')))
        .unwrap_or_default();
    let request_id = err.error.request_id.clone();
    let mut out = match err.status {
        Some(401) => WizardError::new(
            ErrorCode::Unauthorized,
            format!("{WRONG_CREDENTIALS}: Nylas refused them (HTTP 401).{said}"),
        )
        .with_hint(
            "Copy the client ID and the client secret again from the Nylas v2 dashboard \
             (App Settings), without spaces or line breaks. A v2 app also lives in one region \
             (US or EU): Nylas refuses its credentials in the other region the same way.",
        ),
        Some(402) => WizardError::new(
            ErrorCode::Rejected,
            format!("Microsoft refused the account through Nylas (HTTP 402).{said}"),
        )
        .with_hint("Check that the account exists, is licensed, and may sign in to this app."),
        _ => return err.error,
    };
    out.request_id = request_id;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ServiceError;

    fn http_error(status: u16, body: &[u8]) -> HttpError {
        let base = WizardError::new(ErrorCode::Rejected, "base");
        HttpError {
            error: base,
            status: Some(status),
            service_error: ServiceError::from_body(body).map(Box::new),
            attempts: 1,
        }
    }

    #[test]
    fn a_401_says_the_id_or_secret_is_wrong_in_every_shape() {
        for body in [
            br#"{"message":"Unauthorized","type":"api_error"}"#.as_slice(),
            br#"{"success":false,"error":{"type":"unauthorized","message":"Invalid credentials"}}"#,
            b"Unauthorized",
            b"",
        ] {
            let e = explain_v2(http_error(401, body));
            assert_eq!(e.code, ErrorCode::Unauthorized);
            assert!(e.message.starts_with(WRONG_CREDENTIALS), "{}", e.message);
            assert!(e.hint.unwrap().contains("region"));
        }
        let e = explain_v2(http_error(
            401,
            br#"{"success":false,"error":{"type":"unauthorized","message":"Invalid credentials"}}"#,
        ));
        assert!(
            e.message.ends_with("Nylas said: Invalid credentials."),
            "{}",
            e.message
        );
    }

    #[test]
    fn other_statuses_keep_the_http_layer_s_words() {
        let e = explain_v2(http_error(
            400,
            br#"{"message":"Bad thing","type":"invalid_request_error"}"#,
        ));
        assert_eq!(e.code, ErrorCode::Rejected);
        assert_eq!(e.message, "base");
        let e = explain_v2(http_error(
            402,
            br#"{"message":"Provider said no","type":"payment_required"}"#,
        ));
        assert!(e.message.contains("Provider said no"));
    }
}
