//! The whole workspace beyond its settings (product.md §10): budgets, the default guardrail,
//! members and keys. Pure rules and minimal changes; no I/O (the client is in [`crate::api`]).
//!
//! How the pieces fit (each write goes through a Review of the exact requests first):
//! - Budgets: [`budgets::parse_limit`] and [`budgets::check`] judge input live (R8, R9);
//!   [`budgets::plan`] turns held → target into ordered [`budgets::BudgetRequest`]s (R8 safe at
//!   every step, R10 handled); [`budgets::conflicts`] before sending; `Client::apply_budget_plan`
//!   sends them; after a partial failure [`budgets::undo_plan`] reverts only what landed.
//! - Guardrail: `Client::get_guardrail` (`None` = not configured, R14); [`guardrail::check`]
//!   and [`guardrail::patch`] give the minimal PATCH (R15); [`guardrail::conflicts`];
//!   `Client::patch_guardrail`.
//! - Members: `Client::list_members` joined by [`members::join`] with
//!   `Client::organization_members`; [`members::keys_blocking_removal`] warns of R6 before a
//!   removal; the R7 text is [`members::SCIM_OR_DEFAULT`].
//! - Keys: `Client::list_keys` with [`keys::KeyQuery`] (`KeyQuery::all_in` for a delete, R1);
//!   `Client::patch_key` with [`keys::KeyPatch`] (move, R5; disable); `Client::delete_key`;
//!   `Client::default_workspace_id` (R21).
//! - Workspaces: [`workspaces::created_by_us`] tells a created workspace from one that merely
//!   holds the slug (product.md §6, "Identity, down to nested resources").

pub mod budgets;
pub mod guardrail;
pub mod guardrails;
pub mod key_labels;
pub mod keys;
pub mod members;
pub mod policy;
pub mod spend;
pub mod workspaces;
