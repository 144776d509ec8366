//! Issue 15: `nylas-ms-setup check` on the four kinds of manifest the issue
//! names (a placeholder-filled doc manifest, a `.Shared`-heavy fragment, a
//! manifest with typo'd GUIDs, an Azure AD Graph app with directory roles),
//! read in the text report as an admin reads it.

use std::process::{Command, Output};

mod common;
use common::{fixture, NOW};

fn check(name: &str, extra: &[&str]) -> (Option<i32>, String) {
    let manifest = fixture(name);
    let mut args = vec!["check", "--manifest", manifest.as_str(), "--now", NOW];
    args.extend_from_slice(extra);
    let o: Output = Command::new(env!("CARGO_BIN_EXE_nylas-ms-setup"))
        .args(&args)
        .output()
        .expect("the CLI runs");
    // Unwrapped, so phrases can be looked for across line ends.
    let text = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (o.status.code(), text)
}

#[test]
fn point_1_placeholder_doc_manifest_names_what_is_there() {
    let (code, text) = check(
        "placeholder-doc-manifest",
        &[
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
            "--tenancy",
            "single",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        text.contains("User.Read, Mail.Read and offline_access are listed under \"<resource-app-id>\", which isn't a valid resource ID"),
        "{text}"
    );
    assert!(!text.contains("Exchange Online"), "{text}");
    assert!(
        text.contains(
            "Your app lists offline_access under \"<resource-app-id>\", not Microsoft Graph"
        ),
        "{text}"
    );
    assert!(text.contains("move User.Read, Mail.Read and offline_access from \"<resource-app-id>\" to Microsoft Graph"), "{text}");
    assert!(
        text.contains("Not recognised: \"<your-scope-guid>\" (Delegated) under Microsoft Graph: not a permission ID."),
        "{text}"
    );
}

#[test]
fn point_2_shared_heavy_fragment_replaces_only_with_what_the_plan_needs() {
    let (code, text) = check(
        "shared-heavy-fragment",
        &[
            "--path",
            "v3",
            "--features",
            "mail-modify,calendar-read,contacts-read",
            "--region",
            "us",
        ],
    );
    assert_eq!(code, Some(1), "Contacts.Read is missing");
    assert!(
        text.contains("replace Mail.ReadWrite.Shared with Mail.ReadWrite;"),
        "{text}"
    );
    assert!(
        text.contains(
            "replace Calendars.Read.Shared and Calendars.ReadWrite.Shared with Calendars.Read;"
        ),
        "{text}"
    );
    assert!(
        text.contains("remove Mail.Read.Shared, Mail.Send.Shared, Contacts.ReadWrite.Shared"),
        "{text}"
    );
    assert!(
        !text.contains("with Mail.Read;") && !text.contains("with Mail.Send"),
        "{text}"
    );
}

#[test]
fn point_3_typod_guids_appear_in_the_text_report() {
    let (code, text) = check(
        "typo-guids",
        &["--path", "v3", "--preset", "email-client", "--region", "us"],
    );
    assert_eq!(code, Some(1), "Mail.Send is missing");
    assert!(
        text.contains("! Your app lists permissions we don't recognise"),
        "{text}"
    );
    for id in [
        "e383f46e-2787-4529-855e-0e479a3ffac8",
        "465a38f9-76ea-45b9-9f6f-4297fe7c17f8",
        "a4b8392a-d8d1-4954-b029-8eecd302d582",
    ] {
        assert!(
            text.contains(&format!(
                "Not recognised: {id} (Delegated) under Microsoft Graph"
            )),
            "{id}: {text}"
        );
    }
    assert!(
        text.contains("it looks like Mail.Send (e383f46e-2787-4529-855e-0e479a3ffac0) with a typo"),
        "{text}"
    );
    assert!(
        text.contains("replace e383f46e-2787-4529-855e-0e479a3ffac8 with Mail.Send"),
        "{text}"
    );
    assert!(text.contains("\"Grant admin consent\" fail"), "{text}");
    assert!(
        !text.contains("asks for no more than Nylas needs"),
        "{text}"
    );
}

#[test]
fn point_4_azure_ad_graph_directory_roles_are_named_and_described() {
    let (code, text) = check(
        "azure-ad-graph-directory-roles",
        &[
            "--path",
            "v3",
            "--preset",
            "read-only-inbox",
            "--region",
            "us",
            "--tenancy",
            "single",
        ],
    );
    assert_eq!(code, Some(0));
    assert!(
        text.contains("Directory.Read.All (read directory data) and Application.ReadWrite.All (read and write all applications) on Azure Active Directory Graph, which is retired"),
        "{text}"
    );
    assert!(
        text.contains("Mail.Read (read mail in all mailboxes) on Microsoft Graph"),
        "{text}"
    );
    assert!(
        text.contains("remove User.Read, Directory.Read.All and Group.Read.All (Azure Active Directory Graph, retired)"),
        "{text}"
    );
    // Named, never raw GUIDs.
    for guid in ["5778995a", "1cda74f2", "6234d376", "311a71cc"] {
        assert!(!text.contains(guid), "{guid}: {text}");
    }
}

#[test]
fn point_5_the_text_report_asks_for_the_tenant_instead_of_a_refused_link() {
    let (_, text) = check(
        "single-tenant-admin-consent-no-tenant",
        &[
            "--path",
            "v3",
            "--features",
            "mail-read,rooms",
            "--region",
            "us",
            "--tenancy",
            "single",
        ],
    );
    assert!(
        text.contains("Admin-consent link: needs your tenant; run the check again with --tenant <Directory (tenant) ID>."),
        "{text}"
    );
    assert!(!text.contains("/organizations/adminconsent"), "{text}");
    let (_, text) = check(
        "single-tenant-admin-consent-no-tenant",
        &[
            "--path",
            "v3",
            "--features",
            "mail-read,rooms",
            "--region",
            "us",
            "--tenancy",
            "single",
            "--tenant",
            "contoso.com",
        ],
    );
    assert!(
        text.contains("Admin-consent link: https://login.microsoftonline.com/contoso.com/adminconsent?client_id=4b6d8f0a-2c4e-4b6d-9f0a-2c4e6b8d0f2a"),
        "{text}"
    );
}
