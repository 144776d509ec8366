//! What the Teams integration is made from, checked before anything is
//! planned: the Azure app's client ID, the tenant (an ID for single tenant,
//! `common` for multitenant), the redirect URIs, the token lifetime, and
//! the gate on the Azure app's Teams audit.

use tokio_util::sync::CancellationToken;

use crate::answers::LastCheck;
use crate::audit::{AuditReport, CheckId, FindingStatus};
use crate::endpoints::Endpoints;
use crate::error::{ErrorCode, Result, WizardError};
use crate::http::HttpClient;
use crate::ids::{is_domain, is_guid};
use crate::paths::AuditPath;
use crate::redirect_uris::{nylas_redirect_uri, validate_callback_uri, NylasHost};
use crate::regions::Region;

/// Nylas's default JWT lifetime for the integration: 14 days.
pub const DEFAULT_EXPIRES_IN: u64 = 1_209_600;
/// `expires_in` must be above this (the Java SDK's check)…
pub const MIN_EXPIRES_IN: u64 = 60;
/// …and below this (ten years).
pub const MAX_EXPIRES_IN: u64 = 315_360_000;
pub const DEFAULT_NAME: &str = "Microsoft Teams";
/// Where the wizard listens for Nylas sending a connected account back.
pub const DEFAULT_TEAMS_CALLBACK_PORT: u16 = 47616;
pub const TEAMS_CALLBACK_PATH: &str = "/nylas-wizard/teams-callback";

/// The wizard's loopback address for Teams sign-ins on `port`.
pub fn teams_callback(port: u16) -> String {
    format!("http://localhost:{port}{TEAMS_CALLBACK_PATH}")
}

/// The default redirect URIs: the region's beta callback (registered on
/// the Azure app) and the wizard's loopback capture.
pub fn default_redirect_uris(region: Region, port: u16) -> Vec<String> {
    vec![
        nylas_redirect_uri(NylasHost::Beta, region).to_owned(),
        teams_callback(port),
    ]
}

/// `expires_in` if 60 < x < 315360000, else a plain error.
pub fn check_expires_in(seconds: u64) -> Result<u64> {
    if seconds > MIN_EXPIRES_IN && seconds < MAX_EXPIRES_IN {
        return Ok(seconds);
    }
    Err(WizardError::invalid_input(format!(
        "A token lifetime of {seconds} seconds isn't accepted: Nylas takes more than {MIN_EXPIRES_IN} seconds and less than {MAX_EXPIRES_IN} (ten years)."
    ))
    .with_hint(format!(
        "Leave it empty for Nylas's default, {DEFAULT_EXPIRES_IN} seconds (14 days)."
    )))
}

/// The checked input of a Teams integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamsInput {
    pub region: Region,
    pub name: String,
    /// The Azure app's Application (client) ID.
    pub client_id: String,
    /// A tenant ID (single tenant) or `common` (multitenant).
    pub tenant: String,
    pub redirect_uris: Vec<String>,
    pub expires_in: u64,
}

impl TeamsInput {
    /// `tenant` must already be an ID or `common` (see [`resolve_tenant`]
    /// for a domain). Empty `redirect_uris` is refused: callers start from
    /// [`default_redirect_uris`].
    pub fn new(
        region: Region,
        name: Option<&str>,
        client_id: &str,
        tenant: &str,
        redirect_uris: &[String],
        expires_in: Option<u64>,
    ) -> Result<Self> {
        let client_id = client_id.trim();
        if !is_guid(client_id) {
            return Err(WizardError::invalid_input(format!(
                "\"{client_id}\" isn't an Application (client) ID: it looks like 5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01."
            ))
            .with_hint("Copy it from your Azure app's Overview page."));
        }
        let tenant = tenant.trim();
        let tenant = if tenant.eq_ignore_ascii_case("common") {
            "common".to_owned()
        } else if is_guid(tenant) {
            tenant.to_ascii_lowercase()
        } else {
            return Err(WizardError::invalid_input(format!(
                "The Teams integration needs a Directory (tenant) ID or \"common\", not \"{tenant}\"."
            ))
            .with_hint("Use your tenant ID (Azure app Overview page) for your organization only, or common to let any organization sign in."));
        };
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(DEFAULT_NAME);
        if name.chars().count() > 256 {
            return Err(WizardError::invalid_input(
                "The integration's name is longer than 256 characters.",
            ));
        }
        let mut uris: Vec<String> = Vec::new();
        for u in redirect_uris {
            let v = validate_callback_uri(u);
            if !v.valid {
                return Err(WizardError::invalid_input(format!(
                    "The redirect URI {} won't be accepted: {}",
                    u.trim(),
                    v.problems.join(" ")
                )));
            }
            let u = u.trim().to_owned();
            if !uris.contains(&u) {
                uris.push(u);
            }
        }
        if uris.is_empty() {
            return Err(WizardError::invalid_input(
                "The Teams integration needs at least one redirect URI.",
            )
            .with_hint(format!(
                "Use {}, which your Azure app registers for Teams.",
                nylas_redirect_uri(NylasHost::Beta, region)
            )));
        }
        Ok(Self {
            region,
            name: name.to_owned(),
            client_id: client_id.to_ascii_lowercase(),
            tenant,
            redirect_uris: uris,
            expires_in: check_expires_in(expires_in.unwrap_or(DEFAULT_EXPIRES_IN))?,
        })
    }
}

/// `common` stays; a tenant ID stays; a domain is looked up (Microsoft's
/// OpenID discovery) and becomes its tenant ID. `organizations` is refused:
/// Teams integrations take only an ID or `common`.
pub async fn resolve_tenant(
    http: &HttpClient,
    endpoints: &Endpoints,
    tenant: &str,
    cancel: &CancellationToken,
) -> Result<String> {
    let t = tenant.trim();
    if t.eq_ignore_ascii_case("common") {
        return Ok("common".into());
    }
    if is_guid(t) {
        return Ok(t.to_ascii_lowercase());
    }
    if t.eq_ignore_ascii_case("organizations") || !is_domain(t) {
        return Err(WizardError::invalid_input(format!(
            "The Teams integration needs a Directory (tenant) ID, a verified domain or \"common\", not \"{t}\"."
        )));
    }
    let info = crate::tenant::discover_tenant(http, endpoints, t, cancel).await?;
    info.tenant_id.ok_or_else(|| {
        WizardError::new(
            ErrorCode::BadResponse,
            format!("Microsoft didn't give a tenant ID for {t}."),
        )
        .with_hint("Copy the Directory (tenant) ID from your Azure app's Overview page instead.")
    })
}

/// What the Teams audit showed of the Azure app, for the plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AzureFacts {
    /// The Web redirect URIs the audit read, when it could.
    pub web_redirect_uris: Option<Vec<String>>,
    /// Whether a Teams audit with no failures was seen.
    pub audited: bool,
}

/// Whether one of the integration's redirect URIs is on the Azure app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectCheck {
    /// This one is registered on the Web platform, byte for byte.
    Matches(String),
    /// The app's Web redirect URIs are known and none matches.
    NoMatch { azure: Vec<String> },
    /// The audit couldn't see the app's redirect URIs.
    Unknown,
}

impl RedirectCheck {
    pub fn of(redirect_uris: &[String], facts: &AzureFacts) -> Self {
        match &facts.web_redirect_uris {
            None => RedirectCheck::Unknown,
            Some(web) => match redirect_uris.iter().find(|u| web.contains(u)) {
                Some(u) => RedirectCheck::Matches(u.clone()),
                None => RedirectCheck::NoMatch { azure: web.clone() },
            },
        }
    }

    /// One plain sentence for the window and the CLI.
    pub fn sentence(&self) -> String {
        match self {
            RedirectCheck::Matches(u) => {
                format!("{u} is registered on your Azure app, as Nylas requires.")
            }
            RedirectCheck::NoMatch { .. } => "None of these redirect URIs is registered on your Azure app's Web platform, and Nylas needs at least one there.".into(),
            RedirectCheck::Unknown => "Your Azure app's redirect URIs aren't at hand here (its last check didn't keep them), so the wizard can't confirm from here that one of these is registered on it. Nylas needs at least one: the Teams redirect URI that the app's Teams check looks for.".into(),
        }
    }

    /// A refusal when none matches.
    pub fn require(&self) -> Result<()> {
        match self {
            RedirectCheck::NoMatch { azure } => Err(WizardError::invalid_input(self.sentence())
                .with_hint(if azure.is_empty() {
                    "Go back to the Azure app step and add the Teams redirect URI it names.".to_owned()
                } else {
                    format!("Your Azure app has {}. Add one of these to the integration, or add the Teams redirect URI to the app in the Azure app step.", azure.join(", "))
                })),
            _ => Ok(()),
        }
    }
}

/// The gate before a Teams integration is planned: the last audit of the
/// Azure app for Teams must have no failures. `report` is the full last
/// audit when the caller has it (its failures are named); `counts` is what
/// the progress keeps of it. `required`: refuse when there is no Teams
/// audit at all (the window); the CLI passes `false` and says so.
pub fn teams_gate(
    report: Option<&AuditReport>,
    counts: Option<&LastCheck>,
    required: bool,
) -> Result<AzureFacts> {
    let go_back = "Go back to the Azure app step, apply the fixes it shows (or let the wizard fix them), and check the app again.";
    // The window's report counts only when it is the last check recorded
    // (a live check and its fixes may have come after a manifest check).
    let is_last = |r: &AuditReport| counts.is_none_or(|c| c.checked_at == r.checked_at);
    if let Some(r) = report.filter(|r| r.path == AuditPath::Teams && is_last(r)) {
        let failed: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Fail)
            .map(|f| f.title.as_str())
            .collect();
        if !failed.is_empty() {
            return Err(WizardError::invalid_input(format!(
                "Your Azure app isn't ready for Teams yet, so nothing was created: {}.",
                failed.join("; ")
            ))
            .with_hint(go_back));
        }
        let web = r.finding(CheckId::RedirectUris).and_then(|f| {
            let listed = f.details["listed"].as_bool().unwrap_or(false);
            let web = f.details["web"].as_array()?;
            listed.then(|| {
                web.iter()
                    .filter_map(|u| u.as_str().map(str::to_owned))
                    .collect()
            })
        });
        return Ok(AzureFacts {
            web_redirect_uris: web,
            audited: true,
        });
    }
    if let Some(c) = counts.filter(|c| c.fail > 0) {
        return Err(WizardError::invalid_input(format!(
            "The last check of your Azure app found {} problem(s), so nothing was created.",
            c.fail
        ))
        .with_hint(go_back));
    }
    if counts.is_some() {
        return Ok(AzureFacts {
            web_redirect_uris: None,
            audited: true,
        });
    }
    if required {
        return Err(WizardError::invalid_input(
            "Your Azure app hasn't been checked for Teams yet, so nothing was created.",
        )
        .with_hint("Go back to the Azure app step and check the app first."));
    }
    Ok(AzureFacts::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";

    fn uris() -> Vec<String> {
        vec!["https://beta.us.nylas.com/connect/callback".into()]
    }

    #[test]
    fn expires_in_bounds_are_exclusive() {
        for bad in [0, 60, 315_360_000, u64::MAX] {
            let e = check_expires_in(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert!(e.message.contains(&bad.to_string()), "{}", e.message);
        }
        for ok in [61, DEFAULT_EXPIRES_IN, 315_359_999] {
            assert_eq!(check_expires_in(ok).unwrap(), ok);
        }
    }

    #[test]
    fn input_takes_an_id_or_common_and_defaults_the_rest() {
        let i = TeamsInput::new(Region::Eu, None, APP, "Common", &uris(), None).unwrap();
        assert_eq!(i.tenant, "common");
        assert_eq!(i.name, DEFAULT_NAME);
        assert_eq!(i.expires_in, DEFAULT_EXPIRES_IN);
        let tid = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
        let single =
            TeamsInput::new(Region::Us, Some(" Mine "), APP, tid, &uris(), Some(600)).unwrap();
        assert_eq!(single.tenant, tid.to_ascii_lowercase());
        assert_eq!(single.name, "Mine");
        assert!(TeamsInput::new(Region::Us, None, APP, "contoso.com", &uris(), None).is_err());
        assert!(TeamsInput::new(Region::Us, None, "nope", "common", &uris(), None).is_err());
        assert!(TeamsInput::new(Region::Us, None, APP, "common", &[], None).is_err());
        let http = vec!["http://example.com/cb".to_owned()];
        assert!(TeamsInput::new(Region::Us, None, APP, "common", &http, None).is_err());
        assert!(TeamsInput::new(Region::Us, None, APP, "common", &uris(), Some(60)).is_err());
    }

    #[test]
    fn default_redirect_uris_are_the_beta_callback_and_the_loopback() {
        assert_eq!(
            default_redirect_uris(Region::Eu, 47616),
            [
                "https://beta.eu.nylas.com/connect/callback",
                "http://localhost:47616/nylas-wizard/teams-callback"
            ]
        );
    }

    #[test]
    fn redirect_check_matches_byte_for_byte() {
        let facts = |web: Option<Vec<&str>>| AzureFacts {
            web_redirect_uris: web.map(|w| w.into_iter().map(str::to_owned).collect()),
            audited: true,
        };
        let wanted = default_redirect_uris(Region::Us, 1);
        let hit = RedirectCheck::of(
            &wanted,
            &facts(Some(vec!["https://beta.us.nylas.com/connect/callback"])),
        );
        assert_eq!(hit, RedirectCheck::Matches(wanted[0].clone()));
        assert!(hit.require().is_ok());
        let miss = RedirectCheck::of(
            &wanted,
            &facts(Some(vec!["https://beta.us.nylas.com/connect/callback/"])),
        );
        assert!(matches!(miss, RedirectCheck::NoMatch { .. }));
        assert!(miss.require().is_err());
        assert_eq!(
            RedirectCheck::of(&wanted, &facts(None)),
            RedirectCheck::Unknown
        );
    }

    #[test]
    fn gate_refuses_failed_counts_and_no_check_when_required() {
        let when = time::OffsetDateTime::UNIX_EPOCH;
        let failed = LastCheck {
            display_name: None,
            checked_at: when,
            fail: 2,
            warn: 0,
            pass: 5,
        };
        let e = teams_gate(None, Some(&failed), false).unwrap_err();
        assert!(e.message.contains("2 problem(s)"), "{}", e.message);
        assert!(teams_gate(None, None, true).is_err());
        assert_eq!(
            teams_gate(None, None, false).unwrap(),
            AzureFacts::default()
        );
        let passed = LastCheck { fail: 0, ..failed };
        assert!(teams_gate(None, Some(&passed), true).unwrap().audited);
    }

    #[test]
    fn gate_names_a_report_s_failures_unless_a_later_check_passed() {
        let manifest =
            include_str!("../../../tests/fixtures/manifests/teams-missing-implicit.json");
        let app = crate::manifest::parse_manifest(manifest).unwrap();
        let mut answers = crate::answers::Answers::default();
        for u in [
            crate::answers::AnswerUpdate::Feature {
                feature: crate::scopes::Feature::CalendarWrite,
                on: true,
            },
            crate::answers::AnswerUpdate::Tenancy(Some(crate::audit::Tenancy::Single)),
            crate::answers::AnswerUpdate::Tenant(Some("contoso.onmicrosoft.com".into())),
        ] {
            answers.apply(Some(crate::paths::PathId::Teams), u).unwrap();
        }
        let report = answers
            .audit(crate::paths::PathId::Teams, &app, None)
            .unwrap();
        assert!(!report.passed());
        let counts = LastCheck::from(&report);
        let e = teams_gate(Some(&report), Some(&counts), true).unwrap_err();
        assert!(
            e.message.contains("Turn on ID tokens for Teams"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("Azure app step"));
        // A later check (a live one, after fixes) passed: that one counts.
        let later = LastCheck {
            fail: 0,
            checked_at: report.checked_at + time::Duration::minutes(5),
            ..counts
        };
        let facts = teams_gate(Some(&report), Some(&later), true).unwrap();
        assert!(facts.audited);
        assert_eq!(facts.web_redirect_uris, None, "unknown then, said plainly");
    }
}
