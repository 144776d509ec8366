use super::*;

fn one(text: &str) -> ClassifiedAccount {
    let c = classify(text).unwrap();
    assert!(c.unclassified.is_empty(), "{:?}", c.unclassified);
    assert_eq!(c.accounts.len(), 1);
    c.accounts.into_iter().next().unwrap()
}

fn csv_row(provider: &str, auth: &str) -> String {
    format!("email,provider,authentication_type\nana@contoso.com,{provider},{auth}\n")
}

#[test]
fn class_1_token_auth_with_graph_migrates() {
    let a = one(&csv_row("graph", "token"));
    assert_eq!((a.category, a.class), (1, AccountClass::Migrates));
    assert!(a.action.starts_with("Nothing to do"));
    assert!(!a.class.must_reauthenticate());
    // Graph on v2 is token-only: no authentication type is needed.
    assert_eq!(one(&csv_row("graph", "")).category, 1);
    // An office365 token account whose scopes are Graph's migrates too.
    let a = one("email,provider,authentication_type,scopes\nbo@contoso.com,office365,token,\"Mail.Read Calendars.ReadWrite offline_access\"\n");
    assert_eq!(a.category, 1);
    let a = one("email,provider,authentication_type,scopes\nbo@contoso.com,office365,token,https://graph.microsoft.com/Calendars.ReadWrite\n");
    assert_eq!(a.category, 1);
}

#[test]
fn class_2_token_auth_without_graph_signs_in_again_with_oauth() {
    for provider in ["office365", "exchange", "Office365"] {
        let a = one(&csv_row(provider, "token"));
        assert_eq!(
            (a.category, a.class),
            (2, AccountClass::ReauthOauth),
            "{provider}"
        );
        assert!(a.action.contains("sign in again with Microsoft"));
        assert!(!a.needs_ews);
    }
    // Exchange scopes say it isn't Graph; v2 scopes say nothing either way.
    let a = one("email,provider,authentication_type,scopes\nbo@contoso.com,office365,OAuth,https://outlook.office365.com/EAS.AccessAsUser.All\n");
    assert_eq!(a.category, 2);
    let a = one("email,provider,authentication_type,scopes\nbo@contoso.com,office365,token,\"email.read_only,calendar\"\n");
    assert_eq!(a.category, 2);
}

#[test]
fn class_3_password_auth_signs_in_again_with_a_password_and_on_prem_needs_ews() {
    let a = one(&csv_row("exchange", "password"));
    assert_eq!((a.category, a.class), (3, AccountClass::ReauthPassword));
    assert!(a.needs_ews);
    assert!(a.action.contains("EWS connector"));
    let c = classify(&csv_row("exchange", "password")).unwrap();
    assert!(c.needs_ews_connector);
    // Microsoft 365 with a password: still class 3, but the action says
    // passwords no longer work there.
    let a = one(&csv_row("office365", "password"));
    assert_eq!(a.category, 3);
    assert!(!a.needs_ews);
    assert!(a.action.contains("no longer accepts passwords"));
    assert!(
        !classify(&csv_row("office365", "password"))
            .unwrap()
            .needs_ews_connector
    );
}

#[test]
fn class_4_personal_accounts_are_not_imported() {
    for provider in ["outlook", "hotmail", "live"] {
        for auth in ["token", "password", ""] {
            let a = one(&csv_row(provider, auth));
            assert_eq!(
                (a.category, a.class),
                (4, AccountClass::Personal),
                "{provider} {auth}"
            );
            assert!(a.action.contains("connect again"));
        }
    }
    // A consumer address is personal whatever the provider says.
    for email in [
        "kim@outlook.com",
        "kim@hotmail.co.uk",
        "kim@LIVE.fr",
        "kim@msn.com",
    ] {
        let a = one(&format!(
            "email,provider,authentication_type\n{email},office365,token\n"
        ));
        assert_eq!(a.category, 4, "{email}");
    }
    // …but a company domain that merely starts with "live" is not.
    let a = one("email,provider,authentication_type\nkim@live.contoso.com,office365,token\n");
    assert_eq!(a.category, 2);
    let a = one("email,provider,authentication_type\nkim@outlookconsulting.com,graph,token\n");
    assert_eq!(a.category, 1);
}

#[test]
fn a_mixed_csv_gets_counts_per_class_and_keeps_every_row() {
    let text = "\u{feff}Email Address,Provider,Authentication Type,ID\n\
        a@contoso.com,graph,token,acc1\n\
        b@contoso.com,office365,token,acc2\n\
        c@contoso.com,exchange,password,acc3\n\
        d@hotmail.com,hotmail,token,acc4\n\
        e@contoso.com,gmail,token,acc5\n\
        ,office365,token,acc6\n\
        \n\
        g@contoso.com,office365,,acc7\n\
        h@contoso.com,office365,certificate,acc8\n\
        not-an-address,graph,token,acc9\n\
        i@contoso.com,graph,token,acc10\n";
    let c = classify(text).unwrap();
    assert_eq!(c.format, AccountsFormat::Csv);
    assert_eq!(c.total, 10, "the blank line is not a row");
    let counts: Vec<u32> = c.counts.iter().map(|k| k.count).collect();
    assert_eq!(counts, [2, 1, 1, 1]);
    assert_eq!(c.counts[1].category, 2);
    assert_eq!(c.reauth, 3);
    assert_eq!(c.accounts[0].account_id.as_deref(), Some("acc1"));
    // Rows are spreadsheet lines: the header is line 1.
    assert_eq!(c.accounts[0].row, 2);
    let reasons: Vec<(u32, &str)> = c
        .unclassified
        .iter()
        .map(|u| (u.row, u.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 5);
    assert_eq!(reasons[0].0, 6);
    assert!(reasons[0]
        .1
        .contains("\"gmail\" isn't a Microsoft provider"));
    assert_eq!(reasons[1], (7, "This row has no email address."));
    assert_eq!(reasons[2].0, 9);
    assert!(reasons[2].1.contains("no authentication type"));
    assert!(reasons[3]
        .1
        .contains("\"certificate\" is neither token nor password"));
    assert_eq!(reasons[4].1, "\"not-an-address\" isn't an email address.");
    assert_eq!(c.unclassified[0].email.as_deref(), Some("e@contoso.com"));
}

#[test]
fn the_v2_accounts_api_json_array_is_read_too() {
    // The shape of GET /a/{client_id}/accounts (nylas-nodejs v6 ManagementAccount).
    let text = r#"[
      {"account_id": "a1", "billing_state": "paid", "email": "a@contoso.com", "id": "a1",
       "provider": "graph", "sync_state": "running", "authentication_type": "token", "trial": false},
      {"id": "a2", "email": "b@contoso.com", "provider": "office365", "authentication_type": "token"},
      {"id": "a3", "email": "c@contoso.com", "provider": "exchange", "authentication_type": "password"},
      {"id": "a4", "email_address": "d@live.com", "provider": "live"},
      {"id": "a5", "email": "e@contoso.com", "provider": "office365", "authentication_type": "token",
       "scopes": ["Calendars.ReadWrite", "offline_access"]},
      "not an object",
      {"id": "a7", "provider": "graph"}
    ]"#;
    let c = classify(text).unwrap();
    assert_eq!(c.format, AccountsFormat::Json);
    let cats: Vec<(u32, u8)> = c.accounts.iter().map(|a| (a.row, a.category)).collect();
    assert_eq!(cats, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 1)]);
    assert_eq!(c.accounts[0].account_id.as_deref(), Some("a1"));
    let un: Vec<(u32, &str)> = c
        .unclassified
        .iter()
        .map(|u| (u.row, u.reason.as_str()))
        .collect();
    assert_eq!(
        un,
        [
            (
                6,
                "This row isn't an account: it has no email address or provider."
            ),
            (7, "This row has no email address.")
        ]
    );
    // An object wrapping the list is accepted.
    let c = classify(r#"{"accounts": [{"email": "a@contoso.com", "provider": "graph"}]}"#).unwrap();
    assert_eq!(c.accounts[0].category, 1);
}

#[test]
fn files_that_cant_be_read_are_refused_plainly() {
    let e = classify("").unwrap_err();
    assert!(e.message.contains("empty"));
    let e = classify("mail,kind\na@contoso.com,graph\n").unwrap_err();
    assert_eq!(
        e.message,
        "The accounts file has no \"email\" column (its first row is: mail, kind)."
    );
    let e = classify("email,auth\na@contoso.com,token\n").unwrap_err();
    assert!(e.message.contains("no \"provider\" column"));
    let e = classify("[{\"email\": ").unwrap_err();
    assert!(e
        .message
        .starts_with("The accounts file isn't valid JSON (line 1"));
    let e = classify(r#"{"total": 3}"#).unwrap_err();
    assert!(e.message.contains("not a list of accounts"));
    let huge = " ".repeat(MAX_ACCOUNTS_BYTES + 1);
    assert!(classify(&huge)
        .unwrap_err()
        .message
        .contains("far too large"));
}

#[test]
fn semicolon_csv_quoted_fields_and_short_rows() {
    let text = "email;provider;authentication_type\n\"ana@contoso.com\";exchange;password\nbo@contoso.com;graph\n";
    let c = classify(text).unwrap();
    assert_eq!(c.accounts.len(), 2);
    assert_eq!(c.accounts[0].category, 3);
    assert_eq!(
        c.accounts[1].category, 1,
        "graph needs no auth column value"
    );
    // A short row missing the provider is listed, not dropped.
    let c = classify("email,provider,authentication_type\nana@contoso.com\n").unwrap();
    assert_eq!(c.unclassified.len(), 1);
    assert!(c.unclassified[0].reason.contains("no provider"));
}

#[test]
fn the_reauth_csv_lists_classes_2_to_4_only_and_defuses_formulas() {
    let text = "email,provider,authentication_type,id\n\
        a@contoso.com,graph,token,1\n\
        b@contoso.com,office365,token,2\n\
        c@contoso.com,exchange,password,3\n\
        d@outlook.com,outlook,token,=HYPERLINK(\"x\")\n";
    let c = classify(text).unwrap();
    let out = reauth_csv(&c).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "email,provider,authentication_type,category,action,account_id"
    );
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[1].starts_with("b@contoso.com,office365,token,2,"));
    assert!(lines[2].starts_with("c@contoso.com,exchange,password,3,"));
    assert!(lines[3].starts_with("d@outlook.com,outlook,token,4,"));
    assert!(
        lines[3].ends_with(",\"'=HYPERLINK(\"\"x\"\")\""),
        "{}",
        lines[3]
    );
    assert!(!out.contains("a@contoso.com"));
    // It reads back as CSV with the same accounts.
    let back = classify(&out).unwrap();
    assert_eq!(back.accounts.len(), 3);
}

#[test]
fn class_names_and_numbers() {
    assert_eq!(AccountClass::ALL.map(|c| c.number()), [1, 2, 3, 4]);
    assert_eq!(
        serde_json::to_value(AccountClass::ReauthOauth).unwrap(),
        "reauth-oauth"
    );
    for c in AccountClass::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), <&str>::from(c));
    }
}
