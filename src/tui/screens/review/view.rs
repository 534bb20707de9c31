//! The review: field | before | after for every modified field, and the exact request body.

use crate::tui::screens::form::FormState;
use crate::tui::theme::Theme;
use crate::tui::view::grid::{self, Row};
use crate::tui::view::text::{put, width, wrap};
use crate::tui::view::values::value;
use crate::tui::view::{inside, padded, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Draws the review scrolled by `scroll` rows; returns the content's height and the rows shown,
/// which `update` needs to keep the scroll in range.
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    form: &FormState,
    scroll: u16,
    read_only: Option<&str>,
    policy: &crate::tui::flow::PolicyVerdict,
    theme: &Theme,
) -> (u16, u16) {
    let modified: Vec<_> = form.fields.iter().filter(|f| f.is_modified()).collect();
    let n = modified.len();
    let title = format!(" Review · {n} change{} ", if n == 1 { "" } else { "s" });
    let inner = inside(area);
    let inner = padded(inner, 1, 1);

    // The body pretty-printed, one field a line; a long value wraps, it is never cut.
    let body =
        serde_json::to_string_pretty(&serde_json::Value::Object(form.patch().fields().clone()))
            .unwrap_or_else(|_| form.patch().to_body_string());
    let body_lines = wrap(&[(&body, theme.json)], inner.width as usize, usize::MAX);
    let warnings: Vec<String> = modified
        .iter()
        .filter_map(|f| {
            f.warning
                .as_ref()
                .map(|w| format!("! {}: {w}", f.spec.label))
        })
        .collect();
    let notes = crate::tui::screens::policy_notes(policy, theme);
    let warning_lines: Vec<Line> = warnings
        .iter()
        .map(|w| (w, theme.warning))
        .chain(notes.iter().map(|(n, s)| (n, *s)))
        .flat_map(|(w, style)| wrap(&[(w, style)], inner.width as usize, usize::MAX))
        .collect();

    let label_w = modified
        .iter()
        .map(|f| width(f.spec.label) + 2)
        .max()
        .unwrap_or(0)
        .clamp(5, 27) as u16;
    let widths = grid::columns(inner.width, label_w, 2);
    let rows: Vec<Row> = modified
        .iter()
        .map(|f| {
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
            Row::new(&widths, &cells, &[], 3)
        })
        .collect();
    let table_h: u16 = rows.iter().map(|r| r.height).sum();
    let (note, style) = match read_only {
        Some(from) => (crate::tui::screens::read_only_note(from), theme.warning),
        None if policy.denied => (
            "Nothing can be sent while the policy denies it; Esc goes back with nothing lost."
                .to_string(),
            theme.dim,
        ),
        None => (
            "Only this is sent. Enter sends it; Esc goes back with nothing lost.".to_string(),
            theme.dim,
        ),
    };
    let note_lines = wrap(&[(note.as_str(), style)], inner.width as usize, usize::MAX);
    let content_h = 1
        + table_h
        + 1
        + 1
        + body_lines.len() as u16
        + 1
        + warning_lines.len() as u16
        + note_lines.len() as u16;

    // Everything is laid out once, off screen, and the window the scroll shows is copied in.
    let full = Rect::new(0, 0, inner.width, content_h);
    let mut off = Buffer::empty(full);
    grid::header(
        &mut off,
        full,
        0,
        &widths,
        &["FIELD", "BEFORE", "AFTER"],
        theme.heading,
    );
    let mut y = 1;
    for row in &rows {
        row.draw(&mut off, full, y);
        y += row.height;
    }
    let top = y + 1;
    let heading = format!("PATCH /workspaces/{}", form.workspace.id());
    put(&mut off, full, top, &Line::styled(heading, theme.heading));
    for (i, line) in body_lines.iter().enumerate() {
        put(&mut off, full, top + 1 + i as u16, line);
    }
    let mut y = top + 1 + body_lines.len() as u16 + 1;
    for line in &warning_lines {
        put(&mut off, full, y, line);
        y += 1;
    }
    for (i, line) in note_lines.iter().enumerate() {
        put(&mut off, full, y + i as u16, line);
    }

    let scroll = scroll.min(content_h.saturating_sub(inner.height));
    for row in 0..inner.height.min(content_h - scroll) {
        for x in 0..inner.width {
            buf[(inner.x + x, inner.y + row)] = off[(x, scroll + row)].clone();
        }
    }
    let mut block = panel(title, theme);
    if scroll > 0 {
        block = block.title(Line::styled(format!(" ↑ {scroll} more "), theme.dim).right_aligned());
    }
    let below = content_h.saturating_sub(scroll + inner.height);
    if below > 0 {
        block = block.title_bottom(
            Line::styled(format!(" ↓ {below} more (j PgDn) "), theme.dim).right_aligned(),
        );
    }
    block.render(area, buf);
    (content_h, inner.height)
}
