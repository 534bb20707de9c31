//! The router's side of screens::bulk::review: what needs the whole app.
use crate::tui::app::App;
use crate::tui::screens::bulk::review::*;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, flow: &super::BulkFlow, theme: &Theme) {
    let review = &flow.plan;
    let title = " Bulk review ";
    let inner_w = area.width.saturating_sub(4) as usize;
    let mut lines = lines(review, inner_w, theme);
    // Read-only: said under the count, in sight whatever the scroll of a long batch.
    if let Some(from) = &app.read_only {
        let note = crate::tui::screens::read_only_note(from);
        let at = 1.min(lines.len());
        let note = wrap_owned(&[(note.as_str(), theme.warning)], inner_w, usize::MAX);
        lines.splice(at..at, note);
    }
    let notes = crate::tui::screens::policy_notes(&flow.policy, theme);
    for (i, (note, style)) in notes.iter().enumerate() {
        let at = (1 + i).min(lines.len());
        lines.splice(
            at..at,
            wrap_owned(&[(note.as_str(), *style)], inner_w, usize::MAX),
        );
    }
    super::draw_lines(buf, area, app, title, &lines, flow, theme);
}
