//! The start-up benchmark's hook (issue 13, `scripts/bench.sh`). The window
//! calls `bench_ready` once it has rendered its first screen from the loaded
//! session; with `NYLAS_WIZARD_BENCH_EXIT=1` the app then exits 0, so
//! spawn → exit is start-up to an interactive window. With
//! `NYLAS_WIZARD_BENCH_READY=1` it only prints `READY` (the memory row waits
//! for it). Without either variable the call does nothing.

/// What the hook does for the given environment.
#[derive(Debug, PartialEq, Eq)]
enum Hook {
    Nothing,
    Announce,
    Exit,
}

fn hook(exit: bool, ready: bool) -> Hook {
    match (exit, ready) {
        (true, _) => Hook::Exit,
        (false, true) => Hook::Announce,
        (false, false) => Hook::Nothing,
    }
}

/// When `main` started, so the timing line can say where start-up went.
static STARTED: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();

/// Moments of the shell's own start (setup begun, setup done), as Unix ms.
static SHELL_MARKS: std::sync::Mutex<Vec<(String, f64)>> = std::sync::Mutex::new(Vec::new());

/// Note the moment the process reached `main` (called first thing in `run`).
pub fn mark_start() {
    STARTED.get_or_init(std::time::SystemTime::now);
}

/// Note a moment of the shell's start-up, for the timing line.
pub fn mark(name: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default();
    if let Ok(mut marks) = SHELL_MARKS.lock() {
        marks.push((format!("shell:{name}"), now));
    }
}

/// The window's own moments (performance marks, as Unix milliseconds),
/// made relative to `main`, as one JSON line: where start-up time goes.
fn timing_line(marks: &[(String, f64)]) -> Option<String> {
    let started = STARTED.get()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let started_ms = started.as_secs_f64() * 1000.0;
    let relative: Vec<(String, f64)> = marks
        .iter()
        .map(|(name, at)| (name.clone(), ((at - started_ms) * 10.0).round() / 10.0))
        .collect();
    serde_json::to_string(&serde_json::json!({ "since_main_ms": relative })).ok()
}

#[tauri::command]
pub fn bench_ready(marks: Option<Vec<(String, f64)>>) {
    let on = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
    if on("NYLAS_WIZARD_BENCH_TIMING") {
        let mut all = SHELL_MARKS.lock().map(|m| m.clone()).unwrap_or_default();
        all.extend(marks.unwrap_or_default());
        if let Some(line) = timing_line(&all) {
            println!("TIMING {line}");
        }
    }
    match hook(
        on("NYLAS_WIZARD_BENCH_EXIT"),
        on("NYLAS_WIZARD_BENCH_READY"),
    ) {
        Hook::Nothing => {}
        Hook::Announce => println!("READY"),
        Hook::Exit => {
            println!("READY");
            std::process::exit(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hook_exits_only_when_asked_and_is_silent_otherwise() {
        assert_eq!(hook(false, false), Hook::Nothing);
        assert_eq!(hook(false, true), Hook::Announce);
        assert_eq!(hook(true, false), Hook::Exit);
        assert_eq!(hook(true, true), Hook::Exit);
    }

    #[test]
    fn timing_marks_are_made_relative_to_main() {
        mark_start();
        let main_ms = STARTED
            .get()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0;
        let line = timing_line(&[("app:drawn".into(), main_ms + 250.0)]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["since_main_ms"][0][0], "app:drawn");
        assert_eq!(v["since_main_ms"][0][1], 250.0);
    }
}
