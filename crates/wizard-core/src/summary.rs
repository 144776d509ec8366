//! The summary the admin can keep at any step (for a change ticket or a
//! colleague): what is decided and checked so far, and what is left, as
//! Markdown or as print-friendly HTML. A pure function of the progress,
//! the last audit and what is known about the stored secret; it never
//! sees a secret, only the keychain's hint.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::audit::{AuditReport, FindingStatus};
use crate::error::{Result, WizardError};
use crate::paths::{path_info, AuditPath, AZURE_APP_STEP, FEATURES_STEP};
use crate::redirect_uris::redirect_uris;
use crate::secrets::StoredSecret;
use crate::state::{Progress, StepStatus};

/// The file format of an exported summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "lowercase")
)]
#[ts(export)]
pub enum SummaryFormat {
    Markdown,
    Html,
}

impl SummaryFormat {
    pub fn extension(self) -> &'static str {
        match self {
            SummaryFormat::Markdown => "md",
            SummaryFormat::Html => "html",
        }
    }
}

/// Where the audit's manifest came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AuditSource {
    /// A downloaded manifest file.
    Manifest,
    /// Read live from Microsoft after signing in.
    Live,
}

/// Everything the summary is made from. None of it is a secret.
#[derive(Debug, Clone)]
pub struct SummaryInput<'a> {
    pub progress: &'a Progress,
    /// The Application (client) ID, when the admin gave one.
    pub client_id: Option<&'a str>,
    /// The last audit's full report, when the window still has it.
    pub audit: Option<(&'a AuditReport, AuditSource)>,
    /// The stored client secret's hint, when one is stored.
    pub secret: Option<&'a StoredSecret>,
    /// When the summary is made; `None`: now.
    pub generated_at: Option<OffsetDateTime>,
}

/// What the window still has of the last audit (the progress keeps only
/// its counts): the report and where its manifest came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LastAudit {
    pub report: AuditReport,
    pub source: AuditSource,
}

/// One block of the summary (or the report built on it, `report.rs`),
/// rendered to either format.
pub(crate) enum Block {
    Heading(String),
    Para(String),
    /// Label, value (value in monospace).
    Fact(String, String, bool),
    List(Vec<String>),
    /// Header row, then rows.
    Table(Vec<String>, Vec<Vec<String>>),
}

/// Something left to do, and the step of the path where it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeftItem {
    /// The step id to go back to, when one step does it.
    pub step: Option<String>,
    /// One plain sentence.
    pub text: String,
}

impl LeftItem {
    pub(crate) fn at(step: &str, text: impl Into<String>) -> Self {
        Self {
            step: Some(step.to_string()),
            text: text.into(),
        }
    }
}

const SUMMARY_TITLE: &str = "Nylas Microsoft setup — summary";

/// The summary as text in `format`.
pub fn render(input: &SummaryInput<'_>, format: SummaryFormat) -> String {
    let (mut blocks, left) = body(input);
    if input.progress.path.is_some() {
        blocks.extend(left_blocks(&left));
    }
    render_blocks(SUMMARY_TITLE, &blocks, format)
}

/// Blocks as text in `format`, under the document's `title`.
pub(crate) fn render_blocks(title: &str, blocks: &[Block], format: SummaryFormat) -> String {
    match format {
        SummaryFormat::Markdown => markdown(title, blocks),
        SummaryFormat::Html => html(title, blocks),
    }
}

/// The closing "What is left to do" section.
pub(crate) fn left_blocks(left: &[LeftItem]) -> Vec<Block> {
    vec![
        Block::Heading("What is left to do".into()),
        if left.is_empty() {
            Block::Para("Nothing: every step is done.".into())
        } else {
            Block::List(left.iter().map(|l| l.text.clone()).collect())
        },
    ]
}

pub(crate) fn date(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_else(|_| t.to_string())
}

fn status_text(s: StepStatus) -> &'static str {
    match s {
        StepStatus::NotStarted => "Not started",
        StepStatus::InProgress => "In progress",
        StepStatus::Done => "Done",
        StepStatus::NeedsAttention => "Needs attention",
        StepStatus::Skipped => "Skipped",
    }
}

fn finding_word(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Fail => "Needs fixing",
        FindingStatus::Warn => "Worth a look",
        FindingStatus::Pass => "All good",
    }
}

/// Everything but the closing "What is left to do", and what is left.
pub(crate) fn body(input: &SummaryInput<'_>) -> (Vec<Block>, Vec<LeftItem>) {
    let p = input.progress;
    let a = &p.answers;
    let mut b = vec![Block::Para(format!(
        "Made by the Nylas Microsoft Setup Wizard on {}. It holds no secrets.",
        date(input.generated_at.unwrap_or_else(OffsetDateTime::now_utc))
    ))];
    if p.practice {
        b.push(Block::Para(
            "Practice mode: these values come from the built-in practice tenant, not your own."
                .into(),
        ));
    }
    let mut left: Vec<LeftItem> = Vec::new();

    let Some(path) = p.path else {
        b.push(Block::Para(
            "No path is chosen yet: choose one on the welcome screen.".into(),
        ));
        return (b, left);
    };
    let info = path_info(path);
    let audit_path = AuditPath::from(path);
    b.push(Block::Heading("Path".into()));
    b.push(Block::Fact(
        "Path".into(),
        format!("{} — {}", info.letter, info.title),
        false,
    ));
    let rows = info
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let st = p.step_status.get(&s.id).copied().unwrap_or_default();
            if st != StepStatus::Done {
                left.push(LeftItem::at(
                    &s.id,
                    if s.available {
                        format!("Step {} “{}”: {}.", i + 1, s.title, status_text(st))
                    } else {
                        format!(
                            "Step {} “{}”: not built in this version yet; do it by hand.",
                            i + 1,
                            s.title
                        )
                    },
                ));
            }
            let now = if p.step.as_deref() == Some(s.id.as_str()) {
                " (current)"
            } else {
                ""
            };
            vec![
                format!("{}. {}{now}", i + 1, s.title),
                status_text(st).to_string(),
            ]
        })
        .collect();
    b.push(Block::Table(vec!["Step".into(), "Status".into()], rows));

    b.push(Block::Heading("Nylas and Microsoft".into()));
    let region = a.region();
    b.push(Block::Fact(
        "Nylas region".into(),
        format!(
            "{}{}",
            region.label(),
            if a.region.is_none() { " (default)" } else { "" }
        ),
        false,
    ));
    b.push(Block::Fact(
        "Who signs in".into(),
        match a.tenancy {
            Some(crate::audit::Tenancy::Single) => "Only your organization".into(),
            Some(crate::audit::Tenancy::Multi) => "Any organization".into(),
            None => "Not answered (decided from the tenant)".into(),
        },
        false,
    ));
    match a.tenant.as_deref() {
        Some(t) => b.push(Block::Fact("Tenant".into(), t.into(), true)),
        None => {
            b.push(Block::Fact("Tenant".into(), "Not given yet".into(), false));
            left.push(LeftItem::at(
                AZURE_APP_STEP,
                "Give your Directory (tenant) ID or domain.",
            ));
        }
    }
    let client_id = input
        .client_id
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .or(a.client_id.as_deref())
        .or_else(|| input.audit.and_then(|(r, _)| r.app_id.as_deref()));
    match client_id {
        Some(c) => b.push(Block::Fact(
            "Application (client) ID".into(),
            c.into(),
            true,
        )),
        None => b.push(Block::Fact(
            "Application (client) ID".into(),
            "Not given yet".into(),
            false,
        )),
    }
    b.push(Block::Fact(
        "Client secret".into(),
        match input.secret {
            Some(s) if s.persistent => {
                format!("Stored in the keychain (it looks like {})", s.hint)
            }
            Some(s) => format!(
                "Kept in memory for this run only (it looks like {})",
                s.hint
            ),
            None => "Not stored by the wizard".into(),
        },
        false,
    ));

    b.push(Block::Heading("Features and permissions".into()));
    let f = a.features_for(path);
    if f.is_empty() && audit_path != AuditPath::V2Events {
        b.push(Block::Para("No features chosen yet.".into()));
        left.push(LeftItem::at(
            FEATURES_STEP,
            "Choose what your app does (features), so the permissions can be planned.",
        ));
    } else {
        b.push(Block::List(
            a.scope_plan(path)
                .map(|plan| {
                    plan.features
                        .iter()
                        .map(|f| f.label().to_string())
                        .collect()
                })
                .unwrap_or_default(),
        ));
    }
    match a.scope_plan(path) {
        Ok(plan) => {
            let rows = plan
                .required
                .iter()
                .map(|r| {
                    vec![
                        format!("{} ({}, delegated)", r.name, r.resource_name),
                        r.reason.clone(),
                        if r.admin_consent {
                            "Admin consent needed".into()
                        } else {
                            "Users can consent".into()
                        },
                    ]
                })
                .collect();
            b.push(Block::Table(
                vec!["Permission".into(), "Why".into(), "Consent".into()],
                rows,
            ));
        }
        Err(e) => b.push(Block::Para(format!(
            "The permissions can't be planned yet: {}",
            e.message
        ))),
    }

    b.push(Block::Heading("Redirect URIs".into()));
    let uris = redirect_uris(audit_path, region);
    b.push(Block::Para(format!(
        "In the Azure portal: {}. {}",
        uris.portal_location, uris.note
    )));
    let mut list: Vec<String> = uris.required.iter().map(|u| format!("`{u}`")).collect();
    list.extend(uris.optional.iter().map(|u| format!("`{u}` (optional)")));
    if audit_path == AuditPath::V3 {
        list.extend(
            a.callback_uris
                .iter()
                .map(|u| format!("`{u}` (your own callback URI)")),
        );
    }
    b.push(Block::List(list));

    b.push(Block::Heading("Last check of the Azure app".into()));
    match (input.audit, &a.last_check) {
        (Some((r, source)), _) => {
            b.push(Block::Para(format!(
                "Checked {} ({}) on {}: {} need fixing, {} worth a look, {} all good.",
                r.display_name
                    .as_deref()
                    .map(|n| format!("“{n}”"))
                    .unwrap_or_else(|| "the app".into()),
                match source {
                    AuditSource::Manifest => "from its manifest",
                    AuditSource::Live => "live, after signing in to Microsoft",
                },
                date(r.checked_at),
                r.summary.fail,
                r.summary.warn,
                r.summary.pass
            )));
            let mut findings: Vec<_> = r.findings.iter().collect();
            findings.sort_by_key(|f| std::cmp::Reverse(f.status));
            let rows = findings
                .iter()
                .map(|f| {
                    vec![
                        finding_word(f.status).to_string(),
                        f.title.clone(),
                        f.fix.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            b.push(Block::Table(
                vec!["Result".into(), "Check".into(), "What to do".into()],
                rows,
            ));
            for f in r
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Fail)
            {
                left.push(LeftItem::at(AZURE_APP_STEP, format!("Fix: {}", f.title)));
            }
        }
        (None, Some(c)) => {
            b.push(Block::Para(format!(
                "Checked {} on {}: {} need fixing, {} worth a look, {} all good.",
                c.display_name
                    .as_deref()
                    .map(|n| format!("“{n}”"))
                    .unwrap_or_else(|| "the app".into()),
                date(c.checked_at),
                c.fail,
                c.warn,
                c.pass
            )));
            if c.fail > 0 {
                left.push(LeftItem::at(
                    AZURE_APP_STEP,
                    format!(
                        "Fix the {} problem(s) the last check found, then check again.",
                        c.fail
                    ),
                ));
            }
        }
        (None, None) => {
            b.push(Block::Para("The Azure app hasn't been checked yet.".into()));
            left.push(LeftItem::at(
                AZURE_APP_STEP,
                "Check the Azure app (its manifest, or live after signing in).",
            ));
        }
    }

    (b, left)
}

// ---- Markdown ----

/// Table cells can't hold a pipe or a line break.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn markdown(title: &str, blocks: &[Block]) -> String {
    let mut out = format!("# {title}\n\n");
    let mut facts = false;
    for b in blocks {
        // A blank line after a list of facts, before what follows.
        let is_fact = matches!(b, Block::Fact(..));
        if facts && !is_fact {
            out.push('\n');
        }
        facts = is_fact;
        match b {
            Block::Heading(h) => out.push_str(&format!("## {h}\n\n")),
            Block::Para(p) => out.push_str(&format!("{p}\n\n")),
            Block::Fact(k, v, code) => {
                if *code {
                    out.push_str(&format!("- **{k}:** `{v}`\n"));
                } else {
                    out.push_str(&format!("- **{k}:** {v}\n"));
                }
            }
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {i}\n"));
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                let line = |cells: &[String]| {
                    format!(
                        "| {} |\n",
                        cells
                            .iter()
                            .map(|c| md_cell(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    )
                };
                out.push('\n');
                out.push_str(&line(head));
                out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                for r in rows {
                    out.push_str(&line(r));
                }
                out.push('\n');
            }
        }
    }
    out
}

// ---- HTML ----

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Escaped text, with the Markdown-style `code` spans as <code>.
fn inline(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

const CSS: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a1a1a;max-width:48rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.75rem;border-bottom:1px solid #ccc;padding-bottom:.25rem}\
code{font-family:ui-monospace,Consolas,monospace;font-size:.9em;background:#f2f2f2;padding:0 .2em;overflow-wrap:anywhere}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eee}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}\
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}tr,li{break-inside:avoid}th{background:none}code{background:none}}";

fn html(title: &str, blocks: &[Block]) -> String {
    let title = esc(title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let mut in_dl = false;
    for b in blocks {
        let is_fact = matches!(b, Block::Fact(..));
        if in_dl && !is_fact {
            out.push_str("</dl>\n");
            in_dl = false;
        }
        match b {
            Block::Heading(h) => out.push_str(&format!("<h2>{}</h2>\n", esc(h))),
            Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", inline(p))),
            Block::Fact(k, v, code) => {
                if !in_dl {
                    out.push_str("<dl>\n");
                    in_dl = true;
                }
                let v = if *code {
                    format!("<code>{}</code>", esc(v))
                } else {
                    esc(v)
                };
                out.push_str(&format!("<dt>{}</dt><dd>{v}</dd>\n", esc(k)));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str(&format!("<td>{}</td>", inline(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    if in_dl {
        out.push_str("</dl>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Writes `text` to a new file in `dir` named after the day; an existing
/// file is never replaced (the name gets ` (2)`, ` (3)`…).
pub fn save_unique(
    dir: &Path,
    format: SummaryFormat,
    text: &str,
    now: Option<OffsetDateTime>,
) -> Result<PathBuf> {
    let mut saved = save_set(
        dir,
        "summary",
        "Nylas Microsoft setup summary",
        &[(format.extension(), text)],
        now,
    )?;
    Ok(saved.remove(0))
}

/// Writes each `(extension, text)` to a new file in `dir` named `base` and
/// the day, all with the same name so they sit side by side; no existing
/// file is ever replaced (the name gets ` (2)`, ` (3)`… until every one
/// of them is free). `what` names the document in errors ("summary").
pub fn save_set(
    dir: &Path,
    what: &str,
    base: &str,
    files: &[(&str, &str)],
    now: Option<OffsetDateTime>,
) -> Result<Vec<PathBuf>> {
    let failed = |e: std::io::Error| {
        WizardError::internal(format!("The {what} could not be saved: {e}.")).with_hint(format!(
            "Use Copy instead and paste the {what} into a document."
        ))
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let now = now.unwrap_or_else(OffsetDateTime::now_utc);
    let day = format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    'names: for n in 1..1000 {
        let stem = if n == 1 {
            format!("{base} {day}")
        } else {
            format!("{base} {day} ({n})")
        };
        let mut made: Vec<PathBuf> = Vec::new();
        for (ext, _) in files {
            let path = dir.join(format!("{stem}.{ext}"));
            // create_new: "only if absent" in one step, so two saves never collide.
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => made.push(path),
                Err(e) => {
                    // Only the empty files made just now are taken back.
                    for p in &made {
                        let _ = std::fs::remove_file(p);
                    }
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        continue 'names;
                    }
                    return Err(failed(e));
                }
            }
        }
        for (path, (_, text)) in made.iter().zip(files) {
            let written = OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(text.as_bytes()));
            if let Err(e) = written {
                for p in &made {
                    let _ = std::fs::remove_file(p);
                }
                return Err(failed(e));
            }
        }
        return Ok(made);
    }
    Err(WizardError::internal(format!(
        "The {what} could not be saved: too many {what}s from today in that folder."
    ))
    .with_hint(format!(
        "Move some of today's {what}s elsewhere, or use Copy."
    )))
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
