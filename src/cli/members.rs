//! `orws members list|add|remove WS [USER…]` and `orws members org`.

use super::Output;
use super::admin_io::{Request as DryRequest, confirm, dry_run, record, send, workspace};
use super::output::{json_pretty, table};
use crate::admin::keys::KeyQuery;
use crate::admin::members::{
    OrgMember, REMOVE_NEEDS_NO_KEYS, SCIM_OR_DEFAULT, explain_removal_refusal, join,
    keys_blocking_removal,
};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::write::record::{Record, people_seen};
use crate::write::request::{Answer, Members, Request};
use crate::write::send::Plan;
use serde_json::{Map, Value, json};

pub async fn list(conn: &Connection, output: Output, asked: &str) -> Result<String, RunError> {
    let client = &conn.client;
    let ws = workspace(client, asked).await?;
    let members = client.list_members(ws.id()).await?;
    let org = client.organization_members().await.unwrap_or_else(|e| {
        crate::say::warn(&format!(
            "the organisation's members could not be read ({}); names and emails are missing",
            escape(&e.to_string())
        ));
        Vec::new()
    });
    let rows = join(members, &org);
    Ok(match output {
        Output::Json => json_pretty(&Value::Array(
            rows.iter()
                .map(|r| {
                    json!({
                        "id": r.member.id,
                        "user_id": r.member.user_id,
                        "role": r.member.role,
                        "created_at": r.member.created_at,
                        "name": r.who.as_ref().map(|w| w.display_name()),
                        "email": r.who.as_ref().map(|w| w.email.clone()),
                    })
                })
                .collect(),
        )),
        Output::Table => table(
            &["USER", "NAME", "EMAIL", "ROLE"],
            &rows
                .iter()
                .map(|r| {
                    vec![
                        r.member.user_id.clone(),
                        r.who.as_ref().map_or("-".into(), |w| w.display_name()),
                        r.who.as_ref().map_or("-".into(), |w| w.email.clone()),
                        r.member.role.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    })
}

/// Whether an argument names a user by email: a user id has no `@`.
fn is_email(user: &str) -> bool {
    user.contains('@')
}

/// The users as typed, as user ids: an email is the one organisation member with that email
/// (letter case aside); anything else (a user id) is kept as typed and matches only an id. An
/// email no member has, or several have, is refused naming it (exit 2).
fn resolve(typed: &[String], org: &[OrgMember]) -> Result<Vec<String>, RunError> {
    let mut ids = Vec::with_capacity(typed.len());
    let mut problems = Vec::new();
    for u in typed {
        if !is_email(u) || org.iter().any(|o| &o.id == u) {
            ids.push(u.clone());
            continue;
        }
        let hits: Vec<&OrgMember> = org
            .iter()
            .filter(|o| o.email.trim().eq_ignore_ascii_case(u.trim()))
            .collect();
        match hits[..] {
            [one] => ids.push(one.id.clone()),
            [] => problems.push(format!(
                "no member of the organisation has the email {}",
                escape(u)
            )),
            _ => problems.push(format!(
                "{} members of the organisation have the email {} ({}): name one by its user id",
                hits.len(),
                escape(u),
                escape(
                    &hits
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )),
        }
    }
    if problems.is_empty() {
        Ok(ids)
    } else {
        Err(RunError::usage(format!(
            "{} (`orws members org` lists them); nothing was sent",
            problems.join("; ")
        )))
    }
}

/// `orws members org`: every member of the organisation (all pages), with the user id
/// `members add` takes.
pub async fn org(conn: &Connection, output: Output) -> Result<String, RunError> {
    let org = conn.client.organization_members().await?;
    // The name, when the organisation knows one (display_name falls back to the email).
    let name = |o: &OrgMember| Some(o.display_name()).filter(|n| n != &o.email);
    Ok(match output {
        Output::Json => json_pretty(&Value::Array(
            org.iter()
                .map(|o| {
                    json!({
                        "user_id": o.id,
                        "name": name(o),
                        "email": o.email,
                        "role": o.role,
                    })
                })
                .collect(),
        )),
        Output::Table => table(
            &["NAME", "EMAIL", "USER", "ROLE"],
            &org.iter()
                .map(|o| {
                    vec![
                        name(o).unwrap_or_else(|| "-".into()),
                        o.email.clone(),
                        o.id.clone(),
                        o.role.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    })
}

/// The users as typed, each once and in the order first typed: a user named twice is one user.
fn once_each(users: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(users.len());
    for u in users {
        if !out.contains(u) {
            out.push(u.clone());
        }
    }
    out
}

/// The result of an add or remove that had nothing to send.
fn nothing(output: Output, id: &str, what: &str) -> String {
    match output {
        Output::Json => json_pretty(&json!({"workspace_id": id, what: []})),
        Output::Table => String::new(),
    }
}

/// At most this many users per add or remove request (`user_ids`, maxItems in the spec).
const MAX_USERS: usize = 100;

/// More users than one request may carry is refused before any request, exit 2.
fn within_limit(users: &[String]) -> Result<(), RunError> {
    let n = once_each(users).len();
    if n > MAX_USERS {
        return Err(RunError::usage(format!(
            "{n} users named; one request takes at most {MAX_USERS}: run it in parts; nothing was sent"
        )));
    }
    Ok(())
}

/// A members write's plan (one request), sent and recorded: the one send and the one history
/// entry of both front ends (`seen`: who the people named are, [`people_seen`]). Who it added
/// or removed, as settled.
pub(super) async fn write_members(
    conn: &Connection,
    request: Request,
    refused: impl FnOnce(crate::api::ApiError) -> RunError,
    id: &str,
    seen: Map<String, Value>,
) -> Result<Vec<String>, RunError> {
    let requests = [request];
    let plan = Plan {
        requests: &requests,
        ..Plan::default()
    };
    let how = format!("orws members list {id}");
    let answers = send(&conn.client, &plan, refused, &how).await?;
    if let Some(r) = Record::sent(id, &requests, &seen, &answers) {
        record(conn, &r.entry(conn.client.state_key()));
    }
    Ok(answers
        .into_iter()
        .find_map(|a| match a {
            Answer::MembersAdded(Members(users)) | Answer::MembersRemoved(Members(users)) => {
                Some(users)
            }
            _ => None,
        })
        .unwrap_or_default())
}

pub async fn add(
    conn: &Connection,
    output: Output,
    asked: &str,
    users: &[String],
    dry: bool,
) -> Result<String, RunError> {
    within_limit(users)?;
    let client = &conn.client;
    let ws = workspace(client, asked).await?;
    let id = ws.id().to_string();
    // One read of the organisation's members: it turns emails into user ids, and a user it
    // does not know is a typing error, refused before any write.
    let org = client.organization_members().await;
    let typed = once_each(users);
    let users = match &org {
        Ok(org) => once_each(&resolve(&typed, org)?),
        Err(e) => {
            if let Some(email) = typed.iter().find(|u| is_email(u)) {
                return Err(RunError::api(format!(
                    "the organisation's members could not be read to find {} ({}); nothing was sent",
                    escape(email),
                    escape(&e.to_string())
                )));
            }
            crate::say::warn(&format!(
                "the organisation's members could not be read to check the users ({}); the server will say",
                escape(&e.to_string())
            ));
            typed
        }
    };
    // Only who is not a member yet is sent: a no-op add would still be a write and a history entry.
    let now = client.list_members(&id).await?;
    let (already, users): (Vec<String>, Vec<String>) = users
        .into_iter()
        .partition(|u| now.iter().any(|m| &m.user_id == u));
    if !already.is_empty() {
        crate::say::say(&format!(
            "already members of '{}': {}",
            escape(ws.slug()),
            escape(&already.join(", "))
        ));
    }
    let mut people = Map::new();
    if let Ok(org) = &org {
        // Who they are, for the history to name them.
        people = people_seen(&users, org);
        let unknown: Vec<&String> = users
            .iter()
            .filter(|u| !org.iter().any(|o| &o.id == *u))
            .collect();
        if !unknown.is_empty() {
            return Err(RunError::usage(format!(
                "not members of the organisation: {}; only its members can be added (`orws members org` lists them); nothing was sent",
                escape(
                    &unknown
                        .iter()
                        .map(|u| u.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )));
        }
    }
    if users.is_empty() {
        crate::say::say("nothing to change: every user named is a member already");
        return Ok(nothing(output, &id, "added"));
    }
    let users = &users[..];
    let request = Request::AddMembers {
        workspace: id.clone(),
        user_ids: users.to_vec(),
    };
    if dry {
        return Ok(dry_run(output, &[DryRequest::from(&request)]));
    }
    let added = write_members(conn, request, RunError::from, &id, people).await?;
    let already: Vec<&String> = users.iter().filter(|u| !added.contains(u)).collect();
    if !already.is_empty() {
        crate::say::say(&format!(
            "already members: {}",
            escape(
                &already
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        ));
    }
    Ok(match output {
        Output::Json => json_pretty(&json!({"workspace_id": id, "added": added})),
        Output::Table => added
            .iter()
            .map(|u| format!("added {}\n", escape(u)))
            .collect(),
    })
}

pub async fn remove(
    conn: &Connection,
    output: Output,
    asked: &str,
    users: &[String],
    yes: bool,
    dry: bool,
) -> Result<String, RunError> {
    within_limit(users)?;
    let client = &conn.client;
    let ws = workspace(client, asked).await?;
    let (id, slug) = (ws.id().to_string(), ws.slug().to_string());
    // Only members are sent: removing a non-member (a mistyped id) is no success to report.
    let now = client.list_members(&id).await?;
    let (users, absent): (Vec<String>, Vec<String>) = once_each(users)
        .into_iter()
        .partition(|u| now.iter().any(|m| &m.user_id == u));
    if !absent.is_empty() {
        crate::say::say(&format!(
            "not members of '{}', nothing to remove: {}",
            escape(&slug),
            escape(&absent.join(", "))
        ));
    }
    if users.is_empty() {
        crate::say::say("nothing to change: none of the users named is a member here");
        return Ok(nothing(output, &id, "removed"));
    }
    let users = &users[..];
    // The workspace's own keys: R6 below, and whether the default check can tell anything.
    let here = client.list_keys(&KeyQuery::all_in(&id)).await;
    // R7: every organisation member belongs to the default workspace. The API has no "is
    // default" flag: the keys listed without `workspace_id` are the default workspace's (R21),
    // and that unscoped read is the only way to know it. It can show this workspace to be the
    // default only when this workspace holds keys (a default workspace with none lists none,
    // and the server's refusal is then the last word), so it is made only then (or when this
    // workspace's keys could not be read).
    let may_tell = here.as_ref().map_or(true, |keys| !keys.is_empty());
    if may_tell
        && client
            .default_workspace_id()
            .await
            .ok()
            .flatten()
            .as_deref()
            == Some(id.as_str())
    {
        return Err(RunError::conflict(format!(
            "'{slug}' is the default workspace: {SCIM_OR_DEFAULT} Nothing was sent"
        )));
    }
    // R6, warned before the request where the keys tell; the server has the last word.
    match here {
        Ok(keys) => {
            for (user, keys) in keys_blocking_removal(users, &keys) {
                let names: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{} ({})", k.name, k.hash))
                    .collect();
                crate::say::warn(&format!(
                    "{} has active keys here: {}. {REMOVE_NEEDS_NO_KEYS}",
                    escape(&user),
                    escape(&names.join(", "))
                ));
            }
        }
        Err(e) => crate::say::warn(&format!(
            "the workspace's keys could not be read to check whether the people removed still have keys there ({})",
            escape(&e.to_string())
        )),
    }
    let request = Request::RemoveMembers {
        workspace: id.clone(),
        user_ids: users.to_vec(),
    };
    if dry {
        return Ok(dry_run(output, &[DryRequest::from(&request)]));
    }
    confirm(
        &format!("Remove {} member(s) from '{}'?", users.len(), escape(&slug)),
        yes,
    )?;
    let refused = |e: crate::api::ApiError| {
        let message = e.to_string();
        match explain_removal_refusal(&message) {
            Some(why) => RunError::conflict(format!("{message}; {why}")),
            None => e.into(),
        }
    };
    // Who was removed is said by name and email, as settled: never the server's count.
    let org = client.organization_members().await.unwrap_or_else(|e| {
        crate::say::warn(&format!(
            "the organisation's members could not be read ({}); the people removed are named by their user ids",
            escape(&e.to_string())
        ));
        Vec::new()
    });
    let removed = write_members(conn, request, refused, &id, people_seen(users, &org)).await?;
    crate::say::say(crate::admin::members::READD_ROLE_NOTE);
    let person = |u: &String| {
        let who = org.iter().find(|o| &o.id == u);
        let name = who.map(|w| w.display_name());
        crate::write::review::person(name.as_deref(), who.map(|w| w.email.as_str()), u)
    };
    Ok(match output {
        Output::Json => json_pretty(&json!({
            "workspace_id": id,
            "removed": removed,
            "people": removed.iter().map(|u| {
                let who = org.iter().find(|o| &o.id == u);
                json!({
                    "user_id": u,
                    "name": who.map(|w| w.display_name()),
                    "email": who.map(|w| w.email.clone()),
                })
            }).collect::<Vec<_>>(),
        })),
        Output::Table if removed.is_empty() => {
            crate::say::warn(&format!(
                "none of the {} member(s) sent was removed from {}",
                users.len(),
                escape(&slug)
            ));
            String::new()
        }
        Output::Table => removed
            .iter()
            .map(|u| format!("removed {} from {}\n", escape(&person(u)), escape(&slug)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, email: &str) -> OrgMember {
        OrgMember {
            id: id.into(),
            first_name: None,
            last_name: None,
            email: email.into(),
            role: "org:member".into(),
        }
    }

    /// `members add` takes an email the organisation knows (issue 20 item 17).
    #[test]
    fn an_email_is_the_one_member_with_it_and_an_id_matches_only_an_id() {
        let org = [
            member("user_1", "jane@example.com"),
            member("user_2", "Twin@example.com"),
            member("user_3", "twin@example.com"),
        ];
        let typed = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resolve(&typed(&["JANE@example.com", "user_2"]), &org).unwrap(),
            ["user_1", "user_2"]
        );
        // An id-shaped argument is never looked up as an email.
        assert_eq!(resolve(&typed(&["jane"]), &org).unwrap(), ["jane"]);
        let e = resolve(&typed(&["twin@example.com", "nobody@example.com"]), &org)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("2 members of the organisation have the email twin@example.com")
                && e.contains("user_2, user_3")
                && e.contains("no member of the organisation has the email nobody@example.com")
                && e.contains("nothing was sent"),
            "{e}"
        );
    }
}
