//! Progress of "create it for me", call by call, as it happens: the window
//! ticks each call off and the CLI prints it, instead of both waiting for
//! the whole run to end.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::error::{ErrorCode, WizardError};

/// One of the calls creating makes, in the order it makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CreateCall {
    /// Looking for an app to reuse (same name, or this wizard's marker).
    FindExisting,
    /// Registering the app, or reusing (and fixing) the one found.
    App,
    /// Its enterprise application (service principal).
    ServicePrincipal,
    /// A client secret.
    Secret,
    /// The live audit of the app.
    LiveAudit,
}

impl CreateCall {
    /// Every call, in order (for a list drawn before the first event).
    pub const ALL: [CreateCall; 5] = [
        CreateCall::FindExisting,
        CreateCall::App,
        CreateCall::ServicePrincipal,
        CreateCall::Secret,
        CreateCall::LiveAudit,
    ];
}

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CallState {
    Started,
    Done,
    Failed,
    /// Cancelled by the admin (Stop).
    Stopped,
}

/// One event: a call started, ended, failed or was stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreateProgress {
    pub call: CreateCall,
    pub state: CallState,
    /// In plain words: what is being done, what was done (naming what was
    /// reused), or what went wrong.
    pub text: String,
    /// Done without creating anything: it was already there.
    pub reused: bool,
}

/// Where the events go: the window's channel, the CLI's stderr, a test.
pub type OnProgress<'a> = &'a (dyn Fn(CreateProgress) + Send + Sync);

/// Sends the events of one run.
pub(super) struct Reporter<'a>(pub(super) OnProgress<'a>);

impl Reporter<'_> {
    pub(super) fn started(&self, call: CreateCall, text: impl Into<String>) {
        (self.0)(CreateProgress {
            call,
            state: CallState::Started,
            text: text.into(),
            reused: false,
        });
    }

    pub(super) fn done(&self, call: CreateCall, text: impl Into<String>, reused: bool) {
        (self.0)(CreateProgress {
            call,
            state: CallState::Done,
            text: text.into(),
            reused,
        });
    }

    /// Reports `result`'s error (if any) for `call` and hands it back.
    pub(super) fn check<T>(
        &self,
        call: CreateCall,
        result: Result<T, WizardError>,
    ) -> Result<T, WizardError> {
        if let Err(e) = &result {
            let state = if e.code == ErrorCode::Cancelled {
                CallState::Stopped
            } else {
                CallState::Failed
            };
            (self.0)(CreateProgress {
                call,
                state,
                text: e.message.clone(),
                reused: false,
            });
        }
        result
    }
}

/// An RFC 3339 time as a plain date ("December 1, 2027"); unreadable
/// input is shown as it is.
pub fn plain_date(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[month repr:long] [day padding:none], [year]"
            ))
            .ok()
        })
        .unwrap_or_else(|| rfc3339.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_plain() {
        assert_eq!(plain_date("2027-12-01T19:44:44Z"), "December 1, 2027");
        assert_eq!(plain_date("2028-03-15T00:00:00+00:00"), "March 15, 2028");
        assert_eq!(plain_date("soon"), "soon");
    }
}
