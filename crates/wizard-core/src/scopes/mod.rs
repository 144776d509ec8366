//! Features → least-privilege Microsoft Graph scopes, per path. Sources, all
//! Nylas documentation: "Microsoft Graph scopes" (v3), "Create a Microsoft
//! Teams integration" (Teams), "Enable Microsoft Graph Events permissions in
//! Nylas v2" (v2 Graph events), and the connector examples of the Nylas v3
//! API reference (which request `User.Read`).

mod features;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use features::{choices, Feature, FeatureChoice, FeatureChoices, Preset, PresetChoice};
// A scope plan is made for an audit path; re-exported for callers of `plan`.
use crate::paths::AuditPath;

use crate::catalog::{self, PermissionKind};
use crate::error::{Result, WizardError};

/// One delegated permission the app registration should list, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScopeRequirement {
    /// The permission's name, e.g. `Mail.Read`.
    pub name: String,
    /// Its GUID on `resource`.
    pub id: String,
    /// Resource app id (Microsoft Graph for everything Nylas v3 needs).
    pub resource: String,
    /// The portal's name for the resource ("Microsoft Graph").
    pub resource_name: String,
    /// One plain sentence: why Nylas needs it.
    pub reason: String,
    /// True when only an administrator can consent to it.
    pub admin_consent: bool,
    /// The chosen features that need it (empty for always-needed scopes).
    pub features: Vec<Feature>,
    /// Wider scopes that also work ("wider scope that also works" in
    /// Nylas's "Microsoft Graph scopes" documentation, less `People.Read`:
    /// see [`also_works`]).
    pub also_satisfied_by: Vec<String>,
}

/// The scopes an app needs for a path and a set of features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScopePlan {
    pub path: AuditPath,
    pub preset: Option<Preset>,
    /// The features after expanding the preset, in a stable order.
    pub features: Vec<Feature>,
    /// Delegated Microsoft Graph scopes the app must have.
    pub required: Vec<ScopeRequirement>,
    /// Scopes to leave in place if present, never to flag (Teams keeps EWS/EAS).
    pub keep: Vec<ScopeRequirement>,
    /// The scope names to give Nylas (connector `scope` or the auth request).
    pub scope_names: Vec<String>,
    /// Plain sentences the admin should know before choosing.
    pub notes: Vec<String>,
}

/// Sign-in basics that never count as over-broad: they only identify the
/// user. None of them is required in the registration except `User.Read`
/// (every plan) and `offline_access` (its own check): `openid` and
/// `profile` are OpenID Connect scopes asked for at sign-in, which the
/// portal doesn't add and Nylas's guides don't ask the admin to add.
pub const SIGN_IN_SCOPES: [&str; 5] = ["openid", "profile", "email", "offline_access", "User.Read"];

/// The scopes every plan requires, whatever the features: `User.Read`
/// (sign-in and profile; every Nylas connector and Teams example requests
/// it, and without it Microsoft can refuse sign-in with AADSTS90008) and
/// `offline_access` (the refresh token).
pub const ALWAYS_REQUIRED: [&str; 2] = ["User.Read", "offline_access"];

/// Wider delegated scopes that satisfy a narrower requirement, per the "wider
/// scope that also works" column of Nylas's "Microsoft Graph scopes"
/// documentation and its `.Shared` section. Contacts.Read also accepts
/// Contacts.ReadWrite, which contains it by definition. `People.Read` is
/// deliberately absent although that table lists it for reading contacts:
/// it reads another Graph resource (`/me/people`, people the user works
/// with), not the user's contacts (`/me/contacts`), so neither stands in for
/// the other.
pub fn also_works(scope: &str) -> &'static [&'static str] {
    match scope {
        "Mail.Read" => &[
            "Mail.ReadWrite",
            "Mail.Read.Shared",
            "Mail.ReadWrite.Shared",
        ],
        "Mail.ReadWrite" => &["Mail.ReadWrite.Shared"],
        "Mail.Read.Shared" => &["Mail.ReadWrite.Shared"],
        "Calendars.Read" => &[
            "Calendars.ReadWrite",
            "Calendars.Read.Shared",
            "Calendars.ReadWrite.Shared",
        ],
        "Calendars.ReadWrite" => &["Calendars.ReadWrite.Shared"],
        "Calendars.Read.Shared" => &["Calendars.ReadWrite.Shared"],
        "Contacts.Read" => &["Contacts.ReadWrite"],
        _ => &[],
    }
}

/// Within one family a read-write scope makes the read scope redundant in a
/// plan (picking "read" and "modify" mail gives `Mail.ReadWrite` only).
fn superseded_by(scope: &str) -> Option<&'static str> {
    match scope {
        "Mail.Read" => Some("Mail.ReadWrite"),
        "Mail.Read.Shared" => Some("Mail.ReadWrite.Shared"),
        "Calendars.Read" => Some("Calendars.ReadWrite"),
        "Calendars.Read.Shared" => Some("Calendars.ReadWrite.Shared"),
        "Contacts.Read" => Some("Contacts.ReadWrite"),
        _ => None,
    }
}

/// Why Nylas needs a scope, in one sentence.
pub fn reason(scope: &str) -> &'static str {
    match scope {
        "offline_access" => "Lets Nylas refresh access so connections keep working after the first hour.",
        "User.Read" => "Lets the user sign in and lets Nylas read their basic profile.",
        "openid" => "Lets the user sign in.",
        "profile" => "Lets Nylas see the user's name during sign-in.",
        "Mail.Read" => "Lets Nylas read messages and attachments.",
        "Mail.ReadWrite" => "Lets Nylas update and delete messages, drafts and folders.",
        "Mail.Send" => "Lets Nylas send email as the user.",
        "Mail.Read.Shared" => "Lets Nylas read shared or delegated mailboxes.",
        "Mail.ReadWrite.Shared" => "Lets Nylas change messages in shared or delegated mailboxes.",
        "Mail.Send.Shared" => "Lets Nylas send email from shared or delegated mailboxes.",
        "Calendars.Read" => "Lets Nylas read calendars and free/busy.",
        "Calendars.ReadWrite" => "Lets Nylas create and update events.",
        "Calendars.Read.Shared" => "Lets Nylas read shared or delegated calendars.",
        "Calendars.ReadWrite.Shared" => "Lets Nylas manage shared or delegated calendars.",
        "Contacts.Read" => "Lets Nylas read the user's contacts.",
        "Contacts.ReadWrite" => "Lets Nylas create and update the user's contacts.",
        "Place.Read.All" => "Lets Nylas list bookable rooms and equipment.",
        "People.Read" => "Lets Nylas use the inbox and domain contact sources.",
        "OnlineMeetings.ReadWrite" => "Lets Nylas create Teams meetings for events.",
        "EWS.AccessAsUser.All" | "EAS.AccessAsUser.All" => {
            "Nylas asks for it during Teams sign-in while it moves services to Microsoft Graph; keep it."
        }
        "email" => "Lets Nylas see the user's email address during sign-in.",
        _ => "Needed by the features you picked.",
    }
}

fn scopes_for(path: AuditPath, feature: Feature, all: &[Feature]) -> &'static [&'static str] {
    let modify = all.contains(&Feature::MailModify);
    let send = all.contains(&Feature::MailSend);
    let writes_events =
        all.contains(&Feature::CalendarWrite) || all.contains(&Feature::Conferencing);
    match feature {
        Feature::MailRead => &["Mail.Read"],
        Feature::MailModify => &["Mail.ReadWrite"],
        // Nylas's Teams integration guide: "Send: Mail.ReadWrite and Mail.Send".
        Feature::MailSend if path == AuditPath::Teams => &["Mail.ReadWrite", "Mail.Send"],
        Feature::MailSend => &["Mail.Send"],
        Feature::CalendarRead => &["Calendars.Read"],
        Feature::CalendarWrite => &["Calendars.ReadWrite"],
        // Nylas's Microsoft Graph scopes documentation: conferencing
        // autocreate requests OnlineMeetings.ReadWrite alongside
        // Calendars.ReadWrite.
        Feature::Conferencing => &["Calendars.ReadWrite", "OnlineMeetings.ReadWrite"],
        Feature::ContactsRead => &["Contacts.Read"],
        Feature::ContactsWrite => &["Contacts.ReadWrite"],
        Feature::Rooms => &["Place.Read.All"],
        Feature::People => &["People.Read"],
        // Sending from a shared mailbox needs its own .Shared scope: Mail.Send
        // covers the user's own mailbox only.
        Feature::SharedMailbox => match (modify, send) {
            (true, true) => &["Mail.ReadWrite.Shared", "Mail.Send.Shared"],
            (true, false) => &["Mail.ReadWrite.Shared"],
            (false, true) => &["Mail.Read.Shared", "Mail.Send.Shared"],
            (false, false) => &["Mail.Read.Shared"],
        },
        // Nylas's v2 Graph events guide asks for Calendars.ReadWrite.Shared
        // for shared calendars, whatever else the app does.
        Feature::SharedCalendar if path == AuditPath::V2Events => &["Calendars.ReadWrite.Shared"],
        // Reading calendars only: reading shared ones is enough.
        Feature::SharedCalendar if !writes_events && all.contains(&Feature::CalendarRead) => {
            &["Calendars.Read.Shared"]
        }
        Feature::SharedCalendar => &["Calendars.ReadWrite.Shared"],
    }
}

/// Features a path can't do without: Teams meetings are added to events, so
/// the Teams path needs calendar-write.
pub fn required_features(path: AuditPath) -> &'static [Feature] {
    match path {
        AuditPath::Teams => &[Feature::CalendarWrite],
        AuditPath::V3 | AuditPath::V2Events => &[],
    }
}

/// Features a path doesn't offer: v2 uses Microsoft Graph for calendars
/// only, and the Teams path always includes Teams meetings (so its own
/// conferencing feature would add nothing).
pub fn offered(path: AuditPath, feature: Feature) -> bool {
    match path {
        AuditPath::V3 => true,
        AuditPath::Teams => feature != Feature::Conferencing,
        AuditPath::V2Events => V2_FEATURES.contains(&feature),
    }
}

/// "create or update events" → "Create or update events".
fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The plain error for a Teams choice without calendar-write.
pub fn teams_needs_calendar_write() -> WizardError {
    let presets: Vec<&str> = Preset::ALL
        .iter()
        .filter(|p| p.features().contains(&Feature::CalendarWrite))
        .map(|p| p.as_str())
        .collect();
    WizardError::invalid_input(
        "Teams meetings are added to calendar events, so Nylas needs permission to create or update events.",
    )
    .with_hint(format!(
        "Tick \"{}\" on the Features step (calendar-write on the command line), or pick a setup that includes it ({}).",
        sentence_case(Feature::CalendarWrite.label()),
        presets.join(", ")
    ))
}

/// Builds the requirement for a delegated Graph scope.
pub fn requirement(name: &str, features: Vec<Feature>) -> Option<ScopeRequirement> {
    let p = catalog::graph_scope(name)?;
    Some(requirement_from(p, features))
}

fn requirement_from(p: &catalog::Permission, features: Vec<Feature>) -> ScopeRequirement {
    ScopeRequirement {
        name: p.name.to_owned(),
        id: p.id.to_owned(),
        resource: p.resource_app_id.to_owned(),
        resource_name: catalog::resource_label(p.resource_app_id),
        reason: reason(p.name).to_owned(),
        admin_consent: p.admin_consent,
        features,
        also_satisfied_by: also_works(p.name).iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Nylas v2 uses Microsoft Graph for calendars only (Nylas's v2 Graph
/// events documentation).
pub const V2_FEATURES: [Feature; 3] = [
    Feature::CalendarRead,
    Feature::CalendarWrite,
    Feature::SharedCalendar,
];

/// The scope plan for a path, a preset and/or a list of features (both may
/// be given; they are merged).
pub fn plan(path: AuditPath, preset: Option<Preset>, features: &[Feature]) -> Result<ScopePlan> {
    let mut chosen: Vec<Feature> = preset.map(|p| p.features().to_vec()).unwrap_or_default();
    chosen.extend_from_slice(features);
    chosen.sort();
    chosen.dedup();
    let mut notes = Vec::new();

    match path {
        AuditPath::V3 if chosen.is_empty() => {
            return Err(WizardError::invalid_input(
                "Pick at least one feature or a preset so we know which permissions your app needs.",
            )
            .with_hint(format!(
                "Presets: {}.",
                crate::names::list::<Preset>()
            )));
        }
        AuditPath::V2Events => {
            if let Some(f) = chosen.iter().find(|f| !V2_FEATURES.contains(f)) {
                return Err(WizardError::invalid_input(format!(
                    "Nylas v2 uses Microsoft Graph for calendars and events only, so \"{}\" isn't available on this path.",
                    f.as_str()
                ))
                .with_hint("Use calendar-read, calendar-write or shared-calendar, or choose the v3 path."));
            }
            if chosen.is_empty() {
                // The v2 native-auth `calendar` scope is read-write.
                chosen.push(Feature::CalendarWrite);
                notes.push("Nylas v2's \"calendar\" scope reads and writes events, so we planned for calendar-write.".into());
            }
            if chosen.contains(&Feature::SharedCalendar) {
                notes.push("Shared calendars need two authorizations per refresh token: one for email and contacts, one for calendar. Each creates a separate Nylas account, which affects webhooks and billing.".into());
            }
            notes.push("Keep your app's EWS and EAS permissions: on Nylas v2, email and contacts still go through them, and only events use Microsoft Graph.".into());
        }
        AuditPath::Teams => {
            if !chosen.contains(&Feature::CalendarWrite) {
                return Err(teams_needs_calendar_write());
            }
            notes.push("OnlineMeetings.ReadWrite is what lets Nylas create the Teams meetings; it comes on top of the permissions of what your app does.".into());
        }
        AuditPath::V3 => {}
    }

    // Scope name → features that need it, in first-seen order.
    let mut wanted: Vec<(&'static str, Vec<Feature>)> = Vec::new();
    let mut add = |name: &'static str, f: Option<Feature>| match wanted
        .iter_mut()
        .find(|(n, _)| *n == name)
    {
        Some((_, fs)) => fs.extend(f),
        None => wanted.push((name, f.into_iter().collect())),
    };
    for &f in &chosen {
        for s in scopes_for(path, f, &chosen) {
            add(s, Some(f));
        }
    }
    // Nylas's Teams integration guide: the Teams meetings permission, on top
    // of the features' permissions. (Its sign-in example also asks for
    // openid and profile, which need no entry in the registration.)
    if path == AuditPath::Teams {
        add("OnlineMeetings.ReadWrite", None);
    }
    for s in ALWAYS_REQUIRED {
        add(s, None);
    }

    // Fold a read scope into its read-write sibling when both are planned.
    let names: Vec<&str> = wanted.iter().map(|(n, _)| *n).collect();
    let mut folded: Vec<(&'static str, Vec<Feature>)> = Vec::new();
    for (name, fs) in wanted {
        match superseded_by(name).filter(|w| names.contains(w)) {
            Some(wider) => folded.push((wider, fs)),
            None => folded.push((name, fs)),
        }
    }
    let mut required: Vec<ScopeRequirement> = Vec::new();
    for (name, fs) in folded {
        match required.iter_mut().find(|r| r.name == name) {
            Some(r) => {
                r.features.extend(fs);
                r.features.sort();
                r.features.dedup();
            }
            None => {
                required.push(requirement(name, fs).expect("planned scopes are in the catalog"))
            }
        }
    }

    let keep = if path == AuditPath::Teams {
        notes.push("Don't remove existing EWS or EAS permissions: Nylas still asks for them during Teams sign-in.".into());
        ["EWS.AccessAsUser.All", "EAS.AccessAsUser.All"]
            .iter()
            .filter_map(|n| requirement(n, vec![]))
            .collect()
    } else {
        Vec::new()
    };
    if required.iter().any(|r| r.admin_consent) {
        notes.push(
            "Some of these permissions need an administrator's consent before anyone can connect."
                .into(),
        );
    }
    notes.push("Adding a permission later makes every connected user sign in again, so pick everything you need now.".into());

    let mut scope_names: Vec<String> = required.iter().map(|r| r.name.clone()).collect();
    scope_names.extend(keep.iter().map(|r| r.name.clone()));
    Ok(ScopePlan {
        path,
        preset,
        features: chosen,
        required,
        keep,
        scope_names,
        notes,
    })
}

/// True when `name` (a delegated Graph scope) is one Nylas may keep on this
/// path even though no feature needs it.
pub fn is_kept(plan: &ScopePlan, name: &str) -> bool {
    SIGN_IN_SCOPES.contains(&name) || plan.keep.iter().any(|k| k.name == name)
}

/// The catalog permission for a requirement, to match it on (resource, id).
pub fn permission_of(req: &ScopeRequirement) -> Option<&'static catalog::Permission> {
    catalog::lookup(&req.resource, &req.id, PermissionKind::Delegated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &ScopePlan) -> Vec<&str> {
        p.required.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn presets_match_the_nylas_scope_table() {
        // The table's scopes, plus User.Read, which Nylas's connector
        // examples request as well.
        let cases = [
            (
                Preset::ReadOnlyInbox,
                vec!["Mail.Read", "User.Read", "offline_access"],
            ),
            (
                Preset::EmailClient,
                vec!["Mail.ReadWrite", "Mail.Send", "User.Read", "offline_access"],
            ),
            (
                Preset::CalendarScheduler,
                vec!["Calendars.ReadWrite", "User.Read", "offline_access"],
            ),
            (
                Preset::ContactsSync,
                vec!["Contacts.Read", "User.Read", "offline_access"],
            ),
            (
                Preset::MailCalendar,
                vec![
                    "Mail.ReadWrite",
                    "Mail.Send",
                    "Calendars.ReadWrite",
                    "User.Read",
                    "offline_access",
                ],
            ),
        ];
        for (preset, want) in cases {
            let p = plan(AuditPath::V3, Some(preset), &[]).unwrap();
            assert_eq!(names(&p), want, "{preset:?}");
        }
    }

    #[test]
    fn read_folds_into_read_write() {
        let p = plan(
            AuditPath::V3,
            None,
            &[Feature::MailRead, Feature::MailModify],
        )
        .unwrap();
        assert_eq!(names(&p), ["Mail.ReadWrite", "User.Read", "offline_access"]);
        assert_eq!(
            p.required[0].features,
            [Feature::MailRead, Feature::MailModify]
        );
    }

    #[test]
    fn teams_base_and_keep() {
        let p = plan(AuditPath::Teams, None, &[Feature::CalendarWrite]).unwrap();
        assert_eq!(
            names(&p),
            [
                "Calendars.ReadWrite",
                "OnlineMeetings.ReadWrite",
                "User.Read",
                "offline_access",
            ]
        );
        let keep: Vec<_> = p.keep.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(keep, ["EWS.AccessAsUser.All", "EAS.AccessAsUser.All"]);
        // Without calendar-write there is no Teams plan, in plain words.
        let e = plan(AuditPath::Teams, None, &[]).unwrap_err();
        assert!(e.message.contains("create or update events"), "{e:?}");
        assert!(e
            .hint
            .unwrap()
            .contains("calendar-scheduler, mail-calendar"));
    }

    #[test]
    fn v3_needs_features_and_v2_is_calendar_only() {
        assert!(plan(AuditPath::V3, None, &[]).is_err());
        assert!(plan(AuditPath::V2Events, None, &[Feature::MailRead]).is_err());
        let p = plan(AuditPath::V2Events, None, &[]).unwrap();
        assert_eq!(
            names(&p),
            ["Calendars.ReadWrite", "User.Read", "offline_access"]
        );
    }

    #[test]
    fn rooms_need_admin_consent_and_shared_mailbox_follows_modify() {
        let p = plan(AuditPath::V3, None, &[Feature::Rooms]).unwrap();
        assert!(p.required[0].admin_consent);
        let p = plan(
            AuditPath::V3,
            None,
            &[Feature::MailModify, Feature::SharedMailbox],
        )
        .unwrap();
        assert_eq!(
            names(&p),
            [
                "Mail.ReadWrite",
                "Mail.ReadWrite.Shared",
                "User.Read",
                "offline_access"
            ]
        );
    }

    #[test]
    fn offered_features_per_path() {
        assert!(Feature::ALL.iter().all(|f| offered(AuditPath::V3, *f)));
        assert!(!offered(AuditPath::Teams, Feature::Conferencing));
        assert!(offered(AuditPath::Teams, Feature::MailSend));
        let v2: Vec<_> = Feature::ALL
            .into_iter()
            .filter(|f| offered(AuditPath::V2Events, *f))
            .collect();
        assert_eq!(v2, V2_FEATURES);
        assert_eq!(
            required_features(AuditPath::Teams),
            [Feature::CalendarWrite]
        );
        assert!(required_features(AuditPath::V3).is_empty());
    }

    #[test]
    fn parses_lists_with_helpful_errors() {
        assert_eq!(
            Feature::parse_list(" mail-read, MAIL-SEND ,,").unwrap(),
            [Feature::MailRead, Feature::MailSend]
        );
        let e = Feature::parse_list("mail-read,calendar").unwrap_err();
        assert!(e.hint.unwrap().contains("calendar-write"));
        assert!("teams".parse::<Preset>().is_err());
        assert_eq!(
            serde_json::to_value(AuditPath::V2Events).unwrap(),
            "v2-events"
        );
    }
}
