//! Opening a workspace: a spinner, or why it failed (`r` retries, `Esc` leads to the picker).

pub mod view;

use crate::config::Action;
use crate::config::keys::{HELP_HINT, LoadingKey, QUIT_HINT};

/// What the screen asks of the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Open this workspace (again).
    Open(String),
    /// The list of workspaces.
    Picker,
}

/// The keys of the screen, most useful first: the hint bar and the help are built from these.
/// `failed`: opening failed (then `r` retries).
pub fn hints(failed: bool) -> Vec<(Action, &'static str)> {
    let mut h = Vec::with_capacity(4);
    if failed {
        h.push((LoadingKey::Retry.into(), "retry"));
    }
    h.push((LoadingKey::Back.into(), "workspaces"));
    h.push(HELP_HINT);
    h.push(QUIT_HINT);
    h
}

/// A key while `target` opens, or after it failed with `error`.
pub fn act(target: &str, error: Option<&str>, key: LoadingKey) -> Option<Asked> {
    match key {
        LoadingKey::Retry => error.map(|_| Asked::Open(target.to_string())),
        // Never a dead end: a mistyped workspace on the command line leads to the list.
        LoadingKey::Back => Some(Asked::Picker),
    }
}
