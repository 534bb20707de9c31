//! The Guardrail tab in the workspace screen's tab frame: its keys, its messages and its effects
//! as the app's.

use crate::config::Action;
use crate::tui::app::App;
use crate::tui::app::tab_write::{Host, record as record_write};
use crate::tui::effect::{Effect, WriteRecord};
use crate::tui::screens::guardrail::{GuardrailEffect, GuardrailMsg, GuardrailState, Phase};
use serde_json::Value;

/// The first visit: the workspace's `default_guardrail_id`, loading.
pub fn enter(app: &mut App) -> Vec<Effect> {
    let id = app.form.as_ref().and_then(|f| {
        f.workspace
            .get("default_guardrail_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let workspace_id = app
        .form
        .as_ref()
        .map(|f| f.workspace.id().to_string())
        .unwrap_or_default();
    let (mut state, fx) = GuardrailState::new(workspace_id, id.clone().unwrap_or_default());
    if id.is_none() {
        state.phase = Phase::LoadFailed(
            "this workspace names no default guardrail (default_guardrail_id is empty)".into(),
        );
        app.tabs.guardrail = Some(state);
        return vec![];
    }
    app.tabs.guardrail = Some(state);
    effects(app, fx)
}

/// Where the app keeps the tab.
fn tab(app: &mut App) -> Option<&mut GuardrailState> {
    app.tabs.guardrail.as_mut()
}

const HOST: Host<GuardrailState> = Host { tab, effects };

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    HOST.act(app, action)
}

pub fn text(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let catalog = app.catalog.clone();
    HOST.with(app, |s| {
        // The catalog loads in the background: the tab takes it as it is at each keystroke.
        s.catalog = catalog;
        s.text(key)
    })
}

/// Whether the editor's answer belongs to this tab (a content-filter list is out in it).
pub fn awaits_editor(app: &App) -> bool {
    app.tabs
        .guardrail
        .as_ref()
        .is_some_and(GuardrailState::awaits_editor)
}

/// The editor's answer; text that cannot be taken opens the editor again on it.
pub fn editor_closed(
    app: &mut App,
    result: Result<String, crate::tui::external_editor::EditorError>,
) -> Vec<Effect> {
    HOST.with(app, |s| s.editor_closed(result))
}

pub fn update(app: &mut App, msg: GuardrailMsg) -> Vec<Effect> {
    HOST.with(app, |s| s.update(msg))
}

fn effects(app: &mut App, fx: Vec<GuardrailEffect>) -> Vec<Effect> {
    let id = tab(app).map(|s| s.guardrail_id.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for e in fx {
        match e {
            GuardrailEffect::Back => out.extend(app.leave(false)),
            GuardrailEffect::OpenEditor { text, file } => {
                out.push(Effect::OpenEditor { text, file });
            }
            GuardrailEffect::Record(o) => {
                if let Ok(after) = &o.after {
                    // Before and after of the fields the PATCH named, as the CLI records them.
                    // Recorded as the workspace's whose guardrail it was (another one's,
                    // when the answer says so: its undo then goes there).
                    let record = WriteRecord::guardrail(
                        o.elsewhere.as_deref().unwrap_or(&o.owner),
                        &id,
                        &o.patch,
                        o.before.as_ref(),
                        Some(after),
                    );
                    out.push(record_write(tab(app).map(|s| &mut s.phase), record));
                }
            }
            e => out.push(Effect::Guardrail {
                id: id.clone(),
                effect: e,
            }),
        }
    }
    out
}
