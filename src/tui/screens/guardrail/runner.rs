//! The I/O of the Guardrail tab's effects: one async call per effect, answered with one message.
//! A PATCH is sent through the core's one send ([`crate::write::send::send`]), as the CLI's
//! is: the guardrail's identity checked before it and on its answer, settled three ways.

use super::{GuardrailEffect, GuardrailMsg};
use crate::admin::guardrail;
use crate::api::{ApiError, Client, WriteFailure};
use crate::tui::screens::tab_write;
use crate::write::RetryPolicy;
use crate::write::request::{Answer, Request};
use crate::write::send::{Base, Changed, Why};

/// Performs `effect` (a write waits out a busy server as `policy` says); `None` for the effects the host handles itself.
pub async fn run(
    client: &Client,
    id: &str,
    effect: GuardrailEffect,
    policy: RetryPolicy,
) -> Option<GuardrailMsg> {
    match effect {
        GuardrailEffect::Load => Some(GuardrailMsg::Loaded(client.get_guardrail(id).await)),
        GuardrailEffect::Send(p) => {
            let requests = [Request::Guardrail {
                workspace: p.owner.clone(),
                guardrail_id: id.to_string(),
                patch: p.patch.clone(),
            }];
            // The guardrail is read again first: it must still be `owner`'s default one (one
            // not configured yet: the workspace, read again, must still name it), and another
            // writer's change to a field this PATCH changes is a conflict, nothing sent.
            let sent = tab_write::runner::send(
                client,
                &requests,
                Base::Guardrail(p.base.as_ref()),
                policy,
            )
            .await;
            let f = match sent {
                Ok(answers) => {
                    let g = answers.into_iter().find_map(|a| match a {
                        Answer::Guardrail { guardrail, .. } => Some(*guardrail),
                        _ => None,
                    });
                    return Some(GuardrailMsg::Sent(Ok(g.unwrap_or_default())));
                }
                Err(f) => f,
            };
            let failed = |e| Some(GuardrailMsg::Sent(Err(WriteFailure::Failed(e))));
            match f.why {
                Why::Unread(e) => Some(GuardrailMsg::CheckFailed(e)),
                Why::NotTheDefault(why) => {
                    Some(GuardrailMsg::CheckFailed(ApiError::Malformed(why)))
                }
                Why::DefaultMoved {
                    workspace,
                    was,
                    now,
                } => Some(GuardrailMsg::CheckFailed(ApiError::Malformed(format!(
                    "workspace {workspace} read again names another default guardrail ('{}', not '{}')",
                    crate::text::escape(&now),
                    crate::text::escape(&was)
                )))),
                Why::Changed(Changed::Guardrail { now, fields }) => {
                    Some(GuardrailMsg::Conflict { fields, now })
                }
                // Someone else's change during a wait: the Conflict screen, nothing more sent.
                Why::Conflict { error, .. } => match client.get_guardrail(id).await {
                    Ok(now) => {
                        let fields = guardrail::conflicts(p.base.as_ref(), now.as_ref(), &p.patch);
                        Some(GuardrailMsg::Conflict { fields, now })
                    }
                    Err(_) => failed(error),
                },
                why => failed(tab_write::runner::error(why)),
            }
        }
        GuardrailEffect::Cancel
        | GuardrailEffect::Record(_)
        | GuardrailEffect::Back
        | GuardrailEffect::OpenEditor { .. } => None,
    }
}

/// [`run`] for a named guardrail of workspace `owner` (`None`: account-wide): read with its
/// id (a 404 is an error, never "not configured"), its PATCH through the core's one send as
/// `orws guardrails patch` sends it (its answer must be this guardrail of this workspace).
pub async fn run_named(
    client: &Client,
    id: &str,
    owner: Option<String>,
    effect: GuardrailEffect,
    policy: RetryPolicy,
) -> Option<GuardrailMsg> {
    match effect {
        GuardrailEffect::Load => Some(GuardrailMsg::Loaded(
            client.get_named_guardrail(id).await.map(Some),
        )),
        GuardrailEffect::Send(p) => {
            let base = p.base.clone().unwrap_or_default();
            // Another writer's change to a field this PATCH changes: a conflict, nothing sent.
            match client.get_named_guardrail(id).await {
                Ok(now) => {
                    let fields =
                        crate::admin::guardrail::conflicts(Some(&base), Some(&now), &p.patch);
                    if !fields.is_empty() {
                        return Some(GuardrailMsg::Conflict {
                            fields,
                            now: Some(now),
                        });
                    }
                }
                Err(e) => return Some(GuardrailMsg::CheckFailed(e)),
            }
            let requests = [Request::PatchNamedGuardrail {
                guardrail_id: id.to_string(),
                workspace: owner,
                base,
                patch: p.patch.clone(),
            }];
            let plan = crate::write::send::Plan {
                requests: &requests,
                ..Default::default()
            };
            match crate::write::send::send(client, &plan, policy, |_, _| {}).await {
                Ok(answers) => {
                    let g = answers.into_iter().find_map(|a| match a {
                        Answer::NamedGuardrail(g) => Some(*g),
                        _ => None,
                    });
                    Some(GuardrailMsg::Sent(Ok(g.unwrap_or_default())))
                }
                Err(f) => match f.why {
                    Why::Unread(e) => Some(GuardrailMsg::CheckFailed(e)),
                    why => Some(GuardrailMsg::Sent(Err(WriteFailure::Failed(
                        tab_write::runner::error(why),
                    )))),
                },
            }
        }
        GuardrailEffect::Cancel
        | GuardrailEffect::Record(_)
        | GuardrailEffect::Back
        | GuardrailEffect::OpenEditor { .. } => None,
    }
}
