//! `orws history` and `orws revert` (product.md §6, §11) against a damaged history file and a
//! careless person: each test here failed on the code as first merged, and names the promise
//! it broke.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_has_for};

use cli_bin::*;
use serde_json::{Value, json};

/// Runs orws against `server` with `home` as its home (so runs share a history).
/// A line of bytes that are not UTF-8 (a disk error, a binary pasted in) is skipped like any
/// other unreadable line: the rest of the history still lists.
#[test]
fn a_history_line_that_is_not_utf8_hides_only_itself() {
    let (server, home) = fake_and_home();
    let host = "127.0.0.1";
    let good = json!({"id": "e-good", "kind": "patch", "time": "2026-01-01T00:00:00Z",
        "host": host, "workspace_id": PROD_ID, "patch": {"name": "B"},
        "before": {"name": "A"}, "after": {"name": "B"}});
    let dir = home.path().join("state/orws");
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = format!("{good}\n").into_bytes();
    bytes.extend_from_slice(b"{\"id\": \"\xff\xfe garbage\n");
    std::fs::write(dir.join("history.jsonl"), bytes).unwrap();
    assert_eq!(
        history_ids(home.path(), &server),
        vec!["e-good".to_string()]
    );
}

/// Unreadable lines were skipped in silence: a history with a cut or edited line looked
/// complete. They are still skipped, and said on stderr.
#[test]
fn unreadable_history_lines_are_said() {
    let (server, home) = fake_and_home();
    let good = json!({"id": "e-good", "kind": "patch", "time": "2026-01-01T00:00:00Z",
        "host": "127.0.0.1", "workspace_id": PROD_ID, "patch": {"name": "B"},
        "before": {"name": "A"}, "after": {"name": "B"}});
    let dir = home.path().join("state/orws");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("history.jsonl"),
        format!("{good}\nnot a history line\n\n"),
    )
    .unwrap();
    let r = orws_at(home.path(), &server, &["history"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_has(&r.stderr, "1 history line could not be read");
    assert_has(&r.stdout, "e-good");
    std::fs::write(dir.join("history.jsonl"), format!("{good}\n{{\"cut\n[]\n")).unwrap();
    let r = orws_at(home.path(), &server, &["history"]);
    assert_has(&r.stderr, "2 history lines could not be read");
}

/// A batch is written as it goes (product.md §15 "Batch history lines"): its line, then one
/// line per part naming it. Readers put the parts under their batch (they were listed as
/// entries of their own), a batch with no part is "nothing landed", the older one-line form
/// with `parts` is still read, and `--output json` prints each batch with its `parts`.
#[test]
fn batch_parts_written_line_by_line_are_read_under_their_batch() {
    let (server, home) = fake_and_home();
    let host = "127.0.0.1";
    let part = |id: &str, ws: &str, batch: Option<&str>| {
        let mut p = json!({"id": id, "kind": "patch", "time": "2026-01-01T00:00:01Z",
            "host": host, "workspace_id": ws, "patch": {"description": "new"},
            "before": {"description": "old"}, "after": {"description": "new"}});
        if let Some(b) = batch {
            p["batch"] = json!(b);
        }
        p
    };
    let head = |id: &str| {
        json!({"id": id, "kind": "batch", "time": "2026-01-01T00:00:00Z", "host": host,
            "workspace_id": "", "patch": {}, "before": {}, "after": {}})
    };
    let mut old = head("b-old");
    old["parts"] = json!([part("o1", PROD_ID, None), part("o2", STAGING_ID, None)]);
    let lines = [
        old,
        head("b-new"),
        part("n1", PROD_ID, Some("b-new")),
        head("b-empty"),
        part("n2", DEV_ID, Some("b-new")),
    ];
    let dir = home.path().join("state/orws");
    std::fs::create_dir_all(&dir).unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("history.jsonl"), text).unwrap();

    let r = orws_at(home.path(), &server, &["--output", "json", "history"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list: Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<(&str, usize)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap(),
                e["parts"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(got, [("b-empty", 0), ("b-new", 2), ("b-old", 2)]);
    assert_eq!(list[1]["parts"][1]["workspace_id"], DEV_ID);

    let r = orws_at(home.path(), &server, &["history"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let empty = r.stdout.lines().find(|l| l.starts_with("b-empty")).unwrap();
    assert!(empty.contains("nothing landed"), "{}", r.stdout);
    let new = r.stdout.lines().find(|l| l.starts_with("b-new")).unwrap();
    assert!(new.contains("2 workspaces"), "{}", r.stdout);

    // The history of one workspace finds the batch through its part line.
    let r = orws_at(
        home.path(),
        &server,
        &["--output", "json", "history", DEV_ID],
    );
    let list: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], "b-new");

    // Undoing the new form's batch undoes both of its parts.
    for id in [PROD_ID, DEV_ID] {
        assert!(server.set_field(id, "description", json!("new")));
    }
    let r = orws_at(home.path(), &server, &["revert", "b-new", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for id in [PROD_ID, DEV_ID] {
        assert_eq!(server.workspace(id).unwrap()["description"], "old");
    }
    let r = orws_at(home.path(), &server, &["revert", "b-empty", "--yes"]);
    assert_ne!(r.code, 0);
    assert_has(&r.stderr, "nothing landed");
}

/// Reverting the same entry twice: the second finds the server already holding the old values
/// and sends nothing (no PATCH, no second entry), for a single patch and for a batch.
#[test]
fn reverting_an_entry_twice_sends_nothing_the_second_time() {
    let (server, home) = fake_and_home();
    let h = home.path();
    ok_at(h, &server, &["patch", PROD_ID, "--set", "name=Prod 2"]);
    let file = written(
        h,
        "ws.toml",
        format!("[workspaces.\"{STAGING_ID}\"]\nname = \"Stag 2\"\n"),
    );
    ok_at(h, &server, &["apply", file.to_str().unwrap(), "--yes"]);
    let ids = history_ids(h, &server);
    assert_eq!(ids.len(), 2);
    for id in &ids {
        ok_at(h, &server, &["revert", id, "--yes"]);
    }
    assert_eq!(server.workspace(PROD_ID).unwrap()["name"], "Production");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "Staging");
    let sent = writes(&server).len();
    assert_eq!(sent, 4, "two changes, two reverts");
    for id in &ids {
        let r = ok_at(h, &server, &["revert", id, "--yes"]);
        assert_has(&r.stderr, "nothing to change");
    }
    assert_eq!(
        writes(&server).len(),
        sent,
        "the second revert sent a PATCH"
    );
    assert_eq!(
        history_ids(h, &server).len(),
        4,
        "the second revert wrote an entry"
    );
}

/// The History screen's `u` opens the entry's workspace by its id, and the picker opens a
/// workspace by the id the server listed: when that fails, the panel's title named the id
/// with its bidi override raw (the body and every list drop such characters).
#[test]
fn could_not_open_names_the_workspace_with_its_controls_made_visible() {
    use orws::tui::app::{App, Msg};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let id = "w\u{1b}[2J\u{202e}x";
    let (mut app, _) = App::new("openrouter.ai", Some(id.to_string()));
    app.update(Msg::WorkspaceLoaded {
        target: id.to_string(),
        result: Err(orws::api::ApiError::NotFound {
            what: id.to_string(),
        }),
    });
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| orws::tui::view::draw(f, &app, &orws::tui::theme::Theme::new(false)))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
    assert_has(&text, "Could not open");
    let bad: Vec<char> = text.chars().filter(|c| orws::text::is_unsafe(*c)).collect();
    assert!(bad.is_empty(), "raw {bad:?} on screen");
}

/// Ctrl-C while `orws revert` undoes a batch: the writes that landed before it must be in the
/// history (else they can never be undone from it), and the exit says not all were done. It
/// killed orws at once, leaving landed writes unrecorded.
#[test]
fn ctrl_c_during_a_batch_revert_records_what_landed() {
    use std::time::{Duration, Instant};
    let server = cli_bin::fake_with(orws::fake::FakeConfig {
        latency: Duration::from_millis(150),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let all = server.workspaces();
    let ids: Vec<String> = all
        .iter()
        .take(6)
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect();
    let file = h.join("ws.toml");
    let text: String = ids
        .iter()
        .map(|id| format!("[workspaces.\"{id}\"]\nname = \"renamed\"\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    ok_at(h, &server, &["apply", file.to_str().unwrap(), "--yes"]);
    let batch = history_ids(h, &server).remove(0);

    let mut child = cli_bin::spawn_at(
        h,
        &server.url(),
        &[
            "--output",
            "json",
            "--concurrency",
            "1",
            "revert",
            &batch,
            "--yes",
        ],
    );
    let lines = cli_bin::stderr_lines(&mut child);
    // Ctrl-C once the first write is done.
    let deadline = Instant::now() + DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).expect("progress on stderr");
        if line.contains("1/6") {
            break;
        }
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let results: Value = serde_json::from_str(&stdout).unwrap();
    // Each workspace's status as `orws apply --output json` names it.
    let statuses: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"not started"), "{statuses:?}");
    let undone = ids
        .iter()
        .filter(|id| server.workspace(id).unwrap()["name"] != "renamed")
        .count();
    assert!(
        (1..6).contains(&undone),
        "{undone} undone: the stop came too late"
    );
    assert_eq!(status.code(), Some(130), "stopped by Ctrl-C: {status:?}");
    let r = orws_at(h, &server, &["--output", "json", "history"]);
    let list: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "the revert's entry is missing"
    );
    assert_eq!(list[0]["parts"].as_array().unwrap().len(), undone);
}

/// A history line (edited by hand, or written by something else) whose patch names `id`, a
/// read-only or an unknown field: the revert sent a PATCH with that field in its body
/// (product.md §3: never `id`, only editable fields). Refused before any request.
#[test]
fn a_history_entry_naming_a_field_that_is_not_editable_is_never_sent() {
    let (server, home) = fake_and_home();
    let dir = home.path().join("state/orws");
    std::fs::create_dir_all(&dir).unwrap();
    let entry = |id: &str, field: &str| {
        json!({"id": id, "kind": "patch", "time": "2026-01-01T00:00:00Z", "host": "127.0.0.1",
            "workspace_id": PROD_ID, "patch": {field: "y"}, "before": {field: "y"},
            "after": {field: PROD_ID}})
        .to_string()
    };
    let batch = json!({"id": "e-batch", "kind": "batch", "time": "2026-01-01T00:00:00Z",
        "host": "127.0.0.1", "workspace_id": "", "patch": {}, "before": {}, "after": {},
        "parts": [serde_json::from_str::<Value>(&entry("", "created_at")).unwrap()]});
    std::fs::write(
        dir.join("history.jsonl"),
        format!(
            "{}\n{}\n{batch}\n",
            entry("e-id", "id"),
            entry("e-odd", "x\u{1b}[2J")
        ),
    )
    .unwrap();
    for id in ["e-id", "e-odd", "e-batch"] {
        let r = orws_at(home.path(), &server, &["revert", id, "--yes"]);
        assert_eq!(r.code, 2, "{id}: {}", r.stderr);
        assert_has_for(id, &r.stderr, "not an editable field");
        assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
    }
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
}
