//! `orws plan FILE [--out PLAN] [--detailed-exitcode]`, and what `apply` shares with it:
//! reading a file (checked before any request) or a saved plan, and showing a plan.

use super::Output;
use super::args::PlanArgs;
use super::output::{field_cell, json_pretty, table};
use crate::code::file::{FileErrors, read};
use crate::code::saved::{self, SavedPlan, is_saved_plan};
use crate::code::{FileEntry, Format, Plan};
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::say;
use crate::text::escape;
use std::io::Read;
use std::path::Path;

/// Larger files are refused rather than read (thousands of workspaces fit in far less).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a path held: a file of workspaces, or a plan saved earlier.
pub enum Source {
    File {
        name: String,
        entries: Vec<FileEntry>,
    },
    Saved(SavedPlan),
}

/// The name of a path as messages show it.
pub fn shown(path: &Path) -> String {
    escape(&path.display().to_string()).into_owned()
}

/// Reads and checks `path` before any request: every problem is said on stderr with its
/// file, line and field; then exit 2.
pub fn load(path: &Path, allow_saved: bool) -> Result<Source, RunError> {
    let name = shown(path);
    let size = std::fs::metadata(path)
        .map_err(|e| RunError::usage(format!("cannot read {name}: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(RunError::usage(format!(
            "{name} is {size} bytes; the limit is {MAX_FILE_BYTES}"
        )));
    }
    // A pipe or a device has no size beforehand: the read itself stops past the limit.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| RunError::usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(RunError::usage(format!(
            "{name} is larger than {MAX_FILE_BYTES} bytes; the limit is {MAX_FILE_BYTES}"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| RunError::usage(format!("{name} is not UTF-8 text")))?;
    // Editors on Windows start a file with a byte order mark; it is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if is_saved_plan(text) {
        if !allow_saved {
            return Err(RunError::usage(format!(
                "{name} is a saved plan; `orws apply {name}` applies it (plan reads a file of workspaces)"
            )));
        }
        return saved::from_json(text)
            .map(Source::Saved)
            .map_err(|e| RunError::usage(format!("{name}: {e}; nothing was sent")));
    }
    let format = Format::guess(path, text).ok_or_else(|| {
        RunError::usage(format!(
            "cannot tell the format of {name}: name it .toml, .yaml, .yml or .json"
        ))
    })?;
    let entries = read(&name, text, format).map_err(|e| refuse(&e))?;
    Ok(Source::File { name, entries })
}

fn refuse(errors: &FileErrors) -> RunError {
    for line in errors.to_string().lines() {
        say(line);
    }
    let n = errors.problems.len();
    RunError::usage(format!(
        "{n} problem{} in {}; nothing was sent",
        if n == 1 { "" } else { "s" },
        errors.file
    ))
}

/// The plan of a file against the server as it is now. An entry for a workspace the server
/// does not have is refused (a file never creates one), naming its line.
pub async fn plan_file(
    conn: &Connection,
    name: &str,
    entries: &[FileEntry],
) -> Result<Plan, RunError> {
    let server = conn.client.list().await?;
    crate::code::plan(entries, &server).map_err(|missing| {
        for entry in &missing {
            say(&format!(
                "{name}:{}: workspace {} is not on the server (a file never creates a workspace)",
                entry.line, entry.id
            ));
        }
        RunError::usage(format!(
            "{} workspace{} in {name} not on the server; nothing was sent",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        ))
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The count line: "2 workspaces to change (3 fields), 1 without changes; 4 on the server not in the file".
pub fn count_line(plan: &Plan) -> String {
    let changed = plan.changed_count();
    let same = plan.workspaces.len() - changed;
    let mut line = if changed == 0 {
        let n = plan.workspaces.len();
        format!(
            "no changes: the {} the file manages already {} its values",
            plural(n, "workspace", "workspaces"),
            if n == 1 { "holds" } else { "hold" }
        )
    } else {
        format!(
            "{} to change ({}), {} without changes",
            plural(changed, "workspace", "workspaces"),
            plural(plan.field_count(), "field", "fields"),
            same
        )
    };
    line.push_str(&format!(
        "; {} on the server not managed by the file",
        plan.unmanaged
    ));
    line
}

/// The plan as people read it: per workspace a table `FIELD | SERVER | FILE` or "no changes"
/// (left out when `only_changed`, as `apply` shows it), then the count line. Every cell is
/// escaped.
pub fn plan_table(plan: &Plan, only_changed: bool) -> String {
    let mut out = String::new();
    for w in &plan.workspaces {
        let head = format!("{} ({})", w.label, escape(&w.id));
        if w.changes.is_empty() {
            if only_changed {
                continue;
            }
            out.push_str(&format!("{head}: no changes\n"));
            continue;
        }
        // One blank line around each table.
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&format!("{head}\n"));
        let rows: Vec<Vec<String>> = w
            .changes
            .iter()
            .map(|c| {
                vec![
                    c.field.clone(),
                    field_cell(&c.field, c.server.as_ref(), 40),
                    field_cell(&c.field, Some(&c.file), 40),
                ]
            })
            .collect();
        out.push_str(&table(&["FIELD", "SERVER", "FILE"], &rows));
        out.push('\n');
    }
    out.push_str(&count_line(plan));
    out.push('\n');
    out
}

/// Whether two paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The file, read and checked before connecting (nothing is asked of the server first).
pub fn load_file(args: &PlanArgs) -> Result<(String, Vec<FileEntry>), RunError> {
    if let Some(out) = &args.out
        && same_file(out, &args.file)
    {
        return Err(RunError::usage(format!(
            "--out {} would replace the file being planned; save the plan to another file",
            shown(out)
        )));
    }
    match load(&args.file, false)? {
        Source::File { name, entries } => Ok((name, entries)),
        Source::Saved(_) => Err(RunError::usage("a saved plan cannot be planned again")),
    }
}

pub async fn run(
    conn: &Connection,
    output: Output,
    args: PlanArgs,
    (name, entries): (String, Vec<FileEntry>),
) -> Result<String, RunError> {
    let plan = plan_file(conn, &name, &entries).await?;
    let json = saved::to_json(&plan, conn.client.host(), conn.client.base_url(), &name);
    if let Some(out) = &args.out {
        super::export::write_private(out, &json_pretty(&json))?;
        say(&format!(
            "saved the plan to {}; `orws apply {}` applies it",
            shown(out),
            shown(out)
        ));
    }
    let text = match output {
        Output::Json => json_pretty(&json),
        Output::Table => plan_table(&plan, false),
    };
    if args.detailed_exitcode && plan.changed_count() > 0 {
        super::print_now(&text);
        return Err(RunError::ChangesPresent);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{FieldChange, WorkspacePlan};
    use crate::workspace::Workspace;
    use serde_json::json;

    fn ws(id: &str, slug: &str, changes: Vec<FieldChange>) -> WorkspacePlan {
        WorkspacePlan {
            id: id.into(),
            label: slug.into(),
            changes,
            base: Workspace::from_json(json!({"id": id, "name": "N", "slug": slug})).unwrap(),
        }
    }

    #[test]
    fn the_plan_table_has_one_blank_line_around_each_table() {
        let change = |f: &str, s: serde_json::Value, v: serde_json::Value| FieldChange {
            field: f.into(),
            server: Some(s),
            file: v,
        };
        let plan = Plan {
            workspaces: vec![
                ws(
                    "a",
                    "prod",
                    vec![change("description", json!("d"), json!(null))],
                ),
                ws("b", "same", vec![]),
                ws("c", "stag", vec![change("name", json!("S"), json!("T"))]),
            ],
            unmanaged: 2,
        };
        assert_eq!(
            plan_table(&plan, false),
            "prod (a)\nFIELD        SERVER  FILE\ndescription  d       ∅\n\n\
             same (b): no changes\n\n\
             stag (c)\nFIELD  SERVER  FILE\nname   S       T\n\n\
             2 workspaces to change (2 fields), 1 without changes; 2 on the server not managed by the file\n"
        );
        assert!(!plan_table(&plan, true).contains("same"));
    }

    #[test]
    fn one_workspace_with_no_changes_holds_its_values() {
        let one = Plan {
            workspaces: vec![ws("a", "prod", vec![])],
            unmanaged: 0,
        };
        assert!(
            count_line(&one)
                .starts_with("no changes: the 1 workspace the file manages already holds")
        );
        let two = Plan {
            workspaces: vec![ws("a", "prod", vec![]), ws("b", "dev", vec![])],
            unmanaged: 0,
        };
        assert!(count_line(&two).contains("2 workspaces the file manages already hold its"));
    }
}
