//! The whole workspace beyond its settings (product.md §10): budgets, the default guardrail,
//! members and keys. Pure rules and minimal changes; no I/O (the client is in [`crate::api`]).

pub mod budgets;
pub mod guardrail;
pub mod keys;
pub mod members;
