//! The Budgets tab (product.md §10, R8–R11): the four intervals, each a limit in USD or none,
//! and the workspace-wide "include BYOK in budgets" switch. Self-contained: its state, what each
//! action and typed key does (`act`, `text`: pure), its write through the one write flow
//! ([`crate::tui::flow`]: Review → Sending → Conflict → Result), and the hints the chrome
//! builds the hint bar and help from. The I/O of its effects is in `runner.rs`.

mod draft;
pub mod runner;
pub mod view;

use crate::admin::budgets::{
    self, BudgetRequest, BudgetRule, Budgets, Interval, Limits, parse_limit, usd,
};
use crate::api::{ApiError, WriteFailure};
use crate::config::keys::BudgetsKey;
use crate::config::{Action, Scope};
use crate::tui::screens::line_edit;
use crate::tui::screens::tab_write::{self, EditLabels, WriteTab};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The rows: the four intervals, then the BYOK switch.
pub const ROWS: usize = 5;
const BYOK_ROW: usize = 4;

/// Where the tab is: reading (a 403 says budgets are an Enterprise-plan feature, R11), the
/// edit, or a write (the exact requests in the order they will be sent).
pub type Phase = tab_write::Phase<Pending>;

/// The Budgets tab's write in the one write flow.
pub type BudgetsFlow = crate::tui::flow::Flow<Pending>;

/// Someone else changed a budget this edit changes: nothing was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub now: Budgets,
    pub changed: Vec<Option<Interval>>,
}

impl crate::tui::flow::Plan for Pending {
    type Conflict = Conflict;
    type Outcome = Outcome;
    type Progress = ();

    fn progress(&self) {}

    fn writes(&self) -> Vec<crate::tui::flow::PlannedWrite> {
        self.requests
            .iter()
            .map(|r| {
                let kind = match r.method() {
                    "DELETE" => "budgets.delete",
                    _ => "budgets.set",
                };
                crate::tui::flow::PlannedWrite::in_workspace(kind, "budgets", "", None)
            })
            .collect()
    }

    /// Only what landed is undone.
    fn undoable(&self, outcome: &Outcome) -> bool {
        !outcome.landed.is_empty()
    }

    fn label(shown: crate::tui::flow::Shown, action: Action) -> Option<&'static str> {
        use crate::tui::flow::Shown;
        Some(match (shown, action) {
            (Shown::Review, Action::Submit) => "send these requests",
            (Shown::Sending, Action::Cancel) => "cancel",
            (Shown::Result, Action::Done | Action::Back) => "back to budgets",
            (Shown::Result, Action::Undo) => "undo what landed",
            (Shown::Conflict, Action::KeepMine) => "keep mine (review again)",
            _ => return None,
        })
    }
}

/// A write waiting for Enter or on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// What the server held when the edit was made (the conflict check compares with it).
    pub base: Budgets,
    pub target: Budgets,
    pub requests: Vec<BudgetRequest>,
    /// This write undoes the last one.
    pub undo: bool,
}

/// How a write ended: before/after, and what landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub before: Budgets,
    pub after: Budgets,
    pub landed: Vec<BudgetRequest>,
    /// The request that failed and why; the ones after it were not sent.
    pub failure: Option<(BudgetRequest, String)>,
    pub undo: bool,
}

/// What the tab asks its host to do.
#[derive(Debug, Clone, PartialEq)]
pub enum BudgetsEffect {
    /// GET the budgets (answered with `BudgetsMsg::Loaded`).
    Load,
    /// GET the budgets, stop on a conflict against `base`, else send the requests in order.
    Send(Pending),
    /// Abort the send; the host re-reads (a request may have landed).
    Cancel,
    /// Record the applied change in the history (kind `budgets`).
    Record(Outcome),
    /// Leave the tab (back to the previous screen); never discards.
    Back,
    /// Read the workspace's spend of the last 30 completed days (`/activity`), once the
    /// limits are on screen (answered with `BudgetsMsg::Spend`).
    LoadSpend,
}

/// The workspace's spend as read: its `/activity` rows and the server's today (UTC), and its
/// keys' own usage windows as `GET /keys` gives them (or why they could not be read).
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRead {
    pub rows: Vec<crate::admin::spend::ActivityRow>,
    pub today: time::Date,
    pub keys: Result<Vec<crate::admin::keys::Key>, String>,
}

/// What the host reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum BudgetsMsg {
    Loaded(Result<Budgets, ApiError>),
    Conflict {
        now: Budgets,
        changed: Vec<Option<Interval>>,
    },
    /// The plan ran: all of it, or `landed` requests and then a failure.
    Sent {
        landed: usize,
        failure: Option<WriteFailure>,
    },
    /// The conflict check's GET failed: nothing was sent.
    CheckFailed(ApiError),
    /// The spend, or why it could not be read (the limits work without it).
    Spend(Result<SpendRead, String>),
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    texts: [String; 4],
    byok: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetsState {
    pub workspace: String,
    pub phase: Phase,
    /// What the server holds, as last read (or as the last write left it).
    pub held: Budgets,
    /// The limits as typed, narrowest first.
    pub texts: [String; 4],
    pub byok: Option<bool>,
    pub focus: usize,
    pub editing: bool,
    /// One line for the person (a refusal, a hint).
    pub status: Option<String>,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// An undo snapshot was taken for the field being typed in.
    typing: bool,
    /// The typing cursor, as characters from the end of the text (0 = at the end).
    back: usize,
    /// The last write, for `u` on its Result.
    last: Option<Outcome>,
    /// The spend against each limit; `None` until read (asked once, after the limits).
    pub spend: Option<Result<SpendRead, String>>,
    spend_asked: bool,
}

/// A limit as the form shows it: "500" (no "$": the column says USD).
fn limit_text(l: Option<f64>) -> String {
    l.map(|v| v.to_string()).unwrap_or_default()
}

/// One line for a failed write; a 403 says plainly that budgets are Enterprise-plan (R11).
pub fn failure_text(f: &WriteFailure) -> String {
    let e = match f {
        WriteFailure::Busy { error, .. } | WriteFailure::Failed(error) => error,
    };
    error_text(e)
}

pub fn error_text(e: &ApiError) -> String {
    match e {
        // The server's own words first; the plan (R11) is added unless they already say it.
        ApiError::Forbidden { message } if message.contains("Enterprise") => {
            format!("the server refused (403): {message}")
        }
        ApiError::Forbidden { message } => {
            format!("the server refused (403): {message} — budgets are an Enterprise-plan feature")
        }
        other => other.to_string(),
    }
}

impl BudgetsState {
    /// A tab for `workspace` (its uuid), loading; send the returned effect.
    pub fn new(workspace: impl Into<String>) -> (Self, Vec<BudgetsEffect>) {
        let state = BudgetsState {
            workspace: workspace.into(),
            phase: Phase::Loading,
            held: Budgets::default(),
            texts: Default::default(),
            byok: None,
            focus: 0,
            editing: false,
            status: None,
            undo: Vec::new(),
            redo: Vec::new(),
            typing: false,
            back: 0,
            last: None,
            spend: None,
            spend_asked: false,
        };
        (state, vec![BudgetsEffect::Load])
    }

    /// The scope whose keys act now; `None` while a limit is being typed (keys are text).
    pub fn scope(&self) -> Option<Scope> {
        self.phase.scope(Scope::Budgets, self.editing)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            texts: self.texts.clone(),
            byok: self.byok,
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.texts = s.texts;
        self.byok = s.byok;
    }

    fn remember(&mut self) {
        self.undo.push(self.snapshot());
        self.redo.clear();
    }

    fn show(&mut self, held: Budgets) {
        self.held = held;
        for i in Interval::ALL {
            self.texts[i as usize] = limit_text(held.limits.get(i));
        }
        self.byok = held.include_byok;
    }

    /// Every broken rule of the edit, one line each (R9 per field, then R8, then R10).
    pub fn rules(&self) -> Vec<String> {
        match self.target() {
            Ok(target) => match budgets::plan(&self.held, &target) {
                Ok(_) => Vec::new(),
                Err(broken) => broken.iter().map(ToString::to_string).collect(),
            },
            Err(broken) => broken.iter().map(ToString::to_string).collect(),
        }
    }

    /// The edit as budgets, or the limits that are not numbers above 0 (R9).
    pub fn target(&self) -> Result<Budgets, Vec<BudgetRule>> {
        let mut limits = Limits::default();
        let mut broken = Vec::new();
        for i in Interval::ALL {
            match parse_limit(i, &self.texts[i as usize]) {
                Ok(l) => limits.set(i, l),
                Err(e) => broken.push(e),
            }
        }
        if broken.is_empty() {
            Ok(Budgets {
                limits,
                include_byok: self.byok,
            })
        } else {
            Err(broken)
        }
    }

    /// The rows that differ from what the server holds.
    pub fn modified(&self, row: usize) -> bool {
        match row {
            BYOK_ROW => self.byok != self.held.include_byok,
            r => {
                let i = Interval::ALL[r];
                parse_limit(i, &self.texts[r]).map_or(true, |l| l != self.held.limits.get(i))
            }
        }
    }

    /// The write under review, if the tab shows one.
    pub fn reviewing(&self) -> Option<&Pending> {
        self.phase.reviewing()
    }

    /// How the last write ended, while its result shows.
    pub fn result(&self) -> Option<&Outcome> {
        self.phase.result()
    }

    /// How many rows hold an unsaved edit (the leave question counts them).
    pub fn unsaved(&self) -> usize {
        if self.phase.is_loading() {
            return 0;
        }
        (0..ROWS).filter(|r| self.modified(*r)).count()
    }

    pub fn update(&mut self, msg: BudgetsMsg) -> Vec<BudgetsEffect> {
        match msg {
            BudgetsMsg::Loaded(Ok(b)) => {
                // A re-read (`r`, or after a cancelled send) keeps what is typed.
                let keep = (0..ROWS).any(|r| self.modified(r));
                if keep {
                    self.held = b;
                } else {
                    self.show(b);
                }
                self.phase.loaded();
                // The limits are drawn first; the spend against them follows.
                match std::mem::replace(&mut self.spend_asked, true) {
                    false => vec![BudgetsEffect::LoadSpend],
                    true => vec![],
                }
            }
            BudgetsMsg::Spend(spend) => {
                self.spend = Some(spend);
                vec![]
            }
            BudgetsMsg::Loaded(Err(e)) => {
                self.phase = Phase::LoadFailed(error_text(&e));
                vec![]
            }
            BudgetsMsg::Conflict { now, changed } => {
                self.phase.conflict(Conflict { now, changed });
                vec![]
            }
            BudgetsMsg::CheckFailed(e) => {
                if self.phase.is_sending() {
                    self.phase = Phase::Edit;
                    self.status = Some(format!("nothing was sent: {}", error_text(&e)));
                }
                vec![]
            }
            BudgetsMsg::Sent { landed, failure } => {
                let p = match &self.phase {
                    Phase::Write(f) if f.is_sending() => f.plan.clone(),
                    _ => return vec![],
                };
                let landed_reqs: Vec<BudgetRequest> =
                    p.requests.iter().take(landed).cloned().collect();
                let mut after = p.base;
                for r in &landed_reqs {
                    after = r.apply(&after);
                }
                let failure = failure.map(|f| {
                    (
                        p.requests
                            .get(landed)
                            .cloned()
                            .unwrap_or(BudgetRequest::Delete {
                                interval: Interval::Daily,
                            }),
                        failure_text(&f),
                    )
                });
                let outcome = Outcome {
                    before: p.base,
                    after,
                    landed: landed_reqs,
                    failure,
                    undo: p.undo,
                };
                // The form follows the server; after a failure the unsent edits stay typed.
                if outcome.failure.is_none() {
                    self.show(after);
                    self.undo.clear();
                    self.redo.clear();
                } else {
                    self.held = after;
                }
                self.last = Some(outcome.clone());
                if let Phase::Write(flow) = &mut self.phase {
                    flow.finish(outcome.clone());
                }
                if outcome.landed.is_empty() {
                    vec![]
                } else {
                    vec![BudgetsEffect::Record(outcome)]
                }
            }
        }
    }

    /// A typed key while a limit is being edited (sticky edit: moving keeps editing).
    pub fn text(&mut self, key: KeyEvent) -> Vec<BudgetsEffect> {
        if !self.editing {
            return vec![];
        }
        let r = self.focus;
        match key.code {
            KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => self.redo(),
            // The readline keys, as in the settings form's editor.
            _ if line_edit::handles(&key) => {
                if line_edit::changes(&key) && !self.typing {
                    self.remember();
                    self.typing = true;
                }
                line_edit::apply(&mut self.texts[r], &mut self.back, &key);
            }
            KeyCode::Up | KeyCode::BackTab => self.move_focus(r.saturating_sub(1), true),
            KeyCode::Down | KeyCode::Tab => self.move_focus((r + 1).min(BYOK_ROW), true),
            // Enter and Esc end editing and keep the text: Esc never discards.
            KeyCode::Enter | KeyCode::Esc => {
                self.editing = false;
                self.typing = false;
                self.back = 0;
            }
            _ => {}
        }
        vec![]
    }

    fn move_focus(&mut self, to: usize, keep_editing: bool) {
        self.focus = to;
        self.typing = false;
        self.back = 0;
        self.editing = keep_editing && to != BYOK_ROW;
    }

    fn undo(&mut self) {
        self.travel(true);
    }

    fn redo(&mut self) {
        self.travel(false);
    }

    /// Back to before the last change (`undo`), or forward again to what it undid.
    fn travel(&mut self, undo: bool) {
        let now = self.snapshot();
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(s) = from.pop() else {
            let what = if undo { "undo" } else { "redo" };
            self.status = Some(format!("nothing to {what}"));
            return;
        };
        to.push(now);
        self.restore(s);
        self.typing = false;
        self.back = 0;
    }

    fn toggle_byok(&mut self) {
        let has_budget = self.target().map_or(true, |t| !t.limits.is_empty());
        if !has_budget {
            self.status = Some(BudgetRule::ByokNeedsABudget.to_string());
            return;
        }
        self.remember();
        self.byok = Some(!self.byok.unwrap_or(false));
    }

    fn review(&mut self) {
        let target = match self.target() {
            Ok(t) => t,
            Err(broken) => {
                self.status = Some(format!("fix first: {}", broken[0]));
                return;
            }
        };
        match budgets::plan(&self.held, &target) {
            Ok(requests) if requests.is_empty() => {
                self.status =
                    Some("nothing to send: the budgets are as the server holds them".into());
            }
            Ok(requests) => {
                self.editing = false;
                self.phase = Phase::Write(Box::new(BudgetsFlow::review(Pending {
                    base: self.held,
                    target,
                    requests,
                    undo: false,
                })));
            }
            Err(broken) => self.status = Some(format!("fix first: {}", broken[0])),
        }
    }

    /// The undo of the last write: only what landed, newest first, through a Review.
    fn review_undo(&mut self) {
        let Some(last) = self.last.clone() else {
            self.status = Some("nothing to undo".into());
            return;
        };
        let requests = budgets::undo_plan(&last.before, &last.landed);
        if requests.is_empty() {
            self.status = Some("nothing landed, so there is nothing to undo".into());
            return;
        }
        let mut target = last.after;
        for r in &requests {
            target = r.apply(&target);
        }
        let undo = Pending {
            base: last.after,
            target,
            requests,
            undo: true,
        };
        match &mut self.phase {
            Phase::Write(flow) => flow.undo(undo),
            _ => self.phase = Phase::Write(Box::new(BudgetsFlow::review(undo))),
        }
    }

    /// The hints of the current phase: the actions it acts on with their labels.
    pub fn hints(&self) -> Vec<(Action, &'static str)> {
        tab_write::hints(self)
    }

    /// What an action does in the current phase; an action the phase does not list does nothing.
    pub fn act(&mut self, action: Action, read_only: Option<&str>) -> Vec<BudgetsEffect> {
        tab_write::act(self, action, read_only)
    }

    fn act_edit(&mut self, key: BudgetsKey) -> Vec<BudgetsEffect> {
        let r = self.focus;
        match key {
            BudgetsKey::Up => self.move_focus(r.saturating_sub(1), false),
            BudgetsKey::Down => self.move_focus((r + 1).min(BYOK_ROW), false),
            BudgetsKey::Top => self.move_focus(0, false),
            BudgetsKey::Bottom => self.move_focus(BYOK_ROW, false),
            BudgetsKey::Edit if r == BYOK_ROW => self.toggle_byok(),
            BudgetsKey::Edit => {
                self.editing = true;
                self.typing = false;
                self.back = 0;
            }
            BudgetsKey::Toggle | BudgetsKey::CycleBack | BudgetsKey::CycleOn => {
                if r == BYOK_ROW {
                    self.toggle_byok();
                } else {
                    self.status = Some("Enter edits a limit; empty means no limit".into());
                }
            }
            BudgetsKey::Clear if r == BYOK_ROW => {
                self.status = Some("the BYOK switch is on or off; it cannot be cleared".into());
            }
            BudgetsKey::Clear => {
                self.remember();
                self.texts[r].clear();
            }
            BudgetsKey::Undo => self.undo(),
            BudgetsKey::Redo => self.redo(),
            BudgetsKey::Reset => {
                self.remember();
                if r == BYOK_ROW {
                    self.byok = self.held.include_byok;
                } else {
                    self.texts[r] = limit_text(self.held.limits.get(Interval::ALL[r]));
                }
            }
            BudgetsKey::ResetAll => {
                self.remember();
                let held = self.held;
                self.show(held);
            }
            BudgetsKey::Review => self.review(),
            BudgetsKey::Reload => {
                self.phase = Phase::Loading;
                return vec![BudgetsEffect::Load];
            }
            BudgetsKey::Back => return vec![BudgetsEffect::Back],
        }
        vec![]
    }

    /// What the write changes, interval by interval, in the one review language.
    pub fn review_rows(p: &Pending) -> Vec<crate::write::review::Row> {
        use crate::write::review::{NULL, Row};
        let show = |l: Option<f64>| l.map_or_else(|| NULL.to_string(), usd);
        let mut rows: Vec<Row> = crate::admin::budgets::Interval::ALL
            .iter()
            .filter(|i| p.base.limits.get(**i) != p.target.limits.get(**i))
            .map(|i| {
                Row::new(
                    i.as_str(),
                    show(p.base.limits.get(*i)),
                    show(p.target.limits.get(*i)),
                )
            })
            .collect();
        let byok = |b: Option<bool>| match b {
            Some(true) => "on".to_string(),
            Some(false) => "off".to_string(),
            None => NULL.to_string(),
        };
        if p.target.include_byok.is_some() && p.base.include_byok != p.target.include_byok {
            rows.push(Row::new(
                "include BYOK",
                byok(p.base.include_byok),
                byok(p.target.include_byok),
            ));
        }
        rows
    }

    pub fn review_lines(p: &Pending) -> Vec<String> {
        p.requests
            .iter()
            .enumerate()
            .map(|(n, r)| format!("{}. {}", n + 1, r.summary()))
            .collect()
    }
}

impl WriteTab for BudgetsState {
    type Plan = Pending;
    type Effect = BudgetsEffect;

    fn phase(&self) -> &Phase {
        &self.phase
    }

    fn phase_mut(&mut self) -> &mut Phase {
        &mut self.phase
    }

    fn status_mut(&mut self) -> &mut Option<String> {
        &mut self.status
    }

    fn edit_hints(&self) -> Vec<(Action, &'static str)> {
        tab_write::edit_hints(EditLabels {
            toggle: "BYOK on/off",
            cycle: ("BYOK on/off", "BYOK on/off"),
            clear: "no limit",
            editor: None,
        })
    }

    fn act_on_edit(&mut self, action: Action) -> Vec<BudgetsEffect> {
        match BudgetsKey::from_action(action) {
            Some(key) => self.act_edit(key),
            None => vec![],
        }
    }

    fn start_review(&mut self) {
        self.review();
    }

    fn start_undo(&mut self) {
        self.review_undo();
    }

    fn closed_line(outcome: &Outcome) -> String {
        view::outcome_line(outcome)
    }

    fn rebase(&mut self, conflict: Conflict) {
        self.held = conflict.now;
    }

    fn take_theirs(&mut self, conflict: Conflict) {
        self.remember();
        self.show(conflict.now);
    }

    fn undo_flag(plan: &mut Pending) -> &mut bool {
        &mut plan.undo
    }

    fn load() -> BudgetsEffect {
        BudgetsEffect::Load
    }

    fn back() -> BudgetsEffect {
        BudgetsEffect::Back
    }

    fn send(plan: Pending) -> BudgetsEffect {
        BudgetsEffect::Send(plan)
    }

    fn cancel() -> BudgetsEffect {
        BudgetsEffect::Cancel
    }
}

/// "$500" or "none".
pub fn shown(l: Option<f64>) -> String {
    l.map_or_else(|| "none".to_string(), usd)
}
