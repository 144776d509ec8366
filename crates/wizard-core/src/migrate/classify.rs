//! Sorting an exported list of Nylas v2 accounts into seed 002's four
//! import classes (issue 12, path D point 5):
//!
//! 1. token (OAuth) auth with Graph scopes → imported, keeps working;
//! 2. token auth without Graph → imported but invalid: re-authenticate with OAuth;
//! 3. password auth (Exchange on-premises included) → re-authenticate with a
//!    password; on-premises needs the EWS connector;
//! 4. personal Outlook / Hotmail / Live accounts → not imported: connect again.
//!
//! Input: a CSV with a header (`email,provider,authentication_type` at
//! least; `scopes`, `id`/`account_id`, `name` when present), or the JSON array
//! the v2 accounts API (`GET /a/{client_id}/accounts`) answers, whose objects
//! carry `email`, `provider` and `authentication_type`
//! (`nylas-nodejs@v6`'s ManagementAccount). A row that can't be sorted is
//! listed with the reason, never dropped.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Result, WizardError};

/// The largest export the wizard reads (a v2 app with ~100 000 accounts).
pub const MAX_ACCOUNTS_BYTES: usize = 32 * 1024 * 1024;

/// Seed 002's four classes, in its order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[ts(export)]
pub enum AccountClass {
    /// 1: token auth with Graph: migrates, no action.
    Migrates,
    /// 2: token auth without Graph: signs in again with OAuth.
    ReauthOauth,
    /// 3: password auth: signs in again with a password.
    ReauthPassword,
    /// 4: personal Microsoft account: not imported, connects again.
    Personal,
}

impl AccountClass {
    pub const ALL: [AccountClass; 4] = [
        AccountClass::Migrates,
        AccountClass::ReauthOauth,
        AccountClass::ReauthPassword,
        AccountClass::Personal,
    ];

    /// Seed 002's number (1–4).
    pub fn number(self) -> u8 {
        match self {
            AccountClass::Migrates => 1,
            AccountClass::ReauthOauth => 2,
            AccountClass::ReauthPassword => 3,
            AccountClass::Personal => 4,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccountClass::Migrates => "Moves over by itself",
            AccountClass::ReauthOauth => "Signs in again with Microsoft",
            AccountClass::ReauthPassword => "Signs in again with a password",
            AccountClass::Personal => "Personal account: connects again",
        }
    }

    /// What happens, in one sentence.
    pub fn explanation(self) -> &'static str {
        match self {
            AccountClass::Migrates => "Token sign-in with Microsoft Graph: Nylas imports the account and it keeps working once the connector uses the new Azure app.",
            AccountClass::ReauthOauth => "Token sign-in without Microsoft Graph: Nylas imports the account in an invalid state; the user signs in again with Microsoft to accept the Graph permissions.",
            AccountClass::ReauthPassword => "Password sign-in: Nylas imports the account in an invalid state; the user signs in again with their password. Exchange on your own servers needs the EWS connector.",
            AccountClass::Personal => "Personal Outlook, Hotmail or Live account: Nylas can't import it; the user connects again from scratch on v3.",
        }
    }

    /// True when the user has to do something.
    pub fn must_reauthenticate(self) -> bool {
        self != AccountClass::Migrates
    }
}

/// Where the list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AccountsFormat {
    Csv,
    Json,
}

/// One account, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClassifiedAccount {
    pub email: String,
    /// Seed 002's class number, 1–4.
    pub category: u8,
    pub class: AccountClass,
    /// What to do for this account, in one sentence.
    pub action: String,
    /// The row: the CSV line (the header is line 1) or the JSON array's
    /// position (the first account is 1).
    pub row: u32,
    /// The v2 provider as given, lower case (`office365`, `exchange`…).
    pub provider: String,
    /// `token` or `password` as given (lower case), when given.
    pub authentication_type: Option<String>,
    /// The v2 account ID, when the export has it.
    pub account_id: Option<String>,
    /// True for Exchange on-premises (password auth on `exchange`).
    pub needs_ews: bool,
}

/// A row that couldn't be sorted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnclassifiedRow {
    pub row: u32,
    pub reason: String,
    /// The address, when the row has one.
    pub email: Option<String>,
}

/// How many accounts fell in one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClassCount {
    pub category: u8,
    pub class: AccountClass,
    pub label: String,
    pub explanation: String,
    pub count: u32,
}

/// The whole list, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Classification {
    pub accounts: Vec<ClassifiedAccount>,
    pub unclassified: Vec<UnclassifiedRow>,
    /// The four classes in order, each with its count (zero included).
    pub counts: Vec<ClassCount>,
    pub format: AccountsFormat,
    /// Rows read: sorted + unclassified.
    pub total: u32,
    /// Accounts in classes 2–4 (the re-authentication list).
    pub reauth: u32,
    /// True when an Exchange on-premises account needs the EWS connector.
    pub needs_ews_connector: bool,
}

/// One row as read, before sorting.
#[derive(Debug, Default)]
struct Row {
    row: u32,
    email: Option<String>,
    provider: Option<String>,
    auth: Option<String>,
    scopes: Option<String>,
    account_id: Option<String>,
}

/// Reads a CSV or JSON export and sorts every row.
pub fn classify(text: &str) -> Result<Classification> {
    if text.len() > MAX_ACCOUNTS_BYTES {
        return Err(WizardError::invalid_input(format!(
            "This file is over {} MB, far too large to be a list of accounts.",
            MAX_ACCOUNTS_BYTES / (1024 * 1024)
        ))
        .with_hint("Export the accounts again, or split the list into smaller files."));
    }
    let text = text.trim_start_matches('\u{feff}');
    let (format, rows) = match text.trim_start().chars().next() {
        None => {
            return Err(WizardError::invalid_input("The file is empty: there are no accounts in it.")
                .with_hint("Export the accounts of your Nylas v2 application as CSV (with a header row) or as the JSON the accounts API answers."))
        }
        Some('[' | '{') => (AccountsFormat::Json, read_json(text)?),
        Some(_) => (AccountsFormat::Csv, read_csv(text)?),
    };
    let mut accounts = Vec::new();
    let mut unclassified = Vec::new();
    for row in rows {
        match sort(&row) {
            Ok(a) => accounts.push(a),
            Err(reason) => unclassified.push(UnclassifiedRow {
                row: row.row,
                reason,
                email: row.email.clone(),
            }),
        }
    }
    let counts = AccountClass::ALL
        .iter()
        .map(|c| ClassCount {
            category: c.number(),
            class: *c,
            label: c.label().into(),
            explanation: c.explanation().into(),
            count: count(accounts.iter().filter(|a| a.class == *c)),
        })
        .collect();
    Ok(Classification {
        total: count(accounts.iter()) + count(unclassified.iter()),
        reauth: count(accounts.iter().filter(|a| a.class.must_reauthenticate())),
        needs_ews_connector: accounts.iter().any(|a| a.needs_ews),
        accounts,
        unclassified,
        counts,
        format,
    })
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

fn clean(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The header's name for each field we read (any case, spaces or dashes
/// for underscores).
fn column_of(header: &str) -> Option<&'static str> {
    let h = header.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    Some(match h.as_str() {
        "email" | "email_address" | "emailaddress" | "e_mail" => "email",
        "provider" => "provider",
        "authentication_type"
        | "auth_type"
        | "authentication"
        | "auth_method"
        | "authentication_method" => "auth",
        "scopes" | "scope" => "scopes",
        "id" | "account_id" => "account_id",
        _ => return None,
    })
}

fn read_csv(text: &str) -> Result<Vec<Row>> {
    // Spreadsheets in many European locales save with semicolons.
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if !first_line.contains(',') && first_line.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bad_file = |e: csv::Error| {
        WizardError::invalid_input(format!("The accounts file can't be read as CSV: {e}."))
            .with_hint("Save the list as CSV (comma-separated) with a header row such as email,provider,authentication_type.")
    };
    let headers = reader.headers().map_err(bad_file)?.clone();
    let columns: Vec<Option<&'static str>> = headers.iter().map(column_of).collect();
    for needed in ["email", "provider"] {
        if !columns.contains(&Some(needed)) {
            let found: Vec<&str> = headers.iter().map(str::trim).collect();
            return Err(WizardError::invalid_input(format!(
                "The accounts file has no \"{needed}\" column (its first row is: {}).",
                found.join(", ")
            ))
            .with_hint("The first row must name the columns: email,provider,authentication_type at least (scopes and id when you have them)."));
        }
    }
    let mut rows = Vec::new();
    // The spreadsheet's line of each record, counted from its byte offset:
    // the reader's own line count skips blank lines.
    let (mut seen_byte, mut seen_line) = (0usize, 1u32);
    for record in reader.records() {
        let record = record.map_err(bad_file)?;
        let byte = record
            .position()
            .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .unwrap_or_default()
            .min(text.len());
        // The reader's record position can sit on blank lines it skipped.
        let byte = byte
            + text.as_bytes()[byte..]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        if byte > seen_byte {
            let newlines = text.as_bytes()[seen_byte..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            seen_line = seen_line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            seen_byte = byte;
        }
        let line = seen_line;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut row = Row {
            row: line,
            ..Row::default()
        };
        for (i, value) in record.iter().enumerate() {
            let value = clean(value);
            match columns.get(i).copied().flatten() {
                Some("email") => row.email = value,
                Some("provider") => row.provider = value,
                Some("auth") => row.auth = value,
                Some("scopes") => row.scopes = value,
                Some("account_id") => row.account_id = value,
                _ => {}
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

fn read_json(text: &str) -> Result<Vec<Row>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        WizardError::invalid_input(format!(
            "The accounts file isn't valid JSON (line {}, column {}).",
            e.line(),
            e.column()
        ))
        .with_hint("Use the JSON array the v2 accounts API answers, or save the list as CSV with a header row.")
    })?;
    // The API answers an array; an object wrapping one is accepted too.
    let items = match &value {
        Value::Array(items) => items,
        Value::Object(o) => match ["accounts", "data"].iter().find_map(|k| o.get(*k)) {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(WizardError::invalid_input(
                    "The accounts file is JSON, but not a list of accounts.",
                )
                .with_hint("Use the JSON array the v2 accounts API answers: [{\"email\": …, \"provider\": …, \"authentication_type\": …}, …]."))
            }
        },
        _ => unreachable!("the text starts with [ or {{"),
    };
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let Value::Object(o) = item else {
                // Sorted as "not an account" below.
                return Row {
                    row,
                    ..Row::default()
                };
            };
            let text = |keys: &[&str]| {
                keys.iter().find_map(|k| match o.get(*k) {
                    Some(Value::String(s)) => clean(s),
                    Some(Value::Array(a)) => clean(
                        &a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    _ => None,
                })
            };
            Row {
                row,
                email: text(&["email", "email_address"]),
                provider: text(&["provider"]),
                auth: text(&["authentication_type", "auth_type"]),
                scopes: text(&["scopes", "scope"]),
                account_id: text(&["account_id", "id"]),
            }
        })
        .collect())
}

/// Consumer Microsoft domains: an address there is a personal account
/// (a business can't own outlook.com), whatever the v2 provider says.
fn is_personal_domain(email: &str) -> bool {
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let Some((name, suffix)) = domain.split_once('.') else {
        return false;
    };
    // outlook.com, hotmail.co.uk, live.fr…; not live.contoso.com.
    let country_suffix = suffix
        .split('.')
        .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
        && suffix.split('.').count() <= 2;
    matches!(name, "outlook" | "hotmail" | "live" | "msn" | "windowslive") && country_suffix
}

/// Graph vs Exchange in a scopes column: Graph permission names (or
/// graph.microsoft.com URIs) vs EAS/EWS ones.
fn scopes_use_graph(scopes: &str) -> Option<bool> {
    let parts: Vec<&str> = scopes
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let exchange = |p: &str| p.contains("outlook.office365.com") || p.contains("AccessAsUser");
    let graph = |p: &str| {
        !exchange(p)
            && (p.contains("graph.microsoft.com")
                || (p.contains('.') && crate::catalog::graph_scope(p).is_some()))
    };
    if parts.iter().any(|p| graph(p)) {
        Some(true)
    } else if parts.iter().any(|p| exchange(p)) {
        Some(false)
    } else {
        // Nylas v2 scopes (email.read_only…) say nothing about Graph.
        None
    }
}

/// Sorts one row, or says why it can't be.
fn sort(r: &Row) -> std::result::Result<ClassifiedAccount, String> {
    let email = match &r.email {
        None if r.provider.is_none() && r.auth.is_none() => {
            return Err("This row isn't an account: it has no email address or provider.".into())
        }
        None => return Err("This row has no email address.".into()),
        Some(e) if !e.contains('@') || e.starts_with('@') || e.ends_with('@') => {
            return Err(format!("\"{e}\" isn't an email address."))
        }
        Some(e) => e.clone(),
    };
    let provider = r
        .provider
        .as_deref()
        .map(str::to_ascii_lowercase)
        .ok_or("This row has no provider, so we can't tell how the account signed in.")?;
    let auth = r.auth.as_deref().map(str::to_ascii_lowercase);
    let is_token = match auth.as_deref() {
        Some("token" | "oauth" | "oauth2" | "modern") => Some(true),
        Some("password" | "basic") => Some(false),
        Some(other) => {
            return Err(format!(
                "The authentication type \"{other}\" is neither token nor password."
            ))
        }
        None => None,
    };
    let account = |class: AccountClass, action: &str, needs_ews: bool| ClassifiedAccount {
        email: email.clone(),
        category: class.number(),
        class,
        action: action.to_string(),
        row: r.row,
        provider: provider.clone(),
        authentication_type: auth.clone(),
        account_id: r.account_id.clone(),
        needs_ews,
    };
    const PERSONAL: &str = "Ask the user to connect again through Nylas v3 hosted authentication: personal Microsoft accounts aren't imported.";
    match provider.as_str() {
        "outlook" | "hotmail" | "live" | "msn" => {
            return Ok(account(AccountClass::Personal, PERSONAL, false))
        }
        "graph" | "office365" | "exchange" | "microsoft" | "ews" | "eas" => {}
        other => {
            return Err(format!(
                "\"{other}\" isn't a Microsoft provider; this list sorts Microsoft accounts only."
            ))
        }
    }
    if is_personal_domain(&email) {
        return Ok(account(AccountClass::Personal, PERSONAL, false));
    }
    let graph = provider == "graph" || r.scopes.as_deref().and_then(scopes_use_graph) == Some(true);
    match is_token {
        // Graph on v2 is token sign-in only (provider graph, API v2.3).
        Some(true) | None if graph => Ok(account(
            AccountClass::Migrates,
            "Nothing to do: it moves over once the Microsoft connector uses the new Azure app.",
            false,
        )),
        Some(true) => Ok(account(
            AccountClass::ReauthOauth,
            "Ask the user to sign in again with Microsoft (OAuth) to accept the Graph permissions.",
            false,
        )),
        Some(false) if provider == "exchange" || provider == "ews" || provider == "eas" => Ok(account(
            AccountClass::ReauthPassword,
            "Ask the user to sign in again with their password through the EWS connector (Exchange on your own servers).",
            true,
        )),
        Some(false) => Ok(account(
            AccountClass::ReauthPassword,
            "Ask the user to sign in again: Microsoft 365 no longer accepts passwords, so they sign in with Microsoft through the Microsoft connector.",
            false,
        )),
        None => Err(format!(
            "There is no authentication type (token or password) for this {provider} account, and which of the two it used decides what happens."
        )),
    }
}

/// The accounts that must sign in again (classes 2–4), as CSV for the
/// admin's mailing: `email,provider,authentication_type,category,action,account_id`.
/// A value that a spreadsheet would run as a formula gets a leading `'`.
pub fn reauth_csv(c: &Classification) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed =
        |e: csv::Error| WizardError::internal(format!("The CSV could not be written: {e}."));
    w.write_record([
        "email",
        "provider",
        "authentication_type",
        "category",
        "action",
        "account_id",
    ])
    .map_err(failed)?;
    for a in c.accounts.iter().filter(|a| a.class.must_reauthenticate()) {
        let category = a.category.to_string();
        w.write_record([
            safe_cell(&a.email).as_str(),
            safe_cell(&a.provider).as_str(),
            safe_cell(a.authentication_type.as_deref().unwrap_or_default()).as_str(),
            category.as_str(),
            a.action.as_str(),
            safe_cell(a.account_id.as_deref().unwrap_or_default()).as_str(),
        ])
        .map_err(failed)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| WizardError::internal(format!("The CSV could not be written: {e}.")))?;
    String::from_utf8(bytes).map_err(|e| WizardError::internal(format!("The CSV isn't text: {e}.")))
}

/// Keeps a spreadsheet from running a cell as a formula.
fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
