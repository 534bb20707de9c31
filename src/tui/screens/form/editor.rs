//! The text editor of a field in edit mode: ratatui-textarea plus what it leaves to us
//! (paste, Tab, one-line fields, Ctrl-C to leave as Esc does) and the readline keys it binds otherwise:
//! `Ctrl-U` kills to the start of the line, `Ctrl-Y` yanks, `Ctrl-_` undoes and `Ctrl-R` redoes
//! (textarea's own steps). `Ctrl-Z` is not a key here: it suspends orws, as in a shell.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, Input, Key, TextArea, WrapMode};

/// What a key did to the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// Still editing; the text may have changed.
    Editing,
    /// Enter (one-line) or Esc: keep the text.
    Done,
    /// Tab / Shift-Tab: keep the text and move focus.
    DoneNext,
    DonePrev,
    /// Ctrl-C: leaves edit mode as Esc does, keeping the text (vim users press it by habit to
    /// leave insert mode); `u` then undoes the edit like any other.
    Cancelled,
}

pub struct Editor {
    pub area: TextArea<'static>,
    pub multiline: bool,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("text", &self.text())
            .finish()
    }
}

impl Editor {
    pub fn new(text: &str, multiline: bool) -> Self {
        let lines: Vec<String> = if multiline {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text.replace(['\n', '\r'], " ")]
        };
        let mut area = TextArea::new(lines);
        if multiline {
            // The description soft-wraps while edited; one-line fields scroll sideways.
            area.set_wrap_mode(WrapMode::WordOrGlyph);
        }
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Self { area, multiline }
    }

    /// Shown dimmed while the text is empty over a null value (the text itself stays empty).
    pub fn set_null_placeholder(&mut self, key_ids: bool) {
        self.area.set_placeholder_text(if key_ids {
            "all keys (null); [] = no keys"
        } else {
            "∅ null (empty keeps it)"
        });
        self.area.set_placeholder_style(
            ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::DIM),
        );
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> EditOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => return EditOutcome::Cancelled,
            KeyCode::Esc => return EditOutcome::Done,
            KeyCode::Tab => return EditOutcome::DoneNext,
            KeyCode::BackTab => return EditOutcome::DonePrev,
            KeyCode::Enter if !self.multiline => return EditOutcome::Done,
            // Ctrl-_ arrives as Ctrl-7 from most terminals (0x1f), as Ctrl-/ or Ctrl-_ from some.
            KeyCode::Char('_' | '7' | '/') if ctrl => {
                self.area.undo();
                return EditOutcome::Editing;
            }
            // Readline's kill to the start of the line (textarea makes Ctrl-U undo); at the
            // start of a line it kills nothing, as readline, rather than joining lines.
            KeyCode::Char('u') if ctrl => {
                if self.area.cursor().1 > 0 {
                    self.area.delete_line_by_head();
                }
                return EditOutcome::Editing;
            }
            KeyCode::Char('z') if ctrl => return EditOutcome::Editing,
            // Ctrl-M is Enter to textarea: never a newline in a one-line field.
            KeyCode::Char('m' | 'j') if ctrl && !self.multiline => return EditOutcome::Done,
            _ => {}
        }
        let input = Input::from(key);
        if !self.multiline && matches!(input.key, Key::Char('\n' | '\r')) {
            return EditOutcome::Done;
        }
        self.area.input(input);
        EditOutcome::Editing
    }

    /// Bracketed paste: textarea ignores it, so the text is inserted here; newlines and tabs
    /// become spaces in one-line fields (a raw tab there is invisible and drawn unlike a space).
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if self.multiline {
            self.area.insert_str(text);
        } else {
            self.area
                .insert_str(text.replace(['\n', '\t'], " ").trim_end());
        }
    }
}
