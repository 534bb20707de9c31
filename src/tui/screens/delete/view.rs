//! The guided delete over the workspace screen.

use super::DeleteFlow;
use crate::tui::screens::admin_write::view::textwrap;
use crate::tui::theme::Theme;
use crate::tui::view::inside;
use crate::tui::view::text::{put, truncate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    flow: &DeleteFlow,
    keys: &crate::tui::screens::keys_tab::KeysTab,
    theme: &Theme,
) {
    Clear.render(area, buf);
    crate::tui::view::panel(format!(" Delete {} ", flow.slug), theme).render(area, buf);
    let inner = inside(area);
    let w = inner.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    for l in textwrap(crate::admin::keys::DELETE_TAKES_ALONG, w) {
        lines.push(Line::styled(l, theme.warning));
    }
    lines.push(Line::raw(""));
    match &keys.keys {
        None => lines.push(Line::styled("Reading its keys…", theme.dim)),
        Some(Err(e)) => lines.push(Line::styled(
            truncate(&format!("✗ Could not list its keys: {e}"), w).into_owned(),
            theme.error,
        )),
        Some(Ok(keys)) if keys.is_empty() => {
            lines.push(Line::styled("✓ No API keys left in it.", theme.info));
        }
        Some(Ok(keys)) => {
            let text = format!(
                "{} API key(s) in it block the delete: Esc, then 4 (Keys tab): m moves, x deletes each.",
                keys.len()
            );
            for l in textwrap(&text, w) {
                lines.push(Line::styled(l, theme.error));
            }
            for k in keys.iter().take(4) {
                lines.push(Line::raw(
                    truncate(&format!("  • {} ({})", k.name, k.label), w).into_owned(),
                ));
            }
            if keys.len() > 4 {
                lines.push(Line::styled(
                    format!("  … {} more", keys.len() - 4),
                    theme.dim,
                ));
            }
        }
    }
    if flow.is_default == Some(true) {
        lines.push(Line::raw(""));
        for l in textwrap(crate::admin::keys::DEFAULT_DELETE_DISABLES, w) {
            lines.push(Line::styled(l, theme.error));
        }
        // Asked once the slug is right and the input has let go (Space there is the slug's).
        if flow.asks_default() {
            let mark = if flow.confirm_default { "[x]" } else { "[ ]" };
            lines.push(Line::styled(
                format!("{mark} Space: I understand, delete the default workspace"),
                theme.label,
            ));
        }
    }
    lines.push(Line::raw(""));
    let caret = if flow.typing { "▏" } else { "" };
    lines.push(Line::styled(
        truncate(
            &format!("Type the slug to confirm: {}{caret}", flow.typed),
            w,
        )
        .into_owned(),
        if flow.typed == flow.slug {
            theme.info
        } else {
            theme.label
        },
    ));
    lines.push(Line::styled(
        truncate(
            "Enter (exact slug) reviews the DELETE · Esc stops typing · not revertable",
            w,
        )
        .into_owned(),
        theme.dim,
    ));
    for (i, line) in lines.iter().take(inner.height as usize).enumerate() {
        put(buf, inner, i as u16, line);
    }
}
