//! Follow-up hostile tests for issues 9 and 10, found after the safe write core landed. Tests
//! marked `#[ignore = "defect: …"]` fail on today's code; each names the promise it breaks.

use crate::support::cli_bin::{self, Run};
use crate::support::common::{
    assert_has, assert_has_for, assert_lacks, assert_lacks_for, assert_terminal_safe,
};
use crate::support::hostile_http;
use crate::support::{self, tui_loop::Setup};

use hostile_http::{Reply, Request, serve};
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-SECRET-0123456789abcdef";
const UUID: &str = "550e8400-e29b-41d4-a716-446655440000";
const EVIL: &str = "X\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}";

/// Runs the binary against `url` with the test key and a private home.
fn against(url: &str, args: &[&str]) -> Run {
    cli_bin::keyed_at(url, KEY, args)
}

fn workspace(id: &str, slug: &str) -> Value {
    json!({
        "id": id, "name": "Prod", "slug": slug, "description": "d",
        "io_logging_sampling_rate": 1, "updated_at": "2025-08-24T15:45:00Z"
    })
}

/// A server whose workspace carries `id`; a PATCH is applied (and answered), then forgotten.
fn server_with_id(id: &'static str) -> hostile_http::Hostile {
    serve(move |req: &Request, _| hostile_http::patched(workspace(id, "prod"), req))
}

/// Issue 9.1: every write goes to the workspace that was loaded. A server that answers the GET
/// by slug with the id `..` (or `.`) turns `PATCH /workspaces/..` into `PATCH /api/v1/` (the
/// URL parser resolves dot segments), a resource nobody reviewed.
#[test]
fn a_dot_id_from_the_server_never_moves_the_patch() {
    for id in ["..", "."] {
        let server = server_with_id(id);
        let run = against(&server.url, &["patch", "prod", "--set", "description=zz"]);
        for r in server.requests().iter().filter(|r| r.method == "PATCH") {
            assert!(
                r.path.starts_with("/api/v1/workspaces/")
                    && r.path.len() > "/api/v1/workspaces/".len(),
                "id {id:?}: the PATCH went to {}",
                r.path
            );
        }
        assert_ne!(run.code, 0, "id {id:?}: {}", run.stdout);
    }
}

/// Issue 9.7: server text never reaches the terminal raw. The warning for a value stored
/// differently prints the server's value as is.
#[test]
fn the_stored_differently_warning_escapes_server_text() {
    let server = serve(|req: &Request, _| {
        let mut ws = workspace(UUID, "prod");
        if req.method == "PATCH" {
            ws["description"] = Value::from(EVIL);
        }
        Reply::json(200, &json!({ "data": ws }))
    });
    let run = against(
        &server.url,
        &["patch", "prod", "--set", "description=hello"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_terminal_safe(&run.stdout);
    assert_terminal_safe(&run.stderr);
}

/// Issue 9.7: "nothing to change" quotes the server's slug raw.
#[test]
fn nothing_to_change_escapes_the_slug() {
    let server = serve(|_: &Request, _| {
        Reply::json(
            200,
            &json!({ "data": workspace(UUID, &format!("prod{EVIL}")) }),
        )
    });
    let run = against(&server.url, &["patch", UUID, "--set", "description=d"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_terminal_safe(&run.stderr);
}

/// §6 "every write goes only where it was reviewed": below 60×20 the loop shows only "Terminal
/// too small", yet keys still drive the hidden screens, so `Enter`, typing, `Enter`, `s`,
/// `Enter` sends a PATCH nobody saw reviewed (the same blind keys answer the restore and quit
/// questions: `d` deletes a draft the person never saw offered).
#[tokio::test]
async fn no_write_is_sent_from_a_screen_too_small_to_show_the_review() {
    use crossterm::event::KeyCode;

    use std::time::Duration;

    let home = tempfile::tempdir().unwrap();
    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let client = support::client::client(&server);
    let (ui, _task) = Setup::sized(client, Some("production"), 50, 15)
        .state(&home.path().join("state"))
        .spawn();
    ui.wait_for("Terminal too small", Duration::from_secs(10))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !server.requests().iter().any(|r| r.method == "GET") {
        assert!(tokio::time::Instant::now() < deadline, "never loaded");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    ui.key(KeyCode::Enter);
    ui.text(" BLIND");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.key(KeyCode::Enter);
    // A blind submit shows up within milliseconds; give it a generous bounded window.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while tokio::time::Instant::now() < deadline {
        let patches: Vec<_> = server
            .requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect();
        assert!(
            patches.is_empty(),
            "a PATCH was sent while only \"Terminal too small\" was shown: {:?}",
            patches[0].body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Issue 9.6 "cap bodies": each list page is capped at 4 MiB, but nothing caps their sum, so a
/// server that pages ~4 MiB of new workspaces with a huge `total_count` makes `list` (and the
/// picker) hold up to 1000 × 4 MiB: measured 4.3 GB RSS for `orws list` in 55 s. Here the
/// server gives up by itself after 128 MiB; the client should have stopped first.
#[tokio::test]
async fn the_workspace_list_is_capped_in_total_not_only_per_page() {
    use orws::api::{ApiKey, Client, ClientConfig};
    const PAGES_BEFORE_GIVING_UP: usize = 32;
    let server = serve(|req: &Request, index| {
        if index >= PAGES_BEFORE_GIVING_UP {
            return Reply::json(
                500,
                &json!({"error": {"message": "sentinel: the client kept going"}}),
            );
        }
        let offset = req.query_number("offset").unwrap_or(0);
        let filler = "x".repeat(40_000);
        let data: Vec<Value> = (0..100)
            .map(|i| {
                let mut ws = workspace(&format!("id-{}", offset + i), &format!("s{}", offset + i));
                ws["description"] = Value::from(filler.clone());
                ws
            })
            .collect();
        Reply::json(200, &json!({"data": data, "total_count": 1_000_000_000u64}))
    });
    let client = Client::new(ClientConfig::new(server.url.clone(), ApiKey::new(KEY))).unwrap();
    let error = client
        .list()
        .await
        .expect_err("an endless list is an error");
    assert!(
        !error.to_string().contains("sentinel"),
        "the client read {} pages of ~4 MiB without stopping: {error}",
        server.count()
    );
}

/// Issue 9.1: `patch <uuid>` must write to that uuid. The identity check accepts an answer
/// whose *slug* equals what was asked, and a uuid is a valid slug, so a server answering
/// `GET /workspaces/<A>` with workspace B (slug "<A>") gets the PATCH sent to B.
#[test]
fn patch_by_uuid_never_writes_to_another_id() {
    const OTHER: &str = "99999999-9999-4999-8999-999999999999";
    let server = serve(|req: &Request, _| {
        let mut ws = workspace(OTHER, UUID);
        if let Ok(Value::Object(patch)) = serde_json::from_slice::<Value>(&req.body) {
            for (k, v) in patch {
                ws[k] = v;
            }
        }
        Reply::json(200, &json!({ "data": ws }))
    });
    let run = against(&server.url, &["patch", UUID, "--set", "description=zz"]);
    let patches: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path)
        .collect();
    assert!(
        patches.iter().all(|p| p.ends_with(UUID)),
        "asked to patch {UUID}, sent {patches:?}"
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
}

/// Issue 10.2/10.3 "discarded edits never come back": two sessions that died with a draft of
/// one workspace leave two files; the restore question offers the newest, `d` ("discard it
/// (delete the draft)") deletes only that one, and the next open offers the older one. After a
/// restore and a submit the same happens: stale edits come back one at a time.
#[tokio::test]
async fn discarding_the_offered_draft_leaves_no_other_dead_draft_behind() {
    use crossterm::event::KeyCode;

    use orws::state::drafts::{Draft, DraftStore, files};

    use std::time::Duration;

    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let base = server.workspace("production").expect("seeded");
    for (owner, at, name) in [
        ("dead-a", "2026-01-01T00:00:00Z", "Production A"),
        ("dead-b", "2026-01-02T00:00:00Z", "Production B"),
    ] {
        // A store dropped is a process gone: its draft is left over.
        let store = DraftStore::open_as(state.path(), owner).unwrap();
        let mut fields = serde_json::Map::new();
        fields.insert("name".into(), Value::from(name));
        store
            .save(&Draft {
                host: "127.0.0.1".into(),
                workspace_id: UUID.into(),
                saved_at: at.into(),
                base: base.clone(),
                fields,
                unparsed: Default::default(),
                tabs: Default::default(),
            })
            .unwrap();
    }
    assert_eq!(files(state.path(), "127.0.0.1", UUID).len(), 2);

    let client = support::client::client(&server);
    let (ui, task) = Setup::new(client, Some("production"))
        .state(state.path())
        .spawn();
    ui.wait_for("Restore the draft?", Duration::from_secs(10))
        .await;
    ui.key(KeyCode::Char('d'));
    ui.wait_for("Draft discarded", Duration::from_secs(10))
        .await;
    ui.key(KeyCode::Char('q'));
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the loop ends on q")
        .unwrap();
    let left = files(state.path(), "127.0.0.1", UUID);
    assert!(
        left.is_empty(),
        "after `d` (discard it), drafts remain and will be offered next time: {left:?}"
    );
}

/// Issue 9.7: the note about a PATCH answer that lacks fields lists the missing keys raw; a
/// server-chosen key name carries escape codes to stderr.
#[test]
fn the_missing_fields_note_escapes_key_names() {
    let server = serve(|req: &Request, _| {
        let mut ws = workspace(UUID, "prod");
        if req.method == "PATCH" {
            ws["description"] = Value::from("zz");
        } else {
            ws[EVIL] = Value::from(1);
        }
        Reply::json(200, &json!({ "data": ws }))
    });
    let run = against(&server.url, &["patch", "prod", "--set", "description=zz"]);
    assert_has(&run.stderr, "lacked");
    assert_terminal_safe(&run.stderr);
}

/// Issue 9.7: `patch --dry-run` names the server's id raw ("would send PATCH /workspaces/<id>");
/// the id is only required to come with the slug asked for, so it can hold escape codes.
#[test]
fn dry_run_escapes_the_server_id() {
    let server = serve(|_: &Request, _| {
        Reply::json(
            200,
            &json!({ "data": workspace(&format!("id{EVIL}"), "prod") }),
        )
    });
    let run = against(
        &server.url,
        &["patch", "prod", "--set", "description=new", "--dry-run"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_terminal_safe(&run.stderr);
}

/// Issue 10.6 "`u` undoes any change to the form (… restored draft)": a draft restored on a
/// stale base (Conflict screen, then `Esc`) and then undone leaves the server's value marked as
/// a change against the draft's old base; the Review shows "H1 → REMOTE" (the server holds
/// REMOTE) and `Enter` sends a PATCH that changes nothing, recorded in the history.
#[tokio::test]
async fn undoing_a_restored_draft_leaves_no_phantom_change() {
    use crossterm::event::KeyCode;

    use orws::state::drafts::{Draft, DraftStore};

    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(10);

    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut base = server.workspace("production").expect("seeded");
    base["description"] = Value::from("H1");
    server.set_field("production", "description", Value::from("REMOTE"));
    {
        let store = DraftStore::open_as(state.path(), "dead").unwrap();
        let mut fields = serde_json::Map::new();
        fields.insert("description".into(), Value::from("H1MINE"));
        store
            .save(&Draft {
                host: "127.0.0.1".into(),
                workspace_id: UUID.into(),
                saved_at: "2026-01-01T00:00:00Z".into(),
                base,
                fields,
                unparsed: Default::default(),
                tabs: Default::default(),
            })
            .unwrap();
    }
    let client = support::client::client(&server);
    let (ui, _task) = Setup::new(client, Some("production"))
        .state(state.path())
        .spawn();
    ui.wait_for("Restore the draft?", WAIT).await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Conflict", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("BROWSE", WAIT).await;
    ui.key(KeyCode::Char('u'));
    let screen = ui.wait_for("Undid", WAIT).await;
    assert!(
        screen.contains("0 changes"),
        "after undoing the only change, the form still has one:\n{screen}"
    );
}

/// Issue 9.2 "history records a false before": a PATCH the server applied in part before
/// answering 503 is retried (right: the other field still holds the base), but the state read
/// before the retry becomes the "before" of the whole write, so the table, `--output json` and
/// the history say description was already "NEWD": undo can no longer bring "d" back.
#[test]
fn a_retried_write_keeps_the_true_before() {
    use std::sync::Mutex;
    let world = Mutex::new(workspace(UUID, "prod"));
    let server = serve(move |req: &Request, _| {
        let mut ws = world.lock().unwrap();
        if req.method == "PATCH" {
            let patch: Value = serde_json::from_slice(&req.body).unwrap();
            let first = ws["description"] == "d" && ws["name"] == "Prod";
            if first {
                // Applies one field, then fails: a backend that is not atomic.
                ws["description"] = patch["description"].clone();
                return Reply::json(503, &json!({"error": {"message": "partial"}}))
                    .header("Retry-After", "0");
            }
            for (k, v) in patch.as_object().unwrap() {
                ws[k] = v.clone();
            }
        }
        Reply::json(200, &json!({ "data": ws.clone() }))
    });
    let run = against(
        &server.url,
        &[
            "--output",
            "json",
            "patch",
            "prod",
            "--set",
            "description=NEWD",
            "--set",
            "name=NEWN",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        out["before"]["description"], "d",
        "the recorded before is not what the server held before the write: {}",
        out["before"]
    );
}

/// Issue 9.4 "say whether it was applied": a PATCH the server applied in part before answering
/// 500 is re-read; one field holds the value sent, the other the base (`Holds::Base`), and orws
/// says "the change was not applied" though the server's description did change (and writes
/// no history for it, so there is no undo).
#[test]
fn a_partly_applied_write_is_not_called_not_applied() {
    use std::sync::Mutex;
    let world = Mutex::new(workspace(UUID, "prod"));
    let server = serve(move |req: &Request, _| {
        let mut ws = world.lock().unwrap();
        if req.method == "PATCH" {
            let patch: Value = serde_json::from_slice(&req.body).unwrap();
            ws["description"] = patch["description"].clone();
            return Reply::json(500, &json!({"error": {"message": "half done"}}));
        }
        Reply::json(200, &json!({ "data": ws.clone() }))
    });
    let run = against(
        &server.url,
        &[
            "patch",
            "prod",
            "--set",
            "description=NEWD",
            "--set",
            "name=NEWN",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_lacks_for(
        "the server holds description=NEWD, yet",
        &run.stderr,
        "was not applied",
    );
    assert_has(
        &run.stderr,
        "partly applied: description landed, name did not",
    );
    assert_has_for("what landed is shown", &run.stdout, "NEWD");
}

/// Issue 10.6 "a config that binds one key to two actions of one screen is refused, naming
/// both": only the configurable actions are compared, so `edit = ["g"]` silently takes `g`
/// from "first field" (the help then lists `g` twice) and `quit = ["ctrl-z"]` is accepted but
/// dead (Ctrl-Z still suspends; the help says "Ctrl-Z quit").
#[test]
fn binding_a_fixed_key_is_refused() {
    for binding in [
        r#"edit = ["g"]"#,
        r#"quit = ["ctrl-z"]"#,
        r#"review = ["G"]"#,
    ] {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("config").join("orws");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), format!("[keys]\n{binding}\n")).unwrap();
        let out = cli_bin::bare(home.path(), &["config", "show"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{binding} was accepted: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 10.11 "`--demo` keeps nothing": its drafts live in a temporary directory removed on
/// quit, so the quit question must not promise to keep the draft.
#[tokio::test]
async fn the_demo_quit_question_promises_no_draft() {
    use crossterm::event::KeyCode;

    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(10);

    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let client = support::client::client(&server);
    let mut setup = Setup::new(client, Some("production")).state(state.path());
    setup.app.demo = true;
    let (ui, _task) = setup.spawn();
    ui.wait_for("BROWSE", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" edited");
    ui.key(KeyCode::Enter);
    ui.wait_for("1 change", WAIT).await;
    ui.key(KeyCode::Char('q'));
    let screen = ui.wait_for("Quit?", WAIT).await;
    assert_lacks(&screen, "keep the draft");
    assert_has(&screen, "keeps no draft");
}

/// Issue 9.1 for reads: `get UUID` answered with another workspace (whose slug is that uuid)
/// is refused, not shown as if it were the one asked for.
#[test]
fn get_by_uuid_refuses_an_answer_about_another_id() {
    const OTHER: &str = "99999999-9999-4999-8999-999999999999";
    let server =
        serve(|_: &Request, _| Reply::json(200, &json!({ "data": workspace(OTHER, UUID) })));
    let run = against(&server.url, &["get", UUID]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_has(&run.stderr, OTHER);
    assert_eq!(run.stdout, "");
    // By slug, an answer with that slug is the one asked for.
    let server =
        serve(|_: &Request, _| Reply::json(200, &json!({ "data": workspace(OTHER, "prod") })));
    assert_eq!(against(&server.url, &["get", "prod"]).code, 0);
}
