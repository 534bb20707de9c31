//! The key reference of the current screen (section 4 of the product page), in a box.

use super::{all_keys, scope_hints, screen_scope};
use crate::config::Scope;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::text::{pad, put, truncate, width};
use crate::tui::view::{centered, padded, popup};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

type Entry = (Cow<'static, str>, Cow<'static, str>);

#[derive(Clone)]
struct Section {
    title: &'static str,
    entries: Vec<Entry>,
}

fn fixed(title: &'static str, entries: &[(&'static str, &'static str)]) -> Section {
    Section {
        title,
        entries: entries
            .iter()
            .map(|&(k, w)| (Cow::Borrowed(k), Cow::Borrowed(w)))
            .collect(),
    }
}

/// Exactly the actions the screen's handler acts on (from its hints and the key table), then
/// the keys of its text inputs, which are text rather than actions.
fn sections(app: &App) -> Vec<Section> {
    let scope = screen_scope(app);
    let mut entries: Vec<Entry> = Vec::new();
    for (a, _) in scope_hints(app, scope) {
        let keys = all_keys(&app.keys, a);
        // Read-only: what leads to a write's Review is marked; a Review's Enter sends nothing.
        let what: Cow<'static, str> = match &app.read_only {
            Some(_) if a == crate::config::Action::Submit => "nothing (read-only)".into(),
            Some(_) if super::leads_to_write(scope, a) => {
                format!("{} (read-only)", a.description()).into()
            }
            _ => a.description().into(),
        };
        match entries.last_mut() {
            // Actions that share a description share a line (the tab keys: `1 2 3 4 5`).
            Some((k, d)) if *d == what => *k = Cow::Owned(format!("{k} {keys}")),
            _ => entries.push((Cow::Owned(keys), what)),
        }
    }
    let mut all = vec![Section {
        title: scope.title(),
        entries,
    }];
    match scope {
        Scope::Picker => all.push(fixed(
            "Filtering",
            &[
                ("type", "narrow the list"),
                ("Bksp Ctrl-U", "erase a character / all"),
                ("↑ ↓", "move"),
                ("Enter", "apply, back to the list"),
                ("Esc", "clear the filter"),
                ("F1", "help"),
            ],
        )),
        Scope::Form => {
            all.push(fixed(
                "Editing text",
                &[
                    ("Enter Esc Ctrl-C", "done, keeping the text (u undoes it)"),
                    ("Enter", "new line (description)"),
                    ("Tab S-Tab", "edit the next / previous"),
                    ("Space", "flip a checkbox or choice"),
                    ("Ctrl-_ Ctrl-R", "undo / redo typing"),
                    ("Ctrl-U Ctrl-K", "kill to start / end of line"),
                    ("Ctrl-W Ctrl-Y", "kill a word back / yank"),
                    ("Ctrl-A Ctrl-E", "start / end of line"),
                    ("Alt-B Alt-F", "a word left / right"),
                    ("↓ ↑ ^N ^P Enter", "pick a model suggestion"),
                    ("F1", "help"),
                ],
            ));
            all.push(fixed(
                "Tool checklist",
                &[("↑ ↓ Space", "move, check a tool"), ("Enter Esc", "done")],
            ));
        }
        Scope::History => all.push(fixed(
            "Filtering",
            &[
                ("type", "a workspace's slug, name or uuid"),
                ("Bksp Ctrl-U", "erase a character / all"),
                ("Enter", "apply, back to the list"),
                ("Esc", "clear the filter"),
                ("F1", "help"),
            ],
        )),
        Scope::Budgets | Scope::Guardrail => {
            all.push(fixed(
                "Typing a value",
                &[
                    ("type", "a limit in USD, or a list split by , or space"),
                    ("Bksp", "erase a character"),
                    ("↑ ↓ Tab", "the next field, still typing"),
                    ("Enter Esc", "done (Esc keeps what you typed)"),
                    ("F1", "help"),
                ],
            ));
            if scope == Scope::Guardrail {
                all.push(fixed(
                    "Model lists",
                    &[(
                        "↓ ↑ ^N ^P Enter",
                        "pick a catalog suggestion for the word typed",
                    )],
                ));
            }
        }
        // The other scopes type no text: their keys are all there is.
        _ => {}
    }
    all
}

/// Fills the left column up to `rows` lines, then the right; a section cut in two goes on
/// under its title again.
fn flow(all: Vec<Section>, rows: u16) -> (Vec<Section>, Vec<Section>) {
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut used = 0u16;
    for section in all {
        let gap = u16::from(!left.is_empty());
        let fits = rows.saturating_sub(used + gap + 1) as usize;
        if !right.is_empty() || fits == 0 {
            right.push(section);
            continue;
        }
        if section.entries.len() <= fits {
            used += gap + 1 + section.entries.len() as u16;
            left.push(section);
            continue;
        }
        let mut entries = section.entries;
        let rest = entries.split_off(fits);
        used = rows;
        left.push(Section {
            title: section.title,
            entries,
        });
        right.push(Section {
            title: section.title,
            entries: rest,
        });
    }
    (left, right)
}

fn column_height(sections: &[Section]) -> u16 {
    let lines: usize = sections.iter().map(|s| s.entries.len() + 1).sum();
    (lines + sections.len().saturating_sub(1)) as u16
}

fn column_width(sections: &[Section]) -> (u16, u16) {
    let entries = sections.iter().flat_map(|s| &s.entries);
    let key = entries.clone().map(|(k, _)| width(k)).max().unwrap_or(0) as u16 + 2;
    let what = entries.map(|(_, w)| width(w)).max().unwrap_or(0) as u16;
    (key, key + what)
}

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let all = sections(app);
    // One column when it fits the height, else the first section beside the others, else (a
    // small terminal) the lines flow from the left column into the right, so every key shows.
    let room = area.height.saturating_sub(2);
    let one = column_height(&all) + 2 <= room;
    // One section too tall for the screen flows into the right column too.
    let (left, right): (Vec<Section>, Vec<Section>) = if one {
        (all, Vec::new())
    } else {
        let (l, r) = all.split_at(1.min(all.len()));
        if !r.is_empty() && column_height(l).max(column_height(r)) <= room {
            (l.to_vec(), r.to_vec())
        } else {
            flow(all, room)
        }
    };
    let (left, right) = (&left[..], &right[..]);
    let (lk, lw) = column_width(left);
    let (rk, rw) = column_width(right);
    let body_w = if right.is_empty() { lw } else { lw + 4 + rw };
    // The box's inside once it fits the screen (2 for the border, 2 for the padding): a
    // column narrower than its descriptions wraps them under themselves, never cuts them.
    let inner_w = (body_w + 4).min(area.width).saturating_sub(4);
    let split = if right.is_empty() {
        inner_w
    } else if lw + 2 + rw <= inner_w {
        lw + 2
    } else {
        // Too narrow for both: the split that makes the box shortest (the left, the screen's
        // own keys, never scrolls, so it must fit; ties go to the left).
        let widest = (lw + 2).min(inner_w);
        let height = |split: u16| {
            let l = column_lines(left, lk, split, theme).len() as u16;
            let r = column_lines(right, rk, inner_w.saturating_sub(split + 2), theme).len() as u16;
            (l <= room).then_some(l.max(r))
        };
        (lk.saturating_add(14).min(widest)..=widest)
            .rev()
            .filter_map(|split| Some((height(split)?, split)))
            .min_by_key(|(h, _)| *h)
            .map_or(widest, |(_, split)| split)
    };
    let right_w = inner_w.saturating_sub(split + 2);
    let left_lines = column_lines(left, lk, split, theme);
    let right_lines = column_lines(right, rk, right_w, theme);
    // A small terminal: the right column (the rest of the screen's keys first, then the text
    // keys) scrolls with `j k PgUp PgDn` when it is longer than the screen.
    let max = (right_lines.len() as u16).saturating_sub(room);
    app.drawn.borrow_mut().help_scroll_max = max;
    let skip = app.help_scroll.min(max);
    let body_h = (left_lines.len().max(right_lines.len()) as u16).min(room);
    let rect = centered(area, body_w + 4, body_h + 2);
    let inner = popup(buf, rect, "Keys", theme);
    let inner = padded(inner, 1, 1);
    for (y, line) in left_lines.iter().enumerate() {
        put(
            buf,
            Rect {
                width: split,
                ..inner
            },
            y as u16,
            line,
        );
    }
    if !right.is_empty() {
        let x = inner.x + split + 2;
        let col = Rect::new(x, inner.y, inner.right().saturating_sub(x), inner.height);
        for (y, line) in right_lines.iter().skip(skip as usize).enumerate() {
            put(buf, col, y as u16, line);
        }
    }
    // On the bottom border, where it takes no row from the keys.
    let foot = if max > 0 {
        format!(" j k PgUp PgDn · {skip}/{max} · others close ")
    } else {
        " Ctrl-Z suspends · any key closes this ".to_string()
    };
    let x = inner.right().saturating_sub(width(&foot) as u16);
    let row = Rect::new(x, rect.bottom().saturating_sub(1), inner.right() - x, 1);
    put(buf, row, 0, &Line::styled(foot, theme.dim));
}

/// A column's lines at `width`: each section's title, then its keys. A description wraps under
/// itself; where too little room is left beside the keys, it goes on the lines under its key.
fn column_lines(sections: &[Section], key_w: u16, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    const NARROWEST: usize = 14;
    let (key_w, width) = (key_w as usize, width as usize);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        lines.push(Line::styled(s.title, theme.heading));
        for (k, what) in &s.entries {
            let beside = width.saturating_sub(key_w);
            let (lead, what_w, under) = if beside >= NARROWEST || width <= key_w + 1 {
                (key_w, beside.max(1), false)
            } else {
                (2, width.saturating_sub(2).max(1), true)
            };
            let parts = crate::tui::view::text::wrap_owned(&[(what, theme.label)], what_w, 8);
            if under {
                lines.push(Line::styled(truncate(k, width).into_owned(), theme.key));
            }
            for (j, part) in parts.into_iter().enumerate() {
                let head = if j == 0 && !under {
                    Span::styled(pad(k, key_w), theme.key)
                } else {
                    Span::raw(" ".repeat(lead))
                };
                let mut spans = vec![head];
                spans.extend(part.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}
