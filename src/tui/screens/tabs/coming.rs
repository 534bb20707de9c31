//! A tab not built yet: it says so, and the tab keys, back, help and quit work.

use crate::config::Action;
use crate::tui::app::{App, Effect};

pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Help, "help"),
        (Action::Back, "workspaces"),
        (Action::Quit, "quit"),
    ];
    h.extend(super::tab_hints());
    h
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.leave(false),
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        _ => vec![],
    }
}
