//! The admin write's Review, sending and result, drawn over the tab.

use super::AdminFlow;
use crate::tui::flow::Phase;
use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, truncate};
use crate::tui::view::{inside, panel};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

pub fn draw(buf: &mut Buffer, area: Rect, ctx: &Ctx, flow: &AdminFlow, theme: &Theme) {
    Clear.render(area, buf);
    let write = &flow.plan;
    let title = match flow.phase {
        Phase::Review => " Review ",
        Phase::Sending(()) => " Sending ",
        Phase::Conflict(()) | Phase::Result(_) => " Result ",
    };
    panel(title, theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.push(Line::styled(
        truncate(&write.what, w).into_owned(),
        theme.heading,
    ));
    for note in &write.notes {
        for part in textwrap(note, w) {
            lines.push(Line::styled(part, theme.warning));
        }
    }
    lines.push(Line::raw(""));
    if !write.rows.is_empty() {
        for (i, row) in crate::write::review::table(&write.rows, w)
            .into_iter()
            .enumerate()
        {
            lines.push(Line::styled(
                row,
                if i == 0 { theme.dim } else { theme.label },
            ));
        }
        lines.push(Line::raw(""));
    }
    for r in &write.requests {
        lines.push(Line::styled(
            truncate(&format!("{} {}", r.method(), r.path()), w).into_owned(),
            theme.label,
        ));
        if let Some(body) = r.body() {
            let pretty = serde_json::to_string_pretty(&body).unwrap_or_default();
            for l in pretty.lines() {
                lines.push(Line::raw(truncate(l, w).into_owned()));
            }
        }
    }
    lines.push(Line::raw(""));
    if flow.phase == Phase::Review {
        for (note, style) in crate::tui::screens::policy_notes(&flow.policy, theme) {
            for part in textwrap(&note, w) {
                lines.push(Line::styled(part, style));
            }
        }
    }
    let body_end = lines.len();
    match &flow.phase {
        Phase::Review => match (&ctx.read_only, &write.blocked) {
            (_, Some(why)) => {
                for part in textwrap(&format!("✗ {why} Enter sends nothing; Esc goes back."), w) {
                    lines.push(Line::styled(part, theme.error));
                }
            }
            (Some(from), None) => {
                for part in textwrap(&crate::tui::screens::read_only_note(from), w) {
                    lines.push(Line::styled(part, theme.warning));
                }
            }
            // The policy's line above says why; Enter sends nothing.
            (None, None) if flow.policy.denied => {
                lines.push(Line::styled("Esc back (nothing sent)", theme.dim))
            }
            (None, None) => match &write.refusal_expected {
                Some(why) => {
                    let text = format!("! The server is expected to refuse this: {why}");
                    for part in textwrap(&text, w) {
                        lines.push(Line::styled(part, theme.warning));
                    }
                    lines.push(Line::styled(
                        truncate("Enter sends it anyway · Esc back (nothing sent)", w).into_owned(),
                        theme.warning,
                    ));
                }
                None => lines.push(Line::styled(
                    "Only this is sent. Enter sends · Esc back (nothing sent)",
                    theme.dim,
                )),
            },
        },
        Phase::Sending(()) => lines.push(Line::styled(
            format!(
                "{} Sending… {:.1} s · Esc stops waiting",
                ctx.spinner(),
                ctx.elapsed.as_secs_f64()
            ),
            theme.label,
        )),
        Phase::Result(Ok(text)) => {
            lines.push(Line::styled(
                truncate(&format!("✓ {text}"), w).into_owned(),
                theme.info,
            ));
            let undo = match (&write.undo, &write.no_undo) {
                (Some((what, _)), _) => format!("u: review the undo ({what})"),
                (None, Some(why)) => why.clone(),
                (None, None) => String::new(),
            };
            for part in textwrap(&undo, w) {
                lines.push(Line::styled(part, theme.dim));
            }
        }
        Phase::Result(Err(e)) => {
            for part in textwrap(&format!("✗ {e}"), w) {
                lines.push(Line::styled(part, theme.error));
            }
        }
        // An admin write has no conflict phase: a conflict ends it (`Err`).
        Phase::Conflict(()) => {}
    }
    // The outcome comes first on a Result, so a small terminal shows it without scrolling;
    // what was sent follows (a long write scrolls).
    if matches!(flow.phase, Phase::Result(_)) {
        let mut outcome = lines.split_off(body_end);
        outcome.push(Line::raw(""));
        lines.splice(1..1, outcome);
    }
    let height = inner.height;
    let scroll = flow.shown_scroll(lines.len(), height);
    for (i, line) in lines
        .iter()
        .skip(usize::from(scroll))
        .take(height as usize)
        .enumerate()
    {
        put(buf, inner, i as u16, line);
    }
}

/// Plain word wrap to `width` columns.
pub(crate) fn textwrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}
