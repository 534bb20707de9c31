//! Read-only in the TUI (product.md §1, §15), through the app loop with injected keys against
//! the fake: every write path still opens its Review, which says where read-only came from and
//! offers no Enter; Enter there sends nothing; the title says READ-ONLY throughout; and the
//! fake records no request other than GET.

use crate::support;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_loop::{Setup, WAIT, delete_development, fake};
use crossterm::event::KeyCode;
use orws::api::Client;
use orws::fake::FakeServer;
use orws::state::history::{self, HistoryEntry};
use orws::tui::app::App;
use orws::tui::test_host::TestDriver;
use orws::workspace::PatchBody;
use serde_json::{Map, json};
use std::path::Path;

const FROM: &str = "--read-only";
const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";

fn client(server: &FakeServer, read_only: bool) -> Client {
    let mut config = support::client::config(server);
    config.read_only = read_only.then(|| FROM.to_string());
    support::client::built(config)
}

/// The loop over a read-only client, the app told so as `orws` tells it (`tui::run`): the
/// picker, or straight into `workspace`. `app_told: false` is a screen that failed to know.
fn start_with(
    server: &FakeServer,
    workspace: Option<&str>,
    state: &Path,
    app_told: bool,
) -> (TestDriver, tokio::task::JoinHandle<App>) {
    let client = client(server, true);
    let read_only = client.read_only().map(str::to_string);
    let mut setup = Setup::new(client, workspace).state(state);
    if app_told {
        setup.app.read_only = read_only;
    }
    setup.spawn()
}

fn start(
    server: &FakeServer,
    workspace: Option<&str>,
    state: &Path,
) -> (TestDriver, tokio::task::JoinHandle<App>) {
    start_with(server, workspace, state, true)
}

/// The requests other than GET that reached the fake.
fn writes(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn title(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn bar(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

/// On a Review showing `marker`: it says why nothing can be sent and offers no Enter; Enter
/// then only says why; the title keeps READ-ONLY.
async fn enter_is_refused(ui: &TestDriver, marker: &str) {
    let review = ui.wait_for(marker, WAIT).await;
    assert!(title(&review).contains("READ-ONLY"), "{review}");
    assert!(
        review.contains("Read-only (--read-only): nothing can be sent from here"),
        "the Review says why\n{review}"
    );
    assert!(
        !bar(&review).contains("Enter"),
        "no Enter is offered on the Review: {}\n{review}",
        bar(&review)
    );
    assert_lacks(&review, "Enter sends");
    ui.key(KeyCode::Enter);
    let after = ui
        .wait_for("Nothing sent: --read-only refuses every write", WAIT)
        .await;
    assert!(after.contains(marker), "Enter stays on the Review\n{after}");
    assert!(title(&after).contains("READ-ONLY"), "{after}");
}

#[tokio::test]
async fn every_tab_write_opens_its_review_and_sends_nothing() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(&server, Some("production"), state.path());
    let form = ui.wait_for("Production environment workspace", WAIT).await;
    assert!(title(&form).contains("READ-ONLY"), "{form}");
    assert!(
        bar(&form).contains("s review (read-only)"),
        "{}",
        bar(&form)
    );

    // Settings: edit the name, review, Enter.
    ui.key(KeyCode::Char('i'));
    ui.text(" RO");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "Production RO").await;
    // Help says the same: Enter sends nothing here.
    ui.key(KeyCode::Char('?'));
    ui.wait_for("nothing (read-only)", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("REVIEW", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("1 change", WAIT).await;
    ui.key(KeyCode::Char('u'));
    ui.wait_for("0 changes", WAIT).await;

    // Keys: disable, move, delete.
    ui.key(KeyCode::Char('4'));
    let keys = ui.wait_for("Production backend", WAIT).await;
    for hint in [
        "d disable/enable (read-only)",
        "m move (read-only)",
        "x delete (read-only)",
    ] {
        assert!(bar(&keys).contains(hint), "{hint}: {}", bar(&keys));
    }
    ui.key(KeyCode::Char('d'));
    enter_is_refused(&ui, r#""disabled": true"#).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("KEYS", WAIT).await;
    ui.key(KeyCode::Char('m'));
    ui.wait_for("Move \"Production backend\" to", WAIT).await;
    ui.wait_for("(staging)", WAIT).await;
    ui.key(KeyCode::Enter);
    enter_is_refused(&ui, r#""workspace_id""#).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("KEYS", WAIT).await;
    ui.key(KeyCode::Char('G'));
    ui.key(KeyCode::Char('x'));
    crate::support::tui_loop::confirm_key_delete(&ui).await;
    enter_is_refused(&ui, "cannot be undone").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("KEYS", WAIT).await;

    // Members: add, remove.
    ui.key(KeyCode::Char('3'));
    let members = ui.wait_for("bob.okafor@example.com", WAIT).await;
    assert!(bar(&members).contains("a add (read-only)"), "{members}");
    ui.key(KeyCode::Char('a'));
    ui.wait_for("Add members", WAIT).await;
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "/members/add").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("MEMBERS", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Char('j'));
    ui.wait_for("▶[ ] Bob", WAIT).await;
    ui.key(KeyCode::Char('x'));
    enter_is_refused(&ui, "/members/remove").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("MEMBERS", WAIT).await;

    // Budgets: no daily limit.
    ui.key(KeyCode::Char('2'));
    ui.wait_for("weekly", WAIT).await;
    ui.key(KeyCode::Delete);
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "/budgets/daily").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("Limits in USD", WAIT).await;

    // Guardrail: one switch.
    ui.key(KeyCode::Char('5'));
    ui.key(KeyCode::Enter);
    ui.wait_for("Zero retention: Google", WAIT).await;
    for _ in 0..6 {
        ui.key(KeyCode::Char('j'));
    }
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "PATCH /guardrails/").await;
    ui.key(KeyCode::Esc);
    ui.wait_for("Allowed models", WAIT).await;

    assert_eq!(writes(&server), Vec::<String>::new());
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('d'));
    let app = task.await.unwrap();
    assert!(app.quit);
    assert_eq!(writes(&server), Vec::<String>::new());
}

#[tokio::test]
async fn create_delete_bulk_and_history_undo_send_nothing() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    // A change made earlier, without read-only: the history holds it.
    let writable = client(&server, false);
    let before = writable.get(PROD).await.unwrap();
    let patch = PatchBody::from_fields(Map::from_iter([(
        "description".to_string(),
        json!("changed earlier"),
    )]));
    let after = writable.patch(PROD, &patch).await.unwrap();
    let entry = HistoryEntry::new(
        "2026-11-29T14:05:09Z".into(),
        writable.host(),
        &patch,
        &before,
        &after,
    );
    history::append(state.path(), &entry).unwrap();
    let earlier = server.requests().len();

    let (ui, task) = start(&server, None, state.path());
    let picker = ui.wait_for("Production", WAIT).await;
    assert!(title(&picker).contains("READ-ONLY"), "{picker}");

    // Create.
    ui.key(KeyCode::Char('n'));
    ui.wait_for("New workspace", WAIT).await;
    ui.text("Night Shift");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "POST /workspaces").await;
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Esc);
    ui.wait_for("WORKSPACES", WAIT).await;

    // Delete a workspace without keys (the guided delete).
    delete_development(&ui).await;
    enter_is_refused(
        &ui,
        "DELETE /workspaces/b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d",
    )
    .await;
    ui.key(KeyCode::Esc);
    ui.wait_for("DELETE", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Esc);
    ui.wait_for("WORKSPACES", WAIT).await;
    ui.key(KeyCode::Char('/'));
    ui.key(KeyCode::Esc);

    // Bulk: two marked, provider sort to the next value everywhere.
    for slug in ["staging", "sandbox"] {
        ui.key(KeyCode::Char('/'));
        ui.text(slug);
        ui.key(KeyCode::Enter);
        ui.key(KeyCode::Char(' '));
        ui.key(KeyCode::Esc);
    }
    let marked = ui.wait_for("2 marked", WAIT).await;
    assert!(bar(&marked).contains("(read-only)"), "{}", bar(&marked));
    ui.key(KeyCode::Char('e'));
    ui.wait_for("Bulk edit of 2 workspaces", WAIT).await;
    for _ in 0..4 {
        ui.key(KeyCode::Char('j'));
    }
    ui.key(KeyCode::Char('l'));
    ui.key(KeyCode::Char('s'));
    enter_is_refused(&ui, "Apply to 2 workspaces").await;
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Esc);
    ui.wait_for("Back to the list?", WAIT).await;
    ui.key(KeyCode::Char('d'));
    ui.wait_for("WORKSPACES", WAIT).await;

    // History: undo the earlier change.
    ui.key(KeyCode::Char('H'));
    let list = ui.wait_for("changed earlier", WAIT).await;
    assert!(
        bar(&list).contains("u undo (reviewed, read-only)"),
        "{}",
        bar(&list)
    );
    ui.key(KeyCode::Char('u'));
    enter_is_refused(&ui, r#""description": "Production environment workspace""#).await;

    assert_eq!(
        server.requests()[earlier..]
            .iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
    assert_eq!(
        server.workspace("dev").map(|w| w["slug"].clone()),
        Some(json!("dev"))
    );
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('d'));
    task.abort();
}

/// A write that gets past the screens anyway (here: an app never told it is read-only, so its
/// Reviews send): the client refuses each one, says so, and nothing but GETs leaves.
#[tokio::test]
async fn a_write_past_the_screens_is_refused_by_the_client() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start_with(&server, Some("production"), state.path(), false);
    ui.wait_for("Production environment workspace", WAIT).await;

    // A settings PATCH.
    ui.key(KeyCode::Char('i'));
    ui.text(" RO");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Production RO", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for(
        "PATCH /workspaces/550e8400-e29b-41d4-a716-446655440000 is a write, and --read-only refuses",
        WAIT,
    )
    .await;

    // A key disable (an admin write).
    ui.key(KeyCode::Char('4'));
    ui.wait_for("Production backend", WAIT).await;
    ui.key(KeyCode::Char('d'));
    ui.wait_for(r#""disabled": true"#, WAIT).await;
    ui.key(KeyCode::Enter);
    let result = ui
        .wait_for("refuses every write; nothing was sent", WAIT)
        .await;
    assert_has(&result, "PATCH /keys/");

    assert_eq!(writes(&server), Vec::<String>::new());
    ui.key(KeyCode::Char('q'));
    task.abort();
}
