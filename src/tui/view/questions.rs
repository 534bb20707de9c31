//! Boxes over the screen: the key help, and the questions asked before anything is lost or sent.

use crate::config::Action;
use crate::tui::app::App;
use crate::tui::chrome::{help, keys_of};
use crate::tui::route::Overlay;
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, wrap_owned};
use crate::tui::view::{centered, padded, popup};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, overlay: Overlay, theme: &Theme) {
    match overlay {
        Overlay::Help => help::draw(buf, area, app, theme),
        Overlay::ConfirmLeave { quit } => {
            let n = app.unsaved_on_leave(quit);
            let s = if n == 1 { "" } else { "s" };
            let why = crate::tui::app::questions::nothing_keeps(app, quit);
            let (title, keep, discard) = if quit {
                ("Quit?", "quit and keep the draft", "discard and quit")
            } else {
                (
                    "Back to the list?",
                    "go back to the picker and keep the draft",
                    "discard and go back to the picker",
                )
            };
            let mut text = format!("You have {n} unsaved change{s}.");
            if app.tabs.keys.secret.is_some() {
                text = format!(
                    "{text} A new key's secret is showing and not marked stored: it is never shown again."
                );
            }
            if let Some(why) = &why {
                text = format!("{text} {why}");
            }
            let keep_keys = keys_of(&app.keys, &[Action::KeepDraft, Action::Yes]);
            let discard_keys = keys_of(&app.keys, &[Action::Discard]);
            let stay_keys = keys_of(&app.keys, &[Action::No]);
            // Nothing keeps the edits: no "keep" answer is offered, `d` is the way out.
            let mut answers: Vec<(&String, &str)> = Vec::with_capacity(3);
            if why.is_none() {
                answers.push((&keep_keys, keep));
            }
            answers.push((&discard_keys, discard));
            answers.push((&stay_keys, "stay"));
            question(buf, area, title, &[(&text, theme.label)], &answers, theme);
        }
        Overlay::RestoreDraft => {
            let (n, when, fields, whose) = match &app.draft_offer {
                Some(d) => (
                    d.len(),
                    d.saved_at.as_str(),
                    draft_contents(d),
                    draft_whose(app, d),
                ),
                None => (0, "", String::new(), String::new()),
            };
            let s = if n == 1 { "" } else { "s" };
            let when = if when.is_empty() {
                String::new()
            } else {
                // "3 minutes ago, 14:02 UTC", not the file's nanosecond timestamp.
                let at = crate::state::saved_ago(when, time::OffsetDateTime::now_utc());
                format!(" from {at}")
            };
            let text =
                format!("A draft of {n} unsaved edit{s}{when} exists for {whose}: {fields}.");
            question(
                buf,
                area,
                "Restore the draft?",
                &[(&text, theme.label)],
                &[
                    (&keys_of(&app.keys, &[Action::Yes]), "restore it"),
                    (
                        &keys_of(&app.keys, &[Action::Discard]),
                        "discard it (delete the draft)",
                    ),
                    (
                        &keys_of(&app.keys, &[Action::No]),
                        "not now (keep the draft for later)",
                    ),
                ],
                theme,
            );
        }
        Overlay::ConfirmResetAll => {
            let n = app.unsaved();
            let s = if n == 1 { "" } else { "s" };
            let text = format!(
                "{n} change{s} will go back to the server's values; u undoes this afterwards."
            );
            question(
                buf,
                area,
                "Reset every field?",
                &[(&text, theme.label)],
                &[
                    (&keys_of(&app.keys, &[Action::Yes]), "reset all fields"),
                    (&keys_of(&app.keys, &[Action::No]), "not now"),
                ],
                theme,
            );
        }
    }
}

/// What a draft holds, by name: "name, slug; Budgets: daily; Members: 2 to add".
fn draft_contents(d: &crate::state::drafts::Draft) -> String {
    use crate::tui::screens::tabs::Tab;
    let settings: Vec<&str> = d
        .fields
        .keys()
        .chain(d.unparsed.keys().filter(|k| !d.fields.contains_key(*k)))
        .map(|k| crate::tui::view::values::label(k))
        .collect();
    let mut parts = Vec::new();
    if !settings.is_empty() {
        parts.push(settings.join(", "));
    }
    for tab in Tab::ALL {
        let Some(t) = d.tabs.get(tab.draft_key()) else {
            continue;
        };
        let what: Vec<String> = t
            .edits
            .iter()
            .map(|(k, v)| match (tab, v.as_array()) {
                (Tab::Members, Some(ids)) => format!("{} to {k}", ids.len()),
                (Tab::Guardrail, _) => crate::admin::guardrail::label(k).to_string(),
                _ => k.clone(),
            })
            .collect();
        parts.push(format!("{}: {}", tab.label(), what.join(", ")));
    }
    // A named guardrail's edits, under its id.
    for (key, t) in &d.tabs {
        let Some(id) = key.strip_prefix("guardrail:") else {
            continue;
        };
        let what: Vec<&str> = t
            .edits
            .keys()
            .map(|k| crate::admin::guardrails::label(k))
            .collect();
        // By its name as the draft's base holds it, else its id.
        let name = t.base.get("name").and_then(serde_json::Value::as_str);
        let whose = name.map_or_else(|| id.to_string(), |n| format!("\"{n}\""));
        parts.push(format!("Guardrail {whose}: {}", what.join(", ")));
    }
    parts.join("; ")
}

/// What a draft is of: this workspace, the marked workspaces, a new workspace.
fn draft_whose(app: &App, d: &crate::state::drafts::Draft) -> String {
    if d.workspace_id == crate::state::drafts::NEW_WORKSPACE {
        return "a new workspace".into();
    }
    match &app.bulk {
        Some(b) if b.draft_id() == d.workspace_id => {
            format!("a bulk edit of these {} workspaces", b.workspaces.len())
        }
        _ => "this workspace".into(),
    }
}

/// A box with a question, the text explaining it, and one line per answer key.
fn question(
    buf: &mut Buffer,
    area: Rect,
    title: &str,
    text: &[(&str, Style)],
    answers: &[(&String, &str)],
    theme: &Theme,
) {
    let box_w = 64.min(area.width.saturating_sub(4));
    let text_w = box_w.saturating_sub(4) as usize;
    let lines = wrap_owned(text, text_w, 8);
    // Each answer wraps under itself, after its key: a long one is never cut.
    let answer_lines: Vec<Vec<Line<'static>>> = answers
        .iter()
        .map(|(_, what)| wrap_owned(&[(what, theme.label)], text_w.saturating_sub(8), 4))
        .collect();
    let h = lines.len() as u16 + answer_lines.iter().map(Vec::len).sum::<usize>() as u16 + 5;
    let rect = centered(area, box_w, h);
    let inner = popup(buf, rect, title, theme);
    let inner = padded(inner, 1, 1);
    for (i, line) in lines.iter().enumerate() {
        put(buf, inner, 1 + i as u16, line);
    }
    let mut row = lines.len() as u16 + 2;
    for ((key, _), wrapped) in answers.iter().zip(answer_lines) {
        for (i, part) in wrapped.into_iter().enumerate() {
            let lead = if i == 0 {
                format!("{key:>6}  ")
            } else {
                " ".repeat(8)
            };
            let mut spans = vec![ratatui::text::Span::styled(lead, theme.key)];
            spans.extend(part.spans);
            put(buf, inner, row, &Line::from(spans));
            row += 1;
        }
    }
}
