//! The workspace screen's tabs: `1 Settings · 2 Budgets · 3 Members · 4 Keys · 5 Guardrail`.
//! `1`–`5` jump and `[`/`]` step (browse mode only: a text input takes them as text). A tab
//! loads on its first visit, so opening a workspace stays one GET.
//!
//! Adding a tab: a module under `screens/` with its state (implementing [`TabState`]), `act`,
//! `hints` and `view::draw`; one arm in [`Tab::scope`], [`enter`], [`act`], [`hints`],
//! [`Tabs::unsaved`] and [`view::draw`] (the compiler lists them once the `Scope` exists).

pub mod coming;
pub mod view;

use crate::config::{Action, Scope};
use crate::tui::app::{App, Effect};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Tab {
    #[default]
    Settings,
    Budgets,
    Members,
    Keys,
    Guardrail,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Settings,
        Tab::Budgets,
        Tab::Members,
        Tab::Keys,
        Tab::Guardrail,
    ];

    /// Its number, as its key and the strip show it (1-based).
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0) + 1
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Settings => "Settings",
            Tab::Budgets => "Budgets",
            Tab::Members => "Members",
            Tab::Keys => "Keys",
            Tab::Guardrail => "Guardrail",
        }
    }

    /// The hint bar's mode badge on this tab.
    pub fn badge(self) -> &'static str {
        match self {
            Tab::Settings => "BROWSE",
            Tab::Budgets => "BUDGETS",
            Tab::Members => "MEMBERS",
            Tab::Keys => "KEYS",
            Tab::Guardrail => "GUARDRAIL",
        }
    }

    /// The tab a tab key leads to from `self`, if `action` is one.
    pub fn after(self, action: Action) -> Option<Tab> {
        let i = self.number() - 1;
        let n = Self::ALL.len();
        Some(match action {
            Action::Tab1 => Tab::Settings,
            Action::Tab2 => Tab::Budgets,
            Action::Tab3 => Tab::Members,
            Action::Tab4 => Tab::Keys,
            Action::Tab5 => Tab::Guardrail,
            Action::NextTab => Self::ALL[(i + 1) % n],
            Action::PrevTab => Self::ALL[(i + n - 1) % n],
            _ => return None,
        })
    }

    /// Whose keys are commands on this tab (the Settings tab is the form).
    pub fn scope(self) -> Scope {
        match self {
            Tab::Settings => Scope::Form,
            Tab::Keys => Scope::Keys,
            Tab::Members => Scope::Members,
            Tab::Budgets | Tab::Guardrail => Scope::TabComing,
        }
    }
}

/// What every tab's state tells the frame.
pub trait TabState {
    /// Edits on this tab not sent yet: the quit and back questions count them.
    fn unsaved(&self) -> usize {
        0
    }
}

/// The tabs of the open workspace: which one shows and which were visited (loaded).
#[derive(Debug, Default)]
pub struct Tabs {
    pub current: Tab,
    pub visited: BTreeSet<Tab>,
    pub keys: crate::tui::screens::keys_tab::KeysTab,
    pub members: crate::tui::screens::members_tab::MembersTab,
}

impl Tabs {
    /// Unsaved edits on the tabs other than Settings (the form counts its own).
    pub fn unsaved(&self) -> usize {
        self.keys.unsaved() + self.members.unsaved()
    }
}

/// The tab keys with their labels, for hints and help (every tab lists them).
pub fn tab_hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Tab1, "tab 1–5"),
        (Action::Tab2, "tab 1–5"),
        (Action::Tab3, "tab 1–5"),
        (Action::Tab4, "tab 1–5"),
        (Action::Tab5, "tab 1–5"),
        (Action::PrevTab, "prev/next tab"),
        (Action::NextTab, "prev/next tab"),
    ]
}

/// A tab key: show that tab, loading it on its first visit. `None` when `action` is no tab key.
pub fn go(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let to = app.tabs.current.after(action)?;
    app.status = None;
    app.tabs.current = to;
    if !app.tabs.visited.insert(to) {
        return Some(vec![]);
    }
    Some(enter(app, to))
}

/// The first visit of a tab: what it loads.
fn enter(app: &mut App, tab: Tab) -> Vec<Effect> {
    match tab {
        Tab::Keys | Tab::Members => load(app, tab),
        Tab::Settings | Tab::Budgets | Tab::Guardrail => vec![],
    }
}

/// `r` on a tab, or after a write that may have landed: read the showing tab again.
pub fn reload(app: &mut App) -> Vec<Effect> {
    let tab = app.tabs.current;
    load(app, tab)
}

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
        Tab::Settings | Tab::Budgets | Tab::Guardrail => vec![],
    }
}

/// Whose keys are commands on the picker: an admin write (a create), the new workspace form,
/// or the list.
pub fn picker_scope(app: &App) -> Scope {
    match (&app.admin, &app.create) {
        (Some(_), _) => scope(app),
        (None, Some(c)) if c.open => Scope::Create,
        _ => Scope::Picker,
    }
}

/// Whose keys are commands on the workspace screen: an admin write over the tab, or the tab.
pub fn scope(app: &App) -> Scope {
    use crate::tui::screens::admin_write::Stage;
    match app.admin.as_ref().map(|w| &w.stage) {
        Some(Stage::Review) => Scope::AdminReview,
        Some(Stage::Sending) => Scope::AdminSending,
        Some(Stage::Done(_)) => Scope::AdminResult,
        None if app.delete.is_some() => Scope::Delete,
        None if app.tabs.current == Tab::Keys && app.tabs.keys.moving.is_some() => Scope::KeyMove,
        None if app.tabs.current == Tab::Members && app.tabs.members.adding.is_some() => {
            Scope::MemberAdd
        }
        None => app.tabs.current.scope(),
    }
}

/// The keys of the tab showing (not Settings: the form has its own).
pub fn act(app: &mut App, scope: Scope, action: Action) -> Vec<Effect> {
    if !matches!(scope, Scope::KeyMove | Scope::MemberAdd)
        && let Some(effects) = go(app, action)
    {
        return effects;
    }
    match scope {
        Scope::TabComing => coming::act(app, action),
        Scope::Keys => crate::tui::screens::keys_tab::act(app, action),
        Scope::KeyMove => crate::tui::screens::keys_tab::act_move(app, action),
        Scope::Members => crate::tui::screens::members_tab::act(app, action),
        Scope::MemberAdd => crate::tui::screens::members_tab::act_add(app, action),
        // Not a tab's scope: nothing acts.
        _ => vec![],
    }
}

/// The hints of a tab's scope.
pub fn hints(app: &App, scope: Scope) -> Vec<(Action, &'static str)> {
    match scope {
        Scope::TabComing => coming::hints(app),
        Scope::Keys => crate::tui::screens::keys_tab::hints(app),
        Scope::KeyMove => crate::tui::screens::keys_tab::move_hints(),
        Scope::Members => crate::tui::screens::members_tab::hints(app),
        Scope::MemberAdd => crate::tui::screens::members_tab::add_hints(),
        _ => vec![],
    }
}
