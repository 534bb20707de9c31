//! The Budgets tab in the workspace screen's tab frame: its keys, its messages and its effects
//! as the app's.

use crate::config::Action;
use crate::tui::app::App;
use crate::tui::app::tab_write::{Host, record as record_write};
use crate::tui::effect::{Effect, WriteRecord};
use crate::tui::screens::budgets::{BudgetsEffect, BudgetsMsg, BudgetsState};

/// The first visit: a tab for the open workspace, loading.
pub fn enter(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.form.as_ref().map(|f| f.workspace.id().to_string()) else {
        return vec![];
    };
    let (state, fx) = BudgetsState::new(id);
    app.tabs.budgets = Some(state);
    effects(app, fx)
}

/// Where the app keeps the tab.
fn tab(app: &mut App) -> Option<&mut BudgetsState> {
    app.tabs.budgets.as_mut()
}

const HOST: Host<BudgetsState> = Host { tab, effects };

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    HOST.act(app, action)
}

pub fn text(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    HOST.with(app, |s| s.text(key))
}

pub fn update(app: &mut App, msg: BudgetsMsg) -> Vec<Effect> {
    HOST.with(app, |s| s.update(msg))
}

fn effects(app: &mut App, fx: Vec<BudgetsEffect>) -> Vec<Effect> {
    let workspace = tab(app).map(|s| s.workspace.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for e in fx {
        match e {
            BudgetsEffect::Record(o) => {
                if !o.landed.is_empty() {
                    let record = WriteRecord::budgets(&workspace, &o.landed, &o.before, &o.after);
                    out.push(record_write(tab(app).map(|s| &mut s.phase), record));
                }
            }
            BudgetsEffect::Back => out.extend(app.leave(false)),
            e => out.push(Effect::Budgets {
                workspace: workspace.clone(),
                effect: e,
            }),
        }
    }
    out
}
