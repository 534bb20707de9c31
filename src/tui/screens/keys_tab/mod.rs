//! The Keys tab: the workspace's API keys (disabled ones too, all pages) with name, label,
//! state, usage and limit; `d` disables or enables the selected key through a Review.

pub mod view;

use crate::admin::keys::{Key, KeyPatch};
use crate::config::Action;
use crate::config::keys::{HELP_HINT, KeyMoveKey, KeysKey, QUIT_HINT};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::admin_write::{AdminFlow, AdminRequest, AdminWrite};
use crate::tui::screens::tabs::TabState;
use crate::write::review::{self, Row};

#[derive(Debug, Default)]
pub struct KeysTab {
    /// `None` while loading; the keys or why they could not be listed.
    pub keys: Option<Result<Vec<Key>, String>>,
    pub selected: usize,
    /// Choosing where the selected key moves: the index into the other workspaces the
    /// filter shows.
    pub moving: Option<usize>,
    /// The move target's filter (slug or name), and whether it is being typed.
    pub move_filter: String,
    pub move_filtering: bool,
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

    /// A key the server answered after a write: replaced in the list, taken out when it now
    /// lives in another workspace, added when it came back here (an undone move).
    pub fn replace(&mut self, key: &Key, here: Option<&str>) {
        let Some(Ok(keys)) = &mut self.keys else {
            return;
        };
        let pos = keys.iter().position(|k| k.hash == key.hash);
        match (pos, here == Some(key.workspace_id.as_str())) {
            (Some(i), true) => keys[i] = key.clone(),
            (Some(i), false) => {
                keys.remove(i);
            }
            (None, true) => keys.push(key.clone()),
            (None, false) => {}
        }
        self.selected = self.selected.min(keys.len().saturating_sub(1));
    }

    pub fn remove(&mut self, hash: &str) {
        if let Some(Ok(keys)) = &mut self.keys {
            keys.retain(|k| k.hash != hash);
            self.selected = self.selected.min(keys.len().saturating_sub(1));
        }
    }
}

/// What a key's history entry keeps of it, as the Review saw it (as the CLI records it).
fn seen(key: &Key) -> serde_json::Map<String, serde_json::Value> {
    crate::write::record::key_seen(key)
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
    let state = |disabled: bool| if disabled { "disabled" } else { "enabled" };
    let mut write = AdminWrite::new(
        format!("{} key \"{}\"", verb(to), key.name),
        vec![patch(to)],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        state(key.disabled),
        state(to),
    )]);
    if to {
        write
            .notes
            .push("A disabled key is refused for every request until enabled again.".into());
    }
    write.undo = Some((
        format!("{} key \"{}\"", verb(!to), key.name),
        vec![patch(!to)],
    ));
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

/// `PATCH /keys/{hash}` with the new workspace; undone by moving it back.
/// `from`: the workspace open, where the key is (named in the review when known).
pub fn move_write(
    key: &Key,
    from: Option<&crate::workspace::Workspace>,
    to: &crate::workspace::Workspace,
) -> AdminWrite {
    let patch = |ws: &str| AdminRequest::PatchKey {
        hash: key.hash.clone(),
        patch: KeyPatch {
            workspace_id: Some(ws.to_string()),
            ..KeyPatch::default()
        },
    };
    let mut write = AdminWrite::new(
        format!("Move key \"{}\" to {} ({})", key.name, to.name(), to.slug()),
        vec![patch(to.id())],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        match from.filter(|f| f.id() == key.workspace_id) {
            Some(f) => format!("{} · {}", review::workspace(f.name(), f.slug()), f.id()),
            None => format!("workspace {}", key.workspace_id),
        },
        format!("{} · {}", review::workspace(to.name(), to.slug()), to.id()),
    )]);
    write
        .notes
        .push(crate::admin::keys::MOVE_LEAVES_BEHIND.to_string());
    write.undo = Some((
        format!("Move key \"{}\" back", key.name),
        vec![patch(&key.workspace_id)],
    ));
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

/// `DELETE /keys/{hash}`: not revertable, and it says so.
pub fn delete_write(key: &Key) -> AdminWrite {
    let mut write = AdminWrite::new(
        format!("Delete key \"{}\"", key.name),
        vec![AdminRequest::DeleteKey {
            hash: key.hash.clone(),
        }],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        if key.disabled { "disabled" } else { "enabled" },
        format!("{} (deleted)", review::NULL),
    )]);
    write.notes.push(
        "Deleting cannot be undone: every request made with this key is refused from then on."
            .into(),
    );
    write.no_undo = Some("A deleted key cannot be brought back.".into());
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

/// The workspaces a key may move to: every listed one but the open one, that the filter
/// shows (by slug or name, as the picker's filter matches, best first).
pub fn destinations(app: &App) -> Vec<&crate::workspace::Workspace> {
    let here = app.form.as_ref().map(|f| f.workspace.id());
    let all = &app.picker.workspaces;
    crate::tui::screens::picker::filter_indices(all, &app.tabs.keys.move_filter)
        .into_iter()
        .map(|i| &all[i])
        .filter(|w| Some(w.id()) != here)
        .collect()
}

/// The move target's filter takes keys as text: `Enter` picks the highlighted workspace,
/// `Esc` clears the filter (the list stays open), `↑`/`↓` move.
pub fn filter_key(app: &mut App, key: crossterm::event::KeyEvent) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let tab = &mut app.tabs.keys;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            tab.move_filtering = false;
            tab.move_filter.clear();
            tab.moving = Some(0);
        }
        KeyCode::Enter => {
            tab.move_filtering = false;
            act_move(app, KeyMoveKey::Open);
        }
        KeyCode::Up => {
            act_move(app, KeyMoveKey::Up);
        }
        KeyCode::Down => {
            act_move(app, KeyMoveKey::Down);
        }
        KeyCode::Backspace => {
            tab.move_filter.pop();
            tab.moving = Some(0);
        }
        KeyCode::Char('u') if ctrl => {
            tab.move_filter.clear();
            tab.moving = Some(0);
        }
        KeyCode::Char(c) if !ctrl => {
            tab.move_filter.push(c);
            tab.moving = Some(0);
        }
        _ => {}
    }
}

/// Leaves the choice of a move target, its filter with it.
fn stop_moving(app: &mut App) {
    let tab = &mut app.tabs.keys;
    tab.moving = None;
    tab.move_filter.clear();
    tab.move_filtering = false;
}

pub fn move_hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Open, "choose"),
        (Action::Filter, "filter"),
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Back, "cancel"),
        HELP_HINT,
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
    ]
}

/// Choosing the destination: Enter opens the Review of the move; Esc leaves it untouched.
pub fn act_move(app: &mut App, key: KeyMoveKey) -> Vec<Effect> {
    let n = destinations(app).len();
    let Some(at) = app.tabs.keys.moving else {
        return vec![];
    };
    let to = match key {
        KeyMoveKey::Up => at.saturating_sub(1),
        KeyMoveKey::Down => (at + 1).min(n.saturating_sub(1)),
        KeyMoveKey::Top => 0,
        KeyMoveKey::Bottom => n.saturating_sub(1),
        KeyMoveKey::Open => {
            let tab = &app.tabs.keys;
            let write = match (tab.list().get(tab.selected), destinations(app).get(at)) {
                (Some(key), Some(ws)) => {
                    Some(move_write(key, app.form.as_ref().map(|f| &f.workspace), ws))
                }
                _ => None,
            };
            if let Some(write) = write {
                stop_moving(app);
                crate::tui::screens::admin_write::open(app, write);
            }
            return vec![];
        }
        KeyMoveKey::Filter => {
            app.tabs.keys.move_filtering = true;
            return vec![];
        }
        // Esc clears a filter first, then leaves the choice.
        KeyMoveKey::Back if !app.tabs.keys.move_filter.is_empty() => {
            app.tabs.keys.move_filter.clear();
            app.tabs.keys.moving = Some(0);
            return vec![];
        }
        KeyMoveKey::Back => {
            stop_moving(app);
            return vec![];
        }
    };
    app.tabs.keys.moving = Some(to);
    vec![]
}

pub fn hints(_app: &App) -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Disable, "disable/enable"),
        (Action::MoveKey, "move"),
        (Action::Remove, "delete"),
        HELP_HINT,
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Reload, "reload"),
        (Action::Back, "workspaces"),
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
    ];
    h.extend(crate::tui::screens::tabs::tab_hints());
    h
}

pub fn act(app: &mut App, key: KeysKey) -> Vec<Effect> {
    let tab = &mut app.tabs.keys;
    let n = tab.list().len();
    match key {
        KeysKey::Up => tab.selected = tab.selected.saturating_sub(1),
        KeysKey::Down => tab.selected = (tab.selected + 1).min(n.saturating_sub(1)),
        KeysKey::Top => tab.selected = 0,
        KeysKey::Bottom => tab.selected = n.saturating_sub(1),
        KeysKey::Disable => {
            if let Some(key) = tab.list().get(tab.selected) {
                app.admin = Some(AdminFlow::review(disable_write(key)));
            }
        }
        KeysKey::MoveKey if !tab.list().is_empty() => {
            tab.moving = Some(0);
            tab.move_filter.clear();
            tab.move_filtering = false;
            if app.picker.workspaces.is_empty() && !app.picker.loading {
                // Opened straight into the workspace: the list to choose from comes now.
                app.picker.loading = true;
                return vec![Effect::LoadList];
            }
        }
        KeysKey::MoveKey => {}
        KeysKey::Remove => {
            if let Some(key) = tab.list().get(tab.selected) {
                app.admin = Some(AdminFlow::review(delete_write(key)));
            }
        }
        KeysKey::Reload => return crate::tui::app::tabs::reload(app),
        KeysKey::Back => return app.leave(false),
    }
    vec![]
}
