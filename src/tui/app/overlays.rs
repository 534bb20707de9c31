//! Restoring a draft's edits onto the form (the question that offers it is
//! `app::questions`).

use super::*;
use crate::tui::screens::form::undo::UndoHistory;

impl App {
    /// Puts a draft's edits back on the base they were made on, checks that base against the
    /// server's state, and rebases the edits onto the server: remote changes are taken in, and
    /// fields changed on both sides go to the Conflict screen (whose `m` keeps the draft's values
    /// and `t` takes the server's).
    pub(crate) fn restore_draft(&mut self) {
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
        // Always onto the server's state, conflicts or not: a form left on the draft's stale
        // base would mark the server's own values as changes (after `u`, a no-op PATCH).
        restored.rebase(server.clone());
        // The restore is one step of the form's history: `u` puts back the values before it.
        restored.undo = std::mem::replace(&mut form.undo, UndoHistory::new(Vec::new()));
        restored.settle();
        let n = draft.len();
        *form = restored;
        if report.has_conflicts() {
            self.screen = Screen::Conflict(ConflictView {
                server,
                report,
                found: ConflictFound::RestoringDraft,
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
