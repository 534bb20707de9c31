//! Safe submit and nothing lost, at the app-loop level: drafts, history, revert, and every
//! fault of the API shown as one line with the edit intact. Real HTTP to the fake on loopback;
//! drafts and history in a temp dir.

use crate::support;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::sent::Sent;
use crate::support::tui_loop::{Setup, WAIT, fake};
use crossterm::event::KeyCode;
use orws::api::Client;
use orws::fake::{FakeServer, Fault};
use orws::state::{drafts, history};
use orws::tui::app::App;
use orws::tui::test_host::TestDriver;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";

fn client_with_timeout(server: &FakeServer, timeout: Duration) -> Client {
    let mut config = support::client::config(server);
    config.timeout = timeout;
    support::client::built(config)
}

fn client(server: &FakeServer) -> Client {
    client_with_timeout(server, Duration::from_secs(5))
}

fn start(client: Client, state: &Path) -> (TestDriver, tokio::task::JoinHandle<App>) {
    Setup::new(client, Some("production")).state(state).spawn()
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The draft files of production, whoever wrote them.
fn draft_files(state: &Path) -> Vec<PathBuf> {
    drafts::files(state, "127.0.0.1", PROD)
}

/// The text of every draft of production, one string.
fn draft_text(state: &Path) -> String {
    draft_files(state)
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Opens production, appends `suffix` to the name, and leaves edit mode.
async fn edit_name(ui: &TestDriver, suffix: &str) {
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(suffix);
    ui.key(KeyCode::Enter);
}

async fn submit(ui: &TestDriver) {
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
}

#[tokio::test]
async fn a_draft_is_written_as_you_type_and_removed_by_a_submit() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = start(client(&server), state.path());
    edit_name(&ui, " draft").await;
    wait_until("the draft file", || {
        draft_text(state.path()).contains("Production draft")
    })
    .await;
    submit(&ui).await;
    ui.wait_for("✓ applied", WAIT).await;
    wait_until("the draft to go", || draft_files(state.path()).is_empty()).await;
}

#[tokio::test]
async fn reopening_offers_the_draft_and_y_restores_it() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    edit_name(&ui, " kept").await;
    wait_until("the draft file", || {
        draft_text(state.path()).contains("Production kept")
    })
    .await;
    // Quit keeping the draft.
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('y'));
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(
        draft_text(state.path()).contains("Production kept"),
        "y keeps the draft"
    );

    let (ui, task) = start(client(&server), state.path());
    ui.wait_for("Restore", WAIT).await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Production kept", WAIT).await;
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('y'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert_eq!(
        app.form.unwrap().patch().to_body_string(),
        r#"{"name":"Production kept"}"#
    );
    // The restored draft now lives in the second run's own file: one draft, not two.
    assert_eq!(draft_files(state.path()).len(), 1);
}

#[tokio::test]
async fn n_discards_the_draft() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let path = drafts::draft_path(state.path(), "127.0.0.1", PROD);
    drafts::save(
        state.path(),
        &drafts::Draft {
            host: "127.0.0.1".into(),
            workspace_id: PROD.into(),
            saved_at: "2026-11-28T10:00:00Z".into(),
            base: server.workspace("production").unwrap(),
            fields: json!({"name": "From yesterday"})
                .as_object()
                .unwrap()
                .clone(),
            unparsed: Default::default(),
            tabs: Default::default(),
        },
    )
    .unwrap();
    let (ui, task) = start(client(&server), state.path());
    ui.wait_for("Restore", WAIT).await;
    ui.key(KeyCode::Char('d'));
    wait_until("the draft to go", || !path.exists()).await;
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert_eq!(app.form.unwrap().modified_count(), 0);
}

#[tokio::test]
async fn a_restored_draft_whose_base_changed_on_the_server_goes_through_the_conflict_check() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let base = server.workspace("production").unwrap();
    drafts::save(
        state.path(),
        &drafts::Draft {
            host: "127.0.0.1".into(),
            workspace_id: PROD.into(),
            saved_at: "2026-11-28T10:00:00Z".into(),
            base,
            fields: json!({"name": "Mine", "description": "my text"})
                .as_object()
                .unwrap()
                .clone(),
            unparsed: Default::default(),
            tabs: Default::default(),
        },
    )
    .unwrap();
    assert!(server.set_field("production", "name", json!("Theirs")));
    let (ui, _task) = start(client(&server), state.path());
    ui.wait_for("Restore", WAIT).await;
    ui.key(KeyCode::Char('y'));
    let screen = ui.wait_for("Conflict ·", WAIT).await;
    assert_has(&screen, "Mine");
    assert_has(&screen, "Theirs");
    assert!(server.requests().iter().all(|r| r.method != "PATCH"));
}

#[tokio::test]
async fn history_records_the_patch_and_u_reverts_it() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = start(client(&server), state.path());
    edit_name(&ui, " new").await;
    submit(&ui).await;
    ui.wait_for("✓ applied", WAIT).await;
    let entries = history::read(state.path()).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].workspace_id, PROD);
    assert_eq!(
        entries[0].patch,
        json!({"name": "Production new"})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(
        entries[0].before,
        json!({"name": "Production"}).as_object().unwrap().clone()
    );
    assert_eq!(
        entries[0].after,
        json!({"name": "Production new"})
            .as_object()
            .unwrap()
            .clone()
    );

    ui.key(KeyCode::Char('u'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    wait_until("the revert", || {
        server.workspace("production").unwrap()["name"] == json!("Production")
    })
    .await;
    wait_until("the second history line", || {
        history::read(state.path()).unwrap().len() == 2
    })
    .await;
}

/// Submits an edit while the server fails in one way; the error shows, the edit stays, and
/// (unless `retry_fails`) a second submit goes through.
async fn fault_case(fault: Fault, method: &str, shown: &str, timeout: Duration) {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = start(client_with_timeout(&server, timeout), state.path());
    edit_name(&ui, " F").await;
    server.inject(method, fault, 1);
    submit(&ui).await;
    let screen = ui.wait_for(shown, WAIT).await;
    assert!(
        screen.contains("Production F"),
        "the edit survives:\n{screen}"
    );
    submit(&ui).await;
    ui.wait_for("✓ applied", WAIT).await;
    assert_eq!(
        server.workspace("production").unwrap()["name"],
        json!("Production F")
    );
}

const T: Duration = Duration::from_secs(5);

#[tokio::test]
async fn fault_400_without_a_field() {
    fault_case(Fault::Status(400), "PATCH", "rejected", T).await;
}

#[tokio::test]
async fn fault_401() {
    fault_case(Fault::Status(401), "PATCH", "not authorised", T).await;
}

#[tokio::test]
async fn fault_403() {
    fault_case(Fault::Status(403), "PATCH", "forbidden", T).await;
}

#[tokio::test]
async fn fault_404_deleted_meanwhile() {
    fault_case(Fault::Status(404), "GET", "was deleted", T).await;
}

#[tokio::test]
async fn fault_500() {
    fault_case(Fault::Status(500), "PATCH", "server error 500", T).await;
}

#[tokio::test]
async fn fault_malformed_body() {
    fault_case(Fault::Malformed, "PATCH", "could not be read", T).await;
}

#[tokio::test]
async fn fault_wrong_shape() {
    fault_case(Fault::WrongShape, "PATCH", "could not be read", T).await;
}

#[tokio::test]
async fn fault_truncated_body() {
    fault_case(Fault::Truncated, "PATCH", "could not be read", T).await;
}

#[tokio::test]
async fn fault_server_never_answers() {
    fault_case(Fault::Hang, "PATCH", "no answer", Duration::from_secs(1)).await;
}

#[tokio::test]
async fn busy_429_and_503_are_retried_to_success() {
    for status in [429, 503] {
        let server = fake().await;
        let state = tempfile::tempdir().unwrap();
        let (ui, _task) = start(client(&server), state.path());
        edit_name(&ui, " R").await;
        server.inject("PATCH", Fault::Status(status), 2);
        submit(&ui).await;
        ui.wait_for("✓ applied", WAIT).await;
        let patches = server.sent("PATCH");
        assert_eq!(patches, 3, "two refusals, then success ({status})");
    }
}

#[tokio::test]
async fn a_refused_connection_is_one_line_and_keeps_the_edit() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    edit_name(&ui, " gone").await;
    server.shutdown();
    submit(&ui).await;
    // Retries show as they happen; then the error, once, with the edit kept.
    let screen = ui.wait_for("try again", WAIT).await;
    assert_has(&screen, "cannot reach");
    assert_has(&screen, "Production gone");
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('y'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert_eq!(app.form.unwrap().modified_count(), 1);
}

/// Two orws on one workspace: each writes its own draft, neither is offered the other's
/// while both run, a submit removes only its own, and the one left is offered once its
/// writer is gone. (Before, B's draft overwrote A's and A's submit deleted B's.)
#[tokio::test]
async fn two_windows_never_touch_each_others_drafts() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (a, a_task) = start(client(&server), state.path());
    edit_name(&a, " A").await;
    wait_until("A's draft", || {
        draft_text(state.path()).contains("Production A")
    })
    .await;

    let (b, b_task) = start(client(&server), state.path());
    b.wait_for("Another orws has unsaved edits", WAIT).await;
    edit_name(&b, " B").await;
    wait_until("both drafts", || {
        let text = draft_text(state.path());
        text.contains("Production A") && text.contains("Production B")
    })
    .await;
    assert_eq!(draft_files(state.path()).len(), 2, "one file each");
    assert!(
        !b.screen().contains("Restore"),
        "a running window's draft is not offered:\n{}",
        b.screen()
    );

    // A submits: its draft goes, B's stays.
    submit(&a).await;
    a.wait_for("✓ applied", WAIT).await;
    wait_until("A's draft to go", || {
        !draft_text(state.path()).contains("Production A")
    })
    .await;
    assert!(draft_text(state.path()).contains("Production B"));
    a.key(KeyCode::Esc);
    a.key(KeyCode::Char('q'));
    tokio::time::timeout(WAIT, a_task).await.unwrap().unwrap();

    // B quits keeping its draft; a third window is offered it.
    b.key(KeyCode::Char('q'));
    b.key(KeyCode::Char('y'));
    tokio::time::timeout(WAIT, b_task).await.unwrap().unwrap();
    let (c, _c_task) = start(client(&server), state.path());
    c.wait_for("Restore", WAIT).await;
    c.key(KeyCode::Char('y'));
    c.wait_for("Production B", WAIT).await;
}

/// "Quit and keep the draft" writes it again, even when the file went missing meanwhile.
#[tokio::test]
async fn quitting_with_keep_writes_the_draft_again() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    edit_name(&ui, " again").await;
    wait_until("the draft", || {
        draft_text(state.path()).contains("Production again")
    })
    .await;
    for path in draft_files(state.path()) {
        std::fs::remove_file(path).unwrap();
    }
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('y'));
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(draft_text(state.path()).contains("Production again"));
}

/// A draft that cannot be written (here the state dir is a file; a full disk looks the same)
/// is said at once, stays in the title bar, and the quit question says the edits are lost.
#[tokio::test]
async fn a_draft_that_cannot_be_written_is_said_and_the_quit_question_says_so() {
    let server = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("state");
    std::fs::write(&not_a_dir, "a file where the state dir should be").unwrap();
    let (ui, task) = start(client(&server), &not_a_dir);
    edit_name(&ui, " lost").await;
    ui.wait_for("could not be written", WAIT).await;
    // A key in browse mode clears the status line; the title keeps saying it.
    ui.key(KeyCode::Down);
    let screen = ui.wait_for("draft not saved", WAIT).await;
    assert!(
        screen.lines().next().unwrap().contains("draft not saved"),
        "{screen}"
    );
    ui.key(KeyCode::Char('q'));
    let question = ui.wait_for("Quit?", WAIT).await;
    assert_has(&question, "lose");
    assert_lacks(&question, "keep the draft");
    assert_lacks(&question, "keep draft");
    // `y` would lose the edits: it does not quit; `d` does.
    ui.key(KeyCode::Char('y'));
    ui.wait_for("d discards the edits", WAIT).await;
    ui.key(KeyCode::Char('d'));
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
}

/// Ctrl-Z (in edit mode too) writes the draft before the terminal is given back, however
/// recent the last key; the app never sees the key (the editor's undo is not triggered).
#[tokio::test]
async fn ctrl_z_flushes_the_draft_before_suspending() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let (ui, _task) = Setup::new(client(&server), Some("production"))
        .state(state.path())
        .host(|host| {
            let (seen, state) = (seen.clone(), state.path().to_path_buf());
            host.with_suspend(Box::new(move || {
                *seen.lock().unwrap() = Some(draft_text(&state))
            }))
        })
        .spawn();
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" zz");
    ui.ctrl('z');
    wait_until("the suspend", || seen.lock().unwrap().is_some()).await;
    let on_disk = seen.lock().unwrap().clone().unwrap();
    assert_has(&on_disk, "Production zz");
    ui.wait_for("Production zz", WAIT).await;
}

/// Back to the list keeping the draft: the list marks the workspace whose draft waits, and
/// only it.
#[tokio::test]
async fn the_picker_marks_a_workspace_with_a_waiting_draft() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = start(client(&server), state.path());
    edit_name(&ui, " marked").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("Back to the list?", WAIT).await;
    ui.key(KeyCode::Char('y'));
    let screen = ui.wait_for("✎ Production", WAIT).await;
    assert_lacks(&screen, "✎ Staging");
}

/// Back to the list keeping the draft, then the same workspace again: the draft is offered.
#[tokio::test]
async fn a_draft_kept_on_the_way_back_to_the_list_is_offered_again() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = start(client(&server), state.path());
    edit_name(&ui, " back").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("Back to the list?", WAIT).await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("staging", WAIT).await;
    ui.text("/prod");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Enter);
    ui.wait_for("Restore", WAIT).await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Production back", WAIT).await;
    wait_until("one draft, the restored one", || {
        draft_files(state.path()).len() == 1 && draft_text(state.path()).contains("Production back")
    })
    .await;
}

/// An unreadable draft is moved aside and said; the next keystrokes write a new draft and
/// never overwrite it.
#[tokio::test]
async fn an_unreadable_draft_is_moved_aside_not_overwritten() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let path = drafts::draft_path(state.path(), "127.0.0.1", PROD);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{\"host\": \"127.0.0.1\", cut off").unwrap();
    let (ui, _task) = start(client(&server), state.path());
    ui.wait_for("moved to", WAIT).await;
    edit_name(&ui, " new").await;
    wait_until("the new draft", || {
        draft_text(state.path()).contains("Production new")
    })
    .await;
    let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(aside, ["{\"host\": \"127.0.0.1\", cut off"]);
}
