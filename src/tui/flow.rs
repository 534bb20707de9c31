//! The one write flow of the TUI: Review → Sending → Conflict → Result, for every kind of write
//! (product.md §6). Its phases, which keys act in each, the read-only gate and a known
//! refusal on Enter, "back from an undo's Review returns to the result it undoes", and the
//! scroll of a long review or result are kept here once; a kind of write supplies only its
//! [`Plan`] (what is sent), what a conflict and an outcome hold, and how each is drawn.
//! The I/O is not here: [`Flow::act`] answers with a [`Step`] its host turns into effects.

use crate::config::keys::{ConflictKey, ResultKey, ReviewKey, SubmittingKey};
use crate::config::keys::{HELP_HINT, QUIT_HINT};
use crate::config::{Action, Scope, ScopedKey};

/// What a kind of write brings to the flow.
pub trait Plan: Clone + PartialEq + std::fmt::Debug {
    /// What the Conflict phase shows (the server changed what this write changes).
    type Conflict: Clone + PartialEq + std::fmt::Debug;
    /// How the write ended, as the Result shows it.
    type Outcome: Clone + PartialEq + std::fmt::Debug;
    /// What the Sending phase shows as it goes (a batch: each part's state); `()` for most.
    type Progress: Clone + PartialEq + std::fmt::Debug;

    /// The progress of this plan before anything was sent.
    fn progress(&self) -> Self::Progress;

    /// A refusal orws is certain of before sending (product.md §15 "Known refusals"): the
    /// Review says why and offers no Enter.
    fn blocked(&self) -> Option<String> {
        None
    }

    /// The writes it makes, as a policy's `changes.forbid` judges them: (kind, resource, id,
    /// the workspace's uuid when the plan knows it). Every kind says, so none escapes a rule.
    fn writes(&self) -> Vec<PlannedWrite>;

    /// Whether the Result offers `u` (what landed can be undone; a delete cannot).
    fn undoable(&self, _outcome: &Self::Outcome) -> bool {
        true
    }

    /// Whether the Result offers to send again what did not land (its host says when nothing
    /// failed).
    fn retries() -> bool {
        false
    }

    /// The hint of `action` in `phase`, where this kind says it better than the flow.
    fn label(_phase: Shown, _action: Action) -> Option<&'static str> {
        None
    }
}

/// One write of a plan, for a policy: its kind (of `code::policy::WRITE_KINDS`), resource,
/// id, and workspace (uuid and, when the plan knows it, slug).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedWrite {
    pub kind: &'static str,
    pub resource: &'static str,
    pub id: String,
    pub workspace: Option<String>,
    pub slug: Option<String>,
    /// It belongs to the open workspace when it names none (a key, a budget, the default
    /// guardrail); an account-wide guardrail does not.
    pub in_open: bool,
}

impl PlannedWrite {
    /// The write one core request makes.
    pub fn of(request: &crate::write::request::Request) -> Self {
        use crate::write::request::Request;
        let (kind, resource, id, workspace) = request.policy_write();
        let (workspace, slug, in_open) = match request {
            // A new workspace is judged by the slug it will have.
            Request::CreateWorkspace { .. } => (Some(String::new()), Some(id.clone()), false),
            Request::PatchNamedGuardrail { .. }
            | Request::DeleteGuardrail { .. }
            | Request::Assign { .. } => (workspace, None, false),
            _ => (workspace, None, true),
        };
        Self {
            kind,
            resource,
            id,
            workspace,
            slug,
            in_open,
        }
    }

    /// A write of the open workspace (or `workspace`, when given).
    pub fn in_workspace(
        kind: &'static str,
        resource: &'static str,
        id: impl Into<String>,
        workspace: Option<String>,
    ) -> Self {
        Self {
            kind,
            resource,
            id: id.into(),
            workspace,
            slug: None,
            in_open: true,
        }
    }
}

/// What the configured policy says of a Review's writes: each broken rule as a line, and
/// whether one denies (then Enter sends nothing, as under read-only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyVerdict {
    pub lines: Vec<String>,
    pub denied: bool,
}

/// Where a write is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase<S, C, O> {
    /// What will be sent; only Enter sends.
    Review,
    /// On its way (checked, sent, settled), and how far it is.
    Sending(S),
    /// Another writer changed what this write changes: nothing (more) was sent.
    Conflict(C),
    Result(O),
}

/// A phase without its content: what the hints and scopes depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Review,
    Sending,
    Conflict,
    Result,
}

/// What the person chose on the Conflict phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    KeepMine,
    TakeTheirs,
    /// Back to the edit, deciding nothing.
    Back,
}

/// What a key did, for the flow's host to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<P: Plan> {
    /// The action means nothing in this phase.
    Ignored,
    /// Handled inside the flow (a scroll).
    Done,
    /// Esc on a Review opened from a result (an undo, a retry): back on that result, nothing
    /// sent.
    Returned,
    /// Enter on the Review: send this plan (the flow is now Sending).
    Send(P),
    /// Enter refused before anything left: why.
    Refused(String),
    /// Esc on the Review: nothing was sent; the host closes the flow.
    Left,
    /// Esc while sending: the host stops waiting and re-reads (it may have landed).
    StopWaiting,
    /// Enter or Esc on the Result: the host closes the flow.
    Closed(P::Outcome),
    /// `u` on the Result: the host builds the undo's plan and opens it with [`Flow::undo`].
    Undo(P::Outcome),
    /// `R` on the Result: the host builds what to send again.
    Retry(P::Outcome),
    /// A choice on the Conflict phase: the host closes the flow and applies it.
    Resolved(P::Conflict, Choice),
}

/// One write on its way through the flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow<P: Plan> {
    pub plan: P,
    pub phase: Phase<P::Progress, P::Conflict, P::Outcome>,
    /// Lines scrolled down in a review or result longer than the screen.
    pub scroll: u16,
    /// The largest useful scroll, as the last frame drew it (`u16::MAX` until drawn).
    bound: std::cell::Cell<u16>,
    /// An undo's Review: the result it undoes, shown again when the Review is left.
    pub undoes: Option<Box<Flow<P>>>,
    /// The history entry this write undoes (an undo from the History screen, or `u` on a
    /// result): what it lands is recorded as kind `revert` naming that entry.
    pub reverting: Option<crate::write::record::Reverting>,
    /// The history entry this write was recorded as, once it landed: its undo reverts it.
    pub recorded: Option<crate::write::record::Reverting>,
    /// Opened from the History screen (an undo of its entry): Esc on its Review goes back there.
    pub from_history: bool,
    /// The policy's rules this Review's writes break ([`Flow::judge`]).
    pub policy: PolicyVerdict,
}

impl<P: Plan> Flow<P> {
    /// A write's Review.
    pub fn review(plan: P) -> Self {
        Self {
            plan,
            phase: Phase::Review,
            scroll: 0,
            bound: std::cell::Cell::new(u16::MAX),
            undoes: None,
            reverting: None,
            recorded: None,
            from_history: false,
            policy: PolicyVerdict::default(),
        }
    }

    /// Judges the Review's writes by `policy` (`open`: the open workspace's uuid and slug, for
    /// the writes that belong to it); other phases keep what was judged.
    pub fn judge(&mut self, policy: &crate::code::policy::Policy, open: Option<(&str, &str)>) {
        use crate::code::policy::{Level, Write, judge_writes};
        if self.phase != Phase::Review {
            return;
        }
        let writes: Vec<Write> = self
            .plan
            .writes()
            .into_iter()
            .map(|w| {
                // A key's request names no workspace: in the TUI it is the open one's.
                let uuid = w
                    .workspace
                    .or_else(|| open.filter(|_| w.in_open).map(|(id, _)| id.to_string()));
                let slug = w.slug.or_else(|| match (&uuid, open) {
                    (Some(u), Some((id, slug))) if u.eq_ignore_ascii_case(id) => {
                        Some(slug.to_string())
                    }
                    _ => None,
                });
                Write {
                    kind: w.kind,
                    resource: w.resource,
                    id: w.id,
                    // A write of a workspace whose slug is unknown is judged by every rule.
                    workspace: uuid.zip(slug),
                }
            })
            .collect();
        let violations = judge_writes(policy, &writes);
        self.policy = PolicyVerdict {
            denied: violations.iter().any(|v| v.level == Level::Deny),
            lines: violations.iter().map(|v| v.to_string()).collect(),
        };
    }

    /// The Result of `plan` without its Review (a write that was found to have landed after
    /// the person stopped waiting for it).
    pub fn ended(plan: P, outcome: P::Outcome) -> Self {
        let mut flow = Self::review(plan);
        flow.phase = Phase::Result(outcome);
        flow
    }

    /// The scroll to draw `content` lines at in `height` rows (the last screenful stays
    /// filled); remembered, so scrolling stops where the content ends.
    pub fn shown_scroll(&self, content: usize, height: u16) -> u16 {
        let max = clamp_scroll(u16::MAX, content, height);
        self.bound.set(max);
        self.scroll.min(max)
    }

    /// The Review of `plan`, opened from this flow's result (sending again what failed):
    /// leaving it comes back to the result.
    pub fn follow(&mut self, plan: P) {
        let from = std::mem::replace(self, Self::review(plan));
        self.undoes = Some(Box::new(from));
    }

    /// [`Flow::follow`] for the undo of this flow's write: what it lands is recorded as the
    /// revert of the entry this flow recorded.
    pub fn undo(&mut self, plan: P) {
        let recorded = self.recorded.clone();
        self.follow(plan);
        self.reverting = recorded;
    }

    /// An undo's Review opened from the History screen (not from a result): leaving it goes
    /// back to the History, with nothing staged.
    pub fn opened_from_history(&self) -> bool {
        self.from_history && self.undoes.is_none() && self.phase == Phase::Review
    }

    pub fn shown(&self) -> Shown {
        match self.phase {
            Phase::Review => Shown::Review,
            Phase::Sending(_) => Shown::Sending,
            Phase::Conflict(_) => Shown::Conflict,
            Phase::Result(_) => Shown::Result,
        }
    }

    pub fn is_sending(&self) -> bool {
        matches!(self.phase, Phase::Sending(_))
    }

    /// The key scope of the phase: the same four for every kind of write.
    pub fn scope(&self) -> Scope {
        match self.shown() {
            Shown::Review => Scope::Review,
            Shown::Sending => Scope::Submitting,
            Shown::Conflict => Scope::Conflict,
            Shown::Result => Scope::Result,
        }
    }

    /// The answer to the send in flight; `false` (and nothing changes) when the flow is not
    /// sending any more (stopped waiting, or left).
    pub fn finish(&mut self, outcome: P::Outcome) -> bool {
        if !self.is_sending() {
            return false;
        }
        self.phase = Phase::Result(outcome);
        self.scroll = 0;
        true
    }

    /// The check before sending found another writer's change: nothing was sent.
    pub fn conflict(&mut self, conflict: P::Conflict) -> bool {
        if !self.is_sending() {
            return false;
        }
        self.phase = Phase::Conflict(conflict);
        self.scroll = 0;
        true
    }

    /// The actions of the phase with their labels (the hint bar and help are built from them;
    /// the chrome marks read-only, where Enter on a Review says it sends nothing).
    pub fn hints(&self) -> Vec<(Action, &'static str)> {
        let shown = self.shown();
        let label = |a: Action, default: &'static str| (a, P::label(shown, a).unwrap_or(default));
        let mut h = Vec::with_capacity(8);
        match &self.phase {
            Phase::Review => {
                if self.plan.blocked().is_none() && !self.policy.denied {
                    h.push(label(Action::Submit, "send"));
                }
                h.push(label(Action::Back, "back, nothing sent"));
            }
            Phase::Sending(_) => {
                h.push(label(Action::Cancel, "stop waiting"));
            }
            Phase::Conflict(_) => h.extend([
                label(Action::KeepMine, "keep mine"),
                label(Action::TakeTheirs, "take theirs"),
                label(Action::Back, "back"),
            ]),
            Phase::Result(outcome) => {
                h.push(label(Action::Done, "done"));
                h.push(label(Action::Back, "done"));
                if self.plan.undoable(outcome) {
                    h.push(label(Action::Undo, "undo"));
                }
                if P::retries() {
                    h.push(label(Action::Retry, "send again what failed"));
                }
            }
        }
        let scrolls = shown != Shown::Conflict;
        if scrolls {
            h.extend([(Action::Up, "scroll"), (Action::Down, "scroll")]);
        }
        h.push(HELP_HINT);
        if shown != Shown::Sending {
            h.push(QUIT_HINT);
        }
        // Less used, so last: the hint bar shows what fits, the help shows all.
        if scrolls {
            h.extend([
                (Action::PageDown, "page down"),
                (Action::PageUp, "page up"),
                (Action::Top, "top"),
                (Action::Bottom, "bottom"),
            ]);
        }
        h
    }

    /// What a key of the phase showing does. `read_only`: where read-only came from, when the
    /// run is read-only (Enter then sends nothing and says why).
    pub fn act(&mut self, key: FlowKey, read_only: Option<&str>) -> Step<P> {
        match key {
            FlowKey::Review(key) => {
                if self.phase != Phase::Review {
                    return Step::Ignored;
                }
                match key {
                    ReviewKey::Submit => {
                        if let Some(from) = read_only {
                            return Step::Refused(crate::tui::screens::read_only_refusal(from));
                        }
                        if let Some(why) = self.plan.blocked() {
                            return Step::Refused(format!("Nothing sent: {why}"));
                        }
                        if self.policy.denied {
                            return Step::Refused(
                                "Nothing sent: the policy denies this write (the rule is on the Review)."
                                    .to_string(),
                            );
                        }
                        // The review stays in sight as it scrolled while it is sent.
                        self.phase = Phase::Sending(self.plan.progress());
                        Step::Send(self.plan.clone())
                    }
                    ReviewKey::Back => match self.undoes.take() {
                        Some(from) => {
                            *self = *from;
                            Step::Returned
                        }
                        None => Step::Left,
                    },
                    ReviewKey::Up => self.scroll(Scroll::Up),
                    ReviewKey::Down => self.scroll(Scroll::Down),
                    ReviewKey::PageUp => self.scroll(Scroll::PageUp),
                    ReviewKey::PageDown => self.scroll(Scroll::PageDown),
                    ReviewKey::Top => self.scroll(Scroll::Top),
                    ReviewKey::Bottom => self.scroll(Scroll::Bottom),
                }
            }
            FlowKey::Submitting(key) => {
                if !self.is_sending() {
                    return Step::Ignored;
                }
                match key {
                    SubmittingKey::Cancel => Step::StopWaiting,
                    SubmittingKey::Up => self.scroll(Scroll::Up),
                    SubmittingKey::Down => self.scroll(Scroll::Down),
                    SubmittingKey::PageUp => self.scroll(Scroll::PageUp),
                    SubmittingKey::PageDown => self.scroll(Scroll::PageDown),
                    SubmittingKey::Top => self.scroll(Scroll::Top),
                    SubmittingKey::Bottom => self.scroll(Scroll::Bottom),
                }
            }
            FlowKey::Result(key) => {
                let Phase::Result(o) = &self.phase else {
                    return Step::Ignored;
                };
                let o = o.clone();
                match key {
                    ResultKey::Done | ResultKey::Back => Step::Closed(o),
                    ResultKey::Undo if self.plan.undoable(&o) => Step::Undo(o),
                    ResultKey::Retry if P::retries() => Step::Retry(o),
                    ResultKey::Undo | ResultKey::Retry => Step::Ignored,
                    ResultKey::Up => self.scroll(Scroll::Up),
                    ResultKey::Down => self.scroll(Scroll::Down),
                    ResultKey::PageUp => self.scroll(Scroll::PageUp),
                    ResultKey::PageDown => self.scroll(Scroll::PageDown),
                    ResultKey::Top => self.scroll(Scroll::Top),
                    ResultKey::Bottom => self.scroll(Scroll::Bottom),
                }
            }
            FlowKey::Conflict(key) => {
                let Phase::Conflict(c) = &self.phase else {
                    return Step::Ignored;
                };
                let choice = match key {
                    ConflictKey::KeepMine => Choice::KeepMine,
                    ConflictKey::TakeTheirs => Choice::TakeTheirs,
                    ConflictKey::Back => Choice::Back,
                };
                Step::Resolved(c.clone(), choice)
            }
        }
    }

    fn scroll(&mut self, by: Scroll) -> Step<P> {
        const PAGE: u16 = 10;
        let bound = self.bound.get();
        let at = self.scroll.min(bound);
        self.scroll = match by {
            Scroll::Down => at.saturating_add(1),
            Scroll::Up => at.saturating_sub(1),
            Scroll::PageDown => at.saturating_add(PAGE),
            Scroll::PageUp => at.saturating_sub(PAGE),
            Scroll::Top => 0,
            Scroll::Bottom => bound,
        }
        .min(bound);
        Step::Done
    }
}

#[derive(Debug, Clone, Copy)]
enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// A key of a write's phase: the four scopes every kind of write shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKey {
    Review(ReviewKey),
    Submitting(SubmittingKey),
    Result(ResultKey),
    Conflict(ConflictKey),
}

impl FlowKey {
    /// The key, when it is one of a write's phases.
    pub fn of(key: ScopedKey) -> Option<Self> {
        match key {
            ScopedKey::Review(k) => Some(FlowKey::Review(k)),
            ScopedKey::Submitting(k) => Some(FlowKey::Submitting(k)),
            ScopedKey::Result(k) => Some(FlowKey::Result(k)),
            ScopedKey::Conflict(k) => Some(FlowKey::Conflict(k)),
            _ => None,
        }
    }

    /// `action` in the phase a flow shows (for tests and hosts that hold an action).
    pub fn in_scope(scope: Scope, action: Action) -> Option<Self> {
        ScopedKey::new(scope, action).and_then(Self::of)
    }
}

/// The scroll a view can show: `scroll` clamped so the last screenful stays filled.
pub fn clamp_scroll(scroll: u16, content: usize, height: u16) -> u16 {
    let max = content.saturating_sub(usize::from(height));
    scroll.min(u16::try_from(max).unwrap_or(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key pressed while the flow shows its phase: what is not a key of that phase's scope
    /// reaches nothing.
    fn press<P: Plan>(f: &mut Flow<P>, action: Action, read_only: Option<&str>) -> Step<P> {
        match FlowKey::in_scope(f.scope(), action) {
            Some(key) => f.act(key, read_only),
            None => Step::Ignored,
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    struct P {
        blocked: bool,
    }
    impl Plan for P {
        type Conflict = &'static str;
        type Outcome = u8;
        type Progress = ();
        fn progress(&self) {}
        fn writes(&self) -> Vec<PlannedWrite> {
            vec![PlannedWrite::in_workspace("keys.delete", "key", "k", None)]
        }

        fn blocked(&self) -> Option<String> {
            self.blocked.then(|| "keys remain".to_string())
        }
        fn retries() -> bool {
            true
        }
    }

    #[test]
    fn a_policy_deny_offers_no_enter_and_a_warn_is_said_but_sends() {
        use crate::code::policy::parse;
        let deny = parse(
            "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"keys.delete\"]\nworkspaces = \"prod*\"\n",
        )
        .unwrap();
        let mut f = Flow::review(P { blocked: false });
        // Another workspace: the glob leaves it alone.
        f.judge(&deny, Some(("u-1", "staging")));
        assert_eq!(f.policy, PolicyVerdict::default());
        f.judge(&deny, Some(("u-2", "production")));
        assert!(f.policy.denied, "{:?}", f.policy);
        assert!(f.policy.lines[0].contains("keys.delete is forbidden"));
        assert!(!f.hints().iter().any(|(a, _)| *a == Action::Submit));
        assert!(matches!(
            press(&mut f, Action::Submit, None),
            Step::Refused(why) if why.contains("policy denies")
        ));
        assert_eq!(f.phase, Phase::Review, "nothing sent");

        let warn = parse(
            "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"keys.delete\"]\nlevel = \"warn\"\n",
        )
        .unwrap();
        let mut f = Flow::review(P { blocked: false });
        f.judge(&warn, Some(("u-2", "production")));
        assert!(!f.policy.denied && f.policy.lines.len() == 1);
        assert_eq!(
            press(&mut f, Action::Submit, None),
            Step::Send(P { blocked: false })
        );
    }

    #[test]
    fn enter_sends_once_and_only_from_the_review() {
        let mut f = Flow::review(P { blocked: false });
        assert_eq!(
            press(&mut f, Action::Submit, None),
            Step::Send(P { blocked: false })
        );
        assert!(f.is_sending());
        // A second Enter (typed on by reflex) sends nothing.
        assert_eq!(press(&mut f, Action::Submit, None), Step::Ignored);
        assert!(f.finish(0));
        assert!(!f.finish(1), "a late second answer changes nothing");
        assert_eq!(press(&mut f, Action::Submit, None), Step::Ignored);
    }

    #[test]
    fn read_only_and_a_known_refusal_send_nothing_and_offer_no_enter() {
        let mut f = Flow::review(P { blocked: false });
        assert!(matches!(
            press(&mut f, Action::Submit, Some("--read-only")),
            Step::Refused(_)
        ));
        assert_eq!(f.phase, Phase::Review);

        let mut f = Flow::review(P { blocked: true });
        assert!(
            matches!(press(&mut f, Action::Submit, None), Step::Refused(w) if w.contains("keys remain"))
        );
        assert!(!f.hints().iter().any(|(a, _)| *a == Action::Submit));
    }

    #[test]
    fn leaving_an_undo_review_comes_back_to_the_result_it_undoes() {
        let mut f = Flow::review(P { blocked: false });
        press(&mut f, Action::Submit, None);
        f.finish(3);
        assert_eq!(press(&mut f, Action::Undo, None), Step::Undo(3));
        f.undo(P { blocked: false });
        assert_eq!(f.phase, Phase::Review);
        assert_eq!(press(&mut f, Action::Back, None), Step::Returned);
        assert_eq!(f.phase, Phase::Result(3));
        // A Review that undoes nothing is left.
        let mut f = Flow::review(P { blocked: false });
        assert_eq!(press(&mut f, Action::Back, None), Step::Left);
    }

    #[test]
    fn no_quit_while_sending_and_a_conflict_ends_in_a_choice() {
        let mut f = Flow::review(P { blocked: false });
        press(&mut f, Action::Submit, None);
        assert_eq!(f.scope(), Scope::Submitting);
        assert!(
            !Scope::Submitting.actions().contains(&Action::Quit),
            "no quit while sending"
        );
        assert_eq!(press(&mut f, Action::Cancel, None), Step::StopWaiting);
        assert!(f.conflict("changed"));
        assert!(!f.finish(1), "a conflict is not a result");
        assert_eq!(
            press(&mut f, Action::TakeTheirs, None),
            Step::Resolved("changed", Choice::TakeTheirs)
        );
    }

    #[test]
    fn retry_is_offered_only_on_the_result_of_a_kind_that_retries() {
        let mut f = Flow::review(P { blocked: false });
        assert_eq!(press(&mut f, Action::Retry, None), Step::Ignored);
        press(&mut f, Action::Submit, None);
        assert_eq!(press(&mut f, Action::Retry, None), Step::Ignored);
        f.finish(2);
        assert!(f.hints().iter().any(|(a, _)| *a == Action::Retry));
        assert_eq!(press(&mut f, Action::Retry, None), Step::Retry(2));
    }

    #[test]
    fn scrolling_is_clamped_by_the_view() {
        let mut f = Flow::review(P { blocked: false });
        assert_eq!(f.shown_scroll(40, 10), 0);
        press(&mut f, Action::Bottom, None);
        assert_eq!(f.scroll, 30);
        press(&mut f, Action::Down, None);
        assert_eq!(f.scroll, 30, "not past the end");
        press(&mut f, Action::Up, None);
        assert_eq!(f.scroll, 29, "one back from the end moves at once");
        press(&mut f, Action::Top, None);
        assert_eq!(f.scroll, 0);
        assert_eq!(clamp_scroll(5, 3, 10), 0);
    }
}
