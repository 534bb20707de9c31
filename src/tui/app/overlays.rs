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
        let Some(draft) = self.draft_offer.take() else {
            return;
        };
        let n = draft.len();
        let when = saved_when(&draft);
        if draft.workspace_id == crate::state::drafts::NEW_WORKSPACE {
            if let Some(create) = &mut self.create {
                create.restore(&draft);
                self.info(format!("Restored the new workspace's name and slug{when}."));
            }
            return;
        }
        if let Some(form) = self
            .tabs
            .keys
            .form
            .as_mut()
            .filter(|f| f.draft_id() == draft.workspace_id)
        {
            form.restore(&draft);
            self.info(format!("Restored the key's form{when}."));
            return;
        }
        if let Some(bulk) = self
            .bulk
            .as_mut()
            .filter(|b| b.draft_id() == draft.workspace_id)
        {
            put_fields(&mut bulk.form, &draft);
            bulk.form.settle();
            self.info(format!("Restored {}{when}.", edits(n)));
            return;
        }
        let Some(form) = &mut self.form else {
            return;
        };
        // The tabs' edits wait for their tab to load (`Tabs::apply_pending`).
        self.tabs.pending = draft.tabs.clone();
        let server = form.workspace.clone();
        let base = Workspace::from_json(draft.base.clone()).unwrap_or_else(|_| server.clone());
        let mut restored = FormState::new(base.clone());
        put_fields(&mut restored, &draft);
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
                "Restored {}{when}{}.",
                edits(n),
                if remote > 0 {
                    format!("; {remote} field(s) changed on the server meanwhile were taken in")
                } else {
                    String::new()
                }
            ));
        }
    }
}

/// A draft's field values and unparsed texts, onto a form.
fn put_fields(form: &mut FormState, draft: &Draft) {
    for (name, value) in &draft.fields {
        if let Some(f) = form.field_mut(name) {
            f.set_value(value.clone());
        }
    }
    for (name, text) in &draft.unparsed {
        if let Some(f) = form.field_mut(name) {
            f.set_text(text);
        }
    }
}

fn edits(n: usize) -> String {
    format!("{n} unsaved edit{}", if n == 1 { "" } else { "s" })
}

/// " from 3 minutes ago, 14:02 UTC", or nothing when the draft has no time.
fn saved_when(draft: &Draft) -> String {
    if draft.saved_at.is_empty() {
        return String::new();
    }
    let at = crate::state::saved_ago(&draft.saved_at, time::OffsetDateTime::now_utc());
    format!(" from {at}")
}
