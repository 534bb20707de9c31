//! The router's side of screens::admin_write: what needs the whole app (its keys, opening its Review,
//! reading the tab again).
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::admin_write::*;

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
            let write = app.admin.take().map(|f| f.plan);
            // A key's form that asked for this Review shows again, as it was left.
            if let (
                Some(form),
                Some(AdminRequest::CreateKey { .. } | AdminRequest::EditKey { .. }),
            ) = (
                &mut app.tabs.keys.form,
                write.as_ref().and_then(|w| w.requests.first()),
            ) {
                form.open = true;
            }
            if from_history {
                return crate::tui::app::history::open(app);
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

/// The answer to the write in flight: the tabs take in what changed.
pub fn sent(app: &mut App, result: Result<Vec<AdminAnswer>, AdminFailure>) -> Vec<Effect> {
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
            let mut guardrails_changed = false;
            let mut notes: Vec<String> = Vec::new();
            let mut created = None;
            // The drafts of the key forms this write sent, which go with them.
            let mut sent_drafts: Vec<String> = Vec::new();
            for a in &answers {
                match a {
                    AdminAnswer::KeyCreated { key, secret } => {
                        app.tabs.keys.replace(key, here.as_deref());
                        if secret.is_none() {
                            summary = "created; its secret was lost with the answer".into();
                        }
                        created = Some((key.clone(), secret.clone()));
                        if let Some(form) = &app.tabs.keys.form {
                            sent_drafts.push(form.draft_id());
                        }
                    }
                    AdminAnswer::Key(key) => {
                        app.tabs.keys.replace(key, here.as_deref());
                        // An edit landed: its form is sent, and its draft goes.
                        let id = format!("key-{}", key.hash);
                        if app
                            .tabs
                            .keys
                            .form
                            .as_ref()
                            .is_some_and(|f| f.draft_id() == id)
                        {
                            app.tabs.keys.form = None;
                            sent_drafts.push(id);
                        }
                    }
                    AdminAnswer::KeyDeleted(hash) => app.tabs.keys.remove(hash),
                    AdminAnswer::MembersAdded(n) => {
                        summary = format!("applied: {n} added");
                        // Added: no longer a choice to keep.
                        app.tabs.members.kept_choice.clear();
                        members_changed = true;
                    }
                    AdminAnswer::WorkspaceDeleted => summary = "deleted".to_string(),
                    AdminAnswer::Created(ws) => {
                        summary = format!("created {} ({})", ws.name(), ws.slug());
                        write.then_open = Some(ws.id().to_string());
                        // Sent and landed: the typing is no longer unsaved, nor its draft.
                        app.create = None;
                    }
                    AdminAnswer::MembersRemoved(n) => {
                        summary = format!("applied: {n} removed");
                        members_changed = true;
                    }
                    AdminAnswer::Note(note) => notes.push(note.clone()),
                    AdminAnswer::NamedGuardrail(g) => {
                        let name = g.get("name").and_then(serde_json::Value::as_str);
                        summary = format!(
                            "created \"{}\"; {}",
                            crate::text::escape(name.unwrap_or_default()),
                            crate::tui::screens::guardrails::ENFORCES_NOTHING
                        );
                        // Sent and landed: the form is no longer unsaved.
                        app.tabs.guardrails.create = None;
                        guardrails_changed = true;
                    }
                    AdminAnswer::GuardrailDeleted(id) => {
                        summary = "deleted".to_string();
                        app.tabs.guardrails.named.remove(id);
                        guardrails_changed = true;
                    }
                    AdminAnswer::Assigned { .. } => guardrails_changed = true,
                    // Budgets and the default guardrail are written from their own tabs.
                    AdminAnswer::Budget(_) | AdminAnswer::Guardrail { .. } => {}
                }
            }
            for note in notes {
                summary.push_str(&format!(" ({note})"));
            }
            let workspace_id = write.then_open.clone().or_else(|| here.clone());
            let mut effects: Vec<Effect> = sent_drafts
                .into_iter()
                .map(|workspace_id| Effect::DeleteDraft { workspace_id })
                .collect();
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
            if let Some((key, secret)) = created {
                crate::tui::app::keys_tab::created(app, &key, secret);
            }
            if guardrails_changed {
                effects.extend(crate::tui::app::guardrail::load_list(app));
            }
            if members_changed && let Some(id) = here {
                // The list as the server holds it now (who was added, with which role).
                app.tabs.members.data = None;
                effects.push(Effect::LoadMembers(id));
            }
            return effects;
        }
        Err(f) => {
            // The refusal tells what the keys could not: this is the default workspace (R3).
            if delete_refusal(&f) == Some(crate::admin::keys::DeleteRefusal::Default)
                && let Some(flow) = &mut app.delete
            {
                flow.is_default = Some(true);
            }
            write.then_picker = false;
            flow.finish(Err(failure_text(&f)));
        }
    }
    vec![]
}
