//! The picker: every workspace (name, slug, last update), the `/` filter, the count.

use super::PickerState;
use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;
use crate::tui::view::text::{pad, put, width, wrap_owned};
use crate::tui::view::{in_view, inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

const UPDATED: usize = 16;

pub fn draw(buf: &mut Buffer, area: Rect, ctx: &Ctx, p: &PickerState, theme: &Theme) {
    let matches = p.matches();
    let total = p.workspaces.len();
    let plural = if total == 1 { "" } else { "s" };
    let mut count = if p.filter.is_empty() {
        format!(" {total} workspace{plural} ")
    } else {
        format!(" {} of {total} workspace{plural} ", matches.len())
    };
    let marked = p.marked_count();
    if marked > 0 {
        count = format!("{}· {marked} marked ", count);
    }
    if p.error.is_some() && !p.loading {
        count = format!(" {total} loaded · incomplete, r retries ");
    }
    if p.loading {
        if let Some(expected) = p.expected.filter(|e| *e > 0) {
            count = format!(" {total} of {expected} ");
        }
        let so_far = if total == 0 { " " } else { count.as_str() };
        count = format!(" {} loading…{so_far}", ctx.spinner());
    }
    match &p.spend {
        Some(Ok(s)) => {
            if let Some(left) = s.credits_left {
                count = format!("{count}· credits left ${left:.2} ");
            }
        }
        Some(Err(_)) => count = format!("{count}· 30d spend unknown "),
        None => {}
    }
    panel(" Workspaces ", theme)
        .title(Line::styled(count, theme.dim).right_aligned())
        .render(area, buf);
    let inner = inside(area);
    let mut y = 0;
    if p.filtering || !p.filter.is_empty() {
        let mut spans = vec![
            Span::styled("/", theme.key),
            Span::styled(p.filter.as_str(), theme.label),
        ];
        if p.filtering {
            spans.push(Span::styled(" ", theme.selected));
        }
        put(buf, inner, 0, &Line::from(spans));
        y = 2;
    }
    if total == 0
        && !p.loading
        && let Some(error) = &p.error
    {
        draw_error(buf, inner, error, theme);
        return;
    }
    if total == 0 {
        let text = if p.loading {
            format!("{} Loading workspaces…", ctx.spinner())
        } else {
            "No workspaces. r reloads.".to_string()
        };
        let x = inner.width.saturating_sub(width(&text) as u16) / 2;
        let row = Rect::new(inner.x + x, inner.y, inner.width - x, inner.height);
        put(buf, row, inner.height / 2, &Line::styled(text, theme.label));
        return;
    }
    if matches.is_empty() {
        let text = format!(
            "No workspace matches “{}”. Esc clears the filter.",
            p.filter
        );
        put(buf, inner, y, &Line::styled(text, theme.dim));
        return;
    }
    // The `30d` column: a sparkline and the total, where the width allows and once read.
    let spend = match &p.spend {
        Some(Ok(s)) if inner.width >= 90 => Some(s),
        _ => None,
    };
    let spend_w = if spend.is_some() { SPEND + 2 } else { 0 };
    let avail = (inner.width as usize).saturating_sub(2 + UPDATED + 4 + spend_w);
    let name_w = avail * 55 / 100;
    let slug_w = avail - name_w;
    put(
        buf,
        inner,
        y,
        &Line::styled(
            format!(
                "  {:<name_w$}  {:<slug_w$}  {:<UPDATED$}{}",
                "NAME",
                "SLUG",
                "UPDATED",
                if spend.is_some() {
                    "  30D (UTC days)"
                } else {
                    ""
                }
            ),
            theme.heading,
        ),
    );
    y += 1;
    let rows = inner.height.saturating_sub(y) as usize;
    for (_, n, &i) in in_view(&matches, p.selected, rows) {
        let ws = &p.workspaces[i];
        let here = n == p.selected;
        let row = Rect::new(inner.x, inner.y + y, inner.width, 1);
        let updated = ws.updated_at().map_or("—".into(), short_time);
        // A draft of unsaved edits waits for this one: restoring it is offered on opening.
        // Marked for a bulk edit: a glyph, not colour alone.
        let mark = if p.marked.contains(ws.id()) {
            "✓ "
        } else {
            ""
        };
        let name = if p.drafts.contains(ws.id()) {
            pad(&format!("{mark}✎ {}", ws.name()), name_w)
        } else {
            pad(&format!("{mark}{}", ws.name()), name_w)
        };
        let slug = pad(ws.slug(), slug_w);
        let spent = spend.map(|s| {
            let days = s.daily.get(ws.id()).map_or(&[][..], Vec::as_slice);
            format!("  {}", spend_cell(days))
        });
        let updated = match &spent {
            Some(_) => pad(&updated, UPDATED),
            None => updated,
        };
        let spent = spent.unwrap_or_default();
        let line = if here {
            buf.set_style(row, theme.selected);
            Line::from(format!("▶ {name}  {slug}  {updated}{spent}"))
        } else {
            Line::from(vec![
                Span::raw("  "),
                Span::styled(name, theme.label),
                Span::raw("  "),
                Span::styled(slug, theme.dim),
                Span::raw("  "),
                Span::styled(updated, theme.dim),
                Span::styled(spent, theme.label),
            ])
        };
        put(buf, row, 0, &line);
        y += 1;
    }
}

/// The `30d` cell's width: 15 bars (two days each) and the total.
const SPEND: usize = 26;

/// A workspace's 30 days as 15 bars (two days each, oldest first) and the total spent.
fn spend_cell(days: &[f64]) -> String {
    let pairs: Vec<f64> = days.chunks(2).map(|c| c.iter().sum()).collect();
    let total: f64 = days.iter().sum();
    let line = crate::admin::spend::sparkline(&pairs);
    let total = if total > 0.0 {
        format!("${total:.2}")
    } else {
        "—".into()
    };
    format!("{line:<15} {total:>10}")
}

/// A failed load: what went wrong, centred, and how to try again.
fn draw_error(buf: &mut Buffer, inner: Rect, error: &str, theme: &Theme) {
    let w = (inner.width as usize).saturating_sub(4).max(10);
    let mut lines = vec![Line::styled("Could not load the workspaces:", theme.error)];
    lines.extend(wrap_owned(&[(error, theme.label)], w, 4));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("r", theme.key),
        Span::styled(" retries · ", theme.dim),
        Span::styled("q", theme.key),
        Span::styled(" quits", theme.dim),
    ]));
    let top = inner.height.saturating_sub(lines.len() as u16) / 2;
    for (i, line) in lines.iter().enumerate() {
        let x = inner.width.saturating_sub(line.width() as u16) / 2;
        let row = Rect::new(inner.x + x, inner.y, inner.width - x, inner.height);
        put(buf, row, top + i as u16, line);
    }
}

/// `2025-08-24T15:45:00Z` as `2025-08-24 15:45`; anything else as sent.
fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(10..11), t.get(11..16)) {
        (Some(date), Some("T"), Some(time)) => format!("{date} {time}"),
        _ => t.to_string(),
    }
}
