//! The one send of a plan of admin requests ([`Request`]), for both front ends: each request
//! in order through the one retry loop ([`super::run`]), each settled three ways by reading the
//! server again when its answer alone cannot tell, stopping at the first that did not land
//! (product.md §6, §15 "Settle, precisely"). The caller gives the retry policy and hears each
//! step; the stop signal is obeyed as [`super::run`] obeys it: nothing new is sent after it.

use super::key::{KeyState, key_now, settle_delete, settle_patch};
use super::request::{Answer, Members, Request};
use super::{End, RetryPolicy, Settled, Step};
use crate::admin::budgets::{Budgets, Interval};
use crate::admin::guardrail;
use crate::api::{ApiError, Client};
use crate::workspace::Workspace;
use serde_json::{Map, Value};
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
    /// A budgets or guardrail write's base: what the Review showed of its target. The first
    /// request is settled against it (or, with [`Plan::read_again`], against what the server
    /// holds right before it), each next budget request against what those before it made.
    pub base: Option<Base<'a>>,
    /// The base was read earlier than right before the send (a Review a person looked at):
    /// the target is read again first and compared with it; another writer's change to what
    /// this plan changes is a conflict ([`Why::Changed`]) and nothing is sent. Unset, the base
    /// is what the server held a moment ago (the CLI read it to build the requests).
    pub read_again: bool,
}

/// What the Review showed of a budgets or guardrail write's target.
#[derive(Debug, Clone, Copy)]
pub enum Base<'a> {
    Budgets(&'a Budgets),
    /// The guardrail as read; `None`: not configured yet (a 404, R14).
    Guardrail(Option<&'a Map<String, Value>>),
}

/// What another writer changed since the Review, found by reading again before anything was
/// sent ([`Plan::read_again`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Changed {
    /// The intervals (and the BYOK switch, as `None`) changed to a value other than this
    /// plan's, and the budgets the server holds now.
    Budgets {
        now: Budgets,
        changed: Vec<Option<Interval>>,
    },
    /// The guardrail's fields changed to a value other than this PATCH's, and the guardrail
    /// the server holds now.
    Guardrail {
        now: Option<Map<String, Value>>,
        fields: Vec<String>,
    },
}

impl fmt::Display for Changed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Changed::Budgets { changed, .. } => {
                let what: Vec<String> = changed
                    .iter()
                    .map(|i| match i {
                        Some(i) => format!("the {i} limit"),
                        None => "the BYOK switch".to_string(),
                    })
                    .collect();
                write!(
                    f,
                    "someone else changed {} of the budgets since they were read",
                    what.join(", ")
                )
            }
            Changed::Guardrail { fields, .. } => write!(
                f,
                "someone else changed the guardrail's {} since it was read",
                fields.join(", ")
            ),
        }
    }
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
    /// Read again before anything was sent, the target holds another writer's change to what
    /// this plan changes: nothing was sent.
    Changed(Changed),
    /// The guardrail is not the default guardrail of the workspace it was named for (it says
    /// it is another workspace's, or no workspace's): nothing was sent. The line says why.
    NotTheDefault(String),
    /// A guardrail not configured yet (nothing to check its owner on): the workspace, read
    /// again by its uuid right before the PATCH, names another default guardrail (`now`) than
    /// the one the write is for (`was`): nothing was sent.
    DefaultMoved {
        workspace: String,
        was: String,
        now: String,
    },
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
    /// A plan of this one request, which did not land for `why`.
    pub fn single(request: Request, why: Why) -> Self {
        Failure {
            request,
            index: 0,
            of: 1,
            landed: vec![],
            why,
        }
    }

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
            Why::Changed(c) => write!(f, "conflict: {c}; nothing was sent"),
            Why::NotTheDefault(why) => write!(f, "{why}; nothing was sent"),
            Why::DefaultMoved {
                workspace,
                was,
                now,
            } => write!(
                f,
                "workspace {workspace} read again names another default guardrail ('{}', not '{}'); nothing was sent",
                crate::text::escape(now),
                crate::text::escape(was)
            ),
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
    if requests.is_empty() {
        return Ok(vec![]);
    }
    if super::stop::requested().is_some() {
        return Err(fail(0, vec![], Why::Stopped));
    }
    let mut before = precheck(client, plan)
        .await
        .map_err(|why| fail(0, vec![], why))?;
    let mut answers = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let step = |s: Step<'_>| on_step(r, s);
        match send_one(client, r, &before, policy, step).await {
            Ok(mut a) => {
                // The next budget request is settled against what this one made.
                if let (Request::Budget { request, .. }, Some(b)) = (r, before.budgets.as_mut()) {
                    *b = request.apply(b);
                }
                answers.append(&mut a);
            }
            Err(why) => return Err(fail(i, answers, why)),
        }
    }
    Ok(answers)
}

/// What the requests of a plan are settled against, once its pre-check passed.
#[derive(Default)]
struct Before<'a> {
    /// A key write's: the key as it is now, where the Review saw it.
    key: Option<KeyState>,
    /// A key edit's: the key as read right before it.
    key_read: Option<crate::admin::keys::Key>,
    /// A workspace delete's: the workspace as the Review saw it.
    workspace: Option<&'a Workspace>,
    /// A budgets plan's: what the server holds before the next request.
    budgets: Option<Budgets>,
    /// A guardrail PATCH's: the guardrail before it (`None` inside: not configured yet).
    guardrail: Option<Option<Map<String, Value>>>,
}

/// Before anything is sent: the state each kind of write starts from, read and checked.
/// A key must still be where the Review saw it; a budgets or guardrail write's base (read
/// again with [`Plan::read_again`]) must not hold another writer's change to what it changes;
/// a guardrail must be the default guardrail of its workspace (one not configured yet, whose
/// owner cannot be read, must still be named by the workspace read again by uuid).
async fn precheck<'a>(client: &Client, plan: &Plan<'a>) -> Result<Before<'a>, Why> {
    let mut before = Before {
        workspace: plan.reviewed,
        ..Before::default()
    };
    match plan.requests.first() {
        Some(
            Request::PatchKey { hash, .. }
            | Request::DeleteKey { hash }
            | Request::EditKey { hash, .. },
        ) => {
            let key = key_now(client, hash).await.map_err(Why::Unread)?;
            match key {
                Some(k) if plan.key_at.is_none_or(|at| k.workspace_id == at) => {
                    before.key = Some(KeyState::from(&k));
                    before.key_read = Some(k);
                }
                _ => {
                    return Err(Why::KeyGone {
                        hash: hash.clone(),
                        at: plan.key_at.map(str::to_string),
                    });
                }
            }
        }
        Some(Request::Budget { workspace, .. }) => {
            let base = match plan.base {
                Some(Base::Budgets(b)) => Some(*b),
                _ => None,
            };
            let now = match base {
                Some(b) if !plan.read_again => b,
                _ => client.get_budgets(workspace).await.map_err(Why::Unread)?,
            };
            if let Some(base) = base.filter(|_| plan.read_again) {
                let target = plan.requests.iter().fold(base, |b, r| match r {
                    Request::Budget { request, .. } => request.apply(&b),
                    _ => b,
                });
                let changed = crate::admin::budgets::conflicts(&base, &now, &target);
                if !changed.is_empty() {
                    return Err(Why::Changed(Changed::Budgets { now, changed }));
                }
            }
            before.budgets = Some(now);
        }
        Some(Request::Guardrail {
            workspace,
            guardrail_id,
            patch,
        }) => {
            let base = match plan.base {
                Some(Base::Guardrail(g)) => Some(g.cloned()),
                _ => None,
            };
            let now = match base.clone() {
                Some(g) if !plan.read_again => g,
                _ => client
                    .get_guardrail(guardrail_id)
                    .await
                    .map_err(Why::Unread)?,
            };
            default_guardrail_of(client, workspace, guardrail_id, now.as_ref()).await?;
            if let Some(base) = base.filter(|_| plan.read_again) {
                let fields = guardrail::conflicts(base.as_ref(), now.as_ref(), patch);
                if !fields.is_empty() {
                    return Err(Why::Changed(Changed::Guardrail { now, fields }));
                }
            }
            before.guardrail = Some(now);
        }
        _ => {}
    }
    Ok(before)
}

/// Right before a guardrail PATCH: a configured guardrail (`now`) must name `workspace` as
/// its own; one not configured yet (a 404: its owner cannot be read) must still be named by
/// the workspace, read again by its uuid (product.md §15: the same `default_guardrail_id`
/// twice; the PATCH answer's `workspace_id` is checked after).
async fn default_guardrail_of(
    client: &Client,
    workspace: &str,
    id: &str,
    now: Option<&Map<String, Value>>,
) -> Result<(), Why> {
    if let Some(g) = now {
        return match guardrail::not_the_default_of(g, workspace) {
            Some(why) => Err(Why::NotTheDefault(why)),
            None => Ok(()),
        };
    }
    let again = client.get(workspace).await.map_err(Why::Unread)?;
    let named = again
        .get("default_guardrail_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if again.id() != workspace || named != id {
        return Err(Why::DefaultMoved {
            workspace: workspace.to_string(),
            was: id.to_string(),
            now: named.to_string(),
        });
    }
    Ok(())
}

/// What lands on the server: read back to settle a write whose answer was lost.
pub(super) enum Seen {
    Key(Box<crate::admin::keys::Key>),
    Workspace(Box<Workspace>),
    Guardrail(Option<Map<String, Value>>),
}

/// Reads the server and settles `r` three ways (what was read, when it tells more).
async fn settle_one(
    client: &Client,
    r: &Request,
    before: &Before<'_>,
    started: time::OffsetDateTime,
) -> Result<(Settled<String>, Option<Seen>), String> {
    let not_found = |e: &ApiError| matches!(e, ApiError::NotFound { .. });
    let no_base = || "the key's state before the write is unknown".to_string();
    let key_base = before.key.as_ref();
    let reviewed = before.workspace;
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
        Request::EditKey { hash, edit } => {
            let base = before.key_read.as_ref().ok_or_else(no_base)?;
            let now = key_now(client, hash).await.map_err(|e| e.to_string())?;
            let settled = super::key::settle_edit(base, edit, now.as_ref());
            let seen = now.filter(|_| settled == Settled::Applied);
            Ok((settled, seen.map(|k| Seen::Key(Box::new(k)))))
        }
        Request::CreateKey { body } => {
            let keys = client
                .list_keys(&crate::admin::keys::KeyQuery::all_in(&body.workspace_id))
                .await
                .map_err(|e| e.to_string())?;
            let at = client.server_time(started);
            match crate::admin::key_labels::find_created(body, &keys, at) {
                Ok(None) => Ok((Settled::NotApplied, None)),
                Ok(Some(k)) => Ok((Settled::Applied, Some(Seen::Key(Box::new(k.clone()))))),
                Err(why) => Ok((Settled::Conflict(why), None)),
            }
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
        Request::Budget { workspace, request } => {
            let base = before
                .budgets
                .as_ref()
                .ok_or("the budgets before the write are unknown")?;
            let now = client
                .get_budgets(workspace)
                .await
                .map_err(|e| e.to_string())?;
            Ok((super::budgets::settle(base, request, &now), None))
        }
        Request::Guardrail {
            guardrail_id,
            patch,
            ..
        } => {
            let base = before
                .guardrail
                .as_ref()
                .ok_or("the guardrail before the write is unknown")?;
            let now = client
                .get_guardrail(guardrail_id)
                .await
                .map_err(|e| e.to_string())?;
            let settled = guardrail::settle(base.as_ref(), patch, now.as_ref());
            let seen = (settled == Settled::Applied).then_some(Seen::Guardrail(now));
            Ok((settled, seen))
        }
        Request::CreateGuardrail { .. }
        | Request::PatchNamedGuardrail { .. }
        | Request::DeleteGuardrail { .. }
        | Request::Assign { .. } => {
            let (settled, g) = super::guardrails::settle(client, r, started).await?;
            Ok((settled, g.map(|g| Seen::Guardrail(Some(g)))))
        }
    }
}

/// A guardrail PATCH's answer as settled: an answer naming another workspace proves nothing
/// by itself, so the guardrail is read again by its id, and only a re-read naming another
/// workspace too says the write landed on that one's guardrail.
async fn guardrail_written(
    client: &Client,
    workspace: &str,
    id: &str,
    answer: Map<String, Value>,
) -> Answer {
    let g = match guardrail::written(&answer, workspace) {
        guardrail::Written::Other(_) => match client.get_guardrail(id).await {
            Ok(Some(again)) => again,
            _ => answer,
        },
        guardrail::Written::Ours => answer,
    };
    let elsewhere = match guardrail::written(&g, workspace) {
        guardrail::Written::Other(owner) => Some(owner),
        guardrail::Written::Ours => None,
    };
    Answer::Guardrail {
        guardrail: Box::new(g),
        elsewhere,
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
    before: &Before<'_>,
    policy: RetryPolicy,
    step: impl FnMut(Step<'_>),
) -> Result<Vec<Answer>, Why> {
    let started = time::OffsetDateTime::now_utc();
    let seen = std::sync::Mutex::new(None);
    let recheck = || async {
        let (settled, what) = settle_one(client, r, before, started).await?;
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
        Request::EditKey { hash, edit } => {
            super::run(|| client.edit_key(hash, edit), recheck, policy, step)
                .await
                .map_done(|k| vec![Answer::Key(Box::new(k))])
        }
        Request::CreateKey { body } => {
            let end = super::run(|| client.create_key(body), recheck, policy, step).await;
            // An answer about a key this create did not make is claimed by no one (its
            // secret is dropped unseen).
            if let End::Done((key, _)) = &end
                && let Some(why) = crate::admin::key_labels::created_mismatch(
                    body,
                    key,
                    client.server_time(started),
                )
            {
                return Err(Why::NotOurs(format!(
                    "the server answered with key {} which this create cannot tell is its own: {why}; nothing was recorded",
                    key.hash
                )));
            }
            end.map_done(|(key, secret)| {
                vec![Answer::KeyCreated {
                    key: Box::new(key),
                    secret: Some(secret),
                }]
            })
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
        Request::Budget { workspace, request } => super::run(
            || client.send_budget_request(workspace, request),
            recheck,
            policy,
            step,
        )
        .await
        .map_done(|()| vec![Answer::Budget(request.clone())]),
        Request::CreateGuardrail { .. }
        | Request::PatchNamedGuardrail { .. }
        | Request::DeleteGuardrail { .. }
        | Request::Assign { .. } => {
            super::guardrails::send(client, r, policy, started, recheck, step).await?
        }
        Request::Guardrail {
            workspace,
            guardrail_id,
            patch,
        } => {
            let end = super::run(
                || client.patch_guardrail(guardrail_id, patch),
                recheck,
                policy,
                step,
            )
            .await;
            match end {
                End::Done(g) => {
                    return Ok(vec![
                        guardrail_written(client, workspace, guardrail_id, g).await,
                    ]);
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
                // Found by a re-read: the key exists, its secret was in the lost answer.
                (Request::CreateKey { .. }, Some(Seen::Key(k))) => Answer::KeyCreated {
                    key: k,
                    secret: None,
                },
                (_, Some(Seen::Key(k))) => Answer::Key(k),
                (_, Some(Seen::Workspace(ws))) => Answer::Created(ws),
                (
                    Request::Guardrail {
                        workspace,
                        guardrail_id,
                        patch,
                    },
                    seen,
                ) => {
                    // The re-read that showed it applied; without one (all it sent was null
                    // on a guardrail still not there), what it was with the PATCH on it.
                    let g = match seen {
                        Some(Seen::Guardrail(Some(g))) => g,
                        _ => {
                            let mut g = before.guardrail.clone().flatten().unwrap_or_default();
                            g.extend(patch.clone());
                            g
                        }
                    };
                    guardrail_written(client, workspace, guardrail_id, g).await
                }
                (Request::CreateGuardrail { .. } | Request::PatchNamedGuardrail { .. }, seen) => {
                    match seen {
                        Some(Seen::Guardrail(Some(g))) => Answer::NamedGuardrail(Box::new(g)),
                        _ => Answer::Note("the guardrail could not be read back".into()),
                    }
                }
                (Request::DeleteGuardrail { guardrail_id, .. }, _) => {
                    Answer::GuardrailDeleted(guardrail_id.clone())
                }
                (
                    Request::Assign {
                        members,
                        adding,
                        ids,
                        ..
                    },
                    _,
                ) => Answer::Assigned {
                    members: *members,
                    adding: *adding,
                    ids: ids.clone(),
                },
                (Request::Budget { request, .. }, _) => Answer::Budget(request.clone()),
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
