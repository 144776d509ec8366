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

#[tauri::command]
pub fn bench_ready() {
    let on = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
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
}
