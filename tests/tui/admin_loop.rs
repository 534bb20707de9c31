//! The app loop with injected keys against the fake server: tabs and their writes reach the
//! server as exactly the reviewed requests.

use crate::support::client::client;
use crate::support::tui_loop::{WAIT, delete_development, fake, start};
use crossterm::event::KeyCode;
use orws::fake::FakeServer;

/// The requests to workspace-admin paths (the model catalog is fetched in the background).
fn admin_requests(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| !r.path.contains("/models"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn opening_a_workspace_is_one_get_and_tabs_load_on_their_first_visit() {
    let server = fake().await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    let opened = admin_requests(&server);
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert!(opened[0].starts_with("GET ") && opened[0].ends_with("/workspaces/production"));
    ui.key(KeyCode::Char('2'));
    ui.wait_for("[2 Budgets]", WAIT).await;
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}

#[tokio::test]
async fn disabling_a_key_sends_exactly_the_reviewed_patch() {
    let server = fake().await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Char('4'));
    ui.wait_for("Production backend", WAIT).await;
    ui.key(KeyCode::Char('d'));
    ui.wait_for(r#""disabled": true"#, WAIT).await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied", WAIT).await;
    let sent: Vec<_> = server.requests().into_iter().skip(before).collect();
    let writes: Vec<_> = sent.iter().filter(|r| r.method != "GET").collect();
    assert_eq!(writes.len(), 1, "{sent:?}");
    assert_eq!(writes[0].method, "PATCH");
    assert!(
        writes[0]
            .path
            .ends_with("/keys/5e7c2b7eeb49ee2d64d51b8d7ce84190d7f10f757c8b0dce49109484a1cc78cc")
    );
    assert_eq!(writes[0].body, r#"{"disabled":true}"#);
    let stored = server.keys(Some("550e8400-e29b-41d4-a716-446655440000"));
    assert!(
        stored
            .iter()
            .any(|k| k["name"] == "Production backend" && k["disabled"] == true)
    );
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}

#[tokio::test]
async fn deleting_a_key_sends_exactly_the_reviewed_delete() {
    let server = fake().await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Char('4'));
    ui.wait_for("Trial 2025", WAIT).await;
    ui.key(KeyCode::Char('G'));
    ui.key(KeyCode::Char('x'));
    crate::support::tui_loop::confirm_key_delete(&ui).await;
    ui.wait_for("cannot be undone", WAIT).await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied", WAIT).await;
    // The key is looked for where it was seen (GETs), then the one reviewed DELETE.
    let sent: Vec<_> = server
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "DELETE");
    assert!(
        sent[0]
            .path
            .ends_with("/keys/a7ccea8e818010833c0519846d58c42439e4a4eaa412f0df394ab41cd33f71fd")
    );
    let stored = server.keys(Some("550e8400-e29b-41d4-a716-446655440000"));
    assert!(stored.iter().all(|k| k["name"] != "Trial 2025"));
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}

#[tokio::test]
async fn adding_two_members_sends_exactly_the_reviewed_post() {
    let server = fake().await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Char('3'));
    ui.wait_for("priya.shah@example.com", WAIT).await;
    ui.key(KeyCode::Char('a'));
    ui.wait_for("Add members", WAIT).await;
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('s'));
    ui.wait_for("/members/add", WAIT).await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ applied: 2 added", WAIT).await;
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].path.ends_with("/members/add"));
    assert_eq!(
        writes[0].body,
        r#"{"user_ids":["user_2dHFtVWx2n56w6HkM0000000003","user_2dHFtVWx2n56w6HkM0000000004"]}"#
    );
    ui.key(KeyCode::Enter);
    ui.wait_for("mei.tanaka@example.com", WAIT).await;
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}

#[tokio::test]
async fn a_refused_removal_is_explained_and_nothing_more_is_sent() {
    let server = fake().await;
    let (ui, task) = start(client(&server), Some("production"));
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Char('3'));
    ui.wait_for("bob.okafor@example.com", WAIT).await;
    // Bob: SCIM-managed, with a key here.
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Char('j'));
    ui.wait_for("▶[ ] Bob", WAIT).await;
    ui.key(KeyCode::Char('x'));
    ui.wait_for("/members/remove", WAIT).await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    let screen = ui.wait_for("✗", WAIT).await;
    let sent: Vec<_> = server.requests().into_iter().skip(before).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        screen.contains("SCIM") || screen.contains("delete the keys"),
        "{screen}"
    );
    ui.key(KeyCode::Char('q'));
    let _ = tokio::time::timeout(WAIT, task).await;
}

#[tokio::test]
async fn creating_a_workspace_posts_the_reviewed_body_then_opens_it() {
    let server = fake().await;
    let (ui, task) = start(client(&server), None);
    ui.wait_for("Production", WAIT).await;
    ui.key(KeyCode::Char('n'));
    ui.wait_for("New workspace", WAIT).await;
    ui.text("Night Shift");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("POST /workspaces", WAIT).await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ created Night Shift (night-shift)", WAIT)
        .await;
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "POST");
    assert!(writes[0].path.ends_with("/workspaces"));
    assert_eq!(
        writes[0].body,
        r#"{"name":"Night Shift","slug":"night-shift"}"#
    );
    ui.key(KeyCode::Enter);
    ui.wait_for("Night Shift (night-shift) · 1 Settings", WAIT)
        .await;
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}

#[tokio::test]
async fn deleting_a_keyless_workspace_sends_the_reviewed_delete_and_returns_to_the_list() {
    let server = fake().await;
    let (ui, task) = start(client(&server), None);
    ui.wait_for("Production", WAIT).await;
    delete_development(&ui).await;
    ui.wait_for(
        "DELETE /workspaces/b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d",
        WAIT,
    )
    .await;
    let before = server.requests().len();
    ui.key(KeyCode::Enter);
    ui.wait_for("✓ deleted", WAIT).await;
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "DELETE");
    assert!(
        writes[0]
            .path
            .ends_with("/workspaces/b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d")
    );
    ui.key(KeyCode::Enter);
    ui.wait_for("WORKSPACES", WAIT).await;
    ui.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert!(app.quit);
}
