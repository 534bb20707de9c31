//! A small table: fixed column widths, cells wrapped to their column, rows as tall as their
//! tallest cell. Used by the review, result and conflict screens.

use super::text::{put, wrap_owned};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

/// Cells between columns.
pub const GAP: u16 = 2;

/// One piece of styled text in a cell.
pub type Piece<'a> = (&'a str, Style);

/// Column widths filling `total`: the first `first` cells wide, the others sharing the rest.
pub fn columns(total: u16, first: u16, others: usize) -> Vec<u16> {
    let n = others as u16;
    let rest = total.saturating_sub(first + GAP * n);
    let each = rest / n.max(1);
    let mut widths = vec![first];
    for i in 0..n {
        // The last column takes what division left over.
        let extra = if i + 1 == n { rest - each * n } else { 0 };
        widths.push(each + extra);
    }
    widths
}

/// The x offset of each column.
fn offsets(widths: &[u16]) -> impl Iterator<Item = (u16, u16)> + '_ {
    widths.iter().scan(0u16, |x, &w| {
        let at = *x;
        *x += w + GAP;
        Some((at, w))
    })
}

/// The heading row.
pub fn header(
    buf: &mut Buffer,
    area: Rect,
    dy: u16,
    widths: &[u16],
    titles: &[&str],
    style: Style,
) {
    if dy >= area.height {
        return;
    }
    for ((x, w), title) in offsets(widths).zip(titles) {
        let cell = Rect::new(
            area.x + x,
            area.y + dy,
            w.min(area.width.saturating_sub(x)),
            1,
        );
        put(buf, cell, 0, &Line::styled(*title, style));
    }
}

/// A row's cells wrapped to their columns; `span` joins a cell with the ones after it.
pub struct Row {
    cells: Vec<(u16, u16, Vec<Line<'static>>)>,
    pub height: u16,
}

impl Row {
    /// `cells[i]` goes in column `i`; a cell given `span > 1` in `spans` covers that many columns.
    pub fn new(widths: &[u16], cells: &[&[Piece]], spans: &[usize], max_lines: usize) -> Self {
        let cols: Vec<(u16, u16)> = offsets(widths).collect();
        let mut out = Vec::with_capacity(cells.len());
        let mut col = 0;
        for (i, cell) in cells.iter().enumerate() {
            let span = spans.get(i).copied().unwrap_or(1).max(1);
            let Some(&(x, _)) = cols.get(col) else { break };
            let last = (col + span - 1).min(cols.len() - 1);
            let (lx, lw) = cols[last];
            let w = lx + lw - x;
            out.push((x, w, wrap_owned(cell, w as usize, max_lines)));
            col += span;
        }
        let height = out.iter().map(|(_, _, l)| l.len()).max().unwrap_or(1) as u16;
        Self { cells: out, height }
    }

    /// Draws the row at `dy`, cut at the bottom of `area`.
    pub fn draw(&self, buf: &mut Buffer, area: Rect, dy: u16) {
        for (x, w, lines) in &self.cells {
            if *x >= area.width {
                continue;
            }
            let cell = Rect::new(area.x + x, area.y, (*w).min(area.width - x), area.height);
            for (i, line) in lines.iter().enumerate() {
                put(buf, cell, dy + i as u16, line);
            }
        }
    }
}
