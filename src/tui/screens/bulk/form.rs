//! The bulk form: the form's own rows, keys, validation and undo over every marked workspace
//! (`FormState::for_many`), under a header naming how many it changes.

use crate::config::{Action, Scope};
use crate::tui::screens::form::{self, FormState};

/// The form's keys that act here (no slug, re-read, tabs, $EDITOR or reset-all in a bulk form).
pub fn hints(form: &FormState) -> Vec<(Action, &'static str)> {
    form::bar_hints(form)
        .into_iter()
        .chain(form::hints(form))
        .filter(|(a, _)| Scope::BulkForm.actions().contains(a))
        .fold(Vec::new(), |mut out, (a, label)| {
            if !out.iter().any(|(b, _)| *b == a) {
                out.push((a, label));
            }
            out
        })
}
