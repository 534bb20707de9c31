//! The fake tests, one crate: an edit relinks one test binary, not one per file.

#[path = "../support/mod.rs"]
mod support;

mod activity;
mod admin;
mod guardrails;
mod keys_create;
mod scale;
mod server;
mod spec;
