//! API keys as the admin screens see them (R1, R5, R21).

use serde::{Deserialize, Serialize};

/// One key from `GET /keys` (the fields orws uses; the rest are kept in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub hash: String,
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub limit: Option<f64>,
    #[serde(default)]
    pub usage: f64,
    pub workspace_id: String,
    #[serde(default)]
    pub creator_user_id: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Key {
    /// A usage window `GET /keys` gives (`usage_daily`, `usage_weekly`, `usage_monthly`), in
    /// USD; `None` when the server did not send it.
    pub fn usage_in(&self, window: UsageWindow) -> Option<f64> {
        self.extra
            .get(window.field())
            .and_then(serde_json::Value::as_f64)
    }
}

/// The usage windows of a key, UTC (the day, the week from Monday, the month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageWindow {
    Daily,
    Weekly,
    Monthly,
}

impl UsageWindow {
    pub const ALL: [UsageWindow; 3] = [Self::Daily, Self::Weekly, Self::Monthly];

    pub fn field(self) -> &'static str {
        match self {
            Self::Daily => "usage_daily",
            Self::Weekly => "usage_weekly",
            Self::Monthly => "usage_monthly",
        }
    }
}

/// `PATCH /keys/{hash}`: what orws changes on a key. `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyPatch {
    /// Moves the key (R5); sending its current workspace is a no-op.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// Which keys `GET /keys` lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyQuery {
    /// `None` lists the default workspace's keys (R21).
    pub workspace_id: Option<String>,
    pub include_disabled: bool,
    pub include_expired: bool,
}

impl KeyQuery {
    /// Every key in a workspace, none hidden: what a delete must see (R1).
    pub fn all_in(workspace_id: &str) -> Self {
        Self {
            workspace_id: Some(workspace_id.to_string()),
            include_disabled: true,
            include_expired: true,
        }
    }
}

/// R5, said before a move.
pub const MOVE_LEAVES_BEHIND: &str = "The key keeps its value and its guardrail selections; presets, BYOK keys, broadcast destinations and routing rules stay in the old workspace.";

/// R1, said when a workspace still holds keys.
pub const DELETE_NEEDS_NO_KEYS: &str = "A workspace with API keys cannot be deleted: move each key to another workspace or delete it first.";

/// R2, said before any delete.
pub const DELETE_TAKES_ALONG: &str = "Deleting a workspace permanently deletes its budgets and guardrails and disables its classifiers and broadcast destinations.";

/// R3, said before deleting the default workspace.
pub const DEFAULT_DELETE_DISABLES: &str = "This is the default workspace: deleting it permanently disables the account's unscoped inference API keys (management and provisioning keys are kept).";

/// R21: the default workspace is the one the keys listed without a `workspace_id` belong to,
/// when they all agree; `None` when the list is empty or mixed.
pub fn default_workspace_from_keys(keys: &[Key]) -> Option<&str> {
    let first = keys.first()?.workspace_id.as_str();
    keys.iter()
        .all(|k| k.workspace_id == first)
        .then_some(first)
}

/// The rule behind the server's refusal of a workspace delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRefusal {
    /// R3: the workspace is the default one and the confirmation was missing.
    Default,
    /// R1: keys remain in the workspace.
    KeysRemain,
}

impl DeleteRefusal {
    /// The rule behind `e`, when it is the server's 400 to a workspace delete that names one;
    /// `None` for any other error (another status, a lost connection, a stop). The API gives
    /// both rules the same status and no code of their own, so the 400's own message (never a
    /// sentence composed around it) tells them apart.
    pub fn of(e: &crate::api::ApiError) -> Option<Self> {
        let crate::api::ApiError::BadRequest { message, .. } = e else {
            return None;
        };
        if refusal_means_default(message) {
            Some(DeleteRefusal::Default)
        } else if refusal_means_keys_remain(message) {
            Some(DeleteRefusal::KeysRemain)
        } else {
            None
        }
    }
}

/// Whether the message of a server refusal of a delete is R3's (the workspace is the default
/// one and the confirmation was missing): the API has no "is default" flag, so this is one way
/// to learn it. Classify an error with [`DeleteRefusal::of`].
pub fn refusal_means_default(message: &str) -> bool {
    message.contains("confirm_default_workspace_deletion")
}

/// Whether the message of a server refusal of a delete is R1's (keys remain in the workspace).
pub fn refusal_means_keys_remain(message: &str) -> bool {
    message.to_ascii_lowercase().contains("api key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn a_delete_refusal_is_told_by_its_status_and_the_servers_own_words() {
        let bad = |m: &str| ApiError::BadRequest {
            message: m.into(),
            field: None,
        };
        let r3 = "Deleting the default workspace requires confirm_default_workspace_deletion=true";
        assert_eq!(DeleteRefusal::of(&bad(r3)), Some(DeleteRefusal::Default));
        let r1 = "Workspace has 2 API key(s); workspaces with active API keys cannot be deleted";
        assert_eq!(DeleteRefusal::of(&bad(r1)), Some(DeleteRefusal::KeysRemain));
        assert_eq!(DeleteRefusal::of(&bad("name is too long")), None);
        // Not a 400: whatever its words, not one of the rules.
        let forbidden = ApiError::Forbidden {
            message: "this API key may not delete workspaces".into(),
        };
        assert_eq!(DeleteRefusal::of(&forbidden), None);
    }
}
