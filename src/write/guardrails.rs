//! Named guardrails and assignments as write targets (product.md §15): a create identified on
//! a re-read (the single guardrail of the workspace with the sent name and fields, created
//! since the request started), a PATCH whose answer must be the guardrail asked for, a delete,
//! and an assignment settled by re-reading the guardrail's assignment list (its answer holds
//! only a count).

use super::request::{Answer, Request};
use super::send::Why;
use super::{End, RetryPolicy, Settled, Step};
use crate::admin::guardrails::{self, Found};
use crate::api::{ApiError, Client};
use serde_json::{Map, Value};
use std::future::Future;
use time::OffsetDateTime;

type Ended = End<Vec<Answer>, String, String>;

/// Reads the server and settles `r` three ways; the guardrail read when it shows `r` landed.
pub(super) async fn settle(
    client: &Client,
    r: &Request,
    started: OffsetDateTime,
) -> Result<(Settled<String>, Option<Map<String, Value>>), String> {
    let gone = |e: &ApiError| matches!(e, ApiError::NotFound { .. });
    match r {
        Request::CreateGuardrail { workspace, body } => {
            let listed = client
                .list_guardrails(workspace)
                .await
                .map_err(|e| e.to_string())?;
            let since = client.server_time(started);
            Ok(
                match guardrails::find_created(body, &listed, workspace, since) {
                    Found::None => (Settled::NotApplied, None),
                    Found::Ours(g) => (Settled::Applied, Some(*g)),
                    Found::CannotTell(why) => (Settled::Conflict(why), None),
                },
            )
        }
        Request::PatchNamedGuardrail {
            guardrail_id,
            base,
            patch,
            ..
        } => {
            let now = match client.get_named_guardrail(guardrail_id).await {
                Ok(g) => Some(g),
                Err(e) if gone(&e) => None,
                Err(e) => return Err(e.to_string()),
            };
            let settled = guardrails::settle(base, patch, now.as_ref());
            Ok((settled.clone(), now.filter(|_| settled == Settled::Applied)))
        }
        Request::DeleteGuardrail { guardrail_id, .. } => {
            match client.get_named_guardrail(guardrail_id).await {
                Ok(_) => Ok((Settled::NotApplied, None)),
                Err(e) if gone(&e) => Ok((Settled::Applied, None)),
                Err(e) => Err(e.to_string()),
            }
        }
        Request::Assign {
            guardrail_id,
            members,
            adding,
            ids,
            ..
        } => {
            let now = client
                .guardrail_assignments(guardrail_id, *members)
                .await
                .map_err(|e| e.to_string())?;
            Ok((guardrails::settle_assignment(ids, *adding, &now), None))
        }
        _ => Err("not a named guardrail's write".into()),
    }
}

/// Sends `r` through the one retry loop; a clean answer is checked (a create's identity, a
/// PATCH's guardrail, an assignment's list read again) before it is believed.
pub(super) async fn send<RF>(
    client: &Client,
    r: &Request,
    policy: RetryPolicy,
    started: OffsetDateTime,
    recheck: impl FnMut() -> RF,
    step: impl FnMut(Step<'_>),
) -> Result<Ended, Why>
where
    RF: Future<Output = Result<Settled<String>, String>>,
{
    match r {
        Request::CreateGuardrail { workspace, body } => {
            let end = super::run(|| client.create_guardrail(body), recheck, policy, step).await;
            let since = client.server_time(started);
            let End::Done(g) = end else {
                return Ok(end.map_done(|g| vec![Answer::NamedGuardrail(Box::new(g))]));
            };
            let Some(why) = guardrails::created_mismatch(body, &g, workspace, since) else {
                return Ok(End::Done(vec![Answer::NamedGuardrail(Box::new(g))]));
            };
            // An answer about a guardrail this create did not make is not believed: the
            // workspace's guardrails are read again for the one it made.
            let listed = client
                .list_guardrails(workspace)
                .await
                .map_err(|e| Why::InDoubt {
                    error: ApiError::Malformed(why.clone()),
                    reread: e.to_string(),
                })?;
            match guardrails::find_created(body, &listed, workspace, since) {
                Found::Ours(ours) => Ok(End::Done(vec![
                    Answer::Note(format!(
                        "the answer was about another guardrail ({why}): not believed; reading the workspace's guardrails again shows the one created"
                    )),
                    Answer::NamedGuardrail(ours),
                ])),
                Found::None => Err(Why::NotOurs(format!(
                    "the answer is a guardrail orws did not create ({why}), and reading the workspace's guardrails again shows none created; nothing was recorded"
                ))),
                Found::CannotTell(line) => Err(Why::NotOurs(line)),
            }
        }
        Request::PatchNamedGuardrail {
            guardrail_id,
            workspace,
            base,
            patch,
        } => {
            let end = super::run(
                || client.patch_guardrail(guardrail_id, patch),
                recheck,
                policy,
                step,
            )
            .await;
            let End::Done(g) = end else {
                return Ok(end.map_done(|_| vec![]));
            };
            // An answer about another guardrail, or another workspace's, is not believed:
            // the guardrail is read again by its id, and that read must be the one meant.
            let Some(why) = guardrails::not_the_one(&g, guardrail_id, workspace.as_deref()) else {
                return Ok(End::Done(vec![Answer::NamedGuardrail(Box::new(g))]));
            };
            let again = client
                .get_named_guardrail(guardrail_id)
                .await
                .map_err(|e| Why::InDoubt {
                    error: ApiError::Malformed(why.clone()),
                    reread: e.to_string(),
                })?;
            match guardrails::not_the_one(&again, guardrail_id, workspace.as_deref()) {
                None if guardrails::settle(base, patch, Some(&again)) == Settled::Applied => {
                    Ok(End::Done(vec![
                        Answer::Note(format!(
                            "{why}: not believed; reading the guardrail again shows the change"
                        )),
                        Answer::NamedGuardrail(Box::new(again)),
                    ]))
                }
                None => Err(Why::NotApplied(ApiError::Malformed(format!(
                    "{why}; reading the guardrail again shows the change is not there"
                )))),
                Some(still) => Err(Why::Conflict {
                    error: ApiError::Malformed(why),
                    what: still,
                }),
            }
        }
        Request::DeleteGuardrail { guardrail_id, .. } => Ok(super::run(
            || client.delete_guardrail(guardrail_id),
            recheck,
            policy,
            step,
        )
        .await
        .map_done(|()| vec![Answer::GuardrailDeleted(guardrail_id.clone())])),
        Request::Assign {
            guardrail_id,
            members,
            adding,
            ids,
            ..
        } => {
            let end = super::run(
                || client.assign(guardrail_id, *members, *adding, ids),
                recheck,
                policy,
                step,
            )
            .await;
            let End::Done(count) = end else {
                return Ok(end.map_done(|_| vec![]));
            };
            // The answer holds only a count: who is settled by reading the list again.
            let now = client
                .guardrail_assignments(guardrail_id, *members)
                .await
                .map_err(|e| Why::InDoubt {
                    error: ApiError::Malformed(format!("the server counted {count}")),
                    reread: e.to_string(),
                })?;
            match guardrails::settle_assignment(ids, *adding, &now) {
                Settled::Applied => Ok(End::Done(vec![Answer::Assigned {
                    members: *members,
                    adding: *adding,
                    ids: ids.clone(),
                }])),
                other => Err(Why::Conflict {
                    error: ApiError::Malformed(format!("the server counted {count}")),
                    what: format!(
                        "the server answered {count}, but reading guardrail '{guardrail_id}' again shows the {} not as sent ({other:?})",
                        if *members { "members" } else { "keys" }
                    ),
                }),
            }
        }
        _ => Err(Why::Refused(ApiError::Malformed(
            "not a named guardrail's write".into(),
        ))),
    }
}
