//! The bulk edit's change as one minimal patch per workspace (pure).

use super::batch::Item;
use crate::tui::screens::form::FormState;
use crate::workspace::{PatchBody, Workspace};

/// The writes a bulk form's change makes, and the workspaces that already hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One item per workspace that needs a change (its minimal patch), in the picker's order.
    pub items: Vec<Item>,
    /// Labels of the workspaces that already hold every value set: no request for them.
    pub unchanged: Vec<String>,
}

/// What the person knows a workspace by, escaped (the same label as `orws plan`'s).
pub use crate::code::plan::label;

/// Each workspace gets only the fields the person set that it does not hold already, compared
/// as values (crate::workspace::PatchBody::between, as for one workspace).
pub fn plan(form: &FormState, workspaces: &[Workspace]) -> Plan {
    let values = form.modified_values();
    let mut plan = Plan {
        items: Vec::new(),
        unchanged: Vec::new(),
    };
    for ws in workspaces {
        let patch = PatchBody::between(ws, &values);
        if patch.is_empty() {
            plan.unchanged.push(label(ws));
        } else {
            plan.items.push(Item {
                id: ws.id().to_string(),
                label: label(ws),
                base: ws.clone(),
                patch,
            });
        }
    }
    plan
}
