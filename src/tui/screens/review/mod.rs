//! The Review screen: field | before | after and the exact JSON body. Only `Enter` sends.

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect};

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    vec![
        (Action::Submit, "submit"),
        (Action::Back, "back"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ]
}

/// No single letter sends a write: only `Submit` (Enter) does (product.md §4).
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => app.submit(),
        Action::Back => app.review_back(),
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
        | Action::Toggle
        | Action::Clear
        | Action::Undo
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::Review
        | Action::Open
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No => vec![],
    }
}
