use super::*;

const AZURE: &str = "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01";

fn input(features: &[Feature]) -> NativeAuthInput {
    NativeAuthInput {
        region: Region::Us,
        nylas_client_id: "practice-v2-contoso-client".into(),
        azure_client_id: AZURE.into(),
        features: features.to_vec(),
        port: DEFAULT_NATIVE_AUTH_PORT,
        ..NativeAuthInput::default()
    }
}

#[test]
fn events_is_one_graph_authorization_with_the_calendar_scope() {
    let p = plan(&input(&[Feature::CalendarWrite])).unwrap();
    assert_eq!(p.variant, NativeAuthVariant::Events);
    assert_eq!(p.authorizations.len(), 1);
    assert_eq!(p.authorizations[0].provider, "graph");
    assert_eq!(p.authorizations[0].scopes, "calendar");
    assert_eq!(p.tenant, "common");
    assert_eq!(
        p.redirect_uri,
        "http://localhost:47617/nylas-wizard/v2-sign-in"
    );
    assert!(p.microsoft_scopes.contains(&"offline_access".to_owned()));
    assert!(p
        .permissions
        .contains(&"Calendars.ReadWrite (Microsoft Graph)".to_owned()));
    assert_eq!(p.permissions.len(), p.microsoft_scopes.len());
    assert!(p
        .microsoft_scopes
        .contains(&"https://graph.microsoft.com/Calendars.ReadWrite".to_owned()));
    assert!(p.notes.iter().any(|n| n.contains("bills")));
}

#[test]
fn read_only_asks_for_less() {
    let p = plan(&input(&[Feature::CalendarRead])).unwrap();
    assert_eq!(p.authorizations[0].scopes, "calendar.read_only");
    assert!(p
        .microsoft_scopes
        .contains(&"https://graph.microsoft.com/Calendars.Read".to_owned()));
    // Nothing chosen: v2's calendar scope (read-write), as the scope plan says.
    assert_eq!(
        plan(&input(&[])).unwrap().authorizations[0].scopes,
        "calendar"
    );
}

#[test]
fn shared_calendars_is_two_authorizations_and_says_what_it_costs() {
    let p = plan(&input(&[Feature::SharedCalendar, Feature::CalendarRead])).unwrap();
    assert_eq!(p.variant, NativeAuthVariant::SharedCalendars);
    let kinds: Vec<(&str, &str)> = p
        .authorizations
        .iter()
        .map(|a| (a.provider.as_str(), a.scopes.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![("office365", "email,contacts"), ("graph", "calendar")]
    );
    assert!(p
        .microsoft_scopes
        .contains(&"https://graph.microsoft.com/Calendars.ReadWrite.Shared".to_owned()));
    let notes = p.notes.join(" ");
    assert!(notes.contains("two Nylas accounts"), "{notes}");
    assert!(notes.contains("webhooks"), "{notes}");
    assert!(notes.contains("three Nylas applications"), "{notes}");
}

#[test]
fn replacing_accounts_needs_a_confirmation_naming_the_consequence() {
    let mut i = input(&[Feature::CalendarWrite]);
    i.reauth_account_ids = vec!["acc123".into()];
    let e = plan(&i).unwrap_err();
    assert!(
        e.message.contains("acc123") && e.message.contains("re-syncs"),
        "{}",
        e.message
    );
    i.confirm_replace = true;
    let p = plan(&i).unwrap();
    assert_eq!(
        p.authorizations[0].reauth_account_id.as_deref(),
        Some("acc123")
    );
    assert!(p.replace.unwrap().confirmed);
    // The shared variant replaces two accounts, or none.
    let mut s = input(&[Feature::SharedCalendar]);
    s.reauth_account_ids = vec!["a1".into()];
    s.confirm_replace = true;
    assert!(plan(&s)
        .unwrap_err()
        .message
        .contains("2 accounts per person"));
    s.reauth_account_ids = vec!["bad id!".into(), "a2".into()];
    assert!(plan(&s).unwrap_err().message.contains("bad id!"));
}

#[test]
fn bad_input_is_refused_in_plain_words() {
    let mut i = input(&[]);
    i.azure_client_id = "not-a-guid".into();
    assert!(plan(&i)
        .unwrap_err()
        .message
        .contains("Application (client) ID"));
    let mut i = input(&[Feature::MailRead]);
    assert!(plan(&i).unwrap_err().message.contains("mail-read"));
    i.features.clear();
    i.nylas_client_id = " ".into();
    assert!(plan(&i).unwrap_err().message.contains("client ID"));
}

#[test]
fn the_preview_hides_every_secret() {
    let p = plan(&input(&[Feature::SharedCalendar])).unwrap();
    let shown = serde_json::to_string(&preview_requests(&p, "megan@contoso.com", "Megan")).unwrap();
    assert!(
        shown.contains("\"microsoft_refresh_token\":\"•••\""),
        "{shown}"
    );
    assert!(
        shown.contains("\"microsoft_client_secret\":\"•••\""),
        "{shown}"
    );
    assert!(shown.contains("\"client_secret\":\"•••\""), "{shown}");
    assert!(shown.contains("\"provider\":\"graph\""));
}

#[test]
fn the_signed_in_user_never_shows_its_token() {
    let u = SignedInUser {
        email: "a@b.c".into(),
        name: "A".into(),
        refresh_token: SecretString::from("rt-secret-value".to_owned()),
    };
    assert!(!format!("{u:?}").contains("rt-secret-value"));
}

#[test]
fn the_record_counts_connected_accounts_and_only_the_last_failures() {
    let ok = |id: &str| AuthorizationResult {
        purpose: "Calendar".into(),
        provider: "graph".into(),
        scopes: "calendar".into(),
        account: Some(ConnectedAccount {
            account_id: id.into(),
            email_address: "a@b.c".into(),
            provider: "graph".into(),
            billing_state: None,
            sync_state: None,
        }),
        error: None,
    };
    let failed = AuthorizationResult {
        account: None,
        error: Some(WizardError::invalid_input("no")),
        ..ok("x")
    };
    let run = |results| NativeAuthOutcome {
        email: "a@b.c".into(),
        name: "A".into(),
        results,
    };
    let first = run(vec![ok("a1"), failed.clone()]).record(None);
    assert_eq!((first.total, first.connected, first.failed), (2, 1, 1));
    assert!(first.problem().is_some());
    // Trying again works: the earlier failure no longer counts.
    let second = run(vec![ok("a2"), ok("a3")]).record(Some(&first));
    assert_eq!((second.total, second.connected, second.failed), (3, 3, 0));
    assert_eq!(second.problem(), None);
}
