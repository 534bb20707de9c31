//! What orws keeps on disk between runs: drafts of unsaved edits and the history of applied
//! patches, under `$XDG_STATE_HOME/orws/` (default `~/.local/state/orws/`).

pub mod drafts;
pub mod history;
pub mod secret_file;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the drafts or the history on disk could not be used: one readable line each. Cheap to
/// clone (the io error is shared), so a draft writer can keep its last result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StateError {
    /// Neither HOME nor XDG_STATE_HOME is set: no drafts are kept.
    #[error("no state directory: set HOME or XDG_STATE_HOME")]
    NoDir,
    /// Neither HOME nor XDG_STATE_HOME is set: there is no history to read.
    #[error("no place for the history: set HOME or XDG_STATE_HOME")]
    NoHistoryDir,
    /// The state directory could not be opened (or locked) for drafts.
    #[error("cannot use {}: {source}", dir.display())]
    Unusable {
        dir: PathBuf,
        source: Arc<std::io::Error>,
    },
    /// The history file could not be read.
    #[error("cannot read the history: {0}")]
    HistoryUnreadable(Arc<std::io::Error>),
    /// A file under the state directory could not be written or removed.
    #[error("{0}")]
    Io(Arc<std::io::Error>),
}

impl From<std::io::Error> for StateError {
    fn from(e: std::io::Error) -> Self {
        StateError::Io(Arc::new(e))
    }
}

/// The state directory from an environment lookup: `$XDG_STATE_HOME/orws`, else
/// `$HOME/.local/state/orws`; `None` when neither is set.
pub fn state_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::settings::paths::xdg_dir(&env, "XDG_STATE_HOME", ".local/state").map(|d| d.join("orws"))
}

/// Creates `dir` (and missing parents) and makes it private: 0700, set explicitly rather than
/// left to the umask, since what orws keeps holds workspace data.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        // A directory that is a symlink is not ours to chmod (or to write into).
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.file_type().is_symlink() {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link; orws does not follow it",
                dir.display()
            )));
        }
        // Already 0700 (as made just now, or on an earlier run): no chmod to wait for.
        if meta.permissions().mode() & 0o7777 == 0o700 {
            return Ok(());
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// [`private_dir`] for `dir` and every directory between `root` and it, from `root` down: each
/// is checked (not a symlink) before anything is made in it, so nothing is ever created through
/// a symlink (a symlinked `drafts/` once got `.owners/` made in its target before it was seen).
pub fn private_dirs(root: &Path, dir: &Path) -> std::io::Result<()> {
    let mut chain: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| a.starts_with(root))
        .collect();
    if chain.is_empty() {
        chain.push(dir);
    }
    for d in chain.into_iter().rev() {
        private_dir(d)?;
    }
    Ok(())
}

/// Writes a file so that a crash leaves either the old or the new content, never half: a new
/// 0600 temp file beside it (created without following symlinks), synced, renamed over it.
/// On any failure the temp file is removed. The directory must exist (see [`private_dir`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    // Dropping the error's temp file removes it: a failed write leaves nothing behind.
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself survives a crash once the directory is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Now, as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// When something was saved, as a person reads it: "3 minutes ago, 14:02 UTC" within a
/// day of `now`, else "2026-11-28 10:00 UTC"; the text as it is when it is no RFC 3339 time.
pub fn saved_ago(saved_at: &str, now: time::OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    let Ok(at) = time::OffsetDateTime::parse(saved_at, &Rfc3339) else {
        return saved_at.to_string();
    };
    let at = at.to_offset(time::UtcOffset::UTC);
    let clock = format!("{:02}:{:02} UTC", at.hour(), at.minute());
    let ago = now - at;
    let minutes = ago.whole_minutes();
    match minutes {
        m if m < 0 || ago.whole_hours() >= 24 => format!(
            "{:04}-{:02}-{:02} {clock}",
            at.year(),
            u8::from(at.month()),
            at.day()
        ),
        0 => format!("just now, {clock}"),
        1 => format!("a minute ago, {clock}"),
        m if m < 60 => format!("{m} minutes ago, {clock}"),
        _ => {
            let h = ago.whole_hours();
            let s = if h == 1 { "" } else { "s" };
            format!("{h} hour{s} ago, {clock}")
        }
    }
}

/// A host or id as a safe file-name part.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_drafts_time_reads_as_minutes_ago_or_a_date() {
        use time::macros::datetime;
        let now = datetime!(2026-12-07 14:05:30 UTC);
        let ago = |s: &str| super::saved_ago(s, now);
        assert_eq!(
            ago("2026-12-07T14:02:10.123456789Z"),
            "3 minutes ago, 14:02 UTC"
        );
        assert_eq!(ago("2026-12-07T14:05:00Z"), "just now, 14:05 UTC");
        assert_eq!(ago("2026-12-07T12:00:00+01:00"), "3 hours ago, 11:00 UTC");
        assert_eq!(ago("2026-11-28T10:00:00Z"), "2026-11-28 10:00 UTC");
        assert_eq!(ago("yesterday"), "yesterday");
    }

    use super::*;

    #[test]
    fn xdg_state_home_wins_over_home() {
        let env = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(state_dir(env), Some(PathBuf::from("/x/orws")));
        let env = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(state_dir(env), Some(PathBuf::from("/h/.local/state/orws")));
        assert_eq!(state_dir(|_| None), None);
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// A directory left 0755 by something else is tightened; one already 0700 is left as is.
    #[cfg(unix)]
    #[test]
    fn a_directory_made_earlier_is_made_private_again() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("orws");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        // And one already private stays so.
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    /// Whatever the umask, files are 0600 and directories 0700 (they were 0644 in 0755).
    #[cfg(unix)]
    #[test]
    fn written_files_are_private_in_private_directories() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let orws = root.path().join("orws");
        std::fs::create_dir(&orws).unwrap();
        std::fs::set_permissions(&orws, std::fs::Permissions::from_mode(0o755)).unwrap();
        let dir = orws.join("drafts").join("host");
        private_dirs(&orws, &dir).unwrap();
        let file = dir.join("x.json");
        write_atomically(&file, b"{}").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&orws.join("drafts")), 0o700);
        assert_eq!(mode(&orws), 0o700, "an existing 0755 dir is made private");
        // Rewriting an existing world-readable file makes it private too.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&file, b"{}").unwrap();
        assert_eq!(mode(&file), 0o600);
    }

    /// A symlink where the file goes is replaced, not followed: its target is untouched.
    #[cfg(unix)]
    #[test]
    fn a_symlink_is_replaced_not_followed() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("elsewhere");
        std::fs::write(&target, "precious").unwrap();
        let link = root.path().join("draft.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomically(&link, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(
            !std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    /// A write that fails half-way (here: the target is a directory) leaves no temp file.
    #[test]
    fn a_failed_write_leaves_no_temp_file() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), "x").unwrap();
        assert!(write_atomically(&target, b"{}").is_err());
        let names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["taken"], "only what was there before");
    }

    #[test]
    fn file_parts_are_safe() {
        assert_eq!(file_part("../etc/passwd"), ".._etc_passwd");
        assert_eq!(file_part("openrouter.ai"), "openrouter.ai");
    }
}
