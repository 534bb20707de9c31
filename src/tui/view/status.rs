//! The title bar, the status message and the key hints at the bottom.

use super::text::{put, truncate, width, wrap_marked};
use crate::config::{Action, KeyBindings, KeySpec};
use crate::tui::app::{App, Level, Overlay, Screen};
use crate::tui::form::{FormState, Mode};
use crate::tui::theme::Theme;
use crate::workspace::FieldKind;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// A key and what it does, as shown in the hint bar.
pub struct Hint(pub Cow<'static, str>, pub &'static str);

fn hint(key: &'static str, what: &'static str) -> Hint {
    Hint(Cow::Borrowed(key), what)
}

/// `orws · host · Workspace (slug)`.
pub fn title(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    buf.set_style(area, theme.title);
    let mut spans = vec![
        Span::styled(" orws", theme.title_accent),
        Span::styled(" · ", theme.title),
        Span::styled(app.host.as_str(), theme.title),
    ];
    let workspace = match (&app.screen, &app.form) {
        (Screen::Picker | Screen::Loading { .. }, _) | (_, None) => None,
        (_, Some(form)) => Some(&form.workspace),
    };
    if let Some(ws) = workspace {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled(ws.name(), theme.title_accent));
        spans.push(Span::styled(format!(" ({})", ws.slug()), theme.title));
    }
    // Stays in sight while the edits are not safe on disk (the status line is cleared by keys).
    if app.draft_error.is_some() {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled("✗ draft not saved", theme.error));
    }
    put(buf, area, 0, &Line::from(spans));
}

/// Rows the status message takes at this width (0 without one).
pub fn message_height(app: &App, width: u16) -> u16 {
    match &app.status {
        None => 0,
        Some(s) if width_of_message(&s.text) <= width as usize => 1,
        Some(_) => 2,
    }
}

fn width_of_message(text: &str) -> usize {
    width(text) + 3
}

fn level_mark(level: Level, theme: &Theme) -> (&'static str, Style) {
    match level {
        Level::Error => ("✗ ", theme.error),
        Level::Warning => ("! ", theme.warning),
        Level::Info => ("· ", theme.info),
    }
}

/// The status message, its level shown by a mark (`✗`, `!`, `·`) as well as by colour.
pub fn message(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(status) = &app.status else { return };
    let (mark, style) = level_mark(status.level, theme);
    let text_style = match status.level {
        Level::Info => theme.info,
        _ => style,
    };
    let lines = wrap_marked(
        (mark, style),
        &[(status.text.as_str(), text_style)],
        area.width.saturating_sub(1) as usize,
        area.height as usize,
    );
    for (i, line) in lines.iter().enumerate() {
        let row = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(1),
            area.height,
        );
        put(buf, row, i as u16, line);
    }
}

/// The bottom bar: a mode badge, the form's counts, and the keys of the current screen.
pub fn bar(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    buf.set_style(area, theme.bar);
    let mut spans: Vec<Span> = Vec::with_capacity(24);
    spans.push(Span::styled(format!(" {} ", badge(app)), theme.badge));
    spans.push(Span::raw(" "));
    if let (Screen::Form, Some(form), None) = (&app.screen, &app.form, app.overlay) {
        counts(&mut spans, form, theme);
        spans.push(Span::styled(" │ ", theme.bar.patch(theme.dim)));
    }
    let mut used: usize = spans.iter().map(Span::width).sum();
    let max = area.width as usize;
    for (i, Hint(key, what)) in hints(app).into_iter().enumerate() {
        let sep = if i == 0 { 0 } else { 2 };
        let w = sep + width(&key) + 1 + width(what);
        if used + w > max {
            break;
        }
        if sep > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.bar.patch(theme.key)));
        spans.push(Span::styled(format!(" {what}"), theme.bar));
        used += w;
    }
    put(buf, area, 0, &Line::from(spans));
}

fn counts(spans: &mut Vec<Span<'static>>, form: &FormState, theme: &Theme) {
    let changes = form.modified_count();
    let errors = form.fields.iter().filter(|f| f.error().is_some()).count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let change_style = if changes > 0 {
        theme.bar.patch(theme.modified)
    } else {
        theme.bar
    };
    let error_style = if errors > 0 {
        theme.bar.patch(theme.error)
    } else {
        theme.bar
    };
    spans.push(Span::styled(
        format!("{changes} change{}", plural(changes)),
        change_style,
    ));
    spans.push(Span::styled(" · ", theme.bar));
    spans.push(Span::styled(
        format!("{errors} error{}", plural(errors)),
        error_style,
    ));
}

fn badge(app: &App) -> &'static str {
    match (app.overlay, &app.screen) {
        (Some(Overlay::Help), _) => "HELP",
        (Some(_), _) => "CONFIRM",
        (None, Screen::Picker) if app.picker.filtering => "FILTER",
        (None, Screen::Picker) => "WORKSPACES",
        (None, Screen::Loading { .. }) => "OPENING",
        (None, Screen::Form) => match app.form.as_ref().map(|f| &f.mode) {
            Some(Mode::Edit { .. } | Mode::Switch { .. }) => "EDIT",
            Some(Mode::Checklist { .. }) => "CHECKLIST",
            _ => "BROWSE",
        },
        (None, Screen::Review) => "REVIEW",
        (None, Screen::Submitting { .. }) => "SENDING",
        (None, Screen::Result(_)) => "RESULT",
        (None, Screen::Conflict(_)) => "CONFLICT",
    }
}

/// The keys that matter now, most useful first (the bar drops what does not fit).
pub fn hints(app: &App) -> Vec<Hint> {
    match (app.overlay, &app.screen) {
        (Some(Overlay::Help), _) => vec![hint("any key", "close")],
        (Some(Overlay::ConfirmLeave { .. }), _) => vec![
            hint(
                "k/y",
                if app.draft_error.is_some() {
                    "lose edits"
                } else {
                    "keep draft"
                },
            ),
            hint("d", "discard"),
            hint("n/Esc", "stay"),
        ],
        (Some(Overlay::ConfirmRevert), _) => vec![hint("y", "revert"), hint("n/Esc", "keep")],
        (Some(Overlay::RestoreDraft), _) => vec![
            hint("y", "restore"),
            hint("d", "discard"),
            hint("n/Esc", "not now"),
        ],
        (Some(Overlay::ConfirmResetAll), _) => {
            vec![hint("y", "reset all"), hint("n/Esc", "not now")]
        }
        (None, Screen::Picker) if app.picker.filtering => vec![
            hint("type", "to filter"),
            hint("↑↓", "move"),
            hint("Enter", "open"),
            hint("Esc", "clear"),
        ],
        (None, Screen::Picker) => vec![
            hint("↑↓", "move"),
            hint("Enter", "open"),
            hint("/", "filter"),
            hint("r", "reload"),
            hint("?", "help"),
            hint("q", "quit"),
        ],
        (None, Screen::Loading { error, .. }) => {
            let mut h = Vec::new();
            if error.is_some() {
                h.push(hint("r", "retry"));
            }
            if app.has_picker {
                h.push(hint("Esc", "back"));
            }
            h.push(hint("q", "quit"));
            h
        }
        (None, Screen::Form) => app
            .form
            .as_ref()
            .map_or_else(Vec::new, |f| form_hints(f, &app.keys)),
        (None, Screen::Review) => vec![hint("Enter", "submit"), hint("Esc", "back")],
        (None, Screen::Submitting { .. }) => vec![hint("Esc", "cancel")],
        (None, Screen::Result(_)) => vec![hint("Enter/Esc", "back to form"), hint("u", "undo")],
        (None, Screen::Conflict(view)) => vec![
            if view.from_draft {
                hint("m", "keep mine")
            } else {
                hint("m", "keep mine (review again)")
            },
            hint("t", "take theirs"),
            hint("Esc", "back"),
        ],
    }
}

fn form_hints(form: &FormState, keys: &KeyBindings) -> Vec<Hint> {
    let f = form.focused();
    match &form.mode {
        Mode::Edit { editor, .. } => {
            let mut h = Vec::new();
            // A highlighted suggestion is what Enter and Tab take.
            let taking = form.suggestion.is_some() && !form.suggestions().is_empty();
            if taking {
                h.push(hint("Enter/Tab", "take"));
            } else if !form.suggestions().is_empty() {
                h.push(hint("↓", "suggestions"));
            }
            if editor.multiline {
                h.push(hint("Enter", "new line"));
                h.push(hint("Esc", "done"));
            } else if !taking {
                h.push(hint("Enter", "done"));
            }
            h.push(hint("Ctrl-C", "cancel"));
            h.push(hint("Ctrl-_", "undo"));
            if !editor.multiline && !taking {
                h.push(hint("Tab", "next"));
            }
            h
        }
        Mode::Checklist { .. } => vec![
            hint("↑↓", "move"),
            hint("Space", "check"),
            hint("Enter", "done"),
            hint("Ctrl-C", "cancel"),
            hint("Tab", "next"),
        ],
        Mode::Switch { .. } => vec![
            match f.spec.kind {
                FieldKind::Toggle => hint("Space", "toggle"),
                FieldKind::Text
                | FieldKind::MultilineText
                | FieldKind::Model { .. }
                | FieldKind::Choice(_)
                | FieldKind::Rate
                | FieldKind::KeyIds
                | FieldKind::ToolList => hint("Space", "cycle"),
            },
            hint("Enter/Esc", "done"),
            hint("Ctrl-C", "cancel"),
            hint("Tab", "next"),
        ],
        Mode::Browse => {
            // Most useful first: the bar drops what does not fit from the end.
            let key = |a: Action| Cow::Owned(first_key(keys, a));
            let mut h = Vec::with_capacity(8);
            match f.spec.kind {
                FieldKind::Toggle => h.push(Hint(key(Action::Toggle), "toggle")),
                FieldKind::Choice(_) => h.push(Hint(key(Action::Toggle), "cycle")),
                FieldKind::ToolList => h.push(Hint(key(Action::Toggle), "choose")),
                FieldKind::Text
                | FieldKind::MultilineText
                | FieldKind::Model { .. }
                | FieldKind::Rate
                | FieldKind::KeyIds => h.push(Hint(key(Action::Edit), "edit")),
            }
            h.push(Hint(key(Action::Review), "review"));
            h.push(Hint(key(Action::Help), "help"));
            h.push(Hint(key(Action::Quit), "quit"));
            if form.undo.undo_len() > 0 {
                h.push(Hint(key(Action::Undo), "undo"));
            }
            if form.undo.redo_len() > 0 {
                h.push(Hint(key(Action::Redo), "redo"));
            }
            if f.spec.nullable {
                h.push(Hint(key(Action::Clear), "null"));
            }
            if f.is_modified() {
                h.push(Hint(key(Action::Reset), "reset"));
            }
            h.push(Hint(move_keys(keys), "move"));
            h.push(Hint(key(Action::Back), "list"));
            h
        }
    }
}

fn move_keys(keys: &KeyBindings) -> Cow<'static, str> {
    let (up, down) = (first_key(keys, Action::Up), first_key(keys, Action::Down));
    if up == "↑" && down == "↓" {
        Cow::Borrowed("↑↓")
    } else {
        Cow::Owned(format!("{up}/{down}"))
    }
}

/// The first key bound to an action, as a person reads it (`↑`, `Enter`, `Ctrl-S`).
pub fn first_key(keys: &KeyBindings, action: Action) -> String {
    keys.keys(action)
        .first()
        .map_or_else(|| "—".to_string(), pretty_key)
}

/// Every key bound to an action, e.g. `↓ j Tab`.
pub fn all_keys(keys: &KeyBindings, action: Action) -> String {
    let list: Vec<String> = keys.keys(action).iter().map(pretty_key).collect();
    if list.is_empty() {
        "—".into()
    } else {
        list.join(" ")
    }
}

pub fn pretty_key(k: &KeySpec) -> String {
    let mut s = String::new();
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        s.push_str("Ctrl-");
    }
    if k.modifiers.contains(KeyModifiers::ALT) {
        s.push_str("Alt-");
    }
    if k.modifiers.contains(KeyModifiers::SHIFT) {
        s.push_str("Shift-");
    }
    let ctrl = !s.is_empty();
    match k.code {
        KeyCode::Up => s.push('↑'),
        KeyCode::Down => s.push('↓'),
        KeyCode::Left => s.push('←'),
        KeyCode::Right => s.push('→'),
        KeyCode::Enter => s.push_str("Enter"),
        KeyCode::Esc => s.push_str("Esc"),
        KeyCode::Tab => s.push_str("Tab"),
        KeyCode::BackTab => s.push_str("S-Tab"),
        KeyCode::Char(' ') => s.push_str("Space"),
        KeyCode::Char(c) if ctrl => s.push(c.to_ascii_uppercase()),
        KeyCode::Char(c) => s.push(c),
        KeyCode::Delete => s.push_str("Del"),
        KeyCode::Backspace => s.push_str("Bksp"),
        KeyCode::Home => s.push_str("Home"),
        KeyCode::End => s.push_str("End"),
        KeyCode::PageUp => s.push_str("PgUp"),
        KeyCode::PageDown => s.push_str("PgDn"),
        KeyCode::Insert => s.push_str("Ins"),
        KeyCode::F(n) => s.push_str(&format!("F{n}")),
        _ => s.push_str(&k.to_string()),
    }
    s
}

/// A centred notice when the terminal is below 80×24.
pub fn too_small(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let text = format!(
        "Terminal too small: need at least 80×24, have {}×{}",
        area.width, area.height
    );
    let shown = truncate(&text, area.width as usize);
    let w = width(&shown) as u16;
    let x = area.x + area.width.saturating_sub(w) / 2;
    let y = area.y + area.height / 2;
    buf.set_line(x, y, &Line::styled(shown, theme.warning), area.width);
    if area.height > 2 {
        let more = "Enlarge the window to continue.";
        let w = width(more) as u16;
        let x = area.x + area.width.saturating_sub(w) / 2;
        buf.set_line(x, y + 1, &Line::styled(more, theme.dim), area.width);
    }
}
