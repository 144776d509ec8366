//! Nylas v2 scopes → the least-privilege Microsoft Graph scopes of a v3 app
//! (issue 12, path D point 1; seed 002 step 1: "translate your old v2
//! scopes").
//!
//! Each v2 scope becomes the Features step's features, and the Features
//! step's own plan (`scopes::plan` for v3) turns those into Graph scopes with
//! its reasons, so both steps explain a permission in the same words and the
//! Azure app step audits the new app against exactly that plan. Meanings of
//! the v2 scopes: Nylas's "Authentication scopes in Nylas v2", "Calendar
//! scopes in v2" and "v2 Contacts scopes" pages; the enum is the v2 SDKs'
//! (`nylas-nodejs@v6.11.1:src/models/connect.ts`) plus `calendar.free_busy`,
//! which only the calendar page lists.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::names;
use crate::paths::AuditPath;
use crate::scopes::{self, Feature, ScopePlan};

/// One Nylas v2 scope, as the v2 `scopes` string spells it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
    strum::EnumCount,
)]
#[ts(export)]
pub enum V2Scope {
    #[serde(rename = "email")]
    #[strum(serialize = "email")]
    Email,
    #[serde(rename = "email.modify")]
    #[strum(serialize = "email.modify")]
    EmailModify,
    #[serde(rename = "email.read_only")]
    #[strum(serialize = "email.read_only")]
    EmailReadOnly,
    #[serde(rename = "email.send")]
    #[strum(serialize = "email.send")]
    EmailSend,
    #[serde(rename = "email.folders_and_labels")]
    #[strum(serialize = "email.folders_and_labels")]
    EmailFoldersAndLabels,
    #[serde(rename = "email.metadata")]
    #[strum(serialize = "email.metadata")]
    EmailMetadata,
    #[serde(rename = "email.drafts")]
    #[strum(serialize = "email.drafts")]
    EmailDrafts,
    #[serde(rename = "calendar")]
    #[strum(serialize = "calendar")]
    Calendar,
    #[serde(rename = "calendar.read_only")]
    #[strum(serialize = "calendar.read_only")]
    CalendarReadOnly,
    #[serde(rename = "calendar.free_busy")]
    #[strum(serialize = "calendar.free_busy")]
    CalendarFreeBusy,
    #[serde(rename = "room_resources.read_only")]
    #[strum(serialize = "room_resources.read_only")]
    RoomResourcesReadOnly,
    #[serde(rename = "contacts")]
    #[strum(serialize = "contacts")]
    Contacts,
    #[serde(rename = "contacts.read_only")]
    #[strum(serialize = "contacts.read_only")]
    ContactsReadOnly,
}

impl V2Scope {
    /// Every v2 scope, in the order of Nylas's v2 scope tables.
    pub const ALL: [V2Scope; V2Scope::COUNT] = names::array(V2Scope::VARIANTS);

    /// The name in the v2 `scopes` string.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What it allowed on v2, in the admin's words (Nylas's v2 tables).
    pub fn meaning(self) -> &'static str {
        match self {
            V2Scope::Email => "send and change messages, threads and attachments",
            V2Scope::EmailModify => "read and change messages, folders and labels (no sending)",
            V2Scope::EmailReadOnly => "read messages, threads, attachments and drafts",
            V2Scope::EmailSend => "send messages only",
            V2Scope::EmailFoldersAndLabels => "read and change folders or labels",
            V2Scope::EmailMetadata => "read message headers and labels, not bodies",
            V2Scope::EmailDrafts => "read and change drafts (no sending)",
            V2Scope::Calendar => "read and change calendars and events",
            V2Scope::CalendarReadOnly => "read calendars and events",
            V2Scope::CalendarFreeBusy => "read free/busy times",
            V2Scope::RoomResourcesReadOnly => "read room resources",
            V2Scope::Contacts => "read and change contacts",
            V2Scope::ContactsReadOnly => "read contacts",
        }
    }

    /// The Features step's features that do the same on v3.
    pub fn features(self) -> &'static [Feature] {
        match self {
            V2Scope::Email => &[Feature::MailModify, Feature::MailSend],
            V2Scope::EmailModify | V2Scope::EmailFoldersAndLabels | V2Scope::EmailDrafts => {
                &[Feature::MailModify]
            }
            V2Scope::EmailReadOnly | V2Scope::EmailMetadata => &[Feature::MailRead],
            V2Scope::EmailSend => &[Feature::MailSend],
            V2Scope::Calendar => &[Feature::CalendarWrite],
            V2Scope::CalendarReadOnly | V2Scope::CalendarFreeBusy => &[Feature::CalendarRead],
            V2Scope::RoomResourcesReadOnly => &[Feature::Rooms],
            V2Scope::Contacts => &[Feature::ContactsWrite],
            V2Scope::ContactsReadOnly => &[Feature::ContactsRead],
        }
    }

    /// What the admin should know about this translation, when it isn't
    /// one-to-one.
    pub fn note(self) -> Option<&'static str> {
        match self {
            V2Scope::EmailMetadata => Some("Nylas v3 reads message headers with Mail.Read: its Microsoft Graph scopes documentation lists no headers-only permission."),
            V2Scope::RoomResourcesReadOnly => Some("Listing rooms on Microsoft needs an administrator's consent, as it did on v2."),
            _ => None,
        }
    }
}

impl std::str::FromStr for V2Scope {
    type Err = WizardError;
    fn from_str(s: &str) -> Result<Self> {
        names::parse(s).ok_or_else(|| unknown(&[s.trim().to_string()]))
    }
}

/// A v2 scope as the Permissions step offers it (to tick).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct V2ScopeChoice {
    pub id: V2Scope,
    pub meaning: String,
}

/// The v2 scopes to tick, in the v2 tables' order.
pub fn v2_scope_choices() -> Vec<V2ScopeChoice> {
    V2Scope::ALL
        .iter()
        .map(|s| V2ScopeChoice {
            id: *s,
            meaning: s.meaning().to_string(),
        })
        .collect()
}

/// How one v2 scope translates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct V2ScopeMapping {
    pub v2: V2Scope,
    /// What it allowed on v2.
    pub meaning: String,
    /// The Features step's features that do the same on v3.
    pub features: Vec<Feature>,
    /// The Graph scopes of the plan that cover it (after folding a read
    /// scope into its read-write sibling).
    pub graph_scopes: Vec<String>,
    pub note: Option<String>,
}

/// One Graph scope of the translation, with the Features step's reason and
/// the v2 scopes it comes from (none for the always-needed ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TranslatedScope {
    pub name: String,
    pub reason: String,
    pub admin_consent: bool,
    pub from_v2: Vec<V2Scope>,
}

/// v2 scopes → the v3 app's Graph scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScopeTranslation {
    /// The Graph scope names, least privilege, `offline_access` included.
    pub scopes: Vec<String>,
    /// Each Graph scope with why Nylas needs it.
    pub details: Vec<TranslatedScope>,
    /// The v2 scopes read, each once, in the v2 tables' order.
    pub v2_scopes: Vec<V2Scope>,
    pub mapping: Vec<V2ScopeMapping>,
    /// The v3 features they become: the answer the Azure app step checks.
    pub features: Vec<Feature>,
    /// The Features step's plan for those features (its reasons, admin
    /// consent, wider scopes that also work).
    pub plan: ScopePlan,
    /// Plain sentences to read before creating the new app.
    pub notes: Vec<String>,
}

/// Every v2 scope named in a pasted `scopes` string (commas, spaces or new
/// lines between them; quotes around the whole string are ignored). Every
/// name that isn't a v2 scope is named in one error, never dropped.
pub fn parse_v2_scopes(text: &str) -> Result<Vec<V2Scope>> {
    let mut found = Vec::new();
    let mut bad = Vec::new();
    let parts = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|p| p.trim_matches(|c| matches!(c, '"' | '\'' | '[' | ']')))
        .filter(|p| !p.is_empty());
    for p in parts {
        match names::parse::<V2Scope>(p) {
            Some(s) if !found.contains(&s) => found.push(s),
            Some(_) => {}
            None if !bad.iter().any(|b: &String| b == p) => bad.push(p.to_string()),
            None => {}
        }
    }
    if !bad.is_empty() {
        return Err(unknown(&bad));
    }
    if found.is_empty() {
        return Err(nothing_to_translate());
    }
    Ok(found)
}

fn nothing_to_translate() -> WizardError {
    WizardError::invalid_input("There are no v2 scopes to translate yet.")
        .with_hint("Tick the scopes your v2 app asks for, or paste its scopes string, for example email.read_only,calendar.")
}

/// The error for names that aren't v2 scopes: each one named, with a
/// pointer when it is a Microsoft permission rather than a Nylas v2 scope.
fn unknown(bad: &[String]) -> WizardError {
    let quoted: Vec<String> = bad.iter().map(|b| format!("\"{b}\"")).collect();
    let message = match quoted.as_slice() {
        [one] => format!("{one} is not a Nylas v2 scope."),
        many => format!("These are not Nylas v2 scopes: {}.", many.join(", ")),
    };
    let looks_microsoft = bad.iter().any(|b| {
        b.contains("://") || b.contains("AccessAsUser") || crate::catalog::graph_scope(b).is_some()
    });
    let hint = if looks_microsoft {
        format!("That is a Microsoft permission, not a Nylas v2 scope. Enter the scopes your app sends to Nylas v2 (its \"scopes\" string): {}.", names::list::<V2Scope>())
    } else {
        format!(
            "Nylas v2 scopes are: {}. Check the spelling in your v2 app's \"scopes\" string.",
            names::list::<V2Scope>()
        )
    };
    WizardError::invalid_input(message).with_hint(hint)
}

/// Translates v2 scopes (ticked, or a pasted string parsed with
/// [`parse_v2_scopes`]) into the v3 app's least-privilege Graph scopes.
pub fn translate(v2: &[V2Scope]) -> Result<ScopeTranslation> {
    let v2_scopes: Vec<V2Scope> = V2Scope::ALL
        .into_iter()
        .filter(|s| v2.contains(s))
        .collect();
    if v2_scopes.is_empty() {
        return Err(nothing_to_translate());
    }
    let mut features: Vec<Feature> = v2_scopes
        .iter()
        .flat_map(|s| s.features().iter().copied())
        .collect();
    features.sort();
    features.dedup();
    // The preset as the answers keep it, so this is the very plan the
    // Azure app step's audit uses (`Answers::scope_plan`).
    let preset = crate::answers::FeatureAnswer::of(&features).preset;
    let plan = scopes::plan(AuditPath::V3, preset, &features)?;
    let mapping: Vec<V2ScopeMapping> = v2_scopes
        .iter()
        .map(|s| V2ScopeMapping {
            v2: *s,
            meaning: s.meaning().to_string(),
            features: s.features().to_vec(),
            graph_scopes: plan
                .required
                .iter()
                .filter(|r| r.features.iter().any(|f| s.features().contains(f)))
                .map(|r| r.name.clone())
                .collect(),
            note: s.note().map(str::to_string),
        })
        .collect();
    let details: Vec<TranslatedScope> = plan
        .required
        .iter()
        .map(|r| TranslatedScope {
            name: r.name.clone(),
            reason: r.reason.clone(),
            admin_consent: r.admin_consent,
            from_v2: mapping
                .iter()
                .filter(|m| m.graph_scopes.contains(&r.name))
                .map(|m| m.v2)
                .collect(),
        })
        .collect();
    let mut notes = vec![
        "Nylas v3 uses Microsoft Graph only: every user whose v2 account didn't use Graph signs in again to accept these permissions.".to_string(),
        "Put these on a new Azure app (Nylas's migration guide): remove nothing from the v2 app while v2 still runs.".to_string(),
    ];
    notes.extend(mapping.iter().filter_map(|m| m.note.clone()));
    notes.extend(plan.notes.iter().cloned());
    Ok(ScopeTranslation {
        scopes: plan.scope_names.clone(),
        details,
        v2_scopes,
        mapping,
        features,
        plan,
        notes,
    })
}

/// [`parse_v2_scopes`] then [`translate`].
pub fn translate_text(text: &str) -> Result<ScopeTranslation> {
    translate(&parse_v2_scopes(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(t: &ScopeTranslation) -> Vec<&str> {
        t.scopes.iter().map(String::as_str).collect()
    }

    #[test]
    fn v2_scope_names_match_serde() {
        names::assert_matches_serde::<V2Scope>();
        assert_eq!(V2Scope::ALL.len(), 13);
        assert_eq!(V2Scope::EmailReadOnly.as_str(), "email.read_only");
    }

    #[test]
    fn the_issue_s_example_translates_to_mail_read_and_calendars_read_write() {
        let t = translate_text("email.read_only,calendar").unwrap();
        assert_eq!(
            names_of(&t),
            [
                "Mail.Read",
                "Calendars.ReadWrite",
                "User.Read",
                "offline_access"
            ]
        );
        assert_eq!(t.features, [Feature::MailRead, Feature::CalendarWrite]);
        assert_eq!(t.details[0].from_v2, [V2Scope::EmailReadOnly]);
        assert_eq!(t.details[1].from_v2, [V2Scope::Calendar]);
        // The always-needed ones come from no v2 scope, and say why.
        assert!(t.details[3].from_v2.is_empty());
        assert_eq!(t.details[3].reason, scopes::reason("offline_access"));
        // The very plan the answers give the Azure app step on path D, so
        // the same reasons as the Features step's.
        let answers = crate::answers::Answers {
            features: crate::answers::FeatureAnswer::of(&t.features),
            ..Default::default()
        };
        let features_plan = answers.scope_plan(crate::paths::PathId::Migrate).unwrap();
        assert_eq!(t.plan, features_plan);
        assert_eq!(t.details[0].reason, features_plan.required[0].reason);
    }

    #[test]
    fn every_v2_scope_translates_alone_to_the_least_privilege_scope() {
        let want = [
            (V2Scope::Email, vec!["Mail.ReadWrite", "Mail.Send"]),
            (V2Scope::EmailModify, vec!["Mail.ReadWrite"]),
            (V2Scope::EmailReadOnly, vec!["Mail.Read"]),
            (V2Scope::EmailSend, vec!["Mail.Send"]),
            (V2Scope::EmailFoldersAndLabels, vec!["Mail.ReadWrite"]),
            (V2Scope::EmailMetadata, vec!["Mail.Read"]),
            (V2Scope::EmailDrafts, vec!["Mail.ReadWrite"]),
            (V2Scope::Calendar, vec!["Calendars.ReadWrite"]),
            (V2Scope::CalendarReadOnly, vec!["Calendars.Read"]),
            (V2Scope::CalendarFreeBusy, vec!["Calendars.Read"]),
            (V2Scope::RoomResourcesReadOnly, vec!["Place.Read.All"]),
            (V2Scope::Contacts, vec!["Contacts.ReadWrite"]),
            (V2Scope::ContactsReadOnly, vec!["Contacts.Read"]),
        ];
        assert_eq!(want.len(), V2Scope::ALL.len(), "every v2 scope is covered");
        for (v2, graph) in want {
            let t = translate(&[v2]).unwrap();
            let mut expected = graph.clone();
            expected.extend(["User.Read", "offline_access"]);
            assert_eq!(names_of(&t), expected, "{v2}");
            assert_eq!(t.mapping[0].graph_scopes, graph, "{v2}");
        }
        assert!(
            translate(&[V2Scope::RoomResourcesReadOnly])
                .unwrap()
                .details[0]
                .admin_consent,
            "rooms need an admin"
        );
    }

    #[test]
    fn read_folds_into_read_write_and_both_v2_scopes_point_at_it() {
        let t = translate_text("email.read_only, email.modify, email.send").unwrap();
        assert_eq!(
            names_of(&t),
            ["Mail.ReadWrite", "Mail.Send", "User.Read", "offline_access"]
        );
        assert_eq!(
            t.details[0].from_v2,
            [V2Scope::EmailModify, V2Scope::EmailReadOnly]
        );
        // v2's `email` is the full email client.
        assert_eq!(
            translate_text("email").unwrap().plan.preset,
            Some(crate::scopes::Preset::EmailClient)
        );
    }

    #[test]
    fn pasted_strings_are_forgiving_about_spacing_case_quotes_and_repeats() {
        let t = translate_text(" \"Calendar.Read_Only ,\n contacts, contacts\" ").unwrap();
        assert_eq!(t.v2_scopes, [V2Scope::CalendarReadOnly, V2Scope::Contacts]);
        assert_eq!(
            names_of(&t),
            [
                "Calendars.Read",
                "Contacts.ReadWrite",
                "User.Read",
                "offline_access"
            ]
        );
    }

    #[test]
    fn an_unknown_v2_scope_is_an_error_naming_it_not_dropped() {
        let e = translate_text("email.read_only,calender").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput);
        assert_eq!(e.message, "\"calender\" is not a Nylas v2 scope.");
        assert!(e.hint.unwrap().contains("calendar.read_only"));
        let e = translate_text("email,mail.read,calendar,foo").unwrap_err();
        assert_eq!(
            e.message,
            "These are not Nylas v2 scopes: \"mail.read\", \"foo\"."
        );
        // A Graph permission pasted by mistake is named as such.
        let e = translate_text("Mail.Read").unwrap_err();
        assert!(e
            .hint
            .unwrap()
            .starts_with("That is a Microsoft permission"));
        let e = "https://outlook.office365.com/EAS.AccessAsUser.All"
            .parse::<V2Scope>()
            .unwrap_err();
        assert!(e
            .hint
            .unwrap()
            .starts_with("That is a Microsoft permission"));
    }

    #[test]
    fn nothing_to_translate_is_a_plain_error() {
        for text in ["", " , ,", "\"\""] {
            let e = translate_text(text).unwrap_err();
            assert_eq!(e.message, "There are no v2 scopes to translate yet.");
        }
        assert!(translate(&[]).is_err());
    }

    #[test]
    fn notes_say_who_signs_in_again_and_explain_metadata() {
        let t = translate_text("email.metadata").unwrap();
        assert!(t.notes[0].contains("signs in again"));
        assert!(t
            .notes
            .iter()
            .any(|n| n.contains("no headers-only permission")));
        assert_eq!(v2_scope_choices().len(), 13);
        assert_eq!(v2_scope_choices()[0].meaning, V2Scope::Email.meaning());
    }
}
