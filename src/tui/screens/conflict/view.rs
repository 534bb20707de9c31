//! A conflict: fields changed both here and on the server. field | base | theirs | yours,
//! what it means, and the other fields the server changed meanwhile.

use crate::tui::route::{ConflictFound, ConflictView};
use crate::tui::screens::form::FormState;
use crate::tui::theme::Theme;
use crate::tui::view::grid::{self, Piece, Row};
use crate::tui::view::text::{one_line, put, width, wrap_marked};
use crate::tui::view::values::{label, named, remote_change_lines};
use crate::tui::view::{inside, padded, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub fn draw(buf: &mut Buffer, area: Rect, form: &FormState, view: &ConflictView, theme: &Theme) {
    let n = view.report.conflicts.len();
    let s = if n == 1 { "" } else { "s" };
    panel(format!(" Conflict · {n} field{s} "), theme).render(area, buf);
    let inner = inside(area);
    let inner = padded(inner, 1, 1);
    let w = inner.width as usize;
    let explain = explanation(form, view);
    let mut y = 0;
    for line in wrap_marked(("! ", theme.warning), &[(&explain, theme.label)], w, 5) {
        put(buf, inner, y, &line);
        y += 1;
    }
    y += 1;
    let label_w = view
        .report
        .conflicts
        .iter()
        .map(|c| width(label(&c.field)))
        .max()
        .unwrap_or(0)
        .clamp(5, 25) as u16;
    let widths = grid::columns(inner.width, label_w, 3);
    grid::header(
        buf,
        inner,
        y,
        &widths,
        &["FIELD", "BASE (loaded)", "THEIRS (now)", "YOURS"],
        theme.heading,
    );
    y += 1;
    for c in &view.report.conflicts {
        let base = named(&c.field, c.base.as_ref());
        let theirs = named(&c.field, c.theirs.as_ref());
        let yours = named(&c.field, Some(&c.yours));
        let (bt, tt, yt) = (
            one_line(&base.text),
            one_line(&theirs.text),
            one_line(&yours.text),
        );
        let cells: [&[Piece]; 4] = [
            &[(label(&c.field), theme.label)],
            &[(&bt, base.style(theme, theme.dim))],
            &[(&tt, theirs.style(theme, theme.warning))],
            &[(&yt, yours.style(theme, theme.modified))],
        ];
        let row = Row::new(&widths, &cells, &[], 3);
        row.draw(buf, inner, y);
        y += row.height;
    }
    let remote = &view.report.remote_changes;
    if remote.is_empty() {
        return;
    }
    y += 1;
    put(
        buf,
        inner,
        y,
        &Line::styled(
            "Also changed on the server (taken into the form either way):",
            theme.heading,
        ),
    );
    y += 1;
    for c in remote {
        for line in remote_change_lines(c, w, theme) {
            put(buf, inner, y, &line);
            y += 1;
        }
    }
}

/// What the conflict is and exactly what m, t and Esc do here, which differs with how it was found.
pub fn explanation(form: &FormState, view: &ConflictView) -> String {
    let n = view.report.conflicts.len();
    let s = if n == 1 { "" } else { "s" };
    match view.found {
        ConflictFound::RestoringDraft => format!(
            "Since your draft was saved, someone changed {n} field{s} it changes on the server. \
             m or Esc keeps your draft's values on top of the server's, t takes theirs for \
             these fields; both go back to the form, and nothing is sent until you review."
        ),
        ConflictFound::Rereading => format!(
            "Since you loaded {}, someone changed {n} field{s} you are changing. \
             m keeps your values on top of the server's, t takes theirs for these fields; both \
             go back to the form. Esc goes back without taking the re-read in. Nothing is sent \
             until you review.",
            form.workspace.name()
        ),
        ConflictFound::Submitting => format!(
            "Since you loaded {}, someone changed {n} field{s} you are changing. Nothing was \
             sent. m puts your values on top of theirs and shows the review again (Enter there \
             checks once more before sending), t takes theirs for these fields, Esc goes back \
             to the form.",
            form.workspace.name()
        ),
    }
}
