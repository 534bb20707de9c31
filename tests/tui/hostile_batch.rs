//! The bulk edit (product.md §11) as a careless person drives it, through `App::update` and a
//! test terminal: each test here failed on the code as first merged, and names the promise it
//! broke.

use crate::support::common::assert_has;
use crate::support::tui_app::{key, typed};
use crossterm::event::KeyCode;
use orws::submit::{Applied, WriteOutcome};
use orws::tui::app::{App, Msg, Screen};
use orws::tui::screens::bulk::{BulkMsg, Purpose};
use orws::workspace::Workspace;
use serde_json::json;

fn ws(id: &str, name: &str, slug: &str) -> Workspace {
    Workspace::from_json(json!({
        "id": id, "name": name, "slug": slug, "description": null,
        "io_logging_sampling_rate": 1,
        "is_data_discount_logging_enabled": true,
        "is_observability_broadcast_enabled": false,
        "is_observability_io_logging_enabled": false,
        "updated_at": "2025-08-24T15:45:00Z"
    }))
    .unwrap()
}

fn screen(app: &App, (w, h): (u16, u16)) -> String {
    crate::support::tui_app::draw(app, w, h)
}

fn applied(item: &orws::batch::Item) -> WriteOutcome {
    WriteOutcome::Applied(Box::new(Applied {
        outcome: orws::tui::app::SubmitOutcome {
            before: item.base.clone(),
            after: item.patch.apply_to(&item.base),
            patch: item.patch.clone(),
            remote_changes: vec![],
        },
        mismatches: vec![],
        notes: vec![],
        after_all: false,
    }))
}

/// The picker listing alpha (named "Alpha") and beta (named `beta_name`).
fn listed(beta_name: &str) -> App {
    let (mut app, _) = App::new("openrouter.ai", None);
    app.update(Msg::ListLoaded(Ok(vec![
        ws("u-alpha", "Alpha", "alpha"),
        ws("u-beta", beta_name, "beta"),
    ])));
    app
}

/// Both workspaces marked and opened in the bulk form.
fn bulk_of_both() -> App {
    let mut app = listed("Beta");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('e'));
    app
}

/// Undoing a name given to two workspaces gives each its own name back: the Review of the
/// undo must not warn that they all get the same name.
#[test]
fn the_undo_of_a_shared_name_does_not_warn_of_one_name_for_all() {
    let mut app = bulk_of_both();
    assert!(matches!(app.screen, Screen::Bulk));
    app.bulk.as_mut().unwrap().form.focus_field("name");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "Same");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(
        screen(&app, (100, 30)).contains("same name"),
        "the change warns"
    );
    key(&mut app, KeyCode::Enter);
    let items = match app.bulk.as_ref().unwrap().progress() {
        Some(p) => p.items.clone(),
        other => panic!("not in progress: {other:?}"),
    };
    let outcomes = items.iter().map(|i| Some(applied(i))).collect();
    app.update(Msg::Bulk(BulkMsg::Finished(outcomes)));
    key(&mut app, KeyCode::Char('u'));
    let Some(review) = app.bulk.as_ref().unwrap().reviewing() else {
        panic!("the undo opens a Review");
    };
    assert_eq!(review.purpose, Purpose::Undo);
    let text = screen(&app, (100, 30));
    assert_has(&text, "Alpha");
    assert_has(&text, "Beta");
    assert!(!text.contains("same name"), "a false warning:\n{text}");
}

/// Leaving a bulk form with a change offers to keep its draft: every answer is read whole,
/// not cut at the question's edge, at the usual size and at the smallest.
#[test]
fn leaving_a_bulk_edit_offers_its_draft_whole() {
    let mut app = bulk_of_both();
    app.bulk
        .as_mut()
        .unwrap()
        .form
        .focus_field("is_observability_broadcast_enabled");
    key(&mut app, KeyCode::Char(' '));
    for (leave, size) in [(KeyCode::Esc, (100, 30)), (KeyCode::Char('q'), (60, 20))] {
        key(&mut app, leave);
        let text = screen(&app, size);
        assert_has(&text, "1 unsaved change.");
        // Each answer whole: the keep one wraps under itself at the smallest size.
        assert_has(&text, "keep the");
        assert_has(&text, "draft");
        assert_has(&text, "discard and");
        key(&mut app, KeyCode::Char('n'));
    }
}

fn undo_item(id: &str, label: &str, after: &str, back: &str) -> orws::batch::Item {
    let base = Workspace::from_json(json!({"id": id, "name": after, "slug": label})).unwrap();
    orws::batch::Item {
        id: id.into(),
        label: label.into(),
        base,
        patch: orws::workspace::PatchBody::from_fields(
            json!({"name": back}).as_object().unwrap().clone(),
        ),
    }
}

/// `u` on a batch in the History whose change was undone already: the workspaces hold the
/// old values, so the Review must send them nothing (as `u` on one entry says "Nothing to
/// undo"); before, Enter sent a PATCH to each and recorded it as applied.
#[test]
fn undoing_a_batch_already_undone_sends_nothing_to_those_that_hold_the_old_values() {
    // The list as last read: alpha already back to "Alpha", beta still "Same".
    let mut app = listed("Same");
    let items = vec![
        undo_item("u-alpha", "alpha", "Same", "Alpha"),
        undo_item("u-beta", "beta", "Same", "Beta"),
    ];
    orws::tui::app::bulk::open_undo(&mut app, items.clone());
    let Some(review) = app.bulk.as_ref().unwrap().reviewing() else {
        panic!("a Review of the undo");
    };
    let ids: Vec<&str> = review.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u-beta"], "alpha holds its old name already");
    assert_eq!(review.unchanged, ["alpha"]);

    // Both already back: nothing to review, nothing to send.
    let mut app = listed("Beta");
    let effects = orws::tui::app::bulk::open_undo(&mut app, items);
    assert!(app.bulk.is_none(), "no Review when nothing is to be sent");
    assert!(effects.is_empty(), "{effects:?}");
    let status = app.status.as_ref().expect("a message").text.clone();
    assert_has(&status, "Nothing to undo");
}
