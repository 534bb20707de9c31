//! The admin writes other than a workspace PATCH (keys, members, create, delete, budgets, the
//! default guardrail), as the exact requests a plan sends
//! ([`Request`]), and what the server answered to each once settled ([`Answer`]). Both front
//! ends build these, [`super::send::send`] sends them, and [`super::record::Record::sent`] turns
//! what landed into the history entry.

use crate::admin::budgets::BudgetRequest;
use crate::admin::key_labels::{KeyCreate, KeyEdit, Secret};
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
    /// `POST /keys`: a new key in `body.workspace_id`.
    CreateKey { body: KeyCreate },
    /// `PATCH /keys/{hash}` of its name, limit, limit reset or BYOK switch.
    EditKey { hash: String, edit: KeyEdit },
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
    /// `PUT|DELETE /workspaces/{id}/budgets/{interval}`: one request of a budgets plan, in
    /// the order `admin::budgets::plan` gives (each limit stays valid in between, R8).
    Budget {
        workspace: String,
        request: BudgetRequest,
    },
    /// `PATCH /guardrails/{id}` of the default guardrail of `workspace` (its uuid): the
    /// guardrail must be that workspace's, before the PATCH and in its answer.
    Guardrail {
        workspace: String,
        guardrail_id: String,
        patch: Map<String, Value>,
    },
    /// `POST /guardrails`: a named guardrail in `workspace` (its uuid, also in the body).
    CreateGuardrail {
        workspace: String,
        body: Map<String, Value>,
    },
    /// `PATCH /guardrails/{id}` of a named guardrail: `workspace` the one it belongs to
    /// (`None`: account-wide), `base` what it held when the patch was made.
    PatchNamedGuardrail {
        guardrail_id: String,
        workspace: Option<String>,
        base: Map<String, Value>,
        patch: Map<String, Value>,
    },
    /// `DELETE /guardrails/{id}`.
    DeleteGuardrail {
        guardrail_id: String,
        workspace: Option<String>,
    },
    /// `POST /guardrails/{id}/assignments/{keys|members}[/remove]`.
    Assign {
        guardrail_id: String,
        workspace: Option<String>,
        members: bool,
        adding: bool,
        ids: Vec<String>,
    },
}

impl Request {
    /// What a policy calls this write (one of [`crate::code::policy::WRITE_KINDS`]), the
    /// resource it acts on (kind and id), and the workspace (uuid) it belongs to when the
    /// request names one.
    pub fn policy_write(&self) -> (&'static str, &'static str, String, Option<String>) {
        let ws = |w: &String| Some(w.clone());
        match self {
            Request::PatchKey { hash, patch } => {
                let kind = match (&patch.workspace_id, patch.disabled) {
                    (Some(_), _) => "keys.move",
                    (None, Some(true)) => "keys.disable",
                    (None, Some(false)) => "keys.enable",
                    (None, None) => "keys.edit",
                };
                (kind, "key", hash.clone(), None)
            }
            Request::DeleteKey { hash } => ("keys.delete", "key", hash.clone(), None),
            Request::CreateKey { body } => (
                "keys.create",
                "key",
                body.name.clone(),
                Some(body.workspace_id.clone()),
            ),
            Request::EditKey { hash, .. } => ("keys.edit", "key", hash.clone(), None),
            Request::DeleteWorkspace { id, .. } => ("delete", "workspace", id.clone(), ws(id)),
            Request::CreateWorkspace { body } => {
                let slug = body.get("slug").and_then(Value::as_str).unwrap_or("");
                ("create", "workspace", slug.to_string(), None)
            }
            Request::AddMembers { workspace, .. } => {
                ("members.add", "members", workspace.clone(), ws(workspace))
            }
            Request::RemoveMembers { workspace, .. } => (
                "members.remove",
                "members",
                workspace.clone(),
                ws(workspace),
            ),
            Request::Budget { workspace, request } => {
                let kind = match request.method() {
                    "DELETE" => "budgets.delete",
                    _ => "budgets.set",
                };
                (kind, "budgets", workspace.clone(), ws(workspace))
            }
            Request::Guardrail {
                workspace,
                guardrail_id,
                ..
            } => (
                "guardrail.patch",
                "guardrail",
                guardrail_id.clone(),
                ws(workspace),
            ),
            Request::CreateGuardrail { workspace, body } => {
                let name = body.get("name").and_then(Value::as_str).unwrap_or("");
                (
                    "guardrails.create",
                    "named_guardrail",
                    name.to_string(),
                    ws(workspace),
                )
            }
            Request::PatchNamedGuardrail {
                guardrail_id,
                workspace,
                ..
            } => (
                "guardrails.patch",
                "named_guardrail",
                guardrail_id.clone(),
                workspace.clone(),
            ),
            Request::DeleteGuardrail {
                guardrail_id,
                workspace,
            } => (
                "guardrails.delete",
                "named_guardrail",
                guardrail_id.clone(),
                workspace.clone(),
            ),
            Request::Assign {
                guardrail_id,
                workspace,
                adding,
                ..
            } => (
                if *adding {
                    "guardrails.assign"
                } else {
                    "guardrails.unassign"
                },
                "named_guardrail",
                guardrail_id.clone(),
                workspace.clone(),
            ),
        }
    }

    pub fn method(&self) -> &'static str {
        match self {
            Request::PatchKey { .. }
            | Request::Guardrail { .. }
            | Request::EditKey { .. }
            | Request::PatchNamedGuardrail { .. } => "PATCH",
            Request::DeleteGuardrail { .. } => "DELETE",
            Request::CreateKey { .. }
            | Request::CreateGuardrail { .. }
            | Request::Assign { .. } => "POST",
            Request::Budget { request, .. } => request.method(),
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => "DELETE",
            Request::AddMembers { .. }
            | Request::RemoveMembers { .. }
            | Request::CreateWorkspace { .. } => "POST",
        }
    }

    /// The path as sent, each id percent-encoded as the client encodes it.
    pub fn path(&self) -> String {
        match self {
            Request::PatchKey { hash, .. }
            | Request::DeleteKey { hash }
            | Request::EditKey { hash, .. } => {
                format!("/keys/{}", seg(hash))
            }
            Request::CreateKey { .. } => "/keys".to_string(),
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
            Request::Budget { workspace, request } => {
                format!(
                    "/workspaces/{}/budgets/{}",
                    seg(workspace),
                    request.interval()
                )
            }
            Request::Guardrail { guardrail_id, .. }
            | Request::PatchNamedGuardrail { guardrail_id, .. }
            | Request::DeleteGuardrail { guardrail_id, .. } => {
                format!("/guardrails/{}", seg(guardrail_id))
            }
            Request::CreateGuardrail { .. } => "/guardrails".to_string(),
            Request::Assign {
                guardrail_id,
                members,
                adding,
                ..
            } => format!(
                "/guardrails/{}/assignments/{}{}",
                seg(guardrail_id),
                if *members { "members" } else { "keys" },
                if *adding { "" } else { "/remove" }
            ),
        }
    }

    /// The history's kind of this write (a key deleted is a delete, with the key as target).
    pub fn kind(&self) -> Kind {
        match self {
            Request::PatchKey { .. } | Request::CreateKey { .. } | Request::EditKey { .. } => {
                Kind::Keys
            }
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => Kind::Delete,
            Request::CreateWorkspace { .. } => Kind::Create,
            Request::AddMembers { .. } | Request::RemoveMembers { .. } => Kind::Members,
            Request::Budget { .. } => Kind::Budgets,
            Request::Guardrail { .. }
            | Request::CreateGuardrail { .. }
            | Request::PatchNamedGuardrail { .. }
            | Request::DeleteGuardrail { .. } => Kind::Guardrail,
            Request::Assign { .. } => Kind::Assignment,
        }
    }

    /// What the write is about besides the workspace: the key's hash, the guardrail's id.
    pub fn target(&self) -> Option<String> {
        match self {
            Request::PatchKey { hash, .. }
            | Request::DeleteKey { hash }
            | Request::EditKey { hash, .. } => Some(hash.clone()),
            Request::Guardrail { guardrail_id, .. }
            | Request::PatchNamedGuardrail { guardrail_id, .. }
            | Request::DeleteGuardrail { guardrail_id, .. }
            | Request::Assign { guardrail_id, .. } => Some(guardrail_id.clone()),
            Request::DeleteWorkspace { .. }
            | Request::CreateKey { .. }
            | Request::CreateGuardrail { .. }
            | Request::CreateWorkspace { .. }
            | Request::AddMembers { .. }
            | Request::RemoveMembers { .. }
            | Request::Budget { .. } => None,
        }
    }

    pub fn body(&self) -> Option<Value> {
        match self {
            Request::PatchKey { patch, .. } => serde_json::to_value(patch).ok(),
            Request::CreateKey { body } => serde_json::to_value(body).ok(),
            Request::EditKey { edit, .. } => Some(Value::Object(edit.to_map())),
            Request::DeleteKey { .. } | Request::DeleteWorkspace { .. } => None,
            Request::CreateWorkspace { body } => Some(Value::Object(body.clone())),
            Request::AddMembers { user_ids, .. } | Request::RemoveMembers { user_ids, .. } => {
                Some(serde_json::json!({ "user_ids": user_ids }))
            }
            Request::Budget { request, .. } => request.body(),
            Request::Guardrail { patch, .. } | Request::PatchNamedGuardrail { patch, .. } => {
                Some(Value::Object(patch.clone()))
            }
            Request::CreateGuardrail { body, .. } => Some(Value::Object(body.clone())),
            Request::DeleteGuardrail { .. } => None,
            Request::Assign { members, ids, .. } => {
                let field = if *members {
                    "member_user_ids"
                } else {
                    "key_hashes"
                };
                Some(serde_json::json!({ field: ids }))
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
    /// A key created, with its secret when the answer reached orws (`None`: the answer was
    /// lost and a re-read found the key: its secret is lost with it).
    KeyCreated {
        key: Box<Key>,
        secret: Option<Secret>,
    },
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
    /// A budget request landed (in the plan's order: each on what the ones before it made).
    Budget(BudgetRequest),
    /// The guardrail as the PATCH's answer, or the re-read that settled it, has it. `elsewhere`:
    /// the workspace it says it belongs to when that is not the one meant, said by a re-read by
    /// its id too (an answer alone proves nothing): the write landed on that one's guardrail.
    Guardrail {
        guardrail: Box<Map<String, Value>>,
        elsewhere: Option<String>,
    },
    /// A named guardrail as created or patched (the answer, or the re-read that settled it).
    NamedGuardrail(Box<Map<String, Value>>),
    /// The guardrail with this id is gone.
    GuardrailDeleted(String),
    /// The keys or members assigned (or unassigned), as the guardrail's list read again shows.
    Assigned {
        members: bool,
        adding: bool,
        ids: Vec<String>,
    },
    /// Something to tell with the result (a lost answer settled by reading again).
    Note(String),
}
