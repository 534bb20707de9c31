//! `orws patch WORKSPACE --set … --set-json … --expect … --dry-run`

use super::Output;
use super::args::PatchArgs;
use super::output::{changes_table, json_pretty};
use crate::api::ApiError;
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::{say, warn};
use crate::submit::{
    Applied, Phase, RetryPolicy, SubmitOutcome, WriteOutcome, WriteRequest, safe_patch,
};
pub use crate::submit::{Expectation, broken_expectation};
use crate::workspace::{
    ConflictReport, FIELDS, PatchBody, READ_ONLY, Workspace, check_value, display_value, field,
    parse_input,
};
use serde_json::{Map, Value, json};

/// The fields asked for on the command line, checked against the rules before any request.
pub fn parse_sets(sets: &[String], set_json: &[String]) -> Result<Map<String, Value>, RunError> {
    sets_map(sets, set_json, |flag, name, text, is_json| {
        let spec = editable(name.trim())?;
        let value = if is_json {
            let v: Value = serde_json::from_str(text)
                .map_err(|e| RunError::usage(format!("{flag} {name}: not valid JSON ({e})")))?;
            check_value(spec, &v).map_err(RunError::usage)?;
            v
        } else {
            parse_input(spec, text).map_err(RunError::usage)?
        };
        Ok((spec.name.to_string(), value))
    })
}

/// The `--set FIELD=VALUE` and `--set-json FIELD=JSON` arguments as one map: `value` turns each
/// (its flag, the field as typed, the text, whether it is JSON) into the field's name and its
/// checked value. A field set twice, or nothing set, is refused.
pub fn sets_map(
    sets: &[String],
    set_json: &[String],
    mut value: impl FnMut(&str, &str, &str, bool) -> Result<(String, Value), RunError>,
) -> Result<Map<String, Value>, RunError> {
    let mut out = Map::new();
    let raw = sets
        .iter()
        .map(|s| (s, false))
        .chain(set_json.iter().map(|s| (s, true)));
    for (arg, is_json) in raw {
        let flag = if is_json { "--set-json" } else { "--set" };
        let (name, text) = arg
            .split_once('=')
            .ok_or_else(|| RunError::usage(format!("{flag} {arg}: expected FIELD=VALUE")))?;
        let (name, value) = value(flag, name, text, is_json)?;
        if out.contains_key(&name) {
            return Err(RunError::usage(format!(
                "{name} is set more than once; set each field once"
            )));
        }
        out.insert(name, value);
    }
    if out.is_empty() {
        return Err(RunError::usage(
            "nothing to set: give at least one --set FIELD=VALUE or --set-json FIELD=JSON",
        ));
    }
    Ok(out)
}

/// Warns of each field the server did not store as it was asked to.
pub(super) fn warn_mismatches(outcome: &SubmitOutcome) {
    for warning in crate::workspace::echo_mismatches(&outcome.patch, &outcome.after) {
        warn(&format!(
            "the server did not store what was asked: {warning}"
        ));
    }
}

/// Says each wait before a retry of the PATCH (the progress `patch` and `revert` show).
pub(super) fn say_waiting(phase: Phase) {
    if let Phase::Waiting(n) = phase {
        say(&format!(
            "{}; checking the workspace again and retrying in {:.1} s (try {} of {})",
            n.reason,
            n.wait.as_secs_f64(),
            n.attempt,
            n.max_attempts
        ));
    }
}

/// Each conflicting field as the server holds it now: `name is now "value"`.
pub(super) fn now_on_server(server: &Workspace, report: &ConflictReport) -> Vec<String> {
    report
        .conflicts
        .iter()
        .map(|c| {
            format!(
                "{} is now \"{}\"",
                c.field,
                display_value(server.get(&c.field))
            )
        })
        .collect()
}

/// A PATCH that landed in part: what did and did not (the history holds what landed).
pub(super) fn partly_applied(error: ApiError, landed: &PatchBody, missing: &[String]) -> RunError {
    let text = crate::submit::partly_applied_text(landed, missing);
    RunError::api(format!(
        "{error}; checked the server: {text}; the history holds what landed"
    ))
}

/// A PATCH that did not land, and how that is known when the answer alone did not tell.
pub(super) fn not_applied(error: ApiError, checked: Option<String>) -> RunError {
    let e = RunError::from(error);
    match checked {
        Some(checked) => e.with_detail(checked),
        None => e,
    }
}

/// A PATCH that may have landed, where reading workspace `id` again could not tell.
pub(super) fn in_doubt(error: ApiError, reread: &str, id: &str) -> RunError {
    RunError::api(format!(
        "{error}; reading the workspace to tell whether it was applied failed too ({reread}); check with `orws get {id}`"
    ))
}

fn editable(name: &str) -> Result<&'static crate::workspace::FieldSpec, RunError> {
    if let Some(spec) = field(name) {
        return Ok(spec);
    }
    if READ_ONLY.contains(&name) {
        return Err(RunError::usage(format!(
            "{name} is read-only and cannot be set"
        )));
    }
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    Err(RunError::usage(format!(
        "unknown field '{name}'; the editable fields are: {}",
        names.join(", ")
    )))
}

pub fn parse_expectations(expects: &[String]) -> Result<Vec<Expectation>, RunError> {
    expects
        .iter()
        .map(|arg| {
            let (name, text) = arg
                .split_once('=')
                .ok_or_else(|| RunError::usage(format!("--expect {arg}: expected FIELD=VALUE")))?;
            let name = name.trim();
            let value = match field(name) {
                // Parsed like --set, without the rules: an expected value is compared, not sent.
                Some(spec) => match parse_input(spec, text) {
                    Ok(v) => v,
                    Err(_) if text != "null" => crate::workspace::parse_typed(spec, text)
                        .map_err(|e| RunError::usage(format!("--expect {e}")))?,
                    Err(e) => return Err(RunError::usage(format!("--expect {e}"))),
                },
                None if READ_ONLY.contains(&name) => {
                    if text == "null" {
                        Value::Null
                    } else {
                        Value::String(text.to_string())
                    }
                }
                None => return Err(RunError::usage(format!("--expect: unknown field '{name}'"))),
            };
            Ok(Expectation {
                field: name.to_string(),
                value,
            })
        })
        .collect()
}

/// Appends the applied patch to the history (the demo's own under `--demo`); a failure does
/// not undo the PATCH (it stands) and ends the run with exit 1 (`admin_io::not_recorded`).
fn record_history(conn: &Connection, patch: &PatchBody, before: &Workspace, after: &Workspace) {
    let Some(dir) = &conn.state_dir else {
        return;
    };
    let entry = crate::state::history::HistoryEntry::new(
        crate::state::now_rfc3339(),
        conn.client.state_key(),
        patch,
        before,
        after,
    );
    if let Err(e) = crate::state::history::append(dir, &entry) {
        super::admin_io::not_recorded(&e);
    }
}

/// A patch request checked against the rules, before any connection is made.
pub struct PatchPlan {
    workspace: String,
    sets: Map<String, Value>,
    expects: Vec<Expectation>,
    dry_run: bool,
}

pub fn plan(args: PatchArgs) -> Result<PatchPlan, RunError> {
    Ok(PatchPlan {
        sets: parse_sets(&args.set, &args.set_json)?,
        expects: parse_expectations(&args.expect)?,
        workspace: args.workspace,
        dry_run: args.dry_run,
    })
}

pub async fn run(conn: &Connection, output: Output, plan: PatchPlan) -> Result<String, RunError> {
    let client = &conn.client;
    let PatchPlan {
        workspace,
        sets,
        expects,
        dry_run,
    } = plan;
    let loaded = client.get(&workspace).await?;
    // Identity: the answer must be about the workspace asked for; the PATCH then goes to the
    // id of that answer (the one the table shows), never to anything else.
    super::identity::check_answer(&workspace, &loaded)?;
    if let Some(message) = broken_expectation(&loaded, &expects) {
        return Err(RunError::conflict(message));
    }
    let patch = PatchBody::between(&loaded, &sets);
    if patch.is_empty() {
        say(&format!(
            "nothing to change: {} already holds these values",
            loaded.slug()
        ));
        return Ok(if dry_run || output == Output::Json {
            "{}\n".into()
        } else {
            String::new()
        });
    }
    if dry_run {
        say(&format!(
            "dry run: would send PATCH /workspaces/{} with this body",
            loaded.id()
        ));
        return Ok(format!("{}\n", patch.to_body_string()));
    }
    // An id of `..`, `.`, `` or with `/` would address another resource: refused before any write.
    crate::api::check_workspace_name(loaded.id()).map_err(|e| {
        RunError::api(format!(
            "the server gave the workspace an id that cannot be one ({e}); nothing was sent"
        ))
    })?;
    let request = WriteRequest {
        id: loaded.id(),
        base: &loaded,
        patch: &patch,
        expects: &expects,
        base_is_fresh: true,
    };
    let outcome = super::interrupt::finish_write(safe_patch(
        client,
        request,
        RetryPolicy::default(),
        say_waiting,
    ))
    .await?;
    let applied = match outcome {
        WriteOutcome::Applied(applied) => applied,
        WriteOutcome::Conflict { server, report } => {
            return Err(RunError::conflict(format!(
                "conflict: changed on the server while orws waited to retry: {}; nothing more was sent",
                now_on_server(&server, &report).join(", ")
            )));
        }
        WriteOutcome::Expectation { message, .. } => return Err(RunError::conflict(message)),
        WriteOutcome::WrongTarget(w) => return Err(RunError::api(w.to_string())),
        WriteOutcome::PartlyApplied {
            applied,
            missing,
            error,
        } => {
            // What landed goes to the history (so undo can revert it) and to stdout; exit 1.
            let failed = partly_applied(error, &applied.outcome.patch, &missing);
            let SubmitOutcome {
                before,
                after,
                patch,
                ..
            } = applied.outcome;
            record_history(conn, &patch, &before, &after);
            let shown = match output {
                Output::Json => json_pretty(&json!({
                    "patch": patch.to_json(),
                    "before": before.to_json(),
                    "after": after.to_json(),
                    "not_applied": missing,
                })),
                Output::Table => changes_table(&before, &after, &patch),
            };
            super::print_now(&shown);
            return Err(failed);
        }
        WriteOutcome::NotApplied { error, checked, .. } => return Err(not_applied(error, checked)),
        WriteOutcome::InDoubt { error, reread } => {
            return Err(in_doubt(error, &reread, loaded.id()));
        }
    };
    let Applied {
        outcome,
        mismatches,
        notes,
        after_all,
    } = *applied;
    if after_all {
        say("the PATCH got no clean answer, but reading the workspace again shows it was applied");
    }
    for note in &notes {
        warn(note);
    }
    warn_mismatches(&outcome);
    let SubmitOutcome {
        before,
        after,
        patch,
        ..
    } = outcome;
    record_history(conn, &patch, &before, &after);
    Ok(match output {
        Output::Json => {
            let mut out = json!({
                "patch": patch.to_json(),
                "before": before.to_json(),
                "after": after.to_json(),
            });
            // Only when the server stored something else, so the usual shape stays as specified.
            if !mismatches.is_empty() {
                out["mismatches"] = mismatches
                    .iter()
                    .map(|m| json!({"field": m.field, "sent": m.sent, "stored": m.stored}))
                    .collect();
            }
            json_pretty(&out)
        }
        Output::Table => changes_table(&before, &after, &patch),
    })
}
