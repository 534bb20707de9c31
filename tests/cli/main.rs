//! The cli tests, one crate: an edit relinks one test binary, not one per file.

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod admin_hostile;
mod basics;
mod code;
mod code_org;
mod code_org_props;
mod conventions;
mod drift;
mod guardrails;
mod guardrails_hostile;
mod history;
mod hostile;
mod hostile_code;
mod hostile_history;
mod interrupt;
mod key_policy;
mod keys_create;
mod profiles;
mod read_only;
mod revert_kind;
mod review_language;
mod small_defects;
mod spend;
mod stdout;
