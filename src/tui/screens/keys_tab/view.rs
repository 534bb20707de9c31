//! The Keys tab's table.

use super::KeysTab;
use crate::admin::keys::Key;
use crate::tui::theme::Theme;
use crate::tui::view::text::{filter_line, put, put_cut, truncate};
use crate::tui::view::{in_view, inset, inside, panel};
use crate::workspace::Workspace;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use time::OffsetDateTime;

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
    if let Some(form) = tab.form.as_ref().filter(|f| f.open) {
        crate::tui::screens::key_form::view::draw(buf, area, form, tab.now(), theme);
    }
    if let Some(dialog) = &tab.secret {
        crate::tui::screens::key_secret::view::draw(buf, area, dialog, theme);
    }
    if let Some(view) = &tab.policy {
        policy(buf, area, view, theme);
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
        let text = "No key matches the filter (name, label, hash, guardrail or hygiene label).";
        put_cut(buf, inner, top, text, w, theme.dim);
        return;
    }
    // The hygiene labels, as `orws keys audit` gives them, last: cut first where the width
    // leaves no room (the detail line below has them whole).
    let now = tab.now();
    // At 60 columns: name, state and labels; the rest is in the detail line.
    let narrow = w < 80;
    // The key's label (a prefix of its secret) only where there is room for the labels too.
    let with_label = w >= 110;
    let label_column = |text: &str| {
        if with_label {
            format!("{:<10} ", truncate(text, 10))
        } else {
            String::new()
        }
    };
    // Disabled is a label where there is no state column.
    let hygiene = |key: &Key| -> String { hygiene(key, now, narrow) };
    let guardrail = |key: &Key| super::effective_guardrail(tab.context.as_ref(), &key.hash);
    // Below the table, the selected key in full (its rows shrink by two).
    let detail_lines: usize = if narrow { 3 } else { 2 };
    let rows = inner.height.saturating_sub(1 + top) as usize;
    let detail = rows > detail_lines + 1;
    let rows = if detail { rows - detail_lines } else { rows };
    let header = if narrow {
        let nw = w.saturating_sub(2 + 1 + 8 + 2 + 24).clamp(10, 30);
        format!("  {:<nw$} {:<8}  {}", "Name", "State", "Labels")
    } else {
        let nw = name_width(w, &keys, &hygiene);
        format!(
            "  {:<nw$} {}{:<12} {:>17} {:<8} {:<8}  {}",
            "Name",
            label_column("Label"),
            "Guardrail",
            "Usage / limit",
            "Expires",
            "Used",
            "Labels"
        )
    };
    put_cut(buf, inner, top, &header, w, theme.label);
    for (line, i, key) in in_view(&keys, tab.selected, rows) {
        let mark = if i == tab.selected { "▶" } else { " " };
        let text = if narrow {
            let nw = w.saturating_sub(2 + 1 + 8 + 2 + 24).clamp(10, 30);
            format!(
                "{mark} {:<nw$} {:<8}  {}",
                truncate(&key.name, nw),
                state(key),
                hygiene(key)
            )
        } else {
            let nw = name_width(w, &keys, &hygiene);
            format!(
                "{mark} {:<nw$} {}{:<12} {:>17} {:<8} {:<8}  {}",
                truncate(&key.name, nw),
                label_column(&key.label),
                truncate(&guardrail(key), 12),
                usage_limit(key),
                expires_in(key, now),
                used_ago(key, now),
                hygiene(key)
            )
        };
        let style = if i == tab.selected {
            theme.focus
        } else if key.disabled {
            theme.dim
        } else {
            theme.label
        };
        put_cut(buf, inner, line + 1 + top, &text, w, style);
    }
    if let (true, Some(key)) = (detail, tab.selected_key()) {
        let text = detail_line(key, &guardrail(key), &hygiene(key));
        let at = inner.height.saturating_sub(detail_lines as u16);
        let lines = crate::tui::screens::admin_write::view::textwrap(&text, w);
        for (n, l) in lines.iter().take(detail_lines).enumerate() {
            put_cut(buf, inner, at + n as u16, l, w, theme.dim);
        }
    }
}

/// The name takes what the other columns leave (the labels' widest wants room too).
fn name_width(w: usize, keys: &[&Key], hygiene: &dyn Fn(&Key) -> String) -> usize {
    let lw = keys
        .iter()
        .map(|k| hygiene(k).chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    let label = if w >= 110 { 11 } else { 0 };
    w.saturating_sub(53 + label + 2 + lw).clamp(16, 40)
}

fn state(key: &Key) -> &'static str {
    if key.disabled { "disabled" } else { "enabled" }
}

/// The hygiene labels at `now`, disabled first (left out when `stated` apart).
pub fn hygiene(key: &Key, now: OffsetDateTime, stated: bool) -> String {
    use crate::admin::key_labels::Label;
    let mut labels = crate::admin::key_labels::labels(key, now);
    labels.sort_by_key(|l| *l != Label::Disabled);
    labels
        .into_iter()
        .filter(|l| !stated || *l != Label::Disabled)
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn usage_limit(key: &Key) -> String {
    let limit = key
        .limit
        .map_or_else(|| "none".to_string(), |l| format!("${l:.2}"));
    format!("${:.2} / {limit}", key.usage)
}

fn time_of(text: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text?, &time::format_description::well_known::Rfc3339).ok()
}

/// Whole days from `a` to `b`, rounded down.
fn days(a: OffsetDateTime, b: OffsetDateTime) -> i64 {
    (b - a).whole_days()
}

/// When the key expires, from `now`: `never`, `expired`, `in 12d`, `today`.
fn expires_in(key: &Key, now: OffsetDateTime) -> String {
    match key.expires_at.as_deref() {
        None => "never".into(),
        Some(t) => match time_of(Some(t)) {
            None => "?".into(),
            Some(at) if at <= now => "expired".into(),
            Some(at) if days(now, at) == 0 => "today".into(),
            Some(at) => format!("in {}d", days(now, at)),
        },
    }
}

/// When the key was last used, from `now`: `never`, `today`, `45d ago`; `unknown` for a key
/// used before the API recorded it; `—` when the read does not say.
fn used_ago(key: &Key, now: OffsetDateTime) -> String {
    match key.extra.get("last_used_at") {
        None => "—".into(),
        Some(serde_json::Value::Null) if key.usage > 0.0 => "unknown".into(),
        Some(serde_json::Value::Null) => "never".into(),
        Some(v) => match time_of(v.as_str()) {
            None => "?".into(),
            Some(at) if days(at, now) <= 0 => "today".into(),
            Some(at) => format!("{}d ago", days(at, now)),
        },
    }
}

/// The selected key in full: what the columns cut or leave out.
fn detail_line(key: &Key, guardrail: &str, labels: &str) -> String {
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    let expires = key.expires_at.as_deref().map_or("never".to_string(), day);
    let used = match key.extra.get("last_used_at") {
        None => "—".to_string(),
        Some(serde_json::Value::Null) if key.usage > 0.0 => "unknown".to_string(),
        Some(v) => v.as_str().map_or("never".to_string(), day),
    };
    let mut parts = vec![key.name.clone()];
    if !key.label.is_empty() {
        parts.push(key.label.clone());
    }
    parts.push(format!("guardrail {guardrail}"));
    parts.push(format!("usage {}", usage_limit(key)));
    parts.push(format!("expires {expires}"));
    parts.push(format!("last used {used}"));
    if !labels.is_empty() {
        parts.push(labels.to_string());
    }
    parts.join(" · ")
}

/// `p`: the selected key's effective policy over the tab, labelled as computed by orws.
fn policy(buf: &mut Buffer, area: Rect, view: &super::PolicyView, theme: &Theme) {
    use crate::admin::policy::allow_text;
    let rect = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let title = format!("Effective policy of \"{}\" (computed)", view.name);
    let inner = crate::tui::view::popup_over(buf, area, rect, &title, theme);
    let w = inner.width.saturating_sub(1) as usize;
    let mut text: Vec<(String, ratatui::style::Style)> = Vec::new();
    match &view.policy {
        None => text.push((
            "Reading the guardrails, assignments and budgets…".into(),
            theme.dim,
        )),
        Some(Err(why)) => text.push((format!("Cannot compute it: {why}"), theme.error)),
        Some(Ok(p)) => {
            text.push((
                "Computed by orws from R22–R24: the API gives a key's policy only to the key itself.".into(),
                theme.dim,
            ));
            if p.guardrails.is_empty() {
                text.push((
                    "No guardrail applies: the account's policy.".into(),
                    theme.label,
                ));
            }
            for g in &p.guardrails {
                let name = if g.name.is_empty() { &g.id } else { &g.name };
                text.push((format!("Guardrail {name}: {}", g.why.text()), theme.label));
            }
            let set = |s: &std::collections::BTreeSet<String>| match s.is_empty() {
                true => "none".to_string(),
                false => s.iter().cloned().collect::<Vec<_>>().join(", "),
            };
            for (what, v) in [
                ("Allowed models", allow_text(&p.allowed_models)),
                ("Ignored models", set(&p.ignored_models)),
                ("Allowed providers", allow_text(&p.allowed_providers)),
                ("Ignored providers", set(&p.ignored_providers)),
                ("Data regions", allow_text(&p.allowed_data_regions)),
            ] {
                text.push((format!("{what}: {v}"), theme.label));
            }
            for (field, on) in p.zdr.iter().chain(&p.switches) {
                let v = if *on { "on" } else { "off" };
                text.push((
                    format!("{}: {v}", crate::admin::guardrail::label(field)),
                    theme.label,
                ));
            }
            text.push((
                "Budget layers, in the order they are checked (R24):".into(),
                theme.heading,
            ));
            if p.budget_layers.is_empty() {
                text.push(("  none".into(), theme.dim));
            }
            for (i, l) in p.budget_layers.iter().enumerate() {
                let reset = l.reset.as_deref().unwrap_or("never resets");
                text.push((
                    format!("  {}. {} — ${} ({reset})", i + 1, l.what, l.limit_usd),
                    theme.label,
                ));
            }
            for u in &p.unknown {
                text.push((format!("Not read, so not shown: {u}."), theme.warning));
            }
        }
    }
    text.push(("Any key closes this.".into(), theme.dim));
    let mut y = 0;
    for (t, style) in text {
        for line in crate::tui::screens::admin_write::view::textwrap(&t, w) {
            if y >= inner.height {
                return;
            }
            put(buf, inner, y, &Line::styled(line, style));
            y += 1;
        }
    }
}
