//! `orws delete WS [--yes] [--confirm-default] [--dry-run]`: guided, and not revertable.

use super::Output;
use super::admin_io::{Request as DryRequest, confirm_slug, dry_run, record, send, workspace};
use super::output::json_pretty;
use crate::admin::keys::{
    DEFAULT_DELETE_DISABLES, DELETE_NEEDS_NO_KEYS, DELETE_TAKES_ALONG, DeleteRefusal, KeyQuery,
};
use crate::api::ApiError;
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::write::record::Record;
use crate::write::request::Request;
use crate::write::send::Plan;
use serde_json::json;

pub struct DeletePlan {
    pub workspace: String,
    pub yes: bool,
    pub confirm_default: bool,
    pub dry_run: bool,
    /// The undo of a create: the workspace must still have this slug and `created_at`
    /// (else it is another one, recreated since, and nothing is deleted).
    pub created: Option<Created>,
}

/// What a create entry recorded of the workspace it made.
pub struct Created {
    pub slug: String,
    pub created_at: String,
}

/// The keys still in a workspace as one line: `name (hash), …`.
pub fn key_names(keys: &[crate::admin::keys::Key]) -> String {
    keys.iter()
        .map(|k| format!("{} ({})", k.name, k.hash))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn run(conn: &Connection, output: Output, plan: DeletePlan) -> Result<String, RunError> {
    let client = &conn.client;
    let ws = workspace(client, &plan.workspace).await?;
    let (id, slug) = (ws.id().to_string(), ws.slug().to_string());
    if let Some(c) = &plan.created {
        crate::admin::workspaces::still_the_created(&ws, &plan.workspace, &c.slug, &c.created_at)
            .map_err(|why| {
                RunError::conflict(format!(
                    "workspace {} is not the one this entry created ({why}): it was deleted and another made since, or changed; nothing was deleted",
                    plan.workspace
                ))
            })?;
    }
    // R21: the API has no "is default" flag; the keys listed without a workspace tell it.
    let default_id = match client.default_workspace_id().await {
        Ok(default) => default,
        Err(e) => {
            crate::say::warn(&format!(
                "cannot tell whether this is the default workspace ({}); the server will say",
                escape(&e.to_string())
            ));
            None
        }
    };
    let is_default = default_id.as_deref() == Some(id.as_str());
    if is_default && !plan.confirm_default {
        return Err(RunError::usage(format!(
            "{DEFAULT_DELETE_DISABLES} Pass --confirm-default to delete it anyway; nothing was sent"
        )));
    }
    if !is_default && slug == "default" && !plan.confirm_default {
        crate::say::warn(
            "this workspace is named 'default' but nothing says it is the default one; if the server says it is, pass --confirm-default",
        );
    }
    // R1: every key, disabled and expired ones too, so none hides.
    let keys = client.list_keys(&KeyQuery::all_in(&id)).await?;
    if !keys.is_empty() {
        return Err(RunError::conflict(format!(
            "{DELETE_NEEDS_NO_KEYS} Keys in '{slug}': {}. Move each with `orws keys move HASH --to OTHER` or delete it with `orws keys delete HASH`; nothing was sent",
            key_names(&keys)
        )));
    }
    crate::say::say(&format!("{DELETE_TAKES_ALONG} This cannot be undone."));
    if is_default {
        crate::say::say(DEFAULT_DELETE_DISABLES);
    } else if plan.confirm_default {
        // Not "this is the default workspace": that is only known to be so, or not.
        crate::say::say(if default_id.is_some() {
            "--confirm-default is not needed: another workspace is the default one"
        } else {
            "--confirm-default given: should the server count this as the default workspace, deleting it permanently disables the account's unscoped inference API keys"
        });
    }
    let requests = [Request::DeleteWorkspace {
        id: id.clone(),
        confirm_default: plan.confirm_default,
    }];
    if plan.dry_run {
        return Ok(dry_run(output, &[DryRequest::from(&requests[0])]));
    }
    confirm_slug(&slug, plan.yes)?;
    // Settled against the workspace as it was read here: changed meanwhile → a conflict, never
    // deleted unseen. The server's refusal is the final word, explained.
    let write = Plan {
        requests: &requests,
        reviewed: Some(&ws),
        ..Plan::default()
    };
    let answers = send(client, &write, explain, &format!("orws get {id}")).await?;
    if let Some(r) = Record::sent(&id, &requests, ws.fields(), &answers) {
        record(conn, &r.entry(client.state_key()));
    }
    crate::say::say(&format!(
        "deleted workspace {} ({id}); this cannot be undone",
        escape(&slug)
    ));
    Ok(match output {
        Output::Json => json_pretty(&json!({"deleted": true, "workspace": ws.to_json()})),
        Output::Table => format!("deleted {} ({id})\n", escape(&slug)),
    })
}

/// A refusal of the delete, said with the rule behind it (R3 → exit 2, R1 → exit 3).
fn explain(e: ApiError) -> RunError {
    match DeleteRefusal::of(&e) {
        Some(DeleteRefusal::Default) => RunError::usage(format!(
            "{e}; {DEFAULT_DELETE_DISABLES} Pass --confirm-default to delete it anyway"
        )),
        Some(DeleteRefusal::KeysRemain) => {
            RunError::conflict(format!("{e}; {DELETE_NEEDS_NO_KEYS}"))
        }
        None => e.into(),
    }
}
