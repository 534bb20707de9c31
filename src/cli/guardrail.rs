//! `orws guardrail get WS`, `orws guardrail patch WS --set/--set-json FIELD=VALUE`: the
//! workspace's default guardrail (R14, R15).

use super::Output;
use super::admin_io::{Request as DryRequest, dry_run, record, send, workspace};
use super::output::{cell, json_pretty, table};
use crate::admin::guardrail::{
    GUARDRAIL_FIELDS, GuardrailKind, check_field, kind, not_the_default_of, patch, wrote_other_text,
};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::joined;
use crate::workspace::Workspace;
use crate::write::record::Record;
use crate::write::request::{Answer, Request};
use crate::write::send::{Base, Plan};
use serde_json::{Map, Value, json};

const NOT_CONFIGURED: &str = "not configured: the account's policy applies";

fn guardrail_id(ws: &Workspace) -> Result<String, RunError> {
    ws.get("default_guardrail_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            RunError::api(format!(
                "workspace '{}' names no default guardrail (default_guardrail_id is empty)",
                ws.slug()
            ))
        })
}

pub async fn get(conn: &Connection, output: Output, asked: &str) -> Result<String, RunError> {
    let ws = workspace(&conn.client, asked).await?;
    let id = guardrail_id(&ws)?;
    let g = conn.client.get_guardrail(&id).await?;
    if let Some(why) = g.as_ref().and_then(|g| not_the_default_of(g, ws.id())) {
        return Err(RunError::api(why));
    }
    Ok(match (output, g) {
        (Output::Json, None) => json_pretty(&json!({"id": id, "configured": false})),
        (Output::Json, Some(g)) => json_pretty(&Value::Object(g)),
        (Output::Table, None) => format!("{NOT_CONFIGURED}\n"),
        (Output::Table, Some(g)) => {
            let rows: Vec<Vec<String>> = std::iter::once("name")
                .chain(GUARDRAIL_FIELDS.iter().map(|(f, _)| *f))
                .map(|f| vec![f.to_string(), cell(g.get(f), 60)])
                .collect();
            table(&["FIELD", "VALUE"], &rows)
        }
    })
}

/// One value typed on the command line, by the field's kind.
pub(super) fn parse_value(field: &str, k: GuardrailKind, text: &str) -> Result<Value, RunError> {
    let t = text.trim();
    let bad = |what: &str| RunError::usage(format!("--set {field}: {what} (got '{text}')"));
    Ok(match k {
        _ if t == "null" || (k == GuardrailKind::TriState && t == "inherit") => Value::Null,
        GuardrailKind::List if t.is_empty() || t == "[]" => Value::Array(vec![]),
        GuardrailKind::List => Value::Array(
            t.split(',')
                .map(|s| Value::String(s.trim().to_string()))
                .collect(),
        ),
        GuardrailKind::TriState | GuardrailKind::Bool => match t {
            "true" | "on" => Value::Bool(true),
            "false" | "off" => Value::Bool(false),
            _ => return Err(bad("expected true, false or null (inherit)")),
        },
        GuardrailKind::Limit => {
            serde_json::from_str::<Value>(t).map_err(|_| bad("expected a number or null"))?
        }
        GuardrailKind::ResetInterval => Value::String(t.to_string()),
    })
}

/// The fields asked for, each checked against the guardrail's rules before any request.
pub fn parse_sets(sets: &[String], set_json: &[String]) -> Result<Map<String, Value>, RunError> {
    super::patch::sets_map(sets, set_json, |flag, name, text, is_json| {
        let name = name.trim();
        let k = kind(name).ok_or_else(|| {
            let rule = if name == "name" {
                crate::admin::guardrail::GuardrailRule::NameFixed
            } else {
                crate::admin::guardrail::GuardrailRule::UnknownField(name.to_string())
            };
            let names: Vec<&str> = GUARDRAIL_FIELDS.iter().map(|(f, _)| *f).collect();
            RunError::usage(format!("{rule}; the fields are: {}", names.join(", ")))
        })?;
        let value = if is_json {
            serde_json::from_str(text)
                .map_err(|e| RunError::usage(format!("{flag} {name}: not valid JSON ({e})")))?
        } else {
            parse_value(name, k, text)?
        };
        if let Some(rule) = check_field(name, &value).first() {
            return Err(RunError::usage(rule.to_string()));
        }
        Ok((name.to_string(), value))
    })
}

/// Sends the PATCH `body` of the default guardrail `id` of workspace `ws` through the core's
/// one send and records it: the guardrail must be the workspace's default one (one not
/// configured yet: the workspace, read again by uuid, must name it still), settled three ways
/// against `base`, and an answer naming another workspace read again by its id. `read_again`:
/// `base` was read earlier (a plan), so the guardrail is read again first and another writer's
/// change to what the body changes is a conflict, nothing sent. The fields the body changes,
/// before and after.
pub(super) async fn send_patch(
    conn: &Connection,
    ws: &str,
    id: &str,
    base: Option<&Map<String, Value>>,
    body: &Map<String, Value>,
    read_again: bool,
) -> Result<(Map<String, Value>, Map<String, Value>), RunError> {
    let client = &conn.client;
    let requests = [Request::Guardrail {
        workspace: ws.to_string(),
        guardrail_id: id.to_string(),
        patch: body.clone(),
    }];
    let plan = Plan {
        requests: &requests,
        base: Some(Base::Guardrail(base)),
        read_again,
        ..Plan::default()
    };
    let how = format!("orws guardrail get {ws}");
    let answers = send(client, &plan, RunError::from, &how).await?;
    // A PATCH that landed is answered with the guardrail as it made it (and whose it is).
    let (after, owner) = answers
        .into_iter()
        .find_map(|a| match a {
            Answer::Guardrail {
                guardrail,
                elsewhere,
            } => Some((Some(*guardrail), elsewhere)),
            _ => None,
        })
        .unwrap_or_default();
    // Whose guardrail was written: another workspace's is recorded as theirs (so its undo goes
    // there) and said, with its undo.
    let entry = Record::guardrail(
        owner.as_deref().unwrap_or(ws),
        id,
        body,
        base,
        after.as_ref(),
    )
    .entry(client.state_key());
    let (before, after) = (entry.before.clone(), entry.after.clone());
    record(conn, &entry);
    if let Some(owner) = owner {
        let short = super::history::short_id(&entry.id);
        return Err(RunError::api(format!(
            "{}; recorded as history entry {short}: undo it with `orws revert {short}`",
            wrote_other_text(&owner, ws)
        )));
    }
    Ok((before, after))
}

pub async fn patch_cmd(
    conn: &Connection,
    output: Output,
    asked: &str,
    sets: Map<String, Value>,
    dry: bool,
) -> Result<String, RunError> {
    patch_guardrail_of(conn, output, asked, sets, dry, None).await
}

/// `patch_cmd`, and when `expected` names a guardrail id (an undo), only if the workspace's
/// default guardrail is still that one.
pub async fn patch_guardrail_of(
    conn: &Connection,
    output: Output,
    asked: &str,
    sets: Map<String, Value>,
    dry: bool,
    expected: Option<&str>,
) -> Result<String, RunError> {
    let client = &conn.client;
    let ws = workspace(client, asked).await?;
    let id = guardrail_id(&ws)?;
    if let Some(want) = expected
        && want != id
    {
        return Err(RunError::conflict(format!(
            "the default guardrail of workspace '{}' is now '{id}', not '{want}'; nothing was sent",
            crate::text::escape(ws.slug())
        )));
    }
    // Read just now: this is the base, and the conflict check is that nothing else is in between.
    let base = client.get_guardrail(&id).await?;
    // A guardrail that is another workspace's is never written in this one's name (checked
    // here so that a dry run refuses it too; the core's send checks it before the PATCH).
    if let Some(why) = base.as_ref().and_then(|g| not_the_default_of(g, ws.id())) {
        return Err(RunError::api(format!("{why}; nothing was sent")));
    }
    let mut target = base.clone().unwrap_or_default();
    for (k, v) in &sets {
        target.insert(k.clone(), v.clone());
    }
    let body = patch(base.as_ref(), &target)
        .map_err(|broken| RunError::usage(format!("{}; nothing was sent", joined(&broken))))?;
    if body.is_empty() {
        crate::say::say("nothing to change: the guardrail already holds these values");
        return Ok(super::output::nothing(output));
    }
    if base.is_none() {
        crate::say::say(&format!(
            "the guardrail is {NOT_CONFIGURED}; this first write creates it"
        ));
    }
    let requests = [Request::Guardrail {
        workspace: ws.id().to_string(),
        guardrail_id: id.clone(),
        patch: body.clone(),
    }];
    if dry {
        let shown: Vec<DryRequest> = requests.iter().map(DryRequest::from).collect();
        return Ok(dry_run(output, &shown));
    }
    let (before, after) = send_patch(conn, ws.id(), &id, base.as_ref(), &body, false).await?;
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
