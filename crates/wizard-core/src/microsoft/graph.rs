//! Microsoft Graph calls for the live audit (and its fixes), with the
//! errors an admin can act on: a 403 names the role needed, an app that
//! isn't in the tenant explains AADSTS700016.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::Tokens;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::{ApiRequest, Auth, HttpClient, HttpError};
use crate::ids::is_guid;
use crate::remote_ops::RemoteOp;

/// Microsoft Graph's application ID (the resource of its permissions).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

const ROLE_HINT: &str = "Sign in with an account that has the Application Administrator or Cloud \
     Application Administrator role (Microsoft Entra admin center → Roles and administrators), \
     or ask someone who has one to run this check.";

/// A Graph client for one signed-in admin.
#[derive(Clone)]
pub struct GraphClient {
    http: HttpClient,
    base: Url,
    token: SecretString,
    /// Microsoft's login base, for the tenant's OpenID discovery document
    /// read alongside the Graph calls (optional).
    login_base: Option<Url>,
}

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// `{"value": [...]}`, Graph's list shape.
#[derive(Deserialize)]
struct List<T> {
    value: Vec<T>,
}

/// One admin-consent grant (`oauth2PermissionGrant`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionGrant {
    pub client_id: String,
    pub consent_type: String,
    pub resource_id: String,
    #[serde(default)]
    pub scope: String,
}

/// The tenant as `/organization` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}

/// Who signed in, as `/me` describes them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
}

/// A user of the directory, as `GET /users/{upn}` describes them: enough to
/// tell a mailbox's own address from an alias (v2 service accounts).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryUser {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    /// The mailbox's primary SMTP address (none: no mailbox).
    #[serde(default)]
    pub mail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
}

/// Graph's `$filter` quoting: a single quote is doubled.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn require_guid(what: &str, id: &str) -> Result<()> {
    if is_guid(id.trim()) {
        Ok(())
    } else {
        Err(WizardError::invalid_input(format!(
            "'{id}' is not {what} (a GUID such as 5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e)."
        )))
    }
}

/// 403 and 401 in plain words; everything else as the HTTP layer said it.
fn explain(e: HttpError, doing: &str) -> WizardError {
    let request_id = e.error.request_id.clone();
    let error = match e.status {
        Some(403) => WizardError::new(
            ErrorCode::Forbidden,
            format!("Microsoft says the account you signed in with isn't allowed to {doing} (Authorization_RequestDenied: insufficient privileges)."),
        )
        .with_hint(ROLE_HINT),
        Some(401) => WizardError::new(
            ErrorCode::Unauthorized,
            "Microsoft no longer accepts this sign-in (the token is invalid or has expired).",
        )
        .with_hint("Sign in again."),
        _ => e.error,
    };
    WizardError {
        request_id,
        ..error
    }
}

impl GraphClient {
    pub fn new(http: &HttpClient, graph_base: &Url, tokens: &Tokens) -> Self {
        Self {
            http: http.clone(),
            base: graph_base.clone(),
            token: tokens.access_token.clone(),
            login_base: None,
        }
    }

    /// Also read the tenant's OpenID discovery document (its region) in
    /// the live audit.
    pub fn with_login_base(mut self, login_base: &Url) -> Self {
        self.login_base = Some(login_base.clone());
        self
    }

    pub(crate) fn login_base(&self) -> Option<&Url> {
        self.login_base.as_ref()
    }

    pub(crate) fn http(&self) -> &HttpClient {
        &self.http
    }

    fn request(&self, op: RemoteOp, path: &str) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, &self.base, path)?.auth(Auth::bearer(self.token.expose_secret())))
    }

    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        op: RemoteOp,
        path: &str,
        filter: Option<String>,
        doing: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>> {
        let mut req = self.request(op, path)?;
        if let Some(f) = &filter {
            req = req.query(&[("$filter", f.as_str())]);
        }
        let list: List<T> = self
            .http
            .send_json(&req, cancel)
            .await
            .map_err(|e| explain(e, doing))?;
        Ok(list.value)
    }

    /// The app registration with this Application (client) ID, as Graph
    /// returns it. Not found in the tenant is an error that explains
    /// AADSTS700016.
    pub async fn application(
        &self,
        app_id: &str,
        tenant: &str,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        require_guid("an Application (client) ID", app_id)?;
        let apps: Vec<Value> = self
            .list(
                RemoteOp::GraphApplication,
                "v1.0/applications",
                Some(format!("appId eq {}", quoted(app_id.trim()))),
                "read app registrations",
                cancel,
            )
            .await?;
        apps.into_iter().next().ok_or_else(|| {
            WizardError::new(
                ErrorCode::NotFound,
                format!(
                    "There is no app registration with the Application (client) ID {} in the tenant {tenant}. Signing in to Nylas with it would fail with AADSTS700016 (application not found in the directory).",
                    app_id.trim()
                ),
            )
            .with_hint("Check the Application (client) ID on the app's Overview page in the Azure portal, and that you signed in to the tenant where the app is registered.")
        })
    }

    /// The app's service principal (enterprise application), if one exists:
    /// it appears once someone has consented or the app was used.
    pub async fn service_principal(
        &self,
        app_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Value>> {
        require_guid("an Application (client) ID", app_id)?;
        let sps: Vec<Value> = self
            .list(
                RemoteOp::GraphServicePrincipal,
                "v1.0/servicePrincipals",
                Some(format!("appId eq {}", quoted(app_id.trim()))),
                "read enterprise applications",
                cancel,
            )
            .await?;
        Ok(sps.into_iter().next())
    }

    /// Admin consent given for everyone (`consentType eq 'AllPrincipals'`)
    /// to the service principal `sp_id`.
    pub async fn admin_consent_grants(
        &self,
        sp_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<PermissionGrant>> {
        self.list(
            RemoteOp::GraphConsentGrants,
            "v1.0/oauth2PermissionGrants",
            Some(format!(
                "clientId eq {} and consentType eq 'AllPrincipals'",
                quoted(sp_id)
            )),
            "read admin consent grants",
            cancel,
        )
        .await
    }

    /// The delegated-permission grants of the app `app_id`'s service
    /// principal, addressed by Graph's alternate key
    /// (`servicePrincipals(appId='…')`) so they are read alongside the
    /// principal instead of after it. `None` when the app has no service
    /// principal in this tenant (Graph answers 404).
    pub async fn app_consent_grants(
        &self,
        app_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Vec<PermissionGrant>>> {
        require_guid("an Application (client) ID", app_id)?;
        let req = self.request(
            RemoteOp::GraphAppConsentGrants,
            &format!(
                "v1.0/servicePrincipals(appId={})/oauth2PermissionGrants",
                quoted(app_id.trim())
            ),
        )?;
        match self
            .http
            .send_json::<List<PermissionGrant>>(&req, cancel)
            .await
        {
            Ok(list) => Ok(Some(list.value)),
            Err(e) if e.status == Some(404) => Ok(None),
            Err(e) => Err(explain(e, "read admin consent grants")),
        }
    }

    pub async fn organization(&self, cancel: &CancellationToken) -> Result<Organization> {
        let orgs: Vec<Organization> = self
            .list(
                RemoteOp::GraphOrganization,
                "v1.0/organization",
                None,
                "read the organization",
                cancel,
            )
            .await?;
        orgs.into_iter().next().ok_or_else(|| {
            WizardError::new(
                ErrorCode::BadResponse,
                "Microsoft Graph didn't describe your organization.",
            )
        })
    }

    /// Who signed in: name and user principal name only (`User.Read`).
    pub async fn me(&self, cancel: &CancellationToken) -> Result<Me> {
        let req = self
            .request(RemoteOp::GraphMe, "v1.0/me")?
            .query(&[("$select", "displayName,userPrincipalName")]);
        self.http
            .send_json(&req, cancel)
            .await
            .map_err(|e| explain(e, "read who signed in"))
    }

    /// The user whose sign-in name (or ID) is `key` (`User.ReadBasic.All`).
    /// `None`: no such user — Graph doesn't look users up by an alias.
    pub async fn user(
        &self,
        key: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<DirectoryUser>> {
        // An address goes into the path as it is: refuse what would change it.
        if key.is_empty() || key.contains(['/', '?', '#', '%', '\\']) {
            return Err(WizardError::invalid_input(format!(
                "\"{key}\" isn't an email address."
            )));
        }
        let req = self
            .request(RemoteOp::GraphUser, &format!("v1.0/users/{key}"))?
            .query(&[("$select", "displayName,userPrincipalName,mail")]);
        match self.http.send_json(&req, cancel).await {
            Ok(u) => Ok(Some(u)),
            Err(e) if e.status == Some(404) => Ok(None),
            Err(e) => Err(explain(e, "read the user")),
        }
    }

    /// `PATCH /applications/{id}`: every property sent replaces the stored
    /// one, so collections must be sent whole.
    pub async fn patch_application(
        &self,
        object_id: &str,
        body: Value,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = self
            .request(
                RemoteOp::GraphPatchApplication,
                &format!("v1.0/applications/{}", object_id.trim()),
            )?
            // Not repeated after a failure that may have reached Graph (a
            // late PATCH could undo a change made meanwhile): applying
            // again re-reads and re-plans instead.
            .json(body);
        self.http
            .send(&req, cancel)
            .await
            .map_err(|e| explain(e, "change app registrations"))?;
        Ok(())
    }
}

impl GraphClient {
    /// `POST /applications/{id}/addPassword`. Never retried: a repeat would
    /// create a second secret. The answer carries the secret's value.
    pub(crate) async fn add_password(
        &self,
        object_id: &str,
        body: Value,
        cancel: &CancellationToken,
    ) -> Result<serde_json::Map<String, Value>> {
        let req = self
            .request(
                RemoteOp::GraphAddPassword,
                &format!("v1.0/applications/{}/addPassword", object_id.trim()),
            )?
            .json(body);
        self.http
            .send_json(&req, cancel)
            .await
            .map_err(|e| explain(e, "add client secrets"))
    }
}

/// Creating an app registration (see `create_app`): each POST is sent once
/// and never retried after a failure that may have reached Graph (a repeat
/// would create a second object); a re-run looks before it creates.
impl GraphClient {
    /// `POST /applications` with the whole object; Graph answers 201 with
    /// it, plus the `id` and `appId` it assigned.
    pub async fn create_application(
        &self,
        body: Value,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req = self
            .request(RemoteOp::GraphCreateApplication, "v1.0/applications")?
            .json(body);
        self.http
            .send_json(&req, cancel)
            .await
            .map_err(|e| explain(e, "create app registrations"))
    }

    /// `POST /servicePrincipals` for the app `app_id`: its enterprise
    /// application in this tenant.
    pub async fn create_service_principal(
        &self,
        app_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        require_guid("an Application (client) ID", app_id)?;
        let req = self
            .request(
                RemoteOp::GraphCreateServicePrincipal,
                "v1.0/servicePrincipals",
            )?
            .json(serde_json::json!({ "appId": app_id.trim() }));
        self.http
            .send_json(&req, cancel)
            .await
            .map_err(|e| explain(e, "create enterprise applications"))
    }

    /// App registrations with this display name, or carrying this tag.
    pub async fn find_applications(
        &self,
        display_name: Option<&str>,
        tag: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<Vec<Value>> {
        let filter = match (display_name, tag) {
            (Some(name), _) => format!("displayName eq {}", quoted(name)),
            (None, Some(tag)) => format!("tags/any(t:t eq {})", quoted(tag)),
            (None, None) => return Ok(Vec::new()),
        };
        self.list(
            RemoteOp::GraphFindApplications,
            "v1.0/applications",
            Some(filter),
            "read app registrations",
            cancel,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_are_quoted() {
        assert_eq!(quoted("a'b"), "'a''b'");
        assert!(require_guid("x", "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e").is_ok());
        assert!(require_guid("x", "x' or 1 eq 1").is_err());
    }
}
