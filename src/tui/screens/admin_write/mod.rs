//! The write pipeline for the admin writes that are not the workspace PATCH: a Review of the
//! exact request(s) where only `Enter` sends, the sending (a spinner; `Esc` stops waiting),
//! the result, and an undo that opens a Review of the inverse request(s) where there is one.
//! It shows over the tab that asked for it (`App::admin`).

pub mod view;

use crate::tui::app::App;
use crate::tui::effect::{Effect, WriteRecord};
use serde_json::Value;

/// The requests of an admin write and the server's answers: the core's, under the names the
/// TUI knows them by.
pub use crate::write::request::{Answer as AdminAnswer, Request as AdminRequest};

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

/// Opens the Review of `write` (over the tab or the picker).
pub fn open(app: &mut App, write: AdminWrite) {
    app.admin = Some(AdminFlow::review(write));
}

/// The keys of the one write flow, for an admin write: only `Enter` on the Review sends; `Esc`
/// there goes back and sends nothing; while sending `Esc` stops waiting (the request may have
/// landed, so the tab re-reads); on the Result `u` reviews the inverse, Enter/Esc close it.
pub fn act(app: &mut App, key: crate::tui::flow::FlowKey) -> Vec<Effect> {
    use crate::tui::flow::Step;
    let Some(flow) = app.admin.as_mut() else {
        return vec![];
    };
    // A failed write says "r re-reads the list" (the key moved, a conflict, a doubt): r closes
    // the result and reads the tab again.
    if key == crate::tui::flow::FlowKey::Result(crate::config::keys::ResultKey::Retry)
        && matches!(flow.phase, crate::tui::flow::Phase::Result(Err(_)))
    {
        app.admin = None;
        app.info("Reading the list again.");
        return crate::tui::app::tabs::reload(app);
    }
    let from_history = flow.opened_from_history();
    match flow.act(key, app.read_only.as_deref()) {
        Step::Ignored | Step::Done | Step::Returned | Step::Resolved(..) | Step::Retry(_) => vec![],
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
            if from_history {
                return crate::tui::screens::history::open(app);
            }
            app.info("Nothing was sent.");
            vec![]
        }
        Step::StopWaiting => {
            app.admin = None;
            app.warn("Stopped waiting; the request may have landed: re-reading the list.");
            let mut effects = vec![Effect::CancelAdmin];
            effects.extend(crate::tui::app::tabs::reload(app));
            effects
        }
        Step::Closed(ended) => {
            let Some(flow) = app.admin.take() else {
                return vec![];
            };
            let write = flow.plan;
            // How it ended stays said (a reflexive second Enter closes the result at once).
            match &ended {
                Ok(summary) => app.info(format!("{}: {summary}.", write.what)),
                Err(why) => app.warn(format!("{}: {why}", write.what)),
            }
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
                    undo.seen = seen_after(write);
                    // A key's write changes back what its Review showed; a member re-added
                    // does not get a former role back, so its rows are not turned round.
                    if matches!(write.requests.first(), Some(AdminRequest::PatchKey { .. })) {
                        undo.rows = write
                            .rows
                            .iter()
                            .map(|r| crate::write::review::Row::new(&r.field, &r.after, &r.before))
                            .collect();
                    }
                    // An undo is itself undoable: its undo sends the write again.
                    undo.undo = Some((write.what.clone(), write.requests.clone()));
                    flow.undo(undo);
                }
                (_, _, Some(why)) => app.warn(why),
                _ => app.warn("Nothing to undo: the write did not go through."),
            }
            vec![]
        }
    }
}

/// What `write`'s target is once it landed, as its undo's history entry keeps it: a key's
/// place and state as the write left them, the people a members write named.
fn seen_after(write: &AdminWrite) -> serde_json::Map<String, Value> {
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
    let plan = crate::write::send::Plan {
        requests,
        key_at: key_in.map(|(_, at)| at.as_str()).or(workspace),
        reviewed,
        ..Default::default()
    };
    crate::write::send::send(
        client,
        &plan,
        crate::write::RetryPolicy::default(),
        |_, _| {},
    )
    .await
    .map_err(|f| failure_text(&f))
}

/// A failed send as the TUI says it: a workspace delete's refusal with the rule behind it.
fn failure_text(f: &crate::write::send::Failure) -> String {
    use crate::write::send::Why;
    match (&f.why, &f.request) {
        (Why::Refused(e), AdminRequest::DeleteWorkspace { .. }) => {
            f.told(crate::tui::screens::delete::explain(&e.to_string()))
        }
        _ => f.to_string(),
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
    let reverting = flow.reverting.clone();
    let mut recorded = None;
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
                    // Budgets and the guardrail are written from their own tabs.
                    AdminAnswer::Budget(_) | AdminAnswer::Guardrail { .. } => {}
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
                if let Some(mut record) =
                    write_record(workspace_id, &write.requests, before, &answers)
                {
                    record.reverting = reverting;
                    recorded = Some(record.stamp());
                    effects.push(Effect::RecordWrite(record));
                }
            }
            flow.finish(Ok(summary));
            flow.recorded = recorded;
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
