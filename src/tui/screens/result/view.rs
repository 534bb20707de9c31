//! The result: field | before | after for everything that changed on the server, each requested
//! field marked applied or flagged; long text as a word diff readable without colour.

use crate::tui::route::ResultView;
use crate::tui::theme::Theme;
use crate::tui::view::grid::{GAP, Piece, Row};
use crate::tui::view::text::{one_line, put, width, wrap_owned};
use crate::tui::view::values::{is_long_text, label, named, remote_change_lines};
use crate::tui::view::{inside, padded, panel};
use crate::workspace::diff::DiffPart;
use crate::workspace::{field, values_equal, word_diff};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use serde_json::Value;

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    view: &ResultView,
    flow: &crate::tui::screens::settings_write::SettingsFlow,
    theme: &Theme,
) {
    let outcome = &view.outcome;
    let title = title(view);
    panel(title, theme).render(area, buf);
    // No right margin: the marks column ends at the border, leaving the values more room.
    let inner = inside(area);
    let inner = padded(inner, 1, 0);
    // Every field that changed, then requested fields the server left as they were.
    let mut rows: Vec<(&str, Option<&Value>, Option<&Value>)> = view
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.before.as_ref(), c.after.as_ref()))
        .collect();
    for name in outcome.patch.fields().keys() {
        if !view.changes.iter().any(|c| &c.field == name) {
            rows.push((name, outcome.before.get(name), outcome.after.get(name)));
        }
    }
    let marks: Vec<(&str, Style)> = rows
        .iter()
        .map(|&(name, b, a)| mark(view, name, b, a, theme))
        .collect();
    let label_w = rows
        .iter()
        .map(|r| width(label(r.0)))
        .max()
        .unwrap_or(0)
        .clamp(5, 25) as u16;
    let mark_w = marks.iter().map(|m| width(m.0)).max().unwrap_or(0) as u16;
    let rest = inner.width.saturating_sub(label_w + mark_w + 3 * GAP);
    let widths = [label_w, rest - rest / 2, rest / 2, mark_w];
    crate::tui::view::grid::header(
        buf,
        inner,
        0,
        &widths,
        &["FIELD", "BEFORE", "AFTER", ""],
        theme.heading,
    );

    let extra = extra_lines(view, inner.width, theme);
    let extra_h = if extra.is_empty() {
        0
    } else {
        extra.len() as u16 + 1
    };
    let room = inner.height.saturating_sub(extra_h);
    let built: Vec<Row> = rows
        .iter()
        .zip(&marks)
        .map(|(&(name, before, after), &(mark, mark_style))| {
            if is_long_text(before) || is_long_text(after) {
                // Side by side, each text in its own column: the removed words marked in
                // BEFORE, the added ones in AFTER.
                let (was, now) = diff_pieces(before, after, theme);
                let was: Vec<Piece> = was.iter().map(|(t, s)| (t.as_str(), *s)).collect();
                let now: Vec<Piece> = now.iter().map(|(t, s)| (t.as_str(), *s)).collect();
                let cells: [&[Piece]; 4] = [
                    &[(label(name), theme.label)],
                    &was,
                    &now,
                    &[(mark, mark_style)],
                ];
                Row::new(&widths, &cells, &[], 8)
            } else {
                let (b, a) = (named(name, before), named(name, after));
                let (bt, at) = (one_line(&b.text), one_line(&a.text));
                let cells: [&[Piece]; 4] = [
                    &[(label(name), theme.label)],
                    &[(&bt, b.style(theme, theme.label))],
                    &[(&at, a.style(theme, theme.label))],
                    &[(mark, mark_style)],
                ];
                Row::new(&widths, &cells, &[], 3)
            }
        })
        .collect();
    // Scrolled: the rows above are skipped, as far as the last rows still fill the room under
    // the header (rows that all fit do not scroll; the last row stays in sight).
    let mut last = built.len().saturating_sub(1);
    let mut filled = 0;
    for (i, row) in built.iter().enumerate().rev() {
        filled += row.height;
        if filled > room.saturating_sub(1) {
            break;
        }
        last = i;
    }
    let skip = usize::from(flow.shown_scroll(last + 1, 1));
    let mut y = 1;
    for (i, row) in built.iter().enumerate().skip(skip) {
        if y + row.height > room {
            let more = format!("… and {} more", rows.len() - i);
            put(buf, inner, y, &Line::styled(more, theme.dim));
            y += 1;
            break;
        }
        row.draw(buf, inner, y);
        y += row.height;
    }
    y += 1;
    for line in &extra {
        put(buf, inner, y, line);
        y += 1;
    }
}

/// How a row's field fared: requested ones applied or not, the others changed by whom.
fn mark(
    view: &ResultView,
    name: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    theme: &Theme,
) -> (&'static str, Style) {
    let outcome = &view.outcome;
    if let Some(asked) = outcome.patch.fields().get(name) {
        let stored = match field(name) {
            Some(spec) => values_equal(spec, after, Some(asked)),
            None => after == Some(asked),
        };
        let flagged = view
            .echo_warnings
            .iter()
            .any(|w| w.strip_prefix(name).is_some_and(|r| r.starts_with(':')));
        return match (stored && !flagged, before == after) {
            (true, _) => ("✓ applied", theme.ok),
            (false, true) => ("! ignored", theme.warning),
            (false, false) => ("! stored differently", theme.warning),
        };
    }
    if outcome.remote_changes.iter().any(|c| c.field == name) {
        ("remote", theme.dim)
    } else {
        ("server", theme.dim)
    }
}

/// A word diff as the two columns show it: the before text with its removed words `[-…-]` and
/// crossed out, the after text with its added words `{+…+}` and bold.
type Pieces = Vec<(String, Style)>;

fn diff_pieces(before: Option<&Value>, after: Option<&Value>, theme: &Theme) -> (Pieces, Pieces) {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        other => named("", other).text.into_owned(),
    };
    let (mut was, mut now) = (Vec::new(), Vec::new());
    for (part, s) in word_diff(&text(before), &text(after)) {
        let (open, close, style, out) = match part {
            DiffPart::Same => {
                was.push((s.clone(), theme.label));
                now.push((s, theme.label));
                continue;
            }
            DiffPart::Removed => ("[-", "-]", theme.removed, &mut was),
            DiffPart::Added => ("{+", "+}", theme.added, &mut now),
        };
        // Spaces around the changed words stay outside the markers.
        let core = s.trim();
        if core.is_empty() {
            out.push((format!("{open}{s}{close}"), style));
            continue;
        }
        let start = s.len() - s.trim_start().len();
        let end = start + core.len();
        out.push((s[..start].to_string(), theme.label));
        out.push((format!("{open}{core}{close}"), style));
        out.push((s[end..].to_string(), theme.label));
    }
    (was, now)
}

/// Remote changes taken in before the PATCH, and the server's echo warnings.
fn extra_lines(view: &ResultView, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let w = width as usize;
    let mut out = Vec::new();
    let remote = &view.outcome.remote_changes;
    if !remote.is_empty() {
        out.push(Line::styled(
            "Changed on the server meanwhile by someone else (taken into the form):",
            theme.heading,
        ));
        for c in remote {
            out.extend(remote_change_lines(c, w, theme));
        }
    }
    for warning in &view.echo_warnings {
        out.extend(wrap_owned(
            &[("! ", theme.warning), (warning, theme.warning)],
            w,
            2,
        ));
    }
    out
}

/// "Applied · 2 fields sent", or "Partly applied · 2 fields sent · 1 landed".
pub fn title(view: &ResultView) -> String {
    let landed = view.outcome.patch.len();
    let sent = view.sent.max(landed);
    let s = if sent == 1 { "" } else { "s" };
    let verb = match (view.reverting, landed < sent) {
        (true, false) => "Reverted",
        (true, true) => "Partly reverted",
        (false, false) => "Applied",
        (false, true) => "Partly applied",
    };
    if landed < sent {
        format!(" {verb} · {sent} field{s} sent · {landed} landed ")
    } else {
        format!(" {verb} · {sent} field{s} sent ")
    }
}
