//! The OpenRouter client: list, get and patch workspaces, the model catalog, typed errors, and
//! the admin endpoints (create/delete, members, keys, budgets, guardrail; see `admin.rs`).

mod admin;
mod client;
mod error;
mod guardrails;
mod key;
mod policy;
mod spend;
pub use spend::{ActivityQuery, Credits};

pub use admin::{AddedMembers, BudgetAnswer, BudgetPlanFailure};
pub use client::{
    Client, ClientConfig, MAX_BODY_BYTES, MAX_LIST_BYTES, MAX_PAGES, MAX_WORKSPACES, ModelSummary,
    RetryHook, RetryNotice, WriteFailure, check_workspace_name, encode as encode_segment,
};
pub use error::ApiError;
pub use guardrails::Assignment;
pub use key::{ApiKey, check_base_url};
