//! The router's side of screens::members_tab: what needs the whole app (its keys, opening its Review,
//! reading the tab again).
use crate::admin::members::{self};
use crate::config::keys::{MemberAddKey, MembersKey};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::HALF_PAGE;
use crate::tui::screens::members_tab::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn workspace_id(app: &App) -> Option<String> {
    app.form.as_ref().map(|f| f.workspace.id().to_string())
}

pub fn act(app: &mut App, key: MembersKey) -> Vec<Effect> {
    let tab = &mut app.tabs.members;
    let n = tab.rows.len();
    match key {
        MembersKey::Up => tab.selected = tab.selected.saturating_sub(1),
        MembersKey::Down => tab.selected = (tab.selected + 1).min(n.saturating_sub(1)),
        MembersKey::Top => tab.selected = 0,
        MembersKey::Bottom => tab.selected = n.saturating_sub(1),
        MembersKey::HalfPageUp => tab.selected = tab.selected.saturating_sub(HALF_PAGE),
        MembersKey::HalfPageDown => {
            tab.selected = (tab.selected + HALF_PAGE).min(n.saturating_sub(1));
        }
        MembersKey::Toggle => {
            if let Some(row) = tab.rows.get(tab.selected) {
                let id = row.member.user_id.clone();
                if !tab.marked.remove(&id) {
                    tab.marked.insert(id);
                }
            }
        }
        MembersKey::Add if matches!(tab.data, Some(Ok(_))) => {
            // Opens on the people chosen before it was closed.
            tab.adding = Some(AddPick {
                chosen: std::mem::take(&mut tab.kept_choice),
                ..AddPick::default()
            })
        }
        MembersKey::Add => {}
        MembersKey::Remove => return remove(app),
        MembersKey::Reload => return crate::tui::app::tabs::reload(app),
        MembersKey::Back => return app.leave(false),
    }
    vec![]
}

fn remove(app: &mut App) -> Vec<Effect> {
    let Some(ws) = workspace_id(app) else {
        return vec![];
    };
    let tab = &app.tabs.members;
    let Some(Ok(data)) = &tab.data else {
        return vec![];
    };
    let users: Vec<String> = if tab.marked.is_empty() {
        tab.rows
            .get(tab.selected)
            .map(|r| vec![r.member.user_id.clone()])
            .unwrap_or_default()
    } else {
        tab.marked.iter().cloned().collect()
    };
    if users.is_empty() {
        return vec![];
    }
    if data.default_id.as_deref() == Some(ws.as_str()) {
        // R7: nobody leaves the default workspace; nothing is sent.
        app.error(format!(
            "This is the default workspace: its members cannot be removed. {}",
            members::SCIM_OR_DEFAULT
        ));
        return vec![];
    }
    let write = remove_write(&ws, users, data);
    crate::tui::app::admin_write::open(app, write);
    vec![]
}

/// Keys while choosing whom to add.
pub fn act_add(app: &mut App, key: MemberAddKey) -> Vec<Effect> {
    let n = app.tabs.members.candidates().len();
    let chosen_id = app
        .tabs
        .members
        .candidates()
        .get(app.tabs.members.adding.as_ref().map_or(0, |p| p.selected))
        .map(|o| o.id.clone());
    let Some(pick) = &mut app.tabs.members.adding else {
        return vec![];
    };
    match key {
        MemberAddKey::Up => pick.selected = pick.selected.saturating_sub(1),
        MemberAddKey::Down => pick.selected = (pick.selected + 1).min(n.saturating_sub(1)),
        MemberAddKey::Top => pick.selected = 0,
        MemberAddKey::Bottom => pick.selected = n.saturating_sub(1),
        MemberAddKey::HalfPageUp => pick.selected = pick.selected.saturating_sub(HALF_PAGE),
        MemberAddKey::HalfPageDown => {
            pick.selected = (pick.selected + HALF_PAGE).min(n.saturating_sub(1));
        }
        MemberAddKey::Toggle => {
            if let Some(id) = chosen_id
                && !pick.chosen.remove(&id)
            {
                pick.chosen.insert(id);
            }
        }
        MemberAddKey::Filter => pick.filtering = true,
        // Enter picks, as `s` reviews: the marked ones, else the highlighted one.
        MemberAddKey::Review | MemberAddKey::Open => {
            let users: Vec<String> = if pick.chosen.is_empty() {
                chosen_id.into_iter().collect()
            } else {
                pick.chosen.iter().cloned().collect()
            };
            if let (false, Some(ws)) = (users.is_empty(), workspace_id(app)) {
                let (rows, seen) = match &app.tabs.members.data {
                    Some(Ok(data)) => (
                        member_rows(&users, data, false),
                        crate::write::record::people_seen(&users, &data.org),
                    ),
                    _ => (vec![], serde_json::Map::new()),
                };
                // Kept until the add lands: leaving the Review loses no one chosen.
                if let Some(pick) = app.tabs.members.adding.take() {
                    app.tabs.members.kept_choice = pick.chosen;
                }
                let mut write = add_write(&ws, users).with_rows(rows);
                write.seen = seen;
                crate::tui::app::admin_write::open(app, write);
            }
        }
        MemberAddKey::Back => {
            // Closing the list never drops who was chosen: `a` brings them back.
            let chosen = app.tabs.members.adding.take().map(|p| p.chosen);
            if let Some(chosen) = chosen.filter(|c| !c.is_empty()) {
                let n = chosen.len();
                app.tabs.members.kept_choice = chosen;
                app.info(format!(
                    "{n} chosen to add, kept: a opens the list on them again."
                ));
            }
        }
    }
    vec![]
}

/// The add list's filter takes keys as text; Enter applies it, Esc clears it.
pub fn filter_key(app: &mut App, key: KeyEvent) {
    let Some(pick) = &mut app.tabs.members.adding else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            pick.filtering = false;
            pick.filter.clear();
        }
        KeyCode::Enter => pick.filtering = false,
        KeyCode::Backspace => {
            pick.filter.pop();
        }
        KeyCode::Char('u') if ctrl => pick.filter.clear(),
        KeyCode::Char(c) if !ctrl => {
            pick.filter.push(c);
            pick.selected = 0;
        }
        _ => {}
    }
}
