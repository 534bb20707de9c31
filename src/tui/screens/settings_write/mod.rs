//! The settings PATCH in the one write flow ([`crate::tui::flow`]): its plan (the form's
//! minimal patch on the workspace it was made on), what the Sending phase shows, and its keys.
//! The Review, Submitting, Result and Conflict screens draw its phases; what a submit's answer
//! does to the form is the app's (`app/submit.rs`).

use crate::config::Action;
use crate::tui::flow::{Flow, Plan, Shown};
use crate::tui::route::{ConflictView, ResultView};
use crate::workspace::{PatchBody, Workspace};

/// What Enter on the settings Review sends: the form's patch on the workspace as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsPlan {
    pub base: Workspace,
    pub patch: PatchBody,
    /// It undoes the last write (the Result's `u`).
    pub revert: bool,
}

/// The Sending phase of a settings PATCH.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sending {
    /// The conflict check passed and the PATCH is on its way (it may land from now on).
    pub sending: bool,
}

impl Plan for SettingsPlan {
    type Conflict = ConflictView;
    type Outcome = ResultView;
    type Progress = Sending;

    fn progress(&self) -> Sending {
        Sending::default()
    }

    fn writes(&self) -> Vec<crate::tui::flow::PlannedWrite> {
        let id = self.base.id().to_string();
        vec![crate::tui::flow::PlannedWrite {
            slug: Some(self.base.slug().to_string()),
            ..crate::tui::flow::PlannedWrite::in_workspace(
                "workspaces.patch",
                "workspace",
                id.clone(),
                Some(id),
            )
        }]
    }

    fn label(shown: Shown, action: Action) -> Option<&'static str> {
        Some(match (shown, action) {
            (Shown::Review, Action::Submit) => "submit",
            (Shown::Review, Action::Back) => "back",
            (Shown::Sending, Action::Cancel) => "cancel",
            (Shown::Result, Action::Done | Action::Back) => "back to form",
            (Shown::Conflict, Action::KeepMine) => "keep mine (review again)",
            _ => return None,
        })
    }
}

/// The settings PATCH on its way through the flow.
pub type SettingsFlow = Flow<SettingsPlan>;
