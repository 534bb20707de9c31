//! `orws revert ID [--yes] [--dry-run]`: undoes one history entry (an id or a unique prefix of
//! one, like git) through the same safe writes the commands use, each checking that what the
//! entry left is still there (else a conflict, exit 3, nothing overwritten), and records its own
//! entry. `--dry-run` prints the requests as the other writes do and sends nothing but reads.

use super::admin_io::{Request, confirm, dry_run, record};
use super::output::{changes_table, json_pretty, nothing};
use super::{Output, patch};
use crate::batch::Item;
use crate::connection::Connection;
use crate::error::RunError;
use crate::revert::{MembersAction, PatchRevert, Revert, budget_target, find, labels, revert};
use crate::say::say;
use crate::state::history::HistoryEntry;
use crate::submit::{Applied, RetryPolicy, SubmitOutcome, WriteOutcome, WriteRequest};
use crate::text::escape;
use crate::text::joined;
use crate::write::review::{self, Row, value};
use serde_json::{Value, json};
use std::collections::HashMap;

pub async fn run(
    conn: &Connection,
    output: Output,
    asked: &str,
    yes: bool,
    dry: bool,
    concurrency: usize,
    policy: Option<&crate::code::policy::Policy>,
) -> Result<String, RunError> {
    let source = super::history::Source {
        dir: conn.state_dir.clone(),
        host: conn.client.state_key().to_string(),
    };
    let all = super::history::entries(&source)?;
    let entry = find(&all, asked).map_err(|e| RunError::usage(e.to_string()))?;
    let labels = labels(&all);
    let reverse = undo_of(entry, &labels)?;
    // A dry run writes nothing and is not judged (as the other write commands).
    if let (Some(policy), false) = (policy, dry) {
        super::policy::judge_undo(conn, policy, reverse.writes()).await?;
    }
    let what = format!(
        "{} entry {} ({})",
        super::history::kind_name(entry.kind),
        super::history::short_id(&entry.id),
        super::history::workspace_label(entry, &labels)
    );
    let undo = Undo {
        conn,
        output,
        entry,
        labels: &labels,
        what,
        yes,
        dry,
        concurrency,
    };
    // What the write commands record meanwhile is this entry's undo: kind `revert`, `of` it.
    super::admin_io::reverting(entry, undo.run(reverse)).await
}

/// The undo of `entry`, or why there is none (exit 2).
fn undo_of(entry: &HistoryEntry, labels: &HashMap<String, String>) -> Result<Revert, RunError> {
    revert(entry, labels).map_err(|e| RunError::usage(e.to_string()))
}

/// One undo being sent, and what it needs to show and ask.
struct Undo<'a> {
    conn: &'a Connection,
    output: Output,
    entry: &'a HistoryEntry,
    labels: &'a HashMap<String, String>,
    /// The entry as the question names it.
    what: String,
    yes: bool,
    dry: bool,
    concurrency: usize,
}

impl Undo<'_> {
    /// A workspace as the review names it: "Name (slug)" from one read, else the history's
    /// label, else its uuid.
    async fn workspace(&self, id: &str) -> String {
        match self.conn.client.get(id).await {
            Ok(ws) if ws.id() == id => review::workspace(ws.name(), ws.slug()),
            _ => self
                .labels
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        }
    }

    /// "Name (slug) · uuid", for the line above a table.
    async fn workspace_and_id(&self, id: &str) -> String {
        let name = self.workspace(id).await;
        if name == id {
            name
        } else {
            format!("{name} · {id}")
        }
    }

    async fn run(self, undo: Revert) -> Result<String, RunError> {
        let Undo {
            conn,
            output,
            entry,
            yes,
            dry,
            ..
        } = self;
        let what = self.what.as_str();
        match undo {
            Revert::Patch(p) => {
                if holds(conn, &p.id, &p.patch).await {
                    say(&format!(
                        "nothing to change: {} already holds the values from before this entry",
                        escape(&p.label)
                    ));
                    return Ok(nothing(output));
                }
                show_patch(&p, &self.workspace_and_id(&p.id).await);
                if dry {
                    return Ok(dry_run(output, &[patch_request(&p.id, &p.patch)?]));
                }
                confirm(&format!("Undo {}?", escape(what)), yes)?;
                patch(conn, output, &p).await
            }
            Revert::Guardrail {
                workspace_id,
                guardrail_id,
                expect,
                patch,
            } => {
                say(&format!(
                    "would change the default guardrail of {} (guardrail {guardrail_id}), if each field still holds its value after the entry:",
                    self.workspace_and_id(&workspace_id).await
                ));
                show(
                    patch
                        .iter()
                        .map(|(k, v)| Row::new(k.as_str(), value(expect.get(k)), value(Some(v))))
                        .collect(),
                );
                ask(what, yes, dry)?;
                let now = conn
                    .client
                    .get_guardrail(&guardrail_id)
                    .await?
                    .unwrap_or_default();
                let moved: Vec<String> = expect
                    .iter()
                    .filter(|(k, v)| now.get(*k).unwrap_or(&Value::Null) != *v)
                    .map(|(k, _)| format!("{k} is now {}", value(now.get(k))))
                    .collect();
                if !moved.is_empty() {
                    return Err(changed_since(&moved));
                }
                super::guardrail::patch_guardrail_of(
                    conn,
                    output,
                    &workspace_id,
                    patch,
                    dry,
                    Some(&guardrail_id),
                )
                .await
            }
            Revert::Members {
                workspace_id,
                action,
                user_ids,
            } => {
                let org = conn.client.organization_members().await.unwrap_or_default();
                let who = |u: &String| {
                    let known = org.iter().find(|o| &o.id == u);
                    let name = known.map(|o| o.display_name());
                    review::person(name.as_deref(), known.map(|o| o.email.as_str()), u)
                };
                let (verb, rows): (&str, Vec<Row>) = match action {
                    MembersAction::Add => (
                        "add to",
                        user_ids
                            .iter()
                            .map(|u| Row::new("member", review::NULL, who(u)))
                            .collect(),
                    ),
                    MembersAction::Remove => (
                        "remove from",
                        user_ids
                            .iter()
                            .map(|u| Row::new("member", who(u), review::NULL))
                            .collect(),
                    ),
                };
                say(&format!(
                    "would {verb} {}:",
                    self.workspace_and_id(&workspace_id).await
                ));
                show(rows);
                ask(what, yes, dry)?;
                match action {
                    MembersAction::Add => {
                        super::members::add(conn, output, &workspace_id, &user_ids, dry).await
                    }
                    MembersAction::Remove => {
                        super::members::remove(conn, output, &workspace_id, &user_ids, true, dry)
                            .await
                    }
                }
            }
            Revert::Key {
                hash,
                expect,
                patch,
                ..
            } => {
                let written = entry.as_written();
                let text = |k: &str| {
                    written
                        .before
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let key = match text("key_name") {
                    n if n.is_empty() => hash.clone(),
                    n => format!("{} · {hash}", review::key(&n, &text("key_label"))),
                };
                let mut rows = Vec::new();
                if let (Some(was), Some(back)) = (expect.disabled, patch.disabled) {
                    rows.push(Row::new(
                        "disabled",
                        value(Some(&Value::Bool(was))),
                        value(Some(&Value::Bool(back))),
                    ));
                }
                if let (Some(now_in), Some(back)) = (&expect.workspace_id, &patch.workspace_id) {
                    rows.push(Row::new(
                        "workspace",
                        self.workspace(now_in).await,
                        self.workspace(back).await,
                    ));
                }
                say(&format!(
                    "would change key {}, if it still holds its state after the entry:",
                    escape(&key)
                ));
                show(rows);
                ask(what, yes, dry)?;
                let (key, now_in) = super::keys::locate(conn, &hash).await?;
                match (patch.disabled, patch.workspace_id) {
                    (Some(disabled), _) => {
                        super::keys::set_disabled(conn, output, &hash, disabled, dry).await
                    }
                    (None, Some(back)) => {
                        let expected = expect.workspace_id.unwrap_or_default();
                        if now_in.id() != expected && now_in.id() != back {
                            return Err(changed_since(&[format!(
                                "key '{}' is now in {} ({})",
                                key.name,
                                review::workspace(now_in.name(), now_in.slug()),
                                now_in.id()
                            )]));
                        }
                        super::keys::move_key(conn, output, &hash, &back, true, dry).await
                    }
                    (None, None) => Err(RunError::usage("the entry changes nothing of the key")),
                }
            }
            Revert::KeyEdit {
                hash,
                expect,
                patch,
                ..
            } => {
                let (key, _) = super::keys::locate(conn, &hash).await?;
                let (want, back) = (expect.to_map(), patch.to_map());
                let held = crate::admin::key_labels::held(&key, &want);
                let mut rows = Vec::new();
                let mut moved = Vec::new();
                for (f, v) in &back {
                    let now = held.get(f).cloned().unwrap_or(Value::Null);
                    let same = crate::admin::key_labels::same;
                    if !same(&now, &want[f]) && !same(&now, v) {
                        moved.push(format!("key '{}' now holds {f} = {now}", key.name));
                    }
                    rows.push(Row::new(f, value(Some(&now)), value(Some(v))));
                }
                if !moved.is_empty() {
                    return Err(changed_since(&moved));
                }
                say(&format!(
                    "would edit key {} · {hash} back, if it still holds its values after the entry:",
                    escape(&key.name)
                ));
                show(rows);
                ask(what, yes, dry)?;
                super::keys_create::edit_to(conn, output, &hash, &patch, dry).await
            }
            Revert::DeleteCreatedKey {
                hash,
                name,
                created_at,
                ..
            } => {
                let (key, _) = super::keys::locate(conn, &hash).await?;
                let made = key.extra.get("created_at").and_then(Value::as_str);
                if made != Some(created_at.as_str()) {
                    return Err(changed_since(&[format!(
                        "key {hash} was created at {}, not {created_at} as this entry recorded",
                        made.unwrap_or("an unknown time")
                    )]));
                }
                say(&format!(
                    "undoing the create deletes key {} · {hash}, created at {}:",
                    escape(&name),
                    escape(&created_at)
                ));
                super::keys::delete(conn, output, &hash, yes, dry).await
            }
            Revert::Budgets {
                workspace_id,
                expect,
                restore,
                changed,
                byok_changed,
            } => {
                let usd =
                    |v: Option<f64>| v.map_or(review::NULL.to_string(), crate::admin::budgets::usd);
                let on = |v: Option<bool>| match v {
                    Some(true) => "on".to_string(),
                    Some(false) => "off".to_string(),
                    None => review::NULL.to_string(),
                };
                let mut rows: Vec<Row> = changed
                    .iter()
                    .map(|i| {
                        Row::new(
                            i.as_str(),
                            usd(expect.limits.get(*i)),
                            usd(restore.limits.get(*i)),
                        )
                    })
                    .collect();
                if byok_changed {
                    rows.push(Row::new(
                        "include BYOK",
                        on(expect.include_byok),
                        on(restore.include_byok),
                    ));
                }
                say(&format!(
                    "would put back the budgets of {}, if each still holds its value after the entry:",
                    self.workspace_and_id(&workspace_id).await
                ));
                show(rows);
                ask(what, yes, dry)?;
                let now = conn.client.get_budgets(&workspace_id).await?;
                let target = budget_target(&now, &expect, &restore, &changed, byok_changed)
                    .map_err(|moved| {
                        changed_since(
                            &moved
                                .iter()
                                .map(|m| format!("{m} changed"))
                                .collect::<Vec<_>>(),
                        )
                    })?;
                let requests = crate::admin::budgets::plan(&now, &target).map_err(|broken| {
                    RunError::conflict(format!(
                        "putting the budgets back would break the rules with what the server holds now: {}; nothing was sent",
                        joined(&broken)
                    ))
                })?;
                super::budgets::execute(
                    conn,
                    output,
                    &workspace_id,
                    now,
                    target,
                    requests,
                    dry,
                    false,
                )
                .await
            }
            Revert::DeleteCreated {
                workspace_id,
                slug,
                name,
                created_at,
            } => {
                say(&format!(
                    "undoing the create deletes workspace {} · {workspace_id}, if it is still the one created at {}:",
                    escape(&review::workspace(&name, &slug)),
                    escape(&created_at)
                ));
                show(vec![Row::new(
                    "workspace",
                    review::workspace(&name, &slug),
                    review::NULL,
                )]);
                let plan = super::delete::DeletePlan {
                    workspace: workspace_id,
                    yes,
                    confirm_default: false,
                    dry_run: dry,
                    created: Some(super::delete::Created { slug, created_at }),
                };
                super::delete::run(conn, output, plan).await
            }
            Revert::Named(undo) => named(conn, output, what, undo, yes, dry).await,
            Revert::Batch(items) => {
                batch(conn, output, what, items, yes, dry, self.concurrency).await
            }
        }
    }
}

/// A review table on stderr, indented under the line that says what it is.
fn show(rows: Vec<Row>) {
    for line in review::table(&rows, 100) {
        say(&format!("  {}", escape(&line)));
    }
}

/// Whether workspace `id` already holds every value of `patch` (the entry was undone
/// already): then nothing is sent. A failed read says no; the write's own checks then speak.
async fn holds(conn: &Connection, id: &str, patch: &crate::workspace::PatchBody) -> bool {
    let Ok(now) = conn.client.get(id).await else {
        return false;
    };
    now.id() == id
        && patch.fields().iter().all(|(k, v)| {
            crate::workspace::field(k)
                .is_some_and(|spec| crate::workspace::values_equal(spec, now.get(k), Some(v)))
        })
}

/// Asks before the undo (`what` names the entry), unless it is a dry run, which sends nothing.
fn ask(what: &str, yes: bool, dry: bool) -> Result<(), RunError> {
    if dry {
        return Ok(());
    }
    confirm(&format!("Undo {}?", escape(what)), yes)
}

/// The inverse PATCH as a dry run prints it; an id that cannot be one is refused as `patch`
/// refuses it.
fn patch_request(id: &str, body: &crate::workspace::PatchBody) -> Result<Request, RunError> {
    crate::api::check_workspace_name(id).map_err(|e| {
        RunError::usage(format!(
            "the entry names a workspace id that cannot be one ({e}); nothing was sent"
        ))
    })?;
    Ok(Request::new(
        "PATCH",
        format!("/workspaces/{id}"),
        Some(body.to_json()),
    ))
}

/// The output of a revert that sends nothing.
/// A named guardrail's write undone through `orws guardrails`' own commands, once what the
/// entry left is checked to hold still (else a conflict, nothing sent).
async fn named(
    conn: &Connection,
    output: Output,
    what: &str,
    undo: crate::revert::NamedUndo,
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    use crate::revert::NamedUndo;
    let g = |id: String| async move { conn.client.get_named_guardrail(&id).await };
    match undo {
        NamedUndo::Patch {
            guardrail_id,
            expect,
            patch,
            ..
        } => {
            say(&format!(
                "would patch guardrail {guardrail_id} back, if each field still holds its value after the entry:"
            ));
            show(
                patch
                    .iter()
                    .map(|(k, v)| Row::new(k.as_str(), value(expect.get(k)), value(Some(v))))
                    .collect(),
            );
            ask(what, yes, dry)?;
            let now = g(guardrail_id.clone()).await?;
            let moved: Vec<String> = expect
                .iter()
                .filter(|(k, v)| {
                    let held = now.get(*k).unwrap_or(&Value::Null);
                    match (held.as_f64(), v.as_f64()) {
                        (Some(a), Some(b)) => a != b,
                        _ => held != *v,
                    }
                })
                .map(|(k, _)| format!("{k} is now {}", value(now.get(k))))
                .collect();
            if !moved.is_empty() {
                return Err(changed_since(&moved));
            }
            if dry {
                return Ok(super::admin_io::dry_run(
                    output,
                    &[super::admin_io::Request::from(
                        &crate::write::request::Request::PatchNamedGuardrail {
                            guardrail_id,
                            workspace: None,
                            base: now,
                            patch,
                        },
                    )],
                ));
            }
            super::guardrails::patch(conn, output, &guardrail_id, patch, false).await
        }
        NamedUndo::DeleteCreated {
            guardrail_id,
            name,
            created_at,
            ..
        } => {
            say(&format!(
                "undoing the create deletes guardrail '{}' ({guardrail_id}), if it is still the one created at {}:",
                escape(&name),
                escape(&created_at)
            ));
            let now = g(guardrail_id.clone()).await?;
            let held = now
                .get("created_at")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if held != created_at {
                return Err(changed_since(&[format!("created_at is now {held}")]));
            }
            if dry {
                return Ok(super::admin_io::dry_run(
                    output,
                    &[super::admin_io::Request::from(
                        &crate::write::request::Request::DeleteGuardrail {
                            guardrail_id,
                            workspace: None,
                        },
                    )],
                ));
            }
            super::guardrails::delete(conn, output, &guardrail_id, yes, false).await
        }
        NamedUndo::Assign {
            guardrail_id,
            members,
            adding,
            ids,
            ..
        } => {
            let (keys, members) = if members {
                (vec![], ids)
            } else {
                (ids, vec![])
            };
            let who = super::guardrails::Who { keys, members };
            super::guardrails::assign(conn, output, &guardrail_id, who, adding, yes, dry).await
        }
    }
}

fn changed_since(what: &[String]) -> RunError {
    RunError::conflict(format!(
        "conflict: changed on the server since this entry: {}; nothing was sent",
        escape(&what.join(", "))
    ))
}

/// The inverse patch in the review language; `name` is the workspace as [`Undo::workspace_and_id`]
/// names it.
fn show_patch(p: &PatchRevert, name: &str) {
    use crate::write::review::table;
    say(&format!(
        "would change workspace {}, if each field still holds its value after the entry:",
        escape(name)
    ));
    // The one review language: FIELD | BEFORE | AFTER, ∅ for null.
    let rows: Vec<Row> = p
        .patch
        .fields()
        .iter()
        .map(|(k, v)| Row::new(k.as_str(), value(p.base.get(k)), value(Some(v))))
        .collect();
    for line in table(&rows, 100) {
        say(&format!("  {}", escape(&line)));
    }
}

/// The inverse patch, sent like `orws patch`: a GET, the conflict check against the entry's
/// `after`, then the PATCH.
async fn patch(conn: &Connection, output: Output, p: &PatchRevert) -> Result<String, RunError> {
    crate::api::check_workspace_name(&p.id).map_err(|e| {
        RunError::usage(format!(
            "the entry names a workspace id that cannot be one ({e}); nothing was sent"
        ))
    })?;
    let request = WriteRequest {
        id: &p.id,
        base: &p.base,
        patch: &p.patch,
        expects: &[],
        base_is_fresh: false,
    };
    let write = crate::submit::safe_patch(
        &conn.client,
        request,
        RetryPolicy::default(),
        patch::say_waiting,
    );
    let outcome = super::interrupt::finish_write(write).await?;
    match outcome {
        WriteOutcome::Applied(applied) => {
            let Applied {
                outcome, after_all, ..
            } = *applied;
            if after_all {
                say(
                    "the PATCH got no clean answer, but reading the workspace again shows it was applied",
                );
            }
            Ok(applied_output(conn, output, outcome))
        }
        WriteOutcome::Conflict { server, report } => {
            Err(changed_since(&patch::now_on_server(&server, &report)))
        }
        WriteOutcome::Expectation { message, .. } => Err(RunError::conflict(message)),
        WriteOutcome::WrongTarget(w) => Err(RunError::api(w.to_string())),
        WriteOutcome::PartlyApplied {
            applied,
            missing,
            error,
        } => {
            let failed = patch::partly_applied(error, &applied.outcome.patch, &missing);
            let shown = applied_output(conn, output, applied.outcome);
            super::print_now(&shown);
            Err(failed)
        }
        WriteOutcome::NotApplied { error, checked, .. } => Err(patch::not_applied(error, checked)),
        WriteOutcome::InDoubt { error, reread } => Err(patch::in_doubt(error, &reread, &p.id)),
    }
}

/// Records the applied revert and prints it as `orws patch` does.
fn applied_output(conn: &Connection, output: Output, outcome: SubmitOutcome) -> String {
    patch::warn_mismatches(&outcome);
    let SubmitOutcome {
        before,
        after,
        patch,
        ..
    } = &outcome;
    record(
        conn,
        &HistoryEntry::new(
            crate::state::now_rfc3339(),
            conn.client.state_key(),
            patch,
            before,
            after,
        ),
    );
    match output {
        Output::Json => json_pretty(&json!({
            "patch": patch.to_json(),
            "before": before.to_json(),
            "after": after.to_json(),
        })),
        Output::Table => changes_table(before, after, patch),
    }
}

/// A batch: one inverse patch per part that landed, each with its own conflict check right
/// before its PATCH, at most `concurrency` at once; one batch entry for what landed. Exit 1
/// when any failed, else 3 when any met a later change, else 0 (as `orws apply`).
async fn batch(
    conn: &Connection,
    output: Output,
    what: &str,
    items: Vec<Item>,
    yes: bool,
    dry: bool,
    concurrency: usize,
) -> Result<String, RunError> {
    use futures_util::StreamExt;
    let checked: Vec<(bool, Item)> = futures_util::stream::iter(items)
        .map(|item| async move { (holds(conn, &item.id, &item.patch).await, item) })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let (done, items): (Vec<_>, Vec<_>) = checked.into_iter().partition(|(held, _)| *held);
    let items: Vec<Item> = items.into_iter().map(|(_, item)| item).collect();
    for (_, item) in &done {
        say(&format!(
            "nothing to change: {} already holds the values from before this entry",
            escape(&item.label)
        ));
    }
    if items.is_empty() {
        return Ok(nothing(output));
    }
    say(&format!(
        "would send {} PATCH request(s), each only if its fields still hold the batch's values:",
        items.len()
    ));
    // One review table: each workspace's fields, FIELD as "workspace · field".
    show(
        items
            .iter()
            .flat_map(|item| {
                item.patch.fields().iter().map(|(k, v)| {
                    Row::new(
                        format!("{} · {k}", item.label),
                        value(item.base.get(k)),
                        value(Some(v)),
                    )
                })
            })
            .collect(),
    );
    if dry {
        let requests = items
            .iter()
            .map(|item| patch_request(&item.id, &item.patch))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(dry_run(output, &requests));
    }
    confirm(
        &format!("Undo {} on {} workspace(s)?", escape(what), items.len()),
        yes,
    )?;
    // A stop signal stops starting new writes; each that lands is recorded as it does.
    let outcomes = super::apply::run_batch(conn, &items, concurrency).await?;
    let rows: Vec<(String, crate::batch::Status, String)> = items
        .iter()
        .zip(&outcomes)
        .map(|(item, o)| {
            (
                item.label.clone(),
                crate::batch::status(o.as_ref()),
                crate::batch::reason(o.as_ref()),
            )
        })
        .collect();
    let shown = match output {
        Output::Json => json_pretty(&Value::Array(
            items
                .iter()
                .zip(&rows)
                .map(|(item, (_, status, reason))| {
                    json!({
                        "workspace_id": item.id,
                        "workspace": item.label,
                        "status": status.label(),
                        "reason": reason,
                    })
                })
                .collect(),
        )),
        Output::Table => super::output::table(
            &["WORKSPACE", "RESULT"],
            &rows
                .iter()
                .map(|(label, _, reason)| vec![escape(label).into_owned(), reason.clone()])
                .collect::<Vec<_>>(),
        ),
    };
    let [applied, conflicts, failed, not_started] = crate::batch::counts(&outcomes);
    let stopped = super::interrupt::stopped_by();
    if failed > 0 || conflicts > 0 || not_started > 0 || stopped.is_some() {
        super::print_now(&shown);
        let mut text =
            format!("{applied} undone, {conflicts} changed since (kept), {failed} failed");
        if not_started > 0 {
            text.push_str(&format!(", {not_started} not started"));
        }
        if let Some(n) = stopped {
            say(&format!(
                "{text}; stopped by {}: what landed is recorded in the history",
                super::interrupt::name(n)
            ));
            return Err(RunError::Signalled(n));
        }
        return Err(if failed > 0 || not_started > 0 {
            RunError::api(text)
        } else {
            RunError::conflict(text)
        });
    }
    Ok(shown)
}
