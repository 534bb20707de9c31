//! The Submitting screen: spinner, elapsed time and phase; `Esc` cancels.

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect, Screen};

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(app: &App) -> Vec<(Action, &'static str)> {
    let mut h = vec![(Action::Cancel, "cancel")];
    // A revert sends from the form: there is no Review under it to scroll.
    if !matches!(app.screen, Screen::Submitting { revert: true, .. }) {
        h.extend([(Action::Up, "scroll"), (Action::Down, "scroll")]);
    }
    h.push((Action::Help, "help"));
    if !matches!(app.screen, Screen::Submitting { revert: true, .. }) {
        h.extend([
            (Action::PageDown, "page down"),
            (Action::PageUp, "page up"),
            (Action::Top, "top"),
            (Action::Bottom, "bottom"),
        ]);
    }
    h
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
            if matches!(app.screen, Screen::Submitting { revert: true, .. }) =>
        {
            vec![]
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => {
            use crate::tui::screens::review::{page_rows, scroll};
            let by = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page_rows(app),
                Action::PageDown => page_rows(app),
                Action::Top => -i32::from(u16::MAX),
                _ => i32::from(u16::MAX),
            };
            scroll(app, by);
            vec![]
        }
        Action::Edit
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
