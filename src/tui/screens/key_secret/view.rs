//! The secret's dialog: the secret on a line of its own, where it can be written, the tick.

use super::SecretDialog;
use crate::tui::theme::Theme;
use crate::tui::view::text::put;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(buf: &mut Buffer, area: Rect, d: &SecretDialog, theme: &Theme) {
    let rect = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2).min(14),
    );
    let title = format!("Key \"{}\" created: its secret", d.name);
    let inner = crate::tui::view::popup_over(buf, area, rect, &title, theme);
    let w = inner.width.saturating_sub(1) as usize;
    let wrap = |t: &str| crate::tui::screens::admin_write::view::textwrap(t, w);
    let mut lines: Vec<Line<'static>> = wrap(
        "This is the only time the secret is shown: store it now (a password manager, or w to write it to a new file).",
    )
    .into_iter()
    .map(|l| Line::styled(l, theme.warning))
    .collect();
    lines.push(Line::raw(""));
    // The secret whole, wrapped rather than cut: it must be copied exactly.
    let secret: Vec<char> = d.expose().chars().collect();
    for part in secret.chunks(w.max(1)) {
        lines.push(Line::styled(part.iter().collect::<String>(), theme.focus));
    }
    lines.push(Line::raw(""));
    if let Some(path) = &d.path {
        lines.push(Line::styled(
            format!("File (new, 0600): {path}▏"),
            theme.label,
        ));
    } else if let Some(path) = &d.written {
        lines.push(Line::styled(
            format!("✓ Written to {path} (0600)"),
            theme.label,
        ));
    } else if d.writing {
        lines.push(Line::styled("Writing…", theme.dim));
    }
    let tick = if d.stored { "[x]" } else { "[ ]" };
    lines.push(Line::styled(
        format!("{tick} I have stored it"),
        theme.label,
    ));
    if let Some(note) = &d.note {
        lines.extend(wrap(note).into_iter().map(|l| Line::styled(l, theme.error)));
    }
    let keys = if d.asking {
        "Have you stored it? It is never shown again. y: yes, close · n: keep it open"
    } else if d.path.is_some() {
        "type the path · Enter write · Esc cancel"
    } else {
        "Space I have stored it · Enter close · w write to a file · Esc/q ask"
    };
    lines.extend(
        wrap(keys)
            .into_iter()
            .map(|l| Line::styled(l, if d.asking { theme.warning } else { theme.dim })),
    );
    for (i, line) in lines.iter().take(inner.height as usize).enumerate() {
        put(buf, inner, i as u16, line);
    }
}
