//! The permission catalog: every Microsoft Graph permission (delegated and
//! application) plus the few Exchange Online ones and the common permissions
//! of the retired Azure AD Graph that the audit must be able to name.
//!
//! The data is vendored as TSV under `data/` and parsed once, lazily. Look-ups
//! are always keyed on the resource app id *and* the permission id: the same
//! GUID means different things on different resources (and Exchange Online has
//! its own `Mail.Read` with another GUID), so a GUID alone proves nothing.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Microsoft Graph.
pub const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
/// Office 365 Exchange Online.
pub const EXCHANGE_ONLINE: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Azure Active Directory Graph (retired).
pub const AZURE_AD_GRAPH: &str = "00000002-0000-0000-c000-000000000000";

const GRAPH_TSV: &str = include_str!("../data/graph-permissions.tsv");
const OTHER_TSV: &str = include_str!("../data/other-permissions.tsv");

/// Delegated (`Scope` in a manifest) or application (`Role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum PermissionKind {
    /// Acts for the signed-in user (manifest type `Scope`).
    Delegated,
    /// Acts as the app itself, tenant-wide (manifest type `Role`).
    Application,
}

impl PermissionKind {
    /// The word a manifest uses (`Scope` / `Role`).
    pub fn manifest_type(self) -> &'static str {
        match self {
            PermissionKind::Delegated => "Scope",
            PermissionKind::Application => "Role",
        }
    }

    /// The portal's word ("Delegated" / "Application").
    pub fn portal_label(self) -> &'static str {
        match self {
            PermissionKind::Delegated => "Delegated",
            PermissionKind::Application => "Application",
        }
    }

    /// Parses the manifest's `type` (case-insensitive).
    pub fn from_manifest_type(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scope" => Some(PermissionKind::Delegated),
            "role" => Some(PermissionKind::Application),
            _ => None,
        }
    }
}

/// One permission of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    pub resource_app_id: &'static str,
    pub kind: PermissionKind,
    /// Lower-case GUID.
    pub id: &'static str,
    /// The permission's value, e.g. `Mail.Read`.
    pub name: &'static str,
    /// True when only an administrator can consent to it.
    pub admin_consent: bool,
    /// Microsoft's short description (empty for a few application rows).
    pub label: &'static str,
}

struct Catalog {
    all: Vec<Permission>,
    by_id: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, usize>,
}

fn id_key(resource: &str, id: &str) -> String {
    format!(
        "{}|{}",
        resource.trim().to_ascii_lowercase(),
        id.trim().to_ascii_lowercase()
    )
}

fn name_key(resource: &str, name: &str, kind: PermissionKind) -> String {
    format!(
        "{}|{}|{}",
        resource.trim().to_ascii_lowercase(),
        name.trim().to_ascii_lowercase(),
        kind.manifest_type()
    )
}

fn parse_rows(tsv: &'static str, fixed_resource: Option<&'static str>, out: &mut Vec<Permission>) {
    for line in tsv.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        // Graph rows have no resource column; the others carry it first.
        let (resource, rest) = match fixed_resource {
            Some(r) => (r, &cols[..]),
            None => (cols[0], &cols[1..]),
        };
        let [kind, id, name, consent, label] = rest else {
            panic!("bad catalog row: {line}");
        };
        let kind = PermissionKind::from_manifest_type(kind).expect("catalog type is Scope or Role");
        out.push(Permission {
            resource_app_id: resource,
            kind,
            id,
            name,
            // Application permissions always need an admin, whatever the
            // data file's (sometimes blank) consent column says.
            admin_consent: *consent == "admin" || kind == PermissionKind::Application,
            label,
        });
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut all = Vec::with_capacity(1200);
        parse_rows(GRAPH_TSV, Some(GRAPH), &mut all);
        parse_rows(OTHER_TSV, None, &mut all);
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, p) in all.iter().enumerate() {
            by_id
                .entry(id_key(p.resource_app_id, p.id))
                .or_default()
                .push(i);
            by_name.insert(name_key(p.resource_app_id, p.name, p.kind), i);
        }
        Catalog {
            all,
            by_id,
            by_name,
        }
    })
}

/// Every permission in the catalog.
pub fn all() -> &'static [Permission] {
    &catalog().all
}

/// The permission with this id and kind on this resource. GUIDs compare
/// case-insensitively.
pub fn lookup(
    resource_app_id: &str,
    id: &str,
    kind: PermissionKind,
) -> Option<&'static Permission> {
    lookup_any(resource_app_id, id)
        .into_iter()
        .find(|p| p.kind == kind)
}

/// Every permission with this id on this resource (Graph reuses one GUID for
/// the delegated and application form of a few permissions).
pub fn lookup_any(resource_app_id: &str, id: &str) -> Vec<&'static Permission> {
    let c = catalog();
    c.by_id
        .get(&id_key(resource_app_id, id))
        .map(|ix| ix.iter().map(|&i| &c.all[i]).collect())
        .unwrap_or_default()
}

/// A permission by its name (case-insensitive) on a resource.
pub fn by_name(
    resource_app_id: &str,
    name: &str,
    kind: PermissionKind,
) -> Option<&'static Permission> {
    let c = catalog();
    c.by_name
        .get(&name_key(resource_app_id, name, kind))
        .map(|&i| &c.all[i])
}

/// A delegated Microsoft Graph permission by name.
pub fn graph_scope(name: &str) -> Option<&'static Permission> {
    by_name(GRAPH, name, PermissionKind::Delegated)
}

/// Permissions with this GUID on *other* resources. Only for explaining a
/// mistake ("this is Graph's Mail.Read, listed under Exchange Online"); never
/// to decide that a requirement is met.
pub fn same_id_elsewhere(resource_app_id: &str, id: &str) -> Vec<&'static Permission> {
    let id = id.trim().to_ascii_lowercase();
    let resource = resource_app_id.trim().to_ascii_lowercase();
    all()
        .iter()
        .filter(|p| p.id == id && p.resource_app_id != resource)
        .collect()
}

/// True when the catalog lists every permission of this resource, so an id we
/// don't know there is really unknown (not merely missing from our data).
pub fn is_fully_catalogued(resource_app_id: &str) -> bool {
    resource_app_id.trim().eq_ignore_ascii_case(GRAPH)
}

/// True for a resource Microsoft has retired (Azure AD Graph): its
/// permissions no longer work for anything, Nylas or not.
pub fn is_retired(resource_app_id: &str) -> bool {
    resource_app_id.trim().eq_ignore_ascii_case(AZURE_AD_GRAPH)
}

/// The permission of this resource and kind whose id `id` is most likely a
/// mistyped copy of: an id that isn't in the catalog but shares its first two
/// groups (13 characters) with a catalogued one, or differs from one in at
/// most four hex digits. Only for resources the catalog knows fully, and
/// only when exactly one permission fits. For explaining, never for
/// deciding that a requirement is met.
pub fn looks_like(
    resource_app_id: &str,
    id: &str,
    kind: PermissionKind,
) -> Option<&'static Permission> {
    let id = id.trim().to_ascii_lowercase();
    if !crate::ids::is_guid(&id)
        || !is_fully_catalogued(resource_app_id)
        || !lookup_any(resource_app_id, &id).is_empty()
    {
        return None;
    }
    let resource = resource_app_id.trim().to_ascii_lowercase();
    let close = |p: &&Permission| {
        let differing = p.id.bytes().zip(id.bytes()).filter(|(a, b)| a != b).count();
        p.id[..13] == id[..13] || differing <= 4
    };
    let mut fits = all()
        .iter()
        .filter(|p| p.resource_app_id == resource && p.kind == kind)
        .filter(close);
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

/// The portal's name for a well-known resource app id.
pub fn resource_name(resource_app_id: &str) -> Option<&'static str> {
    let r = resource_app_id.trim().to_ascii_lowercase();
    Some(match r.as_str() {
        GRAPH => "Microsoft Graph",
        EXCHANGE_ONLINE => "Office 365 Exchange Online",
        AZURE_AD_GRAPH => "Azure Active Directory Graph",
        "00000003-0000-0ff1-ce00-000000000000" => "Office 365 SharePoint Online",
        "499b84ac-1321-427f-aa17-267ca6975798" => "Azure DevOps",
        "797f4846-ba00-4fd7-ba43-dac1f8f63013" => "Windows Azure Service Management API",
        _ => return None,
    })
}

/// The resource's name, "the API {id}" when we don't know it, or
/// `"{id}" (not a valid resource ID)` when it isn't a GUID (a placeholder
/// left in from documentation, say).
pub fn resource_label(resource_app_id: &str) -> String {
    if let Some(name) = resource_name(resource_app_id) {
        return name.to_owned();
    }
    if crate::ids::is_guid(resource_app_id.trim()) {
        format!("the API {resource_app_id}")
    } else {
        format!("\"{resource_app_id}\" (not a valid resource ID)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_every_row() {
        let graph = all().iter().filter(|p| p.resource_app_id == GRAPH).count();
        assert_eq!(graph, 1132);
        assert!(all().len() > graph);
    }

    #[test]
    fn looks_up_by_resource_and_id() {
        let p = lookup(
            GRAPH,
            "570282FD-FA5C-430D-A7FD-FC8DC98A9DCA",
            PermissionKind::Delegated,
        )
        .unwrap();
        assert_eq!(p.name, "Mail.Read");
        assert!(!p.admin_consent);
        // The same GUID under another resource is not Graph's Mail.Read.
        assert!(lookup(EXCHANGE_ONLINE, p.id, PermissionKind::Delegated).is_none());
        assert_eq!(
            same_id_elsewhere(EXCHANGE_ONLINE, p.id)[0].name,
            "Mail.Read"
        );
    }

    #[test]
    fn exchange_rows_are_on_exchange() {
        let ews = by_name(
            EXCHANGE_ONLINE,
            "ews.accessasuser.all",
            PermissionKind::Delegated,
        )
        .unwrap();
        assert_eq!(ews.id, "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5");
        let graph_ews = graph_scope("EWS.AccessAsUser.All").unwrap();
        assert_eq!(graph_ews.id, "9769c687-087d-48ac-9cb3-c37dde652038");
        assert!(graph_scope("Place.Read.All").unwrap().admin_consent);
    }
}
