//! Drafts of everything typed and not sent (product.md §4): the open workspace's (its
//! settings and every tab), the bulk edit's (keyed by its marked workspaces) and the new
//! workspace's; which changed after a message, so only those are written; and whether the
//! unsaved edits are safe on disk: a failed draft write is said at once, stays visible (the
//! title bar), and makes the quit question say the edits will be lost.

use super::*;
use crate::state::drafts::NEW_WORKSPACE;

/// A draft as compared between messages: the base and the time do not tell edits apart.
fn comparable(draft: &Option<Draft>) -> Option<Draft> {
    draft.clone().map(|mut d| {
        d.base = serde_json::Value::Null;
        d
    })
}

impl App {
    /// Every draft this process keeps now, by id, `None` where nothing is unsaved: the open
    /// workspace's settings and tabs, the bulk edit's, the new workspace's.
    pub fn drafts_now(&self) -> Vec<(String, Option<Draft>)> {
        let mut out = Vec::with_capacity(3);
        if let Some(form) = &self.form {
            let id = form.workspace.id().to_string();
            let mut d = form
                .draft(&self.state_key)
                .unwrap_or_else(|| Draft::empty(&self.state_key, &id, form.workspace.to_json()));
            d.tabs = self.tabs.drafts();
            out.push((id, (!d.is_empty()).then_some(d)));
        }
        if let Some(bulk) = self.bulk.as_ref().filter(|b| !b.from_history) {
            let id = bulk.draft_id();
            let d = (bulk.draft_edits() > 0)
                .then(|| bulk.form.draft(&self.state_key))
                .flatten()
                .map(|mut d| {
                    d.workspace_id = id.clone();
                    d
                });
            out.push((id, d));
        }
        if let Some(create) = &self.create {
            out.push((NEW_WORKSPACE.to_string(), create.draft(&self.state_key)));
        }
        // A key's form (`new-key-<workspace>`, `key-<hash>`): never a secret, it has none.
        if let Some(form) = &self.tabs.keys.form {
            out.push((form.draft_id(), form.draft(&self.state_key)));
        }
        out
    }

    /// The drafts as [`App::draft_changes`] compares them.
    pub(super) fn draft_keys(&self) -> Vec<(String, Option<Draft>)> {
        self.drafts_now()
            .into_iter()
            .map(|(id, d)| (id, comparable(&d)))
            .collect()
    }

    /// The writes that bring the drafts on disk up to date after a message. A workspace or
    /// bulk edit that closed keeps its draft (left with "keep the draft"; a discard deletes
    /// it itself); the new workspace's form closes only once created, so its draft goes.
    pub(super) fn draft_changes(&self, before: &[(String, Option<Draft>)]) -> Vec<Effect> {
        let now = self.drafts_now();
        let mut effects = Vec::new();
        for (id, draft) in &now {
            let was = before
                .iter()
                .find(|(b, _)| b == id)
                .and_then(|(_, d)| d.clone());
            if was == comparable(draft) {
                continue;
            }
            effects.push(match draft {
                Some(d) => Effect::SaveDraft(d.clone()),
                None => Effect::DeleteDraft {
                    workspace_id: id.clone(),
                },
            });
        }
        let created = before
            .iter()
            .any(|(id, d)| id == NEW_WORKSPACE && d.is_some())
            && !now.iter().any(|(id, _)| id == NEW_WORKSPACE);
        if created {
            effects.push(Effect::DeleteDraft {
                workspace_id: NEW_WORKSPACE.into(),
            });
        }
        effects
    }

    pub(super) fn on_draft_saved(
        &mut self,
        result: Result<(), crate::state::StateError>,
    ) -> Vec<Effect> {
        match result {
            Ok(()) => {
                if self.draft_error.take().is_some() {
                    self.info("The draft is written again.");
                }
            }
            Err(e) => {
                let first = self.draft_error.is_none();
                self.draft_error = Some(e.to_string());
                if first {
                    self.error(format!(
                        "The draft could not be written ({e}); quitting now loses these edits."
                    ));
                }
            }
        }
        vec![]
    }

    /// The line the quit question adds when the draft cannot be written.
    pub fn draft_loss_warning(&self) -> Option<String> {
        self.draft_error
            .as_ref()
            .map(|e| format!("The draft cannot be written ({e}): leaving now loses these edits."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        let (mut app, _) = App::new("h", Some("u".into()));
        let ws = Workspace::from_json(serde_json::json!({"id":"u","name":"A","slug":"a"}));
        app.update(app.loaded(Ok(ws.unwrap())));
        app
    }

    fn no_space() -> crate::state::StateError {
        std::io::Error::from_raw_os_error(28).into()
    }

    #[test]
    fn a_failed_write_is_said_once_and_kept_until_one_succeeds() {
        let mut app = app();
        app.update(Msg::DraftSaved(Err(no_space())));
        let status = app.status.clone().unwrap();
        assert_eq!(status.level, Level::Error);
        assert!(status.text.contains("No space left"), "{}", status.text);
        assert!(
            app.draft_loss_warning()
                .unwrap()
                .contains("loses these edits")
        );

        app.status = None;
        app.update(Msg::DraftSaved(Err(no_space())));
        assert_eq!(app.status, None, "said once, not at every keystroke");
        assert!(app.draft_error.is_some());

        app.update(Msg::DraftSaved(Ok(())));
        assert_eq!(app.draft_error, None);
        assert_eq!(app.draft_loss_warning(), None);
        assert!(app.status.unwrap().text.contains("written again"));
    }
}
