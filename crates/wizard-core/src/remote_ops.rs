//! Every call the wizard makes to a remote service, named in one place.
//!
//! Each [`ApiRequest`](crate::http::ApiRequest) is built from a [`RemoteOp`],
//! so a new remote call cannot be written without a variant here, and the
//! fault matrix (`tests/fault_matrix.rs`) matches on every variant: a
//! variant without a row there does not compile.

use crate::http::{service, Method};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RemoteOp {
    /// `GET {tenant}/v2.0/.well-known/openid-configuration`.
    TenantDiscovery,
    /// `GET /v3/applications` with the admin's Nylas API key.
    NylasApplication,
    /// `POST {tenant}/oauth2/v2.0/token` redeeming the browser sign-in's code.
    MicrosoftCodeExchange,
    /// `POST {tenant}/oauth2/v2.0/devicecode`.
    MicrosoftDeviceCodeStart,
    /// `POST {tenant}/oauth2/v2.0/token` polling for a device code.
    MicrosoftDeviceCodePoll,
    /// `POST {tenant}/oauth2/v2.0/token` with a refresh token.
    MicrosoftRefresh,
    /// `GET /v1.0/applications?$filter=appId eq …`.
    GraphApplication,
    /// `GET /v1.0/servicePrincipals?$filter=appId eq …`.
    GraphServicePrincipal,
    /// `GET /v1.0/oauth2PermissionGrants?$filter=clientId eq …`.
    GraphConsentGrants,
    /// `GET /v1.0/servicePrincipals(appId='…')/oauth2PermissionGrants`: the
    /// same grants by the app's ID, with no look-up of its principal first.
    GraphAppConsentGrants,
    /// `GET /v1.0/organization`.
    GraphOrganization,
    /// `GET /v1.0/me?$select=displayName,userPrincipalName`: who signed in.
    GraphMe,
    /// `PATCH /v1.0/applications/{id}`.
    GraphPatchApplication,
    /// `GET /v1.0/users/{upn}`: is an address a mailbox's own, not an alias
    /// (v2 service accounts).
    GraphUser,
    /// `POST /v1.0/applications/{id}/addPassword` (a new client secret).
    GraphAddPassword,
    /// `GET /v1.0/applications?$filter=displayName eq …` (or by tag): an app
    /// this wizard created before.
    GraphFindApplications,
    /// `POST /v1.0/applications` (a new app registration).
    GraphCreateApplication,
    /// `POST /v1.0/servicePrincipals` (the new app's enterprise application).
    GraphCreateServicePrincipal,
    /// `POST /v3/connect/token`: the test sign-in's code for its grant.
    NylasCodeExchange,
    /// `GET /v3/grants/{id}`: the test sign-in's grant.
    NylasGrant,
    /// `GET /v3/connectors/microsoft` (404: no connector yet).
    NylasGetConnector,
    /// `POST /v3/connectors` (the Microsoft connector).
    NylasCreateConnector,
    /// `PATCH /v3/connectors/microsoft` with the full settings and scope.
    NylasUpdateConnector,
    /// `GET /v3/applications/redirect-uris`.
    NylasListCallbackUris,
    /// `POST /v3/applications/redirect-uris` (one callback URI).
    NylasCreateCallbackUri,
    /// `GET /v3/connectors/microsoft/creds` (one page).
    NylasListCredentials,
    /// `POST /v3/connectors/microsoft/creds` (another tenant's credential).
    NylasCreateCredential,
    /// `PATCH /v3/connectors/microsoft/creds/{id}` (its credential_data).
    NylasUpdateCredential,
    /// `POST /v3/connect/custom` with provider `microsoft`: a mailbox's grant
    /// through its tenant's admin-consent credential (path E; posting again
    /// re-authenticates the same grant).
    NylasCustomAuth,
    /// `GET /v3/connectors/ews` (404: none yet; path D's Exchange on-premises).
    NylasGetEwsConnector,
    /// `POST /v3/connectors` with provider `ews`.
    NylasCreateEwsConnector,
    /// `GET /a/{client_id}/accounts` on the v2 API (Basic client secret):
    /// the "Nylas v2 app" check.
    NylasV2ListAccounts,
    /// `POST /connect/authorize` on the v2 API: a user's Microsoft refresh
    /// token (native auth, path C) for a one-time code.
    NylasV2Authorize,
    /// `POST /connect/token` on the v2 API: the code for the account.
    NylasV2Token,
    /// `POST /connect/auth` on the beta host: a Teams account's login URL.
    NylasTeamsAuth,
    /// `GET /connect/integrations` on the beta host (Basic client ID:secret).
    NylasBetaListIntegrations,
    /// `GET /connect/integrations/{provider}` on the beta host (404: none).
    NylasBetaGetIntegration,
    /// `POST /connect/integrations` on the beta host (the Teams integration).
    NylasBetaCreateIntegration,
    /// `PATCH /connect/integrations/{provider}` on the beta host.
    NylasBetaUpdateIntegration,
    /// `DELETE /connect/integrations/{provider}` on the beta host.
    NylasBetaDeleteIntegration,
}

impl RemoteOp {
    /// The service's name as every message about the call shows it.
    pub fn service(self) -> &'static str {
        use RemoteOp::*;
        match self {
            TenantDiscovery
            | MicrosoftCodeExchange
            | MicrosoftDeviceCodeStart
            | MicrosoftDeviceCodePoll
            | MicrosoftRefresh => service::MICROSOFT_LOGIN,
            NylasCodeExchange | NylasGrant => service::NYLAS,
            NylasV2ListAccounts => service::NYLAS_V2,
            NylasApplication
            | NylasGetConnector
            | NylasCreateConnector
            | NylasUpdateConnector
            | NylasListCallbackUris
            | NylasCreateCallbackUri
            | NylasListCredentials
            | NylasCreateCredential
            | NylasUpdateCredential
            | NylasCustomAuth
            | NylasGetEwsConnector
            | NylasCreateEwsConnector => service::NYLAS,
            NylasV2Authorize | NylasV2Token => service::NYLAS_V2,
            NylasTeamsAuth => service::NYLAS_BETA,
            NylasBetaListIntegrations
            | NylasBetaGetIntegration
            | NylasBetaCreateIntegration
            | NylasBetaUpdateIntegration
            | NylasBetaDeleteIntegration => service::NYLAS_BETA,
            GraphApplication
            | GraphServicePrincipal
            | GraphConsentGrants
            | GraphAppConsentGrants
            | GraphOrganization
            | GraphMe
            | GraphUser
            | GraphPatchApplication
            | GraphAddPassword
            | GraphFindApplications
            | GraphCreateApplication
            | GraphCreateServicePrincipal => service::GRAPH,
        }
    }

    /// The method the real call uses.
    pub fn method(self) -> Method {
        use RemoteOp::*;
        match self {
            TenantDiscovery
            | NylasApplication
            | GraphApplication
            | GraphServicePrincipal
            | GraphConsentGrants
            | GraphAppConsentGrants
            | GraphOrganization
            | GraphMe
            | GraphUser
            | GraphFindApplications
            | NylasGetConnector
            | NylasListCallbackUris
            | NylasListCredentials
            | NylasGetEwsConnector => Method::GET,
            NylasCodeExchange => Method::POST,
            NylasGrant | NylasV2ListAccounts => Method::GET,
            MicrosoftCodeExchange
            | MicrosoftDeviceCodeStart
            | MicrosoftDeviceCodePoll
            | MicrosoftRefresh
            | GraphAddPassword
            | GraphCreateApplication
            | GraphCreateServicePrincipal
            | NylasCreateConnector
            | NylasCreateCallbackUri
            | NylasCreateCredential
            | NylasCustomAuth
            | NylasCreateEwsConnector
            | NylasV2Authorize
            | NylasV2Token
            | NylasTeamsAuth => Method::POST,
            GraphPatchApplication | NylasUpdateConnector | NylasUpdateCredential => Method::PATCH,
            NylasBetaListIntegrations | NylasBetaGetIntegration => Method::GET,
            NylasBetaCreateIntegration => Method::POST,
            NylasBetaUpdateIntegration => Method::PATCH,
            NylasBetaDeleteIntegration => Method::DELETE,
        }
    }

    /// Changes something the admin would see in the portal (not just a
    /// sign-in's own state): never to be sent twice by accident.
    pub fn writes(self) -> bool {
        matches!(
            self,
            RemoteOp::GraphPatchApplication
                | RemoteOp::GraphAddPassword
                | RemoteOp::GraphCreateApplication
                | RemoteOp::GraphCreateServicePrincipal
                | RemoteOp::NylasCreateConnector
                | RemoteOp::NylasUpdateConnector
                | RemoteOp::NylasCreateCallbackUri
                | RemoteOp::NylasCreateCredential
                | RemoteOp::NylasUpdateCredential
                | RemoteOp::NylasCustomAuth
                | RemoteOp::NylasCreateEwsConnector
                | RemoteOp::NylasV2Authorize
                | RemoteOp::NylasV2Token
                | RemoteOp::NylasBetaCreateIntegration
                | RemoteOp::NylasBetaUpdateIntegration
                | RemoteOp::NylasBetaDeleteIntegration
        )
    }

    /// The stable snake_case name, e.g. `graph_patch_application`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn writes_are_not_reads() {
        for op in RemoteOp::iter() {
            if op.writes() {
                assert_ne!(op.method(), Method::GET, "{op:?}");
            }
        }
        assert_eq!(
            RemoteOp::GraphPatchApplication.as_str(),
            "graph_patch_application"
        );
    }
}
