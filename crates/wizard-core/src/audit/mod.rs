//! The app-registration audit: what Nylas needs (a [`ScopePlan`] and the
//! region's redirect URIs) against what the app registration has.
//!
//! Pure: no network, no clock unless `now` is left out. Every check always
//! yields exactly one [`Finding`], in [`CheckId::ALL`] order. Checks whose
//! answer a manifest can't give (consent granted, tenant exists) say so
//! instead of pretending, and a check whose field the file doesn't have is a
//! warning that says so ([`Ctx::unseen`]), never a pass.
//!
//! Every finding also says what its fix changes and whether it is safe
//! (`safety`), and a warning when it is safe to ignore (`ignore_when`).
//!
//! `Finding::details` per check (keys are stable; absent means unknown).
//! Every "We couldn't see …" finding (a warning: the file lacks the field the
//! check reads) also has `checked: false`, whichever check it is.
//! - `client_id`: `app_id`, `object_id`, `entered`
//! - `tenant`: `tenant`, `kind` (`tenant_id|domain|common|organizations|consumers|invalid`), `tenancy`, `existence_checked: false`
//! - `sign_in_audience`: `sign_in_audience`, `tenancy`, `recommended`
//! - `access_token_version`: `requested_access_token_version`, `recommended: 2`
//! - `redirect_uris`: `required`, `optional`, `web`, `missing` (URIs), `misplaced` (`{uri, platform}`),
//!   `near_misses` (`{required, found, platform, reasons, explanation, found_parts, required_parts}`;
//!   the parts are `{text, differs}` runs marking every difference; reasons: `whitespace`,
//!   `trailing_slash`, `case`, `http_vs_https`, `other_region`, `no_region`, `other_host`,
//!   `other_path`, `platform`), `callbacks` ([`crate::redirect_uris::CallbackValidation`]),
//!   `listed` (false: the file has no redirect URI lists)
//! - `delegated_scopes`: `required`, `missing` (names; offline_access has its own check),
//!   `satisfied_by_wider` (`{required, by}`), `present_as_application`,
//!   `wrong_resource` (`{name, id, resource, resource_name, expected_resource_name}`),
//!   `unknown` (`{resource, resource_name, id, type, name, problem, looks_like, same_id_as}`), `kept`,
//!   `kept_missing`, `invalid_resources` (`resourceAppId`s that aren't GUIDs); permission entries
//!   also carry the catalog's `label` and `retired` (retired Azure AD Graph permissions)
//! - `application_permissions`: `roles` (`{resource, resource_name, id, type, name}`), `needed_as_delegated`
//!   (the Delegated form is missing: a failure), `also_delegated` (the Delegated form is there too)
//! - `least_privilege`: `over_broad` (`{scope, narrower, reason}`), `unneeded` (`{scope, resource_name, reason, retired}`),
//!   `other_apis`, `unknown` (entries the catalog can't recognise), `kept` (EWS/EAS permissions the
//!   path keeps: v2 Graph events, Teams)
//! - `offline_access`: `present`, `requested_by_nylas` (in the scopes Nylas asks for at sign-in),
//!   `listed_elsewhere` (listed under another API)
//! - `implicit_grant`: `access_tokens`, `id_tokens`, `required`
//! - `public_client`: `allow_public_client_flows` (`true`/`false`; `null`: not in the file)
//! - `client_secret`: `count`, `expired_count`, `expires` (RFC 3339), `days_left`, `key_id`, `display_name`,
//!   `hint`, `matched_pasted_secret`, `looks_like_secret_id`, `certificates`
//! - `admin_consent`: `needs_admin_consent`, `listed_admin_only`, `admin_consent_url`, `admin_consent_tenant` (the tenant in that link, or null for `organizations`), `granted: null`,
//!   `single_tenant`, `tenant_needed` (a single-tenant app without a tenant: no link is built)
//! - `publisher_verification`: `multitenant`, `verified_publisher_id`

mod advice;
mod identity;
mod permissions;
mod privilege;
mod redirects;
mod secret;
mod types;

use serde_json::{json, Value};
use time::OffsetDateTime;

pub use crate::portal::{admin_consent_url, portal_link, Blade, APP_REGISTRATIONS};
pub use identity::tenant_kind;
pub use types::*;

use crate::catalog;
use crate::error::Result;
use crate::ids::is_guid;
use crate::manifest::AppRegistration;
use crate::redirect_uris::{self, RedirectUriSet};
use crate::scopes::{self, ScopePlan};

/// Everything a check may look at.
pub(crate) struct Ctx<'a> {
    pub app: &'a AppRegistration,
    pub req: &'a AuditRequest,
    pub plan: ScopePlan,
    pub uris: RedirectUriSet,
    pub tenancy: Tenancy,
    pub now: OffsetDateTime,
}

impl Ctx<'_> {
    /// The app id, only when it is a GUID (safe for links).
    pub fn app_id(&self) -> Option<&str> {
        self.app.app_id.as_deref().filter(|id| is_guid(id))
    }

    pub fn link(&self, blade: Blade) -> String {
        portal_link(self.app_id(), blade)
    }

    pub fn finding(
        &self,
        check: CheckId,
        status: FindingStatus,
        title: impl Into<String>,
        explanation: impl Into<String>,
        blade: Blade,
    ) -> Finding {
        Finding {
            check,
            status,
            title: title.into(),
            explanation: explanation.into(),
            fix: None,
            portal_link: self.link(blade),
            portal: crate::portal::PortalPage::new(blade, self.app_id()),
            prevents: check.prevents().iter().map(|s| (*s).to_owned()).collect(),
            details: Value::Object(Default::default()),
            safety: None,
            ignore_when: None,
        }
    }

    /// "US" / "EU", for titles.
    pub fn region_label(&self) -> &'static str {
        self.req.region.label()
    }

    /// The one rule for a check whose manifest field the file doesn't have:
    /// a warning titled "We couldn't see {what}", never a pass. `why` says
    /// what the setting decides; the fix sends the admin to `place` in the
    /// portal, or to a complete download of the manifest.
    pub fn unseen(
        &self,
        check: CheckId,
        what: &str,
        why: impl Into<String>,
        blade: Blade,
        place: &str,
    ) -> Finding {
        let mut f = self
            .finding(
                check,
                FindingStatus::Warn,
                format!("We couldn't see {what}"),
                why,
                blade,
            )
            .with_fix(format!(
                "Check {place} in the portal, or download the whole manifest again (Manifest → Download) and check that file."
            ));
        f.set("checked", json!(false));
        f
    }
}

/// True when `resource_app_id` is the app's own API: the manifest's own
/// `appId`, or an API that isn't a well-known Microsoft one and under which
/// the app asks for a scope or app role it exposes itself
/// (`api.oauth2PermissionScopes`, `oauth2Permissions`, `appRoles`), which
/// names it even when the file's `appId` is missing. Only a GUID can be: a
/// placeholder left in from documentation is no API at all.
pub fn is_own_api(app: &AppRegistration, resource_app_id: &str) -> bool {
    let r = resource_app_id.trim();
    if !is_guid(r) {
        return false;
    }
    let own_id = app
        .app_id
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case(r));
    own_id
        || catalog::resource_name(r).is_none()
            && app.permissions().iter().any(|p| {
                p.resource_app_id.eq_ignore_ascii_case(r)
                    && app
                        .exposed_permission_ids
                        .iter()
                        .any(|id| id.eq_ignore_ascii_case(&p.id))
            })
}

/// How findings name the API a permission belongs to: "your app's own API"
/// for the app's own (see [`is_own_api`]), else the portal's name for a
/// well-known API, else what [`catalog::resource_label`] says.
pub fn api_name(app: &AppRegistration, resource_app_id: &str) -> String {
    if is_own_api(app, resource_app_id) {
        OWN_API.to_owned()
    } else {
        catalog::resource_label(resource_app_id)
    }
}

/// The name of the app's own API in findings.
pub const OWN_API: &str = "your app's own API";

/// "Lets Nylas…" → "lets Nylas…", to continue a sentence.
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The tenancy to check against: the admin's choice, else single when a
/// specific tenant was given, else multi (what Nylas v3 recommends).
pub fn resolve_tenancy(req: &AuditRequest) -> Tenancy {
    if let Some(t) = req.tenancy {
        return t;
    }
    match req
        .tenant
        .as_deref()
        .map(str::trim)
        .map(str::to_ascii_lowercase)
    {
        Some(t)
            if !t.is_empty() && !["common", "organizations", "consumers"].contains(&t.as_str()) =>
        {
            Tenancy::Single
        }
        _ => Tenancy::Multi,
    }
}

/// Runs every check. Fails only on an impossible request (no features for
/// v3, a feature the path doesn't offer).
pub fn run_audit(app: &AppRegistration, req: &AuditRequest) -> Result<AuditReport> {
    let plan = scopes::plan(req.path, req.preset, &req.features)?;
    let ctx = Ctx {
        app,
        req,
        plan,
        uris: redirect_uris::redirect_uris(req.path, req.region),
        tenancy: resolve_tenancy(req),
        now: req.now.unwrap_or_else(OffsetDateTime::now_utc),
    };
    let findings: Vec<Finding> = CheckId::ALL
        .iter()
        .map(|&check| match check {
            CheckId::ClientId => identity::client_id(&ctx),
            CheckId::Tenant => identity::tenant(&ctx),
            CheckId::SignInAudience => identity::sign_in_audience(&ctx),
            CheckId::AccessTokenVersion => identity::access_token_version(&ctx),
            CheckId::RedirectUris => redirects::redirect_uris(&ctx),
            CheckId::DelegatedScopes => permissions::delegated_scopes(&ctx),
            CheckId::ApplicationPermissions => permissions::application_permissions(&ctx),
            CheckId::LeastPrivilege => privilege::least_privilege(&ctx),
            CheckId::OfflineAccess => permissions::offline_access(&ctx),
            CheckId::ImplicitGrant => redirects::implicit_grant(&ctx),
            CheckId::PublicClient => redirects::public_client(&ctx),
            CheckId::ClientSecret => secret::client_secret(&ctx),
            CheckId::AdminConsent => permissions::admin_consent(&ctx),
            CheckId::PublisherVerification => identity::publisher_verification(&ctx),
        })
        .map(|mut f| {
            advice::advise(&mut f);
            f
        })
        .collect();
    let summary = Summary::of(&findings);
    Ok(AuditReport {
        app_id: app.app_id.clone(),
        display_name: app.display_name.clone(),
        path: req.path,
        region: req.region,
        tenancy: ctx.tenancy,
        formats: app.formats.clone(),
        notes: app.notes.clone(),
        scope_plan: ctx.plan.clone(),
        redirect_uris: ctx.uris.clone(),
        checked_at: ctx.now,
        findings,
        summary,
    })
}
