//! The `oauth2` crate's HTTP client, played by our own [`HttpClient`], so
//! sign-in calls get the same timeouts, proxy settings, cancellation and
//! logging (without secrets) as every other call.
//!
//! `oauth2` needs to see error answers (`400 {"error":"authorization_pending"}`)
//! as responses, while our client turns every non-2xx into an [`HttpError`];
//! such an error is turned back into a response with the OAuth error shape
//! (`error`, `error_description`), which is all `oauth2` reads.

use std::future::Future;
use std::pin::Pin;

use oauth2::{HttpRequest, HttpResponse};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::http::{ApiRequest, HttpClient, HttpError};
use crate::remote_ops::RemoteOp;

type Answer<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'a>>;

/// An `oauth2` async HTTP client over `http`, for the call `op`. A struct
/// rather than a closure so the sign-in futures stay `Send` (a closure
/// returning a borrowing future trips a higher-ranked lifetime check).
pub(crate) struct Client<'a> {
    http: &'a HttpClient,
    cancel: &'a CancellationToken,
    op: RemoteOp,
}

pub(crate) fn client<'a>(
    http: &'a HttpClient,
    cancel: &'a CancellationToken,
    op: RemoteOp,
) -> Client<'a> {
    Client { http, cancel, op }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Client<'_> {
    type Error = HttpError;
    type Future = Answer<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(send(self.http, self.cancel, self.op, request))
    }
}

async fn send(
    http: &HttpClient,
    cancel: &CancellationToken,
    op: RemoteOp,
    request: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let req = to_api_request(op, &request).map_err(|error| HttpError {
        error,
        status: None,
        service_error: None,
        attempts: 0,
    })?;
    match http.send(&req, cancel).await {
        Ok(resp) => {
            let mut out = http_response(resp.status, resp.body);
            for (name, value) in &resp.headers {
                out.headers_mut().append(name.clone(), value.clone());
            }
            Ok(out)
        }
        Err(e) => match (e.status, &e.service_error) {
            (Some(status), Some(service_error)) if (400..500).contains(&status) => {
                let body = json!({
                    "error": service_error.kind.clone().unwrap_or_else(|| "invalid_request".into()),
                    "error_description": service_error.message,
                });
                let mut out = http_response(status, body.to_string().into_bytes());
                out.headers_mut().insert(
                    oauth2::http::header::CONTENT_TYPE,
                    oauth2::http::HeaderValue::from_static("application/json"),
                );
                Ok(out)
            }
            _ => Err(e),
        },
    }
}

fn http_response(status: u16, body: Vec<u8>) -> HttpResponse {
    let mut out = HttpResponse::new(body);
    *out.status_mut() = oauth2::http::StatusCode::from_u16(status)
        .unwrap_or(oauth2::http::StatusCode::INTERNAL_SERVER_ERROR);
    out
}

/// Only what `oauth2` sends: a POST of a form to the token or device-code
/// endpoint (no client secret: we are a public client).
fn to_api_request(op: RemoteOp, request: &HttpRequest) -> crate::error::Result<ApiRequest> {
    let url = Url::parse(&request.uri().to_string()).map_err(|e| {
        crate::WizardError::internal(format!("Bad sign-in address {}: {e}.", request.uri()))
    })?;
    if request.method().as_str() != op.method().as_str() {
        return Err(crate::WizardError::internal(format!(
            "The sign-in call {} was not a {}.",
            op.as_str(),
            op.method()
        )));
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(request.body())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // Split off the last segment so the label names the endpoint (`/token`).
    let base = url.join("./").unwrap_or_else(|_| url.clone());
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let req = ApiRequest::new(op, &base, last)?;
    Ok(if pairs.is_empty() {
        req
    } else {
        req.form(pairs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_and_url_are_kept() {
        let request = oauth2::http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:9/microsoft-login/contoso.com/oauth2/v2.0/token")
            .body(b"grant_type=authorization_code&code=a%2Bb".to_vec())
            .unwrap();
        let req = to_api_request(RemoteOp::MicrosoftCodeExchange, &request).unwrap();
        assert_eq!(
            req.url().as_str(),
            "http://127.0.0.1:9/microsoft-login/contoso.com/oauth2/v2.0/token"
        );
        assert_eq!(req.method(), crate::http::Method::POST);
        assert_eq!(req.label(), "Microsoft sign-in (POST /token)");
        let shown = format!("{req:?}");
        assert!(!shown.contains("a+b"), "the body stays hidden: {shown}");
    }
}
