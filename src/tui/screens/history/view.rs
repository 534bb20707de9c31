//! The History screen: the list (id, time, kind, workspace, what changed) and, below it, the
//! selected entry's before and after.

use super::HistoryView;
use crate::revert::{kind_name, short_id, summary};
use crate::state::history::{HistoryEntry, Kind};
use crate::tui::theme::Theme;
use crate::tui::view::text::{put_cut, truncate};
use crate::tui::view::{in_view, inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use serde_json::Value;

pub fn draw(buf: &mut Buffer, area: Rect, view: &HistoryView, theme: &Theme) {
    // The list takes what the detail leaves: at least a few rows for each.
    let detail_h = (area.height / 3).max(5).min(area.height.saturating_sub(5));
    let list_area = Rect::new(area.x, area.y, area.width, area.height - detail_h);
    let detail_area = Rect::new(area.x, list_area.bottom(), area.width, detail_h);
    list(buf, list_area, view, theme);
    detail(buf, detail_area, view, theme);
}

fn list(buf: &mut Buffer, area: Rect, view: &HistoryView, theme: &Theme) {
    let title = match (view.filtering, view.filter.is_empty()) {
        (true, _) => format!(" History · filter: {}▏ ", view.filter),
        (false, false) => format!(" History · filter: {} ", view.filter),
        (false, true) => " History ".to_string(),
    };
    panel(title, theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    let say = |buf: &mut Buffer, text: &str, style| {
        put_cut(buf, inner, 0, text, w, style);
    };
    match &view.entries {
        None => return say(buf, "Reading the history…", theme.dim),
        Some(Err(e)) => return say(buf, &format!("✗ {e}"), theme.error),
        Some(Ok(list)) if list.is_empty() => {
            return say(
                buf,
                "No change applied from this machine to this host yet.",
                theme.dim,
            );
        }
        Some(Ok(_)) => {}
    }
    let rows = view.rows();
    if rows.is_empty() {
        return say(
            buf,
            "No entry touches a workspace matching the filter.",
            theme.dim,
        );
    }
    let header = format!(
        "  {:<8} {:<16} {:<9} {:<18} {}",
        "ID", "Time", "Kind", "Workspace", "Change"
    );
    put_cut(buf, inner, 0, &header, w, theme.label);
    let height = inner.height.saturating_sub(1) as usize;
    for (line, i, row) in in_view(&rows, view.selected, height) {
        let Some(e) = view.list().get(row.entry) else {
            continue;
        };
        let mark = if i == view.selected { "▶" } else { " " };
        let text = match row.part.and_then(|p| e.parts.get(p)) {
            Some(part) => format!(
                "{mark} {:<8} {:<16} {:<9} {:<18} {}",
                "",
                "",
                "└ part",
                truncate(&view.label(&part.workspace_id), 18),
                summary(part, &view.labels)
            ),
            None => {
                let fold = match e.is_batch() {
                    true if view.expanded.contains(&e.id) => "▾ ",
                    true => "▸ ",
                    false => "",
                };
                let workspace = match e.is_batch() {
                    true => crate::revert::batch_size(e),
                    false => view.label(&e.workspace_id),
                };
                format!(
                    "{mark} {:<8} {:<16} {:<9} {:<18} {fold}{}",
                    short_id(&e.id),
                    time(&e.time),
                    kind_name(e.kind),
                    truncate(&workspace, 18),
                    summary(e, &view.labels)
                )
            }
        };
        let style = if i == view.selected {
            theme.focus
        } else {
            theme.label
        };
        put_cut(buf, inner, line + 1, &text, w, style);
    }
}

/// `2026-11-29T14:05:09Z` → `11-29 14:05:09`.
fn time(t: &str) -> String {
    t.get(5..19).unwrap_or(t).replacen('T', " ", 1)
}

fn detail(buf: &mut Buffer, area: Rect, view: &HistoryView, theme: &Theme) {
    panel(" Before → after ", theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    let Some((entry, part)) = view.selected_entry() else {
        return;
    };
    let shown = part.unwrap_or(entry);
    let lines = diff_lines(shown, view);
    for (i, line) in lines.iter().take(inner.height as usize).enumerate() {
        put_cut(buf, inner, i as u16, line, w, theme.label);
    }
}

/// The lines of an entry's diff: one per field (`field: before → after`), or what it did.
fn diff_lines(e: &HistoryEntry, view: &HistoryView) -> Vec<String> {
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "∅".to_string(),
        Some(Value::String(s)) => format!("\"{}\"", crate::text::escape(s)),
        Some(other) => crate::text::escape(&other.to_string()).into_owned(),
    };
    let workspace = match e.is_batch() {
        true => crate::revert::batch_size(e),
        false => view.label(&e.workspace_id),
    };
    let of = match (&e.kind, &e.of) {
        (Kind::Revert, Some(of)) => format!(" of {}", crate::text::escape(short_id(of))),
        _ => String::new(),
    };
    let mut out = vec![format!(
        " {}{of} · {workspace} · {}",
        kind_name(e.kind),
        e.time.get(..19).unwrap_or(&e.time).replacen('T', " ", 1)
    )];
    // A revert shows the write it made.
    let e = &*e.as_written();
    match e.kind {
        Kind::Assignment => {}
        Kind::Patch | Kind::Guardrail => out.extend(e.patch.keys().map(|k| {
            format!(
                "  {k}: {} → {}",
                show(e.before.get(k)),
                show(e.after.get(k))
            )
        })),
        Kind::Batch => out.extend(e.parts.iter().map(|p| {
            format!(
                "  {}: {}",
                view.label(&p.workspace_id),
                summary(p, &view.labels)
            )
        })),
        Kind::Budgets => {
            let keys: Vec<&String> = e.after.keys().chain(e.before.keys()).collect();
            let mut seen = std::collections::BTreeSet::new();
            for k in keys {
                if seen.insert(k) && e.before.get(k) != e.after.get(k) {
                    out.push(format!(
                        "  {k}: {} → {}",
                        show(e.before.get(k)),
                        show(e.after.get(k))
                    ));
                }
            }
        }
        Kind::Create | Kind::Delete | Kind::Members | Kind::Keys | Kind::Revert => {
            out.push(format!("  {}", summary(e, &view.labels)));
            if e.kind == Kind::Delete {
                out.push(
                    "  Not revertable: a deleted workspace or key cannot be brought back.".into(),
                );
            }
        }
    }
    out
}
