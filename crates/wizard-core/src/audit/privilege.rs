//! Least privilege: delegated permissions broader than the chosen features
//! need, each named with the narrower one (the least-privilege checklist in
//! Nylas's "Microsoft Graph scopes" documentation).

use serde_json::{json, Value};

use super::permissions::{cant_see, has_graph_scope};
use super::{CheckId, Ctx, Finding, FindingStatus::*};
use crate::catalog::{self, PermissionKind, AZURE_AD_GRAPH, EXCHANGE_ONLINE, GRAPH};
use crate::paths::AuditPath;
use crate::portal::Blade;
use crate::scopes;

/// What the `.Shared` variants narrow down to when no shared feature is used.
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

pub(super) fn least_privilege(ctx: &Ctx) -> Finding {
    let id = CheckId::LeastPrivilege;
    let app = ctx.app;
    if app.required_resource_access.is_none() {
        return cant_see(ctx, id, "whether it asks for more than Nylas needs");
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
        let Some(p) = catalog::lookup(&e.resource_app_id, &e.id, e.kind) else {
            continue;
        };
        let name = p.name;
        let is_ews_eas = name == "EWS.AccessAsUser.All" || name == "EAS.AccessAsUser.All";
        if p.resource_app_id == AZURE_AD_GRAPH {
            unneeded.push(
                json!({"scope": name, "resource_name": "Azure Active Directory Graph",
                "reason": "Azure AD Graph is retired and Nylas doesn't use it."}),
            );
            continue;
        }
        if is_ews_eas {
            match path {
                // Nylas v3 uses Microsoft Graph only ("EWS- and EAS-related
                // scopes have been removed", Nylas's v3 Azure app guide).
                AuditPath::V3 => unneeded.push(json!({"scope": name, "resource_name": catalog::resource_label(p.resource_app_id),
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
    // Permissions for other APIs may serve other parts of the app: named, not flagged.
    let mut other_apis: Vec<String> = Vec::new();
    for e in app.permissions() {
        let r = e.resource_app_id.as_str();
        if ![GRAPH, EXCHANGE_ONLINE, AZURE_AD_GRAPH].contains(&r) {
            let label = catalog::resource_label(r);
            if !other_apis.contains(&label) {
                other_apis.push(label);
            }
        }
    }
    let mut f = if over_broad.is_empty() && unneeded.is_empty() {
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
        for x in &unneeded {
            let scope = x["scope"].as_str().unwrap_or("");
            let resource = x["resource_name"].as_str().unwrap_or("");
            let ambiguous = unneeded.iter().filter(|y| y["scope"] == x["scope"]).count() > 1;
            remove.push(if resource != "Microsoft Graph" || ambiguous {
                format!("{scope} ({resource})")
            } else {
                scope.to_owned()
            });
        }
        let extra = remove;
        if !extra.is_empty() {
            parts.push(format!("remove {}", extra.join(", ")));
        }
        let title = match (over_broad.as_slice(), extra.as_slice()) {
            ([o], []) => format!(
                "{} is broader than you need",
                o["scope"].as_str().unwrap_or("")
            ),
            _ => "Your app asks for more than Nylas needs".to_owned(),
        };
        ctx.finding(
            id,
            Warn,
            title,
            "Admins reviewing the consent screen see every permission, and broad ones are a common reason connections get blocked.",
            blade,
        )
        .with_fix(format!(
            "On API permissions, {} (unless something else in your app uses {}); people who already connected then sign in again.",
            parts.join("; "),
            if over_broad.len() + extra.len() == 1 { "it" } else { "them" }
        ))
    };
    f.set("over_broad", Value::Array(over_broad));
    f.set("unneeded", Value::Array(unneeded));
    f.set("other_apis", json!(other_apis));
    f.set("kept", json!(kept));
    f
}
