//! A key's form over the Keys tab: each field, its value and, as it is typed, why it is not
//! acceptable yet.

use super::{Field, KeyForm, RESETS};
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, put_cut};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use time::OffsetDateTime;

pub fn draw(buf: &mut Buffer, area: Rect, form: &KeyForm, now: OffsetDateTime, theme: &Theme) {
    let fields = form.fields();
    let rect = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height
            .saturating_sub(2)
            .min(fields.len() as u16 * 2 + 5),
    );
    let title = match &form.target {
        super::Target::Create { .. } => "New key".to_string(),
        super::Target::Edit(key) => format!("Edit key \"{}\"", key.name),
    };
    let inner = crate::tui::view::popup_over(buf, area, rect, &title, theme);
    let w = inner.width.saturating_sub(1) as usize;
    let lw = if w < 50 { 12 } else { 22 };
    let mut y = 0u16;
    for (i, field) in fields.iter().enumerate() {
        let here = form.focus == i;
        let cursor = if here { "▶" } else { " " };
        let caret = if here && form.editing { "▏" } else { "" };
        let value = match field {
            Field::Name => form.name.clone(),
            Field::Limit if form.limit.is_empty() && !(here && form.editing) => "none".into(),
            Field::Limit => form.limit.clone(),
            Field::Reset => format!("‹ {} ›", RESETS[form.reset]),
            Field::Byok => if form.byok { "[x] yes" } else { "[ ] no" }.into(),
            Field::Expires if form.expires.is_empty() && !(here && form.editing) => "never".into(),
            Field::Expires => form.expires.clone(),
        };
        let label = crate::tui::view::text::truncate(field.label(), lw).into_owned();
        let text = format!("{cursor} {label:<lw$} {value}{caret}");
        put_cut(
            buf,
            inner,
            y,
            &text,
            w,
            if here { theme.focus } else { theme.label },
        );
        y += 1;
        let note = match (form.error(*field, now), field) {
            (Some(e), Field::Name) if form.name.is_empty() && !here => {
                Line::styled(format!("  {e}"), theme.dim)
            }
            (Some(e), _) => Line::styled(format!("  ✗ {e}"), theme.error),
            (None, Field::Expires) if here => Line::styled(
                "  RFC 3339 or 30d / 2w; only now: it cannot be changed later",
                theme.dim,
            ),
            (None, Field::Limit) if here => {
                Line::styled("  dollars above zero; empty: no limit", theme.dim)
            }
            _ => Line::raw(""),
        };
        put(buf, inner, y, &note);
        y += 1;
    }
    let keys = if form.editing {
        "type · Tab/↓ next field · Enter/Esc done"
    } else if form.is_create() {
        "Enter edit · Space choose · s review (POST /keys) · Esc back, kept"
    } else {
        "Enter edit · Space choose · s review (PATCH) · Esc back, kept"
    };
    put_cut(buf, inner, y, keys, w, theme.dim);
}
