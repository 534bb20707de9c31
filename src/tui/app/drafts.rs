//! Whether the unsaved edits are safe on disk: a failed draft write is said at once, stays
//! visible (the title bar), and makes the quit question say the edits will be lost.

use super::*;

impl App {
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
