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
            // One request at a time, each the safe way: a lost answer is settled by reading
            // again (as the CLI does), so a request that landed is counted and recorded.
            let mut state = now;
            let mut landed = 0;
            let mut failure = None;
            for r in &p.requests {
                let expected = r.apply(&state);
                let carries_byok = matches!(
                    r,
                    budgets::BudgetRequest::Put {
                        include_byok: Some(_),
                        ..
                    }
                );
                let recheck = || async {
                    let b = client.get_budgets(workspace).await?;
                    Ok::<bool, crate::api::ApiError>(
                        b.limits == expected.limits
                            && (!carries_byok || b.include_byok == expected.include_byok),
                    )
                };
                let end = crate::admin_write::write(
                    || client.send_budget_request(workspace, r),
                    recheck,
                    crate::submit::RetryPolicy::default(),
                    |_| {},
                )
                .await;
                match end {
                    crate::admin_write::End::Done(()) | crate::admin_write::End::AfterAll => {
                        landed += 1;
                        state = expected;
                    }
                    crate::admin_write::End::Refused(e)
                    | crate::admin_write::End::NotApplied(e)
                    | crate::admin_write::End::InDoubt { error: e, .. } => {
                        failure = Some(crate::api::WriteFailure::Failed(e));
                        break;
                    }
                }
            }
            Some(BudgetsMsg::Sent { landed, failure })
        }
        BudgetsEffect::Cancel
        | BudgetsEffect::Record(_)
        | BudgetsEffect::Help
        | BudgetsEffect::Quit
        | BudgetsEffect::Back => None,
    }
}
