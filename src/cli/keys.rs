//! `orws keys list WS`, `orws keys move HASH --to WS`, `orws keys disable|enable|delete HASH`.

use super::Output;
use super::admin_io::{Ended, Request, confirm, dry_run, map, record, seg, workspace, write};
use super::output::{json_pretty, table};
use crate::admin::keys::{Key, KeyPatch, KeyQuery, MOVE_LEAVES_BEHIND};
use crate::connection::Connection;
use crate::error::RunError;
use crate::state::history::Kind;
use crate::text::escape;
use crate::workspace::Workspace;
use crate::write::key::{KeyState, key_now, settle_delete, settle_patch};
use crate::write::record::Record;
use serde_json::{Map, Value, json};

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

/// What a key's history entry keeps of it as it was seen before the write (the TUI records the
/// same): its place, state, name and label.
fn seen(key: &Key) -> Map<String, Value> {
    map(json!({
        "workspace_id": key.workspace_id, "disabled": key.disabled,
        "key_name": key.name, "key_label": key.label,
    }))
}

fn patch_request(hash: &str, patch: &KeyPatch) -> Request {
    Request::new(
        "PATCH",
        format!("/keys/{}", seg(hash)),
        serde_json::to_value(patch).ok(),
    )
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
        super::say::say(&format!(
            "nothing to change: the key is already in {}",
            escape(target.slug())
        ));
        return Ok(if output == Output::Json {
            "{}\n".into()
        } else {
            String::new()
        });
    }
    super::say::say(MOVE_LEAVES_BEHIND);
    let patch = KeyPatch {
        workspace_id: Some(target.id().to_string()),
        disabled: None,
    };
    if dry {
        return Ok(dry_run(output, &[patch_request(hash, &patch)]));
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
    let base = KeyState::from(&key);
    let recheck = || async {
        let now = key_now(client, hash).await?;
        Ok(settle_patch(
            &base,
            &patch,
            now.as_ref().map(KeyState::from).as_ref(),
        ))
    };
    write(
        || client.patch_key(hash, &patch),
        recheck,
        RunError::from,
        &format!("orws keys list {}", target.id()),
    )
    .await?;
    record(
        conn,
        &Record::requests(
            Kind::Keys,
            from.id(),
            Some(hash.to_string()),
            vec![patch_request(hash, &patch).to_history()],
            seen(&key),
            map(json!({"workspace_id": target.id()})),
        )
        .entry(client.host()),
    );
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
    let client = &conn.client;
    let (key, ws) = locate(conn, hash).await?;
    let word = if disabled { "disabled" } else { "enabled" };
    if key.disabled == disabled {
        super::say::say(&format!("nothing to change: the key is already {word}"));
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
    if dry {
        return Ok(dry_run(output, &[patch_request(hash, &patch)]));
    }
    let base = KeyState::from(&key);
    let recheck = || async {
        let now = key_now(client, hash).await?;
        Ok(settle_patch(
            &base,
            &patch,
            now.as_ref().map(KeyState::from).as_ref(),
        ))
    };
    write(
        || client.patch_key(hash, &patch),
        recheck,
        RunError::from,
        &format!("orws keys list {}", ws.id()),
    )
    .await?;
    record(
        conn,
        &Record::requests(
            Kind::Keys,
            ws.id(),
            Some(hash.to_string()),
            vec![patch_request(hash, &patch).to_history()],
            seen(&key),
            map(json!({"disabled": disabled})),
        )
        .entry(client.host()),
    );
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
    let client = &conn.client;
    let (key, ws) = locate(conn, hash).await?;
    super::say::say("deleting a key cannot be undone; anything using it stops working");
    if dry {
        return Ok(dry_run(
            output,
            &[Request::new("DELETE", format!("/keys/{}", seg(hash)), None)],
        ));
    }
    confirm(
        &format!(
            "Delete key '{}' in '{}'?",
            escape(&key.name),
            escape(ws.slug())
        ),
        yes,
    )?;
    let base = KeyState::from(&key);
    let recheck = || async {
        let now = key_now(client, hash).await?;
        Ok(settle_delete(
            &base,
            now.as_ref().map(KeyState::from).as_ref(),
        ))
    };
    if let Ended::AfterAll = write(
        || client.delete_key(hash),
        recheck,
        RunError::from,
        &format!("orws keys list {}", ws.id()),
    )
    .await?
    {
        super::say::say("the key is gone");
    }
    record(
        conn,
        &Record::requests(
            Kind::Delete,
            ws.id(),
            Some(hash.to_string()),
            vec![Request::new("DELETE", format!("/keys/{}", seg(hash)), None).to_history()],
            seen(&key),
            Map::new(),
        )
        .entry(client.host()),
    );
    Ok(match output {
        Output::Json => json_pretty(&json!({"deleted": true, "hash": hash})),
        Output::Table => format!("deleted {}\n", escape(&key.name)),
    })
}
