//! `orws create --set FIELD=VALUE… [--set-json FIELD=JSON…] [--dry-run]`: POST /workspaces.

use super::Output;
use super::admin_io::{Request as DryRequest, dry_run, is_not_found, record, send};
use super::args::CreateArgs;
use super::output::{json_pretty, workspace_table};
use crate::connection::Connection;
use crate::error::RunError;
use crate::write::record::Record;
use crate::write::request::{Answer, Request};
use crate::write::send::Plan;
use serde_json::{Map, Value};

/// The body, checked against the workspace rules before any connection: name and slug required.
pub fn plan(args: &CreateArgs) -> Result<Map<String, Value>, RunError> {
    let body = super::patch::parse_sets(&args.set, &args.set_json)?;
    for required in ["name", "slug"] {
        if body.get(required).is_none_or(Value::is_null) {
            return Err(RunError::usage(format!(
                "{required} is required to create a workspace: add --set {required}=…; nothing was sent"
            )));
        }
    }
    Ok(body)
}

pub async fn run(
    conn: &Connection,
    output: Output,
    body: Map<String, Value>,
    dry: bool,
) -> Result<String, RunError> {
    let client = &conn.client;
    let slug = body
        .get("slug")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // Read first: a taken slug is a precondition (exit 3), and it makes a doubtful end decidable.
    match client.get(&slug).await {
        Ok(ws) if ws.slug() == slug => {
            return Err(RunError::conflict(format!(
                "a workspace with the slug '{slug}' already exists ({}); nothing was sent",
                ws.id()
            )));
        }
        Ok(_) => {}
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(e.into()),
    }
    let requests = [Request::CreateWorkspace { body }];
    if dry {
        return Ok(dry_run(output, &[DryRequest::from(&requests[0])]));
    }
    // The workspace answered, or found by its slug when the answer was lost or busy, is ours
    // only if it holds what was sent and nothing else a fresh one would not, and was created
    // after the request started: the core's send checks it (a colleague's is a conflict).
    let plan = Plan {
        requests: &requests,
        ..Plan::default()
    };
    let answers = send(client, &plan, RunError::from, &format!("orws get {slug}")).await?;
    let Some(ws) = answers.iter().find_map(|a| match a {
        Answer::Created(ws) => Some(ws.as_ref().clone()),
        _ => None,
    }) else {
        return Err(RunError::api(
            "the create was answered without the workspace it made; check with `orws list`",
        ));
    };
    if let Some(r) = Record::sent(ws.id(), &requests, &Map::new(), &answers) {
        record(conn, &r.entry(client.state_key()));
    }
    crate::say::say(&format!(
        "created workspace {} ({})",
        crate::text::escape(ws.slug()),
        ws.id()
    ));
    Ok(match output {
        Output::Json => json_pretty(&ws.to_json()),
        Output::Table => workspace_table(&ws),
    })
}
