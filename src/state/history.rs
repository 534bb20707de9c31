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
    /// Written `key` (product.md §15); lines of older versions say `keys`.
    #[serde(rename = "key", alias = "keys")]
    Keys,
    /// Budget requests in order (`patch.requests`; `before`/`after` the limits).
    Budgets,
    /// A guardrail, default or named (`target` is its id): a PATCH (`before`/`after` the
    /// patched fields), or a named one's create or delete (`patch.requests`).
    Guardrail,
    /// Keys or members assigned to or unassigned from a named guardrail (`target` its id;
    /// `patch.requests` the request).
    Assignment,
    /// Several workspaces' settings patched as one change (bulk edit, `apply`, the revert of
    /// a batch): `workspace_id` is empty. Written as a line of its own when the batch starts,
    /// then one line per part as it lands (its own kind, `batch` naming this entry's id);
    /// [`read`] puts those parts back in `parts`, as the older one-line form wrote them.
    Batch,
    /// The undo of another entry (product.md §15): `of` names the entry undone and `reverts`
    /// the kind of write that entry recorded (see [`HistoryEntry::reverts`]). Its `patch`,
    /// `before`, `after` and `target` have the shape of that kind, so a revert is undone in
    /// turn like the entry it undid — unless it deleted (it undid a create).
    Revert,
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
    /// A batch's parts, one per workspace that landed (kind `patch` each). Filled by [`read`]
    /// from the part lines; written inline only by the older one-line form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<HistoryEntry>,
    /// On a part's own line: the id of the batch it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Kind `revert` only: the id of the entry this one undoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// Kind `revert` only: the kind of write the undone entry recorded (for the undo of a
    /// revert, the kind that revert undid, so a chain of undos keeps the first entry's kind).
    /// The fields have that kind's shape — one exception: the undo of a `create` deleted the
    /// workspace, so its fields are a `delete`'s (see [`HistoryEntry::shape`]). The undo of a
    /// batch is written as a batch is: its line, then one `patch` line per part naming it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<Kind>,
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
            batch: None,
            of: None,
            reverts: None,
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
            batch: None,
            of: None,
            reverts: None,
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
            batch: None,
            of: None,
            reverts: None,
        }
    }

    /// This entry as a part line of batch `batch_id` (its own kind and id kept).
    pub fn part_of(mut self, batch_id: &str) -> Self {
        self.batch = Some(batch_id.to_string());
        self
    }

    /// This entry as the undo of `undone`: kind `revert`, `of` its id, `reverts` the kind of
    /// write it recorded (through a chain of reverts, the first one's). Its fields stay as they
    /// are: they must have the shape of that kind (a delete's for the undo of a create).
    pub fn reverting(self, undone: &HistoryEntry) -> Self {
        crate::write::record::Reverting::of(undone).mark(self)
    }

    /// What a revert of this entry reverts: its own kind, or, for a revert, what that reverted.
    pub fn undone_kind(&self) -> Kind {
        match self.kind {
            Kind::Revert => self.reverts.unwrap_or_default(),
            k => k,
        }
    }

    /// The kind whose shape this entry's fields have: its kind, or for a revert the kind of
    /// write it made (what it reverts, but `delete` for the undo of a `create`).
    pub fn shape(&self) -> Kind {
        match (self.kind, self.reverts) {
            (Kind::Revert, Some(Kind::Create)) => Kind::Delete,
            (Kind::Revert, Some(k)) => k,
            (Kind::Revert, None) => Kind::Patch,
            (k, _) => k,
        }
    }

    /// The entry as the write it made: a revert seen as an entry of its [`Self::shape`] (same
    /// id), for what reads fields by kind (the undo, the summaries).
    pub fn as_written(&self) -> std::borrow::Cow<'_, HistoryEntry> {
        if self.kind != Kind::Revert {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut e = self.clone();
        e.kind = self.shape();
        std::borrow::Cow::Owned(e)
    }

    /// Whether the entry is a batch (or the undo of one): its parts are its writes.
    pub fn is_batch(&self) -> bool {
        self.shape() == Kind::Batch
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

/// What [`read_all`] found: the entries, and how many lines could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub entries: Vec<HistoryEntry>,
    /// Lines that are not an entry (cut short, edited, not UTF-8); blank lines do not count.
    pub unreadable: usize,
}

impl History {
    /// "1 history line could not be read" / "N history lines …", when any could not.
    pub fn unreadable_note(&self) -> Option<String> {
        match self.unreadable {
            0 => None,
            1 => Some("1 history line could not be read".to_string()),
            n => Some(format!("{n} history lines could not be read")),
        }
    }
}

/// Every readable entry, oldest first; lines that do not parse are skipped.
pub fn read(dir: &Path) -> std::io::Result<Vec<HistoryEntry>> {
    read_all(dir).map(|h| h.entries)
}

/// Every readable entry, oldest first, and the count of lines that could not be read. A part
/// line (`batch` set) is put in the `parts` of the batch it names when that batch's line came
/// before it on the same host; otherwise it stands as an entry of its own.
pub fn read_all(dir: &Path) -> std::io::Result<History> {
    let bytes = match std::fs::read(dir.join("history.jsonl")) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
        Err(e) => return Err(e),
    };
    let mut out = History::default();
    // Where each batch's line is in `entries`, by id.
    let mut batches: std::collections::HashMap<String, usize> = Default::default();
    // Bytes that are not UTF-8 spoil only their own line.
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(mut e) = serde_json::from_slice::<HistoryEntry>(line) else {
            out.unreadable += 1;
            continue;
        };
        if e.id.is_empty() {
            e.id = format!("line-{}", n + 1);
        }
        if let Some(b) = &e.batch
            && let Some(&at) = batches.get(b)
            && out.entries[at].host == e.host
        {
            out.entries[at].parts.push(e);
            continue;
        }
        if e.is_batch() {
            batches.insert(e.id.clone(), out.entries.len());
        }
        out.entries.push(e);
    }
    Ok(out)
}

/// The entries written for `host`, newest first (the file is oldest first).
pub fn read_for_host(dir: &Path, host: &str) -> std::io::Result<Vec<HistoryEntry>> {
    read_all_for_host(dir, host).map(|h| h.entries)
}

/// [`read_all`] kept to `host`, newest first; the unreadable count is the whole file's.
pub fn read_all_for_host(dir: &Path, host: &str) -> std::io::Result<History> {
    let mut all = read_all(dir)?;
    all.entries.retain(|e| e.host == host);
    all.entries.reverse();
    Ok(all)
}

#[cfg(test)]
mod tests {

    #[test]
    fn key_entries_are_written_key_and_older_keys_lines_still_read() {
        let old: HistoryEntry =
            serde_json::from_str(r#"{"id":"a","kind":"keys","time":"t","host":"h","workspace_id":"w","patch":{},"before":{},"after":{}}"#).unwrap();
        assert_eq!(old.kind, Kind::Keys);
        let line = serde_json::to_value(&old).unwrap();
        assert_eq!(line["kind"], "key");
    }

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

    /// Part lines go under the batch line they name (same host, written before them); one
    /// naming no such batch stands alone; unreadable lines are counted, blank ones are not.
    #[test]
    fn part_lines_are_read_under_their_batch_and_bad_lines_counted() {
        let dir = tempfile::tempdir().unwrap();
        let head = HistoryEntry::batch("h", vec![]);
        let mut elsewhere = HistoryEntry::batch("other", vec![]);
        elsewhere.id = head.id.clone() + "-x";
        append(dir.path(), &entry("early").part_of(&head.id)).unwrap();
        append(dir.path(), &head).unwrap();
        append(dir.path(), &entry("one").part_of(&head.id)).unwrap();
        append(dir.path(), &elsewhere).unwrap();
        let mut foreign = entry("foreign").part_of(&elsewhere.id);
        foreign.host = "h".into();
        append(dir.path(), &foreign).unwrap();
        append(dir.path(), &entry("two").part_of(&head.id)).unwrap();
        let path = dir.path().join("history.jsonl");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("garbage\n\n  \n");
        std::fs::write(&path, text).unwrap();
        let read = read_all(dir.path()).unwrap();
        assert_eq!(read.unreadable, 1);
        assert_eq!(
            read.unreadable_note().as_deref(),
            Some("1 history line could not be read")
        );
        let names = |e: &HistoryEntry| -> Vec<Value> {
            e.parts.iter().map(|p| p.patch["name"].clone()).collect()
        };
        let ids: Vec<&str> = read.entries.iter().map(|e| e.id.as_str()).collect();
        // The part before its batch, the batch, the other host's batch, and the part whose
        // batch is on another host stand as they are.
        assert_eq!(ids.len(), 4, "{ids:?}");
        assert_eq!(read.entries[0].patch["name"], json!("early"));
        assert_eq!(names(&read.entries[1]), [json!("one"), json!("two")]);
        assert!(read.entries[2].parts.is_empty());
        assert_eq!(read.entries[3].patch["name"], json!("foreign"));
        let here = read_for_host(dir.path(), "h").unwrap();
        assert_eq!(here.len(), 3);
        assert_eq!(here[1].parts.len(), 2);
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
