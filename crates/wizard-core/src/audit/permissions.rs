//! API permissions: delegated scopes present (matched on resource + GUID),
//! application permissions used by mistake (described from the catalog's
//! own labels), offline_access, admin consent. The findings name what the
//! file really has: the API a scope sits under (a placeholder resourceAppId
//! included), ids nobody can recognise and what they look like, and, for a
//! single-tenant app, that its admin-consent link needs the tenant's own ID.

use serde_json::{json, Value};

use super::{lower_first, tenant_kind, CheckId, Ctx, Finding, FindingStatus::*, Tenancy};
use crate::catalog::{self, PermissionKind, GRAPH};
use crate::ids::is_guid;
use crate::manifest::{AppRegistration, ResourceAccess};
use crate::portal::{admin_consent_url, Blade};

/// True when the app lists the delegated Graph scope `name` (by its GUID).
pub(super) fn has_graph_scope(app: &AppRegistration, name: &str) -> bool {
    catalog::graph_scope(name)
        .is_some_and(|p| app.has_permission(GRAPH, p.id, PermissionKind::Delegated))
}

/// How findings name the API an entry sits under: [`super::api_name`]
/// ("your app's own API", the portal's name, or what
/// [`catalog::resource_label`] says).
pub(super) fn api_label(app: &AppRegistration, resource: &str) -> String {
    super::api_name(app, resource)
}

/// The portal-style name of an entry: `Mail.Read` or the bare GUID.
fn entry_json(app: &AppRegistration, resource: &str, id: &str, kind: PermissionKind) -> Value {
    let p = catalog::lookup(resource, id, kind);
    json!({
        "resource": resource,
        "resource_name": api_label(app, resource),
        "id": id,
        "type": kind,
        "name": p.map(|p| p.name),
        "label": p.map(|p| p.label).filter(|l| !l.is_empty()),
        "retired": catalog::is_retired(resource),
    })
}

/// [`Ctx::unseen`] for the permission checks: the file has no
/// `requiredResourceAccess`. `checked: false` as every unseen finding has.
pub(super) fn unseen_permissions(ctx: &Ctx, check: CheckId, what: &str) -> Finding {
    let mut f = ctx.unseen(
        check,
        "your app's API permissions",
        format!("This file has no requiredResourceAccess, so we couldn't check {what}."),
        Blade::ApiPermissions,
        "API permissions",
    );
    f.set("checked", json!(false));
    f
}

/// The distinct `resourceAppId`s that aren't GUIDs (placeholders such as
/// `<resource-app-id>`), in file order.
pub(super) fn invalid_resources(app: &AppRegistration) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for e in app.permissions() {
        let r = e.resource_app_id.as_str();
        if !is_guid(r) && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Entries that name no permission we can tell: under a `resourceAppId`
/// that isn't a GUID (`problem: invalid_resource`; `same_id_as` names the
/// Microsoft Graph permission with that id, if any), an id that isn't a GUID
/// (`not_a_guid`), or an id the resource doesn't have, on a resource the
/// catalog knows fully (`unknown_id`; `looks_like` names the permission it
/// is probably a mistyped copy of).
pub(super) fn unrecognised(app: &AppRegistration) -> Vec<Value> {
    let mut out = Vec::new();
    for e in app.permissions() {
        let (problem, extra) = if !is_guid(&e.resource_app_id) {
            let same = catalog::lookup(GRAPH, &e.id, e.kind).map(|p| p.name);
            ("invalid_resource", json!({ "same_id_as": same }))
        } else if !is_guid(&e.id) {
            ("not_a_guid", json!({}))
        } else if catalog::is_fully_catalogued(&e.resource_app_id)
            && catalog::lookup(&e.resource_app_id, &e.id, e.kind).is_none()
        {
            let like = catalog::looks_like(&e.resource_app_id, &e.id, e.kind);
            (
                "unknown_id",
                json!({ "looks_like": like.map(|p| json!({"name": p.name, "id": p.id})) }),
            )
        } else {
            continue;
        };
        let mut v = entry_json(app, &e.resource_app_id, &e.id, e.kind);
        v["problem"] = json!(problem);
        if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
            m.extend(x);
        }
        out.push(v);
    }
    out
}

/// One unrecognised entry in a sentence: `e383f46e-… (it looks like
/// Mail.Send's ID with a typo)`, `"<your-scope-guid>"`, or `User.Read's ID
/// under "<resource-app-id>"`.
pub(super) fn unrecognised_phrase(v: &Value) -> String {
    let id = v["id"].as_str().unwrap_or_default();
    match v["problem"].as_str() {
        Some("invalid_resource") => {
            let what = match v["same_id_as"].as_str() {
                Some(n) => format!("{n}'s ID"),
                None if is_guid(id) => id.to_owned(),
                None => format!("\"{id}\""),
            };
            format!(
                "{what} under \"{}\"",
                v["resource"].as_str().unwrap_or_default()
            )
        }
        Some("not_a_guid") => format!("\"{id}\" (not an ID)"),
        _ => match v["looks_like"]["name"].as_str() {
            Some(n) => format!("{id} (it looks like {n}'s ID with a typo)"),
            None => id.to_owned(),
        },
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// What a resourceAppId is, for sentences about one that isn't a GUID.
const NOT_A_RESOURCE_ID: &str =
    "a resourceAppId is an API's GUID, and Microsoft Graph's is 00000003-0000-0000-c000-000000000000";

pub(super) fn delegated_scopes(ctx: &Ctx) -> Finding {
    let id = CheckId::DelegatedScopes;
    let app = ctx.app;
    if app.required_resource_access.is_none() {
        return unseen_permissions(ctx, id, "the Microsoft Graph permissions Nylas needs");
    }
    // offline_access has its own check; leaving it out here avoids reporting
    // one gap twice.
    let required: Vec<_> = ctx
        .plan
        .required
        .iter()
        .filter(|r| r.name != "offline_access")
        .collect();
    let mut missing = Vec::new();
    let mut wider = Vec::new();
    let mut as_app = Vec::new();
    for r in &required {
        if has_graph_scope(app, &r.name) {
            continue;
        }
        if let Some(w) = r.also_satisfied_by.iter().find(|w| has_graph_scope(app, w)) {
            wider.push(json!({"required": r.name, "by": w}));
            continue;
        }
        missing.push(*r);
        if catalog::by_name(GRAPH, &r.name, PermissionKind::Application)
            .is_some_and(|p| app.has_permission(GRAPH, p.id, PermissionKind::Application))
        {
            as_app.push(r.name.clone());
        }
    }

    let needed = |name: &str| {
        ctx.plan
            .required
            .iter()
            .chain(&ctx.plan.keep)
            .any(|r| r.name.eq_ignore_ascii_case(name))
    };
    let mut wrong_resource = Vec::new();
    for e in app.permissions() {
        if e.resource_app_id == GRAPH || e.kind != PermissionKind::Delegated {
            continue;
        }
        // Graph's name listed under another API, or Graph's GUID put under
        // another API (a placeholder resourceAppId included): both leave the
        // Graph requirement unmet.
        let graph_name = match catalog::lookup(&e.resource_app_id, &e.id, e.kind) {
            Some(p) => Some(p.name),
            None => catalog::same_id_elsewhere(&e.resource_app_id, &e.id)
                .iter()
                .find(|p| p.resource_app_id == GRAPH)
                .map(|p| p.name),
        };
        if let Some(name) = graph_name.filter(|n| needed(n)) {
            wrong_resource.push(json!({
                "name": name,
                "id": e.id,
                "resource": e.resource_app_id,
                "resource_name": api_label(app, &e.resource_app_id),
                "expected_resource_name": "Microsoft Graph",
            }));
        }
    }
    let unknown = unrecognised(app);
    let invalid = invalid_resources(app);
    let kept: Vec<&str> = ctx
        .plan
        .keep
        .iter()
        .filter(|k| has_graph_scope(app, &k.name))
        .map(|k| k.name.as_str())
        .collect();
    let kept_missing: Vec<&str> = ctx
        .plan
        .keep
        .iter()
        .filter(|k| !has_graph_scope(app, &k.name))
        .map(|k| k.name.as_str())
        .collect();

    let blade = Blade::ApiPermissions;
    let names: Vec<&str> = missing.iter().map(|r| r.name.as_str()).collect();
    // Unrecognised entries that look like a missing permission mistyped.
    let typos: Vec<&Value> = unknown
        .iter()
        .filter(|u| {
            u["looks_like"]["name"]
                .as_str()
                .is_some_and(|n| names.contains(&n))
        })
        .collect();
    let mut f = if !missing.is_empty() {
        let title = match names.as_slice() {
            [one] => format!("Your app is missing the {one} permission"),
            many => format!("Your app is missing {} permissions Nylas needs", many.len()),
        };
        let mut explanation = match missing.as_slice() {
            [one] => format!("{} {}", one.name, lower_first(&one.reason)),
            _ => "Nylas asks for them when people connect, and an administrator can only pre-approve permissions the app lists.".to_owned(),
        };
        if names.contains(&"User.Read") {
            explanation.push_str(" Without User.Read (sign in and read the user's profile) Microsoft can refuse sign-in with AADSTS90008.");
        }
        let mut fix = format!(
            "Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick {}, and click Add permissions.",
            names.join(", ")
        );
        match as_app.as_slice() {
            [] => {}
            [one] => fix.push_str(&format!(
                " {one} is listed now as an Application permission, which Nylas can't use."
            )),
            many => fix.push_str(&format!(
                " {} are listed now as Application permissions, which Nylas can't use.",
                many.join(", ")
            )),
        }
        fix.push_str(&wrong_resource_sentences(app, &wrong_resource, &invalid));
        for t in &typos {
            let like = t["looks_like"]["name"].as_str().unwrap_or_default();
            fix.push_str(&format!(
                " Your app lists {}, which isn't a Microsoft Graph permission but looks like {like}'s ID ({}) with a typo: remove it once {like} is added.",
                t["id"].as_str().unwrap_or_default(),
                t["looks_like"]["id"].as_str().unwrap_or_default(),
            ));
        }
        fix.push_str(
            " People who already connected must sign in again to pick up new permissions.",
        );
        ctx.finding(id, Fail, title, explanation, blade)
            .with_fix(fix)
    } else if !invalid.is_empty() {
        let quoted: Vec<String> = invalid.iter().map(|r| format!("\"{r}\"")).collect();
        let list = and_list(&quoted);
        let (title, them) = match invalid.as_slice() {
            [_] => (
                format!("Your app lists permissions under {list}, which isn't a valid resource ID"),
                "it",
            ),
            _ => (
                format!("Your app lists permissions under {list}, which aren't valid resource IDs"),
                "them",
            ),
        };
        ctx.finding(
            id,
            Warn,
            title,
            format!("Every permission Nylas needs is there under Microsoft Graph, but {NOT_A_RESOURCE_ID}, so nothing listed under {list} is a permission Microsoft can grant; it usually means a placeholder from documentation was left in."),
            blade,
        )
        .with_fix(format!(
            "Replace {list} with the application ID of the API you meant, or remove {them} from requiredResourceAccess: Nylas needs only the Microsoft Graph permissions."
        ))
    } else if !unknown.is_empty() {
        let phrases: Vec<String> = unknown.iter().map(unrecognised_phrase).collect();
        let (title, them) = if unknown.len() == 1 {
            (
                "Your app lists a Microsoft Graph permission we don't recognise",
                "it",
            )
        } else {
            (
                "Your app lists Microsoft Graph permissions we don't recognise",
                "them",
            )
        };
        ctx.finding(
            id,
            Warn,
            title,
            format!(
                "Microsoft Graph has no permission with {} ({}), which usually means an ID was copied wrong, and an unknown ID can make \"Grant admin consent\" fail.",
                if unknown.len() == 1 { "this ID" } else { "these IDs" },
                and_list(&phrases)
            ),
            blade,
        )
        .with_fix(format!(
            "On API permissions, remove {} {}; if {them} {was} meant to be a permission, add it again by name from the list under Microsoft Graph.",
            if unknown.len() == 1 { "the entry" } else { "the entries" },
            and_list(&unknown.iter().map(|u| u["id"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>()),
            was = if unknown.len() == 1 { "was" } else { "were" },
        ))
    } else {
        let stand_ins: Vec<String> = wider
            .iter()
            .filter_map(|w| {
                Some(format!(
                    "{} stands in for {}",
                    w["by"].as_str()?,
                    w["required"].as_str()?
                ))
            })
            .collect();
        // EWS/EAS of the path's keep list found under another API: name
        // that API, whichever it is.
        let mut kept_under: Vec<String> = Vec::new();
        for w in &wrong_resource {
            let kept_name = w["name"]
                .as_str()
                .is_some_and(|n| ctx.plan.keep.iter().any(|k| k.name == n));
            let label = w["resource_name"].as_str().unwrap_or_default().to_owned();
            if kept_name && !kept_under.contains(&label) {
                kept_under.push(label);
            }
        }
        let explanation = if !kept_missing.is_empty() && !kept_under.is_empty() {
            format!("Every permission Teams needs is there; your EWS/EAS permissions are under {}, while the Teams sign-in asks for the Microsoft Graph ones.", and_list(&kept_under))
        } else if !kept_missing.is_empty() {
            "Every permission Teams needs is there; the app has no EWS or EAS permissions, which is fine unless it had them before.".to_owned()
        } else if !stand_ins.is_empty() {
            format!("Every permission Nylas needs is covered ({}); the least-privilege check says whether a narrower one would do.", stand_ins.join(", "))
        } else {
            "Every permission Nylas needs for your features is there as a delegated Microsoft Graph permission.".to_owned()
        };
        ctx.finding(
            id,
            Pass,
            "Your app has the permissions Nylas needs",
            explanation,
            blade,
        )
    };
    f.set(
        "required",
        json!(required.iter().map(|r| &r.name).collect::<Vec<_>>()),
    );
    f.set("missing", json!(names));
    f.set("satisfied_by_wider", Value::Array(wider));
    f.set("present_as_application", json!(as_app));
    f.set("wrong_resource", Value::Array(wrong_resource));
    f.set("unknown", Value::Array(unknown));
    f.set("invalid_resources", json!(invalid));
    f.set("kept", json!(kept));
    f.set("kept_missing", json!(kept_missing));
    f
}

/// For the fix: which needed permissions sit under which other API, named
/// as it is ("… are listed under Azure Active Directory Graph", "… under
/// "<resource-app-id>", which isn't a valid resource ID"), and any other
/// resourceAppId that isn't a GUID. Empty when there is nothing to say.
fn wrong_resource_sentences(
    app: &AppRegistration,
    wrong_resource: &[Value],
    invalid: &[&str],
) -> String {
    let mut by_resource: Vec<(&str, Vec<&str>)> = Vec::new();
    for w in wrong_resource {
        let (Some(r), Some(n)) = (w["resource"].as_str(), w["name"].as_str()) else {
            continue;
        };
        match by_resource.iter_mut().find(|(x, _)| *x == r) {
            Some((_, ns)) if !ns.contains(&n) => ns.push(n),
            Some(_) => {}
            None => by_resource.push((r, vec![n])),
        }
    }
    let mut out = String::new();
    for (r, ns) in &by_resource {
        let (is, them, they_dont) = if ns.len() == 1 {
            ("is", "it", "it doesn't")
        } else {
            ("are", "them", "they don't")
        };
        if is_guid(r) {
            out.push_str(&format!(
                " {} {is} listed under {}, where {they_dont} count: Nylas needs {them} under Microsoft Graph.",
                and_list(ns),
                api_label(app, r)
            ));
        } else {
            out.push_str(&format!(
                " {} {is} listed under \"{r}\", which isn't a valid resource ID ({NOT_A_RESOURCE_ID}), so {they_dont} count.",
                and_list(ns),
            ));
        }
    }
    let others: Vec<String> = invalid
        .iter()
        .filter(|r| !by_resource.iter().any(|(x, _)| x == *r))
        .map(|r| format!("\"{r}\""))
        .collect();
    if !others.is_empty() {
        out.push_str(&format!(
            " Your app also lists permissions under {}, which {} ({NOT_A_RESOURCE_ID}): replace {} with the API's application ID, or remove {}.",
            and_list(&others),
            if others.len() == 1 { "isn't a valid resource ID" } else { "aren't valid resource IDs" },
            if others.len() == 1 { "it" } else { "each" },
            if others.len() == 1 { "the entry" } else { "those entries" },
        ));
    }
    out
}

/// True when the app has the delegated Graph scope `name`, or a wider one
/// that also works for it.
fn has_delegated_or_wider(app: &AppRegistration, name: &str) -> bool {
    has_graph_scope(app, name)
        || crate::scopes::also_works(name)
            .iter()
            .any(|w| has_graph_scope(app, w))
}

/// An Application permission in words, from the catalog's own label:
/// "Mail.Read (read mail in all mailboxes)", or the id when we don't know it.
fn describe_role(e: &ResourceAccess) -> String {
    match catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application) {
        Some(p) if p.label.is_empty() => p.name.to_owned(),
        Some(p) => format!("{} ({})", p.name, lower_first(p.label)),
        None => format!("{} (a permission we don't know)", e.id),
    }
}

/// Application permissions grouped by API, in file order: the API's name
/// ("Azure Active Directory Graph, retired" for a retired one) and the
/// permissions under it.
fn roles_by_api<'a>(
    app: &AppRegistration,
    roles: &[&'a ResourceAccess],
) -> Vec<(String, Vec<&'a ResourceAccess>)> {
    let mut out: Vec<(String, Vec<&ResourceAccess>)> = Vec::new();
    for e in roles {
        let r = e.resource_app_id.as_str();
        let label = if catalog::is_retired(r) {
            format!("{}, retired", api_label(app, r))
        } else {
            api_label(app, r)
        };
        match out.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => v.push(e),
            None => out.push((label, vec![e])),
        }
    }
    out
}

/// An Application permission's name for a "remove …" list: `Mail.Read`,
/// `Directory.Read.All (Azure Active Directory Graph)`, or the id and API.
fn role_name(app: &AppRegistration, e: &ResourceAccess) -> String {
    let r = e.resource_app_id.as_str();
    match catalog::lookup(r, &e.id, PermissionKind::Application) {
        Some(p) if r == GRAPH => p.name.to_owned(),
        Some(p) => format!("{} ({})", p.name, api_label(app, r)),
        None => format!("{} ({})", e.id, api_label(app, r)),
    }
}

pub(super) fn application_permissions(ctx: &Ctx) -> Finding {
    let id = CheckId::ApplicationPermissions;
    if ctx.app.required_resource_access.is_none() {
        return unseen_permissions(ctx, id, "whether it lists Application permissions");
    }
    let roles: Vec<&ResourceAccess> = ctx
        .app
        .permissions()
        .iter()
        .filter(|e| e.kind == PermissionKind::Application)
        .collect();
    // Application forms of permissions Nylas needs as delegated ones: a
    // failure only when the delegated one is missing (the Role stands
    // *instead of* it); next to the delegated one it is merely unneeded.
    let needed: Vec<&str> = roles
        .iter()
        .filter_map(|e| catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application))
        .filter(|p| {
            p.resource_app_id == GRAPH && ctx.plan.required.iter().any(|r| r.name == p.name)
        })
        .map(|p| p.name)
        .collect();
    let (alongside, instead): (Vec<&str>, Vec<&str>) = needed
        .iter()
        .partition(|n| has_delegated_or_wider(ctx.app, n));
    let is_needed = |e: &&&ResourceAccess| {
        e.resource_app_id == GRAPH
            && catalog::lookup(GRAPH, &e.id, PermissionKind::Application)
                .is_some_and(|p| needed.contains(&p.name))
    };
    let others: Vec<String> = roles
        .iter()
        .filter(|e| !is_needed(e))
        .map(|e| role_name(ctx.app, e))
        .collect();
    let retired = roles
        .iter()
        .any(|e| catalog::is_retired(&e.resource_app_id));
    let blade = Blade::ApiPermissions;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut f = if !instead.is_empty() {
        let list = instead.join(", ");
        let title = if instead.len() == 1 {
            format!("{list} is an Application permission, but Nylas needs the Delegated one")
        } else {
            format!("{list} are Application permissions, but Nylas needs the Delegated ones")
        };
        ctx.finding(
            id,
            Fail,
            title,
            "Application permissions act tenant-wide without a signed-in user, and Nylas's sign-in can't use them.",
            blade,
        )
        .with_fix({
            let mut fix = format!(
                "Open API permissions → Add a permission → Microsoft Graph → Delegated permissions → {list}, and click Add permissions. Then remove the Application permission{s} {list} (… → Remove permission) unless another system of yours uses {them}.",
                s = plural(instead.len()),
                them = if instead.len() == 1 { "it" } else { "them" },
            );
            let rest: Vec<String> = alongside
                .iter()
                .map(|s| (*s).to_owned())
                .chain(others.iter().cloned())
                .collect();
            if !rest.is_empty() {
                fix.push_str(&format!(
                    " The other Application permissions ({}) aren't used by Nylas either.",
                    rest.join(", ")
                ));
            }
            fix
        })
    } else if !roles.is_empty() {
        let groups = roles_by_api(ctx.app, &roles);
        let one_api = groups.len() == 1 && groups[0].0 == "Microsoft Graph";
        let described: Vec<String> = groups
            .iter()
            .map(|(api, es)| {
                let what: Vec<String> = es.iter().map(|e| describe_role(e)).collect();
                if one_api {
                    and_list(&what)
                } else {
                    let api = api.replace(", retired", ", which is retired");
                    format!("{} on {api}", and_list(&what))
                }
            })
            .collect();
        let mut explanation = format!(
            "Application permissions let the app act on its own across the whole tenant, without anyone signing in. Your app has {}. Nylas acts for each signed-in user and never needs them.",
            described.join("; ")
        );
        if !alongside.is_empty() {
            explanation.push_str(&format!(
                " Your app has the Delegated {} Nylas uses as well, so sign-in works.",
                alongside.join(", ")
            ));
        }
        let list: Vec<String> = groups
            .iter()
            .map(|(api, es)| {
                let names: Vec<String> = es
                    .iter()
                    .map(|e| {
                        catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application)
                            .map_or_else(|| e.id.clone(), |p| p.name.to_owned())
                    })
                    .collect();
                if one_api {
                    and_list(&names)
                } else {
                    format!("{} ({api})", and_list(&names))
                }
            })
            .collect();
        let mut fix = format!(
            "Nothing is broken: when convenient, and unless another system of yours uses {them}, remove {} on API permissions (… → Remove permission).",
            list.join("; "),
            them = if roles.len() == 1 { "it" } else { "them" },
        );
        if !alongside.is_empty() {
            fix.push_str(&format!(
                " Keep the Delegated permission{} of the same name.",
                plural(alongside.len())
            ));
        }
        if retired {
            fix.push_str(
                " Azure Active Directory Graph is retired, so its permissions can go in any case.",
            );
        }
        ctx.finding(
            id,
            Warn,
            "Your app has Application permissions Nylas doesn't use",
            explanation,
            blade,
        )
        .with_fix(fix)
    } else {
        ctx.finding(
            id,
            Pass,
            "Your app uses delegated permissions only",
            "Nylas acts for each signed-in user, so it needs no Application permissions.",
            blade,
        )
    };
    f.set(
        "roles",
        json!(roles
            .iter()
            .map(|e| entry_json(ctx.app, &e.resource_app_id, &e.id, e.kind))
            .collect::<Vec<_>>()),
    );
    f.set("needed_as_delegated", json!(instead));
    f.set("also_delegated", json!(alongside));
    f
}

/// offline_access in the registration. The refresh token comes from
/// offline_access being among the scopes Nylas requests at sign-in (the
/// connector's `scope`, the Teams sign-in request, the v2 refresh-token
/// request), which every plan includes; the registration's entry is what an
/// administrator's consent covers, which matters in organizations that
/// block user consent. So its absence here is a warning, not a failure. It
/// is a Microsoft Graph permission: listed under another API it counts for
/// nothing, and the finding says where it is.
pub(super) fn offline_access(ctx: &Ctx) -> Finding {
    let id = CheckId::OfflineAccess;
    if ctx.app.required_resource_access.is_none() {
        return unseen_permissions(ctx, id, "offline_access");
    }
    let present = has_graph_scope(ctx.app, "offline_access");
    let requested = ctx.plan.scope_names.iter().any(|n| n == "offline_access");
    let graph_id = catalog::graph_scope("offline_access").map(|p| p.id);
    let mut elsewhere: Vec<String> = Vec::new();
    for e in ctx.app.permissions() {
        if e.resource_app_id != GRAPH
            && e.kind == PermissionKind::Delegated
            && Some(e.id.as_str()) == graph_id
        {
            let label = if is_guid(&e.resource_app_id) {
                api_label(ctx.app, &e.resource_app_id)
            } else {
                format!("\"{}\"", e.resource_app_id)
            };
            if !elsewhere.contains(&label) {
                elsewhere.push(label);
            }
        }
    }
    let blade = Blade::ApiPermissions;
    let add = "Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick offline_access under OpenId permissions, and click Add permissions.";
    let keep =
        "Keep offline_access in the scopes you give Nylas (the Features step's list has it).";
    let mut f = if present {
        ctx.finding(
            id,
            Pass,
            "Your app lists offline_access",
            "An administrator's consent covers it too; Nylas asks for it at sign-in and so gets a refresh token, which keeps connections working after the first hour.",
            blade,
        )
    } else if !elsewhere.is_empty() {
        let under = and_list(&elsewhere);
        let not_valid = ctx
            .app
            .permissions()
            .iter()
            .any(|e| Some(e.id.as_str()) == graph_id && !is_guid(&e.resource_app_id));
        ctx.finding(
            id,
            Warn,
            format!("Your app lists offline_access under {under}, not Microsoft Graph"),
            format!(
                "The entry under {under} counts for nothing{}: offline_access is a Microsoft Graph permission. Nylas still asks for it at sign-in, so people who consent for themselves are fine, but an administrator's consent covers only what the app lists under Microsoft Graph, so in organizations that block user consent, sign-in can be refused.",
                if not_valid { ", and that isn't even a valid resource ID" } else { "" }
            ),
            blade,
        )
        .with_fix(format!("{add} Then remove the entry under {under}. {keep}"))
    } else {
        ctx.finding(id, Warn, "Your app doesn't list offline_access", "Nylas asks for offline_access at sign-in, which is what gives it a refresh token, so people who consent for themselves are fine; but an administrator's consent covers only the permissions the app lists, so in organizations that block user consent, sign-in can be refused until it is listed.", blade)
            .with_fix(format!("{add} {keep}"))
    };
    f.set("present", json!(present));
    f.set("requested_by_nylas", json!(requested));
    f.set("listed_elsewhere", json!(elsewhere));
    f
}

/// True when admin consent has to go through the app's own tenant: the
/// admin checks a single-tenant setup, or the manifest says only its own
/// organization can sign in (then Microsoft refuses the shared
/// `organizations` address with AADSTS50194, whatever the answers say).
fn single_tenant_app(ctx: &Ctx) -> bool {
    ctx.tenancy == Tenancy::Single
        || ctx
            .app
            .sign_in_audience
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("AzureADMyOrg"))
}

pub(super) fn admin_consent(ctx: &Ctx) -> Finding {
    let id = CheckId::AdminConsent;
    let needs: Vec<&str> = ctx
        .plan
        .required
        .iter()
        .filter(|r| r.admin_consent)
        .map(|r| r.name.as_str())
        .collect();
    let listed_admin_only: Vec<&str> = ctx
        .app
        .permissions()
        .iter()
        .filter(|e| e.kind == PermissionKind::Delegated)
        .filter_map(|e| catalog::lookup(&e.resource_app_id, &e.id, e.kind))
        .filter(|p| p.admin_consent && !needs.contains(&p.name))
        .map(|p| p.name)
        .collect();
    let roles: Vec<String> = ctx
        .app
        .permissions()
        .iter()
        .filter(|e| e.kind == PermissionKind::Application)
        .map(|e| {
            catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application)
                .map_or_else(|| e.id.clone(), |p| p.name.to_owned())
        })
        .collect();
    let single = single_tenant_app(ctx);
    // A single-tenant app's admin consent needs the tenant's own address:
    // its ID or a verified domain, never common or organizations.
    let own_tenant = ctx
        .req
        .tenant
        .as_deref()
        .map(str::trim)
        .filter(|t| matches!(tenant_kind(t), "tenant_id" | "domain"));
    let tenant_needed = single && own_tenant.is_none();
    let tenant = own_tenant.filter(|_| single);
    let url = if tenant_needed {
        None
    } else {
        ctx.app_id().and_then(|a| admin_consent_url(tenant, a))
    };
    let who = if single {
        "a Global Administrator or Cloud Application Administrator"
    } else {
        "an administrator of each organization that connects"
    };
    let link_needs_tenant = "a single-tenant app's admin-consent link must use your own tenant, because Microsoft refuses the shared \"organizations\" address for it (AADSTS50194)";
    let roles_sentence = match roles.as_slice() {
        [] => None,
        [one] => Some(format!("Grant admin consent also grants the Application permission the app lists ({one}), so remove it first unless you need it.")),
        many => Some(format!("Grant admin consent also grants the {} Application permissions the app lists, so remove those you don't need first.", many.len())),
    };
    let blade = Blade::ApiPermissions;
    let mut f = if !needs.is_empty() {
        let list = needs.join(", ");
        let mut fix = if tenant_needed {
            format!("Open API permissions and click Grant admin consent, signed in as {who}. To send an admin-consent link instead, enter your Directory (tenant) ID (from the app's Overview page): {link_needs_tenant}.")
        } else {
            format!("Open API permissions and click Grant admin consent, or send the admin-consent link to {who}.")
        };
        if let Some(r) = &roles_sentence {
            fix.push(' ');
            fix.push_str(r);
        }
        ctx.finding(
            id,
            Warn,
            format!("{list} needs an administrator's consent"),
            "We can't see from a manifest whether an administrator has granted it, and until one does nobody can connect.",
            blade,
        )
        .with_fix(fix)
    } else {
        let mut explanation = "None of the permissions Nylas needs requires an administrator, though organizations that block user consent still approve the app once.".to_owned();
        if let Some(r) = &roles_sentence {
            explanation.push(' ');
            explanation.push_str(r);
        }
        if tenant_needed {
            explanation.push_str(&format!(
                " To build an admin-consent link we need your Directory (tenant) ID: {link_needs_tenant}."
            ));
        }
        ctx.finding(
            id,
            Pass,
            "People can consent to these permissions themselves",
            explanation,
            blade,
        )
    };
    f.set("needs_admin_consent", json!(needs));
    f.set("listed_admin_only", json!(listed_admin_only));
    f.set("admin_consent_url", json!(url));
    // The link's parts, for the window to ask for it by intent.
    f.set("admin_consent_tenant", json!(url.as_ref().and(tenant)));
    f.set("single_tenant", json!(single));
    f.set("tenant_needed", json!(tenant_needed));
    f.set("granted", Value::Null);
    f
}
