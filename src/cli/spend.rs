//! `orws spend [WS|--all] [--days N] [--by day|model|key]`: what was spent, from `/activity`
//! (the last 30 completed UTC days, R29), with the account's credits left in the footer
//! (product.md §14, §15 "Spend"). Reads only.

use super::output::{csv_cell, json_pretty, table};
use crate::admin::keys::KeyQuery;
use crate::admin::spend::{ActivityRow, ymd};
use crate::api::ActivityQuery;
use crate::connection::Connection;
use crate::error::RunError;
use futures_util::{StreamExt, stream};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// How the rows are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Day,
    Model,
    Key,
}

/// How the answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// At most this many `/activity` calls at once for `--by key` (one per key).
const CONCURRENCY: usize = 4;

/// What a line sums over: its date, workspace, model and key, as `--by` uses them.
type Group = (Option<String>, String, Option<String>, Option<String>);

/// One line of the answer: the columns `--by` uses, and the dollars.
struct Line {
    date: Option<String>,
    workspace_id: String,
    model: Option<String>,
    key: Option<String>,
    usd: f64,
}

pub async fn spend(
    conn: &Connection,
    format: Format,
    workspace: Option<&str>,
    days: u8,
    by: By,
) -> Result<String, RunError> {
    if !(1..=30).contains(&days) {
        return Err(RunError::usage(format!(
            "--days must be 1 to 30 (the API keeps the last 30 completed days; got {days})"
        )));
    }
    let client = &conn.client;
    let listed = client.list().await?;
    let only = match workspace {
        Some(asked) => Some(super::admin_io::workspace(client, asked).await?),
        None => None,
    };
    let slugs: BTreeMap<String, String> = listed
        .iter()
        .chain(only.iter())
        .map(|w| (w.id().to_string(), w.slug().to_string()))
        .collect();
    let today = client.server_time(time::OffsetDateTime::now_utc()).date();
    let since = today - time::Duration::days(i64::from(days));
    let in_range = |r: &ActivityRow| r.date >= since && r.date < today;
    let workspace_id = only.as_ref().map(|w| w.id().to_string());
    let mut sums: BTreeMap<Group, f64> = BTreeMap::new();
    match by {
        By::Day | By::Model => {
            let rows = client
                .activity(&ActivityQuery {
                    workspace_id: workspace_id.clone(),
                    api_key_hash: None,
                })
                .await?;
            for r in rows.iter().filter(|r| in_range(r)) {
                let (date, model) = match by {
                    By::Day => (Some(ymd(r.date)), None),
                    _ => (None, Some(r.model.clone())),
                };
                *sums
                    .entry((date, r.workspace_id.clone(), model, None))
                    .or_default() += r.usage;
            }
        }
        By::Key => {
            let spaces: Vec<String> = match &workspace_id {
                Some(id) => vec![id.clone()],
                None => slugs.keys().cloned().collect(),
            };
            let mut keys = Vec::new();
            for ws in &spaces {
                keys.extend(client.list_keys(&KeyQuery::all_in(ws)).await?);
            }
            // One call per key, a few at a time (the API sums per key only when asked by one).
            let answers: Vec<_> = stream::iter(keys.iter().map(|k| async move {
                let rows = client
                    .activity(&ActivityQuery {
                        workspace_id: Some(k.workspace_id.clone()),
                        api_key_hash: Some(k.hash.clone()),
                    })
                    .await;
                (k, rows)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
            for (k, rows) in answers {
                let usd: f64 = rows?.iter().filter(|r| in_range(r)).map(|r| r.usage).sum();
                let label = if k.name.is_empty() {
                    k.hash.clone()
                } else {
                    format!("{} ({})", k.name, &k.hash[..k.hash.len().min(12)])
                };
                *sums
                    .entry((None, k.workspace_id.clone(), None, Some(label)))
                    .or_default() += usd;
            }
        }
    }
    let lines: Vec<Line> = sums
        .into_iter()
        .map(|((date, workspace_id, model, key), usd)| Line {
            date,
            workspace_id,
            model,
            key,
            usd: (usd * 1e6).round() / 1e6,
        })
        .collect();
    let slug = |id: &str| slugs.get(id).cloned().unwrap_or_else(|| "-".into());
    let columns: Vec<&str> = match by {
        By::Day => vec!["date", "workspace_id", "slug", "usd"],
        By::Model => vec!["workspace_id", "slug", "model", "usd"],
        By::Key => vec!["workspace_id", "slug", "key", "usd"],
    };
    let cells = |l: &Line| -> Vec<String> {
        columns
            .iter()
            .map(|c| match *c {
                "date" => l.date.clone().unwrap_or_default(),
                "workspace_id" => l.workspace_id.clone(),
                "slug" => slug(&l.workspace_id),
                "model" => l.model.clone().unwrap_or_default(),
                "key" => l.key.clone().unwrap_or_default(),
                _ => format!("{:.2}", l.usd),
            })
            .collect()
    };
    Ok(match format {
        Format::Json => json_pretty(&Value::Array(
            lines
                .iter()
                .map(|l| {
                    let mut m = Map::new();
                    for (c, v) in columns.iter().zip(cells(l)) {
                        m.insert(c.to_string(), json!(v));
                    }
                    m.insert("usd".into(), json!(l.usd));
                    Value::Object(m)
                })
                .collect(),
        )),
        Format::Csv => {
            let mut out = columns.join(",");
            out.push('\n');
            for l in &lines {
                let row: Vec<String> = cells(l).iter().map(|c| csv_cell(c)).collect();
                out.push_str(&row.join(","));
                out.push('\n');
            }
            out
        }
        Format::Table => {
            let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let rows: Vec<Vec<String>> = lines.iter().map(cells).collect();
            let mut out = if rows.is_empty() {
                "No spend in these days.\n".to_string()
            } else {
                table(&header, &rows)
            };
            let total: f64 = lines.iter().map(|l| l.usd).sum();
            let credits = match client.credits().await {
                Ok(c) => format!("credits left ${:.2}", c.left()),
                Err(e) => format!("credits left unknown ({e})"),
            };
            out.push_str(&format!(
                "\nTotal ${total:.2} over the {days} completed UTC day(s) to {} · {credits}\n",
                ymd(today - time::Duration::days(1))
            ));
            out
        }
    })
}
