//! `nylas-ms-setup migrate scopes` and `migrate classify` (issue 12, path D).

use serde_json::Value;

mod common;
use common::{run, stderr, stdout};

const MIXED_CSV: &str = "email,provider,authentication_type\n\
    a@contoso.com,graph,token\n\
    b@contoso.com,office365,token\n\
    c@contoso.com,exchange,password\n\
    d@hotmail.com,hotmail,token\n\
    e@contoso.com,gmail,token\n";

fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn scopes_json_lists_the_graph_scopes_with_offline_access() {
    let o = run(&[
        "migrate",
        "scopes",
        "--v2",
        "email.read_only,calendar",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["scopes"],
        serde_json::json!([
            "Mail.Read",
            "Calendars.ReadWrite",
            "User.Read",
            "offline_access"
        ])
    );
    assert_eq!(v["details"][0]["from_v2"][0], "email.read_only");
    assert!(v["details"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("Lets Nylas read messages"));
    assert_eq!(
        v["features"],
        serde_json::json!(["mail-read", "calendar-write"])
    );
}

#[test]
fn scopes_text_says_why_and_where_each_comes_from() {
    let o = run(&["migrate", "scopes", "--v2", "contacts.read_only"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("Contacts.Read (from contacts.read_only)"),
        "{out}"
    );
    assert!(out.contains("offline_access (always needed)"), "{out}");
    assert!(out.contains("Scopes: Contacts.Read User.Read offline_access"));
}

#[test]
fn an_unknown_v2_scope_exits_2_naming_it() {
    let o = run(&["migrate", "scopes", "--v2", "email.read_only,calender"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"calender\" is not a Nylas v2 scope."));
    assert!(stdout(&o).is_empty());
    let o = run(&["migrate", "scopes", "--v2", "calender", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "invalid_input");
    assert!(v["error"]["message"].as_str().unwrap().contains("calender"));
}

#[test]
fn classify_json_has_the_issue_s_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "accounts.csv", MIXED_CSV);
    let o = run(&[
        "migrate",
        "classify",
        "--accounts",
        &path,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let accounts = v["accounts"].as_array().unwrap();
    let got: Vec<(&str, u64)> = accounts
        .iter()
        .map(|a| {
            (
                a["email"].as_str().unwrap(),
                a["category"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a@contoso.com", 1),
            ("b@contoso.com", 2),
            ("c@contoso.com", 3),
            ("d@hotmail.com", 4)
        ]
    );
    assert!(accounts
        .iter()
        .all(|a| a["action"].as_str().is_some_and(|s| !s.is_empty())));
    assert_eq!(v["unclassified"][0]["row"], 6);
    assert!(v["unclassified"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("gmail"));
    let counts: Vec<u64> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 1, 1]);
    assert_eq!(v["needs_ews_connector"], true);
}

#[test]
fn classify_reads_the_v2_accounts_api_json_and_prints_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "accounts.json",
        r#"[{"id":"x1","email":"a@contoso.com","provider":"office365","authentication_type":"token","billing_state":"paid","sync_state":"running"},
            {"id":"x2","email":"b@contoso.com","provider":"graph","authentication_type":"token"}]"#,
    );
    let o = run(&["migrate", "classify", "--accounts", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("2 rows read."), "{out}");
    assert!(out.contains("1 accounts must sign in again."), "{out}");
    assert!(out.contains("a@contoso.com — Ask the user to sign in again with Microsoft"));
}

#[test]
fn classify_csv_prints_only_who_must_sign_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "accounts.csv", MIXED_CSV);
    let o = run(&[
        "migrate",
        "classify",
        "--accounts",
        &path,
        "--format",
        "CSV",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "email,provider,authentication_type,category,action,account_id"
    );
    assert_eq!(lines.len(), 4, "{out}");
    assert!(!out.contains("a@contoso.com"));
    assert!(lines[3].starts_with("d@hotmail.com,hotmail,token,4,"));
}

#[test]
fn classify_refuses_missing_files_and_files_without_the_columns() {
    let o = run(&[
        "migrate",
        "classify",
        "--accounts",
        "/nonexistent/accounts.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("accounts file"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "bad.csv", "mail,kind\na@contoso.com,graph\n");
    let o = run(&[
        "migrate",
        "classify",
        "--accounts",
        &path,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no \"email\" column"));
    let o = run(&[
        "migrate",
        "classify",
        "--accounts",
        &path,
        "--format",
        "xml",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
