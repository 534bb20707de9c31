//! Driving the TUI's `App` without the loop: a key through `update`, a frame drawn to text.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::tui::app::{App, Effect, Msg, WriteRecord};
use orws::tui::test_host::buffer_text;
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// A key with no modifier through `update`; the effects it asked for.
pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// One frame of `app` on a `w`×`h` terminal, cells with their styles.
pub fn buffer(app: &App, w: u16, h: u16, color: bool) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| view::draw(frame, app, &Theme::new(color)))
        .unwrap();
    terminal.backend().buffer().clone()
}

/// One frame of `app` on a `w`×`h` terminal, as text (no colour).
pub fn draw(app: &App, w: u16, h: u16) -> String {
    buffer_text(&buffer(app, w, h, false))
}

/// The editor the effects open: its text and file name; a panic naming the effects if none.
#[track_caller]
pub fn opened_editor(effects: &[Effect]) -> (String, String) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::OpenEditor { text, file } => Some((text.clone(), file.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no editor: {effects:?}"))
}

/// Each character of `text` as a key through `update`.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The history record the effects ask to write; a panic naming the effects if none.
#[track_caller]
pub fn recorded(effects: &[Effect]) -> &WriteRecord {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::RecordWrite(r) => Some(r),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no history entry: {effects:?}"))
}

pub fn keys_of(ws: &str) -> Vec<orws::admin::keys::Key> {
    [("h1", "Backend", false), ("h2", "Old", true)]
        .iter()
        .map(|(h, name, disabled)| {
            serde_json::from_value(serde_json::json!({
                "hash": h, "name": name, "workspace_id": ws, "disabled": disabled,
                "usage": 1.5, "limit": 10.0, "label": "sk-or-v1-abc",
            }))
            .unwrap()
        })
        .collect()
}

/// `x` on a key asks for its name before the delete's Review: type it, then Enter (the Review
/// opens; Enter there sends).
pub fn confirm_key_delete(app: &mut App) {
    let name = app
        .tabs
        .keys
        .deleting
        .as_ref()
        .expect("x asks for the key's name")
        .name
        .clone();
    for c in name.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
}
