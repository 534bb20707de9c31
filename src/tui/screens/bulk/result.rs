//! How a batch ended: each workspace applied / conflict / failed with the reason, scrollable.
//! `r` tries the failed ones again and `u` undoes what landed, each through a Review.

use super::Purpose;
use super::batch::{self, Item, Status};
use crate::submit::WriteOutcome;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct BulkResult {
    pub items: Vec<Item>,
    pub outcomes: Vec<Option<WriteOutcome>>,
    pub purpose: Purpose,
    /// The marked workspaces that already held the values: nothing was sent to them.
    pub unchanged: Vec<String>,
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
        if !self.unchanged.is_empty() {
            parts.push(format!("{} already held", self.unchanged.len()));
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
    // Every marked workspace is accounted for, those left alone too.
    for label in &r.unchanged {
        out.push(Line::from(vec![
            Span::styled(format!("{:<15}", "= unchanged"), theme.dim),
            Span::styled(label.clone(), theme.label),
        ]));
        out.extend(super::indented(
            "already held these values: nothing sent",
            4,
            width,
            theme.dim,
            1,
        ));
    }
    out
}
