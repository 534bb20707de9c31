//! The I/O of the Budgets tab's effects: one async call per effect, answered with one message.

use super::{BudgetsEffect, BudgetsMsg};
use crate::admin::budgets;
use crate::api::Client;

/// Performs `effect` against the server; `None` for the effects the host handles itself.
pub async fn run(client: &Client, workspace: &str, effect: BudgetsEffect) -> Option<BudgetsMsg> {
    match effect {
        BudgetsEffect::Load => Some(BudgetsMsg::Loaded(client.get_budgets(workspace).await)),
        BudgetsEffect::Send(p) => {
            // The conflict check: what the server holds now against what the edit was based on.
            let now = match client.get_budgets(workspace).await {
                Ok(now) => now,
                Err(e) => return Some(BudgetsMsg::CheckFailed(e)),
            };
            let changed = budgets::conflicts(&p.base, &now, &p.target);
            if !changed.is_empty() {
                return Some(BudgetsMsg::Conflict { now, changed });
            }
            Some(
                match client.apply_budget_plan(workspace, &p.requests).await {
                    Ok(()) => BudgetsMsg::Sent {
                        landed: p.requests.len(),
                        failure: None,
                    },
                    Err(f) => BudgetsMsg::Sent {
                        landed: f.landed,
                        failure: Some(f.failure),
                    },
                },
            )
        }
        BudgetsEffect::Cancel
        | BudgetsEffect::Record(_)
        | BudgetsEffect::Help
        | BudgetsEffect::Quit
        | BudgetsEffect::Back => None,
    }
}
