//! The form: one row per field (focus marker, label, value, modified and error marks), the
//! read-only fields below, and the detail panel of the focused field (right or below).

use super::detail;
use crate::tui::screens::Ctx;
use crate::tui::screens::form::field_state::FieldState;
use crate::tui::screens::form::{FormState, Mode};
use crate::tui::theme::Theme;
use crate::tui::view::inside;
use crate::tui::view::text::{one_line, pad, put, truncate, width};
use crate::tui::view::values::{self, Shown};
use crate::workspace::READ_ONLY;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::merge::MergeStrategy;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};
use std::borrow::Cow;

/// From this width on, the detail panel sits right of the fields instead of below them.
pub const WIDE: u16 = 110;
/// Below this height of the body (a terminal of about 20 rows) the detail panel is one line.
const COMPACT: u16 = 19;
/// The label column (the longest label is 25 cells).
const LABEL: u16 = 25;

/// One row of the field list.
enum Item<'a> {
    Field(usize, &'a FieldState),
    Heading,
    Fixed(&'a str, Shown<'a>),
}

pub fn draw(buf: &mut Buffer, area: Rect, ctx: &Ctx, form: &FormState, theme: &Theme) {
    let items = items(form);
    let wide = area.width >= WIDE;
    let list_w = if wide {
        area.width - (area.width * 40 / 100).clamp(44, 60) + 1
    } else {
        area.width
    };
    // The editor gets the value column and one cell of the marks' gap.
    let edit_w = list_value_width(Rect {
        width: list_w,
        ..area
    }) + 1;
    let heights: Vec<u16> = items.iter().map(|i| item_height(i, form, edit_w)).collect();
    if wide {
        let panel = (area.width * 40 / 100).clamp(44, 60);
        let list = Rect::new(area.x, area.y, area.width - panel + 1, area.height);
        let detail = Rect::new(area.right() - panel, area.y, panel, area.height);
        ctx.drawn.borrow_mut().field_rows = draw_list(buf, list, form, &items, &heights, theme);
        detail::draw(buf, detail, ctx, form, theme, list_value_width(list));
    } else {
        // The list and the panel share a border row; the panel keeps what the rows leave.
        let inner = area.width.saturating_sub(4);
        let detail_lines = detail::height(ctx, form, theme, inner, list_value_width(area));
        let room = area.height.saturating_sub(3);
        let editable: u16 = items
            .iter()
            .zip(&heights)
            .filter(|(i, _)| matches!(i, Item::Field(..)))
            .map(|(_, h)| h)
            .sum();
        let total: u16 = heights.iter().sum();
        let checklist = matches!(form.mode, Mode::Checklist { .. });
        let floor = if checklist { 3 } else { editable };
        // Below 80×24 (a tmux split) the panel folds into one line: message and rule.
        let panel = if area.height < COMPACT && !checklist {
            1
        } else {
            detail_lines.min(room.saturating_sub(floor).max(3))
        };
        let rows = room.saturating_sub(panel).min(total);
        let list = Rect::new(area.x, area.y, area.width, rows + 2);
        let detail = Rect::new(
            area.x,
            area.y + rows + 1,
            area.width,
            area.height - rows - 1,
        );
        ctx.drawn.borrow_mut().field_rows = draw_list(buf, list, form, &items, &heights, theme);
        detail::draw(buf, detail, ctx, form, theme, list_value_width(list));
    }
}

/// Visible fields, then a heading, the read-only fields and the fields orws does not know.
fn items(form: &FormState) -> Vec<Item<'_>> {
    let ws = &form.workspace;
    let mut items: Vec<Item> = form.visible().map(|(i, f)| Item::Field(i, f)).collect();
    // A bulk edit has no one workspace's read-only fields to show.
    if form.bulk.is_some() {
        return items;
    }
    items.push(Item::Heading);
    for name in READ_ONLY {
        if let Some((key, v)) = ws.fields().get_key_value(name) {
            items.push(Item::Fixed(key, values::named(name, Some(v))));
        }
    }
    for (name, v) in ws.unknown_fields() {
        let json = Shown {
            text: Cow::Owned(v.to_string()),
            placeholder: false,
        };
        items.push(Item::Fixed(name, json));
    }
    items
}

/// Rows of an item; the description being edited takes its soft-wrapped lines (and one more
/// for the cursor), between 3 and 6.
fn item_height(item: &Item, form: &FormState, edit_w: u16) -> u16 {
    match (item, &form.mode) {
        (Item::Field(i, _), Mode::Edit { editor, .. }) if *i == form.focus && editor.multiline => {
            let w = usize::from(edit_w.max(1));
            let rows: usize = editor
                .area
                .lines()
                .iter()
                .map(|l| width(l).div_ceil(w).max(1))
                .sum();
            (rows as u16 + 1).clamp(3, 6)
        }
        _ => 1,
    }
}

fn label_width(area: Rect) -> u16 {
    if area.width >= 60 {
        LABEL
    } else {
        area.width / 3
    }
}

/// Cells left for a value in a list of this outer width.
fn list_value_width(list: Rect) -> u16 {
    let inner = list.width.saturating_sub(2);
    inner.saturating_sub(2 + label_width(list) + 2 + 4)
}

fn draw_list(
    buf: &mut Buffer,
    area: Rect,
    form: &FormState,
    items: &[Item],
    heights: &[u16],
    theme: &Theme,
) -> Vec<(Rect, usize)> {
    let inner = inside(area);
    // A row taller than the list (a long description being edited) gets the whole list.
    let heights: Vec<u16> = heights
        .iter()
        .map(|&h| h.min(inner.height.max(1)))
        .collect();
    let heights = heights.as_slice();
    let focus_item = items
        .iter()
        .position(|i| matches!(i, Item::Field(j, _) if *j == form.focus))
        .unwrap_or(0);
    let first = first_shown(heights, focus_item, inner.height);
    let mut shown_to = first;
    let mut y = 0u16;
    let mut hits = Vec::with_capacity(items.len());
    for (item, &h) in items.iter().zip(heights).skip(first) {
        if y + h > inner.height {
            break;
        }
        let row = Rect::new(inner.x, inner.y + y, inner.width, h);
        if let Item::Field(i, _) = item {
            hits.push((row, *i));
        }
        draw_item(buf, row, form, item, theme);
        y += h;
        shown_to += 1;
    }
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Line::styled(" Fields ", theme.heading));
    if first > 0 {
        block = block.title(Line::styled(format!(" ↑ {} more ", first), theme.dim).right_aligned());
    }
    let below = items.len() - shown_to;
    if below > 0 {
        block = block
            .title_bottom(Line::styled(format!(" ↓ {below} more "), theme.dim).right_aligned());
    }
    block.render(area, buf);
    draw_suggestions(buf, inner, form, items, heights, first, theme);
    hits
}

/// The first item to show so that the focused one is in view (rows stay top-anchored).
fn first_shown(heights: &[u16], focus: usize, room: u16) -> usize {
    let mut first = 0;
    while first < focus && heights[first..=focus].iter().sum::<u16>() > room {
        first += 1;
    }
    first
}

fn draw_item(buf: &mut Buffer, row: Rect, form: &FormState, item: &Item, theme: &Theme) {
    let label_w = label_width(row);
    let value_x = 2 + label_w + 2;
    let value_w = row.width.saturating_sub(value_x + 4);
    match item {
        Item::Heading => {
            let text = " read-only (never sent) ";
            let rule = "─".repeat((row.width as usize).saturating_sub(width(text) + 2));
            let line = Line::from(vec![
                Span::styled("──", theme.dim),
                Span::styled(text, theme.dim),
                Span::styled(rule, theme.dim),
            ]);
            put(buf, row, 0, &line);
        }
        Item::Fixed(name, shown) => {
            let value = one_line(&shown.text);
            let line = Line::from(vec![
                Span::raw("  "),
                Span::styled(pad(name, label_w as usize), theme.dim),
                Span::raw("  "),
                Span::styled(
                    truncate(&value, value_w as usize + 4).into_owned(),
                    theme.dim,
                ),
            ]);
            put(buf, row, 0, &line);
        }
        Item::Field(i, f) => {
            let focused = *i == form.focus;
            let editing = focused && matches!(form.mode, Mode::Edit { .. } | Mode::Switch { .. });
            if focused {
                buf.set_style(row, theme.focus);
            }
            let (marker, label_style) = match (focused, editing) {
                (true, true) => ("✎ ", theme.focus_label),
                (true, false) => ("▶ ", theme.focus_label),
                _ => ("  ", theme.label),
            };
            let label = pad(f.spec.label, label_w as usize);
            put(
                buf,
                row,
                0,
                &Line::from(vec![
                    Span::styled(marker, label_style),
                    Span::styled(label, label_style),
                ]),
            );
            // The editor stops left of the marks, so its cursor never sits on the `●`.
            let value_area = Rect::new(row.x + value_x, row.y, value_w + 1, row.height);
            match &form.mode {
                Mode::Edit { editor, .. } if editing => {
                    (&editor.area).render(value_area, buf);
                    buf.set_style(value_area, theme.editing);
                }
                _ => {
                    let line = field_value(f, value_w as usize, theme);
                    put(buf, value_area, 0, &line);
                }
            }
            marks(buf, row, f, theme);
        }
    }
}

/// A field's value on its row, cut to `max` cells.
fn field_value<'a>(f: &'a FieldState, max: usize, theme: &Theme) -> Line<'a> {
    let normal = if f.is_modified() {
        theme.modified
    } else {
        theme.label
    };
    if f.unparsed.is_some() {
        let text = f.display();
        return Line::styled(truncate(&one_line(&text), max).into_owned(), normal);
    }
    let shown = match f.shows_mixed() {
        Some(n) => Shown {
            text: Cow::Owned(format!("{n} values")),
            placeholder: true,
        },
        None => values::value(Some(f.spec), f.current.as_ref()),
    };
    let style = shown.style(theme, normal);
    let text = one_line(&shown.text);
    Line::styled(truncate(&text, max).into_owned(), style)
}

/// `●` when modified; `✗` on an error, else `!` on a warning.
fn marks(buf: &mut Buffer, row: Rect, f: &FieldState, theme: &Theme) {
    let x = row.right().saturating_sub(3);
    if f.is_modified() {
        buf.set_string(x, row.y, "●", theme.modified);
    }
    if f.error().is_some() {
        buf.set_string(x + 2, row.y, "✗", theme.error);
    } else if f.warning.is_some() {
        buf.set_string(x + 2, row.y, "!", theme.warning);
    }
}

/// The catalog's matches under (or above) the model field being edited.
fn draw_suggestions(
    buf: &mut Buffer,
    inner: Rect,
    form: &FormState,
    items: &[Item],
    heights: &[u16],
    first: usize,
    theme: &Theme,
) {
    if !matches!(form.mode, Mode::Edit { .. }) {
        return;
    }
    let list = form.suggestions();
    if list.is_empty() {
        return;
    }
    let Some(pos) = items
        .iter()
        .position(|i| matches!(i, Item::Field(j, _) if *j == form.focus))
    else {
        return;
    };
    let row_y = inner.y + heights[first..pos].iter().sum::<u16>();
    let x = inner.x + 2 + label_width(inner) + 2;
    let id_w = list.iter().map(|m| width(&m.id)).max().unwrap_or(0);
    let name_w = list.iter().map(|m| width(&m.name)).max().unwrap_or(0);
    let w = inner
        .right()
        .saturating_sub(x)
        .min((id_w + name_w + 6) as u16);
    let h = list.len() as u16 + 2;
    let below = inner.bottom().saturating_sub(row_y + 1);
    let y = if below >= h || row_y < inner.y + h {
        row_y + 1
    } else {
        row_y - h
    };
    let area = Rect::new(x, y, w, h).intersection(inner);
    Clear.render(area, buf);
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .merge_borders(MergeStrategy::Replace)
        .title(Line::styled(" suggestions ", theme.dim))
        .render(area, buf);
    let body = inside(area);
    for (i, m) in list.iter().enumerate() {
        let chosen = form.suggestion == Some(i);
        let (mark, style) = if chosen {
            ("▶ ", theme.selected)
        } else {
            ("  ", theme.label)
        };
        let line = Line::from(vec![
            Span::styled(mark, style),
            Span::styled(pad(&m.id, id_w), style),
            Span::styled(
                format!("  {}", m.name),
                if chosen { style } else { theme.dim },
            ),
        ]);
        if chosen {
            buf.set_style(
                Rect::new(body.x, body.y + i as u16, body.width, 1).intersection(body),
                theme.selected,
            );
        }
        put(buf, body, i as u16, &line);
    }
}
