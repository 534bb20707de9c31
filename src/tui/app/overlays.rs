//! The questions over the screen: help, leaving with unsaved edits, revert, restoring a draft,
//! resetting every field. One vocabulary in every question: `d` is the one key that discards,
//! `n`/`Esc` mean "not now" (nothing is lost), `y` is yes to what loses nothing.

use super::*;
use crate::tui::form::undo::UndoHistory;

impl App {
    pub(super) fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        match overlay {
            Overlay::Help => {
                self.overlay = None;
                vec![]
            }
            Overlay::ConfirmLeave { quit } => match key.code {
                // Keep the draft and leave.
                KeyCode::Char('y' | 'k') => {
                    self.overlay = None;
                    self.leave_now(quit)
                }
                KeyCode::Char('d') => {
                    self.overlay = None;
                    let id = self.form_id();
                    if let Some(form) = &mut self.form {
                        form.reset_all();
                    }
                    let mut effects = self.leave_now(quit);
                    // Quitting keeps the form, so `update` sees the edits go and deletes the
                    // draft; going back drops the form, so the draft is deleted here.
                    if !quit && let Some(workspace_id) = id {
                        effects.push(Effect::DeleteDraft { workspace_id });
                    }
                    effects
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.overlay = None;
                    vec![]
                }
                _ => vec![],
            },
            Overlay::RestoreDraft => match key.code {
                KeyCode::Char('y') => {
                    self.overlay = None;
                    self.restore_draft();
                    vec![]
                }
                KeyCode::Char('d') => {
                    self.overlay = None;
                    self.info("Draft discarded.");
                    match self.draft_offer.take() {
                        Some(d) => vec![Effect::DeleteDraft {
                            workspace_id: d.workspace_id,
                        }],
                        None => vec![],
                    }
                }
                // Not now: the form opens on the server's values and the draft stays on disk.
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.overlay = None;
                    self.draft_offer = None;
                    self.info("The draft is kept; it is offered again when this workspace opens.");
                    vec![]
                }
                _ => vec![],
            },
            Overlay::ConfirmResetAll => match key.code {
                KeyCode::Char('y') => {
                    self.overlay = None;
                    if let Some(form) = &mut self.form {
                        form.reset_all();
                    }
                    self.info("Every field is back to the server's value; u undoes that.");
                    vec![]
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.overlay = None;
                    vec![]
                }
                _ => vec![],
            },
            Overlay::ConfirmRevert => match key.code {
                KeyCode::Char('y') => {
                    self.overlay = None;
                    self.revert()
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.overlay = None;
                    vec![]
                }
                _ => vec![],
            },
        }
    }

    /// Puts a draft's edits back on the base they were made on, then checks that base against
    /// the server's state: conflicts go to the Conflict screen, other remote changes are taken in.
    pub(super) fn restore_draft(&mut self) {
        let (Some(draft), Some(form)) = (self.draft_offer.take(), &mut self.form) else {
            return;
        };
        let server = form.workspace.clone();
        let base = Workspace::from_json(draft.base.clone()).unwrap_or_else(|_| server.clone());
        let mut restored = FormState::new(base.clone());
        for (name, value) in &draft.fields {
            if let Some(f) = restored.field_mut(name) {
                f.set_value(value.clone());
            }
        }
        for (name, text) in &draft.unparsed {
            if let Some(f) = restored.field_mut(name) {
                f.set_text(text);
            }
        }
        restored.focus = form.focus;
        if let Some(catalog) = &self.catalog {
            restored.set_catalog(catalog.clone());
        }
        let report = crate::workspace::check_conflicts(&base, &server, &restored.patch());
        if !report.has_conflicts() {
            restored.rebase(server.clone());
        }
        // The restore is one step of the form's history: `u` puts back the values before it.
        restored.undo = std::mem::replace(&mut form.undo, UndoHistory::new(Vec::new()));
        restored.settle();
        let n = draft.len();
        *form = restored;
        if report.has_conflicts() {
            self.screen = Screen::Conflict(ConflictView {
                server,
                report,
                from_draft: true,
            });
            self.warn("The server changed fields your draft changes; choose whose values to keep.");
        } else {
            let remote = report.remote_changes.len();
            self.info(format!(
                "Restored {n} unsaved edit{} from {}{}.",
                if n == 1 { "" } else { "s" },
                draft.saved_at,
                if remote > 0 {
                    format!("; {remote} field(s) changed on the server meanwhile were taken in")
                } else {
                    String::new()
                }
            ));
        }
    }
}
