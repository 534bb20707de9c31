//! `App::update` against answers that come late or not at all: a stale load never opens the
//! wrong workspace, a failed list is an error state with `r`, not "No workspaces".

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::key;

use crossterm::event::KeyCode;
use orws::api::ApiError;
use orws::tui::app::{App, Effect, Msg, Screen};
use orws::workspace::Workspace;
use serde_json::json;

fn other() -> Workspace {
    Workspace::from_json(json!({
        "id": "00000000-0000-4000-8000-000000000002",
        "name": "Staging",
        "slug": "staging",
    }))
    .unwrap()
}

fn text_of(app: &App) -> String {
    crate::support::tui_app::draw(app, 80, 24)
}

/// Open production, Esc back to the picker, open staging: production's answer arriving late
/// does not open it; staging's does.
#[test]
fn a_stale_load_never_opens_the_workspace_left() {
    let (mut app, _) = App::new("openrouter.ai", None);
    let production = common::production();
    app.update(Msg::ListLoaded(Ok(vec![production.clone(), other()])));
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace(production.id().into())]
    );
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Picker), "{:?}", app.screen);
    key(&mut app, KeyCode::Down);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace(other().id().into())]
    );

    let effects = app.update(Msg::WorkspaceLoaded {
        target: production.id().into(),
        result: Ok(production),
    });
    assert_eq!(effects, vec![]);
    assert!(app.form.is_none());
    assert!(
        matches!(&app.screen, Screen::Loading { target, error: None } if target == other().id()),
        "{:?}",
        app.screen
    );

    app.update(app.loaded(Ok(other())));
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(app.form.as_ref().unwrap().workspace.id(), other().id());
}

/// The server answering with another workspace than the one asked for is said on the loading
/// screen; it never spins on.
#[test]
fn an_answer_with_another_workspace_is_said_not_spun_on() {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(other())));
    let Screen::Loading { error: Some(e), .. } = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_has(e, "another");
    assert!(!app.is_busy());
}

/// Issue 18 item 10: one identity check for both front ends. A uuid asked for matches only an
/// id, never a workspace whose slug happens to be that uuid (the TUI used to open it).
#[test]
fn a_uuid_asked_for_is_never_matched_by_a_slug() {
    let asked = "00000000-0000-4000-8000-000000000009";
    let impostor = Workspace::from_json(json!({
        "id": "00000000-0000-4000-8000-000000000002",
        "name": "Impostor",
        "slug": asked,
    }))
    .unwrap();
    let (mut app, _) = App::new("openrouter.ai", Some(asked.into()));
    app.update(app.loaded(Ok(impostor)));
    let Screen::Loading { error: Some(e), .. } = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_has(e, "another");
}

/// Opened by slug (any case) or by uuid, the answer is recognised as the one asked for.
#[test]
fn an_answer_for_the_slug_or_uuid_asked_opens() {
    for target in ["staging", "Staging", "00000000-0000-4000-8000-000000000002"] {
        let (mut app, _) = App::new("openrouter.ai", Some(target.into()));
        app.update(app.loaded(Ok(other())));
        assert!(matches!(app.screen, Screen::Form), "{target}");
    }
}

/// A failed list load is an error state that says why and offers `r`; it is not an empty list.
#[test]
fn a_failed_picker_load_is_an_error_state_with_retry() {
    let (mut app, _) = App::new("openrouter.ai", None);
    app.update(Msg::ListLoaded(Err(ApiError::Timeout { secs: 3 })));
    assert_eq!(
        app.picker.error.as_deref(),
        Some("no answer within 3 s (raise it with --timeout)")
    );
    let shown = text_of(&app);
    assert_has(&shown, "Could not load the workspaces");
    assert_has(&shown, "no answer within 3 s");
    assert_has(&shown, "r retries");
    assert_lacks(&shown, "No workspaces");

    assert_eq!(key(&mut app, KeyCode::Char('r')), vec![Effect::LoadList]);
    assert!(text_of(&app).contains("Loading workspaces"));
    app.update(Msg::ListLoaded(Ok(vec![other()])));
    assert_eq!(app.picker.error, None);
    assert!(text_of(&app).contains("Staging"));
}

/// Pages came, then the load failed: what came is shown, marked incomplete.
#[test]
fn a_picker_load_failing_midway_says_the_list_is_incomplete() {
    let (mut app, _) = App::new("openrouter.ai", None);
    app.update(Msg::ListPage {
        page: vec![other()],
        total: Some(500),
    });
    app.update(Msg::ListLoaded(Err(ApiError::Paging(
        "an empty page".into(),
    ))));
    let shown = text_of(&app);
    assert_has(&shown, "Staging");
    assert_has(&shown, "incomplete, r retries");
}
