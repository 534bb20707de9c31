//! The detail panel of the focused field: what it is, its error or warning, whether it changed,
//! its counter, what it means and its rule; the checklist of disabled_server_tools.

use crate::tui::screens::Ctx;
use crate::tui::screens::form::{FormState, Mode};
use crate::tui::theme::Theme;
use crate::tui::view::inset;
use crate::tui::view::text::{one_line, put, truncate, width, wrap_marked, wrap_owned};
use crate::tui::view::values;
use crate::workspace::FieldKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::merge::MergeStrategy;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

/// Lines of long text shown in full in the panel.
const VALUE_LINES: usize = 4;

/// Rows the panel's content needs at this inner width.
pub fn height(ctx: &Ctx, form: &FormState, theme: &Theme, width: u16, value_w: u16) -> u16 {
    lines(ctx, form, theme, width, value_w).0.len() as u16
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    ctx: &Ctx,
    form: &FormState,
    theme: &Theme,
    value_w: u16,
) {
    let f = form.focused();
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .merge_borders(MergeStrategy::Fuzzy)
        .title(Line::styled(format!(" {} ", f.spec.label), theme.heading))
        .render(area, buf);
    let inner = inset(area, 2, 1);
    if inner.height == 1 && !matches!(form.mode, Mode::Checklist { .. }) {
        put(buf, inner, 0, &folded(form, theme, inner.width as usize));
        return;
    }
    let (lines, cursor) = lines(ctx, form, theme, inner.width, value_w);
    // Keep the checklist's cursor in view.
    let skip = match cursor {
        Some(c) if c >= inner.height as usize => c + 1 - inner.height as usize,
        _ => 0,
    };
    for (i, line) in lines
        .iter()
        .skip(skip)
        .take(inner.height as usize)
        .enumerate()
    {
        put(buf, inner, i as u16, line);
    }
}

/// The compact panel (a small terminal): the field's message, if any, then its rule, on one line.
fn folded(form: &FormState, theme: &Theme, w: usize) -> Line<'static> {
    let f = form.focused();
    let (mark, message, style) = if let Some(e) = f.error() {
        ("✗ ", e, theme.error)
    } else if let Some(warning) = &f.warning {
        ("! ", warning.clone(), theme.warning)
    } else if f.is_modified() {
        let was = was(f);
        ("● ", format!("modified (was: {was})"), theme.modified)
    } else {
        ("", String::new(), theme.label)
    };
    let rule = format!("Rule: {}", f.spec.rule_text());
    let text = if message.is_empty() {
        rule
    } else {
        format!("{mark}{} · {rule}", one_line(&message))
    };
    let text = truncate(&text, w).into_owned();
    if message.is_empty() {
        Line::styled(text, theme.dim)
    } else {
        Line::styled(text, style)
    }
}

/// The panel's lines, and the line of the checklist's cursor when the checklist is open.
fn lines(
    ctx: &Ctx,
    form: &FormState,
    theme: &Theme,
    width: u16,
    value_w: u16,
) -> (Vec<Line<'static>>, Option<usize>) {
    let f = form.focused();
    let w = width as usize;
    let mut out: Vec<Line<'static>> = Vec::with_capacity(12);
    let name = f.spec.name;
    let counter = f.counter().unwrap_or_default();
    let gap = w.saturating_sub(width_of(name) + width_of(&counter));
    out.push(Line::from(vec![
        Span::styled(name, theme.dim),
        Span::raw(" ".repeat(gap)),
        Span::styled(counter, theme.label),
    ]));
    if let Some(e) = f.error() {
        out.extend(wrap_marked(("✗ ", theme.error), &[(&e, theme.error)], w, 3));
    }
    if let Some(warning) = &f.warning {
        out.extend(wrap_marked(
            ("! ", theme.warning),
            &[(warning, theme.warning)],
            w,
            3,
        ));
    }
    if f.is_modified() {
        let was = was(f);
        out.extend(wrap_marked(
            ("● ", theme.modified),
            &[
                ("modified", theme.modified),
                (" (was: ", theme.dim),
                (&was, theme.label),
                (")", theme.dim),
            ],
            w,
            2,
        ));
    }
    if let (Some(n), Some(many)) = (f.shows_mixed(), form.bulk) {
        let text = format!(
            "The {many} workspaces hold {n} different values here; nothing is sent for it \
             unless you set one, which then goes to all of them."
        );
        out.extend(wrap_owned(&[(&text, theme.dim)], w, 3));
    }
    if let Mode::Checklist { cursor, .. } = &form.mode {
        out.push(Line::styled(
            "Space checks a tool; Enter is done.",
            theme.dim,
        ));
        let first = out.len();
        for (i, (tool, on)) in form.checklist_items().into_iter().enumerate() {
            let here = i == *cursor;
            let style = if here { theme.selected } else { theme.label };
            let known = crate::workspace::field::KNOWN_SERVER_TOOLS.contains(&tool.as_str());
            let note = if known { "" } else { " (unknown, kept)" };
            let room = w.saturating_sub(6 + note.len());
            let mut spans = vec![
                Span::styled(if here { "▶ " } else { "  " }, style),
                Span::styled(if on { "[x] " } else { "[ ] " }, style),
                Span::styled(truncate(&tool, room).into_owned(), style),
            ];
            if !known {
                spans.push(Span::styled(note, theme.dim));
            }
            out.push(Line::from(spans));
        }
        return (out, Some(first + *cursor));
    }
    out.extend(wrap_owned(&[(f.spec.help, theme.label)], w, 3));
    out.extend(wrap_owned(
        &[
            ("Rule: ", theme.dim),
            (f.spec.rule_text().as_str(), theme.dim),
        ],
        w,
        3,
    ));
    // Long text does not fit its row: show it whole here (the editor shows it while editing).
    let text = f.display();
    let editing = matches!(form.mode, Mode::Edit { .. });
    if !editing
        && f.spec.kind.is_text()
        && (width_of(&text) > value_w as usize || text.contains('\n'))
    {
        out.extend(wrap_owned(&[(&text, theme.label)], w, VALUE_LINES));
    }
    if let (FieldKind::Model { .. }, Some(e)) = (f.spec.kind, &ctx.catalog_error) {
        out.extend(wrap_owned(&[(e, theme.dim)], w, 2));
    }
    (out, None)
}

fn width_of(s: &str) -> usize {
    width(s)
}

/// What a modified field held: its base, or a bulk edit's "N values".
fn was(f: &crate::tui::screens::form::field_state::FieldState) -> String {
    match f.mixed {
        Some(n) => format!("{n} values"),
        None => one_line(&values::value(Some(f.spec), f.base.as_ref()).text).into_owned(),
    }
}
