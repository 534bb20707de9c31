//! The Keys tab's table.

use super::KeysTab;
use crate::tui::theme::Theme;
use crate::tui::view::text::{filter_line, put, put_cut, truncate};
use crate::tui::view::{in_view, inset, inside, panel};
use crate::workspace::Workspace;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// The keys, and over them the choice where the selected one moves: `destinations`, the
/// workspaces it may move to (`picker_loading` while they are still coming).
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    tab: &KeysTab,
    destinations: &[&Workspace],
    picker_loading: bool,
    theme: &Theme,
) {
    table(buf, area, tab, theme);
    if let Some(at) = tab.moving {
        choose(buf, area, tab, destinations, picker_loading, at, theme);
    }
    if let Some(ask) = &tab.deleting {
        ask_delete(buf, area, ask, theme);
    }
}

/// Before a key's delete: what it does, and its name typed to confirm.
fn ask_delete(buf: &mut Buffer, area: Rect, ask: &super::DeleteAsk, theme: &Theme) {
    let rect = Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2).min(9),
    );
    let title = format!("Delete key \"{}\"", ask.name);
    let inner = crate::tui::view::popup_over(buf, area, rect, &title, theme);
    let w = inner.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line<'static>> = crate::tui::screens::admin_write::view::textwrap(
        "Every request made with this key is refused from then on; a deleted key cannot be brought back.",
        w,
    )
    .into_iter()
    .map(|l| Line::styled(l, theme.warning))
    .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        truncate(
            "Type the key's name to go on (Enter: its Review; Esc: cancel):",
            w,
        )
        .into_owned(),
        theme.label,
    ));
    let typed = format!("> {}▏", ask.typed);
    let style = if ask.typed == ask.name {
        theme.label
    } else {
        theme.dim
    };
    lines.push(Line::styled(truncate(&typed, w).into_owned(), style));
    for (i, line) in lines.iter().take(inner.height as usize).enumerate() {
        put(buf, inner, i as u16, line);
    }
}

/// Where the selected key moves: the other workspaces, and what stays behind (R5).
fn choose(
    buf: &mut Buffer,
    area: Rect,
    tab: &KeysTab,
    list: &[&Workspace],
    picker_loading: bool,
    at: usize,
    theme: &Theme,
) {
    let Some(key) = tab.selected_key() else {
        return;
    };
    let rect = inset(area, 2, 1);
    let title = format!("Move \"{}\" to", key.name);
    let inner = crate::tui::view::popup_over(buf, area, rect, &title, theme);
    let w = inner.width.saturating_sub(1) as usize;
    let note =
        crate::tui::screens::admin_write::view::textwrap(crate::admin::keys::MOVE_LEAVES_BEHIND, w);
    for (i, line) in note.iter().take(3).enumerate() {
        put(
            buf,
            inner,
            i as u16,
            &Line::styled(line.clone(), theme.warning),
        );
    }
    let mut top = note.len().min(3) as u16 + 1;
    let filter = filter_line(
        tab.move_filtering,
        &tab.move_filter,
        "/ filters by slug or name",
        "/ to change, Esc clears",
    );
    if inner.height > top + 1 {
        put_cut(buf, inner, top - 1, &filter, w, theme.dim);
        top += 1;
    }
    if list.is_empty() {
        let text = if picker_loading {
            "Loading the workspaces…"
        } else if !tab.move_filter.is_empty() {
            "No workspace matches the filter."
        } else {
            "No other workspace to move it to."
        };
        put(buf, inner, top, &Line::styled(text, theme.dim));
        return;
    }
    let rows = inner.height.saturating_sub(top) as usize;
    for (line, i, ws) in in_view(list, at, rows) {
        let mark = if i == at { "▶" } else { " " };
        let text = format!("{mark} {} ({})", ws.name(), ws.slug());
        let style = if i == at { theme.focus } else { theme.label };
        put_cut(buf, inner, line + top, &text, w, style);
    }
}

fn table(buf: &mut Buffer, area: Rect, tab: &super::KeysTab, theme: &Theme) {
    panel(" API keys ", theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    let keys = match &tab.keys {
        None => {
            put(buf, inner, 0, &Line::styled("Loading the keys…", theme.dim));
            return;
        }
        Some(Err(e)) => {
            let text = format!("✗ Could not list the keys: {e} (r to retry)");
            put_cut(buf, inner, 0, &text, w, theme.error);
            return;
        }
        Some(Ok(keys)) if keys.is_empty() => {
            put(
                buf,
                inner,
                0,
                &Line::styled("No API keys in this workspace.", theme.dim),
            );
            return;
        }
        Some(Ok(_)) => tab.shown(),
    };
    // A filter, once typed, says so above the table (and the table starts below it).
    let top: u16 = if tab.filtering || !tab.filter.is_empty() {
        let line = filter_line(tab.filtering, &tab.filter, "", "/ to change, Esc clears");
        put_cut(buf, inner, 0, &line, w, theme.dim);
        1
    } else {
        0
    };
    if keys.is_empty() {
        let text = "No key matches the filter (name, label, hash or hygiene label).";
        put_cut(buf, inner, top, text, w, theme.dim);
        return;
    }
    // The hygiene labels, as `orws keys audit` gives them (disabled is the state column's),
    // last: cut first where the width leaves no room.
    let now = time::OffsetDateTime::now_utc();
    let hygiene = |key: &crate::admin::keys::Key| -> String {
        crate::admin::key_labels::labels(key, now)
            .into_iter()
            .filter(|l| *l != crate::admin::key_labels::Label::Disabled)
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lw = keys
        .iter()
        .map(|k| hygiene(k).chars().count())
        .max()
        .unwrap_or(0);
    // The name takes what the other columns leave.
    let nw = w.saturating_sub(41 + 2 + lw).clamp(16, 40);
    let header = format!(
        "  {:<nw$} {:<11} {:<8} {:>8} {:>8}  {}",
        "Name", "Label", "State", "Usage", "Limit", "Hygiene"
    );
    put_cut(buf, inner, top, &header, w, theme.label);
    let rows = inner.height.saturating_sub(1 + top) as usize;
    for (line, i, key) in in_view(&keys, tab.selected, rows) {
        let mark = if i == tab.selected { "▶" } else { " " };
        let limit = key
            .limit
            .map_or_else(|| "none".to_string(), |l| format!("${l:.2}"));
        let text = format!(
            "{mark} {:<nw$} {:<11} {:<8} {:>8} {:>8}  {}",
            truncate(&key.name, nw),
            truncate(&key.label, 11),
            if key.disabled { "disabled" } else { "enabled" },
            format!("${:.2}", key.usage),
            limit,
            hygiene(key)
        );
        let style = if i == tab.selected {
            theme.focus
        } else if key.disabled {
            theme.dim
        } else {
            theme.label
        };
        put_cut(buf, inner, line + 1 + top, &text, w, style);
    }
}
