//! Many workspaces held compactly: each as its JSON text (a fifth of its size as a map of
//! values), found by id, and made into a [`Workspace`] one at a time where it is read. What
//! `export`, `plan`, `drift` and `apply` hold of the server's list (50,000 workspaces are
//! ~40 MB so, ~185 MB as maps).

use super::Workspace;
use std::collections::HashMap;

/// Workspaces in the order they were pushed, each as [`Workspace::to_json_text`] wrote it.
#[derive(Debug, Clone, Default)]
pub struct CompactList {
    /// (id as sent, the workspace's text).
    items: Vec<(Box<str>, Box<str>)>,
    /// Lowercase id → the first item with that id.
    by_id: HashMap<Box<str>, usize>,
}

impl CompactList {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `ws` at the end (a second workspace with an id already held is kept too, but
    /// [`CompactList::get`] finds the first).
    pub fn push(&mut self, ws: &Workspace) {
        let id: Box<str> = ws.id().into();
        self.by_id
            .entry(id.to_ascii_lowercase().into_boxed_str())
            .or_insert(self.items.len());
        self.items.push((id, ws.to_json_text()));
    }

    /// How many were pushed.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether a workspace of that id (any case) is held.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id.to_ascii_lowercase().as_str())
    }

    /// The workspace of that id (any case), made from its text.
    pub fn get(&self, id: &str) -> Option<Workspace> {
        let i = *self.by_id.get(id.to_ascii_lowercase().as_str())?;
        Some(self.at(i))
    }

    /// The `i`th workspace pushed, made from its text.
    pub fn at(&self, i: usize) -> Workspace {
        // Every text was written by `to_json_text` from a workspace: it reads back.
        Workspace::from_json_text(&self.items[i].1).expect("a workspace's own text")
    }

    /// Every workspace in the order pushed, each made as it is reached.
    pub fn iter(&self) -> impl Iterator<Item = Workspace> + '_ {
        (0..self.items.len()).map(|i| self.at(i))
    }

    /// The positions of the workspaces sorted by id (as sent, byte order), each id once (the
    /// first pushed of it).
    pub fn by_id_sorted(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by(|&a, &b| self.items[a].0.cmp(&self.items[b].0));
        order.dedup_by(|a, b| self.items[*a].0 == self.items[*b].0);
        order
    }

    /// The id of the `i`th workspace, as sent.
    pub fn id_at(&self, i: usize) -> &str {
        &self.items[i].0
    }
}

impl<'a> FromIterator<&'a Workspace> for CompactList {
    fn from_iter<I: IntoIterator<Item = &'a Workspace>>(iter: I) -> Self {
        let mut out = Self::new();
        for ws in iter {
            out.push(ws);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ws(id: &str, slug: &str) -> Workspace {
        // Its digits as sent: `1.10` stays `1.10`.
        let text = format!(
            r#"{{"id":{},"name":"N","slug":{},"zeta":1.10}}"#,
            json!(id),
            json!(slug)
        );
        Workspace::from_json_text(&text).unwrap()
    }

    #[test]
    fn finds_by_id_in_any_case_and_gives_back_the_same_workspace() {
        let all = [ws("B", "b"), ws("a", "a"), ws("c", "c")];
        let list: CompactList = all.iter().collect();
        assert_eq!(list.len(), 3);
        assert!(!list.is_empty());
        assert_eq!(list.get("b"), Some(all[0].clone()));
        assert_eq!(list.get("A"), Some(all[1].clone()));
        assert!(list.contains("C") && !list.contains("d"));
        assert_eq!(list.get("d"), None);
        assert_eq!(list.at(2), all[2]);
        assert_eq!(
            list.get("a").unwrap().get("zeta").unwrap().to_string(),
            "1.10"
        );
        let back: Vec<Workspace> = list.iter().collect();
        assert_eq!(back, all);
    }

    #[test]
    fn sorted_by_id_each_once_the_first_pushed() {
        let mut list = CompactList::new();
        for w in [ws("c", "c1"), ws("a", "a"), ws("c", "c2"), ws("b", "b")] {
            list.push(&w);
        }
        let order = list.by_id_sorted();
        let ids: Vec<&str> = order.iter().map(|&i| list.id_at(i)).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(list.at(order[2]).slug(), "c1");
        assert_eq!(list.get("c").unwrap().slug(), "c1");
        assert_eq!(list.len(), 4);
        assert!(CompactList::new().is_empty());
    }
}
