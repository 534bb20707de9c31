//! The Conflict screen found restoring a draft or re-reading the workspace (not a write):
//! fields changed on the server and in the form; keep mine, take theirs only rebase the form.
//! A submit's conflict is the Conflict phase of its write flow (`screens::settings_write`),
//! drawn by the same view.

pub mod view;

use crate::config::Action;
use crate::config::keys::{ConflictKey, HELP_HINT, QUIT_HINT};
use crate::tui::route::{ConflictFound, ConflictView};
use crate::workspace::Workspace;

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::KeepMine, "keep mine"),
        (Action::TakeTheirs, "take theirs"),
        (Action::Back, "back"),
        HELP_HINT,
        QUIT_HINT,
    ]
}

/// How the person resolved a conflict found restoring a draft or re-reading: only the form
/// is rebased (nothing is sent), then it shows again with `say` on the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The server's workspace, the form's new base.
    pub server: Workspace,
    /// The fields that take the server's value (theirs); none keeps every edit (mine).
    pub take: Vec<String>,
    /// `false`: Esc, the form as it was (no rebase).
    pub rebase: bool,
    pub say: Option<&'static str>,
}

pub fn act(view: &ConflictView, key: ConflictKey) -> Resolution {
    let server = view.server.clone();
    match key {
        ConflictKey::KeepMine => Resolution {
            server,
            take: vec![],
            rebase: true,
            say: Some("Kept your edits on top of the server's values; s to review."),
        },
        ConflictKey::TakeTheirs => Resolution {
            server,
            take: view
                .report
                .conflicts
                .iter()
                .map(|c| c.field.clone())
                .collect(),
            rebase: true,
            say: Some("Took their values for the conflicting fields."),
        },
        // The restore already put the draft's values on top of the server's.
        ConflictKey::Back => Resolution {
            server,
            take: vec![],
            rebase: false,
            say: (view.found == ConflictFound::RestoringDraft)
                .then_some("Kept your draft's values on top of the server's; s to review."),
        },
    }
}
