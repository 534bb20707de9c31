//! The History screen (`H` from the picker and the workspace tabs): the current host's applied
//! changes, newest first; `/` filters by workspace (slug, name or uuid); a batch expands to its
//! parts (Enter or →/←); the selected entry's before/after shows below; `u` undoes it through
//! a Review with the conflict check. The file is read by the runtime (`Effect::LoadHistory`).

pub mod view;

use crate::config::Action;
use crate::config::keys::{HELP_HINT, HistoryKey, QUIT_HINT};
use crate::revert::PatchRevert;
use crate::state::history::HistoryEntry;
use crate::tui::route::Screen;
use crate::tui::screens::admin_write::AdminWrite;
use std::collections::{BTreeMap, BTreeSet};

/// The screen's state, and the screen it came from (Esc returns there).
#[derive(Debug)]
pub struct HistoryView {
    pub back: Box<Screen>,
    /// `None` while the file is being read.
    pub entries: Option<Result<Vec<HistoryEntry>, String>>,
    /// What each workspace is called (uuid → slug), from the list and the history itself.
    pub labels: BTreeMap<String, String>,
    pub filter: String,
    pub filtering: bool,
    /// The batches shown with their parts (entry ids).
    pub expanded: BTreeSet<String>,
    pub selected: usize,
}

/// One row of the list: an entry, or one part of an expanded batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub entry: usize,
    pub part: Option<usize>,
}

/// What to do once the workspace a revert needs is open.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterOpen {
    /// The form with the inverse patch on the entry's `after`, then its Review.
    Revert(PatchRevert),
    /// An admin write's Review over the workspace (members, keys).
    Admin(Box<AdminWrite>),
    /// The Budgets or Guardrail tab, then its own Review once it has loaded.
    Tab(TabRevert),
    /// The guided delete of a created workspace, only if the workspace opened still has the
    /// id, slug and `created_at` its create entry recorded.
    DeleteCreated {
        id: String,
        slug: String,
        created_at: String,
    },
}

/// An undo that goes through a tab's own Review (its conflict check included).
#[derive(Debug, Clone, PartialEq)]
pub enum TabRevert {
    Guardrail {
        guardrail_id: String,
        expect: serde_json::Map<String, serde_json::Value>,
        patch: serde_json::Map<String, serde_json::Value>,
    },
    Budgets {
        expect: crate::admin::budgets::Budgets,
        restore: crate::admin::budgets::Budgets,
        changed: Vec<crate::admin::budgets::Interval>,
        byok_changed: bool,
    },
}

impl HistoryView {
    pub fn list(&self) -> &[HistoryEntry] {
        match &self.entries {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    /// The label of a workspace: its slug when known, else its uuid.
    pub fn label(&self, id: &str) -> String {
        self.labels
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn matches(&self, id: &str) -> bool {
        let f = self.filter.to_lowercase();
        id.to_lowercase().contains(&f)
            || self
                .labels
                .get(id)
                .is_some_and(|l| l.to_lowercase().contains(&f))
    }

    /// The rows shown: entries whose workspace (or a part's) matches the filter, and the
    /// parts of expanded batches.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (i, e) in self.list().iter().enumerate() {
            let parts: Vec<usize> = (0..e.parts.len()).collect();
            let shown = self.filter.is_empty()
                || self.matches(&e.workspace_id)
                || e.parts.iter().any(|p| self.matches(&p.workspace_id));
            if !shown {
                continue;
            }
            rows.push(Row {
                entry: i,
                part: None,
            });
            if e.is_batch() && self.expanded.contains(&e.id) {
                rows.extend(parts.into_iter().map(|p| Row {
                    entry: i,
                    part: Some(p),
                }));
            }
        }
        rows
    }

    /// The selected row's entry (a batch's part when a part is selected).
    pub fn selected_entry(&self) -> Option<(&HistoryEntry, Option<&HistoryEntry>)> {
        let row = *self.rows().get(self.selected)?;
        let e = self.list().get(row.entry)?;
        Some((e, row.part.and_then(|p| e.parts.get(p))))
    }

    pub fn selected_batch(&self) -> Option<String> {
        let row = *self.rows().get(self.selected)?;
        let e = self.list().get(row.entry)?;
        e.is_batch().then(|| e.id.clone())
    }

    pub fn clamp(&mut self) {
        let n = self.rows().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }
}

pub fn hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Undo, "undo (reviewed)"),
        (Action::Filter, "filter"),
        (Action::Back, "back"),
        (Action::Open, "batch: open/close"),
        (Action::CycleOn, "open batch"),
        (Action::CycleBack, "close batch"),
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (Action::PageUp, "page"),
        (Action::PageDown, "page"),
        HELP_HINT,
        QUIT_HINT,
        (HistoryKey::HalfPageDown.into(), "half page"),
        (HistoryKey::HalfPageUp.into(), "half page"),
    ]
}
