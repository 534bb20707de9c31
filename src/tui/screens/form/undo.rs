//! The form's undo history, as in vim: `u` undoes the last change to the form and `Ctrl-R` redoes
//! it. A step is what changed between two settled states of the form (one per field edit, toggle,
//! null, reset or restored draft), kept as the fields' values before and after; at most
//! [`MAX_STEPS`] steps are kept.

use std::collections::VecDeque;

/// How many steps `u` can go back.
pub const MAX_STEPS: usize = 100;

/// One field's value before and after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    /// The field's position in the form.
    pub index: usize,
    pub before: T,
    pub after: T,
}

/// Steps to undo and to redo, and the state the form last settled in.
#[derive(Debug, Clone)]
pub struct UndoHistory<T> {
    undo: VecDeque<Vec<Change<T>>>,
    redo: Vec<Vec<Change<T>>>,
    settled: Vec<T>,
}

impl<T: Clone + PartialEq> UndoHistory<T> {
    /// A history with nothing to undo, settled on `now`.
    pub fn new(now: Vec<T>) -> Self {
        Self {
            undo: VecDeque::new(),
            redo: Vec::new(),
            settled: now,
        }
    }

    /// The form settled on `now`: what differs from the last settled state becomes one step
    /// (and what was undone can no longer be redone). `true` when a step was recorded.
    pub fn record(&mut self, now: &[T]) -> bool {
        let step: Vec<Change<T>> = self
            .settled
            .iter()
            .zip(now)
            .enumerate()
            .filter(|(_, (before, after))| before != after)
            .map(|(index, (before, after))| Change {
                index,
                before: before.clone(),
                after: after.clone(),
            })
            .collect();
        self.settled = now.to_vec();
        if step.is_empty() {
            return false;
        }
        if self.undo.len() == MAX_STEPS {
            self.undo.pop_front();
        }
        self.undo.push_back(step);
        self.redo.clear();
        true
    }

    /// Takes `now` as settled without a step: a change that is not the person's (a new base from
    /// the server) is not undone by `u`.
    pub fn resettle(&mut self, now: Vec<T>) {
        self.settled = now;
    }

    /// The values to put back to undo the last step (field index, value), or `None` when there is
    /// nothing to undo.
    pub fn undo(&mut self) -> Option<Vec<(usize, T)>> {
        let step = self.undo.pop_back()?;
        let values = self.apply(&step, |c| &c.before);
        self.redo.push(step);
        Some(values)
    }

    /// The values to put back to redo the last undone step, or `None` when there is none.
    pub fn redo(&mut self) -> Option<Vec<(usize, T)>> {
        let step = self.redo.pop()?;
        let values = self.apply(&step, |c| &c.after);
        self.undo.push_back(step);
        Some(values)
    }

    fn apply(&mut self, step: &[Change<T>], pick: impl Fn(&Change<T>) -> &T) -> Vec<(usize, T)> {
        step.iter()
            .map(|c| {
                let value = pick(c).clone();
                if let Some(slot) = self.settled.get_mut(c.index) {
                    *slot = value.clone();
                }
                (c.index, value)
            })
            .collect()
    }

    /// How many steps `u` can undo.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// How many steps `Ctrl-R` can redo.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_what_changed_between_settled_states() {
        let mut h = UndoHistory::new(vec![1, 2, 3]);
        assert!(!h.record(&[1, 2, 3]), "no change, no step");
        assert!(h.record(&[1, 5, 3]));
        assert!(h.record(&[9, 5, 4]));
        assert_eq!(h.undo(), Some(vec![(0, 1), (2, 3)]));
        assert_eq!(h.undo(), Some(vec![(1, 2)]));
        assert_eq!(h.undo(), None);
        assert_eq!(h.redo(), Some(vec![(1, 5)]));
        assert!(!h.record(&[1, 5, 3]), "the redone state is the settled one");
        assert_eq!(h.redo(), Some(vec![(0, 9), (2, 4)]));
        assert_eq!(h.redo(), None);
    }

    #[test]
    fn a_new_change_drops_what_could_be_redone() {
        let mut h = UndoHistory::new(vec![0]);
        h.record(&[1]);
        h.undo();
        assert_eq!(h.redo_len(), 1);
        h.record(&[2]);
        assert_eq!(h.redo_len(), 0);
        assert_eq!(h.undo(), Some(vec![(0, 0)]));
    }

    #[test]
    fn a_resettle_is_not_a_step() {
        let mut h = UndoHistory::new(vec![0, 0]);
        h.record(&[1, 0]);
        h.resettle(vec![1, 7]);
        assert!(!h.record(&[1, 7]));
        assert_eq!(
            h.undo(),
            Some(vec![(0, 0)]),
            "only the person's change is undone"
        );
    }

    #[test]
    fn the_history_is_bounded() {
        let mut h = UndoHistory::new(vec![0]);
        for i in 1..=(MAX_STEPS as i32 + 20) {
            h.record(&[i]);
        }
        assert_eq!(h.undo_len(), MAX_STEPS);
        let mut last = None;
        while let Some(v) = h.undo() {
            last = Some(v);
        }
        assert_eq!(last, Some(vec![(0, 20)]), "the oldest steps were dropped");
    }
}
