//! The tenants and users files of a bulk run: CSV with a header row,
//! columns found by name in any order (extra ones ignored), a BOM and CRLF
//! line ends accepted, blank lines skipped. A row that can't be used is
//! never dropped silently: it comes back as a [`RowProblem`] with why.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Result, WizardError};
use crate::ids::{is_domain, is_guid};

/// One tenant to onboard (row = its line in the file, header = 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TenantRow {
    pub row: u32,
    /// Tenant ID (GUID) or verified domain, lower-cased.
    pub tenant: String,
    /// The customer's display name (names its credential).
    pub name: String,
    /// Who gives admin consent, when the file says.
    pub admin_email: Option<String>,
}

/// A row left out, and why (plain language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowProblem {
    pub row: u32,
    /// The row as written (fields joined by commas).
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TenantsFile {
    pub tenants: Vec<TenantRow>,
    pub problems: Vec<RowProblem>,
}

/// One mailbox to connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserRow {
    pub row: u32,
    /// Lower-cased address.
    pub email: String,
    /// The tenant the row names, if any (else found from the email's domain).
    pub tenant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UsersFile {
    pub users: Vec<UserRow>,
    pub problems: Vec<RowProblem>,
}

/// A single tenant: a GUID or a domain (not `common` and the like, which
/// stand for many tenants and fail `is_domain` anyway).
pub(crate) fn valid_tenant(t: &str) -> bool {
    is_guid(t) || is_domain(t)
}

/// A plausible mailbox address: `local@domain` with a real domain.
pub(crate) fn valid_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && e.len() <= 254
                && !local
                    .chars()
                    .any(|c| c.is_whitespace() || c == '@' || c.is_control())
                && is_domain(domain)
        }
        None => false,
    }
}

/// A CSV read into rows: each record's line and its fields by column name.
struct Table {
    columns: Vec<String>,
    rows: Vec<(u32, Vec<String>)>,
}

impl Table {
    fn get<'a>(&self, fields: &'a [String], column: &str) -> Option<&'a str> {
        let i = self.columns.iter().position(|c| c == column)?;
        fields.get(i).map(|f| f.trim())
    }
}

/// `Admin Email` → `admin_email`.
fn column_key(h: &str) -> String {
    h.trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

fn read_table(text: &str, what: &str, needed: &[&str], example: &str) -> Result<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let hint =
        format!("Save the list as CSV with a first row naming the columns, for example: {example}");
    if text.trim().is_empty() {
        return Err(
            WizardError::invalid_input(format!("The {what} file is empty.")).with_hint(hint),
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let bad = |e: csv::Error| {
        WizardError::invalid_input(format!("The {what} file can't be read as CSV: {e}."))
            .with_hint(hint.clone())
    };
    let columns: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(column_key)
        .collect();
    for n in needed {
        if !columns.iter().any(|c| c == n) {
            return Err(WizardError::invalid_input(format!(
                "The {what} file has no \"{n}\" column (its first row is: {}).",
                columns.join(", ")
            ))
            .with_hint(hint));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        // The reader's own line count skips blank lines: count them from
        // the byte offset, past any blank lines it sits on.
        let start = usize::try_from(record.position().map_or(0, |p| p.byte()))
            .unwrap_or(usize::MAX)
            .min(text.len());
        let skip = text.as_bytes()[start..]
            .iter()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .filter(|b| **b == b'\n')
            .count();
        let line = text.as_bytes()[..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + skip
            + 1;
        rows.push((
            u32::try_from(line).unwrap_or(u32::MAX),
            record.iter().map(str::to_owned).collect(),
        ));
    }
    Ok(Table { columns, rows })
}

fn problem(row: u32, fields: &[String], reason: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        text: fields.join(","),
        reason: reason.into(),
    }
}

/// The tenants file: `tenant` and `name` columns, `admin_email` optional.
pub fn parse_tenants_csv(text: &str) -> Result<TenantsFile> {
    let table = read_table(
        text,
        "tenants",
        &["tenant", "name"],
        "tenant,name,admin_email",
    )?;
    let mut out = TenantsFile {
        tenants: Vec::new(),
        problems: Vec::new(),
    };
    let (mut tenants, mut names) = (HashSet::new(), HashSet::new());
    for (row, fields) in &table.rows {
        let tenant = table
            .get(fields, "tenant")
            .unwrap_or("")
            .to_ascii_lowercase();
        let name = table.get(fields, "name").unwrap_or("").to_owned();
        let admin = table
            .get(fields, "admin_email")
            .filter(|a| !a.is_empty())
            .map(str::to_ascii_lowercase);
        let reason = if tenant.is_empty() {
            Some("The tenant is empty.".to_owned())
        } else if !valid_tenant(&tenant) {
            Some(format!(
                "'{tenant}' is not a tenant ID or a domain name (use the customer's Directory (tenant) ID or a domain such as contoso.onmicrosoft.com)."
            ))
        } else if name.is_empty() {
            Some("The name is empty (it names the tenant's credential in Nylas).".to_owned())
        } else if admin.as_deref().is_some_and(|a| !valid_email(a)) {
            Some(format!(
                "The admin email '{}' doesn't look like an email address.",
                admin.as_deref().unwrap_or_default()
            ))
        } else if tenants.contains(&tenant) {
            Some(format!("The tenant {tenant} is listed on an earlier row."))
        } else if names.contains(&name.to_lowercase()) {
            Some(format!(
                "The name '{name}' is used on an earlier row (each tenant needs its own name)."
            ))
        } else {
            None
        };
        match reason {
            Some(reason) => out.problems.push(problem(*row, fields, reason)),
            None => {
                tenants.insert(tenant.clone());
                names.insert(name.to_lowercase());
                out.tenants.push(TenantRow {
                    row: *row,
                    tenant,
                    name,
                    admin_email: admin,
                });
            }
        }
    }
    Ok(out)
}

/// The users file: an `email` column, `tenant` optional.
pub fn parse_users_csv(text: &str) -> Result<UsersFile> {
    let table = read_table(text, "users", &["email"], "email,tenant")?;
    let mut out = UsersFile {
        users: Vec::new(),
        problems: Vec::new(),
    };
    let mut seen = HashSet::new();
    for (row, fields) in &table.rows {
        let email = table
            .get(fields, "email")
            .unwrap_or("")
            .to_ascii_lowercase();
        let tenant = table
            .get(fields, "tenant")
            .filter(|t| !t.is_empty())
            .map(str::to_ascii_lowercase);
        let reason = if email.is_empty() {
            Some("The email is empty.".to_owned())
        } else if !valid_email(&email) {
            Some(format!("'{email}' doesn't look like an email address."))
        } else if tenant.as_deref().is_some_and(|t| !valid_tenant(t)) {
            Some(format!(
                "'{}' is not a tenant ID or a domain name.",
                tenant.as_deref().unwrap_or_default()
            ))
        } else if seen.contains(&email) {
            Some(format!("{email} is listed on an earlier row."))
        } else {
            None
        };
        match reason {
            Some(reason) => out.problems.push(problem(*row, fields, reason)),
            None => {
                seen.insert(email.clone());
                out.users.push(UserRow {
                    row: *row,
                    email,
                    tenant,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "csv_input_tests.rs"]
mod tests;
