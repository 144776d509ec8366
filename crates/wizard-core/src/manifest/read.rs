//! Field-by-field reading of a manifest object. Each field is looked up under
//! the name of every format (Microsoft Graph first, then Azure AD Graph, then
//! legacy), so mixed files work; a field of the wrong type is skipped with a
//! note instead of failing the whole file.

use std::collections::HashSet;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::model::*;
use crate::catalog::PermissionKind;

type Obj = Map<String, Value>;

/// What `null` means for the access token version (Microsoft Graph's
/// apiApplication resource: "If the value is null, this defaults to 1").
const DEFAULT_TOKEN_VERSION: i64 = 1;

/// Keys that mark each format. Keys shared by several formats (e.g.
/// `oauth2AllowImplicitFlow`, `displayName`) are deliberately absent.
const GRAPH_KEYS: [&str; 6] = [
    "web",
    "spa",
    "api",
    "isFallbackPublicClient",
    "verifiedPublisher",
    "info",
];
const AAD_KEYS: [&str; 7] = [
    "replyUrlsWithType",
    "oauth2AllowIdTokenImplicitFlow",
    "accessTokenAcceptedVersion",
    "allowPublicClient",
    "name",
    "signInUrl",
    "informationalUrls",
];
const LEGACY_KEYS: [&str; 4] = [
    "replyUrls",
    "availableToOtherTenants",
    "objectId",
    "homepage",
];

/// Keys of which at least one must be present for an object to count as a
/// manifest (a `package.json` has `name` and `id`, but none of these).
pub(super) const MANIFEST_KEYS: [&str; 14] = [
    "appId",
    "requiredResourceAccess",
    "signInAudience",
    "replyUrlsWithType",
    "replyUrls",
    "availableToOtherTenants",
    "web",
    "spa",
    "passwordCredentials",
    "keyCredentials",
    "oauth2AllowImplicitFlow",
    "isFallbackPublicClient",
    "identifierUris",
    "accessTokenAcceptedVersion",
];

/// De-duplication uses sets next to the ordered lists, so a file with many
/// entries costs time in proportion to its size (a list's `contains` made
/// 100 000 redirect URIs take billions of comparisons).
struct Reader<'a> {
    obj: &'a Obj,
    app: AppRegistration,
    notes: HashSet<String>,
    uris: HashSet<RedirectUri>,
    exposed: HashSet<String>,
}

pub(super) fn read(obj: &Obj) -> AppRegistration {
    let mut r = Reader {
        obj,
        app: AppRegistration::default(),
        notes: HashSet::new(),
        uris: HashSet::new(),
        exposed: HashSet::new(),
    };
    r.detect_formats();
    r.identity();
    r.audience_and_tokens();
    r.redirect_uris();
    r.implicit_grant();
    r.permissions();
    r.credentials();
    r.publisher();
    r.exposed_permissions();
    r.azure_cli_output();
    r.app
}

/// What wrote an object that carries a directory API's own markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ApiOutput {
    /// `@odata.context` of an application: Microsoft Graph, which Azure CLI
    /// uses since 2.37.
    MicrosoftGraph,
    /// `odata.metadata` (or a `…@odata.mediaEditLink` key): Azure AD Graph,
    /// which Azure CLI used before 2.37.
    AzureAdGraph,
}

/// The markers a directory API adds to the objects it returns, which a
/// manifest downloaded from the portal doesn't have. Source: Microsoft's
/// "Impact of Microsoft Graph migration in Azure CLI" (Azure CLI 2.37.0
/// replaced Azure AD Graph with Microsoft Graph; `id` replaced `objectId`).
fn api_output(obj: &Obj) -> Option<ApiOutput> {
    let text = |k: &str| obj.get(k).and_then(Value::as_str);
    if text("@odata.context").is_some_and(|c| c.contains("$metadata#applications")) {
        return Some(ApiOutput::MicrosoftGraph);
    }
    let media_link = obj
        .keys()
        .any(|k| k.ends_with("@odata.mediaEditLink") || k.ends_with("@odata.mediaContentType"));
    (text("odata.metadata").is_some() || media_link).then_some(ApiOutput::AzureAdGraph)
}

/// True when the object is a service principal (an "Enterprise
/// application"), as `az ad sp show` prints it, rather than an app
/// registration: it has none of the registration's redirect URIs or
/// permission requests.
pub(super) fn is_service_principal(obj: &Obj) -> bool {
    let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or_default();
    [
        "servicePrincipalType",
        "servicePrincipalNames",
        "appOwnerOrganizationId",
        "appOwnerTenantId",
    ]
    .iter()
    .any(|k| obj.contains_key(*k))
        || text("objectType").eq_ignore_ascii_case("ServicePrincipal")
        || text("odata.type").ends_with(".ServicePrincipal")
        || text("@odata.context").contains("$metadata#servicePrincipals")
}

/// A non-empty, trimmed string; `null` and empty count as absent.
fn as_text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Parses the dates Azure writes: RFC 3339, or the same without an offset
/// (taken as UTC), or a bare date.
pub(super) fn parse_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339))
        .or_else(|_| OffsetDateTime::parse(&format!("{s}T00:00:00Z"), &Rfc3339))
        .ok()
}

impl Reader<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    fn note(&mut self, s: impl Into<String>) {
        let s = s.into();
        if self.notes.insert(s.clone()) {
            self.app.notes.push(s);
        }
    }

    fn mark(&mut self, f: ManifestFormat) {
        if !self.app.formats.contains(&f) {
            self.app.formats.push(f);
        }
    }

    /// A field that should be text; anything else is noted and skipped.
    fn text(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        let t = as_text(v);
        if t.is_none() && !v.is_string() {
            self.note(format!("\"{key}\" isn't text, so we skipped it."));
        }
        t
    }

    fn detect_formats(&mut self) {
        let has = |k: &str| self.obj.contains_key(k);
        let graph = GRAPH_KEYS.iter().any(|k| has(k))
            || self.obj.get("publicClient").is_some_and(Value::is_object);
        let aad = AAD_KEYS.iter().any(|k| has(k));
        let legacy = LEGACY_KEYS.iter().any(|k| has(k))
            || self.obj.get("publicClient").is_some_and(Value::is_boolean);
        for (seen, f) in [
            (graph, ManifestFormat::MicrosoftGraph),
            (aad, ManifestFormat::AzureAdGraph),
            (legacy, ManifestFormat::Legacy),
        ] {
            if seen {
                self.mark(f);
            }
        }
    }

    fn identity(&mut self) {
        self.app.app_id = self.text("appId").map(|s| s.to_ascii_lowercase());
        self.app.object_id = self
            .text("id")
            .or_else(|| self.text("objectId"))
            .map(|s| s.to_ascii_lowercase());
        self.app.display_name = self.text("displayName").or_else(|| self.text("name"));
        self.app.publisher_domain = self.text("publisherDomain");
    }

    fn audience_and_tokens(&mut self) {
        let audience = self.text("signInAudience");
        let legacy = self
            .get("availableToOtherTenants")
            .and_then(as_bool)
            .map(|multi| {
                if multi {
                    "AzureADMultipleOrgs"
                } else {
                    "AzureADMyOrg"
                }
                .to_owned()
            });
        if let (Some(a), Some(l)) = (&audience, &legacy) {
            if a != l && a != "AzureADandPersonalMicrosoftAccount" {
                self.note(format!(
                    "\"signInAudience\" ({a}) and the legacy \"availableToOtherTenants\" disagree; we used signInAudience."
                ));
            }
        }
        self.app.sign_in_audience = audience.or(legacy);

        let obj = self.obj;
        let api = obj.get("api").filter(|v| !v.is_null());
        let graph = api
            .and_then(|api| api.get("requestedAccessTokenVersion"))
            .and_then(as_int);
        let aad = self.get("accessTokenAcceptedVersion").and_then(as_int);
        if let (Some(g), Some(a)) = (graph, aad) {
            if g != a {
                self.note(format!(
                    "The file sets the access token version twice ({g} and {a}); we used api.requestedAccessTokenVersion ({g})."
                ));
            }
        }
        // Microsoft Graph's apiApplication resource: "If the value is null,
        // this defaults to 1". A missing key stays unknown.
        let null_version = api
            .is_some_and(|api| api.get("requestedAccessTokenVersion") == Some(&Value::Null))
            || self.is_null("accessTokenAcceptedVersion");
        self.app.requested_access_token_version = graph
            .or(aad)
            .or(null_version.then_some(DEFAULT_TOKEN_VERSION));

        self.public_client();
    }

    /// "Allow public client flows": `isFallbackPublicClient` (Microsoft
    /// Graph format), `allowPublicClient` (Azure AD Graph) or the legacy
    /// `publicClient` boolean (the Graph format's `publicClient` is the
    /// Mobile and desktop platform, an object). The portal writes `null` for
    /// the default, which Microsoft documents as false; a missing key stays
    /// unknown.
    fn public_client(&mut self) {
        let mut seen = Vec::new();
        for key in [
            "isFallbackPublicClient",
            "allowPublicClient",
            "publicClient",
        ] {
            match self.obj.get(key) {
                None => {}
                Some(Value::Object(_)) if key == "publicClient" => {}
                Some(Value::Null) => seen.push((key, None)),
                Some(v) => match as_bool(v) {
                    Some(b) => seen.push((key, Some(b))),
                    None => self.note(format!("\"{key}\" isn't true or false, so we skipped it.")),
                },
            }
        }
        let explicit: Vec<(&str, bool)> = seen
            .iter()
            .filter_map(|(k, v)| v.map(|b| (*k, b)))
            .collect();
        if let [(first, used), rest @ ..] = explicit.as_slice() {
            if let Some((other, _)) = rest.iter().find(|(_, b)| b != used) {
                self.note(format!(
                    "The file sets \"Allow public client flows\" twice (\"{first}\" and \"{other}\" disagree); we used \"{first}\"."
                ));
            }
        }
        self.app.is_fallback_public_client = explicit
            .first()
            .map(|(_, b)| *b)
            .or((!seen.is_empty()).then_some(false));
    }

    /// A key that is present with `null`: how the portal writes a setting
    /// left at Microsoft's default.
    fn is_null(&self, key: &str) -> bool {
        self.obj.get(key) == Some(&Value::Null)
    }

    fn push_uri(&mut self, uri: &Value, platform: Platform, field: &str) {
        match uri.as_str() {
            // Kept byte for byte: the check compares exactly.
            Some(s) if !s.is_empty() => {
                let r = RedirectUri {
                    uri: s.to_owned(),
                    platform,
                };
                if self.uris.insert(r.clone()) {
                    self.app.redirect_uris.push(r);
                }
            }
            _ => self.note(format!(
                "An entry of \"{field}\" isn't a web address, so we skipped it."
            )),
        }
    }

    fn uri_list(&mut self, v: Option<&Value>, platform: Platform, field: &str) {
        match v {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                self.app.redirect_uris_listed = true;
                for item in items {
                    self.push_uri(item, platform, field);
                }
            }
            Some(_) => self.note(format!("\"{field}\" isn't a list, so we skipped it.")),
        }
    }

    fn redirect_uris(&mut self) {
        let obj = self.obj;
        for (key, platform) in [
            ("web", Platform::Web),
            ("spa", Platform::Spa),
            ("publicClient", Platform::PublicClient),
        ] {
            if let Some(block) = obj.get(key).and_then(Value::as_object) {
                self.uri_list(
                    block.get("redirectUris"),
                    platform,
                    &format!("{key}.redirectUris"),
                );
            }
        }
        match obj.get("replyUrlsWithType") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                self.app.redirect_uris_listed = true;
                for item in items {
                    let platform = match item
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                    {
                        Some(t) if t == "spa" => Platform::Spa,
                        Some(t) if t == "installedclient" => Platform::PublicClient,
                        Some(t) if t == "web" => Platform::Web,
                        _ => {
                            self.note("A reply URL in \"replyUrlsWithType\" has no known type; we treated it as Web.");
                            Platform::Web
                        }
                    };
                    match item.get("url") {
                        Some(url) => self.push_uri(url, platform, "replyUrlsWithType"),
                        None => self.note(
                            "An entry of \"replyUrlsWithType\" has no url, so we skipped it.",
                        ),
                    }
                }
            }
            Some(_) => self.note("\"replyUrlsWithType\" isn't a list, so we skipped it."),
        }
        if obj
            .get("replyUrls")
            .is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        {
            // Legacy reply URLs carry no platform; a public client used them
            // as its (native) redirect URIs.
            let platform = if self.app.is_fallback_public_client == Some(true) {
                Platform::PublicClient
            } else {
                Platform::Web
            };
            self.note(format!(
                "This file uses the legacy \"replyUrls\", which don't say their platform; we treated them as {}.",
                platform.portal_label()
            ));
            self.uri_list(obj.get("replyUrls"), platform, "replyUrls");
        } else {
            self.uri_list(obj.get("replyUrls"), Platform::Web, "replyUrls");
        }
    }

    fn implicit_grant(&mut self) {
        let settings = self
            .obj
            .get("web")
            .and_then(|w| w.get("implicitGrantSettings"))
            .and_then(Value::as_object);
        let pick = |graph_key: &str, aad_key: &str| {
            settings
                .and_then(|s| s.get(graph_key))
                .and_then(as_bool)
                .or_else(|| self.get(aad_key).and_then(as_bool))
        };
        let mut grant = ImplicitGrant {
            access_tokens: pick("enableAccessTokenIssuance", "oauth2AllowImplicitFlow"),
            id_tokens: pick("enableIdTokenIssuance", "oauth2AllowIdTokenImplicitFlow"),
        };
        // Before 2019 there was one switch, `oauth2AllowImplicitFlow`, and it
        // let the app receive both access tokens and ID tokens; the separate
        // ID-token switch came with the new App registrations. So a legacy
        // file that has only the one switch has told us both.
        let id_key_present = settings.is_some_and(|s| s.contains_key("enableIdTokenIssuance"))
            || self.obj.contains_key("oauth2AllowIdTokenImplicitFlow");
        let access_from_legacy_switch = settings
            .and_then(|s| s.get("enableAccessTokenIssuance"))
            .and_then(as_bool)
            .is_none();
        if self.app.formats.contains(&ManifestFormat::Legacy)
            && !id_key_present
            && access_from_legacy_switch
        {
            if let Some(both) = grant.access_tokens {
                grant.id_tokens = Some(both);
                self.note("This legacy file has one implicit grant switch (\"oauth2AllowImplicitFlow\"), which covered both access tokens and ID tokens; we read it for both.");
            }
        }
        self.app.implicit_grant = grant;
    }

    fn permissions(&mut self) {
        let list = match self.obj.get("requiredResourceAccess") {
            None | Some(Value::Null) => return,
            Some(Value::Array(list)) => list,
            Some(_) => {
                self.note("\"requiredResourceAccess\" isn't a list, so we couldn't read the API permissions.");
                return;
            }
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for entry in list {
            let Some(resource) = entry.get("resourceAppId").and_then(as_text) else {
                self.note("An entry of \"requiredResourceAccess\" has no resourceAppId, so we skipped it.");
                continue;
            };
            let Some(accesses) = entry.get("resourceAccess").and_then(Value::as_array) else {
                continue;
            };
            for a in accesses {
                let id = a.get("id").and_then(as_text);
                let kind = a
                    .get("type")
                    .and_then(Value::as_str)
                    .and_then(PermissionKind::from_manifest_type);
                match (id, kind) {
                    (Some(id), Some(kind)) => {
                        let ra = ResourceAccess {
                            resource_app_id: resource.to_ascii_lowercase(),
                            id: id.to_ascii_lowercase(),
                            kind,
                        };
                        if seen.insert(ra.clone()) {
                            out.push(ra);
                        }
                    }
                    _ => self.note(
                        "A permission in \"requiredResourceAccess\" lacks an id or a type of Scope or Role, so we skipped it.",
                    ),
                }
            }
        }
        self.app.required_resource_access = Some(out);
    }

    fn credentials(&mut self) {
        match self.obj.get("passwordCredentials") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                let mut out = Vec::new();
                for c in list {
                    let Some(c) = c.as_object() else { continue };
                    out.push(self.password(c));
                }
                self.app.password_credentials = Some(out);
            }
            Some(_) => self.note(
                "\"passwordCredentials\" isn't a list, so we couldn't read the client secrets.",
            ),
        }
        self.app.certificate_count = self
            .obj
            .get("keyCredentials")
            .and_then(Value::as_array)
            .map(Vec::len);
    }

    fn password(&mut self, c: &Obj) -> PasswordCredential {
        // The value itself is ignored on purpose; only say that it is there.
        if ["secretText", "value"]
            .iter()
            .any(|k| c.get(*k).is_some_and(|v| as_text(v).is_some()))
        {
            self.note("This file contains a client secret value. We ignored it; keep the file somewhere safe or delete it.");
        }
        if c.contains_key("endDateTime") {
            self.mark(ManifestFormat::MicrosoftGraph);
        }
        let mut date = |keys: [&str; 2]| {
            let raw = keys.iter().find_map(|k| c.get(*k).and_then(as_text))?;
            let parsed = parse_date(&raw);
            if parsed.is_none() {
                self.note(format!(
                    "We couldn't read the date \"{raw}\" of a client secret."
                ));
            }
            parsed
        };
        let start = date(["startDateTime", "startDate"]);
        let end = date(["endDateTime", "endDate"]);
        PasswordCredential {
            key_id: c
                .get("keyId")
                .and_then(as_text)
                .map(|s| s.to_ascii_lowercase()),
            display_name: c.get("displayName").and_then(as_text),
            hint: c.get("hint").and_then(as_text),
            start,
            end,
        }
    }

    /// The ids of the scopes and app roles the app itself exposes.
    fn exposed_permissions(&mut self) {
        let obj = self.obj;
        let lists = [
            obj.get("api").and_then(|a| a.get("oauth2PermissionScopes")),
            obj.get("oauth2Permissions"),
            obj.get("appRoles"),
        ];
        let ids = lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|p| p.get("id").and_then(as_text))
            .map(|id| id.to_ascii_lowercase());
        for id in ids {
            if self.exposed.insert(id.clone()) {
                self.app.exposed_permission_ids.push(id);
            }
        }
    }

    /// Azure CLI's output (`az ad app create`, `az ad app show`) is the app
    /// as the directory API returned it. Before Azure CLI 2.37 that was
    /// Azure AD Graph, whose objects carry newer field names
    /// (`oauth2AllowIdTokenImplicitFlow`, `signInAudience`) next to legacy
    /// ones (`replyUrls`, `objectId`): read field by field as usual, but
    /// named for what it is, not as a hand-mixed manifest.
    fn azure_cli_output(&mut self) {
        let Some(api) = api_output(self.obj) else {
            return;
        };
        self.app.formats = vec![ManifestFormat::AzureCli];
        self.app.notes.insert(
            0,
            match api {
                ApiOutput::MicrosoftGraph => "This is what az ad app create or az ad app show prints (the app as Microsoft Graph returns it), not a manifest downloaded from the portal; it has the same fields, so we checked it the same way.",
                ApiOutput::AzureAdGraph => "This is what az ad app create or az ad app show printed before Azure CLI 2.37 (the app as the retired Azure AD Graph returned it), not a manifest downloaded from the portal; it names settings the old and the newer way side by side, and we read each one as usual.",
            }
            .to_owned(),
        );
    }

    fn publisher(&mut self) {
        match self.obj.get("verifiedPublisher") {
            None => {}
            Some(Value::Object(v)) => {
                self.app.verified_publisher = Some(VerifiedPublisher {
                    verified_publisher_id: v.get("verifiedPublisherId").and_then(as_text),
                    display_name: v.get("displayName").and_then(as_text),
                })
            }
            // Present but empty: the app has no verified publisher.
            Some(_) => self.app.verified_publisher = Some(VerifiedPublisher::default()),
        }
    }
}
