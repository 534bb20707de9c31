//! The app loop with injected keys against the fake server over loopback:
//! edit → review → submit → result, a conflict, cancelling, and errors that keep the edits.

use crate::support::client::client;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_loop::{WAIT, fake_with as fake, start};
use crossterm::event::KeyCode;
use orws::fake::{FakeConfig, Fault};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn edit_review_submit_result() {
    let server = fake(FakeConfig::default()).await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;

    ui.key(KeyCode::Enter);
    ui.text(" 2");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    let review = ui.wait_for(r#""name": "Production 2""#, WAIT).await;
    assert!(
        !review.contains(r#""slug""#),
        "only name is sent:\n{review}"
    );

    ui.key(KeyCode::Enter);
    let result = ui.wait_for("✓ applied", WAIT).await;
    assert_has(&result, "Production 2");

    let stored = server
        .workspace("550e8400-e29b-41d4-a716-446655440000")
        .unwrap();
    assert_eq!(stored["name"], json!("Production 2"));
    assert_eq!(stored["slug"], json!("production"));
    let patches: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].body, r#"{"name":"Production 2"}"#);
    assert!(
        patches[0]
            .path
            .ends_with("/workspaces/550e8400-e29b-41d4-a716-446655440000")
    );

    // Back in the form, the base is the server's answer: nothing left to save.
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
    assert_eq!(app.form.unwrap().modified_count(), 0);
}

#[tokio::test]
async fn picker_filter_then_enter_opens_the_form() {
    let server = fake(FakeConfig::default()).await;
    let (ui, _task) = start(client(&server), None);
    ui.wait_for("production", WAIT).await;
    ui.key(KeyCode::Char('/'));
    ui.text("prod");
    // Enter applies the filter and returns to the list; Enter there opens.
    ui.key(KeyCode::Enter);
    ui.wait_for("WORKSPACES", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Production environment workspace", WAIT).await;
}

#[tokio::test]
async fn a_remote_change_to_the_edited_field_stops_at_the_conflict_screen() {
    let server = fake(FakeConfig::default()).await;
    let (ui, _task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" mine");
    ui.key(KeyCode::Enter);
    server.set_field("production", "name", json!("Theirs"));
    server.set_field("production", "description", json!("changed remotely"));
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    let screen = ui.wait_for("Conflict ·", WAIT).await;
    assert_has(&screen, "Production mine");
    assert_has(&screen, "Theirs");
    assert!(
        server.requests().iter().all(|r| r.method != "PATCH"),
        "nothing is sent on a conflict"
    );
    // Keep mine: back to the review on their values; Enter sends; the remote description stays.
    ui.key(KeyCode::Char('m'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied", WAIT).await;
    let stored = server.workspace("production").unwrap();
    assert_eq!(stored["name"], json!("Production mine"));
    assert_eq!(stored["description"], json!("changed remotely"));
}

#[tokio::test]
async fn a_remote_change_to_another_field_does_not_block() {
    let server = fake(FakeConfig::default()).await;
    let (ui, _task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text("!");
    ui.key(KeyCode::Enter);
    server.set_field("production", "description", json!("changed remotely"));
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied", WAIT).await;
    let stored = server.workspace("production").unwrap();
    assert_eq!(stored["name"], json!("Production!"));
    assert_eq!(stored["description"], json!("changed remotely"));
}

#[tokio::test]
async fn a_failed_patch_keeps_the_edit_and_can_be_retried() {
    let server = fake(FakeConfig::default()).await;
    server.inject("PATCH", Fault::Status(500), 1);
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" X");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    let screen = ui.wait_for("server error 500", WAIT).await;
    assert!(
        screen.contains("Production X"),
        "the edit survives:\n{screen}"
    );
    // Retry: this time it goes through.
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied", WAIT).await;
    assert_eq!(
        server.workspace("production").unwrap()["name"],
        json!("Production X")
    );
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('q'));
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_400_naming_a_field_lands_on_that_field() {
    let server = fake(FakeConfig::default()).await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    // Take the slug of another seeded workspace: the server refuses it.
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Enter);
    for _ in 0.."production".len() {
        ui.key(KeyCode::Backspace);
    }
    ui.text("default");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("already", WAIT).await;
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('n'));
    ui.key(KeyCode::Char('q'));
    ui.key(KeyCode::Char('y'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    let form = app.form.unwrap();
    assert_eq!(form.focused().spec.name, "slug");
    assert!(form.focused().server_error.is_some());
}

#[tokio::test]
async fn cancelling_a_slow_submit_keeps_the_screen_alive() {
    let server = slow_fake(300).await;
    let (ui, _task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" slow");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    server.inject("GET", Fault::Hang, 1);
    ui.key(KeyCode::Enter);
    ui.wait_for("Esc", WAIT).await;
    ui.key(KeyCode::Esc);
    let screen = ui.wait_for("Cancelled", WAIT).await;
    assert_has(&screen, "Production slow");
    assert!(server.requests().iter().all(|r| r.method != "PATCH"));
}

#[tokio::test]
async fn the_background_catalog_never_takes_over_the_status_line() {
    // Busy answers that ask for no wait: the quiet retries take no real seconds.
    let server = fake(FakeConfig {
        retry_after: Duration::ZERO,
        ..FakeConfig::default()
    })
    .await;
    server.inject("GET", Fault::Status(500), 1);
    server.inject("MODELS", Fault::Status(503), 100);
    let (ui, _task) = start(client(&server), None);
    ui.wait_for("server error 500", WAIT).await;
    // Let the catalog fetch run through all its quiet retries (two lists, three tries each).
    let deadline = tokio::time::Instant::now() + WAIT;
    while server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/models"))
        .count()
        < 6
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the catalog was not retried"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let screen = ui.wait_for("server error 500", WAIT).await;
    assert_lacks(&screen, "retrying");
}

/// `orws production` starts the read before the loop: when it is back in time, the form is
/// the first frame drawn (no "Opening …" frame drawn just before it).
#[tokio::test]
async fn the_form_is_the_first_frame_when_the_first_read_is_quick() {
    let server = fake(FakeConfig::default()).await;
    let (ui, task) = crate::support::tui_loop::Setup::new(client(&server), Some("production"))
        .first_read_early(Duration::from_secs(30))
        .spawn();
    ui.wait_for("Production environment workspace", WAIT).await;
    assert_eq!(ui.draws(), 1, "one frame, the form:\n{}", ui.screen());
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

/// A slow server still gets the "Opening …" frame soon, not after its answer.
#[tokio::test]
async fn a_slow_first_read_still_shows_that_it_is_opening() {
    let server = slow_fake(1500).await;
    let (ui, task) = crate::support::tui_loop::Setup::new(client(&server), Some("production"))
        .first_read_early(Duration::from_millis(50))
        .spawn();
    let opening = ui
        .wait_for("Opening production", Duration::from_millis(1200))
        .await;
    assert_lacks(&opening, "Production environment workspace");
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

/// A fake that answers every request after `ms` milliseconds.
async fn slow_fake(ms: u64) -> orws::fake::FakeServer {
    fake(FakeConfig {
        latency: Duration::from_millis(ms),
        ..FakeConfig::default()
    })
    .await
}
