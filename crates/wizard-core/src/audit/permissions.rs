//! API permissions: delegated scopes present (matched on resource + GUID),
//! application permissions used by mistake, offline_access, admin consent.

use serde_json::{json, Value};

use super::{lower_first, CheckId, Ctx, Finding, FindingStatus::*, Tenancy};
use crate::catalog::{self, PermissionKind, GRAPH};
use crate::manifest::AppRegistration;
use crate::portal::{admin_consent_url, Blade};

/// True when the app lists the delegated Graph scope `name` (by its GUID).
pub(super) fn has_graph_scope(app: &AppRegistration, name: &str) -> bool {
    catalog::graph_scope(name)
        .is_some_and(|p| app.has_permission(GRAPH, p.id, PermissionKind::Delegated))
}

/// The portal-style name of an entry: `Mail.Read` or the bare GUID.
fn entry_json(resource: &str, id: &str, kind: PermissionKind) -> Value {
    let name = catalog::lookup(resource, id, kind).map(|p| p.name);
    json!({
        "resource": resource,
        "resource_name": catalog::resource_label(resource),
        "id": id,
        "type": kind,
        "name": name,
    })
}

/// The verdict when the file has no permission list at all: a warning that
/// says what wasn't checked, never a pass (nothing was seen to pass).
pub(super) fn cant_see(ctx: &Ctx, check: CheckId, what: &str) -> Finding {
    let mut f = ctx.finding(
        check,
        Warn,
        "We couldn't see your app's API permissions",
        format!("This file has no requiredResourceAccess, so we couldn't check {what}."),
        Blade::ApiPermissions,
    )
    .with_fix("Download the full manifest from the portal (Manifest → Download), or check API permissions by hand.");
    f.set("checked", json!(false));
    f
}

pub(super) fn delegated_scopes(ctx: &Ctx) -> Finding {
    let id = CheckId::DelegatedScopes;
    let app = ctx.app;
    if app.required_resource_access.is_none() {
        return cant_see(ctx, id, "the Microsoft Graph permissions Nylas needs");
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
    let mut unknown = Vec::new();
    for e in app.permissions() {
        let on_graph = e.resource_app_id == GRAPH;
        let known = catalog::lookup(&e.resource_app_id, &e.id, e.kind);
        if !on_graph && e.kind == PermissionKind::Delegated {
            // Graph's name listed under another API, or Graph's GUID put
            // under another API: both leave the Graph requirement unmet.
            let graph_name = match known {
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
                    "resource_name": catalog::resource_label(&e.resource_app_id),
                    "expected_resource_name": "Microsoft Graph",
                }));
            }
        }
        if known.is_none() && catalog::is_fully_catalogued(&e.resource_app_id) {
            unknown.push(entry_json(&e.resource_app_id, &e.id, e.kind));
        }
    }
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
        let mut elsewhere: Vec<&str> = wrong_resource
            .iter()
            .filter_map(|w| w["resource_name"].as_str())
            .collect();
        elsewhere.dedup();
        if !elsewhere.is_empty() {
            fix.push_str(&format!(
                " Permissions under {} don't count: Nylas needs the Microsoft Graph ones.",
                elsewhere.join(" or ")
            ));
        }
        fix.push_str(
            " People who already connected must sign in again to pick up new permissions.",
        );
        ctx.finding(id, Fail, title, explanation, blade)
            .with_fix(fix)
    } else if !unknown.is_empty() {
        ctx.finding(id, Warn, "Your app lists Microsoft Graph permissions we don't recognise", "Their IDs don't match any Microsoft Graph permission we know, which usually means a GUID was copied wrong.", blade)
            .with_fix("On API permissions, look at the entries shown without a name: one that was meant to be a permission listed here can go once you have added the real one from the list under Microsoft Graph.")
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
        let explanation = if !kept_missing.is_empty() && !wrong_resource.is_empty() {
            "Every permission Teams needs is there; your EWS/EAS permissions are under Office 365 Exchange Online, while the Teams sign-in asks for the Microsoft Graph ones.".to_owned()
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
    f.set("kept", json!(kept));
    f.set("kept_missing", json!(kept_missing));
    f
}

/// True when the app has the delegated Graph scope `name`, or a wider one
/// that also works for it.
fn has_delegated_or_wider(app: &AppRegistration, name: &str) -> bool {
    has_graph_scope(app, name)
        || crate::scopes::also_works(name)
            .iter()
            .any(|w| has_graph_scope(app, w))
}

pub(super) fn application_permissions(ctx: &Ctx) -> Finding {
    let id = CheckId::ApplicationPermissions;
    if ctx.app.required_resource_access.is_none() {
        return cant_see(ctx, id, "whether it lists Application permissions");
    }
    let roles: Vec<_> = ctx
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
    let label = |e: &&crate::manifest::ResourceAccess| {
        catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application)
            .map(|p| p.name.to_owned())
            .unwrap_or_else(|| {
                format!("{} ({})", e.id, catalog::resource_label(&e.resource_app_id))
            })
    };
    let others: Vec<String> = roles
        .iter()
        .filter(|e| {
            !catalog::lookup(&e.resource_app_id, &e.id, PermissionKind::Application)
                .is_some_and(|p| needed.contains(&p.name))
        })
        .map(label)
        .collect();
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
        let list: Vec<String> = roles.iter().map(label).collect();
        let explanation = if alongside.is_empty() {
            "They let the app reach every mailbox in the tenant without anyone signing in, which is far more than Nylas needs.".to_owned()
        } else {
            format!(
                "Your app has the Delegated {} Nylas uses as well, so sign-in works; the Application form lets the app reach every user's data in the tenant without anyone signing in, which Nylas never needs.",
                alongside.join(", ")
            )
        };
        ctx.finding(
            id,
            Warn,
            "Your app has Application permissions Nylas doesn't use",
            explanation,
            blade,
        )
        .with_fix(format!(
            "Nothing is broken: when convenient, and unless another system of yours uses {them}, remove {} on API permissions (… → Remove permission). Keep the Delegated permission{s} of the same name.",
            list.join(", "),
            them = if list.len() == 1 { "it" } else { "them" },
            s = plural(alongside.len().max(1)),
        ))
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
            .map(|e| entry_json(&e.resource_app_id, &e.id, e.kind))
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
/// block user consent. So its absence here is a warning, not a failure.
pub(super) fn offline_access(ctx: &Ctx) -> Finding {
    let id = CheckId::OfflineAccess;
    if ctx.app.required_resource_access.is_none() {
        return cant_see(ctx, id, "offline_access");
    }
    let present = has_graph_scope(ctx.app, "offline_access");
    let requested = ctx.plan.scope_names.iter().any(|n| n == "offline_access");
    let blade = Blade::ApiPermissions;
    let mut f = if present {
        ctx.finding(
            id,
            Pass,
            "Your app lists offline_access",
            "An administrator's consent covers it too; Nylas asks for it at sign-in and so gets a refresh token, which keeps connections working after the first hour.",
            blade,
        )
    } else {
        ctx.finding(id, Warn, "Your app doesn't list offline_access", "Nylas asks for offline_access at sign-in, which is what gives it a refresh token, so people who consent for themselves are fine; but an administrator's consent covers only the permissions the app lists, so in organizations that block user consent, sign-in can be refused until it is listed.", blade)
            .with_fix("Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick offline_access under OpenId permissions, and click Add permissions. Keep offline_access in the scopes you give Nylas (the Features step's list has it).")
    };
    f.set("present", json!(present));
    f.set("requested_by_nylas", json!(requested));
    f
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
    let tenant = ctx
        .req
        .tenant
        .as_deref()
        .filter(|_| ctx.tenancy == Tenancy::Single);
    let url = ctx.app_id().and_then(|a| admin_consent_url(tenant, a));
    let who = if ctx.tenancy == Tenancy::Multi {
        "an administrator of each organization that connects"
    } else {
        "a Global Administrator or Cloud Application Administrator"
    };
    let blade = Blade::ApiPermissions;
    let mut f = if !needs.is_empty() {
        let list = needs.join(", ");
        ctx.finding(
            id,
            Warn,
            format!("{list} needs an administrator's consent"),
            "We can't see from a manifest whether an administrator has granted it, and until one does nobody can connect.",
            blade,
        )
        .with_fix(format!(
            "Open API permissions and click Grant admin consent, or send the admin-consent link to {who}."
        ))
    } else {
        ctx.finding(
            id,
            Pass,
            "People can consent to these permissions themselves",
            "None of the permissions Nylas needs requires an administrator, though organizations that block user consent still approve the app once.",
            blade,
        )
    };
    f.set("needs_admin_consent", json!(needs));
    f.set("listed_admin_only", json!(listed_admin_only));
    f.set("admin_consent_url", json!(url));
    f.set("granted", Value::Null);
    f
}
