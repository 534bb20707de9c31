//! The workspace screen's tabs: `1 Settings · 2 Budgets · 3 Members · 4 Keys · 5 Guardrail`.
//! `1`–`5` jump and `[`/`]` step (browse mode only: a text input takes them as text). A tab
//! loads on its first visit, so opening a workspace stays one GET.
//!
//! Adding a tab: a module under `screens/` with its state (implementing [`TabState`]), `act`,
//! `hints` and `view::draw`; one arm in [`Tab::scope`], [`enter`], [`load`], [`act`],
//! [`hints`], [`Tabs::unsaved`] and [`view::draw`] (the compiler lists them once the `Scope` exists).

use crate::config::{Action, Scope};
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
            Tab::Budgets => Scope::Budgets,
            Tab::Members => Scope::Members,
            Tab::Keys => Scope::Keys,
            Tab::Guardrail => Scope::Guardrail,
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
    pub budgets: Option<crate::tui::screens::budgets::BudgetsState>,
    pub members: crate::tui::screens::members_tab::MembersTab,
    pub keys: crate::tui::screens::keys_tab::KeysTab,
    pub guardrail: Option<crate::tui::screens::guardrail::GuardrailState>,
}

impl Tabs {
    /// Unsaved edits on the tabs other than Settings (the form counts its own).
    pub fn unsaved(&self) -> usize {
        self.budgets.as_ref().map_or(0, |b| b.unsaved())
            + self.members.unsaved()
            + self.keys.unsaved()
            + self.guardrail.as_ref().map_or(0, |g| g.unsaved())
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
