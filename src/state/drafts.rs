//! Drafts: the unsaved edits of one workspace on one host, rewritten atomically as you type,
//! so a crash or a killed terminal loses nothing.

use super::{file_part, write_atomically};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub host: String,
    pub workspace_id: String,
    /// When it was written (RFC 3339), stamped by the writer.
    #[serde(default)]
    pub saved_at: String,
    /// The workspace the edits were made on.
    pub base: Value,
    /// The current value of every modified field.
    pub fields: Map<String, Value>,
    /// Text typed into a field that does not parse yet, kept as typed.
    #[serde(default)]
    pub unparsed: BTreeMap<String, String>,
}

impl Draft {
    /// How many fields the draft changes.
    pub fn len(&self) -> usize {
        self.fields.len()
            + self
                .unparsed
                .keys()
                .filter(|k| !self.fields.contains_key(*k))
                .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub fn draft_path(dir: &Path, host: &str, workspace_id: &str) -> PathBuf {
    dir.join("drafts")
        .join(file_part(host))
        .join(format!("{}.json", file_part(workspace_id)))
}

pub fn save(dir: &Path, draft: &Draft) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
    write_atomically(&draft_path(dir, &draft.host, &draft.workspace_id), &bytes)
}

/// The draft for this workspace, if there is a readable one. A corrupt file is reported.
pub fn load(dir: &Path, host: &str, workspace_id: &str) -> Result<Option<Draft>, String> {
    let path = draft_path(dir, host, workspace_id);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            format!(
                "the draft {} is unreadable ({e}); it was left in place",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read the draft {}: {e}", path.display())),
    }
}

pub fn remove(dir: &Path, host: &str, workspace_id: &str) -> std::io::Result<()> {
    match std::fs::remove_file(draft_path(dir, host, workspace_id)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft() -> Draft {
        Draft {
            host: "openrouter.ai".into(),
            workspace_id: "u-1".into(),
            saved_at: "2026-11-29T00:00:00Z".into(),
            base: json!({"id":"u-1","name":"A","slug":"a"}),
            fields: json!({"name":"B"}).as_object().unwrap().clone(),
            unparsed: BTreeMap::from([("io_logging_sampling_rate".into(), "0.5x".into())]),
        }
    }

    #[test]
    fn round_trip_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), "openrouter.ai", "u-1"), Ok(None));
        save(dir.path(), &draft()).unwrap();
        assert_eq!(load(dir.path(), "openrouter.ai", "u-1"), Ok(Some(draft())));
        assert_eq!(load(dir.path(), "other.host", "u-1"), Ok(None), "per host");
        remove(dir.path(), "openrouter.ai", "u-1").unwrap();
        assert_eq!(load(dir.path(), "openrouter.ai", "u-1"), Ok(None));
        remove(dir.path(), "openrouter.ai", "u-1").unwrap();
    }

    #[test]
    fn a_corrupt_draft_is_an_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = draft_path(dir.path(), "h", "u");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{not json").unwrap();
        let err = load(dir.path(), "h", "u").unwrap_err();
        assert!(err.contains("unreadable"), "{err}");
    }
}
