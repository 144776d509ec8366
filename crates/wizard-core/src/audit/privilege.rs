//! Least privilege: delegated permissions broader than the chosen features
//! need, each named with the narrower one (the least-privilege checklist in
//! Nylas's "Microsoft Graph scopes" documentation), permissions nothing
//! needs, and entries nobody can tell the meaning of (an unknown id, a
//! placeholder). Every replacement it suggests is a requirement of the plan.

use serde_json::{json, Value};

use super::permissions::{
    and_list, api_label, has_graph_scope, unrecognised, unrecognised_phrase, unseen_permissions,
};
use super::{CheckId, Ctx, Finding, FindingStatus::*};
use crate::catalog::{self, PermissionKind, AZURE_AD_GRAPH, EXCHANGE_ONLINE, GRAPH};
use crate::ids::is_guid;
use crate::paths::AuditPath;
use crate::portal::Blade;
use crate::scopes;

/// What the `.Shared` variants narrow down to when no shared feature is
/// used. Only ever suggested when the plan requires that narrower scope.
fn unshared(name: &str) -> Option<&'static str> {
    match name {
        "Mail.Read.Shared" | "Mail.ReadBasic.Shared" => Some("Mail.Read"),
        "Mail.ReadWrite.Shared" => Some("Mail.ReadWrite"),
        "Mail.Send.Shared" => Some("Mail.Send"),
        "Calendars.Read.Shared" => Some("Calendars.Read"),
        "Calendars.ReadWrite.Shared" => Some("Calendars.ReadWrite"),
        "Contacts.Read.Shared" => Some("Contacts.Read"),
        "Contacts.ReadWrite.Shared" => Some("Contacts.ReadWrite"),
        _ => None,
    }
}

/// Graph's mail and contacts permissions (what Nylas v2 still reads over
/// EWS/EAS, and what the Teams integration guide adds to a v2 app).
fn is_mail_or_contacts(name: &str) -> bool {
    name.starts_with("Mail.") || name.starts_with("Contacts.")
}

/// What to do with entries nobody can recognise, derived from the plan: a
/// mistyped copy of a permission the plan needs and the app lacks is
/// replaced by it; a needed Graph permission under a resourceAppId that
/// isn't a GUID moves under Microsoft Graph; anything else is removed (an
/// unknown id the plan might have meant: "or fix its ID"). Never suggests a
/// permission the plan doesn't need. One sentence, ending with a full stop.
fn unknown_fix(ctx: &Ctx, unknown: &[Value]) -> String {
    let plan = &ctx.plan;
    let wanted = |n: &str| {
        (plan.required.iter().any(|r| r.name == n) || plan.keep.iter().any(|k| k.name == n))
            && !has_graph_scope(ctx.app, n)
    };
    let mut replace: Vec<String> = Vec::new();
    // (resourceAppId, names) to move under Microsoft Graph.
    let mut moves: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    let mut unexplained: Vec<String> = Vec::new();
    for u in unknown {
        let id = u["id"].as_str().unwrap_or_default();
        let resource = u["resource"].as_str().unwrap_or_default();
        match u["problem"].as_str() {
            Some("invalid_resource") => match u["same_id_as"].as_str() {
                Some(n) if wanted(n) => match moves.iter_mut().find(|(r, _)| *r == resource) {
                    Some((_, ns)) if !ns.contains(&n) => ns.push(n),
                    Some(_) => {}
                    None => moves.push((resource, vec![n])),
                },
                Some(n) => remove.push(format!("{n}'s entry under \"{resource}\"")),
                None => remove.push(format!("{} under \"{resource}\"", quoted(id))),
            },
            Some("not_a_guid") => remove.push(quoted(id)),
            _ => match u["looks_like"]["name"].as_str() {
                Some(n) if wanted(n) => replace.push(format!("{id} with {n}")),
                Some(_) => remove.push(id.to_owned()),
                None => unexplained.push(id.to_owned()),
            },
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if !replace.is_empty() {
        parts.push(format!("replace {}", and_list(&replace)));
    }
    for (resource, names) in &moves {
        parts.push(format!(
            "move {} from \"{resource}\" to Microsoft Graph",
            and_list(names)
        ));
    }
    if !remove.is_empty() {
        parts.push(format!("remove {}", and_list(&remove)));
    }
    if !unexplained.is_empty() {
        parts.push(format!(
            "remove {}, or fix {} if {} meant to be a permission your features need",
            and_list(&unexplained),
            if unexplained.len() == 1 {
                "its ID"
            } else {
                "their IDs"
            },
            if unexplained.len() == 1 {
                "it was"
            } else {
                "they were"
            },
        ));
    }
    format!("{}.", parts.join("; "))
}

/// `"<your-scope-guid>"` for an id that isn't a GUID, the GUID as is.
fn quoted(id: &str) -> String {
    if is_guid(id) {
        id.to_owned()
    } else {
        format!("\"{id}\"")
    }
}

pub(super) fn least_privilege(ctx: &Ctx) -> Finding {
    let id = CheckId::LeastPrivilege;
    let app = ctx.app;
    if app.required_resource_access.is_none() {
        return unseen_permissions(ctx, id, "whether it asks for more than Nylas needs");
    }
    let plan = &ctx.plan;
    let path = ctx.req.path;
    let required = |n: &str| plan.required.iter().any(|r| r.name == n);

    // {scope, narrower?, reason}
    let mut over_broad: Vec<Value> = Vec::new();
    let mut unneeded: Vec<Value> = Vec::new();
    // EWS/EAS this path keeps (v2 Graph events, Teams), named, never flagged.
    let mut kept: Vec<&str> = Vec::new();
    for e in app
        .permissions()
        .iter()
        .filter(|e| e.kind == PermissionKind::Delegated)
    {
        let known = catalog::lookup(&e.resource_app_id, &e.id, e.kind);
        // Azure AD Graph is retired: whatever its permissions are, they can
        // go (named when the catalog knows them, by id otherwise).
        if catalog::is_retired(&e.resource_app_id) {
            unneeded.push(json!({
                "scope": known.map_or(e.id.as_str(), |p| p.name),
                "resource_name": api_label(app, AZURE_AD_GRAPH),
                "retired": true,
                "reason": "Azure AD Graph is retired, so this permission no longer works for anything, and Nylas doesn't use it.",
            }));
            continue;
        }
        let Some(p) = known else {
            continue;
        };
        let name = p.name;
        let is_ews_eas = name == "EWS.AccessAsUser.All" || name == "EAS.AccessAsUser.All";
        if is_ews_eas {
            match path {
                // Nylas v3 uses Microsoft Graph only ("EWS- and EAS-related
                // scopes have been removed", Nylas's v3 Azure app guide).
                AuditPath::V3 => unneeded.push(json!({"scope": name, "resource_name": api_label(app, p.resource_app_id),
                    "reason": "Nylas v3 uses Microsoft Graph permissions only, so it doesn't use EWS or EAS; keep them while the same app still serves Nylas v2."})),
                // Nylas v2 reads email and contacts through EWS/EAS (Graph
                // covers events only), and Nylas's Teams guide says not to
                // remove them until Nylas says so: never flagged there, on
                // either resource.
                AuditPath::V2Events | AuditPath::Teams => {
                    if !kept.contains(&name) {
                        kept.push(name);
                    }
                }
            }
            continue;
        }
        if p.resource_app_id != GRAPH || required(name) || scopes::is_kept(plan, name) {
            continue;
        }
        // A wider scope standing in for (or next to) required narrower ones.
        // Only the requirements the app doesn't meet by themselves decide
        // what replaces it: when it meets them all, the wider one can go;
        // otherwise it is replaced by exactly those it stands in for (never
        // by a narrower scope that covers only part of what it does here).
        let stands_in_for: Vec<&str> = plan
            .required
            .iter()
            .filter(|r| r.also_satisfied_by.iter().any(|w| w == name))
            .map(|r| r.name.as_str())
            .collect();
        if !stands_in_for.is_empty() {
            let lacking: Vec<&str> = stands_in_for
                .iter()
                .copied()
                .filter(|r| !has_graph_scope(app, r))
                .collect();
            let (narrower, reason) = match lacking.as_slice() {
                [] => (
                    stands_in_for[0].to_owned(),
                    format!(
                        "{} already covers what Nylas needs.",
                        stands_in_for.join(" and ")
                    ),
                ),
                [one] => (
                    (*one).to_owned(),
                    format!("{one} is enough for the features you picked."),
                ),
                many => (
                    many.join(" and "),
                    format!(
                        "{} are enough for the features you picked.",
                        many.join(" and ")
                    ),
                ),
            };
            over_broad.push(json!({"scope": name, "narrower": narrower, "reason": reason}));
            continue;
        }
        // A .Shared variant where only the user's own mailbox or calendar
        // is needed.
        if let Some(base) = unshared(name).filter(|b| required(b)) {
            over_broad.push(json!({"scope": name, "narrower": base,
                "reason": "The .Shared variants are only for shared or delegated mailboxes and calendars, which you didn't pick."}));
            continue;
        }
        // A narrower scope next to the wider one that is needed adds nothing
        // once the wider one is there; before that, the missing wider one
        // is the delegated_scopes check's to name, and this one stays.
        if let Some(r) = plan
            .required
            .iter()
            .find(|r| scopes::also_works(name).contains(&r.name.as_str()))
        {
            if has_graph_scope(app, &r.name) {
                unneeded.push(json!({"scope": name, "resource_name": "Microsoft Graph",
                    "reason": format!("{} already includes it.", r.name)}));
            }
            continue;
        }
        if unshared(name).is_some() {
            unneeded.push(json!({"scope": name, "resource_name": "Microsoft Graph",
                "reason": "The .Shared variants are only for shared or delegated mailboxes and calendars, which you didn't pick."}));
            continue;
        }
        let reason = if name == "OnlineMeetings.ReadWrite" {
            // Only conferencing (Teams meetings on events) uses it on v3.
            "Only adding Teams meetings to events uses it: pick that feature if your app does, otherwise it isn't needed."
        } else if path == AuditPath::V2Events && is_mail_or_contacts(name) {
            "Nylas v2 uses Microsoft Graph for events only (email and contacts go through EWS/EAS); keep it if this app also serves the Teams integration."
        } else if p.admin_consent {
            "Nylas doesn't use it, and it needs an administrator's consent."
        } else {
            "None of the features you picked uses it."
        };
        unneeded.push(json!({"scope": name, "resource_name": "Microsoft Graph", "reason": reason}));
    }

    let blade = Blade::ApiPermissions;
    // Permissions for other APIs may serve other parts of the app: named, not
    // flagged. A resourceAppId that isn't a GUID names no API: its entries
    // are unrecognised instead.
    let mut other_apis: Vec<String> = Vec::new();
    for e in app.permissions() {
        let r = e.resource_app_id.as_str();
        if ![GRAPH, EXCHANGE_ONLINE, AZURE_AD_GRAPH].contains(&r) && is_guid(r) {
            let label = api_label(app, r);
            if !other_apis.contains(&label) {
                other_apis.push(label);
            }
        }
    }
    // Entries nobody can tell the meaning of: never "all needed".
    let unknown = unrecognised(app);
    let mut f = if over_broad.is_empty() && unneeded.is_empty() && unknown.is_empty() {
        let mut explanation = if other_apis.is_empty() {
            "Every delegated permission it lists is needed for your features or for sign-in."
                .to_owned()
        } else {
            format!(
                "Every Microsoft Graph permission it lists is needed; its permissions for {} aren't used by Nylas, so keep them only if something else needs them.",
                other_apis.join(" and ")
            )
        };
        if !kept.is_empty() {
            explanation.push_str(match path {
                AuditPath::V2Events => " Its EWS and EAS permissions stay: Nylas v2 still reads email and contacts through them.",
                _ => " Its EWS and EAS permissions stay: Nylas still asks for them while it moves services to Microsoft Graph.",
            });
        }
        ctx.finding(
            id,
            Pass,
            "Your app asks for no more than Nylas needs",
            explanation,
            blade,
        )
    } else {
        // "replace A and B with N" per narrower scope; "remove" when the
        // narrower one is already there or nothing replaces it.
        let mut parts: Vec<String> = Vec::new();
        let mut remove: Vec<String> = Vec::new();
        let mut replace: Vec<(String, Vec<String>)> = Vec::new();
        for o in &over_broad {
            let (scope, narrower) = (
                o["scope"].as_str().unwrap_or(""),
                o["narrower"].as_str().unwrap_or(""),
            );
            if has_graph_scope(app, narrower) {
                remove.push(format!("{scope} ({narrower} is enough)"));
            } else {
                match replace.iter_mut().find(|(n, _)| n == narrower) {
                    Some((_, v)) => v.push(scope.to_owned()),
                    None => replace.push((narrower.to_owned(), vec![scope.to_owned()])),
                }
            }
        }
        for (narrower, wide) in &replace {
            parts.push(format!("replace {} with {narrower}", wide.join(" and ")));
        }
        // Microsoft Graph's one by one (with the API when another API has
        // a permission of the same name here); the others grouped per API.
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for x in &unneeded {
            let scope = x["scope"].as_str().unwrap_or("");
            let resource = x["resource_name"].as_str().unwrap_or("");
            let ambiguous = unneeded.iter().filter(|y| y["scope"] == x["scope"]).count() > 1;
            if resource == "Microsoft Graph" && !ambiguous {
                remove.push(scope.to_owned());
                continue;
            }
            let label = if x["retired"] == true {
                format!("{resource}, retired")
            } else {
                resource.to_owned()
            };
            match groups.iter_mut().find(|(l, _)| *l == label) {
                Some((_, v)) => v.push(scope),
                None => groups.push((label, vec![scope])),
            }
        }
        for (label, scopes) in &groups {
            remove.push(format!("{} ({label})", and_list(scopes)));
        }
        let extra = remove;
        if !extra.is_empty() {
            parts.push(format!("remove {}", extra.join(", ")));
        }
        // Retired permissions serve nothing, so "unless something else uses
        // them" is said of the others only.
        let retired: Vec<&str> = unneeded
            .iter()
            .filter(|x| x["retired"] == true)
            .filter_map(|x| x["scope"].as_str())
            .collect();
        let in_use = over_broad.len() + unneeded.len() - retired.len();
        let phrases: Vec<String> = unknown.iter().map(unrecognised_phrase).collect();
        let title = match (over_broad.as_slice(), extra.as_slice(), unknown.len()) {
            ([o], [], 0) => format!(
                "{} is broader than you need",
                o["scope"].as_str().unwrap_or("")
            ),
            ([], [], 1) => "Your app lists a permission we don't recognise".to_owned(),
            ([], [], _) => "Your app lists permissions we don't recognise".to_owned(),
            _ => "Your app asks for more than Nylas needs".to_owned(),
        };
        // Named inline when there are one or two; more are listed in the
        // details (the window and the text report show them).
        let unknown_why = match unknown.len() {
            0 => String::new(),
            1 => format!("The entry {} names no permission Microsoft can grant, and an unknown ID can make \"Grant admin consent\" fail.", phrases[0]),
            2 => format!("The entries {} name no permission Microsoft can grant, and an unknown ID can make \"Grant admin consent\" fail.", and_list(&phrases)),
            n => format!("Your app has {n} entries that name no permission Microsoft can grant, and an unknown ID can make \"Grant admin consent\" fail."),
        };
        let retired_why = if retired.is_empty() {
            String::new()
        } else {
            format!(
                "Azure AD Graph is retired, so its {} {} no longer work for anything.",
                if retired.len() == 1 {
                    "permission"
                } else {
                    "permissions"
                },
                and_list(&retired)
            )
        };
        let broad_why = if in_use > 0 {
            "Admins reviewing the consent screen see every permission, and broad ones are a common reason connections get blocked."
        } else {
            ""
        };
        let explanation = [broad_why, retired_why.as_str(), unknown_why.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let mut fix = String::new();
        if !parts.is_empty() {
            let unless = match in_use {
                0 => String::new(),
                1 => " (unless something else in your app uses it)".to_owned(),
                _ => " (unless something else in your app uses them)".to_owned(),
            };
            // A replacement is a new permission to consent to; removing one
            // asks nothing of people who already connected.
            let again = if replace.is_empty() {
                "."
            } else {
                "; people who already connected then sign in again."
            };
            fix = format!("On API permissions, {}{unless}{again}", parts.join("; "));
        }
        if !unknown.is_empty() {
            let sentence = unknown_fix(ctx, &unknown);
            if fix.is_empty() {
                fix = format!("On API permissions, {sentence}");
            } else {
                fix.push_str(&format!(" Also {sentence}"));
            }
        }
        ctx.finding(id, Warn, title, explanation, blade)
            .with_fix(fix)
    };
    f.set("over_broad", Value::Array(over_broad));
    f.set("unneeded", Value::Array(unneeded));
    f.set("other_apis", json!(other_apis));
    f.set("kept", json!(kept));
    f.set("unknown", Value::Array(unknown));
    f
}
