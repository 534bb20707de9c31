//! The workspace's tabs and admin screens, decided by `update` with plain values: no I/O.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::tui::app::{App, Effect, Msg, Overlay, Screen};
use orws::tui::screens::tabs::Tab;
use orws::tui::test_host::buffer_text;
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| view::draw(frame, app, &Theme::new(false)))
        .unwrap();
    buffer_text(terminal.backend().buffer())
}

fn form() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    app
}

#[test]
fn the_workspace_opens_on_settings_and_loads_nothing_else() {
    let (mut app, first) = App::new("openrouter.ai", Some("production".into()));
    assert_eq!(first, vec![Effect::LoadWorkspace("production".into())]);
    let effects = app.update(app.loaded(Ok(common::production())));
    assert_eq!(app.tabs.current, Tab::Settings);
    // The draft and the catalog; no tab loads before its first visit.
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::LoadDraft { .. } | Effect::LoadCatalog)),
        "{effects:?}"
    );
    let text = draw(&app, 80, 24);
    assert!(text.contains("[1 Settings] · 2 Budgets · 3 Members · 4 Keys · 5 Guardrail"));
    assert!(
        text.contains("Production (production) · 1 Settings"),
        "{text}"
    );
}

#[test]
fn number_keys_jump_and_brackets_step_around() {
    let mut app = form();
    for (c, tab) in [
        ('3', Tab::Members),
        ('5', Tab::Guardrail),
        ('1', Tab::Settings),
        ('4', Tab::Keys),
        ('2', Tab::Budgets),
    ] {
        key(&mut app, KeyCode::Char(c));
        assert_eq!(app.tabs.current, tab, "{c}");
    }
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('['));
    assert_eq!(app.tabs.current, Tab::Guardrail, "[ wraps to the last");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Settings, "] wraps to the first");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Budgets);
    let text = draw(&app, 80, 24);
    assert!(
        text.contains("· 2 Budgets"),
        "the title shows the tab\n{text}"
    );
    assert!(text.contains("Reading the budgets"), "{text}");
}

#[test]
fn digits_are_text_while_editing_a_field() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Settings);
    key(&mut app, KeyCode::Enter);
    let name = app.form.as_ref().unwrap().fields[0].current.clone();
    assert_eq!(name, Some(serde_json::json!("Production3]")));
}

#[test]
fn leaving_from_another_tab_asks_about_the_settings_edits() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.unsaved(), 1);
    assert_eq!(key(&mut app, KeyCode::Esc), vec![]);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: false }));
    let text = draw(&app, 80, 24);
    assert!(text.contains("1 unsaved"), "{text}");
    // Esc never discards: it answers "stay".
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Form));
    assert_eq!(app.tabs.current, Tab::Members);
}

#[test]
fn every_tab_is_usable_at_60x20() {
    let mut app = form();
    for c in "12345".chars() {
        key(&mut app, KeyCode::Char(c));
        let text = draw(&app, 60, 20);
        assert!(!app.too_small());
        assert!(text.contains("Settings"), "{c}\n{text}");
        assert!(text.contains("? help"), "{c}\n{text}");
    }
}

#[test]
fn opening_another_workspace_starts_on_settings() {
    let mut app = form();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(app.tabs.current, Tab::Settings);
}
