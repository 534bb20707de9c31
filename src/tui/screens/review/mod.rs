//! The Review screen: field | before | after and the exact JSON body. Only `Enter` sends.

pub mod view;

use crate::config::Action;
use crate::tui::app::{App, Effect, Screen};

/// The review's own state: how far it is scrolled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewState {
    pub scroll: u16,
}

/// A page of the review: the rows the last frame showed, less one for context.
fn page(app: &App) -> u16 {
    app.drawn.borrow().review.1.saturating_sub(1).max(1)
}

/// How far the review is scrolled (0 off the review).
pub fn scroll_of(app: &App) -> u16 {
    match &app.screen {
        Screen::Review(state) => state.scroll,
        Screen::Submitting { scroll, .. } => *scroll,
        _ => 0,
    }
}

/// Moves the scroll by `by` rows, kept within what the last frame drew.
/// The Review as it is sent (Submitting) scrolls the same way.
pub(crate) fn scroll(app: &mut App, by: i32) {
    let (content, shown) = app.drawn.borrow().review;
    let max = i32::from(content.saturating_sub(shown));
    let at = match &mut app.screen {
        Screen::Review(state) => &mut state.scroll,
        Screen::Submitting { scroll, .. } => scroll,
        _ => return,
    };
    let to = (i32::from(*at) + by).clamp(0, max);
    *at = u16::try_from(to).unwrap_or(0);
}

/// A page of the review as the last frame drew it.
pub(crate) fn page_rows(app: &App) -> i32 {
    i32::from(page(app))
}

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    vec![
        (Action::Submit, "submit"),
        (Action::Back, "back"),
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

/// No single letter sends a write: only `Submit` (Enter) does (product.md §4).
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => app.submit(),
        Action::Back => app.review_back(),
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        Action::Down => {
            scroll(app, 1);
            vec![]
        }
        Action::Up => {
            scroll(app, -1);
            vec![]
        }
        Action::PageDown => {
            scroll(app, i32::from(page(app)));
            vec![]
        }
        Action::PageUp => {
            scroll(app, -i32::from(page(app)));
            vec![]
        }
        Action::Top => {
            if let Screen::Review(state) = &mut app.screen {
                state.scroll = 0;
            }
            vec![]
        }
        Action::Bottom => {
            scroll(app, i32::from(u16::MAX));
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
