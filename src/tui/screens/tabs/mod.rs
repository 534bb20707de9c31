//! The workspace screen's tabs: `1 Settings · 2 Budgets · 3 Members · 4 Keys · 5 Guardrail`.
//! `1`–`5` jump and `[`/`]` step (browse mode only: a text input takes them as text). A tab
//! loads on its first visit, so opening a workspace stays one GET.
//!
//! Adding a tab: a module under `screens/` with its state (implementing [`TabState`]), `act`,
//! `hints` and `view::draw`; one arm in [`Tab::scope`], [`enter`], [`load`], [`act`],
//! [`hints`], [`Tabs::unsaved`] and [`view::draw`] (the compiler lists them once the `Scope` exists).

use crate::config::{Action, Scope};
use crate::state::drafts::TabDraft;
use std::collections::{BTreeMap, BTreeSet};

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
            Tab::Guardrail => "Guardrails",
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

    /// The name of this tab's part of a workspace's draft (Settings' edits are the draft's
    /// own fields).
    pub fn draft_key(self) -> &'static str {
        match self {
            Tab::Settings => "settings",
            Tab::Budgets => "budgets",
            Tab::Members => "members",
            Tab::Keys => "keys",
            Tab::Guardrail => "guardrail",
        }
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
    /// Tab 5's list, its named guardrails' forms, create and delete.
    pub guardrails: crate::tui::screens::guardrails::GuardrailsTab,
    /// A restored draft's edits of tabs not loaded yet, by [`Tab::draft_key`]: put back when
    /// their tab has loaded ([`Tabs::apply_pending`]), kept in the draft until then.
    pub pending: BTreeMap<String, TabDraft>,
}

impl Tabs {
    /// Unsaved edits on the tabs other than Settings (the form counts its own).
    pub fn unsaved(&self) -> usize {
        self.drafts().values().map(TabDraft::len).sum::<usize>() + self.keys.unsaved()
    }

    /// The tabs' unsaved edits, by tab: a loaded tab's own, else what a restored draft
    /// holds for it.
    pub fn drafts(&self) -> BTreeMap<String, TabDraft> {
        let mut out = self.pending.clone();
        let loaded = [
            (
                Tab::Budgets,
                self.budgets
                    .as_ref()
                    .filter(|b| !b.phase.is_loading())
                    .map(|b| b.draft()),
            ),
            (
                Tab::Guardrail,
                self.guardrail
                    .as_ref()
                    .filter(|g| !g.phase.is_loading())
                    .map(|g| g.draft()),
            ),
            (
                Tab::Members,
                matches!(self.members.data, Some(Ok(_))).then(|| self.members.draft()),
            ),
        ];
        for (tab, draft) in loaded {
            match draft {
                Some(Some(d)) => out.insert(tab.draft_key().to_string(), d),
                Some(None) => out.remove(tab.draft_key()),
                None => None,
            };
        }
        // A named guardrail's edits, keyed by its id.
        for (id, g) in &self.guardrails.named {
            let key = named_draft_key(id);
            match (g.phase.is_loading(), g.draft()) {
                (true, _) => None,
                (false, Some(d)) => out.insert(key, d),
                (false, None) => out.remove(&key),
            };
        }
        out
    }

    /// Drops every tab's unsaved edits (leaving with "discard").
    pub fn discard(&mut self) {
        self.pending.clear();
        if let Some(b) = &mut self.budgets {
            b.discard();
        }
        if let Some(g) = &mut self.guardrail {
            g.discard();
        }
        for g in self.guardrails.named.values_mut() {
            g.discard();
        }
        self.guardrails.create = None;
        self.members.marked.clear();
        self.members.adding = None;
        self.members.kept_choice.clear();
    }

    /// Puts the pending edits of each tab that has loaded back into it: one line each for
    /// the person (what was restored, and where the server changed meanwhile).
    pub fn apply_pending(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        let moved_line = |tab: Tab, moved: Vec<&str>| {
            if moved.is_empty() {
                format!("{}: the draft's edits are back", tab.label())
            } else {
                format!(
                    "{}: the server changed {} since the draft — sending shows both values first",
                    tab.label(),
                    moved.join(", ")
                )
            }
        };
        if let Some(b) = self.budgets.as_mut().filter(|b| !b.phase.is_loading())
            && let Some(d) = self.pending.remove(Tab::Budgets.draft_key())
        {
            said.push(moved_line(Tab::Budgets, b.restore_draft(&d)));
        }
        if let Some(g) = self.guardrail.as_mut().filter(|g| !g.phase.is_loading())
            && let Some(d) = self.pending.remove(Tab::Guardrail.draft_key())
        {
            let (moved, left_out) = g.restore_draft_saying(&d);
            let moved = moved
                .iter()
                .map(|f| crate::admin::guardrail::label(f))
                .collect();
            said.push(moved_line(Tab::Guardrail, moved));
            if !left_out.is_empty() {
                said.push(format!(
                    "the draft's {} could not be put back (not a field of this form, or not a value it takes)",
                    left_out.join(", ")
                ));
            }
        }
        for (id, g) in &mut self.guardrails.named {
            // Kept in the draft until that guardrail's form has read the server.
            if g.phase.is_loading() {
                continue;
            }
            if let Some(d) = self.pending.remove(&named_draft_key(id)) {
                let (moved, left_out) = g.restore_draft_saying(&d);
                let moved: Vec<&str> = moved
                    .iter()
                    .map(|f| crate::admin::guardrails::label(f))
                    .collect();
                said.push(moved_line(Tab::Guardrail, moved));
                if !left_out.is_empty() {
                    said.push(format!(
                        "the draft's {} could not be put back (not a field of this form, or not a value it takes)",
                        left_out.join(", ")
                    ));
                }
            }
        }
        if matches!(self.members.data, Some(Ok(_)))
            && let Some(d) = self.pending.remove(Tab::Members.draft_key())
        {
            said.push(match self.members.restore_draft(&d) {
                0 => moved_line(Tab::Members, vec![]),
                n => format!(
                    "Members: the draft's choices are back, but for {n} no longer possible (already added or removed)"
                ),
            });
        }
        said
    }
}

/// The part of a workspace's draft that holds a named guardrail's edits (product.md §15:
/// drafts keyed by guardrail id).
pub fn named_draft_key(id: &str) -> String {
    format!("guardrail:{id}")
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
