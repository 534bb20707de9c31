//! The Conflict screen found restoring a draft or re-reading the workspace (not a write):
//! fields changed on the server and in the form; keep mine, take theirs only rebase the form.
//! A submit's conflict is the Conflict phase of its write flow (`screens::settings_write`),
//! drawn by the same view.

pub mod view;

use crate::config::Action;
use crate::config::keys::{ConflictKey, HELP_HINT, QUIT_HINT};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::route::{ConflictFound, Screen};
use crate::workspace::Workspace;

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    vec![
        (Action::KeepMine, "keep mine"),
        (Action::TakeTheirs, "take theirs"),
        (Action::Back, "back"),
        HELP_HINT,
        QUIT_HINT,
    ]
}

pub fn act(app: &mut App, key: ConflictKey) -> Vec<Effect> {
    let Screen::Conflict(view) = &app.screen else {
        return vec![];
    };
    let (server, conflicts): (Workspace, Vec<String>) = (
        view.server.clone(),
        view.report
            .conflicts
            .iter()
            .map(|c| c.field.clone())
            .collect(),
    );
    // Found restoring a draft or re-reading: m and t only rebase the form, nothing is sent.
    let found = view.found;
    let Some(form) = &mut app.form else {
        return vec![];
    };
    match key {
        ConflictKey::KeepMine => {
            form.rebase(server);
            app.screen = Screen::Form;
            app.info("Kept your edits on top of the server's values; s to review.");
            vec![]
        }
        ConflictKey::TakeTheirs => {
            form.rebase(server);
            for name in &conflicts {
                if let Some(f) = form.field_mut(name) {
                    f.reset();
                }
            }
            app.screen = Screen::Form;
            app.info("Took their values for the conflicting fields.");
            vec![]
        }
        ConflictKey::Back => {
            app.screen = Screen::Form;
            if found == ConflictFound::RestoringDraft {
                // The restore already put the draft's values on top of the server's.
                app.info("Kept your draft's values on top of the server's; s to review.");
            }
            vec![]
        }
    }
}
