//! A wizard killed while saving leaves the old progress or the new one,
//! never a damaged file: this test runs itself as a child process that saves
//! in a loop, kills it (SIGKILL on unix) at varying points many times, and
//! reads what is left each time.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use wizard_core::paths::PathId;
use wizard_core::state::{Progress, StateStore};

/// Set in the child: the folder to save into, over and over.
const CHILD_DIR: &str = "WIZARD_TEST_SAVE_LOOP_DIR";
const TEST_NAME: &str = "a_save_killed_midway_leaves_the_old_or_the_new_progress";

/// Two progresses the child alternates between.
fn versions() -> [Progress; 2] {
    let mut a = Progress::default();
    a.choose_path(Some(PathId::V3));
    let mut b = a.clone();
    b.go_to_step("region").unwrap();
    b.choose_path(Some(PathId::Bulk));
    b.go_to_step("tenants").unwrap();
    [a, b]
}

fn save_forever(dir: &str) {
    let store = StateStore::in_dir(std::path::Path::new(dir));
    let versions = versions();
    let mut out = std::io::stdout().lock();
    // Bounded, so an orphan (the parent failed) ends on its own.
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    for i in 0.. {
        store.save(&versions[i % 2]).unwrap();
        writeln!(out, "saved {i}").unwrap();
        out.flush().unwrap();
        if std::time::Instant::now() > end {
            break;
        }
    }
}

#[test]
fn a_save_killed_midway_leaves_the_old_or_the_new_progress() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        save_forever(&dir);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = StateStore::in_dir(dir.path());
    let versions = versions();
    let mut temp_files_left = 0;
    for round in 0..40 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Let it finish a varying number of saves, then kill it while it is
        // in the middle of the next one (or just about to start it).
        let saves = 1 + round % 7;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < saves {
            let line = lines
                .next()
                .expect("the child saved before it ended")
                .unwrap();
            if line.starts_with("saved ") {
                seen += 1;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();

        // The file parses as one of the two progresses, as written.
        let bytes = std::fs::read(store.path()).expect("the progress file is there");
        let on_disk: Progress = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("round {round}: damaged progress ({e})"));
        assert!(
            versions.contains(&on_disk),
            "round {round}: {on_disk:?} is neither version"
        );
        temp_files_left += std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        // Loading reads only progress.json (no notice: nothing was damaged)
        // and clears any temp file the kill left behind.
        let (loaded, notice) = store.load();
        assert!(notice.is_none(), "round {round}: {notice:?}");
        assert_eq!(loaded, on_disk);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [StateStore::FILE_NAME], "round {round}");
    }
    // For the record when run with --nocapture: how often a kill landed
    // between creating the temp file and renaming it.
    println!("kills that left a temp file: {temp_files_left} of 40");
}
