//! The write pipeline for the admin writes that are not the workspace PATCH: a Review of the
//! exact request(s) where only `Enter` sends, the sending (a spinner; `Esc` stops waiting),
//! the result, and an undo that opens a Review of the inverse request(s) where there is one.
//! It shows over the tab that asked for it (`App::admin`).

pub mod view;

use crate::admin::keys::{Key, KeyPatch};
use crate::config::Action;
use crate::state::history::Kind;
use crate::tui::app::{App, Effect, WriteRecord};
use crate::write::Settled;
use crate::write::key::{KeyState, key_now, settle_delete, settle_patch};
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
    /// Something to tell with the result (a lost answer settled by reading again).
    Note(String),
}

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

/// Opens the Review of `write` (over the tab or the picker).
pub fn open(app: &mut App, write: AdminWrite) {
    app.admin = Some(AdminFlow::review(write));
}

/// The keys of the one write flow, for an admin write: only `Enter` on the Review sends; `Esc`
/// there goes back and sends nothing; while sending `Esc` stops waiting (the request may have
/// landed, so the tab re-reads); on the Result `u` reviews the inverse, Enter/Esc close it.
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    use crate::tui::flow::Step;
    let Some(flow) = app.admin.as_mut() else {
        return vec![];
    };
    match flow.act(action, app.read_only.as_deref()) {
        Step::Ignored | Step::Done | Step::Returned | Step::Resolved(..) | Step::Retry(_) => vec![],
        Step::Help => app.show_help(),
        Step::Quit => app.leave(true),
        Step::Refused(why) => {
            app.warn(why);
            vec![]
        }
        Step::Send(write) => {
            app.elapsed = std::time::Duration::ZERO;
            let deleting = matches!(
                write.requests.first(),
                Some(AdminRequest::DeleteWorkspace { .. })
            );
            vec![Effect::AdminSend {
                requests: write.requests.clone(),
                workspace: app.form.as_ref().map(|f| f.workspace.id().to_string()),
                key_in: write.key_in.clone(),
                base: app
                    .form
                    .as_ref()
                    .filter(|_| deleting)
                    .map(|f| Box::new(f.workspace.clone())),
            }]
        }
        Step::Left => {
            app.admin = None;
            app.info("Nothing was sent.");
            vec![]
        }
        Step::StopWaiting => {
            app.admin = None;
            app.warn("Stopped waiting; the request may have landed: re-reading the list.");
            let mut effects = vec![Effect::CancelAdmin];
            effects.extend(crate::tui::screens::tabs::reload(app));
            effects
        }
        Step::Closed(_) => {
            let Some(flow) = app.admin.take() else {
                return vec![];
            };
            let write = flow.plan;
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
        Step::Undo(ended) => {
            let write = &flow.plan;
            match (ended, write.undo.clone(), write.no_undo.clone()) {
                (Ok(_), Some((what, requests)), _) => {
                    // The key is where the write put it: the undo checks it is still there.
                    let key_in = match (write.requests.first(), &write.key_in) {
                        (Some(AdminRequest::PatchKey { hash, patch }), _)
                            if patch.workspace_id.is_some() =>
                        {
                            patch.workspace_id.clone().map(|to| (hash.clone(), to))
                        }
                        (_, key_in) => key_in.clone(),
                    };
                    let mut undo = AdminWrite::new(what, requests);
                    undo.key_in = key_in;
                    flow.undo(undo);
                }
                (_, _, Some(why)) => app.warn(why),
                _ => app.warn("Nothing to undo: the write did not go through."),
            }
            vec![]
        }
    }
}

/// The runtime's part: each request in order, stopping at the first failure, each sent
/// through the one retry loop ([`crate::write::run`]): a busy server is waited for and the
/// write settled three ways before another try, and an answer that was lost is settled by
/// reading the server again. `workspace`: the workspace open, where a key's write is read
/// back from.
pub async fn send(
    client: &crate::api::Client,
    requests: &[AdminRequest],
    workspace: Option<&str>,
    key_in: Option<&(String, String)>,
) -> Result<Vec<AdminAnswer>, String> {
    send_reviewed(client, requests, workspace, key_in, None).await
}

/// [`send`], with the workspace as the Review saw it: a delete is settled against it.
pub async fn send_reviewed(
    client: &crate::api::Client,
    requests: &[AdminRequest],
    workspace: Option<&str>,
    key_in: Option<&(String, String)>,
    reviewed: Option<&crate::workspace::Workspace>,
) -> Result<Vec<AdminAnswer>, String> {
    // A key write starts from the key as it is now, where it was seen: its base for the settle.
    let key_base = match requests.first() {
        Some(AdminRequest::PatchKey { hash, .. } | AdminRequest::DeleteKey { hash }) => {
            let at = key_in.map(|(_, at)| at.as_str()).or(workspace);
            let key = key_now(client, hash)
                .await
                .map_err(|e| format!("{e}; nothing was sent"))?;
            match key {
                Some(k) if at.is_none_or(|at| k.workspace_id == at) => Some(KeyState::from(&k)),
                _ => {
                    return Err(format!(
                        "key {hash} is no longer in workspace {} (moved or deleted since); nothing was sent: r re-reads the list",
                        at.unwrap_or("(unknown)")
                    ));
                }
            }
        }
        _ => None,
    };
    let mut answers = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        match send_one(client, r, key_base.as_ref(), reviewed).await {
            Ok(mut a) => answers.append(&mut a),
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

/// What lands on the server: read back to settle a write whose answer was lost.
enum Seen {
    Key(Box<Key>),
    Workspace(Box<crate::workspace::Workspace>),
}

/// Reads the server and settles `r` three ways (what was read, when it tells more).
async fn settle_one(
    client: &crate::api::Client,
    r: &AdminRequest,
    key_base: Option<&KeyState>,
    reviewed: Option<&crate::workspace::Workspace>,
    started: time::OffsetDateTime,
) -> Result<(Settled<String>, Option<Seen>), String> {
    let not_found = |e: &crate::api::ApiError| matches!(e, crate::api::ApiError::NotFound { .. });
    let no_base = || "the key's state before the write is unknown".to_string();
    match r {
        AdminRequest::PatchKey { hash, patch } => {
            let base = key_base.ok_or_else(no_base)?;
            let now = key_now(client, hash).await.map_err(|e| e.to_string())?;
            let settled = settle_patch(base, patch, now.as_ref().map(KeyState::from).as_ref());
            let seen = now.filter(|_| settled == Settled::Applied);
            Ok((settled, seen.map(|k| Seen::Key(Box::new(k)))))
        }
        AdminRequest::DeleteKey { hash } => {
            let base = key_base.ok_or_else(no_base)?;
            let now = key_now(client, hash).await.map_err(|e| e.to_string())?;
            let now = now.as_ref().map(KeyState::from);
            Ok((settle_delete(base, now.as_ref()), None))
        }
        AdminRequest::DeleteWorkspace { id, .. } => match client.get(id).await {
            // Still as reviewed → not applied; changed meanwhile → a conflict (never deleted
            // unseen). Without the reviewed state, its being there says only "not applied".
            Ok(now) => Ok((
                match reviewed.filter(|ws| ws.id() == id) {
                    Some(ws) => crate::write::workspace::settle_delete(ws, Some(&now)),
                    None => Settled::NotApplied,
                },
                None,
            )),
            Err(e) if not_found(&e) => Ok((Settled::Applied, None)),
            Err(e) => Err(e.to_string()),
        },
        AdminRequest::CreateWorkspace { body } => {
            let slug = body.get("slug").and_then(Value::as_str).unwrap_or_default();
            match client.get(slug).await {
                Ok(ws) if ws.slug() == slug => {
                    // Another workspace with the slug (a colleague's) is neither ours nor
                    // absent: "cannot tell", a conflict.
                    match crate::admin::workspaces::created_mismatch(
                        body,
                        &ws,
                        client.server_time(started),
                    ) {
                        None => Ok((Settled::Applied, Some(Seen::Workspace(Box::new(ws))))),
                        Some(why) => Ok((
                            Settled::Conflict(crate::admin::workspaces::cannot_tell_text(
                                &ws, &why,
                            )),
                            None,
                        )),
                    }
                }
                Ok(_) => Ok((Settled::NotApplied, None)),
                Err(e) if not_found(&e) => Ok((Settled::NotApplied, None)),
                Err(e) => Err(e.to_string()),
            }
        }
        AdminRequest::AddMembers {
            workspace,
            user_ids,
        }
        | AdminRequest::RemoveMembers {
            workspace,
            user_ids,
        } => {
            let now = client
                .list_members(workspace)
                .await
                .map_err(|e| e.to_string())?;
            let now: Vec<String> = now.into_iter().map(|m| m.user_id).collect();
            let adding = matches!(r, AdminRequest::AddMembers { .. });
            Ok((crate::write::members::settle(user_ids, adding, &now), None))
        }
    }
}

/// One request, sent the safe way; its answers (a note first when a re-read settled it).
async fn send_one(
    client: &crate::api::Client,
    r: &AdminRequest,
    key_base: Option<&KeyState>,
    reviewed: Option<&crate::workspace::Workspace>,
) -> Result<Vec<AdminAnswer>, String> {
    use crate::write::End;
    let started = time::OffsetDateTime::now_utc();
    let seen = std::sync::Mutex::new(None);
    let recheck = || async {
        let (settled, what) = settle_one(client, r, key_base, reviewed, started).await?;
        *seen.lock().unwrap_or_else(|p| p.into_inner()) = what;
        Ok::<Settled<String>, String>(settled)
    };
    let policy = crate::write::RetryPolicy::default();
    let no_step = |_: crate::write::Step<'_>| {};
    let end = match r {
        AdminRequest::PatchKey { hash, patch } => {
            crate::write::run(|| client.patch_key(hash, patch), recheck, policy, no_step)
                .await
                .map_done(|k| AdminAnswer::Key(Box::new(k)))
        }
        AdminRequest::DeleteKey { hash } => {
            crate::write::run(|| client.delete_key(hash), recheck, policy, no_step)
                .await
                .map_done(|()| AdminAnswer::KeyDeleted(hash.clone()))
        }
        AdminRequest::DeleteWorkspace {
            id,
            confirm_default,
        } => crate::write::run(
            || client.delete_workspace(id, *confirm_default),
            recheck,
            policy,
            no_step,
        )
        .await
        .map_done(|()| AdminAnswer::WorkspaceDeleted),
        AdminRequest::CreateWorkspace { body } => {
            let end =
                crate::write::run(|| client.create_workspace(body), recheck, policy, no_step).await;
            // An answer about a workspace this create did not make is claimed by no one.
            if let End::Done(ws) = &end
                && let Some(why) = crate::admin::workspaces::created_mismatch(
                    body,
                    ws,
                    client.server_time(started),
                )
            {
                return Err(crate::admin::workspaces::cannot_tell_text(ws, &why));
            }
            end.map_done(|ws| AdminAnswer::Created(Box::new(ws)))
        }
        AdminRequest::AddMembers {
            workspace,
            user_ids,
        } => crate::write::run(
            || client.add_members(workspace, user_ids),
            recheck,
            policy,
            no_step,
        )
        .await
        .map_done(|a| AdminAnswer::MembersAdded(a.added_count)),
        AdminRequest::RemoveMembers {
            workspace,
            user_ids,
        } => crate::write::run(
            || client.remove_members(workspace, user_ids),
            recheck,
            policy,
            no_step,
        )
        .await
        .map_done(AdminAnswer::MembersRemoved),
    };
    match end {
        End::Done(a) => Ok(vec![a]),
        End::AfterAll => {
            let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
            let answer = match (r, seen) {
                (_, Some(Seen::Key(k))) => AdminAnswer::Key(k),
                (_, Some(Seen::Workspace(ws))) => AdminAnswer::Created(ws),
                (AdminRequest::DeleteKey { hash }, _) => AdminAnswer::KeyDeleted(hash.clone()),
                (AdminRequest::AddMembers { user_ids, .. }, _) => {
                    AdminAnswer::MembersAdded(user_ids.len() as u64)
                }
                (AdminRequest::RemoveMembers { user_ids, .. }, _) => {
                    AdminAnswer::MembersRemoved(user_ids.len() as u64)
                }
                _ => AdminAnswer::WorkspaceDeleted,
            };
            Ok(vec![
                AdminAnswer::Note(
                    "the answer was lost, but reading the server again shows it landed".into(),
                ),
                answer,
            ])
        }
        End::Refused(e) => Err(refusal_text(r, &e)),
        End::NotApplied(e) => Err(format!(
            "{e}; the server was read again: it was not applied"
        )),
        End::Partial(e) => Err(format!(
            "{e}; the server was read again: part of it was applied, the rest was not; nothing more was sent: r re-reads the list"
        )),
        End::Conflict { what, .. } => Err(format!(
            "conflict: {what}; nothing more was sent: r re-reads the list"
        )),
        End::InDoubt { error, reread } => Err(format!(
            "{error}; it may have landed, and reading the server again failed too ({reread}): r re-reads the list"
        )),
    }
}

/// A refusal, explained where the server's words say more than its status.
fn refusal_text(r: &AdminRequest, e: &crate::api::ApiError) -> String {
    let text = e.to_string();
    match r {
        AdminRequest::DeleteWorkspace { .. } => crate::tui::screens::delete::explain(&text),
        AdminRequest::RemoveMembers { .. } => {
            // R6/R7 have no field in the API: the refusal's words tell which.
            match crate::admin::members::explain_removal_refusal(&text) {
                Some(why) => format!("{text}. {why}"),
                None => text,
            }
        }
        _ => text,
    }
}

/// The answer to the write in flight: the tabs take in what changed.
pub fn sent(app: &mut App, result: Result<Vec<AdminAnswer>, String>) -> Vec<Effect> {
    let Some(flow) = &mut app.admin else {
        // Stopped waiting meanwhile: the tab re-reads instead.
        return vec![];
    };
    if !flow.is_sending() {
        return vec![];
    }
    let write = &mut flow.plan;
    match result {
        Ok(answers) => {
            let here = app.form.as_ref().map(|f| f.workspace.id().to_string());
            let mut summary = "applied".to_string();
            let mut members_changed = false;
            let mut notes: Vec<String> = Vec::new();
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
                    AdminAnswer::Note(note) => notes.push(note.clone()),
                }
            }
            for note in notes {
                summary.push_str(&format!(" ({note})"));
            }
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
                    _ => write.seen.clone(),
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
            flow.finish(Ok(summary));
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
            flow.finish(Err(e));
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
        .map(|r| crate::write::record::request(r.method(), &r.path(), r.body()))
        .collect();
    Some(WriteRecord::requests(
        first.kind(),
        &workspace_id,
        first.target(),
        list,
        before,
        after,
    ))
}
