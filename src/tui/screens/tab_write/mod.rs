//! What the Budgets and Guardrail tabs share: a tab that loads what the server holds, is edited,
//! and writes through the one write flow ([`crate::tui::flow`]). Its phases, its hints and keys
//! outside the edit, and what each step of the flow does to the tab, written once; each tab
//! says what is its own through [`WriteTab`]. `host` is the part in the app.

pub mod runner;

use crate::config::keys::{HELP_HINT, QUIT_HINT};
use crate::config::{Action, Scope};
use crate::tui::flow::{self, Choice, Flow, FlowKey, Plan, Step};
use crate::write::record::Reverting;

/// Where the tab is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase<P: Plan> {
    Loading,
    /// Reading failed, and why.
    LoadFailed(String),
    Edit,
    /// A write in the one write flow: its Review (only Enter sends), its sending, a conflict,
    /// the result.
    Write(Box<Flow<P>>),
}

impl<P: Plan> Phase<P> {
    /// The scope whose keys act now; `None` while a field is being typed in (keys are text).
    pub fn scope(&self, tab: Scope, editing: bool) -> Option<Scope> {
        Some(match self {
            Phase::Edit if editing => return None,
            // Loading, the tab keys still work: its scope stays the tab's.
            Phase::Loading | Phase::LoadFailed(_) | Phase::Edit => tab,
            Phase::Write(flow) => flow.scope(),
        })
    }

    /// Still reading (nothing typed can be unsaved yet).
    pub fn is_loading(&self) -> bool {
        matches!(self, Phase::Loading | Phase::LoadFailed(_))
    }

    /// The write under review, if the tab shows one.
    pub fn reviewing(&self) -> Option<&P> {
        match self {
            Phase::Write(f) if f.phase == flow::Phase::Review => Some(&f.plan),
            _ => None,
        }
    }

    /// How the last write ended, while its result shows.
    pub fn result(&self) -> Option<&P::Outcome> {
        match self {
            Phase::Write(f) => match &f.phase {
                flow::Phase::Result(o) => Some(o),
                _ => None,
            },
            _ => None,
        }
    }

    /// A send is on its way.
    pub fn is_sending(&self) -> bool {
        matches!(self, Phase::Write(f) if f.is_sending())
    }

    /// Read again: the tab is edited, but a result stays until it is closed.
    pub fn loaded(&mut self) {
        if !matches!(self, Phase::Write(f) if !f.is_sending()) {
            *self = Phase::Edit;
        }
    }

    /// The check before sending found another writer's change: nothing was sent.
    pub fn conflict(&mut self, conflict: P::Conflict) {
        if let Phase::Write(flow) = self {
            flow.conflict(conflict);
        }
    }

    /// The history entry the write in flight undoes (an undo from the History screen, or `u`
    /// on a result): what it lands is recorded as its revert.
    pub fn reverting(&self) -> Option<Reverting> {
        match self {
            Phase::Write(flow) => flow.reverting.clone(),
            _ => None,
        }
    }

    /// The write landed and was recorded as `entry`: its undo reverts that entry.
    pub fn recorded(&mut self, entry: Reverting) {
        if let Phase::Write(flow) = self {
            flow.recorded = Some(entry);
        }
    }

    /// The hints of every phase but the edit's (`edit`), with their labels.
    pub fn hints(
        &self,
        edit: impl FnOnce() -> Vec<(Action, &'static str)>,
    ) -> Vec<(Action, &'static str)> {
        match self {
            Phase::Loading => vec![(Action::Back, "back"), HELP_HINT, QUIT_HINT],
            Phase::LoadFailed(_) => vec![
                (Action::Reload, "try again"),
                (Action::Back, "back"),
                HELP_HINT,
                QUIT_HINT,
            ],
            Phase::Edit => edit(),
            // Read-only is marked by the chrome, which drops Enter from a Review.
            Phase::Write(flow) => flow.hints(),
        }
    }
}

/// The labels of the edit phase's keys where the write tabs differ.
pub struct EditLabels {
    /// Space, and ←/→ back and on.
    pub toggle: &'static str,
    pub cycle: (&'static str, &'static str),
    pub clear: &'static str,
    /// `e`, for a tab that hands a field to $VISUAL/$EDITOR.
    pub editor: Option<&'static str>,
}

/// The hints of a write tab's edit phase, most useful first.
pub fn edit_hints(labels: EditLabels) -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Edit, "edit"),
        (Action::Toggle, labels.toggle),
        (Action::Review, "review"),
        (Action::Clear, labels.clear),
        (Action::Undo, "undo"),
        (Action::Redo, "redo"),
        (Action::Reset, "reset field"),
        (Action::ResetAll, "reset all"),
    ];
    h.extend(labels.editor.map(|label| (Action::Editor, label)));
    h.extend([
        (Action::Reload, "re-read"),
        (Action::Up, "up"),
        (Action::Down, "down"),
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (Action::CycleBack, labels.cycle.0),
        (Action::CycleOn, labels.cycle.1),
        (Action::Back, "back"),
        HELP_HINT,
        QUIT_HINT,
    ]);
    h
}

/// A tab that edits what the server holds and writes it through the one write flow: what is
/// its own, for [`act`].
pub trait WriteTab {
    type Plan: Plan;
    type Effect;

    fn phase(&self) -> &Phase<Self::Plan>;
    fn phase_mut(&mut self) -> &mut Phase<Self::Plan>;
    fn status_mut(&mut self) -> &mut Option<String>;
    /// The hints of the edit phase.
    fn edit_hints(&self) -> Vec<(Action, &'static str)>;
    /// An action of the edit phase (one its hints list).
    fn act_on_edit(&mut self, action: Action) -> Vec<Self::Effect>;
    /// The edit's Review, or a status saying why there is none.
    fn start_review(&mut self);
    /// The undo of the last write through a Review, or a status saying why there is none.
    fn start_undo(&mut self);
    /// The line that stays said once a result is closed.
    fn closed_line(outcome: &<Self::Plan as Plan>::Outcome) -> String;
    /// Keep mine: the edit stays, now based on what the server holds.
    fn rebase(&mut self, conflict: <Self::Plan as Plan>::Conflict);
    /// Take theirs: the form shows what the server holds (an undoable change).
    fn take_theirs(&mut self, conflict: <Self::Plan as Plan>::Conflict);
    /// The write is an undo (its history entry says so).
    fn undo_flag(plan: &mut Self::Plan) -> &mut bool;
    fn load() -> Self::Effect;
    fn back() -> Self::Effect;
    fn send(plan: Self::Plan) -> Self::Effect;
    fn cancel() -> Self::Effect;
}

/// The hints of the tab's current phase: the actions it acts on, with their labels.
pub fn hints<T: WriteTab>(tab: &T) -> Vec<(Action, &'static str)> {
    tab.phase().hints(|| tab.edit_hints())
}

/// What an action does in the tab's current phase; an action the phase does not list does
/// nothing.
pub fn act<T: WriteTab>(tab: &mut T, action: Action, read_only: Option<&str>) -> Vec<T::Effect> {
    if !hints(tab).iter().any(|(a, _)| *a == action) {
        return vec![];
    }
    *tab.status_mut() = None;
    match tab.phase() {
        Phase::Loading => vec![T::back()],
        Phase::LoadFailed(_) if action == Action::Reload => {
            *tab.phase_mut() = Phase::Loading;
            vec![T::load()]
        }
        Phase::LoadFailed(_) => vec![T::back()],
        Phase::Edit => tab.act_on_edit(action),
        Phase::Write(flow) => {
            let Some(key) = FlowKey::in_scope(flow.scope(), action) else {
                return vec![];
            };
            let Phase::Write(flow) = tab.phase_mut() else {
                return vec![];
            };
            let step = flow.act(key, read_only);
            step_done(tab, step)
        }
    }
}

/// What a step of the write flow does to the tab.
fn step_done<T: WriteTab>(tab: &mut T, step: Step<T::Plan>) -> Vec<T::Effect> {
    match step {
        Step::Ignored | Step::Done | Step::Returned | Step::Retry(_) => vec![],
        Step::Send(p) => vec![T::send(p)],
        Step::Refused(why) => {
            *tab.status_mut() = Some(why);
            vec![]
        }
        Step::Left => {
            *tab.phase_mut() = Phase::Edit;
            vec![]
        }
        // How it ended stays said (a reflexive second Enter closes it at once).
        Step::Closed(o) => {
            *tab.status_mut() = Some(T::closed_line(&o));
            *tab.phase_mut() = Phase::Edit;
            vec![]
        }
        Step::StopWaiting => {
            *tab.phase_mut() = Phase::Loading;
            *tab.status_mut() = Some("cancelled: re-reading what the server holds".into());
            vec![T::cancel(), T::load()]
        }
        Step::Undo(_) => {
            tab.start_undo();
            vec![]
        }
        // Mine: the edit stays, now against what the server holds, and its Review shows again
        // (Enter there checks once more).
        Step::Resolved(conflict, Choice::KeepMine) => {
            // An undo stays the undo it was (its history entry says so).
            let undoing = match tab.phase_mut() {
                Phase::Write(f) => Some((
                    *T::undo_flag(&mut f.plan),
                    f.reverting.clone(),
                    f.from_history,
                )),
                _ => None,
            };
            tab.rebase(conflict);
            *tab.phase_mut() = Phase::Edit;
            tab.start_review();
            if let (Phase::Write(f), Some((undo, reverting, from_history))) =
                (tab.phase_mut(), undoing)
            {
                *T::undo_flag(&mut f.plan) = undo;
                f.reverting = reverting;
                f.from_history = from_history;
            }
            vec![]
        }
        Step::Resolved(conflict, Choice::TakeTheirs) => {
            tab.take_theirs(conflict);
            *tab.phase_mut() = Phase::Edit;
            vec![]
        }
        Step::Resolved(_, Choice::Back) => {
            *tab.phase_mut() = Phase::Edit;
            vec![]
        }
    }
}

/// How a row of the edit shows: its marks (the focus, ✎ while typed in, then ● when it differs
/// from the server; product.md §4: the focus is a mark too, never colour alone, as the Settings
/// form) and its style.
pub fn row_marks(
    focused: bool,
    editing: bool,
    modified: bool,
    theme: &crate::tui::theme::Theme,
) -> (String, ratatui::style::Style) {
    let mark = if modified { "●" } else { " " };
    let (pointer, style) = match (focused, editing) {
        (true, true) => ("✎", theme.editing),
        (true, false) => ("▶", theme.focus),
        _ => (" ", theme.label),
    };
    (format!("{pointer}{mark}"), style)
}

/// The detail panel under a tab's fields, as the Settings form has: the focused field's name
/// (and the API's), what it does, and the server's value when the edit differs from it.
pub fn detail_lines(
    label: &str,
    api: &str,
    help: &str,
    server: Option<String>,
    width: usize,
    theme: &crate::tui::theme::Theme,
) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::text::Line;
    let head = if label == api {
        format!("── {label} ")
    } else {
        format!("── {label} · {api} ")
    };
    let fill = width.saturating_sub(crate::tui::view::text::width(&head));
    let mut out = vec![Line::styled(
        format!("{head}{}", "─".repeat(fill)),
        theme.heading,
    )];
    out.extend(crate::tui::view::text::wrap_owned(
        &[(help, theme.dim)],
        width.max(10),
        3,
    ));
    if let Some(v) = server {
        out.extend(crate::tui::view::text::wrap_owned(
            &[(&format!("On the server: {v}"), theme.label)],
            width.max(10),
            2,
        ));
    }
    out
}

/// A write's Review as lines: the heading (an undo says so; `more` is what else it says), the
/// table of what changes (`rows`), the exact requests as they go on the wire (`wire`), and under
/// read-only the note that nothing is sent.
pub fn review_lines(
    undo: bool,
    more: &str,
    rows: &[crate::write::review::Row],
    wire: Vec<ratatui::text::Line<'static>>,
    read_only: Option<&str>,
    policy: &crate::tui::flow::PolicyVerdict,
    theme: &crate::tui::theme::Theme,
) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::text::Line;
    let what = if undo { "Undo: " } else { "" };
    let sends = if read_only.is_some() || policy.denied {
        "not sent"
    } else {
        "Enter sends"
    };
    let mut out = vec![Line::styled(
        format!("{what}these changes{more} ({sends}):"),
        theme.heading,
    )];
    for (i, row) in crate::write::review::table(rows, 100)
        .into_iter()
        .enumerate()
    {
        out.push(Line::styled(
            row,
            if i == 0 { theme.dim } else { theme.label },
        ));
    }
    out.extend(wire);
    if let Some(from) = read_only {
        out.push(Line::styled(
            crate::tui::screens::read_only_note(from),
            theme.warning,
        ));
    }
    for (note, style) in crate::tui::screens::policy_notes(policy, theme) {
        out.push(Line::styled(note, style));
    }
    out
}

/// Draws the tab's lines in its box, titled `title`: a long review or result scrolls (the one
/// write flow keeps the offset), bounded by the lines as they wrap at this width.
pub fn draw<P: Plan>(
    buf: &mut ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
    lines: Vec<ratatui::text::Line<'static>>,
    phase: &Phase<P>,
    title: &str,
    theme: &crate::tui::theme::Theme,
) {
    use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let scroll = match phase {
        Phase::Write(flow) => flow.shown_scroll(
            para.line_count(area.width.saturating_sub(2)),
            area.height.saturating_sub(2),
        ),
        _ => 0,
    };
    para.scroll((scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(title),
        )
        .render(area, buf);
}
