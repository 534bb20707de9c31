//! The admin writes other than a workspace PATCH, as the exact requests a plan sends
//! ([`Request`]), and what the server answered to each once settled ([`Answer`]). Both front
//! ends build these, [`super::send::send`] sends them, and [`super::record::Record::sent`] turns
//! what landed into the history entry.

use crate::admin::keys::{Key, KeyPatch};
use crate::api::encode_segment as seg;
use crate::state::history::Kind;
use crate::workspace::Workspace;
use serde_json::{Map, Value};

/// One request of an admin write, exactly as it is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `PATCH /keys/{hash}`.
    PatchKey { hash: String, patch: KeyPatch },
    /// `DELETE /keys/{hash}`.
    DeleteKey { hash: String },
    /// `DELETE /workspaces/{id}`, with the confirmation the default workspace needs.
    DeleteWorkspace { id: String, confirm_default: bool },
    /// `POST /workspaces` (name, slug and any other field given).
    CreateWorkspace { body: Map<String, Value> },
    /// `POST /workspaces/{id}/members/add`.
    AddMembers {
        workspace: String,
        user_ids: Vec<String>,
    },
    /// `POST /workspaces/{id}/members/remove`.
    RemoveMembers {
        workspace: String,
        user_ids: Vec<String>,
    },
}

impl Request {
    pub fn method(&self) -> &'static str {
        match self {
            Request::PatchKey { .. } => "PATCH",
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => "DELETE",
            Request::AddMembers { .. }
            | Request::RemoveMembers { .. }
            | Request::CreateWorkspace { .. } => "POST",
        }
    }

    /// The path as sent, each id percent-encoded as the client encodes it.
    pub fn path(&self) -> String {
        match self {
            Request::PatchKey { hash, .. } | Request::DeleteKey { hash } => {
                format!("/keys/{}", seg(hash))
            }
            Request::CreateWorkspace { .. } => "/workspaces".to_string(),
            Request::DeleteWorkspace {
                id,
                confirm_default,
            } => {
                let mut path = format!("/workspaces/{}", seg(id));
                if *confirm_default {
                    path.push_str("?confirm_default_workspace_deletion=true");
                }
                path
            }
            Request::AddMembers { workspace, .. } => {
                format!("/workspaces/{}/members/add", seg(workspace))
            }
            Request::RemoveMembers { workspace, .. } => {
                format!("/workspaces/{}/members/remove", seg(workspace))
            }
        }
    }

    /// The history's kind of this write (a key deleted is a delete, with the key as target).
    pub fn kind(&self) -> Kind {
        match self {
            Request::PatchKey { .. } => Kind::Keys,
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => Kind::Delete,
            Request::CreateWorkspace { .. } => Kind::Create,
            Request::AddMembers { .. } | Request::RemoveMembers { .. } => Kind::Members,
        }
    }

    /// What the write is about besides the workspace: the key's hash.
    pub fn target(&self) -> Option<String> {
        match self {
            Request::PatchKey { hash, .. } | Request::DeleteKey { hash } => Some(hash.clone()),
            Request::DeleteWorkspace { .. }
            | Request::CreateWorkspace { .. }
            | Request::AddMembers { .. }
            | Request::RemoveMembers { .. } => None,
        }
    }

    pub fn body(&self) -> Option<Value> {
        match self {
            Request::PatchKey { patch, .. } => serde_json::to_value(patch).ok(),
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => None,
            Request::CreateWorkspace { body } => Some(Value::Object(body.clone())),
            Request::AddMembers { user_ids, .. } | Request::RemoveMembers { user_ids, .. } => {
                Some(serde_json::json!({ "user_ids": user_ids }))
            }
        }
    }

    /// The request as a history entry keeps it (`method`, `path`, `body`).
    pub fn to_history(&self) -> Value {
        super::record::request(self.method(), &self.path(), self.body())
    }
}

/// The users a members write settled as added or removed, by user id. Shown (`{}`) as how
/// many: the people themselves are named by whoever knows their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members(pub Vec<String>);

impl std::fmt::Display for Members {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.len())
    }
}

/// What the server answered to one request, as settled.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Key(Box<Key>),
    /// The key with this hash is gone.
    KeyDeleted(String),
    /// The users added: those the server's answer lists (someone already a member is not
    /// repeated), or every user sent when a re-read settled it.
    MembersAdded(Members),
    /// The users removed: every user sent, as settled (never the server's count, which can
    /// disagree with what it did).
    MembersRemoved(Members),
    /// The workspace is gone.
    WorkspaceDeleted,
    /// The workspace created.
    Created(Box<Workspace>),
    /// Something to tell with the result (a lost answer settled by reading again).
    Note(String),
}
