//! Who the app is and who may sign in: client ID, tenant, account types,
//! token version, publisher verification.

use serde_json::json;

use super::{lower_first, CheckId, Ctx, Finding, FindingStatus::*, Tenancy};
use crate::ids::{is_domain, is_guid};
use crate::paths::AuditPath;
use crate::portal::Blade;

const SINGLE: &str = "AzureADMyOrg";
const MULTI: &str = "AzureADMultipleOrgs";
const MULTI_PERSONAL: &str = "AzureADandPersonalMicrosoftAccount";
const PERSONAL: &str = "PersonalMicrosoftAccount";

/// The portal's wording under Authentication → Supported account types.
pub(super) fn audience_label(a: &str) -> &'static str {
    match a {
        SINGLE => "Accounts in this organizational directory only (single tenant)",
        MULTI => "Accounts in any organizational directory (multitenant)",
        MULTI_PERSONAL => {
            "Accounts in any organizational directory and personal Microsoft accounts"
        }
        PERSONAL => "Personal Microsoft accounts only",
        _ => "an account type we don't recognise",
    }
}

pub(super) fn allows_personal(a: Option<&str>) -> bool {
    matches!(a, Some(MULTI_PERSONAL) | Some(PERSONAL))
}

/// True when people from other organisations can sign in.
pub(super) fn is_multitenant(a: Option<&str>) -> bool {
    matches!(a, Some(MULTI) | Some(MULTI_PERSONAL))
}

pub(super) fn client_id(ctx: &Ctx) -> Finding {
    let id = CheckId::ClientId;
    let app_id = ctx.app.app_id.as_deref();
    let mut f = match app_id {
        None => ctx.unseen(
            id,
            "your app's client ID",
            "This file has no appId, so we can't confirm which app it describes or link you to it.",
            Blade::Overview,
            "the Application (client) ID on the app's Overview page",
        ),
        Some(a) if !is_guid(a) => ctx
            .finding(id, Fail, "Your app's client ID doesn't look right", format!("The appId in this file is \"{a}\", but a client ID is a GUID like 1b2c3d4e-0000-0000-0000-000000000000."), Blade::Overview)
            .with_fix("Download the manifest again without editing it, or copy the Application (client) ID from the app's Overview page."),
        Some(a) => ctx.finding(id, Pass, format!("Your app's client ID is {a}"), "This is the Application (client) ID you give Nylas.", Blade::Overview),
    };
    // Compare with the ID the admin typed, when there is one.
    if let Some(given) = ctx
        .req
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let given_l = given.to_ascii_lowercase();
        let problem = if !is_guid(given) {
            Some(("The client ID you entered isn't a GUID", "A client ID looks like 1b2c3d4e-0000-0000-0000-000000000000; copy it from the app's Overview page."))
        } else if ctx.app.object_id.as_deref() == Some(given_l.as_str()) {
            Some(("You entered the Object ID, not the client ID", "Microsoft only accepts the Application (client) ID, so sign-in would fail with AADSTS700016."))
        } else if app_id.is_some_and(|a| a != given_l) {
            Some(("The client ID you entered belongs to another app", "It doesn't match this manifest's appId, so Nylas would sign users in through a different app registration."))
        } else {
            None
        };
        if let Some((title, why)) = problem {
            f = ctx
                .finding(id, Fail, title, why, Blade::Overview)
                .with_fix("On the app's Overview page, copy the value labelled Application (client) ID and use that.");
        }
        f.set("entered", json!(given));
    }
    f.set("app_id", json!(app_id));
    f.set("object_id", json!(ctx.app.object_id));
    f
}

/// What a tenant value is: `common`, `organizations`, `consumers`,
/// `tenant_id`, `domain`, or `invalid`.
pub fn tenant_kind(t: &str) -> &'static str {
    match t.to_ascii_lowercase().as_str() {
        "common" => "common",
        "organizations" => "organizations",
        "consumers" => "consumers",
        _ if is_guid(t) => "tenant_id",
        _ if is_domain(t) => "domain",
        _ => "invalid",
    }
}

pub(super) fn tenant(ctx: &Ctx) -> Finding {
    let id = CheckId::Tenant;
    let given = ctx
        .req
        .tenant
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let kind = given.map(tenant_kind);
    let copy_fix =
        "Copy the Directory (tenant) ID from the app's Overview page and enter it as the tenant.";
    let mut f = match (ctx.tenancy, given, kind) {
        (_, Some(t), Some("invalid")) => ctx
            .finding(id, Fail, "The tenant you entered isn't valid", format!("\"{t}\" is neither a tenant ID (a GUID) nor a domain like contoso.com."), Blade::Overview)
            .with_fix(copy_fix),
        (Tenancy::Single, None, _) => ctx
            .finding(id, Warn, "Tell us your tenant ID", "A single-tenant app signs users in through your own tenant, so Nylas needs its Directory (tenant) ID.", Blade::Overview)
            .with_fix(copy_fix),
        (Tenancy::Single, Some(t), Some("common" | "organizations" | "consumers")) => ctx
            .finding(id, Fail, format!("A single-tenant app can't use \"{t}\""), "Microsoft refuses sign-ins through shared endpoints for single-tenant apps (AADSTS50194).", Blade::Overview)
            .with_fix(copy_fix),
        (Tenancy::Single, Some(t), _) => ctx.finding(id, Pass, format!("Your tenant is {t}"), "It is well-formed; we can only check that it exists when someone signs in.", Blade::Overview),
        (Tenancy::Multi, _, None | Some("common" | "organizations")) => ctx.finding(
            id,
            Pass,
            "Nylas will use the common sign-in endpoint",
            "People from any organization sign in through \"common\", which is right for a multitenant app.",
            Blade::Overview,
        ),
        (Tenancy::Multi, _, Some("consumers")) => ctx
            .finding(id, Warn, "Only personal accounts can sign in through \"consumers\"", "Work and school accounts are turned away by the consumers endpoint.", Blade::Overview)
            .with_fix("Use \"common\" so both work and personal accounts can connect."),
        (Tenancy::Multi, t, Some(_)) => ctx
            .finding(id, Warn, format!("Only accounts from {} can sign in", t.unwrap_or_default()), "You chose multitenant, but a specific tenant limits sign-in to that one organization.", Blade::Overview)
            .with_fix("Use \"common\" as the tenant, or choose single tenant in the wizard if that is what you want."),
    };
    f.set("tenant", json!(given));
    f.set("kind", json!(kind));
    f.set("tenancy", json!(ctx.tenancy));
    f.set("existence_checked", json!(false));
    f
}

pub(super) fn sign_in_audience(ctx: &Ctx) -> Finding {
    let id = CheckId::SignInAudience;
    let audience = ctx.app.sign_in_audience.as_deref();
    let want = if ctx.tenancy == Tenancy::Single {
        SINGLE
    } else if ctx.req.path == AuditPath::V3 {
        MULTI_PERSONAL
    } else {
        MULTI
    };
    let mut fix = format!(
        "Open Authentication → Supported account types, choose \"{}\", and click Save.",
        audience_label(want)
    );
    if allows_personal(Some(want)) && ctx.app.requested_access_token_version != Some(2) {
        fix = format!("First open Manifest and set \"requestedAccessTokenVersion\": 2 inside \"api\". Then {}", lower_first(&fix));
    }
    let blade = Blade::Authentication;
    let mut f = match (ctx.tenancy, audience) {
        (_, None) => ctx.unseen(
            id,
            "who can sign in to your app",
            format!("This file doesn't say which account types the app accepts; Nylas needs \"{}\".", audience_label(want)),
            blade,
            "Authentication → Supported account types",
        ),
        (_, Some(PERSONAL)) => ctx
            .finding(id, Fail, "Your app accepts personal Microsoft accounts only", "Work and school Microsoft 365 accounts can't sign in to it.", blade)
            .with_fix(fix),
        (Tenancy::Single, Some(SINGLE)) => ctx.finding(id, Pass, "Only your organization can sign in", "Your app is single tenant, as you chose.", blade),
        (Tenancy::Single, Some(a @ (MULTI | MULTI_PERSONAL))) => ctx
            .finding(id, Warn, "Your app accepts more accounts than you chose", format!("You chose single tenant, but the app accepts \"{}\".", audience_label(a)), blade)
            .with_fix(format!("If only your organization should connect, {}", lower_first(&fix))),
        (Tenancy::Multi, Some(SINGLE)) => ctx
            .finding(id, Fail, "Your app only accepts accounts from its own organization", "People from other organizations will be turned away (AADSTS50020, or AADSTS50194 through the common endpoint).", blade)
            .with_fix(format!("{fix} If only your own organization will connect, choose single tenant in the wizard instead.")),
        (Tenancy::Multi, Some(MULTI)) if ctx.req.path == AuditPath::V3 => ctx.finding(
            id,
            Pass,
            "Work and school accounts from any organization can sign in",
            "Personal Outlook.com accounts can't; Nylas recommends also allowing them if your users have any.",
            blade,
        ),
        (Tenancy::Multi, Some(a @ (MULTI | MULTI_PERSONAL))) => {
            ctx.finding(id, Pass, "Accounts from any organization can sign in", format!("Your app accepts \"{}\".", audience_label(a)), blade)
        }
        (_, Some(other)) => ctx
            .finding(id, Warn, "Your app has an account type we don't recognise", format!("Its signInAudience is \"{other}\"."), blade)
            .with_fix(fix),
    };
    f.set("sign_in_audience", json!(audience));
    f.set("tenancy", json!(ctx.tenancy));
    f.set("recommended", json!(want));
    f
}

pub(super) fn access_token_version(ctx: &Ctx) -> Finding {
    let id = CheckId::AccessTokenVersion;
    // `None`: the file has no token version at all (a `null` there is
    // version 1, Microsoft's default, and already read as such).
    let v = ctx.app.requested_access_token_version;
    let audience = ctx.app.sign_in_audience.as_deref();
    let blade = Blade::Manifest;
    let fix = "Open Manifest, set \"requestedAccessTokenVersion\": 2 inside \"api\" (\"accessTokenAcceptedVersion\": 2 in the older format), and click Save.";
    let place = "\"requestedAccessTokenVersion\" inside \"api\" on the Manifest page";
    let mut f = match v {
        Some(2) => ctx.finding(id, Pass, "Your app uses version 2 access tokens", "That works for every account type, including personal Microsoft accounts.", blade),
        None if allows_personal(audience) => ctx.unseen(
            id,
            "your app's token version",
            "Your app accepts personal Microsoft accounts, and Microsoft requires version 2 access tokens for those.",
            blade,
            place,
        ),
        Some(_) if allows_personal(audience) => ctx
            .finding(id, Fail, "Your app allows personal accounts but its token version isn't 2", "Microsoft requires version 2 access tokens for apps that accept personal Microsoft accounts.", blade)
            .with_fix(fix),
        None | Some(1) if audience.is_none() => ctx.unseen(
            id,
            if v.is_none() { "your app's token version" } else { "which accounts your app accepts" },
            "The token version must be 2 if your app accepts personal Microsoft accounts; for work and school accounts only, either version works.",
            blade,
            if v.is_none() { place } else { "Authentication → Supported account types" },
        ),
        None | Some(1) => ctx.finding(
            id,
            Pass,
            "Your app's token version is fine for work and school accounts",
            "Your app doesn't accept personal accounts, so the default version 1 tokens don't get in Nylas's way.",
            blade,
        ),
        Some(other) => ctx
            .finding(id, Warn, format!("Your app asks for access token version {other}"), "Microsoft only knows versions 1 and 2, so this value may be a typo.", blade)
            .with_fix(fix),
    };
    f.set("requested_access_token_version", json!(v));
    f.set("recommended", json!(2));
    f
}

pub(super) fn publisher_verification(ctx: &Ctx) -> Finding {
    let id = CheckId::PublisherVerification;
    let audience = ctx.app.sign_in_audience.as_deref();
    let multi = is_multitenant(audience) || (audience.is_none() && ctx.tenancy == Tenancy::Multi);
    let blade = Blade::Branding;
    let fix = "Open Branding & properties → Publisher verification and add your Microsoft Partner Network (MPN) ID.";
    let vp = ctx.app.verified_publisher.as_ref();
    let mut f = match vp {
        _ if !multi => ctx.finding(id, Pass, "Publisher verification isn't needed", "Only your own organization signs in to this app.", blade),
        Some(p) if p.verified_publisher_id.is_some() => ctx.finding(
            id,
            Pass,
            format!("Your app's publisher is verified{}", p.display_name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()),
            "Users in other organizations can see who publishes the app and consent to it.",
            blade,
        ),
        Some(_) => ctx
            .finding(id, Warn, "Your multitenant app has no verified publisher", "Many organizations don't let their users consent to apps from unverified publishers, so their admins must approve yours first.", blade)
            .with_fix(fix),
        None => ctx.unseen(
            id,
            "whether your publisher is verified",
            "This file doesn't include publisher verification, and unverified multitenant apps often need admin approval.",
            blade,
            "Branding & properties → Publisher verification",
        ),
    };
    f.set("multitenant", json!(multi));
    f.set(
        "verified_publisher_id",
        json!(vp.and_then(|p| p.verified_publisher_id.clone())),
    );
    f
}
