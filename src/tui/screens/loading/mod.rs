//! Opening a workspace: a spinner, or why it failed (`r` retries, `Esc` leads to the picker).

pub mod view;

use crate::config::Action;
use crate::config::keys::{HELP_HINT, LoadingKey, QUIT_HINT};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::route::Screen;

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
pub fn hints(app: &App) -> Vec<(Action, &'static str)> {
    let mut h = Vec::with_capacity(4);
    if matches!(app.screen, Screen::Loading { error: Some(_), .. }) {
        h.push((Action::Retry, "retry"));
    }
    h.push((Action::Back, "workspaces"));
    h.push(HELP_HINT);
    h.push(QUIT_HINT);
    h
}

pub fn act(app: &mut App, key: LoadingKey) -> Vec<Effect> {
    let Screen::Loading { target, error } = &app.screen else {
        return vec![];
    };
    match key {
        LoadingKey::Retry if error.is_some() => {
            let target = target.clone();
            app.open(target)
        }
        LoadingKey::Retry => vec![],
        // Never a dead end: a mistyped workspace on the command line leads to the list.
        LoadingKey::Back => app.back_to_picker(),
    }
}
