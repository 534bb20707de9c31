//! The router's side of the History screen (screens::history): opening it, its keys, and an
//! undo — which may open a workspace first, then the write flow of its kind.
use crate::config::Action;
use crate::config::keys::HistoryKey;
use crate::revert::{MembersAction, Revert, revert};
use crate::state::history::HistoryEntry;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::route::{Level, Screen};
use crate::tui::screens::HALF_PAGE;
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::tui::screens::history::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;

/// `H`: the history over the screen showing now; the runtime reads the file.
pub fn open(app: &mut App) -> Vec<Effect> {
    let labels = app
        .picker
        .workspaces
        .iter()
        .map(|w| (w.id().to_string(), w.slug().to_string()))
        .collect();
    let back = std::mem::replace(&mut app.screen, Screen::Picker);
    app.screen = Screen::History(Box::new(HistoryView {
        back: Box::new(back),
        entries: None,
        labels,
        filter: String::new(),
        filtering: false,
        expanded: BTreeSet::new(),
        selected: 0,
    }));
    app.status = None;
    vec![Effect::LoadHistory]
}

/// The file's entries for this host, newest first (or why they could not be read).
pub fn loaded(
    app: &mut App,
    result: Result<Vec<HistoryEntry>, crate::state::StateError>,
) -> Vec<Effect> {
    let Screen::History(view) = &mut app.screen else {
        return vec![];
    };
    if let Ok(list) = &result {
        // The list's slugs are the current ones; the history's fill in the rest.
        for (id, label) in crate::revert::labels(list) {
            view.labels.entry(id).or_insert(label);
        }
    }
    view.entries = Some(result.map_err(|e| e.to_string()));
    view.clamp();
    vec![]
}

pub fn act(app: &mut App, key: HistoryKey) -> Vec<Effect> {
    let Screen::History(view) = &mut app.screen else {
        return vec![];
    };
    let last = view.rows().len().saturating_sub(1);
    match key {
        HistoryKey::Up => view.selected = view.selected.saturating_sub(1),
        HistoryKey::Down => view.selected = (view.selected + 1).min(last),
        HistoryKey::Top => view.selected = 0,
        HistoryKey::Bottom => view.selected = last,
        HistoryKey::PageUp => view.selected = view.selected.saturating_sub(10),
        HistoryKey::PageDown => view.selected = (view.selected + 10).min(last),
        HistoryKey::HalfPageUp => view.selected = view.selected.saturating_sub(HALF_PAGE),
        HistoryKey::HalfPageDown => view.selected = (view.selected + HALF_PAGE).min(last),
        HistoryKey::Open => {
            if let Some(id) = view.selected_batch()
                && !view.expanded.remove(&id)
            {
                view.expanded.insert(id);
            }
        }
        HistoryKey::CycleOn => {
            if let Some(id) = view.selected_batch() {
                view.expanded.insert(id);
            }
        }
        HistoryKey::CycleBack => {
            if let Some(id) = view.selected_batch() {
                view.expanded.remove(&id);
                // From a part, ← goes to its batch.
                let rows = view.rows();
                if let Some(i) = rows.iter().position(|r| {
                    r.part.is_none() && view.list().get(r.entry).is_some_and(|e| e.id == id)
                }) {
                    view.selected = i;
                }
            }
        }
        HistoryKey::Filter => view.filtering = true,
        HistoryKey::Undo => return undo(app),
        HistoryKey::Back => {
            let back = std::mem::replace(&mut view.back, Box::new(Screen::Picker));
            app.screen = *back;
        }
    }
    vec![]
}

/// The filter input: typed text narrows the list; Enter applies, Esc clears.
pub fn filter_key(app: &mut App, key: KeyEvent) {
    let Screen::History(view) = &mut app.screen else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => view.filtering = false,
        KeyCode::Esc => {
            view.filtering = false;
            view.filter.clear();
        }
        KeyCode::Backspace => {
            view.filter.pop();
        }
        KeyCode::Char('u') if ctrl => view.filter.clear(),
        KeyCode::Char(c) if !ctrl => view.filter.push(c),
        _ => return,
    }
    view.selected = 0;
}

/// `u`: what undoing the selected entry takes, each through a Review.
fn undo(app: &mut App) -> Vec<Effect> {
    let Screen::History(view) = &app.screen else {
        return vec![];
    };
    let Some((entry, part)) = view.selected_entry() else {
        return vec![];
    };
    let labels: std::collections::HashMap<String, String> =
        view.labels.clone().into_iter().collect();
    // A part of a batch is undone on its own, as the patch it is.
    let target = part.unwrap_or(entry);
    let undo = match revert(target, &labels) {
        Ok(u) => u,
        Err(e) => {
            app.warn(e.to_string());
            return vec![];
        }
    };
    let busy = app.unsaved();
    // What lands is recorded as the revert of this entry (kind `revert`, `of` its id).
    let reverting = crate::write::record::Reverting::of(target);
    let open_for = |app: &mut App, id: String, then: Option<AfterOpen>| -> Vec<Effect> {
        if busy > 0 {
            app.warn(format!(
                "The open workspace has {busy} unsaved edit(s): review or undo them first, then undo from the history."
            ));
            return vec![];
        }
        app.after_open = then;
        app.reverting = Some(reverting.clone());
        app.open(id)
    };
    match undo {
        Revert::Patch(p) => {
            let id = p.id.clone();
            open_for(app, id, Some(AfterOpen::Revert(p)))
        }
        Revert::Members {
            workspace_id,
            action,
            user_ids,
        } => {
            let n = user_ids.len();
            let (what, request, inverse) = match action {
                MembersAction::Add => (
                    format!("Undo: add {n} member(s) back"),
                    AdminRequest::AddMembers {
                        workspace: workspace_id.clone(),
                        user_ids: user_ids.clone(),
                    },
                    AdminRequest::RemoveMembers {
                        workspace: workspace_id.clone(),
                        user_ids,
                    },
                ),
                MembersAction::Remove => (
                    format!("Undo: remove the {n} member(s) added"),
                    AdminRequest::RemoveMembers {
                        workspace: workspace_id.clone(),
                        user_ids: user_ids.clone(),
                    },
                    AdminRequest::AddMembers {
                        workspace: workspace_id.clone(),
                        user_ids,
                    },
                ),
            };
            let mut w = AdminWrite::new(what, vec![request]);
            w.undo = Some(("Redo the change".into(), vec![inverse]));
            open_for(app, workspace_id, Some(AfterOpen::Admin(Box::new(w))))
        }
        Revert::Key {
            workspace_id,
            hash,
            expect,
            patch,
        } => {
            let what = match (&patch.disabled, &patch.workspace_id) {
                (Some(true), _) => format!("Undo: disable key {hash} again"),
                (Some(false), _) => format!("Undo: enable key {hash} again"),
                _ => format!("Undo: move key {hash} back"),
            };
            // The key must still be where the entry left it: moved since, nothing is sent.
            let left_in = expect
                .workspace_id
                .clone()
                .unwrap_or_else(|| workspace_id.clone());
            let mut w = AdminWrite::new(
                what,
                vec![AdminRequest::PatchKey {
                    hash: hash.clone(),
                    patch,
                }],
            )
            .with_key_in(&hash, &left_in);
            w.undo = Some((
                "Redo the change".into(),
                vec![AdminRequest::PatchKey {
                    hash,
                    patch: expect,
                }],
            ));
            open_for(app, workspace_id, Some(AfterOpen::Admin(Box::new(w))))
        }
        Revert::KeyEdit {
            workspace_id,
            hash,
            expect,
            patch,
        } => {
            let edit = |edit| AdminRequest::EditKey {
                hash: hash.clone(),
                edit,
            };
            let mut w = AdminWrite::new(format!("Undo: edit key {hash} back"), vec![edit(patch)])
                .with_key_in(&hash, &workspace_id);
            w.undo = Some(("Redo the change".into(), vec![edit(expect)]));
            open_for(app, workspace_id, Some(AfterOpen::Admin(Box::new(w))))
        }
        Revert::DeleteCreatedKey {
            workspace_id, hash, ..
        } => {
            let w = AdminWrite::new(
                format!("Undo: delete key {hash}, created by this entry"),
                vec![AdminRequest::DeleteKey { hash: hash.clone() }],
            )
            .with_key_in(&hash, &workspace_id);
            open_for(app, workspace_id, Some(AfterOpen::Admin(Box::new(w))))
        }
        Revert::DeleteCreated {
            workspace_id,
            slug,
            created_at,
            ..
        } => {
            let then = AfterOpen::DeleteCreated {
                id: workspace_id.clone(),
                slug,
                created_at,
            };
            open_for(app, workspace_id, Some(then))
        }
        Revert::Guardrail {
            workspace_id,
            guardrail_id,
            expect,
            patch,
        } => open_for(
            app,
            workspace_id,
            Some(AfterOpen::Tab(TabRevert::Guardrail {
                guardrail_id,
                expect,
                patch,
            })),
        ),
        Revert::Budgets {
            workspace_id,
            expect,
            restore,
            changed,
            byok_changed,
        } => open_for(
            app,
            workspace_id,
            Some(AfterOpen::Tab(TabRevert::Budgets {
                expect,
                restore,
                changed,
                byok_changed,
            })),
        ),
        // A named guardrail's write: its undo is an admin write's Review, as a key's is.
        Revert::Named(named) => {
            let (workspace_id, w) = named_undo(named);
            open_for(app, workspace_id, Some(AfterOpen::Admin(Box::new(w))))
        }
        Revert::Batch(items) => {
            if busy > 0 {
                app.warn(format!(
                    "The open workspace has {busy} unsaved edit(s): review or undo them first, then undo from the history."
                ));
                return vec![];
            }
            app.reverting = Some(reverting.clone());
            crate::tui::app::bulk::open_undo(app, items)
        }
    }
}

/// The workspace a revert needed is open: put the revert on it.
pub fn after_open(app: &mut App, then: AfterOpen) -> Vec<Effect> {
    match then {
        AfterOpen::Revert(p) => {
            let Some(form) = &mut app.form else {
                return vec![];
            };
            if form.workspace.id() != p.id {
                app.error(
                    "The workspace opened is not the one the entry changed; nothing to undo here.",
                );
                return vec![];
            }
            let server = form.workspace.clone();
            let same =
                |name: &str, a: Option<&serde_json::Value>, b: Option<&serde_json::Value>| {
                    match crate::workspace::field(name) {
                        Some(spec) => crate::workspace::values_equal(spec, a, b),
                        None => a == b,
                    }
                };
            let (mut undone, mut moved) = (Vec::new(), Vec::new());
            for (name, before) in p.patch.fields() {
                let now = server.get(name);
                if same(name, now, Some(before)) {
                    undone.push(name.clone());
                } else if !same(name, now, p.base.get(name)) {
                    moved.push(format!(
                        "{name} (now \"{}\")",
                        crate::workspace::display_value(now)
                    ));
                }
            }
            if undone.len() == p.patch.len() {
                app.info(
                    "Nothing to undo: the server already holds the values from before this change.",
                );
                return vec![];
            }
            // The base is what the entry left: the submit's conflict check then refuses to
            // overwrite anything changed since.
            let mut base = form.workspace.clone();
            for name in p.patch.fields().keys() {
                base.set(
                    name,
                    p.base.get(name).cloned().unwrap_or(serde_json::Value::Null),
                );
            }
            let mut fresh = crate::tui::screens::form::FormState::new(base);
            if let Some(catalog) = &app.catalog {
                fresh.set_catalog(catalog.clone());
            }
            for (name, value) in p.patch.fields() {
                if let Some(f) = fresh.field_mut(name) {
                    f.set_value(value.clone());
                }
            }
            app.form = Some(fresh);
            let effects = app.review();
            let reverting = app.take_reverting();
            if let Some(flow) = crate::tui::app::settings_write::flow_mut(app) {
                flow.from_history = reverting.is_some();
                flow.reverting = reverting;
            }
            if crate::tui::app::settings_write::flow(app).is_some() {
                if moved.is_empty() {
                    app.review_message(Level::Info, "Undo from the history: Enter sends the inverse patch after a conflict check; Esc goes to the form.");
                } else {
                    app.review_message(Level::Warning, format!(
                        "Changed on the server since this entry: {}. Enter shows the conflict; nothing is overwritten.",
                        moved.join(", ")
                    ));
                }
            }
            effects
        }
        AfterOpen::Admin(w) => {
            crate::tui::app::admin_write::open(app, *w);
            let reverting = app.take_reverting();
            if let Some(flow) = &mut app.admin {
                flow.from_history = reverting.is_some();
                flow.reverting = reverting;
            }
            vec![]
        }
        AfterOpen::DeleteCreated {
            id,
            slug,
            created_at,
        } => {
            let Some(form) = &app.form else {
                return vec![];
            };
            match crate::admin::workspaces::still_the_created(
                &form.workspace,
                &id,
                &slug,
                &created_at,
            ) {
                Ok(()) => {
                    let effects = crate::tui::app::delete::start(app);
                    let reverting = app.take_reverting();
                    if let Some(flow) = &mut app.delete {
                        flow.reverting = reverting;
                    }
                    effects
                }
                Err(why) => {
                    app.error(format!(
                        "Not the workspace this entry created ({why}): it was deleted and another made since, or changed. Nothing is deleted."
                    ));
                    vec![]
                }
            }
        }
        AfterOpen::Tab(t) => {
            let tab = match t {
                TabRevert::Guardrail { .. } => Action::Tab5,
                TabRevert::Budgets { .. } => Action::Tab2,
            };
            // Kept until the tab has loaded (`tab_loaded`).
            app.after_open = Some(AfterOpen::Tab(t));
            let effects = crate::tui::app::tabs::go(app, tab).unwrap_or_default();
            tab_loaded(app);
            effects
        }
    }
}

/// After a Budgets or Guardrail message: once the tab an undo waits for has loaded, its own
/// Review of the undo (base = what the entry left, so a later change is a conflict).
pub fn tab_loaded(app: &mut App) {
    use crate::tui::screens::{budgets, guardrail};
    let Some(AfterOpen::Tab(t)) = &app.after_open else {
        return;
    };
    let reverting = app.reverting.clone();
    match t {
        TabRevert::Guardrail {
            guardrail_id,
            expect,
            patch,
        } => {
            let Some(g) = app.tabs.guardrail.as_mut() else {
                return;
            };
            match g.phase {
                guardrail::Phase::Loading => return,
                guardrail::Phase::Edit if &g.guardrail_id != guardrail_id => {
                    g.status = Some(
                        "the workspace has another default guardrail now: nothing to undo here"
                            .into(),
                    );
                }
                guardrail::Phase::Edit => {
                    let mut left = g.base.clone().unwrap_or_default();
                    left.extend(expect.clone());
                    let mut back = left.clone();
                    back.extend(patch.clone());
                    match crate::admin::guardrail::patch(Some(&left), &back) {
                        Ok(p) if !p.is_empty() => {
                            g.phase = guardrail::Phase::Write(Box::new(
                                guardrail::GuardrailFlow::review(guardrail::Pending {
                                    base: Some(left),
                                    patch: p,
                                    undo: true,
                                    owner: g.workspace_id.clone(),
                                    named: false,
                                }),
                            ));
                            // The undo's Review is the default guardrail's form's.
                            app.tabs.guardrails.showing =
                                crate::tui::screens::guardrails::Showing::Default;
                            if let guardrail::Phase::Write(f) = &mut g.phase {
                                f.from_history = reverting.is_some();
                                f.reverting = reverting;
                            }
                        }
                        Ok(_) => g.status = Some("nothing to undo".into()),
                        Err(rules) => {
                            g.status = Some(format!(
                                "cannot undo: {}",
                                rules.first().map(ToString::to_string).unwrap_or_default()
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        TabRevert::Budgets {
            expect,
            restore,
            changed,
            byok_changed,
        } => {
            let Some(b) = app.tabs.budgets.as_mut() else {
                return;
            };
            match b.phase {
                budgets::Phase::Loading => return,
                budgets::Phase::Edit => {
                    let held = b.held;
                    match crate::revert::budget_target(
                        &held,
                        expect,
                        restore,
                        changed,
                        *byok_changed,
                    ) {
                        Err(moved) => {
                            b.status = Some(format!(
                                "changed on the server since this entry: {}; nothing is undone without overwriting it",
                                moved.join(", ")
                            ));
                        }
                        Ok(target) => match crate::admin::budgets::plan(&held, &target) {
                            Ok(requests) if !requests.is_empty() => {
                                b.phase = budgets::Phase::Write(Box::new(
                                    budgets::BudgetsFlow::review(budgets::Pending {
                                        base: held,
                                        target,
                                        requests,
                                        undo: true,
                                    }),
                                ));
                                if let budgets::Phase::Write(f) = &mut b.phase {
                                    f.from_history = reverting.is_some();
                                    f.reverting = reverting;
                                }
                            }
                            Ok(_) => b.status = Some("nothing to undo".into()),
                            Err(rules) => {
                                b.status = Some(format!(
                                    "cannot undo: {}",
                                    rules.first().map(ToString::to_string).unwrap_or_default()
                                ));
                            }
                        },
                    }
                }
                _ => {}
            }
        }
    }
    app.after_open = None;
    app.reverting = None;
}

/// The Review of a named guardrail's undo: a PATCH back (each field must still hold what the
/// entry left), the opposite assignment, or the delete of a guardrail the entry created.
fn named_undo(named: crate::revert::NamedUndo) -> (String, AdminWrite) {
    use crate::revert::NamedUndo;
    match named {
        NamedUndo::Patch {
            workspace_id,
            guardrail_id,
            expect,
            patch,
        } => {
            let request = |base: &serde_json::Map<String, serde_json::Value>, patch| {
                AdminRequest::PatchNamedGuardrail {
                    guardrail_id: guardrail_id.clone(),
                    workspace: Some(workspace_id.clone()),
                    base: base.clone(),
                    patch,
                }
            };
            let mut w = AdminWrite::new(
                format!("Undo: guardrail {guardrail_id} back"),
                vec![request(&expect, patch.clone())],
            );
            w.undo = Some(("Redo the change".into(), vec![request(&patch, expect)]));
            (workspace_id, w)
        }
        NamedUndo::Assign {
            workspace_id,
            guardrail_id,
            members,
            adding,
            ids,
        } => {
            let assign = |adding| AdminRequest::Assign {
                guardrail_id: guardrail_id.clone(),
                workspace: Some(workspace_id.clone()),
                members,
                adding,
                ids: ids.clone(),
            };
            let (who, n) = (if members { "member" } else { "key" }, ids.len());
            let what = match adding {
                true => format!("Undo: assign guardrail {guardrail_id} to {n} {who}(s) again"),
                false => format!("Undo: unassign guardrail {guardrail_id} from {n} {who}(s)"),
            };
            let mut w = AdminWrite::new(what, vec![assign(adding)]);
            w.undo = Some(("Redo the change".into(), vec![assign(!adding)]));
            (workspace_id, w)
        }
        NamedUndo::DeleteCreated {
            workspace_id,
            guardrail_id,
            name,
            ..
        } => {
            let mut w = AdminWrite::new(
                format!("Undo: delete guardrail \"{name}\", created by this entry"),
                vec![AdminRequest::DeleteGuardrail {
                    guardrail_id,
                    workspace: Some(workspace_id.clone()),
                }],
            );
            w.no_undo = Some("A deleted guardrail cannot be brought back.".into());
            (workspace_id, w)
        }
    }
}
