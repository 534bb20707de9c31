//! The Keys tab: the workspace's API keys (disabled ones too, all pages) with name, label,
//! state, usage and limit; `d` disables or enables the selected key through a Review.

pub mod view;

use crate::admin::keys::{Key, KeyPatch};
use crate::config::Action;
use crate::tui::app::{App, Effect};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::tui::screens::tabs::TabState;

#[derive(Debug, Default)]
pub struct KeysTab {
    /// `None` while loading; the keys or why they could not be listed.
    pub keys: Option<Result<Vec<Key>, String>>,
    pub selected: usize,
}

impl TabState for KeysTab {}

impl KeysTab {
    pub fn list(&self) -> &[Key] {
        match &self.keys {
            Some(Ok(keys)) => keys,
            _ => &[],
        }
    }

    /// The keys as listed, or why not; an answer naming another workspace is refused.
    pub fn loaded(&mut self, workspace_id: &str, result: Result<Vec<Key>, String>) {
        let result =
            result.and_then(
                |keys| match keys.iter().find(|k| k.workspace_id != workspace_id) {
                    Some(k) => Err(format!(
                        "the key list holds key '{}' of another workspace ({}); nothing is shown",
                        k.name, k.workspace_id
                    )),
                    None => Ok(keys),
                },
            );
        self.keys = Some(result);
        self.selected = self.selected.min(self.list().len().saturating_sub(1));
    }

    /// A key the server answered after a write: replace it in the list.
    pub fn replace(&mut self, key: &Key) {
        if let Some(Ok(keys)) = &mut self.keys
            && let Some(k) = keys.iter_mut().find(|k| k.hash == key.hash)
        {
            *k = key.clone();
        }
    }
}

/// The request that sets a key's disabled flag, and its inverse.
pub fn disable_write(key: &Key) -> AdminWrite {
    let patch = |disabled: bool| AdminRequest::PatchKey {
        hash: key.hash.clone(),
        patch: KeyPatch {
            disabled: Some(disabled),
            ..KeyPatch::default()
        },
    };
    let verb = |disabled: bool| if disabled { "Disable" } else { "Enable" };
    let to = !key.disabled;
    let mut write = AdminWrite::new(
        format!("{} key \"{}\"", verb(to), key.name),
        vec![patch(to)],
    );
    if to {
        write
            .notes
            .push("A disabled key is refused for every request until enabled again.".into());
    }
    write.undo = Some((
        format!("{} key \"{}\"", verb(!to), key.name),
        vec![patch(!to)],
    ));
    write
}

pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Disable, "disable/enable"),
        (Action::Help, "help"),
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Reload, "reload"),
        (Action::Back, "workspaces"),
        (Action::Quit, "quit"),
        (Action::Top, "first"),
        (Action::Bottom, "last"),
    ];
    h.extend(crate::tui::screens::tabs::tab_hints());
    h
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let tab = &mut app.tabs.keys;
    let n = tab.list().len();
    match action {
        Action::Up => tab.selected = tab.selected.saturating_sub(1),
        Action::Down => tab.selected = (tab.selected + 1).min(n.saturating_sub(1)),
        Action::Top => tab.selected = 0,
        Action::Bottom => tab.selected = n.saturating_sub(1),
        Action::Disable => {
            if let Some(key) = tab.list().get(tab.selected) {
                app.admin = Some(disable_write(key));
            }
        }
        Action::Reload => return crate::tui::screens::tabs::reload(app),
        Action::Help => return app.show_help(),
        Action::Back => return app.leave(false),
        Action::Quit => return app.leave(true),
        _ => {}
    }
    vec![]
}
