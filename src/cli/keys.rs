//! `orws keys list WS`, `orws keys move HASH --to WS`, `orws keys disable|enable|delete HASH`.

use super::Output;
use super::admin_io::{Request as DryRequest, confirm, dry_run, record, send, workspace};
use super::output::{json_pretty, table};
use crate::admin::keys::{Key, KeyPatch, KeyQuery, MOVE_LEAVES_BEHIND};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::workspace::Workspace;
use crate::write::record::{Record, key_seen};
use crate::write::request::{Answer, Request};
use crate::write::send::Plan;
use serde_json::{Value, json};

fn key_json(key: &Key) -> Value {
    serde_json::to_value(key).unwrap_or(Value::Null)
}

fn number(v: Option<f64>) -> String {
    v.map_or("-".into(), |n| n.to_string())
}

pub async fn list(conn: &Connection, output: Output, asked: &str) -> Result<String, RunError> {
    let ws = workspace(&conn.client, asked).await?;
    let keys = conn.client.list_keys(&KeyQuery::all_in(ws.id())).await?;
    Ok(match output {
        Output::Json => json_pretty(&Value::Array(keys.iter().map(key_json).collect())),
        Output::Table => table(
            &["HASH", "NAME", "LABEL", "DISABLED", "USAGE", "LIMIT"],
            &keys
                .iter()
                .map(|k| {
                    vec![
                        k.hash.clone(),
                        k.name.clone(),
                        k.label.clone(),
                        if k.disabled { "yes" } else { "no" }.into(),
                        k.usage.to_string(),
                        number(k.limit),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    })
}

/// The key with this hash and the workspace it is in: one `GET /keys/{hash}` (never a scan of
/// every workspace), then that workspace by its uuid. No such key is exit 1, nothing sent.
pub(super) async fn locate(conn: &Connection, hash: &str) -> Result<(Key, Workspace), RunError> {
    let Some(key) = conn.client.get_key(hash).await? else {
        return Err(RunError::api(format!(
            "no API key with the hash '{hash}' exists; nothing was sent"
        )));
    };
    let ws = workspace(&conn.client, &key.workspace_id).await?;
    Ok((key, ws))
}

/// A key write's plan, sent from where the key was read (it must still be there right before
/// the request, else nothing is sent), then recorded: the one send and the one history entry
/// of both front ends. The answers, as settled.
async fn write_key(
    conn: &Connection,
    key: &Key,
    request: Request,
    how: &str,
) -> Result<Vec<Answer>, RunError> {
    let requests = [request];
    let plan = Plan {
        requests: &requests,
        key_at: Some(&key.workspace_id),
        ..Plan::default()
    };
    let answers = send(&conn.client, &plan, RunError::from, how).await?;
    if let Some(r) = Record::sent(&key.workspace_id, &requests, &key_seen(key), &answers) {
        record(conn, &r.entry(conn.client.state_key()));
    }
    Ok(answers)
}

fn dry_run_of(output: Output, request: &Request) -> String {
    dry_run(output, &[DryRequest::from(request)])
}

pub async fn move_key(
    conn: &Connection,
    output: Output,
    hash: &str,
    to: &str,
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    let client = &conn.client;
    let (key, from) = locate(conn, hash).await?;
    let target = workspace(client, to).await?;
    if target.id() == from.id() {
        crate::say::say(&format!(
            "nothing to change: the key is already in {}",
            escape(target.slug())
        ));
        return Ok(if output == Output::Json {
            "{}\n".into()
        } else {
            String::new()
        });
    }
    crate::say::say(MOVE_LEAVES_BEHIND);
    let patch = KeyPatch {
        workspace_id: Some(target.id().to_string()),
        disabled: None,
    };
    let request = Request::PatchKey {
        hash: hash.to_string(),
        patch,
    };
    if dry {
        return Ok(dry_run_of(output, &request));
    }
    confirm(
        &format!(
            "Move key '{}' from '{}' to '{}'?",
            escape(&key.name),
            escape(from.slug()),
            escape(target.slug())
        ),
        yes,
    )?;
    write_key(
        conn,
        &key,
        request,
        &format!("orws keys list {}", target.id()),
    )
    .await?;
    Ok(match output {
        Output::Json => json_pretty(&json!({
            "hash": hash, "from": from.id(), "to": target.id(),
        })),
        Output::Table => format!(
            "moved {} from {} to {}\n",
            escape(&key.name),
            escape(from.slug()),
            escape(target.slug())
        ),
    })
}

pub async fn set_disabled(
    conn: &Connection,
    output: Output,
    hash: &str,
    disabled: bool,
    dry: bool,
) -> Result<String, RunError> {
    let (key, ws) = locate(conn, hash).await?;
    let word = if disabled { "disabled" } else { "enabled" };
    if key.disabled == disabled {
        crate::say::say(&format!("nothing to change: the key is already {word}"));
        return Ok(if output == Output::Json {
            "{}\n".into()
        } else {
            String::new()
        });
    }
    let patch = KeyPatch {
        workspace_id: None,
        disabled: Some(disabled),
    };
    let request = Request::PatchKey {
        hash: hash.to_string(),
        patch,
    };
    if dry {
        return Ok(dry_run_of(output, &request));
    }
    write_key(conn, &key, request, &format!("orws keys list {}", ws.id())).await?;
    Ok(match output {
        Output::Json => json_pretty(&json!({"hash": hash, "disabled": disabled})),
        Output::Table => format!("{word} {}\n", escape(&key.name)),
    })
}

pub async fn delete(
    conn: &Connection,
    output: Output,
    hash: &str,
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    let (key, ws) = locate(conn, hash).await?;
    crate::say::say("deleting a key cannot be undone; anything using it stops working");
    let request = Request::DeleteKey {
        hash: hash.to_string(),
    };
    if dry {
        return Ok(dry_run_of(output, &request));
    }
    confirm(
        &format!(
            "Delete key '{}' in '{}'?",
            escape(&key.name),
            escape(ws.slug())
        ),
        yes,
    )?;
    write_key(conn, &key, request, &format!("orws keys list {}", ws.id())).await?;
    Ok(match output {
        Output::Json => json_pretty(&json!({"deleted": true, "hash": hash})),
        Output::Table => format!("deleted {}\n", escape(&key.name)),
    })
}
