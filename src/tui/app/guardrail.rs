//! The Guardrails tab in the workspace screen's tab frame: the list (`screens::guardrails`),
//! the default guardrail's form and the named ones' (`screens::guardrail`), create and delete;
//! their keys, messages and effects as the app's.

use crate::config::Action;
use crate::config::Scope;
use crate::config::keys::{
    GuardrailAssignAddKey, GuardrailAssignKey, GuardrailNewKey, GuardrailsKey,
};
use crate::tui::app::App;
use crate::tui::app::tab_write::{Host, record as record_write};
use crate::tui::effect::{Effect, WriteRecord};
use crate::tui::screens::guardrail::{GuardrailEffect, GuardrailMsg, GuardrailState, Phase};
use crate::tui::screens::guardrails::assign::{Assign, Pick};
use crate::tui::screens::guardrails::{self, DeleteAsk, NewGuardrail, Showing};
use serde_json::Value;

fn workspace_id(app: &App) -> String {
    app.form
        .as_ref()
        .map(|f| f.workspace.id().to_string())
        .unwrap_or_default()
}

/// The first visit: the list (the guardrails and every assignment, read once per visit) and
/// the default guardrail's form behind it, both loading.
pub fn enter(app: &mut App) -> Vec<Effect> {
    let mut fx = enter_default(app);
    app.tabs.guardrails.default_id = app
        .tabs
        .guardrail
        .as_ref()
        .map(|g| g.guardrail_id.clone())
        .unwrap_or_default();
    fx.extend(load_list(app));
    fx
}

/// Reads the list again (`r` on it, or after a create, delete or assignment).
pub fn load_list(app: &mut App) -> Vec<Effect> {
    let id = workspace_id(app);
    if id.is_empty() {
        return vec![];
    }
    app.tabs.guardrails.data = None;
    vec![Effect::LoadGuardrails(id)]
}

/// Whose keys are commands on the tab; `None` while text is typed (a value, a name).
pub fn scope(app: &App) -> Option<Scope> {
    let t = &app.tabs.guardrails;
    if let Some(c) = &t.create {
        return (!c.editing).then_some(Scope::GuardrailNew);
    }
    if t.deleting.is_some() {
        return None;
    }
    if let Some(a) = &t.assigning {
        return match &a.adding {
            Some(p) if p.filtering => None,
            Some(_) => Some(Scope::GuardrailAssignAdd),
            None => Some(Scope::GuardrailAssign),
        };
    }
    match &t.showing {
        Showing::List => Some(Scope::Guardrails),
        Showing::Default => match &app.tabs.guardrail {
            Some(g) => g.scope(),
            None => Some(Scope::Guardrail),
        },
        Showing::Named(id) => match t.named.get(id) {
            Some(g) => g.scope(),
            None => Some(Scope::Guardrails),
        },
    }
}

/// The form showing, if one does.
pub fn showing(app: &App) -> Option<&GuardrailState> {
    if !showing_form(app) {
        return None;
    }
    match &app.tabs.guardrails.showing {
        Showing::Named(id) => app.tabs.guardrails.named.get(id),
        _ => app.tabs.guardrail.as_ref(),
    }
}

/// Whether a form shows (it answers its own write's phases).
pub fn showing_form(app: &App) -> bool {
    let t = &app.tabs.guardrails;
    if t.create.is_some() || t.deleting.is_some() || t.assigning.is_some() {
        return false;
    }
    match &t.showing {
        Showing::List => false,
        Showing::Default => app.tabs.guardrail.is_some(),
        Showing::Named(id) => t.named.contains_key(id),
    }
}

/// The list's keys.
pub fn act_list(app: &mut App, key: GuardrailsKey) -> Vec<Effect> {
    let rows = app.tabs.guardrails.rows();
    let t = &mut app.tabs.guardrails;
    t.status = None;
    let n = rows.len();
    match key {
        GuardrailsKey::Up => t.selected = t.selected.saturating_sub(1),
        GuardrailsKey::Down => t.selected = (t.selected + 1).min(n.saturating_sub(1)),
        GuardrailsKey::Top => t.selected = 0,
        GuardrailsKey::Bottom => t.selected = n.saturating_sub(1),
        GuardrailsKey::Reload => return load_list(app),
        GuardrailsKey::Back => return app.leave(false),
        GuardrailsKey::NewGuardrail => {
            if !matches!(t.data, Some(Ok(_))) {
                t.status = Some("the list is still being read".into());
            } else {
                t.create = Some(NewGuardrail {
                    editing: true,
                    ..NewGuardrail::default()
                });
            }
        }
        GuardrailsKey::Assignments => match rows.get(t.selected) {
            Some(r) if r.default => {
                t.status = Some(
                    "the default guardrail covers every key and member of the workspace: there is nothing to assign"
                        .into(),
                );
            }
            Some(r) if t.read().is_some() => {
                let owner = t
                    .guardrail(&r.id)
                    .and_then(crate::admin::guardrail::workspace_of)
                    .map(str::to_string);
                t.assigning = Some(Assign {
                    row: r.clone(),
                    owner,
                    selected: 0,
                    adding: None,
                });
            }
            _ => {}
        },
        GuardrailsKey::DeleteGuardrail => match rows.get(t.selected) {
            Some(r) if r.default => {
                t.status = Some(
                    "the default guardrail cannot be deleted: it is the workspace's own".into(),
                );
            }
            Some(r) => {
                t.deleting = Some(DeleteAsk {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    typed: String::new(),
                });
            }
            None => {}
        },
        GuardrailsKey::Open => match rows.get(t.selected) {
            Some(r) if r.default => {
                t.showing = Showing::Default;
                if app.tabs.guardrail.is_none() {
                    return enter_default(app);
                }
            }
            Some(r) => {
                let id = r.id.clone();
                t.showing = Showing::Named(id.clone());
                if !t.named.contains_key(&id) {
                    // The guardrail's workspace, as the list read it (none: account-wide).
                    let owner = t
                        .guardrail(&id)
                        .and_then(crate::admin::guardrail::workspace_of)
                        .unwrap_or_default()
                        .to_string();
                    let (state, fx) = GuardrailState::named(owner, id.clone());
                    t.named.insert(id.clone(), state);
                    return named_effects(app, &id, fx);
                }
            }
            None => {}
        },
    }
    vec![]
}

/// The assignments' keys: `a` opens the choice, `x` reviews removing the selected one.
pub fn act_assign(app: &mut App, key: GuardrailAssignKey) -> Vec<Effect> {
    let t = &mut app.tabs.guardrails;
    let (Some(a), Some(data)) = (
        t.assigning.as_mut(),
        t.data.as_ref().and_then(|d| d.as_ref().ok()),
    ) else {
        return vec![];
    };
    let held = a.held(data);
    let n = held.len();
    match key {
        GuardrailAssignKey::Up => a.selected = a.selected.saturating_sub(1),
        GuardrailAssignKey::Down => a.selected = (a.selected + 1).min(n.saturating_sub(1)),
        GuardrailAssignKey::Top => a.selected = 0,
        GuardrailAssignKey::Bottom => a.selected = n.saturating_sub(1),
        GuardrailAssignKey::Add => a.adding = Some(Pick::default()),
        GuardrailAssignKey::Remove => {
            if let Some(h) = held.get(a.selected) {
                let write = a.remove_write(h);
                crate::tui::app::admin_write::open(app, write);
            }
        }
        GuardrailAssignKey::Back => t.assigning = None,
    }
    vec![]
}

/// The choice of keys and members to assign: `Space` marks, `/` filters, Enter or `s`
/// reviews the marked ones (else the highlighted one).
pub fn act_assign_add(app: &mut App, key: GuardrailAssignAddKey) -> Vec<Effect> {
    let t = &mut app.tabs.guardrails;
    let (Some(a), Some(data)) = (
        t.assigning.as_mut(),
        t.data.as_ref().and_then(|d| d.as_ref().ok()),
    ) else {
        return vec![];
    };
    let list = a.candidates(data);
    let Some(pick) = a.adding.as_mut() else {
        return vec![];
    };
    let n = list.len();
    let here = list.get(pick.selected).cloned();
    match key {
        GuardrailAssignAddKey::Up => pick.selected = pick.selected.saturating_sub(1),
        GuardrailAssignAddKey::Down => pick.selected = (pick.selected + 1).min(n.saturating_sub(1)),
        GuardrailAssignAddKey::Top => pick.selected = 0,
        GuardrailAssignAddKey::Bottom => pick.selected = n.saturating_sub(1),
        GuardrailAssignAddKey::Filter => pick.filtering = true,
        GuardrailAssignAddKey::Toggle => {
            if let Some(h) = here {
                let k = (h.member, h.id);
                if !pick.chosen.remove(&k) {
                    pick.chosen.insert(k);
                }
            }
        }
        GuardrailAssignAddKey::Review | GuardrailAssignAddKey::Open => {
            let marked = pick.chosen.clone();
            // Every marked one, whether the filter shows it or not.
            let all = {
                let mut unfiltered = a.clone();
                if let Some(p) = unfiltered.adding.as_mut() {
                    p.filter.clear();
                }
                unfiltered.candidates(data)
            };
            let chosen: Vec<_> = if marked.is_empty() {
                here.into_iter().collect()
            } else {
                all.into_iter()
                    .filter(|h| marked.contains(&(h.member, h.id.clone())))
                    .collect()
            };
            if !chosen.is_empty() {
                let write = a.add_write(data, &chosen);
                crate::tui::app::admin_write::open(app, write);
            }
        }
        GuardrailAssignAddKey::Back => a.adding = None,
    }
    vec![]
}

/// The choice's filter takes keys as text; Enter applies it, Esc clears it.
fn assign_filter_key(pick: &mut Pick, key: crossterm::event::KeyEvent) {
    use crossterm::event::{KeyCode, KeyModifiers};
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

/// The create form's keys: `s` opens the Review of the exact POST; Esc closes it (what was
/// typed is kept until the tab is left).
pub fn act_new(app: &mut App, key: GuardrailNewKey) -> Vec<Effect> {
    let ws = workspace_id(app);
    let Some(c) = app.tabs.guardrails.create.as_mut() else {
        return vec![];
    };
    if key == GuardrailNewKey::Back {
        app.tabs.guardrails.create = None;
        return vec![];
    }
    if let Some(body) = c.act(key, &ws) {
        crate::tui::app::admin_write::open(app, guardrails::create_write(&ws, body));
    }
    vec![]
}

/// A key typed into the tab showing: the create form's field, the name of a guardrail to
/// delete, or a form's value.
pub fn text(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    use crossterm::event::KeyCode;
    if let Some(c) = app.tabs.guardrails.create.as_mut() {
        c.text(key);
        return vec![];
    }
    if let Some(pick) = app
        .tabs
        .guardrails
        .assigning
        .as_mut()
        .and_then(|a| a.adding.as_mut())
        .filter(|p| p.filtering)
    {
        assign_filter_key(pick, key);
        return vec![];
    }
    if let Some(d) = app.tabs.guardrails.deleting.as_mut() {
        match key.code {
            KeyCode::Esc => app.tabs.guardrails.deleting = None,
            KeyCode::Backspace => {
                d.typed.pop();
            }
            KeyCode::Char(c) => d.typed.push(c),
            KeyCode::Enter if d.typed == d.name => {
                let id = d.id.clone();
                app.tabs.guardrails.deleting = None;
                let rows = app.tabs.guardrails.rows();
                let row = rows.iter().find(|r| r.id == id);
                let g = app.tabs.guardrails.guardrail(&id);
                if let (Some(row), Some(g)) = (row, g) {
                    let write = guardrails::delete_write(g, row);
                    crate::tui::app::admin_write::open(app, write);
                }
            }
            KeyCode::Enter => {
                app.tabs.guardrails.status =
                    Some("the name typed is not the guardrail's: nothing is sent".into());
            }
            _ => {}
        }
        return vec![];
    }
    text_form(app, key)
}

/// The default guardrail's form: its `default_guardrail_id`, loading.
fn enter_default(app: &mut App) -> Vec<Effect> {
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

/// The form showing: the default guardrail's, or a named one's.
fn tab(app: &mut App) -> Option<&mut GuardrailState> {
    match &app.tabs.guardrails.showing {
        Showing::Named(id) => app.tabs.guardrails.named.get_mut(id),
        _ => app.tabs.guardrail.as_mut(),
    }
}

fn showing_named(app: &App) -> Option<String> {
    match &app.tabs.guardrails.showing {
        Showing::Named(id) => Some(id.clone()),
        _ => None,
    }
}

/// The effects of a named guardrail's form, as the app's.
fn named_effects(app: &mut App, id: &str, fx: Vec<GuardrailEffect>) -> Vec<Effect> {
    let owner = app
        .tabs
        .guardrails
        .named
        .get(id)
        .map(|g| g.workspace_id.clone())
        .filter(|w| !w.is_empty());
    let mut out = Vec::new();
    for e in fx {
        match e {
            GuardrailEffect::Back => app.tabs.guardrails.showing = Showing::List,
            GuardrailEffect::OpenEditor { text, file } => {
                out.push(Effect::OpenEditor { text, file });
            }
            GuardrailEffect::Record(o) => {
                if let Ok(after) = &o.after {
                    // As `orws guardrails patch` records it: a named guardrail's PATCH.
                    let base = o.before.clone().unwrap_or_default();
                    let requests = [crate::write::request::Request::PatchNamedGuardrail {
                        guardrail_id: id.to_string(),
                        workspace: owner.clone(),
                        base: base.clone(),
                        patch: o.patch.clone(),
                    }];
                    let answers = [crate::write::request::Answer::NamedGuardrail(Box::new(
                        after.clone(),
                    ))];
                    if let Some(record) = WriteRecord::sent(
                        owner.as_deref().unwrap_or_default(),
                        &requests,
                        &base,
                        &answers,
                    ) {
                        let phase = app.tabs.guardrails.named.get_mut(id).map(|s| &mut s.phase);
                        out.push(record_write(phase, record));
                    }
                }
            }
            e => out.push(Effect::NamedGuardrail {
                id: id.to_string(),
                owner: owner.clone(),
                effect: e,
            }),
        }
    }
    out
}

/// A named guardrail's form's answer, whether it shows or not; once read, a draft's edits
/// for it come back.
pub fn update_named(app: &mut App, id: &str, msg: GuardrailMsg) -> Vec<Effect> {
    let loaded = matches!(msg, GuardrailMsg::Loaded(_));
    let Some(s) = app.tabs.guardrails.named.get_mut(id) else {
        return vec![];
    };
    let fx = s.update(msg);
    if loaded {
        for line in app.tabs.apply_pending() {
            app.info(line);
        }
    }
    named_effects(app, id, fx)
}

const HOST: Host<GuardrailState> = Host { tab, effects };

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    HOST.act(app, action)
}

fn text_form(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
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
        || app
            .tabs
            .guardrails
            .named
            .values()
            .any(GuardrailState::awaits_editor)
}

/// The editor's answer; text that cannot be taken opens the editor again on it.
pub fn editor_closed(
    app: &mut App,
    result: Result<String, crate::tui::external_editor::EditorError>,
) -> Vec<Effect> {
    HOST.with(app, |s| s.editor_closed(result))
}

/// The default guardrail's answer (whatever shows).
pub fn update(app: &mut App, msg: GuardrailMsg) -> Vec<Effect> {
    let fx = match app.tabs.guardrail.as_mut() {
        Some(s) => s.update(msg),
        None => return vec![],
    };
    default_effects(app, fx)
}

/// The showing form's effects: a named one's or the default's.
fn effects(app: &mut App, fx: Vec<GuardrailEffect>) -> Vec<Effect> {
    match showing_named(app) {
        Some(id) => named_effects(app, &id, fx),
        None => default_effects(app, fx),
    }
}

fn default_effects(app: &mut App, fx: Vec<GuardrailEffect>) -> Vec<Effect> {
    let id = app
        .tabs
        .guardrail
        .as_ref()
        .map(|s| s.guardrail_id.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for e in fx {
        match e {
            // Esc on the form: back to the list (its edits stay).
            GuardrailEffect::Back => app.tabs.guardrails.showing = Showing::List,
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
                    let phase = app.tabs.guardrail.as_mut().map(|s| &mut s.phase);
                    out.push(record_write(phase, record));
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
