//! The history of applied patches: one JSON line each in `history.jsonl`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub time: String,
    pub host: String,
    pub workspace_id: String,
    pub patch: Map<String, Value>,
    /// The patched fields just before the PATCH.
    pub before: Map<String, Value>,
    /// The patched fields as the server answered.
    pub after: Map<String, Value>,
}

impl HistoryEntry {
    /// An entry for `patch` applied to `before`, answered with `after` (whole workspaces).
    pub fn new(
        time: String,
        host: &str,
        patch: &crate::workspace::PatchBody,
        before: &crate::workspace::Workspace,
        after: &crate::workspace::Workspace,
    ) -> Self {
        let pick = |ws: &crate::workspace::Workspace| {
            patch
                .fields()
                .keys()
                .map(|k| (k.clone(), ws.get(k).cloned().unwrap_or(Value::Null)))
                .collect()
        };
        Self {
            time,
            host: host.to_string(),
            workspace_id: before.id().to_string(),
            patch: patch.fields().clone(),
            before: pick(before),
            after: pick(after),
        }
    }
}

/// Appends one line; a line is written whole with one `write` call.
pub fn append(dir: &Path, entry: &HistoryEntry) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("history.jsonl"))?;
    file.write_all(line.as_bytes())
}

/// Every readable entry, oldest first; lines that do not parse are skipped.
pub fn read(dir: &Path) -> std::io::Result<Vec<HistoryEntry>> {
    match std::fs::read_to_string(dir.join("history.jsonl")) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{PatchBody, Workspace};
    use serde_json::json;

    #[test]
    fn appends_lines_with_before_and_after_of_the_patched_fields() {
        let dir = tempfile::tempdir().unwrap();
        let before =
            Workspace::from_json(json!({"id":"u","name":"A","slug":"a","description":"d"}))
                .unwrap();
        let after = Workspace::from_json(json!({"id":"u","name":"B","slug":"a","description":"d"}))
            .unwrap();
        let patch = PatchBody::from_fields(json!({"name":"B"}).as_object().unwrap().clone());
        let e = HistoryEntry::new("t1".into(), "h", &patch, &before, &after);
        append(dir.path(), &e).unwrap();
        append(dir.path(), &e).unwrap();
        let all = read(dir.path()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].before,
            json!({"name":"A"}).as_object().unwrap().clone()
        );
        assert_eq!(
            all[0].after,
            json!({"name":"B"}).as_object().unwrap().clone()
        );
        assert_eq!(all[0].workspace_id, "u");
    }
}
