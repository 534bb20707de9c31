//! The history of applied writes: one JSON line each in `history.jsonl`. Each has a `kind`
//! (lines written before kinds existed are patches) and a unique `id`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::io::Write;
use std::path::Path;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A workspace's settings (`PATCH /workspaces/{id}`).
    #[default]
    Patch,
    /// A new workspace: `after` is the workspace as created.
    Create,
    /// A workspace deleted (`before`), or a key deleted (`target` is its hash): not revertable.
    Delete,
    /// Members added or removed: `patch` holds the request (`action`, `user_ids`).
    Members,
    /// A key moved, disabled or enabled (`target` is its hash; `before`/`after` its fields).
    Keys,
    /// Budget requests in order (`patch.requests`; `before`/`after` the limits).
    Budgets,
    /// The default guardrail (`target` is its id; `before`/`after` the patched fields).
    Guardrail,
    /// Several workspaces' settings patched as one change (bulk edit, `apply`): `parts` holds
    /// one `patch` entry per workspace that landed; `workspace_id` is empty.
    Batch,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Unique per entry; lines written before ids existed get `line-N` when read.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub kind: Kind,
    /// What the write was about besides the workspace (a key's hash, a guardrail's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub time: String,
    pub host: String,
    pub workspace_id: String,
    pub patch: Map<String, Value>,
    /// The patched fields just before the PATCH.
    pub before: Map<String, Value>,
    /// The patched fields as the server answered.
    pub after: Map<String, Value>,
    /// A batch's parts, one per workspace that landed (kind `patch` each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<HistoryEntry>,
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
            id: new_id(),
            kind: Kind::Patch,
            target: None,
            time,
            host: host.to_string(),
            workspace_id: before.id().to_string(),
            patch: patch.fields().clone(),
            before: pick(before),
            after: pick(after),
            parts: Vec::new(),
        }
    }
}

/// A fresh unique id for an entry.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl HistoryEntry {
    /// An entry of any kind; `patch` is the request, `before`/`after` what it changed.
    #[allow(clippy::too_many_arguments)]
    pub fn admin(
        kind: Kind,
        host: &str,
        workspace_id: &str,
        target: Option<String>,
        patch: Map<String, Value>,
        before: Map<String, Value>,
        after: Map<String, Value>,
    ) -> Self {
        Self {
            id: new_id(),
            kind,
            target,
            time: super::now_rfc3339(),
            host: host.to_string(),
            workspace_id: workspace_id.to_string(),
            patch,
            before,
            after,
            parts: Vec::new(),
        }
    }

    /// One entry for the parts of a batch that landed (each a `patch` entry).
    pub fn batch(host: &str, parts: Vec<HistoryEntry>) -> Self {
        Self {
            id: new_id(),
            kind: Kind::Batch,
            target: None,
            time: super::now_rfc3339(),
            host: host.to_string(),
            workspace_id: String::new(),
            patch: Map::new(),
            before: Map::new(),
            after: Map::new(),
            parts,
        }
    }

    /// Whether the entry touched workspace `id` (itself or one of its parts).
    pub fn touches(&self, id: &str) -> bool {
        self.workspace_id == id || self.parts.iter().any(|p| p.touches(id))
    }
}

/// Appends one line; a line is written whole with one `write` call. The file is 0600 in a
/// 0700 directory and is not opened through a symlink. When the last line was cut short (a
/// crash, a full disk), a newline goes first so the new entry stays a line of its own.
pub fn append(dir: &Path, entry: &HistoryEntry) -> std::io::Result<()> {
    super::private_dir(dir)?;
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(dir.join("history.jsonl"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileExt, PermissionsExt};
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        let len = file.metadata()?.len();
        let mut last = [0u8; 1];
        if len > 0 && file.read_at(&mut last, len - 1)? == 1 && last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    file.write_all(line.as_bytes())
}

/// Every readable entry, oldest first; lines that do not parse are skipped.
pub fn read(dir: &Path) -> std::io::Result<Vec<HistoryEntry>> {
    match std::fs::read(dir.join("history.jsonl")) {
        // Bytes that are not UTF-8 spoil only their own line.
        Ok(bytes) => Ok(bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter_map(|(n, l)| {
                let mut e: HistoryEntry = serde_json::from_slice(l).ok()?;
                if e.id.is_empty() {
                    e.id = format!("line-{}", n + 1);
                }
                Some(e)
            })
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
        Err(e) => Err(e),
    }
}

/// The entries written for `host`, newest first (the file is oldest first).
pub fn read_for_host(dir: &Path, host: &str) -> std::io::Result<Vec<HistoryEntry>> {
    let mut all = read(dir)?;
    all.retain(|e| e.host == host);
    all.reverse();
    Ok(all)
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

    fn entry(name: &str) -> HistoryEntry {
        let before = Workspace::from_json(json!({"id":"u","name":"A","slug":"a"})).unwrap();
        let after = Workspace::from_json(json!({"id":"u","name":name,"slug":"a"})).unwrap();
        let patch = PatchBody::from_fields(json!({"name":name}).as_object().unwrap().clone());
        HistoryEntry::new("t".into(), "h", &patch, &before, &after)
    }

    /// Lines written before kinds and ids existed read as patches with an id of their own.
    #[test]
    fn old_lines_are_patches_with_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{"time":"t","host":"h","workspace_id":"u","patch":{"name":"B"},"before":{"name":"A"},"after":{"name":"B"}}"#;
        std::fs::write(dir.path().join("history.jsonl"), format!("{old}\n{old}\n")).unwrap();
        append(dir.path(), &entry("new")).unwrap();
        let all = read(dir.path()).unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|e| e.kind == Kind::Patch));
        assert_eq!(
            (all[0].id.as_str(), all[1].id.as_str()),
            ("line-1", "line-2")
        );
        assert_eq!(all[2].id.len(), 36);
        let admin = HistoryEntry::admin(
            Kind::Keys,
            "h",
            "u",
            Some("k".into()),
            Map::new(),
            Map::new(),
            Map::new(),
        );
        append(dir.path(), &admin).unwrap();
        let last = read(dir.path()).unwrap().pop().unwrap();
        assert_eq!((last.kind, last.target.as_deref()), (Kind::Keys, Some("k")));
        assert_ne!(last.id, all[2].id);
    }

    #[test]
    fn read_for_host_keeps_that_host_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut other = entry("other");
        other.host = "elsewhere".into();
        append(dir.path(), &entry("first")).unwrap();
        append(dir.path(), &other).unwrap();
        append(dir.path(), &entry("second")).unwrap();
        let names: Vec<_> = read_for_host(dir.path(), "h")
            .unwrap()
            .iter()
            .map(|e| e.patch["name"].clone())
            .collect();
        assert_eq!(names, [json!("second"), json!("first")]);
    }

    /// A last line cut short used to swallow the next entry into one unreadable line.
    #[test]
    fn a_cut_last_line_does_not_swallow_the_next_entry() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), &entry("first")).unwrap();
        let path = dir.path().join("history.jsonl");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(r#"{"time":"t","host":"h","work"#);
        std::fs::write(&path, text).unwrap();
        append(dir.path(), &entry("second")).unwrap();
        let names: Vec<_> = read(dir.path())
            .unwrap()
            .iter()
            .map(|e| e.patch["name"].clone())
            .collect();
        assert_eq!(names, [json!("first"), json!("second")]);
    }

    #[cfg(unix)]
    #[test]
    fn the_history_is_private_and_never_written_through_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("orws");
        append(&dir, &entry("x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join("history.jsonl")), 0o600);
        assert_eq!(mode(&dir), 0o700);

        let other = root.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let target = root.path().join("target");
        std::fs::write(&target, "").unwrap();
        std::os::unix::fs::symlink(&target, other.join("history.jsonl")).unwrap();
        assert!(append(&other, &entry("x")).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "");
    }
}
