//! The Result screen: what the server applied; `u` reviews the inverse patch.

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect, Screen};

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    vec![
        (Action::Done, "back to form"),
        (Action::Back, "back to form"),
        (Action::Undo, "undo"),
        (Action::Up, "scroll"),
        (Action::Down, "scroll"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
        (Action::PageDown, "page down"),
        (Action::PageUp, "page up"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
    ]
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        // A revert is a Review of the inverse patch: no single letter sends it.
        Action::Undo => app.revert(),
        Action::Done | Action::Back => {
            app.screen = Screen::Form;
            vec![]
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => {
            if let Screen::Result(view) = &mut app.screen {
                let rows = view.changes.len() + view.outcome.patch.fields().len();
                let last = u16::try_from(rows.saturating_sub(1)).unwrap_or(u16::MAX);
                view.scroll = match action {
                    Action::Down => view.scroll.saturating_add(1),
                    Action::Up => view.scroll.saturating_sub(1),
                    Action::PageDown => view.scroll.saturating_add(10),
                    Action::PageUp => view.scroll.saturating_sub(10),
                    Action::Top => 0,
                    _ => last,
                }
                .min(last);
            }
            vec![]
        }
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
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
        | Action::Cancel
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
