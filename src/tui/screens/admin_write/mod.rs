//! The write pipeline for the admin writes that are not the workspace PATCH: a Review of the
//! exact request(s) where only `Enter` sends, the sending (a spinner; `Esc` stops waiting),
//! the result, and an undo that opens a Review of the inverse request(s) where there is one.
//! It shows over the tab that asked for it (`App::admin`).

pub mod view;

use crate::admin::keys::{Key, KeyPatch};
use crate::config::Action;
use crate::state::history::Kind;
use crate::tui::app::{App, Effect, WriteRecord};
use serde_json::Value;

/// One request of an admin write, exactly as it is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminRequest {
    /// `PATCH /keys/{hash}`.
    PatchKey { hash: String, patch: KeyPatch },
    /// `DELETE /keys/{hash}`.
    DeleteKey { hash: String },
    /// `DELETE /workspaces/{id}`, with R3's confirmation for the default workspace.
    DeleteWorkspace { id: String, confirm_default: bool },
    /// `POST /workspaces` (name and slug).
    CreateWorkspace {
        body: serde_json::Map<String, Value>,
    },
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

impl AdminRequest {
    pub fn method(&self) -> &'static str {
        match self {
            AdminRequest::PatchKey { .. } => "PATCH",
            AdminRequest::DeleteKey { .. } | AdminRequest::DeleteWorkspace { .. } => "DELETE",
            AdminRequest::AddMembers { .. }
            | AdminRequest::RemoveMembers { .. }
            | AdminRequest::CreateWorkspace { .. } => "POST",
        }
    }

    pub fn path(&self) -> String {
        match self {
            AdminRequest::PatchKey { hash, .. } | AdminRequest::DeleteKey { hash } => {
                format!("/keys/{hash}")
            }
            AdminRequest::CreateWorkspace { .. } => "/workspaces".to_string(),
            AdminRequest::DeleteWorkspace {
                id,
                confirm_default,
            } => {
                let mut path = format!("/workspaces/{id}");
                if *confirm_default {
                    path.push_str("?confirm_default_workspace_deletion=true");
                }
                path
            }
            AdminRequest::AddMembers { workspace, .. } => {
                format!("/workspaces/{workspace}/members/add")
            }
            AdminRequest::RemoveMembers { workspace, .. } => {
                format!("/workspaces/{workspace}/members/remove")
            }
        }
    }

    /// The history's kind of this write (a key deleted is a delete, with the key as target).
    pub fn kind(&self) -> Kind {
        match self {
            AdminRequest::PatchKey { .. } => Kind::Keys,
            AdminRequest::DeleteKey { .. } | AdminRequest::DeleteWorkspace { .. } => Kind::Delete,
            AdminRequest::CreateWorkspace { .. } => Kind::Create,
            AdminRequest::AddMembers { .. } | AdminRequest::RemoveMembers { .. } => Kind::Members,
        }
    }

    /// What the write is about besides the workspace: the key's hash.
    pub fn target(&self) -> Option<String> {
        match self {
            AdminRequest::PatchKey { hash, .. } | AdminRequest::DeleteKey { hash } => {
                Some(hash.clone())
            }
            AdminRequest::DeleteWorkspace { .. }
            | AdminRequest::CreateWorkspace { .. }
            | AdminRequest::AddMembers { .. }
            | AdminRequest::RemoveMembers { .. } => None,
        }
    }

    pub fn body(&self) -> Option<Value> {
        match self {
            AdminRequest::PatchKey { patch, .. } => serde_json::to_value(patch).ok(),
            AdminRequest::DeleteKey { .. } | AdminRequest::DeleteWorkspace { .. } => None,
            AdminRequest::CreateWorkspace { body } => Some(Value::Object(body.clone())),
            AdminRequest::AddMembers { user_ids, .. }
            | AdminRequest::RemoveMembers { user_ids, .. } => {
                Some(serde_json::json!({ "user_ids": user_ids }))
            }
        }
    }
}

/// What the server answered to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminAnswer {
    Key(Box<Key>),
    /// The key with this hash is gone.
    KeyDeleted(String),
    /// Members added (the count the server reported).
    MembersAdded(u64),
    MembersRemoved(u64),
    /// The workspace is gone.
    WorkspaceDeleted,
    /// The workspace created.
    Created(Box<crate::workspace::Workspace>),
}

/// Where the write is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Review,
    Sending,
    /// Sent: a line on what happened, or why it failed (nothing more was sent after it).
    Done(Result<String, String>),
}

/// An admin write on its way through Review → Sending → Done.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminWrite {
    /// What it does, in words (`Disable key "ci"`).
    pub what: String,
    pub requests: Vec<AdminRequest>,
    /// Said above the requests (rules that apply, what cannot be undone).
    pub notes: Vec<String>,
    pub stage: Stage,
    /// The requests that undo it, when the API allows it.
    pub undo: Option<(String, Vec<AdminRequest>)>,
    /// Why it cannot be undone, when it cannot.
    pub no_undo: Option<String>,
    /// Done: the workspace to open on leaving the result (a created one).
    pub then_open: Option<String>,
    /// Done: back to the picker on leaving the result (a deleted workspace), when it landed.
    pub then_picker: bool,
}

impl AdminWrite {
    pub fn new(what: impl Into<String>, requests: Vec<AdminRequest>) -> Self {
        Self {
            what: what.into(),
            requests,
            notes: vec![],
            stage: Stage::Review,
            undo: None,
            no_undo: None,
            then_open: None,
            then_picker: false,
        }
    }
}

pub fn review_hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Submit, "send"),
        (Action::Back, "back"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ]
}

pub fn sending_hints() -> Vec<(Action, &'static str)> {
    vec![(Action::Cancel, "stop waiting"), (Action::Help, "help")]
}

pub fn done_hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Done, "done"),
        (Action::Back, "done"),
        (Action::Undo, "undo"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ]
}

/// Keys on the Review: only `Enter` sends; `Esc` goes back and sends nothing.
pub fn act_review(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => match &mut app.admin {
            Some(write) => {
                write.stage = Stage::Sending;
                app.elapsed = std::time::Duration::ZERO;
                vec![Effect::AdminSend(write.requests.clone())]
            }
            None => vec![],
        },
        Action::Back => {
            app.admin = None;
            app.info("Nothing was sent.");
            vec![]
        }
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        // The other actions do nothing here.
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
        | Action::Undo
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::Review
        | Action::Open
        | Action::Mark
        | Action::EditMarked
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4
        | Action::Tab5
        | Action::NextTab
        | Action::PrevTab
        | Action::Disable
        | Action::MoveKey
        | Action::Remove
        | Action::Add
        | Action::Create
        | Action::DeleteWorkspace => vec![],
    }
}

/// Keys while sending: `Esc` stops waiting; the request may have landed, so the tab re-reads.
pub fn act_sending(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Cancel => {
            app.admin = None;
            app.warn("Stopped waiting; the request may have landed: re-reading the list.");
            let mut effects = vec![Effect::CancelAdmin];
            effects.extend(crate::tui::screens::tabs::reload(app));
            effects
        }
        Action::Help => app.show_help(),
        // The other actions do nothing here.
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
        | Action::Undo
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::Review
        | Action::Open
        | Action::Mark
        | Action::EditMarked
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Submit
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No
        | Action::Quit
        | Action::Back
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4
        | Action::Tab5
        | Action::NextTab
        | Action::PrevTab
        | Action::Disable
        | Action::MoveKey
        | Action::Remove
        | Action::Add
        | Action::Create
        | Action::DeleteWorkspace => vec![],
    }
}

/// Keys on the result: `u` reviews the inverse; Enter/Esc close it.
pub fn act_done(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Done | Action::Back => {
            let Some(write) = app.admin.take() else {
                return vec![];
            };
            if write.then_picker {
                let name = write.what.clone();
                let effects = app.leave_now(false);
                app.info(format!("{name}: done."));
                return effects;
            }
            match write.then_open {
                // A created workspace opens like any other.
                Some(id) => {
                    app.create = None;
                    app.open(id)
                }
                None => vec![],
            }
        }
        Action::Undo => {
            let Some(write) = app.admin.take() else {
                return vec![];
            };
            match (&write.stage, write.undo, write.no_undo) {
                (Stage::Done(Ok(_)), Some((what, requests)), _) => {
                    app.admin = Some(AdminWrite::new(what, requests));
                }
                (_, _, Some(why)) => {
                    app.warn(why);
                }
                _ => app.warn("Nothing to undo: the write did not go through."),
            }
            vec![]
        }
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        // The other actions do nothing here.
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::Review
        | Action::Open
        | Action::Mark
        | Action::EditMarked
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Submit
        | Action::Cancel
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4
        | Action::Tab5
        | Action::NextTab
        | Action::PrevTab
        | Action::Disable
        | Action::MoveKey
        | Action::Remove
        | Action::Add
        | Action::Create
        | Action::DeleteWorkspace => vec![],
    }
}

/// The runtime's part: each request once, in order, stopping at the first failure.
pub async fn send(
    client: &crate::api::Client,
    requests: &[AdminRequest],
) -> Result<Vec<AdminAnswer>, String> {
    let mut answers = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let answer = match r {
            AdminRequest::PatchKey { hash, patch } => client
                .patch_key(hash, patch)
                .await
                .map(|k| AdminAnswer::Key(Box::new(k)))
                .map_err(|e| failure_text(&e)),
            AdminRequest::DeleteKey { hash } => client
                .delete_key(hash)
                .await
                .map(|()| AdminAnswer::KeyDeleted(hash.clone()))
                .map_err(|e| failure_text(&e)),
            AdminRequest::DeleteWorkspace {
                id,
                confirm_default,
            } => client
                .delete_workspace(id, *confirm_default)
                .await
                .map(|()| AdminAnswer::WorkspaceDeleted)
                .map_err(|e| crate::tui::screens::delete::explain(&failure_text(&e))),
            AdminRequest::CreateWorkspace { body } => client
                .create_workspace(body)
                .await
                .map(|ws| AdminAnswer::Created(Box::new(ws)))
                .map_err(|e| failure_text(&e)),
            AdminRequest::AddMembers {
                workspace,
                user_ids,
            } => client
                .add_members(workspace, user_ids)
                .await
                .map(|a| AdminAnswer::MembersAdded(a.added_count))
                .map_err(|e| failure_text(&e)),
            AdminRequest::RemoveMembers {
                workspace,
                user_ids,
            } => client
                .remove_members(workspace, user_ids)
                .await
                .map(AdminAnswer::MembersRemoved)
                .map_err(|e| {
                    // R6/R7 have no field in the API: the refusal's words tell which.
                    let text = failure_text(&e);
                    match crate::admin::members::explain_removal_refusal(&text) {
                        Some(why) => format!("{text}. {why}"),
                        None => text,
                    }
                }),
        };
        match answer {
            Ok(a) => answers.push(a),
            Err(e) if i == 0 => return Err(e),
            Err(e) => {
                return Err(format!(
                    "{e} ({i} of {} requests had gone through; nothing more was sent)",
                    requests.len()
                ));
            }
        }
    }
    Ok(answers)
}

fn failure_text(e: &crate::api::WriteFailure) -> String {
    use crate::api::WriteFailure;
    match e {
        WriteFailure::Busy { error, .. } => {
            format!("{error}; nothing was changed, try again later")
        }
        WriteFailure::Failed(error) if error.may_have_landed() => {
            format!("{error}; it may have landed: r re-reads the list")
        }
        WriteFailure::Failed(error) => error.to_string(),
    }
}

/// The answer to the write in flight: the tabs take in what changed.
pub fn sent(app: &mut App, result: Result<Vec<AdminAnswer>, String>) -> Vec<Effect> {
    let Some(write) = &mut app.admin else {
        // Stopped waiting meanwhile: the tab re-reads instead.
        return vec![];
    };
    if write.stage != Stage::Sending {
        return vec![];
    }
    match result {
        Ok(answers) => {
            let here = app.form.as_ref().map(|f| f.workspace.id().to_string());
            let mut summary = "applied".to_string();
            let mut members_changed = false;
            for a in &answers {
                match a {
                    AdminAnswer::Key(key) => app.tabs.keys.replace(key, here.as_deref()),
                    AdminAnswer::KeyDeleted(hash) => app.tabs.keys.remove(hash),
                    AdminAnswer::MembersAdded(n) => {
                        summary = format!("applied: {n} added");
                        members_changed = true;
                    }
                    AdminAnswer::WorkspaceDeleted => summary = "deleted".to_string(),
                    AdminAnswer::Created(ws) => {
                        summary = format!("created {} ({})", ws.name(), ws.slug());
                        write.then_open = Some(ws.id().to_string());
                    }
                    AdminAnswer::MembersRemoved(n) => {
                        summary = format!("applied: {n} removed");
                        members_changed = true;
                    }
                }
            }
            write.stage = Stage::Done(Ok(summary));
            let workspace_id = write.then_open.clone().or_else(|| here.clone());
            let mut effects = Vec::with_capacity(2);
            if let Some(workspace_id) = workspace_id {
                // A deleted workspace keeps what it was; a created one what it became.
                let before = match write.requests.first() {
                    Some(AdminRequest::DeleteWorkspace { .. }) => app
                        .form
                        .as_ref()
                        .map(|f| f.workspace.fields().clone())
                        .unwrap_or_default(),
                    _ => serde_json::Map::new(),
                };
                let after = answers
                    .iter()
                    .find_map(|a| match a {
                        AdminAnswer::Created(ws) => Some(ws.fields().clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                if let Some(record) = write_record(workspace_id, &write.requests, before, after) {
                    effects.push(Effect::RecordWrite(record));
                }
            }
            if members_changed && let Some(id) = here {
                // The list as the server holds it now (who was added, with which role).
                app.tabs.members.data = None;
                effects.push(Effect::LoadMembers(id));
            }
            return effects;
        }
        Err(e) => {
            // The refusal tells what the keys could not: this is the default workspace (R3).
            if crate::admin::keys::refusal_means_default(&e)
                && let Some(flow) = &mut app.delete
            {
                flow.is_default = Some(true);
            }
            write.then_picker = false;
            write.stage = Stage::Done(Err(e));
        }
    }
    vec![]
}

/// The history entry of an applied admin write: the kind and target of its first request,
/// and its exact requests under `patch.requests`. `None` without requests.
pub fn write_record(
    workspace_id: String,
    requests: &[AdminRequest],
    before: serde_json::Map<String, Value>,
    after: serde_json::Map<String, Value>,
) -> Option<WriteRecord> {
    let first = requests.first()?;
    let list: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::json!({"method": r.method(), "path": r.path(), "body": r.body()}))
        .collect();
    let mut patch = serde_json::Map::new();
    patch.insert("requests".into(), Value::Array(list));
    Some(WriteRecord {
        kind: first.kind(),
        workspace_id,
        target: first.target(),
        patch,
        before,
        after,
    })
}
