//! `orws keys create WS`, `keys get HASH`, `keys edit HASH --set …`, `keys audit [WS|--all]`
//! (product.md §12, §15). A new key's secret goes to exactly one place ([`super::secret`]).

use super::Output;
use super::admin_io::{Request as DryRequest, dry_run, record, send, workspace};
use super::output::{csv_cell, json_pretty, table};
use super::secret::Destination;
use crate::admin::key_labels::{self, ALL, KeyCreate, KeyEdit, Label};
use crate::admin::keys::{Key, KeyQuery};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::write::record::{Record, key_seen};
use crate::write::request::{Answer, Request};
use crate::write::send::Plan;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// What `keys create` was given.
#[derive(Debug, Clone)]
pub struct CreateArgs {
    pub workspace: String,
    pub name: String,
    pub limit: Option<String>,
    pub limit_reset: Option<String>,
    pub expires: Option<String>,
    pub include_byok_in_limit: bool,
    pub destination: Destination,
}

fn number(v: Option<f64>) -> String {
    v.map_or("-".into(), |n| n.to_string())
}

fn now(conn: &Connection) -> time::OffsetDateTime {
    conn.client.server_time(time::OffsetDateTime::now_utc())
}

/// Everything checked before any request: the values, JSON output only with a file or a
/// command, the destination (exit 2 when any is wrong).
fn body_of(args: &CreateArgs, workspace_id: &str) -> Result<KeyCreate, RunError> {
    let usage = |flag: &str, e: String| RunError::usage(format!("{flag}: {e}; nothing was sent"));
    if args.name.trim().is_empty() {
        return Err(RunError::usage("--name cannot be empty; nothing was sent"));
    }
    let limit = match &args.limit {
        Some(l) => Some(key_labels::parse_limit(l).map_err(|e| usage("--limit", e))?),
        None => None,
    };
    let limit_reset = match &args.limit_reset {
        Some(r) => Some(key_labels::parse_reset(r).map_err(|e| usage("--limit-reset", e))?),
        None => None,
    };
    let expires_at = match &args.expires {
        Some(t) => Some(
            key_labels::parse_expiry(t, time::OffsetDateTime::now_utc())
                .map_err(|e| usage("--expires", e))?,
        ),
        None => None,
    };
    Ok(KeyCreate {
        name: args.name.clone(),
        workspace_id: workspace_id.to_string(),
        limit,
        limit_reset,
        include_byok_in_limit: args.include_byok_in_limit.then_some(true),
        expires_at,
    })
}

/// Checks that need no server, before anything is read or sent.
pub fn precheck(args: &CreateArgs, output: Output) -> Result<(), RunError> {
    if output == Output::Json && args.destination == Destination::Stdout {
        return Err(RunError::usage(
            "--output json prints the key without its secret: give --secret-file PATH or --secret-cmd CMD for the secret; nothing was sent",
        ));
    }
    body_of(args, "")?;
    args.destination.check()
}

pub async fn create(
    conn: &Connection,
    output: Output,
    args: &CreateArgs,
    dry: bool,
) -> Result<String, RunError> {
    precheck(args, output)?;
    let ws = workspace(&conn.client, &args.workspace).await?;
    let body = body_of(args, ws.id())?;
    let requests = [Request::CreateKey { body }];
    if dry {
        return Ok(dry_run(output, &[DryRequest::from(&requests[0])]));
    }
    let plan = Plan {
        requests: &requests,
        ..Plan::default()
    };
    let how = format!("orws keys audit {}", ws.id());
    let answers = send(&conn.client, &plan, RunError::from, &how).await?;
    if let Some(r) = Record::sent(ws.id(), &requests, &Map::new(), &answers) {
        record(conn, &r.entry(conn.client.state_key()));
    }
    let Some((key, secret)) = answers.into_iter().find_map(|a| match a {
        Answer::KeyCreated { key, secret } => Some((key, secret)),
        _ => None,
    }) else {
        return Err(RunError::api("the server's answer names no key created"));
    };
    let Some(secret) = secret else {
        return Err(RunError::api(format!(
            "key {} ({}) was created, but the answer holding its secret was lost and the secret cannot be read again: delete it with `orws keys delete {}` and create another",
            key.hash,
            escape(&key.name),
            key.hash
        )));
    };
    let made = format!(
        "created key {} ({}) in {}",
        escape(&key.name),
        key.hash,
        escape(ws.slug())
    );
    match args.destination.deliver(&secret) {
        Ok(Some(stdout)) => {
            crate::say::say(&made);
            if std::io::stdout().is_terminal() {
                crate::say::warn(
                    "the secret is shown on the terminal below, once: store it now (--secret-file or --secret-cmd keep it off the screen)",
                );
            }
            Ok(stdout)
        }
        Ok(None) => {
            let went = format!("{made}; its secret went to {}", args.destination.describe());
            Ok(match output {
                Output::Json => json_pretty(&serde_json::to_value(&*key).unwrap_or(Value::Null)),
                Output::Table => format!("{went}\n"),
            })
        }
        Err(why) => lost_destination(conn, &key, &ws, &secret, &why).await,
    }
}

/// The destination failed after the key was made: the secret on the terminal (stderr) when
/// there is one, else the key just made is deleted. Exit 1 either way.
async fn lost_destination(
    conn: &Connection,
    key: &Key,
    ws: &crate::workspace::Workspace,
    secret: &key_labels::Secret,
    why: &str,
) -> Result<String, RunError> {
    if std::io::stderr().is_terminal() {
        eprintln!(
            "orws: {why}; the secret of key {} is shown here, once, instead:\n{}",
            key.hash,
            secret.expose()
        );
        return Err(RunError::api(format!(
            "key {} was created but its secret could not go where asked ({why}); it was shown on the terminal",
            key.hash
        )));
    }
    let requests = [Request::DeleteKey {
        hash: key.hash.clone(),
    }];
    let plan = Plan {
        requests: &requests,
        key_at: Some(&key.workspace_id),
        ..Plan::default()
    };
    let how = format!("orws keys list {}", ws.id());
    let deleted = send(&conn.client, &plan, RunError::from, &how).await;
    match deleted {
        Ok(answers) => {
            if let Some(r) = Record::sent(ws.id(), &requests, &key_seen(key), &answers) {
                record(conn, &r.entry(conn.client.state_key()));
            }
            Err(RunError::api(format!(
                "the secret of the new key could not go where asked ({why}) and there is no terminal to show it on: key {} was deleted again",
                key.hash
            )))
        }
        Err(e) => Err(RunError::api(format!(
            "the secret of the new key could not go where asked ({why}) and there is no terminal to show it on; deleting key {} failed too ({e}): delete it with `orws keys delete {}`",
            key.hash, key.hash
        ))),
    }
}

/// `keys get HASH`: the key as `GET /keys/{hash}` has it (no `last_used_at`, so no idle label).
pub async fn get(conn: &Connection, output: Output, hash: &str) -> Result<String, RunError> {
    let (key, ws) = super::keys::locate(conn, hash).await?;
    let labels = key_labels::labels(&key, now(conn));
    Ok(match output {
        Output::Json => json_pretty(&key_labels::with_labels(&key, &labels)),
        Output::Table => {
            let extra = |f: &str| match key.extra.get(f) {
                None | Some(Value::Null) => "-".to_string(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            let rows = vec![
                vec!["hash".into(), key.hash.clone()],
                vec!["name".into(), key.name.clone()],
                vec!["label".into(), key.label.clone()],
                vec![
                    "workspace".into(),
                    format!("{} ({})", ws.slug(), key.workspace_id),
                ],
                vec![
                    "disabled".into(),
                    if key.disabled { "yes" } else { "no" }.into(),
                ],
                vec!["limit".into(), number(key.limit)],
                vec!["limit_reset".into(), extra("limit_reset")],
                vec![
                    "include_byok_in_limit".into(),
                    extra("include_byok_in_limit"),
                ],
                vec!["usage".into(), key.usage.to_string()],
                vec![
                    "expires_at".into(),
                    key.expires_at.clone().unwrap_or("-".into()),
                ],
                vec!["created_at".into(), extra("created_at")],
                vec!["labels".into(), join(&labels)],
            ];
            table(&["FIELD", "VALUE"], &rows)
        }
    })
}

fn join(labels: &[Label]) -> String {
    labels
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `keys edit HASH --set FIELD=VALUE…`: only the fields that change are sent; an edit back is
/// its undo.
pub async fn edit(
    conn: &Connection,
    output: Output,
    hash: &str,
    sets: &[String],
    dry: bool,
) -> Result<String, RunError> {
    if sets.is_empty() {
        return Err(RunError::usage(
            "give at least one --set FIELD=VALUE (name, limit, limit_reset, include_byok_in_limit)",
        ));
    }
    let mut asked = KeyEdit::default();
    for s in sets {
        key_labels::set_field(&mut asked, s)
            .map_err(|e| RunError::usage(format!("--set {}: {e}; nothing was sent", escape(s))))?;
    }
    edit_to(conn, output, hash, &asked, dry).await
}

/// A key's fields to `asked` (the CLI's edit, and the undo of one).
pub async fn edit_to(
    conn: &Connection,
    output: Output,
    hash: &str,
    asked: &KeyEdit,
    dry: bool,
) -> Result<String, RunError> {
    let (key, _) = super::keys::locate(conn, hash).await?;
    // The minimal edit: a field already holding its value is not sent.
    let held = key_labels::held(&key, &asked.to_map());
    let changed: Map<String, Value> = asked
        .to_map()
        .into_iter()
        .filter(|(f, v)| !key_labels::same(&held[f], v))
        .collect();
    let edit = KeyEdit::from_map(&changed).unwrap_or_default();
    if edit.is_empty() {
        crate::say::say("nothing to change: the key already holds these values");
        return Ok(if output == Output::Json {
            "{}\n".into()
        } else {
            String::new()
        });
    }
    let requests = [Request::EditKey {
        hash: hash.to_string(),
        edit: edit.clone(),
    }];
    if dry {
        return Ok(dry_run(output, &[DryRequest::from(&requests[0])]));
    }
    let plan = Plan {
        requests: &requests,
        key_at: Some(&key.workspace_id),
        ..Plan::default()
    };
    let how = format!("orws keys get {hash}");
    let answers = send(&conn.client, &plan, RunError::from, &how).await?;
    let mut seen = key_seen(&key);
    seen.extend(key_labels::held(&key, &edit.to_map()));
    if let Some(r) = Record::sent(&key.workspace_id, &requests, &seen, &answers) {
        record(conn, &r.entry(conn.client.state_key()));
    }
    let after = answers.iter().find_map(|a| match a {
        Answer::Key(k) => Some(k.clone()),
        _ => None,
    });
    Ok(match output {
        Output::Json => json_pretty(
            &after
                .map(|k| serde_json::to_value(&*k).unwrap_or(Value::Null))
                .unwrap_or(json!({"hash": hash})),
        ),
        Output::Table => {
            let mut out = format!("edited {}\n", escape(&key.name));
            for (f, v) in edit.to_map() {
                out.push_str(&format!("  {f}: {} → {v}\n", held[&f]));
            }
            out
        }
    })
}

/// How `keys audit` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    Table,
    Json,
    Csv,
}

/// `keys audit [WS]`: every key (of `WS`, else of every workspace) with its labels, and a
/// count per label.
pub async fn audit(
    conn: &Connection,
    format: AuditFormat,
    asked: Option<&str>,
) -> Result<String, RunError> {
    let workspaces = match asked {
        Some(w) => vec![workspace(&conn.client, w).await?],
        None => conn.client.list().await?,
    };
    let mut rows: Vec<(String, Key, Vec<Label>)> = Vec::new();
    for ws in &workspaces {
        let keys = conn.client.list_keys(&KeyQuery::all_in(ws.id())).await?;
        let at = now(conn);
        for k in keys {
            let labels = key_labels::labels(&k, at);
            rows.push((ws.slug().to_string(), k, labels));
        }
    }
    let mut counts: BTreeMap<Label, usize> = ALL.iter().map(|l| (*l, 0)).collect();
    for (_, _, labels) in &rows {
        for l in labels {
            *counts.entry(*l).or_default() += 1;
        }
    }
    let extra = |k: &Key, f: &str| match k.extra.get(f) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    Ok(match format {
        AuditFormat::Json => {
            let keys: Vec<Value> = rows
                .iter()
                .map(|(slug, k, l)| {
                    let mut v = key_labels::with_labels(k, l);
                    v["workspace_slug"] = json!(slug);
                    v
                })
                .collect();
            let counts: Map<String, Value> = counts
                .iter()
                .map(|(l, n)| (l.as_str().to_string(), json!(n)))
                .collect();
            json_pretty(&json!({"keys": keys, "counts": counts}))
        }
        AuditFormat::Csv => {
            let mut out = String::from(
                "workspace,hash,name,disabled,limit,usage,expires_at,last_used_at,labels\n",
            );
            for (slug, k, l) in &rows {
                let cells = [
                    slug.clone(),
                    k.hash.clone(),
                    k.name.clone(),
                    k.disabled.to_string(),
                    k.limit.map(|l| l.to_string()).unwrap_or_default(),
                    k.usage.to_string(),
                    k.expires_at.clone().unwrap_or_default(),
                    extra(k, "last_used_at"),
                    l.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(";"),
                ];
                let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            crate::say::say(&count_line(&counts));
            out
        }
        AuditFormat::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|(slug, k, l)| {
                    vec![
                        slug.clone(),
                        k.name.clone(),
                        k.hash.chars().take(12).collect(),
                        number(k.limit),
                        k.usage.to_string(),
                        k.expires_at.clone().unwrap_or("-".into()),
                        match extra(k, "last_used_at") {
                            s if s.is_empty() => "-".into(),
                            s => s,
                        },
                        join(l),
                    ]
                })
                .collect();
            let mut out = table(
                &[
                    "WORKSPACE",
                    "NAME",
                    "HASH",
                    "LIMIT",
                    "USAGE",
                    "EXPIRES",
                    "LAST USED",
                    "LABELS",
                ],
                &body,
            );
            out.push('\n');
            let count_rows: Vec<Vec<String>> = counts
                .iter()
                .map(|(l, n)| vec![l.as_str().to_string(), n.to_string()])
                .collect();
            out.push_str(&table(&["LABEL", "KEYS"], &count_rows));
            out
        }
    })
}

fn count_line(counts: &BTreeMap<Label, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(l, n)| format!("{l}: {n}")).collect();
    format!("keys per label: {}", parts.join(", "))
}
