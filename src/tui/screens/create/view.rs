//! The new workspace's two fields over the picker.

use super::CreateForm;
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, put_cut, truncate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(buf: &mut Buffer, area: Rect, form: &CreateForm, theme: &Theme) {
    let rect = Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2).min(10),
    );
    let inner = crate::tui::view::popup_over(buf, area, rect, "New workspace", theme);
    let w = inner.width.saturating_sub(1) as usize;
    for (i, (label, value)) in [("Name", &form.name), ("Slug", &form.slug)]
        .into_iter()
        .enumerate()
    {
        let cursor = if form.focus == i { "▶" } else { " " };
        let caret = if form.focus == i && form.editing {
            "▏"
        } else {
            ""
        };
        let text = format!("{cursor} {label:<5} {value}{caret}");
        let style = if form.focus == i {
            theme.focus
        } else {
            theme.label
        };
        put_cut(buf, inner, (i * 2) as u16, &text, w, style);
        let typed = if i == 0 { &form.name } else { &form.slug };
        let note = match form.error(i) {
            // Nothing typed yet is no mistake: said quietly until a Review is asked for.
            Some(_) if typed.trim().is_empty() && !form.tried => {
                Line::styled("  required", theme.dim)
            }
            Some(e) => Line::styled(truncate(&format!("  ✗ {e}"), w).into_owned(), theme.error),
            None if i == 1 && !form.slug_edited => {
                Line::styled("  follows the name until you edit it", theme.dim)
            }
            None => Line::raw(""),
        };
        put(buf, inner, (i * 2 + 1) as u16, &note);
    }
    let keys = if form.editing {
        "type · Tab other field · Enter/Esc done"
    } else {
        "Enter edit · s review (POST /workspaces) · Esc back, kept"
    };
    put_cut(buf, inner, 5, keys, w, theme.dim);
}
