//! The router's side of screens::keys_tab: what needs the whole app (its keys, opening its Review,
//! reading the tab again).
use crate::config::keys::{KeyFormKey, KeyMoveKey, KeysKey};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::HALF_PAGE;
use crate::tui::screens::admin_write::AdminFlow;
use crate::tui::screens::key_form::KeyForm;
use crate::tui::screens::key_secret::{Asked as SecretAsked, SecretDialog};
use crate::tui::screens::keys_tab::*;

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

/// The list's filter takes keys as text: `Enter` keeps it, `Esc` clears it, `↑`/`↓` move.
pub fn list_filter_key(app: &mut App, key: crossterm::event::KeyEvent) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let tab = &mut app.tabs.keys;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            tab.filtering = false;
            tab.filter.clear();
        }
        KeyCode::Enter => tab.filtering = false,
        KeyCode::Up => {
            act(app, KeysKey::Up);
            return;
        }
        KeyCode::Down => {
            act(app, KeysKey::Down);
            return;
        }
        KeyCode::Backspace => {
            tab.filter.pop();
        }
        KeyCode::Char('u') if ctrl => tab.filter.clear(),
        KeyCode::Char(c) if !ctrl => tab.filter.push(c),
        _ => return,
    }
    tab.selected = 0;
}

/// Leaves the choice of a move target, its filter with it.
fn stop_moving(app: &mut App) {
    let tab = &mut app.tabs.keys;
    tab.moving = None;
    tab.move_filter.clear();
    tab.move_filtering = false;
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
        KeyMoveKey::HalfPageUp => at.saturating_sub(HALF_PAGE),
        KeyMoveKey::HalfPageDown => (at + HALF_PAGE).min(n.saturating_sub(1)),
        KeyMoveKey::Open => {
            let tab = &app.tabs.keys;
            let write = match (tab.selected_key(), destinations(app).get(at)) {
                (Some(key), Some(ws)) => {
                    Some(move_write(key, app.form.as_ref().map(|f| &f.workspace), ws))
                }
                _ => None,
            };
            if let Some(write) = write {
                stop_moving(app);
                crate::tui::app::admin_write::open(app, write);
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

pub fn act(app: &mut App, key: KeysKey) -> Vec<Effect> {
    // The policy over the tab: any key of the tab closes it (and does nothing else).
    if app.tabs.keys.policy.take().is_some() {
        return vec![];
    }
    let tab = &mut app.tabs.keys;
    let n = tab.shown().len();
    match key {
        KeysKey::Up => tab.selected = tab.selected.saturating_sub(1),
        KeysKey::Down => tab.selected = (tab.selected + 1).min(n.saturating_sub(1)),
        KeysKey::Top => tab.selected = 0,
        KeysKey::Bottom => tab.selected = n.saturating_sub(1),
        KeysKey::HalfPageUp => tab.selected = tab.selected.saturating_sub(HALF_PAGE),
        KeysKey::HalfPageDown => {
            tab.selected = (tab.selected + HALF_PAGE).min(n.saturating_sub(1));
        }
        KeysKey::Filter => tab.filtering = true,
        KeysKey::Disable => {
            if let Some(key) = tab.selected_key() {
                app.admin = Some(AdminFlow::review(disable_write(key)));
            }
        }
        KeysKey::MoveKey if tab.selected_key().is_some() => {
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
        // The key's name first, typed exactly: a delete cannot be undone.
        KeysKey::Remove => {
            if let Some(key) = tab.selected_key() {
                tab.deleting = Some(DeleteAsk::new(key));
            }
        }
        KeysKey::NewKey => return open_form(app, None),
        KeysKey::EditKey => match tab.selected_key().cloned() {
            Some(key) => return open_form(app, Some(key)),
            None => app.warn("No key selected to edit."),
        },
        KeysKey::KeyPolicy => match (tab.selected_key().cloned(), &app.form) {
            (Some(key), Some(form)) => {
                tab.policy = Some(crate::tui::screens::keys_tab::PolicyView {
                    hash: key.hash.clone(),
                    name: key.name.clone(),
                    policy: None,
                });
                return vec![Effect::LoadKeyPolicy {
                    key: Box::new(key),
                    workspace: Box::new(form.workspace.clone()),
                }];
            }
            _ => app.warn("No key selected."),
        },
        KeysKey::Reload => return crate::tui::app::tabs::reload(app),
        // Esc clears a filter first, then leaves.
        KeysKey::Back if !tab.filter.is_empty() => {
            tab.filter.clear();
            tab.selected = 0;
        }
        KeysKey::Back => return app.leave(false),
    }
    vec![]
}

/// A key typed into the question before a key's delete: its name confirms it, and only then
/// the Review of the delete opens (where Enter sends).
pub fn delete_name_key(app: &mut App, key: crossterm::event::KeyEvent) {
    let tab = &mut app.tabs.keys;
    let Some(ask) = tab.deleting.as_mut() else {
        return;
    };
    match ask.key(key) {
        Asked::Typing => {}
        Asked::Cancelled => {
            tab.deleting = None;
            app.info("Nothing deleted.");
        }
        Asked::NotTheName => {
            let name = ask.name.clone();
            app.warn(format!(
                "Type the key's name exactly (\"{name}\") to delete it; Esc cancels."
            ));
        }
        Asked::Confirmed => {
            let hash = ask.hash.clone();
            tab.deleting = None;
            // The list may have been read again meanwhile: the key is found by its hash.
            match tab.list().iter().find(|k| k.hash == hash) {
                Some(key) => app.admin = Some(AdminFlow::review(delete_write(key))),
                None => app.warn("That key is no longer in the list: nothing to delete."),
            }
        }
    }
}

/// `n` (a new key) or `e` (the selected one): the form as it was left when it is the same
/// one, else a fresh one; the first time, a draft left by a gone session is asked for.
fn open_form(app: &mut App, key: Option<crate::admin::keys::Key>) -> Vec<Effect> {
    let Some(ws) = app.form.as_ref().map(|f| f.workspace.id().to_string()) else {
        return vec![];
    };
    let fresh = match &key {
        Some(k) => KeyForm::edit(k),
        None => KeyForm::create(&ws),
    };
    let tab = &mut app.tabs.keys;
    match tab
        .form
        .as_mut()
        .filter(|f| f.draft_id() == fresh.draft_id())
    {
        Some(form) => {
            form.open = true;
            vec![]
        }
        None => {
            let id = fresh.draft_id();
            tab.form = Some(fresh);
            vec![Effect::LoadDraft { workspace_id: id }]
        }
    }
}

/// A key of the form: its Review (over the form, which stays until the write lands).
pub fn act_form(app: &mut App, key: KeyFormKey) -> Vec<Effect> {
    let now = app.tabs.keys.now();
    let Some(form) = app.tabs.keys.form.as_mut() else {
        return vec![];
    };
    match form.act(key, now) {
        // The Review shows instead of the form; Esc there brings the form back.
        Ok(Some(write)) => {
            form.open = false;
            crate::tui::app::admin_write::open(app, write);
        }
        Ok(None) => {}
        Err(why) => app.error(why),
    }
    vec![]
}

/// A key typed in the secret's dialog.
pub fn secret_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let Some(dialog) = app.tabs.keys.secret.as_mut() else {
        return vec![];
    };
    match dialog.key(key) {
        SecretAsked::Nothing => vec![],
        SecretAsked::Write(path, secret) => vec![Effect::WriteSecret { path, secret }],
        SecretAsked::Close => {
            let name = dialog.name.clone();
            app.tabs.keys.secret = None;
            app.info(format!(
                "Key \"{name}\" created; its secret is no longer shown."
            ));
            vec![]
        }
        SecretAsked::Quit => app.leave(true),
    }
}

/// A create's answer, once recorded: the secret's dialog in place of the Result; or, when the
/// answer was lost and a re-read found the key, the secret is lost with it: said, and its
/// delete offered through a Review (Esc keeps the key).
pub fn created(
    app: &mut App,
    key: &crate::admin::keys::Key,
    secret: Option<crate::admin::key_labels::Secret>,
) {
    app.tabs.keys.form = None;
    match secret {
        Some(secret) => {
            app.admin = None;
            app.info(format!("Key \"{}\" created.", key.name));
            app.tabs.keys.secret = Some(SecretDialog::new(&key.name, &key.hash, secret));
        }
        None => {
            let mut write = delete_write(key);
            write.notes.insert(
                0,
                format!(
                    "Key \"{}\" ({}) was created, but the answer carrying its secret was lost: the secret cannot be shown again. Delete the key (Enter), or Esc to keep it.",
                    key.name, key.hash
                ),
            );
            app.admin = Some(AdminFlow::review(write));
            app.warn(format!(
                "Key \"{}\" was created but its secret was lost with the answer.",
                key.name
            ));
        }
    }
}
