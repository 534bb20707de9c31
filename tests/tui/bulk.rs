//! Bulk edit with plain values: marks in the picker, the one form for many workspaces, the
//! per-workspace patches and the Review (App::update, no terminal, no server), and snapshots
//! of its screens.

use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::{key, typed};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::api::ApiError;
use orws::batch::{Event, Status};
use orws::config::{KeySpec, Scope};
use orws::submit::{Applied, Phase as WritePhase, WriteOutcome};
use orws::tui::app::{App, Effect, Msg, Overlay, Screen};
use orws::tui::input;
use orws::tui::screens::bulk::{BulkEffect, BulkMsg, Phase, Purpose};
use orws::workspace::Workspace;
use serde_json::{Value, json};

fn ws(id: &str, name: &str, slug: &str, sort: &str, rate: f64) -> Workspace {
    Workspace::from_json(json!({
        "id": id,
        "name": name,
        "slug": slug,
        "description": null,
        "default_text_model": "openai/gpt-4o",
        "default_image_model": null,
        "default_provider_sort": sort,
        "io_logging_sampling_rate": rate,
        "io_logging_api_key_ids": null,
        "is_data_discount_logging_enabled": true,
        "is_observability_broadcast_enabled": false,
        "is_observability_io_logging_enabled": false,
        "created_at": "2025-08-24T10:30:00Z",
        "updated_at": "2025-08-24T15:45:00Z"
    }))
    .unwrap()
}

/// Four workspaces: alpha, beta and gamma sort by price, delta by latency; rates differ.
fn list() -> Vec<Workspace> {
    vec![
        ws("u-alpha", "Alpha", "alpha", "price", 1.0),
        ws("u-beta", "Beta", "beta", "price", 0.5),
        ws("u-gamma", "Gamma", "gamma", "price", 1.0),
        ws("u-delta", "Delta", "delta", "latency", 0.25),
    ]
}

fn picker() -> App {
    let (mut app, _) = App::new("openrouter.ai", None);
    app.update(Msg::ListLoaded(Ok(list())));
    app
}

/// Marks the workspaces whose slugs are given (filtering to each, then clearing the filter).
fn mark(app: &mut App, slugs: &[&str]) {
    for slug in slugs {
        key(app, KeyCode::Char('/'));
        typed(app, slug);
        key(app, KeyCode::Enter);
        key(app, KeyCode::Char(' '));
        key(app, KeyCode::Esc);
    }
}

/// The picker with `slugs` marked and the bulk form open.
fn bulk_form(slugs: &[&str]) -> App {
    let mut app = picker();
    mark(&mut app, slugs);
    let id = orws::state::drafts::bulk_id(app.picker.marked_workspaces().iter().map(|w| w.id()));
    // A draft of this same bulk edit, if a gone session left one, is looked for.
    assert_eq!(
        key(&mut app, KeyCode::Char('e')),
        vec![Effect::LoadDraft { workspace_id: id }]
    );
    assert!(matches!(app.screen, Screen::Bulk));
    app
}

fn field<'a>(app: &'a App, name: &str) -> &'a orws::tui::screens::form::field_state::FieldState {
    let form = &app.bulk.as_ref().unwrap().form;
    form.fields.iter().find(|f| f.spec.name == name).unwrap()
}

fn focus_on(app: &mut App, name: &str) {
    app.bulk.as_mut().unwrap().form.focus_field(name);
}

fn review(app: &App) -> &orws::tui::screens::bulk::review::BulkReview {
    match app.bulk.as_ref().unwrap().reviewing() {
        Some(r) => r,
        other => panic!("not on the review: {other:?}"),
    }
}

fn screen(app: &App, (w, h): (u16, u16)) -> String {
    crate::support::tui_app::draw(app, w, h)
}

#[test]
fn space_marks_by_uuid_and_filtering_keeps_the_marks() {
    let mut app = picker();
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.picker.selected, 1,
        "the highlight moves on after a mark"
    );
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.picker.marked_count(), 2);
    // A filter that hides both keeps them marked.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "delta");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.picker.matches().len(), 1);
    assert_eq!(app.picker.marked_count(), 2);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.picker.marked_count(), 3);
    assert!(app.picker.marked.contains("u-delta"));
    let text = screen(&app, (80, 24));
    assert_has(&text, "3 marked");
    assert_has(&text, "✓ Delta");
    // Esc clears the filter first, then the marks.
    key(&mut app, KeyCode::Esc);
    assert!(app.picker.filter.is_empty());
    assert_eq!(app.picker.marked_count(), 3);
    let text = screen(&app, (80, 24));
    assert_has(&text, "✓ Alpha");
    assert_has(&text, "✓ Beta");
    assert_lacks(&text, "✓ Gamma");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.picker.marked_count(), 0);
    // Space on a marked row unmarks it.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.picker.marked_count(), 0);
}

#[test]
fn without_marks_enter_opens_one_and_e_only_says_how() {
    let mut app = picker();
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace("u-alpha".into())]
    );
    let mut app = picker();
    assert_eq!(key(&mut app, KeyCode::Char('e')), vec![]);
    assert!(matches!(app.screen, Screen::Picker));
    assert!(app.status.as_ref().unwrap().text.contains("Space"));
    // With marks, Enter opens the bulk form too.
    mark(&mut app, &["beta", "gamma"]);
    assert!(matches!(
        key(&mut app, KeyCode::Enter).as_slice(),
        [Effect::LoadDraft { .. }]
    ));
    assert!(matches!(app.screen, Screen::Bulk));
    assert_eq!(app.bulk.as_ref().unwrap().workspaces.len(), 2);
}

#[test]
fn the_bulk_form_has_no_slug_shows_shared_values_and_counts_different_ones() {
    let app = bulk_form(&["alpha", "beta", "delta"]);
    let form = &app.bulk.as_ref().unwrap().form;
    assert!(form.fields.iter().all(|f| f.spec.name != "slug"));
    assert_eq!(field(&app, "name").mixed, Some(3));
    assert_eq!(field(&app, "default_provider_sort").mixed, Some(2));
    assert_eq!(field(&app, "io_logging_sampling_rate").mixed, Some(3));
    let model = field(&app, "default_text_model");
    assert_eq!(model.mixed, None);
    assert_eq!(model.current, Some(json!("openai/gpt-4o")));
    let text = screen(&app, (100, 30));
    assert_has(&text, "3 values");
    assert_has(&text, "2 values");
    assert!(
        text.contains("openai/gpt-4o"),
        "a shared value is shown:\n{text}"
    );
    assert_lacks(&text, "Slug");
    assert_eq!(app.unsaved(), 0, "nothing modified yet");
}

#[test]
fn entering_and_leaving_a_mixed_field_changes_nothing() {
    let mut app = bulk_form(&["alpha", "beta"]);
    key(&mut app, KeyCode::Enter); // edit the name
    assert_eq!(input::context(&app), Err(input::TextInput::FormEdit));
    key(&mut app, KeyCode::Enter);
    assert_eq!(field(&app, "name").shows_mixed(), Some(2));
    assert_eq!(app.unsaved(), 0);
}

#[test]
fn one_minimal_patch_per_workspace_and_none_where_the_value_is_held() {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    // Sort by latency everywhere: delta already does.
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(
        field(&app, "default_provider_sort").current,
        Some(json!("price"))
    );
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(
        field(&app, "default_provider_sort").current,
        Some(json!("latency"))
    );
    assert!(field(&app, "default_provider_sort").is_modified());
    key(&mut app, KeyCode::Char('s'));
    let r = review(&app);
    assert_eq!(r.purpose, Purpose::Edit);
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u-alpha", "u-beta"]);
    for item in &r.items {
        assert_eq!(
            item.patch.to_body_string(),
            r#"{"default_provider_sort":"latency"}"#
        );
    }
    assert_eq!(r.unchanged, ["delta"]);
    assert_eq!(
        r.count_line(),
        "apply to 2 workspaces · 1 other already holds these values (nothing sent)"
    );
    let text = screen(&app, (100, 30));
    assert_has(&text, "Apply to 2 workspaces");
    assert_has(&text, "PATCH /workspaces/u-beta");
    assert_has(&text, r#""default_provider_sort": "latency""#);
    // Nothing is sent before Enter; Esc goes back to the form with the change kept.
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.bulk.as_ref().unwrap().phase, Phase::Form));
    assert_eq!(app.unsaved(), 1);
}

#[test]
fn the_result_accounts_for_the_workspaces_that_already_held_the_value() {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    // Sort by latency everywhere: delta already does, so nothing goes to it.
    focus_on(&mut app, "default_provider_sort");
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('l'));
    }
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(review(&app).unchanged, ["delta"]);
    let items = review(&app).items.clone();
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Bulk(BulkMsg::Finished(
        items.iter().map(|i| Some(applied(i))).collect(),
    )));
    assert_eq!(input::context(&app), Ok(Scope::Result));
    let text = screen(&app, (100, 30));
    assert_has(&text, "2 applied · 0 conflicts · 0 failed · 1 already held");
    assert_has(&text, "= unchanged    delta");
    assert_has(&text, "already held these values: nothing sent");
}

#[test]
fn a_value_every_workspace_holds_sends_nothing() {
    let mut app = bulk_form(&["alpha", "gamma"]);
    // The rate they share is 1: typed as 100% it is the same value.
    focus_on(&mut app, "io_logging_sampling_rate");
    key(&mut app, KeyCode::Enter);
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "100%");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.bulk.as_ref().unwrap().phase, Phase::Form));
    assert!(
        app.status.as_ref().unwrap().text.contains("nothing"),
        "{:?}",
        app.status
    );
}

#[test]
fn a_mixed_field_set_goes_to_those_that_differ_only() {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    focus_on(&mut app, "io_logging_sampling_rate");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "0.5");
    key(&mut app, KeyCode::Enter);
    assert!(field(&app, "io_logging_sampling_rate").is_modified());
    key(&mut app, KeyCode::Char('s'));
    let r = review(&app);
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u-alpha", "u-delta"], "beta holds 0.5 already");
    assert_eq!(r.unchanged, ["beta"]);
}

#[test]
fn a_bad_value_is_flagged_as_typed_and_blocks_the_review() {
    let mut app = bulk_form(&["alpha", "beta"]);
    focus_on(&mut app, "io_logging_sampling_rate");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "2");
    assert!(
        field(&app, "io_logging_sampling_rate").error().is_some(),
        "validated on the keystroke"
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.bulk.as_ref().unwrap().phase, Phase::Form));
    assert!(app.status.as_ref().unwrap().text.contains("Fix"));
}

#[test]
fn a_name_change_warns_that_all_get_the_same_name() {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "Shared");
    key(&mut app, KeyCode::Enter);
    let warning = field(&app, "name").warning.clone().unwrap();
    assert_has(&warning, "all 3 workspaces");
    let text = screen(&app, (100, 30));
    assert_has(&text, "All 3 workspaces will get the same name");
    key(&mut app, KeyCode::Char('s'));
    let text = screen(&app, (100, 30));
    assert_has(&text, "All 3 workspaces get the same name");
    assert_eq!(review(&app).items.len(), 3);
}

#[test]
fn undo_and_redo_work_as_in_the_form() {
    let mut app = bulk_form(&["alpha", "delta"]);
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char(' '));
    assert!(field(&app, "default_provider_sort").is_modified());
    focus_on(&mut app, "is_observability_broadcast_enabled");
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.unsaved(), 2);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.unsaved(), 1);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.unsaved(), 0);
    assert_eq!(
        field(&app, "default_provider_sort").shows_mixed(),
        Some(2),
        "undo puts the \"2 values\" back"
    );
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(app.unsaved(), 1);
    // x resets the field back to its different values.
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(field(&app, "default_provider_sort").shows_mixed(), Some(2));
}

/// Was: a bulk edit kept no draft, so `q` offered only discard (issue 20 item 1). Now its
/// edits are a draft keyed by the marked workspaces: written as typed, kept by `y` on going
/// back and on quitting, deleted by `d`.
#[test]
fn a_bulk_edit_is_kept_as_a_draft_of_its_marked_workspaces() {
    let mut app = bulk_form(&["alpha", "beta"]);
    let id = app.bulk.as_ref().unwrap().draft_id();
    focus_on(&mut app, "is_observability_broadcast_enabled");
    let effects = key(&mut app, KeyCode::Char(' '));
    let [Effect::SaveDraft(draft)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(draft.workspace_id, id);
    assert_eq!(draft.len(), 1);
    let effects = key(&mut app, KeyCode::Char('q'));
    assert!(!effects.contains(&Effect::Quit), "{effects:?}");
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    let text = screen(&app, (80, 24));
    assert_has(&text, "quit and keep the draft");
    key(&mut app, KeyCode::Char('n'));
    assert_eq!((app.overlay, app.unsaved()), (None, 1));
    // Back to the list keeping the draft: nothing deletes it, the marks stay.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: false }));
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.screen, Screen::Picker));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteDraft { .. })),
        "{effects:?}"
    );
    assert_eq!(app.picker.marked_count(), 2);
    // The same marks open the same bulk edit and look for its draft; `d` deletes it.
    assert_eq!(
        key(&mut app, KeyCode::Char('e')),
        vec![Effect::LoadDraft {
            workspace_id: id.clone()
        }]
    );
    focus_on(&mut app, "is_observability_broadcast_enabled");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Esc);
    let effects = key(&mut app, KeyCode::Char('d'));
    assert!(effects.contains(&Effect::DeleteDraft { workspace_id: id }));
    assert!(app.bulk.is_none());
}

/// A draft of this bulk edit left by a gone session is offered when the same workspaces are
/// marked and edited, and restoring puts its values back on the bulk form.
#[test]
fn a_left_over_bulk_draft_is_offered_and_restored() {
    let mut app = bulk_form(&["alpha", "beta"]);
    focus_on(&mut app, "is_observability_broadcast_enabled");
    let effects = key(&mut app, KeyCode::Char(' '));
    let [Effect::SaveDraft(draft)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let mut fresh = bulk_form(&["beta", "alpha"]);
    assert_eq!(fresh.bulk.as_ref().unwrap().draft_id(), draft.workspace_id);
    fresh.update(Msg::DraftLoaded(Ok(Some(draft.clone()))));
    assert_eq!(fresh.overlay, Some(Overlay::RestoreDraft));
    let text = screen(&fresh, (100, 30));
    assert_has(&text, "a bulk edit of these 2");
    let effects = key(&mut fresh, KeyCode::Char('y'));
    assert_eq!(fresh.unsaved(), 1);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::SaveDraft(_))),
        "{effects:?}"
    );
    // Another set of marks is another bulk edit: its draft is not this one.
    let other = bulk_form(&["alpha", "delta"]);
    assert_ne!(other.bulk.as_ref().unwrap().draft_id(), draft.workspace_id);
}

#[test]
fn enter_on_the_review_starts_the_batch_and_no_letter_does() {
    let mut app = bulk_form(&["alpha", "delta"]);
    focus_on(&mut app, "is_observability_broadcast_enabled");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(input::context(&app), Ok(Scope::Review));
    for c in "abcdefghijklmnopqrstuvwxyz".chars() {
        if c == 'q' {
            continue;
        }
        let effects = key(&mut app, KeyCode::Char(c));
        assert!(effects.is_empty(), "{c} did {effects:?}");
    }
    let effects = key(&mut app, KeyCode::Enter);
    // The draft stays while the batch runs (a kill mid-batch keeps the edits).
    let [Effect::Bulk(BulkEffect::Run(items, None))] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(items.len(), 2);
    assert!(app.bulk.as_ref().unwrap().progress().is_some());
    assert!(app.is_busy());
    assert_eq!(input::context(&app), Ok(Scope::Submitting));
    // Esc stops starting new ones (once).
    assert_eq!(
        key(&mut app, KeyCode::Esc),
        vec![Effect::Bulk(BulkEffect::Stop)]
    );
    assert_eq!(key(&mut app, KeyCode::Esc), vec![]);
    assert_eq!(app.unsaved(), 0, "sent edits are not unsaved");
}

// ---- snapshots ----------------------------------------------------------------------------

#[test]
fn snapshot_bulk_form_and_review() {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    insta::assert_snapshot!("bulk_form_100x30", screen(&app, (100, 30)));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "Shared");
    key(&mut app, KeyCode::Enter);
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char('h'));
    insta::assert_snapshot!("bulk_form_edited_80x24", screen(&app, (80, 24)));
    key(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!("bulk_review_100x30", screen(&app, (100, 30)));
    insta::assert_snapshot!("bulk_review_60x20", screen(&app, (60, 20)));
}

#[test]
fn snapshot_picker_with_marks() {
    let mut app = picker();
    mark(&mut app, &["beta", "delta"]);
    insta::assert_snapshot!("bulk_picker_marked_80x24", screen(&app, (80, 24)));
}

#[test]
fn a_null_toggle_shows_as_a_value_not_as_mixed() {
    // A field every workspace lacks stays hidden (disabled_server_tools here).
    let app = bulk_form(&["alpha", "beta"]);
    let tools = field(&app, "disabled_server_tools");
    assert!(!tools.is_visible());
    assert_eq!(field(&app, "description").current, Some(Value::Null));
}

/// The batch of `enter_on_the_review…` over alpha, beta and delta (default_provider_sort →
/// throughput), started.
fn progress() -> App {
    let mut app = bulk_form(&["alpha", "beta", "delta"]);
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(review(&app).items.len(), 3);
    key(&mut app, KeyCode::Enter);
    app
}

fn items(app: &App) -> Vec<orws::batch::Item> {
    match app.bulk.as_ref().unwrap().progress() {
        Some(p) => p.items.clone(),
        other => panic!("not in progress: {other:?}"),
    }
}

/// The item's write met a colleague's change of the same field (the sort set to exacto).
fn conflicted(item: &orws::batch::Item) -> WriteOutcome {
    let mut server = item.base.clone();
    server.set("default_provider_sort", json!("exacto"));
    let report = orws::workspace::check_conflicts(&item.base, &server, &item.patch);
    WriteOutcome::Conflict { server, report }
}

fn applied(item: &orws::batch::Item) -> WriteOutcome {
    let after = item.patch.apply_to(&item.base);
    WriteOutcome::Applied(Box::new(Applied {
        outcome: orws::tui::app::SubmitOutcome {
            before: item.base.clone(),
            after,
            patch: item.patch.clone(),
            remote_changes: vec![],
        },
        mismatches: vec![],
        notes: vec![],
        after_all: false,
    }))
}

fn event(app: &mut App, e: Event) {
    app.update(Msg::Bulk(BulkMsg::Event(e)));
}

#[test]
fn progress_counts_done_and_says_slowed_down_and_stopping() {
    let mut app = progress();
    event(
        &mut app,
        Event::Phase {
            index: 0,
            phase: WritePhase::Checking,
        },
    );
    event(
        &mut app,
        Event::Done {
            index: 0,
            status: Status::Applied,
        },
    );
    event(
        &mut app,
        Event::Phase {
            index: 1,
            phase: WritePhase::Sending { attempt: 1 },
        },
    );
    event(
        &mut app,
        Event::Slowed {
            limit: 2,
            wait: std::time::Duration::from_secs(1),
        },
    );
    let text = screen(&app, (80, 24));
    assert_has(&text, "1/3");
    assert_has(&text, "slowed down");
    assert_has(&text, "1 applied · 0 conflicts · 0 failed");
    insta::assert_snapshot!("bulk_progress_80x24", text);
    key(&mut app, KeyCode::Esc);
    let text = screen(&app, (80, 24));
    assert_has(&text, "Stopping: 1 not started");
    // A resize redraws; the screen stays.
    app.update(Msg::Resize);
    assert!(screen(&app, (60, 20)).contains("1/3"));
}

#[test]
fn the_result_lists_each_workspace_and_retry_and_undo_pick_theirs() {
    let mut app = progress();
    let items = items(&app);
    let outcomes = vec![
        Some(applied(&items[0])),
        Some(conflicted(&items[1])),
        Some(WriteOutcome::NotApplied {
            error: ApiError::BadRequest {
                message: "boom".into(),
                field: None,
            },
            checked: None,
            server: None,
        }),
    ];
    let effects = app.update(Msg::Bulk(BulkMsg::Finished(outcomes)));
    let [Effect::Bulk(BulkEffect::Record { outcomes: recorded })] = effects.as_slice() else {
        panic!("one history record, and the draft kept: {effects:?}");
    };
    assert_eq!(recorded.len(), 3);
    // Not landed everywhere: the edits stay unsaved (the quit question asks) and drafted.
    assert_eq!(
        app.unsaved(),
        app.bulk.as_ref().unwrap().form.modified_count()
    );
    assert!(app.unsaved() > 0);
    assert!(app.drafts_now()[0].1.is_some());
    assert_eq!(input::context(&app), Ok(Scope::Result));
    let text = screen(&app, (80, 24));
    assert_has(&text, "1 applied · 1 conflict · 1 failed");
    insta::assert_snapshot!("bulk_result_80x24", text);

    // r: a Review of the failed one only.
    key(&mut app, KeyCode::Char('r'));
    let r = review(&app);
    assert_eq!(r.purpose, Purpose::Retry);
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u-delta"]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(input::context(&app), Ok(Scope::Result));

    // u: a Review undoing only the applied one, back to its value.
    key(&mut app, KeyCode::Char('u'));
    let r = review(&app);
    assert_eq!(r.purpose, Purpose::Undo);
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u-alpha"]);
    assert_eq!(
        r.items[0].patch.to_body_string(),
        r#"{"default_provider_sort":"price"}"#
    );
    key(&mut app, KeyCode::Esc);
    // Esc on the result: back to the picker, the marks kept.
    let effects = key(&mut app, KeyCode::Esc);
    assert!(effects.contains(&Effect::LoadList));
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(app.picker.marked_count(), 3);
}

#[test]
fn nothing_landed_records_no_history_and_has_nothing_to_undo() {
    let mut app = progress();
    let effects = app.update(Msg::Bulk(BulkMsg::Finished(vec![None, None, None])));
    assert_eq!(effects, vec![]);
    let text = screen(&app, (80, 24));
    assert_has(&text, "3 not started");
    // Nothing landed: no undo is offered, and `u` does nothing.
    assert_lacks(&text, "u undo");
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    assert_eq!(input::context(&app), Ok(Scope::Result));
    // r: the writes a stop (or anything) left unstarted can be started again.
    key(&mut app, KeyCode::Char('r'));
    let r = review(&app);
    assert_eq!(r.purpose, Purpose::Retry);
    assert_eq!(r.items.len(), 3);
}

#[test]
fn with_only_applied_and_conflicts_there_is_nothing_to_try_again() {
    let mut app = progress();
    let items = items(&app);
    app.update(Msg::Bulk(BulkMsg::Finished(vec![
        Some(applied(&items[0])),
        Some(conflicted(&items[1])),
        Some(applied(&items[2])),
    ])));
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(input::context(&app), Ok(Scope::Result));
    let status = app.status.as_ref().unwrap().text.clone();
    assert_has(&status, "never tried again");
}

#[test]
fn the_wheel_scrolls_a_long_review_and_the_mark_key_can_be_rebound() {
    let mut app = picker();
    app.mouse = true;
    let mut keys = app.keys.clone();
    keys.set(
        orws::config::Action::Mark,
        vec![KeySpec::new(KeyCode::Char('m'), KeyModifiers::NONE)],
    );
    app.keys = keys;
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.picker.marked_count(), 0, "Space is no longer mark");
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('m'));
    }
    assert_eq!(app.picker.marked_count(), 4, "m marks");
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "Shared");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    screen(&app, (60, 20));
    let wheel = |kind| {
        Msg::Mouse(crossterm::event::MouseEvent {
            kind,
            column: 10,
            row: 5,
            modifiers: KeyModifiers::NONE,
        })
    };
    let scroll = |app: &App| orws::tui::app::bulk::flow(app).unwrap().scroll;
    app.update(wheel(crossterm::event::MouseEventKind::ScrollDown));
    assert_eq!(scroll(&app), 1);
    app.update(wheel(crossterm::event::MouseEventKind::ScrollUp));
    assert_eq!(scroll(&app), 0);
}

#[test]
fn a_paste_goes_into_the_bulk_field_being_edited() {
    let mut app = bulk_form(&["alpha", "beta"]);
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Paste("Pasted".into()));
    key(&mut app, KeyCode::Enter);
    assert_eq!(field(&app, "name").current, Some(json!("Pasted")));
}

/// Two `Esc` by reflex (the filter, then the marks) no longer lose a marked set for good: `u`
/// brings the marks back (issue 20 item 5); marking anew forgets what was cleared.
#[test]
fn marks_cleared_by_esc_come_back_with_u() {
    let mut app = picker();
    mark(&mut app, &["alpha", "beta", "gamma"]);
    assert_eq!(app.picker.marked_count(), 3);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "al");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.picker.marked_count(), 0);
    let said = app.status.as_ref().unwrap().text.clone();
    assert_has(&said, "u brings them back");
    let shown = screen(&app, (100, 30));
    assert_has(&shown, "u bring back the marks");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.picker.marked_count(), 3);
    // Cleared again, then a new mark: `u` has nothing to bring back.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.picker.marked_count(), 1);
}

/// Was: closing a batch's Result (Enter, or a second Enter typed by reflex) cleared the status
/// line, and the list read again cleared it too: nothing said how the batch had ended, nor a
/// read-back's warning. Leaving a batch Review opened from the history said "Nothing was sent"
/// and cleared it at once.
#[test]
fn closing_a_batch_result_leaves_its_outcome_on_the_status_line() {
    let status = |app: &App| app.status.clone().map(|s| s.text).unwrap_or_default();
    let mut app = progress();
    let items = items(&app);
    let outcomes = items.iter().map(|i| Some(applied(i))).collect();
    app.update(Msg::Bulk(BulkMsg::Finished(outcomes)));
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::LoadList]);
    assert!(status(&app).contains("3 applied"), "{}", status(&app));
    app.update(Msg::ListLoaded(Ok(list())));
    assert!(status(&app).contains("3 applied"), "{}", status(&app));
}

/// Was: a batch's Result offered "u undo what landed" when nothing had landed (u then only
/// says there is nothing to undo); "r try the failed again" stays, the kind says when.
#[test]
fn a_batch_where_nothing_landed_offers_no_undo() {
    let offers_undo = |app: &App| match &app.bulk.as_ref().unwrap().phase {
        Phase::Write(flow) => flow
            .hints()
            .iter()
            .any(|(a, _)| *a == orws::config::Action::Undo),
        other => panic!("{other:?}"),
    };
    let mut app = progress();
    app.update(Msg::Bulk(BulkMsg::Finished(vec![None, None, None])));
    assert!(!offers_undo(&app));
    let mut app = progress();
    let items = items(&app);
    app.update(Msg::Bulk(BulkMsg::Finished(vec![
        Some(applied(&items[0])),
        None,
        None,
    ])));
    assert!(offers_undo(&app));
}
