//! How a batch ended: each workspace applied / conflict / failed with the reason, scrollable.
//! `r` tries the failed ones again and `u` undoes what landed, each through a Review.

use super::batch::{self, Item, Status};
use super::{Bulk, BulkEffect, Phase, Purpose, review};
use crate::submit::WriteOutcome;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct BulkResult {
    pub items: Vec<Item>,
    pub outcomes: Vec<Option<WriteOutcome>>,
    pub purpose: Purpose,
}

impl BulkResult {
    pub fn statuses(&self) -> Vec<Status> {
        self.outcomes
            .iter()
            .map(|o| batch::status(o.as_ref()))
            .collect()
    }

    pub fn count(&self, status: Status) -> usize {
        self.statuses().iter().filter(|s| **s == status).count()
    }

    pub fn summary(&self) -> String {
        let mut parts = vec![
            format!("{} applied", self.count(Status::Applied)),
            conflicts(self.count(Status::Conflict)),
            format!("{} failed", self.count(Status::Failed)),
        ];
        let not_started = self.count(Status::NotStarted);
        if not_started > 0 {
            parts.push(format!("{not_started} not started"));
        }
        parts.join(" · ")
    }
}

/// "1 conflict", "0 conflicts".
pub fn conflicts(n: usize) -> String {
    format!("{n} conflict{}", if n == 1 { "" } else { "s" })
}

/// Whether part of a write landed (so it has a history part and an undo).
pub(crate) fn landed(outcome: Option<&WriteOutcome>) -> bool {
    matches!(
        outcome,
        Some(WriteOutcome::Applied(_) | WriteOutcome::PartlyApplied { .. })
    )
}

/// The batch ended: its result, and one history entry for what landed.
pub fn finished(app: &mut App, outcomes: Vec<Option<WriteOutcome>>) -> Vec<Effect> {
    let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &app.bulk
    else {
        return vec![];
    };
    let crate::tui::flow::Phase::Sending(p) = &flow.phase else {
        return vec![];
    };
    let result = BulkResult {
        items: p.items.clone(),
        outcomes,
        purpose: p.purpose,
    };
    let record = result.outcomes.iter().any(|o| landed(o.as_ref())).then(|| {
        Effect::Bulk(BulkEffect::Record {
            outcomes: result.outcomes.clone(),
        })
    });
    let summary = result.summary();
    if let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &mut app.bulk
    {
        flow.finish(result);
    }
    app.info(format!("Done: {summary}."));
    record.into_iter().collect()
}

/// `r` / `u`: a Review of the failed writes again (never the conflicts), or of the writes that
/// undo what landed (each checked against what it landed as). `Esc` there comes back here.
pub fn again(app: &mut App, purpose: Purpose) -> Vec<Effect> {
    let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &mut app.bulk
    else {
        return vec![];
    };
    let crate::tui::flow::Phase::Result(result) = &flow.phase else {
        return vec![];
    };
    let items = match purpose {
        // The failed ones, and those a stop left unstarted; a conflict is never tried again.
        Purpose::Retry => result
            .items
            .iter()
            .zip(&result.outcomes)
            .filter(|(_, o)| {
                matches!(
                    batch::status(o.as_ref()),
                    Status::Failed | Status::NotStarted
                )
            })
            .map(|(item, _)| item.clone())
            .collect(),
        Purpose::Undo => batch::undo_items(&result.items, &result.outcomes),
        Purpose::Edit => vec![],
    };
    if items.is_empty() {
        app.info(match purpose {
            Purpose::Retry => "No write failed (a conflict is never tried again).",
            Purpose::Undo | Purpose::Edit => "Nothing landed: there is nothing to undo.",
        });
        return vec![];
    }
    let review = review::BulkReview::new(items, vec![], purpose);
    match purpose {
        Purpose::Undo => flow.undo(review),
        Purpose::Retry | Purpose::Edit => flow.follow(review),
    }
    app.status = None;
    vec![]
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Applied => "✓ applied",
        Status::Conflict => "⚠ conflict",
        Status::Failed => "✗ failed",
        Status::NotStarted => "· not started",
    }
}

pub fn lines(r: &BulkResult, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = wrap_owned(&[(&r.summary(), theme.heading)], width, 2);
    out.push(Line::default());
    for (item, outcome) in r.items.iter().zip(&r.outcomes) {
        let status = batch::status(outcome.as_ref());
        let style = match status {
            Status::Applied => theme.label,
            Status::Conflict => theme.warning,
            Status::Failed => theme.error,
            Status::NotStarted => theme.dim,
        };
        out.push(Line::from(vec![
            Span::styled(format!("{:<15}", mark(status)), style),
            Span::styled(item.label.clone(), theme.label),
        ]));
        let reason = batch::reason(outcome.as_ref());
        // The status says it all for a plain success.
        if reason == status.label() {
            continue;
        }
        out.extend(super::indented(&reason, 4, width, theme.dim, 3));
    }
    out
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    r: &BulkResult,
    flow: &super::BulkFlow,
    theme: &Theme,
) {
    let lines = lines(r, area.width.saturating_sub(4) as usize, theme);
    let title = match r.purpose {
        Purpose::Edit => " Bulk result ",
        Purpose::Retry => " Result of trying again ",
        Purpose::Undo => " Result of the undo ",
    };
    super::draw_lines(buf, area, app, title, &lines, flow, theme);
}
