//! The smaller defects of issue 18 (item 11), each a promise of product.md or the README that
//! the code as merged broke: a revert that sent a tampered history entry past the field rules,
//! or two parts for one workspace at once, and had no `--dry-run`; a symlinked state directory
//! that turned off the history with exit 0; a paging guard that named the wrong list; and
//! `members remove` reading every key of the organisation first.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_has_for};

use cli_bin::*;
use orws::fake::FakeServer;
use serde_json::{Value, json};
use std::path::Path;

/// Runs orws against `server` with `home` as its home (so runs share a history).
/// `orws export ID --format json -o FILE`, which must succeed.
fn export_json(home: &Path, server: &FakeServer, id: &str, file: &Path) {
    let r = orws_at(
        home,
        server,
        &[
            "export",
            id,
            "--format",
            "json",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "export {id}: {}", r.stderr);
}

fn write_history(home: &Path, lines: &[Value]) {
    let dir = home.join("state/orws");
    std::fs::create_dir_all(&dir).unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("history.jsonl"), text).unwrap();
}

/// A patch entry of one `field` from `before` to `after`.
fn patch_entry(
    id: &str,
    workspace: &str,
    field: &str,
    before: impl Into<Value>,
    after: impl Into<Value>,
) -> Value {
    let before = json!({ field: before.into() });
    let after = json!({ field: after.into() });
    let patch = after.clone();
    json!({"id": id, "kind": "patch", "time": "2026-01-01T00:00:00Z", "host": "127.0.0.1",
        "workspace_id": workspace, "patch": patch, "before": before, "after": after})
}

fn batch_entry(id: &str, parts: Vec<Value>) -> Value {
    json!({"id": id, "kind": "batch", "time": "2026-01-01T00:00:00Z", "host": "127.0.0.1",
        "workspace_id": "", "patch": {}, "before": {}, "after": {}, "parts": parts})
}

/// A history line is a file a person (or anything else) may have edited: its `before` is what
/// a revert sends, so it meets the same field rules as `patch` and `apply`. Before, a slug of
/// "Bad_Slug" was sent as it stood (and a batch part's too).
#[test]
fn a_revert_whose_values_break_a_field_rule_is_refused_before_any_request() {
    let (server, home) = fake_and_home();
    let h = home.path();
    let bad = patch_entry("e-bad", PROD_ID, "slug", "Bad_Slug", "production");
    let part = patch_entry("", PROD_ID, "slug", "Bad_Slug", "production");
    write_history(h, &[bad, batch_entry("e-batch", vec![part])]);
    for id in ["e-bad", "e-batch"] {
        for dry in [false, true] {
            let mut args = vec!["revert", id, "--yes"];
            if dry {
                args.push("--dry-run");
            }
            let r = orws_at(h, &server, &args);
            assert_eq!(r.code, 2, "{id}: {}", r.stderr);
            assert_has_for(id, &r.stderr, "slug has an uppercase letter");
            assert_has_for(id, &r.stderr, "nothing was sent");
        }
    }
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
    assert_eq!(server.workspace(PROD_ID).unwrap()["slug"], "production");
}

/// Two parts of one batch naming one workspace were both sent at once: each passed its check
/// before the other landed, both said "applied", and one overwrote the other. `apply` refuses
/// a plan naming a workspace twice; so does a revert (exit 2, nothing sent), in any case of
/// the uuid.
#[test]
fn a_batch_revert_naming_one_workspace_twice_is_refused() {
    let (server, home) = fake_and_home();
    let h = home.path();
    let one = patch_entry("", PROD_ID, "name", "Prod A", "Production");
    let two = patch_entry("", &PROD_ID.to_uppercase(), "description", "B", Value::Null);
    write_history(h, &[batch_entry("e-twice", vec![one, two])]);
    let r = orws_at(h, &server, &["revert", "e-twice", "--yes"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_has(&r.stderr, "appears twice");
    assert_has(&r.stderr, PROD_ID);
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
}

/// `revert --dry-run` prints the requests (method, path, body; `--output json` as the other
/// writes print theirs) and sends nothing but reads, for a patch, a batch and a members change;
/// it needs no `--yes` and works under `--read-only`. Before, there was no such flag (exit 2).
#[test]
fn revert_dry_run_prints_the_requests_and_sends_nothing() {
    let (server, home) = fake_and_home();
    let h = home.path();
    ok_at(h, &server, &["patch", PROD_ID, "--set", "name=Prod 2"]);
    let dir = h.join("plan");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ws.json");
    export_json(h, &server, STAGING_ID, &file);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"Staging\"", "\"Staging 2\"");
    std::fs::write(&file, text).unwrap();
    ok_at(h, &server, &["apply", file.to_str().unwrap(), "--yes"]);
    let ids = history_ids(h, &server);
    let (batch, patch) = (&ids[0], &ids[1]);
    let sent = writes(&server).len();

    let r = ok_at(h, &server, &["revert", patch, "--dry-run"]);
    // The one review language first (issue 18 item 9): FIELD | BEFORE | AFTER.
    let table: Vec<Vec<&str>> = r
        .stderr
        .lines()
        .map(|l| l.split_whitespace().skip(1).collect())
        .collect();
    assert!(
        table.iter().any(|l| l[..] == ["FIELD", "BEFORE", "AFTER"]),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("name") && l.contains("Prod 2") && l.contains("Production")),
        "{}",
        r.stderr
    );
    assert_has(&r.stdout, &format!("PATCH /workspaces/{PROD_ID}"));
    assert_has(&r.stdout, "\"name\": \"Production\"");
    assert_has(&r.stderr, "dry run: nothing was sent");

    let r = orws_at(
        h,
        &server,
        &[
            "--read-only",
            "--output",
            "json",
            "revert",
            batch,
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        shown,
        json!({"dry_run": true, "requests": [{"method": "PATCH",
            "path": format!("/workspaces/{STAGING_ID}"), "body": {"name": "Staging"}}]})
    );

    assert_eq!(writes(&server).len(), sent, "a dry run sends nothing");
    assert_eq!(server.workspace(PROD_ID).unwrap()["name"], "Prod 2");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "Staging 2");
    assert_eq!(
        history_ids(h, &server).len(),
        2,
        "a dry run records nothing"
    );

    // An admin write's undo is printed by the command that sends it.
    let user = "user_2dHFtVWx2n56w6HkM0000000001";
    ok_at(h, &server, &["members", "remove", "dev", user, "--yes"]);
    let sent = writes(&server).len();
    let members = &history_ids(h, &server)[0];
    let r = orws_at(
        h,
        &server,
        &["--output", "json", "revert", members, "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        shown["requests"],
        json!([{"method": "POST", "path": format!("/workspaces/{DEV_ID}/members/add"),
            "body": {"user_ids": [user]}}])
    );
    assert_eq!(writes(&server).len(), sent, "a dry run sends nothing");
}

/// `$XDG_STATE_HOME/orws` as a symbolic link: orws writes nothing through it, so a write's
/// history cannot be recorded. The README's exit codes say orws's own files failing is exit 1;
/// the write was made before the history failed, so it stands and is said to stand. Before, a
/// warning and exit 0: a script saw success and the write could never be reverted.
#[cfg(unix)]
#[test]
fn a_write_whose_history_cannot_be_recorded_stands_and_exits_1() {
    let (server, home) = fake_and_home();
    let h = home.path();
    let elsewhere = h.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(h.join("state")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, h.join("state/orws")).unwrap();
    for args in [
        &["patch", PROD_ID, "--set", "name=Prod 2"][..],
        &["keys", "disable", STAGING_KEY],
        &[
            "--output",
            "json",
            "patch",
            STAGING_ID,
            "--set",
            "name=Staging 2",
        ],
    ] {
        let r = orws_at(h, &server, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_has_for(format_args!("{args:?}"), &r.stderr, "symbolic link");
        assert_has_for(format_args!("{args:?}"), &r.stderr, "stands");
        assert_has_for(format_args!("{args:?}"), &r.stderr, "orws revert");
        // The result is still printed: the write happened.
        assert!(!r.stdout.is_empty(), "{args:?}: {}", r.stderr);
    }
    assert_eq!(server.workspace(PROD_ID).unwrap()["name"], "Prod 2");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "Staging 2");
    // A batch (`apply`) too: its lines are written as it goes, and none could be.
    let file = h.join("ws.json");
    export_json(h, &server, DEV_ID, &file);
    let mut entries: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    entries["workspaces"][DEV_ID]["name"] = json!("Dev 2");
    std::fs::write(&file, entries.to_string()).unwrap();
    let r = orws_at(h, &server, &["apply", file.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_has(&r.stderr, "stands");
    assert_has(&r.stdout, "applied");
    assert_eq!(server.workspace(DEV_ID).unwrap()["name"], "Dev 2");
    let left: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing written through the link: {left:?}"
    );
}

/// A `drafts` directory that is a symbolic link: the draft store refuses it, and creates
/// nothing through it. Before, `drafts/.owners/` (and a lock file in it) was made in the
/// link's target before the link was noticed.
#[cfg(unix)]
#[test]
fn a_symlinked_drafts_directory_gets_nothing_created_through_it() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("state");
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, state.join("drafts")).unwrap();
    let e = orws::state::drafts::DraftStore::open_as(&state, "me").unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    let left: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing created through the link: {left:?}"
    );
}

/// The key reads `members remove` makes: `(scoped to a workspace, unscoped)`.
fn key_reads(server: &FakeServer) -> (usize, usize) {
    let reads: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/v1/keys"))
        .map(|r| r.path)
        .collect();
    let scoped = reads.iter().filter(|p| p.contains("workspace_id=")).count();
    (scoped, reads.len() - scoped)
}

/// `members remove` read `GET /keys` without `workspace_id` first, every time: the default
/// workspace's keys, all pages, for the check that the workspace is not the default one. The
/// API has no "is default" flag, so that unscoped read is the only way to tell; but it can tell
/// only about a workspace that holds keys (a default workspace with none lists none), and only
/// matters when someone is to be removed. Now: no key read at all when nobody named is a member,
/// only the workspace's own keys when it holds none, and the default workspace still refused.
#[test]
fn members_remove_reads_only_the_keys_it_needs() {
    let dev_member = "user_2dHFtVWx2n56w6HkM0000000001";
    let server = fake();
    let r = at(&server, &["members", "remove", "dev", "user_typo", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(key_reads(&server), (0, 0), "nobody to remove, no key read");

    let r = at(&server, &["members", "remove", "dev", dev_member, "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        key_reads(&server),
        (1, 0),
        "dev holds no keys: only its own list"
    );
    assert_eq!(writes(&server).len(), 1);

    // The default workspace is still refused before anything is sent (R7).
    let r = at(
        &server,
        &["members", "remove", "default", "user_abc123", "--yes"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_has(&r.stderr, "default workspace");
    assert_eq!(writes(&server).len(), 1);
}
