//! The write pipeline for the admin writes that are not the workspace PATCH: a Review of the
//! exact request(s) where only `Enter` sends, the sending (a spinner; `Esc` stops waiting),
//! the result, and an undo that opens a Review of the inverse request(s) where there is one.
//! It shows over the tab that asked for it (`App::admin`).

pub mod view;

use crate::tui::effect::WriteRecord;
use serde_json::Value;

/// The requests of an admin write and the server's answers: the core's, under the names the
/// TUI knows them by.
pub use crate::write::request::{Answer as AdminAnswer, Request as AdminRequest};
/// Why an admin write stopped: the core's failure of the plan's send.
pub use crate::write::send::Failure as AdminFailure;

/// How an admin write ended, as its Result shows it: a line on what happened, or why it
/// failed (nothing more was sent after it).
pub type Ended = Result<String, String>;

impl crate::tui::flow::Plan for AdminWrite {
    type Conflict = ();
    type Outcome = Ended;
    type Progress = ();

    fn progress(&self) {}

    fn blocked(&self) -> Option<String> {
        self.blocked.clone()
    }

    fn writes(&self) -> Vec<crate::tui::flow::PlannedWrite> {
        self.requests
            .iter()
            .map(crate::tui::flow::PlannedWrite::of)
            .collect()
    }

    /// A write the API cannot take back (a delete, a create: its reason shows on the Result)
    /// or one that failed offers no `u`.
    fn undoable(&self, ended: &Ended) -> bool {
        ended.is_ok() && self.undo.is_some()
    }
}

/// An admin write in the one write flow (Review → Sending → Result).
pub type AdminFlow = crate::tui::flow::Flow<AdminWrite>;

/// An admin write: what its Review shows and what it sends (the plan of the one write flow).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminWrite {
    /// What it does, in words (`Disable key "ci"`).
    pub what: String,
    /// What changes, in the one review language: FIELD | BEFORE | AFTER.
    pub rows: Vec<crate::write::review::Row>,
    /// What the history entry keeps of the target as the Review saw it (a key's name, label,
    /// workspace and state), as the CLI records it.
    pub seen: serde_json::Map<String, Value>,
    /// A refusal orws is certain of (product.md §15 "Known refusals"): the Review says why and
    /// offers no Enter.
    pub blocked: Option<String>,
    /// A refusal orws infers (product.md §15 "Known refusals": a member's keys, by
    /// `creator_user_id`): Enter stays, and the Review says where it is offered why the server
    /// is expected to refuse.
    pub refusal_expected: Option<String>,
    pub requests: Vec<AdminRequest>,
    /// Said above the requests (rules that apply, what cannot be undone).
    pub notes: Vec<String>,
    /// The requests that undo it, when the API allows it.
    pub undo: Option<(String, Vec<AdminRequest>)>,
    /// Why it cannot be undone, when it cannot.
    pub no_undo: Option<String>,
    /// Done: the workspace to open on leaving the result (a created one).
    pub then_open: Option<String>,
    /// Done: back to the picker on leaving the result (a deleted workspace), when it landed.
    pub then_picker: bool,
    /// A key write's precondition: the key (hash) must still be in this workspace (uuid) right
    /// before the request, else nothing is sent (it was moved or deleted meanwhile).
    pub key_in: Option<(String, String)>,
}

impl AdminWrite {
    pub fn new(what: impl Into<String>, requests: Vec<AdminRequest>) -> Self {
        Self {
            what: what.into(),
            rows: vec![],
            seen: serde_json::Map::new(),
            blocked: None,
            refusal_expected: None,
            requests,
            notes: vec![],
            undo: None,
            no_undo: None,
            then_open: None,
            then_picker: false,
            key_in: None,
        }
    }

    /// The same write, with what it changes as review rows.
    pub fn with_rows(mut self, rows: Vec<crate::write::review::Row>) -> Self {
        self.rows = rows;
        self
    }

    /// The same write, with the precondition that key `hash` is in workspace `workspace`.
    pub fn with_key_in(mut self, hash: &str, workspace: &str) -> Self {
        self.key_in = Some((hash.to_string(), workspace.to_string()));
        self
    }
}

/// What `write`'s target is once it landed, as its undo's history entry keeps it: a key's
/// place and state as the write left them, the people a members write named.
pub(crate) fn seen_after(write: &AdminWrite) -> serde_json::Map<String, Value> {
    let mut seen = write.seen.clone();
    for request in &write.requests {
        if let AdminRequest::PatchKey { patch, .. } = request {
            if let Some(disabled) = patch.disabled {
                seen.insert("disabled".into(), Value::Bool(disabled));
            }
            if let Some(to) = &patch.workspace_id {
                seen.insert("workspace_id".into(), Value::String(to.clone()));
            }
        }
    }
    seen
}

/// The runtime's part: the core's send of the plan ([`crate::write::send::send`]): each
/// request in order, stopping at the first failure, each through the one retry loop.
/// `workspace`: the workspace open, where a key's write expects the key when `key_in` does not
/// say.
pub async fn send(
    client: &crate::api::Client,
    requests: &[AdminRequest],
    workspace: Option<&str>,
    key_in: Option<&(String, String)>,
) -> Result<Vec<AdminAnswer>, AdminFailure> {
    let policy = crate::write::RetryPolicy::default();
    send_reviewed(client, requests, workspace, key_in, None, policy).await
}

/// [`send`], with the workspace as the Review saw it (a delete is settled against it), and
/// the runtime's wait for a busy server.
pub async fn send_reviewed(
    client: &crate::api::Client,
    requests: &[AdminRequest],
    workspace: Option<&str>,
    key_in: Option<&(String, String)>,
    reviewed: Option<&crate::workspace::Workspace>,
    policy: crate::write::RetryPolicy,
) -> Result<Vec<AdminAnswer>, AdminFailure> {
    let plan = crate::write::send::Plan {
        requests,
        key_at: key_in.map(|(_, at)| at.as_str()).or(workspace),
        reviewed,
        ..Default::default()
    };
    crate::write::send::send(client, &plan, policy, |_, _| {}).await
}

/// A failed send as the TUI says it: a workspace delete's refusal with the rule behind it.
pub(crate) fn failure_text(f: &AdminFailure) -> String {
    use crate::write::send::Why;
    match (&f.why, &f.request) {
        (Why::Refused(e), AdminRequest::DeleteWorkspace { .. }) => {
            let rule = crate::admin::keys::DeleteRefusal::of(e);
            f.told(crate::tui::screens::delete::explain(e, rule))
        }
        _ => f.to_string(),
    }
}

/// The rule behind the server's refusal of a workspace delete, if that is how `f` ended.
pub(crate) fn delete_refusal(f: &AdminFailure) -> Option<crate::admin::keys::DeleteRefusal> {
    match (&f.why, &f.request) {
        (crate::write::send::Why::Refused(e), AdminRequest::DeleteWorkspace { .. }) => {
            crate::admin::keys::DeleteRefusal::of(e)
        }
        _ => None,
    }
}

/// The history entry of an applied admin write: the core's one builder
/// ([`crate::write::record::Record::sent`]), as the CLI records it too. `None` without
/// requests.
pub fn write_record(
    workspace_id: String,
    requests: &[AdminRequest],
    before: serde_json::Map<String, Value>,
    answers: &[AdminAnswer],
) -> Option<WriteRecord> {
    WriteRecord::sent(&workspace_id, requests, &before, answers)
}
