//! `orws history` and `orws revert` of the real binary against the in-process fake: the list
//! (newest first, ids, kinds, JSON, the workspace filter) and undoing entries through the safe
//! writes (restored, refused on a later change, unknown ids, deletes, members).

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_lacks};

use cli_bin::{DEV_ID, Out as Run, PROD_ID, fake, writes};
use orws::fake::FakeServer;
use serde_json::Value;
use std::path::Path;

/// orws against `server` with the state kept in `home` across runs (stdin not a terminal).
fn run(home: &Path, server: &FakeServer, args: &[&str]) -> Run {
    cli_bin::orws_at(home, server.url(), args)
}

fn history_json(home: &Path, server: &FakeServer, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--output", "json", "history"];
    all.extend_from_slice(args);
    let r = run(home, server, &all);
    assert_eq!(r.code, 0, "{r:?}");
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn get(home: &Path, server: &FakeServer, ws: &str) -> Value {
    let r = run(home, server, &["--output", "json", "get", ws]);
    assert_eq!(r.code, 0, "{r:?}");
    serde_json::from_str(&r.stdout).unwrap()
}

fn patch(home: &Path, server: &FakeServer, ws: &str, set: &str) {
    let r = run(home, server, &["patch", ws, "--set", set]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn history_lists_writes_newest_first_with_id_and_kind() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=first");
    patch(home.path(), &server, "dev", "description=second");
    let r = run(home.path(), &server, &["history"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("ID"), "{}", r.stdout);
    assert!(
        lines[1].contains("patch") && lines[1].contains("\"second\""),
        "{}",
        r.stdout
    );
    assert!(lines[2].contains("\"first\""), "{}", r.stdout);
    let json = history_json(home.path(), &server, &[]);
    let short = &json[0]["id"].as_str().unwrap()[..8];
    assert!(lines[1].starts_with(short), "{}", r.stdout);
}

#[test]
fn history_json_has_the_stable_fields() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "name=Prod 2");
    let json = history_json(home.path(), &server, &[]);
    assert_eq!(json.len(), 1);
    let e = &json[0];
    for field in [
        "id",
        "kind",
        "time",
        "host",
        "workspace_id",
        "workspace",
        "summary",
        "patch",
        "before",
        "after",
    ] {
        assert!(e.get(field).is_some(), "{field} missing in {e}");
    }
    assert_eq!(e["kind"], "patch");
    assert_eq!(e["workspace_id"], PROD_ID);
    assert_eq!(e["before"]["name"], "Production");
    assert_eq!(e["after"]["name"], "Prod 2");
    assert_eq!(e["summary"], "name: \"Production\" → \"Prod 2\"");
}

#[test]
fn history_filters_by_uuid_offline_and_by_slug() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=p");
    patch(home.path(), &server, "dev", "description=d");
    let by_id = history_json(home.path(), &server, &[DEV_ID]);
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0]["workspace_id"], DEV_ID);
    let by_slug = history_json(home.path(), &server, &["production"]);
    assert_eq!(by_slug.len(), 1);
    assert_eq!(by_slug[0]["workspace_id"], PROD_ID);
}

#[test]
fn history_shows_only_this_hosts_entries() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=p");
    let path = home.path().join("state/orws/history.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}{}", text.replace("127.0.0.1", "elsewhere.example")),
    )
    .unwrap();
    assert_eq!(history_json(home.path(), &server, &[]).len(), 1);
}

#[test]
fn revert_of_a_patch_restores_the_value_and_records_itself() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=changed");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A unique prefix is enough, like git.
    let r = run(home.path(), &server, &["revert", &id[..8], "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        get(home.path(), &server, "production")["description"],
        "Production environment workspace"
    );
    let h = history_json(home.path(), &server, &[]);
    assert_eq!(h.len(), 2, "the revert has its own entry");
    assert_eq!(
        h[0]["after"]["description"],
        "Production environment workspace"
    );
}

#[test]
fn revert_after_a_later_change_is_a_conflict_and_overwrites_nothing() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=first");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    patch(home.path(), &server, "production", "description=later");
    let before = writes(&server).len();
    let r = run(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "description is now \"later\"");
    assert_eq!(writes(&server).len(), before, "nothing was sent");
    assert_eq!(
        get(home.path(), &server, "production")["description"],
        "later"
    );
}

#[test]
fn revert_of_an_unknown_id_is_exit_2_saying_so() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=x");
    let r = run(home.path(), &server, &["revert", "no-such-id", "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "no history entry 'no-such-id'");
}

#[test]
fn revert_without_a_terminal_needs_yes() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    patch(home.path(), &server, "production", "description=x");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = writes(&server).len();
    let r = run(home.path(), &server, &["revert", &id]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--yes");
    assert_eq!(writes(&server).len(), before);
}

#[test]
fn revert_of_a_delete_is_refused_clearly() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    let r = run(
        home.path(),
        &server,
        &[
            "create",
            "--set",
            "name=Gone soon",
            "--set",
            "slug=gone-soon",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(home.path(), &server, &["delete", "gone-soon", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let h = history_json(home.path(), &server, &[]);
    assert_eq!(h[0]["kind"], "delete");
    let before = writes(&server).len();
    let r = run(
        home.path(),
        &server,
        &["revert", h[0]["id"].as_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "cannot be recreated with its id");
    assert_has(
        &r.stderr,
        "orws create --set name='Gone soon' --set slug=gone-soon",
    );
    assert_eq!(writes(&server).len(), before);
}

#[test]
fn revert_of_a_create_deletes_it_after_the_same_confirmation() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    let r = run(
        home.path(),
        &server,
        &["create", "--set", "name=Brief", "--set", "slug=brief"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = run(home.path(), &server, &["revert", &id]);
    assert_eq!(
        r.code, 2,
        "without a terminal the delete needs --yes: {r:?}"
    );
    let r = run(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(home.path(), &server, &["get", "brief"]);
    assert_ne!(r.code, 0, "the workspace is gone: {r:?}");
    // The delete is recorded as the create's undo, with a delete's fields.
    let h = history_json(home.path(), &server, &[]);
    assert_eq!(
        (h[0]["kind"].as_str(), h[0]["reverts"].as_str()),
        (Some("revert"), Some("create"))
    );
    assert_eq!(h[0]["of"], id.as_str());
    assert_eq!(h[0]["before"]["slug"], "brief");
}

#[test]
fn revert_of_a_members_add_removes_them() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    let user = "user_2dHFtVWx2n56w6HkM0000000003";
    let r = run(home.path(), &server, &["members", "add", "dev", user]);
    assert_eq!(r.code, 0, "{r:?}");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = run(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let last = writes(&server).pop().unwrap();
    assert_eq!(
        last.path,
        format!("/api/v1/workspaces/{DEV_ID}/members/remove")
    );
    let r = run(
        home.path(),
        &server,
        &["--output", "json", "members", "list", "dev"],
    );
    assert_lacks(&r.stdout, user);
    let h = history_json(home.path(), &server, &[]);
    // Recorded as the undo of the add, with the requests sent, as the TUI records them.
    assert_eq!(h[0]["kind"].as_str(), Some("revert"));
    assert_eq!(h[0]["reverts"].as_str(), Some("members"));
    assert!(
        h[0]["patch"]["requests"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/members/remove")),
        "{}",
        h[0]
    );
}

#[test]
fn revert_of_a_key_disable_enables_it_again() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    let hash = cli_bin::STAGING_KEY;
    let r = run(home.path(), &server, &["keys", "disable", hash]);
    assert_eq!(r.code, 0, "{r:?}");
    let id = history_json(home.path(), &server, &[])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = run(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let last = writes(&server).pop().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&last.body).unwrap()["disabled"],
        false
    );
}

/// Two patches made into one batch entry, as a bulk edit or `apply` writes it.
fn batch_of_two(home: &Path, server: &FakeServer) -> String {
    patch(home, server, "production", "description=bulk");
    patch(home, server, "dev", "description=bulk");
    cli_bin::as_one_batch(home)
}

#[test]
fn history_shows_a_batch_as_n_workspaces_and_filters_by_its_parts() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    batch_of_two(home.path(), &server);
    let r = run(home.path(), &server, &["history"]);
    assert_has(&r.stdout, "batch");
    assert_has(&r.stdout, "2 workspaces");
    assert_eq!(history_json(home.path(), &server, &[DEV_ID]).len(), 1);
}

#[test]
fn revert_of_a_batch_undoes_each_part_and_keeps_a_later_change() {
    let (server, home) = (fake(), tempfile::tempdir().unwrap());
    let id = batch_of_two(home.path(), &server);
    patch(home.path(), &server, "dev", "description=later");
    let r = run(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 3, "one part met a later change: {r:?}");
    assert_eq!(
        get(home.path(), &server, "production")["description"],
        "Production environment workspace"
    );
    assert_eq!(get(home.path(), &server, "dev")["description"], "later");
    let h = history_json(home.path(), &server, &[]);
    assert_eq!(h[0]["kind"], "revert", "what landed is one revert entry");
    assert_eq!(h[0]["reverts"], "batch");
    assert_eq!(h[0]["parts"].as_array().unwrap().len(), 1);
}
