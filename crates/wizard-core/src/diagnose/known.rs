//! What we know about each error: cause, fix, and the audit check that
//! prevents it. Wording: plain, second person, with the Azure portal's own labels.

use crate::audit::CheckId;

pub(super) struct Known {
    pub code: &'static str,
    pub title: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
    pub check: Option<CheckId>,
    pub learn_more: Option<&'static str>,
}

const fn k(
    code: &'static str,
    title: &'static str,
    cause: &'static str,
    fix: &'static str,
    check: Option<CheckId>,
) -> Known {
    Known {
        code,
        title,
        cause,
        fix,
        check,
        learn_more: None,
    }
}

use CheckId::*;

/// Microsoft identity platform errors, keyed by the number after AADSTS.
pub(super) const MICROSOFT: &[Known] = &[
    Known {
        learn_more: Some("https://aka.ms/redirectUriMismatchError"),
        ..k("50011", "The redirect URI doesn't match your Azure app",
            "The address Microsoft was asked to send the user back to isn't registered on the app's Web platform exactly as sent; case, a trailing slash and http vs https all count.",
            "In the Azure portal, open your app's Authentication → Platform configurations → Web → Add URI and add the exact address (for Nylas v3: https://api.us.nylas.com/v3/connect/callback or https://api.eu.nylas.com/v3/connect/callback), then click Save.",
            Some(RedirectUris))
    },
    k("500113", "Your Azure app has no redirect URI",
        "Microsoft has nowhere to send the user back to because the app registers no reply address.",
        "Open Authentication → Add a platform → Web, add the Nylas redirect URI for your region, and click Save.",
        Some(RedirectUris)),
    k("9002325", "The redirect URI is registered as a single-page app",
        "Microsoft demands PKCE because the redirect URI sits under Single-page application, but Nylas exchanges the code from its server.",
        "In Authentication, remove the URI from Single-page application and add it under Web instead.",
        Some(RedirectUris)),
    k("9002326", "The redirect URI is on the wrong platform",
        "Microsoft only allows this kind of token exchange for single-page apps, so the redirect URI and the way the code is redeemed don't fit together.",
        "In Authentication, keep the Nylas redirect URI under Web only.",
        Some(RedirectUris)),
    k("65001", "Nobody has consented to the app yet",
        "Neither the user nor an administrator has approved the app's permissions for this account.",
        "Have the user sign in again and accept the consent screen; if your organization blocks user consent, an administrator clicks Grant admin consent on API permissions or opens the admin-consent link.",
        Some(AdminConsent)),
    k("65004", "Consent was declined",
        "The user or administrator declined the consent screen, so Microsoft gave no access.",
        "Sign in again and click Accept, or ask an administrator to approve the app if you aren't allowed to.",
        Some(AdminConsent)),
    k("90094", "An administrator must approve this app",
        "The app asks for a permission that needs admin consent, or your organization doesn't let users consent to apps.",
        "Ask a Global Administrator or Cloud Application Administrator to click Grant admin consent on the app's API permissions, or to open the admin-consent link the wizard shows.",
        Some(AdminConsent)),
    k("90095", "Approval was requested from an administrator",
        "Your organization sends consent requests to administrators, and the user has asked for approval.",
        "An administrator approves the request in Enterprise applications → Admin consent requests; then the user signs in again.",
        Some(AdminConsent)),
    k("700016", "Microsoft can't find the app",
        "The client ID is wrong, or the sign-in went to a tenant where the app doesn't exist, as happens when a single-tenant app is used from another organization.",
        "Copy the Application (client) ID from the app's Overview page into the Nylas connector; for a single-tenant app, set the connector's tenant to your Directory (tenant) ID.",
        Some(ClientId)),
    k("7000215", "The client secret is wrong",
        "Microsoft got an invalid client secret, most often the secret's ID instead of its value.",
        "Open Certificates & secrets → New client secret, copy the Value column (not Secret ID) straight away, and update the secret in Nylas.",
        Some(ClientSecret)),
    Known {
        learn_more: Some("https://aka.ms/NewClientSecret"),
        ..k("7000222", "The client secret has expired",
            "The app's client secret is past its expiry date, so Microsoft refuses it.",
            "Open Certificates & secrets → New client secret, copy the Value straight away, and update the secret in Nylas.",
            Some(ClientSecret))
    },
    k("7000218", "Microsoft expected a client secret",
        "The token request carried no client secret: a public-client sign-in ran against an app that only allows confidential clients.",
        "Give Nylas the app's client secret; if you sign in with a device code, turn on Authentication → Allow public client flows.",
        Some(ClientSecret)),
    k("50020", "This account can't sign in to the app",
        "The account's organization, or a personal Microsoft account, isn't allowed by the app's supported account types.",
        "Open Authentication → Supported account types and choose \"Accounts in any organizational directory and personal Microsoft accounts\", or invite the user as a guest if the app should stay single tenant.",
        Some(SignInAudience)),
    k("50194", "The app is single tenant but was used through \"common\"",
        "Apps limited to one organization can't sign people in through the common endpoint.",
        "Set the Nylas connector's tenant to your Directory (tenant) ID, or make the app multitenant under Authentication → Supported account types.",
        Some(SignInAudience)),
    k("70011", "A requested permission isn't valid",
        "A scope sent to Microsoft is misspelled, doesn't exist, or mixes permissions of different APIs.",
        "Compare the scopes on the Nylas connector with the wizard's plan (for example Mail.Read and offline_access) and add them as delegated Microsoft Graph permissions.",
        Some(DelegatedScopes)),
    k("650053", "The permission doesn't exist on that API",
        "A scope was requested from an API that doesn't offer it, which is typical for EWS or EAS permissions on the wrong resource.",
        "Use the Microsoft Graph permissions from the wizard's plan instead.",
        Some(DelegatedScopes)),
    k("90008", "The app must be allowed to sign users in",
        "The app doesn't request User.Read (Sign in and read user profile).",
        "Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick User.Read, and click Add permissions.",
        Some(DelegatedScopes)),
    k("700054", "ID tokens aren't turned on for the app",
        "The sign-in asked for an ID token, which the app's implicit grant settings don't allow.",
        "Open Authentication, tick ID tokens under Implicit grant and hybrid flows, and click Save.",
        Some(ImplicitGrant)),
    k("90002", "Microsoft can't find the tenant",
        "The tenant name or ID doesn't exist, or it has no active subscription.",
        "Copy the Directory (tenant) ID from the app's Overview page, or use common for a multitenant app.",
        Some(Tenant)),
    k("53003", "Sign-in was blocked by Conditional Access",
        "A Conditional Access policy in the user's organization blocked this sign-in.",
        "Ask that organization's administrator to look up the sign-in in Entra ID → Sign-in logs and allow the app.",
        None),
    k("50076", "Multi-factor authentication is needed",
        "The user's organization requires a second sign-in step that wasn't completed.",
        "Sign in again interactively and complete the multi-factor prompt.",
        None),
    k("700082", "The connection expired after a long idle time",
        "Microsoft expires refresh tokens that haven't been used for 90 days.",
        "Have the user connect again through Nylas.",
        None),
    k("70000", "The sign-in grant is no longer valid",
        "The authorization code or refresh token was already used, expired, or was revoked.",
        "Start the sign-in again and exchange the new code once, right away.",
        None),
];

/// Nylas errors, recognised by the words of their messages.
pub(super) struct NylasKnown {
    pub known: Known,
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
            "In the Nylas Dashboard, open Hosted authentication → Callback URIs and add the exact address your app sends (https, or http://localhost).",
            // The Region step collects these URIs and the redirect URI check
            // validates them, so a malformed one is caught before sign-in.
            Some(CheckId::RedirectUris)),
        phrases: &["callback_uri_not_allowed", "illegal redirect_uri", "must provide one of the callback", "callback uri not allowed", "redirect_uri is not allowed", "redirect uri not allowed"],
        numbers: &["701"],
    },
    NylasKnown {
        known: k("nylas.code_already_used", "The sign-in code was already used or has expired",
            "Codes work once and only for a few minutes; a page reload, a handler that runs twice, or a slow exchange reuses or outlives them.",
            "Start the sign-in again and exchange the new code once, right away; check that your callback handler doesn't run twice.",
            None),
        phrases: &["already been used", "code has expired", "code is expired", "token.exchange_failed", "code you provided is not valid", "invalid_grant"],
        numbers: &[],
    },
    NylasKnown {
        known: k("nylas.refresh_token_missing", "Nylas didn't get a refresh token from Microsoft",
            "Microsoft returned no refresh token: the app lacks offline_access, or the account is a consumer \"family\" Office 365 account that Nylas can't connect.",
            "Add offline_access under API permissions → Microsoft Graph → Delegated permissions and to the connector's scopes, then have the user connect again.",
            Some(CheckId::OfflineAccess)),
        phrases: &["exchange oauth code for a microsoft refresh token", "no refresh token", "refresh_token was not returned"],
        numbers: &[],
    },
    NylasKnown {
        known: k("nylas.insufficient_scopes", "The connection lacks a permission this call needs",
            "The user connected before the permission was added, or the connector doesn't ask for it.",
            "Add the permission to the Azure app and to the connector's scopes, then have the user connect again.",
            Some(CheckId::DelegatedScopes)),
        phrases: &["insufficient_scopes", "insufficient scopes"],
        numbers: &["403"],
    },
    NylasKnown {
        known: k("nylas.unauthorized", "Nylas didn't accept your API key",
            "Nylas answers 401 when a key is used on the other region's host (an EU key on api.us.nylas.com or the reverse), or when the key is wrong or revoked.",
            "Check your application's region in the Nylas Dashboard and use the matching host (api.us.nylas.com or api.eu.nylas.com); if the region is right, create a new API key.",
            None),
        // Not a bare "unauthorized": Microsoft's `unauthorized_client` is a
        // different error about the Azure app.
        phrases: &["token.unauthorized_access", "invalid api key", "authentication_error", "\"unauthorized\"", "401 unauthorized"],
        numbers: &["401"],
    },
    NylasKnown {
        known: k("nylas.rate_limited", "Nylas asked you to slow down",
            "Too many requests reached Nylas in a short time.",
            "Wait a moment and try again; scripts should honour the Retry-After header.",
            None),
        phrases: &["rate_limit_error", "too many requests"],
        numbers: &["429"],
    },
];
