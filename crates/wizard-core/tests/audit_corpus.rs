//! Runs every manifest of the corpus (`tests/fixtures/manifests/NAME.json`)
//! against its `NAME.expected.json`: the request (with a fixed `now`), the
//! status of every check, and the key details. Expected details are matched
//! as a subset: every key given must match; arrays must match element by
//! element (each element again as a subset).

use std::path::{Path, PathBuf};

use serde_json::Value;
use wizard_core::audit::{run_audit, AuditRequest, CheckId};
use wizard_core::manifest::parse_manifest;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests")
}

/// Every key/element of `expected` is in `actual`; explains the first mismatch.
fn contains(actual: &Value, expected: &Value, at: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("{at}.{k} is missing"))?;
                contains(av, ev, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(e)) => {
            if a.len() != e.len() {
                return Err(format!(
                    "{at}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                contains(av, ev, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        _ if actual == expected => Ok(()),
        _ => Err(format!("{at}: expected {expected}, got {actual}")),
    }
}

fn cases() -> Vec<(String, PathBuf, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(name) = file.strip_suffix(".expected.json") {
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((
                name.to_owned(),
                corpus_dir().join(format!("{name}.json")),
                expected,
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn corpus_has_at_least_twelve_manifests_in_all_formats() {
    let cases = cases();
    assert!(cases.len() >= 12, "only {} corpus manifests", cases.len());
    let formats: Vec<String> = cases
        .iter()
        .filter_map(|(_, _, e)| e.get("formats"))
        .flat_map(|f| {
            f.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
        })
        .collect();
    for f in ["microsoft-graph", "azure-ad-graph", "legacy"] {
        assert!(
            formats.iter().any(|x| x == f),
            "no {f} manifest in the corpus"
        );
    }
    assert!(
        cases.iter().any(|(_, _, e)| e.get("error").is_some()),
        "no invalid file in the corpus"
    );
}

#[test]
fn every_corpus_manifest_gives_the_expected_findings() {
    let mut failures = Vec::new();
    for (name, manifest, expected) in cases() {
        let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{name}: {e}"));
        let req: AuditRequest = serde_json::from_value(expected["request"].clone())
            .unwrap_or_else(|e| panic!("{name}: bad request: {e}"));
        assert!(req.now.is_some(), "{name}: the request needs a fixed `now`");
        let app = match parse_manifest(&text) {
            Ok(app) => app,
            Err(e) => {
                match expected.get("error").and_then(Value::as_str) {
                    Some(code) if code == e.code.as_str() => {}
                    _ => failures.push(format!("{name}: unexpected error {e:?}")),
                }
                continue;
            }
        };
        if expected.get("error").is_some() {
            failures.push(format!("{name}: expected an error, the manifest was read"));
            continue;
        }
        let report = run_audit(&app, &req).unwrap();
        let actual = serde_json::to_value(&report).unwrap();
        for key in ["formats", "summary"] {
            if let Err(e) = contains(&actual[key], &expected[key], key) {
                failures.push(format!("{name}: {e}"));
            }
        }
        let want = expected["findings"].as_object().expect("findings object");
        assert_eq!(want.len(), CheckId::ALL.len(), "{name}: list every check");
        for check in CheckId::ALL {
            let f = actual["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["check"] == check.as_str())
                .unwrap_or_else(|| panic!("{name}: no finding for {check}"));
            let e = &want[check.as_str()];
            if let Err(err) = contains(f, e, check.as_str()) {
                failures.push(format!("{name}: {err} (title: {})", f["title"]));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "corpus mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn findings_read_like_plain_sentences() {
    for (name, manifest, expected) in cases() {
        let Ok(app) = parse_manifest(&std::fs::read_to_string(&manifest).unwrap()) else {
            continue;
        };
        let req: AuditRequest = serde_json::from_value(expected["request"].clone()).unwrap();
        for f in run_audit(&app, &req).unwrap().findings {
            let ctx = format!("{name}/{}", f.check);
            assert!(
                !f.title.is_empty() && !f.title.ends_with('.'),
                "{ctx}: title {:?}",
                f.title
            );
            assert!(
                f.explanation.ends_with('.'),
                "{ctx}: explanation {:?}",
                f.explanation
            );
            assert!(
                f.explanation.chars().next().unwrap().is_uppercase(),
                "{ctx}: {:?}",
                f.explanation
            );
            assert!(
                !f.title.contains("FAIL") && !f.title.contains(": "),
                "{ctx}: {:?}",
                f.title
            );
            if f.status != wizard_core::audit::FindingStatus::Pass {
                let fix = f
                    .fix
                    .as_deref()
                    .unwrap_or_else(|| panic!("{ctx}: a {:?} needs a fix", f.status));
                assert!(fix.ends_with('.'), "{ctx}: fix {fix:?}");
            }
            assert!(
                f.portal_link.starts_with("https://portal.azure.com/#view/"),
                "{ctx}"
            );
        }
    }
}
