//! The questions over the screen: help, leaving with unsaved edits, revert, restoring a draft.

use super::*;

impl App {
    pub(super) fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        match overlay {
            Overlay::Help => {
                self.overlay = None;
                vec![]
            }
            Overlay::ConfirmLeave { quit } => match key.code {
                KeyCode::Char('y') => {
                    self.overlay = None;
                    self.leave_now(quit)
                }
                KeyCode::Char('d') => {
                    self.overlay = None;
                    if let Some(form) = &mut self.form {
                        form.fields.iter_mut().for_each(|f| f.reset());
                    }
                    self.leave_now(quit)
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
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.overlay = None;
                    self.info("Draft discarded.");
                    match (self.draft_offer.take(), &self.form) {
                        (Some(d), _) => vec![Effect::DeleteDraft {
                            workspace_id: d.workspace_id,
                        }],
                        _ => vec![],
                    }
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
            form.rebase(server);
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
