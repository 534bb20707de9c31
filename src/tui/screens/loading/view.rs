//! Opening a workspace: a spinner and the time so far, or why it failed and what to do.

use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, width, wrap_marked};
use crate::tui::view::{centered, inside, padded, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    ctx: &Ctx,
    has_picker: bool,
    target: &str,
    error: Option<&str>,
    theme: &Theme,
) {
    let Some(error) = error else {
        let text = format!(
            "{} Opening {target}… {:.1} s",
            ctx.spinner(),
            ctx.elapsed.as_secs_f64()
        );
        let w = width(&text) as u16;
        let row = centered(area, w, 1);
        put(buf, row, 0, &Line::styled(text, theme.label));
        return;
    };
    let box_w = area.width.saturating_sub(8).min(76);
    let text_w = box_w.saturating_sub(4) as usize;
    let title = format!("Could not open {target}");
    let lines = wrap_marked(("✗ ", theme.error), &[(error, theme.error)], text_w, 6);
    let mut keys = vec!["r retry"];
    if has_picker {
        keys.push("Esc back to the list");
    }
    keys.push("q quit");
    let keys = keys.join(" · ");
    let h = lines.len() as u16 + 5;
    let rect = centered(area, box_w, h);
    panel(format!(" {title} "), theme).render(rect, buf);
    let inner = inside(rect);
    let inner = padded(inner, 1, 1);
    for (i, line) in lines.iter().enumerate() {
        put(buf, inner, 1 + i as u16, line);
    }
    put(
        buf,
        inner,
        lines.len() as u16 + 2,
        &Line::styled(keys, theme.dim),
    );
}
