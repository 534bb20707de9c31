//! The router's side of the guided delete (screens::delete): starting it over the open
//! workspace, its keys and typed slug, and its Review.
use crate::config::Action;
use crate::config::keys::{DeleteKey, HELP_HINT, QUIT_HINT};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::delete::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Begins the flow for the open workspace: the keys (all of them, R1) and whether it is the
/// default one are read.
pub fn start(app: &mut App) -> Vec<Effect> {
    let Some(form) = &app.form else {
        return vec![];
    };
    let ws = &form.workspace;
    app.delete = Some(DeleteFlow {
        id: ws.id().to_string(),
        name: ws.name().to_string(),
        slug: ws.slug().to_string(),
        is_default: None,
        confirm_default: false,
        typed: String::new(),
        typing: true,
        reverting: None,
    });
    app.tabs.keys.keys = None;
    vec![
        Effect::LoadKeys(ws.id().to_string()),
        Effect::LoadDefault(ws.id().to_string()),
    ]
}

pub fn hints(app: &App) -> Vec<(Action, &'static str)> {
    let flow = app.delete.as_ref();
    let mut h = vec![if flow.is_some_and(DeleteFlow::ready) {
        (Action::Edit, "review")
    } else {
        (Action::Edit, "type the slug")
    }];
    if flow.is_some_and(DeleteFlow::asks_default) {
        h.push((Action::Toggle, "confirm default"));
    }
    h.extend([HELP_HINT, (Action::Back, "back"), QUIT_HINT]);
    h
}

fn clear_said(app: &mut App) {
    if app
        .status
        .as_ref()
        .is_some_and(|s| s.text == TYPE_THE_SLUG || s.text == CONFIRM_FIRST)
    {
        app.status = None;
    }
}

/// The Review of the `DELETE`, once the slug (and for the default one its yes) is given.
fn review(app: &mut App) {
    let Some(flow) = &mut app.delete else {
        return;
    };
    let mut write = flow.write();
    flow.typing = false;
    // Keys still in it: the server refuses, and orws knows it (the list just read).
    let left = app.tabs.keys.list().len();
    if left > 0 {
        write.blocked = Some(format!(
            "{left} API key(s) are still in this workspace, and a workspace with keys cannot be deleted: Esc, then 4 (Keys tab) to move or delete them."
        ));
    }
    let reverting = flow.reverting.clone();
    clear_said(app);
    crate::tui::app::admin_write::open(app, write);
    if let Some(w) = &mut app.admin {
        // Only an undo from the History carries an entry here.
        w.from_history = reverting.is_some();
        w.reverting = reverting;
    }
}

pub fn act(app: &mut App, key: DeleteKey) -> Vec<Effect> {
    let Some(flow) = &mut app.delete else {
        return vec![];
    };
    match key {
        // Enter with the slug and the yes given reviews; else it is back to typing.
        DeleteKey::Edit if flow.ready() => review(app),
        DeleteKey::Edit => flow.typing = true,
        DeleteKey::Toggle if flow.asks_default() => {
            flow.confirm_default = !flow.confirm_default;
            if flow.confirm_default {
                clear_said(app);
            }
        }
        DeleteKey::Toggle => {}
        DeleteKey::Back => app.delete = None,
    }
    vec![]
}

/// The slug input: Enter with the exact slug opens the Review; Esc stops typing (kept).
pub fn type_key(app: &mut App, key: KeyEvent) {
    let Some(flow) = &mut app.delete else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => flow.typing = false,
        KeyCode::Enter if flow.ready() => review(app),
        KeyCode::Enter if flow.typed == flow.slug => {
            flow.typing = false;
            app.warn(CONFIRM_FIRST);
        }
        KeyCode::Enter => app.warn(TYPE_THE_SLUG),
        KeyCode::Backspace => {
            flow.typed.pop();
        }
        KeyCode::Char('u') if ctrl => flow.typed.clear(),
        KeyCode::Char(c) if !ctrl => flow.typed.push(c),
        _ => {}
    }
    // The slug is right now: "type it exactly" no longer holds.
    if app.delete.as_ref().is_some_and(|f| f.typed == f.slug)
        && app.status.as_ref().is_some_and(|s| s.text == TYPE_THE_SLUG)
    {
        app.status = None;
    }
}
