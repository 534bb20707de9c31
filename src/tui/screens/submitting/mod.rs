//! The Submitting screen: spinner, elapsed time and phase; `Esc` cancels.

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect, Screen};

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    vec![(Action::Cancel, "cancel"), (Action::Help, "help")]
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Cancel => {
            let sending = matches!(app.screen, Screen::Submitting { sending: true, .. });
            app.cancel_submit(sending)
        }
        Action::Help => app.show_help(),
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
        | Action::Undo
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::History
        | Action::Review
        | Action::Open
        | Action::Mark
        | Action::EditMarked
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Submit
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4
        | Action::Tab5
        | Action::NextTab
        | Action::PrevTab
        | Action::Disable
        | Action::MoveKey
        | Action::Remove
        | Action::Add
        | Action::Create
        | Action::DeleteWorkspace
        | Action::Quit
        | Action::Back => vec![],
    }
}
