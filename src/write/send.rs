//! The one send of a plan of admin requests ([`Request`]), for both front ends: each request
//! in order through the one retry loop ([`super::run`]), each settled three ways by reading the
//! server again when its answer alone cannot tell, stopping at the first that did not land
//! (product.md §6, §15 "Settle, precisely"). The caller gives the retry policy and hears each
//! step; the stop signal is obeyed as [`super::run`] obeys it: nothing new is sent after it.

use super::key::{KeyState, key_now, settle_delete, settle_patch};
use super::request::{Answer, Members, Request};
use super::{End, RetryPolicy, Settled, Step};
use crate::api::{ApiError, Client};
use crate::workspace::Workspace;
use serde_json::Value;
use std::fmt;

/// What a plan's send needs besides its requests: what the Review saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan<'a> {
    pub requests: &'a [Request],
    /// A key write's precondition: the workspace (uuid) the key must still be in right before
    /// the request, else nothing is sent (it was moved or deleted meanwhile).
    pub key_at: Option<&'a str>,
    /// The workspace as the Review saw it: a workspace delete is settled against it (changed
    /// since → a conflict, never deleted unseen).
    pub reviewed: Option<&'a Workspace>,
}

/// Why a request of a plan did not land (or cannot be told to have).
#[derive(Debug)]
pub enum Why {
    /// The key is no longer in the workspace the Review saw it in (`at`), moved or deleted
    /// since: nothing was sent.
    KeyGone { hash: String, at: Option<String> },
    /// Reading the target right before the request failed: nothing of it was sent.
    Unread(ApiError),
    /// The server refused it: nothing of it was applied.
    Refused(ApiError),
    /// A stop signal came before it was sent: it was not sent.
    Stopped,
    /// No clean answer, and reading again shows it was not applied.
    NotApplied(ApiError),
    /// No clean answer, and reading again shows part of it applied.
    Partial(ApiError),
    /// Reading again shows something else than the base or what was sent: another writer.
    Conflict { error: ApiError, what: String },
    /// A create answered (or found) with a workspace orws cannot tell it created: the line
    /// that says so.
    NotOurs(String),
    /// It may have landed, and reading again failed too.
    InDoubt { error: ApiError, reread: String },
}

/// A plan that stopped at one request: which, what landed before it, and why.
#[derive(Debug)]
pub struct Failure {
    /// The request that did not land.
    pub request: Request,
    /// Its place in the plan (0-based): this many requests landed before it.
    pub index: usize,
    /// How many requests the plan had.
    pub of: usize,
    /// The answers of the requests that landed before it (to record and show them).
    pub landed: Vec<Answer>,
    pub why: Why,
}

impl Failure {
    /// How many requests landed before this one.
    pub fn landed_count(&self) -> usize {
        self.index
    }

    /// `line` with what had gone through before it, when anything had.
    pub fn told(&self, line: String) -> String {
        if self.index == 0 {
            line
        } else {
            format!(
                "{line} ({} of {} requests had gone through; nothing more was sent)",
                self.index, self.of
            )
        }
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::KeyGone { hash, at } => write!(
                f,
                "key {hash} is no longer in workspace {} (moved or deleted since); nothing was sent: r re-reads the list",
                at.as_deref().unwrap_or("(unknown)")
            ),
            Why::NotOurs(line) => f.write_str(line),
            Why::Unread(e) => write!(f, "{e}; nothing was sent"),
            Why::Refused(e) => write!(f, "{e}"),
            Why::Stopped => write!(f, "{}", ApiError::Stopped),
            Why::NotApplied(e) => write!(f, "{e}; the server was read again: it was not applied"),
            Why::Partial(e) => write!(
                f,
                "{e}; the server was read again: part of it was applied, the rest was not; nothing more was sent: r re-reads the list"
            ),
            Why::Conflict { what, .. } => write!(
                f,
                "conflict: {what}; nothing more was sent: r re-reads the list"
            ),
            Why::InDoubt { error, reread } => write!(
                f,
                "{error}; it may have landed, and reading the server again failed too ({reread}): r re-reads the list"
            ),
        }
    }
}

impl fmt::Display for Failure {
    /// The line the TUI shows (a refusal to remove members with the rule that explains it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = match (&self.why, &self.request) {
            (Why::Refused(e), Request::RemoveMembers { .. }) => {
                let text = e.to_string();
                match crate::admin::members::explain_removal_refusal(&text) {
                    Some(why) => format!("{text}. {why}"),
                    None => text,
                }
            }
            (why, _) => why.to_string(),
        };
        f.write_str(&self.told(line))
    }
}

impl std::error::Error for Failure {}

/// Sends `plan`'s requests in order, each the safe way, stopping at the first that did not
/// land. `on_step` hears each step of each request (the CLI prints its waits).
pub async fn send(
    client: &Client,
    plan: &Plan<'_>,
    policy: RetryPolicy,
    mut on_step: impl FnMut(&Request, Step<'_>),
) -> Result<Vec<Answer>, Failure> {
    let requests = plan.requests;
    let fail = |index: usize, landed: Vec<Answer>, why: Why| Failure {
        request: requests[index].clone(),
        index,
        of: requests.len(),
        landed,
        why,
    };
    // A key write starts from the key as it is now, where it was seen: its base for the settle.
    let key_base = match requests.first() {
        Some(Request::PatchKey { hash, .. } | Request::DeleteKey { hash }) => {
            if super::stop::requested().is_some() {
                return Err(fail(0, vec![], Why::Stopped));
            }
            let key = key_now(client, hash)
                .await
                .map_err(|e| fail(0, vec![], Why::Unread(e)))?;
            match key {
                Some(k) if plan.key_at.is_none_or(|at| k.workspace_id == at) => {
                    Some(KeyState::from(&k))
                }
                _ => {
                    return Err(fail(
                        0,
                        vec![],
                        Why::KeyGone {
                            hash: hash.clone(),
                            at: plan.key_at.map(str::to_string),
                        },
                    ));
                }
            }
        }
        _ => None,
    };
    let mut answers = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let step = |s: Step<'_>| on_step(r, s);
        match send_one(client, r, key_base.as_ref(), plan.reviewed, policy, step).await {
            Ok(mut a) => answers.append(&mut a),
            Err(why) => return Err(fail(i, answers, why)),
        }
    }
    Ok(answers)
}

/// What lands on the server: read back to settle a write whose answer was lost.
enum Seen {
    Key(Box<crate::admin::keys::Key>),
    Workspace(Box<Workspace>),
}

/// Reads the server and settles `r` three ways (what was read, when it tells more).
async fn settle_one(
    client: &Client,
    r: &Request,
    key_base: Option<&KeyState>,
    reviewed: Option<&Workspace>,
    started: time::OffsetDateTime,
) -> Result<(Settled<String>, Option<Seen>), String> {
    let not_found = |e: &ApiError| matches!(e, ApiError::NotFound { .. });
    let no_base = || "the key's state before the write is unknown".to_string();
    match r {
        Request::PatchKey { hash, patch } => {
            let base = key_base.ok_or_else(no_base)?;
            let now = key_now(client, hash).await.map_err(|e| e.to_string())?;
            let settled = settle_patch(base, patch, now.as_ref().map(KeyState::from).as_ref());
            let seen = now.filter(|_| settled == Settled::Applied);
            Ok((settled, seen.map(|k| Seen::Key(Box::new(k)))))
        }
        Request::DeleteKey { hash } => {
            let base = key_base.ok_or_else(no_base)?;
            let now = key_now(client, hash).await.map_err(|e| e.to_string())?;
            let now = now.as_ref().map(KeyState::from);
            Ok((settle_delete(base, now.as_ref()), None))
        }
        Request::DeleteWorkspace { id, .. } => match client.get(id).await {
            // Still as reviewed → not applied; changed meanwhile → a conflict (never deleted
            // unseen). Without the reviewed state, its being there says only "not applied".
            Ok(now) => Ok((
                match reviewed.filter(|ws| ws.id() == id) {
                    Some(ws) => super::workspace::settle_delete(ws, Some(&now)),
                    None => Settled::NotApplied,
                },
                None,
            )),
            Err(e) if not_found(&e) => Ok((Settled::Applied, None)),
            Err(e) => Err(e.to_string()),
        },
        Request::CreateWorkspace { body } => {
            let slug = body.get("slug").and_then(Value::as_str).unwrap_or_default();
            match client.get(slug).await {
                Ok(ws) if ws.slug() == slug => {
                    // Another workspace with the slug (a colleague's) is neither ours nor
                    // absent: "cannot tell", a conflict.
                    match crate::admin::workspaces::created_mismatch(
                        body,
                        &ws,
                        client.server_time(started),
                    ) {
                        None => Ok((Settled::Applied, Some(Seen::Workspace(Box::new(ws))))),
                        Some(why) => Ok((
                            Settled::Conflict(crate::admin::workspaces::cannot_tell_text(
                                &ws, &why,
                            )),
                            None,
                        )),
                    }
                }
                Ok(_) => Ok((Settled::NotApplied, None)),
                Err(e) if not_found(&e) => Ok((Settled::NotApplied, None)),
                Err(e) => Err(e.to_string()),
            }
        }
        Request::AddMembers {
            workspace,
            user_ids,
        }
        | Request::RemoveMembers {
            workspace,
            user_ids,
        } => {
            let now = member_ids(client, workspace).await?;
            let adding = matches!(r, Request::AddMembers { .. });
            Ok((super::members::settle(user_ids, adding, &now), None))
        }
    }
}

/// The user ids of a workspace's members, as the server holds them now.
async fn member_ids(client: &Client, workspace: &str) -> Result<Vec<String>, String> {
    let now = client
        .list_members(workspace)
        .await
        .map_err(|e| e.to_string())?;
    Ok(now.into_iter().map(|m| m.user_id).collect())
}

/// One request, sent the safe way; its answers (a note first when a re-read settled it).
async fn send_one(
    client: &Client,
    r: &Request,
    key_base: Option<&KeyState>,
    reviewed: Option<&Workspace>,
    policy: RetryPolicy,
    step: impl FnMut(Step<'_>),
) -> Result<Vec<Answer>, Why> {
    let started = time::OffsetDateTime::now_utc();
    let seen = std::sync::Mutex::new(None);
    let recheck = || async {
        let (settled, what) = settle_one(client, r, key_base, reviewed, started).await?;
        *seen.lock().unwrap_or_else(|p| p.into_inner()) = what;
        Ok::<Settled<String>, String>(settled)
    };
    let end = match r {
        Request::PatchKey { hash, patch } => {
            super::run(|| client.patch_key(hash, patch), recheck, policy, step)
                .await
                .map_done(|k| vec![Answer::Key(Box::new(k))])
        }
        Request::DeleteKey { hash } => {
            super::run(|| client.delete_key(hash), recheck, policy, step)
                .await
                .map_done(|()| vec![Answer::KeyDeleted(hash.clone())])
        }
        Request::DeleteWorkspace {
            id,
            confirm_default,
        } => super::run(
            || client.delete_workspace(id, *confirm_default),
            recheck,
            policy,
            step,
        )
        .await
        .map_done(|()| vec![Answer::WorkspaceDeleted]),
        Request::CreateWorkspace { body } => {
            let end = super::run(|| client.create_workspace(body), recheck, policy, step).await;
            // An answer about a workspace this create did not make is claimed by no one.
            if let End::Done(ws) = &end
                && let Some(why) = crate::admin::workspaces::created_mismatch(
                    body,
                    ws,
                    client.server_time(started),
                )
            {
                return Err(Why::NotOurs(crate::admin::workspaces::cannot_tell_text(
                    ws, &why,
                )));
            }
            end.map_done(|ws| vec![Answer::Created(Box::new(ws))])
        }
        Request::AddMembers {
            workspace,
            user_ids,
        } => super::run(
            || client.add_members(workspace, user_ids),
            recheck,
            policy,
            step,
        )
        .await
        .map_done(|a| {
            let added = a.added.into_iter().map(|m| m.user_id).collect();
            vec![Answer::MembersAdded(Members(added))]
        }),
        Request::RemoveMembers {
            workspace,
            user_ids,
        } => {
            let end = super::run(
                || client.remove_members(workspace, user_ids),
                recheck,
                policy,
                step,
            )
            .await;
            match end {
                End::Done(count) => {
                    return Ok(removed(client, workspace, user_ids, count).await);
                }
                other => other.map_done(|_| vec![]),
            }
        }
    };
    match end {
        End::Done(a) => Ok(a),
        End::AfterAll => {
            let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
            let answer = match (r, seen) {
                (_, Some(Seen::Key(k))) => Answer::Key(k),
                (_, Some(Seen::Workspace(ws))) => Answer::Created(ws),
                (Request::DeleteKey { hash }, _) => Answer::KeyDeleted(hash.clone()),
                (Request::AddMembers { user_ids, .. }, _) => {
                    Answer::MembersAdded(Members(user_ids.clone()))
                }
                (Request::RemoveMembers { user_ids, .. }, _) => {
                    Answer::MembersRemoved(Members(user_ids.clone()))
                }
                _ => Answer::WorkspaceDeleted,
            };
            Ok(vec![
                Answer::Note(
                    "the answer was lost, but it landed: reading the server again shows it was applied".into(),
                ),
                answer,
            ])
        }
        End::Refused(ApiError::Stopped) => Err(Why::Stopped),
        End::Refused(e) => Err(Why::Refused(e)),
        End::NotApplied(e) => Err(Why::NotApplied(e)),
        End::Partial(e) => Err(Why::Partial(e)),
        End::Conflict { error, what } => Err(Why::Conflict { error, what }),
        End::InDoubt { error, reread } => Err(Why::InDoubt { error, reread }),
    }
}

/// Who a removal answered cleanly removed: every user sent, as the request says; when the
/// server's count disagrees, the members are read again and those no longer there are named
/// (with a note), since the count alone cannot say who.
async fn removed(client: &Client, workspace: &str, user_ids: &[String], count: u64) -> Vec<Answer> {
    if count == user_ids.len() as u64 {
        return vec![Answer::MembersRemoved(Members(user_ids.to_vec()))];
    }
    match member_ids(client, workspace).await {
        Ok(now) => {
            let gone: Vec<String> = user_ids
                .iter()
                .filter(|u| !now.contains(u))
                .cloned()
                .collect();
            vec![
                Answer::Note(format!(
                    "the server counted {count} removed of {} sent; reading the members again shows {} gone",
                    user_ids.len(),
                    gone.len()
                )),
                Answer::MembersRemoved(Members(gone)),
            ]
        }
        Err(e) => vec![
            Answer::Note(format!(
                "the server counted {count} removed of {} sent, and reading the members again failed ({e})",
                user_ids.len()
            )),
            Answer::MembersRemoved(Members(user_ids.to_vec())),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(index: usize, request: Request, why: Why) -> Failure {
        Failure {
            request,
            index,
            of: 2,
            landed: vec![],
            why,
        }
    }

    fn key() -> Request {
        Request::DeleteKey { hash: "h1".into() }
    }

    #[test]
    fn a_failure_says_why_and_what_had_gone_through() {
        let gone = Why::KeyGone {
            hash: "h1".into(),
            at: Some("ws".into()),
        };
        assert_eq!(
            failure(0, key(), gone).to_string(),
            "key h1 is no longer in workspace ws (moved or deleted since); nothing was sent: r re-reads the list"
        );
        let conflict = Why::Conflict {
            error: ApiError::Stopped,
            what: "it moved".into(),
        };
        assert_eq!(
            failure(1, key(), conflict).to_string(),
            "conflict: it moved; nothing more was sent: r re-reads the list (1 of 2 requests had gone through; nothing more was sent)"
        );
        assert_eq!(
            failure(0, key(), Why::Stopped).to_string(),
            ApiError::Stopped.to_string()
        );
    }

    #[test]
    fn a_refused_removal_says_the_rule_behind_it() {
        let remove = Request::RemoveMembers {
            workspace: "ws".into(),
            user_ids: vec!["u".into()],
        };
        let e = ApiError::Server {
            status: 400,
            message: "Cannot remove members from the default workspace".into(),
        };
        let text = failure(0, remove, Why::Refused(e)).to_string();
        let why = crate::admin::members::SCIM_OR_DEFAULT;
        assert!(text.ends_with(&format!(". {why}")), "{text}");
    }
}
