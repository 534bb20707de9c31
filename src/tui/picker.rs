//! The picker: every workspace, filtered as you type after `/`.

use crate::workspace::Workspace;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerAction {
    None,
    Open(String),
    Reload,
    Quit,
    Help,
}

#[derive(Debug, Default)]
pub struct PickerState {
    pub workspaces: Vec<Workspace>,
    pub loading: bool,
    /// While loading: the server's total count, once the first page has come.
    pub expected: Option<u64>,
    pub filter: String,
    pub filtering: bool,
    /// Index into the filtered list.
    pub selected: usize,
    /// Why the last load failed (`r` retries); the list then holds what came before it.
    pub error: Option<String>,
}

impl PickerState {
    /// Indices of the workspaces matching the filter (name or slug, case-insensitive).
    pub fn matches(&self) -> Vec<usize> {
        filter_indices(&self.workspaces, &self.filter)
    }

    pub fn set_workspaces(&mut self, list: Vec<Workspace>) {
        self.workspaces = list;
        self.loading = false;
        self.error = None;
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

    pub fn handle_key(&mut self, key: KeyEvent) -> PickerAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                }
                KeyCode::Enter => {
                    self.filtering = false;
                    return self.open();
                }
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
            return PickerAction::None;
        }
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.step(1),
            KeyCode::Up | KeyCode::Char('k') => self.step(-1),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = usize::MAX,
            KeyCode::PageDown => self.step(10),
            KeyCode::PageUp => self.step(-10),
            KeyCode::Char('/') => self.filtering = true,
            KeyCode::Enter => return self.open(),
            KeyCode::Char('r') => return PickerAction::Reload,
            KeyCode::Char('?') => return PickerAction::Help,
            KeyCode::Char('q') => return PickerAction::Quit,
            KeyCode::Esc if !self.filter.is_empty() => self.filter.clear(),
            _ => {}
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

/// The workspaces whose name or slug contains the filter, ignoring case.
pub fn filter_indices(list: &[Workspace], filter: &str) -> Vec<usize> {
    let needle = filter.to_lowercase();
    list.iter()
        .enumerate()
        .filter(|(_, w)| {
            needle.is_empty()
                || w.name().to_lowercase().contains(&needle)
                || w.slug().contains(&needle)
        })
        .map(|(i, _)| i)
        .collect()
}
