//! The I/O of the Guardrail tab's effects: one async call per effect, answered with one message.

use super::{GuardrailEffect, GuardrailMsg};
use crate::admin::guardrail;
use crate::api::Client;

/// Performs `effect`; `None` for the effects the host handles itself.
pub async fn run(client: &Client, id: &str, effect: GuardrailEffect) -> Option<GuardrailMsg> {
    match effect {
        GuardrailEffect::Load => Some(GuardrailMsg::Loaded(client.get_guardrail(id).await)),
        GuardrailEffect::Send(p) => {
            let now = match client.get_guardrail(id).await {
                Ok(now) => now,
                Err(e) => return Some(GuardrailMsg::CheckFailed(e)),
            };
            let fields = guardrail::conflicts(p.base.as_ref(), now.as_ref(), &p.patch);
            if !fields.is_empty() {
                return Some(GuardrailMsg::Conflict { fields, now });
            }
            // A lost answer is settled by reading again (as the CLI does), so a change that
            // landed is shown and recorded as applied; a busy server is read before a retry.
            let mut target = now.clone().unwrap_or_default();
            target.extend(p.patch.clone());
            let seen = std::sync::Mutex::new(None);
            let recheck = || async {
                let reread = client.get_guardrail(id).await?;
                let landed =
                    guardrail::conflicts(Some(&target), reread.as_ref(), &p.patch).is_empty();
                *seen.lock().unwrap_or_else(|e| e.into_inner()) = reread;
                Ok::<bool, crate::api::ApiError>(landed)
            };
            let end = crate::admin_write::write(
                || client.patch_guardrail(id, &p.patch),
                recheck,
                crate::submit::RetryPolicy::default(),
                |_| {},
            )
            .await;
            let failed = |e| Err(crate::api::WriteFailure::Failed(e));
            Some(GuardrailMsg::Sent(match end {
                crate::admin_write::End::Done(g) => Ok(g),
                crate::admin_write::End::AfterAll => {
                    match seen.into_inner().unwrap_or_else(|e| e.into_inner()) {
                        Some(g) => Ok(g),
                        None => Ok(target),
                    }
                }
                crate::admin_write::End::Refused(e) | crate::admin_write::End::NotApplied(e) => {
                    failed(e)
                }
                crate::admin_write::End::InDoubt { error, .. } => failed(error),
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
