//! Spend from `/activity` (R29, product.md §14, §15 "Spend"): rows of the last 30 completed UTC
//! days; each budget interval's window (UTC, weeks from Monday, R11), what was spent in its
//! completed days, and a forecast at reset at the completed days' mean rate. Pure.

use crate::admin::budgets::Interval;
use serde::Serialize;
use time::{Date, Duration, Month};

/// One `/activity` row, as spend needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    /// `YYYY-MM-DD`, UTC.
    pub date: Date,
    pub workspace_id: String,
    pub model: String,
    pub usage: f64,
    pub byok_usage_inference: f64,
}

impl ActivityRow {
    /// What the row counts against a budget: with BYOK counted when the workspace says so (R10).
    pub fn counted(&self, include_byok: bool) -> f64 {
        self.usage
            + if include_byok {
                self.byok_usage_inference
            } else {
                0.0
            }
    }
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    let bad = || format!("'{s}' is not a date (YYYY-MM-DD)");
    let mut parts = s.splitn(3, '-');
    let mut next = || parts.next().ok_or_else(bad);
    let (y, m, d) = (next()?, next()?, next()?);
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    let d: u8 = d.parse().map_err(|_| bad())?;
    let month = Month::try_from(m).map_err(|_| bad())?;
    Date::from_calendar_date(y, month, d).map_err(|_| bad())
}

pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The first and last day of `interval`'s window holding `today` (UTC; weeks from Monday);
/// `None` for lifetime, which has no window.
pub fn window(interval: Interval, today: Date) -> Option<(Date, Date)> {
    match interval {
        Interval::Daily => Some((today, today)),
        Interval::Weekly => {
            let monday =
                today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
            Some((monday, monday + Duration::days(6)))
        }
        Interval::Monthly => {
            let first = today.replace_day(1).ok()?;
            let last = first
                .replace_day(time::util::days_in_month(today.month(), today.year()))
                .ok()?;
            Some((first, last))
        }
        Interval::Lifetime => None,
    }
}

/// One interval's spend as the Budgets tab shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spent {
    /// Spent in the window's completed days (through yesterday); for lifetime, in the 30 days.
    pub usd: f64,
    /// How many of the window's days are complete (and so counted).
    pub completed_days: i64,
    /// The window's days left, today included.
    pub days_left: i64,
    /// At reset, at the completed days' mean; `None` with no completed day (or lifetime).
    pub forecast: Option<f64>,
    /// What the number leaves out, in words ("today is not reported", "older than 30 days").
    pub note: Option<&'static str>,
}

/// What `rows` (one workspace's) say of `interval` on `today`.
pub fn spent(rows: &[ActivityRow], interval: Interval, today: Date, include_byok: bool) -> Spent {
    let sum = |from: Date, to: Date| -> f64 {
        rows.iter()
            .filter(|r| r.date >= from && r.date <= to)
            .map(|r| r.counted(include_byok))
            .sum()
    };
    let yesterday = today - Duration::days(1);
    match window(interval, today) {
        None => Spent {
            usd: sum(today - Duration::days(30), yesterday),
            completed_days: 30,
            days_left: 0,
            forecast: None,
            note: Some("the last 30 days only: older spend is unknown"),
        },
        Some((first, last)) => {
            let completed = (today - first).whole_days();
            let usd = sum(first, yesterday);
            let days_left = (last - today).whole_days() + 1;
            Spent {
                usd,
                completed_days: completed,
                days_left,
                forecast: (completed > 0).then(|| usd + usd / completed as f64 * days_left as f64),
                note: (interval == Interval::Daily)
                    .then_some("today is not reported until the day is over"),
            }
        }
    }
}

/// A gauge of `spent` against `limit`: `▕██████░░░░▏ 62%`, the percentage written so no state
/// is told by colour alone; past the limit it is full and says so.
pub fn gauge(spent: f64, limit: f64, width: usize) -> String {
    let ratio = if limit > 0.0 { spent / limit } else { 0.0 };
    let filled = ((ratio.min(1.0) * width as f64).round() as usize).min(width);
    format!(
        "▕{}{}▏ {:.0}%",
        "█".repeat(filled),
        "░".repeat(width - filled),
        ratio * 100.0
    )
}

/// Per-day totals of the 30 days ending yesterday (oldest first), for a sparkline.
pub fn daily(rows: &[ActivityRow], today: Date) -> Vec<f64> {
    (1..=30)
        .rev()
        .map(|n| {
            let day = today - Duration::days(n);
            rows.iter().filter(|r| r.date == day).map(|r| r.usage).sum()
        })
        .collect()
}

/// [`daily`] of each workspace the rows name.
pub fn daily_by_workspace(
    rows: Vec<ActivityRow>,
    today: Date,
) -> std::collections::BTreeMap<String, Vec<f64>> {
    let mut by: std::collections::BTreeMap<String, Vec<ActivityRow>> = Default::default();
    for r in rows {
        by.entry(r.workspace_id.clone()).or_default().push(r);
    }
    by.into_iter()
        .map(|(id, rows)| (id, daily(&rows, today)))
        .collect()
}

/// A sparkline of the values, one block per value, scaled to the largest.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().cloned().fold(0.0, f64::max);
    values
        .iter()
        .map(|v| {
            if max <= 0.0 || *v <= 0.0 {
                ' '
            } else {
                BARS[((v / max) * 7.0).round() as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn row(date: &str, usd: f64, byok: f64) -> ActivityRow {
        ActivityRow {
            date: d(date),
            workspace_id: "w".into(),
            model: "m".into(),
            usage: usd,
            byok_usage_inference: byok,
        }
    }

    #[test]
    fn windows_are_utc_weeks_from_monday_and_calendar_months() {
        // 2026-12-09 is a Wednesday.
        let today = d("2026-12-09");
        assert_eq!(
            window(Interval::Weekly, today),
            Some((d("2026-12-07"), d("2026-12-13")))
        );
        assert_eq!(
            window(Interval::Monthly, today),
            Some((d("2026-12-01"), d("2026-12-31")))
        );
        assert_eq!(window(Interval::Daily, today), Some((today, today)));
        assert_eq!(window(Interval::Lifetime, today), None);
        // A Monday is its own week's first day; February 2028 has 29 days.
        assert_eq!(
            window(Interval::Weekly, d("2026-12-07")).unwrap().0,
            d("2026-12-07")
        );
        assert_eq!(
            window(Interval::Monthly, d("2028-02-10")).unwrap().1,
            d("2028-02-29")
        );
    }

    #[test]
    fn spent_counts_completed_days_and_forecasts_at_their_mean() {
        let today = d("2026-12-09");
        let rows = [
            row("2026-12-06", 100.0, 0.0), // last week
            row("2026-12-07", 10.0, 2.0),
            row("2026-12-08", 20.0, 0.0),
            row("2026-12-09", 999.0, 0.0), // today: not complete, never counted
        ];
        let w = spent(&rows, Interval::Weekly, today, false);
        assert_eq!((w.usd, w.completed_days, w.days_left), (30.0, 2, 5));
        // 30 + 15/day × 5 days left (today included).
        assert_eq!(w.forecast, Some(105.0));
        let with_byok = spent(&rows, Interval::Weekly, today, true);
        assert_eq!(with_byok.usd, 32.0);
        let day = spent(&rows, Interval::Daily, today, false);
        assert_eq!((day.usd, day.forecast), (0.0, None));
        assert!(day.note.unwrap().contains("today"));
        // On a Monday nothing of the week is complete: no forecast, not a guess.
        let monday = spent(&rows, Interval::Weekly, d("2026-12-07"), false);
        assert_eq!((monday.usd, monday.forecast), (0.0, None));
        let life = spent(&rows, Interval::Lifetime, today, false);
        assert_eq!(life.usd, 130.0);
        assert!(life.note.unwrap().contains("30 days"));
    }

    #[test]
    fn the_gauge_writes_its_percentage_and_the_sparkline_scales() {
        assert_eq!(gauge(62.0, 100.0, 10), "▕██████░░░░▏ 62%");
        assert_eq!(gauge(150.0, 100.0, 4), "▕████▏ 150%");
        assert_eq!(gauge(0.0, 100.0, 4), "▕░░░░▏ 0%");
        assert_eq!(sparkline(&[0.0, 1.0, 2.0, 4.0]), " ▃▅█");
        assert_eq!(sparkline(&[0.0, 0.0]), "  ");
        let today = d("2026-12-09");
        let days = daily(
            &[row("2026-12-08", 3.0, 0.0), row("2026-12-08", 1.0, 0.0)],
            today,
        );
        assert_eq!((days.len(), days[29]), (30, 4.0));
    }
}
