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
            Some(GuardrailMsg::Sent(
                client.patch_guardrail(id, &p.patch).await,
            ))
        }
        GuardrailEffect::Cancel
        | GuardrailEffect::Record(_)
        | GuardrailEffect::Help
        | GuardrailEffect::Quit
        | GuardrailEffect::Back
        | GuardrailEffect::OpenEditor(_) => None,
    }
}
