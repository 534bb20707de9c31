//! Drafts: the unsaved edits of one workspace on one host, written atomically a moment after
//! typing stops, so a crash or a killed terminal loses at most that moment.
//!
//! Each process writes its own file, `drafts/<host>/<workspace>@<owner>.json`, and holds a
//! lock on `drafts/.owners/<owner>.lock` for as long as it runs. So two orws on one workspace
//! never overwrite or delete each other's draft: a draft is offered for restoring only when
//! the process that wrote it is gone (its lock is free, or its lock file is missing), and a
//! submit or a discard removes only the process's own file (and the one it restored).

use super::{file_part, private_dirs, write_atomically};
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
    /// The unsaved edits of the workspace's other tabs (`budgets`, `guardrail`, `members`),
    /// kept with its settings edits so one question keeps or discards them all.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tabs: BTreeMap<String, TabDraft>,
}

/// One tab's unsaved edits: what the server held when they were made, and the edits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TabDraft {
    /// The tab's values as the server held them then (the conflict check's base on restore).
    #[serde(default)]
    pub base: Value,
    /// Each edited field (the API's name) and its value as typed or chosen.
    pub edits: Map<String, Value>,
}

/// `into[key]` becomes `from[key]` (absent stays absent), where both are objects.
fn take_base(into: &mut Value, from: &Value, key: &str) {
    if let Value::Object(into) = into {
        match from.get(key) {
            Some(v) => into.insert(key.to_string(), v.clone()),
            None => into.remove(key),
        };
    }
}

/// The draft id of the new-workspace form (a workspace id is a uuid, never this).
pub const NEW_WORKSPACE: &str = "new-workspace";

/// The draft id of a bulk edit of these workspaces (uuids, any order): the same marked set
/// finds the same draft.
pub fn bulk_id<'a>(uuids: impl IntoIterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = uuids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    // FNV-1a: stable across runs and builds, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in ids.join(",").bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("bulk-{}-{h:016x}", ids.len())
}

impl TabDraft {
    /// How many edits: a list of chosen ids (members to add or remove) counts each one.
    pub fn len(&self) -> usize {
        self.edits
            .values()
            .map(|v| v.as_array().map_or(1, Vec::len))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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
            + self.tabs.values().map(TabDraft::len).sum::<usize>()
    }

    /// This draft's edits with a `newer` one's over them: where both edit a field the newer
    /// value wins; every other edit of either is kept, each with the base it was made on (so
    /// a restore checks it against what its own session saw).
    pub fn merge(self, newer: Draft) -> Draft {
        let mut merged = newer;
        let edits = |d: &Draft, k: &str| d.fields.contains_key(k) || d.unparsed.contains_key(k);
        let older_keys: Vec<String> = self
            .fields
            .keys()
            .chain(self.unparsed.keys())
            .cloned()
            .collect();
        for k in older_keys {
            if edits(&merged, &k) {
                continue;
            }
            if let Some(v) = self.fields.get(&k) {
                merged.fields.insert(k.clone(), v.clone());
            }
            if let Some(t) = self.unparsed.get(&k) {
                merged.unparsed.insert(k.clone(), t.clone());
            }
            take_base(&mut merged.base, &self.base, &k);
        }
        for (tab, old) in self.tabs {
            let into = merged.tabs.entry(tab).or_insert_with(|| TabDraft {
                base: old.base.clone(),
                edits: Map::new(),
            });
            for (k, v) in old.edits {
                if !into.edits.contains_key(&k) {
                    take_base(&mut into.base, &old.base, &k);
                    into.edits.insert(k, v);
                }
            }
        }
        merged
    }

    /// An empty draft of `workspace_id` on `host`, over `base`.
    pub fn empty(host: &str, workspace_id: &str, base: Value) -> Self {
        Draft {
            host: host.to_string(),
            workspace_id: workspace_id.to_string(),
            saved_at: String::new(),
            base,
            fields: Map::new(),
            unparsed: BTreeMap::new(),
            tabs: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The file an ownerless draft (as orws wrote them before drafts had owners) lives in.
pub fn draft_path(dir: &Path, host: &str, workspace_id: &str) -> PathBuf {
    host_dir(dir, host).join(format!("{}.json", file_part(workspace_id)))
}

fn host_dir(dir: &Path, host: &str) -> PathBuf {
    dir.join("drafts").join(file_part(host))
}

fn owners_dir(dir: &Path) -> PathBuf {
    dir.join("drafts").join(".owners")
}

/// Writes an ownerless draft: any orws offers it. For tests and for drafts from older orws.
pub fn save(dir: &Path, draft: &Draft) -> std::io::Result<()> {
    let path = draft_path(dir, &draft.host, &draft.workspace_id);
    write_draft(dir, &path, draft)
}

fn write_draft(dir: &Path, path: &Path, draft: &Draft) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
    if let Some(parent) = path.parent() {
        private_dirs(dir, parent)?;
    }
    write_atomically(path, &bytes)
}

/// Every draft file of this workspace, whoever wrote it.
pub fn files(dir: &Path, host: &str, workspace_id: &str) -> Vec<PathBuf> {
    let ws = file_part(workspace_id);
    let Ok(entries) = std::fs::read_dir(host_dir(dir, host)) else {
        return vec![];
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .is_some_and(|stem| stem.split('@').next() == Some(ws.as_str()))
        })
        .collect();
    found.sort();
    found
}

/// The owner named in a draft file's name; `None` for an ownerless draft.
fn owner_of(path: &Path) -> Option<&str> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".json")?;
    stem.split_once('@').map(|(_, owner)| owner)
}

/// A draft found for restoring, and the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub draft: Draft,
    pub path: PathBuf,
    /// Older drafts of this workspace whose writers are gone too: their edits are merged into
    /// the offered draft, and their files go with it (restored or discarded).
    pub older: Vec<PathBuf>,
}

/// What looking for a draft to restore found.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// The newest draft left by a process that is gone.
    pub offer: Option<Offer>,
    /// Drafts of other orws still running on this workspace (left alone).
    pub live_others: usize,
    /// Unreadable drafts, each moved aside: one line each for the person.
    pub moved_aside: Vec<String>,
}

/// This process's drafts: its own files, and the lock that tells others it is alive.
#[derive(Debug)]
pub struct DraftStore {
    dir: PathBuf,
    owner: String,
    /// Held (locked) for the store's lifetime; the lock goes with the process, even on kill -9.
    lock: Option<std::fs::File>,
    /// For each offered file, the older dead drafts that go with it.
    superseded: std::sync::Mutex<BTreeMap<PathBuf, Vec<PathBuf>>>,
}

impl DraftStore {
    /// The store of a new owner under the state directory `dir`. Fails when the directory
    /// cannot be made (the caller says so; drafts are then not kept).
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let owner = format!("{}-{nanos:x}", std::process::id());
        Self::open_as(dir, &owner)
    }

    /// A store with a given owner id (letters, digits, `-`): tests play two processes.
    pub fn open_as(dir: &Path, owner: &str) -> std::io::Result<Self> {
        let owners = owners_dir(dir);
        private_dirs(dir, &owners)?;
        // Locked before it has its name, so nobody ever sees this owner's lock file unlocked.
        let tmp = tempfile::Builder::new()
            .prefix(".lock.")
            .tempfile_in(&owners)?;
        tmp.as_file().try_lock().map_err(std::io::Error::other)?;
        let lock = tmp
            .persist(owners.join(format!("{}.lock", file_part(owner))))
            .map_err(|e| e.error)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            owner: file_part(owner),
            lock: Some(lock),
            superseded: Default::default(),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// This process's draft file for a workspace.
    pub fn path(&self, host: &str, workspace_id: &str) -> PathBuf {
        host_dir(&self.dir, host).join(format!("{}@{}.json", file_part(workspace_id), self.owner))
    }

    /// Whether any draft of this workspace is on disk (this process's or another's).
    pub fn waiting(&self, host: &str, workspace_id: &str) -> bool {
        !files(&self.dir, host, workspace_id).is_empty()
    }

    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        write_draft(
            &self.dir,
            &self.path(&draft.host, &draft.workspace_id),
            draft,
        )
    }

    /// Removes this process's draft of a workspace (a missing one is fine).
    pub fn remove(&self, host: &str, workspace_id: &str) -> std::io::Result<()> {
        remove_file(&self.path(host, workspace_id))
    }

    /// Removes a draft file this process was offered and took over (restored or discarded),
    /// and the older dead drafts of that workspace found with it.
    pub fn remove_offered(&self, path: &Path) -> std::io::Result<()> {
        let older = self
            .superseded
            .lock()
            .ok()
            .and_then(|mut m| m.remove(path))
            .unwrap_or_default();
        for p in older {
            remove_file(&p)?;
        }
        remove_file(path)
    }

    /// Whether the owner of a draft file still runs. Ownerless drafts have no one.
    fn is_alive(&self, owner: &str) -> bool {
        if owner == self.owner {
            return true;
        }
        let path = owners_dir(&self.dir).join(format!("{owner}.lock"));
        let Ok(file) = std::fs::File::open(&path) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                // Gone: its lock file is not needed any more (missing means gone, too).
                let _ = std::fs::remove_file(&path);
                false
            }
            Err(_) => true,
        }
    }

    /// The draft to offer on opening a workspace: the newest one left by a process that is
    /// gone. Drafts of running processes are counted, not touched; unreadable ones are moved
    /// aside (renamed `….corrupt-<seconds>`), so nothing ever overwrites them.
    pub fn find(&self, host: &str, workspace_id: &str) -> Found {
        let mut found = Found::default();
        // This process's own draft (kept when it went back to the list earlier) is offered
        // like a left-over one: released under an owner that holds no lock, so new edits
        // never overwrite it before the question is answered.
        let own = self.path(host, workspace_id);
        if own.exists() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let released = own.with_file_name(format!(
                "{}@{}-kept-{nanos:x}.json",
                file_part(workspace_id),
                self.owner
            ));
            let _ = std::fs::rename(&own, released);
        }
        for path in files(&self.dir, host, workspace_id) {
            match owner_of(&path) {
                Some(owner) if owner == self.owner => continue,
                Some(owner) if self.is_alive(owner) => {
                    found.live_others += 1;
                    continue;
                }
                _ => {}
            }
            let read = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Draft>(&b).map_err(|e| e.to_string()));
            match read {
                Ok(draft) if draft.is_empty() => {
                    let _ = remove_file(&path);
                }
                // Every dead draft's edits are offered, merged: none is lost unseen.
                Ok(draft) => match &mut found.offer {
                    Some(o) if draft.saved_at > o.draft.saved_at => {
                        let mut older = std::mem::take(&mut o.older);
                        older.push(std::mem::replace(&mut o.path, path));
                        let was =
                            std::mem::replace(&mut o.draft, Draft::empty("", "", Value::Null));
                        o.draft = was.merge(draft);
                        o.older = older;
                    }
                    Some(o) => {
                        let newer =
                            std::mem::replace(&mut o.draft, Draft::empty("", "", Value::Null));
                        o.draft = draft.merge(newer);
                        o.older.push(path);
                    }
                    None => {
                        found.offer = Some(Offer {
                            draft,
                            path,
                            older: vec![],
                        })
                    }
                },
                Err(e) => found.moved_aside.push(move_aside(&path, &e)),
            }
        }
        if let (Some(o), Ok(mut m)) = (&found.offer, self.superseded.lock()) {
            m.insert(o.path.clone(), o.older.clone());
        }
        found
    }
}

impl Drop for DraftStore {
    fn drop(&mut self) {
        // A clean exit: no lock file left behind (a killed process leaves one; it is unlocked).
        if self.lock.take().is_some() {
            let _ =
                std::fs::remove_file(owners_dir(&self.dir).join(format!("{}.lock", self.owner)));
        }
    }
}

/// Renames an unreadable draft out of the way and says where it went.
fn move_aside(path: &Path, why: &str) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let aside = path.with_extension(format!("json.corrupt-{secs}"));
    match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "The draft {} is unreadable ({why}); it was moved to {}",
            path.display(),
            aside.display()
        ),
        Err(e) => format!(
            "The draft {} is unreadable ({why}) and could not be moved aside: {e}",
            path.display()
        ),
    }
}

fn remove_file(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
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
            tabs: BTreeMap::from([(
                "members".into(),
                TabDraft {
                    base: Value::Null,
                    edits: json!({"add": ["user_a", "user_b"]})
                        .as_object()
                        .unwrap()
                        .clone(),
                },
            )]),
        }
    }

    #[test]
    fn every_tab_edit_counts_and_bulk_ids_do_not_depend_on_order() {
        // name, the unparsed rate, and two members to add.
        assert_eq!(draft().len(), 4);
        assert!(Draft::empty("h", "u", Value::Null).is_empty());
        assert_eq!(bulk_id(["b", "a", "a"]), bulk_id(["a", "b"]));
        assert_ne!(bulk_id(["a", "b"]), bulk_id(["a", "c"]));
        // Pinned: a draft written by one build is found by the next.
        assert_eq!(bulk_id(["a"]), "bulk-1-af63dc4c8601ec8c");
    }

    fn named(name: &str, at: &str) -> Draft {
        Draft {
            saved_at: at.into(),
            fields: json!({ "name": name }).as_object().unwrap().clone(),
            unparsed: BTreeMap::new(),
            ..draft()
        }
    }

    #[test]
    fn round_trip_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let a = DraftStore::open_as(dir.path(), "a").unwrap();
        a.save(&draft()).unwrap();
        let text = std::fs::read(a.path("openrouter.ai", "u-1")).unwrap();
        assert_eq!(serde_json::from_slice::<Draft>(&text).unwrap(), draft());
        assert_eq!(
            files(dir.path(), "other.host", "u-1"),
            Vec::<PathBuf>::new()
        );
        drop(a);
        // Its writer gone, the next process is offered it.
        let b = DraftStore::open_as(dir.path(), "b").unwrap();
        let offer = b.find("openrouter.ai", "u-1").offer.unwrap();
        assert_eq!(offer.draft, draft());
        b.remove_offered(&offer.path).unwrap();
        assert_eq!(b.find("openrouter.ai", "u-1"), Found::default());
        b.remove("openrouter.ai", "u-1").unwrap();
    }

    /// Two processes on one workspace: neither overwrites, deletes or is offered the other's
    /// draft while both run; once one is gone, the other is offered what it left.
    #[test]
    fn two_processes_keep_their_own_drafts() {
        let dir = tempfile::tempdir().unwrap();
        let a = DraftStore::open_as(dir.path(), "a").unwrap();
        let b = DraftStore::open_as(dir.path(), "b").unwrap();
        a.save(&named("from A", "2026-11-29T10:00:00Z")).unwrap();
        b.save(&named("from B", "2026-11-29T10:00:01Z")).unwrap();
        assert_eq!(files(dir.path(), "openrouter.ai", "u-1").len(), 2);
        // A third window opening the workspace sees both running: nothing offered or touched.
        let c = DraftStore::open_as(dir.path(), "c").unwrap();
        let seen = c.find("openrouter.ai", "u-1");
        assert_eq!((seen.offer, seen.live_others), (None, 2));
        assert_eq!(files(dir.path(), "openrouter.ai", "u-1").len(), 2);
        // A's submit removes A's draft only.
        a.remove("openrouter.ai", "u-1").unwrap();
        let left = files(dir.path(), "openrouter.ai", "u-1");
        assert_eq!(left, [b.path("openrouter.ai", "u-1")]);
        // B quits keeping its draft; C, opening the workspace again, is offered it.
        drop(b);
        let offer = c.find("openrouter.ai", "u-1").offer.unwrap();
        assert_eq!(offer.draft.fields["name"], json!("from B"));
        drop(a);
    }

    /// A killed process leaves its lock file, but not the lock: its draft is offered.
    #[test]
    fn a_stale_lock_file_does_not_keep_a_draft_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        // What kill -9 leaves: a draft and an unlocked lock file.
        let dead = me
            .path("openrouter.ai", "u-1")
            .with_file_name("u-1@dead.json");
        std::fs::create_dir_all(dead.parent().unwrap()).unwrap();
        std::fs::write(&dead, serde_json::to_vec(&named("killed", "t")).unwrap()).unwrap();
        let lock = owners_dir(dir.path()).join("dead.lock");
        std::fs::write(&lock, "").unwrap();
        let offer = me.find("openrouter.ai", "u-1").offer.unwrap();
        assert_eq!(offer.draft.fields["name"], json!("killed"));
        assert_eq!(offer.path, dead);
        assert!(!lock.exists(), "the dead owner's lock file is cleaned up");
    }

    /// The newest of several left-over drafts is offered; an ownerless (older orws) one counts.
    #[test]
    fn the_newest_left_over_draft_is_offered() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &named("old", "2026-11-28T10:00:00Z")).unwrap();
        let gone = DraftStore::open_as(dir.path(), "gone").unwrap();
        gone.save(&named("new", "2026-11-29T10:00:00Z")).unwrap();
        drop(gone);
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        let found = me.find("openrouter.ai", "u-1");
        assert_eq!(found.offer.unwrap().draft.fields["name"], json!("new"));
    }

    /// Two windows quit keeping their drafts, one with a name, one with a budget: the next
    /// open is offered both edits, the newer value where they overlap, each on its own base.
    #[test]
    fn dead_drafts_are_offered_merged_none_lost_unseen() {
        let dir = tempfile::tempdir().unwrap();
        let a = DraftStore::open_as(dir.path(), "a").unwrap();
        let mut from_a = named("From A", "2026-11-29T10:00:00Z");
        from_a.base = json!({"id": "u-1", "name": "A", "description": "old"});
        from_a.fields.insert("description".into(), json!("from A"));
        a.save(&from_a).unwrap();
        let b = DraftStore::open_as(dir.path(), "b").unwrap();
        let mut from_b = named("From B", "2026-11-29T11:00:00Z");
        from_b.base = json!({"id": "u-1", "name": "A", "description": "changed"});
        from_b.fields.remove("name");
        from_b.tabs.insert(
            "budgets".into(),
            TabDraft {
                base: json!({"weekly": 150}),
                edits: json!({"weekly": "145"}).as_object().unwrap().clone(),
            },
        );
        b.save(&from_b).unwrap();
        drop((a, b));
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        let offer = me.find("openrouter.ai", "u-1").offer.unwrap();
        let d = &offer.draft;
        assert_eq!(d.fields["name"], json!("From A"), "only A edited the name");
        assert_eq!(d.fields["description"], json!("from A"));
        // Each edit keeps the base its session saw.
        assert_eq!(d.base["description"], json!("old"));
        assert_eq!(d.tabs["budgets"].edits["weekly"], json!("145"));
        assert_eq!(d.saved_at, "2026-11-29T11:00:00Z");
        assert_eq!(offer.older.len(), 1);
    }

    /// Taking the offered draft (restored, then our own written; or discarded) takes the
    /// older dead ones with it, so they are not offered one at a time; a live one stays.
    #[test]
    fn taking_the_offer_removes_the_older_dead_drafts_too() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &named("oldest", "2026-11-27T10:00:00Z")).unwrap();
        for (owner, at) in [("a", "2026-11-29T10:00:00Z"), ("b", "2026-11-28T10:00:00Z")] {
            let gone = DraftStore::open_as(dir.path(), owner).unwrap();
            gone.save(&named(owner, at)).unwrap();
        }
        let live = DraftStore::open_as(dir.path(), "live").unwrap();
        live.save(&named("live", "2026-11-30T10:00:00Z")).unwrap();
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        let found = me.find("openrouter.ai", "u-1");
        assert_eq!(found.live_others, 1);
        let offer = found.offer.unwrap();
        assert_eq!(offer.draft.fields["name"], json!("a"));
        assert_eq!(offer.older.len(), 2);
        me.remove_offered(&offer.path).unwrap();
        assert_eq!(
            files(dir.path(), "openrouter.ai", "u-1"),
            [live.path("openrouter.ai", "u-1")]
        );
    }

    /// A draft this process kept earlier (back to the list, then the same workspace again) is
    /// offered too, from a file of its own that the next edits do not overwrite.
    #[test]
    fn a_draft_kept_earlier_by_this_process_is_offered() {
        let dir = tempfile::tempdir().unwrap();
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        me.save(&named("kept", "t")).unwrap();
        let offer = me.find("openrouter.ai", "u-1").offer.unwrap();
        assert_eq!(offer.draft.fields["name"], json!("kept"));
        assert_ne!(offer.path, me.path("openrouter.ai", "u-1"));
        me.save(&named("new edits", "t2")).unwrap();
        let text = std::fs::read_to_string(&offer.path).unwrap();
        assert!(text.contains("kept"), "{text}");
    }

    /// An unreadable draft is moved aside, said once, and never offered or overwritten.
    #[test]
    fn a_corrupt_draft_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = draft_path(dir.path(), "h", "u");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{not json").unwrap();
        let me = DraftStore::open_as(dir.path(), "me").unwrap();
        let found = me.find("h", "u");
        assert_eq!(found.offer, None);
        assert_eq!(found.moved_aside.len(), 1);
        assert!(
            found.moved_aside[0].contains("moved to"),
            "{:?}",
            found.moved_aside
        );
        assert!(!path.exists());
        let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            aside.iter().any(|n| n.starts_with("u.json.corrupt-")),
            "{aside:?}"
        );
        assert_eq!(me.find("h", "u"), Found::default(), "said once");
    }
}
