//! The submit and what follows it: review, the PATCH outcome, re-reading after a doubtful
//! end, the Conflict screen's keys, and revert.

use super::*;

impl App {
    pub(super) fn review(&mut self) -> Vec<Effect> {
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
        self.screen = Screen::Review;
        vec![]
    }

    pub(super) fn submit(&mut self, force: bool) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return vec![];
        };
        let patch = form.patch();
        if patch.is_empty() {
            self.screen = Screen::Form;
            self.info("Nothing to save: no field differs from the server's value.");
            return vec![];
        }
        self.screen = Screen::Submitting {
            sending: false,
            revert: false,
        };
        self.elapsed = Duration::ZERO;
        self.status = None;
        vec![Effect::Submit {
            base: form.workspace.clone(),
            patch,
            force,
        }]
    }

    pub(super) fn on_submitted(&mut self, result: Result<SubmitOutcome, ApiError>) -> Vec<Effect> {
        let Screen::Submitting { revert, sending } = self.screen else {
            // The person cancelled; the re-read reports what happened.
            return vec![];
        };
        let Some(form) = &mut self.form else {
            return vec![];
        };
        match result {
            Ok(outcome) => {
                let changes = changes_between(&outcome.before, &outcome.after);
                let echo_warnings = echo_mismatches(&outcome.patch, &outcome.after);
                // Edits made since the submit began stay; everything else follows the server.
                form.rebase(outcome.after.clone());
                let n = outcome.patch.len();
                if echo_warnings.is_empty() {
                    self.info(format!(
                        "{} field{} saved.",
                        n,
                        if n == 1 { "" } else { "s" }
                    ));
                } else {
                    self.warn(format!(
                        "Saved, but the server stored something else: {}",
                        echo_warnings.join("; ")
                    ));
                }
                let record = Effect::RecordHistory {
                    patch: outcome.patch.clone(),
                    before: outcome.before.clone(),
                    after: outcome.after.clone(),
                };
                self.screen = Screen::Result(ResultView {
                    outcome,
                    changes,
                    echo_warnings,
                    reverting: revert,
                });
                return vec![record];
            }
            Err(e) => {
                self.screen = Screen::Form;
                if let Some(name) = e.field().map(str::to_string)
                    && let Some(f) = form.field_mut(&name)
                {
                    f.server_error = Some(e.to_string());
                    form.focus_field(&name);
                }
                let id = form.workspace.id().to_string();
                self.error(format!("{e}. Your edits are kept; s to try again."));
                if sending && e.may_have_landed() {
                    // Whether it landed decides what the form's base is: ask the server.
                    return vec![Effect::CancelSubmit { reread: Some(id) }];
                }
            }
        }
        vec![]
    }

    pub(super) fn on_reread(&mut self, result: Result<Workspace, ApiError>) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return vec![];
        };
        match result {
            Ok(server) => {
                let patch = form.patch();
                let applied = !patch.is_empty()
                    && patch.fields().iter().all(|(k, v)| {
                        field(k).is_some_and(|spec| values_equal(spec, server.get(k), Some(v)))
                    });
                form.rebase(server);
                let (level, text) = if applied {
                    (
                        Level::Warning,
                        "Checked the server: the change was applied after all.",
                    )
                } else {
                    (
                        Level::Info,
                        "Checked the server: the change was not applied; your edits are kept.",
                    )
                };
                self.follow_up(level, text);
            }
            Err(e) => self.follow_up(
                Level::Error,
                &format!("Could not check whether the change was applied: {e}"),
            ),
        }
        vec![]
    }

    /// Adds to the status line instead of replacing it, so the cause stays readable.
    pub(super) fn follow_up(&mut self, level: Level, text: &str) {
        let text = match self.status.take() {
            Some(old) => format!("{} — {text}", old.text.trim_end_matches('.')),
            None => text.to_string(),
        };
        self.status = Some(Status { level, text });
    }

    pub(super) fn conflict_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Screen::Conflict(view) = &self.screen else {
            return vec![];
        };
        let (server, conflicts): (Workspace, Vec<String>) = (
            view.server.clone(),
            view.report
                .conflicts
                .iter()
                .map(|c| c.field.clone())
                .collect(),
        );
        let from_draft = view.from_draft;
        let Some(form) = &mut self.form else {
            return vec![];
        };
        match key.code {
            KeyCode::Char('m') if from_draft => {
                form.rebase(server);
                self.screen = Screen::Form;
                self.info("Kept your restored edits on top of the server's values; s to review.");
                vec![]
            }
            KeyCode::Char('m') => {
                // Keep mine: the server's state becomes the base, my edits stay, and they go.
                form.rebase(server);
                self.submit(true)
            }
            KeyCode::Char('t') => {
                form.rebase(server);
                for name in &conflicts {
                    if let Some(f) = form.field_mut(name) {
                        f.reset();
                    }
                }
                if form.patch().is_empty() || from_draft {
                    self.screen = Screen::Form;
                    self.info("Took their values for the conflicting fields.");
                } else {
                    self.screen = Screen::Review;
                    self.info("Took their values for the conflicting fields; review the rest.");
                }
                vec![]
            }
            KeyCode::Esc | KeyCode::Char('q') => {
                self.screen = Screen::Form;
                vec![]
            }
            _ => vec![],
        }
    }

    /// Sends the inverse of the last patch, after the same conflict check.
    pub(super) fn revert(&mut self) -> Vec<Effect> {
        let Screen::Result(view) = &self.screen else {
            return vec![];
        };
        let inverse = view.outcome.patch.inverse(&view.outcome.before);
        let base = view.outcome.after.clone();
        self.screen = Screen::Submitting {
            sending: false,
            revert: true,
        };
        self.elapsed = Duration::ZERO;
        vec![Effect::Submit {
            base,
            patch: inverse,
            force: false,
        }]
    }
}
