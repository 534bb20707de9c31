//! Draws the Budgets tab: the limits and the switch with their live rules, or the phase's
//! review / result / conflict, as wrapped lines (fits 60×20).

use super::{BudgetsFlow, BudgetsState, Conflict, Outcome, Phase, ROWS, shown};
use crate::admin::budgets::Interval;
use crate::tui::flow::Phase as FlowPhase;
use crate::tui::screens::{line_edit, tab_write};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `read_only`: where read-only came from, said on the Review in place of "Enter sends".
pub fn lines(s: &BudgetsState, read_only: Option<&str>, theme: &Theme) -> Vec<Line<'static>> {
    lines_at(s, read_only, theme, 100)
}

/// [`lines`] for a panel `width` columns wide (narrow: the gauges drop their bars).
pub fn lines_at(
    s: &BudgetsState,
    read_only: Option<&str>,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let plain = |t: String| Line::from(t);
    match &s.phase {
        Phase::Loading => out.push(plain("Reading the budgets…".into())),
        Phase::LoadFailed(why) => {
            out.push(Line::styled(
                format!("Cannot read the budgets: {why}"),
                theme.error,
            ));
        }
        Phase::Edit => {
            out.push(Line::styled(
                "Limits in USD (empty = no limit)",
                theme.heading,
            ));
            for row in 0..ROWS {
                let focused = row == s.focus;
                let (marks, style) =
                    tab_write::row_marks(focused, s.editing, s.modified(row), theme);
                let (label, value) = if row < 4 {
                    let i = Interval::ALL[row];
                    let text = &s.texts[row];
                    let shown = if focused && s.editing {
                        format!("${}", line_edit::with_cursor(text, s.back))
                    } else if text.is_empty() {
                        "none".to_string()
                    } else {
                        format!("${text}")
                    };
                    (i.as_str().to_string(), shown)
                } else {
                    let v = match s.byok {
                        Some(true) => "on",
                        Some(false) => "off",
                        None => "off (not set)",
                    };
                    ("include BYOK (all)".to_string(), v.to_string())
                };
                let mut spans = vec![
                    Span::styled(format!("{marks} {label:<19}"), style),
                    Span::styled(format!("{value:<10}"), style),
                ];
                if row < 4 && !(focused && s.editing) {
                    spans.push(Span::styled(spend_cell(s, row, width < 80), theme.dim));
                }
                out.push(Line::from(spans));
            }
            match &s.spend {
                Some(Err(why)) => {
                    out.push(Line::styled(format!("Spend unknown: {why}"), theme.warning))
                }
                None => out.push(Line::styled("Reading the spend…", theme.dim)),
                Some(Ok(read)) => key_usage(read, width, theme, &mut out),
            }
            for rule in s.rules() {
                out.push(Line::styled(format!("✗ {rule}"), theme.error));
            }
        }
        Phase::Write(flow) => flow_lines(s, flow, read_only, theme, &mut out),
    }
    if let Some(st) = &s.status {
        out.push(Line::styled(st.clone(), theme.warning));
    }
    out
}

/// The Result's first line: how the write ended.
pub(crate) fn outcome_line(o: &Outcome) -> String {
    match (&o.failure, o.undo) {
        (None, false) => "Applied.".to_string(),
        (None, true) => "Undone.".to_string(),
        (Some(_), _) => format!("Stopped after {} request(s) landed.", o.landed.len()),
    }
}

fn result_lines(o: &Outcome, theme: &Theme, out: &mut Vec<Line<'static>>) {
    let head = outcome_line(o);
    out.push(Line::styled(
        head,
        if o.failure.is_some() {
            theme.error
        } else {
            theme.ok
        },
    ));
    // The one review language: FIELD | BEFORE | AFTER, ∅ for no limit.
    use crate::write::review::{NULL, Row, table};
    let limit = |l: Option<f64>| l.map_or_else(|| NULL.to_string(), crate::admin::budgets::usd);
    let byok = |b: Option<bool>| match b {
        Some(true) => "on".to_string(),
        Some(false) => "off".to_string(),
        None => NULL.to_string(),
    };
    let mut rows: Vec<(Row, bool)> = Interval::ALL
        .iter()
        .map(|i| {
            let (b, a) = (o.before.limits.get(*i), o.after.limits.get(*i));
            (Row::new(i.as_str(), limit(b), limit(a)), b != a)
        })
        .collect();
    if o.before.include_byok != o.after.include_byok {
        rows.push((
            Row::new(
                "include BYOK",
                byok(o.before.include_byok),
                byok(o.after.include_byok),
            ),
            true,
        ));
    }
    let plain: Vec<Row> = rows.iter().map(|(r, _)| r.clone()).collect();
    for (i, line) in table(&plain, 100).into_iter().enumerate() {
        let style = match i.checked_sub(1).map(|n| rows[n].1) {
            None => theme.heading,
            Some(true) => theme.modified,
            Some(false) => theme.dim,
        };
        out.push(Line::styled(line, style));
    }
    if let Some((req, why)) = &o.failure {
        out.push(Line::styled("Landed:", theme.heading));
        for r in &o.landed {
            out.push(Line::from(format!("  ✓ {}", r.summary())));
        }
        out.push(Line::styled(
            format!("  ✗ {}: {why}", req.summary()),
            theme.error,
        ));
        if !o.landed.is_empty() {
            out.push(Line::from("u reviews the undo of only what landed"));
        }
    }
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    s: &BudgetsState,
    read_only: Option<&str>,
    theme: &Theme,
) {
    let mut lines = lines_at(s, read_only, theme, area.width.saturating_sub(2) as usize);
    if s.phase == Phase::Edit {
        lines.extend(detail(s, area.width.saturating_sub(2) as usize, theme));
    }
    crate::tui::screens::tab_write::draw(buf, area, lines, &s.phase, " 2 Budgets ", theme);
}

/// The spend of an interval on its row: spent so far → at reset, and the gauge against the
/// limit (its percentage written); the detail panel says it in words.
fn spend_cell(s: &BudgetsState, row: usize, narrow: bool) -> String {
    use crate::admin::spend::{gauge, spent};
    let Some(Ok(read)) = &s.spend else {
        return String::new();
    };
    let i = Interval::ALL[row];
    let byok = s.held.include_byok == Some(true);
    let sp = spent(&read.rows, i, read.today, byok);
    let usd = |v: f64| format!("${v:.2}");
    let mut cell = match (i, sp.forecast) {
        (Interval::Daily, _) => "today not reported".to_string(),
        (Interval::Lifetime, _) => format!("30d {}", usd(sp.usd)),
        (_, Some(f)) => format!("{} → {}", usd(sp.usd), usd(f)),
        (_, None) => format!("{} → —", usd(sp.usd)),
    };
    if let (Some(limit), false) = (s.held.limits.get(i), i == Interval::Daily) {
        // What is used of the limit; the forecast past it is said in words, never by colour.
        cell.push_str("  ");
        if narrow {
            cell.push_str(&format!("{:.0}%", sp.usd / limit * 100.0));
        } else {
            cell.push_str(&gauge(sp.usd, limit, 8));
        }
        if sp.forecast.is_some_and(|f| f > limit) {
            cell.push_str(" ! over at reset");
        }
    }
    cell
}

/// The most keys listed under the limits (on a narrow terminal fewer, so the focused limit's
/// detail stays in sight); the Keys tab (4) lists every one.
const KEYS_SHOWN: usize = 5;
const KEYS_SHOWN_NARROW: usize = 2;

/// Each key's own usage windows as `GET /keys` gives them (UTC day, week from Monday, month),
/// the biggest spenders of the month first; narrow: one compact line per key.
fn key_usage(read: &super::SpendRead, width: usize, theme: &Theme, out: &mut Vec<Line<'static>>) {
    use crate::admin::keys::UsageWindow;
    let keys = match &read.keys {
        Err(why) => {
            out.push(Line::styled(
                format!("Keys' usage unknown: {why}"),
                theme.warning,
            ));
            return;
        }
        Ok(keys) if keys.is_empty() => return,
        Ok(keys) => keys,
    };
    let usd = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("${v:.2}"));
    let month = |k: &crate::admin::keys::Key| k.usage_in(UsageWindow::Monthly).unwrap_or(0.0);
    let mut sorted: Vec<&crate::admin::keys::Key> = keys.iter().collect();
    sorted.sort_by(|a, b| month(b).total_cmp(&month(a)).then(a.name.cmp(&b.name)));
    out.push(Line::default());
    out.push(Line::styled(
        "Keys: usage today · this week · this month (UTC)",
        theme.heading,
    ));
    let name_width = if width < 80 { 14 } else { 22 };
    let shown = if width < 80 {
        KEYS_SHOWN_NARROW
    } else {
        KEYS_SHOWN
    };
    for key in sorted.iter().take(shown) {
        let name = crate::text::escape(&key.name).into_owned();
        let name = crate::tui::view::text::truncate(&name, name_width);
        let [d, w, m] = UsageWindow::ALL.map(|win| usd(key.usage_in(win)));
        let mut cells = if width < 80 {
            format!("  {name:<name_width$} {d} · {w} · {m}")
        } else {
            format!("  {name:<name_width$} {d:>9} {w:>9} {m:>9}")
        };
        if width >= 80
            && let Some(limit) = key.limit
        {
            let reset = key
                .extra
                .get("limit_reset")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("lifetime");
            cells.push_str(&format!("   limit ${limit:.2} {reset}"));
        }
        let style = if key.disabled {
            theme.dim
        } else {
            Style::default()
        };
        out.push(Line::styled(cells, style));
    }
    if sorted.len() > shown {
        out.push(Line::styled(
            format!("  … {} more on the Keys tab (4)", sorted.len() - shown),
            theme.dim,
        ));
    }
}

/// The spend of the focused interval in words, for the detail panel.
fn spend_words(s: &BudgetsState) -> Option<String> {
    use crate::admin::spend::spent;
    let Some(Ok(read)) = &s.spend else {
        return None;
    };
    let i = *Interval::ALL.get(s.focus)?;
    let byok = s.held.include_byok == Some(true);
    let sp = spent(&read.rows, i, read.today, byok);
    let with = if byok { ", BYOK included" } else { "" };
    Some(match (i, sp.forecast) {
        (Interval::Daily, _) => {
            format!("Spent today: not reported by /activity until the day is over (UTC){with}.")
        }
        (Interval::Lifetime, _) => format!(
            "Spent in the last 30 days: ${:.2}{with}; older spend is unknown.",
            sp.usd
        ),
        (_, Some(f)) => format!(
            "Spent this {}: ${:.2} in {} completed day(s){with}; at this rate ${f:.2} at reset ({} day(s) left, today included).",
            if i == Interval::Weekly {
                "week (from Monday, UTC)"
            } else {
                "month (UTC)"
            },
            sp.usd,
            sp.completed_days,
            sp.days_left
        ),
        (_, None) => format!(
            "Spent this {}: nothing complete yet (the first day is today), so no forecast.",
            if i == Interval::Weekly {
                "week"
            } else {
                "month"
            }
        ),
    })
}

/// The focused row's detail panel: what the limit means, the server's value if edited.
pub fn detail(s: &BudgetsState, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let (label, api, help) = match s.focus {
        0 => (
            "Daily limit",
            "daily",
            "The most this workspace may spend in a UTC day; it starts again at 00:00 UTC. Each limit must be above the narrower ones.",
        ),
        1 => (
            "Weekly limit",
            "weekly",
            "The most this workspace may spend in a week; it must be above the daily limit.",
        ),
        2 => (
            "Monthly limit",
            "monthly",
            "The most this workspace may spend in a month; it must be above the weekly and daily limits.",
        ),
        3 => (
            "Lifetime limit",
            "lifetime",
            "The most this workspace may ever spend; it never starts again.",
        ),
        _ => (
            "Include BYOK",
            "include_byok_in_budgets",
            "Whether spend on your own provider keys (BYOK) counts against every budget of this workspace.",
        ),
    };
    let server = s.modified(s.focus).then(|| match s.focus {
        4 => match s.held.include_byok {
            Some(true) => "on".to_string(),
            _ => "off".to_string(),
        },
        r => s
            .held
            .limits
            .get(Interval::ALL[r])
            .map_or_else(|| "none".to_string(), crate::admin::budgets::usd),
    });
    let mut lines = tab_write::detail_lines(label, api, help, server, width, theme);
    if let Some(words) = spend_words(s) {
        lines.extend(crate::tui::view::text::wrap_owned(
            &[(&words, theme.label)],
            width.max(10),
            3,
        ));
    }
    lines
}

/// The write's phase in the one write flow: its review, sending, conflict or result.
fn flow_lines(
    s: &BudgetsState,
    flow: &BudgetsFlow,
    read_only: Option<&str>,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let plain = |t: String| Line::from(t);
    let p = &flow.plan;
    match &flow.phase {
        FlowPhase::Review => {
            let mut wire = vec![Line::styled(
                "as these requests, in this order:",
                theme.heading,
            )];
            // The summary, then the exact request as it goes on the wire.
            for (l, r) in BudgetsState::review_lines(p).into_iter().zip(&p.requests) {
                wire.push(Line::styled(l, theme.heading));
                let body = r.body().map(|b| format!("  {b}")).unwrap_or_default();
                wire.push(Line::styled(
                    format!(
                        "   {} /workspaces/{}/budgets/{}{body}",
                        r.method(),
                        s.workspace,
                        r.interval()
                    ),
                    theme.json,
                ));
            }
            let rows = BudgetsState::review_rows(p);
            out.extend(tab_write::review_lines(
                p.undo,
                "",
                &rows,
                wire,
                read_only,
                &flow.policy,
                theme,
            ));
        }
        FlowPhase::Sending(()) => out.push(plain(format!(
            "Checking for conflicts, then sending {} request(s)…",
            flow.plan.requests.len()
        ))),
        FlowPhase::Result(o) => result_lines(o, theme, out),
        FlowPhase::Conflict(Conflict { now, changed }) => {
            out.push(Line::styled(
                "Conflict: someone else changed what you changed. Nothing was sent.",
                theme.error,
            ));
            for c in changed {
                let line = match c {
                    Some(i) => format!(
                        "{i}: you read {}, the server now holds {}",
                        shown(s.held.limits.get(*i)),
                        shown(now.limits.get(*i))
                    ),
                    None => "include BYOK: changed on the server".to_string(),
                };
                out.push(plain(line));
            }
        }
    }
}
