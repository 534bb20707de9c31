//! The Guardrails tab's list, the create form and the typed-name delete.

use super::assign::Assign;
use super::{GuardrailsTab, NEW_FIELDS, NewGuardrail};
use crate::tui::theme::Theme;
use crate::tui::view::text::{put_cut, truncate};
use crate::tui::view::{in_view, inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

pub fn draw(buf: &mut Buffer, area: Rect, tab: &GuardrailsTab, theme: &Theme) {
    panel(" 5 Guardrails ", theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    if let Some(new) = &tab.create {
        return draw_new(buf, inner, new, w, theme);
    }
    if let (Some(a), Some(data)) = (&tab.assigning, tab.read()) {
        return draw_assign(buf, inner, a, data, w, theme);
    }
    match &tab.data {
        None => {
            put_cut(buf, inner, 0, "Reading the guardrails…", w, theme.dim);
            return;
        }
        Some(Err(e)) => {
            let text = format!("✗ Could not list the guardrails: {e} (r to retry)");
            put_cut(buf, inner, 0, &text, w, theme.error);
            return;
        }
        Some(Ok(_)) => {}
    }
    let rows = tab.rows();
    // Name, then the counts; the kind (default, account-wide) after the name.
    let counts_w = 18;
    let nw = w.saturating_sub(2 + counts_w + 1).max(8);
    let header = format!("  {:<nw$} {:>7} {:>9}", "Guardrail", "Keys", "Members");
    put_cut(buf, inner, 0, &header, w, theme.label);
    let mut footer = Vec::new();
    if let Some(d) = &tab.deleting {
        footer.push((
            format!(
                "Delete \"{}\": type its name to confirm: {}▏ (Enter reviews, Esc cancels)",
                d.name, d.typed
            ),
            theme.warning,
        ));
    }
    if let Some(s) = &tab.status {
        footer.push((s.clone(), theme.warning));
    }
    let room = (inner.height as usize).saturating_sub(1 + footer.len());
    for (line, i, row) in in_view(&rows, tab.selected, room) {
        let cursor = if i == tab.selected { "▶" } else { " " };
        // The kind first, so a narrow terminal cuts the name, never the kind.
        let kind = match (row.default, row.account_wide) {
            (true, _) => "(default) ",
            (_, true) => "(account-wide) ",
            _ => "",
        };
        let name = format!("{kind}{}", row.name);
        let text = format!(
            "{cursor} {:<nw$} {:>7} {:>9}",
            truncate(&name, nw),
            if row.default {
                "all".to_string()
            } else {
                row.keys.to_string()
            },
            if row.default {
                "all".to_string()
            } else {
                row.members.to_string()
            },
        );
        let style = if i == tab.selected {
            theme.focus
        } else {
            theme.label
        };
        put_cut(buf, inner, line + 1, &text, w, style);
    }
    for (i, (text, style)) in footer.iter().enumerate() {
        let y = inner.height as usize - footer.len() + i;
        put_cut(buf, inner, y as u16, text, w, *style);
    }
}

fn draw_assign(
    buf: &mut Buffer,
    inner: Rect,
    a: &Assign,
    data: &super::ListData,
    w: usize,
    theme: &Theme,
) {
    let room = (inner.height as usize).saturating_sub(3);
    let Some(pick) = &a.adding else {
        let title = format!("Assigned to \"{}\"", a.row.name);
        put_cut(buf, inner, 0, &title, w, theme.heading);
        let held = a.held(data);
        if held.is_empty() {
            let text = "No keys or members: it enforces nothing until assigned (a adds).";
            put_cut(buf, inner, 2, text, w, theme.dim);
        }
        for (line, i, h) in in_view(&held, a.selected, room) {
            let cursor = if i == a.selected { "▶" } else { " " };
            let style = if i == a.selected {
                theme.focus
            } else {
                theme.label
            };
            put_cut(
                buf,
                inner,
                line + 2,
                &format!("{cursor} {}", h.label),
                w,
                style,
            );
        }
        return;
    };
    let title = format!("Assign \"{}\" to…", a.row.name);
    put_cut(buf, inner, 0, &title, w, theme.heading);
    let filter = if pick.filtering || !pick.filter.is_empty() {
        format!("/{}{}", pick.filter, if pick.filtering { "▏" } else { "" })
    } else {
        format!("{} marked · / filters", pick.chosen.len())
    };
    put_cut(buf, inner, 1, &filter, w, theme.dim);
    let list = a.candidates(data);
    for (line, i, h) in in_view(&list, pick.selected, room) {
        let cursor = if i == pick.selected { "▶" } else { " " };
        let mark = if pick.chosen.contains(&(h.member, h.id.clone())) {
            "[x]"
        } else {
            "[ ]"
        };
        let note = h
            .replaces
            .as_ref()
            .map(|n| format!("  replaces {n}"))
            .unwrap_or_default();
        let style = if i == pick.selected {
            theme.focus
        } else {
            theme.label
        };
        let text = format!("{cursor}{mark} {}{note}", h.label);
        put_cut(buf, inner, line + 2, &text, w, style);
    }
}

fn draw_new(buf: &mut Buffer, inner: Rect, new: &NewGuardrail, w: usize, theme: &Theme) {
    put_cut(buf, inner, 0, "New guardrail", w, theme.heading);
    for (row, field) in NEW_FIELDS.iter().enumerate() {
        let focused = row == new.focus;
        let cursor = if focused { "▶" } else { " " };
        let value = new.value(row);
        let value = if focused && new.editing {
            format!("{value}▏")
        } else if value.is_empty() {
            "none".to_string()
        } else {
            value
        };
        let text = format!(
            "{cursor} {:<24} {value}",
            crate::admin::guardrails::label(field)
        );
        let style = if focused { theme.focus } else { theme.label };
        put_cut(buf, inner, (row + 2) as u16, &text, w, style);
    }
    let mut y = NEW_FIELDS.len() + 3;
    for part in crate::tui::view::text::wrap_owned(
        &[(super::ENFORCES_NOTHING, theme.warning)],
        w.max(10),
        3,
    ) {
        crate::tui::view::text::put(buf, inner, y as u16, &part);
        y += 1;
    }
    if let Some(s) = &new.status {
        put_cut(buf, inner, y as u16, s, w, theme.error);
    }
}
