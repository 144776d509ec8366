//! Reading and writing `progress.json`, crash-safe.
//!
//! A save writes a uniquely named temp file in the same folder, flushes it to
//! disk, renames it over the old file (atomic on every platform we ship) and
//! flushes the folder, so a crash or power cut leaves the old file or the new
//! one, never half of one. A file we cannot read is moved aside before
//! anything is saved over it; if it cannot be moved, it is kept as it is and
//! saves are refused with a typed error until it can.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{migrate_v1, sanitise, Progress, PROGRESS_VERSION};
use crate::error::{ErrorCode, Result, WizardError};

/// Something the admin should know about the saved progress (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StateNotice {
    pub code: ErrorCode,
    pub message: String,
    /// Where the unreadable file was moved to, if it was.
    pub backup_path: Option<String>,
}

/// Reads and writes the progress file.
#[derive(Debug, Clone)]
pub struct StateStore {
    path: PathBuf,
    /// Set (to why it is unusable: "corrupt", "newer") when an unusable
    /// file could not be moved aside: it stays where it is, and no save may
    /// replace it until moving it aside works.
    stuck: Arc<Mutex<Option<&'static str>>>,
}

/// Temp files of a save in progress are named `.progress-<random>.tmp`; one
/// left by a crash is never read as progress and is removed at the next load.
const TEMP_PREFIX: &str = ".progress-";
const TEMP_SUFFIX: &str = ".tmp";

/// A UTF-8 byte order mark, which Notepad and PowerShell may add when an
/// admin (or support) edits the file by hand.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl StateStore {
    pub const FILE_NAME: &'static str = "progress.json";

    /// A store for `progress.json` in `dir` (the app data dir).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(Self::FILE_NAME),
            stuck: Arc::new(Mutex::new(None)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder the progress file is in.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Load the saved progress. A missing file is a fresh start. An unreadable
    /// or newer-version file is moved aside and reported in the notice; if it
    /// cannot be moved aside it is kept untouched and the notice says so.
    pub fn load(&self) -> (Progress, Option<StateNotice>) {
        self.remove_stale_temp_files();
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None)
            }
            Err(e) => {
                return self.start_fresh(
                    ErrorCode::StateCorrupt,
                    "corrupt",
                    format!(
                        "Your saved progress could not be read ({e}), so the wizard starts fresh."
                    ),
                )
            }
        };
        let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes);
        // Peek at the version first so a newer file is recognised even when
        // its shape no longer parses as ours.
        let version = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("version").and_then(|v| v.as_u64()));
        if let Some(v) = version.filter(|v| *v > u64::from(PROGRESS_VERSION)) {
            return self.start_fresh(
                ErrorCode::StateNewerVersion,
                "newer",
                format!(
                    "Your saved progress was written by a newer version of the wizard (format {v}), so this version starts fresh."
                ),
            );
        }
        let (parsed, migrated) = match version {
            Some(1) => match migrate_v1(bytes) {
                Some((p, dropped)) => (Ok(p), dropped),
                None => (serde_json::from_slice::<Progress>(bytes), Vec::new()),
            },
            _ => (serde_json::from_slice::<Progress>(bytes), Vec::new()),
        };
        match parsed {
            Ok(p) if !migrated.is_empty() => (
                sanitise(p),
                Some(StateNotice {
                    code: ErrorCode::StateMigrated,
                    message: format!(
                        "Your saved progress came from an older version of the wizard. Everything was kept except these answers, which no longer fit: {}.",
                        migrated.join(", ")
                    ),
                    backup_path: None,
                }),
            ),
            Ok(p) => (sanitise(p), None),
            Err(e) => self.start_fresh(
                ErrorCode::StateCorrupt,
                "corrupt",
                format!(
                    "Your saved progress was damaged ({e}), so the wizard starts fresh. Nothing in Microsoft or Nylas was changed."
                ),
            ),
        }
    }

    /// A fresh start after an unusable file: move it aside, or, when that
    /// fails, keep it untouched and refuse to save over it.
    fn start_fresh(
        &self,
        code: ErrorCode,
        why: &'static str,
        message: String,
    ) -> (Progress, Option<StateNotice>) {
        let notice = match self.back_up(why) {
            Ok(backup) => StateNotice {
                code,
                message,
                backup_path: Some(backup.display().to_string()),
            },
            Err(e) => {
                *self.stuck.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
                StateNotice {
                    code: ErrorCode::StateBackupFailed,
                    message: format!("{message} {}", e.message),
                    backup_path: None,
                }
            }
        };
        (Progress::default(), Some(notice))
    }

    /// Save crash-safely: a crash mid-write leaves the previous file intact.
    pub fn save(&self, progress: &Progress) -> Result<()> {
        let dir = self.dir().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| WizardError::io("create the data folder", &e))?;
        {
            let mut stuck = self.stuck.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(why) = *stuck {
                // Try again: the admin may have closed whatever held the file.
                self.back_up(why)?;
                *stuck = None;
            }
        }
        let json = serde_json::to_vec_pretty(progress)
            .map_err(|e| WizardError::internal(format!("Could not encode progress: {e}.")))?;
        write_atomically(&self.path, &json, TEMP_PREFIX)
            .map_err(|e| WizardError::io("save your progress", &e))
    }

    /// Move the unusable file aside under a name no earlier backup has (two
    /// in the same second must not overwrite each other). Never replaces
    /// anything: when no name is free or the move fails, the file stays.
    fn back_up(&self, why: &str) -> Result<PathBuf> {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let kept = |detail: String| {
            WizardError::new(
                ErrorCode::StateBackupFailed,
                format!(
                    "It could not be moved aside ({detail}), so it was left as it is at {} and nothing will be saved over it.",
                    self.path.display()
                ),
            )
            .with_hint(
                "Close any program that has the file open, or move or delete it yourself, then try again.",
            )
        };
        let backup = (0..100)
            .map(|n| {
                let suffix = if n == 0 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                self.path
                    .with_file_name(format!("progress.{why}-{stamp}{suffix}.json"))
            })
            .find(|p| !p.exists())
            .ok_or_else(|| kept("every backup name is taken".to_string()))?;
        std::fs::rename(&self.path, &backup).map_err(|e| kept(e.to_string()))?;
        sync_dir(self.dir());
        Ok(backup)
    }

    /// Temp files left by a save that was killed midway (never progress).
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Write `bytes` to `path` crash-safely: a uniquely named temp file
/// (`<temp_prefix><random>.tmp`) in the same folder, flushed, renamed over
/// `path`, then the folder flushed. Shared with the change list
/// (`changes.json`), which lives beside the progress.
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    temp_prefix: &str,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(temp_prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    persist(tmp, path)?;
    sync_dir(dir);
    Ok(())
}

/// Rename the temp file over the progress file. On Windows an antivirus or
/// indexer may hold the target open for a moment (access denied / sharing
/// violation), so a few retries with a short backoff ride that out.
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    let mut tmp = tmp;
    let mut wait = std::time::Duration::from_millis(20);
    for _ in 0..5 {
        match tmp.persist(path) {
            Ok(_) => return Ok(()),
            Err(e) if cfg!(windows) && held_by_another_process(&e.error) => {
                tmp = e.file;
                std::thread::sleep(wait);
                wait *= 2;
            }
            Err(e) => return Err(e.error),
        }
    }
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// ERROR_ACCESS_DENIED (5) and ERROR_SHARING_VIOLATION (32).
fn held_by_another_process(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::PermissionDenied || matches!(e.raw_os_error(), Some(5 | 32))
}

/// Flush the folder so the rename itself survives a power cut (unix; on
/// Windows a folder cannot be opened this way and NTFS journals the rename).
/// Best effort: the file is already in place, and some file systems refuse
/// to flush a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerUpdate;
    use crate::paths::PathId;

    #[test]
    fn round_trip_resumes_same_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut p = Progress::default();
        p.choose_path(Some(PathId::V3));
        p.go_to_step("region").unwrap();
        p.set_answer(AnswerUpdate::Region(crate::regions::Region::Eu))
            .unwrap();
        store.save(&p).unwrap();
        let (loaded, notice) = store.load();
        assert!(notice.is_none());
        assert_eq!(loaded, p);
        assert_eq!(loaded.step.as_deref(), Some("region"));
        // Only the progress file is left: the temp file became it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [StateStore::FILE_NAME]);
    }

    #[test]
    fn missing_file_is_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let (p, notice) = StateStore::in_dir(dir.path()).load();
        assert_eq!(p, Progress::default());
        assert!(notice.is_none());
    }

    #[test]
    fn a_file_with_a_byte_order_mark_loads() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut p = Progress::default();
        p.choose_path(Some(PathId::Teams));
        let mut bytes = BOM.to_vec();
        bytes.extend(serde_json::to_vec(&p).unwrap());
        std::fs::write(store.path(), bytes).unwrap();
        let (loaded, notice) = store.load();
        assert!(notice.is_none(), "{notice:?}");
        assert_eq!(loaded, p);
        assert!(store.path().exists());
    }

    #[test]
    fn two_damaged_files_keep_two_backups() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), b"first damaged").unwrap();
        let first = store.load().1.unwrap().backup_path.unwrap();
        std::fs::write(store.path(), b"second damaged").unwrap();
        let second = store.load().1.unwrap().backup_path.unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).unwrap(), b"first damaged");
        assert_eq!(std::fs::read(&second).unwrap(), b"second damaged");
    }

    #[test]
    fn corrupt_file_is_backed_up_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), b"{\"version\": 1, \"path\": ").unwrap();
        let (p, notice) = store.load();
        assert_eq!(p, Progress::default());
        let notice = notice.expect("a notice");
        assert_eq!(notice.code, ErrorCode::StateCorrupt);
        let backup = notice.backup_path.expect("backed up");
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            b"{\"version\": 1, \"path\": "
        );
        assert!(!store.path().exists());
    }

    #[test]
    fn newer_version_is_backed_up_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        std::fs::write(store.path(), br#"{"version": 99, "whatever": true}"#).unwrap();
        let (_, notice) = store.load();
        let notice = notice.unwrap();
        assert_eq!(notice.code, ErrorCode::StateNewerVersion);
        assert!(std::path::Path::new(&notice.backup_path.unwrap()).exists());
    }

    /// Moving aside fails here because every backup name is taken (this
    /// works as root too, where a read-only folder would not stop a move).
    #[test]
    fn a_damaged_file_that_cannot_be_moved_aside_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let damaged = b"{\"version\": 2, \"path\": \"v3\", \"step\"";
        std::fs::write(store.path(), damaged).unwrap();
        // Take every name the backup may use now or in the next seconds.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut taken = Vec::new();
        for stamp in now..now + 5 {
            for n in 0..100 {
                let suffix = if n == 0 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                let p = dir
                    .path()
                    .join(format!("progress.corrupt-{stamp}{suffix}.json"));
                std::fs::create_dir(&p).unwrap();
                taken.push(p);
            }
        }
        let (p, notice) = store.load();
        assert_eq!(p, Progress::default());
        let notice = notice.expect("a notice");
        assert_eq!(notice.code, ErrorCode::StateBackupFailed);
        assert_eq!(notice.backup_path, None);
        assert!(notice.message.contains("nothing will be saved over it"));
        assert_eq!(std::fs::read(store.path()).unwrap(), damaged);

        // A save is refused with a typed error and the file stays as it was.
        let mut next = Progress::default();
        next.choose_path(Some(PathId::Bulk));
        let err = store.save(&next).unwrap_err();
        assert_eq!(err.code, ErrorCode::StateBackupFailed);
        assert!(err.hint.is_some());
        assert_eq!(std::fs::read(store.path()).unwrap(), damaged);
        // A clone (the app shares the store) refuses too.
        assert_eq!(
            store.clone().save(&next).unwrap_err().code,
            ErrorCode::StateBackupFailed
        );

        // Once a name is free again, the next save moves it aside first.
        for p in &taken {
            std::fs::remove_dir(p).unwrap();
        }
        store.save(&next).unwrap();
        let backups: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("progress.corrupt-"))
            .collect();
        assert_eq!(backups.len(), 1);
        assert_eq!(std::fs::read(&backups[0]).unwrap(), damaged);
        assert_eq!(store.load(), (next, None));
    }

    #[test]
    fn temp_files_left_by_a_killed_save_are_not_progress_and_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let left = dir.path().join(".progress-Ab12Cd.tmp");
        std::fs::write(&left, b"{\"version\": 2, \"pa").unwrap();
        let other = dir.path().join("notes.tmp");
        std::fs::write(&other, b"not ours").unwrap();
        assert_eq!(store.load(), (Progress::default(), None));
        assert!(!left.exists());
        assert!(other.exists());
    }
}
