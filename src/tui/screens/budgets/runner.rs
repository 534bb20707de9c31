//! The I/O of the Budgets tab's effects: one async call per effect, answered with one message.
//! A plan is sent through the core's one send ([`crate::write::send::send`]), as the CLI's is.

use super::{BudgetsEffect, BudgetsMsg};
use crate::admin::budgets;
use crate::api::{ApiError, Client, WriteFailure};
use crate::tui::screens::tab_write;
use crate::write::RetryPolicy;
use crate::write::request::Request;
use crate::write::send::{Base, Changed, Why};

/// Performs `effect` (a write waits out a busy server as `policy` says) against the server; `None` for the effects the host handles itself.
pub async fn run(
    client: &Client,
    workspace: &str,
    effect: BudgetsEffect,
    policy: RetryPolicy,
) -> Option<BudgetsMsg> {
    match effect {
        BudgetsEffect::Load => Some(BudgetsMsg::Loaded(client.get_budgets(workspace).await)),
        BudgetsEffect::Send(p) => {
            let requests: Vec<Request> = p
                .requests
                .iter()
                .map(|r| Request::Budget {
                    workspace: workspace.to_string(),
                    request: r.clone(),
                })
                .collect();
            // The Review's base is read again first: another writer's change to a budget this
            // plan changes is a conflict, and nothing is sent.
            let sent =
                tab_write::runner::send(client, &requests, Base::Budgets(&p.base), policy).await;
            let f = match sent {
                Ok(_) => {
                    return Some(BudgetsMsg::Sent {
                        landed: p.requests.len(),
                        failure: None,
                    });
                }
                Err(f) => f,
            };
            let landed = f.index;
            let failed = |e| {
                Some(BudgetsMsg::Sent {
                    landed,
                    failure: Some(WriteFailure::Failed(e)),
                })
            };
            match f.why {
                Why::Unread(e) => Some(BudgetsMsg::CheckFailed(e)),
                Why::Changed(Changed::Budgets { now, changed }) => {
                    Some(BudgetsMsg::Conflict { now, changed })
                }
                // Another writer's limit during a wait: shown as the conflict it is when
                // nothing of ours landed, nothing more sent either way.
                Why::Conflict { .. } => {
                    let now = match client.get_budgets(workspace).await {
                        Ok(now) => now,
                        Err(e) => return Some(BudgetsMsg::CheckFailed(e)),
                    };
                    let changed = budgets::conflicts(&p.base, &now, &p.target);
                    if landed == 0 && !changed.is_empty() {
                        return Some(BudgetsMsg::Conflict { now, changed });
                    }
                    failed(ApiError::Malformed(
                        "a budget changed on the server meanwhile; nothing more was sent".into(),
                    ))
                }
                why => failed(tab_write::runner::error(why)),
            }
        }
        BudgetsEffect::LoadSpend => {
            let q = crate::api::ActivityQuery {
                workspace_id: Some(workspace.to_string()),
                api_key_hash: None,
            };
            let keys = crate::admin::keys::KeyQuery::all_in(workspace);
            let (activity, keys) = tokio::join!(client.activity(&q), client.list_keys(&keys));
            let read = activity.map(|rows| super::SpendRead {
                rows,
                today: client.server_time(time::OffsetDateTime::now_utc()).date(),
                keys: keys.map_err(|e| e.to_string()),
            });
            Some(BudgetsMsg::Spend(read.map_err(|e| e.to_string())))
        }
        BudgetsEffect::Cancel | BudgetsEffect::Record(_) | BudgetsEffect::Back => None,
    }
}
