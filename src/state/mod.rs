//! What orws keeps on disk between runs: drafts of unsaved edits and the history of applied
//! patches, under `$XDG_STATE_HOME/orws/` (default `~/.local/state/orws/`).

pub mod drafts;
pub mod history;

use std::io::Write;
use std::path::{Path, PathBuf};

/// The state directory from an environment lookup: `$XDG_STATE_HOME/orws`, else
/// `$HOME/.local/state/orws`; `None` when neither is set.
pub fn state_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::config::xdg_dir(&env, "XDG_STATE_HOME", ".local/state").map(|d| d.join("orws"))
}

/// The state directory of this process's environment.
pub fn default_state_dir() -> Option<PathBuf> {
    state_dir(|k| std::env::var(k).ok())
}

/// Writes a file so that a crash leaves either the old or the new content, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state"),
        std::process::id()
    ));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_data()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

/// Now, as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
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

    #[test]
    fn file_parts_are_safe() {
        assert_eq!(file_part("../etc/passwd"), ".._etc_passwd");
        assert_eq!(file_part("openrouter.ai"), "openrouter.ai");
    }
}
