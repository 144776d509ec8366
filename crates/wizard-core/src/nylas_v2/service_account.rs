//! Path E point 6: one more mailbox for an EXISTING Nylas v2 Office 365
//! service account (seed 004). Microsoft removed `ApplicationImpersonation`
//! from Exchange Online in May 2024: new service accounts can't be set up,
//! existing ones keep working; v3's replacement is an admin-consent
//! credential per tenant (the earlier steps of path E).
//!
//! The service account signs in with the Azure app (path C's loopback
//! sign-in, [`UserSignIn`]); its refresh token then goes to Nylas v2 in
//! `POST /connect/authorize` with `settings.service_account: true` and the
//! user's address, and `POST /connect/token` gives the account. Checked
//! first, as seed 004 requires: the user's domain is the service account's
//! (before anyone signs in), and the address is a real mailbox's own, not an
//! alias (Graph `GET /users/{address}` with the service account's token).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;

use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, HttpClient};
use crate::microsoft::graph::GraphClient;
use crate::microsoft::Tokens;
use crate::regions::Region;
use crate::remote_ops::RemoteOp;

use super::native_auth::{
    connect, native_auth_redirect_uri, Authorization, AuthorizeCall, ConnectedAccount,
    NativeAuthPlan, NativeAuthSecrets, NativeAuthVariant, SignedInUser,
};
use super::{api_base, explain_v2, now_rfc3339, AccountsRecord};

const GRAPH: &str = "https://graph.microsoft.com/";
const EWS_SCOPE: &str = "https://outlook.office365.com/EWS.AccessAsUser.All";
/// At most this many addresses per sign-in (each is two calls to Nylas).
pub const MAX_USERS: usize = 50;

/// What the step says before anything else.
pub const ONLY_EXISTING: &str = "This is only for setups that already have a Nylas v2 Office 365 service account. Microsoft removed the ApplicationImpersonation role from Exchange Online in May 2024, so new service accounts can't be created; existing ones keep working. For new setups, Nylas v3 uses an admin-consent credential per tenant instead: the earlier steps of this path.";

/// What the plan is built from.
#[derive(Debug, Clone, Default)]
pub struct ServiceAccountInput {
    pub region: Region,
    pub nylas_client_id: String,
    pub azure_client_id: String,
    /// The existing service account's address (it signs in).
    pub service_account: String,
    /// The addresses to connect: one a line, or separated by commas.
    pub users: String,
    /// Nylas v2 scopes, comma-separated (e.g. `email,calendar,contacts`).
    pub v2_scopes: String,
    pub port: u16,
    /// The admin said this setup already has a v2 service account.
    pub existing_setup: bool,
}

/// What connecting the mailboxes will do (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceAccountPlan {
    pub region: Region,
    pub nylas_client_id: String,
    pub azure_client_id: String,
    pub service_account: String,
    /// The service account's domain: every address must be in it.
    pub domain: String,
    pub users: Vec<String>,
    pub v2_scopes: String,
    pub port: u16,
    pub redirect_uri: String,
    pub microsoft_scopes: Vec<String>,
    /// The same, as the admin reads them.
    pub permissions: Vec<String>,
    pub notes: Vec<String>,
    /// `/connect/authorize`'s body for the first address, secrets as •••.
    pub preview: String,
}

/// Is `address` a real mailbox's own address?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxCheck {
    pub email: String,
    pub ok: bool,
    pub display_name: Option<String>,
    /// Why not, in plain words.
    pub reason: Option<String>,
}

/// One address: its check, then its account (or why not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceAccountResult {
    pub email: String,
    pub check: MailboxCheck,
    pub account: Option<ConnectedAccount>,
    pub error: Option<WizardError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceAccountOutcome {
    pub service_account: String,
    pub results: Vec<ServiceAccountResult>,
}

impl ServiceAccountOutcome {
    /// The step's record (accounts connected so far, this run's failures).
    pub fn record(&self, before: Option<&AccountsRecord>) -> AccountsRecord {
        let connected = self.results.iter().filter(|r| r.account.is_some()).count() as u32;
        let failed = self.results.len() as u32 - connected;
        let connected = before.map_or(0, |b| b.connected) + connected;
        AccountsRecord {
            total: connected + failed,
            connected,
            failed,
            at: now_rfc3339(),
        }
    }
}

/// Progress per address, for the window and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceAccountProgress {
    SignedIn { email: String },
    Checking { email: String },
    Connecting { email: String },
    Connected { email: String, account_id: String },
    Failed { email: String, message: String },
}

fn domain_of(address: &str) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    let ok = !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@._+-'".contains(c));
    ok.then(|| domain.to_ascii_lowercase())
}

fn address(raw: &str, what: &str) -> Result<(String, String)> {
    let a = raw.trim().to_ascii_lowercase();
    let domain = domain_of(&a).ok_or_else(|| {
        WizardError::invalid_input(if a.is_empty() {
            format!("Enter {what}.")
        } else {
            format!("\"{}\" isn't an email address ({what}).", raw.trim())
        })
    })?;
    Ok((a, domain))
}

/// Check the input (before anyone signs in): an existing setup, the IDs,
/// the scopes, and every address in the service account's domain.
pub fn plan(input: &ServiceAccountInput) -> Result<ServiceAccountPlan> {
    if !input.existing_setup {
        return Err(WizardError::invalid_input(ONLY_EXISTING).with_hint(
            "Tick that your setup already has a v2 service account, or use the admin-consent steps of this path.",
        ));
    }
    let nylas_client_id = input.nylas_client_id.trim();
    if nylas_client_id.is_empty() {
        return Err(
            WizardError::invalid_input("The Nylas v2 client ID is missing.")
                .with_hint("Check your Nylas v2 app (client ID and secret) on this step first."),
        );
    }
    let azure = input.azure_client_id.trim();
    if !crate::ids::is_guid(azure) {
        return Err(WizardError::invalid_input(
            "The Azure app's Application (client) ID is missing or isn't a GUID.",
        )
        .with_hint("Enter it on the Azure app step (Overview → Application (client) ID)."));
    }
    let (service, domain) = address(&input.service_account, "the service account's address")?;
    let mut users: Vec<String> = Vec::new();
    let mut other_domain = Vec::new();
    for raw in input
        .users
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (a, d) = address(raw, "an address to connect")?;
        if d != domain {
            other_domain.push(a.clone());
        }
        if a == service {
            return Err(WizardError::invalid_input(format!(
                "{a} is the service account itself: list the mailboxes it should connect."
            )));
        }
        if !users.contains(&a) {
            users.push(a);
        }
    }
    if users.is_empty() {
        return Err(WizardError::invalid_input(
            "Enter at least one address to connect.",
        ));
    }
    if users.len() > MAX_USERS {
        return Err(WizardError::invalid_input(format!(
            "{} addresses is more than {MAX_USERS} at once: split the list.",
            users.len()
        )));
    }
    if !other_domain.is_empty() {
        return Err(WizardError::invalid_input(format!(
            "The service account {service} is in {domain}, but {} {} not: Microsoft refuses a service account for another domain.",
            other_domain.join(", "),
            if other_domain.len() == 1 { "is" } else { "are" }
        ))
        .with_hint(format!(
            "Remove the addresses outside {domain}, or sign them in with a service account of their own domain."
        )));
    }
    if input.v2_scopes.trim().is_empty() {
        return Err(WizardError::invalid_input(
            "Choose the Nylas v2 scopes the mailboxes get (for example email, calendar, contacts).",
        ));
    }
    let scopes = crate::migrate::scopes::parse_v2_scopes(&input.v2_scopes)?;
    let v2_scopes = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    // Graph first: the code's access token is for the first resource named
    // (the mailbox checks); the refresh token Nylas gets serves Exchange too.
    let microsoft_scopes = vec![
        format!("{GRAPH}User.Read"),
        format!("{GRAPH}User.ReadBasic.All"),
        EWS_SCOPE.to_owned(),
        "openid".to_owned(),
        "profile".to_owned(),
        "offline_access".to_owned(),
    ];
    let permissions = vec![
        "User.Read (Microsoft Graph): who signed in".to_owned(),
        "User.ReadBasic.All (Microsoft Graph): to check each address is a real mailbox, not an alias".to_owned(),
        "EWS.AccessAsUser.All (Exchange Online): what the service account opens the mailboxes with".to_owned(),
        "offline_access (lets Nylas renew the sign-in)".to_owned(),
    ];
    let redirect_uri = native_auth_redirect_uri(input.port);
    let mut plan = ServiceAccountPlan {
        region: input.region,
        nylas_client_id: nylas_client_id.to_owned(),
        azure_client_id: azure.to_owned(),
        service_account: service,
        domain,
        users,
        v2_scopes,
        port: input.port,
        redirect_uri,
        microsoft_scopes,
        permissions,
        notes: vec![
            "Sign in as the service account itself. The wizard hands Nylas its refresh token and never keeps it.".to_owned(),
            "Each address becomes its own Nylas v2 account, billed as one.".to_owned(),
            "If the service account has no mailbox of its own, connecting the accounts can take a long time (Nylas's guide to v2 service accounts).".to_owned(),
        ],
        preview: String::new(),
    };
    let first = plan.users[0].clone();
    plan.preview = serde_json::to_string_pretty(&authorize_body(&plan, &first, &first, None, None))
        .unwrap_or_default();
    Ok(plan)
}

/// The plan as path C's sign-in takes it (the service account pre-filled).
pub fn sign_in_plan(plan: &ServiceAccountPlan) -> NativeAuthPlan {
    NativeAuthPlan {
        variant: NativeAuthVariant::Events,
        region: plan.region,
        nylas_client_id: plan.nylas_client_id.clone(),
        azure_client_id: plan.azure_client_id.clone(),
        // Sign in to the service account's own organization.
        tenant: plan.domain.clone(),
        port: plan.port,
        redirect_uri: plan.redirect_uri.clone(),
        microsoft_scopes: plan.microsoft_scopes.clone(),
        permissions: plan.permissions.clone(),
        authorizations: vec![authorization(plan)],
        notes: plan.notes.clone(),
        replace: None,
        login_hint: Some(plan.service_account.clone()),
    }
}

fn authorization(plan: &ServiceAccountPlan) -> Authorization {
    Authorization {
        // Seed 004's body: Exchange, through the service account.
        provider: "exchange".into(),
        scopes: plan.v2_scopes.clone(),
        purpose: "A mailbox, through the service account".into(),
        reauth_account_id: None,
    }
}

/// Path C's body plus `settings.service_account: true` (seed 004).
fn authorize_body(
    plan: &ServiceAccountPlan,
    email: &str,
    name: &str,
    azure_client_secret: Option<&SecretString>,
    refresh_token: Option<&SecretString>,
) -> serde_json::Value {
    let a = authorization(plan);
    let call = AuthorizeCall {
        nylas_client_id: &plan.nylas_client_id,
        name,
        email_address: email,
        azure_client_id: &plan.azure_client_id,
        redirect_uri: &plan.redirect_uri,
        authorization: &a,
    };
    let mut body = connect::authorize_body(&call, azure_client_secret, refresh_token);
    body["settings"]["service_account"] = json!(true);
    body
}

/// Is `email` a real mailbox's own address, read with the service
/// account's Graph token? Graph finds users by sign-in name, never by an
/// alias, and `mail` is the mailbox's primary address.
pub async fn check_mailbox(
    graph: &GraphClient,
    email: &str,
    cancel: &CancellationToken,
) -> Result<MailboxCheck> {
    let user = graph.user(email, cancel).await?;
    let no = |reason: String, name: Option<String>| MailboxCheck {
        email: email.to_owned(),
        ok: false,
        display_name: name,
        reason: Some(reason),
    };
    Ok(match user {
        None => no(format!(
            "No account in your organization signs in as {email}. If it's an alias (an extra address of another mailbox), use that mailbox's own address: a service account can't connect an alias."
        ), None),
        Some(u) => match u.mail.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => no(
                format!("{email} is an account without a mailbox (no email address), so there is nothing to connect."),
                u.display_name,
            ),
            Some(m) if !m.eq_ignore_ascii_case(email) => no(
                format!("{email} signs in to Microsoft, but its mailbox's own address is {m}: connect {m} instead."),
                u.display_name,
            ),
            Some(_) => MailboxCheck {
                email: email.to_owned(),
                ok: true,
                display_name: u.display_name,
                reason: None,
            },
        },
    })
}

#[derive(Deserialize)]
struct CodeAnswer {
    code: Option<String>,
}

/// `POST /connect/authorize` with `service_account: true` → the code.
async fn authorize(
    http: &HttpClient,
    base: &Url,
    body: serde_json::Value,
    cancel: &CancellationToken,
) -> Result<SecretString> {
    let req = ApiRequest::new(RemoteOp::NylasV2Authorize, base, "connect/authorize")?.json(body);
    let answer: CodeAnswer = http.send_json(&req, cancel).await.map_err(explain_v2)?;
    answer
        .code
        .filter(|c| !c.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Nylas accepted the authorization but sent no code back.",
            )
        })
}

/// Check and connect each address with the signed-in service account. A
/// failed address doesn't stop the next; the refresh token and the Graph
/// token are dropped when this returns.
pub async fn connect_mailboxes(
    http: &HttpClient,
    endpoints: &Endpoints,
    plan: &ServiceAccountPlan,
    // What `UserSignIn::finish_with_graph` gave: the service account and
    // its Graph token.
    (user, graph_tokens): (SignedInUser, Tokens),
    secrets: &NativeAuthSecrets,
    progress: &(dyn Fn(ServiceAccountProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ServiceAccountOutcome> {
    if !user.email.eq_ignore_ascii_case(&plan.service_account) {
        return Err(WizardError::invalid_input(format!(
            "You signed in as {}, not as the service account {}.",
            user.email, plan.service_account
        ))
        .with_hint(format!(
            "Sign in again and pick {} at Microsoft.",
            plan.service_account
        )));
    }
    progress(ServiceAccountProgress::SignedIn {
        email: user.email.clone(),
    });
    let graph = GraphClient::new(http, &endpoints.graph, &graph_tokens);
    let base = api_base(endpoints, plan.region);
    let mut results = Vec::new();
    for email in &plan.users {
        if cancel.is_cancelled() {
            return Err(WizardError::new(
                ErrorCode::Cancelled,
                "Connecting the mailboxes was cancelled.",
            ));
        }
        progress(ServiceAccountProgress::Checking {
            email: email.clone(),
        });
        let check = match check_mailbox(&graph, email, cancel).await {
            Ok(c) => c,
            Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
            Err(e) => MailboxCheck {
                email: email.clone(),
                ok: false,
                display_name: None,
                reason: Some(format!("The wizard couldn't check it: {}", e.message)),
            },
        };
        let outcome = if let Some(reason) = check.reason.clone().filter(|_| !check.ok) {
            Err(WizardError::new(ErrorCode::Rejected, reason))
        } else {
            progress(ServiceAccountProgress::Connecting {
                email: email.clone(),
            });
            let name = check.display_name.clone().unwrap_or_else(|| email.clone());
            let body = authorize_body(
                plan,
                email,
                &name,
                Some(&secrets.azure_client_secret),
                Some(&user.refresh_token),
            );
            async {
                let code = authorize(http, base, body, cancel).await?;
                connect::token(
                    http,
                    base,
                    &plan.nylas_client_id,
                    &secrets.nylas_client_secret,
                    &code,
                    cancel,
                )
                .await
            }
            .await
        };
        let (account, error) = match outcome {
            Ok(acc) => {
                progress(ServiceAccountProgress::Connected {
                    email: email.clone(),
                    account_id: acc.account_id.clone(),
                });
                (Some(acc), None)
            }
            Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
            Err(e) => {
                progress(ServiceAccountProgress::Failed {
                    email: email.clone(),
                    message: e.message.clone(),
                });
                (None, Some(e))
            }
        };
        results.push(ServiceAccountResult {
            email: email.clone(),
            check,
            account,
            error,
        });
    }
    Ok(ServiceAccountOutcome {
        service_account: plan.service_account.clone(),
        results,
    })
}

#[cfg(test)]
#[path = "service_account_tests.rs"]
mod tests;
