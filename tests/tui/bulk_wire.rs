//! A bulk edit through the app loop against the in-process fake over loopback: marks, the
//! form, the Review, the batch (one conflict made on the fake meanwhile, one injected failure),
//! the result, trying the failed one again and undoing what landed, and the one history entry.

use crate::support::client::client;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::sent::Sent;
use crate::support::tui_loop::{Setup, WAIT, fake};
use crossterm::event::KeyCode;
use orws::api::Client;
use orws::fake::{FakeConfig, FakeServer, Fault};
use orws::state::history::{self, Kind};
use orws::tui::app::App;
use orws::tui::test_host::TestDriver;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

/// The picker, one write at a time (so the injected failure meets a known workspace).
fn start(client: Client, state: &Path) -> (TestDriver, tokio::task::JoinHandle<App>) {
    // The batch is watched during a real Retry-After wait (Esc then starts no new write).
    let mut setup = Setup::new(client, None).state(state).real_waits();
    setup.runtime = setup.runtime.with_concurrency(1);
    setup.spawn()
}

async fn mark(ui: &TestDriver, slug: &str, count: usize) {
    ui.key(KeyCode::Char('/'));
    ui.text(slug);
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Esc);
    ui.wait_for(&format!("{count} marked"), WAIT).await;
}

fn sort_of(server: &FakeServer, slug: &str) -> Value {
    server.workspace(slug).unwrap()["default_provider_sort"].clone()
}

#[tokio::test]
async fn a_bulk_edit_with_a_conflict_and_a_failure_then_retry_and_undo() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    ui.wait_for("Production", WAIT).await;
    mark(&ui, "staging", 1).await;
    mark(&ui, "dev", 2).await;
    mark(&ui, "sandbox", 3).await;
    ui.key(KeyCode::Char('e'));
    ui.wait_for("Bulk edit of 3 workspaces", WAIT).await;

    // Provider sort: throughput, latency and null → price everywhere.
    for _ in 0..4 {
        ui.key(KeyCode::Char('j'));
    }
    ui.wait_for("▶ Provider sort              3 values", WAIT)
        .await;
    ui.key(KeyCode::Char('l'));
    ui.wait_for("▶ Provider sort              price", WAIT)
        .await;
    ui.key(KeyCode::Char('s'));
    let review = ui.wait_for("Apply to 3 workspaces", WAIT).await;
    assert_has(&review, "latency → price");

    // Meanwhile dev changes on the server, and the next PATCH (staging's) fails.
    server.set_field("dev", "default_provider_sort", json!("exacto"));
    server.inject("PATCH", Fault::Status(500), 1);
    ui.key(KeyCode::Enter);
    let result = ui.wait_for("1 applied · 1 conflict · 1 failed", WAIT).await;
    assert_has(&result, "✓ applied");
    assert_has(
        &result,
        "conflict: default_provider_sort changed on the server",
    );
    assert_has(&result, "failed: ");
    assert_eq!(sort_of(&server, "sandbox"), json!("price"));
    assert_eq!(
        sort_of(&server, "dev"),
        json!("exacto"),
        "never overwritten"
    );
    assert_eq!(sort_of(&server, "staging"), json!("throughput"));

    // One history entry for the batch, with the part that landed.
    let entries = history::read(state.path()).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].kind, Kind::Batch);
    assert_eq!(entries[0].parts.len(), 1);

    // r: a Review of the failed one only (never the conflict).
    ui.key(KeyCode::Char('r'));
    let retry = ui.wait_for("Try again on 1 workspace", WAIT).await;
    assert_has(&retry, "staging");
    assert!(!retry.contains("dev  ("), "{retry}");
    // Esc goes back to the result, nothing sent.
    ui.key(KeyCode::Esc);
    ui.wait_for("1 applied · 1 conflict · 1 failed", WAIT).await;

    // u: a Review undoing only what landed (sandbox back to null).
    ui.key(KeyCode::Char('u'));
    let undo = ui.wait_for("Undo on 1 workspace", WAIT).await;
    assert_has(&undo, "sandbox");
    assert_lacks(&undo, "staging");
    assert_has(&undo, "price → ∅");
    ui.key(KeyCode::Enter);
    ui.wait_for("Result of the undo", WAIT).await;
    ui.wait_for("1 applied · 0 conflicts · 0 failed", WAIT)
        .await;
    assert_eq!(sort_of(&server, "sandbox"), Value::Null);
    assert_eq!(history::read(state.path()).unwrap().len(), 2);

    ui.key(KeyCode::Char('q'));
    let app = task.await.unwrap();
    assert!(app.quit);
    server.shutdown();
}

#[tokio::test]
async fn retrying_the_failed_sends_only_those() {
    let server = fake().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    ui.wait_for("Production", WAIT).await;
    mark(&ui, "staging", 1).await;
    mark(&ui, "dev", 2).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Bulk edit of 2 workspaces", WAIT).await;
    for _ in 0..4 {
        ui.key(KeyCode::Char('j'));
    }
    ui.key(KeyCode::Char('l'));
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Apply to 2 workspaces", WAIT).await;
    server.inject("PATCH", Fault::Status(500), 1);
    ui.key(KeyCode::Enter);
    ui.wait_for("1 applied · 0 conflicts · 1 failed", WAIT)
        .await;
    assert_eq!(sort_of(&server, "staging"), json!("throughput"));
    let patches_before = server.sent("PATCH");
    ui.key(KeyCode::Char('r'));
    ui.wait_for("Try again on 1 workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Result of trying again", WAIT).await;
    ui.wait_for("1 applied · 0 conflicts · 0 failed", WAIT)
        .await;
    assert_eq!(sort_of(&server, "staging"), json!("price"));
    let patches = server.sent("PATCH");
    assert_eq!(patches - patches_before, 1, "only the failed one is sent");
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
    server.shutdown();
}

#[tokio::test]
async fn a_429_slows_the_batch_and_esc_starts_no_new_write() {
    let server = orws::fake::start(FakeConfig {
        latency: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await
    .expect("fake server starts");
    let state = tempfile::tempdir().unwrap();
    let (ui, task) = start(client(&server), state.path());
    ui.wait_for("Production", WAIT).await;
    mark(&ui, "staging", 1).await;
    mark(&ui, "dev", 2).await;
    mark(&ui, "sandbox", 3).await;
    ui.key(KeyCode::Char('e'));
    ui.wait_for("Bulk edit of 3 workspaces", WAIT).await;
    for _ in 0..4 {
        ui.key(KeyCode::Char('j'));
    }
    ui.key(KeyCode::Char('l'));
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Apply to 3 workspaces", WAIT).await;
    // The first PATCH is asked to wait (Retry-After: 1): the batch slows down meanwhile.
    server.inject("PATCH", Fault::Status(429), 1);
    ui.key(KeyCode::Enter);
    ui.wait_for("slowed down", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("Stopping: 2 not started", WAIT).await;
    let result = ui
        .wait_for("1 applied · 0 conflicts · 0 failed · 2 not started", WAIT)
        .await;
    assert_has(&result, "· not started  dev");
    assert_eq!(sort_of(&server, "staging"), json!("price"));
    assert_eq!(sort_of(&server, "dev"), json!("latency"), "never started");
    // Two workspaces never got the edit: quitting asks, and d lets it go.
    ui.key(KeyCode::Char('q'));
    ui.wait_for("Quit?", WAIT).await;
    ui.key(KeyCode::Char('d'));
    task.await.unwrap();
    server.shutdown();
}
