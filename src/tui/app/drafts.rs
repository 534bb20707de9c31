//! Whether the unsaved edits are safe on disk: a failed draft write is said at once, stays
//! visible (the title bar), and makes the quit question say the edits will be lost.

use super::*;

impl App {
    pub(super) fn on_draft_saved(&mut self, result: Result<(), String>) -> Vec<Effect> {
        match result {
            Ok(()) => {
                if self.draft_error.take().is_some() {
                    self.info("The draft is written again.");
                }
            }
            Err(e) => {
                let first = self.draft_error.is_none();
                self.draft_error = Some(e.clone());
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
