//! The I/O the write tabs' runners share: a plan sent through the core's one send
//! ([`crate::write::send::send`]), as the CLI's is, and why it stopped as one error.

use crate::api::{ApiError, Client};
use crate::write::RetryPolicy;
use crate::write::request::{Answer, Request};
use crate::write::send::{self, Base, Failure, Plan, Why};

/// Sends `requests` in order after reading `base` again first: another writer's change to what
/// they change is a conflict, and nothing is sent.
pub async fn send(
    client: &Client,
    requests: &[Request],
    base: Base<'_>,
    policy: RetryPolicy,
) -> Result<Vec<Answer>, Failure> {
    let plan = Plan {
        requests,
        base: Some(base),
        read_again: true,
        ..Plan::default()
    };
    send::send(client, &plan, policy, |_, _| {}).await
}

/// Why a send stopped, as the error its result says (the tab handles a conflict and a base it
/// could not read again itself).
pub fn error(why: Why) -> ApiError {
    match why {
        Why::Refused(e) | Why::NotApplied(e) | Why::Partial(e) | Why::InDoubt { error: e, .. } => e,
        Why::Stopped => ApiError::Stopped,
        why => ApiError::Malformed(why.to_string()),
    }
}
