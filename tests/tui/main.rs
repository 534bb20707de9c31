//! The tui tests, one crate: an edit relinks one test binary, not one per file.

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod admin_landed;
mod admin_loop;
mod budgets;
mod bulk;
mod bulk_wire;
mod draft_burst;
mod event_loop;
mod guardrail;
mod guardrails_tab;
mod history;
mod hostile_batch;
mod hostile_followup;
mod hostile_identity;
mod keys;
mod keys_labels;
mod keys_tab_create;
mod picker_filter;
mod policy;
mod read_only;
mod safe_write;
mod safety;
mod submit;
mod trial;
mod update;
mod view;
mod wire;
mod write_one_entry;
mod write_settle;
