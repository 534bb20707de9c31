//! The I/O of the Budgets tab's effects: one async call per effect, answered with one message.

use super::{BudgetsEffect, BudgetsMsg};
use crate::admin::budgets;
use crate::api::Client;
use crate::write::End;

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
                let base = state;
                let recheck = || async {
                    let now = client.get_budgets(workspace).await?;
                    Ok::<_, crate::api::ApiError>(crate::write::budgets::settle(&base, r, &now))
                };
                let end = crate::write::run(
                    || client.send_budget_request(workspace, r),
                    recheck,
                    crate::write::RetryPolicy::default(),
                    |_| {},
                )
                .await;
                match end {
                    End::Done(()) | End::AfterAll => {
                        landed += 1;
                        state = expected;
                    }
                    // Another writer's limit: shown as the conflict it is, nothing more sent.
                    End::Conflict { .. } => {
                        let now = match client.get_budgets(workspace).await {
                            Ok(now) => now,
                            Err(e) => return Some(BudgetsMsg::CheckFailed(e)),
                        };
                        let changed = budgets::conflicts(&p.base, &now, &p.target);
                        if landed == 0 && !changed.is_empty() {
                            return Some(BudgetsMsg::Conflict { now, changed });
                        }
                        failure = Some(crate::api::WriteFailure::Failed(
                            crate::api::ApiError::Malformed(
                                "a budget changed on the server meanwhile; nothing more was sent"
                                    .into(),
                            ),
                        ));
                        break;
                    }
                    End::Refused(e)
                    | End::NotApplied(e)
                    | End::Partial(e)
                    | End::InDoubt { error: e, .. } => {
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
