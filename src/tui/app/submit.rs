//! The submit and what follows it: review, the safe write's outcome, re-reading after a
//! doubtful end, the Conflict screen's keys, and revert through a Review.

use super::*;
use crate::submit::{Applied, Holds, server_holds};

/// Re-reads after a cancelled or doubtful write: at once, then after 1, 2, 4 and 8 s.
const RECHECKS: u32 = 5;

/// Writes in progress or in doubt, and a revert under review.
#[derive(Debug, Default)]
pub struct WriteState {
    /// The Result a revert under review came from: Esc on that Review goes back to it.
    pub reverting: Option<ResultView>,
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
        if form.patch().is_empty() {
            self.info("Nothing to save: no field differs from the server's value.");
            return vec![];
        }
        self.screen = Screen::Review(Default::default());
        vec![]
    }

    /// Esc on a Review: back to the form, or, for a revert, back to the result it came from.
    pub(crate) fn review_back(&mut self) -> Vec<Effect> {
        match (self.writes.reverting.take(), &mut self.form) {
            (Some(view), Some(form)) => {
                for name in view.outcome.patch.fields().keys() {
                    if let Some(f) = form.field_mut(name) {
                        f.reset();
                    }
                }
                self.screen = Screen::Result(view);
            }
            _ => self.screen = Screen::Form,
        }
        vec![]
    }

    /// Enter on a Review: the safe write, always with the conflict check.
    pub(crate) fn submit(&mut self) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return vec![];
        };
        let patch = form.patch();
        if patch.is_empty() {
            self.screen = Screen::Form;
            self.info("Nothing to save: no field differs from the server's value.");
            return vec![];
        }
        let base = form.workspace.clone();
        let revert = self.writes.reverting.take().is_some();
        let scroll = crate::tui::screens::review::scroll_of(self);
        self.writes.pending = Some(PendingWrite {
            before: base.clone(),
            patch: patch.clone(),
            revert,
            checks: 0,
        });
        self.screen = Screen::Submitting {
            sending: false,
            revert,
            scroll,
        };
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
        let Screen::Submitting { sending, .. } = self.screen else {
            return vec![];
        };
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
        let Screen::Submitting { revert, .. } = self.screen else {
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
                self.show_applied(outcome, revert, notes, after_all)
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
                let effects = self.show_applied(applied.outcome, revert, applied.notes, false);
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
        self.screen = Screen::Conflict(ConflictView {
            server,
            report,
            found: ConflictFound::Submitting,
        });
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
    ) -> Vec<Effect> {
        let record = Effect::RecordHistory {
            patch: outcome.patch.clone(),
            before: outcome.before.clone(),
            after: outcome.after.clone(),
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
        self.screen = Screen::Result(ResultView {
            outcome,
            changes,
            echo_warnings,
            reverting: revert,
            sent: n,
            scroll: 0,
        });
        vec![record]
    }

    /// The Result counts what was sent, not only what landed (a partly applied PATCH).
    fn set_sent(&mut self, sent: usize) {
        if let Screen::Result(view) = &mut self.screen {
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
        if matches!(self.screen, Screen::Submitting { .. }) {
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
                        let effects = self.show_applied(outcome, pending.revert, vec![], true);
                        self.set_sent(sent);
                        effects
                    } else {
                        vec![Effect::RecordHistory {
                            patch: outcome.patch,
                            before: outcome.before,
                            after: outcome.after,
                        }]
                    };
                    self.follow_up(Level::Warning, &format!("Checked the server: {text}"));
                    return effects;
                }
                if matches!(self.screen, Screen::Form) {
                    self.show_applied(outcome, pending.revert, vec![], true)
                } else {
                    let record = Effect::RecordHistory {
                        patch: outcome.patch,
                        before: outcome.before,
                        after: outcome.after,
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

    /// `u` on the Result screen: a Review of the inverse patch; only Enter there sends it,
    /// with the same conflict check as any submit.
    pub(crate) fn revert(&mut self) -> Vec<Effect> {
        if self.form.is_none() || !matches!(self.screen, Screen::Result(_)) {
            return vec![];
        }
        let Screen::Result(view) =
            std::mem::replace(&mut self.screen, Screen::Review(Default::default()))
        else {
            return vec![];
        };
        let inverse = view.outcome.patch.inverse(&view.outcome.before);
        if let Some(form) = &mut self.form {
            for (name, value) in inverse.fields() {
                if let Some(f) = form.field_mut(name) {
                    f.set_value(value.clone());
                }
            }
        }
        self.writes.reverting = Some(view);
        self.review_message(
            Level::Info,
            "Undo: the inverse patch. Enter sends it (after a conflict check); Esc goes back.",
        );
        vec![]
    }
}
