//! How `check` and `diagnose` talk to people and scripts: grouped, wrapped
//! text with the fixes, or JSON; plain error messages on stderr, and with
//! `--format json` the same error as `{"error": {code, message, hint?}}` on
//! stdout too, so a script always reads JSON there.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::Value;

use wizard_core::audit::{AuditReport, CheckId, Finding, FindingStatus};
use wizard_core::diagnose::Diagnosis;
use wizard_core::WizardError;

/// `--format`: how results are printed.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "lowercase")]
pub enum Format {
    /// For people: grouped, with the fixes.
    Text,
    /// For scripts.
    Json,
}

/// The `--format` option, shared by the commands that print results.
#[derive(clap::Args)]
pub struct OutputArg {
    /// Output.
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "text",
        value_parser = crate::values::enum_value::<Format>(),
        ignore_case = true
    )]
    pub format: Format,
}

/// Bad input or an unreadable file: prints the message (and hint) on
/// stderr and, for `--format json`, the error object on stdout; exit code 2.
pub fn bad_input(e: &WizardError, format: Format) -> ExitCode {
    eprintln!("{}", e.message);
    if let Some(h) = &e.hint {
        eprintln!("{h}");
    }
    if format == Format::Json {
        print_error_json(e);
    }
    ExitCode::from(2)
}

/// `{"error": {"code", "message", "hint"?}}`: the wizard's one error shape
/// (serialised from the struct, so the keys keep that order).
fn print_error_json(e: &WizardError) {
    #[derive(serde::Serialize)]
    struct ErrorOut<'a> {
        error: &'a WizardError,
    }
    print_json(&ErrorOut { error: e });
}

/// Whether the command line asks for `--format json` (`--format json`,
/// `--format=json`, any case, before a `--`). Read from the raw arguments so
/// that clap's own usage errors can be answered in JSON too.
pub fn wants_json<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> bool {
    let is_json = |v: &str| v.trim().eq_ignore_ascii_case("json");
    let mut args = args.into_iter().skip(1);
    let mut json = false;
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if arg == "--format" {
            // The last --format given is the one that counts.
            json = args.next().is_some_and(|v| v.to_str().is_some_and(is_json));
        } else if let Some(v) = arg.strip_prefix("--format=") {
            json = is_json(v);
        }
    }
    json
}

/// A command line clap couldn't parse. Help and version go out as clap
/// prints them; a usage error (exit 2) is printed by clap on stderr and,
/// when `--format json` was asked for, also as the error object on stdout.
pub fn usage_error(e: clap::Error, json: bool) -> ExitCode {
    if !json || !e.use_stderr() {
        e.exit();
    }
    let _ = e.print();
    print_error_json(&usage_wizard_error(&e));
    ExitCode::from(2)
}

/// clap's error as `{code, message, hint}`: its first paragraph (without
/// the "error: " prefix) is the message, the rest (usage, "try '--help'")
/// the hint.
fn usage_wizard_error(e: &clap::Error) -> WizardError {
    let text = e.render().to_string();
    let mut paragraphs = text
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty());
    let first = paragraphs.next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(&first).to_owned();
    let rest: Vec<String> = paragraphs.collect();
    let err = WizardError::invalid_input(message);
    if rest.is_empty() {
        err
    } else {
        err.with_hint(rest.join("\n"))
    }
}

pub fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("Could not write the result as JSON: {e}."),
    }
}

const WIDTH: usize = 100;

/// Word-wraps `text` to `WIDTH`, starting with `first` and indenting
/// continuation lines by `indent` spaces. Long words (URLs) are never split.
fn wrap(out: &mut String, first: &str, indent: usize, text: &str) {
    let mut line = first.to_owned();
    let mut len = first.chars().count();
    let mut fresh = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !fresh && len + 1 + w > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent);
            len = indent;
            fresh = true;
        }
        if !fresh {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
        fresh = false;
    }
    out.push_str(&line);
    out.push('\n');
}

fn finding_text(out: &mut String, f: &Finding, full: bool) {
    let mark = match f.status {
        FindingStatus::Fail => "✗",
        FindingStatus::Warn => "!",
        FindingStatus::Pass => "✓",
    };
    wrap(out, &format!("  {mark} "), 4, &f.title);
    if !full {
        return;
    }
    wrap(out, "    Why: ", 9, &f.explanation);
    if let Some(fix) = &f.fix {
        wrap(out, "    Fix: ", 9, fix);
    }
    // Listed once, under the check whose business they are.
    let unknown = (f.check == CheckId::LeastPrivilege)
        .then(|| f.details.get("unknown").and_then(Value::as_array))
        .flatten();
    for u in unknown.into_iter().flatten() {
        wrap(out, "    Not recognised: ", 20, &unrecognised_text(u));
    }
    if f.check == CheckId::AdminConsent {
        if let Some(url) = f.details.get("admin_consent_url").and_then(|v| v.as_str()) {
            wrap(out, "    Admin-consent link: ", 8, url);
        } else if f.details.get("tenant_needed") == Some(&Value::Bool(true)) {
            wrap(
                out,
                "    Admin-consent link: ",
                8,
                "needs your tenant; run the check again with --tenant <Directory (tenant) ID>.",
            );
        }
    }
    wrap(out, "    Open: ", 10, &f.portal_link);
    wrap(out, "    Check: ", 11, f.check.as_str());
}

/// One entry of a finding's `unknown` list (an id the catalog doesn't
/// know, a placeholder, an entry under a resourceAppId that isn't a GUID),
/// for the text report: the id as written, where it sits, and what we can
/// say about it.
fn unrecognised_text(u: &Value) -> String {
    let s = |k: &str| u.get(k).and_then(Value::as_str).unwrap_or_default();
    let kind = match s("type") {
        "application" => "Application",
        _ => "Delegated",
    };
    let id = if wizard_core::ids::is_guid(s("id")) {
        s("id").to_owned()
    } else {
        format!("\"{}\"", s("id"))
    };
    match s("problem") {
        "invalid_resource" => {
            let same = u
                .get("same_id_as")
                .and_then(Value::as_str)
                .map(|n| format!("; the ID is Microsoft Graph's {n}"))
                .unwrap_or_default();
            format!(
                "{id} ({kind}) under \"{}\", which isn't a valid resource ID{same}.",
                s("resource")
            )
        }
        "not_a_guid" => format!(
            "{id} ({kind}) under {}: not a permission ID.",
            s("resource_name")
        ),
        _ => {
            let like = u
                .get("looks_like")
                .and_then(|l| Some((l.get("name")?.as_str()?, l.get("id")?.as_str()?)))
                .map(|(n, i)| format!("; it looks like {n} ({i}) with a typo"))
                .unwrap_or_default();
            format!(
                "{id} ({kind}) under {}: no such permission{like}.",
                s("resource_name")
            )
        }
    }
}

/// The report for a person: what was checked, then *Needs fixing*, *Worth a
/// look* (each with why, fix and link) and *All good* (titles only).
pub fn report_text(r: &AuditReport) -> String {
    let mut out = String::new();
    let name = r
        .display_name
        .as_deref()
        .map(|n| format!("\"{n}\""))
        .unwrap_or_else(|| "your app".into());
    let id = r
        .app_id
        .as_deref()
        .map(|i| format!(" (client ID {i})"))
        .unwrap_or_default();
    let tenancy = match r.tenancy {
        wizard_core::audit::Tenancy::Single => "single tenant",
        wizard_core::audit::Tenancy::Multi => "multitenant",
    };
    wrap(
        &mut out,
        "",
        0,
        &format!(
            "Checked {name}{id} for {}, {} region, {tenancy}.",
            r.path.label(),
            r.region.label()
        ),
    );
    if !r.formats.is_empty() {
        let formats: Vec<&str> = r.formats.iter().map(|f| f.label()).collect();
        let mixed = if formats.len() > 1 { " (a mix)" } else { "" };
        wrap(
            &mut out,
            "",
            0,
            &format!("Read as: {}{mixed}.", formats.join(" and ")),
        );
    }
    let needed: Vec<&str> = r
        .scope_plan
        .required
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    wrap(
        &mut out,
        "",
        0,
        &format!("Permissions Nylas needs: {}.", needed.join(", ")),
    );
    if !r.scope_plan.keep.is_empty() {
        let keep: Vec<&str> = r.scope_plan.keep.iter().map(|s| s.name.as_str()).collect();
        wrap(
            &mut out,
            "",
            0,
            &format!("Keep if your app has them: {}.", keep.join(", ")),
        );
    }
    let uris: Vec<&str> = r
        .redirect_uris
        .required
        .iter()
        .chain(&r.redirect_uris.optional)
        .map(String::as_str)
        .collect();
    if !uris.is_empty() {
        wrap(
            &mut out,
            "",
            0,
            &format!("Redirect URI on the Web platform: {}.", uris.join(", ")),
        );
    }

    let groups = [
        (FindingStatus::Fail, "Needs fixing", true),
        (FindingStatus::Warn, "Worth a look", true),
        (FindingStatus::Pass, "All good", false),
    ];
    for (status, heading, full) in groups {
        let items: Vec<&Finding> = r.findings.iter().filter(|f| f.status == status).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading} ({})", items.len());
        for (i, f) in items.iter().enumerate() {
            if full && i > 0 {
                out.push('\n');
            }
            finding_text(&mut out, f, full);
        }
    }
    if !r.notes.is_empty() {
        out.push_str("\nNotes from reading the file\n");
        for n in &r.notes {
            wrap(&mut out, "  - ", 4, n);
        }
    }
    let s = r.summary;
    let verdict = if s.fail > 0 {
        "Fix the items under \"Needs fixing\", then run the check again."
    } else if s.warn > 0 {
        "Nothing blocks Nylas; the items under \"Worth a look\" are worth a minute."
    } else {
        "Your app registration is ready for Nylas."
    };
    let _ = writeln!(
        out,
        "\nResult: {} to fix, {} worth a look, {} good.",
        s.fail, s.warn, s.pass
    );
    wrap(&mut out, "", 0, verdict);
    out
}

/// Diagnoses for a person: the title first, the code small at the end.
pub fn diagnoses_text(ds: &[Diagnosis]) -> String {
    let mut out = String::new();
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let code = if d.code == "unrecognised" {
            String::new()
        } else {
            format!(" ({})", d.code)
        };
        wrap(&mut out, "", 0, &format!("{}{code}", d.title));
        wrap(&mut out, "  Cause: ", 9, &d.cause);
        wrap(&mut out, "  Fix: ", 7, &d.fix);
        if let Some(c) = d.related_check {
            wrap(
                &mut out,
                "  Prevented by: ",
                16,
                &format!("the {c} check of `nylas-ms-setup check`"),
            );
        }
        if let Some(l) = &d.learn_more {
            wrap(&mut out, "  More: ", 8, l);
        }
        for (k, v) in &d.found {
            wrap(
                &mut out,
                &format!("  In the message, {}: ", k.replace('_', " ")),
                4,
                v,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("nylas-ms-setup")
            .chain(list.iter().copied())
            .map(Into::into)
            .collect()
    }

    #[test]
    fn finds_format_json_in_the_raw_arguments() {
        assert!(wants_json(args(&["check", "--format", "json"])));
        assert!(wants_json(args(&["check", "--format", " JSON "])));
        assert!(wants_json(args(&["diagnose", "--format=json", "x"])));
        assert!(!wants_json(args(&["check", "--format", "text"])));
        assert!(!wants_json(args(&[
            "check", "--format", "json", "--format", "text"
        ])));
        assert!(!wants_json(args(&["check", "--format"])));
        assert!(!wants_json(args(&["diagnose", "--", "--format", "json"])));
        assert!(!wants_json(args(&["check", "--path", "json"])));
    }

    #[test]
    fn wraps_without_splitting_words() {
        let mut out = String::new();
        let long = "word ".repeat(40);
        wrap(&mut out, "    Why: ", 9, &long);
        assert!(out.lines().count() > 1);
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH));
        assert!(out.lines().skip(1).all(|l| l.starts_with("         word")));
    }
}
