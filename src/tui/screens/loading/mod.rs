//! Opening a workspace: a spinner, or why it failed (`r` retries, `Esc` leads to the picker).

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect, Screen};

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(app: &App) -> Vec<(Action, &'static str)> {
    let mut h = Vec::with_capacity(4);
    if matches!(app.screen, Screen::Loading { error: Some(_), .. }) {
        h.push((Action::Retry, "retry"));
    }
    h.push((Action::Back, "workspaces"));
    h.push((Action::Help, "help"));
    h.push((Action::Quit, "quit"));
    h
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::Loading { target, error } = &app.screen else {
        return vec![];
    };
    match action {
        Action::Retry if error.is_some() => {
            let target = target.clone();
            app.open(target)
        }
        Action::Retry => vec![],
        // Never a dead end: a mistyped workspace on the command line leads to the list.
        Action::Back => app.back_to_picker(),
        Action::Help => app.show_help(),
        Action::Quit => app.quit_now(),
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
        | Action::Submit
        | Action::Cancel
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
        | Action::DeleteWorkspace => vec![],
    }
}
