//! How `bulk` talks to people and scripts: bad rows, a line per finished
//! item on stderr, the summary (text or JSON) on stdout, the failures file
//! and the exit code.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;
use wizard_core::bulk::{
    self, BulkItem, BulkKind, BulkProgress, BulkSummary, ConsentLink, ItemState, RowProblem,
};
use wizard_core::WizardError;

use crate::output::{self, Format};

/// Bad rows: every one listed (stderr; with JSON also on stdout next to
/// the error), exit 2, nothing sent.
pub(super) fn bad_rows(file: &str, rows: &[RowProblem], format: Format) -> ExitCode {
    let e = WizardError::invalid_input(format!(
        "{} of {file} can't be used; nothing was sent to Nylas.",
        count(rows.len() as u32, "row", "rows")
    ))
    .with_hint("Fix or remove these rows, then run the same command again.");
    eprintln!("{}", e.message);
    for p in rows {
        eprintln!("  row {}: {} ({})", p.row, p.reason, p.text);
    }
    if let Some(h) = &e.hint {
        eprintln!("{h}");
    }
    if format == Format::Json {
        output::print_json(&json!({ "error": e, "rows": rows }));
    }
    ExitCode::from(2)
}

fn state_word(s: ItemState) -> &'static str {
    match s {
        ItemState::Pending => "waiting",
        ItemState::Running => "working",
        ItemState::Created => "created",
        ItemState::Reused => "already there",
        ItemState::Failed => "failed",
        ItemState::Skipped => "skipped",
    }
}

/// One stderr line per finished item (stdout keeps the result).
pub(super) fn progress_printer() -> impl Fn(&BulkProgress) + Send + Sync {
    |p: &BulkProgress| {
        let Some(item) = &p.item else { return };
        if matches!(item.state, ItemState::Pending | ItemState::Running) {
            return;
        }
        let mark = match item.state {
            ItemState::Failed => "✗",
            ItemState::Skipped => "–",
            _ => "✓",
        };
        let mut line = format!(
            "{mark} [{}/{}] {}: {}",
            p.finished,
            p.total,
            item.label,
            state_word(item.state)
        );
        if let Some(r) = &item.reason {
            let _ = write!(line, " — {r}");
        }
        if let Some(eta) = p.eta_seconds.filter(|_| p.finished < p.total) {
            let _ = write!(line, " (about {} left)", duration_text(u64::from(eta)));
        }
        eprintln!("{line}");
    }
}

fn duration_text(secs: u64) -> String {
    match secs {
        0..=89 => format!("{secs} s"),
        _ => format!("{} min", secs.div_ceil(60)),
    }
}

/// `1 tenant`, `2 tenants`, `3 mailboxes`.
fn count(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary (stdout), the failures file, and the exit code.
pub(super) fn finish(
    s: &BulkSummary,
    journal: &Path,
    failures: Option<&Path>,
    format: Format,
) -> ExitCode {
    let failures_file = match failures.filter(|_| s.failed > 0) {
        Some(path) => match std::fs::write(path, bulk::failures_csv(s)) {
            Ok(()) => Some(path),
            Err(e) => {
                eprintln!("Could not write the failures to {}: {e}.", path.display());
                None
            }
        },
        None => None,
    };
    match format {
        Format::Json => output::print_json(&json!({
            "summary": s,
            "journal": journal,
            "failures_file": failures_file,
        })),
        Format::Text => print!("{}", summary_text(s, journal, failures_file)),
    }
    if s.cancelled {
        ExitCode::from(130)
    } else if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_text(s: &BulkSummary, journal: &Path, failures_file: Option<&Path>) -> String {
    let (what, made) = match s.kind {
        BulkKind::Credentials => (count(s.total, "tenant", "tenants"), "credential"),
        BulkKind::Grants => (count(s.total, "mailbox", "mailboxes"), "grant"),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{what}: {} created, {} already there, {} failed ({:.1} s).",
        count(s.created, made, &format!("{made}s")),
        s.reused,
        s.failed,
        s.elapsed_ms as f64 / 1000.0
    );
    let failed: Vec<&BulkItem> = s
        .items
        .iter()
        .filter(|i| i.state == ItemState::Failed)
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nFailed:");
        for i in failed {
            let _ = writeln!(
                out,
                "  {}: {}",
                i.label,
                i.reason.as_deref().unwrap_or("no reason given")
            );
        }
    }
    if let Some(f) = failures_file {
        let _ = writeln!(out, "\nThe failures are in {}.", f.display());
    }
    if s.cancelled {
        let _ = writeln!(
            out,
            "\nStopped. Run the same command again to finish: what is done is skipped."
        );
    } else if s.failed > 0 {
        let _ = writeln!(
            out,
            "\nFix what the reasons say, then run the same command again: only the failed ones are tried."
        );
    }
    let _ = writeln!(out, "Journal: {}", journal.display());
    out
}

pub(super) fn links_text(links: &[ConsentLink]) -> String {
    let mut out = String::new();
    for l in links {
        let admin = l
            .admin_email
            .as_deref()
            .map(|a| format!(", admin {a}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{} ({}){admin}\n  {}\n", l.name, l.tenant, l.url);
    }
    let _ = writeln!(
        out,
        "{}. Each tenant's admin opens theirs and accepts; then run \
         `nylas-ms-setup bulk grants`.",
        count(links.len() as u32, "link", "links")
    );
    out
}
