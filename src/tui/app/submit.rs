//! The submit and what follows it: review, the safe write's outcome, re-reading after a
//! doubtful end, the Conflict screen's keys, and revert through a Review.

use super::*;
use crate::submit::{Applied, Holds, server_holds};

/// Re-reads after a cancelled or doubtful write: at once, then after 1, 2, 4 and 8 s.
const RECHECKS: u32 = 5;

/// A settings write in progress or in doubt.
#[derive(Debug, Default)]
pub struct WriteState {
    /// The write sent last, until its outcome is known (kept while it is in doubt).
    pub pending: Option<PendingWrite>,
}

/// A write whose outcome is awaited: what it was made on and what it sends.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingWrite {
    pub before: Workspace,
    pub patch: PatchBody,
    pub revert: bool,
    /// Re-reads done so far while in doubt.
    pub checks: u32,
    /// The history entry it undoes, if it is an undo: found applied after the person stopped
    /// waiting, it is still recorded as that entry's revert.
    pub reverting: Option<crate::write::record::Reverting>,
}

impl App {
    pub(crate) fn review(&mut self) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return vec![];
        };
        let invalid = form.invalid_fields();
        if !invalid.is_empty() {
            self.error(format!("Cannot submit: fix {} first", invalid.join(", ")));
            return vec![];
        }
        if !crate::tui::app::settings_write::open_review(self, false) {
            self.info("Nothing to save: no field differs from the server's value.");
        }
        vec![]
    }

    /// Enter on a Review (the flow is Sending now): the safe write, always with the conflict
    /// check.
    pub(crate) fn submit(
        &mut self,
        plan: crate::tui::screens::settings_write::SettingsPlan,
    ) -> Vec<Effect> {
        let crate::tui::screens::settings_write::SettingsPlan {
            base,
            patch,
            revert,
        } = plan;
        let reverting =
            crate::tui::app::settings_write::flow(self).and_then(|f| f.reverting.clone());
        self.writes.pending = Some(PendingWrite {
            before: base.clone(),
            patch: patch.clone(),
            revert,
            checks: 0,
            reverting,
        });
        self.elapsed = Duration::ZERO;
        self.status = None;
        vec![Effect::Submit { base, patch }]
    }

    /// Esc while submitting. Once the PATCH is on its way, the server may still apply it:
    /// "not applied yet", and re-reads tell.
    pub(crate) fn cancel_submit(&mut self, sending: bool) -> Vec<Effect> {
        self.screen = Screen::Form;
        let reread = if sending { self.form_id() } else { None };
        if reread.is_some() {
            self.warn(
                "Cancelled: not applied yet, but the PATCH may still reach the server; checking…",
            );
        } else {
            self.writes.pending = None;
            self.info("Cancelled before anything was sent; your edits are kept.");
        }
        vec![Effect::CancelSubmit { reread }]
    }

    /// The old message of a finished submit, as tests and benches still send it.
    pub(super) fn on_submitted(&mut self, result: Result<SubmitOutcome, ApiError>) -> Vec<Effect> {
        let Some(crate::tui::flow::Phase::Sending(s)) =
            crate::tui::app::settings_write::flow(self).map(|f| &f.phase)
        else {
            return vec![];
        };
        let sending = s.sending;
        match result {
            Ok(outcome) => self.on_written(WriteOutcome::Applied(Box::new(Applied {
                mismatches: crate::submit::mismatches(&outcome.patch, &outcome.after),
                outcome,
                notes: vec![],
                after_all: false,
            }))),
            Err(e) if sending && e.may_have_landed() => {
                self.screen = Screen::Form;
                self.error(format!("{e}; checking whether it was applied…"));
                self.recheck(Duration::ZERO)
            }
            Err(error) => self.on_written(WriteOutcome::NotApplied {
                error,
                checked: None,
                server: None,
            }),
        }
    }

    /// How the safe write ended.
    pub(super) fn on_written(&mut self, outcome: WriteOutcome) -> Vec<Effect> {
        let Some(revert) = crate::tui::app::settings_write::flow(self)
            .filter(|f| f.is_sending())
            .map(|f| f.plan.revert)
        else {
            // The person cancelled; the re-reads report what happened.
            return vec![];
        };
        let pending = self.writes.pending.take();
        match outcome {
            WriteOutcome::Applied(applied) => {
                let Applied {
                    outcome,
                    notes,
                    after_all,
                    ..
                } = *applied;
                self.show_applied(outcome, revert, notes, after_all, None)
            }
            WriteOutcome::Conflict { server, report } => {
                self.show_conflict(server, report);
                vec![]
            }
            WriteOutcome::Expectation { message, .. } => {
                self.screen = Screen::Form;
                self.error(message);
                vec![]
            }
            WriteOutcome::WrongTarget(w) => {
                self.screen = Screen::Form;
                self.error(format!("{w}. Your edits are kept."));
                vec![]
            }
            WriteOutcome::PartlyApplied {
                applied,
                missing,
                error,
            } => {
                let text = crate::submit::partly_applied_text(&applied.outcome.patch, &missing);
                let sent = applied.outcome.patch.len() + missing.len();
                let effects =
                    self.show_applied(applied.outcome, revert, applied.notes, false, None);
                self.set_sent(sent);
                self.warn(format!(
                    "{error}; checked the server: {text}. The rest of your edits are kept; s to send them."
                ));
                effects
            }
            WriteOutcome::NotApplied { error, checked, .. } => {
                self.show_failure(error, checked);
                vec![]
            }
            WriteOutcome::InDoubt { error, reread } => {
                self.screen = Screen::Form;
                self.writes.pending = pending;
                self.warn(format!(
                    "{error}; not applied yet as far as orws can tell (reading it back failed: {reread}); checking again…"
                ));
                self.recheck(Duration::from_secs(1))
            }
        }
    }

    /// The Conflict screen after a submit: nothing was sent.
    pub(crate) fn show_conflict(&mut self, server: Workspace, report: ConflictReport) {
        self.writes.pending = None;
        let view = ConflictView {
            server,
            report,
            found: ConflictFound::Submitting,
        };
        match crate::tui::app::settings_write::flow_mut(self) {
            Some(flow) => {
                flow.conflict(view);
            }
            None => self.screen = Screen::Conflict(view),
        }
        self.warn(
            "Someone changed these fields on the server since you loaded them; nothing was sent.",
        );
    }

    fn show_applied(
        &mut self,
        outcome: SubmitOutcome,
        revert: bool,
        notes: Vec<String>,
        after_all: bool,
        reverting: Option<crate::write::record::Reverting>,
    ) -> Vec<Effect> {
        let reverting = match crate::tui::app::settings_write::flow(self) {
            Some(f) if f.is_sending() => f.reverting.clone(),
            // Found applied after the person stopped waiting: what the write said it undoes.
            _ => reverting,
        };
        let id = crate::state::history::new_id();
        // What this write's own undo says of it.
        let recorded = crate::write::record::Reverting {
            of: id.clone(),
            reverts: reverting
                .as_ref()
                .map_or(crate::state::history::Kind::Patch, |r| r.reverts),
        };
        let record = Effect::RecordHistory {
            patch: outcome.patch.clone(),
            before: outcome.before.clone(),
            after: outcome.after.clone(),
            reverting,
            id,
        };
        let Some(form) = self
            .form
            .as_mut()
            .filter(|f| f.workspace.id() == outcome.after.id())
        else {
            // The form is gone (or shows another workspace): the history still gets it.
            self.warn(format!(
                "The change to '{}' was applied after all; it is in the history.",
                outcome.after.name()
            ));
            return vec![record];
        };
        let changes = changes_between(&outcome.before, &outcome.after);
        let mut echo_warnings = echo_mismatches(&outcome.patch, &outcome.after);
        // Edits made since the submit began stay; everything else follows the server.
        form.rebase(outcome.after.clone());
        form.forget_undo();
        let n = outcome.patch.len();
        if after_all {
            self.warn("Checked the server: the change was applied after all.");
        } else if echo_warnings.is_empty() && notes.is_empty() {
            self.info(format!(
                "{} field{} saved.",
                n,
                if n == 1 { "" } else { "s" }
            ));
        } else if echo_warnings.is_empty() {
            self.warn(format!("Saved, but {}", notes.join("; ")));
        } else {
            self.warn(format!(
                "Saved, but the server stored something else: {}",
                echo_warnings.join("; ")
            ));
        }
        echo_warnings.extend(notes);
        let plan = crate::tui::screens::settings_write::SettingsPlan {
            base: outcome.before.clone(),
            patch: outcome.patch.clone(),
            revert,
        };
        let view = ResultView {
            outcome,
            changes,
            echo_warnings,
            reverting: revert,
            sent: n,
        };
        match crate::tui::app::settings_write::flow_mut(self).filter(|f| f.is_sending()) {
            Some(flow) => {
                flow.finish(view);
                flow.recorded = Some(recorded);
            }
            // Found applied after the person stopped waiting: its result all the same.
            None => {
                let mut flow = crate::tui::screens::settings_write::SettingsFlow::ended(plan, view);
                flow.recorded = Some(recorded);
                self.screen = Screen::Write(Box::new(flow));
            }
        }
        vec![record]
    }

    /// The Result counts what was sent, not only what landed (a partly applied PATCH).
    fn set_sent(&mut self, sent: usize) {
        if let Some(crate::tui::flow::Phase::Result(view)) =
            crate::tui::app::settings_write::flow_mut(self).map(|f| &mut f.phase)
        {
            view.sent = sent;
        }
    }

    fn show_failure(&mut self, e: ApiError, checked: Option<String>) {
        self.screen = Screen::Form;
        let Some(form) = &mut self.form else {
            return;
        };
        if let Some(name) = e.field().map(str::to_string)
            && let Some(f) = form.field_mut(&name)
        {
            f.server_error = Some(e.to_string());
            form.focus_field(&name);
        }
        let text = match (&e, checked) {
            // A retry cannot work: the workspace is gone (or this key no longer sees it).
            (ApiError::NotFound { .. }, _) => format!(
                "Workspace '{}' was deleted (or is no longer visible to this key); your edits are kept in the draft.",
                form.workspace.name()
            ),
            (_, Some(checked)) => format!("{e}; {checked}. Your edits are kept; s to try again."),
            (_, None) => format!("{e}. Your edits are kept; s to try again."),
        };
        self.error(text);
    }

    /// Asks for a re-read of the workspace whose write is in doubt.
    fn recheck(&mut self, after: Duration) -> Vec<Effect> {
        match &self.writes.pending {
            Some(p) => vec![Effect::Recheck {
                id: p.before.id().to_string(),
                after,
            }],
            None => vec![],
        }
    }

    /// What the server holds after a cancelled or doubtful write.
    pub(super) fn on_reread(&mut self, result: Result<Workspace, ApiError>) -> Vec<Effect> {
        // A late check of an earlier write says nothing about the one now in flight.
        if crate::tui::app::settings_write::flow(self).is_some_and(|f| f.is_sending()) {
            return vec![];
        }
        let Some(mut pending) = self.writes.pending.take() else {
            return vec![];
        };
        pending.checks += 1;
        let server = match result {
            Ok(server) if server.id() == pending.before.id() => server,
            Ok(other) => {
                self.follow_up(
                    Level::Error,
                    &format!(
                        "Checking whether the change was applied, the server answered about workspace {}, not {}; re-open the workspace to see its state",
                        other.id(),
                        pending.before.id()
                    ),
                );
                return vec![];
            }
            Err(e) => {
                let text = format!("Could not check whether the change was applied: {e}");
                return self.not_yet(pending, &text);
            }
        };
        let holds = server_holds(&pending.before, &pending.patch, &server);
        match holds {
            Holds::Sent | Holds::Partial => {
                // Partly landed: the part that did is applied (history, undo); the rest is said.
                let (patch, missing) =
                    crate::submit::landed_part(&pending.before, &pending.patch, &server);
                let partly = (holds == Holds::Partial)
                    .then(|| crate::submit::partly_applied_text(&patch, &missing));
                let sent = pending.patch.len();
                let outcome = SubmitOutcome {
                    before: pending.before,
                    after: server,
                    patch: if partly.is_some() {
                        patch
                    } else {
                        pending.patch
                    },
                    remote_changes: vec![],
                };
                if let Some(text) = partly {
                    let effects = if matches!(self.screen, Screen::Form) {
                        let effects = self.show_applied(
                            outcome,
                            pending.revert,
                            vec![],
                            true,
                            pending.reverting.clone(),
                        );
                        self.set_sent(sent);
                        effects
                    } else {
                        vec![Effect::RecordHistory {
                            patch: outcome.patch,
                            before: outcome.before,
                            after: outcome.after,
                            reverting: pending.reverting.clone(),
                            id: crate::state::history::new_id(),
                        }]
                    };
                    self.follow_up(Level::Warning, &format!("Checked the server: {text}"));
                    return effects;
                }
                if matches!(self.screen, Screen::Form) {
                    self.show_applied(outcome, pending.revert, vec![], true, pending.reverting)
                } else {
                    let record = Effect::RecordHistory {
                        patch: outcome.patch,
                        before: outcome.before,
                        after: outcome.after,
                        reverting: pending.reverting,
                        id: crate::state::history::new_id(),
                    };
                    self.follow_up(
                        Level::Warning,
                        "Checked the server: the change was applied after all; it is in the history.",
                    );
                    vec![record]
                }
            }
            Holds::Base => {
                if let Some(form) = &mut self.form
                    && form.workspace.id() == server.id()
                {
                    // The patched fields still hold the base: taking the rest in hides nothing.
                    form.rebase(server);
                }
                self.not_yet(pending, "Checked the server: not applied yet")
            }
            Holds::Other => {
                self.follow_up(
                    Level::Warning,
                    "Checked the server: not applied; someone else changed those fields meanwhile (s and Enter show them as a conflict)",
                );
                vec![]
            }
        }
    }

    /// Not applied as of this re-read: check again a little later, a few times.
    fn not_yet(&mut self, pending: PendingWrite, text: &str) -> Vec<Effect> {
        if pending.checks >= RECHECKS {
            self.follow_up(
                Level::Warning,
                &format!(
                    "{text}, {} checks after the cancel; if the request still arrives, re-opening the workspace shows it. Your edits are kept.",
                    pending.checks
                ),
            );
            return vec![];
        }
        let wait = Duration::from_secs(1 << (pending.checks - 1));
        self.follow_up(
            Level::Warning,
            &format!(
                "{text}; the cancelled request may still arrive, checking again in {} s",
                wait.as_secs()
            ),
        );
        self.writes.pending = Some(pending);
        self.recheck(wait)
    }

    /// Adds to the status line instead of replacing it, so the cause stays readable.
    pub(super) fn follow_up(&mut self, level: Level, text: &str) {
        let text = match self.status.take() {
            // Successive checks replace each other rather than pile up.
            Some(old) => {
                let old = old.text;
                let cause = old.split(" — ").next().unwrap_or(&old);
                format!("{} — {text}", cause.trim_end_matches('.'))
            }
            None => text.to_string(),
        };
        self.status = Some(Status { level, text });
    }

    /// `u` on the Result: a Review of the inverse patch; only Enter there sends it, with the
    /// same conflict check as any submit. Esc there comes back to this result.
    pub(crate) fn revert(&mut self, view: ResultView) -> Vec<Effect> {
        let inverse = view.outcome.patch.inverse(&view.outcome.before);
        let Some(form) = &mut self.form else {
            return vec![];
        };
        for (name, value) in inverse.fields() {
            if let Some(f) = form.field_mut(name) {
                f.set_value(value.clone());
            }
        }
        let Some(plan) = crate::tui::app::settings_write::plan(self, true) else {
            self.info("Nothing to undo: the form already holds the values from before.");
            return vec![];
        };
        if let Some(flow) = crate::tui::app::settings_write::flow_mut(self) {
            flow.undo(plan);
        }
        self.review_message(
            Level::Info,
            "Undo: the inverse patch. Enter sends it (after a conflict check); Esc goes back.",
        );
        vec![]
    }
}
