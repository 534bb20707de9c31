//! The I/O of the Guardrail tab's effects: one async call per effect, answered with one message.

use super::{GuardrailEffect, GuardrailMsg};
use crate::admin::guardrail;
use crate::api::Client;
use crate::write::End;

/// Performs `effect`; `None` for the effects the host handles itself.
pub async fn run(client: &Client, id: &str, effect: GuardrailEffect) -> Option<GuardrailMsg> {
    match effect {
        GuardrailEffect::Load => Some(GuardrailMsg::Loaded(client.get_guardrail(id).await)),
        GuardrailEffect::Send(p) => {
            let now = match client.get_guardrail(id).await {
                Ok(now) => now,
                Err(e) => return Some(GuardrailMsg::CheckFailed(e)),
            };
            if let Err(e) = check_owner(client, id, &p.owner, now.as_ref()).await {
                return Some(GuardrailMsg::CheckFailed(e));
            }
            let fields = guardrail::conflicts(p.base.as_ref(), now.as_ref(), &p.patch);
            if !fields.is_empty() {
                return Some(GuardrailMsg::Conflict { fields, now });
            }
            // A lost answer, and a busy one after its wait, are settled three ways against the
            // state just read (the base of what is sent): applied, not applied (a busy answer is
            // then tried again), or someone else's change (the Conflict screen, nothing more sent).
            let mut target = now.clone().unwrap_or_default();
            target.extend(p.patch.clone());
            let seen = std::sync::Mutex::new(None);
            let recheck = || async {
                let reread = client.get_guardrail(id).await?;
                let settled = guardrail::settle(now.as_ref(), &p.patch, reread.as_ref());
                *seen.lock().unwrap_or_else(|e| e.into_inner()) = reread;
                Ok::<_, crate::api::ApiError>(settled)
            };
            let end = crate::write::run(
                || client.patch_guardrail(id, &p.patch),
                recheck,
                crate::write::RetryPolicy::default(),
                |_| {},
            )
            .await;
            let failed = |e| Err(crate::api::WriteFailure::Failed(e));
            let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
            Some(GuardrailMsg::Sent(match end {
                // An answer naming another workspace proves nothing by itself: read the
                // guardrail again by its id; only a re-read naming another one too says so.
                End::Done(g) => match guardrail::written(&g, &p.owner) {
                    guardrail::Written::Other(_) => match client.get_guardrail(id).await {
                        Ok(Some(again)) => Ok(again),
                        _ => Ok(g),
                    },
                    guardrail::Written::Ours => Ok(g),
                },
                End::AfterAll => Ok(seen.unwrap_or(target)),
                End::Conflict { .. } => {
                    let fields = guardrail::conflicts(now.as_ref(), seen.as_ref(), &p.patch);
                    return Some(GuardrailMsg::Conflict { fields, now: seen });
                }
                End::Refused(e) | End::NotApplied(e) | End::Partial(e) => failed(e),
                End::InDoubt { error, .. } => failed(error),
            }))
        }
        GuardrailEffect::Cancel
        | GuardrailEffect::Record(_)
        | GuardrailEffect::Help
        | GuardrailEffect::Quit
        | GuardrailEffect::Back
        | GuardrailEffect::OpenEditor(_) => None,
    }
}

/// Right before the PATCH: a configured guardrail must name `owner` as its workspace; one not
/// configured yet (404) cannot be checked, so the workspace, read again by uuid, must still
/// name `id` as its default guardrail (the answer's `workspace_id` is checked after).
async fn check_owner(
    client: &Client,
    id: &str,
    owner: &str,
    now: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<(), crate::api::ApiError> {
    let refused = |why: String| crate::api::ApiError::Malformed(why);
    if let Some(g) = now {
        return match guardrail::not_the_default_of(g, owner) {
            Some(why) => Err(refused(why)),
            None => Ok(()),
        };
    }
    let again = client.get(owner).await?;
    let named = again
        .get("default_guardrail_id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if again.id() != owner || named != id {
        return Err(refused(format!(
            "workspace {owner} read again names another default guardrail ('{}', not '{}')",
            crate::text::escape(named),
            crate::text::escape(id)
        )));
    }
    Ok(())
}
