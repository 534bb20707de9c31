//! The Members tab's table and the add list.

use super::MembersTab;
use crate::tui::theme::Theme;
use crate::tui::view::text::{filter_line, put, put_cut, truncate};
use crate::tui::view::{in_view, inset, inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub fn draw(buf: &mut Buffer, area: Rect, tab: &MembersTab, theme: &Theme) {
    panel(" Members ", theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    match &tab.data {
        None => {
            put(
                buf,
                inner,
                0,
                &Line::styled("Loading the members…", theme.dim),
            );
            return;
        }
        Some(Err(e)) => {
            let text = format!("✗ Could not list the members: {e} (r to retry)");
            put_cut(buf, inner, 0, &text, w, theme.error);
            return;
        }
        Some(Ok(_)) if tab.rows.is_empty() => {
            put(
                buf,
                inner,
                0,
                &Line::styled("No members in this workspace.", theme.dim),
            );
        }
        Some(Ok(_)) => {
            let nw = w.saturating_sub(4 + 8 + 2).clamp(10, 60) / 2;
            let header = format!("     {:<nw$} {:<nw$} {:<8}", "Name", "Email", "Role");
            put_cut(buf, inner, 0, &header, w, theme.label);
            let rows = inner.height.saturating_sub(1) as usize;
            for (line, i, row) in in_view(&tab.rows, tab.selected, rows) {
                let cursor = if i == tab.selected { "▶" } else { " " };
                let mark = if tab.marked.contains(&row.member.user_id) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let (name, email) = match &row.who {
                    Some(o) => (o.display_name(), o.email.clone()),
                    None => (
                        row.member.user_id.clone(),
                        "(not in the organisation)".into(),
                    ),
                };
                let text = format!(
                    "{cursor}{mark} {:<nw$} {:<nw$} {:<8}",
                    truncate(&name, nw),
                    truncate(&email, nw),
                    row.member.role
                );
                let style = if i == tab.selected {
                    theme.focus
                } else {
                    theme.label
                };
                put_cut(buf, inner, line + 1, &text, w, style);
            }
        }
    }
    if let Some(pick) = &tab.adding {
        let rect = inset(area, 2, 1);
        let inner = crate::tui::view::popup_over(buf, area, rect, "Add members", theme);
        let w = inner.width.saturating_sub(1) as usize;
        let filter = filter_line(
            pick.filtering,
            &pick.filter,
            "/ filters · Space marks · Enter or s reviews",
            "/ to change",
        );
        put_cut(buf, inner, 0, &filter, w, theme.dim);
        let list = tab.candidates();
        if list.is_empty() {
            put(
                buf,
                inner,
                2,
                &Line::styled("No one else in the organisation matches.", theme.dim),
            );
            return;
        }
        let rows = inner.height.saturating_sub(2) as usize;
        for (line, i, o) in in_view(&list, pick.selected, rows) {
            let cursor = if i == pick.selected { "▶" } else { " " };
            let mark = if pick.chosen.contains(&o.id) {
                "[x]"
            } else {
                "[ ]"
            };
            // Without a name the email stands for it: said once.
            let name = o.display_name();
            let text = if name == o.email {
                format!("{cursor}{mark} {name} {}", o.role)
            } else {
                format!("{cursor}{mark} {name} <{}> {}", o.email, o.role)
            };
            let style = if i == pick.selected {
                theme.focus
            } else {
                theme.label
            };
            put_cut(buf, inner, line + 2, &text, w, style);
        }
    }
}
