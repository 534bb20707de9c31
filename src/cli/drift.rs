//! `orws drift FILE [--report json|junit|markdown] [-o PATH] [--policy FILE]` (product.md
//! §13): compares a file with the server through a read-only connection (the client refuses
//! any write). Exit 0 no drift, 4 drift, 5 a policy deny (before 4), 1 an error, 2 a bad
//! file. An entry whose workspace is gone from the server is drift (`absent`), not a bad file.

use super::args::{DriftArgs, ReportFormat};
use super::output::{json_pretty, table};
use super::policy::{Judge, judge, verdict};
use crate::code::FileEntry;
use crate::code::drift::{self, AbsentEntry, Drift};
use crate::code::file::Document;
use crate::code::report;
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::say;
use crate::text::escape;

pub async fn run(
    conn: &Connection,
    output: super::Output,
    args: DriftArgs,
    (name, mut doc): (String, Document),
    policy: Judge,
) -> Result<String, RunError> {
    let server = conn.client.list_compact().await?;
    // What the file names that the server no longer has is drift, not a bad file: a
    // workspace, key or named guardrail deleted since the file was written.
    let on_server = |e: &FileEntry| server.contains(&e.id);
    let (present, absent): (Vec<FileEntry>, Vec<FileEntry>) =
        doc.workspaces.drain(..).partition(|e| on_server(e));
    doc.workspaces = present;
    let held = super::org::read_for_plan(conn, &doc, &server).await?;
    let mut absent_org = Vec::new();
    doc.keys.retain(|k| {
        let here = held.keys.contains_key(&k.hash);
        if !here {
            absent_org.push(AbsentEntry {
                kind: drift::ResourceKind::Key,
                id: k.hash.clone(),
                line: k.line,
                fields: k.fields.values.clone(),
            });
        }
        here
    });
    doc.guardrails.retain(|g| {
        let here = held.named.contains_key(&g.id);
        if !here {
            let mut fields = g.fields.values.clone();
            for (set, name) in [(&g.keys, "keys"), (&g.members, "members")] {
                if let Some(set) = set {
                    fields.insert(name.into(), serde_json::json!(set.ids));
                }
            }
            absent_org.push(AbsentEntry {
                kind: drift::ResourceKind::NamedGuardrail,
                id: g.id.clone(),
                line: g.line,
                fields,
            });
        }
        here
    });
    let mut plan = crate::code::plan::plan_compact(&doc.workspaces, &server)
        .map_err(|_| RunError::api("the server's list changed while it was read; try again"))?;
    plan.org = crate::code::org_plan::plan_compact(&doc, &server, &held).map_err(|refused| {
        for r in &refused {
            say(&format!("{name}:{}: {}", r.line, escape(&r.message)));
        }
        RunError::usage(format!(
            "{} entr{} of {name} cannot be compared with the server",
            refused.len(),
            if refused.len() == 1 { "y" } else { "ies" }
        ))
    })?;
    let absent: Vec<&FileEntry> = absent.iter().collect();
    let drift = drift::from_plan(&plan, &absent, &absent_org);
    let violations = judge(conn, &policy, &plan, "drift", true).await?;

    // `--output json` without `--report` is the JSON report.
    let report = match (args.report, output) {
        (None, super::Output::Json) => Some(ReportFormat::Json),
        (r, _) => r,
    };
    let text = match report {
        None => human(&drift),
        Some(ReportFormat::Json) => json_pretty(&report::json(&drift)),
        Some(ReportFormat::Junit) => report::junit(&drift),
        Some(ReportFormat::Markdown) => report::markdown(&drift),
    };
    say(&summary(&drift));
    let text = match &args.out {
        Some(path) => {
            // Like an export: a new file renamed into place, never through a symlink.
            super::export::write_private(path, &text)?;
            String::new()
        }
        None => text,
    };
    let denied = verdict(&violations);
    if denied.is_err() || !drift.is_clean() {
        super::print_now(&text);
        denied?;
        return Err(RunError::ChangesPresent);
    }
    Ok(text)
}

/// The line on stderr: how many of the resources drifted.
fn summary(drift: &Drift) -> String {
    let n = drift.resources.len();
    let things = if n == 1 { "resource" } else { "resources" };
    match drift.drifted_count() {
        0 => format!("no drift: the server holds what the file says ({n} {things})"),
        d => format!("drift: {d} of {n} {things} differ from the file"),
    }
}

/// The table for people, like `plan`'s: per drifted resource `FIELD | SERVER | FILE |
/// UPDATED`, then the count of those in sync. Every cell escaped for a terminal.
pub fn human(drift: &Drift) -> String {
    let mut out = String::new();
    for r in drift.drifted() {
        out.push_str(&format!(
            "{} {} ({}){}\n",
            r.kind.as_str(),
            escape(&r.label),
            escape(&r.id),
            if r.absent {
                match r.line {
                    Some(l) => format!(": absent on the server (the file's line {l})"),
                    None => ": absent on the server".to_string(),
                }
            } else {
                String::new()
            }
        ));
        let rows: Vec<Vec<String>> = r
            .fields
            .iter()
            .map(|f| {
                vec![
                    escape(&f.field).into_owned(),
                    escape(&report::server_text(&f.server)).into_owned(),
                    escape(&report::value_text(&f.file)).into_owned(),
                    escape(f.updated_at.as_deref().unwrap_or("")).into_owned(),
                ]
            })
            .collect();
        if !rows.is_empty() {
            out.push_str(&table(&["FIELD", "SERVER", "FILE", "UPDATED"], &rows));
        }
        out.push('\n');
    }
    let in_sync = drift.resources.len() - drift.drifted_count();
    out.push_str(&format!(
        "{} drifted, {in_sync} in sync; {} on the server not managed by the file\n",
        drift.drifted_count(),
        drift.unmanaged
    ));
    out
}
