//! A bulk edit: the workspaces marked in the picker, one form for all of them (the form's own
//! field state and undo, see `FormState::for_many`), a Review of one minimal patch per
//! workspace, the batch engine's progress, and the result with retry and undo (both through a
//! Review again). The form is its own; the Review, progress and result are the phases of the
//! one write flow ([`crate::tui::flow`]) over a [`review::BulkReview`], drawn by `review`,
//! `progress` and `result`.

pub mod form;
pub mod plan;
pub mod progress;
pub mod result;
pub mod review;

pub use crate::batch;

use crate::config::Scope;
use crate::submit::WriteOutcome;
use crate::tui::screens::form::FormState;
use crate::workspace::Workspace;

/// What the runtime tells a bulk edit.
#[derive(Debug)]
pub enum BulkMsg {
    /// Progress of the batch in flight.
    Event(batch::Event),
    /// The batch ended: one outcome per item (`None`: not started).
    Finished(Vec<Option<WriteOutcome>>),
    /// The read-back after the batch: workspaces another writer changed since (or why it
    /// could not be read).
    ReadBack(Result<Vec<batch::Overwritten>, crate::api::ApiError>),
}

/// What a bulk edit asks of the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkEffect {
    /// Run these writes with `crate::batch::run` (concurrency from the settings), streaming
    /// its events back as `BulkMsg::Event` and ending with `BulkMsg::Finished`; recorded as
    /// the revert of a history entry when it undoes one.
    Run(Vec<batch::Item>, Option<crate::write::record::Reverting>),
    /// Start no more writes (those in flight finish).
    Stop,
    /// The batch ended. Its history (a `batch` line, then a line per write as it landed) was
    /// written by the batch itself as it went; the runtime lets go of the batch's stop.
    Record { outcomes: Vec<Option<WriteOutcome>> },
}

/// Why a Review of a batch is shown: what Enter there sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The form's change.
    Edit,
    /// The failed writes again.
    Retry,
    /// Undo what landed.
    Undo,
}

impl Purpose {
    pub fn verb(self) -> &'static str {
        match self {
            Purpose::Edit => "apply to",
            Purpose::Retry => "try again on",
            Purpose::Undo => "undo on",
        }
    }
}

#[derive(Debug)]
pub enum Phase {
    Form,
    /// The write flow: the Review of one patch per workspace, the batch's progress, its result.
    Write(Box<BulkFlow>),
}

/// A bulk edit's write in the one write flow.
pub type BulkFlow = crate::tui::flow::Flow<review::BulkReview>;

impl crate::tui::flow::Plan for review::BulkReview {
    /// A conflict is one part's outcome, shown in the result: the batch has no conflict phase.
    type Conflict = ();
    type Outcome = result::BulkResult;
    type Progress = progress::Progress;

    fn progress(&self) -> progress::Progress {
        progress::Progress::new(self.items.clone(), self.purpose)
    }

    fn retries() -> bool {
        true
    }

    fn writes(&self) -> Vec<crate::tui::flow::PlannedWrite> {
        self.items
            .iter()
            .map(|i| {
                let slug = match i.base.slug() {
                    "" => i.label.clone(),
                    s => s.to_string(),
                };
                crate::tui::flow::PlannedWrite {
                    slug: Some(slug),
                    ..crate::tui::flow::PlannedWrite::in_workspace(
                        "workspaces.patch",
                        "workspace",
                        i.id.clone(),
                        Some(i.id.clone()),
                    )
                }
            })
            .collect()
    }

    /// Only what landed is undone.
    fn undoable(&self, outcome: &result::BulkResult) -> bool {
        outcome.outcomes.iter().any(|o| result::landed(o.as_ref()))
    }

    fn label(
        shown: crate::tui::flow::Shown,
        action: crate::config::Action,
    ) -> Option<&'static str> {
        use crate::config::Action;
        use crate::tui::flow::Shown;
        Some(match (shown, action) {
            (Shown::Review, Action::Submit) => "submit",
            (Shown::Review, Action::Back) => "back",
            (Shown::Sending, Action::Cancel) => "stop starting new ones",
            (Shown::Result, Action::Done | Action::Back) => "list",
            (Shown::Result, Action::Undo) => "undo what landed",
            (Shown::Result, Action::Retry) => "try the failed again",
            _ => return None,
        })
    }
}

/// The bulk edit in progress.
#[derive(Debug)]
pub struct Bulk {
    /// The marked workspaces as the picker listed them: each one's base.
    pub workspaces: Vec<Workspace>,
    pub form: FormState,
    pub phase: Phase,
    /// Opened from the history to undo a batch: there is no form, so `Esc` on the Review
    /// closes it.
    pub from_history: bool,
}

impl Bulk {
    pub fn new(workspaces: Vec<Workspace>) -> Self {
        Self {
            form: FormState::for_many(&workspaces),
            workspaces,
            phase: Phase::Form,
            from_history: false,
        }
    }

    /// The id its draft is kept under: the same marked workspaces find it again.
    pub fn draft_id(&self) -> String {
        crate::state::drafts::bulk_id(self.workspaces.iter().map(Workspace::id))
    }

    /// The Review showing, if it is.
    pub fn reviewing(&self) -> Option<&review::BulkReview> {
        match &self.phase {
            Phase::Write(f) if f.phase == crate::tui::flow::Phase::Review => Some(&f.plan),
            _ => None,
        }
    }

    /// The batch in flight, if it is.
    pub fn progress(&self) -> Option<&progress::Progress> {
        match &self.phase {
            Phase::Write(f) => match &f.phase {
                crate::tui::flow::Phase::Sending(p) => Some(p),
                _ => None,
            },
            Phase::Form => None,
        }
    }

    /// The result showing, if it is.
    pub fn result(&self) -> Option<&result::BulkResult> {
        match &self.phase {
            Phase::Write(f) => match &f.phase {
                crate::tui::flow::Phase::Result(r) => Some(r),
                _ => None,
            },
            Phase::Form => None,
        }
    }

    /// Edits in the form not sent yet, or sent and not landed everywhere (a conflict, a
    /// failure, a batch stopped): the quit question counts them.
    pub fn unsaved(&self) -> usize {
        use crate::tui::flow::Phase as Flow;
        match &self.phase {
            Phase::Form => self.form.modified_count(),
            Phase::Write(f) => match &f.phase {
                Flow::Review => self.form.modified_count(),
                Flow::Result(r) if r.statuses().iter().any(|s| *s != batch::Status::Applied) => {
                    self.form.modified_count()
                }
                _ => 0,
            },
        }
    }

    /// The edits its draft keeps: the unsaved ones, and while the batch runs the ones sent
    /// (a kill mid-batch keeps them; they go once every workspace has them).
    pub fn draft_edits(&self) -> usize {
        match &self.phase {
            Phase::Write(f) if f.is_sending() => self.form.modified_count(),
            _ => self.unsaved(),
        }
    }
}

/// The scope of the bulk edit's current phase, or `None` while a field is edited (keys are
/// text then).
pub fn scope(bulk: &Bulk) -> Option<Scope> {
    Some(match &bulk.phase {
        Phase::Form if bulk.form.is_editing() => return None,
        Phase::Form => Scope::BulkForm,
        Phase::Write(flow) => flow.scope(),
    })
}

/// `text` wrapped to `width` with every line indented by `indent` cells (a hanging indent).
pub(crate) fn indented(
    text: &str,
    indent: usize,
    width: usize,
    style: ratatui::style::Style,
    max_lines: usize,
) -> Vec<ratatui::text::Line<'static>> {
    let pad = " ".repeat(indent);
    crate::tui::view::text::wrap_owned(
        &[(text, style)],
        width.saturating_sub(indent).max(1),
        max_lines,
    )
    .into_iter()
    .map(|line| {
        let mut spans = vec![ratatui::text::Span::raw(pad.clone())];
        spans.extend(line.spans);
        ratatui::text::Line::from(spans)
    })
    .collect()
}
