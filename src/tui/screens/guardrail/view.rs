//! Draws the Guardrail tab: its fields (scrolled to keep the focus in view), the live rules, or
//! the phase's review / result / conflict.

use super::{Conflict, Entry, GuardrailState, Phase};
use crate::admin::guardrail::TriState;
use crate::tui::flow::Phase as FlowPhase;
use crate::tui::screens::{line_edit, tab_write};
use crate::tui::theme::Theme;
use crate::write::review::{self, Row};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use serde_json::{Map, Value};

fn entry_text(e: &Entry, editor_key: &str) -> String {
    match e {
        Entry::Text(s) if s.is_empty() => "none".into(),
        Entry::Text(s) => s.clone(),
        Entry::Tri(TriState::On) => "on".into(),
        Entry::Tri(TriState::Off) => "off".into(),
        Entry::Tri(TriState::Inherit) => "inherit".into(),
        Entry::Bool(b) => if *b { "on" } else { "off" }.into(),
        Entry::Interval(i) => i.clone().unwrap_or_else(|| "none".into()),
        Entry::Fixed(Value::Array(a)) => {
            format!("{} item(s) ({editor_key} edits them as JSON)", a.len())
        }
        Entry::Fixed(_) => "none".into(),
    }
}

fn body_lines(patch: &Map<String, Value>, theme: &Theme, out: &mut Vec<Line<'static>>) {
    let body = serde_json::to_string_pretty(&Value::Object(patch.clone())).unwrap_or_default();
    for l in body.lines() {
        out.push(Line::styled(l.to_string(), theme.json));
    }
}

/// The lines to draw, with `rows` lines for the fields (the rest scrolls).
/// `editor_key`: the key bound to the editor action, named on the rows it edits.
/// `read_only`: where read-only came from, said on the Review in place of "Enter sends".
pub fn lines(
    s: &GuardrailState,
    theme: &Theme,
    (width, rows): (usize, usize),
    editor_key: &str,
    read_only: Option<&str>,
) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    match &s.phase {
        Phase::Loading => out.push(Line::from("Reading the guardrail…")),
        Phase::LoadFailed(why) => {
            out.push(Line::styled(
                format!("Cannot read the guardrail: {why}"),
                theme.error,
            ));
        }
        Phase::Edit => {
            let rules = s.rules();
            // R14: said for as long as it holds, not as a passing status.
            let fresh = s.base.is_none();
            if fresh {
                out.push(Line::styled(
                    "Not configured yet: the account's policy applies",
                    theme.warning,
                ));
            }
            let suggestions = s.suggestions();
            let detail = detail(s, theme, width, editor_key);
            let room = rows
                .saturating_sub(
                    rules.len()
                        + suggestions.len()
                        + detail.len()
                        + usize::from(s.status.is_some())
                        + usize::from(fresh),
                )
                .max(3);
            let start = s.focus.saturating_sub(room - 1);
            for row in start..(start + room).min(s.entries.len()) {
                let focused = row == s.focus;
                let (marks, style) =
                    tab_write::row_marks(focused, s.editing, s.modified(row), theme);
                let value = match &s.entries[row] {
                    Entry::Text(t) if focused && s.editing => line_edit::with_cursor(t, s.back),
                    e => entry_text(e, editor_key),
                };
                // A long value wraps under itself, never under the marks and names.
                let head = format!(
                    "{marks} {:<30}",
                    crate::admin::guardrails::label(s.field(row))
                );
                let indent = crate::tui::view::text::width(&head);
                let value_w = width.saturating_sub(indent).max(10);
                let max = if focused { 6 } else { 2 };
                let parts = crate::tui::view::text::wrap_owned(&[(&value, style)], value_w, max);
                for (i, part) in parts.into_iter().enumerate() {
                    let lead = if i == 0 {
                        head.clone()
                    } else {
                        " ".repeat(indent)
                    };
                    let mut spans = vec![Span::styled(lead, style)];
                    spans.extend(part.spans);
                    out.push(Line::from(spans));
                }
                if focused {
                    // The catalog's matches for the word being typed, under its field.
                    for (i, id) in suggestions.iter().enumerate() {
                        let (mark, st) = if s.suggestion == Some(i) {
                            ("▸", theme.focus)
                        } else {
                            (" ", theme.label)
                        };
                        out.push(Line::styled(format!("{:>4}{mark} {id}", ""), st));
                    }
                }
            }
            for r in rules {
                out.push(Line::styled(format!("✗ {r}"), theme.error));
            }
            out.extend(detail);
        }
        Phase::Write(flow) => match &flow.phase {
            FlowPhase::Review => {
                let p = &flow.plan;
                let create = if p.base.is_none() {
                    " (the first write configures it)"
                } else {
                    ""
                };
                let rows: Vec<Row> = p
                    .patch
                    .iter()
                    .map(|(f, after)| {
                        let before = p.base.as_ref().and_then(|b| b.get(f));
                        Row::new(
                            crate::admin::guardrails::label(f),
                            review::value(before),
                            review::value(Some(after)),
                        )
                    })
                    .collect();
                let mut wire = vec![Line::styled(
                    format!("as this request: PATCH /guardrails/{}", s.guardrail_id),
                    theme.heading,
                )];
                body_lines(&p.patch, theme, &mut wire);
                out.extend(tab_write::review_lines(
                    p.undo,
                    create,
                    &rows,
                    wire,
                    read_only,
                    &flow.policy,
                    theme,
                ));
            }
            FlowPhase::Sending(()) => out.push(Line::from(
                "Checking for conflicts, then sending the PATCH…",
            )),
            FlowPhase::Result(o) => match &o.after {
                Ok(after) => {
                    match &o.elsewhere {
                        Some(owner) => out.push(Line::styled(
                            format!(
                                "{}. Recorded in the history as that workspace's; u undoes it.",
                                crate::admin::guardrail::wrote_other_text(owner, &o.owner)
                            ),
                            theme.error,
                        )),
                        None => out.push(Line::styled(
                            if o.undo { "Undone." } else { "Applied." },
                            theme.ok,
                        )),
                    }
                    let rows: Vec<Row> = o
                        .patch
                        .keys()
                        .map(|f| {
                            let b = o.before.as_ref().and_then(|g| g.get(f));
                            Row::new(
                                crate::admin::guardrails::label(f),
                                review::value(b),
                                review::value(after.get(f)),
                            )
                        })
                        .collect();
                    for (i, row) in review::table(&rows, 100).into_iter().enumerate() {
                        out.push(Line::styled(
                            row,
                            if i == 0 { theme.dim } else { theme.label },
                        ));
                    }
                }
                Err(why) => {
                    out.push(Line::styled(format!("Not applied: {why}"), theme.error));
                }
            },
            FlowPhase::Conflict(Conflict { fields, now }) => {
                out.push(Line::styled(
                    "Conflict: someone else changed these fields. Nothing was sent.",
                    theme.error,
                ));
                // Each field with the three values: what the edit was made on, what the
                // server holds now, and what would have been sent.
                let p = &flow.plan;
                for f in fields {
                    let read = p.base.as_ref().and_then(|b| b.get(f));
                    let held = now.as_ref().and_then(|n| n.get(f));
                    out.push(Line::from(format!(
                        "{}: you read {}, the server now holds {}; yours: {}",
                        crate::admin::guardrails::label(f),
                        review::value(read),
                        review::value(held),
                        review::value(p.patch.get(f)),
                    )));
                }
            }
        },
    }
    if let Some(st) = &s.status {
        out.push(Line::styled(st.clone(), theme.warning));
    }
    out
}

/// The focused field's detail panel: its name, what it does, the server's value if edited.
fn detail(s: &GuardrailState, theme: &Theme, width: usize, editor_key: &str) -> Vec<Line<'static>> {
    use crate::admin::guardrail::help;
    use crate::admin::guardrails::label;
    let field = s.field(s.focus);
    let server = s.modified(s.focus).then(|| {
        let held = s.entries_for(s.base.as_ref());
        entry_text(&held[s.focus], editor_key)
    });
    tab_write::detail_lines(label(field), field, help(field), server, width, theme)
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    s: &GuardrailState,
    theme: &Theme,
    editor_key: &str,
    read_only: Option<&str>,
) {
    let rows = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let lines = lines(s, theme, (width, rows), editor_key, read_only);
    let title = if s.named {
        " 5 Guardrail · named "
    } else {
        " 5 Guardrail "
    };
    crate::tui::screens::tab_write::draw(buf, area, lines, &s.phase, title, theme);
}
