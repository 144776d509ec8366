//! The wizard's answers: everything the admin decided so far, typed and
//! validated here, saved with the progress (never a secret), and the one
//! place every request is built from (the audit, the scope plan).
//!
//! The window only displays and edits answers: it sends an [`AnswerUpdate`]
//! and renders the [`PathAnswers`] Rust derives for the chosen path.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::audit::{run_audit, AuditReport, AuditRequest, PastedSecret, Tenancy};
use crate::error::{Result, WizardError};
use crate::manifest::AppRegistration;
use crate::paths::{AuditPath, PathId};
use crate::redirect_uris::validate_callback_uri;
use crate::regions::Region;
use crate::scopes::{self, Feature, FeatureChoices, Preset, ScopePlan};

/// What the admin's app does: a preset and/or single features. Kept
/// normalised: features in display order without repeats, and `preset` set
/// exactly when the features are a preset's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct FeatureAnswer {
    pub preset: Option<Preset>,
    pub features: Vec<Feature>,
}

impl FeatureAnswer {
    /// The answer for exactly these features (the preset follows from them).
    pub fn of(features: &[Feature]) -> Self {
        let features: Vec<Feature> = Feature::ALL
            .into_iter()
            .filter(|f| features.contains(f))
            .collect();
        let preset = Preset::ALL.into_iter().find(|p| {
            let mut pf = p.features().to_vec();
            pf.sort();
            let mut mine = features.clone();
            mine.sort();
            pf == mine
        });
        Self { preset, features }
    }

    /// The answer for a preset: its features, ticked.
    pub fn preset(preset: Preset) -> Self {
        Self::of(preset.features())
    }

    pub fn is_empty(&self) -> bool {
        self.preset.is_none() && self.features.is_empty()
    }
}

/// What the last audit found, remembered without the manifest itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LastCheck {
    pub display_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub checked_at: OffsetDateTime,
    pub fail: usize,
    pub warn: usize,
    pub pass: usize,
}

impl From<&AuditReport> for LastCheck {
    fn from(r: &AuditReport) -> Self {
        Self {
            display_name: r.display_name.clone(),
            checked_at: r.checked_at,
            fail: r.summary.fail,
            warn: r.summary.warn,
            pass: r.summary.pass,
        }
    }
}

/// Every answer the wizard keeps. Absent fields mean "not answered yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct Answers {
    /// Features of a Nylas v3 app (paths A, D and E), also those of the
    /// Teams path (B), whose app does the same things with mail, calendars
    /// and contacts plus Teams meetings.
    pub features: FeatureAnswer,
    /// Features on Nylas v2 (path C), kept apart: v2 uses Microsoft Graph
    /// for calendars only, so a v3 choice (mail…) must never leak into it.
    pub v2_features: FeatureAnswer,
    /// Where the Nylas account lives; US when not answered.
    pub region: Option<Region>,
    /// The customer's own callback URIs (v3), each already validated.
    pub callback_uris: Vec<String>,
    /// Who signs in; `None`: decided from the tenant.
    pub tenancy: Option<Tenancy>,
    /// Directory (tenant) ID, a verified domain, `common` or `organizations`.
    pub tenant: Option<String>,
    /// The app's Application (client) ID, a GUID: given for a live check or
    /// set when the wizard creates the app. The audit then checks that a
    /// pasted manifest is this app's.
    pub client_id: Option<String>,
    /// Other Microsoft tenants whose users sign in through the same Azure
    /// app (path A: a connector credential each): tenant IDs or domains,
    /// validated and without repeats.
    pub additional_tenants: Vec<String>,
    /// What the last audit of the Azure app found.
    pub last_check: Option<LastCheck>,
    /// The Nylas application the stored API key opened (the key itself is
    /// in the secret store); set only by a check that worked.
    pub nylas_account: Option<crate::nylas::NylasAccountRecord>,
    /// What the last "Configure Nylas" run did (path A); set by that run only.
    pub nylas_configured: Option<crate::nylas::NylasConfiguredRecord>,
    /// What the last test sign-in showed (path A); set by the sign-in only.
    pub test_sign_in: Option<crate::nylas::hosted_auth::TestSignInRecord>,
    /// Path D: the v2 scopes last translated (their features are `features`).
    pub migrate_scopes: Option<crate::migrate::MigrateScopesRecord>,
    /// Path D: what sorting the exported v2 accounts found (counts only).
    pub migrate_accounts: Option<crate::migrate::MigrateAccountsRecord>,
    /// Path D: the last run that gave the imported Microsoft connector the
    /// new Azure app's settings (the same record as path A's run).
    pub migrate_connector: Option<crate::nylas::NylasConfiguredRecord>,
    /// Path D: the EWS connector found or created (Exchange on-premises).
    pub migrate_ews: Option<crate::nylas::ews::EwsRecord>,
    /// The Nylas v2 app whose client ID and secret were checked (paths B
    /// and C; the secret is in the secret store); set by that check only.
    pub nylas_v2: Option<crate::nylas_v2::NylasV2Record>,
    /// The Teams integration on the beta host (path B).
    pub teams_integration: Option<crate::nylas_v2::TeamsIntegrationRecord>,
    /// The last batch of Teams accounts connected (path B).
    pub teams_accounts: Option<crate::nylas_v2::AccountsRecord>,
    /// The last batch of v2 native-auth (Graph) accounts (path C).
    pub v2_accounts: Option<crate::nylas_v2::AccountsRecord>,
    /// Path D: the checklist items the admin ticked (what only happens in
    /// the Nylas dashboard), each once, in checklist order.
    pub migrate_ticks: Vec<crate::migrate::checklist::ChecklistItem>,
    /// Path E: what its tenants, consent and mailboxes steps last did
    /// (counts only).
    pub bulk: crate::state::BulkAnswers,
}

/// One change to the answers, as the window sends it. Every value is
/// checked here; a bad one is refused with a plain error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "key", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum AnswerUpdate {
    /// Pick a preset for the chosen path (its features are ticked).
    Preset(Preset),
    /// Tick or untick one feature for the chosen path.
    Feature {
        feature: Feature,
        on: bool,
    },
    Region(Region),
    /// Replace the list of the customer's own callback URIs.
    CallbackUris(Vec<String>),
    Tenancy(Option<Tenancy>),
    /// Blank clears it.
    Tenant(Option<String>),
    /// The Application (client) ID; blank clears it.
    ClientId(Option<String>),
    /// Replace the list of additional tenants.
    AdditionalTenants(Vec<String>),
    /// Path D: tick or untick a checklist item only the admin can see done.
    MigrateTick {
        item: crate::migrate::checklist::ChecklistItem,
        done: bool,
    },
}

/// Which feature set a path uses.
fn uses_v2_features(path: PathId) -> bool {
    path == PathId::V2Events
}

/// The features a path offers: all of them, except on v2 (calendars only)
/// and on Teams (where Teams meetings are the path itself, so the
/// conferencing feature would add nothing).
pub fn offered_features(path: PathId) -> Vec<Feature> {
    Feature::ALL
        .into_iter()
        .filter(|f| scopes::offered(path.into(), *f))
        .collect()
}

/// The features and presets a path offers, in display order.
pub fn choices_for(path: PathId) -> FeatureChoices {
    let offered = offered_features(path);
    let mut c = scopes::choices();
    c.features.retain(|f| offered.contains(&f.id));
    c.presets
        .retain(|p| p.features.iter().all(|f| offered.contains(f)));
    c
}

/// The tenant as the admin may enter it: blank clears it; otherwise it must
/// be a tenant ID, a domain, or one of Microsoft's shared endpoints.
pub fn clean_tenant(value: Option<&str>) -> Result<Option<String>> {
    let Some(t) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if crate::audit::tenant_kind(t) == "invalid" {
        return Err(WizardError::invalid_input(format!(
            "\"{t}\" is neither a tenant ID (a GUID) nor a domain like contoso.com."
        ))
        .with_hint(
            "Copy the Directory (tenant) ID from your app's Overview page in the Azure portal.",
        ));
    }
    Ok(Some(t.to_string()))
}

/// The Application (client) ID as the admin may enter it: blank clears it;
/// otherwise it must be a GUID.
pub fn clean_client_id(value: Option<&str>) -> Result<Option<String>> {
    let Some(id) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if !crate::ids::is_guid(id) {
        return Err(WizardError::invalid_input(format!(
            "\"{id}\" isn't an Application (client) ID: that is a GUID like 00000000-0000-0000-0000-000000000000."
        ))
        .with_hint(
            "Copy the Application (client) ID from your app's Overview page in the Azure portal.",
        ));
    }
    Ok(Some(id.to_ascii_lowercase()))
}

/// Additional tenants as the admin may enter them: each a tenant ID (a
/// GUID) or a domain, never a shared endpoint (`common`, …: a credential is
/// for one tenant); blanks dropped, lower-cased, each once.
pub fn clean_additional_tenants(list: &[String]) -> Result<Vec<String>> {
    let mut clean: Vec<String> = Vec::new();
    for t in list.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !matches!(crate::audit::tenant_kind(t), "tenant_id" | "domain") {
            return Err(WizardError::invalid_input(format!(
                "\"{t}\" can't be an additional tenant: enter a tenant ID (a GUID) or a domain like fabrikam.com."
            ))
            .with_hint("Ask that organisation's admin for their Directory (tenant) ID or one of their verified domains."));
        }
        let t = t.to_ascii_lowercase();
        if !clean.contains(&t) {
            clean.push(t);
        }
    }
    Ok(clean)
}

impl Answers {
    /// The features chosen for a path (v2 keeps its own).
    pub fn features_for(&self, path: PathId) -> &FeatureAnswer {
        if uses_v2_features(path) {
            &self.v2_features
        } else {
            &self.features
        }
    }

    fn features_for_mut(&mut self, path: PathId) -> &mut FeatureAnswer {
        if uses_v2_features(path) {
            &mut self.v2_features
        } else {
            &mut self.features
        }
    }

    pub fn region(&self) -> Region {
        self.region.unwrap_or_default()
    }

    /// Apply one change for the chosen path. Nothing changes when the
    /// value is refused.
    pub fn apply(&mut self, path: Option<PathId>, update: AnswerUpdate) -> Result<()> {
        match update {
            AnswerUpdate::Preset(p) => {
                let path = chosen(path)?;
                let offered = offered_features(path);
                if let Some(f) = p.features().iter().find(|f| !offered.contains(f)) {
                    return Err(not_offered(path, *f));
                }
                *self.features_for_mut(path) = FeatureAnswer::preset(p);
            }
            AnswerUpdate::Feature { feature, on } => {
                let path = chosen(path)?;
                if on && !offered_features(path).contains(&feature) {
                    return Err(not_offered(path, feature));
                }
                let current = self.features_for(path).features.clone();
                let next: Vec<Feature> = current
                    .into_iter()
                    .filter(|f| *f != feature)
                    .chain(on.then_some(feature))
                    .collect();
                *self.features_for_mut(path) = FeatureAnswer::of(&next);
            }
            AnswerUpdate::Region(r) => self.region = Some(r),
            AnswerUpdate::CallbackUris(list) => {
                let mut clean: Vec<String> = Vec::new();
                for uri in &list {
                    let v = validate_callback_uri(uri);
                    if !v.valid {
                        return Err(WizardError::invalid_input(format!(
                            "\"{}\" can't be used as a callback URI: {}",
                            v.uri,
                            v.problems.join(" ")
                        )));
                    }
                    if !clean.contains(&v.uri) {
                        clean.push(v.uri);
                    }
                }
                self.callback_uris = clean;
            }
            AnswerUpdate::Tenancy(t) => self.tenancy = t,
            AnswerUpdate::Tenant(t) => self.tenant = clean_tenant(t.as_deref())?,
            AnswerUpdate::ClientId(id) => self.client_id = clean_client_id(id.as_deref())?,
            AnswerUpdate::AdditionalTenants(list) => {
                self.additional_tenants = clean_additional_tenants(&list)?
            }
            AnswerUpdate::MigrateTick { item, done } => {
                crate::migrate::checklist::apply_tick(&mut self.migrate_ticks, item, done)?
            }
        }
        Ok(())
    }

    /// What the window shows for the chosen path.
    pub fn for_path(&self, path: PathId) -> PathAnswers {
        let audit_path = AuditPath::from(path);
        let features = self.features_for(path).clone();
        PathAnswers {
            path,
            audit_path,
            needs_features: needs_features(audit_path, &features),
            required_features: scopes::required_features(audit_path).to_vec(),
            features,
            region: self.region(),
            uses_callback_uris: audit_path == AuditPath::V3,
        }
    }

    /// The least-privilege plan for the chosen features of a path.
    pub fn scope_plan(&self, path: PathId) -> Result<ScopePlan> {
        let f = self.features_for(path);
        scopes::plan(path.into(), f.preset, &f.features)
    }

    /// The audit request for a path, from the answers alone.
    pub fn audit_request(&self, path: PathId) -> Result<AuditRequest> {
        let audit_path = AuditPath::from(path);
        let f = self.features_for(path);
        if needs_features(audit_path, f) {
            if audit_path == AuditPath::Teams {
                return Err(scopes::teams_needs_calendar_write());
            }
            return Err(WizardError::invalid_input(
                "The permissions we check depend on what your app does.",
            )
            .with_hint(format!(
                "Pick at least one feature, or the setup closest to your app ({}), then check again.",
                Preset::ALL.map(|p| p.as_str()).join(", ")
            )));
        }
        // Teams checks the features' permissions plus the Teams meetings one.
        Ok(AuditRequest {
            path: audit_path,
            preset: f.preset,
            features: f.features.clone(),
            region: self.region(),
            tenancy: self.tenancy,
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            callback_uris: if audit_path == AuditPath::V3 {
                self.callback_uris.clone()
            } else {
                Vec::new()
            },
            now: None,
            pasted_secret: None,
        })
    }

    /// The same answers, every value checked as if the admin had entered
    /// it in the window (for answers read from a file).
    pub fn validated(&self, path: PathId) -> Result<Answers> {
        let mut a = Answers {
            last_check: self.last_check.clone(),
            nylas_account: self.nylas_account.clone(),
            nylas_configured: self.nylas_configured.clone(),
            test_sign_in: self.test_sign_in.clone(),
            migrate_scopes: self.migrate_scopes.clone(),
            migrate_accounts: self.migrate_accounts.clone(),
            migrate_connector: self.migrate_connector.clone(),
            migrate_ews: self.migrate_ews.clone(),
            nylas_v2: self.nylas_v2.clone(),
            teams_integration: self.teams_integration.clone(),
            teams_accounts: self.teams_accounts.clone(),
            v2_accounts: self.v2_accounts.clone(),
            bulk: self.bulk.clone(),
            ..Answers::default()
        };
        let p = Some(path);
        for (set, is_v2) in [(&self.features, false), (&self.v2_features, true)] {
            // Each feature set is checked on a path that uses it.
            let on = if is_v2 {
                Some(PathId::V2Events)
            } else {
                Some(PathId::V3)
            };
            if let Some(preset) = set.preset {
                a.apply(on, AnswerUpdate::Preset(preset))?;
            }
            for f in &set.features {
                a.apply(
                    on,
                    AnswerUpdate::Feature {
                        feature: *f,
                        on: true,
                    },
                )?;
            }
        }
        if let Some(r) = self.region {
            a.apply(p, AnswerUpdate::Region(r))?;
        }
        a.apply(p, AnswerUpdate::CallbackUris(self.callback_uris.clone()))?;
        a.apply(p, AnswerUpdate::Tenancy(self.tenancy))?;
        a.apply(p, AnswerUpdate::Tenant(self.tenant.clone()))?;
        a.apply(p, AnswerUpdate::ClientId(self.client_id.clone()))?;
        a.apply(
            p,
            AnswerUpdate::AdditionalTenants(self.additional_tenants.clone()),
        )?;
        for item in &self.migrate_ticks {
            a.apply(
                p,
                AnswerUpdate::MigrateTick {
                    item: *item,
                    done: true,
                },
            )?;
        }
        Ok(a)
    }

    /// Replace a path's features with exactly these (each must be offered).
    pub fn replace_features(&mut self, path: PathId, features: &[Feature]) -> Result<()> {
        let offered = offered_features(path);
        if let Some(f) = features.iter().find(|f| !offered.contains(f)) {
            return Err(not_offered(path, *f));
        }
        *self.features_for_mut(path) = FeatureAnswer::of(features);
        Ok(())
    }

    /// Audit an app registration for a path against these answers; the
    /// window and the CLI both call this, so they reach the same verdict.
    pub fn audit(
        &self,
        path: PathId,
        app: &AppRegistration,
        pasted_secret: Option<PastedSecret>,
    ) -> Result<AuditReport> {
        let mut request = self.audit_request(path)?;
        request.pasted_secret = pasted_secret;
        run_audit(app, &request)
    }
}

/// Answers read from a file for the command line: a saved progress file
/// (the window's own), or a plain answers file (the same fields as the
/// saved answers, plus the `path` they are for).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswersFile {
    pub path: Option<PathId>,
    pub answers: Answers,
}

impl AnswersFile {
    /// Read from parsed JSON (or TOML turned into JSON). Values are checked
    /// as the window checks them; an unknown field is an error, so a typo
    /// never silently drops an answer.
    pub fn from_value(mut v: serde_json::Value) -> Result<Self> {
        let bad = |e: String| {
            WizardError::invalid_input(format!("The answers file can't be used: {e}"))
                .with_hint("Use the wizard's saved progress.json, or a file with the fields path, features, v2_features, region, callback_uris, tenancy and tenant.")
        };
        if v.get("version").is_some() {
            let p = crate::state::progress_from_value(v).map_err(bad)?;
            return Ok(Self {
                path: p.path,
                answers: p.answers,
            });
        }
        let obj = v
            .as_object_mut()
            .ok_or_else(|| bad("it isn't an object of answers.".into()))?;
        let path = match obj.remove("path") {
            None | Some(serde_json::Value::Null) => None,
            Some(p) => Some(serde_json::from_value(p).map_err(|e| bad(e.to_string()))?),
        };
        let answers: Answers = serde_json::from_value(v).map_err(|e| bad(e.to_string()))?;
        Ok(Self { path, answers })
    }
}

/// The answers of the chosen path, derived by Rust for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PathAnswers {
    pub path: PathId,
    /// What the Azure app is checked for on this path.
    pub audit_path: AuditPath,
    /// The features chosen for this path.
    pub features: FeatureAnswer,
    /// True while the Azure app can't be checked: no feature chosen yet
    /// (v3), or calendar-write not chosen (Teams).
    pub needs_features: bool,
    /// Features this path can't do without (calendar-write on Teams).
    pub required_features: Vec<Feature>,
    /// The region, US when not answered.
    pub region: Region,
    /// True when the path registers the customer's own callback URIs (v3).
    pub uses_callback_uris: bool,
}

/// v3 apps need at least one feature; Teams apps need calendar-write (the
/// meetings go on events); v2 has a default (its calendar scope).
fn needs_features(path: AuditPath, f: &FeatureAnswer) -> bool {
    match path {
        AuditPath::V3 => f.is_empty(),
        AuditPath::Teams => !scopes::required_features(path)
            .iter()
            .all(|r| f.features.contains(r)),
        AuditPath::V2Events => false,
    }
}

fn chosen(path: Option<PathId>) -> Result<PathId> {
    path.ok_or_else(|| {
        WizardError::invalid_input("Choose a path on the welcome screen before picking features.")
    })
}

fn not_offered(path: PathId, f: Feature) -> WizardError {
    if AuditPath::from(path) == AuditPath::Teams {
        return WizardError::invalid_input(format!(
            "The Teams path always includes Teams meetings, so \"{}\" isn't offered on it.",
            f.as_str()
        ))
        .with_hint("Pick what else your app does; OnlineMeetings.ReadWrite is planned anyway.");
    }
    WizardError::invalid_input(format!(
        "Nylas v2 uses Microsoft Graph for calendars and events only, so \"{}\" isn't available on this path.",
        f.as_str()
    ))
    .with_hint("Use calendar-read, calendar-write or shared-calendar, or choose the v3 path.")
}

/// Answers saved by format 1 (a map of `"<step>.<field>"` keys) turned into
/// typed answers. Values that no longer make sense are dropped and named,
/// never fatal.
pub fn from_v1_map(map: &serde_json::Map<String, serde_json::Value>) -> (Answers, Vec<String>) {
    use serde_json::Value;
    let mut a = Answers::default();
    let mut dropped = Vec::new();
    let feature_answer = |preset: Option<&Value>, list: Option<&Value>| -> Option<FeatureAnswer> {
        let preset: Option<Preset> = preset.and_then(|v| serde_json::from_value(v.clone()).ok());
        let list: Vec<Feature> = list
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        match (preset, list.is_empty()) {
            (None, true) => None,
            (Some(p), true) => Some(FeatureAnswer::preset(p)),
            (_, false) => Some(FeatureAnswer::of(&list)),
        }
    };
    if let Some(f) = feature_answer(map.get("features.preset"), map.get("features.list")) {
        a.features = f;
    }
    if let Some(f) = feature_answer(
        map.get("features.v2-events.preset"),
        map.get("features.v2-events.list"),
    ) {
        let offered = offered_features(PathId::V2Events);
        a.v2_features = FeatureAnswer::of(
            &f.features
                .into_iter()
                .filter(|x| offered.contains(x))
                .collect::<Vec<_>>(),
        );
    }
    for (key, value) in map {
        let ok = match key.as_str() {
            "features.preset"
            | "features.list"
            | "features.v2-events.preset"
            | "features.v2-events.list" => true,
            "region.region" => serde_json::from_value(value.clone())
                .map(|r| a.region = Some(r))
                .is_ok(),
            "region.callback_uris" => serde_json::from_value::<Vec<String>>(value.clone())
                .ok()
                .map(|l| a.apply(None, AnswerUpdate::CallbackUris(l)))
                .is_some_and(|r| r.is_ok()),
            "azure-app.tenancy" => serde_json::from_value(value.clone())
                .map(|t| a.tenancy = Some(t))
                .is_ok(),
            "azure-app.tenant" => value
                .as_str()
                .map(|t| a.apply(None, AnswerUpdate::Tenant(Some(t.into()))))
                .is_some_and(|r| r.is_ok()),
            "azure-app.last_check" => serde_json::from_value(value.clone())
                .map(|c| a.last_check = Some(c))
                .is_ok(),
            _ => false,
        };
        if !ok {
            dropped.push(key.clone());
        }
    }
    (a, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn preset_follows_from_features() {
        let f = FeatureAnswer::of(&[Feature::MailSend, Feature::MailModify, Feature::MailSend]);
        assert_eq!(f.preset, Some(Preset::EmailClient));
        assert_eq!(f.features, vec![Feature::MailModify, Feature::MailSend]);
        assert_eq!(FeatureAnswer::of(&[Feature::MailSend]).preset, None);
    }

    #[test]
    fn toggles_apply_in_order_and_keep_the_preset_true() {
        let mut a = Answers::default();
        let v3 = Some(PathId::V3);
        a.apply(v3, AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        a.apply(
            v3,
            AnswerUpdate::Feature {
                feature: Feature::MailSend,
                on: false,
            },
        )
        .unwrap();
        assert_eq!(a.features.preset, None);
        assert_eq!(a.features.features, vec![Feature::MailModify]);
        a.apply(
            v3,
            AnswerUpdate::Feature {
                feature: Feature::MailSend,
                on: true,
            },
        )
        .unwrap();
        assert_eq!(a.features.preset, Some(Preset::EmailClient));
    }

    #[test]
    fn v2_keeps_its_own_features_and_refuses_mail() {
        let mut a = Answers::default();
        a.apply(
            Some(PathId::V3),
            AnswerUpdate::Preset(Preset::ReadOnlyInbox),
        )
        .unwrap();
        let v2 = Some(PathId::V2Events);
        let err = a
            .apply(
                v2,
                AnswerUpdate::Feature {
                    feature: Feature::MailRead,
                    on: true,
                },
            )
            .unwrap_err();
        assert!(err.message.contains("calendars and events only"), "{err:?}");
        assert!(a
            .apply(v2, AnswerUpdate::Preset(Preset::EmailClient))
            .is_err());
        a.apply(
            v2,
            AnswerUpdate::Feature {
                feature: Feature::SharedCalendar,
                on: true,
            },
        )
        .unwrap();
        assert_eq!(a.v2_features.features, vec![Feature::SharedCalendar]);
        assert_eq!(a.features.features, vec![Feature::MailRead]);
        let offered = choices_for(PathId::V2Events);
        assert_eq!(offered.features.len(), 3);
        assert!(offered
            .presets
            .iter()
            .all(|p| p.id == Preset::CalendarScheduler));
    }

    #[test]
    fn features_need_a_chosen_path() {
        let mut a = Answers::default();
        assert!(a
            .apply(None, AnswerUpdate::Preset(Preset::EmailClient))
            .is_err());
        assert_eq!(a, Answers::default());
    }

    #[test]
    fn bad_values_are_refused_with_plain_errors() {
        let mut a = Answers::default();
        let err = a
            .apply(None, AnswerUpdate::CallbackUris(vec!["ftp://x#y".into()]))
            .unwrap_err();
        assert!(
            err.message.contains("can't be used as a callback URI"),
            "{err:?}"
        );
        let err = a
            .apply(None, AnswerUpdate::Tenant(Some("not a tenant!".into())))
            .unwrap_err();
        assert!(err.message.contains("neither a tenant ID"), "{err:?}");
        assert_eq!(a, Answers::default());
        a.apply(None, AnswerUpdate::Tenant(Some("  contoso.com ".into())))
            .unwrap();
        assert_eq!(a.tenant.as_deref(), Some("contoso.com"));
        a.apply(None, AnswerUpdate::Tenant(Some("   ".into())))
            .unwrap();
        assert_eq!(a.tenant, None);
    }

    #[test]
    fn the_client_id_is_a_guid_and_goes_into_the_audit_request() {
        let mut a = Answers::default();
        let err = a
            .apply(None, AnswerUpdate::ClientId(Some("my-app".into())))
            .unwrap_err();
        assert!(
            err.message.contains("isn't an Application (client) ID"),
            "{err:?}"
        );
        assert_eq!(a, Answers::default());
        let id = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
        a.apply(None, AnswerUpdate::ClientId(Some(format!(" {id} "))))
            .unwrap();
        assert_eq!(
            a.client_id.as_deref(),
            Some(id.to_ascii_lowercase().as_str())
        );
        let req = a.audit_request(PathId::V2Events).unwrap();
        assert_eq!(req.client_id, a.client_id);
        a.apply(None, AnswerUpdate::ClientId(None)).unwrap();
        assert_eq!(a.client_id, None);
    }

    #[test]
    fn additional_tenants_are_ids_or_domains_once_each() {
        let mut a = Answers::default();
        let guid = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
        a.apply(
            None,
            AnswerUpdate::AdditionalTenants(vec![
                " Fabrikam.com ".into(),
                "fabrikam.com".into(),
                guid.into(),
                "  ".into(),
            ]),
        )
        .unwrap();
        assert_eq!(
            a.additional_tenants,
            vec!["fabrikam.com".to_string(), guid.to_ascii_lowercase()]
        );
        for bad in ["common", "organizations", "not a tenant!"] {
            let err = a
                .apply(None, AnswerUpdate::AdditionalTenants(vec![bad.into()]))
                .unwrap_err();
            assert!(
                err.message.contains("can't be an additional tenant"),
                "{err:?}"
            );
        }
        assert_eq!(
            a.additional_tenants.len(),
            2,
            "a refused list changes nothing"
        );
        assert_eq!(
            a.validated(PathId::V3).unwrap().additional_tenants,
            a.additional_tenants
        );
    }

    #[test]
    fn callback_uris_are_trimmed_and_deduplicated() {
        let mut a = Answers::default();
        a.apply(
            None,
            AnswerUpdate::CallbackUris(vec![
                "https://app.example.com/cb".into(),
                " https://app.example.com/cb ".into(),
            ]),
        )
        .unwrap();
        assert_eq!(a.callback_uris, vec!["https://app.example.com/cb"]);
    }

    #[test]
    fn audit_request_is_built_from_the_answers() {
        let mut a = Answers::default();
        let err = a.audit_request(PathId::Migrate).unwrap_err();
        assert!(err.message.contains("depend on what your app does"));
        a.apply(
            Some(PathId::Migrate),
            AnswerUpdate::Preset(Preset::EmailClient),
        )
        .unwrap();
        a.apply(None, AnswerUpdate::Region(Region::Eu)).unwrap();
        a.apply(
            None,
            AnswerUpdate::CallbackUris(vec!["https://app.example.com/cb".into()]),
        )
        .unwrap();
        a.apply(None, AnswerUpdate::Tenancy(Some(Tenancy::Single)))
            .unwrap();
        let r = a.audit_request(PathId::Migrate).unwrap();
        assert_eq!(r.path, AuditPath::V3);
        assert_eq!(r.preset, Some(Preset::EmailClient));
        assert_eq!(r.region, Region::Eu);
        assert_eq!(r.tenancy, Some(Tenancy::Single));
        assert_eq!(r.callback_uris, vec!["https://app.example.com/cb"]);
        // Teams: the email client can't add meetings without calendar-write.
        let err = a.audit_request(PathId::Teams).unwrap_err();
        assert!(err.message.contains("create or update events"), "{err:?}");
        // v2 needs no feature: its calendar scope has a default.
        assert!(Answers::default().audit_request(PathId::V2Events).is_ok());
    }

    #[test]
    fn teams_features_are_v3_features_and_need_calendar_write() {
        let mut a = Answers::default();
        let teams = Some(PathId::Teams);
        // The v3 feature set, less conferencing: the path is Teams meetings.
        let offered = offered_features(PathId::Teams);
        assert_eq!(offered.len(), Feature::ALL.len() - 1);
        assert!(!offered.contains(&Feature::Conferencing));
        assert_eq!(choices_for(PathId::Teams).presets.len(), Preset::ALL.len());
        let err = a
            .apply(
                teams,
                AnswerUpdate::Feature {
                    feature: Feature::Conferencing,
                    on: true,
                },
            )
            .unwrap_err();
        assert!(
            err.message.contains("always includes Teams meetings"),
            "{err:?}"
        );

        // Until calendar-write is chosen the Azure app can't be checked,
        // and the error says so plainly.
        let view = a.for_path(PathId::Teams);
        assert!(view.needs_features);
        assert_eq!(view.required_features, vec![Feature::CalendarWrite]);
        a.apply(teams, AnswerUpdate::Preset(Preset::ReadOnlyInbox))
            .unwrap();
        assert!(a.for_path(PathId::Teams).needs_features);
        let err = a.audit_request(PathId::Teams).unwrap_err();
        assert_eq!(
            err.message,
            "Teams meetings are added to calendar events, so Nylas needs permission to create or update events."
        );
        assert!(err.hint.unwrap().contains("\"Create or update events\""));
        assert!(a.scope_plan(PathId::Teams).is_err());

        a.apply(
            teams,
            AnswerUpdate::Feature {
                feature: Feature::CalendarWrite,
                on: true,
            },
        )
        .unwrap();
        assert!(!a.for_path(PathId::Teams).needs_features);
        // The same answer as v3's (the Teams app does what the v3 app does).
        assert_eq!(
            a.features.features,
            vec![Feature::MailRead, Feature::CalendarWrite]
        );
    }

    #[test]
    fn teams_audit_request_carries_the_features() {
        let mut a = Answers::default();
        a.replace_features(
            PathId::Teams,
            &[
                Feature::MailRead,
                Feature::CalendarWrite,
                Feature::ContactsRead,
            ],
        )
        .unwrap();
        a.apply(
            None,
            AnswerUpdate::CallbackUris(vec!["https://app.example.com/cb".into()]),
        )
        .unwrap();
        let r = a.audit_request(PathId::Teams).unwrap();
        assert_eq!(r.path, AuditPath::Teams);
        assert_eq!(
            r.features,
            vec![
                Feature::MailRead,
                Feature::CalendarWrite,
                Feature::ContactsRead
            ]
        );
        // The customer's own callback URIs are a v3 matter.
        assert!(r.callback_uris.is_empty());
        let plan = a.scope_plan(PathId::Teams).unwrap();
        for s in [
            "Mail.Read",
            "Calendars.ReadWrite",
            "Contacts.Read",
            "OnlineMeetings.ReadWrite",
        ] {
            assert!(plan.scope_names.iter().any(|n| n == s), "{s}");
        }
    }

    #[test]
    fn path_answers_say_what_the_window_shows() {
        let a = Answers::default();
        let v3 = a.for_path(PathId::V3);
        assert!(v3.needs_features && v3.uses_callback_uris);
        assert_eq!(v3.region, Region::Us);
        let teams = a.for_path(PathId::Teams);
        assert!(teams.needs_features && !teams.uses_callback_uris);
        assert_eq!(teams.audit_path, AuditPath::Teams);
        assert!(!a.for_path(PathId::V2Events).needs_features);
    }

    #[test]
    fn format_1_answers_migrate() {
        let map = json!({
            "features.preset": "email-client",
            "features.list": ["mail-modify", "mail-send"],
            "features.v2-events.list": ["calendar-read", "mail-read"],
            "region.region": "eu",
            "region.callback_uris": ["https://app.example.com/cb"],
            "azure-app.tenancy": "single",
            "azure-app.tenant": "contoso.com",
            "azure-app.last_check": {"display_name": "X", "checked_at": "2026-11-22T08:40:24Z", "fail": 1, "warn": 0, "pass": 12},
            "region.region_typo": "us",
            "azure-app.tenancy_bad": 3
        });
        let (a, dropped) = from_v1_map(json!(map).as_object().unwrap());
        assert_eq!(a.features.preset, Some(Preset::EmailClient));
        assert_eq!(a.v2_features.features, vec![Feature::CalendarRead]);
        assert_eq!(a.region, Some(Region::Eu));
        assert_eq!(a.tenancy, Some(Tenancy::Single));
        assert_eq!(a.tenant.as_deref(), Some("contoso.com"));
        assert_eq!(a.last_check.as_ref().unwrap().fail, 1);
        assert_eq!(dropped, vec!["azure-app.tenancy_bad", "region.region_typo"]);
    }

    #[test]
    fn answers_files_are_read_and_checked() {
        // A plain answers file (as a TOML one reads once turned into JSON).
        let f = AnswersFile::from_value(json!({
            "path": "migrate",
            "features": {"preset": "email-client"},
            "region": "eu",
            "tenant": " contoso.com "
        }))
        .unwrap();
        assert_eq!(f.path, Some(PathId::Migrate));
        let a = f.answers.validated(PathId::Migrate).unwrap();
        assert_eq!(
            a.features.features,
            vec![Feature::MailModify, Feature::MailSend]
        );
        assert_eq!(a.tenant.as_deref(), Some("contoso.com"));
        // A typo is an error, never a silently dropped answer.
        let err = AnswersFile::from_value(json!({"regoin": "eu"})).unwrap_err();
        assert!(err.message.contains("regoin"), "{err:?}");
        // Bad values are refused as in the window.
        let f =
            AnswersFile::from_value(json!({"v2_features": {"features": ["mail-read"]}})).unwrap();
        assert!(f.answers.validated(PathId::V2Events).is_err());
        // The window's own progress file, format 1 or current.
        let f = AnswersFile::from_value(json!({
            "version": 1, "path": "v3", "step": "region", "practice": false,
            "answers": {"features.preset": "read-only-inbox", "region.region": "eu"},
            "step_status": {}
        }))
        .unwrap();
        assert_eq!(f.path, Some(PathId::V3));
        assert_eq!(f.answers.region, Some(Region::Eu));
        let err = AnswersFile::from_value(json!({"version": 99})).unwrap_err();
        assert!(err.message.contains("newer version"), "{err:?}");
    }

    #[test]
    fn update_wire_format() {
        let u: AnswerUpdate = serde_json::from_value(
            json!({"key": "feature", "value": {"feature": "mail-read", "on": true}}),
        )
        .unwrap();
        assert_eq!(
            u,
            AnswerUpdate::Feature {
                feature: Feature::MailRead,
                on: true
            }
        );
        let u: AnswerUpdate =
            serde_json::from_value(json!({"key": "tenant", "value": null})).unwrap();
        assert_eq!(u, AnswerUpdate::Tenant(None));
        assert!(serde_json::from_value::<AnswerUpdate>(
            json!({"key": "client_secret", "value": "x"})
        )
        .is_err());
    }
}
