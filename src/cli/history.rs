//! `orws history [WS] [--output json]`: the applied writes of the current host, newest first.
//!
//! It reads only the history file: a uuid, or a slug the history itself knows (from a create,
//! a delete or a slug change), filters without a connection; any other slug is resolved with
//! one GET, which needs the key.

use super::Output;
use super::output::{json_pretty, table};
use crate::error::RunError;
use crate::revert::{Known, labels, people_named, summary, workspaces_named};
pub use crate::revert::{kind_name, short_id};
use crate::settings::Settings;
use crate::state::history::{HistoryEntry, read_all_for_host};
use crate::text::escape;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// Where the history is and whose entries count: the state directory and the host of the
/// base URL (as the client computes it), or under `--demo` the demo's own.
pub struct Source {
    pub dir: Option<PathBuf>,
    pub host: String,
}

/// The host entries are written under for these settings (the base URL's host).
pub fn host_of(settings: &Settings) -> Result<String, RunError> {
    // A profile's history is its own, even beside another profile on the same server.
    if let Some(profile) = &settings.profile {
        return Ok(profile.state_key());
    }
    let url = url::Url::parse(&settings.base_url)
        .map_err(|e| RunError::usage(format!("the base URL is not a URL: {e}")))?;
    Ok(url.host_str().unwrap_or_default().to_string())
}

/// The entries of `source`'s host, newest first.
pub fn entries(source: &Source) -> Result<Vec<HistoryEntry>, RunError> {
    let Some(dir) = &source.dir else {
        return Err(RunError::usage(
            "no place for the history: set HOME or XDG_STATE_HOME",
        ));
    };
    let read = read_all_for_host(dir, &source.host).map_err(|e| {
        RunError::State(format!("cannot read the history in {}: {e}", dir.display()))
    })?;
    // Skipped lines are said, never hidden.
    if let Some(note) = read.unreadable_note() {
        crate::say::warn(&format!("{note} (in {})", dir.display()));
    }
    Ok(read.entries)
}

/// What the list calls the entry's workspace: its label, or "N workspaces" for a batch.
pub fn workspace_label(e: &HistoryEntry, labels: &HashMap<String, String>) -> String {
    match e.is_batch() {
        true => crate::revert::batch_size(e),
        false => labels
            .get(&e.workspace_id)
            .cloned()
            .unwrap_or_else(|| e.workspace_id.clone()),
    }
}

/// The entries that touched `ws` (a uuid or a label the history knows); `None` when `ws` is
/// neither, so the caller may ask the server what it is.
pub fn filter_known(
    all: Vec<HistoryEntry>,
    ws: &str,
    labels: &HashMap<String, String>,
) -> Result<Vec<HistoryEntry>, Vec<HistoryEntry>> {
    let ids: Vec<&String> = labels
        .iter()
        .filter(|(_, l)| l.as_str() == ws)
        .map(|(id, _)| id)
        .collect();
    let known = all.iter().any(|e| e.touches(ws)) || !ids.is_empty();
    if !known {
        return Err(all);
    }
    Ok(all
        .into_iter()
        .filter(|e| e.touches(ws) || ids.iter().any(|id| e.touches(id)))
        .collect())
}

/// The table or JSON of the entries, workspaces and people named by `names`.
pub fn render(entries: &[HistoryEntry], names: &Known, output: Output) -> String {
    let labels = &names.workspaces;
    match output {
        Output::Json => {
            let list: Vec<Value> = entries
                .iter()
                .map(|e| {
                    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
                    if let Value::Object(m) = &mut v {
                        let label = match e.is_batch() {
                            true => Value::Null,
                            false => labels
                                .get(&e.workspace_id)
                                .cloned()
                                .map_or(Value::Null, Value::String),
                        };
                        m.insert("workspace".into(), label);
                        m.insert("summary".into(), Value::String(summary(e, names)));
                    }
                    v
                })
                .collect();
            json_pretty(&Value::Array(list))
        }
        Output::Table => {
            if entries.is_empty() {
                crate::say::say("no history for this host (or profile) yet");
                return String::new();
            }
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        short_id(&e.id).to_string(),
                        time_cell(&e.time),
                        kind_name(e.kind).to_string(),
                        escape(&workspace_label(e, labels)).into_owned(),
                        summary(e, names),
                    ]
                })
                .collect();
            table(&["ID", "TIME", "KIND", "WORKSPACE", "SUMMARY"], &rows)
        }
    }
}

/// `2026-11-29T14:05:09.123Z` → `2026-11-29 14:05:09`.
fn time_cell(t: &str) -> String {
    let t = t.replacen('T', " ", 1);
    escape(t.get(..19).unwrap_or(&t)).into_owned()
}

/// `orws history [WS]`.
pub async fn run(settings: &Settings, workspace: Option<String>) -> Result<String, RunError> {
    // The demo's history lives in its own temporary directory, empty at every start.
    let (source, conn) = if settings.demo {
        let conn = super::connected(settings).await?;
        let source = Source {
            dir: conn.state_dir.clone(),
            host: conn.client.state_key().to_string(),
        };
        (source, Some(conn))
    } else {
        let source = Source {
            dir: settings.paths.state_dir.clone(),
            host: host_of(settings)?,
        };
        (source, None)
    };
    let all = entries(&source)?;
    let mut labels = labels(&all);
    let mut conn = conn;
    let shown = match workspace {
        None => all,
        Some(ws) => match filter_known(all, &ws, &labels) {
            Ok(found) => found,
            Err(all) => {
                // A slug the history does not know: the server says which uuid it is.
                let c = match conn.take() {
                    Some(c) => c,
                    None => super::connected(settings).await?,
                };
                let found = super::admin_io::workspace(&c.client, &ws).await?;
                conn = Some(c);
                all.into_iter().filter(|e| e.touches(found.id())).collect()
            }
        },
    };
    // Workspaces by name and slug, people by name and email, where the server can say (ids
    // stay where it cannot): one read of the list, one of the organisation's members.
    let unnamed = shown
        .iter()
        .flat_map(workspaces_named)
        .any(|id| !labels.contains_key(&id));
    let nameless = shown.iter().any(|e| !people_named(e).is_empty());
    let mut people = HashMap::new();
    if (unnamed || nameless) && (settings.demo || settings.key.is_some()) {
        let conn = match conn {
            Some(c) => Some(c),
            None => super::connected(settings).await.ok(),
        };
        if let Some(conn) = conn {
            if unnamed && let Ok(list) = conn.client.list().await {
                for ws in list {
                    labels
                        .entry(ws.id().to_string())
                        .or_insert_with(|| crate::write::review::workspace(ws.name(), ws.slug()));
                }
            }
            if nameless && let Ok(org) = conn.client.organization_members().await {
                people = org
                    .iter()
                    .map(|m| {
                        let who = crate::write::review::person(
                            Some(&m.display_name()),
                            Some(&m.email),
                            &m.id,
                        );
                        (m.id.clone(), who)
                    })
                    .collect();
            }
        }
    }
    let names = Known {
        workspaces: labels,
        people,
    };
    Ok(render(&shown, &names, settings.output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::history::Kind;
    use serde_json::json;

    fn e(id: &str, ws: &str) -> HistoryEntry {
        let mut e = HistoryEntry::admin(
            Kind::Patch,
            "h",
            ws,
            None,
            json!({"name": "B"}).as_object().unwrap().clone(),
            json!({"name": "A"}).as_object().unwrap().clone(),
            json!({"name": "B"}).as_object().unwrap().clone(),
        );
        e.id = id.into();
        e
    }

    #[test]
    fn a_filter_by_uuid_or_known_label_needs_no_server() {
        let batch = HistoryEntry::batch("h", vec![e("", "w2"), e("", "w3")]);
        let all = vec![e("1", "w1"), e("2", "w2"), batch];
        let labels = HashMap::from([("w1".to_string(), "prod".to_string())]);
        let by_id = filter_known(all.clone(), "w2", &labels).unwrap();
        assert_eq!(by_id.len(), 2, "the entry and the batch that touched it");
        let by_label = filter_known(all.clone(), "prod", &labels).unwrap();
        assert_eq!(by_label[0].id, "1");
        assert!(filter_known(all, "staging", &labels).is_err());
    }

    #[test]
    fn short_ids_keep_old_line_ids_whole() {
        assert_eq!(short_id("0123456789abcdef"), "01234567");
        assert_eq!(short_id("line-12"), "line-12");
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn batches_show_their_count_as_the_workspace() {
        let batch = HistoryEntry::batch("h", vec![e("", "w2"), e("", "w3")]);
        assert_eq!(workspace_label(&batch, &HashMap::new()), "2 workspaces");
        let json: Value =
            serde_json::from_str(&render(&[batch], &Known::default(), Output::Json)).unwrap();
        assert_eq!(json[0]["kind"], "batch");
        assert_eq!(json[0]["parts"].as_array().map(Vec::len), Some(2));
    }
}
