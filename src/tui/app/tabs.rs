//! The workspace's tab frame, as the router runs it: which tab's keys are commands, the tab
//! keys, loading a tab on its first visit, and the keys of the Budgets and Guardrail tabs,
//! which run their own phases.

use crate::config::keys::{HELP_HINT, QUIT_HINT};
use crate::config::{Action, Scope};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::tabs::{Tab, tab_hints};

/// Whose keys are commands on the workspace screen: an admin write or the guided delete over
/// the tab, else the tab's own; `None` while a value is typed on a tab (keys are text).
pub fn scope(app: &App) -> Option<Scope> {
    Some(match app.admin.as_ref() {
        Some(flow) => flow.scope(),
        None if app.delete.is_some() => Scope::Delete,
        None => match app.tabs.current {
            Tab::Budgets => match &app.tabs.budgets {
                Some(b) => return b.scope(),
                None => Scope::Budgets,
            },
            Tab::Guardrail => return crate::tui::app::guardrail::scope(app),
            Tab::Keys if app.tabs.keys.moving.is_some() => Scope::KeyMove,
            Tab::Keys if app.tabs.keys.form.as_ref().is_some_and(|f| f.open) => Scope::KeyForm,
            Tab::Members if app.tabs.members.adding.is_some() => Scope::MemberAdd,
            tab => tab.scope(),
        },
    })
}

/// Whose keys are commands on the picker: an admin write (a create), the new workspace form,
/// or the list.
pub fn picker_scope(app: &App) -> Scope {
    match (&app.admin, &app.create) {
        (Some(_), _) => scope(app).unwrap_or(Scope::Picker),
        (None, Some(c)) if c.open => Scope::Create,
        _ => Scope::Picker,
    }
}

/// Whether the tab showing answers the keys of `scope` itself (its own review, result…):
/// Budgets and Guardrail run their own phases; no admin write or delete is over them.
pub fn owns(app: &App, scope: Scope) -> bool {
    use crate::tui::route::Screen;
    let own = match app.tabs.current {
        Tab::Budgets => app.tabs.budgets.is_some(),
        Tab::Guardrail => crate::tui::app::guardrail::showing_form(app),
        Tab::Settings | Tab::Members | Tab::Keys => false,
    };
    own && app.admin.is_none()
        && app.delete.is_none()
        && matches!(app.screen, Screen::Form)
        && !matches!(
            scope,
            Scope::QuestionLeave | Scope::QuestionDraft | Scope::QuestionResetAll | Scope::TooSmall
        )
}

/// A key typed into the tab showing.
pub fn text(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    match app.tabs.current {
        Tab::Budgets => crate::tui::app::budgets::text(app, key),
        Tab::Guardrail => crate::tui::app::guardrail::text(app, key),
        Tab::Settings | Tab::Members | Tab::Keys => vec![],
    }
}

/// A tab key: show that tab, loading it on its first visit. `None` when `action` is no tab key.
pub fn go(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let to = app.tabs.current.after(action)?;
    app.status = None;
    Some(show(app, to))
}

/// Shows `to`, loading it on its first visit.
pub fn show(app: &mut App, to: Tab) -> Vec<Effect> {
    app.tabs.current = to;
    if !app.tabs.visited.insert(to) {
        return vec![];
    }
    enter(app, to)
}

/// The first visit of a tab: what it loads.
fn enter(app: &mut App, tab: Tab) -> Vec<Effect> {
    match tab {
        Tab::Budgets => crate::tui::app::budgets::enter(app),
        Tab::Guardrail => crate::tui::app::guardrail::enter(app),
        Tab::Keys | Tab::Members => load(app, tab),
        Tab::Settings => vec![],
    }
}

/// `r` on a tab, or after a write that may have landed: read the showing tab again.
pub fn reload(app: &mut App) -> Vec<Effect> {
    let tab = app.tabs.current;
    load(app, tab)
}

/// Read the Keys or Members tab again (Budgets and Guardrail re-read through their own phases).
fn load(app: &mut App, tab: Tab) -> Vec<Effect> {
    let Some(id) = app.form.as_ref().map(|f| f.workspace.id().to_string()) else {
        return vec![];
    };
    match tab {
        Tab::Keys => {
            app.tabs.keys.keys = None;
            vec![Effect::LoadKeys(id)]
        }
        Tab::Members => {
            app.tabs.members.data = None;
            vec![Effect::LoadMembers(id)]
        }
        Tab::Guardrail => crate::tui::app::guardrail::load_list(app),
        Tab::Settings | Tab::Budgets => vec![],
    }
}

/// A tab key (the router's, in every scope that has it): the tab showing only clears its
/// message line; another shows, loading on its first visit.
pub fn switch(app: &mut App, action: Action) -> Vec<Effect> {
    if app.tabs.current.after(action) == Some(app.tabs.current) {
        let status = match app.tabs.current {
            Tab::Budgets => app.tabs.budgets.as_mut().map(|b| &mut b.status),
            Tab::Guardrail if !crate::tui::app::guardrail::showing_form(app) => {
                Some(&mut app.tabs.guardrails.status)
            }
            Tab::Guardrail => app.tabs.guardrail.as_mut().map(|g| &mut g.status),
            Tab::Settings | Tab::Members | Tab::Keys => None,
        };
        if let Some(status) = status {
            *status = None;
            return vec![];
        }
    }
    go(app, action).unwrap_or_default()
}

/// A key of the Budgets or Guardrail tab's own scope.
pub fn act(app: &mut App, scope: Scope, action: Action) -> Vec<Effect> {
    if owns(app, scope) {
        return act_owned(app, action);
    }
    // Without a workspace to load, leaving (and help, quit, the tab keys) work.
    if action == Action::Back {
        return app.leave(false);
    }
    vec![]
}

/// A key of a write's phase on the Budgets or Guardrail tab, which runs its own flow.
pub fn act_flow(app: &mut App, key: crate::tui::flow::FlowKey) -> Vec<Effect> {
    let action = match key {
        crate::tui::flow::FlowKey::Review(k) => k.action(),
        crate::tui::flow::FlowKey::Submitting(k) => k.action(),
        crate::tui::flow::FlowKey::Result(k) => k.action(),
        crate::tui::flow::FlowKey::Conflict(k) => k.action(),
    };
    act_owned(app, action)
}

fn act_owned(app: &mut App, action: Action) -> Vec<Effect> {
    match app.tabs.current {
        Tab::Budgets => crate::tui::app::budgets::act(app, action),
        Tab::Guardrail => crate::tui::app::guardrail::act(app, action),
        Tab::Settings | Tab::Members | Tab::Keys => vec![],
    }
}

/// The hints of the Budgets or Guardrail tab, or of a write's phase the tab runs itself.
pub fn hints(app: &App, scope: Scope) -> Vec<(Action, &'static str)> {
    if owns(app, scope) {
        let mut h = match app.tabs.current {
            Tab::Budgets => app.tabs.budgets.as_ref().map_or(vec![], |b| b.hints()),
            Tab::Guardrail => app.tabs.guardrail.as_ref().map_or(vec![], |g| g.hints()),
            Tab::Settings | Tab::Members | Tab::Keys => vec![],
        };
        // In the tab's own scope (not its review, result…) the tab keys move on.
        if matches!(scope, Scope::Budgets | Scope::Guardrail) {
            h.extend(tab_hints());
        }
        return h;
    }
    // Budgets or Guardrail without a workspace to load: leaving, help, quit and the tabs.
    let mut h = vec![HELP_HINT, (Action::Back, "workspaces"), QUIT_HINT];
    h.extend(tab_hints());
    h
}
