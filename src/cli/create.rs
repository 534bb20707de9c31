//! `orws create --set FIELD=VALUE… [--set-json FIELD=JSON…] [--dry-run]`: POST /workspaces.

use super::Output;
use super::admin_io::{Ended, Request, dry_run, is_not_found, map, record, write};
use super::args::CreateArgs;
use super::output::{json_pretty, workspace_table};
use crate::admin::workspaces::{cannot_tell_text, created_mismatch};
use crate::connection::Connection;
use crate::error::RunError;
use crate::state::history::Kind;
use crate::write::Settled;
use crate::write::record::Record;
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
    if dry {
        return Ok(dry_run(
            output,
            &[Request::new(
                "POST",
                "/workspaces",
                Some(Value::Object(body)),
            )],
        ));
    }
    // A workspace found or answered is ours only if it holds what was sent and was created
    // after this request started (a colleague's, or another one answered, is not).
    let started = time::OffsetDateTime::now_utc();
    // The re-read that shows the write landed keeps what it read: reading a third time could
    // fail and leave an applied create unrecorded and reported as failed.
    let seen = std::cell::RefCell::new(None);
    let recheck = || async {
        match client.get(&slug).await {
            Ok(ws) if ws.slug() == slug => {
                match created_mismatch(&body, &ws, client.server_time(started)) {
                    None => *seen.borrow_mut() = Some(ws),
                    // Neither applied nor not: a conflict, nothing more sent or recorded.
                    Some(why) => return Ok(Settled::Conflict(cannot_tell_text(&ws, &why))),
                }
                Ok(Settled::Applied)
            }
            Ok(_) => Ok(Settled::NotApplied),
            Err(e) if is_not_found(&e) => Ok(Settled::NotApplied),
            Err(e) => Err(e),
        }
    };
    let ended = write(
        || client.create_workspace(&body),
        recheck,
        RunError::from,
        &format!("orws get {slug}"),
    )
    .await?;
    let ws = match ended {
        Ended::Done(ws) => ws,
        Ended::AfterAll => match seen.into_inner() {
            Some(ws) => ws,
            None => client.get(&slug).await?,
        },
    };
    if let Some(why) = created_mismatch(&body, &ws, client.server_time(started)) {
        return Err(RunError::conflict(cannot_tell_text(&ws, &why)));
    }
    record(
        conn,
        &Record::requests(
            Kind::Create,
            ws.id(),
            None,
            vec![Request::new("POST", "/workspaces", Some(Value::Object(body))).to_history()],
            Map::new(),
            map(ws.to_json()),
        )
        .entry(client.host()),
    );
    super::say::say(&format!(
        "created workspace {} ({})",
        crate::text::escape(ws.slug()),
        ws.id()
    ));
    Ok(match output {
        Output::Json => json_pretty(&ws.to_json()),
        Output::Table => workspace_table(&ws),
    })
}
