//! `orws guardrails list|get|create|patch|delete|assign|unassign`: named guardrails and their
//! key and member assignments (product.md §12), each write through the one send
//! (`write::send`, settled per §15) and recorded in history (`guardrail`, `assignment`).

use super::Output;
use super::admin_io::{Request as DryRequest, confirm, dry_run, record, send, workspace};
use super::output::{cell, json_pretty, table};
use crate::admin::guardrail::{GUARDRAIL_FIELDS, default_name, kind, workspace_of};
use crate::admin::guardrails::{self, ENFORCES_NOTHING};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::joined;
use crate::write::record::Record;
use crate::write::request::{Answer, Request};
use crate::write::send::Plan;
use serde_json::{Map, Value, json};

type Guardrail = Map<String, Value>;

fn text<'a>(g: &'a Guardrail, k: &str) -> &'a str {
    g.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// Whether `g` is its workspace's default guardrail (its platform-assigned name, R15).
pub(super) fn is_default(g: &Guardrail) -> bool {
    workspace_of(g).is_some_and(|w| text(g, "name") == default_name(w))
}

/// `--set FIELD=VALUE` / `--set-json FIELD=JSON` for a named guardrail: every field, name and
/// description included.
pub fn parse_sets(sets: &[String], set_json: &[String]) -> Result<Guardrail, RunError> {
    super::patch::sets_map(sets, set_json, |flag, name, text, is_json| {
        let name = name.trim();
        if !guardrails::is_field(name) {
            let names: Vec<&str> = guardrails::TEXT_FIELDS
                .iter()
                .copied()
                .chain(GUARDRAIL_FIELDS.iter().map(|(f, _)| *f))
                .collect();
            return Err(RunError::usage(format!(
                "'{name}' is not a field of a guardrail; the fields are: {}",
                names.join(", ")
            )));
        }
        let value = match (is_json, kind(name)) {
            (true, _) => serde_json::from_str(text)
                .map_err(|e| RunError::usage(format!("{flag} {name}: not valid JSON ({e})")))?,
            (false, Some(k)) => super::guardrail::parse_value(name, k, text)?,
            (false, None) if text.trim() == "null" && name == "description" => Value::Null,
            (false, None) => Value::String(text.to_string()),
        };
        if let Some(rule) = guardrails::check_field(name, &value).first() {
            return Err(RunError::usage(rule.clone()));
        }
        Ok((name.to_string(), value))
    })
}

/// How many keys and members each guardrail is assigned to.
async fn counts(
    conn: &Connection,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), RunError> {
    let pairs = |v: Vec<crate::api::Assignment>| {
        v.into_iter()
            .map(|a| (a.holder, a.guardrail_id))
            .collect::<Vec<_>>()
    };
    let keys = conn.client.all_assignments(false).await?;
    let members = conn.client.all_assignments(true).await?;
    Ok((pairs(keys), pairs(members)))
}

fn count(held: &[(String, String)], id: &str) -> usize {
    held.iter().filter(|(_, g)| g == id).count()
}

/// `orws guardrails list [WS]`: the default guardrail first, then the others with their
/// assignment counts; account-wide ones (no workspace) are listed with the default workspace.
pub async fn list(
    conn: &Connection,
    output: Output,
    asked: Option<&str>,
) -> Result<String, RunError> {
    let client = &conn.client;
    let (ws_id, default_id) = match asked {
        Some(a) => {
            let ws = workspace(client, a).await?;
            let d = ws
                .get("default_guardrail_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            (Some(ws.id().to_string()), d)
        }
        None => (None, None),
    };
    let mut listed = client
        .list_guardrails(ws_id.as_deref().unwrap_or_default())
        .await?;
    if let Some(ws) = &ws_id
        && let Some(g) = listed
            .iter()
            .find(|g| workspace_of(g).is_some_and(|w| !w.eq_ignore_ascii_case(ws)))
    {
        return Err(RunError::api(format!(
            "the list of workspace {ws}'s guardrails holds guardrail '{}' of workspace {}",
            text(g, "id"),
            workspace_of(g).unwrap_or_default()
        )));
    }
    let is_the_default = |g: &Guardrail| match &default_id {
        Some(d) => text(g, "id") == d,
        None => is_default(g),
    };
    listed.sort_by_key(|g| !is_the_default(g));
    let (keys, members) = counts(conn).await?;
    let default_missing = default_id
        .as_ref()
        .filter(|d| !listed.iter().any(|g| text(g, "id") == d.as_str()));
    let rows: Vec<(String, String, String, String, String)> = default_missing
        .map(|d| {
            (
                d.clone(),
                "(default, not configured)".to_string(),
                "-".into(),
                "-".into(),
                "default".into(),
            )
        })
        .into_iter()
        .chain(listed.iter().map(|g| {
            let id = text(g, "id");
            let note = if is_the_default(g) {
                "default"
            } else if workspace_of(g).is_none() {
                "account-wide"
            } else {
                ""
            };
            let n = |held: &[(String, String)]| {
                if is_the_default(g) {
                    "all".to_string()
                } else {
                    count(held, id).to_string()
                }
            };
            (
                id.to_string(),
                text(g, "name").to_string(),
                n(&keys),
                n(&members),
                note.to_string(),
            )
        }))
        .collect();
    Ok(match output {
        Output::Json => json_pretty(&Value::Array(
            rows.iter()
                .map(|(id, name, k, m, note)| {
                    // Counts as numbers; the default covers every key and member (null).
                    let n = |c: &String| c.parse::<u64>().map_or(Value::Null, |n| json!(n));
                    json!({"id": id, "name": name, "keys": n(k), "members": n(m), "note": note})
                })
                .collect(),
        )),
        Output::Table => table(
            &["ID", "NAME", "KEYS", "MEMBERS", "NOTE"],
            &rows
                .into_iter()
                .map(|(id, name, k, m, note)| {
                    vec![id, crate::text::escape(&name).to_string(), k, m, note]
                })
                .collect::<Vec<_>>(),
        ),
    })
}

/// `orws guardrails get ID`: every field, and the keys and members assigned.
pub async fn get(conn: &Connection, output: Output, id: &str) -> Result<String, RunError> {
    let g = conn.client.get_named_guardrail(id).await?;
    let keys = conn.client.guardrail_assignments(id, false).await?;
    let members = conn.client.guardrail_assignments(id, true).await?;
    Ok(match output {
        Output::Json => json_pretty(&json!({"guardrail": g, "keys": keys, "members": members})),
        Output::Table => {
            let mut rows: Vec<Vec<String>> = ["id", "workspace_id"]
                .into_iter()
                .chain(guardrails::TEXT_FIELDS.iter().copied())
                .chain(GUARDRAIL_FIELDS.iter().map(|(f, _)| *f))
                .map(|f| vec![f.to_string(), cell(g.get(f), 60)])
                .collect();
            rows.push(vec!["assigned keys".into(), keys.join(", ")]);
            rows.push(vec!["assigned members".into(), members.join(", ")]);
            table(&["FIELD", "VALUE"], &rows)
        }
    })
}

fn plan(requests: &[Request]) -> Plan<'_> {
    Plan {
        requests,
        ..Plan::default()
    }
}

fn found(answers: &[Answer]) -> Option<Guardrail> {
    answers.iter().find_map(|a| match a {
        Answer::NamedGuardrail(g) => Some((**g).clone()),
        _ => None,
    })
}

/// `orws guardrails create --workspace WS --set …` (R17; R16 said).
pub async fn create(
    conn: &Connection,
    output: Output,
    asked: &str,
    mut body: Guardrail,
    dry: bool,
) -> Result<String, RunError> {
    let broken = guardrails::check_create(&body);
    if !broken.is_empty() {
        return Err(RunError::usage(format!(
            "{}; nothing was sent",
            joined(&broken)
        )));
    }
    let ws = workspace(&conn.client, asked).await?;
    body.insert("workspace_id".into(), json!(ws.id()));
    let requests = [Request::CreateGuardrail {
        workspace: ws.id().to_string(),
        body,
    }];
    if dry {
        return Ok(dry_run(output, &shown(&requests)));
    }
    let answers = send(
        &conn.client,
        &plan(&requests),
        RunError::from,
        &format!("orws guardrails list {}", ws.id()),
    )
    .await?;
    if let Some(entry) = Record::sent(ws.id(), &requests, &Map::new(), &answers) {
        record(conn, &entry.entry(conn.client.state_key()));
    }
    crate::say::say(ENFORCES_NOTHING);
    let g = found(&answers).unwrap_or_default();
    Ok(match output {
        Output::Json => json_pretty(&Value::Object(g)),
        Output::Table => format!(
            "created guardrail {} ('{}')\n",
            text(&g, "id"),
            crate::text::escape(text(&g, "name"))
        ),
    })
}

/// A named guardrail read for a write; the default one is refused (its own commands).
async fn named(conn: &Connection, id: &str, what: &str) -> Result<Guardrail, RunError> {
    let g = conn.client.get_named_guardrail(id).await?;
    if is_default(&g) {
        return Err(RunError::usage(format!(
            "guardrail '{id}' is the default guardrail of workspace {}: it cannot be {what} (R15, R23); edit it with `orws guardrail patch {}`",
            workspace_of(&g).unwrap_or_default(),
            workspace_of(&g).unwrap_or_default()
        )));
    }
    Ok(g)
}

/// `orws guardrails patch ID --set …`: only what differs is sent.
pub async fn patch(
    conn: &Connection,
    output: Output,
    id: &str,
    sets: Guardrail,
    dry: bool,
) -> Result<String, RunError> {
    let base = named(conn, id, "patched here").await?;
    let mut target = base.clone();
    target.extend(sets);
    let body = guardrails::patch(&base, &target)
        .map_err(|b| RunError::usage(format!("{}; nothing was sent", joined(&b))))?;
    if body.is_empty() {
        crate::say::say("nothing to change: the guardrail already holds these values");
        return Ok(super::output::nothing(output));
    }
    let ws = workspace_of(&base).map(str::to_string);
    let requests = [Request::PatchNamedGuardrail {
        guardrail_id: id.to_string(),
        workspace: ws.clone(),
        base: base.clone(),
        patch: body.clone(),
    }];
    if dry {
        return Ok(dry_run(output, &shown(&requests)));
    }
    let answers = send(
        &conn.client,
        &plan(&requests),
        RunError::from,
        &format!("orws guardrails get {id}"),
    )
    .await?;
    let after = found(&answers).unwrap_or_default();
    // Kept with its request (so its undo is a named guardrail's PATCH back, not the default's).
    let pick = |g: &Guardrail| -> Guardrail {
        body.keys()
            .map(|k| (k.clone(), g.get(k).cloned().unwrap_or(Value::Null)))
            .collect()
    };
    let entry = Record::requests(
        crate::state::history::Kind::Guardrail,
        ws.as_deref().unwrap_or_default(),
        Some(id.to_string()),
        requests.iter().map(Request::to_history).collect(),
        pick(&base),
        pick(&after),
    )
    .entry(conn.client.state_key());
    let (before, after) = (entry.before.clone(), entry.after.clone());
    record(conn, &entry);
    Ok(match output {
        Output::Json => json_pretty(&json!({"patch": body, "before": before, "after": after})),
        Output::Table => table(
            &["FIELD", "BEFORE", "AFTER"],
            &body
                .keys()
                .map(|k| vec![k.clone(), cell(before.get(k), 40), cell(after.get(k), 40)])
                .collect::<Vec<_>>(),
        ),
    })
}

/// `orws guardrails delete ID` (destructive: asks, or `--yes`).
pub async fn delete(
    conn: &Connection,
    output: Output,
    id: &str,
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    let g = named(conn, id, "deleted").await?;
    let keys = conn.client.guardrail_assignments(id, false).await?;
    let members = conn.client.guardrail_assignments(id, true).await?;
    let ws = workspace_of(&g).map(str::to_string);
    let requests = [Request::DeleteGuardrail {
        guardrail_id: id.to_string(),
        workspace: ws.clone(),
    }];
    if dry {
        return Ok(dry_run(output, &shown(&requests)));
    }
    confirm(
        &format!(
            "delete guardrail '{}' (assigned to {} keys and {} members; a delete cannot be undone)?",
            crate::text::escape(text(&g, "name")),
            keys.len(),
            members.len()
        ),
        yes,
    )?;
    let answers = send(
        &conn.client,
        &plan(&requests),
        RunError::from,
        &format!("orws guardrails get {id}"),
    )
    .await?;
    if let Some(entry) = Record::sent(ws.as_deref().unwrap_or_default(), &requests, &g, &answers) {
        record(conn, &entry.entry(conn.client.state_key()));
    }
    Ok(match output {
        Output::Json => json_pretty(&json!({"deleted": id})),
        Output::Table => format!("deleted guardrail {id}\n"),
    })
}

/// The keys (by hash) and members (by user id) an assignment names.
pub struct Who {
    pub keys: Vec<String>,
    pub members: Vec<String>,
}

/// The requests as a dry run shows them.
fn shown(requests: &[Request]) -> Vec<DryRequest> {
    requests.iter().map(DryRequest::from).collect()
}

/// `orws guardrails assign|unassign ID --key … --member …`: R22 checked first (a workspace
/// guardrail takes only its workspace's keys); an unassignment or a replacing assignment is
/// destructive.
pub async fn assign(
    conn: &Connection,
    output: Output,
    id: &str,
    who: Who,
    adding: bool,
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    let Who { keys, members } = who;
    if keys.is_empty() && members.is_empty() {
        return Err(RunError::usage(
            "name at least one --key HASH or --member USER",
        ));
    }
    let client = &conn.client;
    let g = named(conn, id, "assigned").await?;
    let owner = workspace_of(&g).map(str::to_string);
    let mut key_at = std::collections::HashMap::new();
    if adding {
        for h in &keys {
            let k = crate::write::key::key_now(client, h).await?;
            key_at.insert(h.clone(), k.map(|k| k.workspace_id));
        }
        let broken = guardrails::check_keys_workspace(owner.as_deref(), &keys, &|h| {
            key_at.get(h).cloned().flatten()
        });
        if !broken.is_empty() {
            return Err(RunError::usage(format!(
                "{}; nothing was sent",
                joined(&broken)
            )));
        }
    }
    let (held_keys, held_members) = counts(conn).await?;
    let mut names: std::collections::HashMap<String, String> = Default::default();
    for (_, gid) in held_keys
        .iter()
        .filter(|(k, g)| keys.contains(k) && g != id)
    {
        if let Ok(other) = client.get_named_guardrail(gid).await {
            names.insert(gid.clone(), text(&other, "name").to_string());
        }
    }
    let name_of = |gid: &str| names.get(gid).cloned().unwrap_or_else(|| gid.to_string());
    let key_plan = guardrails::plan_keys(id, &keys, adding, &held_keys, &name_of);
    let member_plan = guardrails::plan_members(id, &members, adding, &held_members);
    let mut lines = Vec::new();
    for (what, plan) in [("key", &key_plan), ("member", &member_plan)] {
        for c in plan.iter() {
            lines.push(
                format!(
                    "{} {what} {} {}",
                    if adding { "assign" } else { "unassign" },
                    c.id,
                    c.note()
                )
                .trim_end()
                .to_string(),
            );
        }
    }
    for l in &lines {
        crate::say::say(l);
    }
    let todo = |plan: &[guardrails::Change]| -> Vec<String> {
        plan.iter()
            .filter(|c| !c.already)
            .map(|c| c.id.clone())
            .collect()
    };
    let (k, m) = (todo(&key_plan), todo(&member_plan));
    let mut requests = Vec::new();
    for (members, ids) in [(false, k), (true, m)] {
        if !ids.is_empty() {
            requests.push(Request::Assign {
                guardrail_id: id.to_string(),
                workspace: owner.clone(),
                members,
                adding,
                ids,
            });
        }
    }
    if requests.is_empty() {
        crate::say::say("nothing to change: every one named already holds it as asked");
        return Ok(super::output::nothing(output));
    }
    if dry {
        return Ok(dry_run(output, &shown(&requests)));
    }
    if guardrails::destructive(adding, &key_plan) || guardrails::destructive(adding, &member_plan) {
        let what = if adding {
            "replace the guardrail these keys hold"
        } else {
            "remove these assignments"
        };
        confirm(
            &format!(
                "{what} on guardrail '{}'?",
                crate::text::escape(text(&g, "name"))
            ),
            yes,
        )?;
    }
    let answers = send(
        client,
        &plan(&requests),
        RunError::from,
        &format!("orws guardrails get {id}"),
    )
    .await?;
    // One entry per request (keys, members), each with its own settled answer.
    for r in &requests {
        let Request::Assign { members, .. } = r else {
            continue;
        };
        let mine: Vec<Answer> = answers
            .iter()
            .filter(|a| matches!(a, Answer::Assigned { members: m, .. } if m == members))
            .cloned()
            .collect();
        if let Some(entry) = Record::sent(
            owner.as_deref().unwrap_or_default(),
            std::slice::from_ref(r),
            &Map::new(),
            &mine,
        ) {
            record(conn, &entry.entry(client.state_key()));
        }
    }
    let ids = |plan: &[guardrails::Change]| -> Vec<String> { todo(plan) };
    Ok(match output {
        Output::Json => json_pretty(&json!({
            "guardrail": id,
            "action": if adding { "assign" } else { "unassign" },
            "keys": ids(&key_plan),
            "members": ids(&member_plan),
        })),
        Output::Table => format!(
            "{} guardrail {id}: {} key(s), {} member(s)\n",
            if adding {
                "assigned to"
            } else {
                "unassigned from"
            },
            ids(&key_plan).len(),
            ids(&member_plan).len()
        ),
    })
}
