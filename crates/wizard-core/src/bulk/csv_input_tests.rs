use super::*;

#[test]
fn columns_by_name_in_any_order_with_bom_crlf_blank_lines_and_extras() {
    let text = "\u{feff}Name,Notes,Tenant,Admin Email\r\n\
                Contoso,vip,Contoso.onmicrosoft.com,IT@contoso.com\r\n\
                \r\n\
                ,,,\r\n\
                Fabrikam,,72F988BF-86F1-41AF-91AB-2D7CD011DB47,\r\n";
    let f = parse_tenants_csv(text).unwrap();
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(
        f.tenants,
        vec![
            TenantRow {
                row: 2,
                tenant: "contoso.onmicrosoft.com".into(),
                name: "Contoso".into(),
                admin_email: Some("it@contoso.com".into()),
            },
            TenantRow {
                row: 5,
                tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
                name: "Fabrikam".into(),
                admin_email: None,
            },
        ]
    );
}

#[test]
fn bad_rows_are_listed_with_their_line_and_reason() {
    let text = "tenant,name,admin_email\n\
                contoso.com,Contoso,\n\
                common,Everyone,\n\
                not a tenant,Bad,\n\
                fabrikam.com,,\n\
                northwind.com,Northwind,not-an-email\n\
                CONTOSO.COM,Contoso again,\n\
                adatum.com,contoso,\n\
                tailspin.com\n\
                litware.com,Litware,\n";
    let f = parse_tenants_csv(text).unwrap();
    let kept: Vec<&str> = f.tenants.iter().map(|t| t.tenant.as_str()).collect();
    assert_eq!(kept, ["contoso.com", "litware.com"]);
    let rows: Vec<u32> = f.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [3, 4, 5, 6, 7, 8, 9]);
    let reason = |row: u32| {
        f.problems
            .iter()
            .find(|p| p.row == row)
            .unwrap()
            .reason
            .clone()
    };
    assert!(
        reason(3).contains("'common' is not a tenant ID"),
        "{}",
        reason(3)
    );
    assert!(reason(5).contains("name is empty"), "{}", reason(5));
    assert!(reason(6).contains("admin email"), "{}", reason(6));
    assert!(reason(7).contains("earlier row"), "{}", reason(7));
    assert!(reason(8).contains("'contoso' is used"), "{}", reason(8));
    assert!(reason(9).contains("name is empty"), "{}", reason(9));
    assert_eq!(f.problems[0].text, "common,Everyone,");
}

#[test]
fn a_missing_column_or_an_empty_file_is_a_plain_error() {
    let e = parse_tenants_csv("tenant,customer\ncontoso.com,Contoso\n").unwrap_err();
    assert_eq!(e.code, crate::ErrorCode::InvalidInput);
    assert!(e.message.contains("no \"name\" column"), "{}", e.message);
    assert!(e.message.contains("tenant, customer"), "{}", e.message);
    assert!(e.hint.unwrap().contains("tenant,name,admin_email"));
    let e = parse_tenants_csv(" \r\n").unwrap_err();
    assert!(e.message.contains("empty"), "{}", e.message);
    let e = parse_users_csv("mail\nmegan@contoso.com\n").unwrap_err();
    assert!(e.message.contains("no \"email\" column"), "{}", e.message);
}

#[test]
fn users_are_validated_and_deduplicated() {
    let text = "Email,Tenant\r\n\
                Megan@Contoso.com,\r\n\
                lee@fabrikam.com,fabrikam.com\r\n\
                megan@contoso.com,\r\n\
                no-at-sign,\r\n\
                a@b,\r\n\
                ok@northwind.com,not a tenant\r\n\
                ,contoso.com\r\n";
    let f = parse_users_csv(text).unwrap();
    assert_eq!(
        f.users,
        vec![
            UserRow {
                row: 2,
                email: "megan@contoso.com".into(),
                tenant: None,
            },
            UserRow {
                row: 3,
                email: "lee@fabrikam.com".into(),
                tenant: Some("fabrikam.com".into()),
            },
        ]
    );
    let rows: Vec<(u32, bool)> = f
        .problems
        .iter()
        .map(|p| (p.row, p.reason.is_empty()))
        .collect();
    assert_eq!(
        rows,
        [(4, false), (5, false), (6, false), (7, false), (8, false)]
    );
    assert!(f.problems[0].reason.contains("earlier row"));
    assert!(f.problems[1].reason.contains("doesn't look like an email"));
    assert!(f.problems[3].reason.contains("not a tenant ID"));
    assert!(f.problems[4].reason.contains("email is empty"));
}

#[test]
fn a_quoted_field_may_hold_commas_and_line_breaks() {
    let text = "tenant,name\ncontoso.com,\"Contoso, Ltd\"\nfabrikam.com,\"Fab\nrikam\"\nadatum.com,Adatum\n";
    let f = parse_tenants_csv(text).unwrap();
    assert_eq!(f.tenants[0].name, "Contoso, Ltd");
    // The line numbers follow the file, line breaks inside quotes included.
    let rows: Vec<u32> = f.tenants.iter().map(|t| t.row).collect();
    assert_eq!(rows, [2, 3, 5]);
}
