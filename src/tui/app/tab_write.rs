//! A write tab in the workspace screen's tab frame: what the Budgets and Guardrail hosts share
//! in turning a tab's keys and effects into the app's.

use crate::config::Action;
use crate::tui::app::App;
use crate::tui::effect::{Effect, WriteRecord};
use crate::tui::flow::Plan;
use crate::tui::screens::tab_write::{Phase, WriteTab};

/// Where the app keeps a tab, and how its effects become the app's.
pub struct Host<T: WriteTab> {
    pub tab: fn(&mut App) -> Option<&mut T>,
    pub effects: fn(&mut App, Vec<T::Effect>) -> Vec<Effect>,
}

impl<T: WriteTab> Host<T> {
    /// `f` on the tab (nothing when it is not open), its effects as the app's.
    pub fn with(&self, app: &mut App, f: impl FnOnce(&mut T) -> Vec<T::Effect>) -> Vec<Effect> {
        let fx = match (self.tab)(app) {
            Some(s) => f(s),
            None => return vec![],
        };
        (self.effects)(app, fx)
    }

    /// An action on the tab; Esc on an undo's Review opened from the History goes back there.
    pub fn act(&self, app: &mut App, action: Action) -> Vec<Effect> {
        let read_only = app.read_only.clone();
        let Some(s) = (self.tab)(app) else {
            return vec![];
        };
        let from_history = matches!(s.phase(), Phase::Write(f) if f.opened_from_history());
        let fx = crate::tui::screens::tab_write::act(s, action, read_only.as_deref());
        let left = from_history && matches!(s.phase(), Phase::Edit);
        let mut effects = (self.effects)(app, fx);
        if left {
            effects.extend(crate::tui::app::history::open(app));
        }
        effects
    }
}

/// A write that landed, for the history: recorded as the revert of the entry it undoes (if it
/// undoes one), and remembered by the flow so that its own undo reverts it.
pub fn record<P: Plan>(phase: Option<&mut Phase<P>>, mut record: WriteRecord) -> Effect {
    if let Some(phase) = phase {
        record.reverting = phase.reverting();
        phase.recorded(record.stamp());
    }
    Effect::RecordWrite(record)
}
