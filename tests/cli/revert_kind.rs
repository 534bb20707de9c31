//! A revert is its own history kind (product.md §15 "History kinds": `revert`, with `of: <id>`;
//! itself undoable unless it deleted), and what `orws history` and `orws revert` print speaks
//! the review language (FIELD | BEFORE | AFTER, `∅`, workspaces, keys and people by name).
//! The real binary against the in-process fake, one home per test.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_lacks};

use cli_bin::{DEV_ID, Out, PROD_ID, STAGING_ID, STAGING_KEY, fake, ok_at, orws_at, writes};
use orws::fake::FakeServer;
use serde_json::Value;

/// One home and the fake it writes to.
struct World {
    server: FakeServer,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        World {
            server: fake(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Out {
        orws_at(self.home.path(), self.server.url(), args)
    }

    /// `args` run, which must succeed.
    fn ok(&self, args: &[&str]) -> Out {
        ok_at(self.home.path(), &self.server, args)
    }

    /// `args` run (a write), and the id of the entry it recorded.
    fn wrote(&self, args: &[&str]) -> String {
        self.ok(args);
        self.newest_id()
    }

    /// `orws revert ID --yes`, which must succeed.
    fn revert(&self, id: &str) -> Out {
        self.ok(&["revert", id, "--yes"])
    }

    /// `args` (a write) run, then reverted: the revert's id, checked to be recorded as a
    /// `revert` of that entry, of kind `reverts`.
    fn undone(&self, args: &[&str], reverts: &str) -> String {
        let id = self.wrote(args);
        self.revert(&id);
        let h = self.history();
        assert_eq!(
            (h[0]["kind"].as_str(), h[0]["reverts"].as_str()),
            (Some("revert"), Some(reverts)),
            "{}",
            h[0]
        );
        assert_eq!(h[0]["of"], id.as_str(), "{}", h[0]);
        h[0]["id"].as_str().unwrap().to_string()
    }

    /// `orws history --output json`, newest first.
    fn history(&self) -> Vec<Value> {
        let r = self.ok(&["--output", "json", "history"]);
        assert_lacks(&r.stderr, "could not be read");
        serde_json::from_str::<Value>(&r.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn newest_id(&self) -> String {
        self.history()[0]["id"].as_str().unwrap().to_string()
    }

    fn description(&self, ws: &str) -> Value {
        let r = self.ok(&["--output", "json", "get", ws]);
        serde_json::from_str::<Value>(&r.stdout).unwrap()["description"].clone()
    }
}

/// Before: the undo was recorded as one more `patch`, naming nothing.
#[test]
fn a_revert_is_recorded_as_kind_revert_naming_the_entry_it_undoes() {
    let w = World::new();
    let id = w.wrote(&["patch", "production", "--set", "description=changed"]);
    w.revert(&id);
    let h = w.history();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0]["kind"], "revert", "{}", h[0]);
    assert_eq!(h[0]["of"], id.as_str());
    assert_eq!(h[0]["reverts"], "patch");
    assert_eq!(h[0]["workspace_id"], PROD_ID);
    let table = w.ok(&["history"]).stdout;
    let line = table.lines().nth(1).unwrap();
    assert!(
        line.contains("revert") && line.contains(&format!("revert of {}", &id[..8])),
        "{table}"
    );
}

/// Undoing a revert puts back what the entry it undid had written, and is recorded in turn.
#[test]
fn a_revert_of_a_revert_reapplies_the_original() {
    let w = World::new();
    let first = w.wrote(&["patch", "production", "--set", "description=changed"]);
    let undo = w.wrote(&["revert", &first, "--yes"]);
    assert_eq!(w.history()[0]["kind"], "revert");
    w.revert(&undo);
    assert_eq!(w.description("production"), "changed");
    let h = w.history();
    assert_eq!(h.len(), 3);
    assert_eq!(
        (h[0]["kind"].as_str(), h[0]["of"].as_str()),
        (Some("revert"), Some(undo.as_str()))
    );
    // A chain keeps the kind of write it is about.
    assert_eq!(h[0]["reverts"], "patch");
}

/// The undo of a create deleted the workspace: it cannot be undone, and says why.
#[test]
fn a_revert_that_deleted_cannot_be_undone_and_says_so() {
    let w = World::new();
    let undo = w.undone(
        &["create", "--set", "name=Brief", "--set", "slug=brief"],
        "create",
    );
    let before = writes(&w.server).len();
    let r = w.run(&["revert", &undo, "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "this revert cannot be undone");
    assert_has(&r.stderr, "orws create --set name=Brief --set slug=brief");
    assert_eq!(writes(&w.server).len(), before, "nothing was sent");
}

/// A revert's `after` is the base of its own undo: a colleague's change since is a conflict
/// (exit 3), nothing sent. Budgets: set $400, undone to none, a colleague sets $450.
#[test]
fn undoing_a_revert_after_a_colleagues_change_is_a_conflict() {
    let w = World::new();
    let undo = w.undone(&["budgets", "set", "dev", "--monthly", "400"], "budgets");
    // The colleague writes from another machine: not in this history.
    let colleague = tempfile::tempdir().unwrap();
    ok_at(
        colleague.path(),
        &w.server,
        &["budgets", "set", "dev", "--monthly", "450"],
    );
    let before = writes(&w.server).len();
    let r = w.run(&["revert", &undo, "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "monthly changed");
    assert_eq!(writes(&w.server).len(), before, "nothing was sent");
    let r = w.ok(&["--output", "json", "budgets", "get", "dev"]);
    assert_has(&r.stdout, "450");
}

/// Lines written by older versions (no id, no kind; `keys`; a one-line batch) still read, next
/// to the new `revert` lines, and the old ones are still undone.
#[test]
fn old_history_lines_still_read_beside_revert_lines() {
    let w = World::new();
    // A revert line, written by this version.
    let id = w.wrote(&["patch", "dev", "--set", "description=new"]);
    w.revert(&id);
    let file = w.home.path().join("state/orws/history.jsonl");
    let now = std::fs::read_to_string(&file).unwrap();
    let old_patch = format!(
        r#"{{"time":"2025-01-01T00:00:00Z","host":"127.0.0.1","workspace_id":"{PROD_ID}","patch":{{"description":"old"}},"before":{{"description":"Production environment workspace"}},"after":{{"description":"old"}}}}"#
    );
    let old_key = format!(
        r#"{{"id":"old-key","kind":"keys","target":"{STAGING_KEY}","time":"2025-01-01T00:00:01Z","host":"127.0.0.1","workspace_id":"{STAGING_ID}","patch":{{"disabled":true}},"before":{{"disabled":false}},"after":{{"disabled":true}}}}"#
    );
    let old_batch = format!(
        r#"{{"id":"old-batch","kind":"batch","time":"2025-01-01T00:00:02Z","host":"127.0.0.1","workspace_id":"","patch":{{}},"before":{{}},"after":{{}},"parts":[{{"time":"t","host":"127.0.0.1","workspace_id":"{DEV_ID}","patch":{{"name":"X"}},"before":{{"name":"Development"}},"after":{{"name":"X"}}}}]}}"#
    );
    std::fs::write(&file, format!("{old_patch}\n{old_key}\n{old_batch}\n{now}")).unwrap();
    let h = w.history();
    let kinds: Vec<&str> = h.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["revert", "patch", "batch", "key", "patch"], "{h:?}");
    assert_eq!(h[4]["id"], "line-1");
    assert_eq!(h[2]["parts"].as_array().map(Vec::len), Some(1));
    // The old patch line is undone as before: the fake holds "Production environment
    // workspace", so the conflict check finds its `after` ("old") gone.
    w.ok(&["patch", "production", "--set", "description=old"]);
    w.revert("line-1");
    assert_eq!(
        w.description("production"),
        "Production environment workspace"
    );
}

/// Before: `orws revert` of a key or guardrail entry printed its JSON body ("with
/// {"disabled":false}", "back to {…}"), budgets named the workspace by uuid, and `orws
/// history` said "moved key … to <uuid>".
#[test]
fn history_and_revert_speak_the_review_language() {
    let w = World::new();
    let moved = w.wrote(&["keys", "move", STAGING_KEY, "--to", "dev", "--yes"]);
    let disabled = w.wrote(&["keys", "disable", STAGING_KEY]);
    let guardrail = w.wrote(&["guardrail", "patch", "dev", "--set", "limit_usd=25"]);
    let budgets = w.wrote(&["budgets", "set", "dev", "--monthly", "400"]);
    let members = w.wrote(&["members", "add", "dev", "user_2dHFtVWx2n56w6HkM0000000003"]);
    // The add records who it added by name, so the history names them without a read.
    let added = &w.history()[0]["after"]["people"]["user_2dHFtVWx2n56w6HkM0000000003"];
    assert!(added.as_str().is_some_and(|p| p.contains('<')), "{added}");

    let listed = w.ok(&["history"]).stdout;
    assert_has(&listed, "to Development (dev)");
    for uuid in [DEV_ID, STAGING_ID] {
        assert!(!listed.contains(uuid), "a bare uuid in:\n{listed}");
    }
    assert_lacks(&listed, "user_2dHFtVWx2n56w6HkM");

    // The key goes back to staging before its creator leaves dev: a key they created there,
    // disabled or not, keeps them a member (R6).
    for id in [disabled, moved, budgets, guardrail, members] {
        let r = w.revert(&id);
        let said = format!("{}{}", r.stderr, r.stdout);
        assert!(!said.contains('{'), "a JSON body in:\n{said}");
        assert!(said.contains("FIELD"), "no review table in:\n{said}");
        assert_lacks(&said, "null");
        assert_lacks(&said, "R1");
        assert_lacks(&said, "R2");
        assert_lacks(&said, "R5");
        let above: Vec<&str> = r.stderr.lines().filter(|l| l.contains("would")).collect();
        assert!(
            above
                .iter()
                .all(|l| !l.contains(DEV_ID) || l.contains("(dev)")),
            "a workspace by uuid alone: {above:?}"
        );
    }
    let listed = w.ok(&["history"]).stdout;
    assert_has(&listed, "revert of");
    for uuid in [DEV_ID, STAGING_ID] {
        assert!(!listed.contains(uuid), "a bare uuid in:\n{listed}");
    }
}

/// A batch's undo is one `revert` entry (`reverts: batch`) with its parts under it, written as
/// a batch is (its line, then a part line per write); its own undo re-applies the batch.
#[test]
fn a_batch_revert_is_one_revert_entry_with_parts_and_can_be_undone() {
    let w = World::new();
    w.ok(&["patch", "production", "--set", "description=bulk"]);
    w.ok(&["patch", "dev", "--set", "description=bulk"]);
    // The two patches as one batch entry, as `apply` or a bulk edit writes it.
    let batch = cli_bin::as_one_batch(w.home.path());
    w.revert(&batch);
    let h = w.history();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(
        (h[0]["kind"].as_str(), h[0]["reverts"].as_str()),
        (Some("revert"), Some("batch"))
    );
    assert_eq!(h[0]["of"], batch.as_str());
    assert_eq!(h[0]["parts"].as_array().map(Vec::len), Some(2));
    let lines = std::fs::read_to_string(w.home.path().join("state/orws/history.jsonl")).unwrap();
    assert_eq!(
        lines.lines().count(),
        4,
        "the revert's line, then its parts"
    );
    let listed = w.ok(&["history"]).stdout;
    assert_has(&listed, "2 workspaces");
    let undo = h[0]["id"].as_str().unwrap().to_string();
    w.revert(&undo);
    assert_eq!(w.description("production"), "bulk");
    assert_eq!(w.description("dev"), "bulk");
}
