//! What we know about each error: its cause and fix. Wording: plain,
//! second person, with the Azure portal's own labels.
//!
//! Microsoft's errors carry no audit check here: the check that prevents
//! one is the check whose [`CheckId::prevents`] lists its code, so the two
//! tables can't disagree. Meanings follow Microsoft's "Microsoft Entra
//! authentication and authorization error codes" page and the wording
//! Microsoft's token endpoint returns.

use crate::audit::CheckId;
use crate::portal::DocTopic;

pub(super) struct Known {
    pub code: &'static str,
    pub title: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
    pub learn_more: Option<DocTopic>,
}

const fn k(
    code: &'static str,
    title: &'static str,
    cause: &'static str,
    fix: &'static str,
) -> Known {
    Known {
        code,
        title,
        cause,
        fix,
        learn_more: None,
    }
}

/// Microsoft identity platform errors, keyed by the number after AADSTS.
pub(super) const MICROSOFT: &[Known] = &[
    // Redirect URIs and platforms.
    Known {
        learn_more: Some(DocTopic::RedirectUriMismatch),
        ..k("50011", "The redirect URI doesn't match your Azure app",
            "The address Microsoft was asked to send the user back to isn't registered on the app's Web platform exactly as sent; case, a trailing slash and http vs https all count.",
            "In the Azure portal, open your app's Authentication → Platform configurations → Web → Add URI and add the exact address (for Nylas v3: https://api.us.nylas.com/v3/connect/callback or https://api.eu.nylas.com/v3/connect/callback), then click Save.")
    },
    k("500113", "Your Azure app has no redirect URI",
        "Microsoft has nowhere to send the user back to because the app registers no reply address.",
        "Open Authentication → Add a platform → Web, add the Nylas redirect URI for your region, and click Save."),
    k("9002327", "The Nylas callback is registered as a single-page app",
        "The redirect URI is registered under Single-page application, so the code Microsoft issued may only be redeemed from a browser; Nylas redeems it from its server, and Microsoft refuses that.",
        "In the Azure portal, open Authentication, remove the Nylas callback (for example https://api.us.nylas.com/v3/connect/callback) from Single-page application, add it under Web → Add URI, and click Save; then sign in again."),
    k("700025", "The Nylas callback is registered as a mobile or desktop app",
        "Microsoft treated the sign-in as coming from a public client, which must not send a secret, but Nylas sends your client secret with the code. This happens when the Nylas callback is registered under Mobile and desktop applications instead of Web.",
        "In the Azure portal, open Authentication, remove the Nylas callback from Mobile and desktop applications, add it under Web → Add URI, and click Save; then sign in again."),
    k("9002325", "A browser redeemed a sign-in code without PKCE",
        "Microsoft requires PKCE when a sign-in code is redeemed from a browser (a cross-origin request); Nylas redeems codes from its server, so this error comes from a web page's own sign-in code, not from Nylas.",
        "If the page signs users in to Microsoft itself, send a code_challenge with the sign-in and the matching code_verifier with the code (MSAL.js does both). If Nylas should handle the sign-in, send users to Nylas's hosted authentication instead and keep the Nylas callback under Web."),
    k("9002326", "A browser redeemed a code meant for a server",
        "Microsoft allows a sign-in code to be redeemed from a browser (a cross-origin request) only when its redirect URI is registered under Single-page application; this one isn't. Nylas redeems codes from its server, so this error comes from a web page's own sign-in code, not from Nylas.",
        "Redeem the code on a server, or, for your own single-page app's sign-in, register that app's redirect URI under Single-page application. Never move the Nylas callback there: it must stay under Web."),
    // The app and the tenant.
    k("700016", "Microsoft can't find the app",
        "The client ID is wrong, or the sign-in went to a tenant where the app doesn't exist, as happens when a single-tenant app is used from another organization.",
        "Copy the Application (client) ID from the app's Overview page into the Nylas connector; for a single-tenant app, set the connector's tenant to your Directory (tenant) ID."),
    k("90002", "Microsoft can't find the tenant",
        "The tenant name or ID isn't one Microsoft knows: a typo, a domain that isn't verified in any tenant, or a tenant in another Microsoft cloud.",
        "Copy the Directory (tenant) ID from the app's Overview page into the Nylas connector's tenant, or use common for a multitenant app."),
    k("50020", "This account can't sign in to the app",
        "Microsoft looked for the user in one tenant and didn't find them. With Nylas this is most often the connector's (or Teams integration's) tenant set to one organization's Directory (tenant) ID while the user comes from another organization; it also happens when the app's supported account types leave out the user's organization or personal Microsoft accounts.",
        "If users come from other organizations, set the Nylas connector's tenant to common and make the app multitenant (Authentication → Supported account types: \"Accounts in any organizational directory and personal Microsoft accounts\"), or give each organization its own Nylas credential with that organization's tenant ID. If the app should stay in your organization, invite the user as a guest."),
    k("50194", "The app is single tenant but was used through \"common\"",
        "Apps limited to one organization can't sign people in through the common endpoint.",
        "Set the Nylas connector's tenant to your Directory (tenant) ID, or make the app multitenant under Authentication → Supported account types."),
    // Permissions and scopes.
    k("70011", "A requested scope isn't valid",
        "A scope value in the sign-in request is malformed or not valid: a typo (Calendar.ReadWrite instead of Calendars.ReadWrite), scopes of two different APIs in one request (Microsoft Graph and https://outlook.office365.com/…), or .default mixed with named scopes.",
        "Correct the scope list Nylas sends: the Microsoft connector's scope (or the scope your app passes to Nylas's hosted authentication, or the Teams integration's scope). Use the exact Microsoft Graph names from the wizard's plan, such as Mail.Read, Calendars.ReadWrite and offline_access, and don't add .default to them. Adding API permissions in the Azure portal doesn't fix this error."),
    k("650053", "The scope doesn't exist on that API",
        "A scope was requested from an API that doesn't offer it, typically a scope name prefixed with the wrong API's address.",
        "Correct the connector's scope list: use the Microsoft Graph names from the wizard's plan (a short name such as Mail.Read means Microsoft Graph), and request EWS or EAS scopes only for Nylas v2."),
    k("500011", "The API the app asks for isn't in the user's organization",
        "A requested scope names an API (resource) that has no service principal in the user's tenant: for example Exchange Online scopes (https://outlook.office365.com/…) in an organization without Exchange Online, a misspelled resource address, or a sign-in sent to the wrong tenant.",
        "Request Microsoft Graph scopes in the connector's scope list (short names such as Mail.Read, or https://graph.microsoft.com/…), check any resource address for typos, and check the connector's tenant is the user's organization or common."),
    k("90008", "The app must be allowed to sign users in",
        "The app doesn't request User.Read (Sign in and read user profile).",
        "Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick User.Read, and click Add permissions."),
    k("700054", "ID tokens aren't turned on for the app",
        "The sign-in asked for an ID token from the authorization endpoint, which the app's implicit grant settings don't allow.",
        "Open Authentication, tick ID tokens under Implicit grant and hybrid flows, and click Save. The Teams integration needs this; Nylas v3 sign-in doesn't."),
    // Consent.
    k("65001", "Nobody has consented to the app yet",
        "Neither the user nor an administrator has approved the app's permissions for this account.",
        "Have the user sign in again and accept the consent screen; if your organization blocks user consent, an administrator clicks Grant admin consent on API permissions or opens the admin-consent link."),
    k("65004", "Consent was declined",
        "The user or administrator declined the consent screen, so Microsoft gave no access.",
        "Sign in again and click Accept, or ask an administrator to approve the app if you aren't allowed to."),
    k("90094", "An administrator must approve this app",
        "The app asks for a permission that needs admin consent, or your organization doesn't let users consent to apps.",
        "Ask a Global Administrator or Cloud Application Administrator to click Grant admin consent on the app's API permissions, or to open the admin-consent link the wizard shows."),
    k("90095", "Approval was requested from an administrator",
        "Your organization sends consent requests to administrators, and the user has asked for approval.",
        "An administrator approves the request in Enterprise applications → Admin consent requests; then the user signs in again."),
    // Client credentials.
    k("7000215", "The client secret is wrong",
        "Microsoft got an invalid client secret, most often the secret's ID instead of its value.",
        "Open Certificates & secrets → New client secret, copy the Value column (not Secret ID) straight away, and update the secret in Nylas."),
    Known {
        learn_more: Some(DocTopic::NewClientSecret),
        ..k("7000222", "The client secret has expired",
            "The app's client secret is past its expiry date, so Microsoft refuses it.",
            "Open Certificates & secrets → New client secret, copy the Value straight away, and update the secret in Nylas.")
    },
    k("7000218", "Microsoft expected a client secret",
        "The token request carried no client secret, and the app doesn't allow public client flows, so Microsoft treats it as a confidential (Web) app that must prove itself: the secret is missing where the code is exchanged, or a public-client sign-in (device code, a desktop app) ran against the app.",
        "Give Nylas the app's client secret (the Value from Certificates & secrets) in the Microsoft connector. Only for your own device-code or desktop sign-in, which sends no secret, turn on Authentication → Allow public client flows; Nylas doesn't need it."),
    // Codes and tokens.
    k("54005", "The sign-in code was already used",
        "Microsoft's authorization code works once, and this one had already been redeemed: a callback page reloaded or opened twice, a handler that runs twice, or a retry with the same code.",
        "Start the sign-in again and let it finish once, without reloading or going back to the callback page; make sure your code exchanges each code only once."),
    k("70008", "The sign-in code or refresh token has expired",
        "The authorization code wasn't redeemed in time (codes last only minutes), or the refresh token behind a connection expired after a long time unused or was revoked.",
        "Start the sign-in again and exchange the new code right away; for an existing connection, have the user re-authenticate through Nylas."),
    k("50173", "The user's sign-in was revoked",
        "An administrator or the user revoked the user's sessions or refresh tokens (for example with Revoke sessions, or after a password reset), so the refresh token Nylas holds no longer works.",
        "Have the user connect again through Nylas (re-authenticate the grant); nothing in the Azure app needs to change."),
    k("50148", "The PKCE code verifier doesn't match",
        "The code_verifier sent with the sign-in code doesn't match the code_challenge of the sign-in that produced it: the verifier was regenerated or lost between the two steps (another tab, a restart, a second server), or belongs to an earlier attempt. The grant itself isn't revoked or expired.",
        "Keep the code_verifier of each sign-in attempt and send it unchanged with that attempt's code, then start the sign-in again. Nylas's hosted authentication exchanges Microsoft's code itself, so look at code that redeems Microsoft codes directly."),
    k("501481", "The PKCE code verifier doesn't match",
        "The code_verifier sent with the sign-in code doesn't match the code_challenge of the sign-in that produced it: the verifier was regenerated or lost between the two steps (another tab, a restart, a second server), or belongs to an earlier attempt.",
        "Keep the code_verifier of each sign-in attempt and send it unchanged with that attempt's code, then start the sign-in again. Nylas's hosted authentication exchanges Microsoft's code itself, so look at code that redeems Microsoft codes directly."),
    k("700082", "The connection expired after a long idle time",
        "Microsoft expires refresh tokens that haven't been used for 90 days.",
        "Have the user connect again through Nylas."),
    k("70000", "The sign-in grant isn't valid",
        "Microsoft refused the authorization code or refresh token as not valid: for example a code copied incompletely, or a refresh token for permissions the user no longer grants.",
        "Have the user connect again through Nylas; a new sign-in gives a fresh code and refresh token."),
    // The user's organization.
    k("53003", "Sign-in was blocked by Conditional Access",
        "A Conditional Access policy in the user's organization blocked this sign-in.",
        "Ask that organization's administrator to look up the sign-in in Entra ID → Sign-in logs and allow the app."),
    k("50076", "Multi-factor authentication is needed",
        "The user's organization requires a second sign-in step that wasn't completed.",
        "Sign in again interactively and complete the multi-factor prompt."),
];

/// Nylas errors, recognised by the words of their messages.
pub(super) struct NylasKnown {
    pub known: Known,
    /// The audit check that would have caught it.
    pub check: Option<CheckId>,
    /// Lower-case phrases, any of which identifies the error.
    pub phrases: &'static [&'static str],
    /// Bare numbers (HTTP status, Nylas code) that identify it, matched as
    /// whole words and only when no AADSTS code is present.
    pub numbers: &'static [&'static str],
}

pub(super) const NYLAS: &[NylasKnown] = &[
    NylasKnown {
        known: k("nylas.callback_uri_not_allowed", "Your callback URI isn't registered with Nylas",
            "The redirect_uri your app sent isn't one of your Nylas application's callback URIs, byte for byte.",
            "In the Nylas Dashboard, open Hosted authentication → Callback URIs and add the exact address your app sends (https, or http://localhost)."),
        // The Region step collects these URIs and the redirect URI check
        // validates them, so a malformed one is caught before sign-in.
        check: Some(CheckId::RedirectUris),
        phrases: &["callback_uri_not_allowed", "illegal redirect_uri", "must provide one of the callback", "callback uri not allowed", "redirect_uri is not allowed", "redirect uri not allowed"],
        numbers: &["701"],
    },
    NylasKnown {
        known: k("nylas.code_already_used", "The sign-in code was already used or has expired",
            "Codes work once and only for a few minutes; a page reload, a handler that runs twice, or a slow exchange reuses or outlives them.",
            "Start the sign-in again and exchange the new code once, right away; check that your callback handler doesn't run twice."),
        check: None,
        phrases: &["already been used", "code has expired", "code is expired", "token.exchange_failed", "code you provided is not valid", "invalid_grant"],
        numbers: &[],
    },
    NylasKnown {
        known: k("nylas.refresh_token_missing", "Nylas didn't get a refresh token from Microsoft",
            "Microsoft returned no refresh token: the app lacks offline_access, or the account is a consumer \"family\" Office 365 account that Nylas can't connect.",
            "Add offline_access under API permissions → Microsoft Graph → Delegated permissions and to the connector's scopes, then have the user connect again."),
        check: Some(CheckId::OfflineAccess),
        phrases: &["exchange oauth code for a microsoft refresh token", "no refresh token", "refresh_token was not returned"],
        numbers: &[],
    },
    NylasKnown {
        known: k("nylas.insufficient_scopes", "The connection lacks a permission this call needs",
            "The user connected before the permission was added, or the connector doesn't ask for it.",
            "Add the permission to the Azure app and to the connector's scopes, then have the user connect again."),
        check: Some(CheckId::DelegatedScopes),
        phrases: &["insufficient_scopes", "insufficient scopes"],
        numbers: &["403"],
    },
    NylasKnown {
        known: k("nylas.unauthorized", "Nylas didn't accept your API key",
            "Nylas answers 401 when a key is used on the other region's host (an EU key on api.us.nylas.com or the reverse), or when the key is wrong or revoked.",
            "Check your application's region in the Nylas Dashboard and use the matching host (api.us.nylas.com or api.eu.nylas.com); if the region is right, create a new API key."),
        check: None,
        // Not a bare "unauthorized": Microsoft's `unauthorized_client` is a
        // different error about the Azure app.
        phrases: &["token.unauthorized_access", "invalid api key", "authentication_error", "\"unauthorized\"", "401 unauthorized"],
        numbers: &["401"],
    },
    NylasKnown {
        known: k("nylas.connector_missing", "Your Nylas application has no Microsoft connector",
            "Nylas can't send anyone to Microsoft until the application has a microsoft connector with your Azure app's client ID, secret and tenant.",
            "Run Configure Nylas in this wizard (it creates the connector), or add it in the Nylas Dashboard under Connectors → Microsoft."),
        check: None,
        phrases: &["no connector is configured", "connector not found", "connector does not exist"],
        numbers: &[],
    },
    NylasKnown {
        known: k("nylas.rate_limited", "Nylas asked you to slow down",
            "Too many requests reached Nylas in a short time.",
            "Wait a moment and try again; scripts should honour the Retry-After header."),
        check: None,
        phrases: &["rate_limit_error", "too many requests"],
        numbers: &["429"],
    },
];
