//! A batch on its way: a progress bar (done/total, applied/conflict/failed), "slowed down"
//! once the server asked, and each workspace's phase. It stays alive (resize, scroll); `Esc`
//! stops starting new writes while those in flight finish.

use super::Purpose;
use super::batch::{Event, Item, Status};
use crate::submit::Phase as WritePhase;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub items: Vec<Item>,
    pub purpose: Purpose,
    /// Each item's state: its phase while in flight, its status once done.
    pub phases: Vec<Option<WritePhase>>,
    pub statuses: Vec<Option<Status>>,
    /// The server asked to slow down: the writes in flight now.
    pub slowed: Option<usize>,
    /// `Esc` was pressed: no new write starts.
    pub stopping: bool,
}

impl Progress {
    pub fn new(items: Vec<Item>, purpose: Purpose) -> Self {
        let n = items.len();
        Self {
            items,
            purpose,
            phases: vec![None; n],
            statuses: vec![None; n],
            slowed: None,
            stopping: false,
        }
    }

    pub fn event(&mut self, event: Event) {
        match event {
            Event::Phase { index, phase } => {
                if let Some(slot) = self.phases.get_mut(index) {
                    *slot = Some(phase);
                }
            }
            Event::Done { index, status } => {
                if let Some(slot) = self.statuses.get_mut(index) {
                    *slot = Some(status);
                }
            }
            Event::Slowed { limit, .. } => self.slowed = Some(limit),
            // Said by the runtime, in the status line.
            Event::Unrecorded(_) => {}
        }
    }

    pub fn done(&self) -> usize {
        self.statuses.iter().filter(|s| s.is_some()).count()
    }

    pub fn count(&self, status: Status) -> usize {
        self.statuses.iter().filter(|s| **s == Some(status)).count()
    }
}

/// `[█████░░░░░]` of `width` cells for `done` of `total`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}

fn phase_text(phase: Option<&WritePhase>, status: Option<Status>) -> &'static str {
    match (status, phase) {
        (Some(Status::Applied), _) => "✓ applied",
        (Some(Status::Conflict), _) => "⚠ conflict",
        (Some(Status::Failed), _) => "✗ failed",
        (Some(Status::NotStarted), _) => "· not started",
        (None, Some(WritePhase::Checking)) => "… checking",
        (None, Some(WritePhase::Sending { .. })) => "… sending",
        (None, Some(WritePhase::Waiting(_))) => "… waiting (server asked)",
        (None, Some(WritePhase::Rechecking)) => "… re-checking",
        (None, None) => "· waiting",
    }
}

pub fn lines(
    p: &Progress,
    width: usize,
    frame: &str,
    elapsed: std::time::Duration,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let total = p.items.len();
    let done = p.done();
    let bar_w = width.saturating_sub(20).clamp(10, 40);
    let mut head = vec![
        Span::styled(format!("{frame} "), theme.key),
        Span::styled(bar(done, total, bar_w), theme.label),
        Span::styled(format!(" {done}/{total}"), theme.heading),
        Span::styled(format!(" · {:.1} s", elapsed.as_secs_f64()), theme.dim),
    ];
    if p.slowed.is_some() {
        head.push(Span::styled(" · slowed down", theme.warning));
    }
    let mut out = vec![Line::from(head)];
    let counts = format!(
        "{} applied · {} · {} failed",
        p.count(Status::Applied),
        super::result::conflicts(p.count(Status::Conflict)),
        p.count(Status::Failed)
    );
    out.extend(wrap_owned(&[(&counts, theme.label)], width, 2));
    if p.stopping {
        let not_started = p
            .phases
            .iter()
            .zip(&p.statuses)
            .filter(|(ph, st)| ph.is_none() && st.is_none())
            .count();
        let text = format!("Stopping: {not_started} not started; those in flight finish.");
        out.extend(wrap_owned(&[(&text, theme.warning)], width, 2));
    }
    out.push(Line::default());
    for (i, item) in p.items.iter().enumerate() {
        let state = phase_text(p.phases[i].as_ref(), p.statuses[i]);
        out.push(Line::from(vec![
            Span::styled(format!("{state:<26}"), theme.dim),
            Span::styled(item.label.clone(), theme.label),
        ]));
    }
    out
}
