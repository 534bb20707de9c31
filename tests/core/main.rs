//! The core tests, one crate: an edit relinks one test binary, not one per file.

#[path = "../support/mod.rs"]
mod support;

mod admin_hostile;
mod admin_rules;
mod batch;
mod catalog;
mod client;
mod code_plan_props;
mod config;
mod guardrails;
mod hostile_wire;
mod patch_props;
mod rules;
mod write_stop;
