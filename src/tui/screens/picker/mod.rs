//! The picker: every workspace, filtered as you type after `/`.

mod search;
pub mod view;

pub use search::{SearchIndex, filter_indices};

use crate::config::keys::{HELP_HINT, PickerKey, QUIT_HINT};
use crate::config::{Action, Scope};
use crate::tui::screens::HALF_PAGE;
use crate::workspace::Workspace;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerAction {
    None,
    Open(String),
    Reload,
    /// A new workspace (its name and slug first).
    Create,
    /// Open the selected workspace, then its guided delete.
    Delete(String),
    /// One form for the marked workspaces.
    EditMarked,
    /// A word for the status line.
    Notice(String),
}

#[derive(Debug, Default)]
pub struct PickerState {
    /// Replaced through `set_workspaces`; only while `loading` do pages grow it in place.
    pub workspaces: Vec<Workspace>,
    /// The list's slugs and names for the filter, built on first use after `set_workspaces`.
    pub search: SearchIndex,
    pub loading: bool,
    /// While loading: the server's total count, once the first page has come.
    pub expected: Option<u64>,
    pub filter: String,
    pub filtering: bool,
    /// Index into the filtered list.
    pub selected: usize,
    /// Why the last load failed (`r` retries); the list then holds what came before it.
    pub error: Option<String>,
    /// Ids of the workspaces with a draft of unsaved edits waiting (marked in the list).
    pub drafts: std::collections::BTreeSet<String>,
    /// Ids of the workspaces marked for a bulk edit (by uuid, so a filter keeps them).
    pub marked: std::collections::BTreeSet<String>,
    /// The marks `Esc` last cleared, until `u` brings them back or a mark changes.
    pub cleared: Option<std::collections::BTreeSet<String>>,
    /// The workspace Space last marked: where `Ctrl-Space`'s range starts.
    pub last_mark: Option<String>,
    /// The workspace the cursor goes to once the list (re)loads: the one just left.
    pub select_after_load: Option<String>,
    /// The `30d` column: each workspace's spend per day, or why it is not known.
    pub spend: Option<Result<Spend, String>>,
}

/// What the picker shows of spend: per workspace uuid the last 30 completed days' totals
/// (oldest first), and the account's credits left.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spend {
    pub daily: std::collections::BTreeMap<String, Vec<f64>>,
    pub credits_left: Option<f64>,
}

impl PickerState {
    /// Indices of the workspaces matching the filter (name or slug, case-insensitive).
    pub fn matches(&self) -> Vec<usize> {
        // While pages arrive the list grows in place: no index of it is kept yet.
        if self.loading {
            return filter_indices(&self.workspaces, &self.filter);
        }
        // Opening the filter input builds the index, so the first letter typed is cheap too.
        self.search
            .matches(&self.workspaces, &self.filter, self.filtering)
    }

    pub fn set_workspaces(&mut self, list: Vec<Workspace>) {
        self.workspaces = list;
        self.search = SearchIndex::default();
        self.loading = false;
        self.error = None;
        if let Some(id) = self.select_after_load.take()
            && let Some(at) = self
                .matches()
                .iter()
                .position(|&i| self.workspaces[i].id() == id)
        {
            self.selected = at;
        }
        self.clamp();
    }

    /// The load failed: an error state that `r` retries, not an empty list.
    pub fn set_error(&mut self, error: String) {
        self.loading = false;
        self.expected = None;
        self.error = Some(error);
    }

    fn clamp(&mut self) {
        let n = self.matches().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    fn selected_id(&self) -> Option<String> {
        let m = self.matches();
        m.get(self.selected)
            .map(|&i| self.workspaces[i].id().to_string())
    }

    /// The marked workspaces still in the list, in its order.
    pub fn marked_workspaces(&self) -> Vec<crate::workspace::Workspace> {
        self.workspaces
            .iter()
            .filter(|w| self.marked.contains(w.id()))
            .cloned()
            .collect()
    }

    /// How many of the listed workspaces are marked.
    pub fn marked_count(&self) -> usize {
        // Asked twice a frame: with no marks, no need to read thousands of ids.
        if self.marked.is_empty() {
            return 0;
        }
        self.workspaces
            .iter()
            .filter(|w| self.marked.contains(w.id()))
            .count()
    }

    /// Space: marks the highlighted workspace, or unmarks it; the highlight moves on, as in
    /// lazygit and k9s, so marking a run of rows is one key each.
    fn toggle_mark(&mut self) {
        let Some(id) = self.selected_id() else {
            return;
        };
        if self.marked.remove(&id) {
            self.last_mark = None;
        } else {
            self.marked.insert(id.clone());
            self.last_mark = Some(id);
        }
        // Marking anew: the cleared marks are no longer what `u` would bring back.
        self.cleared = None;
        self.step(1);
    }

    /// Ctrl-Space: marks every row from the last mark to the highlighted one (both included),
    /// as the filter shows them; with no mark shown yet, the highlighted row alone.
    fn mark_range(&mut self) -> PickerAction {
        let shown = self.matches();
        let from = self.last_mark.as_ref().and_then(|id| {
            shown
                .iter()
                .position(|&i| self.workspaces[i].id() == id.as_str())
        });
        let Some(from) = from else {
            self.toggle_mark();
            return PickerAction::Notice(
                "No earlier mark in sight: marked this one; Ctrl-Space on another marks the rows between."
                    .into(),
            );
        };
        let to = self.selected.min(shown.len().saturating_sub(1));
        let (lo, hi) = (from.min(to), from.max(to));
        let before = self.marked.len();
        for &i in &shown[lo..=hi] {
            self.marked.insert(self.workspaces[i].id().to_string());
        }
        self.cleared = None;
        self.last_mark = shown.get(to).map(|&i| self.workspaces[i].id().to_string());
        let n = self.marked.len() - before;
        PickerAction::Notice(format!(
            "Marked {n} more ({} rows from the last mark); {} marked.",
            hi - lo + 1,
            self.marked_count()
        ))
    }

    /// `*`: marks every row the filter shows.
    fn mark_all(&mut self) -> PickerAction {
        let shown = self.matches();
        let before = self.marked.len();
        for &i in &shown {
            self.marked.insert(self.workspaces[i].id().to_string());
        }
        self.cleared = None;
        let n = self.marked.len() - before;
        let whom = if self.filter.is_empty() {
            "every workspace".to_string()
        } else {
            format!("every row the filter \"{}\" shows", self.filter)
        };
        PickerAction::Notice(format!(
            "Marked {whom} ({n} more, {} in all); Esc clears the marks, u brings them back.",
            self.marked_count()
        ))
    }

    /// A key while the filter input is open: keys are text here, so letters never run a
    /// command. `Enter` applies the filter and returns to the list, `Esc` clears it.
    pub fn filter_key(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.filtering = false;
                self.filter.clear();
            }
            KeyCode::Enter => self.filtering = false,
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char('u') if ctrl => self.filter.clear(),
            KeyCode::Down => self.step(1),
            KeyCode::Up => self.step(-1),
            KeyCode::Char(c) if !ctrl => {
                self.filter.push(c);
                self.selected = 0;
            }
            _ => {}
        }
        self.clamp();
    }

    /// What an action of the list means.
    pub fn act(&mut self, key: PickerKey) -> PickerAction {
        match key {
            PickerKey::Down => self.step(1),
            PickerKey::Up => self.step(-1),
            PickerKey::Top => self.selected = 0,
            PickerKey::Bottom => self.selected = usize::MAX,
            PickerKey::PageDown => self.step(10),
            PickerKey::PageUp => self.step(-10),
            PickerKey::HalfPageDown => self.step(HALF_PAGE as isize),
            PickerKey::HalfPageUp => self.step(-(HALF_PAGE as isize)),
            PickerKey::Filter => self.filtering = true,
            PickerKey::Open if self.marked_count() > 0 => return PickerAction::EditMarked,
            PickerKey::Open => return self.open(),
            PickerKey::Mark => self.toggle_mark(),
            PickerKey::MarkRange => return self.mark_range(),
            PickerKey::MarkAll => return self.mark_all(),
            PickerKey::EditMarked if self.marked_count() > 0 => return PickerAction::EditMarked,
            PickerKey::EditMarked => {
                return PickerAction::Notice(
                    "Mark workspaces with Space first; e then edits them in one form.".into(),
                );
            }
            PickerKey::Reload => return PickerAction::Reload,
            // Esc steps back one layer at a time: the filter first, then the marks.
            PickerKey::Back if !self.filter.is_empty() => self.filter.clear(),
            PickerKey::Back if !self.marked.is_empty() => {
                let marks = std::mem::take(&mut self.marked);
                let n = marks.len();
                let s = if n == 1 { "" } else { "s" };
                self.cleared = Some(marks);
                return PickerAction::Notice(format!("Cleared {n} mark{s}; u brings them back."));
            }
            PickerKey::Back => {}
            PickerKey::Undo => match self.cleared.take() {
                Some(marks) => {
                    let n = marks.len();
                    let s = if n == 1 { "" } else { "s" };
                    self.marked.extend(marks);
                    return PickerAction::Notice(format!("Brought back {n} mark{s}."));
                }
                None => return PickerAction::Notice("Nothing to undo.".into()),
            },
            PickerKey::Create => return PickerAction::Create,
            PickerKey::DeleteWorkspace => {
                return self
                    .selected_id()
                    .map_or(PickerAction::None, PickerAction::Delete);
            }
        }
        self.clamp();
        PickerAction::None
    }

    fn open(&self) -> PickerAction {
        self.selected_id()
            .map_or(PickerAction::None, PickerAction::Open)
    }

    fn step(&mut self, by: isize) {
        self.selected = self.selected.saturating_add_signed(by);
        self.clamp();
    }
}

/// The list's keys, most useful first: the hint bar and the help are built from these.
pub fn hints(state: &PickerState) -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Open, "open"),
        (Action::Mark, "mark"),
        (Action::Filter, "filter"),
        (Action::Reload, "reload"),
        HELP_HINT,
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (Action::PageDown, "page down"),
        (Action::PageUp, "page up"),
        (PickerKey::MarkRange.into(), "mark a range"),
        (PickerKey::MarkAll.into(), "mark all shown"),
        (PickerKey::HalfPageDown.into(), "half page"),
        (PickerKey::HalfPageUp.into(), "half page"),
    ];
    if state.marked_count() > 0 {
        h[2] = (Action::Open, "edit marked");
        h.insert(3, (Action::EditMarked, "edit marked"));
    } else {
        h.push((Action::EditMarked, "edit marked"));
    }
    if !state.filter.is_empty() {
        h.insert(4, (Action::Back, "clear filter"));
    } else if !state.marked.is_empty() {
        h.insert(4, (Action::Back, "clear marks"));
    } else {
        h.push((Action::Back, "clear filter"));
    }
    if state.cleared.is_some() {
        h.insert(4, (Action::Undo, "bring back the marks"));
    } else {
        h.push((Action::Undo, "bring back cleared marks"));
    }
    debug_assert!(h.iter().all(|(a, _)| Scope::Picker.actions().contains(a)));
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn twelve() -> PickerState {
        let mut p = PickerState::default();
        let list = (0..12)
            .map(|i| {
                let slug = if i % 2 == 0 {
                    format!("prod-{i}")
                } else {
                    format!("dev-{i}")
                };
                Workspace::from_json(json!({"id": format!("w{i}"), "name": "W", "slug": slug}))
                    .unwrap()
            })
            .collect();
        p.set_workspaces(list);
        p
    }

    fn marked(p: &PickerState) -> Vec<String> {
        p.marked.iter().cloned().collect()
    }

    #[test]
    fn ctrl_space_marks_the_range_from_the_last_mark_in_either_direction() {
        let mut p = twelve();
        p.selected = 2;
        p.act(PickerKey::Mark);
        p.selected = 5;
        p.act(PickerKey::MarkRange);
        assert_eq!(marked(&p), ["w2", "w3", "w4", "w5"]);
        // From the range's end, back upwards.
        p.selected = 0;
        p.act(PickerKey::MarkRange);
        assert_eq!(marked(&p), ["w0", "w1", "w2", "w3", "w4", "w5"]);
        // Nothing marked yet in sight: it marks the one row and says how a range is made.
        let mut q = twelve();
        q.selected = 7;
        assert!(
            matches!(q.act(PickerKey::MarkRange), PickerAction::Notice(n) if n.contains("marked this one"))
        );
        assert_eq!(marked(&q), ["w7"]);
    }

    #[test]
    fn star_marks_every_row_the_filter_shows_and_esc_then_u_bring_them_back() {
        let mut p = twelve();
        p.filter = "dev".into();
        p.act(PickerKey::MarkAll);
        assert_eq!(marked(&p).len(), 6, "only the dev- rows: {:?}", marked(&p));
        assert!(
            marked(&p)
                .iter()
                .all(|id| id[1..].parse::<u32>().unwrap() % 2 == 1)
        );
        p.filter.clear();
        p.act(PickerKey::Back);
        assert!(p.marked.is_empty());
        p.act(PickerKey::Undo);
        assert_eq!(marked(&p).len(), 6);
    }

    #[test]
    fn ctrl_d_and_ctrl_u_move_half_a_page_and_stop_at_the_ends() {
        let mut p = twelve();
        p.act(PickerKey::HalfPageDown);
        assert_eq!(p.selected, HALF_PAGE);
        p.act(PickerKey::HalfPageDown);
        p.act(PickerKey::HalfPageDown);
        assert_eq!(p.selected, 11, "stops at the last row");
        p.act(PickerKey::HalfPageUp);
        assert_eq!(p.selected, 11 - HALF_PAGE);
        p.act(PickerKey::HalfPageUp);
        p.act(PickerKey::HalfPageUp);
        assert_eq!(p.selected, 0, "stops at the first row");
    }
}
