//! The pty tests, one crate: an edit relinks one test binary, not one per file.

#[path = "../support/mod.rs"]
mod support;

mod basics;
mod bulk;
mod guardrails;
mod keys;
mod profiles;
mod signals;
mod tabs;
