//! The Guardrails tab (product.md §12, §15) through the app loop against the fake: the list with
//! its counts (the default first; the account-wide ones on the default workspace), a named
//! guardrail opened and patched through the one write, a create through the Review of the exact
//! POST that says it enforces nothing until assigned, and a delete once its name is typed.

use crate::support;
use crate::support::tui_loop::{Setup, WAIT, fake};
use crossterm::event::KeyCode;
use orws::fake::FakeServer;
use orws::tui::test_host::TestDriver;
use serde_json::Value;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const DEFAULT_WS: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";
const EU: &str = "7b1e4c2a-3d5f-4a6b-9c8d-0e1f2a3b4c5d";

fn typed(ui: &TestDriver, text: &str) {
    for c in text.chars() {
        ui.key(KeyCode::Char(c));
    }
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

/// The list's rows (the lines between the header and the frame's end).
fn list(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[tokio::test]
async fn the_list_counts_assignments_and_a_named_guardrail_is_patched_created_and_deleted() {
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let check = support::client::built(support::client::config(&server));
    let (ui, task) = Setup::new(client, Some(PROD)).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    let screen = ui.wait_for("Batch budget", WAIT).await;
    insta::assert_snapshot!("list_100x30", screen);
    // The default first, then the named ones with their key and member counts.
    let rows = list(&screen);
    let at = |name: &str| {
        rows.iter()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {screen}"))
    };
    assert!(at("(default)") < at("EU data only"), "{screen}");
    let eu = &rows[at("EU data only")];
    assert!(eu.ends_with("1         1"), "{eu}");
    let batch = &rows[at("Batch budget")];
    assert!(batch.ends_with("1         0"), "{batch}");
    assert!(!screen.contains("Legacy account policy"), "{screen}");

    // Open EU data only: name and description are fields; the name edited and sent.
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    ui.wait_for("Description", WAIT).await;
    ui.key(KeyCode::Enter);
    typed(&ui, " v2");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for(&format!("PATCH /guardrails/{EU}"), WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Applied.", WAIT).await;
    let g = check.get_named_guardrail(EU).await.unwrap();
    assert_eq!(g["name"], Value::from("EU data only v2"));
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Esc);
    ui.wait_for("Batch budget", WAIT).await;

    // Create: R17 first, then the Review of the exact POST saying it enforces nothing.
    ui.key(KeyCode::Char('n'));
    ui.wait_for("New guardrail", WAIT).await;
    typed(&ui, "Night batch");
    ui.key(KeyCode::Tab);
    ui.key(KeyCode::Tab);
    typed(&ui, "25");
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("must be given together", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('s'));
    let review = ui.wait_for("POST /guardrails", WAIT).await;
    insta::assert_snapshot!("create_review_100x30", review);
    assert!(
        review.contains("enforces nothing until it is assigned"),
        "{review}"
    );
    assert!(
        review.contains(&format!("\"workspace_id\": \"{PROD}\"")),
        "{review}"
    );
    assert!(!review.contains("(R1"), "no rule numbers: {review}");
    assert_eq!(
        writes(&server),
        vec![format!("PATCH /api/v1/guardrails/{EU}")]
    );
    ui.key(KeyCode::Enter);
    ui.wait_for("created \"Night batch\"", WAIT).await;
    ui.key(KeyCode::Enter);
    let screen = ui.wait_for("Night batch", WAIT).await;
    assert!(
        list(&screen).iter().any(|l| l.contains("Night batch")),
        "{screen}"
    );

    // Delete: the default cannot be; a named one once its name is typed.
    ui.key(KeyCode::Char('g'));
    ui.key(KeyCode::Char('D'));
    ui.wait_for("cannot be deleted", WAIT).await;
    ui.key(KeyCode::Char('G'));
    ui.key(KeyCode::Char('D'));
    ui.wait_for("type its name", WAIT).await;
    typed(&ui, "Night batc");
    ui.key(KeyCode::Enter);
    ui.wait_for("not the guardrail's", WAIT).await;
    typed(&ui, "h");
    ui.key(KeyCode::Enter);
    let review = ui.wait_for("DELETE /guardrails/", WAIT).await;
    assert!(review.contains("cannot be undone"), "{review}");
    ui.key(KeyCode::Enter);
    ui.wait_for("deleted", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Batch budget", WAIT).await;
    let listed = check.list_guardrails(PROD).await.unwrap();
    assert!(listed.iter().all(|g| g["name"] != "Night batch"));

    ui.key(KeyCode::Char('q'));
    let app = task.await.unwrap();
    assert!(app.quit);
}

/// On the default workspace the account-wide guardrails are listed, marked so.
#[tokio::test]
async fn the_default_workspace_lists_the_account_wide_ones_marked() {
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let (ui, task) = Setup::new(client, Some(DEFAULT_WS)).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    let screen = ui.wait_for("Legacy account policy", WAIT).await;
    assert!(
        screen.contains("(account-wide) Legacy account policy"),
        "{screen}"
    );
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

/// Esc from a named guardrail's form goes back to the list and keeps its edits: they count
/// in the quit question and are kept in the draft under the guardrail's id.
#[tokio::test]
async fn a_named_forms_edits_stay_and_count_when_the_list_shows_again() {
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let dir = tempfile::tempdir().unwrap();
    let (ui, task) = Setup::new(client, Some(PROD)).state(dir.path()).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    ui.wait_for("Description", WAIT).await;
    ui.key(KeyCode::Enter);
    typed(&ui, "!");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Esc);
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("EU data only!", WAIT).await;
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('q'));
    ui.wait_for("1 unsaved change", WAIT).await;
    ui.key(KeyCode::Char('k'));
    let app = task.await.unwrap();
    assert!(app.quit);
    assert_eq!(writes(&server), Vec::<String>::new());
    // Kept in the workspace's draft under the guardrail's id.
    let mut found = String::new();
    for e in walk(dir.path()) {
        let text = std::fs::read_to_string(&e).unwrap_or_default();
        if text.contains(&format!("guardrail:{EU}")) {
            found = text;
        }
    }
    assert!(
        found.contains("EU data only!"),
        "no draft keyed by the guardrail's id"
    );
}

/// At 60×20 the list keeps the counts and cuts the names; the create form fits.
#[tokio::test]
async fn the_list_and_the_create_form_at_60x20() {
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let (ui, task) = Setup::sized(client, Some(PROD), 60, 20).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    let screen = ui.wait_for("Batch budget", WAIT).await;
    insta::assert_snapshot!("list_60x20", screen);
    ui.key(KeyCode::Char('n'));
    typed(&ui, "Night");
    let screen = ui.wait_for("Night▏", WAIT).await;
    insta::assert_snapshot!("create_form_60x20", screen);
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `a` on a named guardrail: its keys and members; `x` removes one through a destructive
/// Review; `a` adds from the filterable choice, where a key holding another guardrail says
/// "replaces <name>", and so does its Review.
#[tokio::test]
async fn assignments_are_removed_and_added_through_reviews_that_say_what_they_replace() {
    const EU_KEY: &str = "5e7c2b7eeb49ee2d64d51b8d7ce84190d7f10f757c8b0dce49109484a1cc78cc";
    const BATCH_KEY: &str = "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b";
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let check = support::client::built(support::client::config(&server));
    let keys = check
        .list_keys(&orws::admin::keys::KeyQuery::all_in(PROD))
        .await
        .unwrap();
    let name = |h: &str| keys.iter().find(|k| k.hash == h).unwrap().name.clone();
    let (ui, task) = Setup::new(client, Some(PROD)).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Char('a'));
    ui.wait_for("nothing to assign", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Char('a'));
    let screen = ui.wait_for(&format!("key {}", name(EU_KEY)), WAIT).await;
    assert!(screen.contains("Assigned to \"EU data only\""), "{screen}");

    // Remove the key: destructive, through a Review of the exact request.
    ui.key(KeyCode::Char('x'));
    let review = ui
        .wait_for(
            &format!("POST /guardrails/{EU}/assignments/keys/remove"),
            WAIT,
        )
        .await;
    assert!(review.contains("Destructive"), "{review}");
    ui.key(KeyCode::Enter);
    ui.wait_for("applied", WAIT).await;
    ui.key(KeyCode::Enter);
    assert_eq!(
        check.guardrail_assignments(EU, false).await.unwrap(),
        Vec::<String>::new()
    );

    // Add the key holding Batch budget: it says what it replaces, and so does the Review.
    ui.wait_for("Assigned to", WAIT).await;
    ui.key(KeyCode::Char('a'));
    ui.wait_for("marked · / filters", WAIT).await;
    ui.key(KeyCode::Char('/'));
    typed(&ui, &name(BATCH_KEY));
    ui.wait_for(&format!("/{}▏", name(BATCH_KEY)), WAIT).await;
    ui.key(KeyCode::Enter);
    let choice = ui.wait_for("Space mark", WAIT).await;
    insta::assert_snapshot!("assign_choice_100x30", choice);
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Char('s'));
    let review = ui
        .wait_for(&format!("POST /guardrails/{EU}/assignments/keys"), WAIT)
        .await;
    assert!(review.contains("replaces Batch budget"), "{review}");
    assert!(review.contains(BATCH_KEY), "{review}");
    ui.key(KeyCode::Enter);
    let done = ui.wait_for("╭ Result", WAIT).await;
    assert!(done.contains("applied"), "{done}");
    assert_eq!(
        check.guardrail_assignments(EU, false).await.unwrap(),
        vec![BATCH_KEY.to_string()]
    );
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

/// A named guardrail's draft, kept under its id, is offered on the next open and comes back
/// when that guardrail's form is opened again.
#[tokio::test]
async fn a_named_guardrails_draft_comes_back_in_its_form() {
    let server = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        let client = support::client::built(support::client::config(&server));
        Setup::new(client, Some(PROD)).state(dir.path()).spawn()
    };
    let (ui, task) = start();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    ui.wait_for("Description", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    typed(&ui, "EU only, drafted");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('q'));
    ui.wait_for("1 unsaved change", WAIT).await;
    ui.key(KeyCode::Char('k'));
    task.await.unwrap();

    let (ui, task) = start();
    let question = ui.wait_for("Restore the draft?", WAIT).await;
    assert!(
        question.contains("Guardrail \"EU data only\": Description"),
        "{question}"
    );
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    ui.wait_for("EU only, drafted", WAIT).await;
    ui.key(KeyCode::Char('q'));
    ui.wait_for("1 unsaved change", WAIT).await;
    ui.key(KeyCode::Char('d'));
    task.await.unwrap();
    assert_eq!(writes(&server), Vec::<String>::new());
}

/// A named guardrail's PATCH: another writer's change to a field it changes stops it on the
/// Conflict screen with nothing sent; once sent, `u` on its result reviews the PATCH back, and
/// the history keeps both as a named guardrail's writes.
#[tokio::test]
async fn a_named_patch_stops_on_a_conflict_and_its_undo_patches_it_back() {
    let server = fake().await;
    let client = support::client::built(support::client::config(&server));
    let check = support::client::built(support::client::config(&server));
    let dir = tempfile::tempdir().unwrap();
    let (ui, task) = Setup::new(client, Some(PROD)).state(dir.path()).spawn();
    ui.wait_for("Settings", WAIT).await;
    ui.key(KeyCode::Char('5'));
    ui.wait_for("Batch budget", WAIT).await;
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    ui.wait_for("Description", WAIT).await;
    ui.key(KeyCode::Enter);
    typed(&ui, " (mine)");
    ui.key(KeyCode::Enter);
    ui.wait_for("EU data only (mine)", WAIT).await;
    // Someone else renames it meanwhile.
    let mut theirs = serde_json::Map::new();
    theirs.insert("name".into(), Value::from("EU (theirs)"));
    check.patch_guardrail(EU, &theirs).await.unwrap();
    ui.key(KeyCode::Char('s'));
    ui.wait_for(&format!("PATCH /guardrails/{EU}"), WAIT).await;
    ui.key(KeyCode::Enter);
    let conflict = ui.wait_for("Conflict", WAIT).await;
    assert!(conflict.contains("EU (theirs)"), "{conflict}");
    assert_eq!(
        writes(&server).len(),
        1,
        "only theirs: {:?}",
        writes(&server)
    );
    // Keep mine: reviewed again on what the server holds now, then sent.
    ui.key(KeyCode::Char('m'));
    let again = ui.wait_for("these changes (Enter sends)", WAIT).await;
    assert!(again.contains("EU (theirs)"), "{again}");
    ui.key(KeyCode::Char('s'));
    ui.wait_for(&format!("PATCH /guardrails/{EU}"), WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Applied.", WAIT).await;
    let g = check.get_named_guardrail(EU).await.unwrap();
    assert_eq!(g["name"], "EU data only (mine)");
    ui.key(KeyCode::Char('u'));
    ui.wait_for("undo", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Undone.", WAIT).await;
    let g = check.get_named_guardrail(EU).await.unwrap();
    assert_eq!(g["name"], "EU (theirs)");
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
    let history = orws::state::history::read_all(dir.path()).unwrap();
    let named: Vec<_> = history
        .entries
        .iter()
        .filter(|e| e.target.as_deref() == Some(EU))
        .collect();
    assert_eq!(named.len(), 2, "{:?}", history.entries);
    assert_eq!(named[0].kind, orws::state::history::Kind::Guardrail);
}
