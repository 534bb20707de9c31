//! A submit in flight: a box over the review with a spinner, the step and the time so far.

use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;
use crate::tui::view::text::put;
use crate::tui::view::{centered, padded, popup};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(buf: &mut Buffer, area: Rect, ctx: &Ctx, sending: bool, revert: bool, theme: &Theme) {
    let step = if sending {
        "Sending PATCH…"
    } else {
        "Checking for conflicts…"
    };
    let title = if revert { "Reverting" } else { "Submitting" };
    let rect = centered(area, 40, 6);
    let inner = popup(buf, rect, title, theme);
    let inner = padded(inner, 2, 2);
    let spinner = ctx.spinner();
    put(
        buf,
        inner,
        1,
        &Line::from(vec![
            Span::styled(spinner, theme.heading),
            Span::raw(" "),
            Span::styled(step, theme.label),
            Span::styled(format!("  {:.1} s", ctx.elapsed.as_secs_f64()), theme.dim),
        ]),
    );
    put(
        buf,
        inner,
        2,
        &Line::from(vec![
            Span::styled("Esc", theme.key),
            Span::styled(" cancel", theme.dim),
        ]),
    );
}
