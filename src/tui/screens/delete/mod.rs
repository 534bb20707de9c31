//! Deleting a workspace, guided (`D` in the picker or on the Settings tab): what goes with it
//! (R2), the keys still in it (R1; the Keys tab moves or deletes each through its own Review),
//! the default workspace's own confirmation (R3), then the slug typed exactly before the
//! Review of the `DELETE`. The server's refusal is the final word and is explained. Not
//! revertable, and it says so.

pub mod view;

use crate::admin::keys;
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};

#[derive(Debug, Clone, PartialEq)]
pub struct DeleteFlow {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// Whether this is the default workspace (R21); `None` until known or when the keys do
    /// not tell (the server's refusal then does).
    pub is_default: Option<bool>,
    /// The person confirmed deleting the default workspace (R3).
    pub confirm_default: bool,
    pub typed: String,
    pub typing: bool,
    /// Undoing a create from the history: the entry, so the delete is recorded as its revert.
    pub reverting: Option<crate::write::record::Reverting>,
}

impl DeleteFlow {
    /// Only the exact slug enables the Review (and, for the default one, its confirmation).
    pub fn ready(&self) -> bool {
        self.typed == self.slug && (self.is_default != Some(true) || self.confirm_default)
    }

    /// The default workspace's own confirmation is asked (shown, and `Space` toggles it) only
    /// once the slug is right and the input has let go: `Space` while typing is the slug's.
    pub fn asks_default(&self) -> bool {
        self.is_default == Some(true) && self.typed == self.slug && !self.typing
    }

    pub fn write(&self) -> AdminWrite {
        let mut w = AdminWrite::new(
            format!("Delete workspace {} ({})", self.name, self.slug),
            vec![AdminRequest::DeleteWorkspace {
                id: self.id.clone(),
                confirm_default: self.confirm_default,
            }],
        );
        w.notes.push(keys::DELETE_TAKES_ALONG.to_string());
        if self.confirm_default {
            w.notes.push(keys::DEFAULT_DELETE_DISABLES.to_string());
        }
        w.notes
            .push("This cannot be undone: a deleted workspace cannot be brought back.".into());
        w.no_undo = Some("A deleted workspace cannot be brought back.".into());
        w.then_picker = true;
        w
    }
}

/// What the slug input said ("type it exactly", "Space confirms first"): gone once it no
/// longer holds, so it is not carried into the Review and the Result.
pub const TYPE_THE_SLUG: &str = "Type the workspace's slug exactly to go on.";
pub const CONFIRM_FIRST: &str = "This is the default workspace: Space confirms its deletion first.";

/// The server refused the delete (`rule`, when it names one): say why in the rules' words
/// (R1, R3), the server's own words first.
pub fn explain(error: &crate::api::ApiError, rule: Option<keys::DeleteRefusal>) -> String {
    match rule {
        Some(keys::DeleteRefusal::Default) => format!(
            "{error}. {} Space confirms it.",
            keys::DEFAULT_DELETE_DISABLES
        ),
        Some(keys::DeleteRefusal::KeysRemain) => {
            format!("{error}. {}", keys::DELETE_NEEDS_NO_KEYS)
        }
        None => error.to_string(),
    }
}
