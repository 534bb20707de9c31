//! The Budgets tab in the workspace screen's tab frame: its keys, its messages and its effects
//! as the app's.

use super::{BudgetsEffect, BudgetsMsg, BudgetsState};
use crate::config::Action;
use crate::tui::app::App;
use crate::tui::effect::{Effect, WriteRecord};

/// The first visit: a tab for the open workspace, loading.
pub fn enter(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.form.as_ref().map(|f| f.workspace.id().to_string()) else {
        return vec![];
    };
    let (state, fx) = BudgetsState::new(id);
    app.tabs.budgets = Some(state);
    effects(app, fx)
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let read_only = app.read_only.clone();
    let Some(s) = app.tabs.budgets.as_mut() else {
        return vec![];
    };
    let from_history = matches!(&s.phase, super::Phase::Write(f) if f.opened_from_history());
    let fx = s.act(action, read_only.as_deref());
    let left = from_history && matches!(s.phase, super::Phase::Edit);
    let mut effects = effects(app, fx);
    if left {
        // Esc on an undo's Review from the History: back to the History.
        effects.extend(crate::tui::app::history::open(app));
    }
    effects
}

pub fn text(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let fx = match app.tabs.budgets.as_mut() {
        Some(s) => s.text(key),
        None => return vec![],
    };
    effects(app, fx)
}

pub fn update(app: &mut App, msg: BudgetsMsg) -> Vec<Effect> {
    let fx = match app.tabs.budgets.as_mut() {
        Some(s) => s.update(msg),
        None => return vec![],
    };
    effects(app, fx)
}

fn effects(app: &mut App, fx: Vec<BudgetsEffect>) -> Vec<Effect> {
    let workspace = app
        .tabs
        .budgets
        .as_ref()
        .map(|s| s.workspace.clone())
        .unwrap_or_default();
    // An undo from the History screen is recorded as the revert of its entry.
    let reverting = match app.tabs.budgets.as_ref().map(|b| &b.phase) {
        Some(super::Phase::Write(flow)) => flow.reverting.clone(),
        _ => None,
    };
    let mut out = Vec::new();
    for e in fx {
        match e {
            BudgetsEffect::Back => out.extend(app.leave(false)),
            BudgetsEffect::Record(o) => {
                if !o.landed.is_empty() {
                    let mut record =
                        WriteRecord::budgets(&workspace, &o.landed, &o.before, &o.after);
                    record.reverting = reverting.clone();
                    let recorded = record.stamp();
                    if let Some(super::Phase::Write(flow)) =
                        app.tabs.budgets.as_mut().map(|s| &mut s.phase)
                    {
                        flow.recorded = Some(recorded);
                    }
                    out.push(Effect::RecordWrite(record));
                }
            }
            e => out.push(Effect::Budgets {
                workspace: workspace.clone(),
                effect: e,
            }),
        }
    }
    out
}
