//! The review: field | before | after for every modified field, and the exact request body.

use crate::tui::screens::form::FormState;
use crate::tui::theme::Theme;
use crate::tui::view::grid::{self, Row};
use crate::tui::view::text::{put, width, wrap};
use crate::tui::view::values::value;
use crate::tui::view::{inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub fn draw(buf: &mut Buffer, area: Rect, form: &FormState, theme: &Theme) {
    let modified: Vec<_> = form.fields.iter().filter(|f| f.is_modified()).collect();
    let n = modified.len();
    let title = format!(" Review · {n} change{} ", if n == 1 { "" } else { "s" });
    panel(title, theme).render(area, buf);
    let inner = inside(area);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );

    // The body first: it is what will be sent, so it always gets its room.
    let body = form.patch().to_body_string();
    let body_lines = wrap(&[(&body, theme.json)], inner.width as usize, usize::MAX);
    let body_h = (body_lines.len() as u16).min(inner.height / 2);
    let table_h = inner.height.saturating_sub(body_h + 4);

    let label_w = modified
        .iter()
        .map(|f| width(f.spec.label) + 2)
        .max()
        .unwrap_or(0)
        .clamp(5, 27) as u16;
    let widths = grid::columns(inner.width, label_w, 2);
    grid::header(
        buf,
        inner,
        0,
        &widths,
        &["FIELD", "BEFORE", "AFTER"],
        theme.heading,
    );
    let mut y = 1;
    for (i, f) in modified.iter().enumerate() {
        let before = value(Some(f.spec), f.base.as_ref());
        let after_text = f.display();
        let after = value(Some(f.spec), f.current.as_ref());
        let after_shown = if f.unparsed.is_some() {
            after_text.as_str()
        } else {
            &after.text
        };
        let cells: [&[grid::Piece]; 3] = [
            &[("● ", theme.modified), (f.spec.label, theme.label)],
            &[(&before.text, before.style(theme, theme.label))],
            &[(after_shown, after.style(theme, theme.modified))],
        ];
        let row = Row::new(&widths, &cells, &[], 3);
        if y + row.height > table_h {
            let more = format!("… and {} more", n - i);
            put(buf, inner, y, &Line::styled(more, theme.dim));
            y += 1;
            break;
        }
        row.draw(buf, inner, y);
        y += row.height;
    }

    let top = y + 1;
    let heading = format!("PATCH /workspaces/{}", form.workspace.id());
    put(buf, inner, top, &Line::styled(heading, theme.heading));
    for (i, line) in body_lines.iter().take(body_h as usize).enumerate() {
        put(buf, inner, top + 1 + i as u16, line);
    }
    let note = "Only this is sent. Enter sends it; Esc goes back with nothing lost.";
    put(buf, inner, top + 2 + body_h, &Line::styled(note, theme.dim));
}
