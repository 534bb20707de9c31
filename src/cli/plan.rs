//! `orws plan FILE [--out PLAN] [--detailed-exitcode]`, and what `apply` shares with it:
//! reading a file (checked before any request) or a saved plan, and showing a plan.

use super::Output;
use super::args::PlanArgs;
use super::output::{field_cell, json_pretty, table};
use crate::code::file::{Document, FileErrors, read_document};
use crate::code::saved::{self, SavedPlan, is_saved_plan};
use crate::code::{Format, Plan};
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::say;
use crate::text::escape;
use std::io::Read;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// Larger files are refused rather than read (thousands of workspaces fit in far less).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a path held: a file of workspaces, or a plan saved earlier.
pub enum Source {
    File { name: String, doc: Document },
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
    let doc = read_document(&name, text, format).map_err(|e| refuse(&e))?;
    Ok(Source::File { name, doc })
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

/// The plan of a file against the server as it is now. An entry for a workspace, key or
/// guardrail the server does not have is refused (a file never creates one), naming its line.
pub async fn plan_file(conn: &Connection, name: &str, doc: &Document) -> Result<Plan, RunError> {
    let server = conn.client.list_compact().await?;
    let mut plan = workspace_plan(name, &doc.workspaces, &server)?;
    let org = super::org::read_for_plan(conn, doc, &server).await?;
    plan.org = crate::code::org_plan::plan_compact(doc, &server, &org).map_err(|refused| {
        for r in &refused {
            say(&format!("{name}:{}: {}", r.line, escape(&r.message)));
        }
        RunError::usage(format!(
            "{} in {name}; nothing was sent",
            plural(
                refused.len(),
                "entry cannot be planned",
                "entries cannot be planned"
            )
        ))
    })?;
    Ok(plan)
}

fn workspace_plan(
    name: &str,
    entries: &[crate::code::FileEntry],
    server: &crate::workspace::CompactList,
) -> Result<Plan, RunError> {
    crate::code::plan::plan_compact(entries, server).map_err(|missing| {
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

/// The count line: "2 workspaces to change (3 fields); 4 on the server not managed by the
/// file" (the unchanged ones have their own line, [`plan_table`]).
pub fn count_line(plan: &Plan) -> String {
    let changed = plan.changed_count();
    let (resources, fields) = super::org::org_counts(&plan.org);
    let mut line = if resources > 0 {
        let mut parts = Vec::new();
        if changed > 0 {
            parts.push(format!(
                "{} to change ({})",
                plural(changed, "workspace", "workspaces"),
                plural(plan.field_count(), "field", "fields"),
            ));
        }
        parts.push(format!(
            "{} of budgets, members, guardrails or keys to change ({})",
            plural(resources, "resource", "resources"),
            plural(fields, "field", "fields"),
        ));
        parts.join("; ")
    } else if changed == 0 {
        let n = plan.workspaces.len();
        format!(
            "no changes: the {} the file manages already {} its values",
            plural(n, "workspace", "workspaces"),
            if n == 1 { "holds" } else { "hold" }
        )
    } else {
        format!(
            "{} to change ({})",
            plural(changed, "workspace", "workspaces"),
            plural(plan.field_count(), "field", "fields"),
        )
    };
    line.push_str(&format!(
        "; {} on the server not managed by the file",
        plan.unmanaged
    ));
    line
}

/// How [`plan_table`] shows a plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// List the workspaces without changes too (else they are one count).
    pub show_unchanged: bool,
    /// Say that `--show-unchanged` lists them (plan has the flag; apply does not).
    pub hint: bool,
    /// The terminal's width: values are wrapped to fit it. `None` (not a terminal): whole.
    pub width: Option<usize>,
}

/// The width of the terminal `out` is, or `None` when it is not one (a pipe, a file): values
/// are then printed whole.
pub fn terminal_width(out: &impl std::io::IsTerminal) -> Option<usize> {
    if !out.is_terminal() {
        return None;
    }
    let cols = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
    Some(if cols == 0 { 80 } else { cols })
}

/// The plan as people read it: per workspace with changes a table `FIELD | SERVER | FILE`, in
/// slug order; then one line counting the workspaces without changes (or, with
/// `show_unchanged`, listing them); then the count line. Every cell is escaped; on a terminal
/// long values wrap within their column, and nothing is ever cut.
pub fn plan_table(plan: &Plan, shape: Shape) -> String {
    let mut out = String::new();
    for w in plan.changed() {
        out.push_str(&format!("{} ({})\n", w.label, escape(&w.id)));
        let cells: Vec<[String; 3]> = w
            .changes
            .iter()
            .map(|c| {
                [
                    c.field.clone(),
                    escape(&field_cell(&c.field, c.server.as_ref(), usize::MAX)).into_owned(),
                    escape(&field_cell(&c.field, Some(&c.file), usize::MAX)).into_owned(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["FIELD", "SERVER", "FILE"],
            &wrapped(&cells, shape.width),
        ));
        // One blank line after each table.
        out.push('\n');
    }
    out.push_str(&super::org::org_table(&plan.org));
    let unchanged: Vec<_> = plan
        .workspaces
        .iter()
        .filter(|w| w.changes.is_empty())
        .collect();
    // With no changes at all, the count line says it.
    if !unchanged.is_empty() && (plan.changed_count() > 0 || shape.show_unchanged) {
        let n = plural(unchanged.len(), "workspace", "workspaces");
        if shape.show_unchanged {
            out.push_str(&format!("{n} unchanged:\n"));
            for w in &unchanged {
                out.push_str(&format!("  {} ({})\n", w.label, escape(&w.id)));
            }
        } else if shape.hint {
            out.push_str(&format!("{n} unchanged (--show-unchanged lists them)\n"));
        } else {
            out.push_str(&format!("{n} unchanged\n"));
        }
    }
    out.push_str(&count_line(plan));
    out.push('\n');
    out
}

/// The rows of a `FIELD | SERVER | FILE` table: one row per change when `width` is `None`;
/// else the two values wrapped to share what the field column leaves of `width`, each
/// further line a row of its own with an empty FIELD.
fn wrapped(cells: &[[String; 3]], width: Option<usize>) -> Vec<Vec<String>> {
    let Some(width) = width else {
        return cells.iter().map(|c| c.to_vec()).collect();
    };
    let widest = |i: usize, head: &str| {
        cells
            .iter()
            .map(|c| c[i].width())
            .chain([head.width()])
            .max()
            .unwrap_or(0)
    };
    let field = widest(0, "FIELD");
    let (server, file) = (widest(1, "SERVER"), widest(2, "FILE"));
    // Two gaps of two between three columns; each value column keeps at least 10.
    let room = width.saturating_sub(field + 4).max(20);
    let (mut a, mut b) = (room / 2, room - room / 2);
    if server < a {
        b += a - server;
        a = server;
    } else if file < b {
        a += b - file;
        b = file;
    }
    let mut rows = Vec::new();
    for [name, left, right] in cells {
        let (l, r) = (wrap(left, a.max(1)), wrap(right, b.max(1)));
        for i in 0..l.len().max(r.len()) {
            rows.push(vec![
                if i == 0 { name.clone() } else { String::new() },
                l.get(i).cloned().unwrap_or_default(),
                r.get(i).cloned().unwrap_or_default(),
            ]);
        }
    }
    rows
}

/// `text` in lines of at most `width` columns, broken at a space where there is one (that
/// space is not shown), else inside a word. Nothing else is left out.
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && !line.is_empty() {
            if c == ' ' {
                lines.push(std::mem::take(&mut line));
                used = 0;
                continue;
            }
            match line.rfind(' ') {
                Some(i) if i > 0 => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    lines.push(std::mem::replace(&mut line, rest));
                }
                _ => lines.push(std::mem::take(&mut line)),
            }
            used = line.width();
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Whether two paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The file, read and checked before connecting (nothing is asked of the server first).
pub fn load_file(args: &PlanArgs) -> Result<(String, Document), RunError> {
    if let Some(out) = &args.out
        && same_file(out, &args.file)
    {
        return Err(RunError::usage(format!(
            "--out {} would replace the file being planned; save the plan to another file",
            shown(out)
        )));
    }
    match load(&args.file, false)? {
        Source::File { name, doc } => Ok((name, doc)),
        Source::Saved(_) => Err(RunError::usage("a saved plan cannot be planned again")),
    }
}

pub async fn run(
    conn: &Connection,
    output: Output,
    args: PlanArgs,
    (name, doc): (String, Document),
    policy: super::policy::Judge,
) -> Result<String, RunError> {
    let plan = plan_file(conn, &name, &doc).await?;
    // The file's entries are not needed past the plan (at 50,000 workspaces, ~70 MB).
    drop(doc);
    let json = || {
        saved::to_json(
            &plan,
            conn.client.state_key(),
            conn.client.base_url(),
            &name,
        )
    };
    if let Some(out) = &args.out {
        super::export::write_private(out, &json_pretty(&json()))?;
        say(&format!(
            "saved the plan to {}; `orws apply {}` applies it",
            shown(out),
            shown(out)
        ));
    }
    let text = match output {
        Output::Json => json_pretty(&json()),
        Output::Table => plan_table(
            &plan,
            Shape {
                show_unchanged: args.show_unchanged,
                hint: true,
                width: terminal_width(&std::io::stdout()),
            },
        ),
    };
    // A deny is exit 5, before 4 for changes.
    let violations = super::policy::judge(conn, &policy, &plan, "plan", false).await?;
    if let Err(denied) = super::policy::verdict(&violations) {
        super::print_now(&text);
        return Err(denied);
    }
    if args.detailed_exitcode && plan.has_changes() {
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

    fn change(f: &str, s: serde_json::Value, v: serde_json::Value) -> FieldChange {
        FieldChange {
            field: f.into(),
            server: Some(s),
            file: v,
        }
    }

    fn three() -> Plan {
        Plan {
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
            ..Plan::default()
        }
    }

    /// Only the workspaces with changes get a table; the rest are one count (issue 20 item 15).
    #[test]
    fn the_plan_lists_the_changed_workspaces_and_counts_the_rest() {
        let plan = three();
        let shape = Shape {
            hint: true,
            ..Shape::default()
        };
        assert_eq!(
            plan_table(&plan, shape),
            "prod (a)\nFIELD        SERVER  FILE\ndescription  d       ∅\n\n\
             stag (c)\nFIELD  SERVER  FILE\nname   S       T\n\n\
             1 workspace unchanged (--show-unchanged lists them)\n\
             2 workspaces to change (2 fields); 2 on the server not managed by the file\n"
        );
        let listed = plan_table(
            &plan,
            Shape {
                show_unchanged: true,
                ..shape
            },
        );
        assert!(
            listed.contains("\n1 workspace unchanged:\n  same (b)\n2 workspaces to change"),
            "{listed}"
        );
        // Apply has no --show-unchanged to point to.
        assert!(plan_table(&plan, Shape::default()).contains("\n1 workspace unchanged\n"));
    }

    /// Piped, a value is whole however long; on a terminal it wraps within its column and
    /// every character is still there (it was cut at 40 with `…`).
    #[test]
    fn values_are_whole_when_piped_and_wrapped_on_a_terminal() {
        let long = "word ".repeat(30);
        let long = long.trim_end();
        let plan = Plan {
            workspaces: vec![ws(
                "a",
                "prod",
                vec![change("description", json!("short"), json!(long))],
            )],
            unmanaged: 0,
            ..Plan::default()
        };
        let piped = plan_table(&plan, Shape::default());
        assert!(
            piped.contains(&format!("description  short   {long}\n")),
            "{piped}"
        );
        let shown = plan_table(
            &plan,
            Shape {
                width: Some(60),
                ..Shape::default()
            },
        );
        assert!(!shown.contains('…'), "{shown}");
        let table: Vec<&str> = shown
            .lines()
            .skip(2)
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(table.len() > 1, "{shown}");
        for line in &table {
            assert!(line.width() <= 60, "{line:?} is wider than 60:\n{shown}");
        }
        let words: usize = table.iter().map(|l| l.matches("word").count()).sum();
        assert_eq!(words, 30, "{shown}");
        assert!(table[0].starts_with("description  short"), "{shown}");
    }

    #[test]
    fn wrap_breaks_at_spaces_else_inside_a_word() {
        assert_eq!(wrap("abc def ghi", 7), ["abc def", "ghi"]);
        assert_eq!(wrap("abc def ghi", 6), ["abc", "def", "ghi"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn one_workspace_with_no_changes_holds_its_values() {
        let one = Plan {
            workspaces: vec![ws("a", "prod", vec![])],
            unmanaged: 0,
            ..Plan::default()
        };
        assert!(
            count_line(&one)
                .starts_with("no changes: the 1 workspace the file manages already holds")
        );
        let two = Plan {
            workspaces: vec![ws("a", "prod", vec![]), ws("b", "dev", vec![])],
            unmanaged: 0,
            ..Plan::default()
        };
        assert!(count_line(&two).contains("2 workspaces the file manages already hold its"));
    }
}
